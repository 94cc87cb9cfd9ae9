"""Data-subject requests (AVG art. 15 and 17) for a customer reference.

- `erase_subject`: deletes the person's originals and transcripts, revokes every clip cut from
  them and every pack holding such a clip, and leaves a tombstone without personal data.
- `access_subject`: exports the person's recordings and transcripts (folder or zip) for them.

The customer reference is only ever used as its keyed hash (`ws.keyed_hash`), never stored.
"""

from __future__ import annotations

import json
import secrets
import shutil
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import delete, select

from curation.consent.tables import original_deletions, subject_requests
from curation.errors import CurationError
from curation.retention import OriginalRemoval
from curation.roles import operation
from curation.store.schema import calls
from curation.workspace import Workspace, utcnow

REVOCATION_REASON = "erasure request"


@dataclass
class ErasureOutcome:
    request_id: str
    calls: list[str] = field(default_factory=list)
    clips_revoked: list[str] = field(default_factory=list)
    packs_revoked: list[str] = field(default_factory=list)
    files_deleted: int = 0
    notes: list[str] = field(default_factory=list)

    def to_json(self) -> dict:
        return dict(self.__dict__)


def _calls_of(conn, ws: Workspace, customer_ref: str) -> list[str]:
    if not customer_ref or not customer_ref.strip():
        raise CurationError("a customer reference is required")
    digest = ws.keyed_hash(customer_ref)
    return list(conn.execute(select(calls.c.id).where(calls.c.customer_ref_hash == digest)
                             .order_by(calls.c.id)).scalars())


def _revoke_clips(conn, ws: Workspace, call_ids: list[str], removal: OriginalRemoval) -> list[str]:
    """Every clip of these calls becomes `revoked` (the review stage's own function, which also records
    it in the clip's review history); its derived files and redaction spans go."""
    from curation.clips.tables import clip_anonymisations, clip_redactions
    from curation.review import revoke_clips
    from curation.store.schema import clips

    ids = list(conn.execute(select(clips.c.id).where(clips.c.call_id.in_(call_ids)).order_by(clips.c.id)).scalars())
    revoke_clips(conn, ids, REVOCATION_REASON)
    for clip_id in ids:
        conn.execute(delete(clip_redactions).where(clip_redactions.c.clip_id == clip_id))
        conn.execute(delete(clip_anonymisations).where(clip_anonymisations.c.clip_id == clip_id))
        removal.remove_folder(ws.derived / "clips" / clip_id)
    return ids


def _revoke_packs(conn, clip_ids: list[str]) -> list[str]:
    """Every registered pack holding one of the clips is marked revoked (the registry's own function)."""
    from curation.packs.registry import revoke_for_clips

    return sorted(revoke_for_clips(conn, clip_ids, REVOCATION_REASON) or []) if clip_ids else []


def erase_subject(ws: Workspace, customer_ref: str, user: str | None = None) -> ErasureOutcome:
    """Erasure request: everything held about the person behind `customer_ref` goes; what was made
    from it is revoked. One audited operation; the tombstone keeps ids and counts only."""
    outcome = ErasureOutcome("req-" + secrets.token_hex(6))
    removal = None
    try:
        with operation(ws, "subject_requests.handle", "subject.erased", "subject_request", outcome.request_id,
                       user=user, what="handle data-subject requests") as op:
            removal = OriginalRemoval(ws, op.conn)
            outcome.calls = _calls_of(op.conn, ws, customer_ref)
            for call_id in outcome.calls:
                removal.remove(call_id, "erasure", op.actor.name, outcome.request_id, keep_consent=False)
                op.conn.execute(calls.update().where(calls.c.id == call_id).values(customer_ref_hash=None))
            outcome.clips_revoked = _revoke_clips(op.conn, ws, outcome.calls, removal) if outcome.calls else []
            outcome.packs_revoked = _revoke_packs(op.conn, outcome.clips_revoked)
            outcome.files_deleted = len(removal.moved)
            if not outcome.calls:
                outcome.notes.append("no calls found for this customer reference")
            summary = {k: v for k, v in outcome.to_json().items() if k != "request_id"}
            op.conn.execute(subject_requests.insert().values(id=outcome.request_id, kind="erasure", handled_at=utcnow(),
                                                             handled_by=op.actor.name, summary_json=json.dumps(summary)))
            op.details.update({"calls": len(outcome.calls), "clips_revoked": outcome.clips_revoked,
                               "packs_revoked": outcome.packs_revoked, "files_deleted": outcome.files_deleted})
    except BaseException:
        if removal:
            removal.rollback()
        raise
    removal.commit()
    return outcome


