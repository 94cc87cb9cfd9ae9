"""Anonymising a catalogued call: permission, workspace key, audit event."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from curation.anonymise.calls import anonymise_call
from curation.errors import PermissionDenied
from curation.ingest import ingest
from curation.roles import add_user
from tests._anonymise_fixtures import make_call, write_transcript_json


@pytest.fixture
def catalogued(workspace, tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    _, tr = make_call(folder, stem="call9")
    write_transcript_json(tr, folder / "call9.json")
    [outcome] = ingest(workspace, [folder], actor="tester")
    assert outcome.status == "imported", outcome.message
    return tr


def test_trainer_anonymises_a_call_and_the_event_is_audited(workspace, catalogued, tmp_path):
    w = catalogued.words[5]
    report = anonymise_call(workspace, "call9", tmp_path / "clip.mp3", user="tester", start=1.0, end=5.0,
                            intervals=[{"start": w.start, "end": w.end, "speaker": w.speaker, "entity_type": "PERSON"}])
    assert report.ok and report.redactions[0].verified and (tmp_path / "clip.mp3").exists()
    with workspace.engine.connect() as conn:
        actions = conn.execute(sa.text("SELECT action, actor FROM audit_events")).all()
    assert ("call.anonymise", "tester") in [tuple(a) for a in actions]


def test_manager_may_not_anonymise_originals(workspace, catalogued, tmp_path):
    add_user(workspace, "boss", "manager", user="admin")
    with pytest.raises(PermissionDenied):
        anonymise_call(workspace, "call9", tmp_path / "clip.wav", user="boss", intervals=[])
    assert not (tmp_path / "clip.wav").exists()


def test_workspace_key_gives_the_same_disguise_twice(workspace, catalogued, tmp_path):
    a = anonymise_call(workspace, "call9", tmp_path / "a.wav", user="tester", intervals=[])
    b = anonymise_call(workspace, "call9", tmp_path / "b.wav", user="tester", intervals=[])
    assert a.ok and b.ok
    assert (tmp_path / "a.wav").read_bytes() == (tmp_path / "b.wav").read_bytes()
