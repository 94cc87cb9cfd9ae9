"""Clips, review and packs: redaction spans per clip, anonymisation results, pack registry,
and an index so a clip's audit events are found without scanning the whole trail.

Revision ID: 0004
Revises: 0003_difficulty
"""
import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003_difficulty"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "clip_redactions",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("clip_id", sa.String(64), sa.ForeignKey("clips.id", ondelete="CASCADE"), nullable=False),
        sa.Column("first_word", sa.Integer, nullable=False),
        sa.Column("last_word", sa.Integer, nullable=False),
        sa.Column("start", sa.Float, nullable=False),
        sa.Column("end", sa.Float, nullable=False),
        sa.Column("speaker", sa.String(256), nullable=False),
        sa.Column("entity_type", sa.String(32), nullable=False),
        sa.Column("score", sa.Float),
        sa.Column("source", sa.String(16), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("decided_by", sa.String(128)),
        sa.Column("decided_at", sa.String(32)),
    )
    op.create_index("ix_clip_redactions_clip", "clip_redactions", ["clip_id"])
    op.create_table(
        "clip_anonymisations",
        sa.Column("clip_id", sa.String(64), sa.ForeignKey("clips.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("blocked_reason", sa.Text),
        sa.Column("voice_method", sa.String(16)),
        sa.Column("files_json", sa.Text, nullable=False, server_default="{}"),
        sa.Column("report_json", sa.Text, nullable=False, server_default="{}"),
        sa.Column("rescan_json", sa.Text, nullable=False, server_default="[]"),
        sa.Column("created_by", sa.String(128), nullable=False),
        sa.Column("created_at", sa.String(32), nullable=False),
    )
    op.create_table(
        "packs",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("name", sa.String(256), nullable=False),
        sa.Column("title", sa.Text),
        sa.Column("path", sa.Text),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("built_by", sa.String(128), nullable=False),
        sa.Column("built_at", sa.String(32), nullable=False),
        sa.Column("builds", sa.Integer, nullable=False, server_default="1"),
        sa.Column("state", sa.String(16), nullable=False, server_default="built"),
        sa.Column("revoked_at", sa.String(32)),
        sa.Column("revoked_reason", sa.Text),
    )
    op.create_table(
        "pack_clips",
        sa.Column("pack_id", sa.String(64), sa.ForeignKey("packs.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("clip_id", sa.String(64), sa.ForeignKey("clips.id"), primary_key=True),
        sa.Column("position", sa.Integer, nullable=False),
    )
    op.create_index("ix_pack_clips_clip", "pack_clips", ["clip_id"])
    op.create_index("ix_audit_events_object", "audit_events", ["object_type", "object_id"])


def downgrade() -> None:
    op.drop_index("ix_audit_events_object", "audit_events")
    for table in ("pack_clips", "packs", "clip_anonymisations", "clip_redactions"):
        op.drop_table(table)
