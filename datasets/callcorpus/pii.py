"""Synthetic Dutch personal data and the ways people say it on the phone.

Every function returns a `Mention` of one entity type in one form: `written` (as a
careful human transcriber writes it: digits, capitals), `spoken` (number words, letters
one by one) or `spelled` (letters with the Dutch spelling alphabet).
"""

from __future__ import annotations

import random
import string
from dataclasses import dataclass

from .lexicon import LETTER_NAMES, MONTHS, SPELLING_ALPHABET, dutch_lists, number_words, year_words
from .script import Mention, Tok

SPELL_WORDS = {**SPELLING_ALPHABET, "IJ": "IJmuiden"}
PLATE_LETTERS = "BDFGHJKLMNPRSTVXZ"
# Dutch licence plate sidecodes 1-14 (X letter, 9 digit)
SIDECODES = ["XX-99-99", "99-99-XX", "99-XX-99", "XX-99-XX", "XX-XX-99", "99-XX-XX", "99-XXX-9",
             "9-XXX-99", "XX-999-X", "X-999-XX", "XXX-99-X", "X-99-XXX", "9-XX-999", "999-XX-9"]
BANKS = ["ABNA", "INGB", "RABO", "SNSB", "TRIO", "ASNB", "KNAB", "BUNQ", "RBRB"]
MAIL_DOMAINS = ["ziggo.nl", "kpnmail.nl", "gmail.com", "hotmail.com", "outlook.com", "xs4all.nl",
                "planet.nl", "live.nl", "home.nl", "hetnet.nl", "icloud.com"]


@dataclass
class Person:
    first: str
    interfix: str
    surname: str
    second_surname: str | None  # double-barrelled name
    female: bool

    @property
    def last(self) -> str:
        base = f"{self.interfix} {self.surname}".strip()
        return f"{base}-{self.second_surname}" if self.second_surname else base


def _w(text: str) -> list[Tok]:
    return [Tok(t, t) for t in text.split()]


def digit_words(digits: str) -> list[str]:
    return [number_words(int(d)) if d != "1" else "een" for d in digits]


def pair_words(digits: str) -> list[str]:
    """Digits read in pairs ('12' -> 'twaalf'; '05' -> 'nul vijf')."""
    out = []
    for i in range(0, len(digits), 2):
        pair = digits[i:i + 2]
        if len(pair) == 1 or pair[0] == "0":
            out.extend(digit_words(pair))
        else:
            out.append(number_words(int(pair)))
    return out


def letter_toks(letters: str) -> list[Tok]:
    return [Tok(c, LETTER_NAMES[c]) for c in letters.upper()]


def spoken(words: list[str]) -> list[Tok]:
    return [Tok(w, w) for w in words]


def written_as(text: str, say_part) -> list[Tok]:
    """Written tokens of `text`, each said as `say_part(token)` words (a token may say several)."""
    return [Tok(p, " ".join(say_part(p))) for p in text.split()]


# ---------------------------------------------------------------- people
def new_person(rng: random.Random) -> Person:
    lists = dutch_lists()
    female = rng.random() < 0.5
    first = rng.choice(lists.first_names)
    if rng.random() < 0.35:
        interfix = rng.choice(["van", "van der", "van den", "van de", "de", "den", "ter", "ten", "van 't", "in 't"])
        surname = rng.choice(lists.interfix_surnames)
    else:
        interfix, surname = "", rng.choice(lists.surnames)
    second = rng.choice(lists.surnames) if rng.random() < 0.12 else None
    return Person(first, interfix, surname, second, female)


def person_name(p: Person, rng: random.Random, style: str = "full") -> Mention:
    """A name as it is said: full, surname only (after meneer/mevrouw), or with initials."""
    if style == "full":
        text = f"{p.first} {p.last}"
    elif style == "initials":
        text = f"{p.first[0]}. {p.last}"
    else:
        last = p.last
        text = last[0].upper() + last[1:]
    toks = []
    for t in text.split():
        say = LETTER_NAMES[t[0].upper()] if len(t) == 2 and t.endswith(".") else t.replace("'t", "het")
        toks.append(Tok(t, say))
    return Mention("pii", "PERSON", toks, "written")


def spelled(word: str, rng: random.Random, alphabet: bool = True) -> Mention:
    """A word spelled letter by letter, with 'D van Dirk' or plain letter names."""
    toks: list[Tok] = []
    upper, letters, i = word.upper(), [], 0
    while i < len(upper):  # the Dutch 'IJ' is one letter when spelled
        step = 2 if upper.startswith("IJ", i) else 1
        if upper[i:i + step] in SPELL_WORDS:
            letters.append(upper[i:i + step])
        i += step
    for i, c in enumerate(letters):
        sep = "," if i < len(letters) - 1 else ""
        say = "ei" if c == "IJ" else LETTER_NAMES[c]
        if alphabet:
            toks += [Tok(c, say), Tok("van", "van"), Tok(SPELL_WORDS[c] + sep, SPELL_WORDS[c] + sep)]
        else:
            toks.append(Tok(c, say))
    return Mention("pii", "PERSON", toks, "spelled")


