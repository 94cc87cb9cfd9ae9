"""LOCATION: street + house number (+ addition), PO box (postbus) and place names.

Streets and places come from deduce's lists; a capitalised word ending in a street suffix
counts as a street too. House numbers may be digits ("12a") or number words ("twaalf a")."""

from __future__ import annotations

import re

from curation.pii.gazetteer import gazetteer
from curation.pii.lookups import lexicon, longest_match
from curation.pii.name_tagger import NOUN_PHRASE_ARTICLES
from curation.pii.normalise import LETTER, NUM, NUMW, ALNUM, WEAK
from curation.pii.recognizers.base import FILLERS, TWO_LETTER_WORDS, NormalisedRecognizer, context_near

STREET_SUFFIX = re.compile(r"(straat|laan|weg|plein|gracht|kade|singel|dijk|dreef|pad|hof|park|steeg|markt|"
                           r"plantsoen|boulevard|allee|wal|erf|veld|baan|lei|kaai|vest|street|road|lane|avenue|square)$")
ADDRESS_WORDS = re.compile(r"^(adres|adresje|woon|woont|wonen|woonachtig|postcode|woonplaats|gemeente|address)$")
BOX = frozenset({"bus", "bte", "boite", "boîte"})  # Belgian box number after the house number: "Leobaan 31 bus 3"
ADDITIONS = frozenset({"bis", "hs", "huis", "boven", "beneden", "zwart", "rood", "links", "rechts", "hoog", "a", "b",
                       "c", "d"})
PO_BOX = frozenset({"postbus", "pobox", "antwoordnummer"})
PLACE_CONTEXT = frozenset({"in", "uit", "te", "naar", "woonplaats", "wonend", "woon", "woont", "plaats", "from",
                           "richting", "vanuit", "city", "town"})
# in a transcript a listed street without its number is an address after these ("ik woon in de
# kastanjelaan", "op nummer twaalf van de molenweg", "op de hoek van de dorpsstraat")
RESIDENCE_WORDS = frozenset({"woon", "woont", "wonen", "woonde", "woonden", "adres", "adresje", "postadres", "hoek",
                             "nummer", "huisnummer", "verhuisd", "verhuizen", "verhuis", "woonachtig", "straat",
                             "straatnaam"})
STREET_WORDS = frozenset({"straat", "straatnaam", "adres"})
# two letters after four digits that are a word, not a postcode's letters ("in 1998 is Best ...")
POSTCODE_LOOKALIKES = TWO_LETTER_WORDS | {"at", "to", "on", "an"}
DISTRICT_WORDS = frozenset({"noord", "zuid", "oost", "west", "centrum", "noordoost", "noordwest", "zuidoost",
                            "zuidwest", "binnenstad"})
RESIDENCE_REACH = 5  # tokens between the residence word and the street


def _after_residence(keys, i: int, street_end: int) -> bool:
    """Token i follows an article, and a residence word or a street just found stands within reach
    before it ("woon in de X", "hoek van de X en de Y")."""
    if i >= 2 and keys[i - 1] == "is" and keys[i - 2] in STREET_WORDS:
        return True  # "de straatnaam is kastanjelaan"
    if i == 0 or keys[i - 1] not in NOUN_PHRASE_ARTICLES:
        return False
    if 0 <= i - street_end <= 2:
        return True  # "de dorpsstraat en de kerkweg"
    return any(k in RESIDENCE_WORDS for k in keys[max(0, i - RESIDENCE_REACH - 1):i - 1])


# "ik woon in de hoef", "wij komen uit 't harde": a village whose name is an article and a common word is
# the village only right after a residence verb and "in"/"uit"; these nouns after one are where, not which
# place ("ik woon in de buurt van", "in het noorden", "in de wijk lombok")
RESIDENCE_VERBS = frozenset({"woon", "woont", "wonen", "woonde", "woonden", "kom", "komt", "komen", "kwam",
                             "kwamen", "verhuisd", "verhuizen", "geboren", "opgegroeid", "woonachtig"})
AREA_NOUNS = frozenset({"buurt", "wijk", "stad", "dorp", "straat", "streek", "omgeving", "regio", "provincie",
                        "polder", "bergen", "heuvels", "bossen", "bos", "noorden", "zuiden", "oosten", "westen",
                        "noord", "zuid", "oost", "west", "centrum", "voorstad", "kamp", "flat", "huis", "randstad",
                        "kolonie", "plaats", "hoek", "groep", "buitenwijk", "binnenstad"})
