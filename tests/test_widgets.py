"""Widget logic without a browser: set values, click, and check the workspace through the library."""

from __future__ import annotations

import pytest

pytest_plugins = ["tests._widget_fixtures"]  # demo workspace fixtures


def allowed_call(ws) -> str:
    """A demo call whose consent policy allows training use of the anonymised audio."""
    from curation.catalogue import call_ids
    from curation.consent.decisions import call_outcomes

    for call_id, outcome in call_outcomes(ws, call_ids(ws, user="trainer"), user="trainer").items():
        if outcome == "training_allowed":
            return call_id
    pytest.fail("the demo workspace has no call whose consent allows training use")


def submitted_clip(ws, call_id: str | None = None) -> str:
    """A clip cut, anonymised and submitted by the demo trainer (through the library)."""
    from curation import review
    from curation.catalogue import get_call
    from curation.clips import anonymise_clip, create_clip

    call_id = call_id or allowed_call(ws)
    end = min(get_call(ws, call_id, user="trainer").duration, 20.0)
    clip = create_clip(ws, call_id, 0.0, end, title="opening", snap="word", user="trainer")
    outcome = anonymise_clip(ws, clip.id, user="trainer")
    assert outcome.ok, outcome.blocked_reason
    review.submit(ws, clip.id, user="trainer")
    return clip.id


def state_of(ws, clip_id: str) -> str:
    from curation.clips import get_clip

    return get_clip(ws, clip_id, user="reviewer").state


# ---- call browser ---------------------------------------------------------------------------------

def test_call_browser_filters_by_category_and_shows_reasons(demo_ws):
    from widgets.call_browser import CallBrowser

    browser = CallBrowser(demo_ws, user="trainer")
    assert browser.feedback.level != "error", browser.feedback.text
    browser.difficult_only.value = False
    everything = len(browser.results.options)
    assert everything == len(browser.frame) > 0
    browser.difficult_only.value = True
    flagged = browser.filtered()
    assert len(browser.results.options) == len(flagged) and flagged["difficult"].all()
    category = next(c for c in browser.category.options[1:] if browser.frame[f"is_{c}"].any())
    browser.category.value = category
    assert browser.filtered()[f"is_{category}"].all()
    browser.results.value = browser.results.options[0][1]
    assert "reasons:" in browser.details.value and "<li>" in browser.details.value


def test_call_browser_shows_each_calls_consent_outcome_and_warns_before_a_wasted_clip(demo_ws):
    from widgets.call_browser import CallBrowser

    browser = CallBrowser(demo_ws, user="trainer")
    browser.difficult_only.value = False
    outcomes = dict(zip(browser.frame["call_id"], browser.frame["consent"]))
    assert {"training_allowed", "reenactment_required"} <= set(outcomes.values())
    for label, call_id in browser.results.options:
        assert label.endswith(outcomes[call_id].replace("_", " "))
        browser.results.value = call_id
        warned = "cw-consent-note" in browser.details.value
        assert warned == (outcomes[call_id] != "training_allowed"), (call_id, outcomes[call_id])


def test_call_browser_scores_unscored_calls_with_a_progress_bar(demo_ws):
    from sqlalchemy import delete

    from curation.difficulty.tables import difficulty_evidence, difficulty_scores, difficulty_signals

    from widgets.call_browser import CallBrowser

    with demo_ws.transaction() as conn:
        for table in (difficulty_scores, difficulty_signals, difficulty_evidence):
            conn.execute(delete(table).where(table.c.call_id.in_(["c0001-s3", "c0002-s3"])))
    browser = CallBrowser(demo_ws, user="trainer")
    assert browser.unscored == ["c0001-s3", "c0002-s3"] and browser.analyse_box.layout.display != "none"
    browser.analyse_button.click()
    assert browser.feedback.level == "ok", browser.feedback.text
    assert browser.progress.bar.value == browser.progress.bar.max == 2
    assert browser.unscored == [] and len(browser.frame) == 6


def test_call_browser_sorts_by_date_and_filters_by_agent(demo_ws):
    from widgets.call_browser import CallBrowser

    browser = CallBrowser(demo_ws, user="trainer")
    browser.difficult_only.value = False
    browser.sort.value = "date (oldest first)"
    dates = list(browser.filtered()["recorded_at"])
    assert dates == sorted(dates)
    agent = browser.agent.options[1]
    browser.agent.value = agent
    assert set(browser.filtered()["agent_id"]) == {agent}


