"""Transcript readers: the project's JSON, WebVTT, AWS Transcribe JSON and NIST STM (+ RTTM)."""

from __future__ import annotations

from pathlib import Path

from curation.errors import ImportProblem
from curation.ingest.formats import aws, project_json, stm, webvtt
from curation.ingest.formats._common import read_json
from curation.model import Transcript

FORMATS = ("json", "vtt", "aws", "stm")
TRANSCRIPT_SUFFIXES = {".json": "json", ".vtt": "vtt", ".stm": "stm"}


def _json_format(path: Path, data: object) -> str:
    if aws.looks_like(data):
        return "aws"
    if project_json.looks_like(data):
        return "json"
    raise ImportProblem(path, "JSON file is neither a curation transcript nor an AWS Transcribe result")


def detect_format(path: Path) -> str:
    """Format of a transcript file from its suffix; JSON files are told apart by content."""
    suffix = path.suffix.lower()
    if suffix == ".json":
        return _json_format(path, read_json(path))
    if suffix in TRANSCRIPT_SUFFIXES:
        return TRANSCRIPT_SUFFIXES[suffix]
    raise ImportProblem(path, f"unknown transcript format {suffix!r} (use .json, .vtt or .stm)")


def read_with_format(path: str | Path, fmt: str | None = None) -> tuple[str, Transcript]:
    """The transcript and its format; a JSON file is read and parsed once to tell which it is."""
    path = Path(path)
    if not path.is_file():
        raise ImportProblem(path, "transcript file not found")
    if fmt is None and path.suffix.lower() == ".json":
        data = read_json(path)
        fmt = _json_format(path, data)
        return fmt, (aws.parse if fmt == "aws" else project_json.parse)(data, path)
    fmt = fmt or detect_format(path)
    readers = {"json": project_json.read, "vtt": webvtt.read, "aws": aws.read, "stm": stm.read}
    if fmt not in readers:
        raise ImportProblem(path, f"unknown transcript format {fmt!r} (one of {', '.join(FORMATS)})")
    return fmt, readers[fmt](path)


def read_transcript(path: str | Path, fmt: str | None = None) -> Transcript:
    """Read a transcript file into a `Transcript`; errors are one-line `ImportProblem`s naming the file."""
    return read_with_format(path, fmt)[1]


__all__ = ["FORMATS", "detect_format", "read_transcript", "read_with_format"]
