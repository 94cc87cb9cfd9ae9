"""Forgetting, driven by the personal-data inventory: what erasure and retention do to the rows of
some calls (`forget_calls`), the files that go once the transaction committed (`PendingFiles`),
and making the database file itself forget (`make_database_forget`: checkpoint and VACUUM).

A deletion is two-phase so nothing is half-deleted: inside the transaction the rows change and a
journal (W/tmp/forget-<request>.json, owner-only) lists the files to delete (originals kept in a
remote audio store as `audio-store:<key>`); after the commit the files go (a deleted object is
looked up again to check it is gone), the database is vacuumed and the journal removed. A crash leaves the journal:
`finish_pending` completes it when its request committed (its audit event exists) and drops it
when the request never committed (the files are still referenced and stay).
"""

from __future__ import annotations

import json
import logging
import os
import re
import shutil
from pathlib import Path
from typing import Callable, Iterable

from sqlalchemy import and_, inspect, select, update
from sqlalchemy.engine import Connection

from curation.store.audio_store import StoredObject
from curation.store.metadata import all_tables
from curation.store.personal_data import TABLES, ColumnDeclaration

log = logging.getLogger(__name__)
JOURNAL_PREFIX = "forget-"
STORE_PREFIX = "audio-store:"  # a journal entry naming an object of the workspace's (remote) audio store
CHUNK = 400


# ---- scrubbers: remove the personal part of a structured value, keep the rest -----------------

def _consent_quotes(conn: Connection, row, value):
    details = json.loads(value or "{}")

    def strip(node):
        if isinstance(node, dict):
            return {k: (None if k == "quote" else strip(v)) for k, v in node.items()}
        if isinstance(node, list):
            return [strip(v) for v in node]
        return node

    details["evidence"] = strip(details.get("evidence") or {})
    details["transcript_deleted"] = True
    return json.dumps(details, ensure_ascii=False)


def _difficulty_quotes(conn: Connection, row, value):
    return re.sub(r"“[^”]*”", "“…”", value or "")


def _speaker_role(conn: Connection, row, value):
    from curation.store.schema import clips, speakers

    call_id = conn.execute(select(clips.c.call_id).where(clips.c.id == row["clip_id"])).scalar()
    role = conn.execute(select(speakers.c.role).where(speakers.c.call_id == call_id,
                                                      speakers.c.label == value)).scalar()
    return role or "speaker"


def _coaching_quotes(conn: Connection, row, value):
    """An evaluation item's evidence keeps its times and roles; the quotes go."""
    doc = json.loads(value or "{}")
    for item in doc.get("evidence") or []:
        if isinstance(item, dict) and item.get("quote"):
            item["quote"] = "…"
    if doc.get("evidence") is not None:
        doc["transcript_deleted"] = True
    return json.dumps(doc, ensure_ascii=False)


SCRUBBERS: dict[str, Callable] = {"consent_quotes": _consent_quotes, "difficulty_quotes": _difficulty_quotes,
                                  "speaker_role": _speaker_role, "coaching_quotes": _coaching_quotes}


# ---- rows --------------------------------------------------------------------------------------

def _chunks(items: list, size: int = CHUNK) -> Iterable[list]:
    for start in range(0, len(items), size):
        yield items[start:start + size]


def clips_of(conn: Connection, call_ids: list[str]) -> list[str]:
    from curation.store.schema import clips

    out = []
    for chunk in _chunks(call_ids):
        out += conn.execute(select(clips.c.id).where(clips.c.call_id.in_(chunk)).order_by(clips.c.id)).scalars().all()
    return out


def _scrub(conn: Connection, table, link, ids: list[str], column: ColumnDeclaration) -> int:
    fn = SCRUBBERS[column.scrubber]
    key = list(table.primary_key.columns)
    changed = 0
    for chunk in _chunks(ids):
        extra = [link] if link.name not in {c.name for c in key} else []
        rows = conn.execute(select(*key, table.c[column.column], *extra)
                            .where(link.in_(chunk))).mappings().all()
        for row in rows:
            old = row[column.column]
            new = fn(conn, row, old)
            if new != old:
                conn.execute(update(table).where(and_(*(c == row[c.name] for c in key)))
                             .values({column.column: new}))
                changed += 1
    return changed