def test_call_browser_shows_no_quotes_to_a_manager(demo_ws):
    """The manager sees the same calls and reasons as a trainer, without the quotes."""
    from widgets.call_browser import CallBrowser

    manager, trainer = CallBrowser(demo_ws, user="manager"), CallBrowser(demo_ws, user="trainer")
    for browser in (manager, trainer):
        browser.difficult_only.value = False
    assert manager.results.options and [c for _l, c in manager.results.options] == \
        [c for _l, c in trainer.results.options]
    quoted = 0
    for _label, call_id in manager.results.options:
        manager.results.value, trainer.results.value = call_id, call_id
        reasons = manager.details.value.split("reasons:")[1]
        assert "<li>" in reasons and "“" not in manager.details.value
        quoted += "“" in trainer.details.value
    assert quoted, "the trainer sees quotes where the manager sees none: the check can fail"


# ---- trainer: from a call to a submitted anonymised clip ---------------------------------------------

def test_trainer_goes_from_a_call_to_a_submitted_anonymised_clip(demo_ws):
    from curation.clips import list_clips

    from widgets.trainer import TrainerWorkbench

    bench = TrainerWorkbench(demo_ws, user="trainer")
    call_id = allowed_call(demo_ws)
    bench.browser.difficult_only.value = False
    bench.browser.select(call_id)
    bench.browser.open_button.click()
    cutter = bench.cutter
    assert cutter.feedback.level != "error", cutter.feedback.text
    assert cutter.player.audio[:4] == b"RIFF" and cutter.player.turns
    cutter.controls.start.value, cutter.controls.end.value = 0.0, min(20.0, cutter.player.duration)
    cutter.clip_title.value = "opening of the call"
    cutter.create_button.click()
    assert cutter.feedback.level == "ok", cutter.feedback.text
    desk = bench.desk
    clip_id = desk.clip.id
    assert [c.id for c in list_clips(demo_ws, call_id=call_id, user="trainer")] == [clip_id]
    assert "cw-decision" in desk.consent.decision.value
    desk.anonymise_button.click()
    assert desk.feedback.level == "ok", desk.feedback.text
    assert desk.progress.bar.value == desk.progress.bar.max
    from curation.clips import load_clip_audio

    assert desk.listener.player.audio[:3] in (b"ID3", b"\xff\xfb", b"\xff\xf3")  # an MP3, not the original WAV
    assert desk.listener.player.audio == load_clip_audio(demo_ws, clip_id, user="trainer")  # the anonymised one
    desk.submit_button.click()
    assert desk.feedback.level == "ok", desk.feedback.text
    assert state_of(demo_ws, clip_id) == "submitted"


def test_clip_range_outside_the_call_is_a_readable_message(demo_ws):
    from widgets.trainer import ClipCutter

    cutter = ClipCutter(demo_ws, user="trainer")
    cutter.create_button.click()
    assert cutter.feedback.level == "error" and "open a call first" in cutter.feedback.text
    cutter.open_call(allowed_call(demo_ws))
    cutter.player.selection = {"start": cutter.player.duration - 0.5, "end": cutter.player.duration}
    cutter.player.duration = cutter.player.duration + 100  # the UI believed in a longer call
    cutter.player.selection = {"start": cutter.player.duration - 10, "end": cutter.player.duration}
    cutter.create_button.click()
    assert cutter.feedback.level == "error"
    assert "Traceback" not in cutter.feedback.value and "\n" not in cutter.feedback.text


def test_manager_may_not_cut_clips_and_sees_why(demo_ws):
    from widgets.trainer import ClipCutter

    cutter = ClipCutter(demo_ws, user="manager")
    cutter.open_call(allowed_call(demo_ws))
    assert cutter.feedback.level == "error"
    assert "manager" in cutter.feedback.text and "may not" in cutter.feedback.text
    assert cutter.player.audio == b""


# ---- redaction editor -------------------------------------------------------------------------------

def test_redaction_editor_rejects_a_span_and_adds_a_missed_one(demo_ws):
    from curation.clips import create_clip, redaction_spans

    from widgets.redaction import RedactionEditor

    call_id = allowed_call(demo_ws)
    clip = create_clip(demo_ws, call_id, 0.0, 30.0, snap="word", user="trainer")
    editor = RedactionEditor(demo_ws, user="trainer")
    editor.show(clip)
    spans = redaction_spans(demo_ws, clip.id, user="trainer")
    if spans:
        reject = editor.spans_box.children[0].children[1]
        reject.click()
        assert editor.feedback.level == "ok", editor.feedback.text
        assert redaction_spans(demo_ws, clip.id, user="trainer")[0].status == "rejected"
    editor.words.value = (2, 3)
    editor.entity.value = "PERSON"
    editor.add_button.click()
    assert editor.feedback.level == "ok", editor.feedback.text
    manual = [s for s in redaction_spans(demo_ws, clip.id, user="trainer") if s.source == "manual"]
    assert len(manual) == 1 and manual[0].entity_type == "PERSON" and manual[0].status == "accepted"


