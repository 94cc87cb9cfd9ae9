"""The spoken rendering of a `Doc`: what an ASR transcript of the text read aloud looks like, with every
gold span and mark mapped onto the new text.

Per whitespace token: lower case, punctuation dropped (a hyphen or slash inside a word becomes a space),
numbers as words (num2words, nl or en) in one of three forms chosen by a hash of document id and digits:
digit by digit ("nul zes een twee"), in pairs ("nul zes twaalf"), or whole ("twaalfhonderdvijftig";
only for up to four digits, longer numbers take one of the other two; thousands separators "1.250" are
always read whole). E-mail addresses are read out ("jan punt de streepje vries apenstaartje gmail punt
com"); postcodes, licence plates and IBANs (by gold type) are spelled letter by letter. A span maps onto
the rendering of the tokens it overlaps; a span whose tokens all render to nothing (punctuation) is dropped.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import replace

from num2words import num2words

from benchmarks.thirdparty.convert import Doc

FORMS = ("digits", "pairs", "whole")
SPELLED_TYPES = {"NL_POSTCODE", "NL_LICENSE_PLATE", "IBAN_CODE"}
SYMBOLS = {"nl": {".": "punt", "@": "apenstaartje", "-": "streepje", "_": "underscore", "+": "plus",
                  ",": "komma"},
           "en": {".": "dot", "@": "at", "-": "dash", "_": "underscore", "+": "plus", ",": "point"}}
_TOKEN = re.compile(r"\S+")
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_THOUSANDS = re.compile(r"\d{1,3}(?:\.\d{3})+\Z")
_NUMBER = re.compile(r"\d+(?:[.,:]\d+)*")
_PIECE = re.compile(r"\d+|[^\W\d_]+(?:['’][^\W\d_]+)*")  # "o'brien", "india's" keep their apostrophe
_ORDINAL = re.compile(r"(\d+)(st|nd|rd|th|e|ste|de)\Z", re.IGNORECASE)


def number_form(doc_id: str, digits: str) -> str:
    """'digits', 'pairs' or 'whole' for this number in this document (deterministic)."""
    form = FORMS[hashlib.sha256(f"{doc_id}|{digits}".encode()).digest()[0] % 3]
    if form == "whole" and len(digits.lstrip("0")) > 4:
        form = FORMS[hashlib.sha256(f"{doc_id}|{digits}|long".encode()).digest()[0] % 2]
    return form


def _word(n: int, lang: str, year: bool = False) -> str:
    text = num2words(n, lang=lang, to="year") if year else num2words(n, lang=lang)
    text = text.replace("één", "een")  # ASR mostly writes the numeral like the article
    return re.sub(r"[^\w]+", " ", text).strip()


def say_digits(digits: str, form: str, lang: str) -> str:
    """A digit string read in the given form."""
    if form == "digits":
        return " ".join(_word(int(d), lang) for d in digits)
    if form == "pairs":
        groups = ([digits[0]] if len(digits) % 2 else []) + [digits[i:i + 2] for i in range(len(digits) % 2,
                                                                                            len(digits), 2)]
        return " ".join(say_digits(g, "digits", lang) if g.startswith("0") else _word(int(g), lang) for g in groups)
    zeros = len(digits) - len(digits.lstrip("0"))
    rest = digits[zeros:]
    words = [_word(0, lang)] * zeros
    if rest:
        words.append(_word(int(rest), lang, year=len(rest) == 4 and 1900 <= int(rest) <= 2099))
    return " ".join(words)


def _say_number(doc_id: str, number: str, lang: str) -> str:
    if _THOUSANDS.match(number):
        return say_digits(number.replace(".", ""), "whole", lang)
    out = []
    for part in re.split(r"([.,:])", number):
        if part == ",":
            out.append(SYMBOLS[lang][","])
        elif part and part not in ".:":
            out.append(say_digits(part, number_form(doc_id, part), lang))
    return " ".join(out)


def say_email(doc_id: str, address: str, lang: str) -> str:
    """An e-mail address read out: letters as words, symbols named, digits one by one."""
    out = []
    for piece in re.findall(r"\d+|[^\W\d_]+|[^\w\s]|_", address):
        if piece.isdigit():
            out.append(say_digits(piece, "digits", lang))
        elif piece in SYMBOLS[lang]:
            out.append(SYMBOLS[lang][piece])
        elif piece.isalpha():
            out.append(piece.lower())
    return " ".join(out)


def say_token(doc_id: str, token: str, lang: str, spelled: bool = False) -> str:
    """One whitespace token as ASR would write it (maybe ''): see the module docstring."""
    email = _EMAIL.search(token)
    if email:
        return say_email(doc_id, email.group(), lang)
    ordinal = _ORDINAL.match(re.sub(r"^\W+|\W+$", "", token))
    if ordinal and not spelled:  # "65th", "3e": an ordinal is said as one
        return re.sub(r"[^\w]+", " ", num2words(int(ordinal.group(1)), lang=lang, to="ordinal")).strip()
    out = [SYMBOLS[lang]["+"]] if re.match(r"\W*\+\d", token) else []  # "+31" -> "plus eenendertig"
    pos = 0
    for m in _NUMBER.finditer(token):
        out.append(_say_letters(token[pos:m.start()], spelled))
        out.append(_say_number(doc_id, m.group(), lang))
        pos = m.end()
    out.append(_say_letters(token[pos:], spelled))
    return " ".join(p for p in out if p)


def _say_letters(text: str, spelled: bool) -> str:
    words = _PIECE.findall(text.lower())
    if spelled:
        return " ".join(c for w in words for c in w)
    return " ".join(words)


def render(doc: Doc) -> Doc:
    """The spoken form of a written `Doc`, spans and marks mapped exactly onto the new text."""
    if doc.form == "spoken":
        return doc
    tokens = [(m.start(), m.end()) for m in _TOKEN.finditer(doc.text)]
    spelled = set()
    for start, end, kind in doc.spans:
        if kind in SPELLED_TYPES:
            spelled.update(i for i, (a, b) in enumerate(tokens) if a < end and start < b)
    pieces, new_offsets, pos = [], [], 0
    for i, (a, b) in enumerate(tokens):
        said = say_token(doc.id, doc.text[a:b], doc.language, i in spelled)
        if not said:
            new_offsets.append(None)
            continue
        if pieces:
            pos += 1
        pieces.append(said)
        new_offsets.append((pos, pos + len(said)))
        pos += len(said)
    text = " ".join(pieces)

    def mapped(items):
        out = []
        for start, end, kind in items:
            hit = [new_offsets[i] for i, (a, b) in enumerate(tokens)
                   if a < end and start < b and new_offsets[i] is not None]
            if hit:
                out.append((hit[0][0], hit[-1][1], kind))
        return tuple(dict.fromkeys(out))

    return replace(doc, text=text, spans=mapped(doc.spans), marks=mapped(doc.marks), form="spoken")
