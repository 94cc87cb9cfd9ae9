"""Resynthesis towards a keyed pseudo-speaker (the `normalise` and `pool` designs; `default` is one of them).

Each 32 ms frame is split into an LPC envelope and a voicing measure (Praat's pitch and its
strength). The output is built from new parts rather than from the speaker's own excitation: a
pulse train generated sample by sample along a keyed F0 contour (the speaker's intonation,
smoothed over 80 ms, normalised by their own median and spread, re-drawn around the pseudo-speaker's
keyed median and spread) mixed with noise in the measured periodic/aperiodic share (in voiced
frames the noise goes to the band above 1 kHz, so the low harmonics stay periodic), filtered by an envelope whose
long-term shape is the pseudo-speaker's (a keyed curve, not the speaker's own). Its frame-to-frame
changes (the phonetic content) are, in `normalise`, the speaker's own divided by the speaker's
spread, smoothed to their coarse shape (in unvoiced frames to their level and tilt) and moved from the
speaker's measured formant scale to the pseudo-speaker's; in `pool`, those of the nearest frames of keyed synthetic voices (`pool.py`).
Frame energies are kept, so timing and loudness contour are exact. Speaker statistics come from
`fit_speaker` (once per speaker, see `voice.fit_to_speaker`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.fft as sfft

from curation.anonymise.spectral import CHUNK_FRAMES, _interp_rows, _lpc_envelope, frame_sizes

F0_FLOOR, F0_CEILING = 60.0, 420.0
ENV_POINTS = 64  # the speaker's mean and spread of log envelope are stored on this many points of 0..Nyquist
REFERENCE_FORMANT_HZ = 1450.0  # geometric mean of formant candidates of a reference (adult male) voice
DEV_STD = 0.65  # nepers: spread of the envelope's frame-to-frame changes given to every pseudo-speaker
NOISE_SHARE = 0.5  # share of the measured aperiodicity given to the excitation's noise
LIFTER = 8  # normalise: cepstral coefficients of the envelope changes kept (finer detail carries the speaker)
LIFTER_UNVOICED = 2  # the same in unvoiced frames (consonants, pauses): their level and tilt only. What linked
# pooled calls of one speaker lay most in those frames' finer shape; a consonant classifier tells the
# consonants apart as well with 2 as with 8 (benchmarks/README: "a fourth round")
DEV_SCALE = 1.0  # normalise: share of the speaker's (normalised, smoothed) envelope changes passed on
F0_SMOOTH = 5  # frames (80 ms) of moving average on the intonation before it is re-drawn: the tracker's
# frame-to-frame jitter on noisy recordings would otherwise make the pulse train aperiodic
MIX_CUTOFF = 1000.0  # Hz: a voiced frame's aperiodic share goes to the band above this (mixed excitation);
# below it the excitation is all pulses, so the fundamental and low harmonics stay periodic on noisy input
MIX_GAIN = 2.0  # the upper band's noise share relative to the measured aperiodic share


@dataclass(frozen=True)
class SpeakerStats:
    """What the disguise normalises away: median F0 (Hz), F0 spread (semitones, std), formant scale
    (1 = reference male voice), mean log envelope and the spread of its frame-to-frame changes
    (ENV_POINTS values each over 0..Nyquist)."""

    f0: float | None
    spread: float
    alpha: float
    mean_env: tuple
    std_env: tuple = ()


def _analyse(sr: int, idx: np.ndarray, padded: np.ndarray, win: np.ndarray):
    """(windowed frames, LPC envelopes |1/A|, frame energies) of frames `idx`."""
    L, hop, N = frame_sizes(sr)
    frames = padded[idx[:, None] * hop + np.arange(L)[None, :]] * win
    X = sfft.rfft(frames, N, workers=1)
    power = X.real ** 2 + X.imag ** 2
    env = _lpc_envelope(power, min(24, int(sr / 1000) + 4), N)
    return frames, env, power.sum(axis=1)


def _pitch(x: np.ndarray, sr: int, n_frames: int) -> tuple[np.ndarray, np.ndarray]:
    """(F0 in Hz or 0, periodicity 0..1) at every frame centre: Praat's autocorrelation pitch (its
    path search keeps octave jumps out) with a time step of one hop, nearest frame."""
    import parselmouth
    from parselmouth.praat import call

    L, hop, _ = frame_sizes(sr)
    f0 = np.zeros(n_frames)
    strength = np.zeros(n_frames)
    if len(x) < int(0.1 * sr):
        return f0, strength
    pitch = call(parselmouth.Sound(np.asarray(x, dtype=np.float64), sampling_frequency=sr), "To Pitch (ac)",
                 hop / sr, F0_FLOOR, 15, "no", 0.03, 0.45, 0.01, 0.35, 0.14, F0_CEILING)
    arr = pitch.selected_array
    times = np.asarray(pitch.xs())
    centres = (np.arange(n_frames) * hop - L // 2) / sr  # frame k's centre on x's time axis
    k = np.clip(np.rint((centres - times[0]) / (hop / sr)).astype(np.intp), 0, len(times) - 1)
    inside = (centres >= times[0] - hop / sr) & (centres <= times[-1] + hop / sr)
    f0 = np.where(inside, arr["frequency"][k], 0.0)
    strength = np.where(f0 > 0, np.clip(arr["strength"][k], 0.0, 1.0), 0.0)
    return f0, strength


def _window(sr: int) -> np.ndarray:
    L = frame_sizes(sr)[0]
    return np.sqrt(0.5 - 0.5 * np.cos(2 * np.pi * np.arange(L) / L)).astype(np.float32)


def _frames_of(x: np.ndarray, sr: int):
    L, hop, _ = frame_sizes(sr)
    n_frames = int(np.ceil((len(x) + L) / hop)) + 1
    padded = np.zeros((n_frames - 1) * hop + L, dtype=np.float32)
    padded[L: L + len(x)] = x
    return padded, n_frames


def _formant_candidates(env_power: np.ndarray, sr: int) -> np.ndarray:
    """Peak frequencies (Hz) of the LPC envelopes: local maxima at least 3 dB above their surroundings."""
    db = 10 * np.log10(env_power + 1e-20)
    n = db.shape[1]
    peak = np.zeros_like(db, dtype=bool)
    peak[:, 1:-1] = (db[:, 1:-1] > db[:, :-2]) & (db[:, 1:-1] >= db[:, 2:])
    freqs = np.arange(n) * (sr / 2) / (n - 1)
    rows, cols = np.nonzero(peak)
    lo = np.maximum(cols - n // 16, 0)
    hi = np.minimum(cols + n // 16, n - 1)
    prom = db[rows, cols] - np.minimum(db[rows, lo], db[rows, hi])
    keep = (prom > 3.0) & (freqs[cols] > 250) & (freqs[cols] < min(3400.0, 0.9 * sr / 2))
    return freqs[cols[keep]]


def _points(values: np.ndarray) -> tuple:
    return tuple(float(v) for v in np.interp(np.linspace(0, 1, ENV_POINTS), np.linspace(0, 1, len(values)), values))


def _on_bins(points: tuple, bins: int) -> np.ndarray:
    return np.interp(np.linspace(0, 1, bins), np.linspace(0, 1, len(points)), np.asarray(points))


def fit_speaker(x: np.ndarray, sr: int) -> SpeakerStats:
    """The speaker's statistics measured on `x` (their sound, pauses allowed)."""
    x = np.asarray(x, dtype=np.float32)
    padded, n_frames = _frames_of(x, sr)
    win = _window(sr)
    f0, _ = _pitch(x, sr, n_frames)
    envs, weights = [], []
    for start in range(0, n_frames, CHUNK_FRAMES):
        idx = np.arange(start, min(n_frames, start + CHUNK_FRAMES))
        _, env, energy = _analyse(sr, idx, padded, win)
        voiced = f0[idx] > 0
        envs.append(env[voiced])
        weights.append(np.sqrt(energy[voiced]))
    voiced_f0 = f0[f0 > 0]
    env = np.concatenate(envs)
    if len(voiced_f0) < 10 or len(env) < 10:
        return SpeakerStats(None, 0.0, 1.0, ())
    spread = float(np.clip(np.std(12 * np.log2(voiced_f0)), 0.5, 6.0))
    log_env = np.log(env.astype(np.float64) + 1e-9)
    w = np.concatenate(weights)
    w = w / w.sum()
    mean_env = w @ log_env
    dev = log_env - mean_env
    dev -= dev.mean(axis=1, keepdims=True)
    std_env = np.sqrt(w @ dev ** 2)
    cands = _formant_candidates(env.astype(np.float64) ** 2, sr)
    alpha = float(np.exp(np.mean(np.log(cands))) / REFERENCE_FORMANT_HZ) if len(cands) >= 20 else 1.0
    return SpeakerStats(float(np.exp(np.median(np.log(voiced_f0)))), spread, float(np.clip(alpha, 0.7, 1.5)),
                        _points(mean_env), _points(std_env))


