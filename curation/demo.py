"""The demo workspace: a synthetic Dutch call corpus, imported and analysed, ready for the notebooks.

`build_demo_workspace` is what `curation demo` (and `make demo`) runs: it builds in a staging
folder beside the target, writes a completion marker last and only then moves the folder into
place, so an interrupted build never looks finished; a lock file refuses a second build of the
same folder while one runs.
"""

from __future__ import annotations

import csv
import fcntl
import json
import logging
import os
import shutil
import tempfile
from contextlib import contextmanager
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Callable, Iterator

from curation.errors import WorkspaceError
from curation.workspace import Workspace

log = logging.getLogger(__name__)
DEMO_USERS = {"trainer": "trainer", "reviewer": "privacy_reviewer", "manager": "manager", "admin": "admin",
              "agent": "agent"}
# agents on the coaching roster, one team (three: the coaching dashboard shows no group smaller than that)
DEMO_AGENTS = ("agent", "agent2", "agent3")
DEMO_TEAM = "zorg"


def build_demo(root: str | Path, calls: int = 50, seed: int = 1, clips: int = 3,
               say: Callable[[str], None] = lambda _m: None, today: date | None = None) -> Workspace:
    """Create a workspace at `root` from `calls` synthetic calls generated with `seed`; analyse
    difficulty and consent, and cut `clips` anonymised demo clips (submitted, one approved).
    Recording and retention dates are moved so the last call was recorded yesterday (`today`)."""
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
        dates_relative_to(Path(tmp) / "manifest.csv", today or date.today())
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
    stages.append(lambda ws, say: (say(f"putting {len(DEMO_AGENTS)} agents on the coaching roster"),
                                   _seed_demo_agents(ws)))
    if clips:
        stages.append(lambda ws, say: (say(f"cutting and anonymising {clips} demo clips"),
                                       _seed_demo_clips(ws, count=clips, say=say)))
    return stages


def _seed_demo_agents(ws: Workspace) -> None:
    """The demo's agents, each with the employee id of some of the demo calls (the busiest first)."""
    from sqlalchemy import func, select

    from curation.coaching import register_agent, roster
    from curation.roles import add_user, roles_of
    from curation.store.schema import calls

    with ws.engine.connect() as conn:
        ids = [r[0] for r in conn.execute(select(calls.c.agent_id).where(calls.c.agent_id.is_not(None))
                                          .group_by(calls.c.agent_id)
                                          .order_by(func.count().desc(), calls.c.agent_id))]
        have = {name: roles_of(conn, name) for name in DEMO_AGENTS}
    on_roster = {r["name"] for r in roster(ws, user="trainer")}
    for k, name in enumerate(DEMO_AGENTS):
        if "agent" not in have[name]:
            add_user(ws, name, "agent", user="admin")
        if name not in on_roster:
            register_agent(ws, name, ids[k] if k < len(ids) else f"demo-agent-{k + 1}", team=DEMO_TEAM,
                           user="trainer")


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
    from curation.clips.listening import record_listening
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
        record_listening(ws, clip.id, [(0.0, clip.duration)], user=reviewer, source="demo")  # heard it whole
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


