"""Synthetic personal data and the ways people say it on the phone.

Every function returns a `Mention` of one entity type in one form: `written` (as a
careful human transcriber writes it: digits, capitals), `spoken` (number words, letters
one by one) or `spelled` (letters with the Dutch spelling alphabet). Names and places come
from `names` and carry the list they were drawn from; numbers are `generated`.
"""

from __future__ import annotations

import random
import string
import unicodedata

from .lexicon import LETTER_NAMES, MONTHS, SPELLING_ALPHABET, number_words, year_words
from .names import Person, place, street
from .script import Mention, Tok

GENERATED = ("generated",)
SPELL_WORDS = {**SPELLING_ALPHABET, "IJ": "IJmuiden"}
PLATE_LETTERS = "BDFGHJKLMNPRSTVXZ"
# Dutch licence plate sidecodes 1-14 (X letter, 9 digit)
SIDECODES = ["XX-99-99", "99-99-XX", "99-XX-99", "XX-99-XX", "XX-XX-99", "99-XX-XX", "99-XXX-9",
             "9-XXX-99", "XX-999-X", "X-999-XX", "XXX-99-X", "X-99-XXX", "9-XX-999", "999-XX-9"]
BANKS_BE = ["001", "063", "068", "103", "143", "310", "363", "432", "651", "733", "735", "737", "751", "973", "979"]
BANKS = ["ABNA", "INGB", "RABO", "SNSB", "TRIO", "ASNB", "KNAB", "BUNQ", "RBRB"]
MAIL_DOMAINS = ["ziggo.nl", "kpnmail.nl", "gmail.com", "hotmail.com", "outlook.com", "xs4all.nl",
                "planet.nl", "live.nl", "home.nl", "hetnet.nl", "icloud.com"]
MAIL_DOMAINS_BE = ["telenet.be", "skynet.be", "proximus.be", "gmail.com", "hotmail.com", "outlook.be"]


def _w(text: str) -> list[Tok]:
    return [Tok(t, t) for t in text.split()]


def ascii_fold(text: str) -> str:
    """'Yılmaz' -> 'Yilmaz', 'Wiśniewski' -> 'Wisniewski': how the name is typed in a mail address."""
    text = text.replace("ı", "i").replace("ł", "l").replace("Ł", "L").replace("ß", "ss")
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


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


def pii(label: str, toks: list[Tok], form: str, sources=GENERATED) -> Mention:
    return Mention("pii", label, toks, form, tuple(sources))


# ---------------------------------------------------------------- people
def person_name(p: Person, rng: random.Random, style: str = "full") -> Mention:
    """A name as it is said: full, surname only (after meneer/mevrouw), first name only, or with initials."""
    if style == "full":
        text, parts = f"{p.first} {p.last}", ("first", "surname", "second_surname")
    elif style == "initials":
        text, parts = f"{p.first[0]}. {p.last}", ("first", "surname", "second_surname")
    elif style == "first":
        text, parts = p.first, ("first",)
    else:
        last = p.last
        text, parts = last[0].upper() + last[1:], ("surname", "second_surname")
    toks = []
    for t in text.split():
        say = LETTER_NAMES[t[0].upper()] if len(t) == 2 and t.endswith(".") else t.replace("'t", "het")
        toks.append(Tok(t, say))
    return pii("PERSON", toks, "written", p.source_list(*parts))


def spell_letters(word: str) -> list[str]:
    """The letters of a word as they are spelled (the Dutch 'IJ' is one letter; accents dropped)."""
    upper, letters, i = ascii_fold(word).upper(), [], 0
    while i < len(upper):
        step = 2 if upper.startswith("IJ", i) else 1
        if upper[i:i + step] in SPELL_WORDS:
            letters.append(upper[i:i + step])
        i += step
    return letters


