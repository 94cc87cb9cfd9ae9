"""Voice disguise of one speaker's signal: spectral-envelope warping plus an F0 change.

`default` warps the LPC pole angles with a McAdams coefficient and a small linear
scale (the VoicePrivacy Challenge baseline B2, vectorised over frames here) and moves
F0 level and range with Praat's PSOLA (praat-parselmouth). A plain shift cannot undo it: the formant warp is
not linear in frequency. `pitch` is the classic shift of the whole spectrum, as
`sox pitch` does: cheap, but reversible by an attacker who shifts back.
Parameters come from `keys.speaker_parameters`, never from the caller's choice.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np

METHODS = ("default", "pitch", "none")
METHOD_DESCRIPTIONS = {
    "default": "McAdams LPC formant warping with a linear formant shift + PSOLA F0 change "
               "(per-speaker keyed parameters)",
    "pitch": "pitch shift of the whole spectrum, formants moved with F0 (per-speaker keyed semitones)",
    "none": "no voice disguise",
}


@dataclass(frozen=True, repr=False)
class VoiceParams:
    """Secret per-speaker disguise settings; never written to an exported report or file."""

    method: str
    mcadams: float = 1.0  # pole-angle exponent; 1 keeps the envelope
    semitones: float = 0.0  # F0 change
    pitch_range: float = 1.0  # F0 range factor around the new median
    formant_ratio: float = 1.0  # linear formant scaling on top of the warp

    def __repr__(self) -> str:  # keep secrets out of logs and tracebacks
        return f"VoiceParams(method={self.method!r}, <secret>)"


ACTIVE_FLOOR_DBFS = -60.0  # frames quieter than this, and 50 dB under the block's loudest, count as silence
ACTIVE_RANGE_DB = 50.0


def disguise(x: np.ndarray, sr: int, params: VoiceParams, skip_silence: bool = True) -> np.ndarray:
    """Disguised copy of the mono float signal `x`, exactly as long as `x`.

    Only the stretches with sound in them (plus 0.2 s around) are processed; silence between
    them is copied, which halves the work on a stereo call where each side is quiet half the time.
    """
    x = np.asarray(x, dtype=np.float64)
    if params.method == "none" or len(x) == 0:
        return x.astype(np.float32)
    if not skip_silence:
        return _disguise_all(x, sr, params)
    out = x.copy()
    ramp = max(1, int(0.01 * sr))
    for a, b in active_regions(x, sr):
        y = _disguise_all(x[a:b], sr, params)
        w = np.ones(b - a)
        if a > 0:
            w[:ramp] = np.linspace(0, 1, ramp, endpoint=False)
        if b < len(x):
            w[-ramp:] = np.linspace(1, 0, ramp, endpoint=False)
        out[a:b] = w * y + (1 - w) * x[a:b]
    return out.astype(np.float32)


def active_regions(x: np.ndarray, sr: int, hangover: float = 0.2, min_gap: float = 0.5) -> list[tuple[int, int]]:
    """[a, b) sample ranges holding sound: 20 ms frames above the floor, widened by `hangover`."""
    hop = max(1, int(0.02 * sr))
    n = len(x) // hop
    if n == 0:
        return [(0, len(x))] if len(x) else []
    rms = np.sqrt(np.mean(np.square(x[: n * hop]).reshape(n, hop), axis=1)) + 1e-12
    db = 20 * np.log10(rms)
    live = db > max(ACTIVE_FLOOR_DBFS, db.max() - ACTIVE_RANGE_DB)
    if not live.any():
        return []
    regions, pad, gap = [], int(hangover / 0.02), int(min_gap / 0.02)
    idx = np.flatnonzero(live)
    start = prev = idx[0]
    for i in idx[1:]:
        if i - prev > gap:
            regions.append((start, prev))
            start = i
        prev = i
    regions.append((start, prev))
    out = [(max(0, (a - pad) * hop), min(len(x), (b + 1 + pad) * hop)) for a, b in regions]
    if out[-1][1] >= n * hop:
        out[-1] = (out[-1][0], len(x))
    return out


def _disguise_all(x: np.ndarray, sr: int, params: VoiceParams) -> np.ndarray:
    if params.method == "pitch":
        ratio = 2 ** (params.semitones / 12)
        y = praat_change_gender(x, sr, pitch_factor=ratio, range_factor=1.0, formant_ratio=ratio)
    elif params.method == "default":
        y = mcadams(x, sr, params.mcadams, params.formant_ratio)
        y = praat_shift_f0(y, sr, 2 ** (params.semitones / 12), params.pitch_range)
    else:
        raise ValueError(f"unknown voice method {params.method!r} (use one of {', '.join(METHODS)})")
    return _fit_length(y, len(x))


def _fit_length(y: np.ndarray, n: int) -> np.ndarray:
    return y[:n] if len(y) >= n else np.concatenate([y, np.zeros(n - len(y))])


# --- McAdams LPC pole warping -------------------------------------------------------------


def mcadams(x: np.ndarray, sr: int, alpha: float, scale: float = 1.0, frame_seconds: float = 0.02) -> np.ndarray:
    """Warp every frame's LPC pole angles phi -> scale * phi**alpha and resynthesise from the LPC residual.

    Frames of 20 ms with 50 % overlap, sqrt-Hann analysis and synthesis windows (their
    product sums to one), per-frame energy kept, so level and timing stay the speaker's.
    """
    x = np.asarray(x, dtype=np.float64)
    if (alpha == 1.0 and scale == 1.0) or len(x) == 0:
        return x.copy()
    L = int(round(frame_seconds * sr)) // 2 * 2
    hop = L // 2
    order = min(24, int(sr / 1000) + 4)
    n_frames = int(np.ceil(len(x) / hop)) + 1
    padded = np.zeros((n_frames + 1) * hop + L)
    padded[hop: hop + len(x)] = x  # one hop of lead-in so the first samples get full overlap
    win = np.sqrt(0.5 - 0.5 * np.cos(2 * np.pi * np.arange(L) / L))
    idx = np.arange(n_frames)[:, None] * hop + np.arange(L)[None, :]
    out = np.zeros_like(padded)
    for part in np.array_split(np.arange(n_frames), max(1, n_frames // 4000)):  # bound memory
        frames = padded[idx[part]] * win
        y = _warp_frames(frames, order, alpha, scale) * win
        _overlap_add(out, y, part[0], hop, L)
    return out[hop: hop + len(x)]


def _overlap_add(out: np.ndarray, y: np.ndarray, first: int, hop: int, L: int) -> None:
    """Add frames y (F, L) with 50 % overlap starting at frame `first` into `out`."""
    start = first * hop
    F = len(y)
    out[start: start + F * hop] += y[:, :hop].ravel()
    out[start + hop: start + hop + F * hop] += y[:, hop:].ravel()


def _warp_frames(frames: np.ndarray, order: int, alpha: float, scale: float = 1.0,
                 quiet_rms: float = 10 ** (-70 / 20)) -> np.ndarray:
    """Warped frames; near-silent frames (below -70 dBFS) pass unchanged to save time."""
    import scipy.fft as sfft

    F, L = frames.shape
    energy = np.sum(frames ** 2, axis=1)
    live = energy > L * quiet_rms ** 2
    result = frames.copy()
    if not live.any():
        return result
    fr = frames[live]
    a = _lpc(fr, order)
    a_new = _warp_poles(a, alpha, scale)
    n = 1 << int(np.ceil(np.log2(3 * L)))
    dft = np.exp(-2j * np.pi * np.outer(np.arange(order + 1), np.arange(n // 2 + 1)) / n)
    # magnitude-only: the frame keeps its own phase, so harmonics stay coherent across overlapping frames
    spec = sfft.rfft(fr, n) * (np.abs(a @ dft) / np.abs(a_new @ dft))
    y = sfft.irfft(spec, n)[:, :L]
    gain = np.sqrt(energy[live] / np.maximum(np.sum(y ** 2, axis=1), 1e-20))
    result[live] = y * np.clip(gain, 1e-3, 10.0)[:, None]  # each frame keeps its energy
    return result


def _lpc(frames: np.ndarray, order: int) -> np.ndarray:
    """LPC coefficients (F, order+1), autocorrelation method, Levinson-Durbin over all frames at once."""
    L = frames.shape[1]
    n = 1 << int(np.ceil(np.log2(2 * L)))
    r = np.fft.irfft(np.abs(np.fft.rfft(frames, n)) ** 2, n)[:, : order + 1]
    r[:, 0] = r[:, 0] * (1 + 1e-6) + 1e-12  # white-noise correction keeps the recursion stable
    a = np.zeros((len(frames), order + 1))
    a[:, 0] = 1.0
    err = r[:, 0].copy()
    for i in range(1, order + 1):
        acc = r[:, i] + np.sum(a[:, 1:i] * r[:, i - 1:0:-1], axis=1)
        k = -acc / err
        a[:, 1:i] = a[:, 1:i] + k[:, None] * a[:, i - 1:0:-1]
        a[:, i] = k
        err = err * (1 - k ** 2)
    return a


MAX_ANGLE = 0.96 * np.pi  # keep moved resonances off the Nyquist frequency
MAX_RADIUS = 0.985


def _warp_poles(a: np.ndarray, alpha: float, scale: float = 1.0) -> np.ndarray:
    """Polynomials whose complex pole angles phi become scale * phi**alpha (real poles kept)."""
    F, p1 = a.shape
    p = p1 - 1
    comp = np.zeros((F, p, p))
    comp[:, 0, :] = -a[:, 1:]
    comp[:, np.arange(1, p), np.arange(p - 1)] = 1.0
    poles = np.linalg.eigvals(comp)
    ang, mag = np.angle(poles), np.abs(poles)
    upper, lower = poles.imag > 1e-9, poles.imag < -1e-9
    if alpha <= 1.0:  # McAdams as in the VoicePrivacy baseline: phi -> phi**alpha
        warp = lambda phi: phi ** alpha  # noqa: E731
    else:  # expanding: normalised so no angle passes Nyquist and piles up there
        warp = lambda phi: np.pi * (phi / np.pi) ** alpha  # noqa: E731
    new_ang = ang.copy()
    new_ang[upper] = np.clip(scale * warp(ang[upper]), 0.0, MAX_ANGLE)
    new_ang[lower] = -np.clip(scale * warp(-ang[lower]), 0.0, MAX_ANGLE)
    # a moved pole keeps its bandwidth, but never sits closer to the unit circle than MAX_RADIUS
    moved = (upper | lower) & (np.abs(new_ang - ang) > 1e-6)
    new_poles = np.where(moved, np.minimum(mag, MAX_RADIUS) * np.exp(1j * new_ang), poles)
    coeffs = np.ones((F, 1), dtype=complex)
    for k in range(p):
        r = new_poles[:, k: k + 1]
        coeffs = np.concatenate([coeffs, np.zeros((F, 1))], axis=1) - r * np.concatenate(
            [np.zeros((F, 1)), coeffs], axis=1)
    return coeffs.real


# --- F0 (and linear formant) change with Praat --------------------------------------------


def _seed_praat(value: float) -> None:
    """Praat's overlap-add jitters unvoiced stretches with random numbers: seed it so a key gives one output."""
    import parselmouth

    parselmouth.praat.run(f"random_initializeWithSeedUnsafelyButPredictably ({int(value * 1e6) % 2**31})\n")


