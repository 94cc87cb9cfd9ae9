"""Demo clips: a few clips in every review state, so the trainer, reviewer and pack notebooks of
the demo workspace have something to show. Uses the demo users `trainer` and `reviewer`."""

from __future__ import annotations

from typing import Callable

from sqlalchemy import select

from curation.store.schema import calls
from curation.workspace import Workspace


def _candidate_calls(ws: Workspace) -> list[str]:
    """Difficult calls first (when the difficulty stage has scored them), then the rest by id."""
    with ws.engine.connect() as conn:
        ids = list(conn.execute(select(calls.c.id).order_by(calls.c.id)).scalars())
        try:
            from curation.difficulty.tables import difficulty_scores

            ranked = list(conn.execute(select(difficulty_scores.c.call_id)
                                       .order_by(difficulty_scores.c.score.desc())).scalars())
        except Exception:  # difficulty stage absent or not run: plain order
            ranked = []
    return ranked + [i for i in ids if i not in set(ranked)]


def seed_demo_clips(ws: Workspace, count: int = 3, seconds: float = 30.0, trainer: str = "trainer",
                    reviewer: str = "reviewer", say: Callable[[str], None] = lambda _m: None) -> dict[str, str]:
    """Cut `count` clips from the most difficult calls, anonymise and submit them; approve the first
    one whose consent decision allows it. Returns clip id -> state. A clip that cannot be anonymised
    (blocked) stays a draft, with the reason said."""
    from curation import review
    from curation.clips.anonymise import anonymise_clip
    from curation.clips.audio import play_clip
    from curation.clips.edit import create_clip
    from curation.errors import CurationError

    states: dict[str, str] = {}
    approved = False
    for call_id in _candidate_calls(ws)[:count]:
        clip = create_clip(ws, call_id, 0.0, seconds, title=f"Fragment uit gesprek {call_id}", snap="word",
                           user=trainer)
        result = anonymise_clip(ws, clip.id, user=trainer)
        if not result.ok:
            say(f"demo clip {clip.id} stays a draft: {result.blocked_reason}")
            states[clip.id] = "draft"
            continue
        review.submit(ws, clip.id, user=trainer)
        states[clip.id] = "submitted"
        if approved:
            continue
        play_clip(ws, clip.id, user=reviewer)  # the reviewer listens before deciding
        problems = review.approval_problems(ws, clip.id, user=reviewer)
        if problems:
            say(f"demo clip {clip.id} left for review: {problems[0]}")
            continue
        try:
            states[clip.id] = review.approve(ws, clip.id, user=reviewer).state
            approved = True
        except CurationError as exc:
            say(f"demo clip {clip.id} not approved: {exc}")
    return states
