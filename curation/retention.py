"""Retention: originals (recording and transcript) are deleted once their retention date has passed.

`due_originals` lists what would go (the dry run); `run_retention` deletes it in one audited
operation. The deletion itself (`OriginalRemoval`) is shared with erasure requests
(`curation.subjects`): rows are changed inside the caller's transaction and the files are moved
aside first, so a failed transaction puts them back and a committed one removes them.
"""

from __future__ import annotations

import json
import os
import secrets
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from sqlalchemy import column, delete, inspect, select, table, update
from sqlalchemy.engine import Connection

from curation.consent.record import ANALYSED, compute_record, manifest_fields, retention_date, store_record
from curation.consent.tables import original_deletions
from curation.roles import actor, operation, require
from curation.store.schema import calls, consent_records, speakers, turns, words
from curation.workspace import Workspace, utcnow

# tables holding transcript text or quotes of a call (besides words/turns/speakers), when present
QUOTE_TABLES = ("difficulty_evidence",)


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

    def to_json(self) -> dict:
        return {"dry_run": self.dry_run, "today": self.today, "deleted": self.deleted,
                "due": [d.__dict__ for d in self.due]}


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
                path = ws.root / row.audio_path
                size = path.stat().st_size if path.exists() else 0
                due.append(DueOriginal(row.id, until, row.audio_path, size))
    return due


class OriginalRemoval:
    """Deletes originals of calls inside one transaction; call `commit()` after the transaction
    committed (removes the files) or `rollback()` when it failed (puts them back)."""

    def __init__(self, ws: Workspace, conn: Connection):
        self.ws, self.conn = ws, conn
        self.moved: list[tuple[Path, Path]] = []
        self.tables = set(inspect(conn).get_table_names())

    def _move_aside(self, path: Path) -> None:
        if path.exists():
            aside = self.ws.tmp / f"deleting-{secrets.token_hex(6)}-{path.name}"
            self.ws.tmp.mkdir(parents=True, exist_ok=True)
            os.replace(path, aside)
            self.moved.append((path, aside))

    def remove(self, call_id: str, reason: str, who: str, request_id: str | None = None,
               keep_consent: bool = True) -> None:
        """Recording file, transcript words/turns/speakers and stored quotes of `call_id`. With
        `keep_consent` the consent record stays (flags, dates; quotes removed) so decisions of
        clips already made still hold; without it (erasure) the record goes too."""
        conn = self.conn
        row = conn.execute(select(calls.c.audio_path).where(calls.c.id == call_id)).first()
        if row is None:
            return
        if keep_consent:
            self._keep_consent_without_quotes(call_id)
        else:
            conn.execute(delete(consent_records).where(consent_records.c.call_id == call_id))
        for rows in (words, turns, speakers):
            conn.execute(delete(rows).where(rows.c.call_id == call_id))
        for name in QUOTE_TABLES:
            if name in self.tables:
                quotes = table(name, column("call_id"))
                conn.execute(delete(quotes).where(quotes.c.call_id == call_id))
        conn.execute(delete(original_deletions).where(original_deletions.c.call_id == call_id))
        conn.execute(original_deletions.insert().values(call_id=call_id, reason=reason, deleted_at=utcnow(),
                                                        deleted_by=who, request_id=request_id))
        self._move_aside(self.ws.path_of(row.audio_path))

    def _keep_consent_without_quotes(self, call_id: str) -> None:
        row = self.conn.execute(select(consent_records).where(consent_records.c.call_id == call_id)).mappings().first()
        row = dict(row) if row else None
        if row is None or row["source"] != ANALYSED:
            record = compute_record(self.ws, call_id, conn=self.conn)  # while the transcript is still there
            store_record(self.conn, record, manifest_fields(row))
            row = dict(self.conn.execute(select(consent_records).where(consent_records.c.call_id == call_id))
                       .mappings().first())
        details = json.loads(row["details_json"] or "{}")
        evidence = details.get("evidence") or {}
        for key, value in list(evidence.items()):
            if isinstance(value, dict) and "quote" in value:
                value["quote"] = None
            elif isinstance(value, list):
                for item in value:
                    if isinstance(item, dict):
                        item["quote"] = None
        details.update(evidence=evidence, transcript_deleted=True)
        self.conn.execute(update(consent_records).where(consent_records.c.call_id == call_id)
                          .values(details_json=json.dumps(details, ensure_ascii=False)))

    def remove_folder(self, path: Path) -> None:
        self._move_aside(path)

    def commit(self) -> int:
        import shutil

        for _, aside in self.moved:
            shutil.rmtree(aside, ignore_errors=True) if aside.is_dir() else aside.unlink(missing_ok=True)
        n, self.moved = len(self.moved), []
        return n

    def rollback(self) -> None:
        for original, aside in reversed(self.moved):
            if aside.exists():
                original.parent.mkdir(parents=True, exist_ok=True)
                os.replace(aside, original)
        self.moved = []


def run_retention(ws: Workspace, dry_run: bool = True, today: date | None = None,
                  user: str | None = None) -> RetentionReport:
    """Delete the originals past their retention date (or, with `dry_run`, only list them). Both are audited."""
    who = actor(ws, user)
    require(who, "retention.run", "run retention")
    today = today or date.today()
    due = due_originals(ws, today)
    report = RetentionReport(dry_run, today.isoformat(), due)
    action = "retention.dry_run" if dry_run else "retention.run"
    removal = None
    try:
        with operation(ws, "retention.run", action, "workspace", None, user=user, what="run retention") as op:
            if not dry_run:
                removal = OriginalRemoval(ws, op.conn)
                for item in due:
                    removal.remove(item.call_id, "retention", op.actor.name)
                    report.deleted.append(item.call_id)
            op.details.update({"today": report.today, "due": len(due), "deleted": report.deleted})
    except BaseException:
        if removal:
            removal.rollback()
        raise
    if removal:
        removal.commit()
    return report
