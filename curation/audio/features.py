"""Frame features for aligning speech: MFCCs and frame energy at a telephone-band working rate.

Both the recording and the synthetic speech are taken to 8 kHz and described in the 250-3600 Hz
band, so a wide-band synthetic voice and a narrow-band call look alike. 25 ms frames, 10 ms hop.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

WORK_RATE = 8000
HOP = 80  # 10 ms at 8 kHz
WINDOW = 200  # 25 ms
N_FFT = 256
N_MELS = 24
N_CEPS = 13  # c0 dropped: loudness is not what aligns two voices
FMIN, FMAX = 250.0, 3600.0
SILENCE_DB = -100.0
FLOOR_DB = 70.0  # band energies are floored this far below the loud frames: silence is silence, whatever its level
DELTAS = True
HOP_SECONDS = HOP / WORK_RATE


def to_work_rate(samples: np.ndarray, sr: int) -> np.ndarray:
    """Mono float32 at `WORK_RATE` (polyphase resampling)."""
    from curation.audio.io import resample

    x = np.asarray(samples, dtype=np.float32)
    if x.ndim > 1:
        x = x.mean(axis=1)
    return resample(x, int(sr), WORK_RATE) if int(sr) != WORK_RATE else x


@lru_cache(maxsize=1)
def _mel_matrix() -> np.ndarray:
    def mel(f):
        return 2595.0 * np.log10(1.0 + np.asarray(f) / 700.0)

    def hz(m):
        return 700.0 * (10 ** (np.asarray(m) / 2595.0) - 1.0)

    edges = hz(np.linspace(mel(FMIN), mel(FMAX), N_MELS + 2))
    bins = np.fft.rfftfreq(N_FFT, 1.0 / WORK_RATE)
    fb = np.zeros((N_MELS, len(bins)), dtype=np.float32)
    for m in range(N_MELS):
        lo, mid, hi = edges[m], edges[m + 1], edges[m + 2]
        fb[m] = np.clip(np.minimum((bins - lo) / (mid - lo), (hi - bins) / (hi - mid)), 0.0, None)
    return fb


@lru_cache(maxsize=1)
def _dct_matrix() -> np.ndarray:
    n = np.arange(N_MELS)
    k = np.arange(1, N_CEPS + 1)[:, None]
    return (np.sqrt(2.0 / N_MELS) * np.cos(np.pi * k * (2 * n + 1) / (2 * N_MELS))).astype(np.float32)


def frame_count(n_samples: int) -> int:
    return max(0, 1 + (n_samples - WINDOW) // HOP) if n_samples >= WINDOW else 0


def _frames(x: np.ndarray) -> np.ndarray:
    n = frame_count(len(x))
    if n == 0:
        return np.zeros((0, WINDOW), dtype=np.float32)
    idx = np.arange(WINDOW)[None, :] + HOP * np.arange(n)[:, None]
    return x[idx]


def analyse(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(MFCC c1..c13 per frame, frame energy in dB) of mono samples at `WORK_RATE`.
    Frame k covers samples [k * HOP, k * HOP + WINDOW)."""
    x = np.asarray(x, dtype=np.float32)
    frames = _frames(x)
    if not len(frames):
        return np.zeros((0, N_CEPS), dtype=np.float32), np.zeros(0, dtype=np.float32)
    energy = 10 * np.log10(np.mean(frames.astype(np.float64) ** 2, axis=1) + 1e-10)
    emphasised = np.concatenate([frames[:, :1], frames[:, 1:] - 0.97 * frames[:, :-1]], axis=1)
    spec = np.abs(np.fft.rfft(emphasised * np.hamming(WINDOW).astype(np.float32), n=N_FFT, axis=1)) ** 2
    mel = spec.astype(np.float32) @ _mel_matrix().T
    floor = float(np.percentile(mel.max(axis=1), 95)) * 10 ** (-FLOOR_DB / 10) + 1e-10
    ceps = np.log(mel + floor) @ _dct_matrix().T
    if DELTAS:
        ceps = np.concatenate([ceps, _delta(ceps)], axis=1)
    return ceps.astype(np.float32), np.maximum(energy, SILENCE_DB).astype(np.float32)


def _delta(c: np.ndarray, width: int = 2) -> np.ndarray:
    pad = np.pad(c, ((width, width), (0, 0)), mode="edge")
    n = len(c)
    num = sum(k * (pad[width + k: width + k + n] - pad[width - k: width - k + n]) for k in range(1, width + 1))
    return num / (2 * sum(k * k for k in range(1, width + 1)))


def normalise(features: np.ndarray, weights: np.ndarray | None = None) -> np.ndarray:
    """Cepstral mean and variance normalisation (over the frames where `weights` is true, if given)."""
    ref = features[weights] if weights is not None and weights.any() else features
    if not len(ref):
        return features
    return (features - ref.mean(axis=0)) / (ref.std(axis=0) + 1e-3)


def speech_frames(energy: np.ndarray, floor_db: float = -60.0) -> np.ndarray:
    """Which frames hold speech: above both 35 dB under the loud frames and 8 dB over the noise floor."""
    if not len(energy):
        return np.zeros(0, dtype=bool)
    loud = float(np.percentile(energy, 95))
    noise = float(np.percentile(energy, 10))
    threshold = max(loud - 35.0, noise + 8.0, floor_db)
    return energy > threshold
