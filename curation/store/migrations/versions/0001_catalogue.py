"""Call catalogue: calls, speakers, turns, words.

Revision ID: 0001
Revises:
"""
import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "calls",
        sa.Column("id", sa.String(128), primary_key=True),
        sa.Column("recorded_at", sa.String(32)),
        sa.Column("duration", sa.Float, nullable=False),
        sa.Column("sample_rate", sa.Integer, nullable=False),
        sa.Column("channels", sa.Integer, nullable=False),
        sa.Column("channel_layout", sa.String(16), nullable=False),
        sa.Column("agent_id", sa.String(128)),
        sa.Column("customer_ref_hash", sa.String(80)),
        sa.Column("language", sa.String(8), nullable=False),
        sa.Column("topic", sa.String(128)),
        sa.Column("source_checksum", sa.String(64), nullable=False, unique=True),
        sa.Column("audio_path", sa.Text, nullable=False),
        sa.Column("audio_format", sa.String(16), nullable=False),
        sa.Column("transcript_format", sa.String(16)),
        sa.Column("transcript_checksum", sa.String(64)),
        sa.Column("timings_estimated", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("imported_at", sa.String(32), nullable=False),
        sa.Column("metadata_json", sa.Text, nullable=False, server_default="{}"),
    )
    op.create_index("ix_calls_customer_ref_hash", "calls", ["customer_ref_hash"])
    op.create_table(
        "speakers",
        sa.Column("call_id", sa.String(128), sa.ForeignKey("calls.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("label", sa.String(256), primary_key=True),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("channel", sa.Integer),
    )
    op.create_table(
        "turns",
        sa.Column("call_id", sa.String(128), sa.ForeignKey("calls.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("idx", sa.Integer, primary_key=True),
        sa.Column("speaker", sa.String(256), nullable=False),
        sa.Column("start", sa.Float, nullable=False),
        sa.Column("end", sa.Float, nullable=False),
        sa.Column("first_word", sa.Integer, nullable=False),
        sa.Column("last_word", sa.Integer, nullable=False),
    )
    op.create_table(
        "words",
        sa.Column("call_id", sa.String(128), sa.ForeignKey("calls.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("idx", sa.Integer, primary_key=True),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("start", sa.Float, nullable=False),
        sa.Column("end", sa.Float, nullable=False),
        sa.Column("speaker", sa.String(256), nullable=False),
        sa.Column("confidence", sa.Float),
        sa.Column("estimated", sa.Boolean, nullable=False, server_default=sa.false()),
    )
    op.create_index("ix_words_call_start", "words", ["call_id", "start"])


def downgrade() -> None:
    for table in ("words", "turns", "speakers", "calls"):
        op.drop_table(table)
