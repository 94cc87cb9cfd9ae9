"""Checks shared by the table-driven PII rule tests: words no span may touch, spans that must be found."""

from __future__ import annotations

from curation.pii import detect


def spans_touching(text: str, words: str) -> list[tuple[str, str]]:
    """(type, text) of every detected span that overlaps `words` (their first occurrence in `text`)."""
    start = text.index(words)
    end = start + len(words)
    return [(s.entity_type, text[s.start:s.end]) for s in detect(text) if s.start < end and start < s.end]


def found_spans(text: str) -> list[tuple[str, str]]:
    return [(s.entity_type, text[s.start:s.end]) for s in detect(text)]
