"""`anonymise_clip`: detect PII in the clip's transcript slice, bleep it and disguise the voices
(workspace key), write anonymised audio (WAV + MP3) and the redacted transcript (JSON + WebVTT)
into the workspace's derived store, re-scan the redacted text, and record the outcome.

The slow work runs outside the database transaction into a private temporary folder; the
result is committed only if nobody edited the clip meanwhile (else `ConcurrentChange`).
"""

from __future__ import annotations

import json
import logging
import os
import secrets
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from sqlalchemy import delete

from curation.access import mutates
from curation.checksums import sha256_file
from curation.clips import redaction
from curation.clips.edit import _store_detected, clip_words, require_editable
from curation.clips.store import ConcurrentChange, load_clip, load_spans, mark_edited, set_details
from curation.clips.tables import clip_anonymisations
from curation.errors import CurationError
from curation.pii.fingerprint import fingerprint as detector_fingerprint
from curation.roles import authorised, operation
from curation.workspace import Workspace, utcnow

log = logging.getLogger(__name__)
Progress = Callable[[str, float], None]


@dataclass
class ClipAnonymisation:
    """The outcome: `ok` with the files written, or `blocked` with the reason (no files)."""

    clip_id: str
    status: str
    blocked_reason: str | None = None
    files: dict = field(default_factory=dict)  # kind -> {"path": workspace-relative, "sha256": ...}
    report: dict = field(default_factory=dict)
    rescan: list = field(default_factory=list)
    rescan_detector: str | None = None  # `curation.pii.fingerprint` of the detector that made `rescan`
    new_spans: int = 0

    @property
    def ok(self) -> bool:
        return self.status == "ok"


def _clip_folder(ws: Workspace, clip_id: str) -> Path:
    return ws.derived / "clips" / clip_id


@mutates("clips.edit", "clip.anonymised")
def anonymise_clip(ws: Workspace, clip_id: str, user: str | None = None, progress: Progress | None = None,
                   voice: str = "default", bleep: str = "tone") -> ClipAnonymisation:
    """Anonymise a clip (an edit: a submitted or approved clip goes back to draft). The slow work
    runs as the authorised user outside the transaction; one audited operation records the result."""
    with authorised(ws, "clips.edit", user, "anonymise clips") as who:
        return _anonymise_clip(ws, clip_id, who.name, progress, voice, bleep)


def _anonymise_clip(ws: Workspace, clip_id: str, user: str, progress: Progress | None, voice: str,
                    bleep: str) -> ClipAnonymisation:
    say = progress or (lambda _stage, _fraction: None)
    return _finish(ws, _prepare(ws, clip_id, voice, bleep, say), user, say)


@dataclass
class _Prepared:
    """The slow part's result, made where a batch sends it: the outcome, the files in the private
    folder `work` (None when blocked), and what the commit needs to check and store."""

    clip: object
    outcome: ClipAnonymisation
    work: str | None
    voice: str
    indices: list
    sliced: object
    detected: list
    transcript: object


