"""Erasure on PostgreSQL: the erased rows are gone from every table and from the table files the
server keeps on disk (VACUUM FULL of the affected tables, then CHECKPOINT). The write-ahead log
(pg_wal) keeps its history until the server recycles it; that is outside these files."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import text

from curation.roles import add_user
from curation.workspace import Workspace
from tests._consent_fixtures import ANSWER, GREETING, NOTICE_TRAINING, QUESTION, import_calls
from tests._leak_search import search_database
from tests.pg import postgres_cluster

WORDS = ["evertje", "quakkelaar", "oudeschild"]
CALLS = {
    "mine": {"turns": [NOTICE_TRAINING, GREETING, ("customer", "Mijn naam is Evertje Quakkelaar uit Oudeschild."),
                       QUESTION, ("customer", "Ik ben heel boos, Quakkelaar is de naam, onacceptabel!"), ANSWER],
             "customer_ref": "KL-111", "employee_informed": True},
    "theirs": {"turns": [NOTICE_TRAINING, GREETING, QUESTION, ANSWER], "customer_ref": "KL-222",
               "employee_informed": True},
}


def database_files(conn) -> list[Path]:
    data = Path(conn.execute(text("SHOW data_directory")).scalar_one())
    oid = conn.execute(text("SELECT oid FROM pg_database WHERE datname = current_database()")).scalar_one()
    return sorted(p for p in (data / "base" / str(oid)).iterdir() if p.is_file())


def files_holding(conn, words) -> list[str]:
    conn.execute(text("CHECKPOINT"))
    return sorted({f"{p.name}:{w}" for p in database_files(conn) for w in words
                   if w.encode() in p.read_bytes().lower()})


@pytest.fixture
def pg_ws(tmp_path):
    with postgres_cluster() as url:
        ws = Workspace.create(tmp_path / "w", database_url=url)
        add_user(ws, "admin", "admin", user="admin")
        add_user(ws, "tester", "trainer", user="admin")
        add_user(ws, "rev", "privacy_reviewer", user="admin")
        yield ws
        ws.close()


def test_erasure_on_postgresql_leaves_the_words_in_no_table_and_no_table_file(pg_ws, tmp_path):
    from curation.consent.analysis import analyse_consent
    from curation.difficulty.store import analyse_workspace
    from curation.subjects import erase_subject

    ws = pg_ws
    import_calls(ws, tmp_path / "in", CALLS)
    analyse_workspace(ws, user="admin")
    analyse_consent(ws, user="tester")
    with ws.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        assert search_database(ws.engine, WORDS) and files_holding(conn, WORDS)  # the search can find them

    outcome = erase_subject(ws, "KL-111", user="rev")

    assert outcome.calls == ["mine"]
    assert search_database(ws.engine, WORDS) == []
    with ws.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        assert files_holding(conn, WORDS) == []
        assert conn.execute(text("SELECT count(*) FROM words WHERE call_id = 'theirs'")).scalar_one() > 0
