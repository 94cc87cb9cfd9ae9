"""Reading and writing clip rows and their redaction spans through the caller's connection: reads are
storage helpers; writes run only inside an operation (`curation.access.within_operation`)."""

from __future__ import annotations

import json

from sqlalchemy import select, update
from sqlalchemy.engine import Connection

from curation.access import storage, within_operation
from curation.clips.model import EDITABLE, Clip, RedactionSpan
from curation.clips.tables import clip_anonymisations, clip_redactions
from curation.errors import CurationError, NotFound
from curation.store.schema import clips
from curation.workspace import utcnow


class ClipStateError(CurationError):
    """The clip is not in a state that allows the operation."""

    exit_code = 5


class ConcurrentChange(ClipStateError):
    """Someone else changed the clip between reading and writing it (compare-and-set failed)."""


@within_operation()
def lock_clip(conn: Connection, clip_id: str) -> None:
    """Take the write lock before reading the clip, so check-then-write cannot interleave."""
    if conn.dialect.name == "sqlite":
        conn.execute(update(clips).where(clips.c.id == clip_id).values(state=clips.c.state))
    else:
        conn.execute(select(clips.c.id).where(clips.c.id == clip_id).with_for_update())


@storage("reads clip rows through the caller's connection")
def row_to_clip(row) -> Clip:
    return Clip(id=row.id, call_id=row.call_id, start=row.start, end=row.end, title=row.title, state=row.state,
                created_by=row.created_by, created_at=row.created_at, updated_at=row.updated_at,
                details=json.loads(row.details_json or "{}"))


@storage("reads clip rows through the caller's connection")
def load_clip(conn: Connection, clip_id: str) -> Clip:
    row = conn.execute(select(clips).where(clips.c.id == clip_id)).first()
    if row is None:
        raise NotFound(f"clip {clip_id!r} not found")
    return row_to_clip(row)


@storage("reads clip rows through the caller's connection")
def load_clips(conn: Connection, state: str | None = None, call_id: str | None = None) -> list[Clip]:
    query = select(clips).order_by(clips.c.created_at, clips.c.id)
    if state is not None:
        query = query.where(clips.c.state == state)
    if call_id is not None:
        query = query.where(clips.c.call_id == call_id)
    return [row_to_clip(r) for r in conn.execute(query)]


@storage("reads clip rows through the caller's connection")
def load_spans(conn: Connection, clip_id: str) -> list[RedactionSpan]:
    rows = conn.execute(select(clip_redactions).where(clip_redactions.c.clip_id == clip_id)
                        .order_by(clip_redactions.c.first_word, clip_redactions.c.id))
    return [RedactionSpan(r.id, r.clip_id, r.first_word, r.last_word, r.start, r.end, r.speaker, r.entity_type,
                          r.source, r.status, r.score, r.decided_by) for r in rows]


@within_operation()
def insert_span(conn: Connection, clip_id: str, first_word: int, last_word: int, start: float, end: float,
                speaker: str, entity_type: str, source: str, status: str, score: float | None = None,
                decided_by: str | None = None) -> int:
    result = conn.execute(clip_redactions.insert().values(
        clip_id=clip_id, first_word=first_word, last_word=last_word, start=start, end=end, speaker=speaker,
        entity_type=entity_type, score=score, source=source, status=status, decided_by=decided_by,
        decided_at=utcnow() if decided_by else None))
    return int(result.inserted_primary_key[0])


@within_operation()
def set_details(conn: Connection, clip: Clip, **changes) -> dict:
    details = {**clip.details, **changes}
    conn.execute(update(clips).where(clips.c.id == clip.id).values(details_json=json.dumps(details, sort_keys=True)))
    return details


@within_operation()
def transition(conn: Connection, clip_id: str, expected: set[str] | frozenset[str], new: str,
               what: str) -> str:
    """Compare-and-set the clip's state: from one of `expected` to `new`, or refuse.

    Returns the state it left. The UPDATE's WHERE clause holds the expected state, so of two
    reviewers acting at once exactly one changes the row; the other gets `ConcurrentChange`."""
    row = conn.execute(select(clips.c.state).where(clips.c.id == clip_id)).first()
    if row is None:
        raise NotFound(f"clip {clip_id!r} not found")
    old = row.state
    if old not in expected:
        raise ClipStateError(f"clip {clip_id} is {old}; cannot {what} (needs {' or '.join(sorted(expected))})")
    result = conn.execute(update(clips).where(clips.c.id == clip_id, clips.c.state == old)
                          .values(state=new, updated_at=utcnow()))
    if result.rowcount != 1:
        raise ConcurrentChange(f"clip {clip_id} was changed by someone else while you tried to {what}; "
                               "reload it and try again")
    return old


@within_operation()
def mark_edited(conn: Connection, clip: Clip, content: bool = True) -> str | None:
    """An edit: refuse for rejected/revoked clips, send submitted/approved/packed clips back to draft,
    and (for `content` edits: redactions, range) mark the anonymised output stale. Returns the state
    it left when it changed."""
    if clip.state not in EDITABLE:
        raise ClipStateError(f"clip {clip.id} is {clip.state}; it can no longer be edited")
    left = None
    if clip.state != "draft" and clip.state != "changes_requested":
        left = transition(conn, clip.id, {clip.state}, "draft", "edit it")
    else:
        result = conn.execute(update(clips).where(clips.c.id == clip.id, clips.c.state == clip.state)
                              .values(updated_at=utcnow()))
        if result.rowcount != 1:
            raise ConcurrentChange(f"clip {clip.id} was changed by someone else; reload it and try again")
    if content:
        conn.execute(update(clip_anonymisations).where(clip_anonymisations.c.clip_id == clip.id,
                                                       clip_anonymisations.c.status == "ok").values(status="stale"))
    return left


@storage("reads clip rows through the caller's connection")
def load_anonymisation(conn: Connection, clip_id: str) -> dict | None:
    row = conn.execute(select(clip_anonymisations).where(clip_anonymisations.c.clip_id == clip_id)).first()
    if row is None:
        return None
    rescan = json.loads(row.rescan_json or "[]")
    if isinstance(rescan, list):  # stored before the detector fingerprint was kept with the findings
        rescan = {"findings": rescan, "detector": None, "transcript_sha256": None}
    return {"status": row.status, "blocked_reason": row.blocked_reason, "voice_method": row.voice_method,
            "files": json.loads(row.files_json or "{}"), "report": json.loads(row.report_json or "{}"),
            "rescan": rescan["findings"], "rescan_detector": rescan.get("detector"),
            "rescan_transcript_sha256": rescan.get("transcript_sha256"), "created_by": row.created_by,
            "created_at": row.created_at}
