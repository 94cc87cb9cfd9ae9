"""curation.aggregates: manager-safe numbers, checked on a crafted catalogue with known counts."""

from __future__ import annotations

import json
from datetime import date

import pytest

from sqlalchemy import text

from curation.aggregates import compute
from curation.errors import PermissionDenied
from curation.roles import add_user
from curation.store.schema import calls, clips, consent_records, reviews

TODAY = date(2026, 11, 25)
CATEGORIES = ["escalation;abusive", "escalation", "", "", "misunderstanding"]  # call 5 is not analysed


def _call(i: int, recorded_at: str) -> dict:
    return dict(id=f"call-{i}", recorded_at=recorded_at, duration=60.0 * (i + 1), sample_rate=8000, channels=2,
                channel_layout="stereo", agent_id=f"agent-{i % 2}", customer_ref_hash=f"hash-{i}", language="nl",
                topic="billing", source_checksum=f"sum{i}", audio_path=f"originals/c{i}.wav", audio_format="wav",
                imported_at="2026-11-01T10:00:00+00:00", metadata_json="{}")


@pytest.fixture
def crafted(workspace):
    """Six calls (two weeks), five analysed; five clips whose consent the policy decides from the calls'
    manifest facts (approved and packed ones keep a stored decision); two reviews; one erasure."""
    from curation.consent.tables import consent_decisions
    from curation.difficulty.tables import difficulty_scores

    add_user(workspace, "boss", "manager", user="admin")
    with workspace.transaction() as conn:
        for i in range(6):
            conn.execute(calls.insert().values(**_call(i, "2026-11-02T09:00:00" if i < 3 else "2026-11-10T09:00:00")))
        for i, cats in enumerate(CATEGORIES):
            conn.execute(difficulty_scores.insert().values(
                call_id=f"call-{i}", score=80.0 if cats else 10.0, difficult=bool(cats), categories=cats,
                analyser_version="t", analysed_at="2026-11-20T00:00:00+00:00"))
        retention = ["2026-10-01", "2026-12-03", "2026-12-20", "2027-02-01", None, "2030-01-01"]
        secret = [False, False, False, False, True, False]  # call-4 was recorded secretly: excluded
        for i, until in enumerate(retention):  # no notice played: re-enactment only under the default policy
            conn.execute(consent_records.insert().values(call_id=f"call-{i}", retention_until=until, notice_played=False,
                                                         customer_objected=False, employee_informed=True,
                                                         secret_recording=secret[i], source="manifest"))
        states = ["draft", "submitted", "packed", "approved", "draft"]
        stored = {"clip-2": "reenactment_required", "clip-3": "training_allowed"}  # kept when approved
        for k, state in enumerate(states):
            conn.execute(clips.insert().values(id=f"clip-{k}", call_id=f"call-{k}", start=0.0, end=10.0,
                                               state=state, created_by="tester", created_at="2026-11-03T10:00:00+00:00",
                                               updated_at="2026-11-03T10:00:00+00:00",
                                               # a stale copy in the clip's details is not what counts
                                               details_json=json.dumps({"consent": {"decision": "excluded"}})))
        for clip_id, decision in stored.items():
            conn.execute(consent_decisions.insert().values(
                clip_id=clip_id, call_id=f"call-{clip_id[-1]}", decision=decision, policy_decision=decision,
                reasons_json="[]", policy_name="default", policy_digest="d", evaluated_at="2026-11-16T12:00:00+00:00",
                evaluated_by="reviewer-x"))
        for clip_id, submitted, decided in (("clip-3", "2026-11-16T08:00:00+00:00", "2026-11-16T12:00:00+00:00"),
                                            ("clip-2", "2026-11-16T08:00:00+00:00", "2026-11-17T08:00:00+00:00")):
            conn.execute(reviews.insert().values(clip_id=clip_id, actor="tester", action="submit", at=submitted))
            conn.execute(reviews.insert().values(clip_id=clip_id, actor="reviewer-x", action="approve", at=decided))
        conn.execute(text("INSERT INTO subject_requests (id, kind, handled_at, handled_by, summary_json) "
                          "VALUES ('req-1', 'erasure', '2026-11-12T10:00:00+00:00', 'admin', '{}'), "
                          "('req-2', 'access', '2026-11-12T11:00:00+00:00', 'admin', '{}')"))
        conn.execute(text("INSERT INTO original_deletions (call_id, reason, deleted_at, deleted_by) "
                          "VALUES ('call-1', 'retention', '2026-11-12T10:00:00+00:00', 'admin')"))
    return workspace


