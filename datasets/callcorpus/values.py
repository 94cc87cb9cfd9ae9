"""Things that are NOT personal data but look like it to a detector: amounts and price ranges,
percentages, times, doses, counts, ordinary dates (appointments, invoice dates with a year),
product and company names, and ordinary words that are also names or places ("de bakker",
"in de winter"). Each is a `negative` Mention, so a benchmark can count false alarms on it; the
difficulty evidence amounts and dates use the same generators."""

from __future__ import annotations

import functools
import random

from num2words import num2words

from .lexicon import MONTHS, number_words, year_words
from .script import Mention, Tok

WEEKDAYS = ["maandag", "dinsdag", "woensdag", "donderdag", "vrijdag"]
NEGATIVE_TYPES = ("amount", "count", "percentage", "time", "dose", "date", "product", "company", "name_like_word")


def euro_words(amount: int) -> str:
    return f"{number_words(amount)} euro"


def price(rng: random.Random, amount: int | None = None, written: bool | None = None,
          kind: str = "negative", label: str = "amount") -> Mention:
    """An amount: `€45`, `45 euro`, `€ 110,-`, `€ 12,50` (written) or `vijfenveertig euro` (spoken)."""
    cents = 0
    if amount is None:
        amount = rng.choice([15, 25, 30, 45, 60, 75, 89, 100, 110, 120, 150, 250, 500, 1250])
        cents = rng.choice([0, 0, 0, 50, 95]) if amount < 200 else 0
    written = rng.random() < 0.5 if written is None else written
    said = euro_words(amount) + (f" {number_words(cents)}" if cents else "")
    if written:
        style = rng.random()
        if cents:  # the written order (€ first) differs from the said one: the span is what counts
            toks = [Tok("€", number_words(amount)), Tok(f"{amount},{cents:02d}", f"euro {number_words(cents)}")]
        elif style < 0.4:
            toks = [Tok(f"€{amount}", said)]
        elif style < 0.6:
            toks = [Tok("€", number_words(amount)), Tok(f"{amount},-", "euro")]
        else:
            toks = [Tok(str(amount), number_words(amount)), Tok("euro", "euro")]
    else:
        toks = [Tok(w, w) for w in said.split()]
    return Mention(kind, label, toks)


def amount_range(rng: random.Random) -> Mention:
    """'500 tot 1000 euro', 'tussen de vijfhonderd en duizend euro'."""
    lo = rng.choice([50, 100, 200, 300, 500])
    hi = lo * rng.choice([2, 3, 4])
    if rng.random() < 0.5:
        toks = [Tok(str(lo), number_words(lo)), Tok("tot", "tot"), Tok(str(hi), number_words(hi)), Tok("euro", "euro")]
    else:
        toks = [Tok(w, w) for w in f"tussen de {number_words(lo)} en {number_words(hi)} euro".split()]
    return Mention("negative", "amount", toks)


def percent(rng: random.Random) -> Mention:
    n = rng.choice([5, 10, 12, 15, 20, 25, 40, 75, 80])
    roll = rng.random()
    if roll < 0.35:
        toks = [Tok(f"{n}%", f"{number_words(n)} procent")]
    elif roll < 0.7:
        toks = [Tok(str(n), number_words(n)), Tok("procent", "procent")]
    else:
        toks = [Tok(number_words(n), number_words(n)), Tok("procent", "procent")]
    return Mention("negative", "percentage", toks)


def clock(rng: random.Random, hour: int | None = None) -> Mention:
    """A time of day: '9 uur', 'tien uur', 'half drie', '14:30', 'kwart over tien'."""
    hour = hour if hour is not None else rng.randint(8, 17)
    twelve = hour if hour <= 12 else hour - 12
    nxt = number_words(twelve % 12 + 1)
    roll = rng.random()
    if roll < 0.3:
        toks = [Tok(str(hour), number_words(hour)), Tok("uur", "uur")]
    elif roll < 0.5:
        toks = [Tok(number_words(twelve), number_words(twelve)), Tok("uur", "uur")]
    elif roll < 0.7:
        toks = [Tok("half", "half"), Tok(nxt, nxt)]
    elif roll < 0.85:
        toks = [Tok(f"{hour}:30", f"{number_words(hour)} uur dertig")]
    else:
        toks = [Tok(w, w) for w in f"kwart over {number_words(twelve)}".split()]
    return Mention("negative", "time", toks)