AREA_MAX_ZIPF = 5.0  # a word this common after the article is the ordinary noun phrase ("de plaats", "de groep")
RESIDENCE_ARTICLES = NOUN_PHRASE_ARTICLES | {"t"}  # a transcript drops the apostrophe: "uit t harde"


def _residence_article_place(keys, i: int) -> int:
    """Length of a listed place opened by a lower-case article at token i, said right after a residence
    verb and "in"/"uit"/"naar" ("ik woon in de hoef", "uit t harde") and ending the phrase (a function
    word or filler next: "in de hoef van", "in het harde gedeelte" are no place); 0 when there is none."""
    if i < 2 or keys[i] not in RESIDENCE_ARTICLES or keys[i - 1] not in ("in", "uit", "naar") \
            or keys[i - 2] not in RESIDENCE_VERBS:
        return 0
    g = gazetteer()
    for length in (3, 2):
        words = keys[i + 1:i + length]
        if len(words) < length - 1 or " ".join(keys[i:i + length]) not in g.nl_places:
            continue
        if any(w in AREA_NOUNS or g.zipf(w) >= AREA_MAX_ZIPF for w in words):
            return 0
        if i + length == len(keys):
            return length
        after = keys[i + length]  # the phrase ends: "in de hoef bij amersfoort", not "in het harde gedeelte"
        return length if after != "van" and (after in FILLERS or g.word_class_of(after) == "function") else 0
    return 0


ADDRESS_CONTEXT = frozenset({"op", "de", "aan", "adres", "adresje", "woon", "woont", "wonen", "in", "at"})
PLACE_SMALL_WORDS = frozenset({"aan", "den", "de", "op", "het", "bij", "en", "in", "a/d", "'t", "'s", "der", "van"})
NUMBER_KINDS = frozenset({NUM, NUMW, ALNUM})
# words that make the place before them part of a firm's name ("Noordzee Assurantie", "Utrecht Energie")
FIRM_WORDS = frozenset({"assurantie", "assurantiën", "verzekeringen", "verzekering", "verzekerd", "bank", "energie",
                        "telecom", "groep", "holding", "bv", "b.v.", "nv", "n.v.", "airport", "insurance", "group",
                        "ltd", "inc", "gmbh", "vastgoed", "logistics", "logistiek", "zorgverzekeraar"})
_TITLES = frozenset({"meneer", "mevrouw", "mijnheer", "heer", "mevr", "mw", "dhr", "familie", "fam", "dokter", "dr"})