def _changes(log_env: np.ndarray, stats: SpeakerStats, bins: int) -> np.ndarray:
    """The envelope's frame-to-frame changes: the speaker's mean removed, each frame's level removed,
    divided by the speaker's spread per bin."""
    mean_env = _on_bins(stats.mean_env, bins) if stats.mean_env else log_env.mean(axis=0)
    dev = log_env - mean_env[None, :]
    dev -= dev.mean(axis=1, keepdims=True)
    if stats.std_env:
        dev = dev / np.maximum(_on_bins(stats.std_env, bins), 0.05)[None, :]
    return dev


def normalised_changes(x: np.ndarray, sr: int) -> tuple[np.ndarray, np.ndarray, int]:
    """(changes on the reference formant scale (F, bins), voiced flags (F,), FFT size) of a whole
    recording, normalised by its own statistics: what `pool` keeps of a pool voice."""
    stats = fit_speaker(x, sr)
    L, hop, N = frame_sizes(sr)
    padded, n_frames = _frames_of(np.asarray(x, dtype=np.float32), sr)
    f0, _ = _pitch(x, sr, n_frames)
    _, env, energy = _analyse(sr, np.arange(n_frames), padded, _window(sr))
    bins = N // 2 + 1
    dev = _changes(np.log(env.astype(np.float64) + 1e-9), stats, bins)
    to_ref = np.minimum(np.arange(bins) * stats.alpha, bins - 1)
    loud = 10 * np.log10(energy + 1e-20) > 10 * np.log10(energy.max() + 1e-20) - 40
    return _interp_rows(dev, to_ref)[loud], (f0 > 0)[loud], N


