"""Data-subject requests (AVG art. 15 and 17) for a customer reference.

- `erase_subject`: everything held about the person goes as the personal-data inventory declares
  (`curation.inventory`): rows deleted or overwritten, originals, clips and exports deleted once
  the transaction committed, the database file vacuumed; every clip cut from their calls and every
  pack holding one is revoked; a tombstone without personal data stays. A crashed erasure is
  finished by the next one (or `curation doctor --fix`); running it twice changes nothing more.
- `access_subject`: exports what the inventory declares personal for the customer (recordings,
  transcripts, every declared column of their rows, their anonymised clips) into an owner-only zip.

The customer reference is only ever used as its keyed hash (`ws.keyed_hash`), never stored.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import select

from curation.consent.tables import subject_requests
from curation.errors import CurationError
from curation.inventory import all_tables, declared_tables
from curation.retention import forget
from curation.roles import actor, operation, require
from curation.store.forget import PendingFiles, clips_of, finish_pending
from curation.store.schema import calls
from curation.workspace import Workspace, owner_only, utcnow

REVOCATION_REASON = "erasure request"


@dataclass
class ErasureOutcome:
    request_id: str
    calls: list[str] = field(default_factory=list)
    clips_revoked: list[str] = field(default_factory=list)
    packs_revoked: list[str] = field(default_factory=list)
    files_deleted: int = 0
    rows: dict[str, int] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    def to_json(self) -> dict:
        return dict(self.__dict__)


def _calls_of(conn, ws: Workspace, customer_ref: str) -> list[str]:
    if not customer_ref or not customer_ref.strip():
        raise CurationError("a customer reference is required")
    digest = ws.keyed_hash(customer_ref)
    return list(conn.execute(select(calls.c.id).where(calls.c.customer_ref_hash == digest)
                             .order_by(calls.c.id)).scalars())


def _revoke_packs(ws: Workspace, conn, clip_ids: list[str], pending: PendingFiles) -> tuple[list[str], list[str]]:
    """The one place erasure revokes packs (returns pack ids revoked, notes): every build ever
    registered that holds one of the clips (`curation.packs.revoke_builds`); workspace copies are
    staged through `pending` (deleted after the commit), external copies flagged and named in a note."""
    from curation.packs.revocation import revoke_builds

    if not clip_ids:
        return [], []
    outcome = revoke_builds(conn, clip_ids, REVOCATION_REASON, remove=pending.add, root=ws.root)
    notes = [f"pack build {c['build_id']} was written outside the workspace ({c['path']}): it is revoked in "
             "the register; delete that copy by hand" for c in outcome.external]
    return sorted(outcome.pack_ids), notes


def erase_subject(ws: Workspace, customer_ref: str, user: str | None = None) -> ErasureOutcome:
    """Erasure request: everything held about the person behind `customer_ref` goes; what was made
    from it is revoked. One audited operation; the tombstone keeps ids and counts only."""
    from curation.review import revoke_clips

    require(actor(ws, user), "subject_requests.handle", "handle data-subject requests")
    outcome = ErasureOutcome("req-" + secrets.token_hex(6))
    outcome.notes += finish_pending(ws)  # an erasure a crash interrupted is finished first
    pending = PendingFiles(ws, outcome.request_id)
    try:
        with operation(ws, "subject_requests.handle", "subject.erased", "subject_request", outcome.request_id,
                       user=user, what="handle data-subject requests") as op:
            outcome.calls = _calls_of(op.conn, ws, customer_ref)
            clip_ids = clips_of(op.conn, outcome.calls)
            outcome.rows, notes = forget(ws, op.conn, "erasure", outcome.calls, pending, op.actor.name,
                                         outcome.request_id)
            outcome.notes += notes
            outcome.clips_revoked = sorted(revoke_clips(op.conn, clip_ids, REVOCATION_REASON))
            outcome.packs_revoked, notes = _revoke_packs(ws, op.conn, clip_ids, pending)
            outcome.notes += notes
            if not outcome.calls:
                outcome.notes.append("no calls found for this customer reference")
            summary = {"calls": outcome.calls, "clips_revoked": outcome.clips_revoked,
                       "packs_revoked": outcome.packs_revoked, "files": len(pending.paths), "rows": outcome.rows}
            op.conn.execute(subject_requests.insert().values(
                id=outcome.request_id, kind="erasure", handled_at=utcnow(), handled_by=op.actor.name,
                summary_json=json.dumps(summary)))
            op.details.update({"calls": len(outcome.calls), "clips_revoked": outcome.clips_revoked,
                               "packs_revoked": outcome.packs_revoked, "files": len(pending.paths),
                               "rows": outcome.rows})
            pending.write(list(outcome.rows) + ["subject_requests", "audit_events"])
    except BaseException:
        pending.discard()
        raise
    outcome.files_deleted, vacuumed = pending.finish()
    if not vacuumed:
        outcome.notes.append("the database was busy or a file could not be deleted: "
                             "`curation doctor --fix` completes the erasure")
    return outcome


# ---- access ------------------------------------------------------------------------------------

@dataclass
class AccessOutcome:
    request_id: str
    path: Path
    calls: list[str]
    files: int


def _decode(column: str, value):
    if column.endswith("_json") and isinstance(value, str):
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value


def subject_rows(conn, call_id: str) -> dict[str, list[dict]]:
    """Every row tied to the call or its clips, with the columns declared personal for the customer
    and those that are nobody's personal data (never another subject's: agent ids, users' names)."""
    from curation.store.schema import clips

    clip_ids = list(conn.execute(select(clips.c.id).where(clips.c.call_id == call_id)).scalars())
    tables, out = all_tables(), {}
    for name, decl in declared_tables().items():
        if not decl.belongs_to or name not in tables:
            continue
        columns = [c for c, d in decl.columns.items() if not d.subjects or "customer" in d.subjects]
        table = tables[name]
        ids = [call_id] if decl.belongs_to == "call" else clip_ids
        if not ids:
            continue
        rows = conn.execute(select(*(table.c[c] for c in columns)).where(table.c[decl.link].in_(ids))).mappings()
        found = [{c: _decode(c, row[c]) for c in columns} for row in rows]
        if found:
            out[name] = found
    return out


