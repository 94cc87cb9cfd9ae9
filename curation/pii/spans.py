"""`PiiSpan`, the value detection returns, and overlap resolution: callers never see two spans
that share a character. Where spans overlap the higher score wins the shared characters, and
what the loser covered beyond the winner is kept (a leak costs more than a wider redaction)."""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass

ENTITY_TYPES = ("PERSON", "LOCATION", "NL_POSTCODE", "PHONE_NUMBER", "EMAIL_ADDRESS", "IBAN_CODE", "NL_BSN",
                "DATE_OF_BIRTH", "NL_LICENSE_PLATE", "ACCOUNT_ID")
# tie-break when scores are equal: the more specific, validated type wins
_PRIORITY = {t: i for i, t in enumerate(("IBAN_CODE", "EMAIL_ADDRESS", "NL_BSN", "PHONE_NUMBER", "NL_POSTCODE",
                                         "NL_LICENSE_PLATE", "DATE_OF_BIRTH", "ACCOUNT_ID", "LOCATION", "PERSON"))}


@dataclass(frozen=True, slots=True)
class PiiSpan:
    """One piece of personal data: characters [start, end) of the analysed text."""

    entity_type: str
    start: int
    end: int
    score: float
    recognizer: str = ""

    def __post_init__(self) -> None:
        if not (0 <= self.start < self.end):
            raise ValueError(f"invalid PII span {self.start}..{self.end}")
        if self.entity_type not in ENTITY_TYPES:
            raise ValueError(f"unknown PII entity type {self.entity_type!r}")

    def text(self, source: str) -> str:
        """The characters of `source` this span covers."""
        return source[self.start:self.end]

    def overlaps(self, other: "PiiSpan") -> bool:
        return self.start < other.end and other.start < self.end

    def to_dict(self, source: str | None = None) -> dict:
        d = {"entity_type": self.entity_type, "start": self.start, "end": self.end, "score": self.score}
        if source is not None:
            d["text"] = self.text(source)
        return d


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and not text[start].isalnum():
        start += 1
    while end > start and not text[end - 1].isalnum():
        end -= 1
    return start, end


def resolve_overlaps(spans, text: str) -> list[PiiSpan]:
    """Non-overlapping spans sorted by start; adjacent pieces of one type separated only by
    blanks or punctuation are merged ("Jan" + "de Vries" -> "Jan de Vries")."""
    order = sorted(spans, key=lambda s: (-s.score, _PRIORITY.get(s.entity_type, 99), -(s.end - s.start), s.start))
    starts: list[int] = []  # disjoint taken intervals, sorted by start
    ends: list[int] = []
    kept: list[PiiSpan] = []
    for s in order:
        # taken intervals that overlap [s.start, s.end)
        k = bisect_right(starts, s.start) - 1
        if k < 0 or ends[k] <= s.start:
            k += 1
        pieces, cursor = [], s.start
        j = k
        while j < len(starts) and starts[j] < s.end:
            if starts[j] > cursor:
                pieces.append((cursor, starts[j]))
            cursor = max(cursor, ends[j])
            j += 1
        if cursor < s.end:
            pieces.append((cursor, s.end))
        for x, y in pieces:
            if (x, y) != (s.start, s.end):
                x, y = _trim(text, x, y)
            if y > x:
                kept.append(PiiSpan(s.entity_type, x, y, s.score, s.recognizer))
                pos = bisect_right(starts, x)
                starts.insert(pos, x)
                ends.insert(pos, y)
    kept.sort(key=lambda s: s.start)
    merged: list[PiiSpan] = []
    for s in kept:
        if merged:
            last = merged[-1]
            gap = text[last.end:s.start]
            if last.entity_type == s.entity_type and len(gap) <= 3 and not any(c.isalnum() for c in gap) \
                    and not any(c in ".?!\n" for c in gap):
                merged[-1] = PiiSpan(s.entity_type, last.start, s.end, max(last.score, s.score),
                                     last.recognizer if last.score >= s.score else s.recognizer)
                continue
        merged.append(s)
    return merged
