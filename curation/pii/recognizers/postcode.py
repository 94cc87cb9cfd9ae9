"""NL_POSTCODE: four digits (not starting with 0) and two letters, except SA, SD and SS.

Written ("1234 AB", "1234AB"), lower case with the word postcode nearby, and spoken
("twaalf vierendertig A B", "een twee drie vier A van Anton B van Bernard"). In English calls also a
British postcode ("SW1A 1AA", "s w one a one a a") or a US ZIP code after the word asking for it."""

from __future__ import annotations

import re

from curation.pii.recognizers.base import TWO_LETTER_WORDS, NormalisedRecognizer, context_near
from curation.vocabulary import MONTH_NUMBERS

RUN_PATTERN = re.compile(r"[1-9][0-9]{3}[A-Z]{2}(?![A-Z])")
NOT_ISSUED = ("SA", "SD", "SS")  # never issued, but a misheard letter is still an address
LOWER_PATTERN = re.compile(r"(?<![\w-])[1-9][0-9]{3} ?(?!sa|sd|ss)[a-z]{2}\b")
# letters that make "twaalf vijftig m g" a dose or a measure, not a postcode (unless "postcode" is said)
UNITS = frozenset({"MG", "KG", "KM", "CM", "MM", "ML", "CL", "DL", "GB", "MB", "KB", "KW", "PK", "MW", "GR"})
CONTEXT = re.compile(r"^(postcode|postcodes|zipcode|zip|postal|postbus)$")
POSTCODE_WORD = re.compile(r"^(postcode|zipcode)$")


_WRITTEN = re.compile(r"[1-9][0-9]{3}\s?[A-Za-z]\.?\s?[A-Za-z]\.?\Z")
# an ASR transcript writes digits said one by one apart: "1 2 3 4 a b" (only after the word postcode)
_SPACED = re.compile(r"[1-9](?:\s[0-9]){3}\s[A-Za-z]\s?[A-Za-z]\Z")


def _written_as_postcode(norm, start: int, end: int, first: int) -> bool:
    """A postcode written in digits is written as one: "1234 AB" or "1234AB" with nothing glued on
    ("19.35 TV", "2000 (DM", "2000 VT4" are a time, a year and a channel), and no month right before
    the digits ("1 juli 2000 VT4": the digits are a year). Spoken forms ("twaalf vierendertig a b")
    carry no digits and are left to the pattern."""
    text = norm.text[start:end]
    if not any(c.isdigit() for c in text):
        return True
    if not _WRITTEN.match(text) or norm.text[end:end + 1].isalnum():
        return False
    return not (first > 0 and norm.tokens[first - 1].key in MONTH_NUMBERS)


# English calls: a British postcode ("SW1A 1AA", "s w one a one a a") or a US ZIP code ("nine oh two one
# oh"), read after the word that asks for it; a written British postcode ("YO1 7HX", "yo1 7hx") needs no cue
UK_POSTCODE = re.compile(r"[A-Z]{1,2}[0-9][A-Z0-9]?[0-9][A-Z]{2}\Z")
UK_WRITTEN = re.compile(r"(?<![\w-])[A-Z]{1,2}[0-9][A-Z0-9]? [0-9][A-Z]{2}(?![\w-])", re.IGNORECASE)
ORDINAL_ENDINGS = frozenset({"st", "nd", "rd", "th"})
US_ZIP = re.compile(r"[0-9]{5}(?:[0-9]{4})?\Z")
EN_DIGITS = {"zero": "0", "oh": "0", "o": "0", "nought": "0", "one": "1", "two": "2", "three": "3", "four": "4",
             "five": "5", "six": "6", "seven": "7", "eight": "8", "nine": "9"}
EN_CUE_SKIP = frozenset({"is", "it's", "its", "it", "uh", "um", "er", "erm", "that's", "yes", "yeah", "okay", "ok",
                         "so", "number", "code"})
EN_MAX_CODE_TOKENS = 10


