"""`curation demo` builds a workspace from the synthetic corpus, with one user per role."""

from __future__ import annotations

import json

from click.testing import CliRunner

from curation.catalogue import calls_frame, read_transcript
from curation.cli.main import cli
from curation.roles import list_users
from curation.workspace import Workspace


def test_demo_builds_a_workspace_once_and_if_missing_keeps_it(tmp_path):
    root = tmp_path / "demo"
    result = CliRunner().invoke(cli, ["demo", "--workspace", str(root), "--calls", "3", "--seed", "5"])
    assert result.exit_code == 0, result.output
    ws = Workspace.open(root)
    frame = calls_frame(ws, user="trainer")
    assert set(frame.call_id) == {"c0001-s5", "c0002-s5", "c0003-s5"}
    assert all(read_transcript(ws, c, user="trainer") is not None for c in frame.call_id)
    assert {r for _, r in list_users(ws, user="manager")} == {"trainer", "privacy_reviewer", "manager", "admin", "agent"}
    assert not list(ws.tmp.iterdir()), "the generated corpus must not stay in the workspace"
    assert not list(root.rglob("*.truth.json")), "ground truth never goes into a workspace"
    from curation.clips import list_clips

    states = sorted(c.state for c in list_clips(ws, user="trainer"))
    assert len(states) == 3 and "approved" in states, states

    again = CliRunner().invoke(cli, ["demo", "--workspace", str(root), "--calls", "3", "--if-missing"])
    assert again.exit_code == 0 and "already present" in again.output
    refused = CliRunner().invoke(cli, ["demo", "--workspace", str(root), "--calls", "3"])
    assert refused.exit_code != 0 and "use --force" in refused.output


def test_demo_is_deterministic_for_a_seed(tmp_path):
    runner = CliRunner()
    for name in ("a", "b"):
        assert runner.invoke(cli, ["demo", "--workspace", str(tmp_path / name), "--calls", "2", "--seed", "9",
                                    "--clips", "0"]).exit_code == 0
    rows = [json.loads(runner.invoke(cli, ["calls", "--workspace", str(tmp_path / n), "--format", "json"],
                                     env={"CURATION_USER": "admin"}).output) for n in ("a", "b")]
    assert rows[0] == rows[1] and len(rows[0]) == 2
