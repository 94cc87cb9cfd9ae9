"""`verify_pack`: a clip pack proves what it is, not only what it claims.

Structure: a zip within limits (entry count, sizes and inflation checked on the headers, then
every entry streamed with a hard cap), no entry escaping the pack, no nested archive, the manifest
against its JSON Schema, every file's SHA-256, nothing unlisted, captions and the player page equal
to what the manifest and transcripts give. Content (`checks`): every text in the pack and every
free-text manifest field scanned for personal data in Dutch and English whatever it is labelled,
the bleeps found in the audio where the words were redacted, and each voice measured against the
disguised voice the build recorded. Every malformed input becomes one problem line, never a crash.
"""

from __future__ import annotations

import hashlib
import math

from curation.errors import CurationError
from curation.packs import manifest as mf
from curation.packs.archive import AUDIO_SUFFIXES, ArchiveError, PackArchive
from curation.packs.results import Malformed, PackInvalid, PackVerification, _json, text_of  # noqa: F401  (PackInvalid re-exported)


def verify_pack(path, rescan_pii: bool = True, check_audio: bool = True, trust_reviewed: bool = False,
                ws=None) -> PackVerification:
    """Verify the zip at `path`; the result lists every problem found (`ok` when none).

    `trust_reviewed`: accept findings in words a reviewer judged not personal (the build sets it:
    its transcripts come from the workspace's approved files). With `ws`, the zip must also be a
    build this workspace registered and has not revoked, which then vouches for reviewer decisions."""
    result = PackVerification(str(path))
    try:
        if ws is not None:
            trust_reviewed = _check_registered(ws, path, result) or trust_reviewed
        with PackArchive(path) as archive:
            _verify(archive, result, rescan_pii, check_audio, trust_reviewed)
    except (ArchiveError, Malformed) as exc:
        result.add(str(exc))
    except CurationError as exc:  # PII detection unavailable, ...
        result.add(f"cannot be verified: {exc}")
    except Exception as exc:  # a verifier fails closed, in one line
        result.add(f"cannot be verified: {type(exc).__name__}: {exc}")
    return result


def _check_registered(ws, path, result: PackVerification) -> bool:
    from curation.checksums import sha256_file
    from curation.packs.registry import builds_with_sha

    result.sha256 = sha256_file(path)
    with ws.engine.connect() as conn:
        builds = builds_with_sha(conn, result.sha256)
    if not builds:
        result.add("not a pack this workspace built (no registered build has this SHA-256)")
        return False
    if not any(b.standing for b in builds):
        b = builds[-1]
        result.add(f"pack build {b.id} was {b.state} ({b.state_reason or 'no reason given'}); do not use it")
        return False
    return True


def _verify(archive: PackArchive, result: PackVerification, rescan_pii, check_audio, trust_reviewed) -> None:
    if mf.MANIFEST not in archive.files:
        raise Malformed("no manifest.json")
    manifest = _json(archive.read(mf.MANIFEST), "manifest.json")
    if not isinstance(manifest, dict):
        raise Malformed("manifest.json is not a JSON object")
    result.manifest = manifest
    schema_problems = mf.validate(manifest)
    if schema_problems:
        for p in schema_problems:
            result.add(p)
        return
    data = _check_files(archive, manifest, result)
    if result.problems:
        return
    docs = {c["id"]: transcript(c, data) for c in manifest["clips"]}
    _check_derived(manifest, data, docs, result)
    if result.problems:
        return
    from curation.packs import checks

    if rescan_pii:
        checks.check_text(manifest, data, docs, result, trust_reviewed)
    if check_audio:
        checks.check_audio(manifest, data, docs, result)


def _check_files(archive: PackArchive, manifest: dict, result: PackVerification) -> dict[str, bytes]:
    listed: dict[str, dict] = {}
    for f in manifest["files"]:
        if f["path"] in listed:
            result.add(f"manifest.json lists {f['path']} twice")
        listed[f["path"]] = f
    data: dict[str, bytes] = {}
    for entry, f in sorted(listed.items()):
        if entry == mf.MANIFEST:
            result.add("manifest.json lists itself")
            continue
        if entry not in archive.files:
            result.add(f"{entry}: listed in the manifest but missing from the pack")
            continue
        content = archive.read(entry)
        if hashlib.sha256(content).hexdigest() != f["sha256"] or len(content) != f["bytes"]:
            result.add(f"{entry}: checksum mismatch (file changed after the pack was built)")
            continue
        data[entry] = content
    for entry in sorted(set(archive.files) - set(listed) - {mf.MANIFEST}):
        result.add(f"{entry}: in the pack but not listed in the manifest")
    if mf.MANIFEST_SCHEMA not in listed:
        result.add("manifest.schema.json missing")
    elif mf.MANIFEST_SCHEMA in data and data[mf.MANIFEST_SCHEMA] != mf.schema_text().encode("utf-8"):
        result.add("manifest.schema.json is not the schema of this pack format")
    if manifest["player"] not in listed:
        result.add("index.html missing")
    if manifest.get("notes") and manifest["notes"] not in listed:
        result.add(f"{manifest['notes']}: notes listed but missing")
    audio_refs = set()
    ids = [c["id"] for c in manifest["clips"]]
    if len(set(ids)) != len(ids):
        result.add("a clip id appears twice")
    for clip in manifest["clips"]:
        for kind, ref in sorted(clip["files"].items()):
            if ref not in listed:
                result.add(f"clip {clip['id']}: {kind} {ref} is not a file of the pack")
            if kind.startswith("audio_"):
                audio_refs.add(ref)
                if not ref.lower().endswith("." + kind.split("_")[1]):
                    result.add(f"clip {clip['id']}: {kind} {ref} has the wrong file type")
    for entry in sorted(listed):
        if entry.lower().endswith(AUDIO_SUFFIXES) and entry not in audio_refs:
            result.add(f"{entry}: audio that belongs to no clip")
    return data


def transcript(clip: dict, data: dict[str, bytes]) -> dict:
    """The clip's redacted transcript, its shape checked (a malformed one is a problem, not a crash)."""
    where = f"clip {clip['id']}: transcript JSON"
    doc = _json(data[clip["files"]["transcript_json"]], where)
    if not isinstance(doc, dict) or not isinstance(doc.get("words"), list):
        raise Malformed(f"{where} has no list of words")
    if doc.get("clip_id") != clip["id"]:
        raise Malformed(f"{where} does not belong to this clip")
    for n, w in enumerate(doc["words"]):
        if not isinstance(w, dict) or not isinstance(w.get("text"), str) or not isinstance(w.get("speaker"), str):
            raise Malformed(f"{where}: word {n} is not a word (text and speaker must be text)")
        for key in ("start", "end"):
            v = w.get(key)
            if isinstance(v, bool) or not isinstance(v, (int, float)) or not math.isfinite(v) or v < 0:
                raise Malformed(f"{where}: word {n} has no valid {key} time")
        if w["end"] < w["start"]:
            raise Malformed(f"{where}: word {n} ends before it starts")
    return doc


def _check_derived(manifest: dict, data: dict[str, bytes], docs: dict, result: PackVerification) -> None:
    """Captions and the player page are derived from the manifest and transcripts: byte-equal or tampered."""
    from curation.clips.redaction import cues as make_cues
    from curation.clips.redaction import to_vtt
    from curation.packs.player import render_player

    for clip in manifest["clips"]:
        words = docs[clip["id"]]["words"]
        if text_of(data[clip["files"]["transcript_vtt"]], f"clip {clip['id']}: captions") != to_vtt(words):
            result.add(f"clip {clip['id']}: captions (VTT) do not match the transcript JSON")
    notes = text_of(data[manifest["notes"]], manifest["notes"]) if manifest.get("notes") else None
    page = render_player(manifest, {c["id"]: make_cues(docs[c["id"]]["words"]) for c in manifest["clips"]}, notes)
    if text_of(data[manifest["player"]], "index.html") != page:
        result.add("index.html is not the player page this manifest and these transcripts give "
                   "(changed after the build)")
