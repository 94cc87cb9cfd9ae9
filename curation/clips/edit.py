"""Creating and editing clips: the trainer's operations, each one permission check, one
transaction and one audit event (through `curation.roles.operation`)."""

from __future__ import annotations

import json
import secrets
from dataclasses import replace

from sqlalchemy import func, select, update

from curation.access import mutates, reads, reads_personal
from curation.clips import redaction
from curation.clips.model import Clip, RedactionSpan
from curation.clips.store import ClipStateError, insert_span, load_clip, load_clips, load_spans, mark_edited
from curation.clips.tables import clip_redactions
from curation.errors import CurationError, NotFound
from curation.model import Transcript
from curation.roles import actor, authorised, operation, require
from curation.store.schema import clips
from curation.workspace import Workspace, utcnow

SNAP_MODES = ("none", "word", "turn")


def clip_words(transcript: Transcript, start: float, end: float) -> tuple[Transcript, list[int]]:
    """The clip's transcript slice (re-timed to start at 0) and the call index of each of its words."""
    indices = sorted((i for i, w in enumerate(transcript.words) if start <= w.start < end),
                     key=lambda i: (transcript.words[i].start, transcript.words[i].end))
    words = [replace(transcript.words[i], start=max(0.0, transcript.words[i].start - start),
                     end=min(end, transcript.words[i].end) - start) for i in indices]
    labels = {w.speaker for w in words}
    sliced = Transcript.build(words, [s for s in transcript.speakers if s.label in labels],
                              language=transcript.language)
    return sliced, indices


def _transcript(ws: Workspace, call_id: str) -> Transcript | None:
    from curation.catalogue import load_transcript

    return load_transcript(ws, call_id)


@mutates("clips.create", "clip.created")
def create_clip(ws: Workspace, call_id: str, start: float, end: float, title: str | None = None,
                snap: str | bool = "none", detect: bool = True, user: str | None = None) -> Clip:
    """Cut a clip [start, end) from a call (widened to word or turn edges with `snap`) and store the
    PII found in its transcript slice as proposed redaction spans."""
    snap = "word" if snap is True else ("none" if snap is False else snap)
    if snap not in SNAP_MODES:
        raise CurationError(f"unknown snap mode {snap!r} (use none, word or turn)")
    with authorised(ws, "clips.create", user, "create clips") as who:  # PII detection: outside the transaction
        return _create_clip(ws, who.name, call_id, start, end, title, snap, detect)


def _create_clip(ws: Workspace, user: str, call_id: str, start: float, end: float, title: str | None, snap: str,
                 detect: bool) -> Clip:
    from curation.anonymise.clip import resolve
    from curation.catalogue import get_call

    call = get_call(ws, call_id)
    transcript = _transcript(ws, call_id)
    rng = resolve(call.duration, transcript, start, end, snap, f"call {call_id}")
    detected, indices = [], []
    if transcript is not None:
        sliced, indices = clip_words(transcript, rng.start, rng.end)
        if detect and sliced.words:
            detected = redaction.detect_word_spans(sliced, call.language)
    clip_id = "clip-" + secrets.token_hex(5)
    now = utcnow()
    details = {"snap": snap, "language": call.language, "first_word": indices[0] if indices else 0,
               "last_word": indices[-1] + 1 if indices else 0, "words": len(indices),
               "pii_scanned": bool(detect and transcript is not None), "has_transcript": transcript is not None}
    with operation(ws, "clips.create", "clip.created", "clip", clip_id, user=user, what="create clips") as op:
        op.conn.execute(clips.insert().values(id=clip_id, call_id=call_id, start=rng.start, end=rng.end, title=title,
                                              state="draft", created_by=op.actor.name, created_at=now,
                                              updated_at=now, details_json=json.dumps(details, sort_keys=True)))
        _store_detected(op.conn, clip_id, transcript, indices, detected)
        op.details.update({"call_id": call_id, "start": rng.start, "end": rng.end, "snap": snap,
                           "detected_spans": len(detected)})
        return load_clip(op.conn, clip_id)


def _store_detected(conn, clip_id: str, transcript: Transcript | None, indices: list[int],
                    detected: list[redaction.DetectedSpan]) -> int:
    """Add detected spans that are not stored yet (a span already decided keeps its decision)."""
    if transcript is None:
        return 0
    existing = {(s.first_word, s.last_word, s.entity_type) for s in load_spans(conn, clip_id)}
    added = 0
    for d in detected:
        first, last = indices[d.first], indices[d.last - 1] + 1
        if (first, last, d.entity_type) in existing:
            continue
        ws_ = [transcript.words[i] for i in indices[d.first:d.last]]
        insert_span(conn, clip_id, first, last, min(w.start for w in ws_), max(w.end for w in ws_),
                    ws_[0].speaker, d.entity_type, "detected", "proposed", d.score)
        added += 1
    return added


