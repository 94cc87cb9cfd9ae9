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
    skipped: int = 0
    failed: tuple = ()  # (call id, one-line problem)
    workers: int = 1
    where: str = "in-process"
    seconds: float = 0.0


CHUNK = 200  # calls stored per audited operation


@dataclass
class _Job:
    """What a worker needs to build records: where the workspace is, who acts, the policy's digest
    (a worker refuses when the policy changed under the batch); in-process runs hand over the open
    workspace (never sent to another process)."""

    root: str
    user: str
    policy_digest: str
    ws: Workspace | None = None

    def __getstate__(self):
        return {**self.__dict__, "ws": None}


def _record_task(job: _Job, call_id: str):
    """One call's record where a batch sends it: the workspace opened read-only, the acting user's
    permission checked again there. Returns the record and the corrections it was built with."""
    from curation.batch import worker_workspace
    from curation.roles import authorised

    ws = job.ws or worker_workspace(job.root)
    with authorised(ws, "calls.analyse", job.user, "analyse consent"):
        policy = workspace_policy(ws)
        if policy.digest != job.policy_digest:
            raise CurationError("the consent policy changed during the batch; run the analysis again")
        with ws.engine.connect() as conn:
            row = conn.execute(select(consent_records).where(consent_records.c.call_id == call_id)).mappings().first()
        details = json.loads((dict(row) if row else {}).get("details_json") or "{}")
        if details.get("transcript_deleted"):
            return None, details.get("corrections")  # nothing to read again: the parent keeps the stored record
        return compute_record(ws, call_id, policy=policy), details.get("corrections")


def _input_digests(ws: Workspace, ids: list[str], policy) -> dict[str, str]:
    """Per call, a digest of what its record is built from: the detector's lexicon version, the
    policy, the transcript, the call's dates and language, the stored manifest fields and corrections."""
    import hashlib

    from curation.consent.lexicon import LEXICON_VERSION

    out = {}
    with ws.engine.connect() as conn:
        for start in range(0, len(ids), 500):
            part = ids[start:start + 500]
            stored = {r["call_id"]: dict(r) for r in conn.execute(
                select(consent_records).where(consent_records.c.call_id.in_(part))).mappings()}
            for r in conn.execute(select(calls.c.id, calls.c.transcript_checksum, calls.c.language,
                                         calls.c.recorded_at, calls.c.imported_at).where(calls.c.id.in_(part))):
                row = stored.get(r.id)
                details = json.loads((row or {}).get("details_json") or "{}")
                key = json.dumps([LEXICON_VERSION, policy.digest, r.transcript_checksum, r.language, str(r.recorded_at),
                                  str(r.imported_at), manifest_fields(row), details.get("corrections"),
                                  bool(details.get("transcript_deleted"))], sort_keys=True, default=str)
                out[r.id] = hashlib.sha256(key.encode()).hexdigest()
    return out


def _stored_digests(ws: Workspace, ids: list[str]) -> dict[str, str | None]:
    out = {}
    with ws.engine.connect() as conn:
        for start in range(0, len(ids), 500):
            for cid, details in conn.execute(select(consent_records.c.call_id, consent_records.c.details_json)
                                             .where(consent_records.c.call_id.in_(ids[start:start + 500]))):
                out[cid] = json.loads(details or "{}").get("input_digest")
    return out


@mutates("calls.analyse", "consent.analysed")
def analyse_consent(ws: Workspace, user: str | None = None, call_ids: list[str] | None = None,
                    progress=None, redo: bool = False, plan=None) -> AnalysisSummary:
    """Build and store the consent record of every call (or `call_ids`) and re-evaluate their open clips.

    Batch mode (`curation.batch`): records are built on the processes or Dask cluster `plan` names
    (default: all local cores for a large batch) and stored in chunks, each by one audited
    operation `consent.analysed` that also re-decides the chunk's open clips. Resumable: a call
    whose stored record was built from the same inputs (lexicon version, policy, transcript,
    manifest fields, corrections) is skipped unless `redo`. A correction stored while the batch
    ran wins: that call's record is built again inside the write. Never stops for one bad call."""
    from curation.batch import Plan, run_batch
    from curation.consent.tables import original_deletions
    from curation.roles import authorised

    plan = plan or Plan(chunk_size=CHUNK)
    with authorised(ws, "calls.analyse", user, "analyse consent") as who:
        policy = workspace_policy(ws)
        with ws.engine.connect() as conn:
            erased = select(original_deletions.c.call_id).where(original_deletions.c.reason == "erasure")
            ids = list(dict.fromkeys(call_ids)) if call_ids else list(
                conn.execute(select(calls.c.id).where(calls.c.id.not_in(erased)).order_by(calls.c.id)).scalars())
            missing = set(ids) - set(conn.execute(select(calls.c.id).where(calls.c.id.in_(ids))).scalars())
        if missing:
            raise NotFound(f"call(s) not found in {ws.root}: {', '.join(sorted(missing))}")
        digests = _input_digests(ws, ids, policy)
        stored = {} if redo else _stored_digests(ws, ids)
        todo = [c for c in ids if redo or stored.get(c) != digests[c]]
        counts = {d: 0 for d in DECISIONS}
        totals = {"notices": 0, "objections": 0, "analysed": 0}
        changed: dict = {}
        failed: list = []

        def store(outcomes) -> None:
            with operation(ws, "calls.analyse", "consent.analysed", "workspace", None, user=who.name,
                           what="analyse consent") as op:
                done, bad = [], []
                for o in outcomes:
                    if not o.ok:
                        failed.append((o.item, o.error))
                        bad.append(o.item)
                        continue
                    record, used = o.value
                    row = op.conn.execute(select(consent_records)
                                          .where(consent_records.c.call_id == o.item)).mappings().first()
                    row = dict(row) if row else None
                    details = json.loads((row or {}).get("details_json") or "{}")
                    if details.get("transcript_deleted"):
                        record = consent_record(ws, o.item, policy)
                    elif record is None or details.get("corrections") != used:  # corrected meanwhile
                        record = compute_record(ws, o.item, conn=op.conn, policy=policy)
                    store_record(op.conn, record, manifest_fields(row), details.get("corrections"),
                                 input_digest=digests[o.item])
                    totals["notices"] += bool(record.notice_played)
                    totals["objections"] += record.customer_objected
                    counts[decide(record, policy).decision] += 1
                    done.append(o.item)
                part = redecide_open_clips(ws, op.conn, op.actor.name, policy, done) if done else {}
                changed.update(part)
                op.details.update({"calls": len(done), "call_ids": done, "failed": bad, "policy": policy.digest,
                                   "clips_changed": len(part)})
            totals["analysed"] += len(done)

        job = _Job(str(ws.root), who.name, policy.digest, ws)
        report = run_batch(_record_task, job, todo, store, plan, label="analysing consent", each=progress)
    return AnalysisSummary(totals["analysed"], totals["notices"], totals["objections"], counts[EXCLUDED], counts,
                           changed, skipped=len(ids) - len(todo), failed=tuple(failed), workers=report.workers,
                           where=report.where, seconds=report.seconds)


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
