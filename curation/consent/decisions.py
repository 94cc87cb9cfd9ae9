"""Consent decisions in a workspace: per clip from the call's record and the workspace policy,
stored with the policy that made them, privacy reviewer overrides, and re-evaluation when the
policy or the records change. Approved, packed and revoked clips keep the decision they had.
"""

from __future__ import annotations

import json
import os
from dataclasses import replace
from pathlib import Path

from sqlalchemy import delete, select
from sqlalchemy.engine import Connection

from curation.access import mutates, reads, within_operation
from curation.consent.effective import FROZEN_STATES, OVERRIDE_CLEAR, ConsentUnavailable, effective_decisions
from curation.consent.policy import (DECISIONS, POLICY_FILE, ConsentDecision, Policy, PolicyError, Reason,
                                     decide, parse_policy, workspace_policy)
from curation.consent.record import ANALYSED, ConsentRecord, build_record, consent_record, record_from_row
from curation.consent.tables import consent_decisions, consent_overrides
from curation.errors import CurationError, NotFound
from curation.roles import actor, authorised, operation, require
from curation.store.schema import clips, consent_records
from curation.workspace import Workspace, utcnow

MIN_REASON = 10


class OverrideRefused(CurationError):
    """An override without a proper reason, or against a rule that may not be overridden."""


def _clip_row(conn: Connection, clip_id: str):
    row = conn.execute(select(clips.c.id, clips.c.call_id, clips.c.state).where(clips.c.id == clip_id)).first()
    if row is None:
        raise NotFound(f"clip {clip_id!r} not found")
    return row


def _stored_decision(conn: Connection, clip_id: str) -> ConsentDecision | None:
    row = conn.execute(select(consent_decisions).where(consent_decisions.c.clip_id == clip_id)).first()
    if row is None:
        return None
    reasons = tuple(Reason(**r) for r in json.loads(row.reasons_json))
    return ConsentDecision(row.policy_decision, reasons, row.policy_name, row.policy_digest, clip_id=clip_id,
                           call_id=row.call_id, policy_decision=row.policy_decision)


def _record_for(ws: Workspace, conn: Connection, call_id: str, policy: Policy) -> ConsentRecord:
    from curation.consent.record import _compute_record

    row = conn.execute(select(consent_records).where(consent_records.c.call_id == call_id)).mappings().first()
    if row is not None and row["source"] == ANALYSED:
        return record_from_row(dict(row))
    return _compute_record(ws, call_id, conn=conn, policy=policy)


def _decide(ws: Workspace, clip_id: str, conn: Connection | None = None, policy: Policy | None = None) -> ConsentDecision:
    """The effective decision of one clip inside the caller's operation (NotFound for no such clip)."""
    found = effective_decisions(ws, [clip_id], conn=conn, policy=policy)
    if clip_id not in found:
        raise NotFound(f"clip {clip_id!r} not found")
    return found[clip_id]


@reads("clips.read")
def clips_with_consent(ws: Workspace, state: str | None = None, call_id: str | None = None,
                       user: str | None = None) -> list[dict]:
    """The clips as `curation clips list` shows them (`Clip.to_dict`), each with its effective consent
    decision under `consent`, from the one consent truth (`curation.consent.effective`) whoever made
    the clip and however (CLI, notebook, demo). Reads only."""
    from curation.clips.store import load_clips

    with authorised(ws, "clips.read", user, "read clips"):
        with ws.engine.connect() as conn:
            found = load_clips(conn, state=state, call_id=call_id)
            decisions = effective_decisions(ws, [c.id for c in found], conn=conn)
    return [{**c.to_dict(), "consent": decisions[c.id].decision if c.id in decisions else None} for c in found]


@reads("consent.read")
def decide_clip(ws: Workspace, clip_id: str, conn: Connection | None = None,
                policy: Policy | None = None, user: str | None = None) -> ConsentDecision:
    """The consent decision for a clip now (`curation.consent.effective`: the policy's decision for
    its call's record, the stored one for approved/packed clips, excluded when revoked, with a
    privacy reviewer's override applied). Reads only."""
    with authorised(ws, "consent.read", user, "read consent decisions"):
        return _decide(ws, clip_id, conn, policy)


@within_operation("consent.read", "consent.edit", "consent.override", "calls.analyse")
def decide_call(ws: Workspace, call_id: str, policy: Policy | None = None) -> tuple[ConsentRecord, ConsentDecision]:
    """The call's record (with its evidence) and what the policy says about the call as a whole."""
    policy = policy or workspace_policy(ws)
    record = consent_record(ws, call_id, policy)
    return record, decide(record, policy)


