"""Difficulty: per-call signals, evidence and scores; trainer weights, tags and learning topics.

Revision ID: 0003_difficulty
Revises: 0002
"""
import sqlalchemy as sa
from alembic import op

revision = "0003_difficulty"
down_revision = "0002"
branch_labels = None
depends_on = None

DEFAULT_TOPICS = [
    ("gespreksstructuur", "Gespreksstructuur: opening, kern en afsluiting van het gesprek"),
    ("vraagtechniek", "Vraagtechniek: open en gesloten vragen, doorvragen"),
    ("klachtafhandeling", "Klachtafhandeling: erkennen, oplossen, terugkoppelen"),
    ("de-escalatie", "De-escalatie: kalmeren bij boosheid en agressie"),
    ("grenzen stellen", "Grenzen stellen bij schelden en intimidatie"),
    ("samenvatten", "Samenvatten en controleren of de klant het begrijpt"),
    ("actief luisteren", "Actief luisteren en laten uitpraten"),
    ("uitleg bedragen", "Bedragen, data en voorwaarden eenduidig uitleggen"),
    ("verwachtingen managen", "Verwachtingen managen en toezeggingen nakomen"),
]


def upgrade() -> None:
    op.create_table(
        "difficulty_scores",
        sa.Column("call_id", sa.String(128), sa.ForeignKey("calls.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("score", sa.Float, nullable=False),
        sa.Column("difficult", sa.Boolean, nullable=False),
        sa.Column("categories", sa.Text, nullable=False, server_default=""),
        sa.Column("category_scores_json", sa.Text, nullable=False, server_default="{}"),
        sa.Column("top_reasons", sa.Text, nullable=False, server_default=""),
        sa.Column("notes_json", sa.Text, nullable=False, server_default="[]"),
        sa.Column("analyser_version", sa.String(16), nullable=False),
        sa.Column("analysed_at", sa.String(32), nullable=False),
    )
    op.create_index("ix_difficulty_scores_score", "difficulty_scores", ["score"])
    op.create_table(
        "difficulty_signals",
        sa.Column("call_id", sa.String(128), sa.ForeignKey("calls.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("name", sa.String(64), primary_key=True),
        sa.Column("value", sa.Float, nullable=False),
        sa.Column("strength", sa.Float, nullable=False),
        sa.Column("available", sa.Boolean, nullable=False),
        sa.Column("note", sa.Text, nullable=False, server_default=""),
        sa.Column("unit", sa.String(32), nullable=False, server_default=""),
    )
    op.create_table(
        "difficulty_evidence",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("call_id", sa.String(128), sa.ForeignKey("calls.id", ondelete="CASCADE"), nullable=False),
        sa.Column("signal", sa.String(64), nullable=False),
        sa.Column("rank", sa.Integer, nullable=False),
        sa.Column("quote", sa.Text, nullable=False),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("time", sa.Float, nullable=False),
        sa.Column("end", sa.Float),
    )
    op.create_index("ix_difficulty_evidence_call", "difficulty_evidence", ["call_id", "signal"])
    op.create_table(
        "difficulty_weights",
        sa.Column("name", sa.String(96), primary_key=True),
        sa.Column("value", sa.Float, nullable=False),
        sa.Column("updated_by", sa.String(128), nullable=False),
        sa.Column("updated_at", sa.String(32), nullable=False),
    )
    topics = op.create_table(
        "learning_topics",
        sa.Column("name", sa.String(128), primary_key=True),
        sa.Column("description", sa.Text, nullable=False, server_default=""),
        sa.Column("created_by", sa.String(128), nullable=False),
        sa.Column("created_at", sa.String(32), nullable=False),
    )
    op.bulk_insert(topics, [{"name": n, "description": d, "created_by": "system", "created_at": "1970-01-01T00:00:00+00:00"}
                            for n, d in DEFAULT_TOPICS])
    op.create_table(
        "call_tags",
        sa.Column("call_id", sa.String(128), sa.ForeignKey("calls.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("kind", sa.String(16), primary_key=True),  # "tag" | "topic"
        sa.Column("name", sa.String(128), primary_key=True),
        sa.Column("created_by", sa.String(128), nullable=False),
        sa.Column("created_at", sa.String(32), nullable=False),
    )
    op.create_index("ix_call_tags_name", "call_tags", ["kind", "name"])


def downgrade() -> None:
    for table in ("call_tags", "learning_topics", "difficulty_weights", "difficulty_evidence", "difficulty_signals",
                  "difficulty_scores"):
        op.drop_table(table)
