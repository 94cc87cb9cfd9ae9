"""PERSON and LOCATION from the statistical name tagger (`curation.pii.name_tagger`): names and places
without capitals or cue words ("volgens nathalie brys", "Utrecht is mooi", "Dat is Verhoeven").

The rule-based recognizers keep what rules do best (titles, introductions, spelled names, addresses);
this one adds what needs weighing: how name-like a word is against how common it is as a word, and
its neighbours. Organisations and other proper names the tagger recognises are not reported.
"""

from __future__ import annotations

import curation.pii.presidio  # noqa: F401  (offline set-up before Presidio is imported)

from presidio_analyzer import AnalysisExplanation, EntityRecognizer, RecognizerResult

from curation.pii.gazetteer import gazetteer
from curation.pii.normalise import normalise
from curation.pii.quantities import after_quantity
from curation.pii.recognizers.base import FILLERS
from curation.pii.recognizers.location import firm_name
from curation.pii.recognizers.person import DUTCH_ARTICLES, HOLIDAYS, NAME_CUES, TITLES

ENTITY_OF_LABEL = {"PER": "PERSON", "LOC": "LOCATION"}
# the tagger's probability maps onto scores below the validated and pattern recognizers' (0.85-0.95),
# so a postcode, phone number or address found by a rule keeps its characters
SCORE_LOW, SCORE_HIGH = 0.45, 0.8
# a title or role before a name is no part of it ("president robert mugabe", "pater bruns", "dokter bakker")
ROLE_WORDS = (NAME_CUES - {"zegt", "zei", "volgens", "aldus"}) | TITLES


def score_of(probability: float) -> float:
    return round(SCORE_LOW + (SCORE_HIGH - SCORE_LOW) * probability, 3)


