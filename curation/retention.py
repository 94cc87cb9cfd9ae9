"""Retention: originals (recording and transcript) are deleted once their retention date has passed.

`due_originals` lists what would go (the dry run); `run_retention` deletes it in one audited
operation. What goes, what is overwritten and what stays is not listed here: the personal-data
inventory (`curation.inventory`) declares it per column and per file kind, and `forget` (shared
with erasure requests, `curation.subjects`) applies it. Files are deleted only after the
transaction committed, then the database file is vacuumed (`curation.store.forget`).
"""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path

from sqlalchemy import delete, select
from sqlalchemy.engine import Connection

from curation.consent.record import ANALYSED, compute_record, manifest_fields, retention_date, store_record
from curation.consent.tables import original_deletions, subject_requests
from curation.inventory import file_kinds
from curation.roles import actor, operation, require
from curation.store.audio_store import StoredObject
from curation.store.forget import PendingFiles, clips_of, finish_pending, forget_calls
from curation.store.schema import calls, consent_records
from curation.workspace import Workspace, utcnow


@dataclass(frozen=True)
class DueOriginal:
    call_id: str
    retention_until: str
    audio_path: str
    size: int


@dataclass
class RetentionReport:
    dry_run: bool
    today: str
    due: list[DueOriginal]
    deleted: list[str] = field(default_factory=list)
    request_id: str | None = None
    files_deleted: int = 0
    notes: list[str] = field(default_factory=list)

    def to_json(self) -> dict:
        return {"dry_run": self.dry_run, "today": self.today, "deleted": self.deleted, "request_id": self.request_id,
                "files_deleted": self.files_deleted, "notes": self.notes, "due": [d.__dict__ for d in self.due]}


def due_originals(ws: Workspace, today: date | None = None) -> list[DueOriginal]:
    """Calls whose originals are still stored and whose retention date lies before `today`."""
    from curation.consent.policy import workspace_policy

    today = today or date.today()
    days = workspace_policy(ws).retention_days
    query = (select(calls.c.id, calls.c.audio_path, calls.c.recorded_at, calls.c.imported_at,
                    consent_records.c.retention_until, consent_records.c.source, consent_records.c.details_json)
             .select_from(calls.outerjoin(consent_records, consent_records.c.call_id == calls.c.id))
             .where(calls.c.id.not_in(select(original_deletions.c.call_id)))
             .order_by(calls.c.id))
    due = []
    with ws.engine.connect() as conn:
        for row in conn.execute(query):
            stated = manifest_fields(dict(row._mapping)).get("retention_until")
            until, _ = retention_date(stated, row.recorded_at, days, row.imported_at)
            if until and date.fromisoformat(until) < today:
                due.append(DueOriginal(row.id, until, row.audio_path, 0))
    sizes = ws.audio_store.sizes(d.audio_path for d in due)  # a remote store: one listing, not one request each
    return [replace(d, size=sizes[d.audio_path]) for d in due]


# ---- where the files of each declared kind are, for some calls --------------------------------

def _originals(ws: Workspace, conn: Connection, call_ids, clip_ids):
    """Files of the workspace's own folder; objects of a remote audio store, each looked up now (an
    unreachable store stops the deletion before anything changed: `AudioStoreUnavailable`)."""
    store, found = ws.audio_store, []
    for start in range(0, len(call_ids), 400):
        chunk = call_ids[start:start + 400]
        keys = [p for p in conn.execute(select(calls.c.audio_path).where(calls.c.id.in_(chunk))).scalars() if p]
        if store.is_local:
            found += [ws.path_of(k) for k in keys]
        else:
            found += [StoredObject(k) for k in keys if store.exists(k)]
    return found, []


def _clip_folders(ws: Workspace, conn: Connection, call_ids, clip_ids):
    return [ws.derived / "clips" / clip_id for clip_id in clip_ids], []


