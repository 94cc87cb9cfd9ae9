"""Voice privacy: can a speaker-verification attacker link disguised speech back to its speaker?

    .venv/bin/pip install -e '.[eval]'   # resemblyzer's needs: torch (CPU), librosa, webrtcvad-wheels
    .venv/bin/python benchmarks/anonymise_privacy.py

Real people only (espeak voices are not speakers): recordings shipped inside packages on
PyPI, fetched with pip into ~/.cache/curation/benchmarks (never into the repository) and cut into utterances:
  - pyannote.audio 4.0.7 wheel, pyannote/audio/sample/sample.wav + sample.rttm: two speakers
    of a meeting, ~12 s each (several utterances per speaker; enrolment and trials disjoint)
  - praatio 6.2.2 sdist, examples/files/bobby.wav, mary.wav, damon_set_test.wav: three speakers
  - pysptk 1.0.1 sdist, pysptk/example_audio_data/arctic_a0007.wav: one CMU ARCTIC speaker
  - amfm_decompy 1.0.12.2 wheel, amfm_decompy/sample.wav: one speaker
Everything is taken to 8 kHz telephone band first. The attacker is resemblyzer's speaker
encoder (weights in its wheel, offline), cosine scores, equal error rate (EER) over all
target/non-target trials:
  - baseline: original enrolment vs original trials
  - ignorant: original enrolment vs anonymised trials
  - lazy-informed: enrolment anonymised with the same method under another key
  - undo-shift: original enrolment; each anonymised trial shifted back by sox pitch over
    -8..+8 semitones and the best score kept (the published pitch-shift inversion attack)
Single-utterance speakers are enrolled on their original and tried on the disguised same
utterance (same words: easier for the attacker, so conservative). The speaker count is small,
so the trials are pooled over several secret keys (--keys, default 5: each key gives every
speaker other disguise parameters); trial counts are printed with each EER.
"""

from __future__ import annotations

import argparse
import hashlib
import io
import json
import os
import subprocess
import sys
import tarfile
import tempfile
import zipfile
from pathlib import Path

import numpy as np

os.environ.setdefault("OMP_NUM_THREADS", "1")
HERE = Path(__file__).resolve().parent
# Outside the repository: these are recordings of real people and must never be committed.
CACHE = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "curation" / "benchmarks" / "real_speech"
RESULTS = HERE / "results"
SR = 8000
SHIFTS = list(range(-8, 9))

SOURCES = {  # pip requirement -> {member path suffix: speaker label}
    "pyannote.audio==4.0.7": {"pyannote/audio/sample/sample.wav": "pyannote-sample"},
    "praatio==6.2.2": {"examples/files/bobby.wav": "praatio-bobby", "examples/files/mary.wav": "praatio-mary",
                       "examples/files/damon_set_test.wav": "praatio-damon"},
    "pysptk==1.0.1": {"pysptk/example_audio_data/arctic_a0007.wav": "cmu-arctic-a0007"},
    "amfm_decompy==1.0.12.2": {"amfm_decompy/sample.wav": "amfm-decompy-sample"},
}
SDIST_ONLY = {"praatio==6.2.2", "pysptk==1.0.1"}  # their recordings are in the source archive, not the wheel
RTTM_MEMBER = "pyannote/audio/sample/sample.rttm"
# Non-overlapping stretches of the two pyannote speakers (from sample.rttm, overlaps removed).
PYANNOTE_UTTERANCES = {
    "speaker90": {"enrol": [(11.03, 14.49)], "trials": [(8.32, 9.92), (18.59, 21.49), (27.85, 30.0)]},
    "speaker91": {"enrol": [(21.78, 25.10)], "trials": [(14.70, 17.92), (25.10, 28.50)]},
}


def fetch() -> dict[str, Path]:
    """Download the packages once (pip, no dependencies) and extract the named recordings."""
    CACHE.mkdir(parents=True, exist_ok=True)
    found: dict[str, Path] = {}
    for requirement, members in SOURCES.items():
        wanted = dict(members)
        if requirement.startswith("pyannote"):
            wanted[RTTM_MEMBER] = "pyannote-rttm"
        missing = {m: s for m, s in wanted.items() if not _cached(requirement, m).exists()}
        if missing:
            _pip_fetch(requirement, missing, lambda m, r=requirement: _cached(r, m))
        for member, speaker in wanted.items():
            if _cached(requirement, member).exists():
                found[speaker] = _cached(requirement, member)
    return found