def test_redaction_editor_refuses_words_that_are_not_consecutive(demo_ws):
    from curation.clips import create_clip

    from widgets.redaction import RedactionEditor

    clip = create_clip(demo_ws, allowed_call(demo_ws), 0.0, 30.0, user="trainer")
    editor = RedactionEditor(demo_ws, user="trainer")
    editor.show(clip)
    editor.words.value = (0, 2)
    editor.add_button.click()
    assert editor.feedback.level == "error" and "consecutive" in editor.feedback.text


# ---- review queue -------------------------------------------------------------------------------------

def test_reviewer_listens_and_approves_a_submitted_clip(demo_ws):
    from widgets.review_queue import ReviewQueue

    clip_id = submitted_clip(demo_ws)
    queue = ReviewQueue(demo_ws, user="reviewer")
    assert queue.queue.value == clip_id
    assert queue.listener.player.audio and not queue.listener.heard  # loaded is not listened
    assert "has not played the anonymised clip" in queue.checklist.value, queue.checklist.value
    player = queue.listener.player
    player.playing = True  # as the front end reports: playback started, then played through, then ended
    player.played_stretches = [[0.0, round(queue.clip.duration, 3)]]
    player.playing = False
    assert queue.listener.heard, queue.listener.feedback.text
    assert "every approval condition holds" in queue.checklist.value, queue.checklist.value
    assert "[" in queue.transcript.value and queue.listener.player.pii_bands
    assert {t["role"] for t in queue.listener.player.turns} == {"agent", "customer"}
    assert queue.approve_button.disabled
    queue.tick_all()
    assert not queue.approve_button.disabled
    queue.approve_button.click()
    assert queue.feedback.level == "ok", queue.feedback.text
    assert state_of(demo_ws, clip_id) == "approved"
    assert queue.queue.options == ()


def test_reject_without_reason_is_refused_with_the_library_reason(demo_ws):
    from widgets.review_queue import ReviewQueue

    clip_id = submitted_clip(demo_ws)
    queue = ReviewQueue(demo_ws, user="reviewer")
    queue.reject_button.click()
    assert queue.feedback.level == "error" and "reason is required" in queue.feedback.text
    assert state_of(demo_ws, clip_id) == "submitted"
    queue.reason.value = "the customer's address is still audible"
    queue.reject_button.click()
    assert state_of(demo_ws, clip_id) == "rejected"


def test_trainer_cannot_use_the_review_queue(demo_ws):
    from widgets.review_queue import ReviewQueue

    clip_id = submitted_clip(demo_ws)
    queue = ReviewQueue(demo_ws, user="trainer")
    queue.tick_all()
    queue.approve_button.click()
    assert queue.feedback.level == "error" and "may not" in queue.feedback.text
    assert state_of(demo_ws, clip_id) == "submitted"


def test_reviewer_overrides_consent_with_a_reason(demo_ws):
    from curation.consent.decisions import decide_clip

    from widgets.review_queue import ReviewQueue

    clip_id = submitted_clip(demo_ws)
    queue = ReviewQueue(demo_ws, user="reviewer")
    panel = queue.consent
    assert panel.override_box.layout.display != "none"
    panel.override_choice.value = "reenactment_required"
    panel.override_button.click()
    assert panel.feedback.level == "error" and "reason" in panel.feedback.text
    panel.override_reason.value = "the caller's voice is recognisable in the region"
    panel.override_button.click()
    assert panel.feedback.level == "ok", panel.feedback.text
    assert decide_clip(demo_ws, clip_id, user="reviewer").decision == "reenactment_required"
    assert "overridden" in panel.decision.value


