"""`curation demo` builds honestly: an interrupted build is built again (never called present), a
second build of the same folder is refused while one runs, a complete one is reported present;
the demo's dates are relative to the day it is built, so retention shows overdue and upcoming."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from datetime import date, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner

from curation.cli.main import cli
from curation.demo import COMPLETE_MARKER, build_lock, demo_state
from curation.workspace import Workspace

REPO = Path(__file__).resolve().parent.parent
ARGS = ["--calls", "2", "--seed", "3", "--clips", "0"]


def demo(root, *extra):
    return CliRunner().invoke(cli, ["demo", "--workspace", str(root), *ARGS, *extra])


def n_calls(root) -> int:
    from curation.catalogue import call_ids

    with Workspace.open(root) as ws:
        return len(call_ids(ws, user="admin"))


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    root = tmp_path_factory.mktemp("demo") / "ws"
    result = demo(root)
    assert result.exit_code == 0, result.output
    return root


def test_a_complete_build_is_marked_and_reported_present(built):
    assert (built / COMPLETE_MARKER).is_file() and demo_state(built) == "complete"
    again = demo(built, "--if-missing")
    assert again.exit_code == 0 and "already present" in again.output and "2 calls" in again.output
    assert not (built.parent / ".ws.building").exists()


def test_a_build_killed_halfway_is_built_again_not_called_present(tmp_path):
    root = tmp_path / "ws"
    env = {**os.environ, "PYTHONPATH": f"{REPO}:{REPO / 'datasets'}"}
    proc = subprocess.Popen([sys.executable, "-m", "curation.cli", "demo", "-w", str(root), *ARGS],
                            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    staging = tmp_path / ".ws.building"
    deadline = time.monotonic() + 120
    while not (staging / "workspace.json").exists() and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.02)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert staging.exists() and not root.exists(), "killed before the end: nothing at the target yet"
    assert demo_state(root) == "unfinished"
    result = demo(root, "--if-missing")
    assert result.exit_code == 0, result.output
    assert "already present" not in result.output and "building it again" in result.output
    assert demo_state(root) == "complete" and n_calls(root) == 2 and not staging.exists()


def test_a_half_built_workspace_without_the_marker_is_built_again(tmp_path):
    root = tmp_path / "ws"
    Workspace.create(root).close()  # what an interrupted build of an earlier version left: 0 calls
    assert demo_state(root) == "unfinished"
    result = demo(root, "--if-missing")
    assert result.exit_code == 0 and "building it again" in result.output, result.output
    assert n_calls(root) == 2


def test_a_second_build_is_refused_while_one_holds_the_lock(tmp_path):
    root = tmp_path / "ws"
    env = {**os.environ, "PYTHONPATH": f"{REPO}:{REPO / 'datasets'}"}
    with build_lock(root):
        result = subprocess.run([sys.executable, "-m", "curation.cli", "demo", "-w", str(root), *ARGS,
                                 "--if-missing"], env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode != 0 and result.stdout == ""
    [line] = result.stderr.strip().splitlines()
    assert "another demo build is running" in line and f"process {os.getpid()}" in line
    assert not root.exists()


def test_a_foreign_folder_is_not_removed_without_force(tmp_path):
    root = tmp_path / "ws"
    root.mkdir()
    (root / "notes.txt").write_text("mine")
    result = demo(root, "--if-missing")
    assert result.exit_code != 0 and "use --force" in result.output and (root / "notes.txt").exists()


def test_demo_dates_are_relative_to_today_so_retention_shows_overdue_and_upcoming(built):
    import sqlalchemy as sa

    from curation.store.schema import calls, consent_records

    with Workspace.open(built) as ws, ws.engine.connect() as conn:
        recorded = [r[:10] for r in conn.execute(sa.select(calls.c.recorded_at)).scalars()]
        until = list(conn.execute(sa.select(consent_records.c.retention_until)).scalars())
    today = date.today()
    assert max(recorded) == (today - timedelta(days=1)).isoformat()
    assert all(u for u in until)


def test_the_date_shift_keeps_the_spread_and_flags_some_originals(tmp_path):
    import csv

    from callcorpus import generate

    from curation.demo import dates_relative_to

    generate(tmp_path, calls=12, seed=4, audio_format="wav")
    manifest = tmp_path / "manifest.csv"
    before = list(csv.DictReader(manifest.open()))
    today = date(2031, 6, 1)
    shift = dates_relative_to(manifest, today)
    after = list(csv.DictReader(manifest.open()))
    for old, new in zip(before, after):
        assert date.fromisoformat(new["retention_until"]) - date.fromisoformat(old["retention_until"]) == \
            timedelta(days=shift)
    due = [date.fromisoformat(r["retention_until"]) for r in after]
    assert max(r["recorded_at"][:10] for r in after) == "2031-05-31"
    assert any(d < today for d in due) and any(d >= today for d in due)
