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


def table_tests(kept: list[tuple[str, str]], found: list[tuple[str, str, str]]):
    """`test_kept` and `test_found` for a module's tables: (text, words no span may touch) and
    (text, entity type, the exact text a span of that type must cover)."""
    import pytest

    @pytest.mark.parametrize("text,words", kept, ids=[t[:36] for t, _ in kept])
    def test_kept(text, words):
        assert spans_touching(text, words) == []

    @pytest.mark.parametrize("text,entity,expected", found, ids=[f"{e}:{t[:30]}" for t, e, _ in found])
    def test_found(text, entity, expected):
        spans = found_spans(text)
        assert (entity, expected) in spans, spans

    return test_kept, test_found