@reads("clips.read")
def get_clip(ws: Workspace, clip_id: str, user: str | None = None) -> Clip:
    require(actor(ws, user), "clips.read", "read clips")
    with ws.engine.connect() as conn:
        return load_clip(conn, clip_id)


@reads("clips.read")
def list_clips(ws: Workspace, state: str | None = None, call_id: str | None = None,
               user: str | None = None) -> list[Clip]:
    require(actor(ws, user), "clips.read", "read clips")
    with ws.engine.connect() as conn:
        return load_clips(conn, state=state, call_id=call_id)


@reads("aggregates.read")
def clip_counts(ws: Workspace, user: str | None = None) -> dict[str, int]:
    """Clips per state: an aggregate, readable by every role (managers included)."""
    require(actor(ws, user), "aggregates.read")
    with ws.engine.connect() as conn:
        return {r.state: r.n for r in conn.execute(select(clips.c.state, func.count().label("n"))
                                                   .group_by(clips.c.state))}


@reads("clips.read")
def redaction_spans(ws: Workspace, clip_id: str, user: str | None = None) -> list[RedactionSpan]:
    """The clip's redaction spans; each says (`uncertain_stretch`) whether its words' times are
    uncertain, so that the audio redaction covers a whole stretch around them."""
    from curation.pii.timing import uncertain_stretch

    with authorised(ws, "clips.read", user, "read clips"):
        with ws.engine.connect() as conn:
            clip = load_clip(conn, clip_id)
            spans = load_spans(conn, clip_id)
        transcript = _transcript(ws, clip.call_id) if spans else None  # word times only; no text leaves
    if transcript is None:
        return spans
    n = len(transcript.words)
    return [replace(s, uncertain_stretch=uncertain_stretch(
        transcript, [i for i in range(s.first_word, s.last_word) if 0 <= i < n])) for s in spans]


@reads("clips.read")
def redaction_span_rows(ws: Workspace, clip_id: str, user: str | None = None) -> list[dict]:
    """The clip's redaction spans as `curation clips spans` prints them: word range in the clip,
    times, role (never the transcript's speaker label, which may be a name), type, status."""
    from curation.anonymise.speakers import role_labels

    with authorised(ws, "clips.read", user, "read clips") as who:
        clip = get_clip(ws, clip_id, user=who.name)
        spans = redaction_spans(ws, clip_id, user=who.name)
        roles = role_labels(_transcript(ws, clip.call_id))
    return [s.to_dict(clip.first_word, roles.get(s.speaker)) for s in spans]


@mutates("clips.edit", "clip.updated")
def update_clip(ws: Workspace, clip_id: str, title: str | None = None, user: str | None = None) -> Clip:
    """Change the clip's title (an edit: an approved clip goes back to draft)."""
    with operation(ws, "clips.edit", "clip.updated", "clip", clip_id, user=user, what="edit clips") as op:
        clip = load_clip(op.conn, clip_id)
        left = mark_edited(op.conn, clip, content=False)  # the audio and transcript stay valid
        op.conn.execute(update(clips).where(clips.c.id == clip_id).values(title=title))
        op.details.update({"fields": ["title"], "state_reset_from": left})
        return load_clip(op.conn, clip_id)


@mutates("clips.edit", "clip.redaction_*")
def decide_redaction(ws: Workspace, clip_id: str, span_id: int, accept: bool, user: str | None = None) -> RedactionSpan:
    """Accept (keep redacted) or reject (a person judged it not to be personal data) one span."""
    action = "clip.redaction_accepted" if accept else "clip.redaction_rejected"
    with operation(ws, "clips.edit", action, "clip", clip_id, user=user, what="edit redactions") as op:
        clip = load_clip(op.conn, clip_id)
        span = next((s for s in load_spans(op.conn, clip_id) if s.id == span_id), None)
        if span is None:
            raise NotFound(f"clip {clip_id} has no redaction span {span_id}")
        left = mark_edited(op.conn, clip)
        op.conn.execute(update(clip_redactions).where(clip_redactions.c.id == span_id).values(
            status="accepted" if accept else "rejected", decided_by=op.actor.name, decided_at=utcnow()))
        op.details.update({"span_id": span_id, "entity_type": span.entity_type, "state_reset_from": left})
        return next(s for s in load_spans(op.conn, clip_id) if s.id == span_id)