def _prepare(ws: Workspace, clip_id: str, voice: str, bleep: str, say: Progress) -> _Prepared:
    """Detect, bleep, verify, disguise and encode into a private temporary folder of the workspace;
    reads the workspace, writes nothing to its database (so a read-only batch worker can run it)."""
    from curation.anonymise.keys import workspace_voice_key
    from curation.anonymise.speakers import role_labels
    from curation.catalogue import get_call, load_transcript

    with ws.engine.connect() as conn:
        clip = load_clip(conn, clip_id)
        spans = load_spans(conn, clip_id)
    require_editable(clip)
    call = get_call(ws, clip.call_id)
    transcript = load_transcript(ws, clip.call_id)
    if transcript is None:
        raise CurationError(f"clip {clip_id}: call {clip.call_id} has no transcript, so its PII cannot be found; "
                            "it cannot be anonymised")
    say("detecting PII", 0.05)
    sliced, indices = clip_words(transcript, clip.start, clip.end)
    language = clip.details.get("language", call.language)
    detected = redaction.detect_word_spans(sliced, language) if sliced.words else []
    position = {call_index: k for k, call_index in enumerate(indices)}
    known = {(s.first_word, s.last_word, s.entity_type) for s in spans}
    redact: dict[int, str] = {}
    reviewed: set[int] = set()
    intervals = []
    for s in spans:
        ks = [position[i] for i in range(s.first_word, s.last_word) if i in position]
        if s.active:
            intervals.append(_interval(transcript, range(s.first_word, s.last_word), s.start, s.end, s.speaker,
                                       s.entity_type))
            redact.update({k: s.entity_type for k in ks})
        else:
            reviewed.update(ks)
    for d in detected:
        if (indices[d.first], indices[d.last - 1] + 1, d.entity_type) in known:
            continue
        ws_ = sliced.words[d.first:d.last]
        intervals.append(_interval(transcript, indices[d.first:d.last], clip.start + min(w.start for w in ws_),
                                   clip.start + max(w.end for w in ws_), ws_[0].speaker, d.entity_type))
        redact.update({k: d.entity_type for k in range(d.first, d.last)})
    reviewed -= set(redact)

    key = workspace_voice_key(ws)
    roles = role_labels(transcript)
    words = redaction.redacted_words(sliced, redact, reviewed, roles)
    doc = redaction.redacted_document(clip_id, language, clip.duration, words)
    ws.tmp.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=f"anon-{clip_id}-", dir=ws.tmp))
    outcome = ClipAnonymisation(clip_id, "blocked")
    try:
        with ws.audio_store.local_copy(call.audio_path) as source:  # a private copy of a remote original
            report = _disguised_audio(source, transcript, intervals, key, work, doc["words"], clip, call.id,
                                      voice, bleep, say)
        outcome.report = report
        if report.get("status") != "ok":
            outcome.blocked_reason = outcome.report.get("blocked_reason")
            shutil.rmtree(work, ignore_errors=True)
            return _Prepared(clip, outcome, None, voice, indices, sliced, detected, transcript)
        say("redacting the transcript", 0.8)
        (work / "transcript.json").write_text(json.dumps(doc, ensure_ascii=False, indent=1) + "\n", "utf-8")
        (work / "transcript.vtt").write_text(redaction.to_vtt(words), "utf-8")
        (work / "report.json").write_text(json.dumps(outcome.report, indent=1, default=str) + "\n", "utf-8")
        say("re-scanning the redacted transcript", 0.9)
        outcome.rescan = redaction.rescan(doc)
        outcome.rescan_detector = detector_fingerprint()
        outcome.status = "ok"
        for made in work.iterdir():  # derived from an original: owner-only, like everything in W
            os.chmod(made, 0o600)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    return _Prepared(clip, outcome, str(work), voice, indices, sliced, detected, transcript)


# draws of the clip's voice key: a keyed pseudo-speaker that lands on a speaker's own voice (median F0
# and long-term envelope both within the pack build's thresholds, about one clip in thirty) is drawn again
VOICE_DRAWS = 4


def _disguised_audio(source, transcript, intervals, key, work: Path, words: list, clip, call_id: str, voice: str,
                     bleep: str, say: Progress) -> dict:
    """Render, verify and encode the clip's audio into `work` (audio.wav, audio.mp3); returns the report
    as a dict. The voices are then measured as the pack build measures them (`anonymise.voicecheck`): when
    one came through at its own pitch and envelope, the clip key is drawn again (`VOICE_DRAWS` times at
    most), so a trainer never holds a clip the build refuses whatever is done. The refusal leaks
    nothing new: a pack held only voices away from the speaker's own already."""
    from curation.anonymise.pipeline import _anonymise_audio
    from curation.audio import read
    from curation.anonymise.voicecheck import profile, undisguised

    report: dict = {}
    before = None  # the original voices' profile, measured once (every draw renders the same original)
    for draw in range(1, VOICE_DRAWS + 1):
        say("anonymising audio (WAV)", 0.15)
        name = clip.id if draw == 1 else f"{clip.id}\x00draw-{draw}"  # clips of one call may go to different packs
        rendered = _anonymise_audio(source, transcript, intervals, key, out=work / "audio.wav", voice=voice,
                                    bleep=bleep, start=clip.start, end=clip.end, call_id=call_id,
                                    key_scope="clip", clip_id=name)
        report = rendered.to_dict()
        if not rendered.ok:
            return report
        say("encoding MP3", 0.55)
        report["mp3"] = _encode_mp3(work / "audio.wav", work / "audio.mp3", report, bleep)
        if report["mp3"]["status"] != "ok":
            return {**report, "status": "blocked", "blocked_reason": report["mp3"]["blocked_reason"]}
        if voice == "none":
            return report
        if before is None:
            raw, raw_sr = read(source, start=clip.start, end=clip.end)
            before = profile(raw, raw_sr, words)
        after, sr = read(work / "audio.mp3")
        same = undisguised(before, profile(after, sr, words))
        report["voice"]["draws"] = draw
        if not same:
            return report
        log.info("clip %s: draw %d of the voice key left %s at the original pitch and envelope; drawing again",
                 clip.id, draw, ", ".join(same))
    return {**report, "status": "blocked",
            "blocked_reason": (f"the voice of {', '.join(same)} stayed at its own pitch and spectral envelope in "
                               f"{VOICE_DRAWS} draws of the voice key; choose another voice method")}


