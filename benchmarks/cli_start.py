"""Benchmark: cold start of every `curation` command (a new process each time, as a user or a batch
script runs it), against the targets of issue #17.

    .venv/bin/python benchmarks/cli_start.py [--repeat 5] [--calls 10000] [--only help work approve anonymise]

- help: `curation --help` and `curation CMD [SUB] --help` for every command and subcommand;
- work: commands doing real work on a generated 10,000-call workspace (the dashboard benchmark's
  seeding: calls, difficulty scores, consent records, 1,000 clips, reviews; no audio), among them
  `calls --format json` (target < 1.5 s; `--help` < 0.5 s);
- approve: `review approve` of an anonymised, submitted clip the reviewer listened to (a small demo
  workspace, copied afresh for each run);
- anonymise: `curation anonymise` of a 10-minute stereo 8 kHz synthetic call (PII detection, bleep,
  voice disguise, verification, MP3) from a cold process, side by side in the same run with
  `sox IN OUT pitch -300` (target: at most 15 times sox's time).

Each figure is the median wall time of --repeat runs (CPU seconds of the process and its children
beside it). Writes benchmarks/results/cli_start.json.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path[:0] = [str(REPO), str(REPO / "datasets"), str(HERE)]
RESULTS = HERE / "results"
ENV = {**os.environ, "PYTHONPATH": os.pathsep.join([str(REPO), str(REPO / "datasets")]),
       "TLDEXTRACT_PUBLIC_SUFFIX_LIST_URLS": ""}
CURATION = [sys.executable, "-m", "curation.cli"]
TARGETS = {"--help": 0.5, "calls --format json": 1.5}


def _children_cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def run(argv: list[str], env: dict | None = None, check: bool = True) -> tuple[float, float, str]:
    """(wall s, CPU s of the process and its children, stdout) of one cold run."""
    c0, w0 = _children_cpu(), time.perf_counter()
    proc = subprocess.run(argv, capture_output=True, text=True, env=env or ENV)
    wall, cpu = time.perf_counter() - w0, _children_cpu() - c0
    if check and proc.returncode != 0:
        raise RuntimeError(f"{' '.join(argv)} exited {proc.returncode}: {proc.stderr[-1500:]}")
    return wall, cpu, proc.stdout


def timed(label: str, argv: list[str], repeat: int, env: dict | None = None, prepare=None) -> dict:
    walls, cpus = [], []
    for _ in range(repeat):
        if prepare:
            argv_now = prepare()
        else:
            argv_now = argv
        wall, cpu, _ = run(argv_now, env)
        walls.append(wall)
        cpus.append(cpu)
    result = {"command": label, "median_s": round(statistics.median(walls), 3),
              "cpu_median_s": round(statistics.median(cpus), 3), "runs_s": [round(w, 3) for w in walls]}
    target = TARGETS.get(label)
    note = f"  (target < {target} s: {'met' if result['median_s'] < target else 'NOT met'})" if target else ""
    print(f"{label:<48} {result['median_s']:6.3f} s wall  {result['cpu_median_s']:6.3f} s CPU{note}", flush=True)
    return result


def command_paths() -> list[list[str]]:
    """Every command and subcommand of the CLI, as argument lists."""
    from curation.cli.main import cli

    import click

    paths = []
    for name, command in sorted(cli.commands.items()):
        paths.append([name])
        if isinstance(command, click.Group):
            paths += [[name, sub] for sub in sorted(command.commands)]
    return paths


def bench_help(repeat: int) -> list[dict]:
    out = [timed("--help", CURATION + ["--help"], repeat)]
    for path in command_paths():
        out.append(timed(" ".join(path) + " --help", CURATION + path + ["--help"], repeat))
    return out


def big_workspace(root: Path, calls: int) -> Path:
    from dashboard_render import seed

    from curation.demo import DEMO_USERS
    from curation.roles import seed_demo_users
    from curation.workspace import Workspace

    ws = Workspace.create(root)
    seed_demo_users(ws, DEMO_USERS)
    t0 = time.perf_counter()
    seed(ws, calls, random.Random(1))
    ws.close()
    print(f"seeded a workspace of {calls} calls in {time.perf_counter() - t0:.1f} s", flush=True)
    return root


def bench_work(repeat: int, tmp: Path, calls: int) -> list[dict]:
    ws = str(big_workspace(tmp / "big", calls))
    env = {**ENV, "CURATION_USER": "manager"}
    admin = {**ENV, "CURATION_USER": "admin"}
    trainer = {**ENV, "CURATION_USER": "trainer"}
    return [
        timed("calls --format json", CURATION + ["calls", "-w", ws, "--format", "json"], repeat, env),
        timed("calls (table)", CURATION + ["calls", "-w", ws], repeat, env),
        timed("calls --difficult --format json", CURATION + ["calls", "-w", ws, "--difficult", "--format", "json"],
              repeat, env),
        timed("clips list --format json", CURATION + ["clips", "list", "-w", ws, "--format", "json"], repeat, trainer),
        timed("users whoami", CURATION + ["users", "whoami", "-w", ws], repeat, env),
        timed("users list", CURATION + ["users", "list", "-w", ws], repeat, admin),
        timed("audit verify", CURATION + ["audit", "verify", "-w", ws], repeat, admin),
        timed("pack list", CURATION + ["pack", "list", "-w", ws], repeat, trainer),
    ]


def bench_approve(repeat: int, tmp: Path) -> list[dict]:
    """`review approve` of a clip that is ready for it, in a fresh copy of the workspace each run."""
    from curation import review
    from curation.clips.anonymise import anonymise_clip
    from curation.clips.audio import play_clip
    from curation.clips.edit import create_clip
    from curation.demo import _candidate_calls, build_demo

    t0 = time.perf_counter()
    ws = build_demo(tmp / "small", calls=2, seed=1, clips=0)
    clip = create_clip(ws, _candidate_calls(ws)[0], 0.0, 30.0, title="benchmark", snap="word", user="trainer")
    assert anonymise_clip(ws, clip.id, user="trainer").ok
    review.submit(ws, clip.id, user="trainer")
    play_clip(ws, clip.id, user="reviewer")
    assert review.approval_problems(ws, clip.id, user="reviewer") == []
    ws.close()
    print(f"prepared a clip for approval in {time.perf_counter() - t0:.1f} s", flush=True)
    copy = tmp / "small-copy"

    def fresh() -> list[str]:
        shutil.rmtree(copy, ignore_errors=True)
        shutil.copytree(tmp / "small", copy)
        return CURATION + ["review", "approve", "-w", str(copy), "--clip", clip.id, "--attest-all"]

    return [timed("review approve", [], repeat, {**ENV, "CURATION_USER": "reviewer"}, prepare=fresh)]


def bench_anonymise(repeat: int, tmp: Path, minutes: float) -> dict:
    from anonymise_data import synthetic_call

    from curation.ingest.formats.project_json import dump

    call, transcript = synthetic_call(tmp, minutes)
    tr = tmp / "call.json"
    tr.write_text(json.dumps(dump(transcript)), "utf-8")
    key = tmp / "voice.key"
    key.write_text(bytes(range(32)).hex() + "\n")
    key.chmod(0o600)
    anon = timed(f"anonymise ({minutes:g}-minute call, MP3)",
                 CURATION + ["anonymise", "--audio", str(call), "--transcript", str(tr), "--key-file", str(key),
                             "--out", str(tmp / "anon.mp3")], repeat)
    sox = timed("sox IN OUT pitch -300 (same call, MP3)",
                ["sox", str(call), str(tmp / "sox.mp3"), "pitch", "-300"], repeat)
    sox_wav = timed("sox IN OUT pitch -300 (same call, WAV)",
                    ["sox", str(call), str(tmp / "sox.wav"), "pitch", "-300"], repeat)
    ratio, cpu_ratio = anon["median_s"] / sox["median_s"], anon["cpu_median_s"] / max(sox["cpu_median_s"], 1e-6)
    ratio_wav = anon["median_s"] / sox_wav["median_s"]
    print(f"anonymise / sox to MP3 (the same output format): {ratio:.1f}x wall, {cpu_ratio:.1f}x CPU "
          f"(target <= 15x: {'met' if ratio <= 15 else 'NOT met'}); / sox to WAV: {ratio_wav:.1f}x wall", flush=True)
    return {"anonymise": anon, "sox_pitch_mp3": sox, "sox_pitch_wav": sox_wav, "ratio_wall": round(ratio, 1),
            "ratio_cpu": round(cpu_ratio, 1), "ratio_wall_to_wav": round(ratio_wav, 1),
            "minutes": minutes, "sample_rate": 8000, "channels": 2}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--calls", type=int, default=10_000)
    parser.add_argument("--minutes", type=float, default=10.0)
    parser.add_argument("--only", nargs="+", choices=["help", "work", "approve", "anonymise"],
                        default=["help", "work", "approve", "anonymise"])
    args = parser.parse_args()
    result: dict = {"benchmark": "cli_start", "cpu_count": os.cpu_count(), "load_average": list(os.getloadavg()),
                    "repeat": args.repeat, "python": sys.version.split()[0]}
    with tempfile.TemporaryDirectory(prefix="cli-start-") as tmp:
        tmp = Path(tmp)
        if "help" in args.only:
            result["help"] = bench_help(args.repeat)
        if "work" in args.only:
            result["work"] = bench_work(args.repeat, tmp, args.calls)
            result["calls"] = args.calls
        if "approve" in args.only:
            result["approve"] = bench_approve(args.repeat, tmp)
        if "anonymise" in args.only:
            result["anonymise"] = bench_anonymise(args.repeat, tmp, args.minutes)
    result["load_average_after"] = list(os.getloadavg())
    RESULTS.mkdir(exist_ok=True)
    name = "cli_start" + ("" if len(args.only) == 4 else "_" + "_".join(args.only))
    (RESULTS / f"{name}.json").write_text(json.dumps(result, indent=2) + "\n", "utf-8")
    print(f"wrote {(RESULTS / f'{name}.json').relative_to(REPO)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
