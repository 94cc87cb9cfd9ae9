"""The catalogue also runs on PostgreSQL: migrations, import and the audit chain on a real server."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from curation import audit
from curation.catalogue import calls_frame, load_transcript
from curation.ingest import ingest
from curation.roles import add_user, authorised
from curation.store import head_revision
from curation.workspace import Workspace
from tests import fixtures
from tests.pg import postgres_cluster


@pytest.fixture(scope="module")
def pg_url():
    with postgres_cluster() as url:
        yield url


def test_workspace_on_postgresql_imports_and_audits(tmp_path, pg_url):
    ws = Workspace.create(tmp_path / "w", database_url=pg_url)
    assert ws.engine.dialect.name == "postgresql"
    assert ws.schema_revision() == head_revision()
    add_user(ws, "admin", "admin", user="admin")
    folder = tmp_path / "in"
    folder.mkdir()
    fixtures.tone_audio(folder / "pg1.wav", channels=2)
    fixtures.vtt(folder / "pg1.vtt")
    [outcome] = ingest(ws, [folder], actor="admin")
    assert outcome.status == "imported", outcome.message
    assert list(calls_frame(ws, user="admin").call_id) == ["pg1"]
    with authorised(ws, "calls.analyse", user="admin"):  # the words as an analysis reads them (not audited)
        assert [w.text for w in load_transcript(ws, "pg1").words][:2] == ["Goedemiddag,", "waarmee"]
    with ws.engine.connect() as conn:
        assert audit.verify(conn) == []
        assert conn.execute(sa.text("SELECT count(*) FROM audit_events")).scalar() == 2
    ws.close()


def test_each_workspace_gets_its_own_database_on_a_server(tmp_path, pg_url, monkeypatch, capsys):
    from tests._clip_fixtures import run_cli

    first = Workspace.create(tmp_path / "a", database_server=pg_url)
    second = Workspace.create(tmp_path / "b", database_server=pg_url)
    assert first.engine.url.database != second.engine.url.database
    assert first.engine.url.database.startswith("curation_a_") and first.engine.dialect.name == "postgresql"
    add_user(first, "admin", "admin", user="admin")
    with second.engine.connect() as conn:  # the other workspace's users are not here
        assert conn.execute(sa.text("SELECT count(*) FROM users")).scalar() == 0
    first.close(), second.close()
    monkeypatch.setenv("CURATION_DATABASE_SERVER", pg_url)
    code, out, err = run_cli(monkeypatch, capsys, "init", "-w", tmp_path / "c", user="admin")
    assert code == 0, err
    with Workspace.open(tmp_path / "c") as ws:
        assert ws.engine.dialect.name == "postgresql" and ws.schema_revision() == head_revision()


def test_a_database_server_that_is_not_postgresql_is_a_clear_error(tmp_path):
    from curation.errors import WorkspaceError

    with pytest.raises(WorkspaceError, match="only PostgreSQL servers can hold workspace databases"):
        Workspace.create(tmp_path / "w", database_server=f"sqlite:///{tmp_path / 'x.sqlite'}")
    with pytest.raises(WorkspaceError, match="cannot create a database"):
        Workspace.create(tmp_path / "v", database_server="postgresql+psycopg://nobody@127.0.0.1:1/postgres")
