"""Append-only, hash-chained audit trail.

Every event carries the hash of the one before it; editing, deleting or
reordering any event breaks the chain, which `verify` reports. Details never
hold transcript text, names or what people typed: ids, counts, and the length of
a typed reason (the reason itself stays in its own, erasable, table).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.engine import Connection

from curation.access import storage, within_operation
from curation.store.schema import audit_events
from curation.workspace import utcnow

GENESIS = "0" * 64
# details that hold what a person typed (or a message that may quote one): the trail keeps only their
# length. The text itself lives in the operation's own table (reviews.reason, consent_overrides.reason,
# the consent record's corrections, packs.revoked_reason, clip_anonymisations.blocked_reason), where an
# erasure can reach it; nothing in an append-only, hash-chained trail can be erased later.
TYPED_DETAILS = ("reason", "note", "notes", "comment")


def _digest(seq: int, at: str, actor: str, action: str, object_type: str | None, object_id: str | None,
            details_json: str, prev_hash: str) -> str:
    payload = json.dumps([seq, at, actor, action, object_type, object_id, details_json, prev_hash],
                         ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(payload.encode()).hexdigest()


@within_operation()
def record(conn: Connection, actor: str, action: str, object_type: str | None = None,
           object_id: str | None = None, **details) -> int:
    """Append one event inside the caller's transaction (only inside an operation: `curation.roles`
    records each operation's event); returns its sequence number. Typed text (`TYPED_DETAILS`) is
    recorded as its length only (`reason_chars`)."""
    for key in TYPED_DETAILS:
        if key in details:
            text = details.pop(key)
            details[f"{key}_chars"] = len(text.strip()) if isinstance(text, str) else None
    return _append(conn, actor, action, object_type, object_id, **details)


def _append(conn: Connection, actor: str, action: str, object_type: str | None = None,
            object_id: str | None = None, **details) -> int:
    """The append itself (tests and benchmarks that build a trail row by row call it directly)."""
    if conn.dialect.name == "sqlite":
        # take the write lock first so two writers cannot both read the same chain head
        conn.exec_driver_sql("UPDATE audit_events SET seq = seq WHERE 0")
    else:
        conn.exec_driver_sql("LOCK TABLE audit_events IN EXCLUSIVE MODE")
    last = conn.execute(select(audit_events.c.seq, audit_events.c.hash)
                        .order_by(audit_events.c.seq.desc()).limit(1)).first()
    seq = (last.seq + 1) if last else 1
    prev = last.hash if last else GENESIS
    at = utcnow()
    details_json = json.dumps(details, sort_keys=True, ensure_ascii=False, default=str)
    digest = _digest(seq, at, actor, action, object_type, object_id, details_json, prev)
    conn.execute(audit_events.insert().values(seq=seq, at=at, actor=actor, action=action, object_type=object_type,
                                              object_id=object_id, details_json=details_json, prev_hash=prev,
                                              hash=digest))
    return seq


@dataclass(frozen=True)
class ChainProblem:
    seq: int
    problem: str


@storage("reads the audit trail through the caller's connection")
def verify(conn: Connection) -> list[ChainProblem]:
    """Walk the chain from the first event; every break is reported with its sequence number."""
    problems: list[ChainProblem] = []
    expected_prev, expected_seq = GENESIS, 1
    for row in conn.execute(select(audit_events).order_by(audit_events.c.seq)):
        if row.seq != expected_seq:
            problems.append(ChainProblem(row.seq, f"sequence gap: expected event {expected_seq}, found {row.seq}"))
        if row.prev_hash != expected_prev:
            problems.append(ChainProblem(row.seq, "previous-hash link broken (event deleted, inserted or reordered)"))
        digest = _digest(row.seq, row.at, row.actor, row.action, row.object_type, row.object_id,
                         row.details_json, row.prev_hash)
        if digest != row.hash:
            problems.append(ChainProblem(row.seq, "content does not match its hash (event edited)"))
        expected_prev, expected_seq = row.hash, row.seq + 1
    return problems


@storage("reads the audit trail through the caller's connection")
def count(conn: Connection) -> int:
    return conn.execute(select(func.count()).select_from(audit_events)).scalar_one()


@dataclass(frozen=True)
class AuditEvent:
    """One event of the trail as read back (details decoded)."""

    seq: int
    at: str
    actor: str
    action: str
    object_type: str | None
    object_id: str | None
    details: dict

    def to_dict(self) -> dict:
        return {"seq": self.seq, "at": self.at, "actor": self.actor, "action": self.action,
                "object_type": self.object_type, "object_id": self.object_id, "details": self.details}


@storage("reads the audit trail through the caller's connection")
def events(conn: Connection, *, actor: str | None = None, action: str | None = None,
           object_type: str | None = None, object_id: str | None = None, since: str | None = None,
           until: str | None = None, after_seq: int | None = None, limit: int | None = None,
           newest_first: bool = False) -> list[AuditEvent]:
    """Events matching every filter given. `action` ending in `.` or `*` matches a prefix
    (`clip.` -> every clip action); `since`/`until` compare ISO timestamps (until is exclusive)."""
    query = select(audit_events)
    if actor is not None:
        query = query.where(audit_events.c.actor == actor)
    if action is not None:
        if action.endswith(("*", ".")):
            query = query.where(audit_events.c.action.startswith(action.rstrip("*"), autoescape=True))
        else:
            query = query.where(audit_events.c.action == action)
    if object_type is not None:
        query = query.where(audit_events.c.object_type == object_type)
    if object_id is not None:
        query = query.where(audit_events.c.object_id == object_id)
    if since is not None:
        query = query.where(audit_events.c.at >= since)
    if until is not None:
        query = query.where(audit_events.c.at < until)
    if after_seq is not None:
        query = query.where(audit_events.c.seq > after_seq)
    query = query.order_by(audit_events.c.seq.desc() if newest_first else audit_events.c.seq)
    if limit is not None:
        query = query.limit(limit)
    return [AuditEvent(r.seq, r.at, r.actor, r.action, r.object_type, r.object_id, json.loads(r.details_json or "{}"))
            for r in conn.execute(query)]


@storage("reads the audit trail through the caller's connection")
def last_seq(conn: Connection, *, object_type: str, object_id: str, actions) -> int:
    """Sequence number of the newest event on an object with one of `actions` (0 when none)."""
    value = conn.execute(select(func.max(audit_events.c.seq)).where(
        audit_events.c.object_type == object_type, audit_events.c.object_id == object_id,
        audit_events.c.action.in_(list(actions)))).scalar()
    return int(value or 0)


@storage("reads the audit trail through the caller's connection")
def head(conn: Connection) -> tuple[int, str]:
    """(sequence number, hash) of the newest event: note it somewhere else (a ticket, a report) as a
    witness; `check_anchor` later proves the trail still extends that point."""
    last = conn.execute(select(audit_events.c.seq, audit_events.c.hash)
                        .order_by(audit_events.c.seq.desc()).limit(1)).first()
    return (last.seq, last.hash) if last else (0, GENESIS)


@storage("reads the audit trail through the caller's connection")
def check_anchor(conn: Connection, seq: int, digest: str) -> ChainProblem | None:
    """A hash chain alone cannot show that its newest events were cut off or that it was rebuilt
    from scratch; a head noted earlier can. None when event `seq` still carries `digest`."""
    if seq == 0:
        return None
    row = conn.execute(select(audit_events.c.hash).where(audit_events.c.seq == seq)).first()
    if row is None:
        return ChainProblem(seq, "witnessed event is missing (the trail was truncated)")
    if row.hash != digest:
        return ChainProblem(seq, "witnessed event has another hash (the trail was rewritten)")
    return None
