"""Erasure, retention and access exports are each one audited operation: one audit event, nothing
written when they fail halfway, files deleted only after the commit, and an erasure a crash
interrupted (kill before or after the commit) is finished or dropped by the next run, idempotently."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, select, text

from curation.catalogue import get_call
from curation.clips import create_clip
from curation.errors import PermissionDenied
from curation.roles import add_user
from curation.store.doctor import check_workspace
from curation.store.forget import pending_journals
from curation.store.schema import audit_events, words
from curation.subjects import access_subject, erase_subject
from tests.pg import allow, refuse
from tests._consent_fixtures import ANSWER, GREETING, NOTICE_TRAINING, QUESTION, import_calls

ROOT = Path(__file__).resolve().parent.parent
NAME = ("customer", "Mijn naam is Evertje Quakkelaar uit Oudeschild.")
CALLS = {
    "mine": {"turns": [NOTICE_TRAINING, GREETING, NAME, QUESTION, ANSWER], "customer_ref": "KL-111",
             "retention_until": "2026-03-01", "employee_informed": True},
    "theirs": {"turns": [NOTICE_TRAINING, GREETING, QUESTION, ANSWER], "customer_ref": "KL-222",
               "retention_until": "2027-03-01", "employee_informed": True},
}


@pytest.fixture
def ws(workspace, tmp_path):
    from curation.difficulty.store import analyse_workspace

    add_user(workspace, "rev", "privacy_reviewer", user="admin")
    add_user(workspace, "boss", "manager", user="admin")
    import_calls(workspace, tmp_path / "in", CALLS)
    analyse_workspace(workspace, user="admin")
    clip = create_clip(workspace, "mine", 0.0, 6.0, detect=False, user="tester").id
    (workspace.derived / "clips" / clip).mkdir(parents=True)
    (workspace.derived / "clips" / clip / "audio.mp3").write_bytes(b"anonymised")
    access_subject(workspace, "KL-111", user="rev")
    return workspace


def state(ws) -> dict:
    """Everything an erasure of KL-111 changes: rows, hashes, audit events, files."""
    with ws.engine.connect() as conn:
        counts = {t: conn.execute(text(f'SELECT count(*) FROM "{t}"')).scalar_one()
                  for t in ("words", "turns", "speakers", "difficulty_evidence", "difficulty_scores",
                            "consent_records", "subject_requests", "original_deletions", "audit_events")}
        hashes = conn.execute(text("SELECT id, customer_ref_hash, recorded_at FROM calls ORDER BY id")).all()
        clip_states = conn.execute(text("SELECT id, state, title FROM clips")).all()
    files = sorted(str(p.relative_to(ws.root)) for p in ws.root.rglob("*")
                   if p.is_file() and not p.name.startswith("catalogue.sqlite"))
    return {"counts": counts, "calls": hashes, "clips": clip_states, "files": files}


def audit_count(ws) -> int:
    with ws.engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(audit_events)).scalar_one()


def test_each_request_writes_exactly_one_audit_event(ws):
    from curation.retention import run_retention

    for run in (lambda: access_subject(ws, "KL-222", user="rev"),
                lambda: run_retention(ws, dry_run=True, today=date(2026, 6, 1), user="rev"),
                lambda: run_retention(ws, dry_run=False, today=date(2026, 6, 1), user="rev"),
                lambda: erase_subject(ws, "KL-222", user="rev"),
                lambda: erase_subject(ws, "KL-222", user="rev")):
        before = audit_count(ws)
        run()
        assert audit_count(ws) == before + 1


def test_a_user_without_the_role_is_refused_and_nothing_is_written(ws):
    from curation.retention import run_retention

    before = state(ws)
    for run in (lambda: erase_subject(ws, "KL-111", user="boss"),
                lambda: access_subject(ws, "KL-111", user="boss"),
                lambda: run_retention(ws, dry_run=False, today=date(2026, 6, 1), user="tester")):
        with pytest.raises(PermissionDenied):
            run()
    assert state(ws) == before and pending_journals(ws.root) == []


def test_a_failure_in_the_middle_of_an_erasure_leaves_everything_as_it_was(ws):
    before = state(ws)
    with ws.transaction() as conn:  # the database refuses one of the deletions, after others were done
        refuse(conn, "refuse", "BEFORE DELETE", "words", "injected failure")
    with pytest.raises(Exception, match="injected failure"):
        erase_subject(ws, "KL-111", user="rev")
    assert state(ws) == before
    assert pending_journals(ws.root) == [] and list(ws.tmp.iterdir()) == []
    with ws.transaction() as conn:
        allow(conn, "refuse", "words")
    assert erase_subject(ws, "KL-111", user="rev").calls == ["mine"]


def test_a_failed_access_export_leaves_no_file(ws):
    before = state(ws)
    with ws.transaction() as conn:
        refuse(conn, "refuse", "BEFORE INSERT", "subject_requests", "injected failure")
    with pytest.raises(Exception, match="injected failure"):
        access_subject(ws, "KL-111", user="rev")
    assert state(ws) == before and list(ws.tmp.iterdir()) == []


def _erase_in_a_process_that_dies(ws, when: str) -> int:
    """Run the erasure in another process killed (os._exit) just before its commit, or at its first
    file deletion after the commit."""
    script = f"""
