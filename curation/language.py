"""The language of a transcript: Dutch, English, or unsure.

Segment formats (WebVTT, STM) carry no language, so the importer asks this module instead of
assuming Dutch. Each word votes for the language in which it is clearly more frequent (Zipf
frequencies from `wordfreq`, which ships its lists offline); a transcript is Dutch or English
when enough words vote and a clear majority agrees, otherwise "unsure".
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Iterable

LANGUAGES = ("nl", "en")
UNSURE = "unsure"
MARGIN = 1.0  # Zipf points by which a word must be more frequent in one language to vote
MIN_VOTES = 4  # fewer voting words: unsure
MAJORITY = 0.7  # share of the votes the winner needs
MAX_WORDS = 2000  # enough to decide; keeps a two-hour call cheap

_WORD = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)?", re.UNICODE)


def base_language(code: str) -> str:
    """The language of a language code, without its region: "en-GB", "en_US" -> "en"."""
    return code.split("-")[0].split("_")[0].lower()


@dataclass(frozen=True)
class LanguageGuess:
    """The decision and its evidence: votes per language out of the words read."""

    language: str  # "nl", "en" or "unsure"
    votes: dict
    words: int

    @property
    def sure(self) -> bool:
        return self.language != UNSURE

    def describe(self) -> str:
        counts = ", ".join(f"{k} {v}" for k, v in self.votes.items())
        return f"{self.language} ({counts} of {self.words} words)"


@lru_cache(maxsize=50_000)
def _vote(word: str) -> str | None:
    from wordfreq import zipf_frequency

    nl, en = zipf_frequency(word, "nl"), zipf_frequency(word, "en")
    if nl - en >= MARGIN:
        return "nl"
    if en - nl >= MARGIN:
        return "en"
    return None


def detect_language(text: str | Iterable[str]) -> LanguageGuess:
    """Dutch, English or unsure for a text (or an iterable of words)."""
    words = _WORD.findall((text if isinstance(text, str) else " ".join(text)).lower())[:MAX_WORDS]
    votes = {lang: 0 for lang in LANGUAGES}
    for w in words:
        v = _vote(w)
        if v is not None:
            votes[v] += 1
    total = sum(votes.values())
    best = max(votes, key=votes.get)
    language = best if total >= MIN_VOTES and votes[best] >= MAJORITY * total else UNSURE
    return LanguageGuess(language, votes, len(words))
