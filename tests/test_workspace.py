"""Workspace creation, opening, keys and schema upgrades."""

from __future__ import annotations

import json
import stat

import pytest
import sqlalchemy as sa

from curation.errors import WorkspaceError
from curation.store import head_revision, migrate
from curation.workspace import Workspace


def test_create_lays_out_folders_and_owner_only_key(tmp_path):
    ws = Workspace.create(tmp_path / "w")
    for sub in ("originals", "derived", "packs", "keys"):
        assert (ws.root / sub).is_dir()
    assert stat.S_IMODE(ws.originals.stat().st_mode) == 0o700
    assert stat.S_IMODE(ws.key_path.stat().st_mode) == 0o600
    assert len(ws.secret_key()) == 32
    assert ws.schema_revision() == head_revision()


def test_keyed_hash_is_stable_per_workspace_and_differs_across_workspaces(tmp_path):
    a, b = Workspace.create(tmp_path / "a"), Workspace.create(tmp_path / "b")
    assert a.keyed_hash("KL-1") == a.keyed_hash(" kl-1 ")
    assert a.keyed_hash("KL-1") != b.keyed_hash("KL-1")
    assert "KL-1" not in a.keyed_hash("KL-1")


def test_opening_a_folder_that_is_not_a_workspace_is_a_clear_error(tmp_path):
    with pytest.raises(WorkspaceError, match="not a workspace"):
        Workspace.open(tmp_path)


def test_create_refuses_non_empty_folder(tmp_path):
    (tmp_path / "w").mkdir()
    (tmp_path / "w" / "notes.txt").write_text("x")
    with pytest.raises(WorkspaceError, match="not empty"):
        Workspace.create(tmp_path / "w")


def test_opening_an_older_workspace_upgrades_it_and_keeps_rows(tmp_path):
    ws = Workspace.create(tmp_path / "w")
    url = ws.engine.url
    ws.close()
    if url.get_backend_name() == "sqlite":
        (tmp_path / "w" / "catalogue.sqlite").unlink()
    else:  # the workspace's own database on the server: emptied
        with sa.create_engine(url).begin() as conn:
            conn.exec_driver_sql("DROP SCHEMA public CASCADE")
            conn.exec_driver_sql("CREATE SCHEMA public")
    engine = sa.create_engine(url)
    migrate(engine, "0001")  # a workspace as the first version left it
    with engine.begin() as conn:
        conn.execute(sa.text(
            "INSERT INTO calls (id, duration, sample_rate, channels, channel_layout, language, source_checksum, "
            "audio_path, audio_format, timings_estimated, imported_at, metadata_json) VALUES "
            "('old-1', 12.5, 8000, 1, 'mono', 'nl', 'abc', 'originals/ab/abc.wav', 'wav', false, '2025-01-01', '{}')"))
        conn.execute(sa.text("INSERT INTO words VALUES ('old-1', 0, 'hallo', 0.1, 0.4, 'agent', 0.9, false)"))
    engine.dispose()
    reopened = Workspace.open(tmp_path / "w")
    assert reopened.schema_revision() == head_revision() != "0001"
    with reopened.engine.connect() as conn:
        assert conn.execute(sa.text("SELECT id, duration FROM calls")).all() == [("old-1", 12.5)]
        assert conn.execute(sa.text("SELECT text FROM words")).scalar() == "hallo"
        assert "clips" in sa.inspect(conn).get_table_names()


def test_database_url_can_point_elsewhere(tmp_path):
    url = f"sqlite:///{tmp_path / 'elsewhere.sqlite'}"
    ws = Workspace.create(tmp_path / "w", database_url=url)
    assert json.loads((ws.root / "workspace.json").read_text())["database_url"] == url
    assert (tmp_path / "elsewhere.sqlite").exists() and not (ws.root / "catalogue.sqlite").exists()