def praat_shift_f0(x: np.ndarray, sr: int, factor: float, range_factor: float = 1.0, floor: float = 60.0,
                   ceiling: float = 400.0) -> np.ndarray:
    """PSOLA: every F0 point times `factor`, and its distance from the mean (in log terms) times
    `range_factor`; formants and duration untouched. One pitch analysis (Praat's Manipulation)."""
    import parselmouth
    from parselmouth.praat import call

    x = np.asarray(x, dtype=np.float64)
    snd = parselmouth.Sound(x, sampling_frequency=sr)
    if snd.duration < 0.1 or (factor == 1.0 and range_factor == 1.0):
        return x
    manipulation = call(snd, "To Manipulation", 0.01, floor, min(ceiling, sr / 2 - 50))
    tier = call(manipulation, "Extract pitch tier")
    if call(tier, "Get number of points") == 0:
        return x  # nothing voiced: PSOLA would only copy
    mean = call(tier, "Get mean (points)", 0, 0)
    call(tier, "Formula", f"self * {factor:.6f} * (self / {mean:.4f}) ^ ({range_factor - 1:.6f})")
    call([tier, manipulation], "Replace pitch tier")
    _seed_praat(factor)
    y = call(manipulation, "Get resynthesis (overlap-add)").values[0]
    return _fit_length(np.nan_to_num(y), len(x))



