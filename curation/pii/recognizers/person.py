"""PERSON: first names, surnames with tussenvoegsels, initials, double-barrelled names, names after
a title (meneer/mevrouw) or an introduction ("mijn naam is"), and names spelled letter by letter
("D van Dirk, E van Eduard ..."). Titles are not part of the span."""

from __future__ import annotations

import re

from curation.pii.gazetteer import gazetteer, is_compound
from curation.pii.lookups import lexicon, spoken_not_names
from curation.pii.normalise import LETTER, SPELL
from curation.pii.recognizers.base import FILLERS, NormalisedRecognizer
from curation.vocabulary import CALENDAR_WORDS

TITLES = frozenset({"meneer", "mevrouw", "mijnheer", "mevr", "mevr.", "mw", "mw.", "dhr", "dhr.", "heer", "juffrouw",
                    "mej", "mej.", "mr", "mr.", "mrs", "mrs.", "ms", "ms.", "miss", "mister", "dr", "dr.", "dokter",
                    "prof", "prof.", "professor", "ir", "ir.", "ing", "ing.", "drs", "drs.", "sir", "madam", "madame",
                    "familie", "fam", "fam.", "collega", "zuster", "broeder", "pastoor", "dominee"})
# words after which a word the language does not know is a name: "volgens kabila", "minister strupar"
NAME_CUES = frozenset({"zegt", "zei", "volgens", "aldus", "president", "minister", "premier", "professor", "prof",
                       "burgemeester", "voorzitter", "woordvoerder", "woordvoerster", "directeur", "directrice",
                       "trainer", "coach", "schepen", "senator", "kanselier", "dokter", "advocaat", "collega",
                       "wethouder", "notaris", "pastoor", "dominee", "pater", "zuster", "broeder",
                       # the people a call is about: "de klant Wouters belde", "uw adviseur Lindes"
                       "klant", "cliënt", "client", "beller", "monteur", "adviseur", "adviseuse", "medewerker",
                       "medewerkster", "behandelaar", "bezorger", "chauffeur", "huisarts", "teamleider",
                       "leidinggevende", "consulent", "consulente", "installateur", "verhuurder", "huurder"})
INTROS = [("mijn", "naam", "is"), ("naam", "is"), ("ik", "ben"), ("ik", "heet"), ("spreekt", "met"),
          ("spreek", "ik", "met"), ("dit", "is"), ("op", "naam", "van"), ("ten", "name", "van"), ("tnv",),
          ("t.n.v.",), ("t.n.v",), ("achternaam", "is"), ("voornaam", "is"), ("naam",), ("achternaam",),
          ("voornaam",), ("my", "name", "is"), ("this", "is"), ("i", "am"), ("i'm",), ("name", "is"),
          ("speaking", "with"), ("called",), ("heet",), ("heten",), ("heette",), ("heetten",), ("vrouw",), ("man",), ("zoon",), ("dochter",),
          ("moeder",), ("vader",), ("partner",), ("collega",), ("gesproken", "met"), ("contact", "met"),
          ("surname", "is"), ("last", "name", "is"), ("family", "name", "is"), ("familienaam", "is")]
# introductions after which a surname alone is said ("met de vries", "mijn achternaam is bakker"); never
# "ik ben" or "dit is" ("ik ben van de post", "dit is de winkel")
SURNAME_INTROS = frozenset({("mijn", "naam", "is"), ("naam", "is"), ("achternaam", "is"), ("achternaam",), ("naam",),
                            ("op", "naam", "van"), ("ten", "name", "van"), ("tnv",), ("t.n.v.",), ("t.n.v",),
                            ("met",), ("spreekt", "met"), ("spreek", "ik", "met"), ("heet",), ("heten",), ("heette",),
                            ("heetten",),
                            ("familienaam", "is"), ("my", "name", "is"), ("surname", "is"), ("last", "name", "is"),
                            ("family", "name", "is"), ("speaking", "with")})
# "o'brien", "d'hondt", "l'ecluse": no list holds them all, and no word is spelled so
_APOSTROPHE_SURNAME = re.compile(r"[odl]'[a-z]{3,}\Z")


def _form_field(tokens, j: int, text: str) -> bool:
    """Token j ("naam") labels a field: a colon after it ("naam: de vries") or it opens a sentence or a
    part after a colon or comma ("uw gegevens zijn: naam bakker, voornaam jan")."""
    if ":" in text[tokens[j].end:tokens[j].raw_end] or tokens[j].sentence_start or j == 0:
        return True
    return text[tokens[j - 1].end:tokens[j].start].strip() in (":", ",") or \
        text[tokens[j - 1].end:tokens[j - 1].raw_end].strip() in (":", ",")


