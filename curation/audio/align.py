"""Forced alignment of a transcript segment to its audio: where each word was said.

The words are spoken by espeak-ng (digits and symbols first written out the way people say
them), both the synthetic and the recorded speech are described by MFCCs, and a dynamic time
warping path maps the synthetic word boundaries (known from espeak-ng's word events) onto
the recording. Silence at the segment's edges is trimmed by energy first, and each placed
word is trimmed to the speech inside it. The idea is aeneas'; the code is our own.

Confidence comes from how much better than chance the warping path matches (per word and
over the segment) and from whether the word edges fall on dips in energy. A segment whose
words are not what was said comes out not confident: its times must not be trusted.
"""

from __future__ import annotations

import bisect
import logging
from dataclasses import dataclass

import numpy as np

from curation.audio import features as feat
from curation.audio.dtw import align as warp
from curation.audio.espeak import Synthesiser
from curation.audio.speakable import spoken_text

log = logging.getLogger(__name__)
CONFIDENT = 0.5  # a word (and a segment) at or above this confidence is taken as placed
MAX_SEGMENT_SECONDS = 300.0  # longer segments are not aligned (memory bound); they stay estimated
# Calibration of the match rank (the share of synthetic frames that would have matched a recorded
# frame better than the one the path chose, averaged): at or below GOOD the words were said, at or
# above BAD the path is no better than a wrong transcript. Measured on espeak-ng speech of other
# voices with right and with wrong transcripts (benchmarks/pii_audio_coverage.py documents it).
GOOD_RANK, BAD_RANK = 0.04, 0.11
WORD_GOOD_RANK, WORD_BAD_RANK = 0.06, 0.20  # one word has few frames: its rank is noisier
VARIANTS = (None, "m3", "f2", "f4")  # synthetic voices tried per speaker (espeak-ng variants; None: default)
EDGE_SECONDS = 0.2
SNAP_FRAMES = 15  # a word boundary moves onto a pause up to 150 ms away
MIN_PAUSE_FRAMES = 8
MIN_DIP_SHARE = 0.5  # at least this share of word starts should fall on a dip in energy (tuning: 0.72 at the 10th
# percentile with the right words, 0.67 median with wrong ones)


@dataclass(frozen=True, slots=True)
class WordTiming:
    """Seconds from the start of the samples given to `align_segment`, and how sure the placement is."""

    start: float
    end: float
    confidence: float

    @property
    def confident(self) -> bool:
        return self.confidence >= CONFIDENT


@dataclass(frozen=True)
class SegmentAlignment:
    words: tuple[WordTiming, ...]
    confidence: float  # the segment as a whole: did the words match the audio at all?
    rank: float  # mean match rank of the path (0 best; see GOOD_RANK, BAD_RANK)
    cost_ratio: float  # path cost relative to chance (lower is better)
    boundary_dips: float  # share of word starts that fall on a dip in energy
    reason: str = ""  # why the segment is not confident, when it is not

    @property
    def confident(self) -> bool:
        return self.confidence >= CONFIDENT


class AlignmentFailed(ValueError):
    """The segment cannot be aligned at all (no speech, nothing to say, too long)."""


def _confidence(rank: float, good: float = GOOD_RANK, bad: float = BAD_RANK) -> float:
    return float(np.clip((bad - rank) / (bad - good), 0.0, 1.0))


def _synthetic_words(speech, ranges: list[tuple[int, int]], n_frames: int, voiced: np.ndarray
                     ) -> list[tuple[int, int]]:
    """Frame range [first, last) of each word in the synthetic speech, from espeak-ng's word events;
    a word without an event of its own is placed by interpolation between its neighbours."""
    scale = feat.WORK_RATE / speech.sample_rate / feat.HOP
    starts: list[float | None] = [None] * len(ranges)
    range_starts = [a for a, _ in ranges]
    for pos, sample in speech.word_starts:
        k = bisect.bisect_right(range_starts, pos) - 1
        while k > 0 and ranges[k][0] == ranges[k][1]:
            k -= 1  # an unspoken word shares its position with the next: give the event to the spoken one
        if 0 <= k < len(ranges) and ranges[k][0] <= pos < max(ranges[k][1], ranges[k][0] + 1):
            frame = sample * scale
            starts[k] = frame if starts[k] is None else min(starts[k], frame)
    known = [k for k, s in enumerate(starts) if s is not None]
    if not known:
        raise AlignmentFailed("espeak-ng reported no word positions")
    filled = []
    for k, s in enumerate(starts):
        if s is None:
            prev = max((i for i in known if i < k), default=None)
            nxt = min((i for i in known if i > k), default=None)
            a = starts[prev] if prev is not None else 0.0
            b = starts[nxt] if nxt is not None else float(n_frames)
            lo, hi = (prev if prev is not None else -1), (nxt if nxt is not None else len(ranges))
            s = a + (b - a) * (k - lo) / (hi - lo)
        filled.append(int(round(s)))
    out = []
    for k, first in enumerate(filled):
        nxt = max(filled[k + 1] if k + 1 < len(filled) else n_frames, first)
        idx = np.flatnonzero(voiced[first:nxt])
        last = first + int(idx[-1]) + 1 if idx.size else first
        if idx.size:
            first = first + int(idx[0])
        out.append((min(first, n_frames - 1), min(max(last, first), n_frames)))
    return out


