"""Clips: cutting, redaction spans (accept / reject / add, audited), anonymisation outputs,
audited listening, and who may do which of these."""

from __future__ import annotations

import hashlib
import json
from types import SimpleNamespace

import pytest
import soundfile as sf

from curation import audit
from curation.audio import read
from curation.clips import (add_redaction, anonymise_clip, clip_counts, clip_transcript, create_clip,
                            decide_redaction, export_clip_audio, export_original, get_clip, list_clips, play_clip,
                            redaction_spans, update_clip)
from curation.clips.store import ClipStateError
from curation.errors import CurationError, NotFound, PermissionDenied
from tests._clip_fixtures import CALL, approve_clip, prepared, run_cli


@pytest.fixture
def ws_clips(tmp_path_factory, tmp_path):
    ws, clips = prepared(tmp_path_factory, tmp_path)
    yield ws, clips
    ws.close()


def events(ws, **filters):
    with ws.engine.connect() as conn:
        return audit.events(conn, **filters)


def test_create_clip_stores_detected_pii_as_word_spans_with_times(ws_clips):
    ws, _ = ws_clips
    clip = create_clip(ws, "call1", 3.5, 9.0, title="naam en nummer", user="trainer")
    assert (clip.state, clip.created_by, clip.start, clip.end) == ("draft", "trainer", 3.5, 9.0)
    spans = {s.entity_type: s for s in redaction_spans(ws, clip.id, user="trainer")}
    name = spans["PERSON"]
    assert [w[3] for w in CALL[name.first_word:name.last_word]] == ["Jan", "de", "Vries,"]
    assert (name.start, name.end, name.speaker, name.status) == (4.85, 5.90, "customer", "proposed")
    phone = spans["PHONE_NUMBER"]
    assert [w[3] for w in CALL[phone.first_word:phone.last_word]] == ["06", "12345678."]
    created = events(ws, action="clip.created", object_id=clip.id)
    assert created[0].actor == "trainer" and created[0].details["detected_spans"] == 2


def test_snap_to_word_widens_the_range_to_whole_words(ws_clips):
    ws, _ = ws_clips
    clip = create_clip(ws, "call1", 4.9, 5.3, snap="word", user="trainer")
    assert (clip.start, clip.end) == (4.85, 5.40)
    unsnapped = create_clip(ws, "call1", 4.9, 5.3, user="trainer")
    assert (unsnapped.start, unsnapped.end) == (4.9, 5.3)


@pytest.mark.parametrize("start, end, message", [(5.0, 5.0, "empty or reversed"), (20.0, 25.0, "recording lasts")])
def test_bad_ranges_are_refused(ws_clips, start, end, message):
    ws, _ = ws_clips
    with pytest.raises(CurationError, match=message):
        create_clip(ws, "call1", start, end, user="trainer")


def test_unknown_call_is_refused(ws_clips):
    with pytest.raises(NotFound, match="call 'nope' not found"):
        create_clip(ws_clips[0], "nope", 0, 1, user="trainer")


@pytest.mark.parametrize("role_user, allowed", [("trainer", True), ("reviewer", False), ("manager", False),
                                                ("admin", False)])
def test_only_trainers_create_clips(ws_clips, role_user, allowed):
    ws, _ = ws_clips
    if allowed:
        assert create_clip(ws, "call1", 0, 3, user=role_user).created_by == role_user
    else:
        with pytest.raises(PermissionDenied, match="may not create clips"):
            create_clip(ws, "call1", 0, 3, user=role_user)


@pytest.mark.parametrize("role_user, allowed", [("trainer", True), ("reviewer", True), ("manager", False)])
def test_reading_clips_needs_trainer_or_reviewer_but_counts_are_for_everyone(ws_clips, role_user, allowed):
    ws, clips = ws_clips
    assert clip_counts(ws, user=role_user) == {"draft": 3}
    if allowed:
        assert {c.id for c in list_clips(ws, user=role_user)} == set(clips.values())
        assert get_clip(ws, clips["c1"], user=role_user).call_id == "call1"
    else:
        with pytest.raises(PermissionDenied):
            list_clips(ws, user=role_user)
        with pytest.raises(PermissionDenied):
            get_clip(ws, clips["c1"], user=role_user)


