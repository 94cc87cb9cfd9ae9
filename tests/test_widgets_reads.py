"""Widgets read transcripts only through the library's permission-checked readers: the library
refuses, allows and audits; the widget shows the outcome."""

from __future__ import annotations

import pytest

from curation.errors import PermissionDenied

pytest_plugins = ["tests._widget_fixtures"]  # demo workspace fixtures

from tests.test_widgets import allowed_call, submitted_clip  # noqa: E402


def transcript_reads(ws, **filters) -> list:
    from curation import audit

    with ws.engine.connect() as conn:
        return audit.events(conn, action="call.transcript_read", **filters)


def test_opening_a_call_in_the_clip_cutter_is_an_audited_transcript_read(demo_ws):
    from widgets.trainer import ClipCutter

    call_id = allowed_call(demo_ws)
    cutter = ClipCutter(demo_ws, user="trainer")
    cutter.open_call(call_id)
    assert cutter.feedback.level != "error", cutter.feedback.text
    assert cutter.player.turns
    [event] = transcript_reads(demo_ws, object_id=call_id)
    assert event.actor == "trainer" and set(event.details) == {"words"}


def test_a_manager_opening_a_call_is_refused_by_the_library_and_nothing_is_read(demo_ws):
    from widgets.trainer import ClipCutter

    cutter = ClipCutter(demo_ws, user="manager")
    cutter.open_call(allowed_call(demo_ws))
    assert cutter.feedback.level == "error" and "may not read call transcripts" in cutter.feedback.text
    assert not cutter.player.turns
    assert transcript_reads(demo_ws) == []


def test_redaction_editor_reads_the_clip_words_through_the_audited_reader(demo_ws):
    from curation.clips import create_clip

    from widgets.redaction import RedactionEditor, clip_transcript

    call_id = allowed_call(demo_ws)
    clip = create_clip(demo_ws, call_id, 0.0, 20.0, snap="word", user="trainer")
    editor = RedactionEditor(demo_ws, user="trainer")
    editor.show(clip)
    assert editor.words.options
    assert [e.actor for e in transcript_reads(demo_ws, object_id=call_id)] == ["trainer"]
    with pytest.raises(PermissionDenied, match="manager"):  # the library's refusal, not the widget's
        clip_transcript(demo_ws, clip, user="manager")


def test_review_queue_shows_the_redacted_transcript_and_audits_the_turn_lane_read(demo_ws):
    from widgets.review_queue import ReviewQueue, redacted_transcript

    clip_id = submitted_clip(demo_ws)
    queue = ReviewQueue(demo_ws, user="reviewer")
    assert queue.queue.value == clip_id
    assert queue.feedback.level != "error", queue.feedback.text
    assert "cw-redacted" in queue.transcript.value
    assert any(e.actor == "reviewer" for e in transcript_reads(demo_ws))
    assert redacted_transcript(demo_ws, clip_id, user="reviewer")["clip_id"] == clip_id
    with pytest.raises(PermissionDenied, match="manager"):
        redacted_transcript(demo_ws, clip_id, user="manager")
