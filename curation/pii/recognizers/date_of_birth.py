"""DATE_OF_BIRTH: a date said or written near a birth word ("geboren", "geboortedatum", "ik ben van
..."), or while the caller verifies their identity. Every other date stays, whatever its year:
"vrijdag 1 september 2000" in a complaint is the lesson, not personal data.

Forms: "12 maart 1984", "de twaalfde maart negentien vierentachtig", "12-03-1984",
"twaalf drie vierentachtig", "de twaalfde van de derde" (numbers only: needs the birth context), and a
birth year alone right after "ik ben van" or "geboren in" ("ik ben van vierenzestig")."""

from __future__ import annotations

import datetime as dt
import re

from curation.pii.recognizers.base import NormalisedRecognizer, context_near
from curation.vocabulary import MONTH_NUMBERS

MONTHS = MONTH_NUMBERS
_MONTH = "|".join(sorted(MONTHS, key=len, reverse=True))
_YEAR = r"(?:(?P<zz>0 0)|(?P<c>1[89]|20) (?P<yy>\d{1,2})|(?P<y4>\d{4})|'?(?P<y2>\d{2}))"
# on the word view: numbers are digits, words lower case
NAMED = re.compile(rf"\b(?P<d>\d{{1,2}})(?:e|ste|de|th|st|nd|rd)? (?:van |of )?(?P<m>{_MONTH})\b(?: {_YEAR}\b)?")
NAMED_EN = re.compile(rf"\b(?P<m>{_MONTH}) (?:the )?(?P<d>\d{{1,2}})(?:th|st|nd|rd)?\b(?: {_YEAR}\b)?")
_YEAR_SHORT = _YEAR.replace(r"(?P<y2>\d{2})", r"(?P<y2>\d{1,2})")  # "twaalf drie vier" = 12-3-2004
NUMERIC_SPOKEN = re.compile(rf"\b(?P<d>\d{{1,2}}) (?P<mn>\d{{1,2}}) {_YEAR_SHORT}\b")
# "nul drie nul vijf negentienzeventig": day and month digit by digit (03-05-1970)
DIGITS_SPOKEN = re.compile(rf"\b(?P<d>[0-3] \d) (?P<mn>[01] \d) {_YEAR}\b")  # a year of two or four digits
# "de twaalfde van de derde (vierenzestig)": the month by its ordinal (the word view has "12 van de 3")
ORDINAL_SPOKEN = re.compile(rf"\b(?P<d>\d{{1,2}}) van de (?P<mn>\d{{1,2}})\b(?: {_YEAR_SHORT}\b)?")
# a birth year alone: "ik ben van 1964", "ik ben van vierenzestig", "geboren in 1964", "geboortejaar 1964"
BIRTH_YEAR = re.compile(rf"\b(?:ben van|bent van|geboren in|geboortejaar|geboortejaar is|born in) (?P<year>{_YEAR})\b"
                        r"(?! (?:tot|uur|jaar|euro|procent|minuten)\b)")
# "geboren in Utrecht in 1964": a whole year after "in", a birth word shortly before
YEAR_AFTER_IN = re.compile(rf"\bin (?P<year>{_YEAR})\b(?! (?:tot|uur|jaar|euro|procent|minuten)\b)")
BIRTH_YEAR_MIN_TWO_DIGITS = 20  # "ik ben van twaalf tot vijf bezig" is no birth year; "van vierenzestig" is
# on the original text
WRITTEN = re.compile(r"(?<![\w/.-])(?:(?P<d>\d{1,2})[-/.](?P<mn>\d{1,2})[-/.](?P<y>\d{4}|\d{2})"
                     r"|(?P<iy>\d{4})-(?P<im>\d{2})-(?P<id>\d{2}))(?![\w/-])")
# words that make a nearby date something other than a birth date
# (a weekday too: "zaterdag 1 juli 2000" is a day in the calendar; nobody gives a birth date that way)
OTHER_DATE = re.compile(r"^(factuur|afspraak|levering|geleverd|bezorgd|bezorging|betaald|betaling|gebeld|opgezegd|"
                        r"aangevraagd|besteld|sinds|vanaf|verloopt|ingang|ingegaan|afgesloten|storing|monteur|"
                        r"vervaldatum|invoice|appointment|delivery|since|paid|ordered|"
                        r"maandag|dinsdag|woensdag|donderdag|vrijdag|zaterdag|zondag|"
                        r"monday|tuesday|wednesday|thursday|friday|saturday|sunday)$")
CONTEXT = re.compile(r"^(geboren|geboortedatum|geboortedag|geboorte|geb\.?|geboortejaar|verjaardag|jarig|"
                     r"born|birth|birthday|dob|d\.o\.b\.?|date-of-birth)$")
# identity checks ask for the birth date without always naming it ("ter verificatie: de datum?")
VERIFICATION = re.compile(r"^(verificatie|verifi[eë]ren|identificatie|identiteit|legitimatie|verification|verify|"
                          r"identity)$")