def test_anonymised_outputs_are_in_derived_with_role_labels_and_placeholders(ws_clips):
    ws, clips = ws_clips
    from curation.clips.store import load_anonymisation

    with ws.engine.connect() as conn:
        anon = load_anonymisation(conn, clips["c1"])
    assert anon["status"] == "ok" and set(anon["files"]) == {"audio_mp3", "audio_wav", "transcript_json",
                                                              "transcript_vtt", "report"}
    for entry in anon["files"].values():
        assert (ws.root / entry["path"]).resolve().is_relative_to(ws.derived.resolve())
    doc = json.loads((ws.root / anon["files"]["transcript_json"]["path"]).read_text())
    text = " ".join(w["text"] for w in doc["words"])
    assert "Jan" not in text and "12345678" not in text and "Sanne" not in text
    assert "[NAAM]" in text and "[TELEFOONNUMMER]" in text
    assert set(doc["speakers"]) == {"agent", "customer"}
    vtt = (ws.root / anon["files"]["transcript_vtt"]["path"]).read_text()
    assert vtt.startswith("WEBVTT") and "<v customer>Ja, u spreekt met [NAAM]," in vtt and "Vries" not in vtt
    wav = sf.info(str(ws.root / anon["files"]["audio_wav"]["path"]))
    assert wav.samplerate == 8000 and abs(wav.duration - 11.0) < 0.01
    report = anon["report"]
    assert report["voice"]["method"] == "default"
    assert len(report["redactions"]) == 3 and all(r["verified"] for r in report["redactions"])


def test_anonymise_needs_the_edit_permission(ws_clips):
    ws, clips = ws_clips
    for who in ("reviewer", "manager"):
        with pytest.raises(PermissionDenied, match="may not anonymise clips"):
            anonymise_clip(ws, clips["c1"], user=who)


def test_playing_anonymised_audio_is_audited_and_refused_to_managers(ws_clips, tmp_path):
    ws, clips = ws_clips
    data = play_clip(ws, clips["c1"], user="reviewer")
    assert data[:3] == b"ID3" or data[:2] in (b"\xff\xfb", b"\xff\xf3", b"\xff\xf2")
    out = export_clip_audio(ws, clips["c1"], tmp_path / "clip.wav", user="trainer")
    assert sf.info(str(out)).samplerate == 8000
    played = events(ws, action="clip.played", object_id=clips["c1"])
    assert [(e.actor, e.details["format"]) for e in played] == [("reviewer", "mp3"), ("trainer", "wav")]
    with pytest.raises(PermissionDenied, match="may not listen to clips"):
        play_clip(ws, clips["c1"], user="manager")
    play_clip(ws, clips["c1"], user="reviewer", details={"position": 12.5})
    assert events(ws, action="clip.played")[-1].details["position"] == 12.5
    for details in ({"note": "klant Jansen"}, {"position": "Jansen"}):  # the trail takes no text from a player
        with pytest.raises(CurationError, match="are not recorded"):
            play_clip(ws, clips["c1"], user="reviewer", details=details)
    assert len(events(ws, action="clip.played")) == 3


@pytest.mark.parametrize("role_user, allowed", [("trainer", True), ("reviewer", True), ("manager", False),
                                                ("admin", False)])
def test_originals_only_for_trainers_and_reviewers_and_audited(ws_clips, tmp_path, role_user, allowed):
    ws, _ = ws_clips
    out = tmp_path / "orig.wav"
    if allowed:
        export_original(ws, "call1", out, 3.0, 6.0, user=role_user)
        assert abs(sf.info(str(out)).duration - 3.0) < 0.01
        assert [e.actor for e in events(ws, action="call.original_played")] == [role_user]
    else:
        with pytest.raises(PermissionDenied, match="may not play or export original recordings"):
            export_original(ws, "call1", out, user=role_user)
        assert not out.exists() and not events(ws, action="call.original_played")


def test_redaction_edits_are_audited(ws_clips):
    ws, clips = ws_clips
    spans = redaction_spans(ws, clips["c1"], user="trainer")
    agent_name = next(s for s in spans if s.speaker == "agent")
    decide_redaction(ws, clips["c1"], agent_name.id, accept=False, user="trainer")
    decide_redaction(ws, clips["c1"], spans[1].id, accept=True, user="trainer2")
    added = add_redaction(ws, clips["c1"], (22, 24), "ACCOUNT_ID", user="trainer")
    assert (added.source, added.status, added.entity_type) == ("manual", "accepted", "ACCOUNT_ID")
    assert [w[3] for w in CALL[added.first_word:added.last_word]] == ["heel", "boos"]
    actions = [(e.action, e.actor) for e in events(ws, action="clip.redaction_*", object_id=clips["c1"])]
    assert actions == [("clip.redaction_rejected", "trainer"), ("clip.redaction_accepted", "trainer2"),
                       ("clip.redaction_added", "trainer")]
    with pytest.raises(PermissionDenied):
        decide_redaction(ws, clips["c1"], spans[1].id, accept=False, user="reviewer")
    with pytest.raises(CurationError, match="more than one speaker"):
        add_redaction(ws, clips["c1"], (5, 9), "PERSON", user="trainer")


