"""Audio-based signals: a per-channel loudness envelope read block-wise from the file,
voice activity per channel, and raised voice (loudness rising against the speaker's own baseline)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

import numpy as np

from .lexicon import top_evidence
from .signal import Evidence, Signal, ramp
from .text import CallView
from .turntaking import Stretch

HOP = 0.05  # seconds per envelope frame
FLOOR_DB = -100.0


@dataclass(frozen=True)
class LoudnessEnvelope:
    """RMS level in dBFS per channel, one value every `hop` seconds: shape (channels, frames)."""

    levels: np.ndarray
    hop: float = HOP

    @property
    def channels(self) -> int:
        return int(self.levels.shape[0])

    @property
    def duration(self) -> float:
        return self.levels.shape[1] * self.hop

    def level(self, channel: int, start: float, end: float) -> float:
        """Speech loudness of [start, end): the mean of the louder half of its frames (ignores pauses)."""
        a, b = int(start / self.hop), max(int(start / self.hop) + 1, int(np.ceil(end / self.hop)))
        frames = self.levels[channel, a:b]
        if frames.size == 0:
            return FLOOR_DB
        top = np.sort(frames)[frames.size // 2:]
        return float(top.mean())


def loudness_envelope(path: str | Path, hop: float = HOP, block_seconds: float = 30.0) -> LoudnessEnvelope:
    """Read an audio file in blocks (bounded memory for multi-hour calls) into a loudness envelope."""
    import soundfile as sf

    with sf.SoundFile(str(path)) as f:
        n = max(1, int(round(f.samplerate * hop)))
        parts, carry = [], np.zeros((0, f.channels), dtype=np.float32)
        while True:
            block = f.read(int(block_seconds / hop) * n, dtype="float32", always_2d=True)
            if block.size == 0:
                break
            block = np.concatenate([carry, block]) if carry.size else block
            whole = (len(block) // n) * n
            frames = block[:whole].reshape(-1, n, block.shape[1])
            parts.append(np.sqrt(np.mean(frames.astype(np.float64) ** 2, axis=1)).T)
            carry = block[whole:]
        if carry.size:
            parts.append(np.sqrt(np.mean(carry.astype(np.float64) ** 2, axis=0))[:, None])
        rms = np.concatenate(parts, axis=1) if parts else np.zeros((f.channels, 0))
    levels = np.maximum(20 * np.log10(np.maximum(rms, 1e-10)), FLOOR_DB)
    return LoudnessEnvelope(levels.astype(np.float32), hop)


def voice_activity(env: LoudnessEnvelope, channel: int, role: str, min_speech: float = 0.2,
                   join_gap: float = 0.35) -> list[Stretch]:
    """Stretches where a channel is clearly above its own noise floor and near its own speech level."""
    lv = env.levels[channel]
    if lv.size == 0:
        return []
    floor, peak = np.percentile(lv, 10), np.percentile(lv, 99)
    if peak - floor < 10:
        return []
    active = lv > max(floor + 10.0, peak - 30.0)
    edges = np.flatnonzero(np.diff(np.concatenate([[0], active.astype(np.int8), [0]])))
    spans = list(zip(edges[::2] * env.hop, edges[1::2] * env.hop))
    merged: list[list[float]] = []
    for s, e in spans:
        if merged and s - merged[-1][1] <= join_gap:
            merged[-1][1] = e
        else:
            merged.append([s, e])
    return [Stretch(role, float(s), float(e)) for s, e in merged if e - s >= min_speech]


def _chunks(s: Stretch, view: CallView | None, size: int = 6) -> list[Stretch]:
    """Split a worded stretch into pieces of at most `size` words, so one loud sentence stands out."""
    if view is None or s.first is None or s.last - s.first <= size:
        return [s]
    words = view.transcript.words
    return [Stretch(s.role, words[a].start, words[min(a + size, s.last) - 1].end, a, min(a + size, s.last))
            for a in range(s.first, s.last, size)]


def raised_voice(env: LoudnessEnvelope, stretches: Sequence[Stretch], channel_of: dict[str, int],
                 view: CallView | None = None, rise_db: float = 6.0) -> Signal:
    """A party speaking clearly louder than their own baseline (the median of their first third).
    value = the largest rise in dB; evidence = the loudest stretches."""
    hits, best, parts = [], 0.0, []
    for role, channel in channel_of.items():
        own = [c for s in stretches if s.role == role for c in _chunks(s, view) if c.end - c.start >= 0.4]
        if len(own) < 4 or channel >= env.channels:
            continue
        levels = np.array([env.level(channel, s.start, s.end) for s in own])
        base = float(np.median(levels[: max(2, len(own) // 3)]))
        rises = levels - base
        parts.append(f"{role} baseline {base:.0f} dBFS, max +{max(rises.max(), 0):.1f} dB")
        raised = [(float(r), s) for r, s in zip(rises, own) if r >= rise_db]
        sustained = len(raised) >= 2
        best = max(best, float(rises.max()) if sustained or raised else 0.0)
        for r, s in raised:
            if view is not None and s.first is not None:
                e = view.evidence(s.first, min(s.last, s.first + 8), 0)
                e = Evidence(f"[+{r:.0f} dB] {e.quote}", e.role, e.time, e.end)
            else:
                e = Evidence(f"[+{r:.0f} dB on the {role} channel]", role, round(s.start, 2), round(s.end, 2))
            hits.append((r, e))
    if not parts:
        return Signal.unavailable("raised_voice", "too little speech per party to set a loudness baseline")
    strength = ramp(best, rise_db - 1.0, rise_db + 6.0)
    return Signal("raised_voice", round(best, 2), strength, top_evidence(hits) if strength else (),
                  note="; ".join(parts), unit="dB above own baseline")