# ---------------------------------------------------------------- addresses
def street_address(rng: random.Random, form: str) -> Mention:
    street = rng.choice(dutch_lists().streets)
    number = rng.choice([rng.randint(1, 40), rng.randint(1, 199), rng.randint(2, 12)])
    addition = rng.choice(["", "", "", "a", "b", "bis", "2"])
    if form == "written":
        text = f"{street} {number}{addition}" if addition in ("a", "b") else f"{street} {number}" + (f" {addition}" if addition else "")
        toks = _w(street)
        say = number_words(number) + (f" {LETTER_NAMES[addition.upper()]}" if addition in ("a", "b") else "")
        toks.append(Tok(text.split()[len(street.split())], say))
        if addition not in ("", "a", "b"):
            toks.append(Tok(addition, addition if addition == "bis" else number_words(int(addition))))
        return Mention("pii", "LOCATION", toks, form)
    words = street.split() + [number_words(number)]
    if addition:
        words.append(addition if not addition.isdigit() else number_words(int(addition)))
    return Mention("pii", "LOCATION", spoken(words), form)


def city(rng: random.Random) -> Mention:
    return Mention("pii", "LOCATION", _w(rng.choice(dutch_lists().places)), "written")


def postbus(rng: random.Random, form: str) -> Mention:
    n = rng.randint(10, 9999)
    if form == "written":
        return Mention("pii", "LOCATION", [Tok("Postbus", "postbus"), Tok(str(n), " ".join(pair_words(str(n))))], form)
    return Mention("pii", "LOCATION", spoken(["postbus"] + pair_words(str(n))), form)


def postcode(rng: random.Random, form: str) -> Mention:
    digits = str(rng.randint(1000, 9999))
    letters = "SA"
    while letters in ("SA", "SD", "SS"):  # never issued
        letters = "".join(rng.choice("ABCDEGHJKLMNPRSTVWXZ") for _ in range(2))
    if form == "written":
        sep = rng.random() < 0.8
        say = pair_words(digits)
        if sep:
            return Mention("pii", "NL_POSTCODE", [Tok(digits, " ".join(say)), Tok(letters, " ".join(LETTER_NAMES[c] for c in letters))], form)
        return Mention("pii", "NL_POSTCODE", [Tok(digits + letters, " ".join(say + [LETTER_NAMES[c] for c in letters]))], form)
    words = pair_words(digits) if rng.random() < 0.6 else digit_words(digits)
    return Mention("pii", "NL_POSTCODE", spoken(words) + letter_toks(letters), form)


# ---------------------------------------------------------------- numbers
def phone(rng: random.Random, form: str) -> Mention:
    if rng.random() < 0.65:
        digits = "06" + "".join(rng.choice(string.digits) for _ in range(8))
        written = f"{digits[:2]}-{digits[2:]}" if rng.random() < 0.7 else f"{digits[:2]} {digits[2:]}"
    else:
        area = rng.choice(["010", "020", "030", "040", "050", "070", "073", "076", "038", "024"])
        digits = area + "".join(rng.choice(string.digits) for _ in range(7))
        written = f"{digits[:3]}-{digits[3:]}"
    if form == "written":
        return Mention("pii", "PHONE_NUMBER", written_as(written, _phone_say), form)
    if rng.random() < 0.5:
        words = digit_words(digits)
    else:
        words = digit_words(digits[:2]) + pair_words(digits[2:])
    return Mention("pii", "PHONE_NUMBER", spoken(words), form)


def _phone_say(part: str) -> list[str]:
    words = []
    for chunk in part.split("-"):
        words += digit_words(chunk) if chunk.startswith("0") else pair_words(chunk)
    return words


def email(p: Person, rng: random.Random, form: str) -> Mention:
    first = p.first.lower()
    last = p.last.lower().replace("'", "").replace(" ", "").replace("-", "")
    local_parts = rng.choice([[first, last], [first[0], last], [first], [first, last, str(rng.randint(1, 99))]])
    dot_sep = rng.random() < 0.6
    domain = rng.choice(MAIL_DOMAINS)
    if form == "written":
        local = ".".join(local_parts) if dot_sep else "".join(local_parts)
        said = _email_words(local_parts, dot_sep, domain)
        return Mention("pii", "EMAIL_ADDRESS", [Tok(f"{local}@{domain}", " ".join(said))], form)
    words = _email_words(local_parts, dot_sep, domain)
    toks = [Tok(w, LETTER_NAMES.get(w.upper(), w) if len(w) == 1 else ("en el" if w == "nl" else w)) for w in words]
    return Mention("pii", "EMAIL_ADDRESS", toks, form)