def praat_change_gender(x: np.ndarray, sr: int, pitch_factor: float, range_factor: float = 1.0,
                        formant_ratio: float = 1.0, floor: float = 60.0, ceiling: float = 400.0) -> np.ndarray:
    """Praat's "Change gender": PSOLA F0 median times `pitch_factor`, range times `range_factor`,
    formants times `formant_ratio`; duration kept. Unvoiced input comes back unchanged."""
    import parselmouth
    from parselmouth.praat import call

    if pitch_factor == 1.0 and range_factor == 1.0 and formant_ratio == 1.0:
        return np.asarray(x, dtype=np.float64)
    snd = parselmouth.Sound(np.asarray(x, dtype=np.float64), sampling_frequency=sr)
    if snd.duration < 0.1:
        return np.asarray(x, dtype=np.float64)
    pitch = call(snd, "To Pitch", 0.01, floor, ceiling)
    median = call(pitch, "Get quantile", 0, 0, 0.5, "Hertz")
    if not np.isfinite(median) or median <= 0:
        if formant_ratio == 1.0:
            return np.asarray(x, dtype=np.float64)
        median = 0.0
    new_median = median * pitch_factor if median else 0.0
    # Praat resamples by the formant ratio internally; its ceiling must stay under Nyquist.
    ceiling = min(ceiling, sr / 2 / max(formant_ratio, 1.0) - 50)
    _seed_praat(pitch_factor)
    with warnings.catch_warnings():  # "no voiced segments" on a pause is expected, not news
        warnings.simplefilter("ignore", parselmouth.PraatWarning)
        out = call(snd, "Change gender", floor, ceiling, formant_ratio, new_median, range_factor, 1.0)
    y = out.values[0]
    return np.nan_to_num(y)
