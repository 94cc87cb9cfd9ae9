"""Benchmark: the manager dashboard over a workspace of 10,000 calls (target: renders in < 3 s).

Seeds a synthetic catalogue straight into a fresh workspace (calls, difficulty scores, consent
records and retention dates, clips in every state, reviews, erasure events; no audio, no text),
then times `curation.aggregates.compute` and building the `ManagerDashboard` widget tree.
With `--browser` it also serves the dashboard with Voila and times, in headless Chromium, from
navigation until every chart is drawn and the numbers are current: with `--preheat` (Voila's
kernel pool, as `make dashboard` serves) a call is added to the workspace after the pool kernel
warmed up, and the page counts only once it shows that call. Writes
benchmarks/results/dashboard_render.json.

    .venv/bin/python benchmarks/dashboard_render.py [--calls 10000] [--browser [--preheat]] [--page-loads 3]
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
from importlib.metadata import version
from datetime import datetime, timedelta, timezone
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

CATEGORIES = ["escalation", "abusive", "confused_caller", "misunderstanding", "hard_to_understand",
              "unbalanced_conversation"]
from curation.vocabulary import CLIP_STATES as STATES  # noqa: E402
from curation.vocabulary import CONSENT_DECISIONS as DECISIONS  # noqa: E402


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
            audit._append(conn, "admin", "subject.erasure_handled", "subject", None)


def late_call(ws, k: int) -> None:
    """One more call, recorded after the page's kernel warmed up (the page must show it)."""
    from curation.store.schema import calls

    at = datetime.now(timezone.utc).isoformat()
    with ws.transaction() as conn:
        conn.execute(calls.insert(), [dict(id=f"late-{k:03d}", recorded_at=at, duration=120.0, sample_rate=8000,
                                           channels=2, channel_layout="stereo", agent_id="A000",
                                           customer_ref_hash=f"late{k:060d}", language="nl", topic="billing",
                                           source_checksum=f"late{k:060d}", audio_path=f"originals/late-{k}.wav",
                                           audio_format="wav", imported_at=at, metadata_json="{}")])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--browser", action="store_true", help="also time the Voila page in headless Chromium")
    parser.add_argument("--preheat", action="store_true",
                        help="with --browser: serve with Voila's preheated kernel pool (imports and warm-up run "
                             "before the request; the numbers are read when the page is requested)")
    parser.add_argument("--page-loads", type=int, default=3, help="with --browser: page loads to time")
    args = parser.parse_args()

    from curation.aggregates import compute
    from curation.roles import seed_demo_users
    from curation.workspace import Workspace

    result = {"benchmark": "dashboard_render", "cpu_count": os.cpu_count(), "load_average": list(os.getloadavg()),
              "calls": args.calls, "versions": {p: version(p) for p in ("voila", "ipywidgets")}}
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
        result["compute_median_s"] = round(statistics.median(compute_times), 3)
        result["widget_median_s"] = round(statistics.median(widget_times), 3)
        print(f"aggregates.compute: median {result['compute_median_s']:.3f} s")
        print(f"ManagerDashboard (compute + widgets): median {result['widget_median_s']:.3f} s "
              f"(target < 3 s) over {args.repeat} runs")
        if args.browser:
            times = browser_render(ws, Path(tmp) / "ws", args.calls, args.preheat, args.page_loads)
            mode = "preheated kernel, numbers read at request" if args.preheat else "cold: kernel start + imports"
            result["browser"] = {"mode": mode, "page_loads_s": [round(t, 2) for t in times],
                                 "median_s": round(statistics.median(times), 2)}
            print(f"Voila page until all charts are drawn with current numbers ({mode}): median "
                  f"{statistics.median(times):.2f} s over {len(times)} loads ({', '.join(f'{t:.2f}' for t in times)})")
        ws.close()
    out = REPO / "benchmarks" / "results" / ("dashboard_render" + ("_preheat" if args.preheat else "") + ".json")
    out.write_text(json.dumps(result, indent=2) + "\n", "utf-8")
    print(f"wrote {out.relative_to(REPO)}")
    return 0


def browser_render(ws, workspace: Path, n_calls: int, preheat: bool = False, loads: int = 3) -> list[float]:
    sys.path.insert(0, str(REPO / "tests"))
    from _widget_fixtures import CHROMIUM_ARGS, VoilaApp

    from playwright.sync_api import sync_playwright

    times = []
    with tempfile.TemporaryDirectory(prefix="dash-bench-rt-") as runtime:
        extra = ["--preheat_kernel=True", "--pool_size=1"] if preheat else []
        app = VoilaApp("manager_dashboard.ipynb", workspace, "manager", Path(runtime), extra)
        try:
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
                for k in range(loads):
                    if preheat:
                        time.sleep(20)  # let the pool (re)start its kernel and run the notebook up to the request
                        late_call(ws, k)  # after the warm-up: a stale page would not count it
                    expected = n_calls + (k + 1 if preheat else 0)
                    page = browser.new_page()
                    t0 = time.perf_counter()
                    page.goto(app.url)
                    page.wait_for_function("document.querySelectorAll('.cw-chart svg').length >= 7", timeout=120_000,
                                           polling=50)
                    page.wait_for_selector(f".cw-msg-ok:has-text('{expected} calls')", timeout=120_000)
                    times.append(time.perf_counter() - t0)
                    page.close()
                browser.close()
        finally:
            app.close()
    return times


if __name__ == "__main__":
    os.environ.setdefault("CURATION_USER", "manager")
    raise SystemExit(main())
