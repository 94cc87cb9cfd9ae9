"""`verify_pack`: a clip pack proves what it claims about itself.

Checks: a readable zip; no entry escapes the pack (absolute paths, `..`, backslashes, drive
letters, symlinks, duplicates); the manifest against its JSON Schema; every file's SHA-256 and
nothing unlisted; captions consistent with the transcripts; re-enactment clips without audio;
every bleep interval silent-or-tone in the audio; and a PII re-scan of every transcript and
every text field (re-enactment scripts hold fictional data by design and are not scanned).
"""

from __future__ import annotations

import hashlib
import json
import re
import stat
import tempfile
import zipfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from curation.clips.redaction import PiiUnavailable, detect, rescan, to_vtt, unresolved
from curation.errors import CurationError
from curation.packs import manifest as mf

MAX_ENTRIES = 10_000
MAX_BYTES = 4 << 30  # declared uncompressed size: refuse zip bombs before reading anything


class PackInvalid(CurationError):
    """The pack failed verification."""

    exit_code = 7


@dataclass
class PackVerification:
    path: str
    problems: list[str] = field(default_factory=list)
    manifest: dict | None = None
    checked: dict = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.problems

    def raise_for_problems(self) -> None:
        if self.problems:
            more = f" (+{len(self.problems) - 1} more)" if len(self.problems) > 1 else ""
            raise PackInvalid(f"{self.path}: {self.problems[0]}{more}")


def unsafe_name(info: zipfile.ZipInfo) -> str | None:
    """Why this entry could land outside the folder it is extracted to (None when safe)."""
    name = info.filename
    if "\\" in name:
        return "backslash in the path"
    if name.startswith("/") or re.match(r"^[A-Za-z]:", name):
        return "absolute path"
    parts = PurePosixPath(name).parts
    if ".." in parts:
        return "path leaves the pack ('..')"
    if any(p in ("", ".") for p in name.rstrip("/").split("/")):
        return "empty or '.' path component"
    mode = info.external_attr >> 16
    if stat.S_ISLNK(mode):
        return "symbolic link"
    kind = stat.S_IFMT(mode)
    if kind and kind not in (stat.S_IFREG, stat.S_IFDIR):  # no type bits: a zip made without Unix modes
        return "not a regular file"
    if "\x00" in name or any(ord(c) < 32 for c in name):
        return "control character in the path"
    return None


def verify_pack(path, rescan_pii: bool = True, check_audio: bool = True) -> PackVerification:
    """Verify the zip at `path`; the result lists every problem found (`ok` when none)."""
    result = PackVerification(str(path))
    problems = result.problems
    try:
        zf = zipfile.ZipFile(path)
    except (OSError, zipfile.BadZipFile) as exc:
        problems.append(f"not a readable zip file ({exc})")
        return result
    with zf:
        infos = zf.infolist()
        if len(infos) > MAX_ENTRIES:
            problems.append(f"{len(infos)} entries: more than {MAX_ENTRIES}")
            return result
        declared = sum(i.file_size for i in infos)
        if declared > MAX_BYTES:
            problems.append(f"entries declare {declared} bytes uncompressed: more than {MAX_BYTES}")
            return result
        names = [i.filename for i in infos]
        for info in infos:
            why = unsafe_name(info)
            if why:
                problems.append(f"entry {info.filename!r}: {why}")
        dupes = sorted({n for n in names if names.count(n) > 1})
        if dupes:
            problems.append(f"entry {dupes[0]!r} appears more than once")
        if problems:
            return result  # never read further from a pack that tries to escape
        files = {i.filename: i for i in infos if not i.is_dir()}
        if mf.MANIFEST not in files:
            problems.append("no manifest.json")
            return result
        try:
            manifest = json.loads(zf.read(mf.MANIFEST).decode("utf-8"))
        except (ValueError, UnicodeDecodeError) as exc:
            problems.append(f"manifest.json is not JSON ({exc})")
            return result
        result.manifest = manifest
        schema_problems = mf.validate(manifest)
        if schema_problems:
            problems.extend(schema_problems)
            return result
        data = _check_files(zf, files, manifest, problems)
        if problems:
            return result
        _check_clips(manifest, data, problems, result.checked, rescan_pii, check_audio)
        if rescan_pii and not problems:
            _check_text_fields(manifest, data, problems)
    return result


