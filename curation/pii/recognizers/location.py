"""LOCATION: street + house number (+ addition), PO box (postbus) and place names.

Streets and places come from deduce's lists; a capitalised word ending in a street suffix
counts as a street too. House numbers may be digits ("12a") or number words ("twaalf a")."""

from __future__ import annotations

import re

from curation.pii.lookups import lexicon, longest_match
from curation.pii.normalise import LETTER, NUM, NUMW, ALNUM, WEAK
from curation.pii.recognizers.base import NormalisedRecognizer

STREET_SUFFIX = re.compile(r"(straat|laan|weg|plein|gracht|kade|singel|dijk|dreef|pad|hof|park|steeg|markt|"
                           r"plantsoen|boulevard|allee|wal|erf|veld|street|road|lane|avenue|square)$")
ADDITIONS = frozenset({"bis", "hs", "huis", "boven", "beneden", "zwart", "rood", "links", "rechts", "hoog", "a", "b",
                       "c", "d"})
PO_BOX = frozenset({"postbus", "pobox", "antwoordnummer"})
PLACE_CONTEXT = frozenset({"in", "uit", "te", "naar", "woonplaats", "wonend", "woon", "woont", "plaats", "from",
                           "richting", "vanuit", "city", "town"})
ADDRESS_CONTEXT = frozenset({"op", "de", "aan", "adres", "adresje", "woon", "woont", "wonen", "in", "at"})
PLACE_SMALL_WORDS = frozenset({"aan", "den", "de", "op", "het", "bij", "en", "in", "a/d", "'t", "'s", "der", "van"})
NUMBER_KINDS = frozenset({NUM, NUMW, ALNUM})


class NlLocationRecognizer(NormalisedRecognizer):
    ENTITY = "LOCATION"

    def find(self, norm):
        lex = lexicon()
        tokens = norm.tokens
        keys = [t.key for t in tokens]
        n = len(tokens)
        address_end = -1  # token index just after the last street + number or postbus + number
        i = 0
        while i < n:
            t = tokens[i]
            key = keys[i]
            if key in PO_BOX:
                end = self._numbers_after(norm, i + 1, many=True)
                if end is not None:
                    yield t.start, end, 0.9, "postbus and number"
                    address_end = norm.token_at(end - 1) + 1
                    i = address_end
                    continue
            if i == address_end or (i == address_end + 1 and keys[i - 1] in PLACE_CONTEXT):
                # the place right after an address: "Kerkstraat 12a Holsloot", "postbus 18 in Westeneng"
                place_len = longest_match(keys, i, lex.places, lex.place_first)
                if place_len and (place_len > 1 or key not in lex.stop_words):
                    yield t.start, tokens[i + place_len - 1].end, 0.9, "place after an address"
                    i += place_len
                    continue
            if key in lex.not_names:
                i += 1
                continue
            cap = t.is_cap
            street_len = longest_match(keys, i, lex.streets, lex.street_first) if cap or key in lex.street_first else 0
            last = keys[i + max(street_len, 1) - 1]
            suffix = bool(STREET_SUFFIX.search(last)) and len(last) >= 6 and last not in lex.common_words
            if street_len == 0 and suffix and (cap or len(key) >= 7):
                street_len = 1
            if street_len and (cap or suffix):
                end_tok = i + street_len
                number_end = self._house_number(norm, end_tok)
                context = suffix or street_len > 1 or (i and keys[i - 1] in ADDRESS_CONTEXT)
                if number_end is not None and context:
                    yield t.start, number_end, 0.9 if cap else 0.8, "street and house number"
                    address_end = norm.token_at(number_end - 1) + 1
                    i = address_end
                    continue
                if cap and suffix and not (t.sentence_start and key in lex.common_words):
                    yield t.start, tokens[end_tok - 1].end, 0.7, "street name"
                    i = end_tok
                    continue
            place_len = longest_match(keys, i, lex.places, lex.place_first)
            if place_len:
                parts = tokens[i:i + place_len]
                score = self._place_score(norm, i, place_len, keys, lex)
                if score and (all(p.is_cap or p.key in PLACE_SMALL_WORDS for p in parts)
                              or not cap and key not in PLACE_SMALL_WORDS):
                    yield t.start, parts[-1].end, score, "place name"
                    i += place_len
                    continue
            i += 1

    @staticmethod
    def _place_score(norm, i, length, keys, lex) -> float:
        tokens = norm.tokens
        t = tokens[i]
        prev = keys[i - 1] if i else ""
        ambiguous = length == 1 and (keys[i] in lex.common_words or keys[i] in lex.first_names
                                     or keys[i] in lex.surnames or len(keys[i]) < 3)
        explicit = prev in PLACE_CONTEXT and not t.sentence_start
        after_address = i and not t.sentence_start and (
            len(tokens[i - 1].text) == 2 and tokens[i - 1].text.isalpha() and norm.units[norm.unit_of_token[i - 1]].kind != "word"
            or norm.units[norm.unit_of_token[i - 1]].kind in NUMBER_KINDS
            or tokens[i - 1].text.isupper() and len(tokens[i - 1].text) == 2)
        if ambiguous:
            if explicit and (t.is_cap or keys[i] not in lex.common_words):
                return 0.7
            return 0.0
        if explicit or after_address:
            return 0.75 if t.is_cap else 0.6
        if t.is_cap and t.sentence_start and length == 1 and keys[i] not in lex.first_names:
            return 0.5  # "Utrecht is mooi": a place opening a sentence
        return 0.55 if t.is_cap and not t.sentence_start else 0.0

    @staticmethod
    def _house_number(norm, k: int):
        """End offset of a house number (and addition) starting at token k, or None."""
        tokens, units, uot = norm.tokens, norm.units, norm.unit_of_token
        if k >= len(tokens):
            return None
        u = units[uot[k]]
        if u.first != k or u.kind not in NUMBER_KINDS:
            return None
        if u.kind != ALNUM and (u.value is None or not 0 < u.value < 100000):
            return None
        if u.kind == ALNUM and not re_house.match(u.canon):
            return None
        end, nxt = u.end, u.last
        if nxt < len(tokens):
            v = units[uot[nxt]]
            if v.first == nxt and (v.kind in (LETTER, WEAK) and len(v.canon) == 1 or tokens[nxt].key in ADDITIONS
                                   or v.kind in (NUM, NUMW) and v.value is not None and v.value < 100
                                   and norm.text[tokens[nxt - 1].raw_end - 1] not in ",."
                                   and not _continues(norm, v)):
                if not tokens[nxt].sentence_start:
                    end = v.end
        return end

    @staticmethod
    def _numbers_after(norm, k: int, many: bool):
        tokens, units, uot = norm.tokens, norm.units, norm.unit_of_token
        end = None
        while k < len(tokens):
            u = units[uot[k]]
            if u.first != k or u.kind not in (NUM, NUMW):
                break
            end = u.end
            k = u.last
            if not many:
                break
        return end


re_house = re.compile(r"[0-9]{1,5}[A-Z]{0,2}\Z")


def _continues(norm, unit) -> bool:
    """True when the code run goes on after `unit` (then it is a postcode or phone, not an addition)."""
    k = unit.last
    if k >= len(norm.tokens):
        return False
    return norm.units[norm.unit_of_token[k]].kind in (NUM, NUMW, LETTER, ALNUM, WEAK)
