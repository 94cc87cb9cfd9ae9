"""The default voice disguise in one STFT pass: source-filter split, formant warp, F0 change.

Every frame's LPC envelope is divided out (batched Levinson); the remaining excitation is
moved up or down in frequency with a phase vocoder (F0 changes, formants do not), the
envelope is warped with a McAdams-type curve and a linear scale (formants move, F0 does
not), a keyed tilt and smooth spectral curve colour it, and the frame is rebuilt with its
own energy. The F0 ratio follows a slow keyed contour, so the speaker's intonation is reshaped
rather than shifted as a whole. Everything is frame-batched numpy (no per-frame Python loop,
no Praat), in batches of `CHUNK_FRAMES`, so memory stays bounded and the output is the same
however a region is batched.
"""

from __future__ import annotations

import numpy as np
import scipy.fft as sfft

FRAME_SECONDS = 0.032
MAX_ANGLE = 0.96 * np.pi  # keep moved resonances off the Nyquist frequency
CHUNK_FRAMES = 2048  # frames per batch: bounds memory on long regions
LPC_ORDER_EXTRA = 4  # LPC order = kHz of the sample rate + this
HOPS_PER_FRAME = 2  # 50 % overlap with sqrt-Hann windows; 4 (75 %, Hann) sounded no better and cost 2.5x


def frame_sizes(sr: int) -> tuple[int, int, int]:
    """(frame length, hop, FFT size): 32 ms frames (a power of two), hop of 1/HOPS_PER_FRAME, FFT of the frame."""
    L = 1 << int(round(np.log2(FRAME_SECONDS * sr)))
    return L, L // HOPS_PER_FRAME, L


def warp_curve(n_bins: int, alpha: float, scale: float) -> np.ndarray:
    """Source bin (fractional) whose envelope value lands on each output bin.

    The forward map moves a resonance at angle phi to scale * phi**alpha (alpha <= 1, as in
    the VoicePrivacy baseline) or scale * pi * (phi/pi)**alpha (alpha > 1); we invert it by
    interpolation, since the map is monotone.
    """
    phi = np.linspace(0.0, np.pi, n_bins)
    fwd = phi ** alpha if alpha <= 1.0 else np.pi * (phi / np.pi) ** alpha
    fwd = np.minimum(scale * fwd, MAX_ANGLE + (phi - MAX_ANGLE).clip(0) * 1e-3)  # strictly increasing
    src = np.interp(phi, fwd, phi)
    return src / np.pi * (n_bins - 1)


def _lpc_envelope(power: np.ndarray, order: int, n_fft: int) -> np.ndarray:
    """|1/A(f)| per frame (F, bins) from the frames' power spectra (autocorrelation method)."""
    r = np.fft.irfft(power, n_fft)[:, : order + 1].astype(np.float64)
    r[:, 0] = r[:, 0] * (1 + 1e-4) + 1e-12  # white-noise correction keeps the recursion stable
    F = len(power)
    a = np.zeros((F, order + 1))
    a[:, 0] = 1.0
    err = r[:, 0].copy()
    for i in range(1, order + 1):
        acc = r[:, i] + np.sum(a[:, 1:i] * r[:, i - 1:0:-1], axis=1)
        k = -acc / err
        a[:, 1:i] = a[:, 1:i] + k[:, None] * a[:, i - 1:0:-1]
        a[:, i] = k
        err = err * (1 - k ** 2)
    return (1.0 / np.maximum(np.abs(np.fft.rfft(a, n_fft)), 1e-6)).astype(np.float32)


def _princarg(p: np.ndarray) -> np.ndarray:
    return p - 2 * np.pi * np.round(p / (2 * np.pi))