def _english_postcodes(norm):
    tokens = norm.tokens
    n = len(tokens)
    text = norm.text
    for m in UK_WRITTEN.finditer(text):
        if m.group()[-2:].lower() not in ORDINAL_ENDINGS:  # "a4 3rd floor" is no postcode
            yield m.start(), m.end(), 0.85, "British postcode"
    for k, t in enumerate(tokens):
        zip_cue = t.key in ("zip", "zipcode")
        if not (zip_cue or t.key in ("postcode", "postal") or (t.key == "post" and k + 1 < n
                                                               and tokens[k + 1].key == "code")):
            continue
        s = k + 1
        while s < n and s - k <= 4 and tokens[s].key in EN_CUE_SKIP:
            s += 1
        canon, best, repeat = "", None, 1
        for e in range(s, min(n, s + EN_MAX_CODE_TOKENS)):
            key = tokens[e].key
            if key in ("double", "triple"):
                repeat = 2 if key == "double" else 3
                continue
            if key in EN_DIGITS:
                piece = EN_DIGITS[key]
            elif key.isalnum() and key.isascii() and (len(key) == 1 or any(c.isdigit() for c in key)):
                piece = key.upper()
            else:
                break
            canon += piece * repeat
            repeat = 1
            if UK_POSTCODE.match(canon) or (zip_cue and US_ZIP.match(canon)):
                best = e
        if best is not None:
            yield tokens[s].start, tokens[best].end, 0.85, "postcode or ZIP code after the word asking for it"


# identity checks ask for "postcode en huisnummer" and get them in one breath, the letters as one word:
# "twaalf vierendertig ab nummer zeven", "3456 bc 18" (the word view has "12 34 ab nummer 7")
BEFORE_HOUSE_NUMBER = re.compile(r"\b(?P<pc>[1-9]\d{3}|[1-9]\d \d{2}) (?P<l>[a-z]{2})\b"
                                 r"(?= (?:huisnummer |nummer |nr )?\d{1,4}\b)")


def _postcode_before_house_number(norm):
    from curation.pii.lookups import lexicon

    common = lexicon().common_words_nl  # "3456 bc 18": English word lists hold two-letter abbreviations
    for m in BEFORE_HOUSE_NUMBER.finditer(norm.words):
        letters = m.group("l")
        if letters in TWO_LETTER_WORDS or letters.upper() in UNITS or letters in common:
            continue
        start, end = norm.words_span(m.start("pc"), m.end("l"))
        first = norm.token_at(start)
        if first is not None and first > 0 and norm.tokens[first - 1].key in MONTH_NUMBERS:
            continue  # "een juli tweeduizend vt vier": a year and a channel
        yield start, end, 0.75 if letters.upper() not in NOT_ISSUED else 0.5, "postcode before a house number"


class NlPostcodeRecognizer(NormalisedRecognizer):
    ENTITY = "NL_POSTCODE"

    def find(self, norm):
        if self.supported_language == "en":
            yield from _english_postcodes(norm)
        for run in norm.validation_runs:
            for m in RUN_PATTERN.finditer(run.canon):
                start, end = run.span(m.start(), m.end())
                first = run.units[run.unit_range(m.start(), m.end())[0]].first
                boost = context_near(norm, first, CONTEXT, before=6)
                if not _written_as_postcode(norm, start, end, first) \
                        and not (boost and _SPACED.match(norm.text[start:end])):
                    continue
                if m.group()[-2:] in UNITS and not boost:
                    continue
                score = 0.95 if boost else 0.85
                if m.group()[-2:] in NOT_ISSUED:
                    score -= 0.25
                yield start, end, score, "four digits and two letters"
        if self.supported_language == "nl":
            yield from _postcode_before_house_number(norm)
        for m in LOWER_PATTERN.finditer(norm.text):
            k = norm.token_at(m.start())
            if k is None:
                continue
            if m.group()[-2:] in TWO_LETTER_WORDS:  # "postbus 7033 in Breugel" unless "postcode" is right there
                if context_near(norm, k, POSTCODE_WORD, before=3):
                    yield m.start(), m.end(), 0.6, "lower-case postcode right after the word postcode"
                continue
            if context_near(norm, k, CONTEXT, before=6):
                yield m.start(), m.end(), 0.8, "lower-case postcode after the word postcode"

