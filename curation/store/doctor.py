"""Workspace health checks behind `curation doctor` (and `curation audit verify`): folders and
files whose permissions let other users in, deletions a crash left unfinished, and columns without
a personal-data declaration; in a remote audio store, temporary uploads a failed import left behind;
and (`check_orphan_originals`, with the catalogue) originals in the store that no call refers to.
`fix_workspace` tightens the modes, finishes the deletions and deletes those uploads;
`remove_orphan_originals` deletes the orphans.

Which files must be owner-only comes from the inventory's file kinds (`private`: the database, the
key, originals, packs, exports, the settings); the workspace folder and its top-level folders must
be 0700, so what lies in them (derived clips, temporary work) is out of other users' reach too.
"""

from __future__ import annotations

import json
import os
import stat
from dataclasses import dataclass
from pathlib import Path

from curation.store.forget import pending_journals
from curation.store.metadata import undeclared
from curation.store.personal_data import file_kind_of

EXIT_UNSAFE = 8


@dataclass(frozen=True)
class Problem:
    path: str       # relative to the workspace root ("." is the folder itself)
    problem: str
    fixable: bool = True

    def line(self, root: Path) -> str:
        where = Path(root) if self.path == "." else Path(root) / self.path
        return f"{where}: {self.problem}"


def _who(mode: int) -> str:
    parts = [name for name, bits in (("group", 0o070), ("others", 0o007)) if mode & bits]
    return " and ".join(parts)


def _mode_problem(path: Path, rel: str, is_dir: bool) -> Problem | None:
    mode = stat.S_IMODE(path.lstat().st_mode)
    if not mode & 0o077:
        return None
    want = 0o700 if is_dir else 0o600
    verb = "can list and open it" if is_dir else "can read it" if mode & 0o044 else "can write it"
    what = "folder" if is_dir else (file_kind_of(rel).name if file_kind_of(rel) else "file")
    return Problem(rel, f"{what} too open: {_who(mode)} {verb} (mode {mode:04o}; should be {want:04o})")


def _walk(root: Path):
    """(path, relative path, is_dir) for everything under root, symlinks not followed."""
    for folder, dirs, files in os.walk(root, followlinks=False):
        base = Path(folder)
        for name in sorted(dirs):
            path = base / name
            if not path.is_symlink():
                yield path, path.relative_to(root).as_posix(), True
        for name in sorted(files):
            path = base / name
            if not path.is_symlink():
                yield path, path.relative_to(root).as_posix(), False


def check_permissions(root: Path) -> list[Problem]:
    root = Path(root)
    problems = [p for p in [_mode_problem(root, ".", True)] if p]
    for path, rel, is_dir in _walk(root):
        kind = file_kind_of(rel)
        if (is_dir and "/" not in rel) or (kind is not None and kind.private):
            problem = _mode_problem(path, rel, is_dir)
            if problem:
                problems.append(problem)
    return problems


def check_pending(root: Path) -> list[Problem]:
    out = []
    for journal in pending_journals(root):
        try:
            doc = json.loads(journal.read_text("utf-8"))
            what = f"deletion {doc['request_id']} did not finish ({len(doc.get('paths', []))} files left"
            what += ", database not vacuumed)" if doc.get("tables") else ")"
        except (OSError, ValueError, KeyError):
            what = "unreadable deletion journal"
        out.append(Problem(journal.relative_to(root).as_posix(), what + "; `curation doctor --fix` finishes it"))
    return out


def _remote_audio_store(root: Path):
    """The workspace's audio store when its settings name a remote one, else None."""
    from curation.store.audio_store import open_audio_store

    try:
        settings = json.loads((Path(root) / "workspace.json").read_text()).get("audio_store")
    except (OSError, ValueError):
        return None
    return open_audio_store(Path(root), settings) if settings else None


def check_audio_store(root: Path) -> list[Problem]:
    """A remote audio store: reachable, and no temporary upload left behind by a failed import."""
    from curation.errors import CurationError

    store = _remote_audio_store(root)
    if store is None:
        return []
    try:
        stale = store.stale_uploads()
    except CurationError as exc:
        return [Problem(".", str(exc), fixable=False)]
    return [Problem(".", f"audio store {store.describe()}: {rel}: temporary upload of a failed import left behind "
                         "(a copy of an original that no erasure finds); `curation doctor --fix` deletes it")
            for rel in stale]


def check_workspace(root: Path) -> list[Problem]:
    """Every problem found, one per path; an empty list means healthy."""
    problems = check_permissions(root) + check_pending(root) + check_audio_store(root)
    problems += [Problem("catalogue", f"column {c} has no personal-data declaration "
                                      "(declare it in curation/store/personal_data.py)", fixable=False)
                 for c in undeclared()]
    return problems


def fix_workspace(root: Path, ws=None) -> list[str]:
    """Take group and other permissions away from every folder and owner-only file, and finish
    interrupted deletions (`ws`: the open workspace, needed for those). Returns what was done."""
    from curation.store.forget import finish_pending

    root = Path(root)
    done = []
    for problem in check_permissions(root):
        path = root if problem.path == "." else root / problem.path
        mode = stat.S_IMODE(path.lstat().st_mode)
        new = (mode & 0o700) | (0o700 if path.is_dir() else 0o600)
        os.chmod(path, new)
        done.append(f"{problem.line(root).split(': ')[0]}: mode {mode:04o} -> {new:04o}")
    if ws is not None and pending_journals(root):
        done += finish_pending(ws)
    store = _remote_audio_store(root)
    if store is not None:
        done += [f"audio store {store.describe()}: {rel}: temporary upload deleted"
                 for rel in store.remove_stale_uploads()]
    return done


ORPHAN_SECONDS = 3600  # an original no call refers to yet, younger than this, may belong to an import in progress


def orphan_originals(ws, older_than: float | None = None) -> list[str]:
    """Keys of originals in the audio store that no call in the catalogue refers to and that were
    written more than `older_than` seconds ago: left by an import killed between placing the original
    and committing its call (`older_than` default: ORPHAN_SECONDS). Personal data that no erasure or
    retention run would find."""
    from sqlalchemy import select

    from curation.store.schema import calls

    stored = ws.audio_store.originals(ORPHAN_SECONDS if older_than is None else older_than)
    if not stored:
        return []
    with ws.engine.connect() as conn:
        referenced = {r[0] for r in conn.execute(select(calls.c.audio_path))}
    return [key for key in stored if key not in referenced]


def check_orphan_originals(ws, older_than: float | None = None) -> list[Problem]:
    what = ("original that no call refers to (an import stopped before its call was stored); no erasure or "
            "retention run finds it; `curation doctor --fix` deletes it")
    orphans = orphan_originals(ws, older_than)
    if ws.audio_store.is_local:
        return [Problem(key, what) for key in orphans]
    return [Problem(".", f"audio store {ws.audio_store.describe()}: {key}: {what}") for key in orphans]


def remove_orphan_originals(ws, older_than: float | None = None) -> list[str]:
    """Delete the orphaned originals (checked again against the catalogue just before each deletion);
    returns one line per deletion."""
    from sqlalchemy import select

    from curation.store.schema import calls

    done = []
    for key in orphan_originals(ws, older_than):
        with ws.engine.connect() as conn:  # an import may have committed its call since the listing
            if conn.execute(select(calls.c.id).where(calls.c.audio_path == key)).first() is not None:
                continue
        if ws.audio_store.delete(key):
            done.append(f"{key}: original that no call refers to deleted")
    return done
