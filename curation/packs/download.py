"""Taking a pack away: the bytes of a standing build of a pack, for the roles allowed to take packs
(`packs.download`), each download audited as `pack.downloaded` (who took which build, its checksum).

A revoked or deleted build, or one whose file no longer matches the checksum it was registered
with, is refused: nobody takes away a pack that erasure or tampering has overtaken."""

from __future__ import annotations

from dataclasses import dataclass

from curation.access import reads, reads_personal
from curation.checksums import sha256_file
from curation.errors import CurationError, NotFound
from curation.packs.registry import BuildRecord, all_builds, get, get_build
from curation.packs.paths import slug
from curation.roles import authorised, operation
from curation.workspace import Workspace


class DownloadRefused(CurationError):
    """The build cannot be handed out (revoked, deleted, missing or changed)."""

    exit_code = 5


@dataclass(frozen=True)
class PackDownload:
    """One pack zip handed to a user: a file name to save it under, its bytes and their checksum."""

    build_id: str
    pack_id: str
    filename: str
    data: bytes
    sha256: str


@reads("packs.read")
def downloadable_builds(ws: Workspace, user: str | None = None) -> list[BuildRecord]:
    """The standing builds in the workspace (newest first) that `download_pack` can hand out."""
    with authorised(ws, "packs.read", user, "list packs"), ws.engine.connect() as conn:
        builds = [b for b in all_builds(conn) if b.standing and b.location == "workspace"]
        revoked = {b.pack_id for b in builds if (get(conn, b.pack_id) or b).state == "revoked"}
    return [b for b in reversed(builds) if b.pack_id not in revoked]


@reads_personal("packs.download", "pack.downloaded")  # an audited read: who took which pack, when
def download_pack(ws: Workspace, build_id: str, user: str | None = None) -> PackDownload:
    """The zip of build `build_id` (trainers), checked against its registered checksum; audited."""
    with operation(ws, "packs.download", "pack.downloaded", "pack_build", build_id, user=user,
                   what="take packs") as op:
        build = get_build(op.conn, build_id)
        if build is None:
            raise NotFound(f"pack build {build_id!r} not found")
        pack = get(op.conn, build.pack_id)
        if not build.standing or (pack is not None and pack.state == "revoked"):
            why = build.state_reason or (pack.revoked_reason if pack else None) or build.state
            raise DownloadRefused(f"pack {build.name} (build {build_id}) is {build.state if not build.standing else 'revoked'}"
                                  f" and may not be taken ({why})")
        path = build.file(ws.root)
        if path is None or not path.is_file() or sha256_file(path) != build.sha256:
            raise DownloadRefused(f"pack {build.name} (build {build_id}): its file is missing or changed since it "
                                  "was built; build it again")
        data = path.read_bytes()
        op.details.update({"pack_id": build.pack_id, "sha256": build.sha256, "size": len(data)})
        return PackDownload(build_id, build.pack_id, f"{slug(build.name)}.zip", data, build.sha256)
