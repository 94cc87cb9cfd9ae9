"""Consent: the decision per clip (with the policy that made it), privacy reviewer overrides,
deletions of originals (retention or erasure) and data-subject request tombstones.

Revision ID: 0005
Revises: 0004
"""
import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "consent_decisions",
        sa.Column("clip_id", sa.String(64), sa.ForeignKey("clips.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("call_id", sa.String(128), nullable=False),
        sa.Column("decision", sa.String(32), nullable=False),
        sa.Column("policy_decision", sa.String(32), nullable=False),
        sa.Column("reasons_json", sa.Text, nullable=False, server_default="[]"),
        sa.Column("policy_name", sa.Text, nullable=False),
        sa.Column("policy_digest", sa.String(64), nullable=False),
        sa.Column("evaluated_at", sa.String(32), nullable=False),
        sa.Column("evaluated_by", sa.String(128), nullable=False),
    )
    op.create_index("ix_consent_decisions_call", "consent_decisions", ["call_id"])
    op.create_table(
        "consent_overrides",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("clip_id", sa.String(64), sa.ForeignKey("clips.id", ondelete="CASCADE"), nullable=False),
        sa.Column("decision", sa.String(32), nullable=False),
        sa.Column("policy_decision", sa.String(32), nullable=False),
        sa.Column("reason", sa.Text, nullable=False),
        sa.Column("actor", sa.String(128), nullable=False),
        sa.Column("at", sa.String(32), nullable=False),
    )
    op.create_index("ix_consent_overrides_clip", "consent_overrides", ["clip_id"])
    op.create_table(
        "original_deletions",
        sa.Column("call_id", sa.String(128), sa.ForeignKey("calls.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("reason", sa.String(16), nullable=False),  # retention | erasure
        sa.Column("deleted_at", sa.String(32), nullable=False),
        sa.Column("deleted_by", sa.String(128), nullable=False),
        sa.Column("request_id", sa.String(64)),
    )
    op.create_table(
        "subject_requests",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("kind", sa.String(16), nullable=False),  # erasure | access
        sa.Column("handled_at", sa.String(32), nullable=False),
        sa.Column("handled_by", sa.String(128), nullable=False),
        sa.Column("summary_json", sa.Text, nullable=False, server_default="{}"),  # ids and counts, no personal data
    )


def downgrade() -> None:
    for table in ("subject_requests", "original_deletions", "consent_overrides", "consent_decisions"):
        op.drop_table(table)
