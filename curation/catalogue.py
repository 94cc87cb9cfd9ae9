"""Reading the call catalogue: calls as a pandas DataFrame, one call's transcript, a call record.

Catalogue rows (ids, durations, topics) need `calls.list`; transcript text is personal data and
is read through `read_transcript` (audited) or, inside an operation whose purpose needs it, the
building block `load_transcript`."""

from __future__ import annotations

import json
from datetime import datetime

from typing import TYPE_CHECKING

from sqlalchemy import func, select

from curation.access import reads, reads_personal, within_operation
from curation.errors import NotFound
from curation.model import Call, Speaker, Transcript, Turn, Word
from curation.store.schema import calls, consent_records, speakers, turns, words
from curation.workspace import Workspace

if TYPE_CHECKING:
    import pandas as pd

# operations whose purpose includes reading a call's original transcript (analysis, clipping,
# anonymisation, consent records, scripts, subject requests, retention); never `aggregates.read`
TRANSCRIPT_PURPOSES = ("calls.read_transcript", "calls.analyse", "calls.play_original", "clips.create",
                       "clips.edit", "clips.read", "clips.review", "consent.read", "consent.edit",
                       "consent.override", "packs.build", "subject_requests.handle", "retention.run",
                       "coaching.evaluate")

CALL_COLUMNS = ["call_id", "recorded_at", "duration", "channel_layout", "agent_id", "language", "topic",
                "words", "timings_estimated", "transcript_format"]


def _check(ws: Workspace, user: str | None, permission: str = "calls.list", what: str = "list calls") -> None:
    from curation.roles import actor, require

    require(actor(ws, user), permission, what)


@reads("calls.list")
def calls_frame(ws: Workspace, user: str | None = None) -> "pd.DataFrame":
    """One row per call, without transcript text or customer references (any role may filter on it)."""
    import pandas as pd  # imported here: the other readers of this module (approval, consent) need no pandas

    _check(ws, user)
    word_counts = (select(words.c.call_id, func.count().label("n")).group_by(words.c.call_id).subquery())
    query = (select(calls.c.id.label("call_id"), calls.c.recorded_at, calls.c.duration, calls.c.channel_layout,
                    calls.c.agent_id, calls.c.language, calls.c.topic,
                    func.coalesce(word_counts.c.n, 0).label("words"), calls.c.timings_estimated,
                    calls.c.transcript_format)
             .select_from(calls.outerjoin(word_counts, word_counts.c.call_id == calls.c.id))
             .order_by(calls.c.recorded_at, calls.c.id))
    with ws.engine.connect() as conn:
        frame = pd.DataFrame(conn.execute(query).mappings().all(), columns=CALL_COLUMNS)
    frame["recorded_at"] = pd.to_datetime(frame["recorded_at"], errors="coerce")
    frame["timings_estimated"] = frame["timings_estimated"].astype(bool)
    frame["words"] = frame["words"].astype(int)
    return frame


@reads("calls.list")
def get_call(ws: Workspace, call_id: str, user: str | None = None) -> Call:
    """The catalogue record of one call (no transcript; the customer reference only as its keyed hash)."""
    _check(ws, user)
    with ws.engine.connect() as conn:
        row = conn.execute(select(calls).where(calls.c.id == call_id)).mappings().first()
    if row is None:
        raise NotFound(f"call {call_id!r} not found in {ws.root}")
    return Call(id=row["id"], recorded_at=datetime.fromisoformat(row["recorded_at"]) if row["recorded_at"] else None,
                duration=row["duration"], sample_rate=row["sample_rate"], channels=row["channels"],
                channel_layout=row["channel_layout"], agent_id=row["agent_id"],
                customer_ref_hash=row["customer_ref_hash"], language=row["language"], topic=row["topic"],
                source_checksum=row["source_checksum"], audio_path=row["audio_path"],
                transcript_format=row["transcript_format"], timings_estimated=bool(row["timings_estimated"]),
                metadata=json.loads(row["metadata_json"] or "{}"))


@reads("calls.list")
def call_ids(ws: Workspace, user: str | None = None) -> list[str]:
    _check(ws, user)
    with ws.engine.connect() as conn:
        return list(conn.execute(select(calls.c.id).order_by(calls.c.id)).scalars())


@within_operation(*TRANSCRIPT_PURPOSES)
def load_transcript(ws: Workspace, call_id: str) -> Transcript | None:
    """The call's transcript, or None for a call imported without one. A building block: it runs
    only inside an operation whose purpose needs the text (else `PermissionDenied`); people read
    transcripts through `read_transcript`, which audits the read."""
    return _load_transcript(ws, call_id)


def _load_transcript(ws: Workspace, call_id: str) -> Transcript | None:
    """The loading itself, for library code whose result carries no text (a consent decision)."""
    with ws.engine.connect() as conn:
        if conn.execute(select(calls.c.id).where(calls.c.id == call_id)).first() is None:
            raise NotFound(f"call {call_id!r} not found in {ws.root}")
        spk = conn.execute(select(speakers).where(speakers.c.call_id == call_id)).mappings().all()
        if not spk:
            return None
        ws_words = conn.execute(select(words).where(words.c.call_id == call_id).order_by(words.c.idx)).mappings().all()
        ws_turns = conn.execute(select(turns).where(turns.c.call_id == call_id).order_by(turns.c.idx)).mappings().all()
        language = conn.execute(select(calls.c.language).where(calls.c.id == call_id)).scalar_one()
    return Transcript(
        words=tuple(Word(w["text"], w["start"], w["end"], w["speaker"], w["confidence"], bool(w["estimated"]),
                         bool(w["aligned"]))
                    for w in ws_words),
        speakers=tuple(Speaker(s["label"], s["role"], s["channel"]) for s in spk),
        turns=tuple(Turn(t["speaker"], t["start"], t["end"], t["first_word"], t["last_word"]) for t in ws_turns),
        language=language,
    )


@reads_personal("calls.read_transcript", "call.transcript_read")
def read_transcript(ws: Workspace, call_id: str, user: str | None = None) -> Transcript | None:
    """The call's original transcript for a user allowed to read it (trainer, privacy reviewer);
    every read is audited as `call.transcript_read` (counts only, never the text)."""
    from curation.roles import operation

    with operation(ws, "calls.read_transcript", "call.transcript_read", "call", call_id, user=user,
                   what="read call transcripts") as op:
        transcript = load_transcript(ws, call_id)
        op.details["words"] = len(transcript.words) if transcript is not None else 0
    return transcript


@reads_personal("consent.read", "consent.record_read")
def consent_fields(ws: Workspace, call_id: str, user: str | None = None) -> dict | None:
    """The call's stored consent row as imported or analysed (it may hold transcript quotes as
    evidence: audited `consent.record_read`)."""
    from curation.roles import operation

    with operation(ws, "consent.read", "consent.record_read", "call", call_id, user=user,
                   what="read consent records") as op:
        row = op.conn.execute(select(consent_records).where(consent_records.c.call_id == call_id)).mappings().first()
    return dict(row) if row else None
