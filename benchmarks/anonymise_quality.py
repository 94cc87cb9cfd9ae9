"""Objective quality proxies of disguised speech, beside the privacy figures: does the output reach its
F0 target, keep its periodicity, and stay free of frame-rate buzz?

    .venv/bin/python benchmarks/anonymise_quality.py [--set pypi|telephone] [--methods default,warp] [--keys 3]
        [--speakers choose|scored|all] [--first N] [--out FILE]

On the same real speakers as anonymise_privacy.py (every utterance, each disguised under --keys keys):
  - F0 accuracy: the output's median F0, measured by two trackers (Praat's autocorrelation pitch and
    librosa's pyin), against the method's target (default, normalise, pool: the keyed pseudo-speaker's median F0; warp: the
    speaker's median F0 times the fitted ratio); the share of voices within 15 %, for voices that start
    low (median F0 under 160 Hz) and high apart;
  - harmonic-to-noise ratio (Praat, cross-correlation method) of the voiced frames, original vs disguised;
  - spectral flatness of the voiced frames (librosa; 0 = tonal, 1 = white noise), original vs disguised;
  - frame-rate buzz: the peak of the energy envelope's modulation spectrum at the disguise's frame rate
    (8 kHz: 62.5 Hz) above the median of 40-90 Hz, in dB, original vs disguised;
  - duration: output samples equal to input samples.
`--speakers choose|scored` keeps one stable half of the speakers, the same halves as anonymise_privacy.py
(voice_attacks.speaker_half). Writes benchmarks/results/anonymise_quality[_SET][_HALF].json.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import sys
from pathlib import Path

import numpy as np

os.environ.setdefault("OMP_NUM_THREADS", "1")
HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from real_speakers import SR, fetch, load_utterances  # noqa: E402
from voice_attacks import HALVES, select_speakers, split_record  # noqa: E402

RESULTS = HERE / "results"
BOUNDARY = 160.0


def praat_f0(x: np.ndarray, sr: int = SR) -> np.ndarray:
    import parselmouth

    f0 = parselmouth.Sound(np.asarray(x, np.float64), sr).to_pitch(0.01, 60, 450).selected_array["frequency"]
    return f0


def pyin_f0(x: np.ndarray, sr: int = SR) -> np.ndarray:
    import librosa

    f0, voiced, _ = librosa.pyin(np.asarray(x, np.float32), fmin=60, fmax=450, sr=sr, frame_length=512,
                                 hop_length=80)
    return np.where(voiced & np.isfinite(f0), f0, 0.0)


def median(f0: np.ndarray) -> float:
    v = f0[f0 > 0]
    return float(np.median(v)) if len(v) >= 10 else float("nan")


def hnr_db(x: np.ndarray, sr: int = SR) -> float:
    """Mean harmonic-to-noise ratio of the voiced frames (Praat, cc method), dB."""
    import parselmouth

    h = parselmouth.Sound(np.asarray(x, np.float64), sr).to_harmonicity_cc(0.01, 75, 0.1, 1.0).values[0]
    h = h[h > -100]
    return float(np.mean(h)) if len(h) >= 5 else float("nan")


def voiced_flatness(x: np.ndarray, sr: int = SR) -> float:
    import librosa

    f0 = praat_f0(x, sr)
    flat = librosa.feature.spectral_flatness(y=np.asarray(x, np.float32), n_fft=256, hop_length=80)[0]
    n = min(len(flat), len(f0) * 10 // 8 + 1)
    t = np.arange(n) * 80 / sr
    voiced = np.interp(t, np.arange(len(f0)) * 0.01 + 0.02, (f0 > 0).astype(float)) > 0.5
    return float(np.mean(flat[:n][voiced])) if voiced.sum() >= 5 else float("nan")


def frame_rate_peak(x: np.ndarray, sr: int = SR, rate: float | None = None) -> float:
    """dB by which the energy envelope's modulation spectrum within 1 Hz of `rate` (the disguise's frame
    rate) stands above its mean over the rest of 40-90 Hz: about 0 dB for speech, more for frame-rate buzz."""
    from curation.anonymise.spectral import frame_sizes

    rate = rate or sr / frame_sizes(sr)[1]
    hop = max(1, sr // 1000)  # 1 ms envelope
    n = len(x) // hop
    env = np.sqrt(np.mean(np.square(np.asarray(x[: n * hop], np.float64)).reshape(n, hop), axis=1))
    env = env - env.mean()
    spec = np.abs(np.fft.rfft(env * np.hanning(n), 8 * n)) ** 2
    freqs = np.fft.rfftfreq(8 * n, hop / sr)
    near = np.abs(freqs - rate) <= 1.0
    band = (freqs > 40) & (freqs < 90) & (np.abs(freqs - rate) > 3.0)
    return float(10 * np.log10(spec[near].mean() / spec[band].mean()))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--set", choices=("pypi", "telephone"), default="pypi")
    parser.add_argument("--methods", default="default,warp")
    parser.add_argument("--keys", type=int, default=3)
    parser.add_argument("--speakers", choices=HALVES, default="all",
                        help="choose / scored: one stable half of the speakers (as in anonymise_privacy.py)")
    parser.add_argument("--first", type=int, default=0, help="only the first N speakers of the selection")
    parser.add_argument("--out", default=None, help="JSON file (default: benchmarks/results/anonymise_quality*.json)")
    parser.add_argument("--no-pyin", action="store_true", help="Praat only (pyin takes most of the time)")
    args = parser.parse_args()
    from curation.anonymise import disguise, speaker_parameters
    from curation.anonymise.voice import fit_to_speaker
    from curation.audio.pitch import median_f0

    if args.set == "telephone":
        import telephone_speakers

        utts = telephone_speakers.load_utterances()
    else:
        utts = load_utterances(fetch())
    split = split_record({u["speaker"] for u in utts}, args.speakers)
    speakers = select_speakers({u["speaker"] for u in utts}, args.speakers)
    if args.first:
        speakers = speakers[: args.first]
    utts = [u for u in utts if u["speaker"] in speakers]
    keys = [hashlib.sha256(b"quality key %d" % k).digest() for k in range(args.keys)]
    orig = []
    for u in utts:
        x = u["audio"]
        orig.append({"praat": median(praat_f0(x)), "pyin": None if args.no_pyin else median(pyin_f0(x)),
                     "hnr": hnr_db(x), "flat": voiced_flatness(x), "buzz": frame_rate_peak(x)})
    results = {"set": args.set, "speaker_split": split, "utterances": len(utts), "speakers": len(speakers),
               "first": args.first, "keys": args.keys, "methods": {}}
    for method in args.methods.split(","):
        rows = []
        for k, key in enumerate(keys):
            for i, u in enumerate(utts):
                x = u["audio"]
                p = fit_to_speaker(speaker_parameters(key, f"quality-{u['speaker']}-{i}", ("agent", "customer")[i % 2],
                                                      method), x, SR)
                y = disguise(x, SR, p)
                if p.target_f0:  # the resynthesis designs: the keyed pseudo-speaker's median F0
                    target = p.target_f0
                elif method == "warp" and p.f0_measured:
                    target = median_f0(x, SR) * 2 ** (p.semitones / 12)
                else:
                    target = None
                row = {"utt": i, "key": k, "same_length": len(y) == len(x), "target": target,
                       "start": orig[i]["praat"], "praat": median(praat_f0(y)),
                       "pyin": None if args.no_pyin else median(pyin_f0(y)), "hnr": hnr_db(y),
                       "hnr_orig": orig[i]["hnr"], "flat": voiced_flatness(y), "flat_orig": orig[i]["flat"],
                       "buzz": frame_rate_peak(y), "buzz_orig": orig[i]["buzz"]}
                rows.append(row)
        results["methods"][method] = summarise(rows, args.no_pyin)
        results["methods"][method]["rows"] = rows
        print(method, json.dumps({k: v for k, v in results["methods"][method].items() if k != "rows"}), flush=True)
    RESULTS.mkdir(exist_ok=True)
    suffix = ("" if args.set == "pypi" else f"_{args.set}") + ("" if args.speakers == "all" else f"_{args.speakers}")
    out = Path(args.out) if args.out else RESULTS / f"anonymise_quality{suffix}.json"
    out.write_text(json.dumps(results, indent=2, default=float) + "\n")
    return 0


def summarise(rows: list[dict], no_pyin: bool = False) -> dict:
    out: dict = {"voices": len(rows), "same_length": sum(r["same_length"] for r in rows)}
    for tracker in ("praat",) + (() if no_pyin else ("pyin",)):
        for group, pick in (("all", lambda r: True), ("start_low", lambda r: r["start"] < BOUNDARY),
                            ("start_high", lambda r: r["start"] >= BOUNDARY)):
            sel = [r for r in rows if r["target"] and np.isfinite(r["start"]) and pick(r)]
            ok = [np.isfinite(r[tracker]) and abs(r[tracker] / r["target"] - 1) <= 0.15 for r in sel]
            out[f"f0_within_15pct_{tracker}_{group}"] = round(float(np.mean(ok)), 3) if ok else None
            out[f"voices_{group}"] = len(sel)
        err = [abs(r[tracker] / r["target"] - 1) for r in rows if r["target"] and np.isfinite(r[tracker])]
        out[f"f0_median_abs_error_{tracker}"] = round(float(np.median(err)), 3) if err else None
    d = [r["hnr"] - r["hnr_orig"] for r in rows if np.isfinite(r["hnr"]) and np.isfinite(r["hnr_orig"])]
    out["hnr_orig_db"] = round(float(np.nanmean([r["hnr_orig"] for r in rows])), 2)
    out["hnr_db"] = round(float(np.nanmean([r["hnr"] for r in rows])), 2)
    out["hnr_mean_difference_db"] = round(float(np.mean(d)), 2)
    out["hnr_within_3db"] = round(float(np.mean(np.abs(d) <= 3)), 3)
    out["flatness_orig"] = round(float(np.nanmean([r["flat_orig"] for r in rows])), 4)
    out["flatness"] = round(float(np.nanmean([r["flat"] for r in rows])), 4)
    out["frame_rate_peak_orig_db"] = round(float(np.median([r["buzz_orig"] for r in rows])), 2)
    out["frame_rate_peak_db"] = round(float(np.median([r["buzz"] for r in rows])), 2)
    out["frame_rate_peak_over_6db"] = round(float(np.mean([r["buzz"] > 6 for r in rows])), 3)
    out["frame_rate_peak_over_6db_orig"] = round(float(np.mean([r["buzz_orig"] > 6 for r in rows])), 3)
    return out


if __name__ == "__main__":
    sys.exit(main())