def test_a_rejected_span_is_heard_again_after_re_anonymising(ws_clips):
    ws, clips = ws_clips
    spans = redaction_spans(ws, clips["c1"], user="trainer")
    agent_name = next(s for s in spans if s.speaker == "agent")
    decide_redaction(ws, clips["c1"], agent_name.id, accept=False, user="trainer")
    result = anonymise_clip(ws, clips["c1"], user="trainer")
    doc = json.loads((ws.root / result.files["transcript_json"]["path"]).read_text())
    sanne = next(w for w in doc["words"] if w["text"].startswith("Sanne"))
    assert sanne.get("reviewed") is True
    assert len(result.report["redactions"]) == 2
    assert {f["status"] for f in result.rescan} <= {"reviewed"}


def test_any_edit_after_approval_sends_the_clip_back_to_draft(ws_clips):
    ws, clips = ws_clips
    assert approve_clip(ws, clips["c1"]).state == "approved"
    clip = update_clip(ws, clips["c1"], title="Nieuwe titel", user="trainer")
    assert clip.state == "draft" and clip.title == "Nieuwe titel"
    updated = events(ws, action="clip.updated", object_id=clips["c1"])[0]
    assert updated.details["state_reset_from"] == "approved"
    from curation.clips.store import load_anonymisation

    with ws.engine.connect() as conn:
        assert load_anonymisation(conn, clips["c1"])["status"] == "ok"  # a title does not change the audio
    approve_clip_again = add_redaction(ws, clips["c1"], (22, 24), "ACCOUNT_ID", user="trainer")
    assert approve_clip_again.status == "accepted"
    with ws.engine.connect() as conn:
        assert load_anonymisation(conn, clips["c1"])["status"] == "stale"


def test_rejected_and_revoked_clips_cannot_be_edited(ws_clips):
    ws, clips = ws_clips
    from curation import review

    review.submit(ws, clips["c1"], user="trainer")
    review.reject(ws, clips["c1"], reason="Te weinig context", user="reviewer")
    with pytest.raises(ClipStateError, match="is rejected; it can no longer be edited"):
        update_clip(ws, clips["c1"], title="x", user="trainer")
    review.revoke(ws, clips["c2"], reason="verwijderverzoek V-12", user="reviewer")
    with pytest.raises(ClipStateError, match="is revoked"):
        anonymise_clip(ws, clips["c2"], user="trainer")


def test_cli_create_list_audio(ws_clips, monkeypatch, capsys, tmp_path):
    ws, clips = ws_clips
    code, out, err = run_cli(monkeypatch, capsys, "clips", "create", "--workspace", ws.root, "--call", "call1",
                             "--start", "0", "--end", "3.2", "--title", "opening")
    assert code == 0, err
    new_id = out.strip()
    assert get_clip(ws, new_id, user="trainer").title == "opening"
    code, out, _ = run_cli(monkeypatch, capsys, "clips", "list", "--workspace", ws.root, "--state", "draft",
                           "--format", "json")
    assert code == 0 and new_id in {r["clip_id"] for r in json.loads(out)}
    code, out, err = run_cli(monkeypatch, capsys, "clips", "audio", "--workspace", ws.root, "--clip", clips["c1"],
                             "--out", tmp_path / "a.mp3", user="reviewer")
    assert code == 0 and (tmp_path / "a.mp3").stat().st_size > 0
    code, out, err = run_cli(monkeypatch, capsys, "clips", "audio", "--workspace", ws.root, "--clip", clips["c1"],
                             "--out", tmp_path / "m.mp3", user="manager")
    assert code == 3 and err.count("\n") == 1 and "may not listen to clips" in err
    assert not (tmp_path / "m.mp3").exists()


def test_cli_anonymise_reports_the_outcome(ws_clips, monkeypatch, capsys):
    ws, clips = ws_clips
    code, out, err = run_cli(monkeypatch, capsys, "clips", "anonymise", "--workspace", ws.root, "--clip", clips["c1"])
    assert code == 0, err
    assert "3 interval(s) bleeped (3 verified), voice default, re-scan: 0 unresolved" in out
    code, _, err = run_cli(monkeypatch, capsys, "clips", "anonymise", "--workspace", ws.root, "--clip", "clip-none")
    assert code == 4 and "clip 'clip-none' not found" in err


