"""Loudness measurement (ITU-R BS.1770 via pyloudnorm's K-weighting) that works block by block.

`LoudnessMeter` is fed consecutive blocks and keeps only 100 ms energy sums, so a
two-hour call is measured in bounded memory; `normalisation_gain` turns the result
into one linear gain that reaches the target loudness without clipping the peak.
"""

from __future__ import annotations

import numpy as np

DEFAULT_TARGET_LUFS = -20.0
PEAK_CEILING_DBFS = -1.0


class LoudnessMeter:
    """Integrated, gated loudness of a stream of (frames, channels) float blocks."""

    def __init__(self, sample_rate: int, channels: int):
        import pyloudnorm
        from scipy.signal import lfilter_zi

        meter = pyloudnorm.Meter(sample_rate)
        self.rate, self.channels = int(sample_rate), int(channels)
        self._stages = [(f.b, f.a, f.passband_gain) for f in meter._filters.values()]
        self._zi = [np.outer(lfilter_zi(b, a), np.zeros(channels)) for b, a, _ in self._stages]
        self._step = max(1, int(round(0.1 * self.rate)))  # 100 ms: a quarter of the 400 ms gating block
        self._carry = np.zeros((0, channels))
        self._sums: list[np.ndarray] = []  # per 100 ms step: sum of squares per channel
        self.peak = 0.0

    def add(self, block: np.ndarray) -> None:
        from scipy.signal import lfilter

        x = np.asarray(block, dtype=np.float64)
        if x.ndim == 1:
            x = x[:, None]
        if len(x):
            self.peak = max(self.peak, float(np.max(np.abs(x))))
        for i, (b, a, gain) in enumerate(self._stages):
            x, self._zi[i] = lfilter(b, a, x, axis=0, zi=self._zi[i])
            x = gain * x
        x = np.concatenate([self._carry, x])
        whole = len(x) // self._step * self._step
        if whole:
            self._sums.extend(np.square(x[:whole]).reshape(-1, self._step, self.channels).sum(axis=1))
        self._carry = x[whole:]

    def integrated(self) -> float:
        """Gated integrated loudness in LUFS (-inf for silence or under 400 ms of audio)."""
        if len(self._sums) < 4:
            return float("-inf")
        steps = np.asarray(self._sums)
        block_energy = sum(steps[k:len(steps) - 3 + k] for k in range(4)) / (4 * self._step)  # (blocks, ch)
        z = block_energy.sum(axis=1)
        with np.errstate(divide="ignore"):
            loud = -0.691 + 10 * np.log10(z)
        gated = z[loud >= -70.0]
        if not len(gated):
            return float("-inf")
        relative = -0.691 + 10 * np.log10(gated.mean()) - 10.0
        kept = z[(loud > relative) & (loud > -70.0)]
        return float(-0.691 + 10 * np.log10(kept.mean())) if len(kept) else float("-inf")


def measure(data: np.ndarray, sample_rate: int) -> LoudnessMeter:
    """A meter that has seen the whole array."""
    data = np.asarray(data)
    meter = LoudnessMeter(sample_rate, 1 if data.ndim == 1 else data.shape[1])
    meter.add(data)
    return meter


def normalisation_gain(meter: LoudnessMeter, target_lufs: float = DEFAULT_TARGET_LUFS,
                       peak_ceiling_dbfs: float = PEAK_CEILING_DBFS) -> float:
    """Linear gain that brings the measured loudness to `target_lufs`, lowered if the peak would clip."""
    loudness = meter.integrated()
    if not np.isfinite(loudness):
        return 1.0
    gain = 10 ** ((target_lufs - loudness) / 20)
    if meter.peak > 0:
        gain = min(gain, 10 ** (peak_ceiling_dbfs / 20) / meter.peak)
    return float(gain)


def normalise(data: np.ndarray, sample_rate: int, target_lufs: float = DEFAULT_TARGET_LUFS) -> np.ndarray:
    """The array scaled to the target loudness (peak kept below -1 dBFS)."""
    return (np.asarray(data, dtype=np.float32) * normalisation_gain(measure(data, sample_rate), target_lufs)).astype(
        np.float32)
