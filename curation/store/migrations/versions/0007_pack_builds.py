"""Every pack zip ever built is registered: `pack_builds` (one row per file written, with where it
lives and its state), so revoking a clip finds every copy, not only the last build of a pack name.

Revision ID: 0007
Revises: 0006
"""
import json

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "pack_builds",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("pack_id", sa.String(64), nullable=False),
        sa.Column("name", sa.String(256), nullable=False),
        sa.Column("path", sa.Text, nullable=False),
        sa.Column("location", sa.String(16), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("size", sa.Integer, nullable=False),
        sa.Column("clip_ids_json", sa.Text, nullable=False),
        sa.Column("built_by", sa.String(128), nullable=False),
        sa.Column("built_at", sa.String(32), nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("state_at", sa.String(32)),
        sa.Column("state_reason", sa.Text),
    )
    op.create_index("ix_pack_builds_pack", "pack_builds", ["pack_id"])
    op.create_index("ix_pack_builds_path", "pack_builds", ["path"])
    op.create_table(
        "pack_build_clips",
        sa.Column("build_id", sa.String(32), sa.ForeignKey("pack_builds.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("clip_id", sa.String(64), primary_key=True),
    )
    op.create_index("ix_pack_build_clips_clip", "pack_build_clips", ["clip_id"])
    # builds registered before this revision: the last path of each pack name is all that was known
    conn = op.get_bind()
    rows = conn.execute(sa.text("SELECT id, name, path, sha256, built_by, built_at, state, revoked_at, "
                                "revoked_reason FROM packs")).all()
    for n, r in enumerate(rows):
        clip_ids = [c for (c,) in conn.execute(sa.text("SELECT clip_id FROM pack_clips WHERE pack_id = :p "
                                                       "ORDER BY position"), {"p": r.id})]
        build_id = f"build-legacy{n:06d}"
        state = "revoked" if r.state == "revoked" else "external"
        conn.execute(sa.text(
            "INSERT INTO pack_builds (id, pack_id, name, path, location, sha256, size, clip_ids_json, built_by, "
            "built_at, state, state_at, state_reason) VALUES (:id, :pack, :name, :path, 'external', :sha, 0, "
            ":clips, :by, :at, :state, :state_at, :reason)"),
            {"id": build_id, "pack": r.id, "name": r.name, "path": r.path or "", "sha": r.sha256,
             "clips": json.dumps(clip_ids), "by": r.built_by, "at": r.built_at, "state": state,
             "state_at": r.revoked_at, "reason": r.revoked_reason})
        for c in clip_ids:
            conn.execute(sa.text("INSERT INTO pack_build_clips (build_id, clip_id) VALUES (:b, :c)"),
                         {"b": build_id, "c": c})


def downgrade() -> None:
    op.drop_index("ix_pack_build_clips_clip", "pack_build_clips")
    op.drop_table("pack_build_clips")
    op.drop_index("ix_pack_builds_path", "pack_builds")
    op.drop_index("ix_pack_builds_pack", "pack_builds")
    op.drop_table("pack_builds")
