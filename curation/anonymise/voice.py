"""Voice disguise of one speaker's signal.

`default` (see `resynth`) resynthesises the speech towards a keyed pseudo-speaker: the output's
long-term envelope, formant scale, median F0 and F0 range are drawn from the key, not derived from the
speaker's own (which are measured once per speaker by `fit_to_speaker` and normalised away); the
speaker contributes only the moment-to-moment content (the envelope's changes, the intonation's
shape, voicing, energy), so an attacker who knows the method cannot sample parameters that bring the
speaker's own voice back. `warp` (the previous default, see `spectral`) warps the speaker's own LPC
envelope (McAdams coefficient and linear scale, keyed tilt and curve) and moves F0 with a phase
vocoder across the low/high voice boundary to a keyed target. `pitch` is the classic shift of the
whole spectrum, as `sox pitch` does: cheap, but reversible by an attacker who shifts back.
Parameters come from `keys.speaker_parameters`, never from the caller's choice.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass, replace

import numpy as np

from curation.anonymise.resynth import SpeakerStats, disguise_resynth, fit_speaker
from curation.anonymise.spectral import disguise_spectral

METHODS = ("default", "normalise", "pool", "warp", "pitch", "none")
RESYNTHESIS = ("normalise", "pool")  # the two pseudo-speaker designs compared in benchmarks/anonymise_privacy.py
DEFAULT_DESIGN = "normalise"  # what `default` is (see benchmarks/README.md for the figures behind the choice)
METHOD_DESCRIPTIONS = {
    "normalise": "resynthesis towards a keyed pseudo-speaker: the speaker's long-term envelope, formant scale, "
                 "median F0 and F0 range are replaced by keyed ones, the envelope's changes normalised and "
                 "smoothed; pulse-and-noise excitation along a keyed F0 contour re-drawn from the speaker's "
                 "normalised intonation (per-speaker keyed parameters)",
    "pool": "resynthesis towards a keyed pseudo-speaker whose envelope changes come from the nearest frames of "
            "keyed synthetic (espeak-ng) pool voices instead of the speaker's own; long-term envelope, formant "
            "scale, median F0 and F0 range keyed; pulse-and-noise excitation along a keyed F0 contour re-drawn "
            "from the speaker's normalised intonation (per-speaker keyed parameters)",
    "warp": "McAdams LPC formant warping with a linear formant shift, keyed spectral tilt, and a "
            "phase-vocoder F0 change that takes the speaker's median F0 across the low/high voice boundary "
            "to a keyed target, along a keyed contour (per-speaker keyed parameters; the previous default)",
    "pitch": "pitch shift of the whole spectrum, formants moved with F0 (per-speaker keyed semitones)",
    "none": "no voice disguise",
}
METHOD_DESCRIPTIONS["default"] = METHOD_DESCRIPTIONS[DEFAULT_DESIGN]
# The version of each design, written into every anonymisation report (and so into the clip's record and
# its pack): raise it whenever a change makes the same key give a different voice, so a stored clip can be
# told apart from one the current code would make (tests/test_anonymise_voice.py pins a fingerprint per
# version). normalise 2: the keyed colouring no longer carves out the band of the fundamental; normalise 3:
# unvoiced frames keep only the level and tilt of their envelope changes (resynth.LIFTER_UNVOICED).
METHOD_VERSIONS = {"normalise": 3, "pool": 2, "warp": 1, "pitch": 1, "none": 1}
METHOD_VERSIONS["default"] = METHOD_VERSIONS[DEFAULT_DESIGN]


def method_label(method: str) -> str:
    """What a report names as the voice disguise: the design and its version ("normalise/3"); for
    `default`, the design it stands for today."""
    design = DEFAULT_DESIGN if method == "default" else method
    return f"{design}/{METHOD_VERSIONS[method]}"


@dataclass(frozen=True, repr=False)
class VoiceParams:
    """Secret per-speaker disguise settings; never written to an exported report or file."""

    method: str
    mcadams: float = 1.0  # McAdams coefficient of the envelope's frequency warp; 1 keeps the envelope
    semitones: float = 0.0  # F0 change
    formant_ratio: float = 1.0  # linear formant scaling on top of the warp
    contour_depth: float = 0.0  # semitones of slow F0 modulation that reshapes the intonation
    contour_rate: float = 0.5  # Hz
    contour_phase: float = 0.0  # radians
    tilt_db: float = 0.0  # spectral tilt, dB per octave around 1 kHz
    ltas: float = 0.0  # share of the speaker's long-term average envelope removed (0..1)
    eq_db: tuple = ()  # keyed smooth spectral curve (weights of cos(pi m f / nyquist), dB)
    f0_targets: tuple = ()  # warp: keyed (low, high) median F0 in Hz; a speaker is moved to the one across the boundary
    target_f0: float = 0.0  # default: the pseudo-speaker's median F0 (Hz)
    target_spread: float = 2.0  # default: its F0 spread (semitones, standard deviation)
    target_alpha: float = 1.0  # default: its formant scale (1 = reference adult male)
    seed: int = 0  # default: noise of the aperiodic excitation
    bends: tuple = ()  # default: keyed non-linear terms of the formant-scale warp
    dynamics: tuple = ()  # default: keyed curve of the spread of envelope changes over frequency
    pool: tuple = ()  # pool: the keyed espeak-ng voice variants whose envelope changes replace the speaker's
    stats: SpeakerStats | None = None  # default: the speaker's own statistics, measured by `fit_to_speaker`
    fitted: bool = False  # the speaker's own voice has been measured (see `fit_to_speaker`)
    f0_measured: bool = False  # the fit found voiced sound to measure

    def __repr__(self) -> str:  # keep secrets out of logs and tracebacks
        return f"VoiceParams(method={self.method!r}, <secret>)"


F0_BOUNDARY_HZ = 160.0  # median F0 under this moves up to the high target, at or above it down to the low one
MIN_SHIFT_SEMITONES = 5.0  # never move a speaker's F0 by less than this, whatever the targets say
FIT_SECONDS = 30.0  # how much of a speaker's sound the median F0 is measured on


def fit_to_speaker(params: VoiceParams, x: np.ndarray, sr: int) -> VoiceParams:
    """Parameters completed with this speaker's own voice, measured on `x` (their sound).

    `default`: the speaker's median F0, F0 spread, formant scale and mean envelope, which the
    disguise normalises away (`resynth.fit_speaker`, on the first `FIT_SECONDS` of sound).
    `warp`: the F0 change that takes this speaker's median F0 to the keyed target on the other side
    of `F0_BOUNDARY_HZ` (a low voice ends up high and a high one low, by at least
    `MIN_SHIFT_SEMITONES`, inside the range of ordinary voices); the keyed `semitones` stay when
    `x` has no voiced sound (whisper, noise) to measure."""
    if params.fitted:
        return params
    if params.method in ("default",) + RESYNTHESIS:
        stats = fit_speaker(_first_sound(np.asarray(x, dtype=np.float64), sr), sr)
        return replace(params, stats=stats, fitted=True, f0_measured=stats.f0 is not None)
    if params.method != "warp" or not params.f0_targets:
        return params
    median = speaker_f0(x, sr)
    if median is None:
        return replace(params, fitted=True, f0_measured=False)
    low, high = params.f0_targets
    semitones = 12.0 * math.log2((high if median < F0_BOUNDARY_HZ else low) / median)
    if abs(semitones) < MIN_SHIFT_SEMITONES:
        semitones = math.copysign(MIN_SHIFT_SEMITONES, semitones)
    return replace(params, semitones=semitones, fitted=True, f0_measured=True)


def speaker_f0(x: np.ndarray, sr: int) -> float | None:
    """Median F0 in Hz (`curation.audio.pitch`, 20 ms steps) of the first `FIT_SECONDS` of sound in
    `x`, or None when too little of it is voiced."""
    from curation.audio.pitch import median_f0

    sound = _first_sound(np.asarray(x, dtype=np.float64), sr)
    if len(sound) < int(0.1 * sr):
        return None
    return median_f0(sound, sr, step=0.02)


def _first_sound(x: np.ndarray, sr: int) -> np.ndarray:
    """The first `FIT_SECONDS` of `x` that hold sound (active regions joined)."""
    parts, total, limit = [], 0, int(FIT_SECONDS * sr)
    for a, b in active_regions(x, sr):
        parts.append(x[a: min(b, a + limit - total)])
        total += len(parts[-1])
        if total >= limit:
            break
    return np.concatenate(parts) if parts else x[:0]


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
    params = fit_to_speaker(params, x, sr)  # callers that disguise block by block fit once beforehand
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
    elif params.method in ("default",) + RESYNTHESIS:
        stats = params.stats or SpeakerStats(None, 0.0, 1.0, ())
        pool = None
        if params.pool:
            from curation.anonymise.pool import substitution

            pool = substitution(params.pool, sr)
        y = disguise_resynth(x, sr, stats, params.target_f0, params.target_spread, params.target_alpha,
                             params.tilt_db, params.eq_db, params.contour_depth, params.contour_rate,
                             params.contour_phase, params.seed, params.bends, params.dynamics, pool)
    elif params.method == "warp":
        y = disguise_spectral(x, sr, params.mcadams, params.formant_ratio, params.semitones, params.contour_depth,
                              params.contour_rate, params.contour_phase, params.tilt_db, params.ltas, params.eq_db)
    else:
        raise ValueError(f"unknown voice method {params.method!r} (use one of {', '.join(METHODS)})")
    return _fit_length(y, len(x))


def _fit_length(y: np.ndarray, n: int) -> np.ndarray:
    return y[:n] if len(y) >= n else np.concatenate([y, np.zeros(n - len(y))])


# --- the `pitch` method: Praat's change gender, formants moved with F0 ----------------------


def _seed_praat(value: float) -> None:
    """Praat's overlap-add jitters unvoiced stretches with random numbers: seed it so a key gives one output."""
    import parselmouth

    parselmouth.praat.run(f"random_initializeWithSeedUnsafelyButPredictably ({int(value * 1e6) % 2**31})\n")


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
