"""From clips to coaching, on a workspace built from the synthetic corpus (calls imported, clips
anonymised and approved, a pack built): a trainer evaluates a clip on a pre-filled form, confirms
and corrects the suggestions, sends a coaching assignment; agents acknowledge their own and see
nothing of their colleagues'; managers see completion numbers only; an erasure withdraws a clip
from an assignment and scrubs the evaluation's quotes and notes. Every step audited."""

from __future__ import annotations

import json
from datetime import date

import pytest
from sqlalchemy import select

from curation import audit
from curation.coaching import (acknowledge, agent_left, agent_profile, answer, assign, assignment_clip_audio,
                               assignments, completion,
                               evaluate, get_evaluation, list_evaluations, open_assignment, prefill_agreement,
                               register_agent, save_form)
from curation.coaching.forms import default_form_text
from curation.errors import CurationError, NotFound, PermissionDenied
from curation.roles import add_user
from tests._erasure_fixtures import prepared

TODAY = date(2026, 6, 1)
DUE = "2026-06-15"


@pytest.fixture
def world(tmp_path_factory, tmp_path):
    ws, facts = prepared(tmp_path_factory, tmp_path)
    for name in ("anna", "bram", "carla"):
        add_user(ws, name, "agent", user="admin")
    register_agent(ws, "anna", "agent-017", team="zorg", user="trainer")
    register_agent(ws, "bram", "agent-023", team="zorg", user="trainer")
    register_agent(ws, "carla", "agent-031", team="energie", user="trainer")
    yield ws, facts
    ws.close()


def last_event(ws):
    with ws.engine.connect() as conn:
        return audit.events(conn)[-1]


# ---- evaluations ---------------------------------------------------------------------------------

def test_an_evaluation_of_a_clip_comes_pre_filled_with_evidence_and_keeps_its_form_version(world):
    ws, facts = world
    ev = evaluate(ws, facts["clips"]["target"], form="service_nl", user="trainer")
    assert (ev.form_name, ev.form_version, ev.state, ev.evaluator) == ("service_nl", 1, "draft", "trainer")
    opening = ev.item("opening")
    assert opening.status == "prefilled" and opening.prefill_value == 1.0
    [first] = opening.prefill["evidence"][:1]
    assert first["quote"] and first["role"] in ("agent", "customer") and first["time"] >= 0.0
    assert ev.item("empathie").status == "open" and ev.item("empathie").prefill_value is None  # no measure for it
    event = last_event(ws)
    assert (event.action, event.object_id, event.details["form_version"]) == \
        ("coaching.evaluation_created", ev.id, 1)


def test_confirmations_and_corrections_are_kept_beside_the_suggestion(world):
    ws, facts = world
    ev = evaluate(ws, facts["clips"]["target"], user="trainer")
    suggested = ev.item("open_vragen").prefill_value
    corrected = 1.0 if suggested != 1.0 else 2.0
    ev = answer(ws, ev.id, answers={"open_vragen": corrected}, confirm=["opening"], user="trainer")
    assert ev.item("open_vragen").status == "corrected" and ev.item("open_vragen").prefill_value == suggested
    assert ev.item("open_vragen").answer == corrected
    assert ev.item("opening").status == "confirmed" and ev.item("opening").answer == ev.item("opening").prefill_value
    agreement = prefill_agreement(ws, user="trainer")
    assert agreement["service_nl.open_vragen"]["corrected"] == 1
    assert agreement["service_nl.opening"]["confirmed"] == 1


def test_an_answer_outside_the_scale_or_to_an_unknown_question_is_refused_by_name(world):
    ws, facts = world
    ev = evaluate(ws, facts["clips"]["target"], user="trainer")
    with pytest.raises(CurationError, match="'opening': answer 3 is not 0 \\(no\\) or 1 \\(yes\\)"):
        answer(ws, ev.id, answers={"opening": 3}, user="trainer")
    with pytest.raises(CurationError, match="no question 'charisma'"):
        answer(ws, ev.id, answers={"charisma": 5}, user="trainer")


def test_finalising_needs_every_answer_and_freezes_the_evaluation(world):
    ws, facts = world
    ev = evaluate(ws, facts["clips"]["target"], user="trainer")
    with pytest.raises(CurationError, match="answer empathie before finalising"):
        answer(ws, ev.id, confirm="all", finalise=True, user="trainer")
    ev = answer(ws, ev.id, answers={"empathie": 4}, confirm="all", notes="Goede opening.", finalise=True,
                user="trainer")
    assert ev.state == "final" and 0.0 <= ev.total <= 100.0
    with pytest.raises(CurationError, match="is final"):
        answer(ws, ev.id, answers={"empathie": 5}, user="trainer")


