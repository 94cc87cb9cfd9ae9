"""Clip values: a clip of a call, its redaction spans, its lifecycle states."""

from __future__ import annotations

from dataclasses import dataclass, field

from curation.vocabulary import CLIP_STATES as STATES

# states an edit may start from; an edit of a submitted, approved or packed clip sends it back to draft
EDITABLE = frozenset({"draft", "changes_requested", "submitted", "approved", "packed"})
# audit actions that change a clip's content: whoever did one of these may not approve it
EDIT_ACTIONS = ("clip.created", "clip.updated", "clip.anonymised", "clip.redaction_added",
                "clip.redaction_accepted", "clip.redaction_rejected")
SPAN_STATUSES = ("proposed", "accepted", "rejected")  # proposed and accepted spans are redacted


@dataclass(frozen=True)
class RedactionSpan:
    """Words [first_word, last_word) of the call (one speaker) to redact, with their times on the
    call's timeline. Detected spans start `proposed` (redacted until a trainer rejects them)."""

    id: int
    clip_id: str
    first_word: int
    last_word: int
    start: float
    end: float
    speaker: str
    entity_type: str
    source: str  # detected | manual
    status: str
    score: float | None = None
    decided_by: str | None = None
    # (start, end) on the call's timeline when the words' times are uncertain (not confidently aligned):
    # the audio redaction then covers this whole stretch. Computed by `redaction_spans`, not stored.
    uncertain_stretch: tuple[float, float] | None = None

    @property
    def active(self) -> bool:
        return self.status != "rejected"

    @property
    def alignment_uncertain(self) -> bool:
        return self.uncertain_stretch is not None

    def to_dict(self, clip_first_word: int = 0, role: str | None = None) -> dict:
        """Without the transcript's speaker label (may be a name): the role instead when given."""
        return {"id": self.id, "words": [self.first_word - clip_first_word, self.last_word - clip_first_word],
                "start": self.start, "end": self.end, "speaker": role, "entity_type": self.entity_type,
                "source": self.source, "status": self.status, "score": self.score,
                "uncertain_stretch": list(self.uncertain_stretch) if self.uncertain_stretch else None}


@dataclass(frozen=True)
class Clip:
    """A time range [start, end) of a call (seconds on the call's timeline) on its way to a pack."""

    id: str
    call_id: str
    start: float
    end: float
    title: str | None
    state: str
    created_by: str
    created_at: str
    updated_at: str
    details: dict = field(default_factory=dict)

    @property
    def duration(self) -> float:
        return self.end - self.start

    @property
    def first_word(self) -> int:
        return int(self.details.get("first_word", 0))

    @property
    def last_word(self) -> int:
        return int(self.details.get("last_word", 0))

    def to_dict(self) -> dict:
        return {"clip_id": self.id, "call_id": self.call_id, "start": self.start, "end": self.end,
                "duration": round(self.duration, 3), "title": self.title, "state": self.state,
                "created_by": self.created_by, "created_at": self.created_at, "updated_at": self.updated_at,
                "anonymised": self.details.get("anonymisation", "none")}
        # the consent decision is not a clip field: ask `curation.consent.clips_with_consent`
