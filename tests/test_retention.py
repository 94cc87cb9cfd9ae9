"""Retention runs (dry run vs run) and data-subject requests: erasure cascading to clips and packs
with nothing else lost, a tombstone without personal data, and access exports."""

from __future__ import annotations

import json
import zipfile
from datetime import date

import pytest
from click.testing import CliRunner
from sqlalchemy import func, select, text

from curation.catalogue import get_call, read_transcript
from curation.clips import create_clip
from curation.consent.decisions import decide_clip
from curation.consent.analysis import call_consent
from curation.errors import PermissionDenied
from curation.retention import due_originals, run_retention
from curation.roles import add_user
from curation.store.schema import audit_events, clips, words
from curation.subjects import access_subject, erase_subject
from tests._consent_fixtures import ANSWER, GREETING, NOTICE_TRAINING, OBJECTION, QUESTION, import_calls

CALLS = {
    "old": {"turns": [NOTICE_TRAINING, GREETING, QUESTION, OBJECTION, ANSWER], "customer_ref": "KL-111",
            "retention_until": "2026-03-01", "employee_informed": True},
    "new": {"turns": [NOTICE_TRAINING, GREETING, QUESTION, ANSWER], "customer_ref": "KL-222",
            "retention_until": "2027-03-01", "employee_informed": True},
    "again": {"turns": [GREETING, QUESTION, ANSWER, ("customer", "Dank u wel, tot ziens.")], "customer_ref": "KL-111",
              "retention_until": "2027-06-01", "employee_informed": True},
}
TODAY = date(2026, 6, 1)


@pytest.fixture
def ws(workspace, tmp_path):
    add_user(workspace, "rev", "privacy_reviewer", user="admin")
    import_calls(workspace, tmp_path / "in", CALLS)
    return workspace


def audio_of(ws, call_id):
    return ws.root / get_call(ws, call_id).audio_path


def word_count(ws, call_id):
    with ws.engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(words).where(words.c.call_id == call_id)).scalar_one()


def actions(ws):
    with ws.engine.connect() as conn:
        return [r.action for r in conn.execute(select(audit_events.c.action).order_by(audit_events.c.seq))]


def test_dry_run_lists_what_would_go_and_deletes_nothing(ws):
    report = run_retention(ws, dry_run=True, today=TODAY, user="rev")
    assert [d.call_id for d in report.due] == ["old"] and report.due[0].retention_until == "2026-03-01"
    assert report.deleted == [] and audio_of(ws, "old").exists() and word_count(ws, "old") > 0
    assert actions(ws)[-1] == "retention.dry_run"


def test_run_deletes_originals_past_retention_and_keeps_consent_flags_and_the_rest(ws):
    clip = create_clip(ws, "old", 0.0, 3.0, detect=False, user="tester").id
    before = decide_clip(ws, clip)
    report = run_retention(ws, dry_run=False, today=TODAY, user="rev")
    assert report.deleted == ["old"]
    assert not audio_of(ws, "old").exists() and word_count(ws, "old") == 0 and read_transcript(ws, "old", user="tester") is None
    assert audio_of(ws, "new").exists() and word_count(ws, "new") > 0 and word_count(ws, "again") > 0
    record = call_consent(ws, "old", user="rev")["record"]
    assert record["customer_objected"] and record["evidence"]["objection"]["quote"] is None  # flag kept, quote gone
    assert decide_clip(ws, clip).decision == before.decision
    assert due_originals(ws, TODAY) == []
    assert run_retention(ws, dry_run=False, today=TODAY, user="rev").deleted == []
    assert [a for a in actions(ws) if a.startswith("retention.")][-2:] == ["retention.run", "retention.run"]


def test_only_reviewers_and_admins_run_retention(ws):
    with pytest.raises(PermissionDenied):
        run_retention(ws, dry_run=True, today=TODAY, user="tester")


def _register_pack(ws, pack_id, clip_ids):
    from curation.packs.registry import register

    with ws.transaction() as conn:
        register(conn, pack_id, pack_id, None, f"packs/{pack_id}.zip", "0" * 64, "tester", clip_ids)