class NameTaggerRecognizer(EntityRecognizer):
    """Presidio recognizer over the CRF name tagger of one language (no model: finds nothing, logged)."""

    def __init__(self, supported_language: str = "nl", name: str | None = None):
        super().__init__(supported_entities=list(ENTITY_OF_LABEL.values()), supported_language=supported_language,
                         name=name or f"NameTaggerRecognizer_{supported_language}", context=[])

    def load(self) -> None:  # the model loads on first use, once per process
        pass

    def analyze(self, text: str, entities: list[str], nlp_artifacts=None):
        from curation.pii.name_tagger import article_and_common_noun, is_cased, name_tagger
        from curation.pii.lookups import lexicon, spoken_not_names

        wanted = {e for e in ENTITY_OF_LABEL.values() if not entities or e in entities}
        models = name_tagger(self.supported_language) if wanted else None
        if models is None:
            return []
        norm = normalise(text, self.supported_language)
        codes = [(r.start, r.end) for r in norm.runs if r.has_digit]
        results = []
        gaz = gazetteer()
        tokens = norm.tokens
        title_end = -1  # end token of a span cut at an English title word
        # in text without capitals the words of spoken_not_names.txt are ordinary words ("het iban", "wacht eve")
        cased = bool(tokens) and is_cased(tokens)
        never = spoken_not_names() if tokens and not cased else frozenset()
        # in cased text the same words in lower case are the verb or noun, never part of a name ("Morgan
        # Stanley nam de moeite", "nam Duitsland het op")
        lower_never = spoken_not_names() if cased else frozenset()
        # words that never name a person or place here ("pasen", "hema", "april"), but the country: the
        # rule recognizers leave "Nederland" alone ("ING Nederland"), the tagger takes it where it reads a
        # place ("ik woon in Nederland")
        not_names = lexicon().not_names - TAGGER_PLACES
        for span in models.tag_text(text):
            entity = ENTITY_OF_LABEL.get(span.label)
            if entity not in wanted or any(a < span.end and span.start < b for a, b in codes):
                continue  # a letter pair inside "2511 CV" belongs to the postcode, not to a name
            first, last = span.first_token, span.last_token
            lang = self.supported_language
            while first < last and (_ordinary(tokens[first].key, gaz, lang) or after_quantity(norm, first)):
                first += 1  # "drie miljoen frank stockhausen": the currency is not part of the name
            if lang == "nl":  # "the new york times", "tina what's love got to do with it": an English title
                if first == title_end:
                    title_end = last  # the title goes on in the next span ("the new" + "york times")
                    continue
                cut = next((k for k in range(first, last) if tokens[k].key in ENGLISH_TITLE_WORDS), last)
                if cut < last:
                    title_end, last = last, cut
            # "in de rijp": a place listed as a whole keeps its words, whatever they are on their own
            while last > first and not _listed_whole(tokens, first, last, gaz) \
                    and _ordinary(tokens[last - 1].key, gaz, lang):
                last -= 1
            while first < last and (tokens[first].key in not_names
                                    or tokens[first].key in lower_never and tokens[first].text.islower()):
                first += 1
            while last > first and tokens[last - 1].key in not_names:
                last -= 1
            if entity == "PERSON" and lang == "nl":  # "Bondscoach Robert Waseige": the role is no part of the name
                while first < last - 1 and (_plain_noun(tokens[first].key, gaz) or tokens[first].key in ROLE_WORDS):
                    first += 1
                while last - 1 > first and _plain_noun(tokens[last - 1].key, gaz):
                    last -= 1
            elif lang == "en" or _unlisted_place(tokens, first, last, gaz):
                # "moved to texas last year", "in utrecht vorige week": time words and nouns after a name
                # or place are no part of it (a listed place keeps its words: "new york city")
                while last - 1 > first and (_ordinary(tokens[last - 1].key, gaz, lang) or (
                        _plain_noun(tokens[last - 1].key, gaz, lang) and (
                            lang == "nl" or gaz.zipf(tokens[last - 1].key, "en") >= TRAILING_NOUN_ZIPF_EN))
                        or (lang == "en" and tokens[last - 1].key in gaz.common_en)):
                    last -= 1
            if last - first == 1 and tokens[first].key in HOLIDAYS:
                continue  # "Met Kerst is het druk": a holiday alone, however capitalised
            if first == last or not (_listed_whole(tokens, first, last, gaz) or any(
                    _name_like(t.key, gaz, lang) and t.key not in DUTCH_ARTICLES for t in tokens[first:last])):
                continue  # "naar welk e-mailadres", "Ten noorden van": ordinary words and articles only
            if cased and tokens[first].key in DUTCH_ARTICLES and _lower_after_articles(tokens, first, last):
                continue  # "Ten noorden van", "Ten slotte": in text with capitals a surname after one is capitalised
            if never and _only_ordinary_words(tokens, first, last, never, gaz, lang):
                continue  # "het iban es", "wacht eve": what names it are ordinary words in a transcript
            if entity == "LOCATION" and lang == "nl" and article_and_common_noun(tokens, first, last, gaz):
                continue  # "in de bergen", "uit het zand": a noun phrase, not De Bergen or Het Zand
            if entity == "LOCATION" and firm_name(tokens, last):
                continue  # "noordzee uh assurantie": a firm named after a place
            if last - first == 1 and tokens[first].text.islower() and _everyday_word(tokens[first].key, gaz, lang) \
                    and not (first and tokens[first - 1].key in PLACE_PREPOSITIONS):
                continue  # "het gerecht viel in", "volgens hem": a hamlet or surname of that name needs more
            if entity == "PERSON":
                last = _before_comma_and_verb(text, tokens, first, last, gaz, lang)
                last = _surname_after(tokens, last, gaz, lang)
                last = _before_own_firm(tokens, first, last)
            while last > first and tokens[last - 1].key in lower_never and tokens[last - 1].text.islower():
                last -= 1
            if first == last:
                continue
            start, end = _outside_brackets(text, tokens[first].start, tokens[last - 1].end)
            if end <= start:
                continue
            score = score_of(span.probability)
            why = f"name tagger: {span.label} with probability {span.probability:.2f}"
            results.append(RecognizerResult(
                entity, start, end, score,
                analysis_explanation=AnalysisExplanation(self.name, score, textual_explanation=why),
                recognition_metadata={RecognizerResult.RECOGNIZER_NAME_KEY: self.name,
                                      RecognizerResult.RECOGNIZER_IDENTIFIER_KEY: self.id}))
        return results


TAGGER_PLACES = frozenset({"nederland"})

COMMA_COMMON_ZIPF = 3.5