def _email_words(parts: list[str], dot_sep: bool, domain: str) -> list[str]:
    words: list[str] = []
    for i, part in enumerate(parts):
        if i and dot_sep:
            words.append("punt")
        words.extend([number_words(int(part))] if part.isdigit() else [part])
    words.append("apenstaartje")
    name, tld = domain.rsplit(".", 1)
    words += [name, "punt", tld]
    return words


def iban(rng: random.Random, form: str) -> Mention:
    bank = rng.choice(BANKS)
    account = "".join(rng.choice(string.digits) for _ in range(10))
    numeric = "".join(str(int(c, 36)) for c in bank + account + "NL00")
    check = 98 - int(numeric) % 97
    code = f"NL{check:02d}{bank}{account}"
    groups = [code[i:i + 4] for i in range(0, len(code), 4)]
    if form == "written":
        text = " ".join(groups) if rng.random() < 0.7 else code
        parts = text.split()
        toks = [Tok(g, _iban_say(g)) for g in parts]
        return Mention("pii", "IBAN_CODE", toks, form)
    words: list[Tok] = letter_toks("NL") + spoken(pair_words(f"{check:02d}")) + letter_toks(bank)
    words += spoken(digit_words(account) if rng.random() < 0.5 else pair_words(account))
    return Mention("pii", "IBAN_CODE", words, form)


def _iban_say(group: str) -> str:
    out = []
    for c in group:
        out.append(LETTER_NAMES[c] if c.isalpha() else number_words(int(c)))
    return " ".join(out)


def bsn(rng: random.Random, form: str) -> Mention:
    while True:
        digits = [rng.randint(0, 9) for _ in range(8)]
        total = sum((9 - i) * d for i, d in enumerate(digits))
        last = total % 11
        if last <= 9 and digits[0] != 0:
            digits.append(last)
            break
    number = "".join(map(str, digits))
    if form == "written":
        text = number if rng.random() < 0.6 else f"{number[:4]} {number[4:6]} {number[6:]}"
        return Mention("pii", "NL_BSN", written_as(text, digit_words), form)
    words = digit_words(number) if rng.random() < 0.6 else digit_words(number[:1]) + pair_words(number[1:])
    return Mention("pii", "NL_BSN", spoken(words), form)


def birth_date(rng: random.Random, form: str) -> Mention:
    year, month, day = rng.randint(1935, 2004), rng.randint(1, 12), rng.randint(1, 28)
    if form == "written":
        if rng.random() < 0.6:
            return Mention("pii", "DATE_OF_BIRTH", [Tok(str(day), number_words(day)), Tok(MONTHS[month - 1], MONTHS[month - 1]),
                                                    Tok(str(year), year_words(year))], form)
        text = f"{day:02d}-{month:02d}-{year}"
        return Mention("pii", "DATE_OF_BIRTH", [Tok(text, f"{number_words(day)} {number_words(month)} {year_words(year)}")], form)
    if rng.random() < 0.5:
        words = [number_words(day), MONTHS[month - 1]] + year_words(year).split()
    else:
        words = [number_words(day), number_words(month), number_words(year % 100) if year % 100 else "nul nul"]
    return Mention("pii", "DATE_OF_BIRTH", spoken(" ".join(words).split()), form)


def license_plate(rng: random.Random, form: str) -> Mention:
    code = rng.choice(SIDECODES)
    plate = "".join(rng.choice(PLATE_LETTERS) if c == "X" else (rng.choice(string.digits) if c == "9" else c) for c in code)
    chars = [c for c in plate if c != "-"]
    if form == "written":
        say = " ".join(LETTER_NAMES[c] if c.isalpha() else number_words(int(c)) for c in chars)
        return Mention("pii", "NL_LICENSE_PLATE", [Tok(plate, say)], form)
    toks = [Tok(c, LETTER_NAMES[c]) if c.isalpha() else Tok(number_words(int(c)), number_words(int(c))) for c in chars]
    return Mention("pii", "NL_LICENSE_PLATE", toks, form)


def account_id(rng: random.Random, form: str) -> Mention:
    n = rng.choice([7, 8, 8, 9, 10])
    digits = str(rng.randint(1, 9)) + "".join(rng.choice(string.digits) for _ in range(n - 1))
    if form == "written":
        return Mention("pii", "ACCOUNT_ID", [Tok(digits, " ".join(pair_words(digits)))], form)
    words = digit_words(digits) if rng.random() < 0.5 else pair_words(digits)
    return Mention("pii", "ACCOUNT_ID", spoken(words), form)
