"""Batch scaling: difficulty analysis (loudness from the audio + transcript signals, stored chunk by
chunk through the audited write path) and clip anonymisation (one clip spanning each whole call:
PII detection, bleeps, verification, voice disguise, MP3, recorded clip by clip) of N synthetic
calls on 1 and on 2 local worker processes.

    .venv/bin/python benchmarks/batch_scaling.py [--calls 40] [--minutes 10] [--workers 1 2] [--work analyse anonymise]

Each call is `--minutes` of stereo 8 kHz audio (harmonic bursts under every word, agent left,
customer right) with a word-level transcript; the workspace is built once in a temporary folder
and analysed with `--redo` for each worker count (pool start-up included). Writes
benchmarks/results/batch_scaling.json.

"1 worker" runs in-process with the whole benchmark pinned to one core (`sched_setaffinity`), so its
figure is one core's even though numpy's BLAS and ffmpeg could use more threads; "2 workers" are two
pool processes on all cores, each limited to one numeric thread (curation/batch.py). Each run records
wall time, CPU seconds (this process and its children), the 1-minute load average when it started
(the machine may be shared) and the seconds per call in its first and second half (linear in calls:
the two halves cost the same). Sources are generated on all cores in blocks of `--block` calls,
imported and deleted, so 1,000 calls need ~19 GB (the store), not twice that.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import soundfile as sf

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from benchmarks.anonymise_speed import cpu  # noqa: E402  (this process's and its children's CPU seconds)
from benchmarks.difficulty_speed import AGENT, CUSTOMER  # noqa: E402

RATE = 8000


def synthetic_call(folder: Path, stem: str, minutes: float, seed: int) -> None:
    """<stem>.wav + <stem>.json (project transcript format): alternating turns filling `minutes`."""
    rng = random.Random(seed)
    total = minutes * 60.0
    audio = np.zeros((int(total * RATE), 2), dtype=np.float32)
    words, t, k = [], 0.3, 0
    while t < total - 8:
        role = "agent" if k % 2 == 0 else "customer"
        ch = 0 if role == "agent" else 1
        f0 = (130.0 if ch == 0 else 200.0) * (1 + 0.1 * rng.random())
        for tok in rng.choice(AGENT if role == "agent" else CUSTOMER).split():
            dur = rng.uniform(0.2, 0.45)
            a, b = int(t * RATE), int((t + dur) * RATE)
            phase = 2 * np.pi * f0 * np.arange(b - a) / RATE
            audio[a:b, ch] += (sum(0.25 / h * np.sin(h * phase) for h in range(1, 5)) * np.hanning(b - a)).astype(np.float32)
            words.append({"text": tok, "start": round(t, 3), "end": round(t + dur, 3), "speaker": role,
                          "confidence": round(rng.uniform(0.6, 1.0), 2)})
            t += dur + 0.05
        t += rng.uniform(0.2, 1.2)
        k += 1
    audio += np.float32(0.002) * np.random.default_rng(seed).standard_normal(audio.shape).astype(np.float32)
    sf.write(folder / f"{stem}.wav", audio, RATE, subtype="PCM_16")
    doc = {"format": "curation-transcript", "version": 1, "language": "nl",
           "speakers": [{"label": "agent", "role": "agent", "channel": 0},
                        {"label": "customer", "role": "customer", "channel": 1}], "words": words}
    (folder / f"{stem}.json").write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")


def _generate(args: tuple) -> None:
    folder, stem, minutes, seed = args
    synthetic_call(Path(folder), stem, minutes, seed)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=40)
    parser.add_argument("--minutes", type=float, default=10.0)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--work", nargs="+", choices=("analyse", "anonymise"), default=["analyse", "anonymise"])
    parser.add_argument("--block", type=int, default=50, help="calls generated and imported at a time")
    parser.add_argument("--anonymise-calls", type=int, default=None,
                        help="anonymise only the first N calls (default: all of them)")
    parser.add_argument("--out", type=Path, default=REPO / "benchmarks" / "results" / "batch_scaling.json")
    args = parser.parse_args()

    import multiprocessing

    from curation.batch import Plan, available_cores
    from curation.clips import create_clip
    from curation.clips.anonymise import anonymise_clips
    from curation.difficulty.store import analyse_workspace
    from curation.ingest import ingest
    from curation.roles import add_user
    from curation.workspace import Workspace

    os.environ["CURATION_USER"] = "admin"
    all_cores = os.sched_getaffinity(0)
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="batch-scaling-") as tmp:
        ws = Workspace.create(Path(tmp) / "ws")
        add_user(ws, "admin", "admin", user="admin")
        add_user(ws, "admin", "trainer", user="admin")
        call_ids = []
        with multiprocessing.get_context("spawn").Pool(available_cores()) as pool:
            for first in range(0, args.calls, args.block):
                src = Path(tmp) / f"calls{first:05d}"
                src.mkdir()
                pool.map(_generate, [(str(src), f"bench{i:05d}", args.minutes, i)
                                     for i in range(first, min(args.calls, first + args.block))])
                outcomes = ingest(ws, [src], "admin", align=False, plan=Plan())
                bad = [o.line() for o in outcomes if o.status != "imported"]
                assert not bad, bad
                call_ids += [o.call_id for o in outcomes]
                shutil.rmtree(src)
        print(f"{args.calls} calls generated and imported in {time.perf_counter() - started:.0f} s", flush=True)
        n_anon = min(args.anonymise_calls or args.calls, args.calls)
        clips = [create_clip(ws, call_id, 0.0, args.minutes * 60.0 - 0.5, title="bench", user="admin").id
                 for call_id in call_ids[:n_anon]] if "anonymise" in args.work else []
        runs = []
        for work in args.work:
            n = args.calls if work == "analyse" else n_anon
            for workers in args.workers:
                os.sched_setaffinity(0, sorted(all_cores)[:workers] if workers < len(all_cores) else all_cores)
                times: list[float] = []
                load = os.getloadavg()[0]
                cpu0, start = cpu(), time.perf_counter()
                tick = lambda done, total: times.append(time.perf_counter())  # noqa: E731
                if work == "analyse":
                    summary = analyse_workspace(ws, redo=True, plan=Plan(workers=workers, chunk_size=50), progress=tick)
                    assert summary.analysed == n and not summary.failed, summary.failed
                else:
                    summary = anonymise_clips(ws, clips, voice="default", plan=Plan(workers=workers), progress=tick)
                    assert len(summary.anonymised) == n, (summary.blocked, summary.failed)
                seconds, cpu_used = time.perf_counter() - start, cpu() - cpu0
                os.sched_setaffinity(0, all_cores)
                half = len(times) // 2
                runs.append({"work": work, "calls": n, "workers": workers, "cores_allowed": min(workers, len(all_cores)),
                             "seconds": round(seconds, 2), "cpu_seconds": round(cpu_used, 1),
                             "seconds_per_call": round(seconds / n, 3),
                             "first_half_seconds_per_call": round((times[half - 1] - start) / half, 3) if half else None,
                             "second_half_seconds_per_call": round((times[-1] - times[half - 1]) / (len(times) - half), 3)
                             if half else None,
                             "load_average_at_start": round(load, 2)})
                print(f"{work}, {workers} worker(s), {n} calls: {seconds:.1f} s wall, {cpu_used:.0f} s CPU, "
                      f"load {load:.2f} at start", flush=True)
        ws.close()
    for work in args.work:
        mine = [r for r in runs if r["work"] == work]
        for r in mine:
            r["speed_up"] = round(mine[0]["seconds"] / r["seconds"], 2)
    result = {"benchmark": "batch_scaling", "calls": args.calls, "minutes_per_call": args.minutes, "runs": runs,
              "cores": len(all_cores), "cpu": _cpu_model(), "date": time.strftime("%Y-%m-%d"),
              "total_seconds": round(time.perf_counter() - started)}
    print(json.dumps(result, indent=2))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2) + "\n")


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return "unknown"


if __name__ == "__main__":
    main()