def _apostrophe_surname(key: str) -> bool:
    return _APOSTROPHE_SURNAME.match(key) is not None and key != "o'clock"


# "ik ben de vries", "dit is van der linden": after these a surname alone is said only with its tussenvoegsel,
# and only one that is no common word ("ik ben de baas", "dit is de winkel" stay)
WEAK_SURNAME_INTROS = frozenset({("ik", "ben"), ("dit", "is")})
WEAK_INTRO_MAX_ZIPF = 4.5
# hedges said between an introduction and the name, never a name themselves
HEDGES = frozenset({("geloof", "ik"), ("denk", "ik"), ("zeg", "maar"), ("volgens", "mij")})
HESITATIONS = frozenset({"eh", "ehm", "euh", "eeh", "ehh", "uh", "uhm", "um", "uhh", "hm", "hmm"})
GREETINGS = frozenset({"goedemorgen", "goedemiddag", "goedenavond", "goedendag", "hallo", "hoi", "dag", "ja", "hello",
                       "hi", "goeiemorgen", "goeiemiddag", "goedenmiddag"})
_INTRO_BY_LAST: dict[str, list[tuple[str, ...]]] = {}
for _p in INTROS:
    _INTRO_BY_LAST.setdefault(_p[-1], []).append(_p)
# street words are not surnames (but -dijk, -hof, -veld endings are common in surnames)
STREET_SUFFIX = re.compile(r"..(straat|laan|weg|plein|gracht|kade|singel|dreef|steeg|markt|plantsoen|boulevard)$")
# words that make the capitalised words before them an organisation's name
_ORGANISATION = re.compile(r"(verzekering|verzekeringen|verzekerd|energie|bank|mobiel|assurantie|assuranti[eë]n|groep|"
                           r"holding|b\.?v\.?|n\.?v\.?|telecom|diensten|services?|shop|winkels?|makelaars?|advocaten|"
                           r"notarissen|bouw|transport|logistiek|media|solutions|consultancy|partners|company|inc\.?|"
                           r"ltd\.?|gmbh|stichting|vereniging|gemeente|ziekenhuis|kliniek|apotheek|incasso)$")
# product and plan qualifiers: "Tandarts Plus", "Zorgzaam Budget", "Sim Only" name a product, not a person
_PRODUCT = re.compile(r"^(plus|budget|top|compleet|extra|premium|basis|comfort|start|uitgebreid|select|only|max|"
                      r"pro|light|flex|family|gezin|jongeren|senior|zakelijk|online|direct|vast|variabel|"
                      r"groen|zeker|optimaal|excellent)$")
# insurance and subscription compounds: "Basisverzekering", "Belbundel", "Zorgpakket"
_PRODUCT_COMPOUND = re.compile(r"..(verzekering|verzekeringen|polis|pakket|abonnement|bundel|dekking|tarief|"
                               r"regeling|vergoeding|garantie)$")
# month and weekday names: a surname only right after a title, a first name or an initial ("meneer
# Maandag", "Jan Mei"), never on their own ("op Maandag", "in Mei")
# "met kerst": a holiday is a name only after a title or a first name ("meneer Kerst", "Jan Kerst"), never
# after the greeting's "met" ("Met Kerst is het druk")
HOLIDAYS = frozenset({"kerst", "pasen", "pinksteren"})
CALENDAR = CALENDAR_WORDS | HOLIDAYS
_INTRO_LAST = frozenset(p[-1] for p in INTROS) | {"met"}
_TRIGGER_WORDS = frozenset({"de"})  # "de heer"
_NAME_CHARS = re.compile(r"[^\W\d_][^\W\d_'’-]*(?:['’-][^\W\d_]+)*\Z")
# a word this frequent (wordfreq Zipf) that no surname list holds is an ordinary word, not a surname
ORDINARY_WORD_MIN_ZIPF = 4.0
FAMILY_WORDS = frozenset({"familie", "fam", "fam."})
FAMILY_MAX_ZIPF = 5.0  # after "familie" in lower case a word this common is no surname ("staat"; "jansen" is 4.1)
_ABBREVIATED_TITLES = frozenset({"dr", "prof", "ir", "ing", "drs", "mr", "ds"})  # "Prof. Dr.": titles in a row
# an abbreviated first name before its full stop: "Th.", "Chr.", "Joh." (no vowel after the capital, or
# one of the usual abbreviations: a name or word ending a sentence, "Mara.", "Jan.", never matches)
_ABBREVIATION = re.compile(r"(?:[A-Z][bcdfghjklmnpqrstvwxz]{1,3}|Joh|Jac|Corn|Gerr|Hendr|Wilh)\Z")
_INITIALS = re.compile(r"(?:[A-Z]\.){0,4}[A-Z]\.?\Z")  # "J.", "A.B.C." (its last full stop is punctuation)
# after a title or an introduction a transcript may write them in lower case: "de heer p. de groot"
_INITIALS_ANY_CASE = re.compile(_INITIALS.pattern, re.IGNORECASE | re.ASCII)


