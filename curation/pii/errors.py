"""Errors of the PII stage, reported to people as one line."""

from __future__ import annotations

from curation.errors import CurationError


class PiiError(CurationError):
    """Bad input to PII detection or redaction (wrong type, unknown language or mode)."""


class UnplaceableSpan(PiiError):
    """A PII span that cannot be put on the audio timeline: it covers no word, or a word
    without usable times. The audio stage must block the clip (fail closed) on this."""

    def __init__(self, message: str, *, span=None, word_indices: tuple[int, ...] = ()):
        self.span = span
        self.word_indices = tuple(word_indices)
        super().__init__(message)
