"""One consent truth: the dashboard's counts are the per-clip effective decisions every other reader
sees (`curation.consent.effective`), after an override, its withdrawal, a revocation and an erasure."""

from __future__ import annotations

from collections import Counter

import pytest

from curation.aggregates import compute
from curation.consent.decisions import decide_clip, override_decision
from tests._clip_fixtures import prepared

REASON = "De melding werd in de IVR afgespeeld, gecontroleerd in het script."


@pytest.fixture
def ws_clips(tmp_path_factory, tmp_path):
    ws, clips = prepared(tmp_path_factory, tmp_path)
    yield ws, clips
    ws.close()


def dashboard(ws) -> dict:
    frame = compute(ws, user="manager").consent_outcomes
    return {o: n for o, n in zip(frame["outcome"], frame["clips"]) if n}


def per_clip(ws, clips) -> dict:
    return dict(Counter(decide_clip(ws, c, user="reviewer").decision for c in clips.values()))


def test_dashboard_counts_follow_the_per_clip_decisions_through_every_change(ws_clips):
    from curation import review
    from curation.subjects import erase_subject

    ws, clips = ws_clips
    start = per_clip(ws, clips)
    assert start == {"training_allowed": 1, "reenactment_required": 1, "excluded": 1}
    assert dashboard(ws) == start  # nobody evaluated any clip: the dashboard still knows (no "undecided")

    override_decision(ws, clips["c2"], "training_allowed", REASON, user="reviewer")
    assert per_clip(ws, clips) == dashboard(ws) == {"training_allowed": 2, "excluded": 1}

    override_decision(ws, clips["c2"], "policy", "Overschrijving ingetrokken na overleg.", user="reviewer")
    assert per_clip(ws, clips) == dashboard(ws) == start  # withdrawn: the policy's decision again

    review.revoke(ws, clips["c1"], "verzoek V-31", user="reviewer")
    assert per_clip(ws, clips) == dashboard(ws) == {"reenactment_required": 1, "excluded": 2}

    erase_subject(ws, "K-call2", user="reviewer")  # the customer of call2 asks for erasure
    assert per_clip(ws, clips) == dashboard(ws) == {"excluded": 3}


def test_a_stale_copy_in_the_clip_details_does_not_count(ws_clips):
    import json

    from curation.store.schema import clips as clips_table

    ws, clips = ws_clips
    with ws.transaction() as conn:  # what the old dashboard read: a decision mirrored into the clip's details
        conn.execute(clips_table.update().values(details_json=json.dumps({"consent": {"decision": "excluded"}})))
    assert dashboard(ws) == per_clip(ws, clips) == {"training_allowed": 1, "reenactment_required": 1,
                                                    "excluded": 1}
