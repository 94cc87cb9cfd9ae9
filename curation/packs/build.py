"""`build_pack`: a clip pack zip from approved clips, atomic and reproducible, registered.

Atomic: the zip is written (0600) to a hidden `.part` file next to the target, verified, registered
in `pack_builds` and moved into place with `os.replace` inside that transaction; every failure path
removes the `.part`, and a build killed outright leaves an intent that `reconcile` cleans up. The
target is checked first (`paths.check_target`): nothing inside the workspace but W/packs/, and no
file the workspace did not build unless `force`.
Reproducible: fixed entry order, timestamps and permissions, canonical JSON and no build time
inside, so the same inputs give the same bytes (who built it and when is in the workspace).
"""

from __future__ import annotations

import hashlib
import json
import os
import secrets
import time
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from curation.access import mutates
from curation.checksums import sha256_file
from curation.clips.redaction import cues as make_cues
from curation.clips.store import ClipStateError, load_anonymisation, load_clip, lock_clip
from curation.packs import manifest as mf
from curation.packs.errors import PackRefused
from curation.packs.paths import check_target, default_path, make_folders, stored_path
from curation.packs.player import render_player
from curation.packs.registry import BuildRecord, PackRecord, new_build_id, register, register_build
from curation.packs.results import PackVerification
from curation.roles import actor, operation, require
from curation.workspace import Workspace

ZIP_EPOCH = (1980, 1, 1, 0, 0, 0)
PACKABLE = frozenset({"approved", "packed"})
Progress = Callable[[str, float], None]


@dataclass(frozen=True)
class BuiltPack:
    """A finished build: where it is, what it is, its register entries and the verification of the
    exact bytes that were moved into place (show this; do not verify again)."""

    path: Path
    pack_id: str
    sha256: str
    clip_ids: tuple[str, ...]
    record: PackRecord
    build: BuildRecord | None = None
    verification: PackVerification | None = None


FAULT_ENV = "CURATION_PACK_FAULT"  # tests: "mid-write" or "after-rename" stalls the build there, to be killed


def _fault(point: str) -> None:
    if os.environ.get(FAULT_ENV) == point:
        time.sleep(float(os.environ.get("CURATION_PACK_FAULT_SECONDS", "120")))


def _categories(ws: Workspace, call_id: str) -> list[str]:
    try:
        from curation.difficulty.tables import difficulty_scores
    except ImportError:
        return []
    from sqlalchemy import select

    with ws.engine.connect() as conn:
        value = conn.execute(select(difficulty_scores.c.categories)
                             .where(difficulty_scores.c.call_id == call_id)).scalar()
    return sorted(c for c in (value or "").split(";") if c)


def _script(ws: Workspace, clip_id: str) -> tuple[str, str]:
    """(Markdown, HTML) of the clip's actor re-enactment script, from the consent stage."""
    try:
        from curation.consent import reenactment
    except ImportError as exc:
        raise PackRefused(f"clip {clip_id} is re-enactment only, but re-enactment scripts are not available "
                          f"({exc})") from None
    script = reenactment.script_for_clip(ws, clip_id)
    return script.to_markdown(), script.to_html()


def _clip_entries(ws: Workspace, clip_id: str, include_wav: bool) -> tuple[dict, dict[str, Callable[[], bytes]]]:
    """The manifest entry of one clip and its files (read lazily, at write time)."""
    with ws.engine.connect() as conn:
        clip = load_clip(conn, clip_id)
        anon = load_anonymisation(conn, clip_id)
    if clip.state not in PACKABLE:
        raise PackRefused(f"clip {clip_id} is {clip.state}: only approved clips go into a pack")
    if anon is None or anon["status"] != "ok":
        raise PackRefused(f"clip {clip_id} has no current anonymised version")
    approved = clip.details.get("approved_files") or {}
    for kind, entry in anon["files"].items():
        if approved.get(kind) != entry["sha256"]:
            raise PackRefused(f"clip {clip_id}: {kind} differs from what was approved")
    consent = clip.details.get("approved_consent") or {}
    decision = consent.get("decision")
    if decision not in ("training_allowed", "reenactment_required"):
        raise PackRefused(f"clip {clip_id}: consent decision {decision!r} does not allow any use")
    media = "audio" if decision == "training_allowed" else "reenactment"
    base = f"clips/{clip_id}"
    files = anon["files"]

    def reader(kind):
        path = ws.root / files[kind]["path"]

        def read() -> bytes:
            data = path.read_bytes()  # a file gone or changed mid-build aborts the build
            if hashlib.sha256(data).hexdigest() != files[kind]["sha256"]:
                raise PackRefused(f"{path}: changed since the clip was approved")
            return data
        return read

    content: dict[str, Callable[[], bytes]] = {
        f"{base}/transcript.json": reader("transcript_json"), f"{base}/transcript.vtt": reader("transcript_vtt")}
    refs = {"transcript_json": f"{base}/transcript.json", "transcript_vtt": f"{base}/transcript.vtt"}
    if media == "audio":
        content[f"{base}/audio.mp3"] = reader("audio_mp3")
        refs["audio_mp3"] = f"{base}/audio.mp3"
        profile = _voice_profile(ws, clip, files)
        content[f"{base}/anonymisation.json"] = lambda: mf.dumps(_public_report(anon["report"], profile))
        refs["anonymisation_report"] = f"{base}/anonymisation.json"
        if include_wav:
            content[f"{base}/audio.wav"] = reader("audio_wav")
            refs["audio_wav"] = f"{base}/audio.wav"
    else:
        md, html_text = _script(ws, clip_id)
        content[f"{base}/script.md"] = lambda: md.encode("utf-8")
        content[f"{base}/script.html"] = lambda: html_text.encode("utf-8")
        refs.update(script_md=f"{base}/script.md", script_html=f"{base}/script.html")
    reasons = consent.get("reasons") or []
    entry = {"id": clip.id, "title": clip.title, "duration": round(clip.duration, 3),
             "categories": _categories(ws, clip.call_id), "media": media,
             "language": clip.details.get("language", "nl"),
             "consent": {"decision": decision, "reason": "; ".join(r.get("en", "") for r in reasons),
                         "reason_nl": "; ".join(r.get("nl", "") for r in reasons),
                         "rules": [r.get("rule", "") for r in reasons]},
             "files": refs}
    identity = {"id": clip.id, "files": {k: v["sha256"] for k, v in sorted(files.items())}, "media": media,
                "title": clip.title, "consent": entry["consent"]}
    return {"entry": entry, "identity": identity, "doc": files["transcript_json"]["path"]}, content


