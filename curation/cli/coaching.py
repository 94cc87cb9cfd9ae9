"""`curation coaching`: evaluation forms, pre-filled evaluations, agent profiles, coaching assignments."""

from __future__ import annotations

import json

import click

from curation.cli._common import emit_frame, format_option, parse_assignments, workspace_option


@click.group("coaching")
def coaching() -> None:
    """From clips to coaching: evaluate clips and calls on versioned forms pre-filled from the
    transcript, and send coaching assignments that agents acknowledge.

    Trainers evaluate and assign; an agent (role `agent`, on the roster with `coaching agents add`)
    sees only their own assignments and profile; managers see completion numbers only.
    """


def _frame(rows, columns=None):
    import pandas as pd

    return pd.DataFrame(rows, columns=columns)


@coaching.command("forms")
@workspace_option
@click.option("--show", "name", help="Print this form (newest version, or --version) as TOML.")
@click.option("--version", type=int, help="With --show: this version.")
@click.option("--save", "path", type=click.Path(exists=True, dir_okay=False),
              help="Store the form in this TOML file as a new version (evaluations keep theirs).")
@format_option
def forms_command(workspace, name, version, path, fmt) -> None:
    """List the evaluation forms (defaults: service_nl, sales_nl), show one, or save a new version."""
    from curation.cli._common import open_workspace
    from curation.coaching import get_form, list_forms, save_form

    ws = open_workspace(workspace)
    if path:
        with open(path, encoding="utf-8") as fh:
            form = save_form(ws, fh.read())
        click.echo(f"saved form {form.name} version {form.version}")
        return
    if name:
        click.echo(get_form(ws, name, version).source, nl=False)
        return
    rows = [{**r, "evaluations": ", ".join(f"v{v}: {n}" for v, n in r["evaluations"].items())} for r in list_forms(ws)]
    emit_frame(_frame(rows, ["name", "version", "title", "kind", "questions", "evaluations"]), fmt)


def _print_evaluation(ev) -> None:
    click.echo(f"{ev.id}  {ev.clip_id or ev.call_id}  form {ev.form_name} v{ev.form_version}  {ev.state}"
               + (f"  total {ev.total:.1f}" if ev.total is not None else ""))
    for item in ev.items:
        suggested = "" if item.prefill_value is None else f"suggested {item.prefill_value:g}"
        answer = "" if item.answer is None else f"answer {item.answer:g}"
        click.echo(f"  {item.question:<16} {item.status:<10} {suggested:<14} {answer:<10} {item.prefill.get('note', '')}")
        for e in item.prefill.get("evidence", [])[:2]:
            click.echo(f"      “{e['quote']}” ({e['role']}, {e['time']:.1f} s)")


@coaching.command("evaluate")
@workspace_option
@click.argument("target")
@click.option("--form", default="service_nl", show_default=True, help="The evaluation form (newest version).")
def evaluate_command(workspace, target, form) -> None:
    """Start an evaluation of clip or call TARGET, pre-filled from its transcript with evidence.
    Confirm or correct the suggestions with `coaching answer`."""
    from curation.cli._common import open_workspace
    from curation.coaching import evaluate

    _print_evaluation(evaluate(open_workspace(workspace), target, form=form))


@coaching.command("answer")
@workspace_option
@click.argument("evaluation_id")
@click.option("--set", "sets", multiple=True, metavar="QUESTION=SCORE",
              help="Score a question (repeatable); a correction when it differs from the suggestion.")
@click.option("--confirm", "confirms", multiple=True, metavar="QUESTION",
              help="Take the suggestion of this question (repeatable; `all` for every pre-filled one).")
@click.option("--notes", help="The evaluator's notes.")
@click.option("--final", is_flag=True, help="Finalise (every question answered); a final evaluation is not changed again.")
def answer_command(workspace, evaluation_id, sets, confirms, notes, final) -> None:
    """Confirm, correct or answer the questions of an evaluation."""
    from curation.cli._common import open_workspace
    from curation.coaching import answer

    try:
        answers = {k: float(v) for k, v in parse_assignments(sets, "QUESTION").items()}
    except ValueError as exc:
        raise click.BadParameter(f"a score is a number ({exc})", param_hint="--set") from None
    confirm = "all" if "all" in confirms else list(confirms)
    _print_evaluation(answer(open_workspace(workspace), evaluation_id, answers, confirm, notes, finalise=final))


@coaching.command("evaluations")
@workspace_option
@click.option("--agent", "agent_id", help="Only this agent's (employee id).")
@click.option("--call", "call_id", help="Only this call's.")
@click.option("--show", "evaluation_id", help="Print one evaluation with its suggestions and evidence.")
@format_option
def evaluations_command(workspace, agent_id, call_id, evaluation_id, fmt) -> None:
    """List evaluations (trainers only; no notes or quotes in the list), or show one."""
    from curation.cli._common import open_workspace
    from curation.coaching import get_evaluation, list_evaluations

    ws = open_workspace(workspace)
    if evaluation_id:
        _print_evaluation(get_evaluation(ws, evaluation_id))
        return
    emit_frame(_frame(list_evaluations(ws, agent_id=agent_id, call_id=call_id),
                      ["id", "call_id", "clip_id", "agent_id", "form_name", "form_version", "evaluator", "state",
                       "total", "created_at"]), fmt)