def test_calls_by_category_counts_each_category_routine_and_not_analysed(crafted):
    frame = compute(crafted, user="boss", today=TODAY).calls_by_category
    counts = dict(zip(frame["category"], frame["calls"]))
    assert counts == {"escalation": 2, "abusive": 1, "misunderstanding": 1, "routine": 2, "not analysed": 1}


def test_clips_by_state_and_consent_outcomes_with_reenactment_backlog(crafted):
    data = compute(crafted, user="boss", today=TODAY)
    states = dict(zip(data.clips_by_state["state"], data.clips_by_state["clips"]))
    assert states["draft"] == 2 and states["submitted"] == 1 and states["packed"] == 1 and states["approved"] == 1
    outcomes = dict(zip(data.consent_outcomes["outcome"], data.consent_outcomes["clips"]))
    assert outcomes == {"training_allowed": 1, "reenactment_required": 3, "excluded": 1, "undecided": 0}
    assert data.reenactment_backlog == 2  # the packed one is done


def test_review_turnaround_in_hours_per_week(crafted):
    frame = compute(crafted, user="boss", today=TODAY).review_turnaround
    assert frame["week"].tolist() == ["2026-11-16"]
    assert frame["reviews"].tolist() == [2]
    assert frame["median_hours"].tolist() == [14.0]


def test_retention_deletions_by_month_with_overdue_in_the_first(crafted):
    data = compute(crafted, user="boss", today=TODAY)
    due = dict(zip(data.retention_deletions["month"], data.retention_deletions["originals_due"]))
    assert due["2026-11"] == 1 and due["2026-12"] == 1 and due["2027-02"] == 1  # call-1's original is gone
    assert data.retention_deletions["overdue"].iloc[0] == 1
    assert data.totals["originals_due_30_days"] == 2  # overdue and 20 December


def test_erasures_and_weekly_trend(crafted):
    data = compute(crafted, user="boss", today=TODAY)
    assert data.erasure_requests.to_dict("list") == {"month": ["2026-11"], "handled": [1]}  # access not counted
    trend = data.trend.set_index("week")
    assert trend.loc["2026-11-02", "calls"] == 3 and trend.loc["2026-11-09", "calls"] == 3
    assert trend.loc["2026-11-02", "difficult_calls"] == 2
    assert trend["clips_created"].sum() == 5 and trend["clips_approved"].sum() == 2


def test_frames_hold_no_ids_names_or_text(crafted):
    data = compute(crafted, user="boss", today=TODAY)
    frames = [data.calls_by_category, data.clips_by_state, data.consent_outcomes, data.review_turnaround,
              data.retention_deletions, data.erasure_requests, data.trend]
    dumped = " ".join(f.to_csv() for f in frames) + json.dumps(data.totals)
    for needle in ("call-", "clip-", "agent-", "tester", "reviewer-x", "admin", "hash-", "billing"):
        assert needle not in dumped
    assert "escalation" in dumped and "reenactment_required" in dumped  # the numbers themselves are there


def test_the_manager_safe_columns_exist_and_none_is_personal(crafted):
    """Every column the dashboard reads is one the personal-data inventory calls not personal, or a
    personal one the numbers are only grouped by (a call's recording date, counted per week)."""
    import sqlalchemy as sa

    from curation.aggregates import GROUPED_ONLY, MANAGER_SAFE_COLUMNS
    from curation.inventory import is_personal

    with crafted.engine.connect() as conn:
        inspector = sa.inspect(conn)
        for table, columns in MANAGER_SAFE_COLUMNS.items():
            present = {c["name"] for c in inspector.get_columns(table)}
            for column in columns:
                assert column in present, (table, column)
                assert not is_personal(table, column) or (table, column) in GROUPED_ONLY, (table, column)
    assert all(is_personal(t, c) for t, c in GROUPED_ONLY), "a grouped-only column that is not personal"
    assert is_personal("clips", "title") and is_personal("words", "text")  # the check itself can fail


def test_reading_needs_a_role_in_the_workspace(crafted):
    with pytest.raises(PermissionDenied, match="read aggregates"):
        compute(crafted, user="stranger")
