"""Shared fixtures: real files in temporary folders, never mocks of our own code."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

os.environ.setdefault("TLDEXTRACT_PUBLIC_SUFFIX_LIST_URLS", "")
ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"


@pytest.fixture
def workspace(tmp_path):
    from curation.workspace import Workspace

    from curation.roles import add_user

    ws = Workspace.create(tmp_path / "ws")
    add_user(ws, "admin", "admin", user="admin")
    add_user(ws, "tester", "trainer", user="admin")
    yield ws
    ws.close()


@pytest.fixture(scope="session")
def artifacts() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS
