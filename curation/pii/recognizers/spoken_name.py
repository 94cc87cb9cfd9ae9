"""PERSON and LOCATION in text without capitals (an ASR transcript): "gisteren belde frank
vandenbroucke nog", "volgens geert over de zaak", "de reis naar zwitserland" (`SpokenPlaceRecognizer`).

Written text has capitals to tell a name from a word; lower-case speech has only the lists and how
common a word is. Here a word on the first-name list that is no ordinary Dutch word (not on the
common-word lists, no verb, adjective or function word in spaCy's tables, no place, less common than
Zipf 5.3 in wordfreq, and not on `spoken_not_names.txt`: "nadien", "koop", "ken") is a first name.
The name goes on over a second first name, tussenvoegsels ("van der", "de") and a surname: a word on
the surname list that is not very common as a word (Zipf < 4.5), or a word the language does not know
(Zipf < 3, no word class). A surname-list word on its own is a name only when it is rare as a word
(Zipf < 3), is no first name and no place ("wattimena"; never "bakker", "visser"). A word no list
and no word table knows is a name after a title or reporting word ("volgens strupar", "minister
verwilghen") or an initial ("j verwilghen").

English text (`language="en"`) is read the same way with English word frequencies, word classes and
stop words, the international first names and the US census surnames added to the lists, English
determiners and cue words ("said", "president"), months and a short list of English words that are
also first names ("will", "mark", "rose") never names, and English place cues ("in", "from", "near");
streets stay Dutch. On the CoNLL-2003 tune split (eng.testa) this raised spoken recall from 0.31 to
0.66 (PERSON 0.33 -> 0.75, LOCATION 0.30 -> 0.52) at precision 0.60 -> 0.70, written recall 0.61 ->
0.75 at precision 0.79 -> 0.78. In written text (`name_tagger.is_cased`) the same rules run on capitalised words
only: a name starts and its surname stands on a capital, a place is a capitalised word ("Kortrijk",
"Zwitserland"); lower-case words there are left to the other recognizers. On the CoNLL-2002 tune
split this raised written recall from 0.64 to 0.72 (PERSON 0.70 -> 0.76, LOCATION 0.51 -> 0.63)
at the same precision (0.86).
"""

from __future__ import annotations

import re
from functools import cached_property, lru_cache

from curation.pii.gazetteer import gazetteer
from curation.pii.lookups import lexicon, spoken_not_names
from curation.pii.normalise import NUMERIC
from curation.pii.quantities import after_quantity
from curation.pii.recognizers.base import NormalisedRecognizer
from curation.pii.recognizers.location import firm_name
from curation.pii.recognizers.person import NAME_CUES, TITLES
from curation.pii.tokens import lookup_key
from curation.vocabulary import CALENDAR_WORDS

FIRST_NAME_MAX_ZIPF = 5.3  # "jan" 5.2 is a name; "hou" 5.35 is a verb
FIRST_NAME_MAX_ZIPF_EN = 5.7  # English: "john" 5.4, "david" 5.1; the words among first names are on ENGLISH_NOT_NAMES
SURNAME_MAX_ZIPF = 4.5  # a listed surname after a first name: "jan jansen", not "jan maar"
UNKNOWN_MAX_ZIPF = 3.0  # a word no list knows after a first name: "frank vandenbroucke"
FOREIGN_SURNAME_MAX_ZIPF_EN = 3.0  # Dutch text: a US census surname after a first name, unless an English word
SOLO_MAX_ZIPF = 3.0  # a listed surname without a first name: "vandenbroucke", never "bakker"
TUSSENVOEGSELS = frozenset({"van", "de", "der", "den", "ter", "ten", "te", "het", "'t", "vander", "vanden", "la",
                            "le", "du", "di", "da", "del", "von", "d'"})
_ORDINARY_CLASSES = ("verb", "adj", "function")
DETERMINERS = frozenset({"de", "het", "een", "die", "deze", "dat", "dit", "geen", "elke", "ieder", "iedere", "welke"})
DETERMINERS_EN = frozenset({"the", "a", "an", "this", "that", "these", "those", "no", "every", "each", "any", "some",
                            "my", "your", "his", "her", "our", "their", "its"})
# English: words after which a word the language does not know is a name ("according to strupar" reads
# "to"; the titles are those of person.TITLES in English)
NAME_CUES_EN = frozenset({"said", "says", "told", "president", "minister", "premier", "chancellor", "senator",
                          "governor", "mayor", "coach", "captain", "manager", "chairman", "spokesman",
                          "spokeswoman", "director", "judge", "officer", "colleague", "doctor", "dr", "mr", "mrs",
                          "ms", "miss", "mister", "sir", "madam", "professor", "prof"})
# English words that the first-name lists hold but that, said in lower case, are ordinary words
ENGLISH_NOT_NAMES = frozenset({"will", "may", "june", "april", "august", "rose", "grant", "hope", "joy", "faith",
                               "guy", "art", "bill", "jack", "frank", "chase", "miles", "dean", "ray", "pat",
                               "sue", "rob", "mark", "don", "gene", "drew", "earl", "major", "king", "duke",
                               "baron", "hunter", "summer", "dawn", "ruby", "pearl", "amber", "sandy", "rusty",
                               "carol", "victor", "page", "penny", "ivy", "holly", "lily", "daisy", "crystal",
                               "sky", "river", "stone", "brown", "white", "black", "green", "gray", "grey",
                               "young", "long", "little", "short", "west", "north", "south", "east", "love",
                               "christian", "lance", "bud", "chuck", "sonny", "nick", "tom", "bob", "norm",
                               "van", "de", "la", "le", "del", "von", "di", "da", "du", "ben", "al", "ed"})
NO_INITIALS = frozenset({"a", "à", "e", "i", "o", "u", "s", "y"})  # words or hesitations more often than initials
SPELLING_LINKS = frozenset({"van", "als", "voor", "zoals"})  # "b van bernard": the spelling alphabet
FIRST_NAME_SCORE, FULL_NAME_SCORE, SURNAME_SCORE, CUED_NAME_SCORE = 0.5, 0.6, 0.5, 0.55


def _pause_after(norm, k: int) -> bool:
    """Token k is followed by a comma, semicolon or colon ("jan, de zoon")."""
    t = norm.tokens[k]
    return any(c in ",;:" for c in norm.text[t.end:t.raw_end])


class _Words:
    """Per-word verdicts for one language, cached: a call repeats its words. English reads English word
    frequencies, word classes and stop words, and adds the international first names (gender-guesser)
    and the US census surnames to the lists."""

    def __init__(self, language: str = "nl"):
        self.gaz = g = gazetteer()
        self.lex = lexicon()
        from curation.pii.recognizers.base import FILLERS  # "awel", "allez": Flemish fillers

        self.language = language
        if language == "nl":
            self.never = spoken_not_names() | self.lex.not_names | FILLERS
            self.common, self.stop = self.lex.common_words, self.lex.stop_words
            self.first_names, self.surnames = g.first_names, g.surnames
            # after a first name: a US census surname that is no word in English either ("simmons", not
            # "chess"), nor in French, Italian, Spanish, German or Portuguese ("bonjour", "corriere")
            self.foreign_surnames = g.intl_surnames - g.foreign_words
        else:
            self.never = g.common(language) | ENGLISH_NOT_NAMES | CALENDAR_WORDS  # "july" is a first name too
            self.common = self.stop = g.common(language)
            self.first_names, self.surnames = g.first_names | g.intl_first_names, g.surnames | g.intl_surnames
            self.foreign_surnames = frozenset()
        self._first: dict[str, bool] = {}
        self._surname: dict[str, bool] = {}
        self._solo: dict[str, bool] = {}
        self._weak_first: dict[str, bool] = {}
        self._after_interfix: dict[str, bool] = {}
        self._place: dict[str, bool] = {}
        self._unknown: dict[str, bool] = {}
        self._street: dict[str, bool] = {}
        self._cued_place: dict[str, bool] = {}

    def _plain(self, key: str) -> bool:
        """Could be a name: letters only, three or more, no ordinary word, no place."""
        g = self.gaz
        return (len(key) >= 3 and _word_letters(key) and key not in self.common
                and key not in self.never and g.word_class_of(key, self.language) not in _ORDINARY_CLASSES
                and key not in g.nl_places and key not in g.world_places)

    def first(self, key: str) -> bool:
        hit = self._first.get(key)
        if hit is None:
            limit = FIRST_NAME_MAX_ZIPF if self.language == "nl" else FIRST_NAME_MAX_ZIPF_EN
            hit = self._first[key] = (key in self.first_names and self.gaz.zipf(key, self.language) < limit
                                      and self._plain(key))
        return hit

    def surname(self, key: str) -> bool:
        hit = self._surname.get(key)
        if hit is None:
            g = self.gaz
            hit = self._surname[key] = self._plain(key) and (
                (_listed(key, self.surnames) and g.zipf(key, self.language) < SURNAME_MAX_ZIPF)
                or (_listed(key, self.foreign_surnames) and g.zipf(key, self.language) < SURNAME_MAX_ZIPF
                    and g.zipf(key, "en") < FOREIGN_SURNAME_MAX_ZIPF_EN)
                or (g.word_class_of(key, self.language) is None and g.zipf(key, self.language) < UNKNOWN_MAX_ZIPF))
        return hit

    def weak_first(self, key: str) -> bool:
        """A first name that is also an ordinary noun or adjective ("frank", "roos"), or a rare first
        name of another country (gender-guesser's list: "shimon"): a name only when a surname follows."""
        hit = self._weak_first.get(key)
        if hit is None:
            g = self.gaz
            lang = self.language
            hit = self._weak_first[key] = (key in g.first_names and len(key) >= 3 and key.isalpha()
                                           and key not in self.never and key not in self.stop
                                           and g.word_class_of(key, lang) not in ("verb", "function")
                                           and g.zipf(key, lang) < FIRST_NAME_MAX_ZIPF) or (
                key in g.intl_first_names and g.zipf(key, lang) < UNKNOWN_MAX_ZIPF and self._plain(key))
        return hit

    def after_interfix(self, key: str) -> bool:
        """A listed surname after a first name and a tussenvoegsel, ordinary noun or not ("van den
        heuvel", "de wit"); after "de" or "van" a word is in a noun's place, so a form that could also
        be a verb ("de boer", "de wees") counts too."""
        hit = self._after_interfix.get(key)
        if hit is None:
            g = self.gaz
            hit = self._after_interfix[key] = self.surname(key) or (
                key in self.surnames and len(key) >= 3 and key.isalpha() and key not in self.never
                and key not in self.stop and g.word_class_of(key, self.language) != "function")
        return hit

    def place_word(self, key: str, cue: bool) -> bool:
        """A word of a place name that is no ordinary word (see `SpokenPlaceRecognizer`)."""
        cache = self._cued_place if cue else self._place
        hit = cache.get(key)
        if hit is None:
            g = self.gaz
            wc = g.word_class_of(key, self.language)
            z = g.zipf(key, self.language)
            hit = (len(key) >= 3 and key.replace("-", "").isalpha() and key not in self.common
                   and key not in self.never and z < PLACE_MAX_ZIPF)
            if hit and not cue:
                hit = wc is None and key not in self.first_names and (key not in self.surnames
                                                                     or z >= PLACE_SURNAME_MIN_ZIPF)
            elif hit:  # after "in", "uit", "naar" a form that could also be a verb is a place ("in den haag")
                hit = wc in (None, "noun", "verb")
            cache[key] = hit
        return hit

    @cached_property
    def territories(self) -> frozenset[str]:
        """Country, continent and region names in the language (CLDR, through Babel), as keys."""
        try:
            from babel import Locale
        except ImportError:
            return frozenset()
        locales = ("nl", "nl_BE") if self.language == "nl" else (self.language,)
        return frozenset(" ".join(lookup_key(p) for p in name.split()) for lang in locales
                         for name in Locale.parse(lang).territories.values())

    def street(self, key: str) -> bool:
        """A Dutch street name no word table knows: "heidelberglaan", "protonenlaan" (never "onderweg")."""
        hit = self._street.get(key)
        if hit is None:
            g = self.gaz
            hit = self._street[key] = (self.language == "nl" and len(key) >= 8 and STREET_SUFFIX.search(key) is not None
                                       and g.word_class_of(key) is None and g.zipf(key) < UNKNOWN_MAX_ZIPF
                                       and key not in self.lex.common_words and key not in self.never)
        return hit

    def unknown(self, key: str) -> bool:
        """No word of the language (no word class, rarer than Zipf 3), on no list and no place."""
        hit = self._unknown.get(key)
        if hit is None:
            g = self.gaz
            hit = self._unknown[key] = (g.word_class_of(key, self.language) is None
                                        and g.zipf(key, self.language) < UNKNOWN_MAX_ZIPF
                                        and self._plain(key))
        return hit

    def solo(self, key: str) -> bool:
        hit = self._solo.get(key)
        if hit is None:
            g = self.gaz
            lang = self.language
            listed = _listed(key, self.surnames) or (_listed(key, self.foreign_surnames)
                                              and g.zipf(key, "en") < FOREIGN_SURNAME_MAX_ZIPF_EN)
            hit = self._solo[key] = (listed and key not in self.first_names
                                     and g.word_class_of(key, lang) is None
                                     and g.zipf(key, lang) < SOLO_MAX_ZIPF and self._plain(key))
        return hit


