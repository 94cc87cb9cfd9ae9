"""Cut a clip out of a call: a time range, optionally snapped to word or turn edges, and its transcript."""

from __future__ import annotations

from dataclasses import dataclass

from curation.errors import CurationError
from curation.model import Transcript

SNAP_MODES = ("none", "word", "turn")


class ClipRangeError(CurationError):
    """A clip range that is empty, reversed or outside the call."""


@dataclass(frozen=True)
class ClipRange:
    """[start, end) in seconds on the call's timeline."""

    start: float
    end: float

    @property
    def duration(self) -> float:
        return self.end - self.start


def snap(transcript: Transcript | None, start: float, end: float, to: str = "none") -> ClipRange:
    """Widen [start, end) so no word (or turn) is cut in half; `none` keeps the times as given."""
    if to not in SNAP_MODES:
        raise ClipRangeError(f"unknown snap mode {to!r} (use none, word or turn)")
    if transcript is None or to == "none":
        return ClipRange(start, end)
    if to == "word":
        pieces = [(w.start, w.end) for w in transcript.words]
    else:
        pieces = [(t.start, t.end) for t in transcript.turns]
    for a, b in pieces:
        if a < start < b:
            start = a
        if a < end < b:
            end = b
    return ClipRange(start, end)


def resolve(duration: float, transcript: Transcript | None, start: float | None, end: float | None,
            snap_to: str = "none", source: str = "recording") -> ClipRange:
    """The clip range to cut: defaults to the whole call, validated against its duration."""
    s = 0.0 if start is None else float(start)
    e = duration if end is None else float(end)
    if s < 0 or e <= s:
        raise ClipRangeError(f"{source}: clip range {s:.3f}-{e:.3f}s is empty or reversed")
    if s >= duration:
        raise ClipRangeError(f"{source}: clip starts at {s:.3f}s but the recording lasts {duration:.3f}s")
    r = snap(transcript, s, min(e, duration), snap_to)
    return ClipRange(max(0.0, r.start), min(duration, r.end))


def transcript_slice(transcript: Transcript | None, clip: ClipRange) -> Transcript | None:
    """The clip's transcript, re-timed to start at zero."""
    if transcript is None:
        return None
    return transcript.slice(clip.start, clip.end)
