"""Spoken-form normaliser: number words, digit groups and spelled letters to canonical codes.

A transcript says "nul zes twaalf vierendertig" or "N L negen een A van Anton ..."; recognizers
want "0612 34..." and "NL91A...". `normalise(text)` groups tokens into *units* (one number, one
spelled letter, one code) and joins adjacent code units into *runs* ("0612345678", "1234AB").
Every character of a run or of the word view maps back to the original tokens, so a regex match
on the canonical form becomes a span on the original string.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass
from functools import cached_property, lru_cache

from curation.pii.numbers import (EN_TENS, EN_WEAK_ZERO, REPEAT_WORDS, WEAK_NUMBER_WORDS, is_multiplier, number_value,
                                  ordinal_value)
from curation.pii.tokens import Token, tokenize
from curation.vocabulary import MONTH_NAMES

# unit kinds
WORD, NUM, NUMW, ORD, ALNUM, LETTER, SPELL, CAPS, CONN, PLUS, WEAK = (
    "word", "num", "numw", "ord", "alnum", "letter", "spell", "caps", "conn", "plus", "weak")
NUMERIC = frozenset({NUM, NUMW})
STRONG_CODE = frozenset({NUM, NUMW, ALNUM, LETTER, SPELL})
LETTERS = frozenset({LETTER, SPELL})

_DIGITS = re.compile(r"\+?\d+(?:[-./]\d+)*\Z")
_DIGIT_ORDINAL = re.compile(r"(\d{1,2})(?:e|ste|de|th|st|nd|rd)\Z")  # "3rd", "12de"
_ALNUM = re.compile(r"[A-Za-z0-9]+(?:[-./][A-Za-z0-9]+)*\Z")
_HAS_DIGIT = re.compile(r"\d")
_CAPS = re.compile(r"[A-Z]{2,4}\Z")
_SEPARATORS = str.maketrans("", "", "-./")

SPELL_LINKS = {"nl": frozenset({"van", "als", "voor", "zoals"}), "en": frozenset({"for", "as", "like"})}
CONNECTOR_WORDS = frozenset({"-", "–", "streepje", "koppelteken", "dash", "hyphen", "/"})
PLUS_WORDS = frozenset({"plus", "+"})
WEAK_LETTERS = {"nl": frozenset({"u", "o", "'t", "'s", "'n"}), "en": frozenset({"a", "i", "o"})}
# all-caps words that are not codes even next to a number
NOT_CODES = frozenset({"BSN", "IBAN", "OK", "KVK", "BTW", "EUR", "CET", "ING", "ABN", "SNS", "ASN", "KPN", "BV", "NV", "VVE", "CJIB", "UWV", "SVB", "DUO", "RDW"})
BANK_CODES = frozenset({"abna", "ingb", "rabo", "snsb", "asnb", "knab", "bunq", "trio", "rbrb", "fvlb",
                        "hand", "revo", "ntsb", "buut", "adyb", "frbk", "lpln", "triodos"})


@lru_cache(maxsize=1)
def _spelling_words() -> frozenset[str]:
    from curation.pii.lookups import DATA, read_list

    return frozenset(read_list(DATA / "spelling_alphabet.txt"))


@dataclass(frozen=True, slots=True)
class Unit:
    """Tokens tokens[first:last] read as one thing: a word, a number, a spelled letter, a code."""

    kind: str
    canon: str
    start: int
    end: int
    first: int
    last: int
    value: int | None = None
    tail: bool = False  # a trailing "een" that may be the article of the next sentence


@dataclass(frozen=True, slots=True)
class Run:
    """Adjacent code units joined without spaces: `canon` is e.g. "0612345678" or "NL91ABNA0417164300"."""

    canon: str
    units: tuple[Unit, ...]
    offsets: tuple[int, ...]  # canon offset where each unit starts

    @property
    def has_digit(self) -> bool:
        return any(u.kind in NUMERIC or u.kind == ALNUM for u in self.units)

    @property
    def spelled_only(self) -> bool:
        return all(u.kind in LETTERS for u in self.units)

    def span(self, i: int, j: int) -> tuple[int, int]:
        """Original (start, end) of canon[i:j], widened to whole units."""
        a = bisect_right(self.offsets, i) - 1
        b = bisect_right(self.offsets, max(i, j - 1)) - 1
        return self.units[a].start, self.units[b].end

    def unit_range(self, i: int, j: int) -> tuple[int, int]:
        """Indices (a, b) into `units` covering canon[i:j] (b exclusive)."""
        return bisect_right(self.offsets, i) - 1, bisect_right(self.offsets, max(i, j - 1))

    @property
    def start(self) -> int:
        return self.units[0].start

    @property
    def end(self) -> int:
        return self.units[-1].end


@dataclass(frozen=True)
class Normalised:
    """The canonical views of one text."""

    text: str
    tokens: tuple[Token, ...]
    units: tuple[Unit, ...]
    runs: tuple[Run, ...]
    words: str  # units' canonical forms joined by single spaces ("12 maart 1984")
    word_offsets: tuple[int, ...]  # start of each unit in `words`
    unit_of_token: tuple[int, ...]  # index of the unit each token belongs to
    alternatives: tuple[Run, ...] = ()  # runs without an ambiguous trailing "een"

    @property
    def validation_runs(self) -> tuple[Run, ...]:
        """Runs for recognizers that validate (checksum, elfproef, phone plan): alternatives included."""
        return self.runs + self.alternatives if self.alternatives else self.runs

    @cached_property
    def token_starts(self) -> tuple[int, ...]:
        return tuple(t.start for t in self.tokens)

    def token_at(self, offset: int) -> int | None:
        """Index of the token that starts at or before `offset` (None before the first)."""
        k = bisect_right(self.token_starts, offset) - 1
        return k if k >= 0 else None

    def words_span(self, i: int, j: int) -> tuple[int, int]:
        """Original (start, end) of words[i:j], widened to whole units."""
        a = bisect_right(self.word_offsets, i) - 1
        b = bisect_right(self.word_offsets, max(i, j - 1)) - 1
        return self.units[a].start, self.units[b].end

    def words_unit_range(self, i: int, j: int) -> tuple[int, int]:
        return bisect_right(self.word_offsets, i) - 1, bisect_right(self.word_offsets, max(i, j - 1))


def _classify(text: str, tokens: tuple[Token, ...], language: str) -> list[Unit]:
    """First pass: one unit per token, spelled letters ("D van Dirk") merged into one unit."""
    links = SPELL_LINKS.get(language, SPELL_LINKS["nl"])
    weak_letters = WEAK_LETTERS.get(language, WEAK_LETTERS["nl"])
    repeats = REPEAT_WORDS.get(language, {})
    units: list[Unit] = []
    n = len(tokens)
    i = 0
    while i < n:
        t = tokens[i]
        core, key = t.text, t.key
        kind, canon, value, last = WORD, key, None, i + 1
        if key in repeats and i + 1 < n and (said := _repeatable(tokens[i + 1], language)) is not None:
            kind, canon = said  # "double six" -> 66, "double L" -> LL
            canon *= repeats[key]
            value = int(canon) if kind == NUMW else None
            last = i + 2
        elif language == "en" and key in EN_WEAK_ZERO and not (i + 1 < n and tokens[i + 1].key in links):
            kind, canon, value = WEAK, "0", 0  # "oh six one two ...": a zero only among other digits
        elif len(core) == 1 and core.isalpha() or key == "ij":
            # a spelled letter, possibly "D van Dirk" / "D als in Dirk"
            weak = key in weak_letters and not (core.isupper() and key != "u")
            kind, canon = (WEAK if weak else LETTER), core.upper()
            j = i + 1
            if j < n and tokens[j].key in links:
                j += 1
                if j < n and tokens[j].key == "in":
                    j += 1
                if j < n and tokens[j].key.startswith(key) and len(tokens[j].key) > 1 and (
                        tokens[j].text[:1].isupper() or tokens[j].key in _spelling_words()):
                    kind, last = SPELL, j + 1
        elif core[0].isdigit() or core[0] == "+":
            if (o := _DIGIT_ORDINAL.match(key)) is not None:
                kind, canon, value = ORD, o.group(1), int(o.group(1))
            elif _DIGITS.match(core):
                kind, canon = NUM, core.translate(_SEPARATORS)
                if len(canon) <= 6 and canon.isdigit():
                    value = int(canon)
                if text[t.raw_start] in "€$£":
                    kind = WORD  # an amount, never a code
            elif _ALNUM.match(core):
                kind, canon = ALNUM, core.translate(_SEPARATORS).upper()
        elif _HAS_DIGIT.search(core) and _ALNUM.match(core):
            kind, canon = ALNUM, core.translate(_SEPARATORS).upper()
        elif key in CONNECTOR_WORDS:
            kind, canon = CONN, ""
        elif key in PLUS_WORDS:
            kind, canon = PLUS, "+"
        elif key in BANK_CODES:
            kind, canon = CAPS, key.upper()
        elif _CAPS.match(core) and core not in NOT_CODES:
            kind, canon = CAPS, core
        else:
            v = number_value(key, language)
            if v is not None:
                kind, canon, value = (WEAK if key in WEAK_NUMBER_WORDS else NUMW), str(v), v
            else:
                o = ordinal_value(key, language)
                if o is not None:
                    kind, canon, value = ORD, str(o), o
        units.append(Unit(kind, canon, t.start, tokens[last - 1].end, i, last, value))
        i = last
    return units


def _repeatable(token: Token, language: str) -> tuple[str, str] | None:
    """(kind, canon) of a digit or letter that "double"/"triple" can repeat, else None."""
    key = token.key
    if len(key) == 1 and key.isalpha() and not (language == "en" and key == "o"):
        return LETTER, key.upper()
    if len(key) == 1 and key.isdigit():
        return NUMW, key
    v = 0 if language == "en" and key in EN_WEAK_ZERO else number_value(key, language)
    return (NUMW, str(v)) if v is not None and 0 <= v <= 9 else None


def _combine_numbers(units: list[Unit], tokens, language: str) -> list[Unit]:
    """Merge "negentienhonderd vierentachtig" -> 1984, "vier honderd" -> 400, "tweeduizend en vijf" -> 2005."""
    out: list[Unit] = []
    for u in units:
        prev = out[-1] if out else None
        if prev is not None and prev.kind == NUMW and not tokens[u.first].sentence_start:
            key = tokens[u.first].key
            if u.kind == NUMW and is_multiplier(key, language) and 0 < prev.value < 100:
                v = prev.value * u.value
                out[-1] = Unit(NUMW, str(v), prev.start, u.end, prev.first, u.last, v)
                continue
            # a weak letter ("honderd u", "duizend o") has no value: it is no part of the number
            if u.kind in (NUMW, WEAK) and u.value is not None and prev.value >= 100 and prev.value % 100 == 0 \
                    and u.value < 100 \
                    and _made_with_multiplier(tokens, prev):
                v = prev.value + u.value
                out[-1] = Unit(NUMW, str(v), prev.start, u.end, prev.first, u.last, v)
                continue
            if language == "en" and u.kind in (NUMW, ORD) and prev.last - prev.first == 1 \
                    and tokens[prev.first].key in EN_TENS and 0 < (u.value or 0) < 10 \
                    and u.last - u.first == 1 and tokens[u.first].key not in EN_WEAK_ZERO:
                v = prev.value + u.value  # "fifty four" -> 54, "twenty first" -> 21st
                out[-1] = Unit(u.kind, str(v), prev.start, u.end, prev.first, u.last, v)
                continue
        out.append(u)
    return out


def _made_with_multiplier(tokens, unit: Unit) -> bool:
    last = tokens[unit.last - 1].key
    return last.endswith(("honderd", "duizend", "hundred", "thousand"))


# after "een", these words make it the article "a", not the digit 1 ("... acht. Een moment")
ARTICLE_NOUNS = frozenset({"moment", "momentje", "ogenblik", "ogenblikje", "seconde", "secondje", "minuut", "minuutje",
                           "vraag", "vraagje", "keer", "paar", "beetje", "klein", "kleine", "heel", "nieuwe", "nieuw",
                           "andere", "ander", "goede", "fijne", "prettige"})
MONTH_WORDS = MONTH_NAMES
_CODEISH = STRONG_CODE | {CAPS}


def _resolve_weak(units: list[Unit], tokens) -> list[Unit]:
    """"een" is a digit and "u" a letter only between other code units; CAPS words only next to one."""
    n = len(units)
    kinds = [NUMW if u.kind == WEAK and u.value is not None else u.kind for u in units]  # optimistic "een"
    out = list(units)
    for i, u in enumerate(units):
        prev_k = out[i - 1].kind if i else WORD
        next_k = kinds[i + 1] if i + 1 < n else WORD
        if u.kind == WEAK:
            if u.value is not None:  # "een"
                nxt2 = kinds[i + 2] if i + 2 < n else WORD
                tok = tokens[u.first]
                next_key = tokens[units[i + 1].first].key if i + 1 < n else ""
                tail = False
                if next_k in NUMERIC and (nxt2 in _CODEISH or prev_k in _CODEISH):
                    code = True  # "een twee drie", "G L een drie"
                elif prev_k in _CODEISH and next_k in _CODEISH:
                    code = True
                elif next_key in MONTH_WORDS:
                    code = True  # "een augustus"
                elif next_k in LETTERS and nxt2 in _CODEISH:
                    code = True  # "een K L nul negen zeven"
                elif prev_k in _CODEISH:
                    code = not tok.is_cap and next_key not in ARTICLE_NOUNS
                    tail = code
                else:
                    code = False
                kinds[i] = NUMW if code else WORD
                out[i] = Unit(NUMW if code else WORD, u.canon if code else tok.key, u.start, u.end, u.first,
                              u.last, u.value if code else None, tail)
            else:  # "u", "o": letters only between letters or codes ("O O S T E R"), "u" on both sides
                nxt = next_k if next_k != WEAK else (kinds[i + 2] if i + 2 < n else WORD)
                if tokens[u.first].key == "u":
                    code = prev_k in STRONG_CODE and next_k in STRONG_CODE
                else:
                    code = (prev_k in STRONG_CODE and (next_k in STRONG_CODE or next_k == WEAK)) or (
                        next_k in STRONG_CODE or (next_k == WEAK and nxt in STRONG_CODE)) and prev_k != WORD \
                        or (prev_k == WORD and (next_k in LETTERS or next_k == WEAK) and nxt in LETTERS)
                kinds[i] = LETTER if code else WORD
                out[i] = Unit(LETTER if code else WORD, u.canon if code else u.canon.lower(), u.start, u.end,
                              u.first, u.last)
        elif u.kind == CAPS and prev_k not in STRONG_CODE and next_k not in STRONG_CODE \
                and not (next_k == CAPS and i + 2 < n and kinds[i + 2] in STRONG_CODE) \
                and not (prev_k == CAPS and i >= 2 and kinds[i - 2] in STRONG_CODE):
            out[i] = Unit(WORD, u.canon.lower(), u.start, u.end, u.first, u.last)
    return out


def _comma_break(text: str, tokens, prev: Unit, unit: Unit) -> bool:
    """A comma between two written numbers ends the code ("Kerkstraat 12, 1234 AB"); between
    number words it is only a pause in reading ("nul zes, twaalf, vierendertig")."""
    return prev.kind in (NUM, ALNUM) and unit.kind in (NUM, ALNUM) and text[tokens[prev.last - 1].raw_end - 1] in ",;"


_RUN_KINDS = frozenset({NUM, NUMW, ALNUM, LETTER, SPELL, CAPS, CONN, PLUS})


def _run(units: list[Unit]) -> Run:
    offsets, pos = [], 0
    for u in units:
        offsets.append(pos)
        pos += len(u.canon)
    return Run("".join(u.canon for u in units), tuple(units), tuple(offsets))


def _runs(text: str, units: list[Unit], tokens) -> tuple[list[Run], list[Run]]:
    """Code runs, and for runs ending in an ambiguous "een" the run without it."""
    runs: list[Run] = []
    alternatives: list[Run] = []
    current: list[Unit] = []

    def flush():
        while current and current[-1].kind in (CONN, PLUS):
            current.pop()
        while current and current[0].kind == CONN:
            current.pop(0)
        if current:
            runs.append(_run(current))
            if len(current) > 1 and current[-1].tail:
                alternatives.append(_run(current[:-1]))
        current.clear()

    for u in units:
        if u.kind in _RUN_KINDS and not (current and (tokens[u.first].sentence_start or _comma_break(text, tokens, current[-1], u))):
            current.append(u)
        else:
            flush()
            if u.kind in _RUN_KINDS:
                current.append(u)
    flush()
    return runs, alternatives


@lru_cache(maxsize=8)
def normalise(text: str, language: str = "nl") -> Normalised:
    """Canonical views of `text` (cached: all recognizers of one analysis share it)."""
    tokens = tokenize(text)
    units = _resolve_weak(_combine_numbers(_classify(text, tokens, language), tokens, language), tokens)
    runs, alternatives = _runs(text, units, tokens)
    offsets, pos = [], 0
    for u in units:
        offsets.append(pos)
        pos += len(u.canon) + 1
    words = " ".join(u.canon for u in units)
    unit_of_token = [0] * len(tokens)
    for k, u in enumerate(units):
        for t in range(u.first, u.last):
            unit_of_token[t] = k
    return Normalised(text, tokens, tuple(units), tuple(runs), words, tuple(offsets), tuple(unit_of_token),
                      tuple(alternatives))