def test_erasure_cascades_to_clips_and_packs_and_nothing_else_is_lost(ws):
    mine_a = create_clip(ws, "old", 0.0, 3.0, detect=False, user="tester").id
    mine_b = create_clip(ws, "again", 0.0, 2.0, detect=False, user="tester").id
    other = create_clip(ws, "new", 0.0, 3.0, detect=False, user="tester").id
    (ws.derived / "clips" / mine_a).mkdir(parents=True)
    (ws.derived / "clips" / mine_a / "audio.mp3").write_bytes(b"anonymised")
    (ws.derived / "clips" / other).mkdir(parents=True)
    (ws.derived / "clips" / other / "audio.mp3").write_bytes(b"anonymised")
    _register_pack(ws, "pack-mixed", [mine_a, other])
    _register_pack(ws, "pack-other", [other])

    outcome = erase_subject(ws, "  kl-111 ", user="rev")  # normalised like at import

    assert outcome.calls == ["again", "old"]
    assert outcome.clips_revoked == sorted([mine_a, mine_b]) and outcome.packs_revoked == ["pack-mixed"]
    for call_id in ("old", "again"):
        assert not audio_of(ws, call_id).exists() and word_count(ws, call_id) == 0
        assert get_call(ws, call_id).customer_ref_hash is None
    assert not (ws.derived / "clips" / mine_a).exists()
    with ws.engine.connect() as conn:
        states = dict(conn.execute(select(clips.c.id, clips.c.state)).all())
        pack_states = dict(conn.execute(text("SELECT id, state FROM packs")).all())
        tombstone = conn.execute(text("SELECT kind, summary_json FROM subject_requests")).one()
        consent_rows = conn.execute(text("SELECT call_id FROM consent_records")).scalars().all()
    assert states == {mine_a: "revoked", mine_b: "revoked", other: "draft"}
    assert pack_states == {"pack-mixed": "revoked", "pack-other": "built"}
    assert decide_clip(ws, mine_a).decision == "excluded"
    shown = call_consent(ws, "old", user="rev")
    assert shown["record"] is None and shown["originals_deleted"]["request_id"] == outcome.request_id
    # nothing else lost
    assert audio_of(ws, "new").exists() and word_count(ws, "new") > 0
    assert (ws.derived / "clips" / other / "audio.mp3").exists()
    assert "new" in consent_rows and "old" not in consent_rows
    # the tombstone and the audit trail hold no personal data
    assert tombstone.kind == "erasure"
    dump = tombstone.summary_json + json.dumps(actions(ws))
    assert "KL-111" not in dump.upper() and ws.keyed_hash("KL-111") not in dump
    from curation import audit
    with ws.engine.connect() as conn:
        assert audit.verify(conn) == []


def test_erasure_of_an_unknown_reference_leaves_a_tombstone_and_changes_nothing(ws):
    outcome = erase_subject(ws, "KL-999", user="rev")
    assert outcome.calls == [] and outcome.notes
    assert all(audio_of(ws, c).exists() for c in CALLS)


def test_access_request_exports_recordings_and_transcripts_to_a_zip(ws, tmp_path):
    out = tmp_path / "export" / "kl111.zip"
    outcome = access_subject(ws, "KL-111", out, user="rev")
    assert outcome.calls == ["again", "old"]
    with zipfile.ZipFile(out) as zf:
        names = set(zf.namelist())
        assert {"README.txt", "old/recording.wav", "old/transcript.json", "again/transcript.txt"} <= names
        doc = json.loads(zf.read("old/transcript.json"))
    assert any("niet dat dit gesprek" in t["text"] for t in doc["turns"])
    assert {t["speaker"] for t in doc["turns"]} == {"agent", "customer"}
    assert "new/recording.wav" not in names
    assert actions(ws)[-1] == "subject.access_exported"


def test_cli_retention_dry_run_then_run_and_subjects_erase(ws, monkeypatch):
    from curation.cli.main import cli

    monkeypatch.setenv("CURATION_USER", "rev")
    runner = CliRunner()
    dry = runner.invoke(cli, ["retention", "run", "-w", str(ws.root), "--dry-run", "--today", "2026-06-01"])
    assert dry.exit_code == 0, dry.output
    assert "would delete" in dry.output and "old" in dry.output and audio_of(ws, "old").exists()
    run = runner.invoke(cli, ["retention", "run", "-w", str(ws.root), "--today", "2026-06-01", "--format", "json"])
    assert json.loads(run.output)["deleted"] == ["old"] and not audio_of(ws, "old").exists()
    erase = runner.invoke(cli, ["subjects", "erase", "-w", str(ws.root), "--customer-ref", "-"], input="KL-222\n")
    assert erase.exit_code == 0, erase.output
    assert "1 calls erased" in erase.output and not audio_of(ws, "new").exists()
