"""Importing recordings with their transcripts and metadata into a workspace.

Each call is imported in its own transaction: a bad file is reported (one line,
naming the file and the problem) and the rest of the batch goes on; nothing that
is already in the workspace changes, and an interrupted import leaves no half call.
"""

from __future__ import annotations

import json
import logging
import os
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Callable, Iterable

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from curation.access import mutates
from curation.checksums import sha256_file
from curation.errors import ImportProblem
from curation.ingest.formats import TRANSCRIPT_SUFFIXES, read_with_format
from curation.ingest.manifest import CALL_ID, ManifestRow, manifest_csv, read_manifest
from curation.model import AudioInfo, Speaker, Transcript
from curation.store.schema import calls, consent_records, speakers, turns, words
from curation.workspace import Workspace, utcnow

log = logging.getLogger(__name__)

AUDIO_SUFFIXES = {".wav", ".mp3", ".ogg", ".opus", ".flac", ".m4a"}
TIMING_TOLERANCE = 0.25  # seconds a transcript may run past the end of the audio (rounding, codec padding)


@dataclass(frozen=True)
class ImportItem:
    """One recording to import, with its transcript and manifest metadata when known."""

    audio: Path
    transcript: Path | None = None
    fields: dict = field(default_factory=dict)


@dataclass(frozen=True)
class ImportOutcome:
    path: str
    status: str  # imported | skipped | failed
    call_id: str | None = None
    message: str = ""

    def line(self) -> str:
        if self.status == "failed":
            return f"failed   {self.message}"
        return f"{self.status:<8} {self.call_id}  ({self.path}){'  ' + self.message if self.message else ''}"


def _sibling_transcript(audio: Path) -> Path | None:
    for suffix in (".json", ".vtt", ".stm"):
        candidate = audio.with_suffix(suffix)
        if candidate.is_file():
            return candidate
    return None


def plan_imports(paths: Iterable[str | os.PathLike], manifest: str | os.PathLike | None = None
         ) -> tuple[list[ImportItem], list[ImportProblem]]:
    """Turn files, folders and manifests into import items; problems found on the way are returned, not raised."""
    items: list[ImportItem] = []
    problems: list[ImportProblem] = []
    manifests = [Path(manifest)] if manifest else []
    loose: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if not path.exists():
            problems.append(ImportProblem(path, "no such file or folder"))
        elif path.is_dir():
            if (path / "manifest.csv").is_file() and not manifest:
                manifests.append(path / "manifest.csv")
            else:
                loose.extend(sorted(p for p in path.rglob("*") if p.is_file()  # hidden files (.DS_Store) are no input
                                    and not any(part.startswith(".") for part in p.relative_to(path).parts)))
        elif path.suffix.lower() == ".csv":
            manifests.append(path)
        else:
            loose.append(path)
    for man in manifests:
        try:
            rows, bad = read_manifest(man)
        except ImportProblem as exc:
            problems.append(exc)
            continue
        problems.extend(bad)
        items.extend(ImportItem(r.audio, r.transcript or _sibling_transcript(r.audio), r.fields) for r in rows)
    audio_files = [p for p in loose if p.suffix.lower() in AUDIO_SUFFIXES]
    stems = {p.with_suffix("") for p in audio_files}
    for p in audio_files:
        items.append(ImportItem(p, _sibling_transcript(p)))
    for p in loose:
        name = p.name.lower()
        if p.suffix.lower() in TRANSCRIPT_SUFFIXES and not name.endswith(".truth.json") and p.with_suffix("") not in stems:
            problems.append(ImportProblem(p, "transcript has no recording with the same file stem (e.g. call17.wav + call17.vtt)"))
        elif p.suffix.lower() not in AUDIO_SUFFIXES | set(TRANSCRIPT_SUFFIXES) | {".rttm", ".csv", ".md"} \
                and not name.endswith(".truth.json"):
            problems.append(ImportProblem(p, f"not a recording or transcript ({p.suffix or 'no suffix'}); skipped"))
    return items, problems


def _probe(path: Path) -> AudioInfo:
    from curation.audio.probe import probe
    return probe(path)


def _assign_channels(transcript: Transcript, info: AudioInfo) -> Transcript:
    """In a two-channel recording the agent is on channel 0 and the customer on channel 1."""
    if info.channels != 2 or all(s.channel is not None for s in transcript.speakers):
        return transcript
    chan = {"agent": 0, "customer": 1}
    fixed = tuple(Speaker(s.label, s.role, s.channel if s.channel is not None else chan.get(s.role))
                  for s in transcript.speakers)
    return Transcript(transcript.words, fixed, transcript.turns, transcript.language)