@reads("consent.read")
def call_outcomes(ws: Workspace, call_ids: list[str], user: str | None = None) -> dict[str, str]:
    """call id -> what the policy decides for a clip of that call before any override (the call
    browser's consent column): a decision name, or "not evaluated" when no record can be made."""
    with authorised(ws, "consent.read", user, "read consent decisions"):
        policy = workspace_policy(ws)
        out = {}
        with ws.engine.connect() as conn:
            for call_id in call_ids:
                try:
                    out[call_id] = decide(_record_for(ws, conn, call_id, policy), policy).decision
                except CurationError:
                    out[call_id] = NOT_EVALUATED
    return out


NOT_EVALUATED = "not evaluated"


@within_operation()
def store_decision(conn: Connection, decision: ConsentDecision, actor: str) -> None:
    """Keep the policy's decision for a clip (e.g. inside an approval transaction, so it stays as approved)."""
    values = dict(call_id=decision.call_id, decision=decision.decision,
                  policy_decision=decision.policy_decision or decision.decision,
                  reasons_json=json.dumps([r.__dict__ for r in decision.reasons], ensure_ascii=False),
                  policy_name=decision.policy_name, policy_digest=decision.policy_digest, evaluated_at=utcnow(),
                  evaluated_by=actor)
    conn.execute(delete(consent_decisions).where(consent_decisions.c.clip_id == decision.clip_id))
    conn.execute(consent_decisions.insert().values(clip_id=decision.clip_id, **values))
    _mirror_into_clip(conn, decision)


def _mirror_into_clip(conn: Connection, decision: ConsentDecision) -> None:
    """The clip's own details carry the current decision (the clip list shows it)."""
    row = conn.execute(select(clips.c.details_json).where(clips.c.id == decision.clip_id)).first()
    details = json.loads(row.details_json or "{}") if row else {}
    details["consent"] = {"decision": decision.decision, "policy_decision": decision.policy_decision,
                          "overridden": decision.overridden, "policy_digest": decision.policy_digest}
    conn.execute(clips.update().where(clips.c.id == decision.clip_id)
                 .values(details_json=json.dumps(details, sort_keys=True)))


def _open_clip_ids(conn: Connection, call_ids: list[str] | None = None) -> list[str]:
    query = select(clips.c.id).where(clips.c.state.not_in(FROZEN_STATES)).order_by(clips.c.id)
    if call_ids is not None:
        query = query.where(clips.c.call_id.in_(call_ids))
    return list(conn.execute(query).scalars())


@within_operation("calls.analyse", "consent.edit", "consent.override")
def redecide_open_clips(ws: Workspace, conn: Connection, actor: str, policy: Policy,
                        call_ids: list[str] | None = None,
                        old_policy: Policy | None = None) -> dict[str, tuple[str | None, str]]:
    """Store fresh decisions for open clips (inside the caller's operation); returns clip id ->
    (old, new) for those that changed (old: the stored decision, else the one under `old_policy`)."""
    changed = {}
    for clip_id in _open_clip_ids(conn, call_ids):
        old = _stored_decision(conn, clip_id)
        if old is None and old_policy is not None:
            old = _decide(ws, clip_id, conn=conn, policy=old_policy)
        new = _decide(ws, clip_id, conn=conn, policy=policy)
        store_decision(conn, new, actor)
        old_value = (old.policy_decision or old.decision) if old else None
        if old_value != new.policy_decision:
            changed[clip_id] = (old_value, new.policy_decision)
    return changed


def _freeze(ws: Workspace, conn: Connection, actor: str, policy: Policy) -> int:
    """Approved/packed clips without a stored decision keep the one they have under `policy`."""
    ids = conn.execute(select(clips.c.id).where(clips.c.state.in_(("approved", "packed")))
                       .where(clips.c.id.not_in(select(consent_decisions.c.clip_id)))).scalars().all()
    for clip_id in ids:
        clip = _clip_row(conn, clip_id)
        base = replace(decide(_record_for(ws, conn, clip.call_id, policy), policy), clip_id=clip_id)
        store_decision(conn, base, actor)
    return len(ids)


@mutates("consent.edit", "consent.decided")
def evaluate_clip(ws: Workspace, clip_id: str, user: str | None = None) -> ConsentDecision:
    """Decide a clip now and store the decision (audited `consent.decided`)."""
    with operation(ws, "consent.edit", "consent.decided", "clip", clip_id, user=user,
                   what="record consent decisions") as op:
        decision = _decide(ws, clip_id, conn=op.conn)
        if not decision.frozen:
            store_decision(op.conn, decision, op.actor.name)
        op.details.update({"decision": decision.decision, "policy": decision.policy_digest,
                           "rules": [r.rule for r in decision.reasons], "frozen": decision.frozen})
        return decision