def _word_letters(key: str) -> bool:
    """Letters, with hyphens, and apostrophes only inside the word ("o'brien", never "'self'")."""
    return key.replace("-", "").isalpha() or (
        key[0] != "'" and key[-1] != "'" and key.replace("-", "").replace("'", "").isalpha())


def _listed(key: str, names) -> bool:
    """On a surname list, also without its apostrophe: the census lists write "o'brien" as "obrien"."""
    return key in names or ("'" in key and key.replace("'", "") in names)


@lru_cache(maxsize=None)  # one per language; call it with the language spelled out (`_words("nl")`)
def _words(language: str) -> _Words:
    return _Words(language)


class SpokenNameRecognizer(NormalisedRecognizer):
    ENTITY = "PERSON"

    def find(self, norm):
        from curation.pii.name_tagger import is_cased

        tokens = norm.tokens
        if not tokens:
            return
        cased = is_cased(tokens)  # written text: only capitalised words are candidates
        lang = self.supported_language
        words = _words(lang)
        determiners, cues = (DETERMINERS, NAME_CUES | TITLES) if lang == "nl" else (DETERMINERS_EN, NAME_CUES_EN)
        # number words ("achthonderdnegenenveertig") are no words a list or frequency table knows
        keys = [t.key if norm.units[norm.unit_of_token[k]].kind not in NUMERIC else "" for k, t in enumerate(tokens)]
        n = len(keys)
        i = 0
        while i < n:
            if cased and not tokens[i].text[:1].isupper():
                i += 1
                continue
            key = keys[i]
            strong = words.first(key)
            if (strong or words.weak_first(key)) and after_quantity(norm, i):
                i += 1  # "vijftig miljoen belgische frank", "twee ton": a currency or unit, not a name
                continue
            if strong or words.weak_first(key):
                j = i + 1
                if j < n and words.first(keys[j]) and not tokens[j].sentence_start:
                    j += 1  # "jan peter"
                k = j
                while k < n and k - j < 3 and keys[k] in TUSSENVOEGSELS and not tokens[k].sentence_start:
                    k += 1
                if k > j and _pause_after(norm, j - 1):
                    k = n  # "ik ben jan, de zoon van ...": a tussenvoegsel after a comma starts no surname
                # written: the surname stands on a capital and is a list surname that is no common word,
                # also after "van" ("Tonny van Huis en Haard" is Tonny of a shop called Huis en Haard)
                full = k < n and not tokens[k].sentence_start and (
                    (tokens[k].text[:1].isupper() and words.surname(keys[k])) if cased else
                    (words.after_interfix(keys[k]) if k > j else words.surname(keys[k])))
                if not (full or strong) or (not full and i > 0 and keys[i - 1] in determiners):
                    i += 1  # "de ernst van de zaak", "een ton": a first name alone after an article is a noun
                    continue
                if full:
                    j = k + 1
                yield tokens[i].start, tokens[j - 1].end, FULL_NAME_SCORE if full else FIRST_NAME_SCORE, \
                    "first name (and surname) in lower-case text"
                i = j
                continue
            if words.solo(key):
                yield tokens[i].start, tokens[i].end, SURNAME_SCORE, "rare surname in lower-case text"
            elif i > 0 and not tokens[i].sentence_start and (
                    words.unknown(key) or (keys[i - 1] in cues and words.surname(key))):
                # the second: a list surname after a cue ("de klant wouters", "minister wouters")
                prev = keys[i - 1]
                initial = len(prev) == 1 and prev.isalpha() and prev not in NO_INITIALS and len(key) >= 4 \
                    and (i < 2 or len(keys[i - 2]) > 1) and not (i + 1 < n and keys[i + 1] in SPELLING_LINKS)
                if prev in cues or initial:
                    j = i + 1
                    if j < n and not tokens[j].sentence_start and words.unknown(keys[j]):
                        j += 1  # "volgens mehmet yildirim"
                    yield tokens[i - 1 if initial else i].start, tokens[j - 1].end, CUED_NAME_SCORE, \
                        "unknown word after a title, 'volgens' or an initial in lower-case text"
                    i = j
                    continue
            i += 1