@dataclass
class AccessOutcome:
    request_id: str
    path: Path
    calls: list[str]
    files: int


def access_subject(ws: Workspace, customer_ref: str, out: str | Path, user: str | None = None) -> AccessOutcome:
    """Access request: the person's recordings (originals) and transcripts, with a README, into
    folder `out` or a zip when `out` ends in .zip. Counts as playing originals; audited."""
    from curation.catalogue import get_call, load_transcript

    out = Path(out)
    if out.exists() and (out.is_file() or any(out.iterdir())):
        raise CurationError(f"{out}: already exists; choose a new folder or zip file for the export")
    request_id = "req-" + secrets.token_hex(6)
    with operation(ws, "subject_requests.handle", "subject.access_exported", "subject_request", request_id,
                   user=user, what="handle data-subject requests") as op:
        call_ids = _calls_of(op.conn, ws, customer_ref)
        deleted = set(op.conn.execute(select(original_deletions.c.call_id)).scalars())
        ws.tmp.mkdir(parents=True, exist_ok=True)
        stage = ws.tmp / f"access-{request_id}"
        stage.mkdir(mode=0o700)
        try:
            files = _write_export(ws, stage, call_ids, deleted, get_call, load_transcript)
            if out.suffix.lower() == ".zip":
                out.parent.mkdir(parents=True, exist_ok=True)
                with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
                    for path in sorted(stage.rglob("*")):
                        if path.is_file():
                            zf.write(path, path.relative_to(stage).as_posix())
            else:
                shutil.copytree(stage, out, dirs_exist_ok=True)
        finally:
            shutil.rmtree(stage, ignore_errors=True)
        op.conn.execute(subject_requests.insert().values(
            id=request_id, kind="access", handled_at=utcnow(), handled_by=op.actor.name,
            summary_json=json.dumps({"calls": call_ids, "files": files})))
        op.details.update({"calls": len(call_ids), "files": files})
    return AccessOutcome(request_id, out, call_ids, files)


def _write_export(ws, stage: Path, call_ids, deleted, get_call, load_transcript) -> int:
    files = 0
    lines = ["Uw gegevens / Your data", "", "Opnames en transcripties van uw gesprekken met ons.",
             "Recordings and transcripts of your calls with us.", ""]
    for call_id in call_ids:
        call = get_call(ws, call_id)
        folder = stage / call_id
        folder.mkdir()
        if call_id in deleted:
            lines.append(f"- {call_id}: opname en transcriptie zijn al verwijderd / already deleted")
            continue
        source = ws.path_of(call.audio_path)
        if source.exists():
            shutil.copyfile(source, folder / f"recording{source.suffix}")
            files += 1
        transcript = load_transcript(ws, call_id)
        if transcript is not None:
            doc = {"call_id": call_id, "recorded_at": call.recorded_at.isoformat() if call.recorded_at else None,
                   "language": transcript.language,
                   "turns": [{"speaker": transcript.role_of(t.speaker), "start": t.start, "end": t.end,
                              "text": transcript.turn_text(t)} for t in transcript.turns]}
            (folder / "transcript.json").write_text(json.dumps(doc, ensure_ascii=False, indent=1), "utf-8")
            (folder / "transcript.txt").write_text(
                "\n".join(f"[{t['start']:.1f}s] {t['speaker']}: {t['text']}" for t in doc["turns"]) + "\n", "utf-8")
            files += 2
        lines.append(f"- {call_id} ({call.recorded_at or 'datum onbekend'}, {call.duration:.0f} s)")
    if not call_ids:
        lines.append("Er zijn geen gesprekken van u gevonden. / No calls of yours were found.")
    (stage / "README.txt").write_text("\n".join(lines) + "\n", "utf-8")
    return files + 1
