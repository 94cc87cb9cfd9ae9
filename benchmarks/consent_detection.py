"""Consent detection on the synthetic corpus: notice (and purposes), objection, special-category
data and minors, scored against the ground truth of held-out seeds (tuning used seeds 1-5).

    .venv/bin/python benchmarks/consent_detection.py --seeds 11 12 13 14 --calls 20

Generates the calls into a temporary folder (espeak-ng, about a second per call), then runs
`curation consent evaluate`. Also reports detection speed in words per second.
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from pathlib import Path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, nargs="+", default=[11, 12, 13, 14])
    parser.add_argument("--calls", type=int, default=20)
    parser.add_argument("--corpus", type=Path, default=None, help="Reuse (or keep) the generated corpus here.")
    args = parser.parse_args()

    import callcorpus
    from curation.consent.detect import detect
    from curation.consent.evaluate import evaluate
    from curation.ingest import read_transcript

    root = args.corpus or Path(tempfile.mkdtemp(prefix="consent-bench-"))
    folders = []
    for seed in args.seeds:
        folder = root / f"s{seed}"
        if not any(folder.glob("*.truth.json")):
            callcorpus.generate(folder, calls=args.calls, seed=seed)
        folders.append(folder)
    result = evaluate(folders).to_json()
    transcripts = [read_transcript(p, "json") for f in folders for p in sorted(f.glob("c*.json"))
                   if not p.name.endswith(".truth.json")]
    words = sum(len(t.words) for t in transcripts)
    start = time.perf_counter()
    for t in transcripts:
        detect(t)
    elapsed = time.perf_counter() - start
    result["speed"] = {"calls": len(transcripts), "words": words, "seconds": round(elapsed, 3),
                       "words_per_second": round(words / elapsed) if elapsed else None}
    result["seeds"] = args.seeds
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
