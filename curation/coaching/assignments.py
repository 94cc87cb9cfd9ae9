"""Coaching assignments: a pack or single clips sent to named agents or a team, with a due date and
learning objectives; the agent opens it, plays the anonymised clips and acknowledges it (answering
the reflection question when there is one); trainers see who completed what, managers only the
numbers. An agent sees their own assignments and never a colleague's name, answer or evaluation.

Bad input: an agent who left or is not on the roster, a due date in the past, a clip that is not
approved (or was revoked), a revoked pack: refused with one line. A clip revoked after it was
assigned (an erasure) shows as withdrawn; its audio is gone, the assignment stays.
"""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass
from datetime import date

from sqlalchemy import case, func, select, update

from curation.access import mutates, reads, reads_personal
from curation.clips.tables import pack_clips, packs
from curation.errors import CurationError, NotFound
from curation.roles import authorised, operation, roles_of
from curation.store.schema import clips, reviews
from curation.workspace import Workspace, utcnow

from .tables import coaching_agents, coaching_assignees, coaching_assignment_clips, coaching_assignments

ASSIGNABLE = ("approved", "packed")  # reviewed clips only: an agent never hears what a reviewer did not pass


# ---- the roster ---------------------------------------------------------------------------------

@mutates("coaching.roster", "coaching.agent_registered")
def register_agent(ws: Workspace, name: str, agent_id: str, team: str = "", user: str | None = None) -> None:
    """Put user `name` (who holds the agent role) on the roster with their employee id and team."""
    with operation(ws, "coaching.roster", "coaching.agent_registered", "coaching_agent", name, user=user,
                   what="manage the agent roster") as op:
        if "agent" not in roles_of(op.conn, name):
            raise CurationError(f"user {name!r} does not have the agent role; an admin adds it first "
                                f"(`curation users add {name} --role agent`)")
        if not agent_id.strip():
            raise CurationError("the employee id must not be empty")
        row = op.conn.execute(select(coaching_agents).where(coaching_agents.c.name == name)).first()
        values = dict(agent_id=agent_id.strip(), team=team.strip(), active=True, left_at=None)
        if row is None:
            op.conn.execute(coaching_agents.insert().values(name=name, added_by=op.actor.name, added_at=utcnow(),
                                                            **values))
        else:
            op.conn.execute(update(coaching_agents).where(coaching_agents.c.name == name).values(**values))
        op.details.update(team=team.strip(), again=row is not None)


@mutates("coaching.roster", "coaching.agent_left")
def agent_left(ws: Workspace, name: str, user: str | None = None) -> None:
    """Mark agent `name` as gone: no new assignments; their acknowledged history stays."""
    with operation(ws, "coaching.roster", "coaching.agent_left", "coaching_agent", name, user=user,
                   what="manage the agent roster") as op:
        done = op.conn.execute(update(coaching_agents).where(coaching_agents.c.name == name,
                                                             coaching_agents.c.active.is_(True))
                               .values(active=False, left_at=utcnow()))
        if done.rowcount == 0:
            raise NotFound(f"no active agent {name!r} on the roster")


@reads("coaching.roster")
def roster(ws: Workspace, user: str | None = None) -> list[dict]:
    with authorised(ws, "coaching.roster", user, "manage the agent roster"), ws.engine.connect() as conn:
        return [dict(r) for r in conn.execute(select(coaching_agents.c.name, coaching_agents.c.agent_id,
                                                     coaching_agents.c.team, coaching_agents.c.active,
                                                     coaching_agents.c.left_at)
                                              .order_by(coaching_agents.c.name)).mappings()]


# ---- assigning ----------------------------------------------------------------------------------

def _due(text: str | date, today: date) -> str:
    try:
        due = text if isinstance(text, date) else date.fromisoformat(str(text))
    except ValueError:
        raise CurationError(f"due date {text!r} is not a date (YYYY-MM-DD)") from None
    if due < today:
        raise CurationError(f"due date {due.isoformat()} is in the past (today is {today.isoformat()})")
    return due.isoformat()


