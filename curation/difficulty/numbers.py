"""Dutch spoken numbers, amounts and dates in normalised transcript tokens.

Our own small parser (validated against text2num in the tests) because we need the word
positions of every number, which text2num's string API does not give.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Sequence

from curation.vocabulary import MONTH_OF_NL

_UNITS = {"nul": 0, "een": 1, "twee": 2, "drie": 3, "vier": 4, "vijf": 5, "zes": 6, "zeven": 7,
          "acht": 8, "negen": 9}
_TEENS = {"tien": 10, "elf": 11, "twaalf": 12, "dertien": 13, "veertien": 14, "vijftien": 15,
          "zestien": 16, "zeventien": 17, "achttien": 18, "negentien": 19}
_TENS = {"twintig": 20, "dertig": 30, "veertig": 40, "vijftig": 50, "zestig": 60, "zeventig": 70,
         "tachtig": 80, "negentig": 90}
_SCALES = (("miljoen", 1_000_000), ("duizend", 1000), ("honderd", 100))
MONTHS = MONTH_OF_NL
_ORDINAL_END = ("ste", "de")
_DIGITS = re.compile(r"^€?(\d{1,7})(?:[.,](\d{1,2}))?(?:e|ste|de)?$")
CURRENCY = {"euro", "euros", "eur", "€"}
CENTS = {"cent", "cents"}


def _below_100(s: str) -> int | None:
    if s in _UNITS:
        return _UNITS[s]
    if s in _TEENS:
        return _TEENS[s]
    if s in _TENS:
        return _TENS[s]
    for tens, value in _TENS.items():
        # 'eenentwintig' -> een|en|twintig; 'drieendertig' (diacritics stripped) -> drie|en|dertig
        if s.endswith(tens):
            head = s[: -len(tens)]
            if head.endswith("en") and head[:-2] in _UNITS and _UNITS[head[:-2]] > 0:
                return _UNITS[head[:-2]] + value
    return None


@lru_cache(maxsize=50_000)
def parse_number_word(token: str) -> int | None:
    """Value of one normalised Dutch number word ('honderdtien' -> 110), else None."""
    if not token or not token.isalpha() or len(token) < 3 or token == "een":
        return 1 if token == "een" else None
    return _parse(token)


def _parse(s: str) -> int | None:
    if not s:
        return 0
    for word, scale in _SCALES:
        head, found, tail = s.partition(word)
        if found:
            mult = 1 if head == "" else _parse(head)
            if mult is None or (head and mult >= scale):
                return None
            tail = tail[2:] if tail.startswith("en") and _parse(tail[2:]) else tail  # 'honderdentien'
            rest = _parse(tail) if tail else 0
            if rest is None or rest >= scale:
                return None
            return mult * scale + rest
    return _below_100(s)


_ORDINAL_SPECIAL = {"eerste": 1, "derde": 3}
_DATE_PREPOSITIONS = {"op", "tot", "vanaf", "per", "sinds", "voor", "na"}
_NOT_A_DAY = {"keer", "maal", "poging", "termijn", "klant", "persoon", "week", "maand", "jaar", "dag", "regel", "optie"}
WEEKDAYS = {"maandag", "dinsdag", "woensdag", "donderdag", "vrijdag", "zaterdag", "zondag"}


@lru_cache(maxsize=20_000)
def parse_ordinal(token: str) -> int | None:
    """'vijftiende' -> 15, 'eenentwintigste' -> 21, '15e'/'15de' -> 15; None otherwise."""
    if token in _ORDINAL_SPECIAL:
        return _ORDINAL_SPECIAL[token]
    m = re.match(r"^(\d{1,2})(?:e|de|ste)$", token)
    if m:
        return int(m.group(1))
    for suffix in ("ste", "de"):
        if token.endswith(suffix) and len(token) > len(suffix) + 2:
            head = token[: -len(suffix)]
            if head.endswith("eer") or head.endswith("der"):  # 'eenentwintigste' ok; guard 'eerste'-like stems
                continue
            value = parse_number_word(head)
            if value is not None and value > 0:
                return value
    return None


@dataclass(frozen=True)
class Number:
    value: float
    first: int
    last: int  # one past the last token


def find_numbers(tokens: Sequence[str]) -> list[Number]:
    """Every number in the token list, joining split forms ('twee duizend vierentwintig')
    and digit forms ('110', '110,50', '€110'). A lone 'een' is an article, not a number."""
    out: list[Number] = []
    i, n = 0, len(tokens)
    while i < n:
        t = tokens[i]
        m = _DIGITS.match(t)
        if m and t:
            value = float(m.group(1)) + (float("0." + m.group(2)) if m.group(2) else 0.0)
            out.append(Number(value, i, i + 1))
            i += 1
            continue
        v = parse_number_word(t) if t != "een" else None
        if v is None:
            i += 1
            continue
        j, total, current = i + 1, 0, v
        while j < n:
            nxt = parse_number_word(tokens[j]) if tokens[j] != "een" else None
            if nxt is None:
                break
            if nxt in (100, 1000, 1_000_000) and current < nxt and current > 0:
                current *= nxt
            elif current >= 100 and nxt < 100 and current % 100 == 0:
                current += nxt
            elif current >= 1000 and nxt < 1000 and current % 1000 == 0:
                current += nxt
            else:
                break
            j += 1
        out.append(Number(float(total + current), i, j))
        i = j
    return out


@dataclass(frozen=True)
class Mention:
    """An amount of money or a calendar date mentioned in the call."""

    kind: str  # "amount" | "date"
    value: float  # euros, or month*100 + day for dates
    first: int
    last: int


def find_mentions(tokens: Sequence[str]) -> list[Mention]:
    """Amounts ('honderdtien euro', '€ 110', '45 euro en 50 cent') and dates ('drie maart')."""
    out: list[Mention] = []
    nums = find_numbers(tokens)
    used = set()
    for k, num in enumerate(nums):
        if num.first in used:
            continue
        after = tokens[num.last] if num.last < len(tokens) else ""
        before = tokens[num.first - 1] if num.first > 0 else ""
        raw = tokens[num.first]
        if after in CURRENCY or before in CURRENCY or raw.startswith("€"):
            value, last = num.value, num.last + (1 if after in CURRENCY else 0)
            # '... euro en vijftig cent' / '... euro vijftig'
            if k + 1 < len(nums):
                nxt = nums[k + 1]
                gap = tokens[last:nxt.first]
                if nxt.value < 100 and (gap in (["en"], []) or gap == ["komma"]):
                    tail = tokens[nxt.last] if nxt.last < len(tokens) else ""
                    if tail in CENTS or not gap or gap == ["komma"]:
                        value += nxt.value / 100
                        last = nxt.last + (1 if tail in CENTS else 0)
                        used.add(nxt.first)
            out.append(Mention("amount", round(value, 2), num.first, last))
        elif after in MONTHS and 1 <= num.value <= 31:
            out.append(Mention("date", MONTHS[after] * 100 + num.value, num.first, num.last + 1))
    # '(dinsdag) de vijftiende (maart)', 'op de twintigste': an ordinal day; month 0 when not said
    covered = {k for m in out for k in range(m.first, m.last)}
    for i, tok in enumerate(tokens):
        if i == 0 or i in covered or tokens[i - 1] not in ({"de"} | WEEKDAYS):
            continue
        d = parse_ordinal(tok)
        if d is None or not 1 <= d <= 31:
            continue
        nxt = tokens[i + 1] if i + 1 < len(tokens) else ""
        month = MONTHS.get(nxt, 0)
        weekday = tokens[i - 1] in WEEKDAYS or (i >= 2 and tokens[i - 2] in WEEKDAYS)
        on_day = i >= 2 and tokens[i - 1] == "de" and tokens[i - 2] in _DATE_PREPOSITIONS and nxt not in _NOT_A_DAY
        if month or weekday or on_day:
            first = i - 2 if i >= 2 and tokens[i - 1] == "de" and tokens[i - 2] in WEEKDAYS else i - 1
            out.append(Mention("date", month * 100 + d, first, i + 1 + (1 if month else 0)))
    starts = {num.first: num for num in nums}
    out = [m for m in out if not (m.kind == "date" and _year_follows(tokens, m.last, starts))]
    return sorted(out, key=lambda m: m.first)


def _year_follows(tokens: Sequence[str], at: int, starts: dict[int, Number]) -> bool:
    """A year after the date ('3 september 1980', '... negentien tachtig'): a birth or past date,
    not an appointment the parties could disagree on."""
    if at >= len(tokens):
        return False
    num = starts.get(at)
    return (num is not None and 1900 <= num.value <= 2100) or tokens[at] in ("negentien", "twintig") \
        or tokens[at].startswith("tweeduizend")