def spelled(word: str, rng: random.Random, alphabet: bool = True, sources=()) -> Mention:
    """A word spelled letter by letter, with 'D van Dirk' or plain letter names."""
    toks: list[Tok] = []
    letters = spell_letters(word)
    for i, c in enumerate(letters):
        sep = "," if i < len(letters) - 1 else ""
        say = "ei" if c == "IJ" else LETTER_NAMES[c]
        if alphabet:
            toks += [Tok(c, say), Tok("van", "van"), Tok(SPELL_WORDS[c] + sep, SPELL_WORDS[c] + sep)]
        else:
            toks.append(Tok(c, say))
    return pii("PERSON", toks, "spelled", sources)


def spelling_hint(word: str, sources=()) -> Mention:
    """'met v-h': the first letter and the first letter of the name's second part, as a reminder
    of how the name is written (a spelled fragment of the name)."""
    letters = spell_letters(word)
    vowel = lambda c: c in "AEIOUY"  # noqa: E731
    cut = next((i for i in range(2, len(letters) - 1)
                if not vowel(letters[i]) and not vowel(letters[i - 1]) and vowel(letters[i - 2])), None)
    picked = [letters[0]] + ([letters[cut]] if cut else [])
    text = "-".join(c.lower() for c in picked)
    return pii("PERSON", [Tok(text, " ".join(LETTER_NAMES.get(c, "ei") for c in picked))], "spelled", sources)


# ---------------------------------------------------------------- addresses
def street_address(rng: random.Random, form: str, origin: str = "nl", names: str = "faker") -> Mention:
    drawn = street(rng, origin, names)
    name = drawn.value
    number = rng.choice([rng.randint(1, 40), rng.randint(1, 199), rng.randint(2, 12)])
    addition = rng.choice(["", "", "", "a", "b", "bis", "2"] if origin != "be" else ["", "", "", "bus 2", "bus 3"])
    if form == "written":
        toks = _w(name)
        if addition in ("a", "b"):
            toks.append(Tok(f"{number}{addition}", f"{number_words(number)} {LETTER_NAMES[addition.upper()]}"))
        else:
            toks.append(Tok(str(number), number_words(number)))
            for extra in addition.split():
                toks.append(Tok(extra, number_words(int(extra)) if extra.isdigit() else extra))
        return pii("LOCATION", toks, form, (drawn.source,))
    words = name.split() + [number_words(number)]
    for extra in addition.split():
        words.append(number_words(int(extra)) if extra.isdigit() else extra)
    return pii("LOCATION", spoken(words), form, (drawn.source,))


def city(rng: random.Random, origin: str = "nl", names: str = "faker") -> Mention:
    """A town; for Belgian addresses with its four-digit postcode in front ('9000 Gent')."""
    drawn = place(rng, origin, names)
    if origin != "be":
        return pii("LOCATION", _w(drawn.value), "written", (drawn.source,))
    code = rng.choice([rng.randint(2000, 3999), rng.randint(8000, 9999), 9000, 2000, 3000])
    said = number_words(code) if rng.random() < 0.6 else " ".join(pair_words(str(code)))
    return pii("LOCATION", [Tok(str(code), said)] + _w(drawn.value), "written", (drawn.source, "generated"))


def postbus(rng: random.Random, form: str) -> Mention:
    n = rng.randint(10, 9999)
    if form == "written":
        return pii("LOCATION", [Tok("Postbus", "postbus"), Tok(str(n), " ".join(pair_words(str(n))))], form)
    return pii("LOCATION", spoken(["postbus"] + pair_words(str(n))), form)


def postcode(rng: random.Random, form: str) -> Mention:
    digits = str(rng.randint(1000, 9999))
    letters = "SA"
    while letters in ("SA", "SD", "SS"):  # never issued
        letters = "".join(rng.choice("ABCDEGHJKLMNPRSTVWXZ") for _ in range(2))
    if form == "written":
        sep = rng.random() < 0.8
        say = pair_words(digits)
        if sep:
            return pii("NL_POSTCODE", [Tok(digits, " ".join(say)), Tok(letters, " ".join(LETTER_NAMES[c] for c in letters))], form)
        return pii("NL_POSTCODE", [Tok(digits + letters, " ".join(say + [LETTER_NAMES[c] for c in letters]))], form)
    words = pair_words(digits) if rng.random() < 0.6 else digit_words(digits)
    return pii("NL_POSTCODE", spoken(words) + letter_toks(letters), form)


