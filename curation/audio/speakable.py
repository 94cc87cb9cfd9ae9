"""Transcript words as a person says them, for speech synthesis: "06-12345678" -> "nul zes een twee ...",
"1234AB" -> "twaalf vierendertig A B", "jan@ziggo.nl" -> "jan apenstaartje ziggo punt nl".

Only the rough sound matters (alignment tolerates a digit read in pairs instead of one by one);
each result belongs to exactly one transcript word, so times map back to the word as written.
"""

from __future__ import annotations

import re
from functools import lru_cache

SYMBOLS = {
    "nl": {"@": "apenstaartje", ".": "punt", "-": "streepje", "_": "laag streepje", "/": "slash", "€": "euro",
           "%": "procent", "+": "plus", "&": "en", "#": "hekje"},
    "en": {"@": "at", ".": "dot", "-": "dash", "_": "underscore", "/": "slash", "€": "euro", "%": "percent",
           "+": "plus", "&": "and", "#": "hash"},
}
TOKEN = re.compile(r"\d+|[^\W\d_]+|[^\w\s]|_", re.UNICODE)
EDGE_PUNCTUATION = ".,;:!?\"'()[]«»“”‘’"


@lru_cache(maxsize=4096)
def number_words(digits: str, language: str = "nl") -> str:
    """A run of digits the way it is usually said: short numbers whole, four digits in pairs
    ("1954" -> "negentien vierenvijftig"), long ones digit by digit (phone, BSN, account numbers)."""
    from num2words import num2words

    lang = "nl" if language not in ("nl", "en") else language

    def whole(s: str) -> str:
        return num2words(int(s), lang=lang).replace("-", " ").replace(",", "")

    if len(digits) <= 3 and not (len(digits) > 1 and digits[0] == "0"):
        return whole(digits)
    if len(digits) == 4 and digits[0] != "0":
        if digits.endswith("000"):
            return whole(digits)
        return f"{whole(digits[:2])} {whole(digits[2:]) if digits[2] != '0' else ' '.join(whole(d) for d in digits[2:])}"
    return " ".join(whole(d) for d in digits)


def _letters(run: str, mixed: bool) -> str:
    """Letters inside a token with digits (postcode, plate, IBAN) and short capitals ("ABNA", "KPN")
    are spelled out; anything else is a word espeak can read."""
    if mixed or (run.isupper() and 1 < len(run) <= 4):
        return " ".join(run.upper())
    return run


def spoken_form(word: str, language: str = "nl") -> str:
    """What to synthesise for one transcript word ("" when nothing is said, e.g. a lone dash)."""
    core = word.strip(EDGE_PUNCTUATION)
    if not any(c.isalnum() for c in core):
        return ""
    plain = core.replace("-", "").replace("'", "")
    if plain.isalpha() and not (core.isupper() and 1 < len(core) <= 4):
        return word  # an ordinary word: keep its punctuation, espeak pauses where a person would
    symbols = SYMBOLS.get(language, SYMBOLS["nl"])
    mixed = any(c.isdigit() for c in core)
    parts = []
    for token in TOKEN.findall(core):
        if token.isdigit():
            parts.append(number_words(token, language))
        elif token[0].isalpha():
            parts.append(_letters(token, mixed))
        elif token in ("-", "/", ":") and mixed:
            continue  # a separator inside a number is a short pause, not a word
        elif token in symbols:
            parts.append(symbols[token])
    if core[0] in "€$£" and len(parts) > 1:  # "€45" is said "vijfenveertig euro"
        parts = parts[1:] + parts[:1]
    text = " ".join(p for p in parts if p)
    if word and word[-1] in ",.?!;:" and text:
        text += word[-1]
    return text


def spoken_text(words, language: str = "nl") -> tuple[str, list[tuple[int, int]]]:
    """The text to synthesise for `words` and, per word, its character range in that text
    (an empty range where the word is not spoken)."""
    pieces, ranges, pos = [], [], 0
    for word in words:
        said = spoken_form(word, language)
        if not said:
            ranges.append((pos, pos))
            continue
        if pieces:
            pos += 1
        ranges.append((pos, pos + len(said)))
        pieces.append(said)
        pos += len(said)
    return " ".join(pieces), ranges
