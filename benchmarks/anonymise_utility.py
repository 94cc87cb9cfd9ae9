"""Utility of anonymised audio: duration, pauses and turn timing kept, transcript still aligned, F0 moved.

    .venv/bin/python benchmarks/anonymise_utility.py [--minutes 10]

On a synthetic stereo 8 kHz call (espeak-ng; timing only, not voice privacy) and on the
real two-speaker meeting excerpt shipped in the pyannote.audio wheel (mono, 16 kHz, turns
from its RTTM; fetched by anonymise_privacy.py into ~/.cache/curation/benchmarks): sample counts,
speech/pause agreement per 20 ms frame outside bleeped spans, turn-onset shifts, the lag
that best aligns the energy envelopes, and the F0 change per speaker. Intelligibility is
not scored automatically (no offline recogniser is available here); listen to the outputs
written to ~/.cache/curation/benchmarks/utility/.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
CACHE = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "curation" / "benchmarks"
OUT = CACHE / "utility"  # outside the repository: the real-speech outputs must never be committed
KEY = bytes(range(32))
FRAME = 0.02


def activity(x: np.ndarray, sr: int) -> np.ndarray:
    hop = int(FRAME * sr)
    n = len(x) // hop
    rms = np.sqrt(np.mean(np.square(x[: n * hop].astype(np.float64)).reshape(n, hop), axis=1)) + 1e-12
    db = 20 * np.log10(rms)
    return db > max(-55.0, db.max() - 35.0)


def envelope_lag(a: np.ndarray, b: np.ndarray, sr: int, max_lag: float = 0.2) -> float:
    """Lag (seconds) of b against a that best aligns their 5 ms energy envelopes."""
    hop = int(0.005 * sr)
    n = min(len(a), len(b)) // hop
    ea = np.sqrt(np.mean(np.square(a[: n * hop]).reshape(n, hop), axis=1))
    eb = np.sqrt(np.mean(np.square(b[: n * hop]).reshape(n, hop), axis=1))
    ea, eb = ea - ea.mean(), eb - eb.mean()
    k = int(max_lag / 0.005)
    scores = [np.dot(ea[max(0, -l): n - max(0, l)], eb[max(0, l): n - max(0, -l)]) for l in range(-k, k + 1)]
    return (int(np.argmax(scores)) - k) * 0.005


def median_f0(x: np.ndarray, sr: int) -> tuple[float, float]:
    """(median F0 in Hz, fraction of 10 ms frames Praat finds voiced), by the library's one F0
    helper (`curation.audio.pitch`): the second is a rough quality proxy, since a rougher, noisier
    voice loses voiced frames."""
    from curation.audio import pitch

    median = pitch.median_f0(x, sr)
    return round(median if median is not None else float("nan"), 1), round(pitch.voiced_fraction(x, sr), 3)


def compare(original: np.ndarray, anonymised: np.ndarray, sr: int, spans, turns, channel_of) -> dict:
    """Timing facts for one recording; spans (first, last, channels) are excluded from the pause check."""
    out = {"frames_original": len(original), "frames_anonymised": len(anonymised)}
    agree, onsets, lags = [], [], []
    for c in range(original.shape[1]):
        a, b = activity(original[:, c], sr), activity(anonymised[: len(original), c], sr)
        m = min(len(a), len(b))
        keep = np.ones(m, dtype=bool)
        for first, last, chans in spans:
            if c in chans:
                keep[int(first / sr / FRAME) - 1: int(last / sr / FRAME) + 2] = False
        agree.append(float(np.mean(a[:m][keep[:m]] == b[:m][keep[:m]])))
        lags.append(envelope_lag(original[:, c], anonymised[: len(original), c], sr))
        for t in turns:
            if channel_of(t) != c or any(c in ch and first / sr < t.start + 0.5 and last / sr > t.start - 0.5
                                         for first, last, ch in spans):
                continue  # a bleep at the turn's start replaces its onset on purpose
            lo = max(0, int((t.start - 0.3) / FRAME))
            hi = min(m, int((t.end + 0.3) / FRAME))
            oa, ob = np.flatnonzero(a[lo:hi]), np.flatnonzero(b[lo:hi])
            if len(oa) and len(ob):
                onsets.append(abs(oa[0] - ob[0]) * FRAME)
    out["speech_pause_agreement"] = round(float(np.mean(agree)), 4)
    out["envelope_lag_ms"] = [round(1000 * l, 1) for l in lags]
    out["turn_onset_shift_ms_mean"] = round(1000 * float(np.mean(onsets)), 1) if onsets else None
    out["turn_onset_shift_ms_max"] = round(1000 * float(np.max(onsets)), 1) if onsets else None
    out["turns_compared"] = len(onsets)
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=10.0)
    args = parser.parse_args()
    from anonymise_data import synthetic_call

    from curation.anonymise import anonymise_audio, speaker_parameters
    from curation.anonymise.voice import fit_to_speaker
    from curation.audio import read

    OUT.mkdir(parents=True, exist_ok=True)
    results = {}
    call, tr = synthetic_call(OUT, args.minutes)
    ivs = [{"start": w.start, "end": w.end, "speaker": w.speaker, "entity_type": "PII"} for w in tr.words[::15]]
    original, sr = read(call)
    for fmt in ("wav", "mp3"):
        rep = anonymise_audio(call, tr, ivs, KEY, out=OUT / f"synthetic_anonymised.{fmt}", call_id="utility")
        assert rep.ok, rep.blocked_reason
        anon, _ = read(OUT / f"synthetic_anonymised.{fmt}", sample_rate=sr)
        spans = [(round(r.start * sr), round(r.end * sr), r.channels) for r in rep.redactions]
        res = compare(original, anon, sr, spans, tr.turns, lambda t: 0 if t.speaker == "agent" else 1)
        results[f"synthetic_{args.minutes:.0f}min_stereo_8k_{fmt}"] = res
        print(f"synthetic call -> {fmt}: {res}")

    real = CACHE / "real_speech" / "pyannote.audio-sample.wav"  # cache names as in anonymise_privacy.py
    rttm = CACHE / "real_speech" / "pyannote.audio-sample.rttm"
    if real.exists() and rttm.exists():
        from curation.model import Speaker, Transcript, Word

        words = []
        for line in rttm.read_text().splitlines():
            f = line.split()
            start, dur, who = float(f[3]), float(f[4]), f[7]
            words.append(Word("turn", start, start + dur, who))
        speakers = [Speaker(s, r) for s, r in zip(sorted({w.speaker for w in words}), ("agent", "customer"))]
        transcript = Transcript.build(words, speakers)
        from curation.audio import resample, write

        native, native_sr = read(real)
        for rsr in (native_sr, 8000):
            x = native if rsr == native_sr else resample(native, native_sr, rsr)[:, None] if native.ndim == 1 \
                else resample(native, native_sr, rsr)
            src = write(OUT / f"pyannote_sample_{rsr}.wav", x, rsr, subtype="FLOAT")
            out = OUT / f"pyannote_sample_{rsr}_anonymised.wav"
            rep = anonymise_audio(src, transcript, [], KEY, out=out, call_id="u", target_lufs=None)
            assert rep.ok, rep.blocked_reason
            anon, _ = read(out)
            res = compare(x, anon, rsr, [], transcript.turns, lambda t: 0)
            for s in speakers:
                segs = [(w.start, w.end) for w in words if w.speaker == s.label]
                a = np.concatenate([x[int(p * rsr): int(q * rsr), 0] for p, q in segs])
                b = np.concatenate([anon[int(p * rsr): int(q * rsr), 0] for p, q in segs])
                p = fit_to_speaker(speaker_parameters(KEY, "u", s.role), a, rsr)  # as the pipeline fits it
                (f_a, v_a), (f_b, v_b) = median_f0(a, rsr), median_f0(b, rsr)
                res[f"f0_{s.role}_hz"] = [f_a, f_b]
                res[f"voiced_fraction_{s.role}"] = [v_a, v_b]
                res[f"f0_{s.role}_target_hz"] = round(p.target_f0, 1)  # the keyed pseudo-speaker's median F0
            results[f"pyannote_sample_mono_{rsr // 1000}k_wav"] = res
            print(f"real meeting excerpt (pyannote sample, {rsr} Hz) -> wav: {res}")
    else:
        print("real speech not fetched yet: run benchmarks/anonymise_privacy.py first for the pyannote sample")
    (HERE / "results").mkdir(exist_ok=True)
    (HERE / "results" / "anonymise_utility.json").write_text(json.dumps(results, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