class NlLocationRecognizer(NormalisedRecognizer):
    ENTITY = "LOCATION"

    def find(self, norm):
        rejected: list[tuple[int, int]] = []  # capitalised place names read as ordinary words: (token, length)
        found = list(self._find(norm, rejected))
        yield from found
        yield from _enumerated_places(norm, found, rejected)

    def _find(self, norm, rejected: list):
        if self.supported_language == "en":
            yield from _english_addresses(norm)
        lex = lexicon()
        tokens = norm.tokens
        keys = [t.key for t in tokens]
        n = len(tokens)
        address_end = -1  # token index just after the last street + number or postbus + number
        street_end = -1  # token index just after the last street name found without a number
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
            after_address = address_end >= 0 and (  # no address yet: keys[i - 1] would wrap to the last word
                i == address_end or (i == address_end + 1 and keys[i - 1] in PLACE_CONTEXT))
            if after_address:
                # the place right after an address: "Kerkstraat 12a Holsloot", "postbus 18 in Westeneng"
                place_len = longest_match(keys, i, lex.places, lex.place_first)
                if place_len and (place_len > 1 or key not in lex.stop_words):
                    yield t.start, tokens[i + place_len - 1].end, 0.9, "place after an address"
                    i += place_len
                    continue
            belgian = self._postcode_and_town(norm, i, keys, lex, after_address or (
                i > 0 and context_near(norm, i, ADDRESS_WORDS, before=4)))
            if belgian is not None:  # "9000 Gent", "drieduizend klemskerke": a four-digit postcode and its town
                yield t.start, tokens[belgian - 1].end, 0.85, "postcode and town"
                address_end = belgian
                i = belgian
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
                # the number follows the street directly ("Het Spectrum, 284 bladzijden" is no address)
                glued = tokens[end_tok - 1].raw_end == tokens[end_tok - 1].end
                number_end = self._house_number(norm, end_tok) if glued else None
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
                if not cap and suffix and " ".join(keys[i:end_tok]) in lex.streets \
                        and _after_residence(keys, i, street_end):
                    # a transcript: "ik woon in de kastanjelaan", "op de hoek van de dorpsstraat en de kerkweg"
                    yield t.start, tokens[end_tok - 1].end, 0.6, "listed street after a residence word"
                    street_end = i = end_tok
                    continue
            head, _, tail = key.partition("-")
            if tail in DISTRICT_WORDS and head in lex.places and self.supported_language == "nl":
                yield t.start, t.end, 0.75 if cap else 0.6, "a town's district"  # "zwolle-zuid", "Amsterdam-Noord"
                i += 1
                continue
            village = 0 if cap or self.supported_language != "nl" else _residence_article_place(keys, i)
            if village:
                yield t.start, tokens[i + village - 1].end, 0.6, "village named like a noun phrase, after a residence verb"
                i += village
                continue
            place_len = longest_match(keys, i, lex.places, lex.place_first)
            world = False  # a gazetteer place deduce's residence list lacks: countries, regions, world cities
            if not place_len and cap:
                place_len = gazetteer().place_length(keys, i)[0]
                world = bool(place_len)
            if place_len:
                parts = tokens[i:i + place_len]
                # in Dutch text a world place opening a sentence needs more ("Awel" is a Flemish "well")
                score = self._place_score(norm, i, place_len, keys, lex, world and self.supported_language == "nl")
                if score and (all(p.is_cap or p.key in PLACE_SMALL_WORDS for p in parts)
                              or not cap and key not in PLACE_SMALL_WORDS):
                    yield t.start, parts[-1].end, score, "place name"
                    i += place_len
                    continue
                if not score and cap and not firm_name(tokens, i + place_len):
                    rejected.append((i, place_len))
            elif self.supported_language == "nl" and (cap or _after_place_article(keys, i)) and _landscape_name(t, lex) \
                    and not firm_name(tokens, i + 1):
                yield t.start, t.end, 0.6, "water or landscape name"
            i += 1

    @staticmethod
    def _place_score(norm, i, length, keys, lex, world: bool = False) -> float:
        """How sure a place match at token i is; `world`: a gazetteer place deduce's Dutch list lacks, read
        more strictly (an ordinary word, a sentence opener or a firm's first word is no place)."""
        tokens = norm.tokens
        t = tokens[i]
        prev = keys[i - 1] if i else ""
        ambiguous = length == 1 and (keys[i] in lex.common_words or keys[i] in lex.first_names
                                     or keys[i] in lex.surnames or len(keys[i]) < 3
                                     or world and _ordinary_word(keys[i]))
        explicit = prev in PLACE_CONTEXT and not t.sentence_start
        after_address = i and not t.sentence_start and (
            len(tokens[i - 1].text) == 2 and tokens[i - 1].text.isalpha() and norm.units[norm.unit_of_token[i - 1]].kind != "word"
            or norm.units[norm.unit_of_token[i - 1]].kind in NUMBER_KINDS
            or tokens[i - 1].text.isupper() and len(tokens[i - 1].text) == 2)
        # right after a Dutch postcode: four digits, then its two letters
        after_postcode = i >= 2 and not t.sentence_start and len(tokens[i - 1].text) == 2 \
            and tokens[i - 1].text.isalpha() and re.fullmatch(r"[1-9][0-9]{3}", tokens[i - 2].text) is not None \
            and tokens[i - 1].key not in POSTCODE_LOOKALIKES
        if ambiguous:
            if explicit and (t.is_cap or keys[i] not in lex.common_words):
                return 0.7
            if after_postcode:
                return 0.7  # "7311 AB Apeldoorn", "1234 ab best": the town after a postcode, whatever else it is
            surname_only = keys[i] not in lex.common_words and keys[i] not in lex.first_names and len(keys[i]) >= 3
            after_name = i and (prev in lex.first_names or prev in _TITLES or len(tokens[i - 1].text.rstrip(".")) == 1
                                or tokens[i - 1].is_placeholder)
            if surname_only and t.is_cap and not t.sentence_start and not after_name \
                    and not (i + 1 < len(tokens) and tokens[i + 1].is_cap and not tokens[i + 1].sentence_start):
                return 0.5  # "der stad Zwolle": a capitalised place that is also a surname, with no name before it
            return 0.0
        if firm_name(tokens, i + length):
            return 0.0  # a firm named after the place ("Noordzee Assurantie")
        if explicit or after_address:
            return 0.75 if t.is_cap else 0.6
        if t.is_cap and t.sentence_start and length == 1 and keys[i] not in lex.first_names and not world:
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
            elif tokens[nxt].key in BOX and nxt + 1 < len(tokens):
                w = units[uot[nxt + 1]]
                if w.first == nxt + 1 and w.kind in (NUM, NUMW, ALNUM, LETTER) and not tokens[nxt].sentence_start:
                    end = w.end
        return end

    @staticmethod
    def _postcode_and_town(norm, i: int, keys, lex, in_address: bool):
        """Token index after "<four-digit postcode> <place>" starting at token i, else None. Belgian and
        Luxembourg postcodes have no letters; Dutch ones ("1234 AB") are NL_POSTCODE's. Only inside an
        address (right after a street, or after "adres", "woon", "postcode"): "in 1998 Amsterdam" is a year.
        There a town no list knows is taken too, when it is no ordinary word."""
        if not in_address:
            return None
        units, uot = norm.units, norm.unit_of_token
        u = units[uot[i]]
        if u.first != i or u.kind not in (NUM, NUMW) or u.value is None:
            return None
        value, k = u.value, u.last
        if value < 100 and u.kind == NUMW and k < len(keys):  # "zesentachtig vierenzeventig": 8674 in pairs
            v = units[uot[k]]
            if v.first == k and v.kind == NUMW and v.value is not None and 10 <= v.value < 100:
                value, k = value * 100 + v.value, v.last
        if not 1000 <= value <= 9999 or k >= len(keys):
            return None
        g = gazetteer()
        place_len, local = g.place_length(keys, k)
        if place_len and local and not (place_len == 1 and keys[k] in lex.common_words):
            return k + place_len
        unknown = keys[k].replace("-", "").isalpha() and len(keys[k]) >= 3 and g.word_class_of(keys[k]) is None \
            and keys[k] not in lex.common_words
        return k + 1 if unknown else None

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


