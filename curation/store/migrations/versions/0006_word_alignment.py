"""Words of segment-level transcripts can be placed by forced alignment: `words.aligned`.

Revision ID: 0006
Revises: 0005
"""
import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("words") as batch:
        batch.add_column(sa.Column("aligned", sa.Boolean, nullable=False, server_default=sa.false()))


def downgrade() -> None:
    with op.batch_alter_table("words") as batch:
        batch.drop_column("aligned")