def _year(m) -> int | None:
    g = m.groupdict()
    if g.get("zz"):
        return 2000
    if g.get("c"):
        return int(g["c"]) * 100 + int(g["yy"])
    if g.get("y4"):
        return int(g["y4"])
    if g.get("y2"):
        yy = int(g["y2"])
        return 1900 + yy if yy > dt.date.today().year % 100 else 2000 + yy
    if g.get("y"):
        y = int(g["y"])
        return y if y >= 100 else (1900 + y if y > dt.date.today().year % 100 else 2000 + y)
    return None


def _valid(day: int, month: int, year: int | None) -> bool:
    if not (1 <= month <= 12 and 1 <= day <= 31):
        return False
    return year is None or 1890 <= year <= dt.date.today().year


def _born_on(norm, k: int | None) -> bool:
    """A birth word nearby, "ik ben van <date>" right before it, or an identity check going on."""
    if k is None:
        return False
    if context_near(norm, k, CONTEXT, before=14, after=2, stop=OTHER_DATE):
        return True
    if k >= 2 and norm.tokens[k - 1].key == "van" and norm.tokens[k - 2].key in ("ben", "bent"):
        return True
    if k >= 3 and norm.tokens[k - 1].key == "de" and norm.tokens[k - 2].key == "van" \
            and norm.tokens[k - 3].key in ("ben", "bent"):
        return True  # "ik ben van de derde mei zeventig"
    return context_near(norm, k, VERIFICATION, before=14, after=0, stop=OTHER_DATE)


BIRTH_WORD_REACH = 6  # "geboren in Orange in 1962": the birth word this few words before, in the same sentence


def _birth_word_before(norm, k: int) -> bool:
    """A birth word within reach before token k, no sentence boundary between ("Ze is geboren in
    Purmerend. In 2001 speelde ze ..." is no birth year)."""
    tokens = norm.tokens
    for j in range(k - 1, max(-1, k - BIRTH_WORD_REACH - 1), -1):
        if tokens[j].key in ("geboren", "born", "geboortejaar"):  # never "jarig" ("tweeëntwintig jarig")
            return True
        if tokens[j].sentence_start or OTHER_DATE.match(tokens[j].key):
            return False
    return False


def _birth_year(year: int | None) -> bool:
    return year is None or year <= dt.date.today().year - 10


def _year_alone_of_birth(year: int | None) -> bool:
    """A year said without day or month is a birth year only when known and plausible (1900 up to ten
    years ago)."""
    return year is not None and year >= 1900 and _birth_year(year)


class DateOfBirthRecognizer(NormalisedRecognizer):
    ENTITY = "DATE_OF_BIRTH"

    def find(self, norm):
        words = norm.words
        seen = set()
        for pattern in (NAMED, NAMED_EN, NUMERIC_SPOKEN, ORDINAL_SPOKEN, DIGITS_SPOKEN):
            for m in pattern.finditer(words):
                month = MONTHS[m.group("m")] if "m" in m.groupdict() and m.group("m") \
                    else int(m.group("mn").replace(" ", ""))
                year = _year(m)
                if not _valid(int(m.group("d").replace(" ", "")), month, year):
                    continue
                start, end = norm.words_span(m.start(), m.end())
                if (start, end) in seen:
                    continue
                first = norm.units[norm.words_unit_range(m.start(), m.end())[0]].first
                score = 0.9 if _born_on(norm, first) and _birth_year(year) else 0.0
                if score:
                    seen.add((start, end))
                    yield start, end, score, "date near a birth word"
        for m in BIRTH_YEAR.finditer(words):
            year = _year(m)
            if not _year_alone_of_birth(year) or (m.group("y2") and int(m.group("y2")) < BIRTH_YEAR_MIN_TWO_DIGITS):
                continue
            start, end = norm.words_span(m.start("year"), m.end("year"))
            if not any(a <= start and end <= b for a, b in seen):
                seen.add((start, end))
                yield start, end, 0.85, "birth year after 'ik ben van' or 'geboren in'"
        for m in YEAR_AFTER_IN.finditer(words):
            year = _year(m)
            if m.group("y2") or not _year_alone_of_birth(year):
                continue
            start, end = norm.words_span(m.start("year"), m.end("year"))
            first = norm.units[norm.words_unit_range(m.start("year"), m.end("year"))[0]].first
            if not any(a <= start and end <= b for a, b in seen) and _birth_word_before(norm, first):
                seen.add((start, end))
                yield start, end, 0.85, "birth year after a birth word"
        text = norm.text
        for m in WRITTEN.finditer(text):
            if m.group("iy"):
                day, month, year = int(m.group("id")), int(m.group("im")), int(m.group("iy"))
            else:
                day, month, year = int(m.group("d")), int(m.group("mn")), _year(m)
            if not _valid(day, month, year) or (m.start(), m.end()) in seen:
                continue
            k = norm.token_at(m.start())
            score = 0.9 if _born_on(norm, k) and _birth_year(year) else 0.0
            if score:
                yield m.start(), m.end(), score, "written date near a birth word"
