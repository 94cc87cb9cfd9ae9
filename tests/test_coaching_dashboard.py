"""The coaching dashboard (issue #19 item 4): evaluation scores per week and team and per form
question, completion per team, and what the packs cover; groups of fewer than three agents are
never shown, so no one agent's scores can be read off it. Library and components, no browser."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from curation.errors import PermissionDenied
from curation.roles import add_user
from curation.store.schema import calls
from tests._erasure_fixtures import prepared

TODAY = date(2026, 6, 1)


def _agent_calls(ws) -> dict[str, str]:
    """One call per distinct agent id of the fixture's calls: agent id -> call id."""
    with ws.engine.connect() as conn:
        rows = conn.execute(select(calls.c.agent_id, calls.c.id).where(calls.c.agent_id.is_not(None))
                            .order_by(calls.c.id)).all()
    out: dict[str, str] = {}
    for agent_id, call_id in rows:
        out.setdefault(agent_id, call_id)
    return out


def _finalised(ws, target: str, score: float) -> str:
    """Evaluate `target` and answer every question with `score` of its scale (0..1), final."""
    from curation.coaching import answer, evaluate, get_form

    ev = evaluate(ws, target, user="trainer")
    form = get_form(ws, ev.form_name, ev.form_version, user="trainer")
    answers = {q.key: (1.0 if score >= 0.5 else 0.0) if q.scale == "yes_no" else 1.0 + round(4 * score)
               for q in form.questions}
    return answer(ws, ev.id, answers=answers, finalise=True, user="trainer").id


@pytest.fixture
def world(tmp_path_factory, tmp_path):
    from curation.coaching import register_agent

    ws, facts = prepared(tmp_path_factory, tmp_path)
    by_agent = _agent_calls(ws)
    assert len(by_agent) >= 4, f"the fixture needs four agents' calls, has {by_agent}"
    ids = sorted(by_agent)[:4]
    people = {"anna": ids[0], "bram": ids[1], "carla": ids[2], "dirk": ids[3]}
    for name, agent_id in people.items():
        add_user(ws, name, "agent", user="admin")
        register_agent(ws, name, agent_id, team="energie" if name == "dirk" else "zorg", user="trainer")
    yield ws, facts, people, by_agent
    ws.close()


def _strings(numbers) -> str:
    frames = (numbers.scores_by_week, numbers.scores_by_question, numbers.completion_by_team, numbers.coverage)
    return " ".join(f.to_csv() for f in frames) + str(numbers.totals) + " ".join(numbers.notes)


def test_scores_are_shown_per_team_of_three_agents_or_more_and_never_name_anyone(world):
    from curation.coaching import coaching_numbers

    ws, _facts, people, by_agent = world
    for name, score in (("anna", 1.0), ("bram", 0.5), ("carla", 0.0), ("dirk", 1.0)):
        _finalised(ws, by_agent[people[name]], score)
    numbers = coaching_numbers(ws, user="manager")
    assert numbers.totals["final_evaluations"] == 4
    assert set(numbers.scores_by_week["team"]) == {"zorg"}  # dirk's team of one is left out
    [week] = numbers.scores_by_week.itertuples()
    assert week.evaluations == 3 and 0.0 < week.mean_total < 100.0
    assert (numbers.scores_by_question["evaluations"] == 3).all()
    assert numbers.scores_by_question["mean"].between(0.0, 1.0).all()
    assert any("left out" in n for n in numbers.notes)
    shown = _strings(numbers)
    assert not [s for s in (*people, *people.values()) if s in shown]


def test_a_team_below_three_is_not_shown_even_when_its_scores_differ(world):
    from curation.coaching import coaching_numbers

    ws, _facts, people, by_agent = world
    _finalised(ws, by_agent[people["anna"]], 1.0)
    _finalised(ws, by_agent[people["bram"]], 0.0)
    numbers = coaching_numbers(ws, user="manager")
    assert numbers.scores_by_week.empty and numbers.scores_by_question.empty  # two agents: nothing per group