def _finish(ws: Workspace, p: _Prepared, user: str, say: Progress) -> ClipAnonymisation:
    """Move the prepared files into the clip's derived folder and record the outcome in one audited
    operation, unless the clip was edited meanwhile; on any failure no new version is left."""
    outcome, work = p.outcome, Path(p.work) if p.work else None
    version_dir: Path | None = None
    try:
        if outcome.ok:
            version_dir = _clip_folder(ws, p.clip.id) / ("v-" + secrets.token_hex(4))
            version_dir.parent.mkdir(parents=True, exist_ok=True)
            os.replace(work, version_dir)
            for kind, name in (("audio_wav", "audio.wav"), ("audio_mp3", "audio.mp3"),
                               ("transcript_json", "transcript.json"), ("transcript_vtt", "transcript.vtt"),
                               ("report", "report.json")):
                path = version_dir / name
                outcome.files[kind] = {"path": str(path.relative_to(ws.root)), "sha256": sha256_file(path)}
        say("recording", 0.95)
        _commit(ws, p.clip, outcome, user, p.voice, p.indices, p.sliced, p.detected, p.transcript)
    except BaseException:
        if version_dir is not None:
            shutil.rmtree(version_dir, ignore_errors=True)
        raise
    finally:
        if work is not None:
            shutil.rmtree(work, ignore_errors=True)
    _remove_old_versions(ws, p.clip.id, version_dir)
    say("done", 1.0)
    return outcome


@dataclass
class AnonymiseSummary:
    """What a batch did: clips anonymised, blocked (with the reason), failed (one line), skipped."""

    anonymised: list = field(default_factory=list)
    blocked: list = field(default_factory=list)  # (clip id, reason)
    failed: list = field(default_factory=list)  # (clip id, problem)
    skipped: int = 0
    workers: int = 1
    where: str = "in-process"
    seconds: float = 0.0


@dataclass
class _Job:
    """What a worker needs: where the workspace is, who acts, the methods; in-process runs also hand
    over the open workspace (never sent to another process)."""

    root: str
    user: str
    voice: str
    bleep: str
    ws: Workspace | None = None

    def __getstate__(self):
        return {**self.__dict__, "ws": None}


def _anonymise_task(job: _Job, clip_id: str) -> _Prepared:
    """One clip's slow part where a batch sends it: the workspace opened read-only, the acting user's
    permission checked again there; the files wait in the workspace's private tmp folder."""
    from curation.batch import worker_workspace

    ws = job.ws or worker_workspace(job.root)
    with authorised(ws, "clips.edit", job.user, "anonymise clips"):
        return _prepare(ws, clip_id, job.voice, job.bleep, lambda _stage, _fraction: None)


def _pending_clips(ws: Workspace, redo: bool = False) -> tuple[list[str], int]:
    """Draft clips (and clips sent back with changes requested) that have no good anonymisation yet
    (all of them with `redo`), and how many were left out as up to date."""
    from sqlalchemy import select

    from curation.store.schema import clips

    with ws.engine.connect() as conn:
        rows = conn.execute(select(clips.c.id, clips.c.details_json)
                            .where(clips.c.state.in_(("draft", "changes_requested"))).order_by(clips.c.id)).all()
    todo = [r.id for r in rows if redo or json.loads(r.details_json or "{}").get("anonymisation") != "ok"]
    return todo, len(rows) - len(todo)


@mutates("clips.edit", "clip.anonymised")
def anonymise_clips(ws: Workspace, clip_ids=None, user: str | None = None, voice: str = "default",
                    bleep: str = "tone", redo: bool = False, plan=None,
                    progress: Callable[[int, int], None] | None = None) -> AnonymiseSummary:
    """Anonymise many clips on all local cores or a Dask cluster (`plan`, `curation.batch`): the
    given clips, else every draft clip without a good anonymisation (every draft clip with `redo`).
    Workers do the slow part into private folders; the parent records each clip exactly as
    `anonymise_clip` does (one audited `clip.anonymised` per clip, refused when the clip was edited
    meanwhile). Resumable: a stopped batch leaves whole clips behind and a rerun does the rest."""
    from dataclasses import replace

    from curation.batch import Plan, run_batch

    plan = replace(plan or Plan(), chunk_size=1)  # each clip recorded as soon as it is done
    summary = AnonymiseSummary()
    with authorised(ws, "clips.edit", user, "anonymise clips") as who:
        if clip_ids:
            todo = list(dict.fromkeys(clip_ids))
        else:
            todo, summary.skipped = _pending_clips(ws, redo)

        def store(outcomes) -> None:
            for o in outcomes:
                if not o.ok:
                    summary.failed.append((o.item, o.error))
                    continue
                try:
                    result = _finish(ws, o.value, who.name, lambda _stage, _fraction: None)
                except CurationError as exc:
                    summary.failed.append((o.item, str(exc).splitlines()[0]))
                    continue
                if result.ok:
                    summary.anonymised.append(o.item)
                else:
                    summary.blocked.append((o.item, result.blocked_reason))

        job = _Job(str(ws.root), who.name, voice, bleep, ws)
        report = run_batch(_anonymise_task, job, todo, store, plan, label="anonymising clips", each=progress)
        summary.workers, summary.where, summary.seconds = report.workers, report.where, report.seconds
    return summary


