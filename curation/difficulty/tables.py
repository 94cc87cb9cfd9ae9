"""Tables of the difficulty stage (created by migration 0003_difficulty), as SQLAlchemy Core."""

from __future__ import annotations

from sqlalchemy import Boolean, Column, Float, Integer, MetaData, String, Table, Text

metadata = MetaData()

difficulty_scores = Table(
    "difficulty_scores", metadata,
    Column("call_id", String(128), primary_key=True),
    Column("score", Float, nullable=False),
    Column("difficult", Boolean, nullable=False),
    Column("categories", Text, nullable=False, default=""),  # ;-separated
    Column("category_scores_json", Text, nullable=False, default="{}"),
    Column("top_reasons", Text, nullable=False, default=""),
    Column("notes_json", Text, nullable=False, default="[]"),
    Column("analyser_version", String(16), nullable=False),
    Column("analysed_at", String(32), nullable=False),
    Column("input_digest", String(64)),  # what the row was computed from (migration 0008): batches skip it
)

difficulty_signals = Table(
    "difficulty_signals", metadata,
    Column("call_id", String(128), primary_key=True),
    Column("name", String(64), primary_key=True),
    Column("value", Float, nullable=False),
    Column("strength", Float, nullable=False),
    Column("available", Boolean, nullable=False),
    Column("note", Text, nullable=False, default=""),
    Column("unit", String(32), nullable=False, default=""),
)

difficulty_evidence = Table(
    "difficulty_evidence", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("call_id", String(128), nullable=False),
    Column("signal", String(64), nullable=False),
    Column("rank", Integer, nullable=False),
    Column("quote", Text, nullable=False),
    Column("role", String(16), nullable=False),
    Column("time", Float, nullable=False),
    Column("end", Float),
)

difficulty_weights = Table(
    "difficulty_weights", metadata,
    Column("name", String(96), primary_key=True),
    Column("value", Float, nullable=False),
    Column("updated_by", String(128), nullable=False),
    Column("updated_at", String(32), nullable=False),
)

learning_topics = Table(
    "learning_topics", metadata,
    Column("name", String(128), primary_key=True),
    Column("description", Text, nullable=False, default=""),
    Column("created_by", String(128), nullable=False),
    Column("created_at", String(32), nullable=False),
)

call_tags = Table(
    "call_tags", metadata,
    Column("call_id", String(128), primary_key=True),
    Column("kind", String(16), primary_key=True),  # "tag" | "topic"
    Column("name", String(128), primary_key=True),
    Column("created_by", String(128), nullable=False),
    Column("created_at", String(32), nullable=False),
)
