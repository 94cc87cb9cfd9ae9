"""Trainer tags and learning topics on calls, and the trainer's saved difficulty weights.

Each change goes through `curation.roles.operation`: permission `calls.analyse`, one
transaction, one audit event (names of tags and weights only, no transcript text)."""

from __future__ import annotations

import re
from typing import Mapping

from sqlalchemy import delete, select

from curation.access import mutates, reads
from curation.errors import CurationError, NotFound
from curation.roles import actor, operation, require
from curation.store.schema import calls
from curation.workspace import Workspace, utcnow

from .scoring import Weights
from .store import rescore_stored
from .tables import call_tags, difficulty_weights, learning_topics

KINDS = ("tag", "topic")
PERMISSION = "calls.analyse"
_NAME = re.compile(r"^[\w][\w \-'.&/]{0,63}$", re.UNICODE)


class TagError(CurationError):
    """A tag or learning topic that cannot be stored."""


def _clean(name: str) -> str:
    name = " ".join((name or "").split())
    if not _NAME.match(name):
        raise TagError(f"tag {name!r}: use 1-64 letters, digits, spaces or - ' . & / (starting with a letter or digit)")
    return name.lower()


@reads("calls.list")
def learning_topics_list(ws: Workspace, user: str | None = None) -> list[dict]:
    require(actor(ws, user), "calls.list", "list learning topics")
    with ws.engine.connect() as conn:
        return [dict(r) for r in conn.execute(select(learning_topics).order_by(learning_topics.c.name)).mappings()]


@mutates(PERMISSION, "difficulty.topic_added")
def add_learning_topic(ws: Workspace, name: str, description: str = "", user: str | None = None) -> str:
    """Add a learning topic to the workspace's list (a no-op, writing nothing, when it exists)."""
    name = _clean(name)
    if name in {t["name"] for t in learning_topics_list(ws, user=user)}:
        return name
    with operation(ws, PERMISSION, "difficulty.topic_added", "learning_topic", name, user=user,
                   what="add learning topics") as op:
        _insert_topic(op, name, description)
    return name


def _insert_topic(op, name: str, description: str = "") -> None:
    op.conn.execute(learning_topics.insert().values(name=name, description=description, created_by=op.actor.name,
                                                    created_at=utcnow()))


@mutates(PERMISSION, "difficulty.*")
def tag_call(ws: Workspace, call_id: str, name: str, kind: str = "tag", user: str | None = None,
             remove: bool = False, create_topic: bool = False) -> str:
    """Add (or remove) a free tag or a learning topic on a call: one audited operation
    (`difficulty.tag_added|removed`, `difficulty.topic_added|removed`). A learning topic must be in
    the workspace's list unless `create_topic` is set (then it is added in the same operation)."""
    if kind not in KINDS:
        raise TagError(f"unknown tag kind {kind!r} (use tag or topic)")
    name = _clean(name)
    action = f"difficulty.{kind}_{'removed' if remove else 'added'}"
    with operation(ws, PERMISSION, action, "call", call_id, user=user, what="tag calls") as op:
        if op.conn.execute(select(calls.c.id).where(calls.c.id == call_id)).first() is None:
            raise NotFound(f"call {call_id!r} not found in {ws.root}")
        if kind == "topic" and not remove:
            known = set(op.conn.execute(select(learning_topics.c.name)).scalars())
            if name not in known:
                if not create_topic:
                    raise TagError(f"unknown learning topic {name!r} (known: {', '.join(sorted(known))}); "
                                   "add it with --new-topic")
                _insert_topic(op, name)
                op.details["topic_created"] = True
        key = (call_tags.c.call_id == call_id) & (call_tags.c.kind == kind) & (call_tags.c.name == name)
        exists = op.conn.execute(select(call_tags.c.name).where(key)).first() is not None
        if remove and exists:
            op.conn.execute(delete(call_tags).where(key))
        elif not remove and not exists:
            op.conn.execute(call_tags.insert().values(call_id=call_id, kind=kind, name=name, created_by=op.actor.name,
                                                      created_at=utcnow()))
        op.details.update(name=name, changed=(remove == exists))
    return name


@reads("calls.list")
def tags_of(ws: Workspace, call_id: str, user: str | None = None) -> dict[str, list[str]]:
    require(actor(ws, user), "calls.list", "read tags")
    with ws.engine.connect() as conn:
        rows = conn.execute(select(call_tags.c.kind, call_tags.c.name).where(call_tags.c.call_id == call_id)
                            .order_by(call_tags.c.name)).all()
    return {k: [r.name for r in rows if r.kind == k] for k in KINDS}


@mutates(PERMISSION, "difficulty.weights_changed")
def save_weights(ws: Workspace, overrides: Mapping[str, float], user: str | None = None) -> Weights:
    """Validate and store weight overrides (flat NAME=VALUE) on top of the saved ones; returns the effective weights."""
    from .store import effective_weights

    merged = effective_weights(ws).merged(dict(overrides))  # raises WeightsError on a bad name or value
    changed = merged.diff()
    with operation(ws, PERMISSION, "difficulty.weights_changed", "workspace", None, user=user,
                   what="change difficulty weights") as op:
        op.conn.execute(delete(difficulty_weights))
        if changed:
            op.conn.execute(difficulty_weights.insert(), [
                {"name": k, "value": float(v), "updated_by": op.actor.name, "updated_at": utcnow()} for k, v in changed.items()])
        op.details["weights"] = changed
        op.details["rescored"] = rescore_stored(op.conn, merged)
    return merged


@mutates(PERMISSION, "difficulty.weights_reset")
def reset_weights(ws: Workspace, user: str | None = None) -> Weights:
    with operation(ws, PERMISSION, "difficulty.weights_reset", "workspace", None, user=user,
                   what="change difficulty weights") as op:
        op.conn.execute(delete(difficulty_weights))
        op.details["rescored"] = rescore_stored(op.conn, Weights.default())
    return Weights.default()
