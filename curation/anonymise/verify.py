"""Prove that a bleeped interval holds nothing but the tone (or silence).

Each 10 ms frame of the interval is fitted with a sinusoid at the tone frequency
(least squares, amplitude allowed to drift); what the fit cannot explain is residual
energy. One frame above the threshold fails the interval, and a failed interval
blocks the clip. On the PCM signal the residual of a correct bleep is ~-140 dBFS; on
a decoded lossy file codec noise raises it, hence the looser `DECODED_THRESHOLD_DBFS`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

PCM_THRESHOLD_DBFS = -80.0
DECODED_THRESHOLD_DBFS = -45.0
FRAME_SECONDS = 0.01


MP3_SMEAR_SAMPLES = (1152 + 512) // 2  # half of MP3's long MDCT window (1152) plus its 512-tap polyphase filter


def codec_guard_seconds(codec: str, sr: int) -> float:
    """How far a lossy codec smears neighbouring sound into an interval's edges (half the length of
    its longest analysis + synthesis response). Decoded verification checks the interval minus this
    guard at each end; the PCM verification before encoding covered the whole interval."""
    codec = codec.lower()
    if codec in ("mp3", "mp3float"):
        # 576 samples (half the MDCT window alone) was too little: speech that ends right before a
        # span left up to -43 dBFS of pre-echo 72-82 ms inside it in a 2-hour 8 kHz benchmark call.
        return MP3_SMEAR_SAMPLES / sr
    if codec == "vorbis":
        return 1024 / sr
    if codec == "opus":
        return 0.0225
    return 0.0


@dataclass(frozen=True)
class Verification:
    ok: bool
    residual_dbfs: float  # loudest frame's residual, dB re full scale (RMS)


def residual_dbfs(samples: np.ndarray, sr: int, first: int, tone_hz: float | None,
                  frame_seconds: float = FRAME_SECONDS) -> float:
    """Loudest per-frame RMS (dBFS) of `samples` (mono) after removing the best-fitting tone.

    `first` is the clip sample index of samples[0] (only its phase matters to the fit);
    `tone_hz=None` means the interval should be silent and the raw RMS is measured.
    """
    x = np.asarray(samples, dtype=np.float64)
    if len(x) == 0:
        return float("-inf")
    n = max(8, int(round(frame_seconds * sr)))
    frames = int(np.ceil(len(x) / n))
    x = np.concatenate([x, np.zeros(frames * n - len(x))]).reshape(frames, n)
    lengths = np.full(frames, n)
    lengths[-1] = len(samples) - (frames - 1) * n
    if tone_hz is not None:
        k = np.arange(n, dtype=np.float64)
        w = 2 * np.pi * tone_hz / sr
        ramp = (k - n / 2) / n
        basis = np.stack([np.sin(w * k), np.cos(w * k), ramp * np.sin(w * k), ramp * np.cos(w * k)], axis=1)
        proj = basis @ np.linalg.pinv(basis)  # projection onto the tone model, same for every full frame
        resid = x - x @ proj.T
        m = lengths[-1]
        if m < n:  # the last, partial frame gets its own fit
            b = basis[:m]
            coef, *_ = np.linalg.lstsq(b, x[-1, :m], rcond=None)
            resid[-1, :m] = x[-1, :m] - b @ coef
            resid[-1, m:] = 0.0
        x = resid
    rms = np.sqrt(np.sum(x ** 2, axis=1) / lengths)
    peak = float(np.max(rms))
    return 20 * np.log10(peak) if peak > 0 else float("-inf")


def verify_interval(samples: np.ndarray, sr: int, first: int, tone_hz: float | None,
                    threshold_dbfs: float = PCM_THRESHOLD_DBFS) -> Verification:
    """Verification of one channel's samples of one bleep span."""
    level = residual_dbfs(samples, sr, first, tone_hz)
    return Verification(ok=level <= threshold_dbfs, residual_dbfs=level)
