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
    try:
        from curation.difficulty.store import analyse_workspace
        stages.append(lambda ws, say: (say("scoring call difficulty"), analyse_workspace(ws, user="admin")))
    except ImportError:
        pass
    try:
        from curation.consent.decisions import analyse_consent
        stages.append(lambda ws, say: (say("analysing consent"), analyse_consent(ws, user="trainer")))
    except ImportError:
        pass
    try:
        from curation.clips.demo import seed_demo_clips
        if clips:
            stages.append(lambda ws, say: (say(f"cutting and anonymising {clips} demo clips"),
                                           seed_demo_clips(ws, count=clips, say=say)))
    except ImportError:
        pass
    return stages


def demo_is_current(root: str | Path) -> bool:
    try:
        Workspace.open(root).close()
        return True
    except WorkspaceError:
        return False


def remove(root: Path) -> None:
    shutil.rmtree(root)
