"""Batch work in parallel and resumable (issue #18 item 5): real worker processes, a real Dask
cluster, a CLI killed with kill -9 mid-batch, and a worker process that dies; no mocks."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import select

from curation.batch import WORKER_DIED, Plan, run_batch
from tests._batch_fixtures import numeric_threads, square_or_die
from tests._clip_fixtures import make_call

ROOT = Path(__file__).resolve().parent.parent
CALLS = 6


# ---- the executor -------------------------------------------------------------------------------

def test_the_executor_gives_the_same_outcomes_in_process_and_on_two_processes():
    for plan in (Plan(workers=1, chunk_size=3), Plan(workers=2, chunk_size=3)):
        chunks = []
        report = run_batch(square_or_die, {"add": 1}, range(7), chunks.append, plan)
        assert [len(c) for c in chunks] == [3, 3, 1]
        assert sorted((o.item, o.value) for c in chunks for o in c) == [(i, i * i + 1) for i in range(7)]
        assert report.done == 7 and not report.failed and report.workers == plan.workers


def test_pool_workers_run_the_numeric_libraries_on_one_thread_each():
    """Two processes on two cores, each with a BLAS pool as wide as the machine, oversubscribe it: the
    '2 workers' run of the scaling benchmark was then < 1.8x the one-worker run."""
    chunks = []
    run_batch(numeric_threads, {}, range(4), chunks.append, Plan(workers=2, chunk_size=10))
    assert [o.value for o in chunks[0]] == [{"blas": [1], "env": "1"}] * 4


def test_a_task_that_raises_is_one_failed_item_with_a_one_line_message():
    chunks = []
    report = run_batch(square_or_die, {"fail": 2}, range(4), chunks.append, Plan(workers=2, chunk_size=10))
    [failed] = report.failed
    assert failed.item == 2 and failed.error == "ValueError: item 2 is not wanted"
    assert report.done == 3 and len(chunks[0]) == 4


def test_a_worker_process_that_dies_fails_its_item_only_and_the_batch_goes_on():
    chunks = []
    report = run_batch(square_or_die, {"die": 5}, range(12), chunks.append, Plan(workers=2, chunk_size=4))
    [failed] = report.failed
    assert failed.item == 5 and failed.error.startswith(WORKER_DIED) and "exit code 3" in failed.error
    assert sorted(o.item for c in chunks for o in c if o.ok) == [i for i in range(12) if i != 5]
    assert all(o.value == o.item ** 2 for c in chunks for o in c if o.ok)


def test_a_pool_that_broke_between_two_items_takes_the_next_one_in_a_new_pool():
    """A worker killed from outside after its item came back, while nothing of the batch is in flight
    to show it: the next submit finds the pool broken. That is no item's failure: the batch goes on in
    a new pool (it once ended the whole command with a BrokenProcessPool traceback)."""
    import multiprocessing

    from curation.batch import _run_pool

    outcomes = []

    def collect(outcome):
        outcomes.append(outcome)
        if outcome.item == 0:  # kill the worker that ran it, and wait until the pool knows it is broken
            for child in multiprocessing.active_children():
                os.kill(child.pid, signal.SIGKILL)
            deadline = time.monotonic() + 10
            while multiprocessing.active_children() and time.monotonic() < deadline:
                time.sleep(0.05)
            time.sleep(0.5)

    _run_pool(square_or_die, {}, [0, 1, 2, 3], collect, workers=1)
    # item 1 was in flight when the worker died: run again on its own, it succeeds like the rest
    assert sorted(o.item for o in outcomes) == [0, 1, 2, 3] and all(o.ok for o in outcomes), outcomes


# ---- difficulty analysis of a workspace -----------------------------------------------------------

@pytest.fixture
def calls_ws(workspace, tmp_path):
    """The conftest workspace (admin, tester = trainer) with six short synthetic calls."""
    from curation.ingest import ingest

    for i in range(CALLS):
        make_call(tmp_path / "calls" / f"c{i}", f"c{i}")
    outcomes = ingest(workspace, [tmp_path / "calls"], "tester")
    assert [o.status for o in outcomes] == ["imported"] * CALLS
    return workspace


def stored_scores(ws) -> dict:
    """Everything the analysis stores per call, without the time it was stored."""
    from curation.difficulty.tables import difficulty_evidence, difficulty_scores, difficulty_signals

    with ws.engine.connect() as conn:
        scores = {r["call_id"]: {k: v for k, v in r.items() if k != "analysed_at"}
                  for r in conn.execute(select(difficulty_scores)).mappings()}
        for r in conn.execute(select(difficulty_signals)).mappings():
            scores[r["call_id"]].setdefault("signals", {})[r["name"]] = dict(r)
        for r in conn.execute(select(difficulty_evidence)).mappings():
            scores[r["call_id"]].setdefault("evidence", []).append(
                (r["signal"], r["rank"], r["quote"], r["role"], r["time"], r["end"]))
    for s in scores.values():
        s["evidence"] = sorted(s.get("evidence", []))
    return scores


def analysed_events(ws, action: str = "difficulty.analysed") -> list[dict]:
    from curation.store.schema import audit_events

    with ws.engine.connect() as conn:
        return [json.loads(r.details_json) for r in conn.execute(
            select(audit_events).where(audit_events.c.action == action).order_by(audit_events.c.seq))]


def test_two_processes_store_exactly_what_one_process_stores(calls_ws):
    from curation.difficulty.store import analyse_workspace

    serial = analyse_workspace(calls_ws, plan=Plan(workers=1))
    assert serial.analysed == CALLS and serial.where == "in-process"
    expected = stored_scores(calls_ws)
    parallel = analyse_workspace(calls_ws, redo=True, plan=Plan(workers=2, chunk_size=2))
    assert parallel.analysed == CALLS and parallel.workers == 2 and not parallel.failed
    assert stored_scores(calls_ws) == expected
    assert [len(e["calls"]) for e in analysed_events(calls_ws)] == [CALLS, 2, 2, 2]  # one audited write per chunk


def test_a_second_run_skips_what_is_stored_unless_redo(calls_ws):
    from curation.difficulty.store import analyse_workspace

    assert analyse_workspace(calls_ws, plan=Plan(workers=1)).analysed == CALLS
    again = analyse_workspace(calls_ws, plan=Plan(workers=1))
    assert again.analysed == 0 and again.skipped == CALLS
    without_audio = analyse_workspace(calls_ws, use_audio=False, plan=Plan(workers=1))  # other inputs: analysed
    assert without_audio.analysed == CALLS


def test_a_dask_cluster_stores_the_same_scores(calls_ws):
    from distributed import LocalCluster

    from curation.difficulty.store import analyse_workspace

    analyse_workspace(calls_ws, plan=Plan(workers=1))
    expected = stored_scores(calls_ws)
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        summary = analyse_workspace(calls_ws, redo=True, plan=Plan(scheduler=cluster.scheduler_address, chunk_size=4))
    assert summary.analysed == CALLS and not summary.failed and summary.workers == 2
    assert summary.where.startswith("Dask scheduler tcp://")
    assert stored_scores(calls_ws) == expected


def test_an_unreachable_scheduler_is_one_clear_message_and_nothing_written(calls_ws):
    from curation.batch import SchedulerUnreachable
    from curation.difficulty.store import analyse_workspace
    from tests.pg import free_port

    with pytest.raises(SchedulerUnreachable, match="unreachable"):
        analyse_workspace(calls_ws, plan=Plan(scheduler=f"tcp://127.0.0.1:{free_port()}", connect_timeout=1.0))
    assert analysed_events(calls_ws) == []


# ---- the CLI killed mid-batch, a worker process killed -------------------------------------------

def _cli(ws, *args) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": f"{ROOT}{os.pathsep}{ROOT / 'datasets'}", "CURATION_USER": "tester"}
    return subprocess.Popen([sys.executable, "-m", "curation.cli", "difficulty", "analyse", "-w", str(ws.root),
                             *args], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            start_new_session=True)


def _block_audio_of(ws, call_id: str, keep: Path) -> Path:
    """Replace a call's recording by a named pipe: whoever reads it waits until the test lets go."""
    from curation.catalogue import get_call

    path = ws.path_of(get_call(ws, call_id).audio_path)
    shutil.copy2(path, keep)
    path.unlink()
    os.mkfifo(path, 0o600)
    return path