def _agents(conn, agents, team: str | None) -> list[str]:
    names = list(dict.fromkeys(a.strip() for a in agents if a.strip()))
    rows = {r.name: r for r in conn.execute(select(coaching_agents))}
    for name in names:
        if name not in rows:
            raise CurationError(f"{name!r} is not on the agent roster (`curation coaching agents add`)")
        if not rows[name].active:
            raise CurationError(f"agent {name!r} left on {rows[name].left_at[:10]}; assign to someone else")
    if team:
        members = sorted(n for n, r in rows.items() if r.team == team and r.active)
        if not members:
            raise CurationError(f"team {team!r} has no active agents on the roster")
        names += [m for m in members if m not in names]
    if not names:
        raise CurationError("name at least one agent or a team")
    return names


def _clips(conn, clip_ids, pack: str | None) -> tuple[list[str], str | None]:
    ids, pack_id = list(dict.fromkeys(clip_ids)), None
    if pack:
        row = conn.execute(select(packs.c.id, packs.c.state).where((packs.c.id == pack) | (packs.c.name == pack))
                           .order_by(packs.c.built_at.desc())).first()
        if row is None:
            raise NotFound(f"pack {pack!r} not found")
        if row.state == "revoked":
            raise CurationError(f"pack {pack!r} was revoked; it cannot be assigned")
        pack_id = row.id
        ids += [c for c in conn.execute(select(pack_clips.c.clip_id).where(pack_clips.c.pack_id == row.id)
                                        .order_by(pack_clips.c.position)).scalars() if c not in ids]
    if not ids:
        raise CurationError("name a pack or at least one clip")
    states = dict(conn.execute(select(clips.c.id, clips.c.state).where(clips.c.id.in_(ids))).all())
    for clip_id in ids:
        if clip_id not in states:
            raise NotFound(f"clip {clip_id!r} not found")
        if states[clip_id] not in ASSIGNABLE:
            raise CurationError(f"clip {clip_id} is {states[clip_id]}; only approved clips are sent to agents")
    return ids, pack_id


@mutates("coaching.assign", "coaching.assigned")
def assign(ws: Workspace, title: str, due: str | date, agents=(), team: str | None = None, clip_ids=(),
           pack: str | None = None, objectives=(), reflection_question: str = "", today: date | None = None,
           user: str | None = None) -> str:
    """Send a pack (by id or name) and/or clips to agents and/or a team; returns the assignment id."""
    if not title.strip():
        raise CurationError("an assignment needs a title")
    due_text = _due(due, today or date.today())
    with operation(ws, "coaching.assign", "coaching.assigned", "coaching_assignment", user=user,
                   what="assign coaching") as op:
        names = _agents(op.conn, agents, team)
        ids, pack_id = _clips(op.conn, clip_ids, pack)
        assignment_id = "as-" + secrets.token_hex(5)
        op.conn.execute(coaching_assignments.insert().values(
            id=assignment_id, title=title.strip(), objectives_json=json.dumps([o.strip() for o in objectives if o.strip()],
                                                                             ensure_ascii=False),
            pack_id=pack_id, due=due_text, reflection_question=reflection_question.strip(),
            created_by=op.actor.name, created_at=utcnow()))
        op.conn.execute(coaching_assignment_clips.insert(), [{"assignment_id": assignment_id, "clip_id": c,
                                                              "position": k} for k, c in enumerate(ids)])
        op.conn.execute(coaching_assignees.insert(), [{"assignment_id": assignment_id, "agent": n, "state": "open",
                                                       "reflection": ""} for n in names])
        op.object_id = assignment_id
        op.details.update(agents=len(names), team=team, clips=ids, pack_id=pack_id, due=due_text)
        return assignment_id


# ---- what an agent and a trainer see ------------------------------------------------------------

@dataclass(frozen=True)
class AssignedClip:
    clip_id: str
    title: str | None
    withdrawn: bool  # revoked after it was assigned (an erasure): its audio is gone
    reason: str = ""


