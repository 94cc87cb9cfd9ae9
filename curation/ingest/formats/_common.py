"""Helpers shared by the transcript readers: decoding, segment word-timing estimation, roles."""

from __future__ import annotations

import codecs
import json
from pathlib import Path
from typing import Iterable, Sequence

from curation.errors import ImportProblem
from curation.model import InvalidTranscript, Speaker, Turn, Word

AGENT_WORDS = {"agent", "medewerker", "operator", "employee", "mdw", "callcenter", "service"}
CUSTOMER_WORDS = {"customer", "klant", "caller", "beller", "client", "cliënt"}


def read_text(path: Path) -> str:
    """Text of a transcript file: UTF-8 (with or without BOM) or UTF-16 with BOM; anything else is refused."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise ImportProblem(path, f"cannot read file ({exc.strerror})") from exc
    if not raw.strip():
        raise ImportProblem(path, "transcript file is empty")
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return raw.decode("utf-16")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ImportProblem(path, f"unknown text encoding (not UTF-8: byte 0x{raw[exc.start]:02x} at offset {exc.start}); "
                                  "convert the file to UTF-8") from None
    if "\x00" in text:
        raise ImportProblem(path, "unknown text encoding (NUL characters); convert the file to UTF-8")
    return text


def read_json(path: Path) -> object:
    """A JSON transcript file, parsed; invalid JSON is a one-line `ImportProblem` with its position."""
    try:
        return json.loads(read_text(path))
    except json.JSONDecodeError as exc:
        raise ImportProblem(path, f"not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})") from None


def estimate_words(text: str, start: float, end: float, speaker: str) -> list[Word]:
    """Spread a segment's words over its time span in proportion to their length (marked estimated)."""
    tokens = text.split()
    if not tokens:
        return []
    weights = [len(t) + 1 for t in tokens]
    total = sum(weights)
    span = max(end - start, 0.0)
    words, t = [], start
    for token, weight in zip(tokens, weights):
        dur = span * weight / total
        words.append(Word(token, round(t, 3), round(min(t + dur * 0.92, end), 3), speaker, None, True))
        t += dur
    return words


def infer_speakers(labels_in_order: Sequence[str], channels: dict[str, int] | None = None) -> tuple[Speaker, ...]:
    """Roles from labels when they say so (agent/medewerker, klant/customer); otherwise the
    first to speak is taken as the agent (they answer the phone) and the second as the customer."""
    roles: dict[str, str] = {}
    for label in labels_in_order:
        low = label.lower().replace("_", " ")
        if any(w in low.split() or low.startswith(w) for w in AGENT_WORDS):
            roles[label] = "agent"
        elif any(w in low.split() or low.startswith(w) for w in CUSTOMER_WORDS):
            roles[label] = "customer"
    free = [r for r in ("agent", "customer") if r not in roles.values()]
    for label in labels_in_order:
        if label not in roles:
            roles[label] = free.pop(0) if free else "unknown"
    channels = channels or {}
    return tuple(Speaker(label, roles[label], channels.get(label)) for label in labels_in_order)


def ordered_unique(items: Iterable[str]) -> list[str]:
    seen: dict[str, None] = {}
    for item in items:
        seen.setdefault(item, None)
    return list(seen)


def turns_from_segments(segments: Sequence[tuple[str, float, float, int, int]]) -> tuple[Turn, ...]:
    return tuple(Turn(spk, s, e, a, b) for spk, s, e, a, b in segments if b > a)


def invalid(path: Path, exc: InvalidTranscript) -> ImportProblem:
    return ImportProblem(path, f"invalid transcript ({exc})")