def test_clip_transcript_view_for_the_redaction_editor(ws_clips):
    ws, clips = ws_clips
    rows = clip_transcript(ws, clips["c1"], user="reviewer")
    assert [r["text"] for r in rows] == [w[3] for w in CALL if w[1] < 11.0]
    jan = rows[11]
    assert (jan["text"], jan["speaker"], jan["entity_type"], jan["status"]) == ("Jan", "customer", "PERSON",
                                                                                "proposed")
    assert rows[0]["span_id"] is None and rows[0]["speaker"] == "agent"
    with pytest.raises(PermissionDenied, match="may not read transcripts"):
        clip_transcript(ws, clips["c1"], user="manager")


def test_cli_spans_and_redact(ws_clips, monkeypatch, capsys):
    ws, clips = ws_clips
    w = ["--workspace", ws.root, "--clip", clips["c1"]]
    code, out, err = run_cli(monkeypatch, capsys, "clips", "spans", *w)
    assert code == 0, err
    spans = json.loads(out)
    assert {(s["entity_type"], s["speaker"], tuple(s["words"])) for s in spans} == {
        ("PERSON", "agent", (2, 3)), ("PERSON", "customer", (11, 14)), ("PHONE_NUMBER", "customer", (18, 20))}
    assert "Jan" not in out  # no transcript text, no original speaker labels
    code, out, _ = run_cli(monkeypatch, capsys, "clips", "redact", *w, "--reject", spans[0]["id"])
    assert (code, out) == (0, f"clip {clips['c1']}: span {spans[0]['id']} PERSON rejected\n")
    code, out, _ = run_cli(monkeypatch, capsys, "clips", "redact", *w, "--add", 22, 24, "--type", "ACCOUNT_ID")
    assert code == 0 and out.endswith("ACCOUNT_ID accepted\n")
    code, _, err = run_cli(monkeypatch, capsys, "clips", "redact", *w, "--add", 22, 24)
    assert code == 2 and "--add needs --type" in err
    code, _, err = run_cli(monkeypatch, capsys, "clips", "redact", *w, "--accept", 1, user="reviewer")
    assert code == 3 and err.count("\n") == 1


def test_migration_0004_upgrades_a_0003_workspace_and_keeps_its_clips(tmp_path):
    from sqlalchemy import create_engine, select

    from curation.store import current_revision, migrate
    from curation.store.schema import calls, clips

    engine = create_engine(f"sqlite:///{tmp_path / 'old.sqlite'}")
    migrate(engine, "0003_difficulty")
    with engine.begin() as conn:
        conn.execute(calls.insert().values(id="c", duration=1.0, sample_rate=8000, channels=1, channel_layout="mono",
                                           language="nl", source_checksum="x", audio_path="originals/c.wav",
                                           audio_format="wav", imported_at="2026-01-01", metadata_json="{}",
                                           timings_estimated=False))
        conn.execute(clips.insert().values(id="clip-old", call_id="c", start=0.0, end=1.0, state="draft",
                                           created_by="t", created_at="2026-01-01", updated_at="2026-01-01",
                                           details_json="{}"))
    migrate(engine)
    assert current_revision(engine) not in ("0003_difficulty", None)
    with engine.connect() as conn:
        assert conn.execute(select(clips.c.id)).scalars().all() == ["clip-old"]
        from curation.clips.tables import clip_redactions, packs
        assert conn.execute(select(clip_redactions)).all() == [] and conn.execute(select(packs)).all() == []
    engine.dispose()


def test_demo_clips_fill_the_review_states(ws_clips):
    from curation.demo import _seed_demo_clips

    ws, clips = ws_clips
    said = []
    states = _seed_demo_clips(ws, count=2, seconds=3.2, say=said.append)
    assert sorted(states.values()) == ["approved", "submitted"], (states, said)


# ---- permission-checked readers: the call's transcript and the clip's redacted transcript ----------

def test_reading_a_call_transcript_is_refused_to_a_manager_and_leaves_no_event(ws_clips):
    from curation.catalogue import read_transcript

    ws, _ = ws_clips
    with pytest.raises(PermissionDenied, match="manager"):
        read_transcript(ws, "call1", user="manager")
    assert events(ws, action="call.transcript_read") == []


def test_reading_a_call_transcript_as_trainer_is_audited_without_its_text(ws_clips):
    from curation.catalogue import read_transcript

    ws, _ = ws_clips
    transcript = read_transcript(ws, "call1", user="trainer")
    assert [w.text for w in transcript.words] == [w[3] for w in CALL]
    [event] = events(ws, action="call.transcript_read")
    assert (event.actor, event.object_type, event.object_id) == ("trainer", "call", "call1")
    assert event.details == {"words": len(CALL)}
    with ws.engine.connect() as conn:
        assert audit.verify(conn) == []


