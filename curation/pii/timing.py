"""From character spans on `transcript.text` to the time intervals the audio stage must redact.

Fail closed: a span that lands on no word, or on a word without usable times, raises
`UnplaceableSpan` (the clip is blocked with that reason; nothing is silently skipped). A span
on words whose times are estimated (a segment-level transcript that alignment could not place
confidently) is widened to the whole uncertain stretch: from the nearest confidently placed word
of the same speaker before it (or the start of its turn) to the nearest one after it (or the
end of its turn), or to the word's bounds where alignment gives them (`Word.bounded`: two aligners
place it apart in a segment they agree on); a placed word beside a bounded one gets FACING_MARGIN more
towards it. `uncertain_stretch` is that rule's one home.
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
# a placed word next to a bounded one (`Word.bounded`) may run further towards it: both aligners agreed on the
# word, but not on its neighbour. Chosen on the tune half of benchmarks/pii_audio_dutch.py ("Stel je voor!":
# "voor" agreed 0.36 s short of its end, the next word disputed)
FACING_MARGIN = 0.25


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
    widened: bool = False  # alignment uncertain: the interval is the whole stretch the words may lie in
    aligned: bool = False  # word times placed by forced alignment (the audio stage pads them a little more)


def uncertain_stretch(transcript, indices) -> tuple[float, float] | None:
    """Where words `indices` (one speaker) may have been said when any of their times is estimated:
    from the end of the nearest confidently placed word of that speaker before them in their turn
    (else the turn's start) to the start of the nearest one after them (else the turn's end); when
    alignment bounds every uncertain word (`Word.bounded`), just their bounds. Placed words whose
    neighbour is bounded get FACING_MARGIN more on that side (and a stretch, though none is estimated).
    None when all their times are known (word-level or confidently aligned)."""
    words = transcript.words
    indices = sorted(indices)
    if not indices:
        return None
    if all(words[i].bounded or not words[i].estimated for i in indices):  # alignment bounds every word
        first, last = indices[0], indices[-1]
        speaker = words[first].speaker
        # a placed edge word beside a bounded one: the two aligners disputed that boundary
        before = first > 0 and words[first - 1].speaker == speaker and words[first - 1].bounded \
            and not words[first].estimated
        after = last + 1 < len(words) and words[last + 1].speaker == speaker and words[last + 1].bounded \
            and not words[last].estimated
        if not (before or after or any(words[i].estimated for i in indices)):
            return None
        start = min(words[i].start for i in indices) - (FACING_MARGIN if before else 0.0)
        end = max(words[i].end for i in indices) + (FACING_MARGIN if after else 0.0)
        return max(0.0, start), end
    speaker = words[indices[0]].speaker
    first, last = indices[0], indices[-1]
    turn = next((t for t in transcript.turns if t.first <= first < t.last), None)
    lo, hi = (turn.first, max(turn.last, last + 1)) if turn is not None else (0, len(words))
    start = end = None
    for i in range(first - 1, lo - 1, -1):
        if words[i].speaker == speaker and not words[i].estimated:
            start = words[i].end
            break
    for i in range(last + 1, hi):
        if words[i].speaker == speaker and not words[i].estimated:
            end = words[i].start
            break
    if turn is None:  # no turns: the run of estimated words of this speaker around the span
        run = [i for i in range(lo, hi) if words[i].speaker == speaker and words[i].estimated]
        turn_start, turn_end = min(words[i].start for i in run), max(words[i].end for i in run)
    else:
        turn_start, turn_end = turn.start, turn.end
    own_start, own_end = min(words[i].start for i in indices), max(words[i].end for i in indices)
    start = min(own_start, turn_start if start is None else start)
    end = max(own_end, turn_end if end is None else end)
    return start, end

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
            start, end = min(w.start for w in ws), max(w.end for w in ws)
            stretch = uncertain_stretch(transcript, group)
            if stretch is not None:
                start, end = min(start, stretch[0]), max(end, stretch[1])
            intervals.append(RedactionInterval(
                start=max(0.0, start - pad), end=end + pad,
                speaker=ws[0].speaker, entity_type=span.entity_type, word_indices=tuple(group),
                estimated=estimated, span_start=span.start, span_end=span.end,
                widened=stretch is not None, aligned=any(w.aligned for w in ws)))
            group = [i]
    intervals.sort(key=lambda r: (r.start, r.end, r.speaker))
    log.debug("%d redaction intervals from %d spans", len(intervals), len(spans))
    return intervals
