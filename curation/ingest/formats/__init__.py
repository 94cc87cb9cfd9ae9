"""Transcript readers: the project's JSON, WebVTT, AWS Transcribe JSON and NIST STM (+ RTTM)."""

from __future__ import annotations

import json
from pathlib import Path

from curation.errors import ImportProblem
from curation.ingest.formats import aws, project_json, stm, webvtt
from curation.ingest.formats._common import read_text
from curation.model import Transcript

FORMATS = ("json", "vtt", "aws", "stm")
TRANSCRIPT_SUFFIXES = {".json": "json", ".vtt": "vtt", ".stm": "stm"}


def detect_format(path: Path) -> str:
    """Format of a transcript file from its suffix; JSON files are told apart by content."""
    suffix = path.suffix.lower()
    if suffix == ".json":
        try:
            data = json.loads(read_text(path))
        except json.JSONDecodeError as exc:
            raise ImportProblem(path, f"not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})") from None
        if aws.looks_like(data):
            return "aws"
        if project_json.looks_like(data):
            return "json"
        raise ImportProblem(path, "JSON file is neither a curation transcript nor an AWS Transcribe result")
    if suffix in TRANSCRIPT_SUFFIXES:
        return TRANSCRIPT_SUFFIXES[suffix]
    raise ImportProblem(path, f"unknown transcript format {suffix!r} (use .json, .vtt or .stm)")


def read_transcript(path: str | Path, fmt: str | None = None) -> Transcript:
    """Read a transcript file into a `Transcript`; errors are one-line `ImportProblem`s naming the file."""
    path = Path(path)
    if not path.is_file():
        raise ImportProblem(path, "transcript file not found")
    fmt = fmt or detect_format(path)
    readers = {"json": project_json.read, "vtt": webvtt.read, "aws": aws.read, "stm": stm.read}
    if fmt not in readers:
        raise ImportProblem(path, f"unknown transcript format {fmt!r} (one of {', '.join(FORMATS)})")
    return readers[fmt](path)


__all__ = ["FORMATS", "detect_format", "read_transcript"]