def _interval(transcript, call_indices, start: float, end: float, speaker: str, entity_type: str) -> dict:
    """A redaction interval on the call's timeline, widened to the whole uncertain stretch when the
    words' times are estimated (the rule lives in `curation.pii.timing.uncertain_stretch`)."""
    from curation.pii.timing import uncertain_stretch

    stretch = uncertain_stretch(transcript, [i for i in call_indices if 0 <= i < len(transcript.words)])
    if stretch is None:
        return {"start": start, "end": end, "speaker": speaker, "entity_type": entity_type}
    return {"start": min(start, stretch[0]), "end": max(end, stretch[1]), "speaker": speaker,
            "entity_type": entity_type, "estimated": True, "widened": True}


def _encode_mp3(wav: Path, mp3: Path, report: dict, bleep: str) -> dict:
    """Encode the verified WAV as MP3 and verify every bleep interval again in the decoded MP3."""
    from curation.anonymise.verify_file import verify_audio_file
    from curation.audio import Writer, probe, stream

    info = probe(wav)
    with Writer(mp3, info.sample_rate, info.channels, fmt="mp3") as w:
        for block in stream(wav, block_seconds=20.0):
            w.write(block)
    redactions = report.get("redactions") or []
    results = verify_audio_file(mp3, redactions, bleep) if redactions else []
    failed = [r for r, v in zip(redactions, results) if not v.ok]
    out = probe(mp3)
    return {"status": "blocked" if failed else "ok",
            "blocked_reason": (f"verification of the MP3 failed: {len(failed)} interval(s) hold sound besides the "
                               f"{bleep}, first at {failed[0]['start']:.3f}s") if failed else None,
            "verification": {"intervals": len(results), "verified": len(results) - len(failed),
                             "worst_dbfs": max((round(float(v.residual_dbfs), 1) for v in results), default=None)},
            "output": {"format": "mp3", "codec": out.codec, "sample_rate": out.sample_rate,
                       "channels": out.channels, "duration": round(out.duration, 6)}}


def _commit(ws, clip, outcome: ClipAnonymisation, user, voice, indices, sliced, detected, transcript) -> None:
    with operation(ws, "clips.edit", "clip.anonymised", "clip", clip.id, user=user, what="anonymise clips") as op:
        current = load_clip(op.conn, clip.id)
        if current.updated_at != clip.updated_at or current.state != clip.state:
            raise ConcurrentChange(f"clip {clip.id} was edited while it was being anonymised; run it again")
        outcome.new_spans = _store_detected(op.conn, clip.id, transcript, indices, detected)
        left = mark_edited(op.conn, current)
        op.conn.execute(delete(clip_anonymisations).where(clip_anonymisations.c.clip_id == clip.id))
        op.conn.execute(clip_anonymisations.insert().values(
            clip_id=clip.id, status=outcome.status, blocked_reason=outcome.blocked_reason,
            voice_method=(outcome.report.get("voice") or {}).get("method", voice),
            files_json=json.dumps(outcome.files, sort_keys=True),
            report_json=json.dumps(outcome.report, sort_keys=True, default=str),
            rescan_json=rescan_record(outcome), created_by=op.actor.name, created_at=utcnow()))
        set_details(op.conn, load_clip(op.conn, clip.id), anonymisation=outcome.status)
        redactions = outcome.report.get("redactions") or []
        op.details.update({"status": outcome.status, "reason": outcome.blocked_reason,
                           "redactions": len(redactions), "verified": sum(bool(r.get("verified")) for r in redactions),
                           "voice": (outcome.report.get("voice") or {}).get("method"),
                           "new_spans": outcome.new_spans,
                           "rescan_unresolved": len(redaction.unresolved(outcome.rescan)),
                           "state_reset_from": left})


def rescan_record(outcome: ClipAnonymisation) -> str:
    """The stored re-scan: its findings, the detector that made them and the transcript they are of,
    so approval can reuse them for the same transcript and detector (`curation.review`)."""
    if not outcome.ok:
        return json.dumps(outcome.rescan)
    return json.dumps({"findings": outcome.rescan, "detector": outcome.rescan_detector,
                       "transcript_sha256": outcome.files["transcript_json"]["sha256"]})


def _remove_old_versions(ws: Workspace, clip_id: str, keep: Path | None) -> None:
    folder = _clip_folder(ws, clip_id)
    if not folder.is_dir():
        return
    for child in folder.iterdir():
        if child.name.startswith("v-") and child != keep:
            shutil.rmtree(child, ignore_errors=True)