def _interp_rows(values: np.ndarray, pos: np.ndarray) -> np.ndarray:
    """values[t, pos[t, k]] with linear interpolation; pos may be (bins,) or (F, bins)."""
    n = values.shape[1]
    pos = np.clip(pos, 0, n - 1)
    i0 = np.minimum(pos.astype(np.intp), n - 2)
    w = pos - i0
    rows = np.arange(len(values))[:, None]
    if pos.ndim == 1:
        return values[:, i0] * (1 - w) + values[:, i0 + 1] * w
    return values[rows, i0] * (1 - w) + values[rows, i0 + 1] * w


def disguise_spectral(x: np.ndarray, sr: int, alpha: float, scale: float, semitones: float,
                      contour_depth: float = 0.0, contour_rate: float = 0.5, contour_phase: float = 0.0,
                      tilt_db: float = 0.0, ltas: float = 0.0, eq_db: tuple = ()) -> np.ndarray:
    """Disguised copy of mono `x` (same length): envelope warp (alpha, scale), F0 times
    2**((semitones + depth*sin(2 pi rate t + phase))/12), tilt in dB per octave around 1 kHz.
    `ltas` (0..1) removes that share of the speaker's average envelope; `eq_db` are the dB
    weights of cos(pi m f/nyquist), m = 1.., a smooth keyed curve that takes its place."""
    x = np.asarray(x, dtype=np.float64)
    n = len(x)
    L, hop, N = frame_sizes(sr)
    if n == 0:
        return x.copy()
    order = min(24, int(sr / 1000) + LPC_ORDER_EXTRA)
    n_frames = int(np.ceil((n + L) / hop)) + 1
    padded = np.zeros((n_frames - 1) * hop + L, dtype=np.float32)  # single precision: half the memory traffic
    padded[L: L + n] = x
    win = 0.5 - 0.5 * np.cos(2 * np.pi * np.arange(L) / L)
    if HOPS_PER_FRAME == 2:
        win = np.sqrt(win)  # analysis x synthesis = Hann, which sums to one at 50 % overlap
    win = win.astype(np.float32)
    bins = N // 2 + 1
    freqs = np.arange(bins) * sr / N
    u = np.arange(bins) / (bins - 1)
    curve_db = tilt_db * np.log2(np.maximum(freqs, 125.0) / 1000.0)
    curve_db = curve_db + sum(c * np.cos(np.pi * (m + 1) * u) for m, c in enumerate(eq_db))
    src_env = warp_curve(bins, alpha, scale)
    t_frames = np.arange(n_frames) * hop / sr
    ratio = np.float32(2) ** ((semitones + contour_depth * np.sin(2 * np.pi * contour_rate * t_frames + contour_phase)) / 12)
    chunks = [np.arange(f0, min(n_frames, f0 + CHUNK_FRAMES)) for f0 in range(0, n_frames, CHUNK_FRAMES)]

    def analyse(idx):
        frames = padded[idx[:, None] * hop + np.arange(L)[None, :]] * win
        X = sfft.rfft(frames, N, workers=1)
        power = X.real ** 2 + X.imag ** 2
        return frames, X, power, _lpc_envelope(power, order, N)

    first = analyse(chunks[0])
    if ltas:  # the speaker's long-term envelope over the whole region (loud frames count most), divided out
        acc_w, acc_log = 0.0, np.zeros(bins)
        for i, idx in enumerate(chunks):
            _, _, power, env = first if i == 0 else analyse(idx)
            w = np.sqrt(power.sum(axis=1, dtype=np.float64))
            acc_w, acc_log = acc_w + w.sum(), acc_log + w @ np.log(env.astype(np.float64) + 1e-9)
        mean_log = np.interp(src_env, np.arange(bins), acc_log / max(acc_w, 1e-20))
        curve_db = curve_db - ltas * 20 / np.log(10) * (mean_log - mean_log.mean())
    curve = (10 ** (curve_db / 20)).astype(np.float32)  # keyed curve (tilt, eq) over the flattened envelope
    out = np.zeros(len(padded) + L * 4)
    state = {"phase": None, "prev": None, "win": win}
    for f0, idx in zip(range(0, n_frames, CHUNK_FRAMES), chunks):
        y = _frames(first if f0 == 0 else analyse(idx), ratio[idx], src_env, curve, hop, state)
        for j in range(L // hop):  # overlap-add: every (L/hop)-th frame tiles without overlap
            part = y[j:: L // hop]
            a = (f0 + j) * hop
            out[a: a + len(part) * L] += part.ravel()
    out /= np.sum(win ** 2) / hop  # the overlapping analysis x synthesis windows sum to this
    return out[L: L + n]


def _frames(analysed: tuple, ratio: np.ndarray, src_env: np.ndarray, curve: np.ndarray, hop: int,
            state: dict) -> np.ndarray:
    """Synthesised frames (F, L) for analysed input frames; `state` carries phases across chunks."""
    frames, X, power, env = analysed
    F, L = frames.shape
    N = 2 * (X.shape[1] - 1)
    mag, phase = np.sqrt(power), np.angle(X)
    exc = mag / env
    bins = X.shape[1]
    k = np.arange(bins, dtype=np.float32)
    omega = np.float32(2 * np.pi / N) * k  # bin centre, rad/sample
    prev = np.vstack([state["prev"][None, :] if state["prev"] is not None else phase[:1] - omega * hop, phase[:-1]])
    inst = omega + _princarg(phase - prev - omega * hop) / hop
    src = k[None, :] / ratio[:, None]  # output bin k takes the excitation at input bin k / ratio
    inside = src <= bins - 1
    exc_out = _interp_rows(exc, src)
    floor = exc[:, -bins // 8:].mean(axis=1, keepdims=True)
    exc_out = np.where(inside, exc_out, floor)
    nearest = np.minimum(np.rint(src).astype(np.intp), bins - 1)
    rows = np.arange(F)[:, None]
    inst_out = np.where(inside, inst[rows, nearest] * ratio[:, None], omega)
    # horizontal phase coherence: accumulate each output bin's instantaneous frequency
    start = state["phase"] if state["phase"] is not None else phase[0] - inst_out[0] * hop
    acc = start[None, :] + np.cumsum(inst_out * hop, axis=0, dtype=np.float64)
    # vertical coherence (identity phase locking): bins follow the phase of their spectral peak
    env_out = _interp_rows(env, src_env) * curve[None, :]
    peak = _nearest_peak(exc_out * env_out)
    in_ph = phase[rows, nearest]
    out_ph = (acc[rows, peak] + (in_ph - in_ph[rows, peak])).astype(np.float32)
    state["phase"], state["prev"] = _princarg(acc[-1]), phase[-1]
    y = sfft.irfft(exc_out * env_out * np.exp(1j * out_ph).astype(np.complex64), N, workers=1)[:, :L] * state["win"]
    ref = np.sum((frames * state["win"]) ** 2, axis=1)  # what the input frame adds after synthesis windowing
    gain = np.sqrt(ref / np.maximum(np.sum(y ** 2, axis=1), 1e-20))
    return y * np.clip(gain, 0.0, 30.0)[:, None]


def _nearest_peak(m: np.ndarray) -> np.ndarray:
    """For every bin, the index of the nearest local maximum of its row (ties to the left)."""
    F, n = m.shape
    is_peak = np.zeros_like(m, dtype=bool)
    is_peak[:, 1:-1] = (m[:, 1:-1] >= m[:, :-2]) & (m[:, 1:-1] > m[:, 2:])
    is_peak[:, 0] = True
    k = np.arange(n)
    left = np.where(is_peak, k[None, :], 0)
    left = np.maximum.accumulate(left, axis=1)
    right = np.where(is_peak, k[None, :], n - 1 + n)
    right = np.minimum.accumulate(right[:, ::-1], axis=1)[:, ::-1]
    return np.where((right - k[None, :]) < (k[None, :] - left), np.minimum(right, n - 1), left)