def target_envelope(bins: int, sr: int, alpha: float, tilt_db: float, eq_db: tuple) -> np.ndarray:
    """The pseudo-speaker's long-term log envelope (natural log) on `bins` bins: a smooth population
    shape (flat to 500 Hz, falling 7 dB per octave above, mild bumps at the neutral vocal tract's
    resonances) scaled to the keyed formant scale `alpha`, with a keyed tilt and smooth curve."""
    f = np.linspace(0.0, sr / 2, bins)
    g = f / alpha
    db = -7.0 * np.log2(np.maximum(g, 500.0) / 500.0)
    for n in range(1, 5):
        db += 4.0 * np.exp(-0.5 * ((g - (2 * n - 1) * 500.0) / 220.0) ** 2)
    u = f / (sr / 2)
    coloured = db + tilt_db * np.log2(np.maximum(f, 125.0) / 1000.0)
    coloured += sum(c * np.cos(np.pi * (m + 1) * u) for m, c in enumerate(eq_db))
    return _keep_fundamental_band(f, db, coloured) * np.log(10) / 20


LOW_SHARE_DB = -2.0  # the keyed colouring may take at most this much (dB) off the share of power below 1 kHz
FUNDAMENTAL_BAND = (60.0, 400.0)  # Hz: where the fundamental and first harmonics of every target F0 lie
FUNDAMENTAL_FLOOR_DB = -10.0  # that band is lifted to at most this far under the envelope's peak


