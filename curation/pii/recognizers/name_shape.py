"""PERSON (or LOCATION after a place word) for a word no list and no dictionary knows whose letters
look like a name: "verscheen gantman in april", "hrbaty won", "in pratonevoso".

The other recognizers need a list, a cue word or a capital at the right place; a foreign surname
said without a title ("volgens larmuseau verscheen gantman") has none of these and stays audible.
Here a word is a candidate when it is letters only (four or more), no ordinary word (no word class,
rarer than Zipf `MAX_ZIPF` in Dutch and `MAX_ZIPF_EN` in English, not on the common-word and
not-a-name lists, no place, no number word, no hesitation) and no compound of two common Dutch words
("rusthuisdirecteur", "softwaremaker"); it is reported when its letters lean to a name
(`curation.pii.name_shape`, score above `MIN_SHAPE`). In written text (capitals a reader can use)
only a capitalised word inside a sentence is a candidate, never one in capitals only (an acronym).
Organisations nobody lists look the same ("Agalev", "Floralux") and are redacted too: a false alarm
costs a word of the lesson, a miss leaks a name.

Only for Dutch. Thresholds were chosen on the tune split of the third-party benchmark
(`benchmarks/pii_thirdparty.py --split tune`), never on its held-out part.
"""

from __future__ import annotations

import re

from curation.pii.gazetteer import gazetteer, is_compound
from curation.pii.normalise import NUMERIC
from curation.pii.recognizers.base import NormalisedRecognizer
from curation.pii.recognizers.spoken_name import PLACE_CUES, _words

MIN_LENGTH = 4
MAX_ZIPF = 2.0  # rarer than this in Dutch (wordfreq); `_Words.unknown` already asks < 3 and no word class
MAX_ZIPF_EN = 3.5  # "today", "black", "your" in a Dutch text are English words, not names
MIN_SHAPE = 0.3  # mean log-odds per letter (0: as likely a name as a word)
# hesitations and drawn-out words of a transcript ("uhhm", "hmmm", "jaaa", "góóóóód"): no Dutch word and
# no name has a letter three times in a row
HESITATION = re.compile(r"(.)\1\1|^(u+h*m+|e+h*m+|h+m+|m+h+m*|u+h+|e+h+|a+h+|o+h+|p+f+|h+u+h+|t+s+)$")
# a place word before it makes the word a place ("naar tsjerkasovka"); "bij", "via" and "rond" come before
# people as often ("ik was bij kazarevic"), so they leave it a name
PLACE_WORDS = PLACE_CUES - {"bij", "via", "rond"}
SHAPE_SCORE = 0.45  # under the list and cue rules (0.5-0.6): they decide the span where they overlap


def candidates(norm) -> list[tuple[int, bool]]:
    """(token index, after a place word) of the words that look like names no list knows."""
    from curation.pii.name_shape import name_shape
    from curation.pii.name_tagger import is_cased

    tokens = norm.tokens
    model = name_shape("nl") if tokens else None
    if model is None:
        return []
    cased = is_cased(tokens)
    words, gaz = _words("nl"), gazetteer()
    out = []
    for k, t in enumerate(tokens):
        key = t.key
        if len(key) < MIN_LENGTH or not key.isalpha() or norm.units[norm.unit_of_token[k]].kind in NUMERIC \
                or HESITATION.search(key):
            continue
        if cased and (t.sentence_start or not t.text[:1].isupper() or t.text.isupper()):
            continue
        if not words.unknown(key) or gaz.zipf(key) >= MAX_ZIPF or gaz.zipf(key, "en") >= MAX_ZIPF_EN:
            continue
        if is_compound(key) or model.score(key) <= MIN_SHAPE:
            continue
        out.append((k, k > 0 and tokens[k - 1].key in PLACE_WORDS))
    return out


class NameShapeRecognizer(NormalisedRecognizer):
    """PERSON, or LOCATION after a place word, in one pass over the text."""

    ENTITIES = ("PERSON", "LOCATION")

    def find(self, norm):
        if self.supported_language != "nl":
            return
        for k, place in candidates(norm):
            t = norm.tokens[k]
            yield t.start, t.end, SHAPE_SCORE, "a word no list knows whose letters look like a name", \
                "LOCATION" if place else "PERSON"
