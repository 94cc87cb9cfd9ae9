"""English spoken numbers, amounts and dates in normalised transcript tokens (the English
counterpart of `numbers`, giving the same `Mention` values: amounts, and dates as month*100 + day)."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Sequence

from curation.vocabulary import MONTHS_EN

from .numbers import Mention, Number

_UNITS = {w: i for i, w in enumerate("zero one two three four five six seven eight nine".split())}
_TEENS = {w: i + 10 for i, w in enumerate(
    "ten eleven twelve thirteen fourteen fifteen sixteen seventeen eighteen nineteen".split())}
_TENS = {w: (i + 2) * 10 for i, w in enumerate("twenty thirty forty fifty sixty seventy eighty ninety".split())}
_SCALES = {"hundred": 100, "thousand": 1000, "million": 1_000_000}
_ORDINALS = {"first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7, "eighth": 8,
             "ninth": 9, "tenth": 10, "eleventh": 11, "twelfth": 12, "thirteenth": 13, "fourteenth": 14,
             "fifteenth": 15, "sixteenth": 16, "seventeenth": 17, "eighteenth": 18, "nineteenth": 19,
             "twentieth": 20, "thirtieth": 30}
MONTHS = {name: n for n, name in enumerate(MONTHS_EN, 1)}
CURRENCY = {"dollar", "dollars", "euro", "euros", "pound", "pounds", "bucks", "usd", "eur", "gbp"}
CENTS = {"cent", "cents", "pence", "p"}
_DIGITS = re.compile(r"^[$€£]?(\d{1,7})(?:[.,](\d{1,2}))?(?:st|nd|rd|th)?$")


@lru_cache(maxsize=20_000)
def parse_number_word(token: str) -> int | None:
    """'seven' -> 7, 'forty' -> 40, 'twenty-one' (normalised 'twenty-one' or 'twentyone') -> 21."""
    for sep in ("-", ""):
        for tens, value in _TENS.items():
            if token.startswith(tens + sep) and token[len(tens) + len(sep):] in _UNITS and token != tens:
                unit = _UNITS[token[len(tens) + len(sep):]]
                return value + unit if unit else None
    return _UNITS.get(token, _TEENS.get(token, _TENS.get(token, _SCALES.get(token))))


def parse_ordinal(token: str) -> int | None:
    """'third' -> 3, 'twenty-first' -> 21, '3rd' -> 3."""
    digits = re.fullmatch(r"(\d{1,2})(?:st|nd|rd|th)", token)
    if token in _ORDINALS or digits:
        return _ORDINALS.get(token) or int(digits.group(1))
    for tens, value in _TENS.items():
        rest = token[len(tens):].lstrip("-")
        if token.startswith(tens) and rest in _ORDINALS and _ORDINALS[rest] < 10:
            return value + _ORDINALS[rest]
    return None


def find_numbers(tokens: Sequence[str]) -> list[Number]:
    """Every number: digit forms ('110', '$110.50') and word forms ('one hundred and ten')."""
    out: list[Number] = []
    i, n = 0, len(tokens)
    while i < n:
        m = _DIGITS.match(tokens[i])
        if m:
            out.append(Number(float(m.group(1)) + (float("0." + m.group(2)) if m.group(2) else 0.0), i, i + 1))
            i += 1
            continue
        v = parse_number_word(tokens[i])
        if tokens[i] == "a" and i + 1 < n and tokens[i + 1] in _SCALES:  # 'a hundred'
            v = 1
        if v is None or (v in (100, 1000, 1_000_000)):
            i += 1
            continue
        total, current, j = 0, v, i + 1
        while j < n:
            tok = tokens[j]
            if tok == "and" and j + 1 < n and parse_number_word(tokens[j + 1]) is not None \
                    and total + current >= 100:
                j += 1
                continue
            nxt = parse_number_word(tok)
            if nxt is None:
                break
            if nxt in (100, 1000, 1_000_000):
                if current >= nxt:
                    break
                current *= nxt
                if nxt >= 1000:
                    total, current = total + current, 0
            elif current % 100 == 0 and nxt < 100 or (current % 10 == 0 and 20 <= current % 100 and nxt < 10):
                current += nxt
            else:
                break
            j += 1
        out.append(Number(float(total + current), i, j))
        i = j
    return out


def find_mentions(tokens: Sequence[str]) -> list[Mention]:
    """Amounts ('a hundred and ten dollars', '$110', 'forty five euros fifty') and dates ('march third',
    'the third of march', 'march 3')."""
    out: list[Mention] = []
    nums = find_numbers(tokens)
    for num in nums:
        after = tokens[num.last] if num.last < len(tokens) else ""
        raw = tokens[num.first]
        if after in CURRENCY or raw[:1] in "$€£":
            out.append(Mention("amount", round(num.value, 2), num.first, num.last + (after in CURRENCY)))
    covered = {k for m in out for k in range(m.first, m.last)}
    for i, tok in enumerate(tokens):
        if tok not in MONTHS or i in covered:
            continue
        nxt = tokens[i + 1] if i + 1 < len(tokens) else ""
        day = parse_ordinal(nxt) or (int(nxt) if nxt.isdigit() and 1 <= int(nxt) <= 31 else None)
        if day:
            out.append(Mention("date", MONTHS[tok] * 100 + day, i, i + 2))
            continue
        if i >= 2 and tokens[i - 1] == "of" and parse_ordinal(tokens[i - 2]):
            out.append(Mention("date", MONTHS[tok] * 100 + parse_ordinal(tokens[i - 2]), i - 2, i + 1))
    return sorted(out, key=lambda m: m.first)