def _keep_fundamental_band(f: np.ndarray, population_db: np.ndarray, db: np.ndarray) -> np.ndarray:
    """The keyed colouring `db` (dB over frequencies `f`) with two guards that keep F0 trackable: a
    shelf below 1 kHz gives back what the colouring took off the low band's share of power beyond
    LOW_SHARE_DB (against the uncoloured `population_db`), and the fundamental band is lifted to within
    FUNDAMENTAL_FLOOR_DB of the peak. Without them a key that carved out the low band left the output's
    fundamental so weak that pyin tracked a quarter of the voices an octave or more off their target."""
    low = f < 1000.0
    ramp = np.clip((1000.0 - f) / 250.0, 0.0, 1.0)  # the shelf: 1 below 750 Hz, easing to 0 at 1 kHz

    def low_share(d):
        p = 10 ** (d / 10)
        return 10 * np.log10(p[low].sum() / p.sum())

    target = low_share(population_db) + LOW_SHARE_DB
    if low_share(db) < target:  # the share rises with the shelf's gain: bisect for the gain that meets it
        lo, hi = 0.0, 80.0
        for _ in range(24):
            mid = (lo + hi) / 2
            lo, hi = (mid, hi) if low_share(db + mid * ramp) < target else (lo, mid)
        db = db + hi * ramp
    a, b = FUNDAMENTAL_BAND
    weight = np.clip(np.minimum((f - a + 20.0) / 20.0, (b + 100.0 - f) / 100.0), 0.0, 1.0)
    lift = np.maximum(db.max() + FUNDAMENTAL_FLOOR_DB - db, 0.0) * weight
    return db + lift


def source_bins(bins: int, ratio: float, bends: tuple) -> np.ndarray:
    """For every output bin, the (fractional) source bin whose envelope change it takes: a scale by
    `ratio` bent by keyed terms b_m sin(pi m u) / (pi m), kept monotone."""
    u = np.linspace(0.0, 1.0, bins)
    src = u / ratio + sum(b * np.sin(np.pi * (m + 1) * u) / (np.pi * (m + 1)) for m, b in enumerate(bends))
    src = np.maximum.accumulate(np.clip(src, 0.0, 1.0))
    return src * (bins - 1)


def dynamics_profile(bins: int, shape: tuple) -> np.ndarray:
    """The pseudo-speaker's spread of envelope changes per bin (nepers): DEV_STD times a keyed smooth curve."""
    u = np.linspace(0.0, 1.0, bins)
    return DEV_STD * np.exp(sum(c * np.cos(np.pi * (m + 1) * u) for m, c in enumerate(shape)))