def dates_relative_to(manifest: Path, today: date) -> int:
    """Shift every recording and retention date of a corpus manifest by whole days so the latest
    call was recorded the day before `today`: the corpus keeps its spread (about ten months of
    calls, retention of 90 days to two years), so some originals are overdue for deletion and
    others fall due in the coming months, whatever day the demo is built. Returns the shift in days."""
    with open(manifest, newline="", encoding="utf-8") as fh:
        reader = csv.DictReader(fh)
        fields, rows = reader.fieldnames, list(reader)
    recorded = [datetime.fromisoformat(r["recorded_at"].replace("Z", "+00:00")) for r in rows if r.get("recorded_at")]
    if not recorded:
        return 0
    shift = timedelta(days=((today - timedelta(days=1)) - max(recorded).date()).days)
    for row in rows:
        if row.get("recorded_at"):
            at = datetime.fromisoformat(row["recorded_at"].replace("Z", "+00:00")) + shift
            row["recorded_at"] = at.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
        if row.get("retention_until"):
            row["retention_until"] = (date.fromisoformat(row["retention_until"]) + shift).isoformat()
    with open(manifest, "w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=fields, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    return shift.days


# ---- building honestly: staging folder, completion marker, lock -----------------------------------

COMPLETE_MARKER = ".demo-complete"


class DemoBusy(WorkspaceError):
    """Another process is building the same demo workspace."""


def _staging(root: Path) -> Path:
    return root.parent / f".{root.name}.building"


def _lock_path(root: Path) -> Path:
    return root.parent / f".{root.name}.lock"


@contextmanager
def build_lock(root: str | Path) -> Iterator[None]:
    """Hold the demo build lock of `root` (an flock on a file beside it; released when the process
    ends, however it ends). A second holder is refused with `DemoBusy`, in one line."""
    root = Path(root).absolute()
    root.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(_lock_path(root), os.O_RDWR | os.O_CREAT, 0o600)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 32, 0).decode(errors="replace").strip() or "another process"
            raise DemoBusy(f"{root}: another demo build is running (process {holder}); wait for it to finish "
                           "and run the command again") from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, str(os.getpid()).encode(), 0)
        yield
    finally:
        os.close(fd)


def demo_state(root: str | Path) -> str:
    """`complete` (built to the end and marked so), `unfinished` (a workspace, or a staging folder,
    without the completion marker: an interrupted build), `absent`, or `other` (a non-empty folder
    that is no workspace)."""
    root = Path(root).absolute()
    if (root / COMPLETE_MARKER).is_file():
        try:
            Workspace.open(root, upgrade=False).close()
            return "complete"
        except WorkspaceError:
            return "unfinished"
    if root.is_dir() and any(root.iterdir()):
        return "unfinished" if (root / "workspace.json").is_file() else "other"
    return "unfinished" if _staging(root).exists() else "absent"


def demo_summary(root: str | Path) -> dict:
    """What the completion marker records: calls, seed, clips, when it was finished."""
    try:
        return json.loads((Path(root) / COMPLETE_MARKER).read_text("utf-8"))
    except (OSError, ValueError):
        return {}


def build_demo_workspace(root: str | Path, calls: int = 50, seed: int = 1, clips: int = 3,
                         say: Callable[[str], None] = lambda _m: None) -> Path:
    """Build the demo in a staging folder beside `root`, mark it complete, then move it to `root`
    (which must not exist). Call inside `build_lock(root)`. An interrupted build leaves only the
    staging folder, which the next build removes."""
    root = Path(root).absolute()
    if root.exists():
        raise WorkspaceError(f"{root}: exists; remove it first")
    staging = _staging(root)
    if staging.exists():
        say(f"removing an unfinished build ({staging.name})")
        _remove_folder(staging)
    ws = build_demo(staging, calls=calls, seed=seed, clips=clips, say=say)
    ws.close()
    fd = os.open(staging / COMPLETE_MARKER, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as fh:
        fh.write(json.dumps({"calls": calls, "seed": seed, "clips": clips,
                             "completed_at": datetime.now(timezone.utc).replace(microsecond=0).isoformat()}) + "\n")
    os.replace(staging, root)
    return root


def remove(root: str | Path) -> None:
    """Remove a demo workspace (or an unfinished one) and its staging folder, with the database each
    made on a PostgreSQL server (a rebuilt demo leaves nothing behind there)."""
    root = Path(root).absolute()
    for path in (root, _staging(root)):
        if path.exists():
            _remove_folder(path)


def _remove_folder(path: Path) -> None:
    from curation.workspace import drop_server_database, workspace_database_url

    drop_server_database(workspace_database_url(path))
    shutil.rmtree(path)