@coaching.command("profile")
@workspace_option
@click.argument("agent")
@format_option
def profile_command(workspace, agent, fmt) -> None:
    """An agent's final evaluations rolled up per form question (an agent reads only their own)."""
    from curation.cli._common import open_workspace
    from curation.coaching import agent_profile

    p = agent_profile(open_workspace(workspace), agent)
    if fmt == "json":
        click.echo(json.dumps(p.__dict__, ensure_ascii=False, indent=2))
        return
    click.echo(f"{p.agent or p.agent_id}: {p.evaluations} final evaluations, mean total "
               f"{'-' if p.mean_total is None else f'{p.mean_total:.1f}'}")
    emit_frame(_frame([{"question": k, "mean": v["mean"], "n": v["n"], "text": v["text"]}
                       for k, v in p.questions.items()], ["question", "mean", "n", "text"]), fmt)


@coaching.group("agents")
def agents_group() -> None:
    """The roster of agents who can be coached (user name, employee id, team)."""


@agents_group.command("add")
@workspace_option
@click.argument("name")
@click.option("--id", "agent_id", required=True, help="The employee id the calls carry (calls.agent_id).")
@click.option("--team", default="", help="The agent's team.")
def agents_add(workspace, name, agent_id, team) -> None:
    """Put user NAME (role agent) on the roster."""
    from curation.cli._common import open_workspace
    from curation.coaching import register_agent

    register_agent(open_workspace(workspace), name, agent_id, team)
    click.echo(f"{name}: on the roster ({agent_id}{', team ' + team if team else ''})")


@agents_group.command("left")
@workspace_option
@click.argument("name")
def agents_left(workspace, name) -> None:
    """Mark agent NAME as gone: no new assignments, history kept."""
    from curation.cli._common import open_workspace
    from curation.coaching import agent_left

    agent_left(open_workspace(workspace), name)
    click.echo(f"{name}: left")


@agents_group.command("list")
@workspace_option
@format_option
def agents_list(workspace, fmt) -> None:
    """The roster."""
    from curation.cli._common import open_workspace
    from curation.coaching import roster

    emit_frame(_frame(roster(open_workspace(workspace)), ["name", "agent_id", "team", "active", "left_at"]), fmt)


@coaching.command("assign")
@workspace_option
@click.option("--title", required=True, help="What the assignment is called.")
@click.option("--due", required=True, help="Due date (YYYY-MM-DD, today or later).")
@click.option("--agent", "agents", multiple=True, help="An agent's user name (repeatable).")
@click.option("--team", help="Every active agent of this team.")
@click.option("--pack", help="A pack (id or name): its clips.")
@click.option("--clip", "clip_ids", multiple=True, help="A clip (repeatable); approved clips only.")
@click.option("--objective", "objectives", multiple=True, help="A learning objective (repeatable).")
@click.option("--reflection", default="", help="A question the agent answers to acknowledge.")
def assign_command(workspace, title, due, agents, team, pack, clip_ids, objectives, reflection) -> None:
    """Send a pack or clips to agents or a team, with a due date and learning objectives."""
    from curation.cli._common import open_workspace
    from curation.coaching import assign

    assignment_id = assign(open_workspace(workspace), title, due, agents=agents, team=team, clip_ids=clip_ids,
                           pack=pack, objectives=objectives, reflection_question=reflection)
    click.echo(f"assigned {assignment_id}")


@coaching.command("assignments")
@workspace_option
@click.option("--completion", is_flag=True, help="Numbers only, per assignment (what a manager sees).")
@format_option
def assignments_command(workspace, completion, fmt) -> None:
    """A trainer: every assignment and who completed it. An agent: their own. --completion: numbers only."""
    from curation.cli._common import open_workspace
    from curation.coaching import assignments
    from curation.coaching import completion as completion_numbers

    ws = open_workspace(workspace)
    if completion:
        emit_frame(_frame(completion_numbers(ws), ["id", "title", "due", "assigned", "acknowledged", "open", "overdue",
                                                   "withdrawn_clips"]), fmt)
        return
    rows = []
    for a in assignments(ws):
        for who in a.assignees:
            rows.append({"id": a.id, "title": a.title, "due": a.due, "agent": who["agent"], "state": who["state"],
                         "clips": len(a.clips), "withdrawn": ", ".join(a.withdrawn),
                         "objectives": "; ".join(a.objectives)})
    emit_frame(_frame(rows, ["id", "title", "due", "agent", "state", "clips", "withdrawn", "objectives"]), fmt)


@coaching.command("acknowledge")
@workspace_option
@click.argument("assignment_id")
@click.option("--reflection", default="", help="Your answer to the assignment's reflection question.")
def acknowledge_command(workspace, assignment_id, reflection) -> None:
    """Acknowledge an assignment of yours (agents)."""
    from curation.cli._common import open_workspace
    from curation.coaching import acknowledge

    done = acknowledge(open_workspace(workspace), assignment_id, reflection)
    click.echo(f"acknowledged {done.id}" + (f" ({len(done.withdrawn)} clips withdrawn)" if done.withdrawn else ""))


COMMANDS = [coaching]
