"""Builds interrupted by a crash, found and cleaned: no valid pack zip the register does not know.

A build first writes an intent file (W/tmp/pack-builds/<build id>.json) and holds an exclusive
lock on it for as long as it runs; the lock dies with the process, even on SIGKILL. `reconcile`
takes every intent whose lock it can get (its build is dead): the half-written `.part` goes, and a
zip renamed into place by a build whose transaction never committed is deleted. It also removes
stale `.part` files under W/packs/, marks `present` builds whose file is gone as deleted, deletes
workspace copies the register says are deleted, and adopts pack zips found under W/packs/ that the
register does not know (their clips come from their manifest), so a later revocation reaches them.
"""

from __future__ import annotations

import fcntl
import json
import os
from dataclasses import dataclass, field, replace
from pathlib import Path

from curation.checksums import sha256_file
from curation.workspace import Workspace, utcnow

INTENTS = "pack-builds"


def _intent_folder(ws: Workspace) -> Path:
    return ws.tmp / INTENTS


class BuildIntent:
    """The running build's intent file, locked while the build lives. `update(**fields)` rewrites it."""

    def __init__(self, ws: Workspace, build_id: str, out: Path, part: Path):
        folder = _intent_folder(ws)
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        self.path = folder / f"{build_id}.json"
        self.fields = {"build_id": build_id, "out": str(out), "part": str(part), "started_at": utcnow(),
                       "pid": os.getpid()}
        self.fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_EXCL, 0o600)
        fcntl.flock(self.fd, fcntl.LOCK_EX)
        self._write()

    def _write(self) -> None:
        data = json.dumps(self.fields).encode()
        os.ftruncate(self.fd, 0)
        os.pwrite(self.fd, data, 0)
        os.fsync(self.fd)

    def update(self, **fields) -> None:
        self.fields.update(fields)
        self._write()

    def close(self) -> None:
        """The build finished (committed or cleaned up after itself): the intent goes."""
        if self.fd is not None:
            self.path.unlink(missing_ok=True)
            os.close(self.fd)
            self.fd = None


@dataclass
class Reconciliation:
    parts_removed: list[str] = field(default_factory=list)
    orphans_removed: list[str] = field(default_factory=list)
    marked_deleted: list[str] = field(default_factory=list)
    copies_removed: list[str] = field(default_factory=list)
    adopted: list[str] = field(default_factory=list)
    unknown_files: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return any((self.parts_removed, self.orphans_removed, self.marked_deleted, self.copies_removed,
                    self.adopted))

    def to_dict(self) -> dict:
        return dict(self.__dict__)


def _dead_intents(ws: Workspace) -> tuple[list[tuple[Path, int, dict]], set[str]]:
    """(intents of dead builds with their locked fds, .part paths of live builds)."""
    dead, live_parts = [], set()
    folder = _intent_folder(ws)
    for path in sorted(folder.glob("*.json")) if folder.is_dir() else []:
        try:
            fd = os.open(path, os.O_RDWR)
        except FileNotFoundError:
            continue
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            try:
                live_parts.add(json.loads(path.read_text())["part"])
            except (OSError, ValueError, KeyError):
                pass
            continue
        try:
            fields = json.loads(os.pread(fd, 1 << 16, 0) or b"{}")
        except ValueError:
            fields = {}
        dead.append((path, fd, fields if isinstance(fields, dict) else {}))
    return dead, live_parts


