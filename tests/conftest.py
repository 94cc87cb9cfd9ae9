"""Shared fixtures: real files in temporary folders, never mocks of our own code."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

os.environ.setdefault("TLDEXTRACT_PUBLIC_SUFFIX_LIST_URLS", "")
ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"
_SERVER: list = []


def pytest_configure(config):
    """With CURATION_TEST_DATABASE=postgresql the whole suite runs on PostgreSQL: the main process
    starts one throw-away server before the xdist workers start (they inherit its URL) and every
    workspace a test creates gets its own database there (`Workspace.create` reads
    CURATION_DATABASE_SERVER)."""
    from tests.pg import SUITE_ENV, postgres_cluster

    backend = os.environ.get(SUITE_ENV, "sqlite")
    if backend not in ("sqlite", "postgresql"):
        raise pytest.UsageError(f"{SUITE_ENV}={backend!r}: use sqlite or postgresql")
    if backend == "postgresql" and not os.environ.get("PYTEST_XDIST_WORKER"):
        cluster = postgres_cluster()
        os.environ["CURATION_DATABASE_SERVER"] = cluster.__enter__()
        _SERVER.append(cluster)


def pytest_unconfigure(config):
    while _SERVER:
        _SERVER.pop().__exit__(None, None, None)


@pytest.fixture
def workspace(tmp_path, monkeypatch):
    """A workspace with an admin and a trainer, `tester`, who is the acting user unless a test names another."""
    from curation.workspace import Workspace

    from curation.roles import add_user

    monkeypatch.setenv("CURATION_USER", "tester")
    ws = Workspace.create(tmp_path / "ws")
    add_user(ws, "admin", "admin", user="admin")
    add_user(ws, "tester", "trainer", user="admin")
    yield ws
    ws.close()


@pytest.fixture(scope="session")
def artifacts() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS
