"""The clip lifecycle and the four-eyes review.

    draft -> submitted -> approved | changes_requested | rejected;  approved -> packed;
    changes_requested -> submitted;  any state -> revoked (erasure request).

An edit sends a submitted, approved or packed clip back to draft (`curation.clips`). Nobody
approves a clip they created or edited. Approval is refused unless the anonymised transcript
re-scans clean, every bleep verified, the voices were disguised (or the clip is re-enactment
only), the consent decision allows the use, the reviewer heard the whole anonymised clip after its
last edit (the played stretches of `curation.clips.listening`; seeking over audio does not count), and the reviewer attested every item of the `CHECKLIST` (the UI's ticks
and the CLI's `--attest` both end up here). State changes are compare-and-set inside the
transaction: of two reviewers acting at once, one wins and the other gets `ConcurrentChange`.
"""

from __future__ import annotations

import json

from sqlalchemy import select, update
from sqlalchemy.engine import Connection

from curation import audit
from curation.access import mutates, reads, within_operation
from curation.checksums import sha256_file
from curation.clips.model import EDIT_ACTIONS, STATES, Clip
from curation.clips.redaction import PiiUnavailable, rescan, unresolved
from curation.clips.store import (ClipStateError, ConcurrentChange, load_anonymisation, load_clip, lock_clip,
                                  set_details, transition)
from curation.consent.effective import effective_decisions
from curation.consent.policy import ConsentDecision
from curation.errors import CurationError, PermissionDenied
from curation.pii.fingerprint import fingerprint as detector_fingerprint
from curation.roles import authorised, operation
from curation.store.schema import clips, reviews
from curation.workspace import Workspace, utcnow

TRANSITIONS: dict[str, tuple[frozenset[str], str]] = {
    "submit": (frozenset({"draft", "changes_requested"}), "submitted"),
    "approve": (frozenset({"submitted"}), "approved"),
    "reject": (frozenset({"submitted"}), "rejected"),
    "request_changes": (frozenset({"submitted"}), "changes_requested"),
    "pack": (frozenset({"approved", "packed"}), "packed"),
    "revoke": (frozenset(set(STATES) - {"revoked"}), "revoked"),
}

# what the reviewer attests personally before approving (the library checks everything it can itself)
CHECKLIST: dict[str, str] = {
    "listened": "I listened to the whole anonymised clip",
    "transcript_clean": "The redacted transcript names no person, address, number or account",
    "voices_disguised": "Voices are disguised and nothing else identifies the caller or the agent",
}

__all__ = ["CHECKLIST", "ApprovalRefused", "ClipStateError", "ConcurrentChange", "FourEyesViolation", "TRANSITIONS",
           "approval_problems", "approve", "missing_attestations", "reject", "request_changes", "revoke", "revoke_clips", "submit"]


class ApprovalRefused(CurationError):
    """A precondition of approval does not hold."""

    exit_code = 5


class FourEyesViolation(PermissionDenied):
    """The reviewer created or edited the clip."""


def _editors(conn: Connection, clip: Clip) -> set[str]:
    """Everyone who created or edited the clip (from the audit trail)."""
    found = {e.actor for e in audit.events(conn, object_type="clip", object_id=clip.id)
             if e.action in EDIT_ACTIONS}
    return found | {clip.created_by}


def _record_review(conn: Connection, clip_id: str, who: str, action: str, reason: str | None) -> None:
    conn.execute(reviews.insert().values(clip_id=clip_id, actor=who, action=action, reason=reason, at=utcnow()))


def _simple(ws: Workspace, clip_id: str, verb: str, permission: str, user: str | None, reason: str | None,
            reason_required: bool, what: str) -> Clip:
    if reason_required and not (reason and reason.strip()):
        raise CurationError(f"clip {clip_id}: a reason is required to {what}")
    expected, new = TRANSITIONS[verb]
    with operation(ws, permission, f"clip.{new}", "clip", clip_id, user=user, what=what) as op:
        lock_clip(op.conn, clip_id)
        clip = load_clip(op.conn, clip_id)
        if verb == "submit":
            anon = load_anonymisation(op.conn, clip_id)
            if anon is None or anon["status"] != "ok":
                raise ClipStateError(f"clip {clip_id} has no current anonymisation "
                                     f"({'none' if anon is None else anon['status']}); anonymise it before submitting")
        left = transition(op.conn, clip.id, expected, new, what)
        _record_review(op.conn, clip_id, op.actor.name, verb, reason)
        op.details.update({"from": left, "to": new, "reason": reason})
        return load_clip(op.conn, clip_id)


@mutates("clips.submit", "clip.submitted")
def submit(ws: Workspace, clip_id: str, user: str | None = None, reason: str | None = None) -> Clip:
    """Hand an anonymised clip to the privacy reviewers (trainer)."""
    return _simple(ws, clip_id, "submit", "clips.submit", user, reason, False, "submit clips for review")


@mutates("clips.review", "clip.rejected")
def reject(ws: Workspace, clip_id: str, reason: str, user: str | None = None) -> Clip:
    """Refuse the clip for good (privacy reviewer; reason required)."""
    return _simple(ws, clip_id, "reject", "clips.review", user, reason, True, "reject clips")


@mutates("clips.review", "clip.changes_requested")
def request_changes(ws: Workspace, clip_id: str, reason: str, user: str | None = None) -> Clip:
    """Send the clip back to its trainer with what to change (privacy reviewer; reason required)."""
    return _simple(ws, clip_id, "request_changes", "clips.review", user, reason, True, "request changes")


def _content_problems(ws: Workspace, clip: Clip, anon: dict | None, consent: ConsentDecision | None,
                      consent_problem: str | None) -> list[str]:
    """Every approval precondition about the clip's content that does not hold (no DB writes)."""
    problems: list[str] = []
    if anon is None or anon["status"] != "ok":
        state = "never anonymised" if anon is None else f"anonymisation {anon['status']}"
        return [f"no current anonymised version ({state})"]
    files = anon["files"]
    for kind, entry in sorted(files.items()):
        path = ws.root / entry["path"]
        if not path.is_file() or sha256_file(path) != entry["sha256"]:
            problems.append(f"anonymised file {kind} is missing or changed since anonymisation")
    if problems:
        return problems
    try:
        left = unresolved(_rescan_findings(ws, anon))
    except PiiUnavailable as exc:
        left = None
        problems.append(f"re-scan impossible: {exc}")
    if left:
        kinds = ", ".join(sorted({f["entity_type"] for f in left}))
        problems.append(f"re-scan of the anonymised transcript finds {len(left)} unresolved PII span(s) ({kinds})")
    report = anon["report"]
    redactions = report.get("redactions") or []
    bad = [r for r in redactions if not r.get("verified")]
    if bad:
        problems.append(f"{len(bad)} of {len(redactions)} bleep interval(s) not verified")
    if report.get("status") != "ok" or (report.get("mp3") or {}).get("status") != "ok":
        problems.append("the audio anonymisation report is not ok")
    if consent_problem:
        problems.append(consent_problem)
    elif consent is not None:
        if not consent.allows_use:
            problems.append(f"consent decision is {consent.decision}: the clip may not be used "
                            f"({'; '.join(r.en for r in consent.reasons)})")
        voice = (report.get("voice") or {}).get("method") or anon.get("voice_method")
        if voice in (None, "none") and not consent.reenactment_only:
            problems.append("voices were not disguised (voice method none) and the clip is not re-enactment only")
    return problems