def _restore(path: Path, keep: Path) -> None:
    path.unlink()
    shutil.copy2(keep, path)


def _writer(path: Path) -> int | None:
    """The pipe's writing end once a process waits to read it (it then waits for data; none comes)."""
    try:
        return os.open(path, os.O_WRONLY | os.O_NONBLOCK)
    except OSError:
        return None


def _readers_of(path: Path) -> list[int]:
    """Other processes that hold `path` open."""
    pids = []
    for fd_dir in Path("/proc").glob("[0-9]*/fd"):
        if fd_dir.parent.name == str(os.getpid()):
            continue
        try:
            if any(os.readlink(fd) == str(path) for fd in fd_dir.iterdir()):
                pids.append(int(fd_dir.parent.name))
        except OSError:
            continue
    return pids


def _children(pid: int) -> list[int]:
    out = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            if int(stat.read_text().rsplit(")", 1)[1].split()[1]) == pid:
                out.append(int(stat.parent.name))
        except (OSError, ValueError, IndexError):
            continue
    return out


def _wait_for(condition, what: str, limit: float = 120.0):
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError(f"gave up waiting for {what}")


def test_a_cli_killed_mid_batch_continues_and_every_call_is_analysed_exactly_once(calls_ws, tmp_path):
    from curation.catalogue import call_ids

    ids = call_ids(calls_ws)
    blocked = _block_audio_of(calls_ws, ids[2], tmp_path / "keep.wav")
    cli = _cli(calls_ws, "--workers", "2", "--chunk-size", "2")
    try:
        _wait_for(lambda: analysed_events(calls_ws), "the first chunk to be stored")
        writer = _wait_for(lambda: _writer(blocked), "a worker to open the blocked recording")
        _wait_for(lambda: _readers_of(blocked), "a worker to wait on the blocked recording")
        workers = _children(cli.pid)
        os.kill(cli.pid, signal.SIGKILL)
        cli.wait()
        os.close(writer)
        # the CLI's worker processes notice and end themselves (the one reading the pipe included)
        _wait_for(lambda: not any(Path(f"/proc/{p}").exists() and "Z" not in _state(p) for p in workers),
                  "the orphaned workers to end", limit=30)
    finally:
        if cli.poll() is None:
            os.killpg(cli.pid, signal.SIGKILL)
    stored_before = [c for e in analysed_events(calls_ws) for c in e["calls"]]
    assert 2 <= len(stored_before) < CALLS and ids[2] not in stored_before  # whole chunks only
    _restore(blocked, tmp_path / "keep.wav")
    rerun = _cli(calls_ws, "--workers", "2", "--chunk-size", "2")
    out, err = rerun.communicate(timeout=300)
    assert rerun.returncode == 0, err
    assert f"{len(stored_before)} already analysed" in out
    stored = [c for e in analysed_events(calls_ws) for c in e["calls"]]
    assert sorted(stored) == sorted(ids)  # every call exactly once in the audit trail
    assert set(stored_scores(calls_ws)) == set(ids)