def _align(transcript: Transcript, fmt: str, audio: Path, language: str) -> tuple[Transcript, dict | None]:
    """Forced alignment of a segment-level transcript; any failure keeps the estimate, with a warning."""
    from curation.ingest.alignment import ALIGNED_FORMATS, align_transcript

    if fmt not in ALIGNED_FORMATS or not transcript.timings_estimated:
        return transcript, None
    try:
        aligned, summary = align_transcript(transcript, audio, language)
    except Exception as exc:  # noqa: BLE001 - alignment is an improvement, never a reason to refuse a call
        log.warning("alignment of %s failed (%s); word times stay estimated", audio.name, type(exc).__name__)
        return transcript, {"warning": f"word times estimated, alignment failed ({type(exc).__name__}: {exc})"}
    return aligned, summary.to_dict()


def _import_one(ws: Workspace, item: ImportItem, actor: str, align: bool = True) -> ImportOutcome:
    """Import one recording as one audited operation `call.imported` (raises ImportProblem for a bad
    one; the workspace is then unchanged). A segment-level transcript (WebVTT, STM) gets its words
    placed by forced alignment unless `align` is false. Called by `ingest`, which checks the role."""
    prepared = _prepare_import(ws, item, align)
    return prepared if isinstance(prepared, ImportOutcome) else _commit_import(ws, prepared, actor)


@dataclass(frozen=True)
class _PreparedImport:
    """What reading a recording found (checksum, audio facts, the transcript with its words placed),
    made where a batch sends it; `_commit_import` stores it."""

    item: ImportItem
    checksum: str
    info: AudioInfo
    transcript: Transcript | None
    fmt: str | None
    t_checksum: str | None
    call_id: str
    language: str
    detection: dict | None
    alignment: dict | None


def _prepare_import(ws: Workspace, item: ImportItem, align: bool) -> "_PreparedImport | ImportOutcome":
    """The slow, read-only part of an import: checksum, probe, transcript, language, forced alignment
    (raises ImportProblem for a bad file; an already imported recording is a `skipped` outcome)."""
    audio = item.audio
    if not audio.is_file():
        raise ImportProblem(audio, "recording not found")
    checksum = sha256_file(audio)
    with ws.engine.connect() as conn:
        existing = conn.execute(select(calls.c.id).where(calls.c.source_checksum == checksum)).scalar()
    if existing:
        return ImportOutcome(str(audio), "skipped", existing, "already imported (same checksum)")
    info = _probe(audio)
    transcript, fmt, t_checksum = None, None, None
    if item.transcript is not None:
        fmt, transcript = read_with_format(item.transcript)
        transcript = _assign_channels(transcript, info)
        t_checksum = sha256_file(item.transcript)
        if transcript.duration > info.duration + TIMING_TOLERANCE:
            raise ImportProblem(item.transcript, f"transcript timings run past the audio (last word ends at "
                                                 f"{transcript.duration:.2f} s, the recording is {info.duration:.2f} s)")
    call_id = item.fields.get("call_id") or audio.stem
    if not CALL_ID.match(call_id):
        raise ImportProblem(audio, f"call id {call_id!r} from the file name may use letters, digits, '.', '_' and '-' only")
    fields = item.fields
    language, detection = _call_language(fields, transcript, fmt)
    if transcript is not None and transcript.language != language:
        transcript = Transcript(transcript.words, transcript.speakers, transcript.turns, language)
    alignment = None
    if transcript is not None and align:
        transcript, alignment = _align(transcript, fmt, audio, language)
    return _PreparedImport(item, checksum, info, transcript, fmt, t_checksum, call_id, language, detection, alignment)


