"""`curation coaching` from the command line: the same library operations, one line per refusal."""

from __future__ import annotations

import json

import pytest

from curation.roles import add_user
from tests._clip_fixtures import run_cli
from tests._erasure_fixtures import prepared


@pytest.fixture
def world(tmp_path_factory, tmp_path):
    ws, facts = prepared(tmp_path_factory, tmp_path)
    add_user(ws, "anna", "agent", user="admin")
    yield ws, facts
    ws.close()


def test_a_trainer_evaluates_assigns_and_an_agent_acknowledges(world, monkeypatch, capsys, tmp_path):
    ws, facts = world
    w = ["--workspace", ws.root]

    def cli(*args, user="trainer"):
        return run_cli(monkeypatch, capsys, "coaching", *args, *w, user=user)

    code, out, err = cli("forms")
    assert code == 0 and "service_nl" in out and "sales_nl" in out, err
    code, out, err = cli("evaluate", facts["clips"]["target"], "--form", "sales_nl")
    assert code == 0 and "form sales_nl v1" in out and "suggested" in out and "“" in out, err
    evaluation_id = out.split()[0]
    code, out, err = cli("answer", evaluation_id, "--confirm", "all", "--set", "empathie=4", "--final")
    assert code == 0 and "final" in out, err
    code, out, err = cli("evaluations", "--format", "json")
    assert code == 0 and json.loads(out)[0]["id"] == evaluation_id, err
    code, out, err = cli("agents", "add", "anna", "--id", "agent-017", "--team", "zorg")
    assert code == 0, err
    code, out, err = cli("assign", "--title", "Week 1", "--due", "2099-01-31", "--team", "zorg", "--pack", "week1",
                         "--objective", "Samenvatten")
    assert code == 0 and out.startswith("assigned as-"), err
    assignment_id = out.split()[1]
    code, out, err = cli("assignments", user="anna")
    assert code == 0 and assignment_id in out and "anna" in out, err
    code, out, err = cli("acknowledge", assignment_id, user="anna")
    assert code == 0 and out.strip() == f"acknowledged {assignment_id}", err
    code, out, err = cli("assignments", "--completion", "--format", "json", user="manager")
    assert code == 0 and json.loads(out)[0]["acknowledged"] == 1, err


def test_refusals_are_one_line_with_their_exit_code(world, monkeypatch, capsys):
    ws, facts = world
    w = ["--workspace", ws.root]
    code, out, err = run_cli(monkeypatch, capsys, "coaching", "evaluations", *w, user="manager")
    assert code == 3 and out == "" and len(err.strip().splitlines()) == 1 and "may not read evaluations" in err
    code, out, err = run_cli(monkeypatch, capsys, "coaching", "assign", "--title", "X", "--due", "2001-01-01",
                             "--agent", "anna", "--clip", facts["clips"]["other"], *w)
    assert code == 1 and "due date 2001-01-01 is in the past" in err
