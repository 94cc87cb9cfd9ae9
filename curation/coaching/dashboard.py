"""Coaching numbers for managers and trainers: evaluation trends per team and per form question,
coaching completion per team, and what the packs cover against what the calls contain.

Agents are data subjects: these are counts and means over groups, never one agent's scores. A
team's numbers are shown only when at least `MIN_GROUP` of its agents are in them; smaller teams
are pooled into one "smaller teams" row (itself shown only when it reaches `MIN_GROUP`), so that a
manager cannot read one person's evaluation off a team of one or two. Weeks are ISO weeks of the
evaluation's last change (the Monday's date)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone

import pandas as pd
from sqlalchemy import func, select
from sqlalchemy.engine import Connection

from curation.access import reads, storage
from curation.clips.tables import pack_clips, packs
from curation.roles import authorised
from curation.store.schema import calls, clips
from curation.workspace import Workspace

from .formstore import form_version
from .tables import (coaching_agents, coaching_assignees, coaching_assignments, coaching_evaluation_items,
                     coaching_evaluations)

MIN_GROUP = 3  # agents a shown group must hold (small-cell suppression)
SMALL_TEAMS = "smaller teams"
NO_TEAM = "no team"


@dataclass(frozen=True)
class CoachingNumbers:
    """Everything the coaching part of the dashboard shows: frames of counts and means, no names."""

    totals: dict
    scores_by_week: pd.DataFrame  # week, team, evaluations, mean_total (0..100)
    scores_by_question: pd.DataFrame  # form, question, text, evaluations, mean (0..1)
    completion_by_team: pd.DataFrame  # team, assigned, acknowledged, open, overdue
    coverage: pd.DataFrame  # kind (category | topic), name, calls, clips_in_packs
    notes: list[str] = field(default_factory=list)


def _monday(stamp: str) -> str:
    day = date.fromisoformat(stamp[:10])
    return (day - timedelta(days=day.weekday())).isoformat()


@storage("groups agents into teams that are large enough to show, through the caller's connection")
def shown_teams(conn: Connection) -> tuple[dict[str, str], list[str]]:
    """agent_id -> the group its numbers are shown under (its team, or `SMALL_TEAMS`), and notes.
    Agents whose group stays below `MIN_GROUP` even when pooled are not in the mapping: left out."""
    roster = conn.execute(select(coaching_agents.c.agent_id, coaching_agents.c.name,
                                 coaching_agents.c.team)).all()
    members: dict[str, set[str]] = {}
    for agent_id, _name, team in roster:
        members.setdefault(team or NO_TEAM, set()).add(agent_id)
    group: dict[str, str] = {}
    small = {t: ids for t, ids in members.items() if len(ids) < MIN_GROUP}
    for team, ids in members.items():
        if team not in small:
            group.update(dict.fromkeys(ids, team))
    pooled = set().union(*small.values()) if small else set()
    notes = []
    if len(pooled) >= MIN_GROUP:
        group.update(dict.fromkeys(pooled, SMALL_TEAMS))
        notes.append(f"{len(small)} team(s) with fewer than {MIN_GROUP} agents shown together as '{SMALL_TEAMS}'")
    elif pooled:
        notes.append(f"{len(pooled)} agent(s) in teams too small to show ({MIN_GROUP} agents at least) left out")
    return group, notes


@storage("evaluation means per week and team, through the caller's connection")
def scores_by_week(conn: Connection, group: dict[str, str]) -> pd.DataFrame:
    rows = conn.execute(select(coaching_evaluations.c.agent_id, coaching_evaluations.c.total,
                               coaching_evaluations.c.updated_at)
                        .where(coaching_evaluations.c.state == "final",
                               coaching_evaluations.c.total.is_not(None))).all()
    acc: dict[tuple[str, str], list] = {}
    for agent_id, total, updated in rows:
        team = group.get(agent_id)
        if team is None:
            continue
        entry = acc.setdefault((_monday(updated), team), [0, 0.0, set()])
        entry[0] += 1
        entry[1] += float(total)
        entry[2].add(agent_id)
    out = [(week, team, n, round(s / n, 1)) for (week, team), (n, s, agents) in sorted(acc.items())
           if len(agents) >= MIN_GROUP]
    return pd.DataFrame(out, columns=["week", "team", "evaluations", "mean_total"])


@storage("evaluation means per form question, through the caller's connection")
def scores_by_question(conn: Connection, group: dict[str, str]) -> pd.DataFrame:
    rows = conn.execute(select(coaching_evaluations.c.agent_id, coaching_evaluations.c.form_name,
                               coaching_evaluations.c.form_version, coaching_evaluation_items.c.question,
                               coaching_evaluation_items.c.answer)
                        .join(coaching_evaluation_items,
                              coaching_evaluation_items.c.evaluation_id == coaching_evaluations.c.id)
                        .where(coaching_evaluations.c.state == "final",
                               coaching_evaluation_items.c.answer.is_not(None))).all()
    forms: dict = {}
    acc: dict[tuple[str, str], list] = {}
    for agent_id, form_name, version, question, answer in rows:
        if agent_id not in group:
            continue
        form = forms.get((form_name, version)) or forms.setdefault((form_name, version),
                                                                   form_version(conn, form_name, version))
        q = form.question(question)
        entry = acc.setdefault((form_name, question), [0, 0.0, set(), q.text])
        entry[0] += 1
        entry[1] += q.normalised(answer)
        entry[2].add(agent_id)
    out = [(f, q, text, n, round(s / n, 2)) for (f, q), (n, s, agents, text) in sorted(acc.items())
           if len(agents) >= MIN_GROUP]
    return pd.DataFrame(out, columns=["form", "question", "text", "evaluations", "mean"])


@storage("assignment completion per team, through the caller's connection")
def completion_by_team(conn: Connection, group: dict[str, str], today: str) -> pd.DataFrame:
    names = dict(conn.execute(select(coaching_agents.c.name, coaching_agents.c.agent_id)).all())
    rows = conn.execute(select(coaching_assignees.c.agent, coaching_assignees.c.state, coaching_assignments.c.due)
                        .join(coaching_assignments, coaching_assignments.c.id == coaching_assignees.c.assignment_id)
                        ).all()
    acc: dict[str, list] = {}
    for agent, state, due in rows:
        team = group.get(names.get(agent))
        if team is None:
            continue
        entry = acc.setdefault(team, [0, 0, 0, set()])
        entry[0] += 1
        entry[1] += state == "acknowledged"
        entry[2] += state != "acknowledged" and due < today
        entry[3].add(agent)
    out = [(team, n, done, n - done, late) for team, (n, done, late, agents) in sorted(acc.items())
           if len(agents) >= MIN_GROUP]
    return pd.DataFrame(out, columns=["team", "assigned", "acknowledged", "open", "overdue"])


@storage("calls and packed clips per difficulty category and learning topic, through the caller's connection")
def coverage(conn: Connection) -> pd.DataFrame:
    """Per difficulty category and per learning topic: how many calls have it and how many clips of
    such calls are in a pack that is not revoked (a gap: many calls, no packed clips)."""
    from curation.difficulty.tables import call_tags, difficulty_scores

    in_packs = {r.call_id: r.n for r in conn.execute(
        select(clips.c.call_id, func.count(func.distinct(clips.c.id)).label("n"))
        .join(pack_clips, pack_clips.c.clip_id == clips.c.id).join(packs, packs.c.id == pack_clips.c.pack_id)
        .where(packs.c.state != "revoked").group_by(clips.c.call_id))}
    acc: dict[tuple[str, str], list[int]] = {}
    for call_id, cats in conn.execute(select(difficulty_scores.c.call_id, difficulty_scores.c.categories)
                                      .join(calls, calls.c.id == difficulty_scores.c.call_id)):
        for name in [c for c in (cats or "").split(";") if c]:
            entry = acc.setdefault(("category", name), [0, 0])
            entry[0] += 1
            entry[1] += in_packs.get(call_id, 0)
    for call_id, name in conn.execute(select(call_tags.c.call_id, call_tags.c.name)
                                      .join(calls, calls.c.id == call_tags.c.call_id)
                                      .where(call_tags.c.kind == "topic")):
        entry = acc.setdefault(("topic", name), [0, 0])
        entry[0] += 1
        entry[1] += in_packs.get(call_id, 0)
    out = [(kind, name, n, packed) for (kind, name), (n, packed) in acc.items()]
    frame = pd.DataFrame(out, columns=["kind", "name", "calls", "clips_in_packs"])
    return frame.sort_values(["kind", "calls", "name"], ascending=[True, False, True], ignore_index=True)


@reads("coaching.completion")
def coaching_numbers(ws: Workspace, user: str | None = None, today: date | None = None) -> CoachingNumbers:
    """The coaching dashboard's numbers (trainers, managers, admins): groups of at least
    `MIN_GROUP` agents only, no names, no quotes, no notes."""
    today_text = (today or datetime.now(timezone.utc).date()).isoformat()
    with authorised(ws, "coaching.completion", user, "see coaching numbers"), ws.engine.connect() as conn:
        group, notes = shown_teams(conn)
        by_week = scores_by_week(conn, group)
        by_question = scores_by_question(conn, group)
        by_team = completion_by_team(conn, group, today_text)
        covered = coverage(conn)
        final = conn.execute(select(func.count()).select_from(coaching_evaluations)
                             .where(coaching_evaluations.c.state == "final")).scalar_one()
        assignments = conn.execute(select(func.count()).select_from(coaching_assignments)).scalar_one()
        assigned = conn.execute(select(func.count()).select_from(coaching_assignees)).scalar_one()
        done = conn.execute(select(func.count()).select_from(coaching_assignees)
                            .where(coaching_assignees.c.state == "acknowledged")).scalar_one()
        agents = conn.execute(select(func.count(func.distinct(coaching_assignees.c.agent)))).scalar_one()
    shown = agents >= MIN_GROUP
    if assigned and not shown:
        notes.append(f"completion is shown once assignments reach {MIN_GROUP} agents")
    totals = {"final_evaluations": final, "assignments": assignments,
              "assigned": assigned if shown else None, "acknowledged": done if shown else None,
              "completion_percent": round(100.0 * done / assigned, 1) if shown else None}
    return CoachingNumbers(totals, by_week, by_question, by_team, covered, notes)