PLACE_MAX_ZIPF = 5.5  # "frankrijk" 5.1, "duitsland" 5.1 are places; "nederland" is on not_names.txt
PLACE_SURNAME_MIN_ZIPF = 3.5  # a place that is also a surname: "brussel" 4.8 the town, "wattimena" no place
PLACE_CUES = frozenset({"in", "uit", "naar", "te", "richting", "vanuit", "woon", "woont", "wonen", "woonachtig",
                        "bij", "nabij", "rond", "via", "woonplaats"})
PLACE_CUES_EN = frozenset({"in", "from", "near", "outside", "towards", "toward", "via", "live", "lives", "living",
                           "moved", "born"})
NAME_WORDS = frozenset({"naam", "achternaam", "heet", "heten", "familie", "fam"})  # "mag ik uw naam van arnsberg"
# endings that make a word no table knows a street ("markt", "veld", "hof", "park" make words as often)
STREET_SUFFIX = re.compile(r"..(straat|laan|plein|gracht|kade|singel|dreef|steeg|plantsoen|boulevard|"
                           r"straatweg|dijk|weg)$")
PLACE_ARTICLES = frozenset({"de", "den", "het", "'s", "'t", "ter", "ten"})  # "den haag", "de bilt", "'s gravenhage"
PLACE_SCORE, CUED_PLACE_SCORE = 0.5, 0.6
# Countries said by their letters. Dotted forms are places wherever they stand ("the U.S.", "(U.K.)");
# the bare ones only after the article a country takes ("de VS", "the US", "the uk"), in capitals where
# the text has capitals: "US" alone may be the pronoun in a shouted sentence, "vs" alone is "versus"
ABBREVIATED_COUNTRIES = {
    "nl": {"dotted": frozenset(), "bare": frozenset({"vs", "usa", "vk"}), "article": "de",
           "letters": (("v", "s"),)},
    "en": {"dotted": frozenset({"u.s", "u.s.a", "u.k"}), "bare": frozenset({"us", "usa", "uk"}), "article": "the",
           "letters": (("u", "s", "a"), ("u", "s"), ("u", "k"))},
}


def _country_abbreviations(tokens, lang: str, cased: bool):
    """(start, end, score, why) of countries named by their letters (see ABBREVIATED_COUNTRIES)."""
    table = ABBREVIATED_COUNTRIES.get(lang)
    if table is None:
        return
    for i, t in enumerate(tokens):
        after_article = i > 0 and tokens[i - 1].key == table["article"]
        if t.key in table["dotted"] and (not cased or t.text[:1].isupper()):
            yield t.start, t.end, PLACE_SCORE, "country abbreviation"
        elif t.key in table["bare"] and after_article and (not cased or t.text.isupper()):
            yield t.start, t.end, PLACE_SCORE, "country abbreviation after its article"
        elif not cased and after_article:
            for letters in table["letters"]:  # "the u s", said letter by letter
                n = len(letters)
                if tuple(x.key for x in tokens[i:i + n]) == letters and (
                        i + n == len(tokens) or len(tokens[i + n].key) > 1):
                    yield t.start, tokens[i + n - 1].end, PLACE_SCORE, "country abbreviation, spelled"
                    break