def test_editing_a_form_adds_a_version_and_old_evaluations_keep_theirs(world):
    ws, facts = world
    old = evaluate(ws, facts["clips"]["target"], user="trainer")
    text = default_form_text("service_nl").replace('title = "Servicegesprek"', 'title = "Servicegesprek 2027"')
    form = save_form(ws, text, user="trainer")
    assert form.version == 2
    assert last_event(ws).details["evaluations_on_older_versions"] == 1
    assert get_evaluation(ws, old.id, user="trainer").form_version == 1
    assert evaluate(ws, facts["clips"]["target"], user="trainer").form_version == 2
    with pytest.raises(CurationError, match="unchanged from version 2"):
        save_form(ws, text, user="trainer")


def test_an_agents_final_evaluations_roll_up_into_a_profile_only_they_and_trainers_read(world):
    ws, facts = world
    ev = evaluate(ws, facts["clips"]["target"], user="trainer")
    answer(ws, ev.id, answers={"empathie": 5}, confirm="all", finalise=True, user="trainer")
    agent_id = ev.agent_id
    add_user(ws, "dirk", "agent", user="admin")
    register_agent(ws, "dirk", agent_id, team="zorg", user="trainer")
    profile = agent_profile(ws, "dirk", user="dirk")
    assert profile.evaluations == 1 and profile.questions["service_nl.empathie"] == \
        {"mean": 1.0, "n": 1, "text": "Toont begrip voor de situatie van de klant",
         "text_en": "Shows understanding for the customer's situation"}
    assert agent_profile(ws, agent_id, user="trainer").mean_total == profile.mean_total
    with pytest.raises(PermissionDenied, match="only their own coaching profile"):
        agent_profile(ws, "dirk", user="anna")
    with pytest.raises(PermissionDenied):
        agent_profile(ws, "dirk", user="manager")


def test_nobody_but_trainers_reads_evaluations(world):
    ws, facts = world
    ev = evaluate(ws, facts["clips"]["target"], user="trainer")
    for user in ("manager", "anna", "reviewer"):
        with pytest.raises(PermissionDenied):
            get_evaluation(ws, ev.id, user=user)
        with pytest.raises(PermissionDenied):
            list_evaluations(ws, user=user)
    with pytest.raises(PermissionDenied):
        evaluate(ws, facts["clips"]["target"], user="anna")


# ---- assignments ---------------------------------------------------------------------------------

def test_a_pack_assigned_to_a_team_reaches_each_agent_who_sees_only_their_own_row(world):
    ws, facts = world
    assignment_id = assign(ws, "Lastige gesprekken", DUE, team="zorg", pack="week1",
                           objectives=["De-escalatie", "Samenvatten"], reflection_question="Wat neem je mee?",
                           today=TODAY, user="trainer")
    [mine] = assignments(ws, user="anna")
    assert mine.id == assignment_id and [c.clip_id for c in mine.clips] == \
        [facts["clips"]["target"], facts["clips"]["other"]]
    assert [a["agent"] for a in mine.assignees] == ["anna"]  # never a colleague's name
    assert assignments(ws, user="carla") == []
    with pytest.raises(NotFound):
        open_assignment(ws, assignment_id, user="carla")
    with pytest.raises(CurationError, match="asks: Wat neem je mee\\? — answer it"):
        acknowledge(ws, assignment_id, user="anna")
    done = acknowledge(ws, assignment_id, reflection="Eerst samenvatten, dan oplossen.", user="anna")
    assert done.assignees[0]["state"] == "acknowledged"
    with pytest.raises(CurationError, match="already acknowledged"):
        acknowledge(ws, assignment_id, reflection="nog eens", user="anna")
    [everyone] = assignments(ws, user="trainer")
    assert {a["agent"]: a["state"] for a in everyone.assignees} == {"anna": "acknowledged", "bram": "open"}


def test_managers_see_completion_numbers_and_nothing_else(world):
    ws, facts = world
    assignment_id = assign(ws, "Week 1", DUE, agents=["anna", "bram"], clip_ids=[facts["clips"]["other"]],
                           today=TODAY, user="trainer")
    acknowledge(ws, assignment_id, user="bram")
    [row] = completion(ws, today=date(2026, 7, 1), user="manager")
    assert row == {"id": assignment_id, "title": "Week 1", "due": DUE, "assigned": 2, "acknowledged": 1, "open": 1,
                   "overdue": 1, "withdrawn_clips": 0}
    for read in (assignments, list_evaluations):
        with pytest.raises(PermissionDenied):
            read(ws, user="manager")


