"""Room for the curation stages: users and roles, clips, consent records, reviews,
audit events; calls get `imported_by`.

Revision ID: 0002
Revises: 0001
"""
import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("calls") as batch:
        batch.add_column(sa.Column("imported_by", sa.String(128)))
    op.create_table(
        "users",
        sa.Column("name", sa.String(128), primary_key=True),
        sa.Column("role", sa.String(32), primary_key=True),
        sa.Column("added_by", sa.String(128), nullable=False),
        sa.Column("added_at", sa.String(32), nullable=False),
    )
    op.create_table(
        "clips",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("call_id", sa.String(128), sa.ForeignKey("calls.id"), nullable=False),
        sa.Column("start", sa.Float, nullable=False),
        sa.Column("end", sa.Float, nullable=False),
        sa.Column("title", sa.Text),
        sa.Column("state", sa.String(32), nullable=False, server_default="draft"),
        sa.Column("created_by", sa.String(128), nullable=False),
        sa.Column("created_at", sa.String(32), nullable=False),
        sa.Column("updated_at", sa.String(32), nullable=False),
        sa.Column("details_json", sa.Text, nullable=False, server_default="{}"),
    )
    op.create_index("ix_clips_call_id", "clips", ["call_id"])
    op.create_table(
        "consent_records",
        sa.Column("call_id", sa.String(128), sa.ForeignKey("calls.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("notice_played", sa.Boolean),
        sa.Column("notice_purposes", sa.Text),
        sa.Column("legal_basis", sa.String(64)),
        sa.Column("customer_objected", sa.Boolean),
        sa.Column("employee_informed", sa.Boolean),
        sa.Column("secret_recording", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("minor", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("special_category", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("retention_until", sa.String(32)),
        sa.Column("source", sa.String(32), nullable=False, server_default="manifest"),
        sa.Column("details_json", sa.Text, nullable=False, server_default="{}"),
    )
    op.create_table(
        "reviews",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("clip_id", sa.String(64), sa.ForeignKey("clips.id"), nullable=False),
        sa.Column("actor", sa.String(128), nullable=False),
        sa.Column("action", sa.String(32), nullable=False),
        sa.Column("reason", sa.Text),
        sa.Column("at", sa.String(32), nullable=False),
    )
    op.create_index("ix_reviews_clip_id", "reviews", ["clip_id"])
    op.create_table(
        "audit_events",
        sa.Column("seq", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("at", sa.String(32), nullable=False),
        sa.Column("actor", sa.String(128), nullable=False),
        sa.Column("action", sa.String(64), nullable=False),
        sa.Column("object_type", sa.String(32)),
        sa.Column("object_id", sa.String(128)),
        sa.Column("details_json", sa.Text, nullable=False, server_default="{}"),
        sa.Column("prev_hash", sa.String(64), nullable=False),
        sa.Column("hash", sa.String(64), nullable=False, unique=True),
    )


def downgrade() -> None:
    for table in ("audit_events", "reviews", "consent_records", "clips", "users"):
        op.drop_table(table)
    with op.batch_alter_table("calls") as batch:
        batch.drop_column("imported_by")