def _word_rows(rows: np.ndarray, matched: np.ndarray, syn_words, s_first: int, speech: np.ndarray
               ) -> list[tuple[int, int]]:
    """Recorded frames [first, last) of each word: the frames the path maps onto its synthetic frames,
    with each boundary moved onto a pause when one lies within `SNAP_FRAMES` of it, then trimmed to
    the speech inside."""
    reach = np.maximum.accumulate(np.where(matched, rows, -1))
    spans = []
    for a, b in syn_words:
        a, b = a - s_first, max(b - s_first, a - s_first)
        first = min(int(np.searchsorted(reach, a)), len(rows) - 1)
        inside = np.flatnonzero(matched & (rows >= a) & (rows < max(b, a + 1)))
        spans.append([first, max(int(inside[-1]) + 1 if inside.size else first, first)])
    for k in range(len(spans) - 1):
        boundary = spans[k + 1][0]
        pause = _pause_near(speech, spans[k][0] + 1, min(max(spans[k + 1][1], boundary + 1), len(speech)), boundary)
        if pause is not None:
            start, end = pause  # the word before ends where the pause begins, the next begins after it
            if start > spans[k][0]:
                spans[k][1] = start
            if end < spans[k + 1][1]:
                spans[k + 1][0] = end
    out = []
    for first, last in spans:
        if last > first:
            first, last = _trim_to_speech(first, last, speech)
        out.append((first, last))
    return out


def _pause_near(speech: np.ndarray, lo: int, hi: int, boundary: int) -> tuple[int, int] | None:
    """The run of at least `MIN_PAUSE_FRAMES` non-speech frames in [lo, hi) nearest `boundary`,
    if it reaches within `SNAP_FRAMES` of it."""
    if hi - lo < MIN_PAUSE_FRAMES:
        return None
    quiet = ~speech[lo:hi]
    edges = np.flatnonzero(np.diff(np.concatenate([[0], quiet.astype(np.int8), [0]])))

    def distance(run: tuple[int, int]) -> int:
        return 0 if run[0] <= boundary <= run[1] else min(abs(run[0] - boundary), abs(run[1] - boundary))

    runs = [(lo + s, lo + e) for s, e in zip(edges[::2], edges[1::2]) if e - s >= MIN_PAUSE_FRAMES]
    runs = [r for r in runs if distance(r) <= SNAP_FRAMES]
    return min(runs, key=distance) if runs else None


def _trim_to_speech(first: int, last: int, speech: np.ndarray) -> tuple[int, int]:
    idx = np.flatnonzero(speech[first:last])
    if not idx.size:
        return first, last
    return first + int(idx[0]), first + int(idx[-1]) + 1


def _dip_score(energy: np.ndarray, boundary: int, inside: slice) -> float:
    """1 when the energy around a word start dips 10 dB or more below the word's median, else less."""
    a, b = max(0, boundary - 3), min(len(energy), boundary + 2)
    seg = energy[inside]
    if b <= a or not len(seg):
        return 0.0
    return float(np.clip((np.median(seg) - energy[a:b].min()) / 10.0, 0.0, 1.0))