def _transcript(data: dict) -> list[dict]:
    """Turns with their text and role, from the call's speakers, turns and words rows."""
    roles = {s["label"]: s["role"] for s in data.get("speakers", [])}
    words = {w["idx"]: w["text"] for w in data.get("words", [])}
    return [{"speaker": roles.get(t["speaker"], t["speaker"]), "start": t["start"], "end": t["end"],
             "text": " ".join(words[i] for i in range(t["first_word"], t["last_word"]) if i in words)}
            for t in sorted(data.get("turns", []), key=lambda t: t["idx"])]


def _write_call(ws: Workspace, conn, stage: Path, call_id: str) -> int:
    folder = stage / call_id
    folder.mkdir()
    data = subject_rows(conn, call_id)
    (folder / "data.json").write_text(json.dumps(data, ensure_ascii=False, indent=1, default=str), "utf-8")
    files = 1
    call = data["calls"][0]
    key, store = call.get("audio_path"), ws.audio_store
    if key and store.exists(key):  # the person's own recording, from wherever the originals are kept
        with store.local_copy(key) as source:
            shutil.copyfile(source, folder / f"recording{Path(key).suffix}")
        files += 1
    turns = _transcript(data)
    if turns:
        doc = {"call_id": call_id, "recorded_at": call.get("recorded_at"), "language": call.get("language"),
               "turns": turns}
        (folder / "transcript.json").write_text(json.dumps(doc, ensure_ascii=False, indent=1), "utf-8")
        (folder / "transcript.txt").write_text(
            "\n".join(f"[{t['start']:.1f}s] {t['speaker']}: {t['text']}" for t in turns) + "\n", "utf-8")
        files += 2
    for anon in data.get("clip_anonymisations", []):
        for kind, entry in sorted((anon.get("files_json") or {}).items()):
            path = ws.path_of(entry["path"])
            if path.is_file():
                target = folder / "clips" / anon["clip_id"] / path.name
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(path, target)
                files += 1
    return files


