"""A workspace is owner-only: its folder, database (and -wal/-shm), key, exports and originals are
created so other OS users cannot read them, whatever the umask; `curation doctor` (and `curation
audit verify`) report one line per thing that is too open and `--fix` tightens it."""

from __future__ import annotations

import os
import stat

import pytest

from curation.roles import add_user
from curation.workspace import Workspace
from tests._clip_fixtures import run_cli
from tests._consent_fixtures import GREETING, QUESTION, import_calls


def mode(path) -> int:
    return stat.S_IMODE(os.lstat(path).st_mode)


@pytest.fixture
def loose_umask():
    old = os.umask(0o022)
    yield
    os.umask(old)


@pytest.fixture
def ws(tmp_path, loose_umask):
    ws = Workspace.create(tmp_path / "ws")
    add_user(ws, "admin", "admin", user="admin")
    add_user(ws, "rev", "privacy_reviewer", user="admin")
    add_user(ws, "tester", "trainer", user="admin")
    import_calls(ws, tmp_path / "in", {"c1": {"turns": [GREETING, QUESTION], "customer_ref": "KL-1"}})
    yield ws
    ws.close()


def test_a_new_workspace_is_owner_only_under_a_permissive_umask(ws):
    root = ws.root
    assert mode(root) == 0o700
    for sub in ("originals", "derived", "packs", "exports", "tmp", "keys"):
        assert mode(root / sub) == 0o700, sub
    database = ("catalogue.sqlite", "catalogue.sqlite-wal", "catalogue.sqlite-shm")
    for name in ("keys/secret.key", "workspace.json") + (database if ws.engine.dialect.name == "sqlite" else ()):
        assert (root / name).exists() and mode(root / name) == 0o600, name
    originals = [p for p in (root / "originals").rglob("*")]
    assert originals and all(mode(p) == (0o700 if p.is_dir() else 0o600) for p in originals)


def test_access_exports_are_owner_only(ws):
    from curation.subjects import access_subject

    outcome = access_subject(ws, "KL-1", user="rev")
    assert outcome.path.parent == ws.exports and outcome.path.name == f"{outcome.request_id}.zip"
    assert mode(outcome.path) == 0o600 and mode(ws.exports) == 0o700


@pytest.mark.sqlite_only
def test_doctor_reports_each_open_file_and_fix_tightens_them(ws, monkeypatch, capsys):
    from curation.subjects import access_subject

    export = access_subject(ws, "KL-1", user="rev").path
    original = next(p for p in (ws.root / "originals").rglob("*") if p.is_file())
    code, out, err = run_cli(monkeypatch, capsys, "doctor", "-w", ws.root, user="rev")
    assert code == 0, err
    opened = {ws.root: 0o755, ws.root / "catalogue.sqlite": 0o644, ws.root / "catalogue.sqlite-wal": 0o644,
              ws.key_path: 0o640, original: 0o604, export: 0o644, ws.root / "originals": 0o750}
    for path, m in opened.items():
        os.chmod(path, m)
    code, out, err = run_cli(monkeypatch, capsys, "doctor", "-w", ws.root, user="rev")
    assert code == 8
    lines = [line for line in err.splitlines() if line.startswith("problem: ")]
    assert len(lines) == len(opened), err
    for path in opened:
        assert any(line.startswith(f"problem: {path}: ") for line in lines), (path, err)
    assert "catalogue database too open: group and others can read it (mode 0644; should be 0600)" in err

    code, out, err = run_cli(monkeypatch, capsys, "doctor", "-w", ws.root, "--fix", user="rev")
    assert code == 0, err
    assert out.count("fixed: ") == len(opened)
    assert all(mode(p) == (0o700 if p.is_dir() else 0o600) for p in opened)


@pytest.mark.sqlite_only
def test_audit_verify_runs_the_same_check(ws, monkeypatch, capsys):
    code, out, err = run_cli(monkeypatch, capsys, "audit", "verify", "-w", ws.root, user="rev")
    assert code == 0, err
    os.chmod(ws.root / "catalogue.sqlite", 0o644)
    code, out, err = run_cli(monkeypatch, capsys, "audit", "verify", "-w", ws.root, user="rev")
    assert code == 8 and "audit trail intact" in out
    assert f"problem: {ws.root / 'catalogue.sqlite'}: catalogue database too open" in err


def test_doctor_reports_a_table_added_without_declarations(ws, monkeypatch, capsys):
    from sqlalchemy import Column, MetaData, Table, Text

    import curation.store.schema as schema

    later = MetaData()  # as if a stage had added a table to its tables module and not declared it
    Table("call_notes", later, Column("call_id", Text), Column("note", Text))
    monkeypatch.setattr(schema, "later_metadata", later, raising=False)
    code, out, err = run_cli(monkeypatch, capsys, "doctor", "-w", ws.root, user="rev")
    assert code == 8
    assert "column call_notes.note has no personal-data declaration" in err
    assert "column call_notes.call_id has no personal-data declaration" in err


def test_an_anonymised_clip_version_is_owner_only_under_a_permissive_umask(tmp_path_factory, tmp_path, loose_umask):
    from curation.clips import anonymise_clip
    from tests._clip_fixtures import prepared

    ws, clips = prepared(tmp_path_factory, tmp_path)
    try:
        result = anonymise_clip(ws, clips["c1"], user="trainer")
        assert result.ok, result.blocked_reason
        made = [ws.root / f["path"] for f in result.files.values()]
        assert len(made) == 5 and all(mode(p) == 0o600 for p in made), {p.name: oct(mode(p)) for p in made}
        assert mode(made[0].parent) == 0o700
    finally:
        ws.close()
