"""Voice profiles of a clip's speakers: was every voice disguised, and do the voices in a pack's audio
sound as the build measured them?

A profile is, per speaker role, the median F0 (Praat, through `curation.audio.pitch.median_f0`) and a
coarse spectral envelope (long-term average spectrum in log-spaced bands, relative to the loudest) of that
role's unredacted words. The build measures the original and the anonymised audio: a role whose
F0 and envelope both stayed where they were is not disguised and the build refuses; clip anonymisation
measures the same way and draws the voice key again when a draw lands on a speaker's own voice. The pack's
report keeps the anonymised profile only (nothing about the original voice); `pack verify`
measures the packed audio again and compares, so audio swapped after the build is caught.
"""

from __future__ import annotations

import math

import numpy as np

BANDS = 12
ENVELOPE_FLOOR_DB = -30.0
MIN_SECONDS = 0.5  # less speech than this per role: too little to measure
# disguise evidence at build time: the default disguise moves F0 by 5 semitones or more
MIN_F0_CHANGE_SEMITONES = 2.5
MIN_ENVELOPE_CHANGE_DB = 4.0
# agreement at verify time between the packed audio and the profile the build recorded
MAX_F0_DRIFT_SEMITONES = 1.0
MAX_ENVELOPE_DRIFT_DB = 2.0


def role_segments(words: list[dict], duration: float) -> dict[str, list[tuple[float, float]]]:
    """Time ranges of each role's unredacted words (bleeped words are tone, not voice)."""
    out: dict[str, list[tuple[float, float]]] = {}
    for w in words:
        if w.get("redacted") or not isinstance(w.get("speaker"), str):
            continue
        a, b = float(w["start"]), min(float(w["end"]), duration)
        if b > a:
            out.setdefault(w["speaker"], []).append((a, b))
    return out


def _envelope(x: np.ndarray, sr: int) -> list[float] | None:
    n = int(0.032 * sr)
    if len(x) < 4 * n:
        return None
    hop = n // 2
    frames = np.lib.stride_tricks.sliding_window_view(x, n)[::hop] * np.hanning(n)
    power = np.mean(np.abs(np.fft.rfft(frames, axis=1)) ** 2, axis=0)
    freqs = np.fft.rfftfreq(n, 1 / sr)
    edges = np.geomspace(100.0, min(3400.0, sr / 2 - 100), BANDS + 1)
    bands = [float(np.mean(power[(freqs >= lo) & (freqs < hi)]) + 1e-12) for lo, hi in zip(edges[:-1], edges[1:])]
    db = 10 * np.log10(bands)
    db = np.maximum(db - db.max(), ENVELOPE_FLOOR_DB)  # level removed; bands the codec leaves near-empty floored
    return [round(float(v), 1) for v in db]


def profile(samples: np.ndarray, sr: int, words: list[dict]) -> dict[str, dict]:
    """{role: {"median_f0_hz", "envelope_db", "seconds"}} of a clip's audio (any channel count)."""
    from curation.audio.pitch import median_f0

    mono = samples.mean(axis=1) if samples.ndim == 2 else samples
    mono = np.asarray(mono, dtype=np.float64)
    out = {}
    for role, ranges in sorted(role_segments(words, len(mono) / sr).items()):
        x = np.concatenate([mono[int(a * sr): int(b * sr)] for a, b in ranges])
        seconds = len(x) / sr
        if seconds < MIN_SECONDS:
            continue
        f0 = median_f0(x, sr)
        out[role] = {"median_f0_hz": None if f0 is None else round(f0, 1), "envelope_db": _envelope(x, sr),
                     "seconds": round(seconds, 2)}
    return out


def semitones(a: float, b: float) -> float:
    return 12.0 * math.log2(b / a)


def envelope_distance(a, b) -> float:
    return float(np.sqrt(np.mean(np.square(np.asarray(a, dtype=float) - np.asarray(b, dtype=float)))))


def undisguised(original: dict, anonymised: dict) -> list[str]:
    """Roles whose voice the anonymised audio did not change enough (build time, original at hand)."""
    same = []
    for role, before in sorted(original.items()):
        after = anonymised.get(role)
        if after is None:
            continue
        f0_moved = (before["median_f0_hz"] is not None and after["median_f0_hz"] is not None
                    and abs(semitones(before["median_f0_hz"], after["median_f0_hz"])) >= MIN_F0_CHANGE_SEMITONES)
        env_moved = (before["envelope_db"] is not None and after["envelope_db"] is not None
                     and envelope_distance(before["envelope_db"], after["envelope_db"]) >= MIN_ENVELOPE_CHANGE_DB)
        if not (f0_moved or env_moved):
            same.append(role)
    return same


def disagreements(recorded: dict, measured: dict) -> list[str]:
    """How the packed audio differs from the profile the build recorded (verify time), one line each."""
    out = []
    for role, want in sorted(recorded.items()):
        got = measured.get(role)
        if got is None:
            out.append(f"{role}: no speech of this role to measure in the audio")
            continue
        a, b = want.get("median_f0_hz"), got.get("median_f0_hz")
        if (a is None) != (b is None):
            out.append(f"{role}: voiced speech {'missing' if b is None else 'where the build measured none'}")
        elif a is not None and abs(semitones(a, b)) > MAX_F0_DRIFT_SEMITONES:
            out.append(f"{role}: median F0 {b:.0f} Hz, the disguised voice measured {a:.0f} Hz at build time")
        ea, eb = want.get("envelope_db"), got.get("envelope_db")
        if ea is not None and eb is not None and envelope_distance(ea, eb) > MAX_ENVELOPE_DRIFT_DB:
            out.append(f"{role}: spectral envelope {envelope_distance(ea, eb):.1f} dB from the disguised voice's")
    return out