def _commit_import(ws: Workspace, p: _PreparedImport, actor: str) -> ImportOutcome:
    """Store a prepared import: the recording into the audio store, the call into the catalogue, in
    one audited operation `call.imported`; on any failure neither is left."""
    from curation.roles import operation

    item, audio, checksum, info, transcript = p.item, p.item.audio, p.checksum, p.info, p.transcript
    fields = item.fields
    fmt, t_checksum, call_id, language, detection, alignment = (p.fmt, p.t_checksum, p.call_id, p.language,
                                                                p.detection, p.alignment)
    suffix = audio.suffix.lower()
    stored_rel = f"originals/{checksum[:2]}/{checksum}{suffix}"
    store = ws.audio_store  # the workspace folder, or a shared bucket (curation.store.audio_store)
    staged = store.stage(audio, stored_rel)  # under a temporary name, checked whole; AudioStoreUnavailable stops the batch
    placed = False
    try:
        with operation(ws, "calls.import", "call.imported", "call", call_id, user=actor, what="import calls") as op:
            conn = op.conn
            same_id = conn.execute(select(calls.c.source_checksum).where(calls.c.id == call_id)).scalar()
            if same_id == checksum:  # imported by another import since the check above
                raise _AlreadyImported(call_id)
            if same_id is not None:
                raise ImportProblem(audio, f"duplicate call id {call_id!r}: a different recording was already imported under it")
            conn.execute(calls.insert().values(
                id=call_id, recorded_at=fields.get("recorded_at"), duration=info.duration,
                sample_rate=info.sample_rate, channels=info.channels,
                channel_layout="stereo" if info.channels == 2 else "mono",
                agent_id=fields.get("agent_id"),
                customer_ref_hash=ws.keyed_hash(fields["customer_ref"]) if fields.get("customer_ref") else None,
                language=language, topic=fields.get("topic"), source_checksum=checksum, audio_path=stored_rel,
                audio_format=info.format, transcript_format=fmt, transcript_checksum=t_checksum,
                timings_estimated=bool(transcript and transcript.timings_estimated), imported_at=utcnow(),
                imported_by=actor, metadata_json=json.dumps({"codec": info.codec,
                                                             **({"alignment": alignment} if alignment else {}),
                                                             **({"language_detected": detection} if detection else {})}),
            ))
            if transcript is not None:
                _insert_transcript(conn, call_id, transcript)
            consent_keys = ("notice_played", "notice_purposes", "customer_objected", "employee_informed",
                            "secret_recording", "minor", "special_category", "retention_until", "legal_basis")
            if any(k in fields for k in consent_keys):
                conn.execute(consent_records.insert().values(
                    call_id=call_id, notice_played=fields.get("notice_played"),
                    notice_purposes=";".join(fields.get("notice_purposes", [])) or None,
                    legal_basis=fields.get("legal_basis"), customer_objected=fields.get("customer_objected"),
                    employee_informed=fields.get("employee_informed"),
                    secret_recording=bool(fields.get("secret_recording")), minor=bool(fields.get("minor")),
                    special_category=bool(fields.get("special_category")),
                    retention_until=fields.get("retention_until"), source="manifest"))
            op.details.update(checksum=checksum, duration=round(info.duration, 3),
                              words=len(transcript.words) if transcript else 0, transcript_format=fmt,
                              **({"aligned_words": alignment.get("aligned_words", 0)} if alignment else {}))
            store.commit(staged)  # inside the transaction: a failed commit removes it below
            placed = True
    except BaseException as exc:
        store.discard(staged)
        if placed and not _referenced(ws, stored_rel):
            _remove_unreferenced(store, stored_rel)
        if isinstance(exc, (_AlreadyImported, IntegrityError)):  # another import committed first?
            raced = _raced_import(ws, audio, checksum, call_id)
            if raced is not None:
                return raced
        raise
    log.info("imported call %s (%.1f s, %d words)", call_id, info.duration, len(transcript.words) if transcript else 0)
    return ImportOutcome(str(audio), "imported", call_id,
                         "; ".join(n for n in (_alignment_note(alignment), _language_note(detection),
                                               _unsupported_language_note(language)) if n))


LANGUAGE_FORMATS = ("vtt", "stm")  # formats that carry no language: it is detected from the words


def _call_language(fields: dict, transcript: Transcript | None, fmt: str | None) -> tuple[str, dict | None]:
    """The call's language: the one the user gave (manifest), else the transcript format's own
    (AWS, project JSON), else detected from the words (WebVTT, STM); "nl" when detection is
    unsure, which the detection record then says."""
    from curation.language import detect_language

    if fields.get("language"):
        return fields["language"], None
    if transcript is None:
        return "nl", None
    if fmt not in LANGUAGE_FORMATS:
        return transcript.language, None
    guess = detect_language(w.text for w in transcript.words)
    return (guess.language if guess.sure else "nl"), {"language": guess.language, "votes": guess.votes,
                                                       "words": guess.words}


def _language_note(detection: dict | None) -> str:
    if not detection:
        return ""
    if detection["language"] == "unsure":
        return "language unsure (stored as nl; give it in the manifest)"
    return f"language detected: {detection['language']}"


def _unsupported_language_note(language: str) -> str:
    """A call in a language PII detection has no rules for is read with the Dutch ones (`curation.pii.redaction`, `curation.pii.timing`):
    say so at import, where the user can still correct the manifest."""
    from curation.language import LANGUAGES, base_language

    if base_language(language) in LANGUAGES:
        return ""
    return (f"language {language!r}: personal data is found with Dutch rules (only nl and en are known), "
            "so check its redactions by hand")