def _cached(requirement: str, member: str) -> Path:
    """Cache path named after package and file: two packages both ship a `sample.wav`."""
    return CACHE / f"{requirement.split('==')[0]}-{Path(member).name}"


def _pip_fetch(requirement: str, members: dict[str, str], target) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        env = {**os.environ, "TMPDIR": tmp}
        # --no-clean keeps an unpacked sdist even when pip cannot build its metadata (pysptk needs Cython)
        sdist = ["--no-binary", ":all:"] if requirement in SDIST_ONLY else []
        subprocess.run([sys.executable, "-m", "pip", "download", "--no-deps", "--no-clean", *sdist, "-d", tmp,
                        requirement], env=env, capture_output=True)
        for path in Path(tmp).rglob("*"):
            if path.suffix == ".whl" or path.name.endswith(".zip"):
                with zipfile.ZipFile(path) as z:
                    for name in z.namelist():
                        _maybe_keep(name, lambda n=name: z.read(n), members, target)
            elif path.name.endswith(".tar.gz"):
                with tarfile.open(path) as t:
                    for m in t.getmembers():
                        if m.isfile():
                            _maybe_keep(m.name, lambda m=m: t.extractfile(m).read(), members, target)
            elif path.is_file():
                _maybe_keep(str(path), path.read_bytes, members, target)


def _maybe_keep(name: str, read, members: dict[str, str], target) -> None:
    for member in members:
        if name.endswith(member) and not target(member).exists():
            target(member).write_bytes(read())


def load_utterances(files: dict[str, Path]) -> list[dict]:
    """[{speaker, kind: enrol|trial|single, audio (8 kHz float)}]."""
    import soundfile as sf

    from curation.audio import resample

    utts = []
    for speaker, path in files.items():
        if speaker == "pyannote-rttm":
            continue
        x, sr = sf.read(str(path), dtype="float32", always_2d=True)
        x = resample(x[:, 0], sr, SR)
        if speaker == "pyannote-sample":
            for who, parts in PYANNOTE_UTTERANCES.items():
                for kind in ("enrol", "trials"):
                    for a, b in parts[kind]:
                        utts.append({"speaker": f"pyannote-{who}", "kind": kind.rstrip("s"),
                                     "audio": x[int(a * SR): int(b * SR)]})
        else:
            utts.append({"speaker": speaker, "kind": "single", "audio": x})
    return utts


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
    args = parser.parse_args()
    try:
        import scipy.ndimage
        sys.modules.setdefault("scipy.ndimage.morphology", scipy.ndimage)  # resemblyzer imports the old path
        from resemblyzer import VoiceEncoder, preprocess_wav
    except ImportError as exc:
        print(f"needs the eval extra (resemblyzer, torch CPU, librosa, webrtcvad-wheels): {exc}")
        return 2
    from curation.anonymise import disguise, speaker_parameters

    files = fetch()
    utts = load_utterances(files)
    speakers = sorted({u["speaker"] for u in utts})
    print(f"{len(speakers)} real speakers, {len(utts)} utterances: {', '.join(speakers)}")
    encoder = VoiceEncoder("cpu", verbose=False)

    def embed(x):
        return encoder.embed_utterance(preprocess_wav(np.asarray(x, dtype=np.float32), source_sr=SR))

    def anon(u, method, key):
        p = speaker_parameters(key, f"eval-{u['speaker']}", "customer", method)
        return disguise(u["audio"], SR, p)

    enrol = [u for u in utts if u["kind"] in ("enrol", "single")]
    trials = [u for u in utts if u["kind"] in ("trial", "single")]

    def score_all(enrol_emb, trial_emb):
        """(target, nontarget, other_words): targets whose words differ from the enrolment's (the pyannote
        speakers) are also listed apart, since same-words trials share the rhythm that disguise must keep."""
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
    results = {"speakers": speakers, "sources": {k: v for k, v in SOURCES.items()}, "attacks": {}}
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
    (RESULTS / "anonymise_privacy.json").write_text(json.dumps(results, indent=2) + "\n")
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
