"""Evaluations: a trainer scores a clip or a call on a form version, pre-filled by the
conversation-technique analysis; each suggestion is confirmed or corrected (corrections are kept,
so the analysis can be measured against the trainers' judgement); an agent's final evaluations roll
up into their profile. Agents see their own profile only; nobody but trainers sees an evaluation.
"""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass, field

from sqlalchemy import select, update
from sqlalchemy.engine import Connection

from curation.access import reads, reads_personal, mutates, storage
from curation.errors import CurationError, NotFound, PermissionDenied
from curation.roles import authorised, operation
from curation.store.schema import calls, clips
from curation.workspace import Workspace, utcnow

from .formstore import form_version
from .tables import coaching_agents, coaching_evaluation_items, coaching_evaluations
from .technique import analyse, prefill

STATUSES = ("open", "prefilled", "confirmed", "corrected", "answered")


@dataclass(frozen=True)
class EvaluationItem:
    question: str
    prefill_value: float | None
    prefill: dict  # measure, note and evidence (quotes, roles, times) of the suggestion
    answer: float | None
    status: str
    note: str = ""
    decided_by: str | None = None


@dataclass(frozen=True)
class Evaluation:
    id: str
    call_id: str
    clip_id: str | None
    agent_id: str | None
    form_name: str
    form_version: int
    evaluator: str
    state: str
    total: float | None
    notes: str
    created_at: str
    items: tuple[EvaluationItem, ...] = field(default_factory=tuple)

    def item(self, question: str) -> EvaluationItem:
        return next(i for i in self.items if i.question == question)

    @property
    def answers(self) -> dict[str, float | None]:
        return {i.question: i.answer for i in self.items}


@storage("resolves an evaluation target through the caller's connection")
def resolve_target(conn: Connection, target: str) -> tuple[str, str | None, float, float | None]:
    """(call id, clip id or None, start, end or None) of a clip id or a call id."""
    clip = conn.execute(select(clips.c.id, clips.c.call_id, clips.c.start, clips.c.end, clips.c.state)
                        .where(clips.c.id == target)).first()
    if clip is not None:
        if clip.state == "revoked":
            raise CurationError(f"clip {target!r} was revoked; it cannot be evaluated")
        return clip.call_id, clip.id, clip.start, clip.end
    if conn.execute(select(calls.c.id).where(calls.c.id == target)).first() is None:
        raise NotFound(f"no clip or call {target!r} in this workspace")
    return target, None, 0.0, None


@mutates("coaching.evaluate", "coaching.evaluation_created")
def evaluate(ws: Workspace, target: str, form: str = "service_nl", user: str | None = None) -> Evaluation:
    """Start an evaluation of a clip or call on the newest version of `form`, every question pre-filled
    from the transcript where the form names a measure (times relative to the clip, or the call)."""
    from curation.catalogue import load_transcript

    with operation(ws, "coaching.evaluate", "coaching.evaluation_created", "coaching_evaluation", user=user,
                   what="evaluate calls") as op:
        call_id, clip_id, start, end = resolve_target(op.conn, target)
        the_form = form_version(op.conn, form)
        transcript = load_transcript(ws, call_id)
        if transcript is None:
            raise CurationError(f"call {call_id!r} has no transcript; nothing to pre-fill or evaluate from")
        if clip_id is not None:
            transcript = transcript.slice(start, end)
        suggestions = prefill(the_form, analyse(transcript))
        agent_id = op.conn.execute(select(calls.c.agent_id).where(calls.c.id == call_id)).scalar()
        evaluation_id = "ev-" + secrets.token_hex(5)
        now = utcnow()
        op.conn.execute(coaching_evaluations.insert().values(
            id=evaluation_id, call_id=call_id, clip_id=clip_id, agent_id=agent_id, form_name=the_form.name,
            form_version=the_form.version, evaluator=op.actor.name, state="draft", total=None, notes="",
            created_at=now, updated_at=now))
        for s in suggestions:
            doc = dict(s.finding.to_dict(), timeline="clip" if clip_id else "call") if s.finding else {}
            op.conn.execute(coaching_evaluation_items.insert().values(
                evaluation_id=evaluation_id, question=s.question, call_id=call_id, prefill_value=s.value,
                prefill_json=json.dumps(doc, ensure_ascii=False), answer=None,
                status="prefilled" if s.value is not None else "open", note=""))
        op.object_id = evaluation_id
        op.details.update(call_id=call_id, clip_id=clip_id, form=the_form.name, form_version=the_form.version,
                          prefilled=sum(s.value is not None for s in suggestions))
        return _load(op.conn, evaluation_id)