def align_segment(samples: np.ndarray, sr: int, words, language: str = "nl", *,
                  synthesiser: Synthesiser | None = None, variant: str | None = None) -> SegmentAlignment:
    """Place `words` (their transcript texts, in order) in `samples` (mono, at rate `sr`).

    Returns one `WordTiming` per word, in seconds from the first sample. Raises `AlignmentFailed`
    when nothing can be aligned and `SpeechUnavailable` when espeak-ng is missing."""
    words = list(words)
    if not words:
        return SegmentAlignment((), 1.0, 0.0, 0.0, 0.0)
    x = feat.to_work_rate(samples, sr)
    if len(x) / feat.WORK_RATE > MAX_SEGMENT_SECONDS:
        raise AlignmentFailed(f"segment longer than {MAX_SEGMENT_SECONDS:.0f} s")
    real_mel, real_energy = feat.mel_energies(x)
    speech = feat.speech_frames(real_energy)
    if speech.sum() < 3:
        raise AlignmentFailed("no speech in the segment's audio")
    text, ranges = spoken_text(words, language)
    if not text.strip():
        raise AlignmentFailed("nothing to say")
    own = synthesiser is None
    synth = synthesiser or Synthesiser()
    try:
        spoken = synth.speak(text, language, variant)
    finally:
        if own:
            synth.close()
    syn_mel, syn_energy = feat.mel_energies(feat.to_work_rate(spoken.samples, spoken.sample_rate))
    if len(syn_mel) < 2:
        raise AlignmentFailed("espeak-ng produced no audio")
    syn_voiced = syn_energy > float(syn_energy.max()) - 40.0
    syn_words = _synthetic_words(spoken, ranges, len(syn_mel), syn_voiced)
    s_first = min(a for a, _ in syn_words)
    s_last = max(b for _, b in syn_words)
    s_last = max(s_last, s_first + 1)

    on = np.flatnonzero(speech)
    r_first, r_last = int(on[0]), int(on[-1]) + 1
    noisy_syn, floor = feat.match_noise(syn_mel, real_mel)
    real = feat.normalise(feat.cepstra(real_mel, floor)[r_first:r_last], speech[r_first:r_last])
    syn = feat.normalise(feat.cepstra(noisy_syn, floor)[s_first:s_last], syn_voiced[s_first:s_last])
    try:
        path = warp(real, syn, edge_frames=int(EDGE_SECONDS / feat.HOP_SECONDS))
    except ValueError as exc:  # e.g. far less speech in the audio than the words need
        raise AlignmentFailed(f"no alignment path ({exc})") from None
    matched = path.synth >= 0
    ratio = float(path.cost[matched].sum() / max(path.null[matched].sum(), 1e-6))
    rank = float(path.rank[matched].mean())

    spans = _word_rows(path.synth, matched, syn_words, s_first, speech[r_first:r_last])
    timings, dips = [], []
    for (a, b), (first, last) in zip(syn_words, spans):
        word_rank = float(path.rank[first:last].mean()) if last > first else WORD_BAD_RANK
        dips.append(_dip_score(real_energy, r_first + first, slice(r_first + first, r_first + max(last, first + 1))))
        plausible = 1.0 if 0.25 <= max(last - first, 0) / max(b - a, 1) <= 4.0 else 0.5
        conf = _confidence(word_rank, WORD_GOOD_RANK, WORD_BAD_RANK) * plausible
        t0 = (r_first + first) * feat.HOP_SECONDS + (feat.WINDOW - feat.HOP) / 2 / feat.WORK_RATE
        t1 = (r_first + last) * feat.HOP_SECONDS + (feat.WINDOW - feat.HOP) / 2 / feat.WORK_RATE
        timings.append([t0, max(t1, t0), conf])
    seg_conf = _confidence(rank)
    dip_share = float(np.mean([d >= 0.5 for d in dips])) if dips else 0.0
    reason = "" if seg_conf >= CONFIDENT else f"the words do not match the audio (match rank {rank:.3f})"
    if len(dips) >= 4 and dip_share < MIN_DIP_SHARE:  # word edges in the middle of sounds: doubt the path
        seg_conf *= 0.5
        reason = reason or f"word edges rarely fall on dips in energy ({dip_share:.2f} of them)"
    out = tuple(WordTiming(round(float(t0), 3), round(float(t1), 3), round(float(min(c, seg_conf)), 3))
                for t0, t1, c in timings)
    log.debug("aligned %d words: match rank %.3f, confidence %.2f", len(words), rank, seg_conf)
    return SegmentAlignment(out, round(seg_conf, 3), round(rank, 4), round(ratio, 3), round(dip_share, 3), reason)


def choose_variant(segments, language: str = "nl", *, synthesiser: Synthesiser,
                   variants=VARIANTS) -> str | None:
    """The synthetic voice that matches one speaker best: the variant with the lowest median match
    rank over `segments` (a few (samples, sr, words) of that speaker, the longest are best)."""
    scores = []
    for variant in variants:
        ranks = []
        for samples, sr, words in segments:
            try:
                ranks.append(align_segment(samples, sr, words, language, synthesiser=synthesiser,
                                           variant=variant).rank)
            except AlignmentFailed:
                continue
        scores.append(float(np.median(ranks)) if ranks else np.inf)
    return variants[int(np.argmin(scores))] if scores and np.isfinite(min(scores)) else variants[0]
