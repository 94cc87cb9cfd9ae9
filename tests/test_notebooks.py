"""Every role notebook runs top to bottom (nbclient) on a demo workspace and shows its component."""

from __future__ import annotations

import json

import nbformat
import pytest
from nbclient import NotebookClient

from tests._widget_fixtures import NOTEBOOKS

pytest_plugins = ["tests._widget_fixtures"]  # demo workspace fixtures

ROLE_NOTEBOOKS = {
    "trainer_pick_calls.ipynb": ("trainer", "cw-trainer"),
    "trainer_build_pack.ipynb": ("trainer", "cw-pack-builder"),
    "reviewer_queue.ipynb": ("reviewer", "cw-review-queue"),
    "manager_dashboard.ipynb": ("manager", "cw-dashboard"),
    "agent_assignments.ipynb": ("agent", "cw-agent-assignments"),
    "trainer_evaluate.ipynb": ("trainer", "cw-evaluation"),
}


def test_the_role_notebooks_exist_and_are_thin():
    assert sorted(p.name for p in NOTEBOOKS.glob("*.ipynb")) == sorted(ROLE_NOTEBOOKS)
    for name in ROLE_NOTEBOOKS:
        code = [c for c in nbformat.read(NOTEBOOKS / name, as_version=4).cells if c.cell_type == "code"]
        assert len(code) == 1 and len(code[0].source.splitlines()) <= 6


@pytest.mark.parametrize("name", sorted(ROLE_NOTEBOOKS))
def test_role_notebook_runs_and_shows_its_component(name, demo_path, monkeypatch):
    user, css_class = ROLE_NOTEBOOKS[name]
    monkeypatch.setenv("CURATION_WORKSPACE", str(demo_path))
    monkeypatch.delenv("CURATION_USER", raising=False)  # the notebook's demo default applies
    monkeypatch.delenv("JUPYTERHUB_USER", raising=False)
    nb = nbformat.read(NOTEBOOKS / name, as_version=4)
    NotebookClient(nb, timeout=240, kernel_name="python3", resources={"metadata": {"path": str(NOTEBOOKS)}},
                   store_widget_state=True).execute()
    outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs]
    assert not [o for o in outputs if o.output_type == "error"]
    assert any("application/vnd.jupyter.widget-view+json" in o.get("data", {}) for o in outputs)
    state = nb.metadata["widgets"]["application/vnd.jupyter.widget-state+json"]["state"]
    classes = {c for m in state.values() for c in m["state"].get("_dom_classes", [])}
    assert css_class in classes and "cw-app-error" not in classes
    dumped = json.dumps(state)
    assert "cw-msg-error" not in dumped, [m["state"].get("value") for m in state.values()
                                          if "cw-msg-error" in json.dumps(m)]