# tussenvoegsels that are prepositions too: opening a sentence they are the preposition ("In het Veld" is
# rare, "In het Midden-Oosten" is not)
_PREPOSITION_INTERFIXES = frozenset({"in", "op", "uit", "aan", "bij", "onder", "over", "voor", "achter", "tot"})

# a Dutch tussenvoegsel alone is no name or place ("Ten noorden van", "In het"); "Le", "El", "Del" may
# open one ("Le Corbusier", "Del Piero")
DUTCH_ARTICLES = frozenset({"van", "de", "der", "den", "ter", "ten", "te", "'t", "het", "in", "op"})
# a double-barrelled surname whose second part has a tussenvoegsel: "jansen-de wit", "Bakker-van der Berg"
_BARREL_INTERFIX = re.compile(r"[^\W\d_]-(?:" + "|".join(sorted(DUTCH_ARTICLES)) + r")\Z")
_BARREL_LINKS = frozenset({"de", "den", "der", "het", "'t"})


def _double_barrel_tail(keys, tokens, end: int, lex, text: str) -> int:
    """The end of a name whose last token ends in "-de", "-van": its surname's words after it (at most
    two more tussenvoegsel words, then the surname itself), as long as no punctuation parts them."""
    if not _BARREL_INTERFIX.search(keys[end - 1]):
        return end
    k = end
    while k < len(keys) and k - end < 2 and keys[k] in _BARREL_LINKS:
        k += 1
    if k >= len(keys) or not keys[k].isalpha() or keys[k] in lex.stop_words:
        return end
    if any(tokens[j].sentence_start or text[tokens[j - 1].end:tokens[j].start].strip() for j in range(end, k + 1)):
        return end
    return k + 1


