"""The way back to one's own work: a trainer's clips by state, with the reviewer's last word on each,
and a privacy reviewer's history of decisions (what, which clip, when, why).

Read only and not audited (clip rows and review decisions; no transcript text, no names of callers)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from curation.access import reads
from curation.clips.model import Clip
from curation.clips.store import load_anonymisation, row_to_clip
from curation.roles import authorised
from curation.store.schema import clips, reviews
from curation.workspace import Workspace

# the states a trainer works through, in the order "My work" shows them
WORK_STATES = ("changes_requested", "draft", "submitted", "approved", "packed", "rejected", "revoked")
DECISIONS = ("approve", "reject", "request_changes")
DECIDED = {"approve": "approved", "reject": "rejected", "request_changes": "changes requested"}


@dataclass(frozen=True)
class WorkItem:
    """One of my clips: its state, whether its anonymised version is current, and the last review
    decision on it (who, what, why, when)."""

    clip: Clip
    anonymisation: str  # none | ok | stale | blocked
    decision: str | None = None
    decided_by: str | None = None
    reason: str | None = None
    decided_at: str | None = None

    @property
    def state(self) -> str:
        return self.clip.state

    @property
    def can_resubmit(self) -> bool:
        return self.state in ("draft", "changes_requested") and self.anonymisation == "ok"

    def to_dict(self) -> dict:
        return {**self.clip.to_dict(), "anonymised": self.anonymisation, "decision": self.decision,
                "decided_by": self.decided_by, "reason": self.reason, "decided_at": self.decided_at}


def _last_decisions(conn, clip_ids: list[str]) -> dict[str, object]:
    if not clip_ids:
        return {}
    rows = conn.execute(select(reviews).where(reviews.c.clip_id.in_(clip_ids), reviews.c.action.in_(DECISIONS))
                        .order_by(reviews.c.id))
    return {r.clip_id: r for r in rows}  # the newest decision per clip wins


@reads("clips.read")
def my_clips(ws: Workspace, user: str | None = None) -> list[WorkItem]:
    """The acting user's clips (those they created), in `WORK_STATES` order, newest first in each."""
    with authorised(ws, "clips.read", user, "read clips") as who, ws.engine.connect() as conn:
        mine = [row_to_clip(r) for r in conn.execute(select(clips).where(clips.c.created_by == who.name)
                                                      .order_by(clips.c.updated_at.desc(), clips.c.id))]
        decided = _last_decisions(conn, [c.id for c in mine])
        items = []
        for clip in mine:
            anon = load_anonymisation(conn, clip.id)
            row = decided.get(clip.id)
            items.append(WorkItem(clip, "none" if anon is None else anon["status"],
                                  row.action if row else None, row.actor if row else None,
                                  row.reason if row else None, row.at if row else None))
    order = {state: i for i, state in enumerate(WORK_STATES)}
    return sorted(items, key=lambda item: order.get(item.state, len(order)))  # stable: newest first stays


@reads("clips.review")
def my_decisions(ws: Workspace, user: str | None = None, limit: int = 500) -> list[dict]:
    """What the acting privacy reviewer approved, rejected or sent back, newest first: clip, call,
    decision, reason, when, and the clip's state now."""
    with authorised(ws, "clips.review", user, "review clips") as who, ws.engine.connect() as conn:
        rows = conn.execute(select(reviews.c.clip_id, reviews.c.action, reviews.c.reason, reviews.c.at,
                                   clips.c.call_id, clips.c.title, clips.c.state)
                            .join(clips, clips.c.id == reviews.c.clip_id)
                            .where(reviews.c.actor == who.name, reviews.c.action.in_(DECISIONS))
                            .order_by(reviews.c.id.desc()).limit(limit))
        return [{"clip_id": r.clip_id, "call_id": r.call_id, "title": r.title, "decision": DECIDED[r.action],
                 "reason": r.reason, "at": r.at, "state_now": r.state} for r in rows]


@reads("clips.read")
def anonymisation_state(ws: Workspace, clip_id: str, user: str | None = None) -> str:
    """Whether the clip has a current anonymised version: none | ok | stale (edited since) | blocked."""
    with authorised(ws, "clips.read", user, "read clips"), ws.engine.connect() as conn:
        anon = load_anonymisation(conn, clip_id)
    return "none" if anon is None else anon["status"]
