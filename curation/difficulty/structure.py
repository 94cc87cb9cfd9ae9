"""Call-structure signals: call length and transfers to another person or department."""

from __future__ import annotations

from .lexicon import top_evidence
from .signal import Evidence, Signal, clamp01, ramp
from .text import CallView, PhraseLexicon

LONG_CALL = (480.0, 1500.0)  # seconds: from 8 minutes the call starts to count, at 25 it is long


def call_length(duration: float) -> Signal:
    """Long calls are more often difficult ones. value = duration in seconds."""
    if duration <= 0:
        return Signal.unavailable("call_length", "duration unknown")
    strength = ramp(duration, *LONG_CALL)
    ev = (Evidence(f"[call of {duration / 60:.1f} min]", "unknown", 0.0, round(duration, 2)),) if strength else ()
    return Signal("call_length", round(duration, 2), strength, ev, unit="seconds")


def transfers(view: CallView) -> Signal:
    """The agent transfers the call ("ik verbind u door"), or more than two parties speak.
    value = number of transfer cues plus extra parties."""
    hits, total = [], 0.0
    for first, last, phrase in view.lexicon("transfer.txt").scan(view.tokens):
        if view.roles[first] == "agent":
            total += phrase.weight
            hits.append((phrase.weight, view.evidence(first, last)))
    extra = max(0, len(view.transcript.speakers) - 2)
    if extra:
        seen = {view.transcript.words[i].speaker for i in range(min(len(view), 1))}
        for i, w in enumerate(view.transcript.words):
            if w.speaker not in seen:
                seen.add(w.speaker)
                if len(seen) > 2:
                    hits.append((1.0, view.evidence(i, i + 1)))
        total += extra
    return Signal("transfers", round(total, 2), clamp01(ramp(total, 0.3, 1.5)), top_evidence(hits), unit="transfer cues")