def _pulses(f0_frames: np.ndarray, n: int, sr: int, hop: int, L: int, seed: int) -> np.ndarray:
    """A unit pulse train (length n + padding, aligned with the padded frames) whose instantaneous
    frequency follows the frames' F0 (0 = no pulses); pulses placed with a fractional-delay kernel."""
    total = len(f0_frames) * hop + L
    centres = np.arange(len(f0_frames)) * hop + L // 2
    voiced = f0_frames > 0
    on = np.interp(np.arange(total), centres, voiced.astype(float)) > 0.5
    logf = np.interp(np.arange(total), centres[voiced], np.log(f0_frames[voiced])) if voiced.any() else np.zeros(total)
    inst = np.where(on, np.exp(logf), 0.0)
    phase = np.cumsum(inst / sr)
    k = np.floor(phase)
    edges = np.flatnonzero(np.diff(k) > 0) + 1  # the sample after each whole cycle
    out = np.zeros(total + 8)
    if len(edges):
        over = (phase[edges] - k[edges]) / np.maximum(inst[edges] / sr, 1e-9)  # how far past the crossing
        pos = edges - over  # fractional sample position of the pulse
        base = np.floor(pos).astype(np.intp)
        frac = pos - base
        taps = np.arange(-3, 5)
        t = taps[None, :] - frac[:, None]
        kern = np.sinc(t) * (0.5 + 0.5 * np.cos(np.pi * t / 4.5))
        idx = (base[:, None] + taps[None, :]).clip(0, total + 7)
        np.add.at(out, idx.ravel(), kern.ravel())
    return out[:total]


