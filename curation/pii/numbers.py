"""Spoken numbers: Dutch and English number words and ordinals to integers.

"vierendertig" -> 34, "negentienhonderdvierentachtig" -> 1984, "twaalfde" -> 12 (ordinal).
Pure functions over lower-cased lookup keys (see `tokens.lookup_key`).
"""

from __future__ import annotations

from functools import lru_cache

NL_UNITS = {"nul": 0, "een": 1, "eén": 1, "één": 1, "twee": 2, "drie": 3, "vier": 4, "vijf": 5, "zes": 6,
            "zeven": 7, "acht": 8, "negen": 9}
NL_TEENS = {"tien": 10, "elf": 11, "twaalf": 12, "dertien": 13, "veertien": 14, "vijftien": 15, "zestien": 16,
            "zeventien": 17, "achttien": 18, "negentien": 19}
NL_TENS = {"twintig": 20, "dertig": 30, "veertig": 40, "vijftig": 50, "zestig": 60, "zeventig": 70,
           "tachtig": 80, "negentig": 90}
NL_MULTIPLIERS = {"honderd": 100, "duizend": 1000}
NL_ORDINAL_SPECIAL = {"eerste": 1, "derde": 3, "achtste": 8}

EN_UNITS = {"zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
            "eight": 8, "nine": 9}
EN_TEENS = {"ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15,
            "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19}
EN_TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80,
           "ninety": 90}
EN_MULTIPLIERS = {"hundred": 100, "thousand": 1000}
EN_ORDINALS = {"first": 1, "second": 2, "third": 3, "fifth": 5, "eighth": 8, "ninth": 9, "twelfth": 12}

# Words that are numbers only next to other numbers ("een" is also the article "a"; English "oh"
# and "o" are a zero only inside a number read digit by digit: "oh six one two ...").
WEAK_NUMBER_WORDS = frozenset({"een"})
EN_WEAK_ZERO = frozenset({"oh", "o"})
# "double six", "triple oh": the next digit (or letter) said two or three times
REPEAT_WORDS = {"en": {"double": 2, "triple": 3}, "nl": {"dubbel": 2, "dubbele": 2}}


def _nl_below_100(s: str) -> int | None:
    v = NL_UNITS.get(s)
    if v is not None:
        return v
    v = NL_TEENS.get(s)
    if v is not None:
        return v
    v = NL_TENS.get(s)
    if v is not None:
        return v
    i = s.find("en", 3)
    while i > 0:
        unit, tens = s[:i], s[i + 2:]
        if unit in NL_UNITS and tens in NL_TENS and NL_UNITS[unit] > 0:
            return NL_UNITS[unit] + NL_TENS[tens]
        i = s.find("en", i + 1)
    return None


def _nl_below_1000(s: str) -> int | None:
    i = s.find("honderd")
    if i < 0:
        return _nl_below_100(s)
    head, tail = s[:i], s[i + 7:]
    h = 1 if head in ("", "een") else _nl_below_100(head)
    if not h:
        return None
    if tail.startswith("en") and _nl_below_100(tail[2:]) is not None:
        tail = tail[2:]
    t = 0 if tail == "" else _nl_below_100(tail)
    return None if t is None else h * 100 + t


@lru_cache(maxsize=16384)
def nl_number(s: str) -> int | None:
    """Integer value of one Dutch cardinal number word, or None."""
    if not s.isalpha() or len(s) < 3:
        return None
    i = s.find("duizend")
    if i < 0:
        value = _nl_below_1000(s)
        return value if value is not None else _nl_year(s)
    head, tail = s[:i], s[i + 7:]
    h = 1 if head in ("", "een") else _nl_below_1000(head)
    if not h:
        return None
    if tail.startswith("en") and _nl_below_1000(tail[2:]) is not None:
        tail = tail[2:]
    t = 0 if tail == "" else _nl_below_1000(tail)
    return None if t is None else h * 1000 + t


# a year said as one word of its two halves: "negentienzeventig" 1970, "twintigtwintig" 2020 (no cardinal is
# spelled so; a second half below ten, "negentienacht", is left alone: 1908 is said "negentienhonderdacht")
YEAR_HEADS = {**{k: v for k, v in NL_TEENS.items() if v >= 11}, "twintig": 20}


def _nl_year(s: str) -> int | None:
    for head, century in YEAR_HEADS.items():
        if s.startswith(head) and len(s) > len(head):
            rest = _nl_below_100(s[len(head):])
            if rest is not None and rest >= 10:
                return century * 100 + rest
    return None


@lru_cache(maxsize=4096)
def nl_ordinal(s: str) -> int | None:
    """Integer value of a Dutch ordinal word ("twaalfde" -> 12), or None."""
    if s in NL_ORDINAL_SPECIAL:
        return NL_ORDINAL_SPECIAL[s]
    if s.endswith("ste") and len(s) > 5:
        return nl_number(s[:-3])
    if s.endswith("de") and len(s) > 4:
        return nl_number(s[:-2])
    return None


@lru_cache(maxsize=4096)
def en_number(s: str) -> int | None:
    """Integer value of one English number word ("forty-two" -> 42), or None."""
    for table in (EN_UNITS, EN_TEENS, EN_TENS, EN_MULTIPLIERS):
        if s in table:
            return table[s]
    if "-" in s:
        tens, _, unit = s.partition("-")
        if tens in EN_TENS and unit in EN_UNITS and EN_UNITS[unit] > 0:
            return EN_TENS[tens] + EN_UNITS[unit]
    return None


@lru_cache(maxsize=4096)
def en_ordinal(s: str) -> int | None:
    """Integer value of an English ordinal word ("third" -> 3, "twenty-first" -> 21), or None."""
    if s in EN_ORDINALS:
        return EN_ORDINALS[s]
    if "-" in s:
        tens, _, unit = s.partition("-")
        u = en_ordinal(unit)
        return EN_TENS[tens] + u if tens in EN_TENS and u is not None and 0 < u < 10 else None
    if s.endswith("th") and len(s) > 4:
        base = s[:-2]
        if base.endswith("ie"):
            base = base[:-2] + "y"
        return en_number(base)
    return None


def number_value(key: str, language: str) -> int | None:
    return nl_number(key) if language == "nl" else en_number(key)


def ordinal_value(key: str, language: str) -> int | None:
    return nl_ordinal(key) if language == "nl" else en_ordinal(key)


def is_multiplier(key: str, language: str) -> bool:
    """True for "honderd"/"duizend" (and "hundred"/"thousand") written as a word of their own."""
    return key in (NL_MULTIPLIERS if language == "nl" else EN_MULTIPLIERS)