@dataclass(frozen=True)
class Assignment:
    id: str
    title: str
    objectives: tuple[str, ...]
    due: str
    reflection_question: str
    pack_id: str | None
    clips: tuple[AssignedClip, ...]
    assignees: tuple[dict, ...]  # agent, state, acknowledged_at, reflection: the agent's own row only, for an agent
    created_by: str

    @property
    def withdrawn(self) -> list[str]:
        return [c.clip_id for c in self.clips if c.withdrawn]


def _assignment(conn, assignment_id: str, only_agent: str | None = None) -> Assignment:
    row = conn.execute(select(coaching_assignments).where(coaching_assignments.c.id == assignment_id)).mappings().first()
    if row is None:
        raise NotFound(f"assignment {assignment_id!r} not found")
    who = select(coaching_assignees).where(coaching_assignees.c.assignment_id == assignment_id)
    if only_agent is not None:
        who = who.where(coaching_assignees.c.agent == only_agent)
    assignees = tuple({"agent": r["agent"], "state": r["state"], "acknowledged_at": r["acknowledged_at"],
                       "reflection": r["reflection"]} for r in conn.execute(who.order_by(coaching_assignees.c.agent))
                      .mappings())
    if only_agent is not None and not assignees:
        raise NotFound(f"assignment {assignment_id!r} not found")  # not theirs: not even its existence
    items = []
    for r in conn.execute(select(coaching_assignment_clips.c.clip_id, clips.c.title, clips.c.state)
                          .join(clips, clips.c.id == coaching_assignment_clips.c.clip_id, isouter=True)
                          .where(coaching_assignment_clips.c.assignment_id == assignment_id)
                          .order_by(coaching_assignment_clips.c.position)):
        withdrawn = r.state in (None, "revoked")
        reason = ""
        if withdrawn:  # the erasure revokes as "system"; a reviewer's revocation names the reviewer
            by = conn.execute(select(reviews.c.actor).where(reviews.c.clip_id == r.clip_id,
                                                            reviews.c.action == "revoke")
                              .order_by(reviews.c.id.desc()).limit(1)).scalar()
            reason = "withdrawn: erasure request" if by == "system" else "withdrawn: revoked by a reviewer"
        items.append(AssignedClip(r.clip_id, None if withdrawn else r.title, withdrawn, reason))
    return Assignment(row["id"], row["title"], tuple(json.loads(row["objectives_json"] or "[]")), row["due"],
                      row["reflection_question"], row["pack_id"], tuple(items), assignees, row["created_by"])


@reads_personal("coaching.assignments_read", "coaching.assignments_read")
def assignments(ws: Workspace, user: str | None = None) -> list[Assignment]:
    """A trainer: every assignment with every assignee's state. An agent: their own assignments,
    with only their own row (no colleague's name or answer). Audited (who read whose status)."""
    with operation(ws, "coaching.assignments_read", "coaching.assignments_read", "coaching_assignment", user=user,
                   what="read coaching assignments") as op:
        trainer = "trainer" in op.actor.roles
        query = select(coaching_assignments.c.id).order_by(coaching_assignments.c.due, coaching_assignments.c.id)
        if not trainer:
            query = query.join(coaching_assignees, coaching_assignees.c.assignment_id == coaching_assignments.c.id) \
                .where(coaching_assignees.c.agent == op.actor.name)
        out = [_assignment(op.conn, i, None if trainer else op.actor.name) for i in op.conn.execute(query).scalars()]
        op.details.update(count=len(out), own_only=not trainer)
        return out


@reads_personal("coaching.assignments_read", "coaching.assignment_opened")
def open_assignment(ws: Workspace, assignment_id: str, user: str | None = None) -> Assignment:
    """One assignment as its reader may see it (an agent: only one assigned to them)."""
    with operation(ws, "coaching.assignments_read", "coaching.assignment_opened", "coaching_assignment",
                   assignment_id, user=user, what="read coaching assignments") as op:
        trainer = "trainer" in op.actor.roles
        found = _assignment(op.conn, assignment_id, None if trainer else op.actor.name)
        op.details["withdrawn"] = found.withdrawn
        return found