def test_loading_a_clip_is_not_listening_only_stretches_played_through_count(demo_ws):
    from curation import audit, review

    from widgets.review_queue import ReviewQueue

    clip_id = submitted_clip(demo_ws)
    queue = ReviewQueue(demo_ws, user="reviewer")

    def plays():
        with demo_ws.engine.connect() as conn:
            return [e for e in audit.events(conn, action="clip.played", object_id=clip_id) if e.actor == "reviewer"]

    assert plays() == []
    queue.tick_all()
    assert queue.approve_button.disabled  # the library still lists "has not played"
    queue.approve_button.click()
    assert queue.feedback.level == "error" and "has not played" in queue.feedback.text
    assert state_of(demo_ws, clip_id) == "submitted"
    player, duration = queue.listener.player, queue.clip.duration
    player.playing = True  # the browser played 0-3 s, then the reviewer seeked near the end and played on
    player.played_stretches = [[0.0, 3.0], [duration - 2.0, duration]]
    player.playing = False
    assert len(plays()) == 1 and plays()[0].details["stretches"] == [[0.0, 3.0], [duration - 2.0, duration]]
    assert any("has not heard the whole" in p for p in review.approval_problems(demo_ws, clip_id, user="reviewer"))
    assert queue.approve_button.disabled and "not yet heard" in queue.listener.progress.value
    player.playing = True  # then played the stretch in between
    player.played_stretches = [[0.0, duration]]
    player.playing = False
    assert len(plays()) == 2 and queue.listener.heard
    assert review.approval_problems(demo_ws, clip_id, user="reviewer") == []
    assert not queue.approve_button.disabled
    queue.open_clip()  # the clip shown again: the player starts empty, what was heard stays heard
    assert player.played_stretches == [] and queue.listener.heard


def test_the_reviewers_player_shows_listening_keys_not_the_trainers(demo_ws):
    from widgets.player import CUT_HINT, LISTEN_HINT
    from widgets.review_queue import ReviewQueue
    from widgets.trainer import ClipCutter

    submitted_clip(demo_ws)
    player = ReviewQueue(demo_ws, user="reviewer").listener.player
    assert (player.hint, player.editable) == (LISTEN_HINT, False) and "[" not in player.hint
    assert ClipCutter(demo_ws, user="trainer").player.hint == CUT_HINT and "[ / ]" in CUT_HINT


# ---- pack builder ---------------------------------------------------------------------------------------

def test_pack_builder_exports_an_ordered_pack_and_shows_it_verified(demo_ws):
    from curation import review

    from widgets.pack_builder import PackBuilder

    clip_id = submitted_clip(demo_ws)
    from tests._clip_fixtures import listen_whole

    listen_whole(demo_ws, clip_id, user="reviewer")
    review.approve(demo_ws, clip_id, user="reviewer", attestations=review.CHECKLIST)
    builder = PackBuilder(demo_ws, user="trainer")
    assert [cid for _l, cid in builder.available.options] == [clip_id]
    builder.available.value = (clip_id,)
    builder.add_button.click()
    builder.name.value = "De-escalatie basis"
    builder.export_button.click()
    assert builder.feedback.level == "error" and "course title" in builder.feedback.text
    builder.course_title.value = "Klachten de-escaleren"
    builder.objectives.value = "Herken escalatie\nBlijf rustig"
    builder.export_button.click()
    assert builder.feedback.level == "ok", builder.feedback.text
    assert "OK" in builder.result.value
    assert (demo_ws.packs / "de-escalatie-basis.zip").is_file()
    assert state_of(demo_ws, clip_id) == "packed"


def test_pack_builder_needs_a_clip(demo_ws):
    from widgets.pack_builder import PackBuilder

    builder = PackBuilder(demo_ws, user="trainer")
    builder.export_button.click()
    assert builder.feedback.level == "error" and "approved clip" in builder.feedback.text


# ---- manager dashboard ----------------------------------------------------------------------------------

def test_dashboard_draws_every_chart_from_aggregates(demo_ws):
    from widgets.dashboard import ManagerDashboard

    board = ManagerDashboard(demo_ws, user="manager")
    assert board.feedback.level == "ok", board.feedback.text
    titles = [fig.title for fig in board.charts.children] + [board.trend_box.children[0].title]
    assert len(titles) == 7
    for needle in ("difficulty", "Clips by state", "Consent", "retention", "turnaround", "Erasure", "Trend"):
        assert any(needle in t for t in titles), needle
    [bars] = board.charts.children[0].series.values()
    assert sum(bars) >= board.data.totals["calls"]


@pytest.mark.parametrize("top, integers, expected", [
    (2, True, [0, 1, 2, 3]), (25, True, [0, 5, 10, 15, 20, 25, 30]), (0, True, [0, 1, 2]),
    (7, True, [0, 2, 4, 6, 8]), (0.37, False, [0, 0.1, 0.2, 0.3, 0.4])])