@mutates("coaching.evaluate", "coaching.evaluation_answered")
def answer(ws: Workspace, evaluation_id: str, answers: dict[str, float] | None = None, confirm=(),
           notes: str | None = None, item_notes: dict[str, str] | None = None, finalise: bool = False,
           user: str | None = None) -> Evaluation:
    """Record the evaluator's answers: `confirm` takes the suggestion of those questions ("all": every
    pre-filled one not answered otherwise); `answers` sets a score (a correction when it differs from
    the suggestion, which stays stored beside it). `finalise` needs every question answered; a final
    evaluation is not changed again."""
    answers = dict(answers or {})
    with operation(ws, "coaching.evaluate", "coaching.evaluation_answered", "coaching_evaluation", evaluation_id,
                   user=user, what="evaluate calls") as op:
        ev = _load(op.conn, evaluation_id)
        if ev.state == "final":
            raise CurationError(f"evaluation {evaluation_id} is final; start a new evaluation to change it")
        form = form_version(op.conn, ev.form_name, ev.form_version)
        by_key = {i.question: i for i in ev.items}
        confirm = [i.question for i in ev.items if i.prefill_value is not None and i.question not in answers] \
            if confirm == "all" else list(confirm)
        changed, now = {"confirmed": 0, "corrected": 0, "answered": 0}, utcnow()
        for key in confirm:
            form.question(key)  # an unknown key is refused by name
            item = by_key.get(key)
            if item is None or item.prefill_value is None:
                raise CurationError(f"question {key!r} has no suggestion to confirm; give an answer")
            answers.setdefault(key, item.prefill_value)
        for key, value in answers.items():
            value = form.question(key).check_answer(value)
            item = by_key[key]
            status = "answered" if item.prefill_value is None else \
                "confirmed" if value == item.prefill_value else "corrected"
            changed[status] += 1
            op.conn.execute(update(coaching_evaluation_items)
                            .where(coaching_evaluation_items.c.evaluation_id == evaluation_id,
                                   coaching_evaluation_items.c.question == key)
                            .values(answer=value, status=status, decided_by=op.actor.name, decided_at=now))
        for key, text in (item_notes or {}).items():
            form.question(key)
            op.conn.execute(update(coaching_evaluation_items)
                            .where(coaching_evaluation_items.c.evaluation_id == evaluation_id,
                                   coaching_evaluation_items.c.question == key).values(note=text.strip()))
        values = {"updated_at": now}
        if notes is not None:
            values["notes"] = notes.strip()
        current = {**ev.answers, **{k: float(v) for k, v in answers.items()}}
        values["total"] = form.total(current)
        if finalise:
            missing = [k for k, v in current.items() if v is None]
            if missing:
                raise CurationError(f"evaluation {evaluation_id}: answer {', '.join(missing)} before finalising")
            values["state"] = "final"
        op.conn.execute(update(coaching_evaluations).where(coaching_evaluations.c.id == evaluation_id).values(**values))
        op.details.update(changed, final=finalise)
        return _load(op.conn, evaluation_id)


def _load(conn: Connection, evaluation_id: str) -> Evaluation:
    row = conn.execute(select(coaching_evaluations).where(coaching_evaluations.c.id == evaluation_id)).mappings().first()
    if row is None:
        raise NotFound(f"evaluation {evaluation_id!r} not found")
    items = conn.execute(select(coaching_evaluation_items)
                         .where(coaching_evaluation_items.c.evaluation_id == evaluation_id)).mappings().all()
    form = form_version(conn, row["form_name"], row["form_version"])
    order = {q.key: i for i, q in enumerate(form.questions)}
    return Evaluation(row["id"], row["call_id"], row["clip_id"], row["agent_id"], row["form_name"],
                      row["form_version"], row["evaluator"], row["state"], row["total"], row["notes"],
                      row["created_at"],
                      tuple(EvaluationItem(i["question"], i["prefill_value"], json.loads(i["prefill_json"] or "{}"),
                                           i["answer"], i["status"], i["note"], i["decided_by"])
                            for i in sorted(items, key=lambda i: order.get(i["question"], 99))))


@reads_personal("coaching.evaluations_read", "coaching.evaluation_read")
def get_evaluation(ws: Workspace, evaluation_id: str, user: str | None = None) -> Evaluation:
    """One evaluation with its items, suggestions and evidence quotes (trainers only; audited)."""
    with operation(ws, "coaching.evaluations_read", "coaching.evaluation_read", "coaching_evaluation",
                   evaluation_id, user=user, what="read evaluations") as op:
        return _load(op.conn, evaluation_id)


