"""Run every benchmark whose figures the READMEs quote, one after another (`make bench`).

    .venv/bin/python benchmarks/run_all.py                 # everything that needs no extra install
    .venv/bin/python benchmarks/run_all.py --eval          # plus privacy and intelligibility (eval extra)
    .venv/bin/python benchmarks/run_all.py --only anonymise_speed pii_speed
    .venv/bin/python benchmarks/run_all.py --list

Each benchmark runs in its own process with the arguments its README figures were measured
with, prints its own figures and writes its JSON summary to benchmarks/results/. This script
adds a line per benchmark (exit status, wall time) at the end and exits non-zero if any failed.
The privacy and intelligibility benchmarks need the `eval` extra (see benchmarks/README.md) and
fetch recordings of real people into ~/.cache/curation/benchmarks on first use.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
# name -> arguments, in the order the READMEs present them
BENCHMARKS = {
    "corpus_speed": ["--calls", "50", "--seed", "1"],
    "pii_speed": [],
    "pii_thirdparty": ["--split", "all"],  # third-party texts from the mirror / PyPI; deduce cache on first use
    "pii_rescan": ["--seeds", "601", "602", "603", "604", "605", "606", "607", "608", "609", "610", "--calls", "40"],
    "difficulty_speed": [],
    "difficulty_real_calls": [],  # real calls from the GetGoing mirror (CURATION_BENCH_MIRROR)
    "consent_detection": ["--seeds", "21", "22", "--calls", "25"],
    "consent_scripts": ["--seeds", "21", "--calls", "25"],
    "anonymise_speed": [],
    "anonymise_utility": [],
    "anonymise_corpus": ["--calls", "50", "--seed", "101"],
    "pii_audio_coverage": ["--seeds", "7101", "7102", "--calls", "10", "--speed-minutes", "10"],
    "align_real_speech": [],  # real English speech with reference word times, sdists from PyPI
    "dashboard_render": ["--browser", "--preheat"],
    "cli_start": ["--repeat", "5"],
    "erasure_speed": ["--calls", "2000", "--words", "600"],
    "batch_scaling": ["--calls", "100", "--minutes", "10"],
    "coaching_phases": ["--seeds", *map(str, range(1001, 1011)), "--calls", "25"],
    "coaching_questions": ["--fetch"],  # Debian's fillets-ng-data and debian-faq-nl, downloaded into ~/.cache
}
EVAL_BENCHMARKS = {  # need torch, resemblyzer, pocketsphinx (the `eval` extra)
    "anonymise_privacy": [],
    "anonymise_privacy --set telephone": ["--set", "telephone"],
    "anonymise_quality": [],
    "anonymise_quality --set telephone": ["--set", "telephone"],
    "anonymise_intelligibility": [],
}


def eval_extra_missing() -> list[str]:
    return [m for m in ("torch", "resemblyzer", "pocketsphinx") if importlib.util.find_spec(m) is None]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--eval", action="store_true", help="also run the benchmarks that need the eval extra")
    parser.add_argument("--only", nargs="+", metavar="NAME", help="run only these (names as --list prints them)")
    parser.add_argument("--list", action="store_true", help="list the benchmarks and their arguments")
    args = parser.parse_args()
    chosen = dict(BENCHMARKS)
    if args.eval or args.only:
        chosen.update(EVAL_BENCHMARKS)
    if args.list:
        for name, argv in chosen.items():
            print(f"{name:40s} {' '.join(argv)}")
        return 0
    if args.only:
        unknown = [n for n in args.only if n not in chosen]
        if unknown:
            print(f"run_all: unknown benchmark(s) {', '.join(unknown)}; --list shows the names", file=sys.stderr)
            return 2
        chosen = {n: chosen[n] for n in args.only}
    if any(n in EVAL_BENCHMARKS for n in chosen) and eval_extra_missing():
        print(f"run_all: the eval extra is not installed (missing {', '.join(eval_extra_missing())}); "
              "see benchmarks/README.md", file=sys.stderr)
        return 2
    env = {**os.environ, "OMP_NUM_THREADS": os.environ.get("OMP_NUM_THREADS", "1")}
    outcome = []
    for name, argv in chosen.items():
        script = HERE / f"{name.split()[0]}.py"
        print(f"\n=== {name} {' '.join(argv)}", flush=True)
        start = time.perf_counter()
        rc = subprocess.run([sys.executable, str(script), *argv], env=env).returncode
        outcome.append((name, rc, time.perf_counter() - start))
    print("\n=== summary")
    for name, rc, seconds in outcome:
        print(f"{name:40s} {'ok' if rc == 0 else f'FAILED (exit {rc})':18s} {seconds:7.1f} s")
    return 1 if any(rc for _, rc, _ in outcome) else 0


if __name__ == "__main__":
    sys.exit(main())
