"""The demo workspace: a synthetic Dutch call corpus, imported and analysed, ready for the notebooks."""

from __future__ import annotations

import logging
import shutil
import tempfile
from pathlib import Path
from typing import Callable

from curation.errors import WorkspaceError
from curation.workspace import Workspace

log = logging.getLogger(__name__)
DEMO_USERS = {"trainer": "trainer", "reviewer": "privacy_reviewer", "manager": "manager", "admin": "admin"}


def build_demo(root: str | Path, calls: int = 50, seed: int = 1, clips: int = 3,
               say: Callable[[str], None] = lambda _m: None) -> Workspace:
    """Create a workspace at `root` from `calls` synthetic calls generated with `seed`; analyse
    difficulty and consent, and cut `clips` anonymised demo clips (submitted, one approved)."""
    import callcorpus
    from curation.ingest import ingest

    from curation.roles import seed_demo_users

    root = Path(root)
    ws = Workspace.create(root)
    say("adding demo users: " + ", ".join(f"{n} ({r})" for n, r in DEMO_USERS.items()))
    seed_demo_users(ws, DEMO_USERS)
    with tempfile.TemporaryDirectory(prefix="corpus-", dir=ws.tmp) as tmp:
        say(f"generating {calls} synthetic calls (seed {seed})")
        callcorpus.generate(Path(tmp), calls=calls, seed=seed)
        say("importing them into the catalogue")
        outcomes = ingest(ws, [tmp], actor="admin")
    failed = [o for o in outcomes if o.status == "failed"]
    if failed:
        raise WorkspaceError(f"{root}: demo import failed for {len(failed)} calls, first: {failed[0].message}")
    for stage in _later_stages(clips):
        stage(ws, say)
    return ws


def _later_stages(clips: int) -> list:
    """Stages of the demo that run when their part of the workbench is installed."""
    stages = []
    from curation.consent.analysis import analyse_consent
    from curation.difficulty.store import analyse_workspace

    stages.append(lambda ws, say: (say("scoring call difficulty"), analyse_workspace(ws, user="admin")))
    stages.append(lambda ws, say: (say("analysing consent"), analyse_consent(ws, user="trainer")))
    if clips:
        stages.append(lambda ws, say: (say(f"cutting and anonymising {clips} demo clips"),
                                       _seed_demo_clips(ws, count=clips, say=say)))
    return stages


def _candidate_calls(ws: Workspace) -> list[str]:
    """Difficult calls first (when the difficulty stage has scored them), then the rest by id."""
    from sqlalchemy import select

    from curation.difficulty.tables import difficulty_scores
    from curation.store.schema import calls

    with ws.engine.connect() as conn:
        ids = list(conn.execute(select(calls.c.id).order_by(calls.c.id)).scalars())
        ranked = list(conn.execute(select(difficulty_scores.c.call_id)
                                   .order_by(difficulty_scores.c.score.desc())).scalars())
    return ranked + [i for i in ids if i not in set(ranked)]


def _seed_demo_clips(ws: Workspace, count: int = 3, seconds: float = 30.0, trainer: str = "trainer",
                     reviewer: str = "reviewer", say: Callable[[str], None] = lambda _m: None) -> dict[str, str]:
    """Cut `count` clips from the most difficult calls, anonymise and submit them (as the demo trainer);
    the demo reviewer listens to and approves the first one whose consent decision allows it, attesting
    the checklist. Each step is the library's own audited operation. Returns clip id -> state. A clip
    that cannot be anonymised (blocked) stays a draft, with the reason said."""
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
            states[clip.id] = review.approve(ws, clip.id, user=reviewer, attestations=review.CHECKLIST).state
            approved = True
        except CurationError as exc:
            say(f"demo clip {clip.id} not approved: {exc}")
    return states


def demo_is_current(root: str | Path) -> bool:
    try:
        Workspace.open(root).close()
        return True
    except WorkspaceError:
        return False


def remove(root: Path) -> None:
    shutil.rmtree(root)