def reconcile(ws: Workspace, user: str | None = None) -> Reconciliation:
    """Clean what crashed builds left and bring the register in line with W/packs/ (audited as
    `pack.reconciled` when anything changed; needs permission to read packs)."""
    from curation.packs.registry import all_builds, get_build

    done = Reconciliation()
    dead, live_parts = _dead_intents(ws)
    with ws.engine.connect() as conn:
        builds = all_builds(conn)
        registered = {b.id for b in builds}
    for path, fd, fields in dead:
        try:
            part = fields.get("part")
            if part and os.path.exists(part):
                os.unlink(part)
                done.parts_removed.append(part)
            if fields.get("build_id") not in registered:  # its transaction never committed
                with ws.engine.connect() as conn:
                    known = get_build(conn, str(fields.get("build_id"))) is not None
                out, sha = fields.get("out"), fields.get("sha256")
                if not known and out and sha and os.path.isfile(out) and sha256_file(out) == sha:
                    os.unlink(out)
                    done.orphans_removed.append(out)
            path.unlink(missing_ok=True)
        finally:
            os.close(fd)
    if ws.packs.is_dir():
        for part in sorted(ws.packs.rglob(".*.part")):
            if str(part) not in live_parts and part.is_file():
                part.unlink(missing_ok=True)
                done.parts_removed.append(str(part))
    changes: list[tuple[str, str, str]] = []
    packs_folder, root = ws.packs.resolve(), ws.root.resolve()
    for b in builds:
        if b.location != "workspace" and b.standing and packs_folder in Path(b.path).parents:
            changes.append((b.id, "present", "registered before builds had a location: under W/packs/"))
            b = replace(b, location="workspace", state="present")
        if b.location != "workspace":
            continue
        path = b.file(root)
        exists = path.is_file()
        if b.state == "present" and not exists:
            changes.append((b.id, "deleted", "file missing from the workspace"))
            done.marked_deleted.append(b.id)
        elif b.state in ("deleted", "revoked") and exists and sha256_file(path) == b.sha256:
            os.unlink(path)
            done.copies_removed.append(str(path))
    standing = {str(b.file(root).resolve()) for b in builds if b.standing}
    found = []
    if ws.packs.is_dir():
        for zpath in sorted(ws.packs.rglob("*.zip")):
            if zpath.is_file() and str(zpath.resolve()) not in standing:
                found.append(zpath.resolve())
    adoptions = []
    for zpath in found:
        clips = _clip_ids(zpath)
        if clips is None:
            done.unknown_files.append(str(zpath))
        else:
            adoptions.append((zpath, clips))
    if changes or adoptions or done.changed:
        _record(ws, user, changes, adoptions, done)
    return done


def _clip_ids(path: Path) -> tuple[str, str, list[str]] | None:
    """(pack id, name, clip ids) from a zip's manifest, read within the verifier's limits; None
    when it is not a pack."""
    from curation.packs.archive import ArchiveError, PackArchive

    try:
        with PackArchive(path) as archive:
            manifest = json.loads(archive.read("manifest.json").decode("utf-8"))
        clips = [c["id"] for c in manifest["clips"] if isinstance(c.get("id"), str)]
        return str(manifest.get("pack_id") or "unknown"), str(manifest.get("name") or path.stem), clips
    except (ArchiveError, ValueError, KeyError, TypeError, AttributeError, UnicodeDecodeError):
        return None


def _record(ws: Workspace, user, changes, adoptions, done: Reconciliation) -> None:
    from sqlalchemy import select, update

    from curation.packs.paths import stored_path
    from curation.packs.registry import new_build_id, register_build, set_build_state
    from curation.packs.tables import pack_builds
    from curation.roles import operation

    with operation(ws, "packs.read", "pack.reconciled", "pack_builds", None, user=user,
                   what="reconcile the pack register") as op:
        for build_id, state, reason in changes:
            set_build_state(op.conn, build_id, state, reason)
            if state == "present":  # a build of before 0007 found under W/packs/: recorded like the others
                row = op.conn.execute(select(pack_builds.c.path).where(pack_builds.c.id == build_id)).scalar()
                op.conn.execute(update(pack_builds).where(pack_builds.c.id == build_id).values(
                    location="workspace", path=stored_path(ws, Path(row), "workspace")))
        for zpath, (pack_id, name, clips) in adoptions:
            build_id = new_build_id()
            register_build(op.conn, build_id, pack_id[:64], name[:256], stored_path(ws, zpath, "workspace"), "workspace",
                           sha256_file(zpath), zpath.stat().st_size, clips, "(found in the workspace)")
            done.adopted.append(build_id)
        op.details.update({k: len(v) for k, v in done.to_dict().items()})
