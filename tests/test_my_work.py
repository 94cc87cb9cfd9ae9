"""The way back to one's own work: a trainer's clips by state with the reviewer's reason (library and
widget: reopen, anonymise again, resubmit), a reviewer's history of decisions, and the trainer
screens' smaller promises (an invalid typed range is refused, no empty player before anonymising,
an edit of a submitted clip says it withdrew it)."""

from __future__ import annotations

import pytest

from tests.test_widgets import allowed_call, state_of, submitted_clip

pytest_plugins = ["tests._widget_fixtures"]  # demo workspace fixtures


def test_my_clips_by_state_with_the_reviewers_reason(demo_ws):
    from curation import review
    from curation.clips import create_clip
    from curation.clips.worklist import my_clips, my_decisions

    sent_back = submitted_clip(demo_ws)
    waiting = submitted_clip(demo_ws)
    draft = create_clip(demo_ws, allowed_call(demo_ws), 30.0, 40.0, title="draft", user="trainer").id
    review.request_changes(demo_ws, sent_back, "Bleep ook de postcode", user="reviewer")
    items = {i.clip.id: i for i in my_clips(demo_ws, user="trainer")}
    assert {sent_back, waiting, draft} <= set(items)
    assert (items[sent_back].state, items[sent_back].reason, items[sent_back].decided_by) == (
        "changes_requested", "Bleep ook de postcode", "reviewer")
    assert items[sent_back].can_resubmit and not items[draft].can_resubmit  # the draft was never anonymised
    assert items[waiting].decision is None and items[draft].anonymisation == "none"
    states = [i.state for i in my_clips(demo_ws, user="trainer")]
    assert states.index("changes_requested") < states.index("draft") < states.index("submitted")
    assert [i.clip.id for i in my_clips(demo_ws, user="reviewer")] == []  # the reviewer made none
    history = my_decisions(demo_ws, user="reviewer")
    assert [(h["clip_id"], h["decision"], h["reason"]) for h in history][:1] == [
        (sent_back, "changes requested", "Bleep ook de postcode")]


def test_my_decisions_is_for_reviewers_only(demo_ws):
    from curation.clips.worklist import my_decisions
    from curation.errors import PermissionDenied

    with pytest.raises(PermissionDenied, match="may not review clips"):
        my_decisions(demo_ws, user="trainer")


def test_trainer_reopens_fixes_anonymises_again_and_resubmits_from_my_work(demo_ws):
    from curation import review

    from widgets.trainer import TrainerWorkbench

    clip_id = submitted_clip(demo_ws)
    review.request_changes(demo_ws, clip_id, "Titel aanpassen", user="reviewer")
    bench = TrainerWorkbench(demo_ws, user="trainer")  # a fresh page, as after a restart
    work = bench.my_work
    assert work.clips.value == clip_id  # changes requested comes first
    assert "Titel aanpassen" in work.detail.value and "requested changes" in work.detail.value
    work.reopen_button.click()
    assert bench.desk.clip.id == clip_id and bench.desk.layout.display is None
    work.anonymise_button.click()
    assert work.feedback.level == "ok", work.feedback.text
    assert not work.resubmit_button.disabled
    work.resubmit_button.click()
    assert work.feedback.level == "ok", work.feedback.text
    assert state_of(demo_ws, clip_id) == "submitted"
    assert "[submitted]" in dict((v, k) for k, v in work.clips.options)[clip_id]


def test_reviewer_sees_their_decisions_in_the_queue(demo_ws):
    from widgets.review_queue import ReviewQueue

    clip_id = submitted_clip(demo_ws)
    queue = ReviewQueue(demo_ws, user="reviewer")
    assert "no decisions of yours yet" in queue.history.table.value
    queue.reason.value = "Te kort"
    queue.reject_button.click()
    assert queue.feedback.level == "ok", queue.feedback.text
    assert clip_id in queue.history.table.value and "rejected" in queue.history.table.value
    assert "Te kort" in queue.history.table.value


def test_an_invalid_typed_range_is_refused_not_replaced_by_the_previous_selection(demo_ws):
    from curation.clips import list_clips

    from widgets.trainer import ClipCutter

    cutter = ClipCutter(demo_ws, user="trainer")
    call_id = allowed_call(demo_ws)
    cutter.open_call(call_id)
    assert cutter.player.selection  # the default first 30 s
    cutter.controls.start.value, cutter.controls.end.value = 12.0, 4.0  # end before start
    cutter.create_button.click()
    assert cutter.feedback.level == "error" and "typed range is invalid" in cutter.feedback.text
    assert list_clips(demo_ws, call_id=call_id, user="trainer") == []
    cutter.controls.end.value = 18.0  # corrected
    cutter.create_button.click()
    assert cutter.feedback.level == "ok", cutter.feedback.text


def test_no_empty_anonymised_player_before_anonymising_and_an_edit_says_it_withdraws(demo_ws):
    from curation.clips import create_clip, redaction_spans

    from widgets.trainer import ClipDesk

    clip = create_clip(demo_ws, allowed_call(demo_ws), 0.0, 20.0, snap="word", user="trainer")
    desk = ClipDesk(demo_ws, user="trainer")
    desk.show(clip)
    assert desk.listener.layout.display == "none" and desk.listen_note.layout.display is None
    desk.anonymise_button.click()
    assert desk.listener.layout.display is None and desk.listener.player.audio
    desk.submit_button.click()
    assert "any edit withdraws it from review" in desk.summary.value
    span = next(s for s in redaction_spans(demo_ws, clip.id, user="trainer") if s.active)
    desk.redactions.decide(span.id, True)  # an edit of the submitted clip: it goes back to draft
    assert state_of(demo_ws, clip.id) == "draft"
    assert "withdrew" in desk.feedback.text, desk.feedback.text