def disguise_resynth(x: np.ndarray, sr: int, stats: SpeakerStats, target_f0: float, target_spread: float,
                     target_alpha: float, tilt_db: float, eq_db: tuple, contour_depth: float = 0.0,
                     contour_rate: float = 0.5, contour_phase: float = 0.0, seed: int = 0, bends: tuple = (),
                     dynamics: tuple = (), pool=None) -> np.ndarray:
    """Disguised copy of mono `x` (same length), resynthesised towards the keyed pseudo-speaker.
    `pool` (the `pool` design): a function (changes on the reference scale, voiced flags, FFT size)
    -> the changes replaced by pool voices' frames (`pool.substitution`)."""
    x = np.asarray(x, dtype=np.float64)
    n = len(x)
    if n == 0:
        return x.copy()
    L, hop, N = frame_sizes(sr)
    padded, n_frames = _frames_of(x, sr)
    win = _window(sr)
    bins = N // 2 + 1
    f0, per = _pitch(x, sr, n_frames)
    envs, refs = [], []
    for start in range(0, n_frames, CHUNK_FRAMES):
        idx = np.arange(start, min(n_frames, start + CHUNK_FRAMES))
        frames, env, _ = _analyse(sr, idx, padded, win)
        envs.append(env), refs.append(np.sum((frames * win) ** 2, axis=1))
    env, ref = np.concatenate(envs), np.concatenate(refs)
    # the keyed F0 contour: the speaker's intonation normalised, re-drawn around the target
    own_f0 = stats.f0 or (float(np.exp(np.median(np.log(f0[f0 > 0])))) if np.any(f0 > 0) else target_f0)
    own_spread = stats.spread if stats.f0 else 2.0
    t = np.arange(n_frames) * hop / sr
    st = np.where(f0 > 0, 12 * np.log2(np.maximum(f0, 1e-9) / own_f0), 0.0)
    if F0_SMOOTH > 1:  # average over the voiced frames around each voiced frame
        kern = np.ones(F0_SMOOTH)
        den = np.convolve((f0 > 0).astype(float), kern, "same")
        st = np.where(f0 > 0, np.convolve(st, kern, "same") / np.maximum(den, 1.0), 0.0)
    ratio = float(np.clip(target_spread / own_spread, 0.4, 2.5))
    st_out = st * ratio + contour_depth * np.sin(2 * np.pi * contour_rate * t + contour_phase)
    f0_out = np.where(f0 > 0, np.clip(target_f0 * 2 ** (st_out / 12), F0_FLOOR, F0_CEILING), 0.0)
    # envelope: the speaker's mean replaced by the pseudo-speaker's; the changes normalised by the speaker's
    # own spread, moved to the pseudo-speaker's formant scale and given its spread
    log_env = np.log(env.astype(np.float64) + 1e-9)
    dev = _changes(log_env, stats, bins)
    gain_dev = dynamics_profile(bins, dynamics) if stats.std_env else np.ones(bins)
    if pool is not None:  # the changes replaced by the nearest frames of the keyed pool voices (reference scale)
        on_ref = _interp_rows(dev, np.minimum(np.arange(bins) * stats.alpha, bins - 1))
        dev = pool(on_ref, f0 > 0, N)
        src = source_bins(bins, float(np.clip(target_alpha, 0.7, 1.45)), bends)
    else:
        c = np.fft.irfft(dev, N)  # keep the coarse shape of the changes (formant movements), drop the detail
        c[:, LIFTER: N - LIFTER + 1] = 0.0
        if LIFTER_UNVOICED < LIFTER:  # unvoiced frames keep fewer coefficients (their coarse tilt only at 2)
            c[np.ix_(f0 <= 0, np.r_[LIFTER_UNVOICED:LIFTER, N - LIFTER + 1:N - LIFTER_UNVOICED + 1])] = 0.0
        dev = np.fft.rfft(c, N).real * DEV_SCALE
        src = source_bins(bins, float(np.clip(target_alpha / stats.alpha, 0.7, 1.45)), bends)
    shaped = target_envelope(bins, sr, target_alpha, tilt_db, eq_db)[None, :] + _interp_rows(dev, src) * gain_dev[None, :]
    rng = np.random.default_rng(seed)
    pulses = _pulses(f0_out, n, sr, hop, L, seed)
    noise = rng.standard_normal(len(padded)).astype(np.float32)
    v = 1.0 - (1.0 - per) * NOISE_SHARE
    v = np.where(f0_out > 0, v, 0.0)
    # noise share over frequency in voiced frames: rising above MIX_CUTOFF, averaging 1 over the band
    rise = 1 / (1 + np.exp(-(np.arange(bins) * (sr / N) - MIX_CUTOFF) / 250.0)) if MIX_CUTOFF else np.ones(bins)
    rise = MIX_GAIN * rise / rise.mean()
    out = np.zeros(len(padded) + L)
    for start in range(0, n_frames, CHUNK_FRAMES):
        idx = np.arange(start, min(n_frames, start + CHUNK_FRAMES))
        H = _minimum_phase(shaped[idx], N)
        seg = idx[:, None] * hop + np.arange(L)[None, :]
        P = sfft.rfft(pulses[seg] * win, N, workers=1)
        Z = sfft.rfft(noise[seg] * win, N, workers=1)
        p_rms = np.sqrt(np.mean(np.abs(P) ** 2, axis=1, keepdims=True)) + 1e-12
        z_rms = np.sqrt(np.mean(np.abs(Z) ** 2, axis=1, keepdims=True)) + 1e-12
        share = np.where((f0_out[idx] > 0)[:, None], (1 - v[idx])[:, None] * rise[None, :], 1.0).clip(0.0, 1.0)
        E = np.sqrt(1 - share) * P / p_rms + np.sqrt(share) * Z / z_rms
        y = sfft.irfft(E * H, N, workers=1)[:, :L] * win
        gain = np.sqrt(ref[idx] / np.maximum(np.sum(y ** 2, axis=1), 1e-20))
        y *= np.clip(gain, 0.0, 1e3)[:, None]
        for j in range(L // hop):
            part = y[j:: L // hop]
            a = (start + j) * hop
            out[a: a + len(part) * L] += part.ravel()
    out /= np.sum(win.astype(np.float64) ** 2) / hop
    return out[L: L + n]


def _minimum_phase(log_mag: np.ndarray, N: int) -> np.ndarray:
    """Minimum-phase spectra (F, N/2+1) with the given natural-log magnitudes (real cepstrum folding)."""
    c = sfft.irfft(log_mag, N, workers=1)
    fold = np.zeros_like(c)
    fold[:, 0] = c[:, 0]
    fold[:, 1: N // 2] = 2 * c[:, 1: N // 2]
    fold[:, N // 2] = c[:, N // 2]
    return np.exp(sfft.rfft(fold, N, workers=1))
