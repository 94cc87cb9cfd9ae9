"""Shared fixtures: real files in temporary folders, never mocks of our own code."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

os.environ.setdefault("TLDEXTRACT_PUBLIC_SUFFIX_LIST_URLS", "")
ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"


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