def _rescan_findings(ws: Workspace, anon: dict) -> list[dict]:
    """The re-scan of the anonymised transcript: the one stored at anonymisation when it is of this
    very transcript (its checksum, checked against the file before) by this very detector (its
    fingerprint), else a new one (building the PII engine costs seconds)."""
    transcript = anon["files"]["transcript_json"]
    if (anon.get("rescan_detector") and anon["rescan_detector"] == detector_fingerprint()
            and anon.get("rescan_transcript_sha256") == transcript["sha256"]):
        return anon["rescan"]
    return rescan(json.loads((ws.root / transcript["path"]).read_text("utf-8")))


def _listening_problem(conn: Connection, clip: Clip, reviewer: str) -> str | None:
    """Why the reviewer has not heard the whole current anonymised clip (`curation.clips.listening`)."""
    from curation.clips.listening import listening_problem

    return listening_problem(conn, clip, reviewer)


@reads("clips.review")
def approval_problems(ws: Workspace, clip_id: str, user: str | None = None) -> list[str]:
    """What stands between the clip and approval by `user` (empty: it can be approved, once the
    reviewer attests the `CHECKLIST`). Read only."""
    with authorised(ws, "clips.review", user, "review clips") as who:
        with ws.engine.connect() as conn:
            clip = load_clip(conn, clip_id)
            anon = load_anonymisation(conn, clip_id)
            problems = [] if clip.state == "submitted" else [f"clip is {clip.state}, not submitted"]
            if who.name in _editors(conn, clip):
                problems.append(f"{who.name} created or edited this clip (four eyes)")
            heard = _listening_problem(conn, clip, who.name)
            if heard:
                problems.append(heard)
        consent, consent_problem = _consent(ws, clip_id)
        return problems + _content_problems(ws, clip, anon, consent, consent_problem)


def _consent(ws: Workspace, clip_id: str, conn: Connection | None = None) -> tuple[ConsentDecision | None, str | None]:
    """The clip's effective consent decision (`curation.consent.effective`), or why there is none."""
    try:
        decision = effective_decisions(ws, [clip_id], conn=conn).get(clip_id)
    except CurationError as exc:
        return None, f"clip {clip_id}: no consent decision ({exc})"
    if decision is None:
        return None, f"clip {clip_id}: no consent decision (clip not found)"
    return decision, None


def missing_attestations(attestations) -> list[str]:
    """The `CHECKLIST` items not among `attestations` (unknown items are refused): what a reviewer
    still has to attest before `approve` accepts."""
    given = set(attestations or ())
    unknown = sorted(given - set(CHECKLIST))
    if unknown:
        raise CurationError(f"unknown checklist item(s) {', '.join(unknown)}; the checklist is "
                            f"{', '.join(CHECKLIST)}")
    return [item for item in CHECKLIST if item not in given]


@mutates("clips.review", "clip.approved")
def approve(ws: Workspace, clip_id: str, user: str | None = None, reason: str | None = None,
            attestations=()) -> Clip:
    """Declare the clip safe to use (privacy reviewer, not its creator or an editor). `attestations`:
    the `CHECKLIST` items the reviewer attests (all are required; they are kept with the approval)."""
    with authorised(ws, "clips.review", user, "approve clips") as who:
        missing = missing_attestations(attestations)
        with ws.engine.connect() as conn:
            before = load_clip(conn, clip_id)
            anon = load_anonymisation(conn, clip_id)
        if before.state != "submitted":
            raise ClipStateError(f"clip {clip_id} is {before.state}; cannot approve it (needs submitted)")
        consent, consent_problem = _consent(ws, clip_id)
        problems = _content_problems(ws, before, anon, consent, consent_problem)  # slow part: outside the lock
        if missing:
            problems.append("the reviewer did not attest: " + "; ".join(CHECKLIST[m] for m in missing))
        return _approve(ws, who, clip_id, before, anon, consent, problems, reason, sorted(set(attestations)))


