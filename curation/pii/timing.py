"""From character spans on `transcript.text` to the time intervals the audio stage must redact.

Fail closed: a span that lands on no word, or on a word without usable times, raises
`UnplaceableSpan` (the clip is blocked with that reason; nothing is silently skipped).
"""

from __future__ import annotations

import logging
import math
from bisect import bisect_right
from dataclasses import dataclass

from curation.pii.errors import UnplaceableSpan
from curation.pii.spans import PiiSpan

log = logging.getLogger(__name__)
DEFAULT_PADDING = 0.05  # seconds on each side
DEFAULT_ESTIMATED_PADDING = 0.25  # when the word times were estimated inside a segment


@dataclass(frozen=True, slots=True)
class RedactionInterval:
    """Seconds [start, end) of one speaker's audio to remove; `word_indices` into `transcript.words`."""

    start: float
    end: float
    speaker: str
    entity_type: str
    word_indices: tuple[int, ...]
    estimated: bool
    span_start: int = 0  # the character span on transcript.text it came from
    span_end: int = 0


def words_of_span(offsets: list[tuple[int, int]], starts: list[int], start: int, end: int) -> list[int]:
    """Indices of the words whose characters overlap [start, end)."""
    i = max(0, bisect_right(starts, start) - 1)
    found = []
    while i < len(offsets) and offsets[i][0] < end:
        if offsets[i][1] > start:
            found.append(i)
        i += 1
    return found


def _usable(word) -> bool:
    return math.isfinite(word.start) and math.isfinite(word.end) and word.start >= 0 and word.end > word.start


def redaction_intervals(transcript, spans=None, language: str | None = None, padding: float = DEFAULT_PADDING,
                        estimated_padding: float = DEFAULT_ESTIMATED_PADDING) -> list[RedactionInterval]:
    """Time intervals per speaker covering every span (detected now when `spans` is None).

    A span over words of two speakers gives one interval per speaker. Intervals are padded by
    `padding` seconds (`estimated_padding` when a word's time was estimated), never below zero,
    and sorted by start time. Raises `UnplaceableSpan` when a span cannot be placed.
    """
    text = transcript.text
    if spans is None:
        from curation.pii.detection import LANGUAGES, detect

        lang = language or transcript.language
        spans = detect(text, lang if lang in LANGUAGES else "nl")
    offsets = transcript.word_offsets()
    starts = [a for a, _ in offsets]
    words = transcript.words
    intervals: list[RedactionInterval] = []
    for span in spans:
        if not isinstance(span, PiiSpan):
            raise UnplaceableSpan(f"not a PiiSpan: {span!r}", span=span)
        if span.end > len(text):
            raise UnplaceableSpan(f"{span.entity_type} span {span.start}..{span.end} lies beyond the transcript text "
                                  f"({len(text)} characters)", span=span)
        indices = words_of_span(offsets, starts, span.start, span.end)
        if not indices:
            raise UnplaceableSpan(f"{span.entity_type} span {span.start}..{span.end} covers no transcript word",
                                  span=span)
        bad = [i for i in indices if not _usable(words[i])]
        if bad:
            raise UnplaceableSpan(f"{span.entity_type} span {span.start}..{span.end} covers word {bad[0]} without "
                                  f"usable times ({words[bad[0]].start}..{words[bad[0]].end})",
                                  span=span, word_indices=tuple(bad))
        group = [indices[0]]
        for i in indices[1:] + [None]:
            if i is not None and words[i].speaker == words[group[-1]].speaker:
                group.append(i)
                continue
            ws = [words[k] for k in group]
            estimated = any(w.estimated for w in ws)
            pad = estimated_padding if estimated else padding
            intervals.append(RedactionInterval(
                start=max(0.0, min(w.start for w in ws) - pad), end=max(w.end for w in ws) + pad,
                speaker=ws[0].speaker, entity_type=span.entity_type, word_indices=tuple(group),
                estimated=estimated, span_start=span.start, span_end=span.end))
            group = [i]
    intervals.sort(key=lambda r: (r.start, r.end, r.speaker))
    log.debug("%d redaction intervals from %d spans", len(intervals), len(spans))
    return intervals
