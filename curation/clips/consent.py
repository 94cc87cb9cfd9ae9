"""The consent decision for a clip, from the consent stage (`curation.consent`), as the review and
pack stages need it: decision, whether it allows audio, and reasons without personal data.

Without the consent stage there is no decision, and nothing that needs one is allowed."""

from __future__ import annotations

from dataclasses import dataclass

from curation.errors import CurationError

DECISIONS = ("training_allowed", "reenactment_required", "excluded")


class ConsentUnavailable(CurationError):
    """No consent decision can be made for the clip."""

    exit_code = 5


@dataclass(frozen=True)
class ClipConsent:
    decision: str
    reasons: tuple[dict, ...]  # {"rule", "nl", "en"}: policy texts, never personal data
    override: bool = False

    @property
    def allows_audio(self) -> bool:
        return self.decision == "training_allowed"

    @property
    def reenactment_only(self) -> bool:
        return self.decision == "reenactment_required"

    @property
    def allows_use(self) -> bool:
        return self.decision in ("training_allowed", "reenactment_required")

    def reason_text(self, language: str = "en") -> str:
        return "; ".join(r.get(language) or r.get("en") or r.get("rule", "") for r in self.reasons)

    def to_dict(self) -> dict:
        return {"decision": self.decision, "reasons": [dict(r) for r in self.reasons], "override": self.override}


def _decider():
    try:
        from curation.consent import decisions
    except ImportError as exc:
        raise ConsentUnavailable(f"the consent stage is not installed ({exc}); no consent decision") from None
    fn = getattr(decisions, "decide_clip", None)
    if not callable(fn):
        raise ConsentUnavailable("the consent stage offers no clip decision "
                                 "(expected curation.consent.decisions.decide_clip(ws, clip_id))")
    return fn


def keep_decision(conn, ws, clip_id: str, actor: str) -> None:
    """Store the consent decision with the clip inside the caller's (approval) transaction, so it
    stays the decision the clip was approved under."""
    from curation.consent.decisions import decide_clip, store_decision

    store_decision(conn, decide_clip(ws, clip_id, conn=conn), actor)


def clip_consent(ws, clip_id: str, conn=None) -> ClipConsent:
    """The consent stage's current decision for the clip (raises `ConsentUnavailable` without one)."""
    try:
        decision = _decider()(ws, clip_id, conn=conn) if conn is not None else _decider()(ws, clip_id)
    except ConsentUnavailable:
        raise
    except CurationError as exc:
        raise ConsentUnavailable(f"clip {clip_id}: no consent decision ({exc})") from None
    if decision is None:
        raise ConsentUnavailable(f"clip {clip_id}: no consent decision (no consent record for its call)")
    value = getattr(decision, "decision", None) or getattr(decision, "outcome", None)
    if value not in DECISIONS:
        raise ConsentUnavailable(f"clip {clip_id}: unknown consent decision {value!r}")
    reasons = []
    for r in getattr(decision, "reasons", ()) or ():
        get = r.get if isinstance(r, dict) else (lambda k, r=r: getattr(r, k, None))
        reasons.append({"rule": get("rule") or "", "nl": get("nl") or "", "en": get("en") or ""})
    return ClipConsent(value, tuple(reasons), bool(getattr(decision, "override", None)))
