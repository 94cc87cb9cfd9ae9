"""Where a pack may be written: the workspace's own files are never a target.

Inside the workspace only W/packs/ takes packs (symlinks resolved first, so a link into the
catalogue or the key folder is refused too); outside it anywhere the user can write. An existing
file is replaced only when it is a build this workspace registered and still holds those bytes,
or with `force`. Folders the build creates are owner-only (0700).
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

from curation.checksums import sha256_file
from curation.packs.errors import PackRefused


class PackPathRefused(PackRefused):
    """The pack cannot be written there (nothing was written)."""


@dataclass(frozen=True)
class PackTarget:
    path: Path  # absolute, symlinks resolved: the file that is written
    location: str  # workspace | external
    replaces: bool  # a file exists there and will be replaced


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", (text or "").lower()).strip("-") or "pack"


def default_path(ws, name: str) -> Path:
    """The library's choice when the caller names no file: W/packs/<slug of the name>.zip."""
    return ws.packs / f"{slug(name)}.zip"


def _inside(path: Path, folder: Path) -> bool:
    return path == folder or folder in path.parents


def _database_file(ws) -> Path | None:
    url = ws.engine.url
    if url.get_backend_name() == "sqlite" and url.database and url.database != ":memory:":
        return Path(url.database).resolve()
    return None


def check_target(ws, out, force: bool = False) -> PackTarget:
    """The resolved file to write for `out`, or `PackPathRefused` with the reason."""
    from curation.packs.registry import builds_at

    given = Path(out).expanduser()
    path = Path(os.path.abspath(given)).resolve()
    root, packs = ws.root.resolve(), ws.packs.resolve()
    database = _database_file(ws)
    if database is not None and path == database:
        raise PackPathRefused(f"{given}: that is the workspace's catalogue database; packs go under {ws.packs}")
    inside_root = _inside(path, root)
    if inside_root and not (packs in path.parents):
        raise PackPathRefused(f"{given}: inside the workspace only {ws.packs} takes packs "
                              f"(resolves to {path.relative_to(root)})")
    if path.suffix.lower() != ".zip":
        raise PackPathRefused(f"{given}: a pack is a .zip file; name the output file.zip")
    if path.exists() or path.is_symlink():
        if not path.is_file():
            raise PackPathRefused(f"{given}: exists and is not a regular file")
        if not force:
            location = "workspace" if packs in path.parents else "external"
            with ws.engine.connect() as conn:
                ours = [b for b in builds_at(conn, stored_path(ws, path, location)) if b.standing]
            if not ours or sha256_file(path) not in {b.sha256 for b in ours}:
                raise PackPathRefused(f"{given}: a file that this workspace did not build is already there; "
                                      "choose another name or pass --force to replace it")
    return PackTarget(path, "workspace" if packs in path.parents else "external", path.exists())


def stored_path(ws, path: Path, location: str) -> str:
    """How the register records a build's file: relative to the workspace for its own copies (so a
    workspace moved or copied elsewhere still finds them), absolute for the others."""
    if location == "workspace":
        try:
            return path.relative_to(ws.root.resolve()).as_posix()
        except ValueError:  # W/packs/ links out of the workspace
            pass
    return str(path)


def make_folders(folder: Path) -> None:
    """Create `folder` and any missing parents owner-only (0700); existing ones are left as they are."""
    missing = []
    while not folder.exists():
        missing.append(folder)
        folder = folder.parent
    for f in reversed(missing):
        f.mkdir(mode=0o700)
        os.chmod(f, 0o700)
