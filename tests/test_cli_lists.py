"""`curation clips list` and `curation users add`: what a batch script sees is what the library holds."""

from __future__ import annotations

import json

import pytest

from curation.consent import decide_clip
from curation.roles import list_users
from curation.workspace import Workspace
from tests._clip_fixtures import prepared, run_cli


@pytest.fixture
def ws_clips(tmp_path_factory, tmp_path):
    ws, clips = prepared(tmp_path_factory, tmp_path)
    yield ws, clips
    ws.close()


def test_clips_list_shows_the_effective_consent_decision_of_a_clip_made_by_the_cli(ws_clips, monkeypatch, capsys):
    ws, clips = ws_clips
    code, out, err = run_cli(monkeypatch, capsys, "clips", "create", "-w", ws.root, "--call", "call2",
                             "--start", "0", "--end", "8")
    assert code == 0, err
    made = out.strip().splitlines()[-1]
    code, out, err = run_cli(monkeypatch, capsys, "clips", "list", "-w", ws.root, "--format", "json")
    assert code == 0, err
    consent = {row["clip_id"]: row["consent"] for row in json.loads(out)}
    expected = {c: decide_clip(ws, c, user="trainer").decision for c in [*clips.values(), made]}
    assert consent == expected
    assert consent[made] == "reenactment_required" and consent[clips["c1"]] == "training_allowed"
    code, out, err = run_cli(monkeypatch, capsys, "clips", "list", "-w", ws.root)
    assert code == 0 and "NaN" not in out and "None" not in out  # no title: blank
    assert all(line.split()[-1] in ("training_allowed", "reenactment_required", "excluded")
               for line in out.strip().splitlines()[1:])


def test_users_add_keeps_every_role_given(tmp_path, monkeypatch, capsys):
    ws = Workspace.create(tmp_path / "ws")
    code, out, err = run_cli(monkeypatch, capsys, "users", "add", "-w", ws.root, "boss", "--role", "trainer",
                             "--role", "admin", user="boss")  # the first user: admin first, then the rest
    assert code == 0, err
    code, out, err = run_cli(monkeypatch, capsys, "users", "add", "-w", ws.root, "ann", "--role", "trainer",
                             "--role", "manager", "--role", "trainer", user="boss")
    assert code == 0, err
    roles = sorted(role for name, role in list_users(ws, user="boss") if name == "ann")
    assert roles == ["manager", "trainer"]
    assert sorted(r for n, r in list_users(ws, user="boss") if n == "boss") == ["admin", "trainer"]
    code, out, err = run_cli(monkeypatch, capsys, "users", "remove", "-w", ws.root, "ann", "--role", "trainer",
                             "--role", "manager", user="boss")
    assert code == 0, err
    assert not [n for n, _ in list_users(ws, user="boss") if n == "ann"]
