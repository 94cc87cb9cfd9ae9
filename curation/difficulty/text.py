"""A normalised, role-aware view of a transcript and a phrase matcher over it.

Lexicons are plain-text files in `data/` (one phrase per line, optional `| weight`,
`#` comments, a trailing `*` on a word matches any ending), so trainers can extend
them without touching code.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Iterator, Sequence

from curation.model import Transcript

from .signal import Evidence

_STRIP = "\"'“”‘’.,;:!?¡¿()[]{}<>…-–—/\\*«»"


@lru_cache(maxsize=200_000)
def normalise(token: str) -> str:
    """Lower case, no diacritics, no surrounding punctuation: 'Één,' -> 'een'."""
    t = token.lower().strip(_STRIP)
    if not t.isascii():
        t = "".join(c for c in unicodedata.normalize("NFKD", t) if not unicodedata.combining(c))
    return t


@dataclass(frozen=True)
class CallView:
    """Per-word normalised tokens and speaker roles, computed once per call."""

    transcript: Transcript
    tokens: tuple[str, ...]
    roles: tuple[str, ...]
    role_of_label: dict
    language: str = "nl"  # which lexicons apply: "nl" or "en"

    @classmethod
    def of(cls, transcript: Transcript, role_of_label: dict[str, str], language: str = "nl") -> "CallView":
        tokens = tuple(normalise(w.text) for w in transcript.words)
        roles = tuple(role_of_label.get(w.speaker, "unknown") for w in transcript.words)
        return cls(transcript, tokens, roles, role_of_label, language)

    def lexicon(self, name: str) -> "PhraseLexicon":
        """The data lexicon `name` (the Dutch file) in this call's language."""
        return PhraseLexicon.load(name, self.language)

    def words(self, name: str) -> frozenset[str]:
        return word_set(name, self.language)

    def __len__(self) -> int:
        return len(self.tokens)

    def quote(self, first: int, last: int, context: int = 3) -> str:
        """The words first..last-1 with a little context from the same speaker."""
        words = self.transcript.words
        speaker = words[first].speaker
        a = first
        while a > 0 and first - a < context and words[a - 1].speaker == speaker:
            a -= 1
        b = last
        while b < len(words) and b - last < context and words[b].speaker == speaker:
            b += 1
        text = " ".join(w.text for w in words[a:b] if w.speaker == speaker)
        return ("… " if a > 0 else "") + text + (" …" if b < len(words) else "")

    def evidence(self, first: int, last: int | None = None, context: int = 3) -> Evidence:
        last = first + 1 if last is None else last
        words = self.transcript.words
        return Evidence(self.quote(first, last, context), self.roles[first],
                        round(words[first].start, 2), round(words[last - 1].end, 2))


@dataclass(frozen=True)
class Phrase:
    words: tuple[str, ...]  # normalised; a word ending in '*' is a prefix
    weight: float
    text: str


class _Node:
    __slots__ = ("children", "wild", "prefixes", "phrase")

    def __init__(self) -> None:
        self.children: dict[str, _Node] = {}
        self.wild: list[tuple[str, _Node]] = []  # (prefix, node) for words ending in '*'
        self.prefixes: tuple[str, ...] = ()
        self.phrase: Phrase | None = None

    def child(self, word: str) -> "_Node":
        if word.endswith("*"):
            for prefix, node in self.wild:
                if prefix == word[:-1]:
                    return node
            node = _Node()
            self.wild.append((word[:-1], node))
            self.prefixes = tuple(p for p, _ in self.wild)
            return node
        return self.children.setdefault(word, _Node())

    def step(self, token: str) -> "_Node | None":
        node = self.children.get(token)
        if node is None and self.prefixes and token.startswith(self.prefixes):
            for prefix, wild in self.wild:
                if token.startswith(prefix):
                    return wild
        return node


class PhraseLexicon:
    """Multi-word phrases in a word trie, for a fast left-to-right longest-match scan."""

    def __init__(self, phrases: Sequence[Phrase]):
        self.phrases = tuple(phrases)
        self._root = _Node()
        for p in self.phrases:
            node = self._root
            for word in p.words:
                node = node.child(word)
            if node.phrase is None or p.weight > node.phrase.weight:
                node.phrase = p

    @classmethod
    def parse(cls, text: str) -> "PhraseLexicon":
        phrases = []
        for line in text.splitlines():
            line = line.split("#", 1)[0].strip()
            if not line:
                continue
            phrase, _, weight = line.partition("|")
            words = tuple(w if w.endswith("*") else normalise(w) for w in phrase.lower().split())
            if words:
                phrases.append(Phrase(words, float(weight) if weight.strip() else 1.0, phrase.strip()))
        return cls(phrases)

    @classmethod
    def load(cls, name: str, language: str = "nl") -> "PhraseLexicon":
        """A lexicon from `data/`: `name` is the Dutch file; other languages have `<stem>_<language>.txt`."""
        return _load_data_lexicon(data_name(name, language))

    def scan(self, tokens: Sequence[str]) -> Iterator[tuple[int, int, Phrase]]:
        """Yield (first, last, phrase) for the longest phrase starting at each word, left to right."""
        n, i, root = len(tokens), 0, self._root
        heads, prefixes = root.children, root.prefixes
        while i < n:
            t = tokens[i]
            if t not in heads and not (prefixes and t.startswith(prefixes)):
                i += 1
                continue
            node, j, best_j, best = root, i, 0, None
            while j < n:
                node = node.step(tokens[j])
                if node is None:
                    break
                j += 1
                if node.phrase is not None:
                    best_j, best = j, node.phrase
            if best is not None:
                yield i, best_j, best
                i = best_j
            else:
                i += 1


@lru_cache(maxsize=None)
def _load_data_lexicon(name: str) -> PhraseLexicon:
    return PhraseLexicon.parse(resources.files(__package__).joinpath("data", name).read_text("utf-8"))


LEXICON_LANGUAGES = ("nl", "en")


def data_name(name: str, language: str = "nl") -> str:
    """'complaint.txt' in English is 'complaint_en.txt'; Dutch is the unsuffixed file."""
    if language not in LEXICON_LANGUAGES:
        raise ValueError(f"no lexicons for language {language!r}")
    if language == "nl":
        return name
    stem, dot, ext = name.rpartition(".")
    return f"{stem}_{language}.{ext}"


def has_data(name: str, language: str = "nl") -> bool:
    return resources.files(__package__).joinpath("data", data_name(name, language)).is_file()


@lru_cache(maxsize=None)
def word_set(name: str, language: str = "nl") -> frozenset[str]:
    """A data file of single words (one per line) as a set of normalised tokens."""
    text = resources.files(__package__).joinpath("data", data_name(name, language)).read_text("utf-8")
    return frozenset(normalise(l.split("#", 1)[0].strip()) for l in text.splitlines() if l.split("#", 1)[0].strip())
