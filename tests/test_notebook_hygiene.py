"""Apps that cannot go stale: every tracked notebook is saved without outputs, execution counts or
widget state and starts with a one-line "Run → Run All" instruction; a real Jupyter server with the
project's config strips outputs when a notebook is saved (autosave included)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import nbformat
import pytest

from tests._widget_fixtures import REPO
from tests.pg import free_port

INSTRUCTION = "**Run → Run All**"


def tracked_notebooks() -> list[Path]:
    out = subprocess.run(["git", "ls-files", "*.ipynb"], cwd=REPO, capture_output=True, text=True, check=True)
    return [REPO / line for line in out.stdout.splitlines() if line]


def test_there_are_tracked_notebooks():
    assert len(tracked_notebooks()) >= 4


@pytest.mark.parametrize("path", tracked_notebooks(), ids=lambda p: p.name)
def test_tracked_notebook_has_no_outputs_and_starts_with_run_all(path):
    nb = nbformat.read(path, as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert all(c.outputs == [] and c.execution_count is None for c in code), f"{path.name} was saved with outputs"
    assert "widgets" not in nb.metadata, f"{path.name} holds saved widget state"
    first = nb.cells[0]
    assert first.cell_type == "markdown" and first.source.splitlines()[0].startswith(INSTRUCTION)


def test_stripped_removes_outputs_counts_and_widget_state():
    from widgets.hygiene import stripped

    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("1 + 1", execution_count=3)
    cell.outputs = [nbformat.v4.new_output("execute_result", {"text/plain": "2"}, execution_count=3)]
    nb.cells = [cell]
    nb.metadata["widgets"] = {"application/vnd.jupyter.widget-state+json": {"state": {}}}
    stripped(nb)
    assert (cell.outputs, cell.execution_count, "widgets" in nb.metadata) == ([], None, False)


@pytest.mark.slow
def test_a_jupyter_server_with_the_project_config_saves_notebooks_without_outputs(tmp_path):
    config = json.loads((REPO / "jupyter-config/jupyter_server_config.json").read_text())
    assert config["FileContentsManager"]["pre_save_hook"] == "widgets.hygiene.strip_outputs"
    assert "export JUPYTER_CONFIG_PATH := $(abspath jupyter-config)" in (REPO / "Makefile").read_text()
    root, port, token = tmp_path / "root", free_port(), "t0ken"
    root.mkdir()
    env = {**os.environ, "JUPYTER_CONFIG_PATH": str(REPO / "jupyter-config"), "JUPYTER_RUNTIME_DIR": str(tmp_path),
           "PYTHONPATH": os.pathsep.join([str(REPO), os.environ.get("PYTHONPATH", "")])}
    log = open(tmp_path / "server.log", "w")
    server = subprocess.Popen([sys.executable, "-m", "jupyter_server", "--no-browser", f"--port={port}",
                               "--ServerApp.ip=127.0.0.1", f"--IdentityProvider.token={token}",
                               f"--ServerApp.root_dir={root}", *(["--allow-root"] if os.getuid() == 0 else [])],
                              env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        nb = nbformat.v4.new_notebook()
        cell = nbformat.v4.new_code_cell("1 + 1", execution_count=1)
        cell.outputs = [nbformat.v4.new_output("execute_result", {"text/plain": "2"}, execution_count=1)]
        nb.cells = [cell]
        body = json.dumps({"type": "notebook", "format": "json", "content": nb}).encode()
        request = urllib.request.Request(f"http://127.0.0.1:{port}/api/contents/saved.ipynb", data=body, method="PUT",
                                         headers={"Authorization": f"token {token}", "Content-Type": "application/json"})
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(request, timeout=5).read()
                break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise
                time.sleep(0.3)
    finally:
        server.terminate()
        server.wait(timeout=20)
    saved = nbformat.read(root / "saved.ipynb", as_version=4)
    assert saved.cells[0].outputs == [] and saved.cells[0].execution_count is None
