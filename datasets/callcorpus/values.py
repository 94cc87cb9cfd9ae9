"""Numbers that are NOT personal data (prices, times, counts, ordinary dates) and the
evidence mentions of difficulty traits, in written or spoken form."""

from __future__ import annotations

import random

from num2words import num2words

from .lexicon import MONTHS, number_words
from .script import Mention, Tok

WEEKDAYS = ["maandag", "dinsdag", "woensdag", "donderdag", "vrijdag"]


def euro_words(amount: int) -> str:
    return f"{number_words(amount)} euro"


def price(rng: random.Random, amount: int | None = None, written: bool | None = None,
          kind: str = "nonpii", label: str = "price") -> Mention:
    amount = amount if amount is not None else rng.choice([15, 25, 30, 45, 60, 75, 89, 100, 110, 120, 150, 250])
    written = rng.random() < 0.5 if written is None else written
    if written:
        toks = [Tok(f"€{amount}", euro_words(amount))] if rng.random() < 0.5 else [Tok(str(amount), number_words(amount)), Tok("euro", "euro")]
    else:
        toks = [Tok(w, w) for w in euro_words(amount).split()]
    return Mention(kind, label, toks)


def clock(rng: random.Random, hour: int | None = None) -> Mention:
    hour = hour if hour is not None else rng.randint(8, 17)
    text = rng.choice([f"{hour} uur", f"{number_words(hour if hour <= 12 else hour - 12)} uur", f"{hour}.30 uur"])
    said = {f"{hour}": number_words(hour), f"{hour}.30": f"half {number_words(hour + 1 if hour < 12 else hour - 11)}"}
    return Mention("nonpii", "time", [Tok(t, said.get(t, t)) for t in text.split()])


def day(rng: random.Random, d: int | None = None, m: int | None = None, written: bool | None = None,
        kind: str = "nonpii", label: str = "date") -> Mention:
    d = d if d is not None else rng.randint(1, 28)
    m = m if m is not None else rng.randint(1, 12)
    written = rng.random() < 0.5 if written is None else written
    if written:
        toks = [Tok(str(d), number_words(d)), Tok(MONTHS[m - 1], MONTHS[m - 1])]
    else:
        toks = [Tok(w, w) for w in (rng.choice(WEEKDAYS) + " de " + ordinal(d)).split()]
    return Mention(kind, label, toks)


def count(rng: random.Random) -> Mention:
    n = rng.choice([2, 3, 4, 5, 10])
    return Mention("nonpii", "count", [Tok(str(n), number_words(n)) if rng.random() < 0.5 else Tok(number_words(n), number_words(n))])


def name(label: str, text: str) -> Mention:
    """A product or company name: not personal data."""
    return Mention("nonpii", label, [Tok(t, t) for t in text.split()])


def ordinal(n: int) -> str:
    return num2words(n, lang="nl", to="ordinal")
