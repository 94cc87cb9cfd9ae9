"""The project's own transcript JSON (word-level timings); schema in ../schemas/transcript.schema.json."""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

from curation.errors import ImportProblem
from curation.ingest.formats._common import invalid, read_json
from curation.model import InvalidTranscript, Speaker, Transcript, Word
from curation.schema_check import problems

SCHEMA_PATH = Path(__file__).parent.parent / "schemas" / "transcript.schema.json"


@lru_cache(maxsize=1)
def schema() -> dict:
    return json.loads(SCHEMA_PATH.read_text())


def looks_like(data: object) -> bool:
    return isinstance(data, dict) and data.get("format") == "curation-transcript"


def parse(data: dict, path: Path) -> Transcript:
    for where, what in problems(SCHEMA_PATH, data):
        raise ImportProblem(path, f"does not match the transcript schema at {where or '(top level)'}: {what}")
    try:
        speakers = [Speaker(s["label"], s.get("role", "unknown"), s.get("channel")) for s in data["speakers"]]
        words = [Word(w["text"].strip(), float(w["start"]), float(w["end"]), w["speaker"], w.get("confidence"),
                      bool(w.get("estimated", False)), bool(w.get("aligned", False))) for w in data["words"]]
        return Transcript.build(words, speakers, language=data.get("language", "nl"))
    except InvalidTranscript as exc:
        raise invalid(path, exc) from None


def read(path: Path) -> Transcript:
    return parse(read_json(path), path)


def dump(transcript: Transcript) -> dict:
    """The JSON document for a transcript (inverse of `parse`)."""
    return {
        "format": "curation-transcript", "version": 1, "language": transcript.language,
        "speakers": [{"label": s.label, "role": s.role, "channel": s.channel} for s in transcript.speakers],
        "words": [{"text": w.text, "start": w.start, "end": w.end, "speaker": w.speaker,
                   **({"confidence": w.confidence} if w.confidence is not None else {}),
                   **({"estimated": True} if w.estimated else {}),
                   **({"aligned": True} if w.aligned else {})} for w in transcript.words],
    }
