"""Persistence: the catalogue tables and their versioned migrations (Alembic).

Alembic costs about 0.2 s to import; it is imported only when a database actually needs migrating.
Opening an up-to-date workspace compares the stored revision with the newest migration's, read
from the migration files' `revision = ...` lines, without importing Alembic.
"""

from __future__ import annotations

import ast
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from alembic.config import Config
    from sqlalchemy.engine import Engine

MIGRATIONS = Path(__file__).with_name("migrations")


def _config() -> "Config":
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    return cfg


def _revision_of(path: Path) -> tuple[str, object] | None:
    """(revision, down_revision) assigned at the top level of a migration file, or None."""
    found = {}
    for node in ast.parse(path.read_text("utf-8")).body:
        if isinstance(node, (ast.Assign, ast.AnnAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in targets:
                if isinstance(target, ast.Name) and target.id in ("revision", "down_revision"):
                    found[target.id] = ast.literal_eval(node.value)
    return (found["revision"], found.get("down_revision")) if "revision" in found else None


@lru_cache(maxsize=1)
def _heads(files: tuple[tuple[str, float], ...]) -> tuple[str, ...]:
    revisions, parents = set(), set()
    for name, _mtime in files:
        pair = _revision_of(MIGRATIONS / "versions" / name)
        if pair is None:
            continue
        revision, down = pair
        revisions.add(revision)
        if isinstance(down, (tuple, list)):
            parents.update(down)
        elif down is not None:
            parents.add(down)
    return tuple(sorted(revisions - parents))


def head_revision() -> str:
    """The newest migration's revision (what `alembic heads` says), read without importing Alembic."""
    files = tuple(sorted((p.name, p.stat().st_mtime) for p in (MIGRATIONS / "versions").glob("*.py")
                         if not p.name.startswith("_")))
    heads = _heads(files)
    if len(heads) != 1:
        raise RuntimeError(f"migrations have {len(heads)} heads ({', '.join(heads)}); chain them into one")
    return heads[0]


def current_revision(engine: "Engine") -> str | None:
    """The revision stored in the database (Alembic's `alembic_version` table), None when not migrated."""
    from sqlalchemy import inspect, text

    with engine.connect() as conn:
        if not inspect(conn).has_table("alembic_version"):
            return None
        rows = conn.execute(text("SELECT version_num FROM alembic_version")).scalars().all()
    if len(rows) > 1:
        raise RuntimeError(f"the database records {len(rows)} schema revisions ({', '.join(rows)})")
    return rows[0] if rows else None


def migrate(engine: Engine, revision: str = "head") -> None:
    """Upgrade the database to `revision` inside one transaction per step (rows are kept)."""
    from alembic import command

    cfg = _config()
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, revision)
