"""How long `callcorpus.generate(calls=50)` takes here, and how much audio it renders.

Run: .venv/bin/python benchmarks/corpus_speed.py [--calls 50] [--seed 1] [--workers 2]
"""

from __future__ import annotations

import argparse
import json
import resource
import tempfile
import time
from pathlib import Path

import callcorpus


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--calls", type=int, default=50)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        started = time.perf_counter()
        paths = callcorpus.generate(tmp, calls=args.calls, seed=args.seed, workers=args.workers)
        wall = time.perf_counter() - started
        children = resource.getrusage(resource.RUSAGE_CHILDREN)
        durations = [callcorpus.load_truth(Path(p).with_name(Path(p).stem + ".truth.json"))["audio"]["duration"]
                     for p in paths]
        started = time.perf_counter()
        callcorpus.generate(Path(tmp) / "text", calls=args.calls, seed=args.seed, audio=False)
        text_wall = time.perf_counter() - started
    print(json.dumps({
        "calls": len(paths), "workers": args.workers, "wall_seconds": round(wall, 2),
        "worker_cpu_seconds": round(children.ru_utime + children.ru_stime, 2),
        "audio_minutes": round(sum(durations) / 60, 1),
        "call_seconds_min_median_max": [round(min(durations), 1), round(sorted(durations)[len(durations) // 2], 1),
                                        round(max(durations), 1)],
        "text_only_wall_seconds": round(text_wall, 2),
    }))


if __name__ == "__main__":
    main()