@mutates("coaching.acknowledge", "coaching.acknowledged")
def acknowledge(ws: Workspace, assignment_id: str, reflection: str = "", user: str | None = None) -> Assignment:
    """The agent has gone through the assignment: acknowledged, with the answer to its reflection
    question (required when it has one). Acknowledging twice is refused."""
    with operation(ws, "coaching.acknowledge", "coaching.acknowledged", "coaching_assignment", assignment_id,
                   user=user, what="acknowledge coaching assignments") as op:
        found = _assignment(op.conn, assignment_id, op.actor.name)
        mine = found.assignees[0]
        if mine["state"] == "acknowledged":
            raise CurationError(f"assignment {assignment_id} was already acknowledged on {mine['acknowledged_at'][:10]}")
        if found.reflection_question and not reflection.strip():
            raise CurationError(f"assignment {assignment_id} asks: {found.reflection_question} — answer it to acknowledge")
        op.conn.execute(update(coaching_assignees).where(coaching_assignees.c.assignment_id == assignment_id,
                                                         coaching_assignees.c.agent == op.actor.name)
                        .values(state="acknowledged", acknowledged_at=utcnow(), reflection=reflection.strip()))
        op.details.update(reflection=bool(reflection.strip()), withdrawn=found.withdrawn)
        return _assignment(op.conn, assignment_id, op.actor.name)


@reads("coaching.completion")
def completion(ws: Workspace, today: date | None = None, user: str | None = None) -> list[dict]:
    """Per assignment, numbers only: assigned, acknowledged, overdue, withdrawn clips (managers see this)."""
    today_text = (today or date.today()).isoformat()
    with authorised(ws, "coaching.completion", user, "see coaching completion"), ws.engine.connect() as conn:
        counts = {r.assignment_id: r for r in conn.execute(
            select(coaching_assignees.c.assignment_id, func.count().label("assigned"),
                   func.sum(case((coaching_assignees.c.state == "acknowledged", 1), else_=0)).label("done"))
            .group_by(coaching_assignees.c.assignment_id))}
        out = []
        for a in conn.execute(select(coaching_assignments).order_by(coaching_assignments.c.due,
                                                                    coaching_assignments.c.id)).mappings():
            c = counts.get(a["id"])
            assigned, done = (c.assigned, int(c.done or 0)) if c else (0, 0)
            withdrawn = conn.execute(select(func.count()).select_from(coaching_assignment_clips)
                                     .join(clips, clips.c.id == coaching_assignment_clips.c.clip_id, isouter=True)
                                     .where(coaching_assignment_clips.c.assignment_id == a["id"],
                                            (clips.c.state == "revoked") | clips.c.id.is_(None))).scalar()
            out.append({"id": a["id"], "title": a["title"], "due": a["due"], "assigned": assigned,
                        "acknowledged": done, "open": assigned - done,
                        "overdue": assigned - done if a["due"] < today_text else 0, "withdrawn_clips": withdrawn})
        return out



@reads_personal("coaching.assignments_read", "coaching.clip_played")
def assignment_clip_audio(ws: Workspace, assignment_id: str, clip_id: str, fmt: str = "mp3",
                          user: str | None = None) -> bytes:
    """The anonymised audio of a clip of an assignment, for an agent it was assigned to (or a
    trainer); a withdrawn clip is refused: its audio is gone. Audited as `coaching.clip_played`."""
    from curation.clips.audio import _anonymised_file  # the one check of the stored anonymised file

    with operation(ws, "coaching.assignments_read", "coaching.clip_played", "clip", clip_id, user=user,
                   what="read coaching assignments") as op:
        found = _assignment(op.conn, assignment_id, None if "trainer" in op.actor.roles else op.actor.name)
        clip = next((c for c in found.clips if c.clip_id == clip_id), None)
        if clip is None:
            raise NotFound(f"clip {clip_id!r} is not part of assignment {assignment_id}")
        if clip.withdrawn:
            raise CurationError(f"clip {clip_id} was withdrawn from assignment {assignment_id} ({clip.reason}); "
                                "its audio is gone")
        op.details.update(assignment_id=assignment_id, format=fmt)
        return _anonymised_file(ws, op.conn, clip_id, fmt).read_bytes()
