"""Number words and the Dutch spelling alphabet for the corpus, and deduce's name, street and
place lists (read from its shipped plain-text files, without building a `deduce.Deduce()`):
those are the PII recognizers' own lists, used only with `names="deduce"` (a mirror for
pipeline checks); the default lists are in `names`. Loaded once per process."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from pathlib import Path

from num2words import num2words

from .errors import CorpusError

SPELLING_ALPHABET = {
    "A": "Anton", "B": "Bernard", "C": "Cornelis", "D": "Dirk", "E": "Eduard", "F": "Ferdinand",
    "G": "Gerard", "H": "Hendrik", "I": "Izaak", "J": "Johan", "K": "Karel", "L": "Lodewijk",
    "M": "Maria", "N": "Nico", "O": "Otto", "P": "Pieter", "Q": "Quirinus", "R": "Rudolf",
    "S": "Simon", "T": "Teunis", "U": "Utrecht", "V": "Victor", "W": "Willem", "X": "Xantippe",
    "Y": "Ypsilon", "Z": "Zaandam",
}
LETTER_NAMES = {  # how a letter is said on its own
    "A": "a", "B": "bee", "C": "cee", "D": "dee", "E": "ee", "F": "ef", "G": "gee", "H": "ha",
    "I": "i", "J": "jee", "K": "ka", "L": "el", "M": "em", "N": "en", "O": "o", "P": "pee",
    "Q": "ku", "R": "er", "S": "es", "T": "tee", "U": "u", "V": "vee", "W": "wee", "X": "iks",
    "Y": "ei", "Z": "zet",
}
MONTHS = ["januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus",
          "september", "oktober", "november", "december"]
# tussenvoegsels that combine with deduce's lst_interfix_surname entries
INTERFIXES = ["van", "van der", "van den", "van de", "de", "den", "ter", "ten", "van 't", "in 't", "op den", "te"]

_STREET_SUFFIX = re.compile(r"(straat|weg|laan|plein|gracht|kade|dijk|singel|pad|hof|steeg|dreef|park|markt|veld|erf)$")
_WORD = re.compile(r"^[A-Z][a-zéëèïöü]+$")


def number_words(n: int) -> str:
    """Dutch number as one word, as it is said: 34 -> 'vierendertig'."""
    return num2words(n, lang="nl").replace("één", "een") if n != 1 else "een"


def year_words(year: int) -> str:
    """A year the way people say it: 1954 -> 'negentien vierenvijftig', 2003 -> 'tweeduizend drie'."""
    if 1100 <= year < 2000:
        rest = year % 100
        return f"{number_words(year // 100)} {number_words(rest) if rest else 'honderd'}"
    rest = year - 2000
    return "tweeduizend" + (f" {number_words(rest)}" if rest else "")


@dataclass(frozen=True)
class DutchLists:
    first_names: tuple[str, ...]
    surnames: tuple[str, ...]
    interfix_surnames: tuple[str, ...]
    streets: tuple[str, ...]
    places: tuple[str, ...]


def _lookup_dir() -> Path:
    import importlib.util

    spec = importlib.util.find_spec("deduce")
    if spec is None or not spec.submodule_search_locations:
        raise CorpusError("callcorpus needs the 'deduce' package for its Dutch name and place lists")
    return Path(list(spec.submodule_search_locations)[0]) / "data" / "lookup" / "src"


def _items(path: Path) -> list[str]:
    return [line.strip() for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


@functools.lru_cache(maxsize=1)
def dutch_lists() -> DutchLists:
    """Plausible entries from deduce's lists, sorted so that draws are reproducible."""
    src = _lookup_dir()
    first = [w for w in _items(src / "names/lst_first_name/items.txt") if _WORD.match(w) and 3 <= len(w) <= 9]
    last = [w for w in _items(src / "names/lst_surname/items.txt") if _WORD.match(w) and 3 <= len(w) <= 11]
    inter = [w for w in _items(src / "names/lst_interfix_surname/items.txt") if _WORD.match(w) and 3 <= len(w) <= 11]
    streets = []
    for s in _items(src / "locations/lst_street/items.txt"):
        parts = s.split(" ")
        if len(parts) <= 2 and all(_WORD.match(p) for p in parts) and _STREET_SUFFIX.search(s) and 6 <= len(s) <= 22:
            streets.append(s)
    places = [p for p in _items(src / "locations/lst_placename/lst_residence/items.txt")
              if all(_WORD.match(w) for w in p.split(" ")) and len(p.split(" ")) <= 2 and 4 <= len(p) <= 16]
    return DutchLists(*(tuple(sorted(set(x))) for x in (first, last, inter, streets, places)))
