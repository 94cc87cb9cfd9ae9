"""Tables of the workspace catalogue (SQLAlchemy Core), as of the newest migration.

The migrations in `curation.store.migrations` create and upgrade these tables;
this module is what the code queries. Times are seconds (REAL); timestamps are
ISO-8601 UTC strings so SQLite and PostgreSQL store them alike.
"""

from __future__ import annotations

from sqlalchemy import (Boolean, Column, Float, ForeignKey, Index, Integer, MetaData, String, Table, Text,
                        UniqueConstraint)

metadata = MetaData()

calls = Table(
    "calls", metadata,
    Column("id", String(128), primary_key=True),
    Column("recorded_at", String(32)),
    Column("duration", Float, nullable=False),
    Column("sample_rate", Integer, nullable=False),
    Column("channels", Integer, nullable=False),
    Column("channel_layout", String(16), nullable=False),
    Column("agent_id", String(128)),
    Column("customer_ref_hash", String(80), index=True),
    Column("language", String(8), nullable=False),
    Column("topic", String(128)),
    Column("source_checksum", String(64), nullable=False, unique=True),
    Column("audio_path", Text, nullable=False),
    Column("audio_format", String(16), nullable=False),
    Column("transcript_format", String(16)),
    Column("transcript_checksum", String(64)),
    Column("timings_estimated", Boolean, nullable=False, default=False),
    Column("imported_at", String(32), nullable=False),
    Column("imported_by", String(128)),
    Column("metadata_json", Text, nullable=False, default="{}"),
)

speakers = Table(
    "speakers", metadata,
    Column("call_id", String(128), ForeignKey("calls.id", ondelete="CASCADE"), primary_key=True),
    Column("label", String(256), primary_key=True),
    Column("role", String(16), nullable=False),
    Column("channel", Integer),
)

turns = Table(
    "turns", metadata,
    Column("call_id", String(128), ForeignKey("calls.id", ondelete="CASCADE"), primary_key=True),
    Column("idx", Integer, primary_key=True),
    Column("speaker", String(256), nullable=False),
    Column("start", Float, nullable=False),
    Column("end", Float, nullable=False),
    Column("first_word", Integer, nullable=False),
    Column("last_word", Integer, nullable=False),
)

words = Table(
    "words", metadata,
    Column("call_id", String(128), ForeignKey("calls.id", ondelete="CASCADE"), primary_key=True),
    Column("idx", Integer, primary_key=True),
    Column("text", Text, nullable=False),
    Column("start", Float, nullable=False),
    Column("end", Float, nullable=False),
    Column("speaker", String(256), nullable=False),
    Column("confidence", Float),
    Column("estimated", Boolean, nullable=False, default=False),
    Column("aligned", Boolean, nullable=False, default=False),  # migration 0006
)

# --- room for later stages (migration 0002); their owners extend these with new migrations ---

users = Table(
    "users", metadata,
    Column("name", String(128), primary_key=True),
    Column("role", String(32), primary_key=True),
    Column("added_by", String(128), nullable=False),
    Column("added_at", String(32), nullable=False),
)

clips = Table(
    "clips", metadata,
    Column("id", String(64), primary_key=True),
    Column("call_id", String(128), ForeignKey("calls.id"), nullable=False, index=True),
    Column("start", Float, nullable=False),
    Column("end", Float, nullable=False),
    Column("title", Text),
    Column("state", String(32), nullable=False, default="draft"),
    Column("created_by", String(128), nullable=False),
    Column("created_at", String(32), nullable=False),
    Column("updated_at", String(32), nullable=False),
    Column("details_json", Text, nullable=False, default="{}"),
)

consent_records = Table(
    "consent_records", metadata,
    Column("call_id", String(128), ForeignKey("calls.id", ondelete="CASCADE"), primary_key=True),
    Column("notice_played", Boolean),
    Column("notice_purposes", Text),  # ;-separated
    Column("legal_basis", String(64)),
    Column("customer_objected", Boolean),
    Column("employee_informed", Boolean),
    Column("secret_recording", Boolean, nullable=False, default=False),
    Column("minor", Boolean, nullable=False, default=False),
    Column("special_category", Boolean, nullable=False, default=False),
    Column("retention_until", String(32)),
    Column("source", String(32), nullable=False, default="manifest"),
    Column("details_json", Text, nullable=False, default="{}"),
)

reviews = Table(
    "reviews", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("clip_id", String(64), ForeignKey("clips.id"), nullable=False, index=True),
    Column("actor", String(128), nullable=False),
    Column("action", String(32), nullable=False),
    Column("reason", Text),
    Column("at", String(32), nullable=False),
)

audit_events = Table(
    "audit_events", metadata,
    Column("seq", Integer, primary_key=True, autoincrement=False),
    Column("at", String(32), nullable=False),
    Column("actor", String(128), nullable=False),
    Column("action", String(64), nullable=False),
    Column("object_type", String(32)),
    Column("object_id", String(128)),
    Column("details_json", Text, nullable=False, default="{}"),
    Column("prev_hash", String(64), nullable=False),
    Column("hash", String(64), nullable=False, unique=True),
)

Index("ix_words_call_start", words.c.call_id, words.c.start)
UniqueConstraint(clips.c.id)