@mutates("consent.override", "consent.overridden")
def override_decision(ws: Workspace, clip_id: str, decision: str, reason: str,
                      user: str | None = None) -> ConsentDecision:
    """A privacy reviewer sets the clip's decision against the policy, with a mandatory reason that is
    kept (every override stays in the history and the audit trail). `decision="policy"` withdraws it."""
    if decision not in DECISIONS + (OVERRIDE_CLEAR,):
        raise OverrideRefused(f"unknown decision {decision!r}; one of {', '.join(DECISIONS + (OVERRIDE_CLEAR,))}")
    reason = " ".join((reason or "").split())
    if len(reason) < MIN_REASON:
        raise OverrideRefused(f"clip {clip_id}: an override needs a reason (at least {MIN_REASON} characters) "
                              "saying why the policy's decision does not apply")
    with operation(ws, "consent.override", "consent.overridden", "clip", clip_id, user=user,
                   what="override consent decisions") as op:
        current = _decide(ws, clip_id, conn=op.conn)
        policy_decision = current.policy_decision or current.decision
        policy = workspace_policy(ws)
        locked = not current.overridable or any(
            policy.rule(r.rule) is not None and not policy.rule(r.rule).overridable
            for r in current.reasons if r.decision == policy_decision)
        if decision not in (OVERRIDE_CLEAR, policy_decision) and locked:
            rules = ", ".join(r.rule for r in current.reasons if r.decision == policy_decision)
            raise OverrideRefused(f"clip {clip_id}: the policy's decision {policy_decision} comes from rule(s) "
                                  f"{rules} that may not be overridden")
        op.conn.execute(consent_overrides.insert().values(clip_id=clip_id, decision=decision,
                                                          policy_decision=policy_decision, reason=reason,
                                                          actor=op.actor.name, at=utcnow()))
        result = _decide(ws, clip_id, conn=op.conn)
        _mirror_into_clip(op.conn, result)
        op.details.update({"decision": decision, "policy_decision": policy_decision,
                           "previous": current.decision, "reason": reason})
    return result


@reads("consent.read")
def override_history(ws: Workspace, clip_id: str, user: str | None = None) -> list[dict]:
    """Every override of the clip, oldest first, with its reason (withdrawals included)."""
    require(actor(ws, user), "consent.read", "read consent decisions")
    with ws.engine.connect() as conn:
        rows = conn.execute(select(consent_overrides).where(consent_overrides.c.clip_id == clip_id)
                            .order_by(consent_overrides.c.id)).mappings().all()
    return [dict(r) for r in rows]


@mutates("consent.override", "consent.policy_changed")
def set_policy(ws: Workspace, text: str, source: str = "policy.toml", user: str | None = None) -> dict:
    """Check a policy, make it the workspace's (W/policy.toml) and re-evaluate every open clip.
    Approved and packed clips keep the decision they were approved under."""
    new = parse_policy(text, source)
    old = workspace_policy(ws)
    path = Path(ws.root) / POLICY_FILE
    with operation(ws, "consent.override", "consent.policy_changed", "policy", new.digest, user=user,
                   what="change the consent policy") as op:
        frozen = _freeze(ws, op.conn, op.actor.name, old)
        tmp = path.with_suffix(".toml.part")
        tmp.write_text(text, encoding="utf-8")
        try:
            changed = redecide_open_clips(ws, op.conn, op.actor.name, new, old_policy=old)
            op.details.update({"old": old.digest, "new": new.digest, "clips_changed": sorted(changed),
                               "clips_frozen": frozen, "name": new.name})
            os.replace(tmp, path)
        finally:
            tmp.unlink(missing_ok=True)
    return {"policy": new.name, "digest": new.digest, "changed": changed, "frozen": frozen}


@mutates("consent.edit", "consent.reevaluated")
def reevaluate_open_clips(ws: Workspace, user: str | None = None) -> dict:
    """After W/policy.toml was edited by hand: re-decide every open clip under it."""
    policy = workspace_policy(ws)
    with operation(ws, "consent.edit", "consent.reevaluated", "policy", policy.digest, user=user,
                   what="re-evaluate consent decisions") as op:
        changed = redecide_open_clips(ws, op.conn, op.actor.name, policy)
        op.details.update({"clips_changed": sorted(changed)})
    return changed



__all__ = ["ConsentUnavailable", "NOT_EVALUATED", "OverrideRefused", "PolicyError", "build_record", "call_outcomes",
           "decide_call", "decide_clip", "effective_decisions", "evaluate_clip", "override_decision",
           "override_history", "redecide_open_clips", "reevaluate_open_clips", "set_policy", "store_decision"]
