"""The register of packs (content ids) and of every pack zip ever built (`pack_builds`).

A pack id names content; a build is one file written somewhere. Revoking a clip must reach every
build holding it, so each build is registered with its path, checksum and clips, inside the same
transaction that moves the file into place.
"""

from __future__ import annotations

import json
import secrets
import time
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select, update
from sqlalchemy.engine import Connection

from curation.clips.tables import pack_clips, packs
from curation.packs.tables import STANDING, pack_build_clips, pack_builds
from curation.workspace import utcnow


@dataclass(frozen=True)
class PackRecord:
    id: str
    name: str
    title: str | None
    path: str | None
    sha256: str
    built_by: str
    built_at: str
    builds: int
    state: str
    clip_ids: tuple[str, ...]
    revoked_reason: str | None = None

    def to_dict(self) -> dict:
        return {"pack_id": self.id, "name": self.name, "title": self.title, "path": self.path,
                "sha256": self.sha256, "built_by": self.built_by, "built_at": self.built_at,
                "builds": self.builds, "state": self.state, "clips": list(self.clip_ids),
                "revoked_reason": self.revoked_reason}


@dataclass(frozen=True)
class BuildRecord:
    """One pack zip written by `build_pack` (or found in W/packs/ and adopted by `reconcile`)."""

    id: str
    pack_id: str
    name: str
    path: str
    location: str
    sha256: str
    size: int
    clip_ids: tuple[str, ...]
    built_by: str
    built_at: str
    state: str
    state_at: str | None = None
    state_reason: str | None = None

    @property
    def standing(self) -> bool:
        return self.state in STANDING

    def file(self, root) -> Path | None:
        """The zip's path: workspace copies are recorded relative to the workspace `root` (None: unknown)."""
        path = Path(self.path)
        if path.is_absolute():
            return path
        return Path(root) / path if root is not None else None

    def to_dict(self) -> dict:
        return {"build_id": self.id, "pack_id": self.pack_id, "name": self.name, "path": self.path,
                "location": self.location, "sha256": self.sha256, "size": self.size, "clips": list(self.clip_ids),
                "built_by": self.built_by, "built_at": self.built_at, "state": self.state,
                "state_at": self.state_at, "state_reason": self.state_reason}


def register(conn: Connection, pack_id: str, name: str, title: str | None, path: str, sha256: str,
             built_by: str, clip_ids: list[str]) -> PackRecord:
    """Record a pack (content id); a rebuild of the same pack updates who, when and where last."""
    now = utcnow()
    row = conn.execute(select(packs).where(packs.c.id == pack_id)).first()
    if row is None:
        conn.execute(packs.insert().values(id=pack_id, name=name, title=title, path=path, sha256=sha256,
                                           built_by=built_by, built_at=now, builds=1, state="built"))
        conn.execute(pack_clips.insert(), [{"pack_id": pack_id, "clip_id": c, "position": i}
                                           for i, c in enumerate(clip_ids)])
    else:
        conn.execute(update(packs).where(packs.c.id == pack_id).values(
            name=name, title=title, path=path, sha256=sha256, built_by=built_by, built_at=now,
            builds=row.builds + 1, state="built", revoked_at=None, revoked_reason=None))
    return get(conn, pack_id)


def new_build_id() -> str:
    """`build-` + 16 hex digits: 13 of microseconds since the epoch, then 3 random, so that builds
    registered within the same second (built_at has second precision) still list in the order they
    were written."""
    return f"build-{time.time_ns() // 1000:013x}{secrets.token_hex(2)[:3]}"


def register_build(conn: Connection, build_id: str, pack_id: str, name: str, path: str, location: str,
                   sha256: str, size: int, clip_ids: list[str], built_by: str) -> BuildRecord:
    """Record one written zip. Earlier standing builds at the same path are overwritten by it: they
    become `deleted` (replaced)."""
    now = utcnow()
    conn.execute(update(pack_builds).where(pack_builds.c.path == path, pack_builds.c.state.in_(STANDING))
                 .values(state="deleted", state_at=now, state_reason=f"replaced by {build_id}"))
    conn.execute(pack_builds.insert().values(
        id=build_id, pack_id=pack_id, name=name, path=path, location=location, sha256=sha256, size=size,
        clip_ids_json=json.dumps(list(clip_ids)), built_by=built_by, built_at=now,
        state="present" if location == "workspace" else "external", state_at=now))
    if clip_ids:
        conn.execute(pack_build_clips.insert(), [{"build_id": build_id, "clip_id": c} for c in dict.fromkeys(clip_ids)])
    return get_build(conn, build_id)


def _build(row) -> BuildRecord:
    return BuildRecord(row.id, row.pack_id, row.name, row.path, row.location, row.sha256, row.size,
                       tuple(json.loads(row.clip_ids_json or "[]")), row.built_by, row.built_at, row.state,
                       row.state_at, row.state_reason)


def get_build(conn: Connection, build_id: str) -> BuildRecord | None:
    row = conn.execute(select(pack_builds).where(pack_builds.c.id == build_id)).first()
    return _build(row) if row else None


def all_builds(conn: Connection, pack_id: str | None = None) -> list[BuildRecord]:
    query = select(pack_builds).order_by(pack_builds.c.built_at, pack_builds.c.id)
    if pack_id:
        query = query.where(pack_builds.c.pack_id == pack_id)
    return [_build(r) for r in conn.execute(query)]


def builds_at(conn: Connection, path: str) -> list[BuildRecord]:
    return [_build(r) for r in conn.execute(select(pack_builds).where(pack_builds.c.path == path)
                                            .order_by(pack_builds.c.built_at, pack_builds.c.id))]


def builds_with_sha(conn: Connection, sha256: str) -> list[BuildRecord]:
    return [_build(r) for r in conn.execute(select(pack_builds).where(pack_builds.c.sha256 == sha256)
                                            .order_by(pack_builds.c.built_at, pack_builds.c.id))]


def builds_with_clips(conn: Connection, clip_ids) -> list[BuildRecord]:
    ids = sorted(set(conn.execute(select(pack_build_clips.c.build_id)
                                  .where(pack_build_clips.c.clip_id.in_(list(clip_ids)))).scalars()))
    return [get_build(conn, i) for i in ids]


def set_build_state(conn: Connection, build_id: str, state: str, reason: str | None) -> None:
    conn.execute(update(pack_builds).where(pack_builds.c.id == build_id)
                 .values(state=state, state_at=utcnow(), state_reason=reason))


def get(conn: Connection, pack_id: str) -> PackRecord | None:
    row = conn.execute(select(packs).where(packs.c.id == pack_id)).first()
    if row is None:
        return None
    ids = tuple(conn.execute(select(pack_clips.c.clip_id).where(pack_clips.c.pack_id == pack_id)
                             .order_by(pack_clips.c.position)).scalars())
    return PackRecord(row.id, row.name, row.title, row.path, row.sha256, row.built_by, row.built_at, row.builds,
                      row.state, ids, row.revoked_reason)


def all_packs(conn: Connection) -> list[PackRecord]:
    ids = conn.execute(select(packs.c.id).order_by(packs.c.built_at, packs.c.id)).scalars().all()
    return [get(conn, i) for i in ids]


def packs_with_clips(conn: Connection, clip_ids) -> list[str]:
    return sorted(set(conn.execute(select(pack_clips.c.pack_id)
                                   .where(pack_clips.c.clip_id.in_(list(clip_ids)))).scalars()))