def forget_calls(conn: Connection, call_ids: Iterable[str], purpose: str) -> dict[str, int]:
    """Apply the inventory's `purpose` ("erasure" or "retention") to every row tied to these calls
    or their clips, inside the caller's transaction: overwrite and scrub the columns of rows that
    stay, then delete the rows the purpose deletes. Returns rows touched per table."""
    call_ids = sorted(set(call_ids))
    if not call_ids:
        return {}
    clip_ids = clips_of(conn, call_ids)
    tables, present = all_tables(), set(inspect(conn).get_table_names())
    touched: dict[str, int] = {}
    declared = {n: d for n, d in TABLES.items() if d.belongs_to and n in present}
    for name, decl in declared.items():  # scrubbers may read rows the second pass deletes
        if decl.deletes_rows(purpose):
            continue
        table, ids = tables[name], call_ids if decl.belongs_to == "call" else clip_ids
        link = table.c[decl.link]
        for column in decl.columns.values():
            treatment = column.treatment(purpose)
            if treatment == "overwrite":
                for chunk in _chunks(ids):
                    n = conn.execute(update(table).where(link.in_(chunk), table.c[column.column].is_not(None))
                                     .values({column.column: column.replacement})).rowcount
                    touched[name] = touched.get(name, 0) + max(n, 0)
            elif treatment == "scrub":
                touched[name] = touched.get(name, 0) + _scrub(conn, table, link, ids, column)
    for name, decl in declared.items():
        if decl.deletes_rows(purpose):
            table, ids = tables[name], call_ids if decl.belongs_to == "call" else clip_ids
            for chunk in _chunks(ids):
                n = conn.execute(table.delete().where(table.c[decl.link].in_(chunk))).rowcount
                touched[name] = touched.get(name, 0) + max(n, 0)
    return {k: v for k, v in touched.items() if v}


# ---- files, after the commit -------------------------------------------------------------------

def _remove(path: Path) -> bool:
    if path.is_symlink() or path.is_file():
        path.unlink()
        return True
    if path.is_dir():
        shutil.rmtree(path)
        return True
    return False


class PendingFiles:
    """Files (and folders) of the workspace to delete once the transaction that stopped referring
    to them has committed, with the tables whose deleted rows the database file must forget."""

    def __init__(self, ws, request_id: str):
        self.ws, self.request_id = ws, request_id
        self.paths: list[str] = []
        self.tables: set[str] = set()
        self.journal = ws.tmp / f"{JOURNAL_PREFIX}{request_id}.json"

    def add(self, path: Path | StoredObject) -> None:
        """Stage a path of the workspace (a symlink is staged itself, never what it points to), or an
        object of its audio store."""
        if isinstance(path, StoredObject):
            if STORE_PREFIX + path.key not in self.paths:
                self.paths.append(STORE_PREFIX + path.key)
            return
        path = Path(path).absolute()
        rel = (path.parent.resolve() / path.name).relative_to(self.ws.root.resolve()).as_posix()
        if rel not in self.paths and ((self.ws.root / rel).exists() or (self.ws.root / rel).is_symlink()):
            self.paths.append(rel)

    def write(self, tables: Iterable[str]) -> None:
        """Record the journal (inside the transaction, as its last step)."""
        from curation.workspace import owner_only

        self.tables.update(tables)
        with owner_only():
            self.ws.tmp.mkdir(parents=True, exist_ok=True)
            tmp = self.journal.with_suffix(".part")
            with open(tmp, "w", encoding="utf-8") as fh:
                json.dump({"request_id": self.request_id, "paths": self.paths, "tables": sorted(self.tables)}, fh)
                fh.flush()
                os.fsync(fh.fileno())
            os.replace(tmp, self.journal)

    def discard(self) -> None:
        """The transaction failed: no file is touched, the journal goes."""
        self.journal.unlink(missing_ok=True)
        self.journal.with_suffix(".part").unlink(missing_ok=True)

    def finish(self) -> tuple[int, bool]:
        """After the commit: delete the files, vacuum, drop the journal. (files deleted, complete)."""
        return _finish(self.ws, self.journal)


