"""The CSV manifest that carries call metadata: ids, agents, timestamps, topic and consent fields."""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path, PurePosixPath

from curation.errors import ImportProblem
from curation.ingest.formats._common import read_text

COLUMNS = ("call_id", "audio", "transcript", "recorded_at", "agent_id", "customer_ref", "topic", "language",
           "notice_played", "notice_purposes", "customer_objected", "employee_informed", "secret_recording",
           "retention_until")
OPTIONAL_FLAGS = ("minor", "special_category", "legal_basis")
CALL_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$")
TRUE, FALSE = {"true", "yes", "ja", "1", "y", "j"}, {"false", "no", "nee", "0", "n", ""}


@dataclass(frozen=True)
class ManifestRow:
    line: int
    audio: Path
    transcript: Path | None
    fields: dict


def boolean(value: str | None, path: Path, line: int, column: str) -> bool | None:
    if value is None or value.strip() == "":
        return None
    low = value.strip().lower()
    if low in TRUE:
        return True
    if low in FALSE:
        return False
    raise ImportProblem(path, f"line {line}: column {column} must be true or false, not {value!r}")


def safe_relative(value: str, path: Path, line: int, column: str) -> Path:
    """A manifest path must stay inside the manifest's folder: no absolute paths, no '..'."""
    value = value.strip().replace("\\", "/")
    pure = PurePosixPath(value)
    if not value or pure.is_absolute() or ".." in pure.parts or re.match(r"^[A-Za-z]:", value):
        raise ImportProblem(path, f"line {line}: {column} path {value!r} leaves the manifest's folder (absolute or '..')")
    return path.parent / Path(*pure.parts)


def read_manifest(path: Path) -> tuple[list[ManifestRow], list[ImportProblem]]:
    """Rows that parse, and one problem per row that does not (the rest of the batch goes on)."""
    text = read_text(path)
    reader = csv.DictReader(text.splitlines())
    missing = {"audio"} - set(reader.fieldnames or ())
    if missing:
        raise ImportProblem(path, f"manifest has no column {', '.join(sorted(missing))}")
    rows, problems = [], []
    for line, raw in enumerate(reader, start=2):
        try:
            rows.append(_row(raw, path, line))
        except ImportProblem as exc:
            problems.append(exc)
    return rows, problems


def _row(raw: dict, path: Path, line: int) -> ManifestRow:
    get = lambda k: (raw.get(k) or "").strip()  # noqa: E731
    audio = safe_relative(get("audio"), path, line, "audio")
    transcript = safe_relative(get("transcript"), path, line, "transcript") if get("transcript") else None
    fields: dict = {}
    if get("call_id"):
        if not CALL_ID.match(get("call_id")):
            raise ImportProblem(path, f"line {line}: call_id {get('call_id')!r} may use letters, digits, '.', '_' and '-' only")
        fields["call_id"] = get("call_id")
    if get("recorded_at"):
        try:
            fields["recorded_at"] = datetime.fromisoformat(get("recorded_at")).isoformat()
        except ValueError:
            raise ImportProblem(path, f"line {line}: recorded_at {get('recorded_at')!r} is not an ISO date-time") from None
    if get("retention_until"):
        try:
            fields["retention_until"] = date.fromisoformat(get("retention_until")[:10]).isoformat()
        except ValueError:
            raise ImportProblem(path, f"line {line}: retention_until {get('retention_until')!r} is not an ISO date") from None
    for key in ("agent_id", "customer_ref", "topic", "legal_basis"):
        if get(key):
            fields[key] = get(key)
    if get("language"):
        fields["language"] = get("language").lower()[:2]
    for key in ("notice_played", "customer_objected", "employee_informed", "secret_recording", "minor", "special_category"):
        value = boolean(raw.get(key), path, line, key)
        if value is not None:
            fields[key] = value
    if get("notice_purposes"):
        fields["notice_purposes"] = [p.strip() for p in get("notice_purposes").split(";") if p.strip()]
    return ManifestRow(line, audio, transcript, fields)


def manifest_csv(audio: str, transcript: str | None, fields: dict) -> bytes:
    """A one-row manifest that `read_manifest` reads back as `fields` (the parsed form of a row), for
    a recording and transcript named relative to it. Team mode sends one with every upload, so a call
    keeps its metadata and consent facts when it is imported on the curation service."""
    import io

    unknown = set(fields) - set(COLUMNS) - set(OPTIONAL_FLAGS)
    if unknown:
        raise ValueError(f"not manifest columns: {', '.join(sorted(unknown))}")
    row = {"audio": audio, "transcript": transcript or ""}
    for key, value in fields.items():
        if isinstance(value, bool):
            row[key] = "true" if value else "false"
        elif isinstance(value, (list, tuple)):
            row[key] = ";".join(value)
        else:
            row[key] = str(value)
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=[c for c in (*COLUMNS, *OPTIONAL_FLAGS) if c in row], lineterminator="\n")
    writer.writeheader()
    writer.writerow(row)
    return out.getvalue().encode("utf-8")