def _state(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return "gone"


def test_a_worker_killed_mid_batch_fails_its_call_and_a_rerun_completes(calls_ws, tmp_path):
    from curation import audit
    from curation.catalogue import call_ids

    ids = call_ids(calls_ws)
    blocked = _block_audio_of(calls_ws, ids[3], tmp_path / "keep.wav")
    cli = _cli(calls_ws, "--workers", "2", "--chunk-size", "2")
    try:
        while cli.poll() is None:  # kill every worker that opens the recording (first in the pool, then alone)
            writer = _writer(blocked)
            if writer is not None:
                for pid in _wait_for(lambda: _readers_of(blocked), "the reader of the recording", limit=30):
                    os.kill(pid, signal.SIGKILL)
                os.close(writer)
            time.sleep(0.05)
        out, err = cli.communicate(timeout=60)
    finally:
        if cli.poll() is None:
            os.killpg(cli.pid, signal.SIGKILL)
    assert cli.returncode == 2, err
    assert "analysed 5 calls" in out and "1 failed" in out
    [line] = [ln for ln in err.splitlines() if ln.startswith("failed")]
    assert line.startswith(f"failed   {ids[3]}: {WORKER_DIED}") and "exit code -9" in line
    assert "run the same command again" in err
    _restore(blocked, tmp_path / "keep.wav")
    rerun = _cli(calls_ws, "--workers", "1")
    out, err = rerun.communicate(timeout=300)
    assert rerun.returncode == 0 and "analysed 1 calls" in out and "5 already analysed" in out, err
    assert set(stored_scores(calls_ws)) == set(ids)
    with calls_ws.engine.connect() as conn:
        assert not audit.verify(conn)


def test_a_worker_opens_the_workspace_read_only(calls_ws):
    from sqlalchemy.exc import DBAPIError

    from curation.store.schema import users
    from curation.workspace import Workspace

    with Workspace.open(calls_ws.root, read_only=True) as ro:
        with ro.engine.connect() as conn:
            assert conn.execute(select(users.c.name)).first() is not None  # reads work
        with pytest.raises(DBAPIError, match="(?i)read.?only"):
            with ro.transaction() as conn:
                conn.execute(users.insert().values(name="intruder", role="admin", added_by="x", added_at="now"))