LIST_LINKS = frozenset({"en", "of", "and", "or", "&"})
ENUMERATED_SCORE = 0.6


def _enumerated_places(norm, found, rejected):
    """Places named in a list with another place: "tussen Rotterdam, Den Haag, Delft en Zoetermeer" makes
    "Delft" (also a verb) a place. A rejected capitalised place name next to a found place name, across a
    comma or "en"/"of", is a place too; a chain of them is followed."""
    tokens = norm.tokens
    if not rejected or not found:
        return
    by_start = {t.start: k for k, t in enumerate(tokens)}
    by_end = {t.end: k for k, t in enumerate(tokens)}
    first_of, last_of = set(), set()  # token indices where a found place starts / ends
    for start, end, _score, why in found:
        if why.startswith("place") and start in by_start and end in by_end:
            first_of.add(by_start[start])
            last_of.add(by_end[end])

    def linked(a: int, b: int) -> bool:  # token a ends one list item, token b starts the next
        if a < 0 or b >= len(tokens) or tokens[b].sentence_start:
            return False
        if b == a + 1:
            return norm.text[tokens[a].end:tokens[a].raw_end] == ","
        return b == a + 2 and tokens[a + 1].key in LIST_LINKS and tokens[a].raw_end == tokens[a].end

    pending = sorted(set(rejected))
    changed = True
    while changed and pending:
        changed = False
        for item in list(pending):
            i, length = item
            last = i + length - 1
            if any(linked(j, i) for j in last_of) or any(linked(last, j) for j in first_of):
                pending.remove(item)
                first_of.add(i)
                last_of.add(last)
                changed = True
                yield tokens[i].start, tokens[last].end, ENUMERATED_SCORE, "place name in a list of places"