def _exports(ws: Workspace, conn: Connection, call_ids, clip_ids):
    """Access exports holding any of these calls: in the workspace they go; a copy written elsewhere
    is named in a note (its place was never recorded, it could carry the person's name)."""
    paths, notes, wanted = [], [], set(call_ids)
    for row in conn.execute(select(subject_requests).where(subject_requests.c.kind == "access")
                            .order_by(subject_requests.c.handled_at)):
        summary = json.loads(row.summary_json or "{}")
        if not wanted & set(summary.get("calls", [])):
            continue
        if summary.get("location") == "workspace" and summary.get("path"):
            paths.append(ws.path_of(summary["path"]))
        else:
            notes.append(f"access export {row.id} of {row.handled_at[:10]} was written outside the workspace: "
                         "delete that copy by hand")
    return paths, notes


LOCATORS = {"original recording": _originals, "anonymised clip": _clip_folders, "subject-access export": _exports}


def files_to_forget(ws: Workspace, conn: Connection, purpose: str, call_ids,
                    clip_ids) -> tuple[list[Path | StoredObject], list[str]]:
    """Every file of a kind the inventory deletes for `purpose`, belonging to these calls or clips
    (originals in a remote audio store as `StoredObject`s)."""
    paths, notes = [], []
    for kind in file_kinds():
        if (kind.erasure if purpose == "erasure" else kind.retention) == "delete":
            found, said = LOCATORS[kind.name](ws, conn, list(call_ids), list(clip_ids))
            paths += found
            notes += said
    return paths, notes


def _keep_consent_record(ws: Workspace, conn: Connection, call_id: str) -> None:
    """Retention keeps the consent record: build it from the transcript while it is still there
    (the inventory's scrubber then removes its quotes)."""
    row = conn.execute(select(consent_records).where(consent_records.c.call_id == call_id)).mappings().first()
    row = dict(row) if row else None
    if row is None or row["source"] != ANALYSED:
        record = compute_record(ws, call_id, conn=conn)
        store_record(conn, record, manifest_fields(row))


def forget(ws: Workspace, conn: Connection, purpose: str, call_ids: list[str], pending: PendingFiles, who: str,
           request_id: str) -> tuple[dict[str, int], list[str]]:
    """What `purpose` ("erasure" or "retention") does to these calls, inside the caller's
    transaction: stage their files, record the deletion tombstones, then overwrite, scrub and
    delete rows as the inventory declares. Returns (rows touched per table, notes)."""
    clip_ids = clips_of(conn, call_ids)
    paths, notes = files_to_forget(ws, conn, purpose, call_ids, clip_ids)
    for path in paths:
        pending.add(path)
    if purpose == "retention":
        for call_id in call_ids:
            _keep_consent_record(ws, conn, call_id)
    for call_id in call_ids:
        conn.execute(delete(original_deletions).where(original_deletions.c.call_id == call_id))
        conn.execute(original_deletions.insert().values(call_id=call_id, reason=purpose, deleted_at=utcnow(),
                                                        deleted_by=who, request_id=request_id))
    return forget_calls(conn, call_ids, purpose), notes


def run_retention(ws: Workspace, dry_run: bool = True, today: date | None = None,
                  user: str | None = None) -> RetentionReport:
    """Delete the originals past their retention date (or, with `dry_run`, only list them). Both are audited."""
    who = actor(ws, user)
    require(who, "retention.run", "run retention")
    today = today or date.today()
    report = RetentionReport(dry_run, today.isoformat(), [])
    if not dry_run:
        report.notes += finish_pending(ws)
    report.due = due_originals(ws, today)
    report.request_id = "ret-" + secrets.token_hex(6)
    pending = PendingFiles(ws, report.request_id)
    action = "retention.dry_run" if dry_run else "retention.run"
    try:
        with operation(ws, "retention.run", action, "retention_run", report.request_id, user=user,
                       what="run retention") as op:
            touched = {}
            if not dry_run and report.due:
                ids = [d.call_id for d in report.due]
                touched, notes = forget(ws, op.conn, "retention", ids, pending, op.actor.name, report.request_id)
                report.deleted, report.notes = ids, report.notes + notes
                pending.write(touched)
            op.details.update({"today": report.today, "due": len(report.due), "deleted": report.deleted,
                               "files": len(pending.paths), "rows": touched})
    except BaseException:
        pending.discard()
        raise
    if pending.journal.exists():
        report.files_deleted, vacuumed = pending.finish()
        if not vacuumed:
            report.notes.append("the database was busy or a file could not be deleted: "
                                "`curation doctor --fix` completes the deletion")
    return report
