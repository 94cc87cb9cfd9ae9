"""Listening that means listening: approval needs the whole current anonymised clip heard, from the
stretches the player reports; a seek jumps over audio that then does not count, and anonymising
again invalidates what was heard before."""

from __future__ import annotations

import pytest

from curation import review
from curation.clips import anonymise_clip, get_clip, listening_status, record_listening
from curation.clips.listening import BadStretch, merged, unheard
from curation.review import ApprovalRefused
from tests._clip_fixtures import listen_whole, prepared

APPROVE = dict(user="reviewer", attestations=review.CHECKLIST)


@pytest.fixture
def submitted(tmp_path_factory, tmp_path):
    ws, clips = prepared(tmp_path_factory, tmp_path)
    review.submit(ws, clips["c1"], user="trainer")
    yield ws, clips["c1"], get_clip(ws, clips["c1"], user="trainer").duration
    ws.close()


def test_union_and_gaps_of_played_stretches():
    assert merged([(5, 8), (0, 3), (2.5, 4)]) == [(0, 4), (5, 8)]
    assert unheard([(0, 4), (5, 8)], 10.0) == [(4, 5), (8, 10)]
    assert unheard([(0, 4.1), (4.2, 10)], 10.0) == []  # a gap within the tolerance is not unheard


def test_three_seconds_of_the_clip_are_not_enough(submitted):
    ws, clip_id, duration = submitted
    record_listening(ws, clip_id, [(0.0, 3.0)], user="reviewer")
    with pytest.raises(ApprovalRefused, match=r"has not heard the whole anonymised clip.*unheard \(0:03\.0–"):
        review.approve(ws, clip_id, **APPROVE)
    assert get_clip(ws, clip_id, user="reviewer").state == "submitted"


def test_the_whole_clip_heard_in_pieces_is_approved(submitted):
    ws, clip_id, duration = submitted
    half = duration / 2
    record_listening(ws, clip_id, [(0.0, half)], user="reviewer")
    record_listening(ws, clip_id, [(half - 0.1, duration)], user="reviewer")  # a second sitting
    assert listening_status(ws, clip_id, user="reviewer")["unheard"] == []
    assert review.approve(ws, clip_id, **APPROVE).state == "approved"


def test_a_seek_jump_does_not_count(submitted):
    ws, clip_id, duration = submitted
    # the player played 0-2 s, the reviewer jumped to 2 s before the end and played on: two stretches
    record_listening(ws, clip_id, [(0.0, 2.0), (duration - 2.0, duration)], user="reviewer")
    problems = review.approval_problems(ws, clip_id, user="reviewer")
    assert any("0:02.0–" in p and "unheard" in p for p in problems), problems
    with pytest.raises(ApprovalRefused, match="has not heard the whole"):
        review.approve(ws, clip_id, **APPROVE)


def test_anonymising_again_invalidates_earlier_listening(submitted):
    ws, clip_id, duration = submitted
    listen_whole(ws, clip_id, user="reviewer")
    assert anonymise_clip(ws, clip_id, user="trainer").ok  # a new anonymised version (back to draft)
    review.submit(ws, clip_id, user="trainer")
    with pytest.raises(ApprovalRefused, match="has not played the anonymised clip since its last edit"):
        review.approve(ws, clip_id, **APPROVE)
    listen_whole(ws, clip_id, user="reviewer")
    assert review.approve(ws, clip_id, **APPROVE).state == "approved"


def test_someone_elses_listening_does_not_count(submitted):
    ws, clip_id, duration = submitted
    listen_whole(ws, clip_id, user="reviewer2")
    assert any("reviewer has not played" in p for p in review.approval_problems(ws, clip_id, user="reviewer"))


def test_a_stretch_outside_the_clip_is_refused_and_writes_nothing(submitted):
    ws, clip_id, duration = submitted
    with pytest.raises(BadStretch, match="not inside the clip"):
        record_listening(ws, clip_id, [(0.0, duration + 30)], user="reviewer")
    assert listening_status(ws, clip_id, user="reviewer")["heard"] == []


def test_cli_listen_plays_with_ffplay_and_records_the_stretch(submitted, monkeypatch, capsys):
    import shutil

    from tests._clip_fixtures import run_cli

    if shutil.which("ffplay") is None:
        pytest.skip("ffplay not installed")
    ws, clip_id, duration = submitted
    monkeypatch.setenv("SDL_AUDIODRIVER", "dummy")  # no sound card on a test machine: ffplay still plays in time
    code, out, err = run_cli(monkeypatch, capsys, "clips", "listen", clip_id, "--workspace", str(ws.root),
                             "--from", "1", "--to", "2.5", user="reviewer")
    assert code == 0 and f"clip {clip_id}: heard 1.0-2.5 s; not yet heard: 0:00.0–0:01.0, 0:02.5–" in out, err
    assert listening_status(ws, clip_id, user="reviewer")["heard"] == [[1.0, 2.5]]
    with pytest.raises(ApprovalRefused, match="has not heard the whole"):
        review.approve(ws, clip_id, **APPROVE)
