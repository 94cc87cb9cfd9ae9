"""Re-scan of redacted corpus transcripts: false alarms (findings on words that are no personal
data at all: the placeholders are not neutral, or a negative looks like PII in the new context)
and true leftovers (findings on ground-truth PII the first pass missed: the approval gate is right
to block those).

Run: .venv/bin/python benchmarks/pii_rescan.py [--seeds 601 ... 610] [--calls 40]
Writes benchmarks/results/pii_rescan.json.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "datasets"))


def rescan_call(transcript, pii_words: set) -> tuple[int, int]:
    """(false alarms, true leftovers) when the placeholder-redacted call is scanned again."""
    from curation.pii import detect, redact_transcript
    from curation.pii.timing import words_of_span

    redacted = redact_transcript(transcript)
    offsets = redacted.word_offsets()
    starts = [a for a, _ in offsets]
    false_alarms = leftovers = 0
    for span in detect(redacted.text, "nl"):
        hit = [redacted.words[i] for i in words_of_span(offsets, starts, span.start, span.end)]
        on_pii = any(i in pii_words for h in hit for i, w in enumerate(transcript.words)
                     if w.speaker == h.speaker and w.start < h.end and w.end > h.start)
        leftovers += on_pii
        false_alarms += not on_pii
    return false_alarms, leftovers


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, nargs="+", default=list(range(601, 611)))
    parser.add_argument("--calls", type=int, default=40)
    args = parser.parse_args()
    import callcorpus
    from curation.pii.evaluation import read_corpus_transcript

    calls = false_alarms = leftovers = calls_with_alarm = 0
    with tempfile.TemporaryDirectory() as tmp:
        for seed in args.seeds:
            out = Path(tmp) / str(seed)
            callcorpus.generate(out, calls=args.calls, seed=seed, audio=False)
            for truth_path in sorted(out.glob("*.truth.json")):
                truth = json.loads(truth_path.read_text("utf-8"))
                transcript = read_corpus_transcript(truth_path.with_name(truth_path.name[:-len(".truth.json")] + ".json"))
                fa, left = rescan_call(transcript, {i for p in truth["pii"] for i in range(*p["words"])})
                calls += 1
                false_alarms += fa
                leftovers += left
                calls_with_alarm += bool(fa)
    result = {"seeds": args.seeds, "calls": calls, "false_alarms": false_alarms,
              "calls_with_a_false_alarm": calls_with_alarm, "true_leftover_findings": leftovers}
    print(json.dumps(result, indent=1))
    results = ROOT / "benchmarks" / "results"
    results.mkdir(exist_ok=True)
    (results / "pii_rescan.json").write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