def _readme(call_ids: list[str], deleted: set[str]) -> str:
    lines = ["Uw gegevens / Your data", "",
             "Opnames, transcripties en alle andere gegevens over uw gesprekken met ons (data.json per gesprek).",
             "Recordings, transcripts and everything else we hold about your calls (data.json per call).", ""]
    for call_id in call_ids:
        gone = " (opname en transcriptie al verwijderd / recording and transcript already deleted)"
        lines.append(f"- {call_id}" + (gone if call_id in deleted else ""))
    if not call_ids:
        lines.append("Er zijn geen gesprekken van u gevonden. / No calls of yours were found.")
    return "\n".join(lines) + "\n"


def _target(ws: Workspace, out, request_id: str) -> tuple[Path, str]:
    """Where the export goes: W/exports/<request>.zip by default, or a new path outside the workspace."""
    if out is None:
        return ws.exports / f"{request_id}.zip", "workspace"
    out = Path(out).absolute()
    root = ws.root.resolve()
    if out.resolve() == root or root in out.resolve().parents:
        raise CurationError(f"{out}: inside the workspace; leave out --out to write it to "
                            f"{ws.exports.name}/{request_id}.zip, or choose a place outside the workspace")
    if out.exists() and (out.is_file() or any(out.iterdir())):
        raise CurationError(f"{out}: already exists; choose a new folder or zip file for the export")
    return out, "elsewhere"


def _publish(stage: Path, out: Path) -> None:
    """Zip (or copy) the staged export next to `out`, owner-only, then move it into place."""
    with owner_only():
        out.parent.mkdir(parents=True, exist_ok=True)
        tmp = out.with_name(f".{out.name}.{secrets.token_hex(4)}.part")
        try:
            if out.suffix.lower() == ".zip":
                with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as zf:
                    for path in sorted(stage.rglob("*")):
                        if path.is_file():
                            zf.write(path, path.relative_to(stage).as_posix())
                os.chmod(tmp, 0o600)
            else:
                shutil.copytree(stage, tmp)
                os.chmod(tmp, 0o700)
            os.replace(tmp, out)
        except BaseException:
            shutil.rmtree(tmp, ignore_errors=True) if tmp.is_dir() else tmp.unlink(missing_ok=True)
            raise


def access_subject(ws: Workspace, customer_ref: str, out: str | Path | None = None,
                   user: str | None = None) -> AccessOutcome:
    """Access request: everything the inventory declares personal for the customer, per call, into
    W/exports/<request>.zip (or `out` outside the workspace: a zip when it ends in .zip, else a
    folder). Counts as reading originals; one audited operation; nothing is left on failure."""
    from curation.consent.tables import original_deletions

    request_id = "req-" + secrets.token_hex(6)
    out, location = _target(ws, out, request_id)
    with owner_only():
        ws.tmp.mkdir(parents=True, exist_ok=True)
        stage = ws.tmp / f"access-{request_id}"
        stage.mkdir(mode=0o700)
    published = False
    try:
        with operation(ws, "subject_requests.handle", "subject.access_exported", "subject_request", request_id,
                       user=user, what="handle data-subject requests") as op:
            call_ids = _calls_of(op.conn, ws, customer_ref)
            deleted = set(op.conn.execute(select(original_deletions.c.call_id)
                                          .where(original_deletions.c.call_id.in_(call_ids))).scalars())
            with owner_only():
                files = sum(_write_call(ws, op.conn, stage, c) for c in call_ids)
                (stage / "README.txt").write_text(_readme(call_ids, deleted), "utf-8")
            summary = {"calls": call_ids, "files": files + 1, "location": location,
                       **({"path": out.relative_to(ws.root).as_posix()} if location == "workspace" else {})}
            op.conn.execute(subject_requests.insert().values(
                id=request_id, kind="access", handled_at=utcnow(), handled_by=op.actor.name,
                summary_json=json.dumps(summary)))
            op.details.update({"calls": len(call_ids), "files": files + 1, "location": location})
            _publish(stage, out)  # the last step: a failed commit removes it below
            published = True
    except BaseException:
        if published:
            shutil.rmtree(out, ignore_errors=True) if out.is_dir() else out.unlink(missing_ok=True)
        raise
    finally:
        shutil.rmtree(stage, ignore_errors=True)
    return AccessOutcome(request_id, out, call_ids, files + 1)
