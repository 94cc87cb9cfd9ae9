"""Revoking packs when a clip is revoked (erasure, retention, a reviewer's revocation).

Every build holding the clip goes: a copy under W/packs/ is deleted, a copy elsewhere is flagged
`revoked` and reported (the workspace cannot reach it; whoever holds it must delete it). The file is
deleted inside the caller's transaction, after the register was updated: if that transaction then
fails, the register still says `present` for a file that is gone and `reconcile` marks it deleted,
which errs on the side of the person whose data it held.
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import update
from sqlalchemy.engine import Connection

from curation.clips.tables import packs
from curation.errors import CurationError
from curation.packs.registry import builds_with_clips, packs_with_clips, set_build_state
from curation.roles import operation
from curation.workspace import Workspace, utcnow

log = logging.getLogger(__name__)


@dataclass
class PackRevocation:
    """What revoking some clips did to the packs: pack ids revoked, builds deleted from the workspace,
    and external copies that were flagged (path and build id: someone must delete them)."""

    pack_ids: list[str] = field(default_factory=list)
    deleted: list[str] = field(default_factory=list)
    external: list[dict] = field(default_factory=list)

    def to_dict(self) -> dict:
        return {"packs": self.pack_ids, "builds_deleted": self.deleted, "external_copies": self.external}


def revoke_builds(conn: Connection, clip_ids, reason: str, *, root, remove=None) -> PackRevocation:
    """Inside the caller's transaction (an `operation()` body, which records the audit event): revoke
    every pack and build holding any of `clip_ids`. Workspace copies (under `root`, the workspace
    folder: required, since a catalogue on a database server cannot tell where its workspace is) are
    deleted now, or handed to `remove(path)` when the caller deletes files only after its commit
    (erasure's journal)."""
    root = Path(root)
    clip_ids = list(clip_ids)
    outcome = PackRevocation()
    if not clip_ids:
        return outcome
    for pack_id in packs_with_clips(conn, clip_ids):
        result = conn.execute(update(packs).where(packs.c.id == pack_id, packs.c.state != "revoked")
                              .values(state="revoked", revoked_at=utcnow(), revoked_reason=reason))
        if result.rowcount:
            outcome.pack_ids.append(pack_id)
    for build in builds_with_clips(conn, clip_ids):
        if not build.standing:
            continue
        if build.location == "workspace":
            set_build_state(conn, build.id, "deleted", reason)
            path = build.file(root)
            try:
                if remove is None:
                    os.unlink(path)
                else:
                    try:
                        remove(path)
                    except ValueError:  # W/packs/ is a link out of the workspace: no journal reaches it
                        os.unlink(path)
            except FileNotFoundError:
                pass
            except OSError as exc:
                raise CurationError(f"{path}: cannot delete revoked pack ({exc.strerror or exc}); "
                                    "nothing was changed") from None
            outcome.deleted.append(build.id)
        else:
            set_build_state(conn, build.id, "revoked", reason)
            outcome.external.append({"build_id": build.id, "path": build.path})
            log.warning("pack build %s outside the workspace is revoked: its copy must be deleted by hand", build.id)
    return outcome


def revoke_packs(ws: Workspace, clip_ids, reason: str, user: str | None = None) -> PackRevocation:
    """Revoke the packs holding `clip_ids` on their own (privacy reviewer or admin): one audited
    operation `packs.revoked` listing what was deleted and which external copies were flagged."""
    if not (reason and reason.strip()):
        raise CurationError("a reason is required to revoke packs")
    with operation(ws, "subject_requests.handle", "packs.revoked", "clips", ",".join(sorted(clip_ids))[:200],
                   user=user, what="revoke packs") as op:
        outcome = revoke_builds(op.conn, clip_ids, reason.strip(), root=ws.root)
        op.details.update(outcome.to_dict(), reason=reason.strip())
    return outcome


def revoke_for_clips(conn: Connection, clip_ids, reason: str, *, root) -> list[str]:
    """Revoke every pack and every build holding any of `clip_ids`, inside the caller's audited
    transaction: workspace copies (under `root`, the workspace folder) are deleted, external ones
    flagged. Returns the ids of the packs revoked now."""
    return revoke_builds(conn, clip_ids, reason, root=root).pack_ids
