"""The pack manifest: building it, its JSON Schema, validating it, and a CSV-safe table of it."""

from __future__ import annotations

import hashlib
import json
from functools import lru_cache
from pathlib import Path

SCHEMA_FILE = Path(__file__).with_name("manifest.schema.json")
SCHEMA_NAME = "curation-pack-manifest"
SCHEMA_VERSION = 1
MANIFEST = "manifest.json"
MANIFEST_SCHEMA = "manifest.schema.json"
PLAYER = "index.html"
NOTES = "notes.md"


@lru_cache(maxsize=1)
def schema_text() -> str:
    return SCHEMA_FILE.read_text("utf-8")


def schema() -> dict:
    return json.loads(schema_text())


def dumps(doc) -> bytes:
    """Canonical JSON bytes (sorted keys, fixed indentation): same document, same bytes."""
    return (json.dumps(doc, indent=2, sort_keys=True, ensure_ascii=False, allow_nan=False) + "\n").encode("utf-8")


def pack_id_for(name: str, course: dict, notes: str | None, clips: list[dict], include_wav: bool) -> str:
    """A content id: the same name, course, notes and clip contents give the same pack id."""
    body = json.dumps({"v": SCHEMA_VERSION, "name": name, "course": course, "notes": notes, "wav": include_wav,
                       "clips": clips}, sort_keys=True, ensure_ascii=False)
    return "pack-" + hashlib.sha256(body.encode("utf-8")).hexdigest()[:16]


def validate(manifest) -> list[str]:
    """Problems with the manifest against the schema (empty when valid); one line each."""
    from curation.schema_check import problems

    return [f"manifest.json {where or '(root)'}: {what}" for where, what in problems(SCHEMA_FILE, manifest)]


def manifest_rows(manifest: dict) -> list[dict]:
    """One row per clip with the manifest's text fields (for a table or a CSV export)."""
    course = manifest.get("course") or {}
    rows = []
    for position, clip in enumerate(manifest.get("clips") or [], 1):
        consent = clip.get("consent") or {}
        rows.append({"pack_id": manifest.get("pack_id"), "pack_name": manifest.get("name"),
                     "course_title": course.get("title"), "position": position, "clip_id": clip.get("id"),
                     "title": clip.get("title"), "duration": clip.get("duration"),
                     "categories": ";".join(clip.get("categories") or []), "media": clip.get("media"),
                     "consent_decision": consent.get("decision"), "consent_reason": consent.get("reason"),
                     "learning_objectives": " | ".join(course.get("learning_objectives") or [])})
    return rows


def manifest_frame(manifest: dict):
    """`manifest_rows` as a DataFrame; write it with `curation.cli._common.emit_frame` (CSV-safe)."""
    import pandas as pd

    columns = ["pack_id", "pack_name", "course_title", "position", "clip_id", "title", "duration", "categories",
               "media", "consent_decision", "consent_reason", "learning_objectives"]
    return pd.DataFrame(manifest_rows(manifest), columns=columns)
