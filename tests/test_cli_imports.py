"""The command line starts fast: `curation --help` (and each command's --help) imports none of the
heavy libraries; only the commands that need them do. Timings are in benchmarks/cli_start.py."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
HEAVY = ("pandas", "numpy", "scipy", "sqlalchemy", "alembic", "presidio_analyzer", "spacy", "jsonschema", "pydub",
         "fastjsonschema", "soundfile")
PROBE = """
import json, sys
heavy = json.loads(sys.argv[2])
sys.argv = ["curation", *json.loads(sys.argv[1])]
from curation.cli.main import main
try:
    main()
except SystemExit:
    pass
print(json.dumps(sorted(m for m in heavy if m in sys.modules)))
"""


def heavy_imported(*args: str) -> list[str]:
    env = {**os.environ, "PYTHONPATH": f"{REPO}:{REPO / 'datasets'}"}
    result = subprocess.run([sys.executable, "-c", PROBE, json.dumps(args), json.dumps(HEAVY)],
                            capture_output=True, text=True, env=env, timeout=120)
    assert result.returncode == 0, result.stderr[-2000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_help_imports_no_heavy_library():
    assert heavy_imported("--help") == []


@pytest.mark.parametrize("command", ["calls", "clips", "anonymise", "review", "pack", "pii", "consent", "demo",
                                     "difficulty", "users", "audit", "subjects", "retention", "ingest", "corpus"])
def test_each_commands_help_imports_no_heavy_library(command):
    assert heavy_imported(command, "--help") == []


def test_a_command_that_needs_a_library_does_import_it(tmp_path):
    """The probe can fail: opening a workspace does load SQLAlchemy (and only what it needs)."""
    env_ws = str(tmp_path / "ws")
    found = heavy_imported("init", "--workspace", env_ws)
    assert "sqlalchemy" in found and "presidio_analyzer" not in found and "jsonschema" not in found


def test_opening_an_up_to_date_workspace_does_not_run_alembic(tmp_path):
    from curation.workspace import Workspace

    Workspace.create(tmp_path / "ws").close()
    script = ("import sys; from curation.workspace import Workspace; "
              f"ws = Workspace.open({str(tmp_path / 'ws')!r}); print(ws.schema_revision()); "
              "print('alembic' in sys.modules)")
    env = {**os.environ, "PYTHONPATH": f"{REPO}:{REPO / 'datasets'}"}
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env, timeout=120)
    assert result.returncode == 0, result.stderr[-2000:]
    from curation.store import head_revision

    assert result.stdout.split() == [head_revision(), "False"]


def test_the_head_revision_read_from_the_files_is_alembics():
    from alembic.script import ScriptDirectory

    from curation.store import _config, head_revision

    assert ScriptDirectory.from_config(_config()).get_heads() == [head_revision()]