def _check_files(zf, files: dict, manifest: dict, problems: list[str]) -> dict[str, bytes]:
    listed = {f["path"]: f for f in manifest["files"]}
    data: dict[str, bytes] = {}
    for entry, f in sorted(listed.items()):
        if entry == mf.MANIFEST:
            problems.append("manifest.json lists itself")
            continue
        if entry not in files:
            problems.append(f"{entry}: listed in the manifest but missing from the pack")
            continue
        content = zf.read(entry)
        if hashlib.sha256(content).hexdigest() != f["sha256"] or len(content) != f["bytes"]:
            problems.append(f"{entry}: checksum mismatch (file changed after the pack was built)")
            continue
        data[entry] = content
    for entry in sorted(set(files) - set(listed) - {mf.MANIFEST}):
        problems.append(f"{entry}: in the pack but not listed in the manifest")
    if mf.MANIFEST_SCHEMA not in listed:
        problems.append("manifest.schema.json missing")
    if manifest["player"] not in listed:
        problems.append("index.html missing")
    if manifest.get("notes") and manifest["notes"] not in listed:
        problems.append(f"{manifest['notes']}: notes listed but missing")
    for clip in manifest["clips"]:
        for kind, ref in sorted(clip["files"].items()):
            if ref not in listed:
                problems.append(f"clip {clip['id']}: {kind} {ref} is not a file of the pack")
    return data


def _check_clips(manifest: dict, data: dict[str, bytes], problems: list[str], checked: dict, rescan_pii: bool,
                 check_audio: bool) -> None:
    ids = [c["id"] for c in manifest["clips"]]
    if len(set(ids)) != len(ids):
        problems.append("a clip id appears twice")
    transcripts = 0
    for clip in manifest["clips"]:
        files = clip["files"]
        try:
            doc = json.loads(data[files["transcript_json"]].decode("utf-8"))
        except (ValueError, UnicodeDecodeError) as exc:
            problems.append(f"clip {clip['id']}: transcript JSON unreadable ({exc})")
            continue
        if doc.get("clip_id") != clip["id"] or not isinstance(doc.get("words"), list):
            problems.append(f"clip {clip['id']}: transcript JSON does not belong to this clip")
            continue
        if data[files["transcript_vtt"]].decode("utf-8", "replace") != to_vtt(doc["words"]):
            problems.append(f"clip {clip['id']}: captions (VTT) do not match the transcript JSON")
        if rescan_pii:
            try:
                left = unresolved(rescan(doc))
            except PiiUnavailable as exc:
                problems.append(f"clip {clip['id']}: PII re-scan impossible ({exc})")
                continue
            if left:
                kinds = ", ".join(sorted({f["entity_type"] for f in left}))
                problems.append(f"clip {clip['id']}: PII re-scan finds {len(left)} unredacted span(s) in the "
                                f"transcript ({kinds}) at {left[0]['start']:.2f}s")
            transcripts += 1
        if check_audio and clip["media"] == "audio" and "anonymisation_report" in files:
            _check_bleeps(clip, data, problems)
    checked["transcripts_rescanned"] = transcripts


def _check_bleeps(clip: dict, data: dict[str, bytes], problems: list[str]) -> None:
    """Every redaction interval of the clip's report holds only the tone (or silence) in the MP3."""
    from curation.anonymise.verify_file import verify_audio_file

    report = json.loads(data[clip["files"]["anonymisation_report"]].decode("utf-8"))
    redactions = report.get("redactions") or []
    if not redactions:
        return
    with tempfile.TemporaryDirectory(prefix="packverify-") as tmp:
        audio = Path(tmp) / "audio.mp3"
        audio.write_bytes(data[clip["files"]["audio_mp3"]])
        results = verify_audio_file(audio, redactions, (report.get("bleep") or {}).get("mode", "tone"))
    bad = [r for r, v in zip(redactions, results) if not v.ok]
    if bad:
        problems.append(f"clip {clip['id']}: {len(bad)} bleep interval(s) hold sound besides the bleep "
                        f"(first at {bad[0]['start']:.2f}s)")


def _check_text_fields(manifest: dict, data: dict[str, bytes], problems: list[str]) -> None:
    """Titles, objectives and notes are written by trainers: they must not name anyone either."""
    fields = [("course title", manifest["course"]["title"])]
    fields += [(f"learning objective {i}", o) for i, o in enumerate(manifest["course"]["learning_objectives"], 1)]
    fields += [(f"clip {c['id']} title", c.get("title") or "") for c in manifest["clips"]]
    if manifest.get("notes"):
        fields.append(("trainer notes", data[manifest["notes"]].decode("utf-8", "replace")))
    for where, text in fields:
        try:
            found = detect(text, "nl") if text.strip() else []
        except PiiUnavailable as exc:
            problems.append(f"{where}: PII re-scan impossible ({exc})")
            return
        if found:
            problems.append(f"{where}: contains personal data ({', '.join(sorted({s.entity_type for s in found}))})")