class NlPersonRecognizer(NormalisedRecognizer):
    ENTITY = "PERSON"

    def find(self, norm):
        lex = lexicon()
        tokens = norm.tokens
        keys = [t.key for t in tokens]
        n = len(tokens)
        text = norm.text
        first_names, interfix_first = lex.first_names, self._interfix_first(lex)
        from curation.pii.name_tagger import is_cased

        cased = is_cased(tokens)
        i = 0
        while i < n:
            key = keys[i]
            text_i = tokens[i].text
            intro = None
            if tuple(keys[i:i + 2]) in HEDGES:
                i += 2  # "geloof ik", "denk ik": a hedge, no name ("Geloof" is on a surname list)
                continue
            if not (text_i[0].isupper() or key in first_names or key in interfix_first or len(text_i) == 1
                    or key in TITLES or key in _INTRO_LAST or key in _TRIGGER_WORDS) and not (
                    (key in lex.surnames or _apostrophe_surname(key)) and (intro := self._after_intro(keys, tokens, i, text))):
                i += 1  # cannot start a name, and is no title, introduction or surname after one ("achternaam is bakker")
                continue
            trigger = 0.0
            if key in TITLES and i + 1 < n:
                trigger = 0.9
                i += 1
                while i + 1 < n and keys[i] in TITLES and (keys[i].rstrip(".") in _ABBREVIATED_TITLES
                                                          or not tokens[i].is_cap):
                    i += 1  # "Prof. Dr. Th. Bakker", "mevrouw dokter Jansen" (never "meneer Dokter")
                if keys[i] == "de" and i + 1 < n and keys[i + 1] == "heer":
                    i += 2
            elif intro or (intro := self._after_intro(keys, tokens, i, text)):
                trigger = 0.85
            surname_cue = intro in SURNAME_INTROS or (intro in WEAK_SURNAME_INTROS and self._rare_surname_at(keys, i, lex))
            if intro == ("naam",):  # a form's field: "naam: de vries", "..., naam bakker, voornaam jan"
                surname_cue = _form_field(tokens, i - 1, text) and not (
                    key in lex.verbs_and_function_words and not self._interfix(keys, i, lex))  # "naam staat"
            end, score = self._chain(norm, i, lex, keys, trigger, text, cased, surname_cue)
            if end > i:
                end = _double_barrel_tail(keys, tokens, end, lex, text)
                yield tokens[i].start, tokens[end - 1].end, score, "name"
                i = end
            else:
                i += 1
        yield from self._confirmed_by_spelling(tokens, keys, lex)
        for run in norm.runs:
            if run.spelled_only:
                spelled = sum(u.kind == SPELL for u in run.units)
                letters = sum(u.kind == LETTER for u in run.units)
                if spelled >= 2 or spelled + letters >= 3:
                    yield run.start, run.end, 0.8, "spelled letter by letter"

    def _confirmed_by_spelling(self, tokens, keys, lex):
        """A word the speaker confirms by one of its letters is a name: "de vries met een v", "smit met
        een t", "bos met een s", "Verhoeven met v h" (its tussenvoegsel with it). The letter must be in
        the word, and the word no function word, filler, verb (unless a surname: "vries", "bos") or company name of
        not_names.txt ("kom je met een t-shirt", "u spreekt met e...", "dat is het met een t" stay)."""
        n = len(keys)
        for k in range(1, n - 1):
            if keys[k] != "met" or tokens[k].sentence_start:
                continue
            m = k + 2 if keys[k + 1] in ("een", "'n") else k + 1
            if m >= n or len(keys[m]) != 1 or not keys[m].isalpha() or tokens[m].sentence_start:
                continue
            word = keys[k - 1]
            if len(word) < 2 or keys[m] not in word or not tokens[k - 1].text.replace("-", "").isalpha() \
                    or word in lex.stop_words or word in lex.not_names or word in FILLERS \
                    or (word in lex.verbs_and_function_words and word not in lex.surnames):
                continue
            j = k - 1
            for size in (3, 2, 1):
                if j - size >= 0 and " ".join(keys[j - size:j]) in lex.interfixes \
                        and not tokens[j - size + 1].sentence_start and not tokens[j].sentence_start:
                    j -= size
                    break
            yield tokens[j].start, tokens[k - 1].end, 0.8, "name confirmed by one of its letters"

    @staticmethod
    def _after_intro(keys, tokens, i, text="") -> tuple[str, ...] | None:
        """The introduction right before token i ("mijn", "naam", "is"), or None."""
        if i == 0:
            return None
        if tokens[i].sentence_start and text[tokens[i - 1].end:tokens[i].start].strip() != ":":
            return None  # "... op mijn naam. Dan moet ik ..." (but "Naam: Visser, Jan" is a form's field)
        while i > 1:
            if keys[i - 1] in HESITATIONS:
                i -= 1  # "mijn achternaam is eh bakker"
            elif i > 2 and tuple(keys[i - 2:i]) in HEDGES:
                i -= 2  # "de monteur heette geloof ik bas"
            else:
                break
        for phrase in sorted(_INTRO_BY_LAST.get(keys[i - 1], ()), key=len, reverse=True):
            m = len(phrase)
            if i >= m and tuple(keys[i - m:i]) == phrase:
                return phrase
        if keys[i - 1] == "met" and (tokens[i - 1].sentence_start or (i >= 2 and keys[i - 2] in GREETINGS)):
            return ("met",)  # "Goedemiddag, met Jan de Vries"
        return None

    def _chain(self, norm, i, lex, keys, trigger, text, cased=False, surname_cue=False):
        """(end token index, score) of the name starting at token i; end == i when there is none.

        `surname_cue`: the introduction before token i is one after which a surname alone is said
        ("mijn achternaam is bakker", "goedemiddag, met de vries", "op naam van van der linden"): there
        a listed surname is one even where it is an ordinary word too.

        In cased text (`is_cased`), without a title or an introduction, a name that starts with a
        capital goes on over capitalised words only ("Marcel Coppens Van de hel": "hel" is no
        surname there). A name written wholly in lower case is still read from the lists ("met jan de
        vries gesproken" in an otherwise careful transcript: a typist's slip must not leak a name).
        A name never runs on over punctuation or into a new sentence ("Davis, de man", "Mara. De
        tragedie")."""
        tokens = norm.tokens
        n = len(tokens)
        title, lenient = trigger >= 0.9, trigger > 0
        common = lex.common_words
        strict = cased and not lenient and tokens[i].is_cap
        initial_pattern = _INITIALS_ANY_CASE if lenient else _INITIALS

        def joined(k):
            """Token k continues the name of token k - 1: no punctuation or sentence start between them
            (an initial's full stop excepted)."""
            prev = tokens[k - 1]
            gap = text[prev.end:tokens[k].start].strip()
            if gap == ".":  # "K.L. de Boer", "Th. Bakker", never "Mara. De tragedie"
                return initial_pattern.match(prev.text) is not None or _ABBREVIATION.match(prev.text) is not None
            return not gap and not tokens[k].sentence_start

        def ok(k):
            t = tokens[k]
            key = keys[k]
            if key in CALENDAR:  # "meneer Maandag", "Jan Mei", "J. Vrijdag"; never "op Maandag"
                after = (lenient and k == i and (title or key not in HOLIDAYS)) or (k > i and (keys[k - 1] in lex.first_names
                                                         or _INITIALS.match(tokens[k - 1].text) is not None))
                glued = k > 0 and not text[tokens[k - 1].end:t.start].replace(".", "").strip()
                return after and glued and t.is_cap and not t.sentence_start
            if cased and not lenient and not t.is_cap and key in spoken_not_names():
                return False  # cased text: a lower-case "nam", "namen", "kader" is the verb or noun ("Hij nam de maat")
            return not (key in lex.not_names or key in _NEVER or len(t.text) < 2 or t.text.isupper()
                        or not _NAME_CHARS.match(t.text) or (STREET_SUFFIX.search(key) and key not in lex.surnames))

        def cap(k):
            return tokens[k].is_cap

        def known_first(k):
            return keys[k] in lex.first_names and keys[k] not in common

        def in_surnames(k):
            key = keys[k]
            if key in lex.surnames or _apostrophe_surname(key):
                return True
            return "-" in key and all(p in lex.surnames or p in lex.first_names for p in key.split("-") if p)

        def known_surname(k):
            return in_surnames(k) and keys[k] not in common

        def company_at(s):
            """Tokens s, s + 1, s + 2 are "X en Y", both capitalised, X an ordinary word and Y no first name:
            a company's name ("Huis en Haard") after the agent's first name, not a surname ("Anna Bakker en
            Zonen" keeps its surname: "bakker" is on no common-word list)."""
            return s + 2 < n and keys[s + 1] in ("en", "&") and cap(s) and cap(s + 2) and keys[s] in common \
                and keys[s + 2] not in lex.first_names and not tokens[s + 2].sentence_start and joined(s + 1)

        def surname_follows(k):
            """Token k starts "(tussenvoegsel) surname" from the lists."""
            m = self._interfix(keys, k, lex)
            s = k + m
            return s < n and ok(s) and in_surnames(s) and (m or lenient or keys[s] not in common)

        k = i
        initials = 0
        while k < n and initials < 4 and initial_pattern.match(tokens[k].text) \
                and not (tokens[k].text.islower() and keys[k] in lex.interfixes) and (
                text[tokens[k].end:tokens[k].end + 1] == "." or "." in tokens[k].text):
            k += 1
            initials += 1
        letters = 0  # initials said without their full stops: "h de heide", "p j de vries"
        while letters < 3 and i + letters < n and len(tokens[i + letters].text) == 1 \
                and tokens[i + letters].text.isalpha() and keys[i + letters] not in "uo" \
                and (letters == 0 or joined(i + letters)):
            letters += 1
        if not initials and letters and i + letters < n \
                and (i == 0 or norm.units[norm.unit_of_token[i - 1]].kind == "word") \
                and surname_follows(i + letters):
            k, initials = i + letters, letters  # "h de heide", "d wattimena", "p j de vries"
        elif lenient and keys[i] in ("u", "o") and i + 1 < n and ok(i + 1) and known_surname(i + 1):
            k, initials = i + 1, 1  # "met u wierdsma": after an introduction "u" may be an initial
        firsts = 0
        if not lenient and not cased and k < n and keys[k] in spoken_not_names():
            # "hij nam de maat": in a transcript without capitals "nam" is the verb, not Nam - unless a rare
            # surname follows ("max van heeswijk", "sint michiels")
            s = k + 1 + self._interfix(keys, k + 1, lex)
            if not (s < n and in_surnames(s) and ok(s)
                    and gazetteer().zipf(keys[s], self.supported_language) < ORDINARY_WORD_MIN_ZIPF):
                return i, 0.0
        # "de familie Jansen": after a family word comes a surname, never a first name ("Jansen" is on a
        # first-name list too: "de familie jansen in het directiecomité" is no "Jansen in het Directiecomité")
        family = title and i > 0 and keys[i - 1] in FAMILY_WORDS
        if family and k < n and not cap(k) and not self._interfix(keys, k, lex) \
                and gazetteer().zipf(keys[k], self.supported_language) >= FAMILY_MAX_ZIPF:
            return i, 0.0  # "de familie staat op het spel": a word this common is the verb or noun
        while not family and not initials and k < n and firsts < 3 and ok(k) and not (firsts and tokens[k].sentence_start):
            if (firsts or not cap(k) or (strict and not tokens[k].sentence_start)) and self._interfix(keys, k, lex):
                break  # "van" and "de" are first names too, but here they start the surname (a capitalised
                # one inside a cased sentence too: "meende Van den Stockt")
            if firsts and keys[k] in CALENDAR:
                break  # "Jan Mei": the calendar word is the surname
            vocative = not firsts and tokens[k].sentence_start and cap(k) and text[tokens[k].end:tokens[k].end + 1] == "," \
                and keys[k] in lex.first_names and k + 1 < n and tokens[k + 1].text[:1].islower()
            if vocative:  # "Kees, luister eens": a first name said to someone
                return k + 1, 0.6
            if not lenient and keys[k] in common and (tokens[k].sentence_start
                                                      or (k and tokens[k - 1].is_placeholder)):
                break  # "Dan schakel ik u door": a capitalised word at the start of a sentence (a
                # placeholder often swallowed the full stop: "met [NAAM] Dan schakel ik ...")
            if strict and not cap(k):
                break  # cased text: a capitalised name goes on over capitalised words only
            if firsts and not joined(k):
                break  # "Clive, Davis"
            if keys[k] in lex.first_names and (cap(k) or known_first(k)):
                pass
            elif keys[k] in lex.first_names and (lenient or firsts) and k + 1 < n and surname_follows(k + 1):
                pass  # "met door bemelmans": a first name that is also a word, before a surname
            elif firsts == 0 and lenient and cap(k) and keys[k] not in common:
                pass  # an unknown capitalised word right after "mijn naam is" / "meneer"
            else:
                break
            k += 1
            firsts += 1
        surname = False
        if (title or surname_cue) and not firsts and not initials and k < n and ok(k) and in_surnames(k) \
                and not self._interfix(keys, k, lex) and not (not cap(k) and self._everyday_verb(keys[k])):
            return k + 1, trigger  # "mevrouw Tuin", "meneer jansen": a surname that is also a word (in lower
            # case not a common verb or function word: "de dokter bellen", "de dokter niet bellen")
        inter = self._interfix(keys, k, lex)
        if inter and k > i and not joined(k):
            inter = 0  # "Clive Davis, de man": the comma ends the name
        if inter and strict and k + inter < n and not cap(k + inter):
            inter = 0  # "Marcel Coppens Van de hel": in cased text the surname has its capital
        if inter and not title and k + inter < n and self._inflected_adjective(keys[k + inter]):
            inter = 0  # "De Franse aanvaller", "bij de Franse boeren": a nationality or other adjective, no surname
        # cased text, a capitalised tussenvoegsel inside a sentence: the Flemish way of writing a surname,
        # after a first name ("Paul De Grauwe", "Luc Van den Brande") or alone when the next word is no
        # ordinary word ("slaagde De Gucht erin", "meende Van den Stockt"; never "De Morgen", "De Kamer",
        # nor after an introduction: "Dit is De Zorgkring" names the firm)
        flemish = inter and cased and cap(k) and not tokens[k].sentence_start
        if inter and k + inter < n and ok(k + inter) and not tokens[k + inter].sentence_start:
            s = k + inter
            if (cap(s) and (title or in_surnames(s))) or (known_surname(s) and (firsts or lenient or initials)) \
                    or (strict and firsts and not cap(k) and cap(s) and keys[s] not in lex.common_words_nl
                        and gazetteer().word_class_of(keys[s], self.supported_language) is None) \
                    or (flemish and cap(s) and not _PLACE_ADJECTIVE.search(keys[s])
                        and (firsts or (k == i and not lenient and self._unknown_surname(tokens, keys, k, s, common, text)))) \
                    or (in_surnames(s) and (title or initials or firsts)) \
                    or (surname_cue and keys[s] in lex.interfix_surnames and keys[s] not in TITLES) \
                    or (title and keys[s] not in common and len(keys[s]) >= 3 and _NAME_CHARS.match(tokens[s].text)
                        and gazetteer().zipf(keys[s], self.supported_language) < ORDINARY_WORD_MIN_ZIPF) \
                    or (surname_cue and len(keys[s]) >= 3 and _NAME_CHARS.match(tokens[s].text)
                        and gazetteer().unknown_word(keys[s], self.supported_language, FILLERS)
                        and not is_compound(keys[s])):
                # "mijn naam is van ghoerle": after an introduction of a surname, a word no word table knows
                # that is no compound of two words ("met De Zorgkring" is a firm)
                # the one before: "meneer van jumiège" in a transcript without capitals: after a title and a
                # tussenvoegsel any word that is not an ordinary one is the surname (ordinary: on the
                # common-word list or frequent in the language, "meneer de president", "collega van
                # landbouw", "dokter op de lijst")
                # "Salomon de Bray": in cased text a capitalised word no word list knows after a first name and a
                # lower-case tussenvoegsel is the surname, even where a place bears it ("Jan van Klantenservice"
                # keeps its noun)
                # "Tonny van Huis en Haard": "Huis en Haard" is the company Tonny works for
                if not (firsts and not title and company_at(s)):
                    k, surname = s + 1, True
        elif k < n and k > i and (firsts or initials) and joined(k) and ok(k) and not (strict and not cap(k)) \
                and not (firsts and not title and company_at(k)):  # "Amy Huis en Haard, goedemorgen"
            if (cap(k) and (keys[k] not in common or in_surnames(k) or keys[k] not in lex.verbs_and_function_words)) \
                    or (not cap(k) and known_surname(k)) \
                    or (not cap(k) and (initials or lenient) and in_surnames(k) and keys[k] not in common) \
                    or (not cap(k) and (initials or lenient) and tokens[k - 1].raw_end == tokens[k - 1].end
                        and gazetteer().unknown_word(keys[k], self.supported_language)):
                k, surname = k + 1, True  # the last: "mijn naam is esmee blonk", a surname no list knows
        if k == i or (initials and not surname):
            return i, 0.0
        if firsts and not surname and cased and k < n and _REGNAL.match(tokens[k].text) and joined(k) \
                and self.supported_language == "nl":
            k += 1  # "Süleyman I", "paus Sixtus II", "Murat III": the numeral belongs to the name
        # "De Dijkgraaf Verzekeringen", "Van Dijk Energie": an organisation, not a person
        if not title and k < n and _ORGANISATION.search(keys[k]):
            return i, 0.0
        # "Tandarts Plus", "Basisverzekering Budget": a product, not a person
        if not title and ((k < n and _PRODUCT.match(keys[k]) and tokens[k].is_cap)
                          or any(_PRODUCT_COMPOUND.search(keys[j]) for j in range(i, k))):
            return i, 0.0
        if lenient:
            return k, trigger
        if surname and (firsts or initials):
            return k, 0.85 if cap(i) else 0.7
        if surname:  # "Van der Vries" without a first name
            if not cap(i) or (tokens[i].sentence_start and keys[i] in _PREPOSITION_INTERFIXES):
                return i, 0.0  # "In Den Haag werden ...", "Op de Veluwe ...": a preposition opens the sentence
            return k, 0.5 if tokens[i].sentence_start else 0.6
        if firsts > 1 and (cap(i) or all(known_first(j) for j in range(i, k))):
            return k, 0.6  # "Jan Willem", "selami robert"
        if keys[i] in common or not cap(i) or firsts > 1:
            return i, 0.0
        if k < n and keys[k] in _PRONOUNS:
            return i, 0.0  # "Wilt u ...", "Kan je ...": a verb that is also a first name
        if k < n and cap(k) and not tokens[k].sentence_start and keys[k] not in lex.common_words_nl \
                and keys[k] not in lex.first_names and keys[k] not in lex.surnames:
            return i, 0.0  # "het Sim Only pakket": part of a product or company name
        if tokens[i].sentence_start:  # a verb first, unless the name stands alone ("Jan, ...")
            return (k, 0.45) if text[tokens[i].end:tokens[i].end + 1] in (",", "!", "") else (i, 0.0)
        return k, 0.6

    def _unknown_surname(self, tokens, keys, k: int, s: int, common, text: str) -> bool:
        """Token s, after the tussenvoegsel at k, is no ordinary word, and the word right before k is an
        ordinary lower-case word inside the sentence that is no preposition or article ("slaagde De Gucht";
        never "naar De Efteling", "bij De Zorgkring", nor a headline run on without a full stop: "Algemeen De
        Tsjechen", "(GS) De Uefa"), and no capitalised word follows it."""
        g, lang = gazetteer(), self.supported_language
        before = tokens[k - 1] if k else None
        after = tokens[s + 1] if s + 1 < len(tokens) else None
        if after is not None and after.is_cap and not after.sentence_start:
            return False  # "De Vriezer IJskoud 200": a product's or firm's name of several capitalised words
        return keys[s] not in common and g.zipf(keys[s], lang) < ORDINARY_WORD_MIN_ZIPF \
            and before is not None and before.text.isalpha() and before.text.islower() \
            and not text[before.end:tokens[k].start].strip() and keys[k - 1] not in _BEFORE_A_PLACE_OR_FIRM

    def _inflected_adjective(self, key: str) -> bool:
        """An inflected adjective as common as Zipf 4.5 ("franse", "oude", "goede"; a surname list holds them):
        after a tussenvoegsel without a title it describes a noun, it names nobody."""
        g, lang = gazetteer(), self.supported_language
        return key.endswith("e") and g.word_class_of(key, lang) == "adj" and g.zipf(key, lang) >= 4.5

    def _everyday_verb(self, key: str) -> bool:
        """A verb of the lemma tables or a function word as common as Zipf ORDINARY_WORD_MIN_ZIPF ("bellen",
        "niet"); not a noun the exception tables also list as a verb form ("tuin", "bos": surnames too)."""
        g, lang = gazetteer(), self.supported_language
        return g.zipf(key, lang) >= ORDINARY_WORD_MIN_ZIPF and (
            g.tagger_class_of(key, lang) == "verb" or g.word_class_of(key, lang) == "function")

    @staticmethod
    def _interfix_first(lex) -> frozenset:
        cached = getattr(lex, "_interfix_first_cache", None)
        if cached is None:
            cached = frozenset(x.split(" ")[0] for x in lex.interfixes)
            object.__setattr__(lex, "_interfix_first_cache", cached)
        return cached

    def _rare_surname_at(self, keys, i, lex) -> bool:
        """Token i starts a tussenvoegsel and a surname said after one that is no common word ("de vries",
        "van der linden"; never "de baas", "de winkel", "van de post"): after "ik ben" that is the surname."""
        m = self._interfix(keys, i, lex)
        s = i + m
        return m > 0 and s < len(keys) and keys[s] in lex.interfix_surnames and keys[s] not in lex.not_names \
            and keys[s] not in TITLES and gazetteer().zipf(keys[s], self.supported_language) < WEAK_INTRO_MAX_ZIPF

    def _interfix(self, keys, k, lex) -> int:
        if k >= len(keys) or keys[k] not in self._interfix_first(lex):
            return 0
        for m in (3, 2, 1):
            if k + m <= len(keys) and " ".join(keys[k:k + m]) in lex.interfixes:
                return m
        return 0


