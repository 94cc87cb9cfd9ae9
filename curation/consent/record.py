"""Consent records in a workspace: the stored record of a call (manifest fields, analysed facts,
evidence quotes, corrections), computed afresh from the manifest and the transcript when needed.

The values and the pure merge live in `curation.consent.facts` (re-exported here).
"""

from __future__ import annotations

import json

from sqlalchemy import select
from sqlalchemy.engine import Connection

from curation.access import storage, within_operation
from curation.catalogue import TRANSCRIPT_PURPOSES
from curation.consent.detect import detect
from curation.consent.facts import (ANALYSED, LEGAL_BASES, MANIFEST_FIELDS, ConsentRecord, ConsentRecordError,
                                    build_record, purposes_of, retention_date)
from curation.errors import NotFound
from curation.store.schema import calls, consent_records
from curation.workspace import Workspace, utcnow

__all__ = ["ANALYSED", "LEGAL_BASES", "MANIFEST_FIELDS", "PRESERVED", "ConsentRecord", "ConsentRecordError",
           "build_record", "compute_record", "consent_record", "manifest_fields", "record_from_row",
           "retention_date", "store_record"]

PRESERVED = ("transcript_deleted", "correction_log")  # kept when a record is stored again


@storage("a stored row's manifest part: no workspace access")
def manifest_fields(row: dict | None) -> dict:
    """The metadata the manifest gave for a call (kept under details.manifest once a record is analysed)."""
    if not row:
        return {}
    if row.get("source") == "manifest":
        return {k: row[k] for k in MANIFEST_FIELDS if row.get(k) is not None}
    details = json.loads(row.get("details_json") or "{}")
    return dict(details.get("manifest", {}))


def _stored_row(conn: Connection, call_id: str) -> dict | None:
    row = conn.execute(select(consent_records).where(consent_records.c.call_id == call_id)).mappings().first()
    return dict(row) if row else None


@storage("turns a stored row the caller read into a record")
def record_from_row(row: dict) -> ConsentRecord:
    """A stored (analysed) record as it was saved."""
    details = json.loads(row.get("details_json") or "{}")
    return ConsentRecord(
        call_id=row["call_id"], notice_played=row["notice_played"], notice_purposes=purposes_of(row["notice_purposes"]),
        legal_basis=row["legal_basis"] or "legitimate_interest", customer_objected=bool(row["customer_objected"]),
        employee_informed=row["employee_informed"], secret_recording=bool(row["secret_recording"]),
        minor=bool(row["minor"]), special_category=bool(row["special_category"]),
        special_categories=tuple(details.get("special_categories", ())), retention_until=row["retention_until"],
        sources=details.get("sources", {}), evidence=details.get("evidence", {}),
        conflicts=tuple(details.get("conflicts", ())))


@within_operation(*TRANSCRIPT_PURPOSES)
def compute_record(ws: Workspace, call_id: str, conn: Connection | None = None, policy=None,
                   corrections: dict | None = None) -> ConsentRecord:
    """A fresh record from the manifest fields and the transcript as they are now (its evidence
    quotes the transcript: only inside an operation whose purpose reads transcripts)."""
    return _compute_record(ws, call_id, conn, policy, corrections)


def _compute_record(ws: Workspace, call_id: str, conn: Connection | None = None, policy=None,
                    corrections: dict | None = None) -> ConsentRecord:
    from curation.catalogue import _load_transcript
    from curation.consent.policy import workspace_policy

    policy = policy or workspace_policy(ws)
    with (ws.engine.connect() if conn is None else _nullcontext(conn)) as c:
        call = c.execute(select(calls.c.recorded_at, calls.c.imported_at, calls.c.language)
                         .where(calls.c.id == call_id)).first()
        if call is None:
            raise NotFound(f"call {call_id!r} not found in {ws.root}")
        row = _stored_row(c, call_id)
    details = json.loads((row or {}).get("details_json") or "{}")
    transcript = _load_transcript(ws, call_id)
    detection = detect(transcript, call.language or transcript.language) if transcript and transcript.words else None
    return build_record(call_id, manifest_fields(row), detection, recorded_at=call.recorded_at,
                        imported_at=call.imported_at, default_legal_basis=policy.default_legal_basis,
                        default_retention_days=policy.retention_days,
                        corrections=details.get("corrections") if corrections is None else corrections)


class _nullcontext:
    def __init__(self, conn):
        self.conn = conn

    def __enter__(self):
        return self.conn

    def __exit__(self, *exc):
        return False


@within_operation(*TRANSCRIPT_PURPOSES)
def consent_record(ws: Workspace, call_id: str, policy=None) -> ConsentRecord:
    """The call's record: the stored analysed one when there is one (it survives deletion of the
    transcript), else computed now from the manifest and the transcript."""
    with ws.engine.connect() as conn:
        row = _stored_row(conn, call_id)
    if row and row.get("source") == ANALYSED:
        return record_from_row(row)
    return _compute_record(ws, call_id, policy=policy)


@within_operation()
def store_record(conn: Connection, record: ConsentRecord, manifest: dict, corrections: dict | None = None,
                 input_digest: str | None = None) -> None:
    """Insert or replace the stored record, keeping the manifest's own values under details.manifest
    (and, from a batch analysis, the digest of its inputs: the next batch skips the call)."""
    existing = conn.execute(select(consent_records.c.details_json)
                            .where(consent_records.c.call_id == record.call_id)).scalar()
    kept = {k: v for k, v in json.loads(existing or "{}").items() if k in PRESERVED}
    details = {**kept, "manifest": manifest, "sources": record.sources, "evidence": record.evidence,
               "conflicts": list(record.conflicts), "special_categories": list(record.special_categories),
               "analysed_at": utcnow()}
    if corrections:
        details["corrections"] = corrections
    if input_digest:
        details["input_digest"] = input_digest
    values = dict(notice_played=record.notice_played, notice_purposes=";".join(record.notice_purposes) or None,
                  legal_basis=record.legal_basis, customer_objected=record.customer_objected,
                  employee_informed=record.employee_informed, secret_recording=record.secret_recording,
                  minor=record.minor, special_category=record.special_category,
                  retention_until=record.retention_until, source=ANALYSED,
                  details_json=json.dumps(details, ensure_ascii=False, default=str))
    if conn.execute(select(consent_records.c.call_id).where(consent_records.c.call_id == record.call_id)).first():
        conn.execute(consent_records.update().where(consent_records.c.call_id == record.call_id).values(**values))
    else:
        conn.execute(consent_records.insert().values(call_id=record.call_id, **values))
