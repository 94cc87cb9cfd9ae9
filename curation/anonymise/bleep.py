"""Place redaction intervals on the sample timeline and replace them with a tone or silence.

A `Redaction` is what PII detection says (seconds, speaker role, entity type); a
`BleepSpan` is where it lands (padded, in samples, on which channels). Placement
fails closed: an interval without usable times, or outside the audio, raises
`PlacementError` and the clip is blocked. The fades sit outside the span, so every
sample inside it is pure tone or zero, which `verify` can then prove.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Iterable, Mapping

import numpy as np

from curation.errors import CurationError

BLEEP_MODES = ("tone", "silence")
TONE_HZ = 1000.0
TONE_AMPLITUDE = 0.1  # -20 dBFS peak before loudness normalisation
PAD_SECONDS = 0.05
PAD_ESTIMATED_SECONDS = 0.25  # word times estimated inside a segment are only roughly right
PAD_ALIGNED_SECONDS = 0.12  # forced-aligned word edges are off by up to ~0.1 s (benchmarks/pii_audio_coverage.py)
FADE_SECONDS = 0.005
TIME_TOLERANCE = 0.25  # an interval may overrun the audio end by this much (rounding of transcript times)


class PlacementError(CurationError):
    """A redaction interval that cannot be put on the audio's timeline."""


@dataclass(frozen=True)
class Redaction:
    """One interval to remove, in seconds on the clip's timeline; `speaker` is a role label."""

    start: float | None
    end: float | None
    speaker: str | None
    entity_type: str
    estimated: bool = False
    widened: bool = False  # the whole stretch where uncertain word times may lie (see curation.pii.timing)
    aligned: bool = False  # word times placed by forced alignment


@dataclass
class BleepSpan:
    """A padded redaction in samples [first, last) on `channels`; `verified` is filled in later."""

    redaction: Redaction
    first: int
    last: int
    channels: tuple[int, ...]
    verified: bool | None = None
    residual_dbfs: float | None = None
    extra_channels: tuple[int, ...] = field(default=())  # bleeped too because the other side was audible

    def times(self, sr: int) -> tuple[float, float]:
        return self.first / sr, self.last / sr


def tone_frequency(sr: int) -> float:
    """1 kHz, or lower when the Nyquist frequency would not leave room for it."""
    return TONE_HZ if sr >= 4 * TONE_HZ else sr / 8


def plan(redactions: Iterable[Redaction], duration: float, sr: int, channel_of: Mapping[str | None, tuple[int, ...]],
         pad: float = PAD_SECONDS, pad_estimated: float = PAD_ESTIMATED_SECONDS,
         pad_aligned: float = PAD_ALIGNED_SECONDS) -> list[BleepSpan]:
    """Place every redaction (fail closed); spans are padded and clamped to [0, duration)."""
    total = int(round(duration * sr))
    spans = []
    for r in redactions:
        where = f"{r.entity_type} interval of {r.speaker or 'unknown speaker'}"
        if r.start is None or r.end is None or not (math.isfinite(r.start) and math.isfinite(r.end)):
            raise PlacementError(f"{where}: no usable times (word not found on the timeline)")
        if r.end < r.start:
            raise PlacementError(f"{where}: ends ({r.end:.3f}s) before it starts ({r.start:.3f}s)")
        if r.start >= duration or r.end > duration + TIME_TOLERANCE or r.end < 0:
            raise PlacementError(f"{where} at {r.start:.3f}-{r.end:.3f}s lies outside the audio "
                                 f"(0-{duration:.3f}s): transcript and recording do not match")
        p = pad_estimated if r.estimated else pad_aligned if r.aligned else pad
        first = max(0, int(math.floor((r.start - p) * sr)))
        last = min(total, int(math.ceil((r.end + p) * sr)))
        if r.speaker in channel_of:
            channels = channel_of[r.speaker]
        else:
            channels = channel_of.get(None, ())
        if not channels:
            raise PlacementError(f"{where}: no channel carries this speaker")
        spans.append(BleepSpan(r, first, max(last, first + 1), tuple(channels)))
    return sorted(spans, key=lambda s: (s.first, s.last))


def gains(spans: Iterable[BleepSpan], block_first: int, n: int, channels: int, sr: int,
          fade: float = FADE_SECONDS) -> np.ndarray | None:
    """Per-sample bleep weight (n, channels) for a block: 1 inside spans, raised-cosine ramps outside."""
    f = max(1, int(round(fade * sr)))
    g = None
    for s in spans:
        lo, hi = s.first - f, s.last + f
        if hi <= block_first or lo >= block_first + n:
            continue
        if g is None:
            g = np.zeros((n, channels), dtype=np.float32)
        idx = np.arange(max(lo, block_first), min(hi, block_first + n))
        w = np.ones(len(idx), dtype=np.float32)
        before, after = idx < s.first, idx >= s.last
        w[before] = 0.5 - 0.5 * np.cos(np.pi * (idx[before] - lo) / f)
        w[after] = 0.5 + 0.5 * np.cos(np.pi * (idx[after] - s.last + 1) / f)
        for c in s.channels + s.extra_channels:
            rows = idx - block_first
            g[rows, c] = np.maximum(g[rows, c], w)
    return g


def tone(first: int, n: int, sr: int) -> np.ndarray:
    """The bleep tone for samples [first, first + n) of the clip (phase follows the global index)."""
    k = np.arange(first, first + n, dtype=np.float64)
    return (TONE_AMPLITUDE * np.sin(2 * np.pi * tone_frequency(sr) * k / sr)).astype(np.float32)


def apply(block: np.ndarray, block_first: int, spans: Iterable[BleepSpan], sr: int, mode: str = "tone",
          fade: float = FADE_SECONDS) -> np.ndarray:
    """Bleep a (n, channels) block that starts at clip sample `block_first`; returns a new array."""
    if mode not in BLEEP_MODES:
        raise ValueError(f"unknown bleep mode {mode!r} (use tone or silence)")
    block = np.asarray(block, dtype=np.float32)
    g = gains(spans, block_first, len(block), block.shape[1], sr, fade)
    if g is None:
        return block.copy()
    out = block * (1 - g)
    if mode == "tone":
        out += g * tone(block_first, len(block), sr)[:, None]
    return out
