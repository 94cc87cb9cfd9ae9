"""Fundamental frequency (F0) of speech: Praat's autocorrelation pitch tracker (parselmouth) with
one floor and one ceiling for everything that measures a voice (the disguise fitting each
speaker, the tests checking the shift, the benchmarks). The disguise targets stay far below the
ceiling (at most 240 Hz), so a shifted voice is measured by the same rule as the original."""

from __future__ import annotations

import numpy as np

PITCH_FLOOR_HZ = 60.0
PITCH_CEILING_HZ = 450.0
MIN_VOICED_FRAMES = 10


def f0_track(x: np.ndarray, sr: int, step: float = 0.01, floor: float = PITCH_FLOOR_HZ,
             ceiling: float = PITCH_CEILING_HZ) -> np.ndarray:
    """F0 in Hz every `step` seconds of the mono signal `x` (0 where a frame is unvoiced)."""
    import parselmouth
    from parselmouth.praat import call

    sound = parselmouth.Sound(np.asarray(x, dtype=np.float64), sampling_frequency=sr)
    return call(sound, "To Pitch", step, floor, ceiling).selected_array["frequency"]


def median_f0(x: np.ndarray, sr: int, step: float = 0.01) -> float | None:
    """Median F0 in Hz of the voiced frames of `x`, or None when fewer than `MIN_VOICED_FRAMES` are voiced."""
    track = f0_track(x, sr, step)
    voiced = track[track > 0]
    return float(np.median(voiced)) if len(voiced) >= MIN_VOICED_FRAMES else None


def voiced_fraction(x: np.ndarray, sr: int, step: float = 0.01) -> float:
    """Share of the frames of `x` the tracker finds voiced (a rough voice-quality proxy)."""
    track = f0_track(x, sr, step)
    return float(np.mean(track > 0)) if len(track) else 0.0