class SpokenPlaceRecognizer(NormalisedRecognizer):
    """LOCATION in uncased text: a Dutch, Belgian or world place (the gazetteer's lists) that is no
    ordinary word ("gisteren in hilversum", "de reis naar zwitserland", "hij komt uit kortrijk"; in
    English "my sister lives near leicester", read with English word tables, CLDR's English country
    names and English cue words).

    Several words ("den haag", "verenigde staten") are a place when one of them is no ordinary word.
    A Dutch name of a country or continent (CLDR) is a place ("japan", "zweden", "europa").
    Otherwise one word is a place when it has no word class in spaCy's tables, is less common than Zipf 5.5, is no
    first name, and is no surname unless it is a common word as a place ("brussel") and follows no first
    name ("jan brussel"); after a cue word ("in", "uit", "naar", "te") a noun may be a place too ("in
    utrecht", "naar gent"). A word no table knows that ends like a street ("heidelberglaan") is a
    street, with the house number after it ("heidelberglaan een a"). Never after a first name, title or letter and a tussenvoegsel ("karel van
    arnsberg" is a surname, "u van utrecht" spells a letter); words on `spoken_not_names.txt` never are."""

    ENTITY = "LOCATION"

    def find(self, norm):
        from curation.pii.name_tagger import article_and_common_noun, is_cased

        tokens = norm.tokens
        if not tokens:
            return
        cased = is_cased(tokens)  # written text: only capitalised words are candidates
        lang = self.supported_language
        yield from _country_abbreviations(tokens, lang, cased)
        words = _words(lang)
        g = words.gaz
        place_cues = PLACE_CUES if lang == "nl" else PLACE_CUES_EN
        keys = [t.key for t in tokens]
        n = len(keys)
        i = 0
        while i < n:
            if cased and not tokens[i].text[:1].isupper():
                i += 1
                continue
            if keys[i] not in g.place_first:
                if words.street(keys[i]) and not tokens[i].sentence_start:
                    end = self._house_number_end(norm, i + 1, keys, words)
                    yield tokens[i].start, end if end is not None else tokens[i].end, PLACE_SCORE, \
                        "street name in lower-case text"
                i += 1
                continue
            length, _ = g.place_length(keys, i)
            # "karel van arnsberg", "mevrouw van arnsberg", "naam van arnsberg", "u van utrecht": after a
            # name, a title, "naam" or a letter and a tussenvoegsel a place name is a surname or a spelling word ("van antwerpen
            # naar gent" stays a place)
            surname_like = i > 1 and keys[i - 1] in TUSSENVOEGSELS and keys[i - 1] not in place_cues and (
                keys[i - 2] in words.first_names or len(keys[i - 2]) == 1 or keys[i - 2] in TUSSENVOEGSELS
                or keys[i - 2] in TITLES or keys[i - 2] in NAME_WORDS)
            if length and not surname_like and all(not tokens[j].sentence_start for j in range(i + 1, i + length)):
                cue = i > 0 and keys[i - 1] in place_cues
                entry = keys[i] if length == 1 else " ".join(keys[i:i + length])
                if entry in words.territories and entry not in words.never:
                    ok = True  # a country or continent ("japan", "zweden", "europa"), ordinary word or not
                elif length > 1:
                    ok = (keys[i] not in words.stop or keys[i] in PLACE_ARTICLES) \
                        and any(words.place_word(k, cue) for k in keys[i:i + length]) \
                        and not article_and_common_noun(tokens, i, i + length, g)
                else:
                    # "jan brussel" is a surname; "de bedenkingen van antwerpen" a place (after a name or
                    # title and "van" the word was already taken for a surname above)
                    after_name = i > 0 and keys[i - 1] in words.first_names and keys[i - 1] not in TUSSENVOEGSELS
                    ok = words.place_word(keys[i], cue) and (cue or not after_name or keys[i] not in words.surnames)
                if ok and not firm_name(tokens, i + length):
                    yield tokens[i].start, tokens[i + length - 1].end, CUED_PLACE_SCORE if cue else PLACE_SCORE, \
                        "place name in lower-case text"
                    i += length
                    continue
            i += 1

    @staticmethod
    def _house_number_end(norm, k: int, keys, words):
        """End offset of the house number after a street at token k ("twaalf", "een a"), else None."""
        from curation.pii.recognizers.location import NlLocationRecognizer

        if k >= len(keys) or norm.tokens[k].sentence_start:
            return None
        end = NlLocationRecognizer._house_number(norm, k)
        if end is not None or keys[k] not in ("een", "één"):
            return end
        # "heidelberglaan een": "een" is the number one unless a word it is the article of follows
        nxt = keys[k + 1] if k + 1 < len(keys) else ""
        if nxt and len(nxt) > 1 and nxt not in words.lex.stop_words and nxt not in words.gaz.nl_places:
            return None
        tokens = norm.tokens
        if len(nxt) == 1 and nxt.isalpha():
            return tokens[k + 1].end  # "een a"
        return tokens[k].end
