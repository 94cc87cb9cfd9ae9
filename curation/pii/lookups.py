"""Lookup lists: Dutch first names, surnames, streets and places from deduce's shipped plain-text
lists (read directly, no `Deduce()` object), plus our own word lists in `curation/pii/data/`.

Loaded once per process (~0.3 s to build, ~0.2 s from the cache folder); nothing is written next to
any installed package.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from functools import lru_cache

from curation.pii.lists import DATA, deduce_lookup_dir, read_list
from curation.pii.tokens import lookup_key

log = logging.getLogger(__name__)


def _keys(items) -> frozenset[str]:
    return frozenset(lookup_key(s) for s in items)


@dataclass(frozen=True)
class Lexicon:
    """Everything the name and place recognizers look up, as lookup keys (see `lookup_key`)."""

    first_names: frozenset[str]
    surnames: frozenset[str]
    interfixes: frozenset[str]  # multi-word ones joined by single spaces ("van der")
    streets: frozenset[str]
    street_first: dict  # first token of a multi-word street -> its longest length in tokens
    places: frozenset[str]
    place_first: dict
    common_words: frozenset[str]  # ordinary words: a name match on them needs more evidence
    not_names: frozenset[str]  # never a name (greetings, months, company and product names...)
    stop_words: frozenset[str] = frozenset()  # function words (spaCy's Dutch and English stop lists)
    stop_words_nl: frozenset[str] = frozenset()
    common_words_nl: frozenset[str] = frozenset()  # Dutch ordinary words only
    verbs_and_function_words: frozenset[str] = frozenset()  # never a surname, even capitalised ("Johnson Said")
    interfix_surnames: frozenset[str] = frozenset()  # said after a tussenvoegsel ("vries", "linden", "jong")


def _first_index(entries: frozenset[str]) -> dict:
    index: dict[str, int] = {}
    for e in entries:
        parts = e.split(" ")
        if index.get(parts[0], 0) < len(parts):
            index[parts[0]] = len(parts)
    return index


@lru_cache(maxsize=1)
def lexicon() -> Lexicon:
    """The lists, once per process: from our cache folder when the detector (its fingerprint: package
    versions, our lists and code) is the one that wrote it, else built (and cached for the next process)."""
    from curation.pii.fingerprint import fingerprint
    from curation.pii.lists import cache_dir, cached

    return cached(cache_dir() / f"lexicon-{fingerprint()}.pickle", _build, Lexicon)


def _build() -> Lexicon:
    src = deduce_lookup_dir()
    names = src / "names"
    first = read_list(names / "lst_first_name/items.txt")
    interfix_surnames = read_list(names / "lst_interfix_surname/items.txt")
    surnames = read_list(names / "lst_surname/items.txt") + interfix_surnames
    interfixes = read_list(names / "lst_interfix/items.txt") + read_list(DATA / "interfixes.txt")
    streets = _keys(read_list(src / "locations/lst_street/items.txt"))
    places = _keys(read_list(src / "locations/lst_placename/lst_residence/items.txt")
                   + read_list(src / "locations/lst_placename/lst_municipality/items.txt"))
    # a transcript writes "nieuw vennep", "etten leur" for Nieuw-Vennep, Etten-Leur
    places |= frozenset(p.replace("-", " ") for p in places if "-" in p.strip("-'"))
    common_nl = _keys(read_list(src / "whitelist/lst_common_word/items.txt")
                      + read_list(src / "whitelist/lst_stop_word/items.txt") + read_list(DATA / "common_words_nl.txt"))
    common = common_nl | _keys(read_list(DATA / "common_words_en.txt"))
    from spacy.lang.en.stop_words import STOP_WORDS as EN_STOP
    from spacy.lang.nl.stop_words import STOP_WORDS as NL_STOP

    stop = _keys(NL_STOP) | _keys(EN_STOP)
    common |= stop
    # every Dutch function word, verb and adjective form is an ordinary word too ("mee", "werken", "dijken")
    from curation.pii.gazetteer import gazetteer

    g = gazetteer()
    ordinary = frozenset(k for k, c in (g.word_class or {}).items() if c != "noun")
    common |= ordinary | frozenset(k for k, c in (g.word_class_en or {}).items() if c != "noun")
    common_nl |= ordinary
    verbs = frozenset(k for table in (g.word_class or {}, g.word_class_en or {}) for k, c in table.items()
                      if c in ("verb", "function"))
    not_names = _keys(read_list(DATA / "not_names.txt"))
    lex = Lexicon(
        first_names=_keys(first), surnames=_keys(surnames), interfixes=_keys(interfixes),
        streets=streets, street_first=_first_index(streets), places=places, place_first=_first_index(places),
        common_words=frozenset(common), not_names=not_names, stop_words=stop, stop_words_nl=_keys(NL_STOP),
        common_words_nl=common_nl | _keys(NL_STOP), verbs_and_function_words=verbs | stop,
        interfix_surnames=_keys(interfix_surnames),
    )
    log.debug("PII lexicon: %d first names, %d surnames, %d streets, %d places",
              len(lex.first_names), len(lex.surnames), len(lex.streets), len(lex.places))
    return lex


def longest_match(keys: list[str], i: int, entries: frozenset[str], first_index: dict) -> int:
    """Number of tokens (0 if none) of the longest entry starting at keys[i]."""
    longest = first_index.get(keys[i], 0)
    for n in range(min(longest, len(keys) - i), 0, -1):
        if (keys[i] if n == 1 else " ".join(keys[i:i + n])) in entries:
            return n
    return 0


@lru_cache(maxsize=1)
def spoken_not_names() -> frozenset[str]:
    """Words on the name lists that, said in lower case, are ordinary words ("nadien", "koop", "iban"):
    never a name or place in text without capitals (`data/spoken_not_names.txt`)."""
    return frozenset(lookup_key(w) for w in read_list(DATA / "spoken_not_names.txt"))