def test_reading_an_unknown_call_transcript_is_not_found(ws_clips):
    from curation.catalogue import read_transcript

    ws, _ = ws_clips
    with pytest.raises(NotFound):
        read_transcript(ws, "no-such-call", user="reviewer")
    assert events(ws, action="call.transcript_read") == []


def test_redacted_transcript_is_refused_to_a_manager(ws_clips):
    from curation.clips import redacted_transcript

    ws, clips = ws_clips
    with pytest.raises(PermissionDenied, match="manager"):
        redacted_transcript(ws, clips["c1"], user="manager")


def test_redacted_transcript_for_a_trainer_holds_placeholders_and_roles_only(ws_clips):
    from curation.clips import redacted_transcript

    ws, clips = ws_clips
    doc = redacted_transcript(ws, clips["c1"], user="trainer")
    text = " ".join(w["text"] for w in doc["words"])
    assert "[NAAM]" in text and "[TELEFOONNUMMER]" in text
    assert "Vries" not in text and "12345678" not in text
    assert set(doc["speakers"]) <= {"agent", "customer"}


def test_redacted_transcript_is_none_once_an_edit_makes_the_anonymisation_stale(ws_clips):
    from curation.clips import redacted_transcript

    ws, clips = ws_clips
    span = redaction_spans(ws, clips["c1"], user="trainer")[0]
    decide_redaction(ws, clips["c1"], span.id, accept=True, user="trainer")
    assert redacted_transcript(ws, clips["c1"], user="reviewer") is None
    with pytest.raises(NotFound):
        redacted_transcript(ws, "no-such-clip", user="reviewer")


# a voice key whose first draw for the clip below lands on the agent's own pitch and envelope (found by
# trying keys; re-pin with a search over sha256(b"voice-draw-<i>") if the disguise changes)
LANDS_ON_THE_AGENT = hashlib.sha256(b"voice-draw-35").digest()


def _own_clip_audio(tmp_path, monkeypatch, draws: int) -> dict:
    import importlib

    from curation.model import Speaker, Transcript, Word
    from tests._clip_fixtures import make_call

    clip_anonymise = importlib.import_module("curation.clips.anonymise")  # the package names a function so too
    make_call(tmp_path, "call1")
    transcript = Transcript.build([Word(text, a, b, who) for who, a, b, text in CALL],
                                  [Speaker("agent", "agent"), Speaker("customer", "customer")])
    words = [{"start": a, "end": b, "speaker": who, "redacted": False} for who, a, b, _ in CALL if b <= 11.0]
    clip = SimpleNamespace(id="clip-0000000001", start=0.0, end=11.0)
    (tmp_path / "work").mkdir()
    monkeypatch.setattr(clip_anonymise, "VOICE_DRAWS", draws)
    return clip_anonymise._disguised_audio(tmp_path / "call1.wav", transcript, [], LANDS_ON_THE_AGENT, tmp_path / "work",
                                           words, clip, "call1", "default", "tone", lambda *_: None)


def test_a_key_draw_that_leaves_a_voice_at_its_own_pitch_and_envelope_is_drawn_again(tmp_path, monkeypatch):
    """The pack build refuses a clip whose voice kept its pitch and envelope; the key drew the same voice on
    every re-anonymisation, so such a clip (about one in thirty) could never be packed."""
    from curation.anonymise.voicecheck import profile, undisguised

    report = _own_clip_audio(tmp_path, monkeypatch, draws=4)
    assert report["status"] == "ok", report.get("blocked_reason")
    assert report["voice"]["draws"] == 2, ("the pinned key no longer lands on the agent's voice at its first draw "
                                           "(the disguise changed?): re-pin LANDS_ON_THE_AGENT")
    words = [{"start": a, "end": b, "speaker": who} for who, a, b, _ in CALL if b <= 11.0]
    after, sr = read(tmp_path / "work" / "audio.mp3")
    raw, raw_sr = read(tmp_path / "call1.wav", start=0.0, end=11.0)
    assert undisguised(profile(raw, raw_sr, words), profile(after, sr, words)) == []


def test_a_voice_left_undisguised_in_every_draw_blocks_the_clip(tmp_path, monkeypatch):
    report = _own_clip_audio(tmp_path, monkeypatch, draws=1)
    assert report["status"] == "blocked"
    assert report["blocked_reason"].startswith("the voice of agent stayed at its own pitch and spectral envelope")