@pytest.mark.parametrize("kwargs, message", [
    (dict(agents=["anna"], due="2026-05-31"), "due date 2026-05-31 is in the past"),
    (dict(agents=["anna"], due="morgen"), "due date 'morgen' is not a date"),
    (dict(agents=["zoe"]), "'zoe' is not on the agent roster"),
    (dict(team="verkoop"), "team 'verkoop' has no active agents"),
    (dict(agents=["anna"], clip_ids=["clip-nope"]), "clip 'clip-nope' not found"),
    (dict(agents=["anna"], clip_ids=[]), "name a pack or at least one clip"),
])
def test_bad_assignments_are_refused_with_one_line_and_write_nothing(world, kwargs, message):
    ws, facts = world
    kwargs = {"due": DUE, "clip_ids": [facts["clips"]["other"]], **kwargs}
    before = last_event(ws).seq
    with pytest.raises(CurationError, match=message):
        assign(ws, "Week 1", today=TODAY, user="trainer", **kwargs)
    assert last_event(ws).seq == before


def test_an_agent_who_left_cannot_be_assigned_but_keeps_their_history(world):
    ws, facts = world
    assignment_id = assign(ws, "Week 1", DUE, agents=["bram"], clip_ids=[facts["clips"]["other"]], today=TODAY,
                           user="trainer")
    agent_left(ws, "bram", user="trainer")
    with pytest.raises(CurationError, match="agent 'bram' left on .*; assign to someone else"):
        assign(ws, "Week 2", DUE, agents=["bram"], clip_ids=[facts["clips"]["other"]], today=TODAY, user="trainer")
    assert [a.id for a in assignments(ws, user="trainer")] == [assignment_id]


def test_an_unapproved_clip_is_not_sent_to_agents(world):
    ws, facts = world
    draft = facts["clips"]["target_draft"]
    with pytest.raises(CurationError, match=f"clip {draft} is draft; only approved clips"):
        assign(ws, "Week 1", DUE, agents=["anna"], clip_ids=[draft], today=TODAY, user="trainer")


def test_an_erasure_after_assigning_withdraws_the_clip_and_scrubs_the_evaluation(world):
    from curation.coaching.tables import coaching_evaluation_items, coaching_evaluations
    from curation.subjects import erase_subject

    ws, facts = world
    target, other = facts["clips"]["target"], facts["clips"]["other"]
    assignment_id = assign(ws, "Week 1", DUE, agents=["anna"], clip_ids=[target, other], today=TODAY,
                           user="trainer")
    ev = evaluate(ws, target, user="trainer")
    quotes = [e["quote"] for i in ev.items for e in i.prefill.get("evidence", [])]
    assert quotes
    answer(ws, ev.id, notes="De klant zei letterlijk: ik ben het zat.", item_notes={"opening": "mooi"},
           answers={"empathie": 3}, user="trainer")
    erase_subject(ws, facts["ref"], user="reviewer")
    opened = open_assignment(ws, assignment_id, user="anna")
    assert [(c.clip_id, c.withdrawn, c.reason) for c in opened.clips] == \
        [(target, True, "withdrawn: erasure request"), (other, False, "")]
    assert opened.clips[0].title is None
    assert last_event(ws).details["withdrawn"] == [target]
    with pytest.raises(CurationError, match="withdrawn from assignment .* its audio is gone"):
        assignment_clip_audio(ws, assignment_id, target, user="anna")
    assert len(assignment_clip_audio(ws, assignment_id, other, user="anna")) > 1000
    [row] = completion(ws, today=TODAY, user="manager")
    assert row["withdrawn_clips"] == 1
    with ws.engine.connect() as conn:
        notes = conn.execute(select(coaching_evaluations.c.notes).where(coaching_evaluations.c.id == ev.id)).scalar()
        items = conn.execute(select(coaching_evaluation_items.c.prefill_json, coaching_evaluation_items.c.note,
                                    coaching_evaluation_items.c.answer)
                             .where(coaching_evaluation_items.c.evaluation_id == ev.id)).all()
    assert notes == ""
    assert all(note == "" for _, note, _ in items)
    assert [a for _, _, a in items if a is not None] == [3.0]  # the scores stay: they are the agent's, not the caller's
    left = [e["quote"] for doc, _, _ in items for e in json.loads(doc).get("evidence", [])]
    assert left and set(left) == {"…"}


def test_a_customers_access_export_holds_no_evaluation_of_the_agent(world):
    from curation.subjects import subject_rows

    ws, facts = world
    ev = evaluate(ws, facts["clips"]["target"], user="trainer")
    answer(ws, ev.id, notes="Onderbrak de klant twee keer.", answers={"empathie": 2}, user="trainer")
    with ws.engine.connect() as conn:
        rows = subject_rows(conn, ev.call_id)
    exported = json.dumps(rows, ensure_ascii=False)
    assert "Onderbrak de klant" not in exported
    for row in rows.get("coaching_evaluations", []):
        assert not {"notes", "total", "agent_id", "evaluator"} & set(row)
    for row in rows.get("coaching_evaluation_items", []):
        assert not {"prefill_json", "prefill_value", "answer", "note"} & set(row)
