"""Document consistency: a name or place found once with evidence is that name wherever it occurs
again in the same text.

A transcript introduces a caller once ("u spreekt met Ann Vandenbussche") and then says the surname
alone ("mevrouw Vandenbussche", "Vandenbussche zegt..."); a newspaper article does the same. The
recognizers judge each mention on its own evidence, so the later, bare mentions are missed unless
they happen to have a cue. Here every word of a found PERSON span, and every whole LOCATION span, is
looked for again in the text and marked with the same type when the repeat is safe to take:

- the same characters (case included), as a whole word;
- a word that is also an ordinary word of the language ("Bakker", "Bos", "Winter") is taken again only
  when it is capitalised and not the first word of a sentence: in lower-case (ASR) text "bos" is the
  forest unless its own context says otherwise;
- particles and single letters ("van", "de", "J.") are never taken on their own.

What it adds scores `SCORE`, below every recognizer's own evidence, so overlaps resolve in their favour.
"""

from __future__ import annotations

import re

from curation.pii.gazetteer import gazetteer
from curation.pii.spans import PiiSpan
from curation.pii.tokens import lookup_key

SCORE = 0.5
RECOGNIZER = "DocumentConsistency"
SOURCE_TYPES = ("PERSON", "LOCATION")
_MIN_LENGTH = 3
_COMMON_ZIPF = 3.0  # a word said more often than about once per million words is an ordinary word
_SENTENCE_END = ".?!:;\"\n"


def propagate(spans: list[PiiSpan], text: str, language: str) -> list[PiiSpan]:
    """Spans for the repeats of the found names and places that no span covers yet."""
    g = gazetteer()
    wanted: dict[str, str] = {}  # surface form -> type
    for s in spans:
        if s.entity_type not in SOURCE_TYPES:
            continue
        value = text[s.start:s.end]
        if s.entity_type == "LOCATION":
            words = [value] if len(value) >= _MIN_LENGTH and any(c.isalpha() for c in value) else []
        else:
            words = [w.strip(".,;:!?()\"'") for w in value.split()]
        for word in words:
            key = lookup_key(word)
            if len(word) < _MIN_LENGTH or key in g.interfixes or "." in word or not any(c.isalpha() for c in word):
                continue
            wanted.setdefault(word, s.entity_type)
    if not wanted:
        return []
    covered = sorted((s.start, s.end) for s in spans)
    found = []
    pattern = re.compile(r"(?<![\w@.-])(?:" + "|".join(re.escape(w) for w in sorted(wanted, key=len, reverse=True))
                         + r")(?![\w@-]|\.\w)")
    for m in pattern.finditer(text):
        a, b = m.span()
        if _covered(covered, a, b):
            continue
        word = m.group()
        if _ordinary(word, g, language) and not (word[:1].isupper() and not _sentence_start(text, a)):
            continue
        found.append(PiiSpan(wanted[word], a, b, SCORE, RECOGNIZER))
    return found


def _ordinary(word: str, g, language: str) -> bool:
    """An ordinary word of the language: in its word classes, its stop words, or frequent."""
    keys = [lookup_key(p) for p in word.split()]
    return all(g.word_class_of(k, language) is not None or k in g.common(language)
               or g.zipf(k, language) >= _COMMON_ZIPF for k in keys)


def _sentence_start(text: str, at: int) -> bool:
    i = at - 1
    while i >= 0 and text[i] in " \t\u00a0('\"‘“":
        i -= 1
    return i < 0 or text[i] in _SENTENCE_END


def _covered(covered: list[tuple[int, int]], a: int, b: int) -> bool:
    from bisect import bisect_right

    k = bisect_right(covered, (a, float("inf"))) - 1
    while k >= 0 and covered[k][1] > a:
        if covered[k][0] <= a and covered[k][1] >= b:
            return True
        k -= 1
    return False
