"""Every PII word of the synthetic corpus bleeped and verified? End to end, and with perfect detection.

    .venv/bin/python benchmarks/anonymise_corpus.py [--calls 20] [--seed 101]

Generates calls with the corpus generator (ground truth beside each), then anonymises each
whole call twice: with the intervals of the ground truth (the audio side alone: it must bleep
and verify every PII word, 0 misses) and with the intervals PII detection finds (end to end:
misses there are detection misses). A PII word counts as missed when its [start, end] is not
inside one bleeped, verified span on its speaker's channel. Writes
benchmarks/results/anonymise_corpus.json.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

KEY = bytes(range(32))
RESULTS = Path(__file__).resolve().parent / "results"


def truth_intervals(transcript, truth) -> list[dict]:
    out = []
    for mention in truth["pii"]:
        a, b = mention["words"]
        words = transcript.words[a:b]
        by_speaker: dict[str, list] = {}
        for w in words:
            by_speaker.setdefault(w.speaker, []).append(w)
        for speaker, ws in by_speaker.items():
            out.append({"start": min(w.start for w in ws), "end": max(w.end for w in ws), "speaker": speaker,
                        "entity_type": mention["entity_type"]})
    return out


def misses(transcript, truth, report, channel_of) -> list[dict]:
    spans = [(r.start, r.end, set(r.channels)) for r in report.redactions if r.verified]
    missed = []
    for mention in truth["pii"]:
        a, b = mention["words"]
        for i in range(a, b):
            w = transcript.words[i]
            ch = channel_of(w.speaker)
            if not any(s <= w.start and w.end <= e and (ch is None or ch in chans) for s, e, chans in spans):
                missed.append({"entity_type": mention["entity_type"], "word": i, "start": w.start})
    return missed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=20)
    parser.add_argument("--seed", type=int, default=101)
    args = parser.parse_args()
    import callcorpus

    from curation.anonymise import anonymise_audio
    from curation.ingest.formats import read_transcript
    from curation.pii import redaction_intervals

    totals = {"truth": {"calls": 0, "blocked": 0, "intervals": 0, "verified": 0, "pii_words": 0, "missed": 0},
              "detected": {"calls": 0, "blocked": 0, "intervals": 0, "verified": 0, "pii_words": 0, "missed": 0}}
    examples = {"truth": [], "detected": []}
    with tempfile.TemporaryDirectory(prefix="anon-corpus-") as tmp:
        tmp = Path(tmp)
        paths = callcorpus.generate(tmp / "corpus", calls=args.calls, seed=args.seed)
        for audio in paths:
            transcript = read_transcript(audio.with_suffix(".json"))
            truth = callcorpus.load_truth(audio.with_name(audio.stem + ".truth.json"))
            stereo = truth["audio"]["channels"] == 2
            channels = {s.label: (s.channel if s.channel is not None else {"agent": 0, "customer": 1}.get(s.role))
                        for s in transcript.speakers}

            def channel_of(label):
                return channels.get(label) if stereo else 0

            for mode in ("truth", "detected"):
                if mode == "truth":
                    intervals = truth_intervals(transcript, truth)
                else:
                    intervals = redaction_intervals(transcript, language=transcript.language, padding=0.0,
                                                    estimated_padding=0.0)
                report = anonymise_audio(audio, transcript, intervals, KEY, out=tmp / f"{audio.stem}.{mode}.mp3")
                t = totals[mode]
                t["calls"] += 1
                t["blocked"] += not report.ok
                t["intervals"] += len(report.redactions)
                t["verified"] += sum(r.verified for r in report.redactions)
                t["pii_words"] += sum(b - a for a, b in (m["words"] for m in truth["pii"]))
                missed = misses(transcript, truth, report, channel_of) if report.ok else [{"blocked": True}]
                t["missed"] += len(missed)
                examples[mode].extend(missed[:3])
    for mode, t in totals.items():
        print(f"{mode:8s} intervals: {t['calls']} calls, {t['blocked']} blocked, {t['verified']}/{t['intervals']} "
              f"intervals verified, {t['missed']} of {t['pii_words']} PII words not bleeped")
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "anonymise_corpus.json").write_text(json.dumps({"calls": args.calls, "seed": args.seed,
                                                               "totals": totals, "missed_examples": examples},
                                                              indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