def _raced_import(ws: Workspace, audio: Path, checksum: str, call_id: str) -> ImportOutcome | None:
    """After a failed import: the outcome when another import committed the same recording (skipped)
    or another recording under the same id (ImportProblem) meanwhile; None when neither did."""
    with ws.engine.connect() as conn:
        existing = conn.execute(select(calls.c.id).where(calls.c.source_checksum == checksum)).scalar()
        same_id = conn.execute(select(calls.c.id).where(calls.c.id == call_id)).scalar()
    if existing:
        return ImportOutcome(str(audio), "skipped", existing, "already imported (same checksum, by another import "
                                                              "at the same time)")
    if same_id:
        raise ImportProblem(audio, f"duplicate call id {call_id!r}: a different recording was imported under it "
                                   "at the same time") from None
    return None


class _AlreadyImported(Exception):
    """Inside the import's transaction: the same recording was committed meanwhile (nothing to do)."""


def _alignment_note(alignment: dict | None) -> str:
    """One line for the import report: how many words alignment placed, and its warning if any."""
    if not alignment:
        return ""
    note = f"{alignment['aligned_words']}/{alignment['words']} words aligned" if "words" in alignment else ""
    if alignment.get("warning"):
        note += ("; " if note else "") + f"warning: {alignment['warning']}"
    return note


def _remove_unreferenced(store, key: str) -> None:
    """After a failed import: its original goes again (best effort; the first error is the one to report)."""
    try:
        store.delete(key)
    except Exception as exc:  # noqa: BLE001 - e.g. the store went away meanwhile
        log.warning("could not remove an unreferenced original from the audio store (%s)", type(exc).__name__)


def _referenced(ws: Workspace, rel: str) -> bool:
    with ws.engine.connect() as conn:
        return conn.execute(select(calls.c.id).where(calls.c.audio_path == rel)).first() is not None


def _insert_transcript(conn, call_id: str, transcript: Transcript) -> None:
    conn.execute(speakers.insert(), [dict(call_id=call_id, label=s.label, role=s.role, channel=s.channel)
                                     for s in transcript.speakers])
    if transcript.words:
        conn.execute(words.insert(), [dict(call_id=call_id, idx=i, text=w.text, start=w.start, end=w.end,
                                           speaker=w.speaker, confidence=w.confidence, estimated=w.estimated,
                                           aligned=w.aligned)
                                      for i, w in enumerate(transcript.words)])
    if transcript.turns:
        conn.execute(turns.insert(), [dict(call_id=call_id, idx=i, speaker=t.speaker, start=t.start, end=t.end,
                                           first_word=t.first, last_word=t.last)
                                      for i, t in enumerate(transcript.turns)])


@dataclass
class _Job:
    """What an import worker needs: where the workspace is, who imports, whether to align; in-process
    runs also hand over the open workspace (never sent to another process)."""

    root: str
    user: str
    align: bool
    ws: Workspace | None = None

    def __getstate__(self):
        return {**self.__dict__, "ws": None}


def _prepare_task(job: _Job, item: ImportItem):
    """One recording's reading where a batch sends it (the workspace opened read-only, the user's
    permission checked there too); a bad file comes back as its one-line problem."""
    from curation.batch import worker_workspace
    from curation.roles import authorised

    ws = job.ws or worker_workspace(job.root)
    with authorised(ws, "calls.import", job.user, "import calls"):
        try:
            return _prepare_import(ws, item, job.align)
        except ImportProblem as exc:
            return ImportOutcome(str(item.audio), "failed", None, str(exc))


