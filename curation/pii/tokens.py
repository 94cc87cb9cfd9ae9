"""Whitespace tokens of a text with their punctuation-stripped core and lookup key.

Every recognizer works on these offsets, so spans always point into the original string
(control characters, NBSP, combining accents and curly quotes included).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

_TOKEN = re.compile(r"\S+")
# Keep a leading '+', '@' or apostrophe ("'s-Hertogenbosch", "+31"); strip other edge punctuation.
_CORE = re.compile(r"[^\w+'’@]*(.*?)[^\w]*\Z", re.S)
# ... but only an elision keeps it ("'s", "'t", "'n", "'k", "'80"): before anything else it is an opening
# quote ("'Kees vindt het prima'", "‘Marieke belt terug’")
_ELISION = re.compile(r"['’‘]+(?:[stnkmr]|ns)(?![^\W\d_])|['’‘]+\d", re.I)
_OPENING_QUOTES = "'’‘"
_SENTENCE_END = frozenset(".?!:;")
# "J.", "dhr.", "t.n.v." end no sentence
_ABBREVIATION = re.compile(r"(?:[A-Za-z]\.)+\Z|(?i:dhr|mevr|mw|mr|dr|ir|ing|drs|prof|nr|bijv|ca|mej|st|fam)\.\Z")
# A redaction placeholder ("[NAAM]", "[E-MAILADRES]", "[…]", a masked pseudonym "[____]"), maybe
# quoted or followed by punctuation: never PII itself, and never context for a neighbour.
PLACEHOLDER_PATTERN = r"\[[A-ZÀ-Þ_…-]*\]"  # the placeholder itself (detection.py reads it too)
_PLACEHOLDER = re.compile(r"[(\"'‘“]*(" + PLACEHOLDER_PATTERN + r")[.,?!;:)\"'’”]*\Z")
PLACEHOLDER_KEY = "[]"  # the lookup key of every placeholder: matches no list, no context pattern


@dataclass(frozen=True, slots=True)
class Token:
    """One whitespace-separated word: `start`/`end` delimit its core in the original text."""

    start: int
    end: int
    text: str  # the core as written
    key: str  # lower-cased, NFC, straight apostrophes: for lookups
    raw_start: int  # the whole whitespace token, punctuation included
    raw_end: int
    sentence_start: bool  # first token, or the previous token ended a sentence

    @property
    def is_placeholder(self) -> bool:
        """A redaction placeholder: neutral for every recognizer."""
        return self.key == PLACEHOLDER_KEY

    @property
    def is_cap(self) -> bool:
        """Capitalised, also behind an elided article: "'s-Hertogenbosch", "’t Harde"."""
        first = self.text[:1]
        if first.isupper():
            return True
        if first in "'’":
            rest = self.text.lstrip("'’")
            if rest[:2] in ("s-", "t-"):
                rest = rest[2:]
            return rest[:1].isupper()
        return False


def lookup_key(word: str) -> str:
    """The form used for every lexicon lookup: lower case, NFC, straight apostrophes."""
    if not word.isascii():
        word = unicodedata.normalize("NFC", word).replace("’", "'").replace("‘", "'").replace("ë", "e").replace("ï", "i")
    return word.lower()


@lru_cache(maxsize=8)
def tokenize(text: str) -> tuple[Token, ...]:
    """Tokens of `text` (cached: every recognizer of one analysis shares the result)."""
    tokens = []
    sentence_start = True
    for m in _TOKEN.finditer(text):
        raw = m.group()
        if raw.isalnum():  # the common case: a plain word
            tokens.append(Token(m.start(), m.end(), raw, lookup_key(raw), m.start(), m.end(), sentence_start))
            sentence_start = False
            continue
        p = _PLACEHOLDER.match(raw) if "[" in raw else None
        if p is not None:
            a = m.start() + p.start(1)
            tokens.append(Token(a, a + len(p.group(1)), p.group(1), PLACEHOLDER_KEY, m.start(), m.end(),
                                sentence_start))
            sentence_start = raw[-1] in _SENTENCE_END
            continue
        c = _CORE.match(raw)
        core = c.group(1)
        if not core:
            # punctuation-only token ("-", "…"): keep it so connectors can be seen
            core_start, core_end, core = m.start(), m.end(), raw
        else:
            core_start = m.start() + c.start(1)
            if core[0] in _OPENING_QUOTES and not _ELISION.match(core) and core.lstrip(_OPENING_QUOTES):
                stripped = core.lstrip(_OPENING_QUOTES)
                core_start += len(core) - len(stripped)
                core = stripped
            core_end = core_start + len(core)
        tokens.append(Token(core_start, core_end, core, lookup_key(core), m.start(), m.end(), sentence_start))
        sentence_start = raw[-1] in _SENTENCE_END and not (raw[-1] == "." and _ABBREVIATION.match(raw.lstrip("(\"'‘“")))
    return tuple(tokens)
