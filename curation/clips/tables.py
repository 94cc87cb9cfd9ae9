"""Tables of the clip, review and pack stages (created by migration 0004), as SQLAlchemy Core.

The `clips` table itself belongs to the catalogue schema (`curation.store.schema`).
"""

from __future__ import annotations

from sqlalchemy import Column, Float, Integer, MetaData, String, Table, Text

metadata = MetaData()

clip_redactions = Table(
    "clip_redactions", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("clip_id", String(64), nullable=False),
    Column("first_word", Integer, nullable=False),  # call word indices, half-open
    Column("last_word", Integer, nullable=False),
    Column("start", Float, nullable=False),  # call timeline, seconds
    Column("end", Float, nullable=False),
    Column("speaker", String(256), nullable=False),  # transcript label (never exported)
    Column("entity_type", String(32), nullable=False),
    Column("score", Float),
    Column("source", String(16), nullable=False),  # detected | manual
    Column("status", String(16), nullable=False),  # proposed | accepted | rejected
    Column("decided_by", String(128)),
    Column("decided_at", String(32)),
)

clip_anonymisations = Table(
    "clip_anonymisations", metadata,
    Column("clip_id", String(64), primary_key=True),
    Column("status", String(16), nullable=False),  # ok | blocked
    Column("blocked_reason", Text),
    Column("voice_method", String(16)),
    Column("files_json", Text, nullable=False, default="{}"),  # kind -> {path (workspace-relative), sha256}
    Column("report_json", Text, nullable=False, default="{}"),
    Column("rescan_json", Text, nullable=False, default="[]"),
    Column("created_by", String(128), nullable=False),
    Column("created_at", String(32), nullable=False),
)

packs = Table(
    "packs", metadata,
    Column("id", String(64), primary_key=True),  # content id: same inputs, same pack id
    Column("name", String(256), nullable=False),
    Column("title", Text),
    Column("path", Text),
    Column("sha256", String(64), nullable=False),
    Column("built_by", String(128), nullable=False),
    Column("built_at", String(32), nullable=False),
    Column("builds", Integer, nullable=False, default=1),
    Column("state", String(16), nullable=False, default="built"),  # built | revoked
    Column("revoked_at", String(32)),
    Column("revoked_reason", Text),
)

pack_clips = Table(
    "pack_clips", metadata,
    Column("pack_id", String(64), primary_key=True),
    Column("clip_id", String(64), primary_key=True),
    Column("position", Integer, nullable=False),
)