# ---------------------------------------------------------------- numbers
def phone(rng: random.Random, form: str, origin: str = "nl") -> Mention:
    if origin == "be":
        return _phone_be(rng, form)
    if rng.random() < 0.65:
        digits = "06" + "".join(rng.choice(string.digits) for _ in range(8))
        written = f"{digits[:2]}-{digits[2:]}" if rng.random() < 0.7 else f"{digits[:2]} {digits[2:]}"
    else:
        area = rng.choice(["010", "020", "030", "040", "050", "070", "073", "076", "038", "024"])
        digits = area + "".join(rng.choice(string.digits) for _ in range(7))
        written = f"{digits[:3]}-{digits[3:]}"
    if form == "written":
        return pii("PHONE_NUMBER", written_as(written, _phone_say), form)
    if rng.random() < 0.5:
        words = digit_words(digits)
    else:
        words = digit_words(digits[:2]) + pair_words(digits[2:])
    return pii("PHONE_NUMBER", spoken(words), form)


def _phone_be(rng: random.Random, form: str) -> Mention:
    """Belgian numbers: mobile '0470 12 34 56' (or 0470/12.34.56), landline '09 223 45 67', and with
    the country code '+32 9 223 45 67'."""
    rest = "".join(rng.choice(string.digits) for _ in range(6))
    if rng.random() < 0.6:
        prefix = "04" + rng.choice(["70", "71", "72", "73", "75", "76", "77", "78", "79", "84", "85", "86", "94", "95", "96"])
        groups = [prefix, rest[:2], rest[2:4], rest[4:]]
    else:
        zone = rng.choice(["09", "03", "02", "016", "050", "011", "056", "015"])
        rest = rest + rng.choice(string.digits) if len(zone) == 2 else rest
        groups = [zone, rest[:3], rest[3:5], rest[5:]] if len(zone) == 2 else [zone, rest[:2], rest[2:4], rest[4:]]
    international = rng.random() < 0.3
    if international:
        groups = ["+32", groups[0][1:]] + groups[1:]
    said_groups = [_be_group_say(g, rng) for g in groups]
    if form == "written":
        if not international and len(groups[0]) == 4 and rng.random() < 0.3:
            text = f"{groups[0]}/{groups[1]}.{groups[2]}.{groups[3]}"
            return pii("PHONE_NUMBER", [Tok(text, " ".join(w for g in said_groups for w in g))], form)
        return pii("PHONE_NUMBER", [Tok(g, " ".join(w)) for g, w in zip(groups, said_groups)], form)
    return pii("PHONE_NUMBER", spoken([w for g in said_groups for w in g]), form)


def _be_group_say(group: str, rng: random.Random) -> list[str]:
    if group == "+32":
        return ["plus", "tweeëndertig"]
    if group.startswith("0") or len(group) == 1:
        return digit_words(group)
    if len(group) == 2:
        return pair_words(group)
    if len(group) == 3:
        return [number_words(int(group))] if rng.random() < 0.5 else [number_words(int(group[0]))] + pair_words(group[1:])
    return digit_words(group)


def _phone_say(part: str) -> list[str]:
    words = []
    for chunk in part.split("-"):
        words += digit_words(chunk) if chunk.startswith("0") else pair_words(chunk)
    return words


def email(p: Person, rng: random.Random, form: str) -> Mention:
    first = ascii_fold(p.first).lower().replace("-", "")
    last = ascii_fold(p.last).lower().replace("'", "").replace(" ", "").replace("-", "")
    local_parts = rng.choice([[first, last], [first[0], last], [first], [first, last, str(rng.randint(1, 99))]])
    dot_sep = rng.random() < 0.6
    domain = rng.choice(MAIL_DOMAINS_BE if p.origin == "be" else MAIL_DOMAINS)
    sources = p.source_list("first", "surname", "second_surname")
    if form == "written":
        local = ".".join(local_parts) if dot_sep else "".join(local_parts)
        said = _email_words(local_parts, dot_sep, domain)
        return pii("EMAIL_ADDRESS", [Tok(f"{local}@{domain}", " ".join(said))], form, sources)
    words = _email_words(local_parts, dot_sep, domain)
    toks = [Tok(w, LETTER_NAMES.get(w.upper(), w) if len(w) == 1 else ("en el" if w == "nl" else "bee ee" if w == "be"
                                                                       else w)) for w in words]
    return pii("EMAIL_ADDRESS", toks, form, sources)


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


