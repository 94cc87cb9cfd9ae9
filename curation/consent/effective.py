"""The effective consent decision of clips: the one query review, packs, widgets and the dashboard ask.

Per clip, in this order:

1. a revoked clip is excluded (erasure), for good;
2. an approved or packed clip keeps the policy decision stored when it was approved;
3. any other clip gets the policy's decision for its call's consent record (the analysed record
   when stored, else one merged now from the manifest and the transcript);
4. a privacy reviewer's latest override wins, unless it was withdrawn (`"policy"`) or the
   policy's decision changed since it was made (then it lapsed and stays in the history).

Batched: one query per table for any number of clips, so a dashboard over thousands of clips
asks it once. The transcript is read only to decide; no text leaves this module.
"""

from __future__ import annotations

import json
from dataclasses import replace

from sqlalchemy import func, select
from sqlalchemy.engine import Connection

from curation.access import within_operation
from curation.consent.policy import EXCLUDED, ConsentDecision, Policy, Reason, decide, workspace_policy
from curation.consent.tables import consent_decisions, consent_overrides
from curation.errors import CurationError, NotFound
from curation.store.schema import clips, consent_records
from curation.vocabulary import OVERRIDE_CLEAR

FROZEN_STATES = frozenset({"approved", "packed", "revoked"})
REVOKED = Reason("revoked", EXCLUDED,
                 "De clip is ingetrokken na een verzoek tot verwijdering van gegevens: niet meer gebruiken.",
                 "The clip was revoked after an erasure request: it may no longer be used.")


class ConsentUnavailable(CurationError):
    """No consent decision can be made for the clip."""

    exit_code = 5


def _stored(row) -> ConsentDecision:
    reasons = tuple(Reason(**r) for r in json.loads(row.reasons_json))
    return ConsentDecision(row.policy_decision, reasons, row.policy_name, row.policy_digest, clip_id=row.clip_id,
                           call_id=row.call_id, policy_decision=row.policy_decision)


def _chunks(ids: list[str], size: int = 500):
    for start in range(0, len(ids), size):
        yield ids[start:start + size]


def _latest_overrides(conn: Connection, clip_ids: list[str] | None) -> dict[str, dict]:
    """Each clip's latest override that is not a withdrawal."""
    latest = select(consent_overrides.c.clip_id, func.max(consent_overrides.c.id).label("id")) \
        .group_by(consent_overrides.c.clip_id)
    if clip_ids is not None:
        latest = latest.where(consent_overrides.c.clip_id.in_(clip_ids))
    latest = latest.subquery()
    rows = conn.execute(select(consent_overrides).join(latest, latest.c.id == consent_overrides.c.id)).all()
    return {r.clip_id: {"decision": r.decision, "reason": r.reason, "by": r.actor, "at": r.at,
                        "policy_decision": r.policy_decision}
            for r in rows if r.decision != OVERRIDE_CLEAR}


def _records(ws, conn: Connection, call_ids: set[str], policy: Policy) -> dict:
    """The consent record of each call: stored analysed ones as they are; the rest merged now from
    the manifest fields and (for calls with a transcript) what the transcript says. Batched."""
    from curation.consent.facts import build_record
    from curation.consent.record import ANALYSED, _compute_record, manifest_fields, record_from_row
    from curation.store.schema import calls, speakers

    out, manifest_rows = {}, {}
    for chunk in _chunks(sorted(call_ids)):
        for row in conn.execute(select(consent_records).where(consent_records.c.call_id.in_(chunk))).mappings():
            if row["source"] == ANALYSED:
                out[row["call_id"]] = record_from_row(dict(row))
            else:
                manifest_rows[row["call_id"]] = dict(row)
    rest = sorted(call_ids - set(out))
    for chunk in _chunks(rest):
        with_transcript = set(conn.execute(select(speakers.c.call_id).where(speakers.c.call_id.in_(chunk))
                                           .distinct()).scalars())
        for call in conn.execute(select(calls.c.id, calls.c.recorded_at, calls.c.imported_at)
                                 .where(calls.c.id.in_(chunk))):
            if call.id in with_transcript:  # the transcript may hold a notice or an objection
                out[call.id] = _compute_record(ws, call.id, conn=conn, policy=policy)
                continue
            row = manifest_rows.get(call.id)
            details = json.loads((row or {}).get("details_json") or "{}")
            out[call.id] = build_record(call.id, manifest_fields(row), None, recorded_at=call.recorded_at,
                                        imported_at=call.imported_at, default_legal_basis=policy.default_legal_basis,
                                        default_retention_days=policy.retention_days,
                                        corrections=details.get("corrections"))
    missing = call_ids - set(out)
    if missing:
        raise NotFound(f"call(s) {', '.join(sorted(missing))} not found in {ws.root}")
    return out


@within_operation()
def effective_decisions(ws, clip_ids=None, conn: Connection | None = None,
                        policy: Policy | None = None) -> dict[str, ConsentDecision]:
    """clip id -> its effective `ConsentDecision` for `clip_ids` (every clip when None); clips that
    do not exist are left out. Reads only; runs inside an operation or `authorised` block."""
    if conn is None:
        with ws.engine.connect() as own:
            return effective_decisions(ws, clip_ids, own, policy)
    ids = None if clip_ids is None else list(dict.fromkeys(clip_ids))
    query = select(clips.c.id, clips.c.call_id, clips.c.state).order_by(clips.c.id)
    rows = []
    for chunk in ([None] if ids is None else _chunks(ids)):
        rows += conn.execute(query if chunk is None else query.where(clips.c.id.in_(chunk))).all()
    present = [r.id for r in rows]
    overrides = _latest_overrides(conn, None if ids is None else present)
    frozen_ids = [r.id for r in rows if r.state in FROZEN_STATES - {"revoked"}]
    stored = {}
    for chunk in _chunks(frozen_ids):
        stored.update({r.clip_id: _stored(r) for r in conn.execute(
            select(consent_decisions).where(consent_decisions.c.clip_id.in_(chunk)))})
    live = [r for r in rows if r.state != "revoked" and r.id not in stored]
    if live:
        policy = policy or workspace_policy(ws)
        records = _records(ws, conn, {r.call_id for r in live}, policy)
    out: dict[str, ConsentDecision] = {}
    for r in rows:
        if r.state == "revoked":
            out[r.id] = ConsentDecision(EXCLUDED, (REVOKED,), "revoked", "-", clip_id=r.id, call_id=r.call_id,
                                        policy_decision=EXCLUDED, overridable=False, frozen=True)
            continue
        if r.id in stored:
            base = replace(stored[r.id], frozen=True)
        else:
            base = replace(decide(records[r.call_id], policy), clip_id=r.id)
        override = overrides.get(r.id)
        if override and override["policy_decision"] != base.policy_decision:
            base = replace(base, lapsed_override=override)  # the policy's decision changed since the override
        elif override:
            base = replace(base, decision=override["decision"], override=override)
        out[r.id] = base
    return out