def _finish(ws, journal: Path) -> tuple[int, bool]:
    """Delete the journal's files, vacuum, drop the journal; what fails stays in it for a retry.
    Returns (files deleted, complete)."""
    doc = json.loads(journal.read_text("utf-8"))
    deleted, failed = 0, []
    for rel in doc.get("paths", []):
        try:
            if rel.startswith(STORE_PREFIX):
                deleted += ws.audio_store.delete(rel[len(STORE_PREFIX):])
            else:
                deleted += _remove(ws.root / rel)
        except OSError as exc:
            log.warning("could not delete %s after a committed deletion (%s)", rel, exc.strerror or exc)
            failed.append(rel)
        except Exception as exc:  # noqa: BLE001 - the audio store failed us (unreachable, refused): retried later
            log.warning("could not delete an original from the audio store after a committed deletion (%s)",
                        type(exc).__name__)
            failed.append(rel)
    doc["paths"] = failed
    try:
        vacuumed = make_database_forget(ws, doc.get("tables", []))
    except Exception as exc:  # e.g. locked by another writer past the busy timeout: the commit stands
        log.warning("vacuum after a deletion failed (%s); `curation doctor --fix` retries", type(exc).__name__)
        vacuumed = False
    if vacuumed and not failed:
        journal.unlink(missing_ok=True)
        return deleted, True
    if vacuumed:
        doc["tables"] = []
    journal.write_text(json.dumps(doc), "utf-8")  # `curation doctor --fix` tries again
    return deleted, False


def pending_journals(root: Path) -> list[Path]:
    folder = Path(root) / "tmp"
    return sorted(folder.glob(f"{JOURNAL_PREFIX}*.json")) if folder.is_dir() else []


def _committed(ws, request_id: str) -> bool:
    from curation.store.schema import audit_events

    with ws.engine.connect() as conn:
        return conn.execute(select(audit_events.c.seq).where(audit_events.c.object_id == request_id)
                            .limit(1)).first() is not None


def finish_pending(ws) -> list[str]:
    """Complete every deletion a crash interrupted (its request committed) and drop the journals of
    requests that never committed. Idempotent. Returns one line per journal handled."""
    done = []
    for journal in pending_journals(ws.root):
        try:
            request_id = json.loads(journal.read_text("utf-8"))["request_id"]
        except (OSError, ValueError, KeyError):
            done.append(f"{journal.name}: unreadable deletion journal left in place")
            continue
        if _committed(ws, request_id):
            deleted, complete = _finish(ws, journal)
            done.append(f"{request_id}: finished ({deleted} files deleted, database vacuumed)" if complete else
                        f"{request_id}: {deleted} files deleted; not complete yet (a file could not be deleted "
                        "or the database is busy): `curation doctor --fix` tries again")
        else:
            journal.unlink(missing_ok=True)
            done.append(f"{request_id}: never committed; nothing was deleted")
    return done


# ---- the database file -------------------------------------------------------------------------

def make_database_forget(ws, tables: Iterable[str] = ()) -> bool:
    """Make deleted and overwritten rows unrecoverable from the database's files. SQLite (with
    secure_delete on every connection): checkpoint the WAL into the file, VACUUM (temporary data in
    memory), checkpoint and truncate the WAL again (a reader still on an older snapshot keeps the
    old pages alive: then False, and `finish_pending` tries again later). PostgreSQL: VACUUM FULL the
    affected tables and CHECKPOINT. False when another connection kept the WAL from being emptied (try again later)."""
    engine = ws.engine
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        if engine.dialect.name == "sqlite":
            conn.exec_driver_sql("PRAGMA secure_delete=ON")
            conn.exec_driver_sql("PRAGMA temp_store=MEMORY")
            conn.exec_driver_sql("PRAGMA busy_timeout=3000")  # readers get 3 s to let go, else try again later
            conn.exec_driver_sql("PRAGMA wal_checkpoint(PASSIVE)")
            conn.exec_driver_sql("VACUUM")
            busy = conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)").first()
            ok = busy is None or busy[0] == 0
            if not ok:
                log.warning("database busy: the write-ahead log could not be emptied after a deletion")
            return ok
        if engine.dialect.name == "postgresql":
            present = set(inspect(conn).get_table_names())
            for name in sorted(set(tables) & present):
                conn.exec_driver_sql(f'VACUUM FULL "{name}"')
            try:
                conn.exec_driver_sql("CHECKPOINT")
            except Exception as exc:  # needs superuser or pg_checkpoint; the server checkpoints on its own later
                log.warning("CHECKPOINT not allowed (%s); the server's next checkpoint completes the deletion",
                            type(exc).__name__)
            return True
    return False