def firm_name(tokens, k: int) -> bool:
    """The place ending before token k goes on into a firm's name: a FIRM_WORDS word follows with nothing
    between (no comma, bracket or full stop; a hesitation may: "noordzee uh assurantie")."""
    while True:
        if k >= len(tokens) or k == 0 or tokens[k].sentence_start or tokens[k - 1].raw_end != tokens[k - 1].end \
                or tokens[k].raw_start != tokens[k].start:
            return False
        if tokens[k].key not in FILLERS:
            return tokens[k].key in FIRM_WORDS
        k += 1


# Dutch names of waters and landscapes are compounds with these last parts: "Sneekermeer", "Oostvaardersplassen",
# "Markerwaard", "Twentekanaal", "Hudsonbaai", "Eelderdiep", "Westerscheldetunnel", "Rifgebergte"
LANDSCAPE_SUFFIX = re.compile(r"...(meer|plassen|waard|kanaal|baai|bekken|diep|tunnel|plateau|watervallen|waterval|"
                              r"gebergte|eiland|eilanden|zee|woud|delta|polder)\Z")


def _landscape_name(t, lex) -> bool:
    """A compound inside a sentence ending like the name of a water or landscape that no word list knows
    as an ordinary word ("het Lauwersmeer"; "de Grebbeberg" is not read: -berg ends surnames). The caller
    asks for a capital or, in lower case, a place preposition and an article before it."""
    g = gazetteer()
    return not t.sentence_start and not t.text.isupper() and LANDSCAPE_SUFFIX.search(t.key) is not None \
        and t.key not in lex.common_words and g.word_class_of(t.key) is None and g.zipf(t.key) < 4.0


# in lower case (a recogniser's transcript) a landscape compound needs a place preposition and an article
# before it: "aan het lauwersmeer", "bij de oostvaardersplassen"
LANDSCAPE_PREPOSITIONS = frozenset({"in", "aan", "op", "bij", "naar", "langs", "over", "uit", "rond", "nabij"})


def _after_place_article(keys, i: int) -> bool:
    return i >= 2 and keys[i - 1] in ("het", "de", "'t") and keys[i - 2] in LANDSCAPE_PREPOSITIONS


def _ordinary_word(key: str) -> bool:
    """A one-word place that is an ordinary Dutch word too ("Split", "Reading", "Jersey", "Chili")."""
    return gazetteer().word_class_of(key) in ("noun", "verb", "function")


re_house = re.compile(r"[0-9]{1,5}[A-Z]{0,2}\Z")


# English addresses put the house number first: "42 baker street", "forty two baker street", "12a
# station road"; one to three name words between the number and the street word
EN_STREET_TYPES = frozenset({"street", "st", "road", "rd", "lane", "ln", "avenue", "ave", "drive", "close", "way",
                             "crescent", "place", "square", "court", "gardens", "terrace", "boulevard", "blvd",
                             "grove", "row", "walk", "mews", "parade"})


def _english_addresses(norm):
    """LOCATION spans of English street addresses: a house number (digits or number words), one to three
    words that are no stop words, and a street word ("we live at 42 baker street")."""
    tokens, units, uot = norm.tokens, norm.units, norm.unit_of_token
    stop = gazetteer().common("en")
    for i, t in enumerate(tokens):
        if t.key not in EN_STREET_TYPES or i < 2:
            continue
        j = i - 1
        while j >= 0 and i - j <= 3 and tokens[j].key.isalpha() and tokens[j].key not in stop \
                and units[uot[j]].kind not in NUMBER_KINDS and not tokens[j].sentence_start \
                and tokens[j].raw_end == tokens[j].end:
            j -= 1
        if j == i - 1 or j < 0:
            continue  # no name between the number and the street word
        u = units[uot[j]]
        if u.kind in NUMBER_KINDS and (u.kind == ALNUM or (u.value is not None and 0 < u.value < 100000)):
            yield u.start, t.end, 0.85, "English street address (number first)"


def _continues(norm, unit) -> bool:
    """True when the code run goes on after `unit` (then it is a postcode or phone, not an addition)."""
    k = unit.last
    if k >= len(norm.tokens):
        return False
    return norm.units[norm.unit_of_token[k]].kind in (NUM, NUMW, LETTER, ALNUM, WEAK)
