"""Benchmark: the manager dashboard over a workspace of 10,000 calls (target: renders in < 3 s).

Seeds a synthetic catalogue straight into a fresh workspace (calls, difficulty scores, consent
records and retention dates, clips in every state, reviews, erasure events; no audio, no text),
then times `curation.aggregates.compute` and building the `ManagerDashboard` widget tree.
With `--browser` it also serves the dashboard with Voila and times, in headless Chromium, from
navigation until every chart is drawn.

    .venv/bin/python benchmarks/dashboard_render.py [--calls 10000] [--browser]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

CATEGORIES = ["escalation", "abusive", "confused_caller", "misunderstanding", "hard_to_understand",
              "unbalanced_conversation"]
STATES = ["draft", "submitted", "approved", "changes_requested", "rejected", "packed", "revoked"]
DECISIONS = ["training_allowed", "reenactment_required", "excluded"]


def seed(ws, n_calls: int, rng: random.Random) -> None:
    from curation import audit
    from curation.difficulty.tables import difficulty_scores
    from curation.store.schema import calls, clips, consent_records, reviews

    start = datetime(2026, 1, 5, tzinfo=timezone.utc)
    call_rows, score_rows, consent_rows = [], [], []
    for i in range(n_calls):
        at = start + timedelta(minutes=rng.randrange(0, 46 * 7 * 24 * 60))
        cid = f"bench-{i:06d}"
        call_rows.append(dict(id=cid, recorded_at=at.isoformat(), duration=rng.uniform(60, 900), sample_rate=8000,
                              channels=2, channel_layout="stereo", agent_id=f"A{rng.randrange(40):03d}",
                              customer_ref_hash=f"{i:064x}", language="nl", topic=rng.choice(["billing", "move"]),
                              source_checksum=f"{i:064x}", audio_path=f"originals/{cid}.wav", audio_format="wav",
                              imported_at=at.isoformat(), metadata_json="{}"))
        difficult = rng.random() < 0.3
        cats = ";".join(sorted(rng.sample(CATEGORIES, rng.randint(1, 2)))) if difficult else ""
        score_rows.append(dict(call_id=cid, score=rng.uniform(50, 100) if difficult else rng.uniform(0, 40),
                               difficult=difficult, categories=cats, analyser_version="bench",
                               analysed_at=at.isoformat()))
        consent_rows.append(dict(call_id=cid, retention_until=(at + timedelta(days=365)).date().isoformat()))
    clip_rows, review_rows = [], []
    for k in range(n_calls // 10):
        created = start + timedelta(minutes=rng.randrange(0, 46 * 7 * 24 * 60))
        state = rng.choice(STATES)
        clip_rows.append(dict(id=f"clip-{k:06d}", call_id=f"bench-{rng.randrange(n_calls):06d}", start=0.0, end=30.0,
                              state=state, created_by="trainer", created_at=created.isoformat(),
                              updated_at=created.isoformat(),
                              details_json=json.dumps({"consent": {"decision": rng.choice(DECISIONS)}})))
        if state in ("approved", "rejected", "changes_requested", "packed"):
            decided = created + timedelta(hours=rng.uniform(1, 96))
            review_rows += [dict(clip_id=f"clip-{k:06d}", actor="trainer", action="submit", at=created.isoformat()),
                            dict(clip_id=f"clip-{k:06d}", actor="reviewer", action="approve", at=decided.isoformat())]
    with ws.transaction() as conn:
        for table, rows in ((calls, call_rows), (difficulty_scores, score_rows), (consent_records, consent_rows),
                            (clips, clip_rows), (reviews, review_rows)):
            conn.execute(table.insert(), rows)
        for _ in range(12):
            audit.record(conn, "admin", "subject.erasure_handled", "subject", None)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--browser", action="store_true", help="also time the Voila page in headless Chromium")
    parser.add_argument("--preheat", action="store_true",
                        help="with --browser: serve with Voila's preheated kernel pool (the notebook runs before "
                             "the request; the page then only renders the widgets)")
    args = parser.parse_args()

    from curation.aggregates import compute
    from curation.roles import seed_demo_users
    from curation.workspace import Workspace

    with tempfile.TemporaryDirectory(prefix="dash-bench-") as tmp:
        ws = Workspace.create(Path(tmp) / "ws")
        seed_demo_users(ws, {"manager": "manager"})
        t0 = time.perf_counter()
        seed(ws, args.calls, random.Random(1))
        print(f"seeded {args.calls} calls in {time.perf_counter() - t0:.1f} s")

        from widgets.dashboard import ManagerDashboard

        compute_times, widget_times = [], []
        for _ in range(args.repeat):
            t0 = time.perf_counter()
            compute(ws, user="manager")
            compute_times.append(time.perf_counter() - t0)
            t0 = time.perf_counter()
            board = ManagerDashboard(ws, user="manager")
            widget_times.append(time.perf_counter() - t0)
            assert board.feedback.level == "ok", board.feedback.text
        print(f"aggregates.compute: median {statistics.median(compute_times):.3f} s")
        print(f"ManagerDashboard (compute + widgets): median {statistics.median(widget_times):.3f} s "
              f"(target < 3 s) over {args.repeat} runs")
        if args.browser:
            elapsed = browser_render(Path(tmp) / "ws", args.preheat)
            print(f"Voila page until all charts are drawn{' (preheated kernel)' if args.preheat else ''}: "
                  f"{elapsed:.2f} s" + ("" if args.preheat else " (includes starting a kernel and importing pandas, "
                                                                 "SQLAlchemy, bqplot)"))
        ws.close()
    return 0


def browser_render(workspace: Path, preheat: bool = False) -> float:
    sys.path.insert(0, str(REPO / "tests"))
    from _widget_fixtures import CHROMIUM_ARGS, VoilaApp

    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory(prefix="dash-bench-rt-") as runtime:
        extra = ["--preheat_kernel=True", "--pool_size=1"] if preheat else []
        app = VoilaApp("manager_dashboard.ipynb", workspace, "manager", Path(runtime), extra)
        if preheat:
            time.sleep(20)  # let the pool start its kernel and run the notebook
        try:
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
                page = browser.new_page()
                t0 = time.perf_counter()
                page.goto(app.url)
                page.wait_for_function("document.querySelectorAll('.cw-chart svg').length >= 7", timeout=120_000)
                elapsed = time.perf_counter() - t0
                browser.close()
        finally:
            app.close()
    return elapsed


if __name__ == "__main__":
    os.environ.setdefault("CURATION_USER", "manager")
    raise SystemExit(main())
