"""Import on the batch layer (issue #18 item 5): recordings read, probed and aligned on worker
processes, each call stored by the importing process through the one audited path; the same
catalogue as an import in one process, outcomes in order, a bad file one line. No mocks."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from sqlalchemy import select

from curation.batch import Plan
from tests._clip_fixtures import make_call
from tests.test_batch import analysed_events

ROOT = Path(__file__).resolve().parent.parent
CALLS = 8


def recordings(folder: Path) -> Path:
    for i in range(CALLS):
        make_call(folder, f"c{i}")
    (folder / "broken.wav").write_bytes(b"RIFF not really a recording")
    return folder


def catalogue(ws) -> dict:
    """Every call's row and words, without the moment of import."""
    from curation.store.schema import calls, words

    with ws.engine.connect() as conn:
        rows = {r["id"]: {k: v for k, v in r.items() if k != "imported_at"}
                for r in conn.execute(select(calls)).mappings()}
        for r in conn.execute(select(words).order_by(words.c.call_id, words.c.idx)).mappings():
            rows[r["call_id"]].setdefault("words", []).append((r["text"], r["start"], r["end"], r["speaker"]))
    return rows


def second_workspace(tmp_path):
    from curation.roles import add_user
    from curation.workspace import Workspace

    ws = Workspace.create(tmp_path / "ws2")
    add_user(ws, "admin", "admin", user="admin")
    add_user(ws, "tester", "trainer", user="admin")
    return ws


def test_two_processes_import_what_one_process_imports_in_the_same_order(workspace, tmp_path):
    from curation.ingest import ingest

    folder = recordings(tmp_path / "calls")
    serial = ingest(workspace, [folder], "tester", plan=Plan(workers=1))
    other = second_workspace(tmp_path)
    try:
        parallel = ingest(other, [folder], "tester", plan=Plan(workers=2))
        assert [(o.path, o.status, o.call_id) for o in parallel] == [(o.path, o.status, o.call_id) for o in serial]
        assert [o.status for o in parallel].count("imported") == CALLS
        [failed] = [o for o in parallel if o.status == "failed"]
        assert "broken.wav" in failed.message and "\n" not in failed.message
        mine, theirs = catalogue(workspace), catalogue(other)
        for rows in (mine, theirs):  # the audio path names the workspace's own store: same relative key
            for row in rows.values():
                row.pop("imported_by")
        assert mine == theirs
        events = analysed_events(other, "call.imported")
        assert len(events) == CALLS and all("Goedemiddag" not in json.dumps(e) for e in events)
        again = ingest(other, [folder], "tester", plan=Plan(workers=2))
        assert [o.status for o in again].count("skipped") == CALLS
    finally:
        other.close()


def test_cli_imports_on_two_workers(workspace, tmp_path):
    folder = recordings(tmp_path / "calls")
    done = subprocess.run([sys.executable, "-m", "curation.cli", "ingest", "-w", str(workspace.root), "--workers", "2",
                           str(folder)], capture_output=True, text=True, cwd=ROOT, timeout=600,
                          env={**os.environ, "CURATION_USER": "tester"})
    assert done.returncode == 2  # the broken file
    assert f"{CALLS} imported, 0 already present, 1 failed" in done.stdout
    [line] = [ln for ln in done.stderr.splitlines() if ln.startswith("failed")]
    assert "broken.wav" in line