import os, shutil, sys
from pathlib import Path
from sqlalchemy import event
from curation.workspace import Workspace
from curation.subjects import erase_subject
ws = Workspace.open(sys.argv[1])
def die(*args, **kwargs):
    os._exit(9)
if {when!r} == "before_commit":
    @event.listens_for(ws.engine, "commit")
    def crash(conn):
        if list((ws.root / "tmp").glob("forget-*.json")):
            die()
else:
    shutil.rmtree = Path.unlink = os.unlink = os.remove = die
erase_subject(ws, "KL-111", user="rev")
"""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), str(ROOT / "datasets")])}
    ws.engine.dispose()
    return subprocess.run([sys.executable, "-c", script, str(ws.root)], env=env, capture_output=True).returncode


def test_an_erasure_killed_after_its_commit_is_finished_by_the_next_one(ws):
    original = ws.root / get_call(ws, "mine").audio_path
    assert _erase_in_a_process_that_dies(ws, "after_commit") == 9
    assert original.exists() and len(pending_journals(ws.root)) == 1  # committed, files not yet deleted
    assert any("did not finish" in p.problem for p in check_workspace(ws.root))
    with ws.engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(words).where(words.c.call_id == "mine")).scalar() == 0
    after_crash = audit_count(ws)

    again = erase_subject(ws, "KL-111", user="rev")

    assert again.calls == [] and any("finished" in n for n in again.notes)
    assert not original.exists() and pending_journals(ws.root) == []
    assert not list(ws.exports.iterdir()) and not [p for p in ws.derived.rglob("*") if p.is_file()]
    assert audit_count(ws) == after_crash + 1
    settled = state(ws)
    erase_subject(ws, "KL-111", user="rev")
    third = state(ws)
    assert third["files"] == settled["files"] and third["calls"] == settled["calls"]
    assert check_workspace(ws.root) == []


def test_an_erasure_killed_before_its_commit_changed_nothing_and_can_run_again(ws):
    before = state(ws)
    assert _erase_in_a_process_that_dies(ws, "before_commit") == 9
    assert len(pending_journals(ws.root)) == 1
    left = state(ws)
    assert left["counts"] == before["counts"] and left["calls"] == before["calls"]
    assert [f for f in left["files"] if not f.startswith("tmp/")] == before["files"]

    outcome = erase_subject(ws, "KL-111", user="rev")

    assert any("never committed" in n for n in outcome.notes) and outcome.calls == ["mine"]
    assert pending_journals(ws.root) == [] and not (ws.root / get_call(ws, "mine").audio_path).exists()


@pytest.mark.sqlite_only
def test_a_reader_holding_an_old_snapshot_delays_the_vacuum_until_doctor_fix(ws, monkeypatch, capsys):
    import sqlite3

    from tests._clip_fixtures import run_cli

    reader = sqlite3.connect(ws.root / "catalogue.sqlite", isolation_level=None)
    reader.execute("BEGIN")
    assert reader.execute("SELECT count(*) FROM words WHERE text = 'Quakkelaar'").fetchone()[0] == 1
    outcome = erase_subject(ws, "KL-111", user="rev")
    assert any("database was busy" in n for n in outcome.notes)
    assert not (ws.root / get_call(ws, "mine").audio_path).exists()  # the files went anyway
    code, out, err = run_cli(monkeypatch, capsys, "doctor", "-w", ws.root, user="rev")
    assert code == 8 and "database not vacuumed" in err
    reader.execute("COMMIT")
    reader.close()
    code, out, err = run_cli(monkeypatch, capsys, "doctor", "-w", ws.root, "--fix", user="rev")
    assert code == 0 and f"{outcome.request_id}: finished" in out
    raw = b"".join(p.read_bytes() for p in ws.root.glob("catalogue.sqlite*"))
    assert b"quakkelaar" not in raw.lower() and pending_journals(ws.root) == []
