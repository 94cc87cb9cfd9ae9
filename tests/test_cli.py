"""The command line: help texts, ingest and calls contracts, documentation drift."""

from __future__ import annotations

import csv
import io
import json
import os
import pkgutil
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner

import curation.cli
from curation.cli.main import cli
from tests import fixtures

ROOT = Path(__file__).resolve().parent.parent


def run(*args, env=None):
    env = {"CURATION_USER": "admin", **(env or {})}
    result = CliRunner().invoke(cli, [str(a) for a in args], env=env, catch_exceptions=False)
    return result


def test_every_cli_module_imports():
    for info in pkgutil.iter_modules(curation.cli.__path__):
        if info.name != "__main__":
            __import__(f"curation.cli.{info.name}")


def test_help_lists_the_foundation_commands():
    out = run("--help").output
    for command in ("demo", "ingest", "calls", "init"):
        assert f"  {command} " in out


def test_ingest_then_calls_in_every_format(tmp_path):
    ws = tmp_path / "ws"
    assert run("init", "--workspace", ws).exit_code == 0
    folder = tmp_path / "in"
    folder.mkdir()
    fixtures.tone_audio(folder / "a.wav")
    fixtures.project_json(folder / "a.json")
    fixtures.tone_audio(folder / "b.wav", duration=5.5)
    fixtures.stm(folder / "b.stm")
    result = run("ingest", "--workspace", ws, folder)
    assert result.exit_code == 0, result.output
    assert "2 imported, 0 already present, 0 failed" in result.output
    rows = json.loads(run("calls", "--workspace", ws, "--format", "json").output)
    assert [r["call_id"] for r in rows] == ["a", "b"]
    table = run("calls", "--workspace", ws).output
    assert "call_id" in table and " a " in f" {table.split(chr(10))[1]} "
    parsed = list(csv.DictReader(io.StringIO(run("calls", "--workspace", ws, "--format", "csv").output)))
    assert [r["call_id"] for r in parsed] == ["a", "b"]


def test_ingest_failure_exits_non_zero_with_one_line_per_problem(tmp_path):
    ws = tmp_path / "ws"
    run("init", "--workspace", ws)
    bad = tmp_path / "broken.wav"
    bad.write_bytes(b"RIFF....WAVEnonsense")
    result = subprocess.run([sys.executable, "-m", "curation.cli", "ingest", "--workspace", str(ws), str(bad)],
                            capture_output=True, text=True, env={**os.environ, "CURATION_USER": "admin"})
    assert result.returncode == 2
    assert f"failed   {bad}:" in result.stderr and len(result.stderr.strip().splitlines()) == 1


def test_workspace_comes_from_the_environment(tmp_path):
    ws = tmp_path / "ws"
    run("init", "--workspace", ws)
    result = run("calls", "--format", "json", env={"CURATION_WORKSPACE": str(ws)})
    assert result.exit_code == 0 and json.loads(result.output) == []


def test_missing_workspace_is_a_one_line_error(tmp_path):
    result = subprocess.run([sys.executable, "-m", "curation.cli", "calls", "--workspace", str(tmp_path / "nope")],
                            capture_output=True, text=True)
    assert result.returncode == 1
    assert result.stderr.strip().startswith("error: ") and "not a workspace" in result.stderr


def test_cli_reference_in_docs_matches_help():
    from curation.cli.docs import render

    assert (ROOT / "docs" / "cli.md").read_text() == render(), "docs/cli.md is stale: run `make docs`"
