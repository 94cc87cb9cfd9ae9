"""Batch scaling: difficulty analysis (loudness from the audio + transcript signals, stored chunk by
chunk through the audited write path) and clip anonymisation (one clip spanning each whole call:
PII detection, bleeps, verification, voice disguise, MP3, recorded clip by clip) of N synthetic
calls on 1 and on 2 local worker processes.

    .venv/bin/python benchmarks/batch_scaling.py [--calls 40] [--minutes 10] [--workers 1 2] [--work analyse anonymise]

Each call is `--minutes` of stereo 8 kHz audio (harmonic bursts under every word, agent left,
customer right) with a word-level transcript; the workspace is built once in a temporary folder
and analysed with `--redo` for each worker count (pool start-up included). Writes
benchmarks/results/batch_scaling.json. The machine may be shared: note `uptime` next to figures.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import soundfile as sf

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=40)
    parser.add_argument("--minutes", type=float, default=10.0)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--work", nargs="+", choices=("analyse", "anonymise"), default=["analyse", "anonymise"])
    args = parser.parse_args()

    from curation.batch import Plan
    from curation.clips import create_clip
    from curation.clips.anonymise import anonymise_clips
    from curation.difficulty.store import analyse_workspace
    from curation.ingest import ingest
    from curation.roles import add_user
    from curation.workspace import Workspace

    os.environ["CURATION_USER"] = "admin"
    with tempfile.TemporaryDirectory(prefix="batch-scaling-") as tmp:
        src = Path(tmp) / "calls"
        src.mkdir()
        for i in range(args.calls):
            synthetic_call(src, f"bench{i:05d}", args.minutes, seed=i)
        ws = Workspace.create(Path(tmp) / "ws")
        add_user(ws, "admin", "admin", user="admin")
        add_user(ws, "admin", "trainer", user="admin")
        outcomes = ingest(ws, [src], "admin", align=False)
        assert all(o.status == "imported" for o in outcomes), [o.line() for o in outcomes if o.status != "imported"]
        clips = [create_clip(ws, o.call_id, 0.0, args.minutes * 60.0 - 0.5, title="bench", user="admin").id
                 for o in outcomes] if "anonymise" in args.work else []
        runs = []
        for work in args.work:
            for workers in args.workers:
                start = time.perf_counter()
                if work == "analyse":
                    summary = analyse_workspace(ws, redo=True, plan=Plan(workers=workers, chunk_size=50))
                    assert summary.analysed == args.calls and not summary.failed, summary.failed
                else:
                    summary = anonymise_clips(ws, clips, voice="default", plan=Plan(workers=workers))
                    assert len(summary.anonymised) == args.calls, (summary.blocked, summary.failed)
                seconds = time.perf_counter() - start
                runs.append({"work": work, "workers": workers, "seconds": round(seconds, 2),
                             "calls_per_second": round(args.calls / seconds, 3),
                             "audio_minutes_per_second": round(args.calls * args.minutes / seconds, 2)})
                print(f"{work}, {workers} worker(s): {seconds:.1f} s, {args.calls / seconds:.2f} calls/s", flush=True)
        ws.close()
    for work in args.work:
        mine = [r for r in runs if r["work"] == work]
        for r in mine:
            r["speed_up"] = round(mine[0]["seconds"] / r["seconds"], 2)
    result = {"benchmark": "batch_scaling", "calls": args.calls, "minutes_per_call": args.minutes, "runs": runs,
              "cores": len(os.sched_getaffinity(0)), "load_average_at_start": os.getloadavg()}
    print(json.dumps(result, indent=2))
    out = REPO / "benchmarks" / "results"
    out.mkdir(exist_ok=True)
    (out / "batch_scaling.json").write_text(json.dumps(result, indent=2) + "\n")


if __name__ == "__main__":
    main()
