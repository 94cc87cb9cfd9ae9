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
SPEECH_BELOW_LOUD = 35.0
SPEECH_ABOVE_NOISE = 5.0
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


def mel_energies(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(mel band energies per frame, frame energy in dB) of mono samples at `WORK_RATE`.
    Frame k covers samples [k * HOP, k * HOP + WINDOW)."""
    x = np.asarray(x, dtype=np.float32)
    frames = _frames(x)
    if not len(frames):
        return np.zeros((0, N_MELS), dtype=np.float32), np.zeros(0, dtype=np.float32)
    energy = 10 * np.log10(np.mean(frames.astype(np.float64) ** 2, axis=1) + 1e-10)
    emphasised = np.concatenate([frames[:, :1], frames[:, 1:] - 0.97 * frames[:, :-1]], axis=1)
    spec = np.abs(np.fft.rfft(emphasised * np.hamming(WINDOW).astype(np.float32), n=N_FFT, axis=1)) ** 2
    return spec.astype(np.float32) @ _mel_matrix().T, np.maximum(energy, SILENCE_DB).astype(np.float32)


def cepstra(mel: np.ndarray, floor: np.ndarray | float | None = None) -> np.ndarray:
    """MFCCs c1..c13 (with their deltas) of mel band energies; energies are floored at `floor`
    (default: `FLOOR_DB` below the loud frames), so silence looks the same at any level."""
    if not len(mel):
        return np.zeros((0, N_CEPS * (2 if DELTAS else 1)), dtype=np.float32)
    if floor is None:
        floor = float(np.percentile(mel.max(axis=1), 95)) * 10 ** (-FLOOR_DB / 10) + 1e-10
    ceps = np.log(np.maximum(mel, floor) + 1e-10) @ _dct_matrix().T
    if DELTAS:
        ceps = np.concatenate([ceps, _delta(ceps)], axis=1)
    return ceps.astype(np.float32)


def match_noise(synthetic: np.ndarray, recorded: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Bring clean synthetic mel energies to the recording's level and add the recording's noise
    (per band, its quiet frames), so both are compared as equally noisy speech. Returns the new
    synthetic energies and the floor to use for both."""
    if not len(synthetic) or not len(recorded):
        return synthetic, np.full(N_MELS, 1e-10, dtype=np.float32)
    noise = np.percentile(recorded, 10, axis=0).astype(np.float32)
    level_rec = float(np.percentile(recorded.sum(axis=1), 95))
    level_syn = float(np.percentile(synthetic.sum(axis=1), 95)) or 1e-10
    floor = np.maximum(noise, level_rec / N_MELS * 10 ** (-FLOOR_DB / 10)) + 1e-10
    return synthetic * (level_rec / level_syn) + noise, floor


def analyse(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(MFCCs with deltas per frame, frame energy in dB) of mono samples at `WORK_RATE`."""
    mel, energy = mel_energies(x)
    return cepstra(mel), energy


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
    """Which frames hold speech: above both `SPEECH_BELOW_LOUD` dB under the loud frames and
    `SPEECH_ABOVE_NOISE` dB over the noise floor (the quietest frames)."""
    if not len(energy):
        return np.zeros(0, dtype=bool)
    loud = float(np.percentile(energy, 95))
    noise = float(np.percentile(energy, 5))
    threshold = max(loud - SPEECH_BELOW_LOUD, min(noise + SPEECH_ABOVE_NOISE, loud - 10.0), floor_db)
    return energy > threshold