def test_completion_per_team_counts_acknowledgements_and_overdue(world):
    from curation.coaching import acknowledge, assign, coaching_numbers

    ws, facts, _people, _by_agent = world
    task = assign(ws, "De factuur uitleggen", "2026-06-10", team="zorg", clip_ids=[facts["clips"]["target"]],
                  today=TODAY, user="trainer")
    acknowledge(ws, task, "Eerst laten uitpraten.", user="anna")
    numbers = coaching_numbers(ws, user="manager", today=TODAY)
    row = numbers.completion_by_team.set_index("team").loc["zorg"]
    assert (row.assigned, row.acknowledged, row.open, row.overdue) == (3, 1, 2, 0)
    assert numbers.totals["completion_percent"] == pytest.approx(33.3)
    later = coaching_numbers(ws, user="manager", today=date(2026, 6, 11))
    assert later.completion_by_team.set_index("team").loc["zorg"].overdue == 2


def test_completion_of_fewer_than_three_agents_is_withheld(world):
    from curation.coaching import assign, coaching_numbers

    ws, facts, _people, _by_agent = world
    assign(ws, "Alleen Dirk", "2026-06-10", agents=["dirk"], clip_ids=[facts["clips"]["target"]], today=TODAY,
           user="trainer")
    numbers = coaching_numbers(ws, user="manager", today=TODAY)
    assert numbers.totals["assignments"] == 1 and numbers.totals["completion_percent"] is None
    assert numbers.totals["acknowledged"] is None and numbers.completion_by_team.empty
    assert any("reach 3 agents" in n for n in numbers.notes)


def test_coverage_counts_calls_per_category_and_their_packed_clips(world):
    from curation.aggregates import compute
    from curation.coaching import coaching_numbers

    ws, _facts, _people, _by_agent = world
    coverage = coaching_numbers(ws, user="trainer").coverage
    categories = coverage[coverage["kind"] == "category"].set_index("name")
    counted = compute(ws, user="manager").calls_by_category.set_index("category")["calls"]
    for name, row in categories.iterrows():
        assert row.calls == counted[name]
    assert categories["clips_in_packs"].sum() >= 1  # the fixture's pack holds clips of difficult calls


def test_agents_may_not_read_the_coaching_numbers(world):
    from curation.coaching import coaching_numbers

    ws, *_ = world
    with pytest.raises(PermissionDenied):
        coaching_numbers(ws, user="anna")


# ---- components ------------------------------------------------------------------------------------

def test_the_coaching_dashboard_draws_what_the_library_counted(world):
    from widgets.dashboard import CoachingDashboard

    ws, _facts, people, by_agent = world
    for name in ("anna", "bram", "carla"):
        _finalised(ws, by_agent[people[name]], 0.5)
    dash = CoachingDashboard(ws, user="manager")
    assert dash.feedback.level == "ok", dash.feedback.text
    charts = {c.title: c for c in dash.charts.children}
    per_question = charts["Mean score per form question (%)"]
    assert per_question.labels == [q.replace("_", " ") for q in dash.data.scores_by_question["question"]]
    assert per_question.series["%"] == [round(100 * v, 1) for v in dash.data.scores_by_question["mean"]]
    assert "zorg" in charts["Mean evaluation score per week (0-100)"].series
    assert "anna" not in dash.totals.value + dash.tables.value


def test_a_trainer_sends_an_assignment_from_the_evaluation_page(world):
    from curation.coaching import assignments
    from widgets.evaluation import TrainerCoaching

    ws, facts, _people, _by_agent = world
    page = TrainerCoaching(ws, user="trainer")
    page.form.target.value = facts["clips"]["target"]
    page.form.start_button.click()
    assert page.sender.clips.value == facts["clips"]["target"]  # the evaluated clip is what gets sent
    sender = page.sender
    sender.title.value = "De factuur uitleggen"
    sender.team.value = "zorg"
    sender.due.value = "2020-01-01"
    sender.send_button.click()
    assert sender.feedback.level == "error" and "in the past" in sender.feedback.text
    sender.due.value = "2099-01-31"
    sender.objectives.value = "Rustig blijven\nSamenvatten"
    sender.send_button.click()
    assert sender.feedback.level == "ok", sender.feedback.text
    [mine] = assignments(ws, user="bram")
    assert mine.id == sender.sent and mine.objectives == ("Rustig blijven", "Samenvatten")
    assert "De factuur uitleggen" in sender.progress.value
