"""Domain types of the workbench: calls, speakers, turns and timed transcript words.

Plain frozen values, measured in seconds. Every later stage (difficulty, PII,
anonymisation, consent, review, packs) works on these, not on database rows.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Iterable, Iterator, Sequence

ROLES = ("agent", "customer", "unknown")
CHANNEL_LAYOUTS = ("mono", "stereo")  # stereo: channel 0 agent, channel 1 customer


class InvalidTranscript(ValueError):
    """A transcript whose structure or timings cannot be right."""


MAX_SECONDS = 24 * 3600  # no word of a call is timed later than a day into its recording


@dataclass(frozen=True, slots=True)
class Word:
    """One transcript word with its time on the recording's timeline (seconds)."""

    text: str
    start: float
    end: float
    speaker: str
    confidence: float | None = None
    estimated: bool = False  # True when the time was estimated inside a segment (or its alignment is uncertain)
    # True when forced alignment placed the word confidently (then not estimated), or - with estimated - when
    # alignment bounds it: the word was said somewhere within [start, end] (`bounded`)
    aligned: bool = False

    @property
    def bounded(self) -> bool:
        """Not placed exactly, but known to lie within [start, end] (curation.ingest.alignment)."""
        return self.estimated and self.aligned

    def __post_init__(self) -> None:
        if not self.text or self.text != self.text.strip():
            raise InvalidTranscript(f"word text must be non-empty without surrounding blanks: {self.text!r}")
        if not (self.start >= 0 and self.end >= self.start):
            raise InvalidTranscript(f"word {self.text!r} has invalid times {self.start}..{self.end}")
        if not self.end <= MAX_SECONDS:  # "1e999" in a JSON or STM file reads as infinity
            raise InvalidTranscript(f"word {self.text!r} ends at {self.end} s, beyond any recording "
                                    f"(at most {MAX_SECONDS} s)")
        if self.confidence is not None and not (0.0 <= self.confidence <= 1.0):
            raise InvalidTranscript(f"word {self.text!r} has confidence {self.confidence} outside 0..1")


@dataclass(frozen=True, slots=True)
class Speaker:
    """A party in the call. `label` is the transcript's own label (may be a name);
    `role` is what everything exported uses instead."""

    label: str
    role: str = "unknown"
    channel: int | None = None

    def __post_init__(self) -> None:
        if self.role not in ROLES:
            raise InvalidTranscript(f"speaker {self.label!r} has unknown role {self.role!r}")


@dataclass(frozen=True, slots=True)
class Turn:
    """A stretch of speech by one speaker: words[first:last] of the transcript."""

    speaker: str
    start: float
    end: float
    first: int  # index of the first word
    last: int  # index one past the last word


@dataclass(frozen=True)
class Transcript:
    """The timed words of a call, their speakers and their turns."""

    words: tuple[Word, ...]
    speakers: tuple[Speaker, ...]
    turns: tuple[Turn, ...] = ()
    language: str = "nl"

    def __post_init__(self) -> None:
        labels = {s.label for s in self.speakers}
        if len(labels) != len(self.speakers):
            raise InvalidTranscript("duplicate speaker labels")
        for w in self.words:
            if w.speaker not in labels:
                raise InvalidTranscript(f"word {w.text!r} at {w.start:.2f}s has unknown speaker {w.speaker!r}")
        if not self.turns and self.words:
            object.__setattr__(self, "turns", tuple(turns_from_words(self.words)))

    @classmethod
    def build(cls, words: Iterable[Word], speakers: Iterable[Speaker] | None = None,
              turns: Iterable[Turn] = (), language: str = "nl") -> "Transcript":
        words = tuple(sorted(words, key=lambda w: (w.start, w.end)))
        if speakers is None:
            seen: dict[str, Speaker] = {}
            for w in words:
                seen.setdefault(w.speaker, Speaker(w.speaker))
            speakers = seen.values()
        return cls(words=words, speakers=tuple(speakers), turns=tuple(turns), language=language)

    @property
    def text(self) -> str:
        return " ".join(w.text for w in self.words)

    @property
    def duration(self) -> float:
        return max((w.end for w in self.words), default=0.0)

    @property
    def timings_estimated(self) -> bool:
        return any(w.estimated for w in self.words)

    def speaker(self, label: str) -> Speaker:
        for s in self.speakers:
            if s.label == label:
                return s
        raise KeyError(label)

    def role_of(self, label: str) -> str:
        return self.speaker(label).role

    def turn_text(self, turn: Turn) -> str:
        return " ".join(w.text for w in self.words[turn.first:turn.last])

    def word_offsets(self) -> list[tuple[int, int]]:
        """Character (start, end) of every word in `self.text`."""
        offsets, pos = [], 0
        for w in self.words:
            offsets.append((pos, pos + len(w.text)))
            pos += len(w.text) + 1
        return offsets

    def slice(self, start: float, end: float) -> "Transcript":
        """Words that lie inside [start, end), re-timed so the slice starts at zero."""
        kept = [replace(w, start=max(0.0, w.start - start), end=min(end, w.end) - start)
                for w in self.words if w.start >= start and w.start < end]
        labels = {w.speaker for w in kept}
        return Transcript.build(kept, [s for s in self.speakers if s.label in labels], language=self.language)


def turns_from_words(words: Sequence[Word], max_gap: float = 2.0) -> Iterator[Turn]:
    """Group consecutive words of one speaker into turns; a pause longer than
    `max_gap` seconds starts a new turn."""
    first = 0
    for i in range(1, len(words) + 1):
        if i == len(words) or words[i].speaker != words[first].speaker or words[i].start - words[i - 1].end > max_gap:
            yield Turn(words[first].speaker, words[first].start, words[i - 1].end, first, i)
            first = i


@dataclass(frozen=True)
class AudioInfo:
    """What a probe of an audio file found."""

    format: str  # container: wav, mp3, ogg, ...
    codec: str
    sample_rate: int
    channels: int
    duration: float  # seconds
    frames: int | None = None


@dataclass(frozen=True)
class Call:
    """A catalogued call recording (no audio or transcript text in it)."""

    id: str
    recorded_at: datetime | None
    duration: float
    sample_rate: int
    channels: int
    channel_layout: str
    agent_id: str | None
    customer_ref_hash: str | None
    language: str
    topic: str | None
    source_checksum: str
    audio_path: str  # key in the workspace's audio store: originals/ab/<sha256>.<ext> (under W, or under its store URL)
    transcript_format: str | None
    timings_estimated: bool = False
    metadata: dict = field(default_factory=dict)