def iban(rng: random.Random, form: str, origin: str = "nl") -> Mention:
    """A Dutch IBAN (NLkk BANK 0123456789) or, for Belgian callers, a Belgian one (BEkk 0123 4567 8901)."""
    country = "BE" if origin == "be" else "NL"
    bank = "" if country == "BE" else rng.choice(BANKS)
    account = "".join(rng.choice(string.digits) for _ in range(10))
    if country == "BE":  # a bank code, the account number, then their own mod-97 check digits
        account = rng.choice(BANKS_BE) + account[3:]
        account += f"{int(account) % 97 or 97:02d}"
    numeric = "".join(str(int(c, 36)) for c in bank + account + country + "00")
    check = 98 - int(numeric) % 97
    code = f"{country}{check:02d}{bank}{account}"
    groups = [code[i:i + 4] for i in range(0, len(code), 4)]
    if form == "written":
        text = " ".join(groups) if rng.random() < 0.7 else code
        parts = text.split()
        toks = [Tok(g, _iban_say(g)) for g in parts]
        return pii("IBAN_CODE", toks, form)
    words: list[Tok] = letter_toks(country) + spoken(pair_words(f"{check:02d}")) + letter_toks(bank)
    words += spoken(digit_words(account) if rng.random() < 0.5 else pair_words(account))
    return pii("IBAN_CODE", words, form)


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
        return pii("NL_BSN", written_as(text, digit_words), form)
    words = digit_words(number) if rng.random() < 0.6 else digit_words(number[:1]) + pair_words(number[1:])
    return pii("NL_BSN", spoken(words), form)


def birth_date(rng: random.Random, form: str) -> Mention:
    year, month, day = rng.randint(1935, 2004), rng.randint(1, 12), rng.randint(1, 28)
    if form == "written":
        if rng.random() < 0.6:
            return pii("DATE_OF_BIRTH", [Tok(str(day), number_words(day)), Tok(MONTHS[month - 1], MONTHS[month - 1]),
                                                    Tok(str(year), year_words(year))], form)
        text = f"{day:02d}-{month:02d}-{year}"
        return pii("DATE_OF_BIRTH", [Tok(text, f"{number_words(day)} {number_words(month)} {year_words(year)}")], form)
    if rng.random() < 0.5:
        words = [number_words(day), MONTHS[month - 1]] + year_words(year).split()
    else:
        words = [number_words(day), number_words(month), number_words(year % 100) if year % 100 else "nul nul"]
    return pii("DATE_OF_BIRTH", spoken(" ".join(words).split()), form)


def license_plate(rng: random.Random, form: str) -> Mention:
    code = rng.choice(SIDECODES)
    plate = "".join(rng.choice(PLATE_LETTERS) if c == "X" else (rng.choice(string.digits) if c == "9" else c) for c in code)
    chars = [c for c in plate if c != "-"]
    if form == "written":
        say = " ".join(LETTER_NAMES[c] if c.isalpha() else number_words(int(c)) for c in chars)
        return pii("NL_LICENSE_PLATE", [Tok(plate, say)], form)
    toks = [Tok(c, LETTER_NAMES[c]) if c.isalpha() else Tok(number_words(int(c)), number_words(int(c))) for c in chars]
    return pii("NL_LICENSE_PLATE", toks, form)


def account_id(rng: random.Random, form: str) -> Mention:
    n = rng.choice([7, 8, 8, 9, 10])
    digits = str(rng.randint(1, 9)) + "".join(rng.choice(string.digits) for _ in range(n - 1))
    if form == "written":
        return pii("ACCOUNT_ID", [Tok(digits, " ".join(pair_words(digits)))], form)
    words = digit_words(digits) if rng.random() < 0.5 else pair_words(digits)
    return pii("ACCOUNT_ID", spoken(words), form)