def _before_comma_and_verb(text: str, tokens, first: int, last: int, gaz, language: str) -> int:
    """The span's end cut at a comma followed by a verb, a function word or a common word in lower case
    that is no first name ("mijn vrouw, annemiek, belt morgen": "belt" is the verb; "Visser, Jan" keeps
    its first name)."""
    for j in range(first, last - 1):
        if "," in text[tokens[j].end:tokens[j].raw_end] or ";" in text[tokens[j].end:tokens[j].raw_end]:
            key = tokens[j + 1].key
            if key in gaz.first_names:
                continue
            if gaz.word_class_of(key, language) in ("verb", "function") or (
                    tokens[j + 1].text.islower() and gaz.zipf(key, language) >= COMMA_COMMON_ZIPF):
                return j + 1
    return last


# "Kim van Vattenfall", "Lisa namens ABN AMRO": an agent's first name, then the company she speaks for
FIRM_LINKS = frozenset({"van", "bij", "namens"})


def _before_own_firm(tokens, first: int, last: int) -> int:
    """The span's end cut before a link word followed only by words of not_names.txt (the company and
    product names a call centre talks about, which are never a name)."""
    from curation.pii.lookups import lexicon

    never = lexicon().not_names
    for k in range(first + 1, last - 1):
        if tokens[k].key in FIRM_LINKS and all(t.key in never for t in tokens[k + 1:last]):
            return k
    return last


# In Dutch text a name never holds these English words; where the tagger runs a span over one, the
# words from there on are the title of a book, song or newspaper, or a company ("The Phone House")
ENGLISH_TITLE_WORDS = frozenset({"the", "with", "from", "my", "your", "are", "what's", "you"})


INTERFIXES = frozenset({"van", "de", "der", "den", "ter", "ten", "te", "'t", "het", "in", "op", "la", "le", "du",
                        "di", "da", "del", "von", "mac", "mc", "o'", "el", "al", "ben", "bin"})


def _lower_after_articles(tokens, first: int, last: int) -> bool:
    """Every word of the span after its leading Dutch articles and prepositions is in lower case."""
    k = first
    while k < last and tokens[k].key in DUTCH_ARTICLES:
        k += 1
    return k < last and all(t.text.islower() for t in tokens[k:last])


def _only_ordinary_words(tokens, first: int, last: int, never: frozenset, gaz, language: str) -> bool:
    """Every name-like word of the span is on `never` (spoken_not_names.txt: ordinary words in text
    without capitals), the span is no listed place of several words ("sint truiden", "los angeles") and
    no Dutch or Belgian place after a place preposition ("uit namen"; "in principe" is no place)."""
    if _listed_whole(tokens, first, last, gaz):
        return False
    keys = [t.key for t in tokens[first:last]]
    if len(keys) == 1 and first and tokens[first - 1].key in PLACE_PREPOSITIONS and keys[0] in gaz.nl_places:
        return False  # "uit namen" is the town; "in principe" stays a word (Príncipe is no Dutch or Belgian place)
    return all(k in never or k in DUTCH_ARTICLES or not _name_like(k, gaz, language) for k in keys)


def _surname_after(tokens, last: int, gaz, language: str) -> int:
    """A person span that ends in a first name takes the surname after it that no list knows
    ("esmee blonk", "maurits van ghoerle", "jelte garret-goedhart"); returns the new end token."""
    if last >= len(tokens) or tokens[last].sentence_start:
        return last
    if tokens[last - 1].raw_end > tokens[last - 1].end:  # "Sanne, waarmee ...": a comma ends the name
        return last
    previous = tokens[last - 1].key
    if previous not in gaz.first_names and previous not in gaz.intl_first_names:
        return last
    k = last
    while k < len(tokens) and k - last < 3 and tokens[k].key in INTERFIXES and not tokens[k].sentence_start:
        k += 1
    if k < len(tokens) and not tokens[k].sentence_start and gaz.unknown_word(tokens[k].key, language, FILLERS) \
            and not (language == "nl" and tokens[k].key in ENGLISH_TITLE_WORDS):
        return k + 1
    return last


COMMON_VERB_ZIPF = 4.0  # a verb form this common is a verb, even where a surname list holds it ("meent", "viel")


def _ordinary(key: str, gaz, language: str = "nl") -> bool:
    """A filler, function word, verb or adjective that no name or place list knows, or a common verb
    form that only a surname list holds: never part of a name."""
    wc = gaz.word_class_of(key, language)
    return key in FILLERS or (wc in ("function", "verb", "adj") and not _listed(key, gaz)) or (
        wc in ("function", "verb") and gaz.zipf(key, language) >= COMMON_VERB_ZIPF and key not in gaz.first_names
        and key not in gaz.nl_places and key not in gaz.world_places and key not in gaz.place_first)