def _voice_profile(ws: Workspace, clip, files: dict) -> dict:
    """The anonymised voices' profile (goes into the pack) after checking against the original that the
    disguise changed every voice; refuses the clip when a voice came through unchanged."""
    from sqlalchemy import select

    from curation.audio import read
    from curation.anonymise.voicecheck import profile, undisguised
    from curation.store.schema import calls

    words = json.loads((ws.root / files["transcript_json"]["path"]).read_text("utf-8"))["words"]
    samples, sr = read(ws.root / files["audio_mp3"]["path"])
    after = profile(samples, sr, words)
    with ws.engine.connect() as conn:
        audio_path = conn.execute(select(calls.c.audio_path).where(calls.c.id == clip.call_id)).scalar()
    store = ws.audio_store  # the original is read where it is kept; a remote one through a private temporary copy
    if audio_path and store.exists(audio_path):
        with store.local_copy(audio_path) as original:
            raw, raw_sr = read(original, start=clip.start, end=clip.end)
        same = undisguised(profile(raw, raw_sr, words), after)
        if same:
            raise PackRefused(f"clip {clip.id}: the voice of {', '.join(same)} in the anonymised audio is not "
                              "disguised (same pitch and spectral envelope as the original); anonymise it again")
    return after


def _public_report(report: dict, profile: dict | None = None) -> dict:
    """The parts of the anonymisation report that prove the bleeps (no paths, keys or parameters), and
    the disguised voices' profile that `pack verify` measures the audio against."""
    voice = report.get("voice") or {}
    return {"format": report.get("format"), "status": report.get("status"), "clip_duration": (report.get("clip") or {}).get("duration"),
            "bleep": report.get("bleep"),
            "voice": {"method": voice.get("method"), "speakers": voice.get("speakers"), "profile": profile or {}},
            "redactions": report.get("redactions") or [], "verification": report.get("verification"),
            "mp3_verification": (report.get("mp3") or {}).get("verification")}


def _zip_info(name: str, compress: bool) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=ZIP_EPOCH)
    info.create_system = 3
    info.external_attr = 0o100644 << 16
    info.compress_type = zipfile.ZIP_DEFLATED if compress else zipfile.ZIP_STORED
    return info