def test_dashboard_axes_have_exact_ticks_above_the_highest_bar(top, integers, expected):
    from widgets.dashboard import nice_ticks

    assert nice_ticks(top, integers) == pytest.approx(expected)


def test_dashboard_for_an_unknown_user_says_why(demo_ws):
    from widgets.dashboard import ManagerDashboard

    board = ManagerDashboard(demo_ws, user="nobody")
    assert board.feedback.level == "error" and "is not known in this workspace" in board.feedback.text


def test_apps_show_a_message_when_the_workspace_is_missing(tmp_path, monkeypatch):
    from widgets import manager_dashboard

    monkeypatch.setenv("CURATION_USER", "manager")  # the app would set it for the rest of the process

    app = manager_dashboard(tmp_path / "nowhere")
    assert "not a workspace" in app.value and "cw-app-error" in app._dom_classes


# ---- player ---------------------------------------------------------------------------------------------

def test_player_typed_edges_speed_and_validation():
    from widgets.player import CallPlayer, ClipRangeControls

    player = CallPlayer()
    player.duration = 60.0
    controls = ClipRangeControls(player)
    controls.end.value = 12.5
    controls.start.value = 2.0
    assert player.selection == {"start": 2.0, "end": 12.5}
    player.selection = {"start": 5.0, "end": 9.0}  # as the waveform's drag reports it
    assert (controls.start.value, controls.end.value) == (5.0, 9.0)
    controls.start.value = 10.0
    assert "must be after" in controls.message.value and player.selection == {"start": 5.0, "end": 9.0}
    controls.speed.value = 2.0
    assert player.rate == 2.0
    player.rate = 4.0
    assert player.rate == 2.0


def test_player_bundle_is_built_and_self_contained():
    from widgets.player import STATIC

    bundle = (STATIC / "player.js").read_text("utf-8")
    assert "wavesurfer.js 8" in bundle[:200]
    assert "export" in bundle and "import " not in bundle.split("*/", 1)[1][:2000]
    assert "https://" not in bundle.replace("https://wavesurfer", "")


def test_ab_listening_plays_the_original_only_for_permitted_users_and_audits_it(demo_ws):
    from curation import audit

    from widgets.review_queue import ReviewQueue

    clip_id = submitted_clip(demo_ws)
    queue = ReviewQueue(demo_ws, user="reviewer")
    listener = queue.listener
    assert [v for _l, v in listener.source.options] == ["anonymised", "original"]
    assert listener.player.mime == "audio/mpeg"
    listener.source.value = "original"
    assert listener.feedback.level == "info", listener.feedback.text
    assert listener.player.audio[:4] == b"RIFF" and "original" in listener.player.source_label
    with demo_ws.engine.connect() as conn:
        plays = audit.events(conn, action="call.original_played")
    assert [(e.actor, e.object_id) for e in plays][-1] == ("reviewer", get_call_id(demo_ws, clip_id))


def get_call_id(ws, clip_id: str) -> str:
    from curation.clips import get_clip

    return get_clip(ws, clip_id, user="reviewer").call_id


def test_displaying_the_consent_panel_writes_nothing_and_evidence_is_an_audited_read(demo_ws):
    """Showing a clip's consent stored (and audited) an evaluation before; now it only reads."""
    import sqlalchemy as sa

    from curation.clips import create_clip

    from widgets.consent_panel import ConsentPanel

    def counts():
        with demo_ws.engine.connect() as conn:
            return {t: conn.execute(sa.text(f"SELECT COUNT(*) FROM {t}")).scalar()
                    for t in ("audit_events", "consent_decisions", "consent_overrides")}

    clip = create_clip(demo_ws, allowed_call(demo_ws), 0.0, 20.0, detect=False, user="trainer")
    before = counts()
    panel = ConsentPanel(demo_ws, user="trainer")  # a trainer may record decisions: still nothing is written
    panel.show(clip)
    assert panel.feedback.level != "error", panel.feedback.text
    assert "training_allowed" in panel.decision.value and "recording notice played" in panel.facts.value
    assert "“" not in panel.facts.value + panel.decision.value  # no quotes until asked for
    assert counts() == before
    panel.evidence_button.click()
    assert "“" in panel.evidence.value
    after = counts()
    assert after["audit_events"] == before["audit_events"] + 1 and after["consent_decisions"] == 0 + \
        before["consent_decisions"]
    with demo_ws.engine.connect() as conn:
        last = conn.execute(sa.text("SELECT action, actor FROM audit_events ORDER BY seq DESC LIMIT 1")).one()
    assert tuple(last) == ("consent.record_read", "trainer")
