"""The coaching components without a browser: set values, click, read what the library stored."""

from __future__ import annotations

import pytest

from curation.roles import add_user
from tests._erasure_fixtures import prepared


@pytest.fixture
def world(tmp_path_factory, tmp_path):
    ws, facts = prepared(tmp_path_factory, tmp_path)
    add_user(ws, "anna", "agent", user="admin")
    yield ws, facts
    ws.close()


def test_a_trainer_evaluates_a_clip_in_the_form_and_a_changed_suggestion_is_stored_as_a_correction(world):
    from curation.coaching import get_evaluation
    from widgets.evaluation import EvaluationForm

    ws, facts = world
    form = EvaluationForm(ws, user="trainer")
    assert form.save_button.disabled  # nothing to save before an evaluation exists
    form.target.value = facts["clips"]["target"]
    form.start_button.click()
    assert form.feedback.level == "ok", form.feedback.text
    row = form.rows["open_vragen"]
    assert row.choice.value == row.item.prefill_value and "“" in row.children[2].value  # suggestion with evidence
    row.choice.value = 1.0 if row.item.prefill_value != 1.0 else 2.0
    form.final_button.click()
    assert form.feedback.level == "error" and "answer empathie before finalising" in form.feedback.text
    form.rows["empathie"].choice.value = 4.0
    form.final_button.click()
    assert form.feedback.level == "ok" and "final" in form.feedback.text
    stored = get_evaluation(ws, form.evaluation.id, user="trainer")
    assert stored.item("open_vragen").status == "corrected" and stored.item("empathie").status == "answered"
    assert form.save_button.disabled  # a final evaluation is not changed again


def test_an_unknown_target_is_a_readable_message_not_an_exception(world):
    from widgets.evaluation import EvaluationForm

    ws, _ = world
    form = EvaluationForm(ws, user="trainer")
    form.target.value = "clip-none"
    form.start_button.click()
    assert form.feedback.level == "error" and "no clip or call 'clip-none'" in form.feedback.text


def test_an_agent_answers_the_reflection_and_acknowledges(world):
    from curation.coaching import assign, assignments, register_agent
    from widgets.evaluation import AgentAssignments

    ws, facts = world
    register_agent(ws, "anna", "agent-017", user="trainer")
    assign(ws, "Week 1", "2099-01-31", agents=["anna"], pack="week1", objectives=["Samenvatten"],
           reflection_question="Wat neem je mee?", user="trainer")
    app = AgentAssignments(ws, user="anna")
    assert "Samenvatten" in app.detail.value and "Wat neem je mee?" in app.detail.value
    app.play_button.click()
    assert app.feedback.level != "error", app.feedback.text
    assert app.player.children and len(app.player.children[0].value) > 1000  # the anonymised MP3
    app.ack_button.click()
    assert app.feedback.level == "error" and "answer it to acknowledge" in app.feedback.text
    app.reflection.value = "Eerst samenvatten."
    app.ack_button.click()
    assert assignments(ws, user="anna")[0].assignees[0]["state"] == "acknowledged"
    assert app.ack_button.disabled