@mutates("packs.build", "pack.built")
def build_pack(ws: Workspace, name: str, clip_ids, out=None, title: str | None = None, objectives=(),
               notes: str | None = None, user: str | None = None, include_wav: bool = False,
               progress: Progress | None = None, force: bool = False) -> BuiltPack:
    """Build the pack zip from approved clips (trainer) at `out`, or at W/packs/<name>.zip when `out`
    is None; registers the build, marks the clips packed and returns the verification of the written
    bytes. Raises `PackRefused` (nothing written) on any unapprovable input or refused target.
    In team mode the curation service builds it into its own W/packs/ (`out` is refused there) and the
    trainer downloads it (`packs.download.download_pack`); `progress` is then only told when it is done."""
    from curation.packs.reconcile import BuildIntent, reconcile
    from curation.review import mark_packed

    say = progress or (lambda _s, _f: None)
    who = actor(ws, user)
    require(who, "packs.build", "build packs")
    clip_ids = list(clip_ids)
    if not clip_ids:
        raise PackRefused("a pack needs at least one approved clip")
    if not name or not name.strip():
        raise PackRefused("a pack needs a name")
    title = title if title is not None else name
    if not title or not title.strip():
        raise PackRefused("a pack needs a course title")
    if len(set(clip_ids)) != len(clip_ids):
        raise PackRefused("a clip is listed twice")
    reconcile(ws, user=who.name)  # stale .part files and orphans of builds that were killed
    target = check_target(ws, default_path(ws, name) if out is None else out, force)
    objectives = [o.strip() for o in objectives if o and o.strip()]
    course = {"title": title.strip(), "learning_objectives": objectives}
    notes = notes.strip() + "\n" if notes and notes.strip() else None

    items, content = [], {}
    for clip_id in clip_ids:
        item, files = _clip_entries(ws, clip_id, include_wav)
        items.append(item)
        content.update(files)
    pack_id = mf.pack_id_for(name.strip(), course, notes, [i["identity"] for i in items], include_wav)
    cue_lists = {}
    for item in items:
        doc = json.loads((ws.root / item["doc"]).read_text("utf-8"))
        cue_lists[item["entry"]["id"]] = make_cues(doc["words"])
    manifest = {"schema": mf.SCHEMA_NAME, "schema_version": mf.SCHEMA_VERSION, "pack_id": pack_id,
                "name": name.strip(), "course": course, "notes": mf.NOTES if notes else None, "player": mf.PLAYER,
                "generator": "curation-workbench pack format 1", "clips": [i["entry"] for i in items]}
    content[mf.MANIFEST_SCHEMA] = lambda: mf.schema_text().encode("utf-8")
    content[mf.PLAYER] = lambda: render_player(manifest, cue_lists, notes).encode("utf-8")
    if notes:
        content[mf.NOTES] = lambda: notes.encode("utf-8")

    out = target.path
    make_folders(out.parent)
    build_id = new_build_id()
    tmp = out.with_name(f".{out.name}.{secrets.token_hex(4)}.part")
    intent = BuildIntent(ws, build_id, out, tmp)
    try:
        result, digest = _write(tmp, content, manifest, name, say)
        intent.update(sha256=digest)
        say("registering", 0.95)
        with operation(ws, "packs.build", "pack.built", "pack", pack_id, user=user, what="build packs") as op:
            for clip_id in clip_ids:
                lock_clip(op.conn, clip_id)
                if load_clip(op.conn, clip_id).state not in PACKABLE:
                    raise ClipStateError(f"clip {clip_id} changed state during the build; build again")
            mark_packed(op.conn, clip_ids)
            record = register(op.conn, pack_id, name.strip(), course["title"], str(out), digest,
                              op.actor.name, clip_ids)
            build = register_build(op.conn, build_id, pack_id, name.strip(), stored_path(ws, out, target.location),
                                   target.location, digest,
                                   tmp.stat().st_size, clip_ids, op.actor.name)
            op.details.update({"clips": clip_ids, "sha256": digest, "file": out.name, "wav": include_wav,
                               "build": build_id, "location": target.location})
            os.replace(tmp, out)
            _fault("after-rename")
    except BaseException:
        tmp.unlink(missing_ok=True)
        intent.close()
        raise
    intent.close()
    result.path = str(out)  # the verified bytes are the ones moved here, not a .part file any more
    say("done", 1.0)
    return BuiltPack(out, pack_id, digest, tuple(clip_ids), record, build, result)


def _write(tmp: Path, content: dict, manifest: dict, name: str, say: Progress):
    """Write the zip to `tmp` (owner-only) and verify it; (verification, sha256) or PackRefused."""
    from curation.packs.verify import verify_pack

    names = sorted(content)
    listed = []
    staged = {}
    for n, entry in enumerate(names):
        try:
            data = content[entry]()
        except OSError as exc:
            raise PackRefused(f"pack {name}: cannot read {entry} ({exc.strerror or exc}); "
                              "nothing was written") from None
        staged[entry] = data
        listed.append({"path": entry, "sha256": hashlib.sha256(data).hexdigest(), "bytes": len(data)})
        say(f"adding {entry}", 0.7 * (n + 1) / len(names))
    manifest["files"] = listed
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as fh, zipfile.ZipFile(fh, "w") as zf:
        zf.writestr(_zip_info(mf.MANIFEST, True), mf.dumps(manifest), compresslevel=9)
        for n, entry in enumerate(names):
            compress = not entry.endswith((".mp3", ".wav"))
            zf.writestr(_zip_info(entry, compress), staged[entry], compresslevel=9)
            if n == len(names) // 2:
                _fault("mid-write")
        say("writing", 0.75)
    say("verifying the pack", 0.8)
    result = verify_pack(tmp, trust_reviewed=True)
    if not result.ok:
        raise PackRefused(f"pack {name}: the built pack does not verify: {result.problems[0]}")
    return result, sha256_file(tmp)
