"""Importing recordings into a workspace: every format, idempotency, bad input, consistency."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest
import sqlalchemy as sa

from curation import audit
from curation.catalogue import calls_frame, consent_fields, get_call, read_transcript
from curation.ingest import ingest
from tests import fixtures
from tests.pg import refuse


def snapshot(ws):
    """Everything stored: table row counts and the files in the audio store."""
    with ws.engine.connect() as conn:
        counts = {t: conn.execute(sa.text(f"SELECT COUNT(*) FROM {t}")).scalar()
                  for t in ("calls", "words", "turns", "speakers", "consent_records", "audit_events")}
    files = sorted(str(p.relative_to(ws.root)) for p in ws.originals.rglob("*") if p.is_file())
    return counts, files


def make_call(folder: Path, stem: str, fmt: str, channels: int = 1, audio: str = "wav") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    wav = fixtures.tone_audio(folder / f"{stem}.wav", channels=channels)
    if audio == "mp3":
        fixtures.to_mp3(wav, folder / f"{stem}.mp3")
        wav.unlink()
    writer = {"json": fixtures.project_json, "vtt": fixtures.vtt, "aws": fixtures.aws, "stm": fixtures.stm}[fmt]
    writer(folder / f"{stem}.{ {'aws': 'json'}.get(fmt, fmt) }")
    return folder


@pytest.mark.parametrize("fmt, channels, audio", [
    ("json", 1, "wav"), ("vtt", 2, "wav"), ("aws", 1, "mp3"), ("stm", 2, "wav")])
def test_each_format_imports_with_words_and_roles(workspace, tmp_path, fmt, channels, audio):
    make_call(tmp_path / "in", "call17", fmt, channels, audio)
    [outcome] = ingest(workspace, [tmp_path / "in"], actor="tester")
    assert outcome.status == "imported", outcome.message
    call = get_call(workspace, "call17")
    assert call.channels == channels and call.channel_layout == ("stereo" if channels == 2 else "mono")
    assert call.duration == pytest.approx(fixtures.DURATION, abs=0.25)  # mp3 adds encoder padding
    assert call.transcript_format == fmt
    t = read_transcript(workspace, "call17")
    assert [w.text for w in t.words] == [w[3] for w in fixtures.EXCHANGE]
    assert sorted(s.role for s in t.speakers) == ["agent", "customer"]
    if channels == 2:
        assert {s.role: s.channel for s in t.speakers} == {"agent": 0, "customer": 1}
    stored = workspace.path_of(call.audio_path)
    assert stored.is_file() and stored.parent.parent == workspace.originals
    assert oct(stored.stat().st_mode & 0o777) == "0o600"


def test_reimport_is_idempotent(workspace, tmp_path):
    make_call(tmp_path / "in", "a", "json")
    ingest(workspace, [tmp_path / "in"], actor="tester")
    before = snapshot(workspace)
    [again] = ingest(workspace, [tmp_path / "in"], actor="tester")
    assert again.status == "skipped" and again.call_id == "a"
    assert snapshot(workspace) == before


def test_manifest_metadata_and_keyed_customer_reference(workspace, tmp_path):
    folder = make_call(tmp_path / "in", "rec1", "json")
    (folder / "manifest.csv").write_text(
        "call_id,audio,transcript,recorded_at,agent_id,customer_ref,topic,language,notice_played,notice_purposes,"
        "customer_objected,employee_informed,secret_recording,retention_until\n"
        "C-001,rec1.wav,rec1.json,2026-03-02T10:15:00,AG7,KL-12345,facturen,nl,true,quality;training,false,true,"
        "false,2027-03-02\n")
    [outcome] = ingest(workspace, [folder], actor="tester")
    assert outcome.status == "imported" and outcome.call_id == "C-001"
    call = get_call(workspace, "C-001")
    assert call.agent_id == "AG7" and call.topic == "facturen" and call.recorded_at.year == 2026
    assert call.customer_ref_hash == workspace.keyed_hash("kl-12345 ") != "KL-12345"
    with workspace.engine.connect() as conn:
        dump = "\n".join(str(r) for t in ("calls", "audit_events") for r in conn.execute(sa.text(f"SELECT * FROM {t}")))
    assert "KL-12345" not in dump
    consent = consent_fields(workspace, "C-001", user="admin")
    assert consent["notice_played"] is True and consent["notice_purposes"] == "quality;training"
    assert consent["retention_until"] == "2027-03-02" and consent["customer_objected"] is False


def test_bad_inputs_fail_one_by_one_and_the_rest_imports(workspace, tmp_path):
    make_call(tmp_path / "seed", "existing", "json")
    ingest(workspace, [tmp_path / "seed"], actor="tester")
    before_counts, before_files = snapshot(workspace)

    folder = make_call(tmp_path / "in", "good", "json")
    fixtures.tone_audio(folder / "good.wav", duration=5.5)  # differs from the call already imported
    (folder / "empty.wav").write_bytes(b"")
    (folder / "notaudio.wav").write_text("this is not audio at all")
    truncated = fixtures.tone_audio(folder / "trunc.wav")
    truncated.write_bytes(truncated.read_bytes()[: 20000])
    fixtures.tone_audio(folder / "short.wav", duration=2.0)
    fixtures.project_json(folder / "short.json")  # words run to 5.1 s, audio is 2 s
    fixtures.tone_audio(folder / "latin.wav", duration=5.6)
    (folder / "latin.vtt").write_bytes("WEBVTT\n\n00:01.000 --> 00:02.000\n<v Klant>caf\xe9\n".encode("latin-1"))
    (folder / "orphan.vtt").write_text("WEBVTT\n")
    outcomes = ingest(workspace, [folder], actor="tester")
    failed = {Path(o.path).name: o.message for o in outcomes if o.status == "failed"}
    assert [o.call_id for o in outcomes if o.status == "imported"] == ["good"]
    assert "empty file" in failed["empty.wav"]
    assert "notaudio.wav" in failed["notaudio.wav"]
    assert "truncated" in failed["trunc.wav"]
    assert "timings run past the audio" in failed["short.wav"] and "short.json" in failed["short.wav"]
    assert "unknown text encoding" in failed["latin.wav"]
    assert "no recording with the same file stem" in failed["orphan.vtt"]
    assert all("\n" not in m for m in failed.values())
    counts, files = snapshot(workspace)
    assert counts["calls"] == before_counts["calls"] + 1 and len(files) == len(before_files) + 1
    assert set(before_files) <= set(files)
    assert not list(workspace.tmp.iterdir())


def test_manifest_paths_leaving_the_folder_and_duplicate_ids_are_refused(workspace, tmp_path):
    folder = make_call(tmp_path / "in", "one", "json")
    make_call(folder, "two", "vtt")
    fixtures.tone_audio(folder / "two.wav", duration=5.5)
    (folder / "manifest.csv").write_text(
        "call_id,audio,transcript\nX1,one.wav,one.json\nX1,two.wav,two.vtt\nX3,../../etc/passwd,\nX4,/abs/x.wav,\n")
    outcomes = ingest(workspace, [folder], actor="tester")
    messages = [o.message for o in outcomes if o.status == "failed"]
    assert [o.call_id for o in outcomes if o.status == "imported"] == ["X1"]
    assert any("line 4" in m and "leaves the manifest's folder" in m for m in messages)
    assert any("line 5" in m and "leaves the manifest's folder" in m for m in messages)
    assert any("duplicate call id 'X1'" in m and "two.wav" in m for m in messages)


def test_database_failure_mid_import_leaves_no_half_call(workspace, tmp_path):
    make_call(tmp_path / "in", "doomed", "json")
    with workspace.engine.begin() as conn:  # a real database error after calls and words were written
        refuse(conn, "no_turns", "BEFORE INSERT", "turns", "disk full")
    before = snapshot(workspace)
    with pytest.raises(Exception, match="disk full"):
        ingest(workspace, [tmp_path / "in"], actor="tester")
    assert snapshot(workspace) == before
    assert not list(workspace.tmp.iterdir())


def test_import_is_audited_without_personal_data(workspace, tmp_path):
    make_call(tmp_path / "in", "a", "vtt")
    ingest(workspace, [tmp_path / "in"], actor="tester")
    with workspace.engine.connect() as conn:
        rows = conn.execute(sa.text("SELECT actor, action, object_id, details_json FROM audit_events")).all()
        assert audit.verify(conn) == []
    imports = [r for r in rows if r.action == "call.imported"]
    assert [(r.actor, r.action, r.object_id) for r in imports] == [("tester", "call.imported", "a")]
    assert "Goedemiddag" not in imports[0].details_json and "Klant" not in imports[0].details_json


def test_calls_frame_lists_calls_without_text(workspace, tmp_path):
    make_call(tmp_path / "in", "a", "json")
    make_call(tmp_path / "in", "b", "stm", channels=2)
    ingest(workspace, [tmp_path / "in"], actor="tester")
    frame = calls_frame(workspace)
    assert list(frame.call_id) == ["a", "b"] and list(frame.words) == [9, 9]
    assert list(frame.timings_estimated) == [False, True]
    assert "text" not in frame.columns and "customer_ref_hash" not in frame.columns


def test_audio_only_call_imports_without_transcript(workspace, tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    fixtures.tone_audio(folder / "silent_call.wav")
    [outcome] = ingest(workspace, [folder], actor="tester")
    assert outcome.status == "imported"
    assert read_transcript(workspace, "silent_call") is None


def test_a_manager_may_not_import(workspace, tmp_path):
    from curation.errors import PermissionDenied
    from curation.roles import add_user

    add_user(workspace, "mia", "manager", user="admin")
    make_call(tmp_path / "in", "a", "json")
    with pytest.raises(PermissionDenied, match="user 'mia' \\(manager\\) may not import calls"):
        ingest(workspace, [tmp_path / "in"], actor="mia")
    assert snapshot(workspace)[0]["calls"] == 0


def test_two_imports_of_one_recording_at_once_import_it_once(workspace, tmp_path):
    """The second import passes its 'already imported?' check while the first has not committed yet:
    it must end as 'skipped', not as a database error, and the stored original must stay."""
    import threading

    from sqlalchemy import event

    from curation.workspace import Workspace

    make_call(tmp_path / "in", "twice", "json")
    first = Workspace.open(workspace.root)
    second = Workspace.open(workspace.root)
    started, outcomes = threading.Event(), {}

    @event.listens_for(first.engine, "commit")
    def hold_the_commit(conn):  # the first import is inside its transaction: let the second one start
        if not started.is_set():
            started.set()
            time.sleep(1.5)

    def run(name, ws):
        try:
            outcomes[name] = ingest(ws, [tmp_path / "in"], actor="tester")
        except Exception as exc:  # reported by the assertion below
            outcomes[name] = exc

    threads = [threading.Thread(target=run, args=("first", first))]
    threads[0].start()
    assert started.wait(60)
    threads.append(threading.Thread(target=run, args=("second", second)))
    threads[1].start()
    for t in threads:
        t.join(120)
    first.close(), second.close()
    assert all(isinstance(o, list) for o in outcomes.values()), outcomes
    assert sorted(o.status for (o,) in outcomes.values()) == ["imported", "skipped"], outcomes
    (skipped,) = [o for (o,) in outcomes.values() if o.status == "skipped"]
    assert skipped.call_id == "twice" and "already imported" in skipped.message
    counts, files = snapshot(workspace)
    assert counts["calls"] == 1 and len(files) == 1 and (workspace.root / files[0]).stat().st_size > 0
    assert not list(workspace.tmp.iterdir())
    with workspace.engine.connect() as conn:
        assert audit.verify(conn) == []


def _vtt_call(folder: Path, stem: str, lines: tuple[str, str]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    fixtures.tone_audio(folder / f"{stem}.wav", duration=fixtures.DURATION + len(stem) / 10)  # distinct checksums
    (folder / f"{stem}.vtt").write_text(f"WEBVTT\n\n00:00:00.200 --> 00:00:02.500\n<v Agent>{lines[0]}\n\n"
                                         f"00:00:03.000 --> 00:00:05.100\n<v Caller>{lines[1]}\n", encoding="utf-8")
    return folder


def test_language_is_detected_at_import_when_the_format_carries_none(workspace, tmp_path):
    import json

    folder = _vtt_call(tmp_path / "in", "english", ("Good afternoon, how can I help you?",
                                                    "I would like to cancel my contract please."))
    _vtt_call(folder, "dutch", ("Goedemiddag, waarmee kan ik u helpen?", "Ik wil graag mijn abonnement opzeggen."))
    _vtt_call(folder, "unsure", ("Pittsburgh.", "Forbes."))
    outcomes = {o.call_id: o for o in ingest(workspace, [folder], actor="tester", align=False)}
    assert get_call(workspace, "english").language == "en" and "language detected: en" in outcomes["english"].message
    assert read_transcript(workspace, "english").language == "en"
    assert get_call(workspace, "dutch").language == "nl"
    assert get_call(workspace, "unsure").language == "nl" and "language unsure" in outcomes["unsure"].message
    with workspace.engine.connect() as conn:
        meta = conn.execute(sa.text("SELECT metadata_json FROM calls WHERE id = 'unsure'")).scalar_one()
    assert json.loads(meta)["language_detected"]["language"] == "unsure"


def test_a_language_given_in_the_manifest_is_kept(workspace, tmp_path):
    folder = _vtt_call(tmp_path / "in", "given", ("Good afternoon, how can I help you?", "I have a question about my bill."))
    (folder / "calls.csv").write_text("call_id,audio,transcript,language\ngiven,given.wav,given.vtt,nl\n")
    [outcome] = ingest(workspace, [folder / "calls.csv"], actor="tester", align=False)
    assert outcome.status == "imported", outcome.message
    assert get_call(workspace, "given").language == "nl"


def test_a_language_pii_detection_does_not_know_is_kept_with_a_warning(workspace, tmp_path):
    folder = _vtt_call(tmp_path / "in", "duits", ("Guten Tag, wie kann ich helfen?", "Ich habe eine Frage."))
    (folder / "calls.csv").write_text("call_id,audio,transcript,language\nduits,duits.wav,duits.vtt,de\n")
    [outcome] = ingest(workspace, [folder / "calls.csv"], actor="tester", align=False)
    assert outcome.status == "imported"
    assert "language 'de': personal data is found with Dutch rules" in outcome.message
    assert get_call(workspace, "duits").language == "de"
    [dutch] = ingest(workspace, [_vtt_call(tmp_path / "nl", "nederlands", ("Goedemiddag.", "Ik heb een vraag."))],
                     actor="tester", align=False)
    assert "Dutch rules" not in dutch.message


def test_doctor_finds_an_original_left_by_an_import_killed_before_its_call_was_stored(workspace, tmp_path,
                                                                                      monkeypatch, capsys):
    from tests._clip_fixtures import run_cli

    ingest(workspace, [make_call(tmp_path / "in", "rec1", "json")], actor="tester")
    [kept] = [p for p in workspace.originals.rglob("*") if p.is_file()]
    orphan = workspace.originals / "ef" / ("ef" * 32 + ".wav")  # placed, then the process was killed
    orphan.parent.mkdir(mode=0o700)
    orphan.write_bytes(b"RIFF original bytes of a call never catalogued")
    os.chmod(orphan, 0o600)
    recent = workspace.originals / "ef" / ("e0" * 32 + ".wav")  # an import in progress right now
    recent.write_bytes(b"RIFF being imported")
    os.chmod(recent, 0o600)
    hours_ago = time.time() - 2 * 3600
    os.utime(orphan, (hours_ago, hours_ago))
    os.utime(kept, (hours_ago, hours_ago))
    code, out, err = run_cli(monkeypatch, capsys, "doctor", "-w", workspace.root, user="admin")
    assert code == 8 and f"{orphan}: original that no call refers to" in err, err
    assert str(kept) not in err and str(recent) not in err
    code, out, err = run_cli(monkeypatch, capsys, "doctor", "-w", workspace.root, "--fix", user="admin")
    assert code == 0 and "original that no call refers to deleted" in out, err
    assert not orphan.exists() and kept.exists() and recent.exists()