@mutates("clips.edit", "clip.redaction_added")
def add_redaction(ws: Workspace, clip_id: str, words: tuple[int, int], entity_type: str,
                  user: str | None = None) -> RedactionSpan:
    """Redact words [a, b) of the clip (indices into the clip's transcript) that detection missed."""
    from curation.pii import ENTITY_TYPES

    if entity_type not in ENTITY_TYPES:
        raise CurationError(f"unknown entity type {entity_type!r}; one of {', '.join(ENTITY_TYPES)}")
    a, b = int(words[0]), int(words[1])
    with operation(ws, "clips.edit", "clip.redaction_added", "clip", clip_id, user=user, what="edit redactions") as op:
        clip = load_clip(op.conn, clip_id)
        transcript = _transcript(ws, clip.call_id)
        if transcript is None:
            raise CurationError(f"clip {clip_id}: the call has no transcript to redact")
        _, indices = clip_words(transcript, clip.start, clip.end)
        if not (0 <= a < b <= len(indices)):
            raise CurationError(f"clip {clip_id}: words {a}..{b} outside the clip's {len(indices)} words")
        chosen = [transcript.words[i] for i in indices[a:b]]
        if len({w.speaker for w in chosen}) != 1:
            raise CurationError(f"clip {clip_id}: words {a}..{b} belong to more than one speaker; add one span each")
        left = mark_edited(op.conn, clip)
        span_id = insert_span(op.conn, clip_id, indices[a], indices[b - 1] + 1, min(w.start for w in chosen),
                              max(w.end for w in chosen), chosen[0].speaker, entity_type, "manual", "accepted",
                              None, op.actor.name)
        op.details.update({"span_id": span_id, "entity_type": entity_type, "words": [a, b],
                           "state_reset_from": left})
        return next(s for s in load_spans(op.conn, clip_id) if s.id == span_id)


def require_editable(clip: Clip) -> None:
    from curation.clips.model import EDITABLE

    if clip.state not in EDITABLE:
        raise ClipStateError(f"clip {clip.id} is {clip.state}; it can no longer be edited")


@reads_personal("calls.read_transcript", "clip.transcript_read")
def clip_transcript(ws: Workspace, clip_id: str, user: str | None = None) -> list[dict]:
    """The clip's original words for the redaction editor: index (as `add_redaction` takes it), text,
    times on the clip's timeline, role, and the redaction span covering it (id, type, status) if any.
    Original text: trainers and privacy reviewers only; every read is audited (`clip.transcript_read`)."""
    with operation(ws, "calls.read_transcript", "clip.transcript_read", "clip", clip_id, user=user,
                   what="read transcripts") as op:
        clip = load_clip(op.conn, clip_id)
        spans = load_spans(op.conn, clip_id)
        transcript = _transcript(ws, clip.call_id)
        rows = _editor_rows(clip, spans, transcript)
        op.details["words"] = len(rows)
    return rows


def _editor_rows(clip: Clip, spans: list[RedactionSpan], transcript: Transcript | None) -> list[dict]:
    from curation.anonymise.speakers import role_labels

    if transcript is None:
        return []
    sliced, indices = clip_words(transcript, clip.start, clip.end)
    roles = role_labels(transcript)
    cover: dict[int, RedactionSpan] = {}
    for s in spans:
        for i in range(s.first_word, s.last_word):
            if i not in cover or cover[i].status == "rejected":
                cover[i] = s
    rows = []
    for k, (w, call_index) in enumerate(zip(sliced.words, indices)):
        span = cover.get(call_index)
        rows.append({"index": k, "text": w.text, "start": w.start, "end": w.end, "speaker": roles.get(w.speaker),
                     "span_id": span.id if span else None, "entity_type": span.entity_type if span else None,
                     "status": span.status if span else None})
    return rows


@reads("clips.read")
def redacted_transcript(ws: Workspace, clip_id: str, user: str | None = None) -> dict | None:
    """The clip's current redacted transcript document (role labels and placeholders only, as
    exported), or None when the clip has no valid anonymisation. Needs clips.read."""
    from curation.clips.store import load_anonymisation

    require(actor(ws, user), "clips.read", "read clips")
    with ws.engine.connect() as conn:
        load_clip(conn, clip_id)
        anon = load_anonymisation(conn, clip_id)
    if anon is None or anon["status"] != "ok" or "transcript_json" not in anon["files"]:
        return None
    return json.loads(ws.path_of(anon["files"]["transcript_json"]["path"]).read_text("utf-8"))
