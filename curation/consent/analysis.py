"""Consent records in a workspace: analyse every call (manifest + transcript), show a call's record
and decisions, and let a privacy reviewer correct a record's facts (logged, then re-decided)."""

from __future__ import annotations

import json
from dataclasses import dataclass, replace

from sqlalchemy import select

from curation.access import mutates, reads, reads_personal
from curation.consent.decisions import MIN_REASON, _decide, decide_call, redecide_open_clips
from curation.consent.policy import DECISIONS, EXCLUDED, decide, workspace_policy
from curation.consent.record import ConsentRecord, compute_record, consent_record, manifest_fields, store_record
from curation.errors import CurationError, NotFound
from curation.roles import operation
from curation.store.schema import calls, clips, consent_records
from curation.workspace import Workspace, utcnow


@dataclass(frozen=True)
class AnalysisSummary:
    calls: int
    notices: int
    objections: int
    excluded_calls: int
    decisions: dict
    clips_changed: dict


@mutates("calls.analyse", "consent.analysed")
def analyse_consent(ws: Workspace, user: str | None = None, call_ids: list[str] | None = None,
                    progress=None) -> AnalysisSummary:
    """Build and store the consent record of every call (or `call_ids`) and re-evaluate their open clips."""
    policy = workspace_policy(ws)
    from curation.consent.tables import original_deletions

    with ws.engine.connect() as conn:
        erased = select(original_deletions.c.call_id).where(original_deletions.c.reason == "erasure")
        ids = call_ids or list(conn.execute(select(calls.c.id).where(calls.c.id.not_in(erased))
                                            .order_by(calls.c.id)).scalars())
        missing = set(ids) - set(conn.execute(select(calls.c.id).where(calls.c.id.in_(ids))).scalars())
    if missing:
        raise NotFound(f"call(s) not found in {ws.root}: {', '.join(sorted(missing))}")
    counts = {d: 0 for d in DECISIONS}
    notices = objections = 0
    with operation(ws, "calls.analyse", "consent.analysed", "workspace", None, user=user,
                   what="analyse consent") as op:
        for n, call_id in enumerate(ids, 1):
            row = op.conn.execute(select(consent_records).where(consent_records.c.call_id == call_id)).mappings().first()
            row = dict(row) if row else None
            details = json.loads((row or {}).get("details_json") or "{}")
            if details.get("transcript_deleted"):
                record = consent_record(ws, call_id, policy)  # no transcript left to read again
            else:
                record = compute_record(ws, call_id, policy=policy)
            store_record(op.conn, record, manifest_fields(row), details.get("corrections"))
            notices += bool(record.notice_played)
            objections += record.customer_objected
            counts[decide(record, policy).decision] += 1
            if progress:
                progress(n, len(ids))
        changed = redecide_open_clips(ws, op.conn, op.actor.name, policy, ids)
        op.details.update({"calls": len(ids), "notices": notices, "objections": objections, "decisions": counts,
                           "clips_changed": len(changed), "policy": policy.digest})
    return AnalysisSummary(len(ids), notices, objections, counts[EXCLUDED], counts, changed)


CORRECTABLE = ("notice_played", "notice_purposes", "legal_basis", "customer_objected", "employee_informed",
               "secret_recording", "minor", "special_category", "retention_until")


def _correction_value(key: str, value):
    """A person's correction, checked: booleans, purposes (;-separated), a legal basis, an ISO date."""
    from datetime import date

    from curation.consent.lexicon import PURPOSES
    from curation.consent.record import LEGAL_BASES

    text = str(value).strip()
    if key == "notice_purposes":
        items = [p.strip() for p in text.split(";") if p.strip()] if isinstance(value, str) else list(value)
        if any(p not in PURPOSES for p in items):
            raise CurationError(f"notice_purposes: use {', '.join(PURPOSES)} separated by ';', not {text!r}")
        return items
    if key == "legal_basis":
        if text not in LEGAL_BASES:
            raise CurationError(f"legal_basis must be one of {', '.join(LEGAL_BASES)}, not {text!r}")
        return text
    if key == "retention_until":
        try:
            return date.fromisoformat(text[:10]).isoformat()
        except ValueError:
            raise CurationError(f"retention_until must be a date (YYYY-MM-DD), not {text!r}") from None
    if isinstance(value, bool):
        return value
    if text.lower() in ("true", "yes", "ja", "1"):
        return True
    if text.lower() in ("false", "no", "nee", "0"):
        return False
    raise CurationError(f"{key} must be true or false, not {text!r}")