# adjectives made from places ("De Brusselse haven", "de Joegoslavische president"): no surname after "De"
_PLACE_ADJECTIVE = re.compile(r"(?:se|sche)\Z")
# words before a capitalised "De" or "Van" that make it a place, venue or firm rather than a surname ("naar De
# Efteling", "welkom bij De Zorgkring", "u spreekt met De Hypotheker", "Roan van De Zorgkring")
_BEFORE_A_PLACE_OR_FIRM = frozenset({"naar", "in", "uit", "op", "aan", "te", "via", "richting", "langs", "rond", "nabij",
                                     "vanuit", "vanaf", "tot", "bij", "met", "voor", "van", "de", "het", "een"})
_REGNAL = re.compile(r"(?:I{1,3}|IV|VI{0,3}|IX|XI{0,3}|XIV|XVI{0,3})\Z")  # a ruler's or pope's number, I to XVIII
_PRONOUNS = frozenset({"u", "je", "jij", "ik", "we", "wij", "hij", "zij", "ze", "het", "jullie", "men", "er", "you",
                       "i", "we", "they", "he", "she", "it"})
_NEVER = frozenset({"ik", "u", "je", "jij", "wij", "we", "zij", "ze", "hij", "het", "de", "een", "en", "of", "dat",
                    "die", "dit", "is", "ja", "nee", "i", "you", "the", "a", "and"})