EVERYDAY_ZIPF = 4.0  # a verb or function word this common ("viel", "miste", "kun", "duur")
EVERYDAY_ANY_ZIPF = 5.5  # any word this common ("hem", "meer"; 5.5 is about once in 3,000 words)


def _everyday_word(key: str, gaz, language: str = "nl") -> bool:
    """A word of the language's word tables so common that in lower-case text the tagger's guess alone
    does not make it a name or place, even where a list holds a hamlet or surname of that spelling
    (Viel, Miste, Hem); a first name keeps its chance ("kees", "bas"), and so does a word after a place
    preposition (the caller's side of the rule lives at the call site)."""
    word_class = gaz.word_class_of(key, language)
    if key in gaz.first_names or word_class is None:  # "nederland": a name the word tables do not hold
        return False
    zipf = gaz.zipf(key, language)
    return zipf >= EVERYDAY_ANY_ZIPF or (zipf >= EVERYDAY_ZIPF and word_class in ("verb", "function"))


# after these a common word may well be the town of that name ("in boom", "naar mol", "uit luik")
PLACE_PREPOSITIONS = frozenset({"in", "uit", "naar", "te", "bij", "nabij", "richting", "from", "to", "near"})


# English word tables hold names as nouns ("gaddafi", "contra"): only a noun this common ends no English span
TRAILING_NOUN_ZIPF_EN = 4.5  # ("year" 6.0, "week" 5.6, "morning" 5.3)
PLAIN_NOUN_MIN_ZIPF = 3.0  # rarer entries of the word tables ("d'hondt", "ramblas") are often names


def _plain_noun(key: str, gaz, language: str = "nl") -> bool:
    """A noun of the language's word tables that no name list, Dutch or international, holds
    ("bondscoach", "woordvoerder", "year"): at the edge of a span it is a role or a thing, not a name."""
    return (len(key) >= 3 and key.isalpha() and gaz.word_class_of(key, language) == "noun"
            and gaz.zipf(key, language) >= PLAIN_NOUN_MIN_ZIPF and not _listed(key, gaz)
            and key not in gaz.intl_first_names and key not in gaz.intl_surnames)


def _unlisted_place(tokens, first: int, last: int, gaz) -> bool:
    """More than one word, and not as a whole on a place list ("den haag", "bergen op zoom" are)."""
    return last - first >= 2 and not _listed_whole(tokens, first, last, gaz)


def _listed_whole(tokens, first: int, last: int, gaz) -> bool:
    """More than one word, and as a whole on a place list ("de rijp", "den haag", "bergen op zoom")."""
    if last - first < 2:
        return False
    key = " ".join(t.key for t in tokens[first:last])
    return key in gaz.nl_places or key in gaz.world_places


def _listed(key: str, gaz) -> bool:
    """On a Dutch name list or a place list (the international name lists hold too many ordinary
    English and Dutch words, "welk", "hallo", to count here)."""
    return (key in gaz.first_names or key in gaz.surnames or key in gaz.nl_places or key in gaz.world_places
            or key in gaz.place_first)


def _name_like(key: str, gaz, language: str = "nl") -> bool:
    """On a name or place list, or a word the language does not otherwise know."""
    if key in FILLERS:
        return False
    if len(key) < 3:  # "hu", "ed": a two-letter word is a name only as a Dutch first name ("Ed", "Bo")
        return key in gaz.first_names
    return _listed(key, gaz) or key in gaz.intl_first_names or (language == "en" and key in gaz.intl_surnames) or (
        gaz.word_class_of(key, language) is None and key.isalpha() and key not in gaz.common(language))


def _outside_brackets(text: str, start: int, end: int) -> tuple[int, int]:
    """The span without any part of a placeholder glued to it ("[NAAM]-de Vries" -> "de Vries")."""
    piece = text[start:end]
    if "]" in piece:
        start += piece.rindex("]") + 1
    piece = text[start:end]
    if "[" in piece:
        end = start + piece.index("[")
    while start < end and not text[start].isalnum():
        start += 1
    while end > start and not text[end - 1].isalnum():
        end -= 1
    return start, end