def _approve(ws: Workspace, who, clip_id: str, before: Clip, anon: dict | None, checked: ConsentDecision | None,
             problems: list[str], reason: str | None, attested: list[str]) -> Clip:
    from curation.consent.decisions import store_decision

    with operation(ws, "clips.review", "clip.approved", "clip", clip_id, user=who.name,
                   what="approve clips") as op:
        lock_clip(op.conn, clip_id)
        clip = load_clip(op.conn, clip_id)
        if clip.updated_at != before.updated_at and clip.state == "submitted":
            raise ConcurrentChange(f"clip {clip_id} changed while you reviewed it; reload it and try again")
        if clip.state != "submitted":
            transition(op.conn, clip_id, TRANSITIONS["approve"][0], "approved", "approve it")  # raises
        if who.name in _editors(op.conn, clip):
            raise FourEyesViolation(f"clip {clip_id}: {who.name} created or edited it and may not approve it "
                                    "(four eyes: another privacy reviewer must)")
        heard = _listening_problem(op.conn, clip, who.name)
        if heard:
            problems.insert(0, heard)
        if problems:
            raise ApprovalRefused(f"clip {clip_id} cannot be approved: " + "; ".join(problems))
        consent, _ = _consent(ws, clip_id, op.conn)  # as it is now, inside the lock
        if consent is None or consent.decision != checked.decision or consent.reasons != checked.reasons:
            raise ConcurrentChange(f"clip {clip_id}: its consent decision changed while you reviewed it; "
                                   "reload it and try again")
        store_decision(op.conn, consent, who.name)  # before the state change: the clip keeps this decision
        left = transition(op.conn, clip_id, TRANSITIONS["approve"][0], "approved", "approve it")
        _record_review(op.conn, clip_id, who.name, "approve", reason)
        set_details(op.conn, load_clip(op.conn, clip_id), approved_consent=consent.brief(), approved_by=who.name,
                    approved_at=utcnow(), approved_files={k: v["sha256"] for k, v in anon["files"].items()},
                    approved_attestations=attested)
        op.details.update({"from": left, "to": "approved", "reason": reason, "consent": consent.decision,
                           "attested": attested})
        return load_clip(op.conn, clip_id)


@within_operation("packs.build")
def mark_packed(conn: Connection, clip_ids: list[str]) -> None:
    """approved -> packed for every clip (inside the pack build's transaction)."""
    for clip_id in clip_ids:
        transition(conn, clip_id, TRANSITIONS["pack"][0], "packed", "pack it")


@within_operation("subject_requests.handle", "retention.run")
def revoke_clips(conn: Connection, clip_ids, reason: str) -> list[str]:
    """Mark clips revoked inside the caller's transaction (erasure); returns the ids changed.
    The caller records the audit event."""
    changed = []
    for clip_id in clip_ids:
        row = conn.execute(select(clips.c.state).where(clips.c.id == clip_id)).first()
        if row is None or row.state == "revoked":
            continue
        conn.execute(update(clips).where(clips.c.id == clip_id).values(state="revoked", updated_at=utcnow()))
        _record_review(conn, clip_id, "system", "revoke", reason)
        changed.append(clip_id)
    return changed


@mutates("subject_requests.handle", "clip.revoked")
def revoke(ws: Workspace, clip_id: str, reason: str, user: str | None = None) -> list[str]:
    """Revoke a clip and every pack containing it (privacy reviewer or admin handling an erasure).
    Returns the ids of the packs revoked."""
    from curation.packs.revocation import revoke_for_clips

    if not (reason and reason.strip()):
        raise CurationError(f"clip {clip_id}: a reason is required to revoke it")
    with operation(ws, "subject_requests.handle", "clip.revoked", "clip", clip_id, user=user,
                   what="revoke clips") as op:
        load_clip(op.conn, clip_id)
        revoke_clips(op.conn, [clip_id], reason)
        packs = revoke_for_clips(op.conn, [clip_id], reason, root=ws.root)
        op.details.update({"reason": reason, "packs": packs})
        return packs
