"""Resumable batch analysis: each stored difficulty score names the inputs it was computed from
(`difficulty_scores.input_digest`: analyser version, the call's recording and transcript checksums,
whether audio was read), so a batch run again skips the calls already done.

Revision ID: 0008
Revises: 0007
"""
import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("difficulty_scores") as batch:
        batch.add_column(sa.Column("input_digest", sa.String(64)))


def downgrade() -> None:
    with op.batch_alter_table("difficulty_scores") as batch:
        batch.drop_column("input_digest")
