"""Tables of the consent and retention stages (created by migration 0005), as SQLAlchemy Core."""

from __future__ import annotations

from sqlalchemy import Column, Integer, MetaData, String, Table, Text

metadata = MetaData()

consent_decisions = Table(
    "consent_decisions", metadata,
    Column("clip_id", String(64), primary_key=True),
    Column("call_id", String(128), nullable=False),
    Column("decision", String(32), nullable=False),
    Column("policy_decision", String(32), nullable=False),
    Column("reasons_json", Text, nullable=False, default="[]"),
    Column("policy_name", Text, nullable=False),
    Column("policy_digest", String(64), nullable=False),
    Column("evaluated_at", String(32), nullable=False),
    Column("evaluated_by", String(128), nullable=False),
)

consent_overrides = Table(
    "consent_overrides", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("clip_id", String(64), nullable=False),
    Column("decision", String(32), nullable=False),
    Column("policy_decision", String(32), nullable=False),
    Column("reason", Text, nullable=False),
    Column("actor", String(128), nullable=False),
    Column("at", String(32), nullable=False),
)

original_deletions = Table(
    "original_deletions", metadata,
    Column("call_id", String(128), primary_key=True),
    Column("reason", String(16), nullable=False),
    Column("deleted_at", String(32), nullable=False),
    Column("deleted_by", String(128), nullable=False),
    Column("request_id", String(64)),
)

subject_requests = Table(
    "subject_requests", metadata,
    Column("id", String(64), primary_key=True),
    Column("kind", String(16), nullable=False),
    Column("handled_at", String(32), nullable=False),
    Column("handled_by", String(128), nullable=False),
    Column("summary_json", Text, nullable=False, default="{}"),
)
