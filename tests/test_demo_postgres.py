"""A demo workspace on a PostgreSQL server: removing or rebuilding it drops the databases it made
there (and only those). A real throw-away server (tests/pg.py)."""

from __future__ import annotations

import sqlalchemy as sa

from curation import demo
from curation.workspace import Workspace, new_server_database, workspace_database_url
from tests.pg import postgres_cluster


def databases(server: str) -> set[str]:
    engine = sa.create_engine(server)
    try:
        with engine.connect() as conn:
            return set(conn.execute(sa.text("SELECT datname FROM pg_database")).scalars())
    finally:
        engine.dispose()


def test_removing_a_demo_drops_its_databases_and_leaves_others(tmp_path):
    with postgres_cluster() as server:
        root = tmp_path / "demo"
        made = []
        for folder in (root, demo._staging(root)):  # the workspace and an unfinished rebuild beside it
            ws = Workspace.create(folder, database_server=server)
            ws.close()
            made.append(workspace_database_url(folder).rsplit("/", 1)[1])
        keep = new_server_database(server, "another team").rsplit("/", 1)[1]
        still_open = Workspace.open(root)  # a connection left open does not stop the removal
        with still_open.engine.connect() as conn:
            conn.execute(sa.text("SELECT 1"))
        assert set(made) | {keep} <= databases(server)
        demo.remove(root)
        still_open.engine.dispose()
        assert not root.exists() and not demo._staging(root).exists()
        left = databases(server)
        assert not set(made) & left and keep in left