@mutates("calls.import", "call.imported")
def ingest(ws: Workspace, paths: Iterable[str | os.PathLike], actor: str | None = None,
           manifest: str | os.PathLike | None = None,
           progress: Callable[[int, int], None] | None = None, align: bool = True, plan=None) -> list[ImportOutcome]:
    """Import every recording found in `paths` as `actor` (default: the current user, who needs
    the trainer or admin role); one outcome per item or problem, in order. Batch mode: each call
    imported is its own audited operation (`call.imported`, one event per call); a failed item
    writes nothing. `align=False` keeps the evenly spread word times of segment-level transcripts
    (redaction then widens over them). `plan` (`curation.batch.Plan`; default in-process) reads,
    probes and aligns the recordings on worker processes or a Dask cluster; each call is stored by
    this process as soon as it is read. An audio store that cannot be reached stops the batch with
    `AudioStoreUnavailable` (one line); what was imported stays, and running it again skips it."""
    from dataclasses import replace

    from curation.batch import Plan, run_batch
    from curation.roles import actor as resolve_actor, require

    who = resolve_actor(ws, actor)
    require(who, "calls.import", "import calls")
    actor = who.name
    items, problems = plan_imports(paths, manifest)
    outcomes = [ImportOutcome(p.path, "failed", None, str(p)) for p in problems]
    done: dict[int, ImportOutcome] = {}
    order = {id(item): n for n, item in enumerate(items)}

    def store(results) -> None:
        for o in results:
            n = order[id(o.item)]
            if not o.ok:  # the worker died or something unforeseen: one line, the batch goes on
                done[n] = ImportOutcome(str(o.item.audio), "failed", None, f"{o.item.audio}: {o.error}")
            elif isinstance(o.value, ImportOutcome):
                done[n] = o.value
            else:
                try:
                    done[n] = _commit_import(ws, o.value, actor)
                except ImportProblem as exc:
                    log.debug("import failed: %s", exc)
                    done[n] = ImportOutcome(str(o.item.audio), "failed", None, str(exc))

    run_batch(_prepare_task, _Job(str(ws.root), actor, align, ws), items, store,
              replace(plan or Plan(workers=1), chunk_size=1), label="importing calls", each=progress)
    return outcomes + [done[n] for n in sorted(done)]


def upload_files(item: ImportItem) -> dict[str, bytes]:
    """What team mode sends to `ingest_upload` to import `item` as `ingest` would here: the recording
    and its transcript under their plain file names, and a one-row `manifest.csv` that pairs them and
    carries the item's manifest fields (agent, customer reference, consent facts, call id). One item
    per upload, so recordings of the same name in different folders never meet. Raises ImportProblem
    (naming the local file) for an item larger than the service takes in one upload."""
    parts = [item.audio] + ([item.transcript] if item.transcript else [])
    if item.transcript and item.transcript.name == item.audio.name:
        raise ImportProblem(item.transcript, "recording and transcript have the same file name")
    manifest = manifest_csv(item.audio.name, item.transcript.name if item.transcript else None, item.fields)
    try:
        size = len(manifest) + sum(p.stat().st_size for p in parts)
        if size > UPLOAD_LIMIT:
            raise ImportProblem(item.audio, f"{size} bytes with its transcript; the curation service takes at most "
                                            f"{UPLOAD_LIMIT} in one upload (split or compress the recording)")
        return {**{p.name: p.read_bytes() for p in parts}, "manifest.csv": manifest}
    except OSError as exc:
        raise ImportProblem(Path(exc.filename or item.audio), f"cannot read file ({exc.strerror})") from None


UPLOAD_LIMIT = 64 << 20  # bytes in one upload (the CLI sends one recording and its transcript at a time)


@mutates("calls.import", "call.imported")
def ingest_upload(ws: Workspace, files: dict[str, bytes], align: bool = True,
                  user: str | None = None) -> list[ImportOutcome]:
    """Import recordings sent as bytes (team mode: a kernel has no path on the service's disk).
    `files` maps plain file names to their bytes: recordings, their transcripts (same stem) and a
    `manifest.csv` if any. They are written to a private folder under the workspace's tmp/, imported
    as that folder is by `ingest` (one audited `call.imported` per call), and removed; outcomes name
    the files by the names they were sent under."""
    import shutil
    import tempfile

    from curation.roles import actor as resolve_actor, require

    who = resolve_actor(ws, user)
    require(who, "calls.import", "import calls")
    for name in files:
        if not name or name != Path(name).name or name.startswith(".") or "\x00" in name:
            raise ImportProblem(Path(str(name)), "send plain file names (no folders, not hidden)")
    size = sum(len(data) for data in files.values())
    if size > UPLOAD_LIMIT:
        raise ImportProblem(Path(next(iter(files))), f"{size} bytes in one upload; send at most {UPLOAD_LIMIT} "
                                                     "(fewer calls at a time)")
    ws.tmp.mkdir(parents=True, exist_ok=True)
    folder = Path(tempfile.mkdtemp(prefix="upload-", dir=ws.tmp))
    try:
        for name, data in files.items():
            (folder / name).write_bytes(bytes(data))
        outcomes = ingest(ws, [folder], actor=who.name, align=align)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    inside = str(folder) + os.sep
    return [replace(o, path=o.path.replace(inside, ""), message=o.message.replace(inside, "")) for o in outcomes]