@mutates("consent.override", "consent.corrected")
def correct_record(ws: Workspace, call_id: str, changes: dict, reason: str, user: str | None = None) -> ConsentRecord:
    """A privacy reviewer corrects facts of a call's record (e.g. the legal basis, or a detection that
    was wrong); the correction wins over manifest and transcript, is logged with its reason, and the
    call's open clips are re-decided."""
    from curation.consent.record import ANALYSED, record_from_row

    unknown = set(changes) - set(CORRECTABLE)
    if unknown or not changes:
        raise CurationError(f"call {call_id}: can correct {', '.join(CORRECTABLE)}; not {', '.join(sorted(unknown)) or 'nothing'}")
    parsed = {k: _correction_value(k, v) for k, v in changes.items()}
    reason = " ".join((reason or "").split())
    if len(reason) < MIN_REASON:
        raise CurationError(f"call {call_id}: a correction needs a reason (at least {MIN_REASON} characters)")
    policy = workspace_policy(ws)
    with operation(ws, "consent.override", "consent.corrected", "call", call_id, user=user,
                   what="correct consent records") as op:
        row = op.conn.execute(select(consent_records).where(consent_records.c.call_id == call_id)).mappings().first()
        if op.conn.execute(select(calls.c.id).where(calls.c.id == call_id)).first() is None:
            raise NotFound(f"call {call_id!r} not found in {ws.root}")
        row = dict(row) if row else None
        details = json.loads((row or {}).get("details_json") or "{}")
        corrections = {**details.get("corrections", {}), **parsed}
        if details.get("transcript_deleted") and row and row["source"] == ANALYSED:
            base = record_from_row(row)
            record = replace(base, **{k: (tuple(v) if k == "notice_purposes" else v) for k, v in corrections.items()},
                             sources={**base.sources, **{k: "correction" for k in corrections}})
        else:
            record = compute_record(ws, call_id, conn=op.conn, policy=policy, corrections=corrections)
        store_record(op.conn, record, manifest_fields(row), corrections)
        log = details.get("correction_log", []) + [{"fields": parsed, "reason": reason, "by": op.actor.name,
                                                     "at": utcnow()}]
        stored = json.loads(op.conn.execute(select(consent_records.c.details_json)
                                            .where(consent_records.c.call_id == call_id)).scalar())
        stored["correction_log"] = log
        op.conn.execute(consent_records.update().where(consent_records.c.call_id == call_id)
                        .values(details_json=json.dumps(stored, ensure_ascii=False, default=str)))
        changed = redecide_open_clips(ws, op.conn, op.actor.name, policy, [call_id])
        op.details.update({"fields": parsed, "reason": reason, "clips_changed": sorted(changed)})
    return record


@reads_personal("consent.read", "consent.record_read")
def call_consent(ws: Workspace, call_id: str, user: str | None = None) -> dict:
    """Everything `consent show` and the consent panel show: the call's record (with its evidence
    quotes: audited `consent.record_read`), the policy's decision for the call and the effective
    decision of each of its clips (`curation.consent.effective`)."""
    from curation.consent.effective import REVOKED, effective_decisions
    from curation.consent.policy import ConsentDecision
    from curation.consent.tables import original_deletions

    with operation(ws, "consent.read", "consent.record_read", "call", call_id, user=user,
                   what="read consent records") as op:
        policy = workspace_policy(ws)
        conn = op.conn
        if conn.execute(select(calls.c.id).where(calls.c.id == call_id)).first() is None:
            raise NotFound(f"call {call_id!r} not found in {ws.root}")
        clip_ids = list(conn.execute(select(clips.c.id).where(clips.c.call_id == call_id).order_by(clips.c.id)).scalars())
        deletion = conn.execute(select(original_deletions).where(original_deletions.c.call_id == call_id)).first()
        info = {"call_id": call_id, "policy": {"name": policy.name, "digest": policy.digest, "source": policy.source},
                "originals_deleted": ({"reason": deletion.reason, "at": deletion.deleted_at,
                                       "request_id": deletion.request_id} if deletion else None)}
        decisions = effective_decisions(ws, clip_ids, conn=conn, policy=policy)
        clip_json = [decisions[c].to_json() for c in clip_ids]
        if deletion is not None and deletion.reason == "erasure":  # nothing about the person is left to show
            decision = ConsentDecision(EXCLUDED, (REVOKED,), "erased", "-", call_id=call_id, policy_decision=EXCLUDED,
                                       overridable=False, frozen=True)
            op.details["record"] = False
            return {**info, "record": None, "decision": decision.to_json(), "clips": clip_json}
        record, decision = decide_call(ws, call_id, policy)
        op.details["record"] = True
    return {**info, "record": record.to_json(), "decision": decision.to_json(), "clips": clip_json}


@reads("consent.read")
def consent_summary(ws: Workspace, clip_id: str, user: str | None = None) -> dict:
    """What the consent panel shows for a clip without reading anyone's words: its call's record
    facts with their sources (evidence quotes left out: `call_consent` reads those, audited) and
    the clip's effective decision (`curation.consent.effective`). Reads only; writes nothing."""
    from curation.roles import authorised

    with authorised(ws, "consent.read", user, "read consent decisions"):
        decision = _decide(ws, clip_id)
        record = consent_record(ws, decision.call_id).to_json()
    record["evidence_kinds"] = sorted(k for k, v in (record.pop("evidence", None) or {}).items() if v)
    return {"clip_id": clip_id, "call_id": decision.call_id, "record": record, "decision": decision.to_json()}
