"""The register of built packs (who, when, which clips), so an erasure request can revoke them."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select, update
from sqlalchemy.engine import Connection

from curation.clips.tables import pack_clips, packs
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


def register(conn: Connection, pack_id: str, name: str, title: str | None, path: str, sha256: str,
             built_by: str, clip_ids: list[str]) -> PackRecord:
    """Record a build; a rebuild of the same pack (same content id) updates who, when and where."""
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
            builds=row.builds + 1))
    return get(conn, pack_id)


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


def revoke_for_clips(conn: Connection, clip_ids, reason: str) -> list[str]:
    """Mark every pack containing any of `clip_ids` revoked (inside the caller's transaction, which
    also records the audit event). Returns the ids of the packs revoked now."""
    revoked = []
    for pack_id in packs_with_clips(conn, clip_ids):
        result = conn.execute(update(packs).where(packs.c.id == pack_id, packs.c.state != "revoked")
                              .values(state="revoked", revoked_at=utcnow(), revoked_reason=reason))
        if result.rowcount:
            revoked.append(pack_id)
    return revoked
