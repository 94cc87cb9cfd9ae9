"""Re-enactment scripts of clips in a workspace: gather the clip's redacted words (its redaction
spans plus a fresh PII scan, like anonymisation does), the stage events from the difficulty
signals and the consent reasons, and build a safe script. Building one is audited.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from curation.access import reads_personal, within_operation
from curation.consent.script import ReenactmentScript, StageEvent, safe_script
from curation.errors import CurationError
from curation.roles import operation
from curation.workspace import Workspace

STAGE_SIGNALS = ("raised_voice", "interruptions", "silences")


def _clip_script_words(ws: Workspace, clip_id: str, conn=None) -> tuple[object, list[dict], object]:
    """(clip, redacted words with their originals as keys, sliced transcript) of a clip."""
    from curation.anonymise.speakers import role_labels
    from curation.catalogue import load_transcript
    from curation.clips import redaction
    from curation.clips.edit import clip_words
    from curation.clips.store import load_clip, load_spans

    if conn is None:
        with ws.engine.connect() as own:
            return _clip_script_words(ws, clip_id, own)
    clip = load_clip(conn, clip_id)
    spans = load_spans(conn, clip_id)
    transcript = load_transcript(ws, clip.call_id)
    if transcript is None or not transcript.words:
        raise CurationError(f"clip {clip_id}: call {clip.call_id} has no transcript (deleted or never imported); "
                            "no script can be written")
    sliced, indices = clip_words(transcript, clip.start, clip.end)
    position = {call_index: k for k, call_index in enumerate(indices)}
    redact: dict[int, str] = {}
    reviewed: set[int] = set()
    for s in spans:
        ks = [position[i] for i in range(s.first_word, s.last_word) if i in position]
        (redact.update({k: s.entity_type for k in ks}) if s.active else reviewed.update(ks))
    language = clip.details.get("language", transcript.language)
    for d in redaction.detect_word_spans(sliced, language) if sliced.words else []:
        for k in range(d.first, d.last):
            redact.setdefault(k, d.entity_type)
    reviewed -= set(redact)
    roles = role_labels(transcript)
    words = redaction.redacted_words(sliced, redact, reviewed, roles, with_originals=True)
    return clip, words, sliced


def _stage_events(ws: Workspace, clip, sliced, conn) -> list[StageEvent]:
    """Raised voice, interruptions and long silences inside the clip (seconds from the clip's start):
    computed on the clip's words, plus the call's stored audio-based evidence (raised voice)."""
    from curation.difficulty import compute_signals

    events: list[StageEvent] = []
    signals = compute_signals(sliced)
    for name in STAGE_SIGNALS:
        try:
            signal = signals[name]
        except KeyError:
            continue
        events += [StageEvent(name, e.time, e.role) for e in signal.evidence]
    try:
        from curation.difficulty.tables import difficulty_evidence
    except ImportError:  # pragma: no cover - difficulty stage not installed
        return events
    rows = conn.execute(select(difficulty_evidence.c.signal, difficulty_evidence.c.time, difficulty_evidence.c.role)
                        .where(difficulty_evidence.c.call_id == clip.call_id)
                        .where(difficulty_evidence.c.signal.in_(STAGE_SIGNALS))
                        .where(difficulty_evidence.c.time >= clip.start, difficulty_evidence.c.time < clip.end)).all()
    events += [StageEvent(r.signal, r.time - clip.start, r.role) for r in rows]
    return events


# curation/packs/build.py (the packs work) still calls this before its operation opens; it moves the
# call inside the build's operation, then the transitional caller goes
@within_operation("clips.read", "packs.build", transitional_callers={"curation.packs.build": "packs.build"})
def script_for_clip(ws: Workspace, clip_id: str, conn=None) -> ReenactmentScript:
    """The re-enactment script of a clip, without writing anything: inside the operation that uses it
    (`build_script`, the pack build). Deterministic: the fictional data is seeded by the clip id."""
    from curation.consent.decisions import _decide

    if conn is None:
        with ws.engine.connect() as own:
            return script_for_clip(ws, clip_id, own)
    clip, words, sliced = _clip_script_words(ws, clip_id, conn)
    events = _stage_events(ws, clip, sliced, conn)
    decision = _decide(ws, clip_id, conn=conn)
    return safe_script(clip_id, words, events, title=clip.title or f"Clip {clip_id}", reasons=decision.explain("nl"))


@reads_personal("clips.read", "consent.script_built")
def build_script(ws: Workspace, clip_id: str, user: str | None = None) -> ReenactmentScript:
    """The re-enactment script of a clip for a person (audited `consent.script_built`: it reads the
    original transcript; needs permission to read clips)."""
    with operation(ws, "clips.read", "consent.script_built", "clip", clip_id, user=user,
                   what="write re-enactment scripts") as op:
        script = script_for_clip(ws, clip_id, op.conn)
        op.details.update({"lines": len(script.lines), "directions": sum(len(ln.directions) for ln in script.lines)})
    return script


@reads_personal("clips.read", "consent.script_built")
def export_script(ws: Workspace, clip_id: str, out: str | Path, formats=("md", "html"),
                  user: str | None = None) -> list[Path]:
    """Write the script as Markdown and/or printable HTML into folder `out`."""
    script = build_script(ws, clip_id, user=user)
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for fmt in formats:
        path = out / f"{clip_id}.{fmt}"
        path.write_text(script.markdown() if fmt == "md" else script.html(), encoding="utf-8")
        written.append(path)
    return written