@reads_personal("coaching.evaluations_read", "coaching.evaluations_listed")
def list_evaluations(ws: Workspace, agent_id: str | None = None, call_id: str | None = None,
                     user: str | None = None) -> list[dict]:
    """Evaluations (no notes, no quotes): id, call, clip, agent, form and version, state, total."""
    with operation(ws, "coaching.evaluations_read", "coaching.evaluations_listed", "coaching_evaluation",
                   user=user, what="read evaluations") as op:
        query = select(coaching_evaluations).order_by(coaching_evaluations.c.created_at, coaching_evaluations.c.id)
        if agent_id:
            query = query.where(coaching_evaluations.c.agent_id == agent_id)
        if call_id:
            query = query.where(coaching_evaluations.c.call_id == call_id)
        rows = [{k: r[k] for k in ("id", "call_id", "clip_id", "agent_id", "form_name", "form_version", "evaluator",
                                   "state", "total", "created_at")}
                for r in op.conn.execute(query).mappings()]
        op.details.update(count=len(rows), agent_id=agent_id)
        return rows


@dataclass(frozen=True)
class AgentProfile:
    """An agent's final evaluations rolled up: count, mean total, per form question the mean score
    (0..1) and how many evaluations answered it, and the totals over time."""

    agent: str | None
    agent_id: str
    evaluations: int
    mean_total: float | None
    questions: dict[str, dict]  # "form.question" -> {"mean": 0..1, "n": count, "text": ...}
    over_time: list[tuple[str, float | None]]


@reads_personal("coaching.profile_read", "coaching.profile_read")
def agent_profile(ws: Workspace, agent: str, user: str | None = None) -> AgentProfile:
    """The profile of `agent` (roster user name or employee id). An agent may read only their own."""
    with operation(ws, "coaching.profile_read", "coaching.profile_read", "coaching_agent", agent, user=user,
                   what="read coaching profiles") as op:
        row = op.conn.execute(select(coaching_agents).where(
            (coaching_agents.c.name == agent) | (coaching_agents.c.agent_id == agent))).mappings().first()
        name, agent_id = (row["name"], row["agent_id"]) if row else (None, agent)
        if "trainer" not in op.actor.roles and op.actor.name != name:
            raise PermissionDenied(f"{op.actor.describe()} may read only their own coaching profile")
        evs = op.conn.execute(select(coaching_evaluations).where(coaching_evaluations.c.agent_id == agent_id,
                                                                 coaching_evaluations.c.state == "final")
                              .order_by(coaching_evaluations.c.created_at)).mappings().all()
        questions: dict[str, dict] = {}
        for ev in evs:
            form = form_version(op.conn, ev["form_name"], ev["form_version"])
            for item in op.conn.execute(select(coaching_evaluation_items.c.question, coaching_evaluation_items.c.answer)
                                        .where(coaching_evaluation_items.c.evaluation_id == ev["id"])):
                if item.answer is None:
                    continue
                q = form.question(item.question)
                entry = questions.setdefault(f"{form.name}.{q.key}", {"sum": 0.0, "n": 0, "text": q.text,
                                                                      "text_en": q.text_en})
                entry["sum"] += q.normalised(item.answer)
                entry["n"] += 1
        totals = [e["total"] for e in evs if e["total"] is not None]
        op.details.update(evaluations=len(evs))
        return AgentProfile(name, agent_id, len(evs), round(sum(totals) / len(totals), 1) if totals else None,
                            {k: {"mean": round(v["sum"] / v["n"], 2), "n": v["n"], "text": v["text"],
                                 "text_en": v["text_en"]} for k, v in sorted(questions.items())},
                            [(e["created_at"][:10], e["total"]) for e in evs])


@reads("coaching.evaluations_read")
def prefill_agreement(ws: Workspace, user: str | None = None) -> dict[str, dict[str, int]]:
    """How trainers judged the analysis' suggestions, per form question: confirmed, corrected, open
    (numbers only: the measure of the pre-fill against the trainers)."""
    with authorised(ws, "coaching.evaluations_read", user, "read evaluations"), ws.engine.connect() as conn:
        out: dict[str, dict[str, int]] = {}
        for r in conn.execute(select(coaching_evaluations.c.form_name, coaching_evaluation_items.c.question,
                                     coaching_evaluation_items.c.status)
                              .join(coaching_evaluations,
                                    coaching_evaluations.c.id == coaching_evaluation_items.c.evaluation_id)
                              .where(coaching_evaluation_items.c.prefill_value.is_not(None))):
            counts = out.setdefault(f"{r.form_name}.{r.question}", {"confirmed": 0, "corrected": 0, "prefilled": 0})
            if r.status in counts:
                counts[r.status] += 1
        return out