def day(rng: random.Random, d: int | None = None, m: int | None = None, written: bool | None = None,
        kind: str = "negative", label: str = "date") -> Mention:
    d = d if d is not None else rng.randint(1, 28)
    m = m if m is not None else rng.randint(1, 12)
    written = rng.random() < 0.5 if written is None else written
    if written:
        toks = [Tok(str(d), number_words(d)), Tok(MONTHS[m - 1], MONTHS[m - 1])]
    else:
        toks = [Tok(w, w) for w in (rng.choice(WEEKDAYS) + " de " + ordinal(d)).split()]
    return Mention(kind, label, toks)


def weekday_date(rng: random.Random) -> Mention:
    """'vrijdag 1 september', 'op de vijftiende' style appointment dates."""
    d, m = rng.randint(1, 28), rng.randint(1, 12)
    if rng.random() < 0.6:
        weekday = rng.choice(WEEKDAYS)
        toks = [Tok(weekday, weekday), Tok(str(d), number_words(d)), Tok(MONTHS[m - 1], MONTHS[m - 1])]
    else:
        toks = [Tok(w, w) for w in f"de {ordinal(d)}".split()]
    return Mention("negative", "date", toks)


def invoice_date(rng: random.Random) -> Mention:
    """A date with a year that is not a birth date: '3 maart 2026', '03-03-2026'."""
    d, m, y = rng.randint(1, 28), rng.randint(1, 12), rng.choice([2025, 2026])
    if rng.random() < 0.6:
        toks = [Tok(str(d), number_words(d)), Tok(MONTHS[m - 1], MONTHS[m - 1]), Tok(str(y), year_words(y))]
    else:
        toks = [Tok(f"{d:02d}-{m:02d}-{y}", f"{number_words(d)} {MONTHS[m - 1]} {year_words(y)}")]
    return Mention("negative", "date", toks)


def dose(rng: random.Random) -> Mention:
    n = rng.choice([200, 400, 500, 1000])
    if rng.random() < 0.5:
        toks = [Tok(str(n), number_words(n)), Tok(rng.choice(["milligram", "mg"]), "milligram")]
    else:
        toks = [Tok(number_words(n), number_words(n)), Tok("milligram", "milligram")]
    return Mention("negative", "dose", toks)


def count(rng: random.Random) -> Mention:
    n = rng.choice([2, 3, 4, 5, 10])
    word = number_words(n)
    return Mention("negative", "count", [Tok(str(n), word) if rng.random() < 0.5 else Tok(word, word)])


def name(label: str, text: str) -> Mention:
    """A product or company name: not personal data."""
    return Mention("negative", label, [Tok(t, t) for t in text.split()])


@functools.lru_cache(maxsize=1)
def _name_like() -> dict:
    from .phrasebook import book

    return dict(book("tuning").shared["name_like"])


def name_like(word: str) -> Mention:
    """An ordinary word that is also a surname or place ('bakker', 'winter', 'best')."""
    return Mention("negative", "name_like_word", [Tok(word, word)], detail=_name_like().get(word, "surname"))


def body_slots(rng: random.Random, product: Mention) -> dict:
    """Every negative slot a scenario body line may use."""
    return {"price": price(rng), "date": day(rng), "time": clock(rng, 9), "time2": clock(rng, 13), "count": count(rng),
            "product": product, "percent": percent(rng), "range": amount_range(rng), "dose": dose(rng),
            "invoice_date": invoice_date(rng), "weekday_date": weekday_date(rng), "clock": clock(rng)}


def ordinal(n: int) -> str:
    return num2words(n, lang="nl", to="ordinal")
