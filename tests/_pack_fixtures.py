"""Pack forgery for the verification tests: change a built pack the way an insider would, then redo
everything that is derived (captions, player page, checksums) so only the check under test can
catch it."""

from __future__ import annotations

import hashlib
import json
import zipfile

from curation.clips.redaction import cues, to_vtt
from curation.packs.player import render_player


def members(path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as zf:
        return {i.filename: zf.read(i) for i in zf.infolist()}


def forge(src, dst, manifest=None, files=None, rederive=True):
    """Copy pack `src` to `dst` with `manifest(m)` and `files(d)` applied in place (d: path -> bytes;
    new paths are listed in the manifest), then captions, index.html and checksums redone."""
    d = members(src)
    m = json.loads(d.pop("manifest.json"))
    if manifest:
        manifest(m)
    if files:
        files(d)
    if rederive:
        docs = {c["id"]: json.loads(d[c["files"]["transcript_json"]]) for c in m["clips"]}
        for c in m["clips"]:
            d[c["files"]["transcript_vtt"]] = to_vtt(docs[c["id"]]["words"]).encode()
        notes = d[m["notes"]].decode() if m.get("notes") else None
        d[m["player"]] = render_player(m, {k: cues(v["words"]) for k, v in docs.items()}, notes).encode()
    m["files"] = [{"path": p, "sha256": hashlib.sha256(b).hexdigest(), "bytes": len(b)} for p, b in sorted(d.items())]
    with zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("manifest.json", json.dumps(m))
        for p, b in sorted(d.items()):
            zf.writestr(p, b)
    return dst


def edit_json(d: dict, path: str, change) -> None:
    doc = json.loads(d[path])
    change(doc)
    d[path] = json.dumps(doc).encode()


def audio_clip(m: dict) -> dict:
    return next(c for c in m["clips"] if c["media"] == "audio")


def script_clip(m: dict) -> dict:
    return next(c for c in m["clips"] if c["media"] == "reenactment")
