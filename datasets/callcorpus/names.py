"""Name, street and place lists for the corpus, with the list each value comes from.

The default lists are Faker's (shipped in its wheel: `nl_NL`, `nl_BE` and a few foreign locales),
not the deduce lists the workbench's PII recognizers look names up in, so that the corpus measures
the recognizers instead of mirroring them. `names="deduce"` restores the old, mirroring lists.
Every list is sorted after filtering: draws do not depend on Faker's internal order."""

from __future__ import annotations

import functools
import importlib
import re
from dataclasses import dataclass, field

from .errors import CorpusError

NAME_SOURCES = ("faker", "deduce")
# Foreign-origin names as Dutch call centres hear them. Faker's ar_* lists are in Arabic script;
# fr_DZ carries Maghreb names in the Latin spelling used in the Netherlands and Belgium.
FOREIGN_LOCALES = ("tr_TR", "fr_DZ", "pl_PL", "en_GB", "id_ID")
DUTCH_INTERFIXES = ("van der", "van den", "van de", "van 't", "van het", "van", "de", "den", "der", "ter", "ten", "te",
                    "in 't", "op den", "op de", "uit de", "in de")
_CAP_WORD = re.compile(r"^[A-Z][a-zäëéèïöüçşğıń]+$")
_DUTCH_SURNAME = re.compile(r"^(?:(" + "|".join(re.escape(i) for i in DUTCH_INTERFIXES) + r") )?([A-Z][a-zëéèïöü]+)$")
_FLEMISH_SURNAME = re.compile(r"^(?:(De|Van|Van de|Van den|Van der|Op de|Vanden|Vander) )?([A-Z][a-zëéèïöü]+)$")
_PLACE = re.compile(r"^[A-Z][a-zëéèïöü]+(-[A-Z][a-zëéèïöü]+)?$")
# Flemish-looking place names in Faker's nl_BE list (which mixes in Walloon ones): Dutch spelling
# clusters and endings, no French ones.
_FLEMISH_PLACE = re.compile(r"(ee|aa|oe|ij|ui|kk|gem$|hem$|beek|broek|kerke|hout|donk|zele|laar|rode|dorp|veld|berg"
                            r"|bos|wijk|brugge|dijk|poel|hove|meer|huis|mond|ingen$|egem$|sel$|gent$|ent$)", re.I)
_WALLOON = re.compile(r"(é|è|ê|ç|ô|â|x|ville|ont$|eux|ies$|court|sart|mont|ais$|oir|ette|iers|eau|oux|champ"
                      r"|fontaine|^Saint|ge$|ne$|lle$|que$|in$|ay$|é$|ois$|ier$|ert$|ard$|et$|oy$|ac$|on$)", re.I)
FLEMISH_CITIES = ("Aalst", "Antwerpen", "Brugge", "Gent", "Genk", "Hasselt", "Kortrijk", "Leuven", "Lier", "Lokeren",
                  "Mechelen", "Oostende", "Roeselare", "Sint-Niklaas", "Turnhout", "Dendermonde", "Geel", "Mol",
                  "Ninove", "Tienen", "Waregem", "Zottegem", "Izegem", "Eeklo", "Herentals", "Menen", "Ieper")
_STREET_SUFFIX = re.compile(r"(straat|weg|laan|plein|gracht|kade|dijk|singel|pad|hof|steeg|dreef|park|markt|veld|erf)$")
_DEDUCE_WORD = re.compile(r"^[A-Z][a-zéëèïöü]+$")


@dataclass(frozen=True)
class Drawn:
    """A value and the list it was drawn from (`faker:nl_NL:last_names`, `deduce:lst_surname` ...)."""

    value: str
    source: str


@dataclass
class Person:
    first: str
    interfix: str  # "van der" (Dutch, lower case), "De" (Flemish, capitalised) or ""
    surname: str
    second_surname: str | None  # double-barrelled name
    female: bool
    origin: str = "nl"  # nl | be | a foreign locale such as tr_TR
    sources: dict = field(default_factory=dict)  # part ("first", "surname", ...) -> list name

    @property
    def last(self) -> str:
        base = f"{self.interfix} {self.surname}".strip()
        return f"{base}-{self.second_surname}" if self.second_surname else base

    def source_list(self, *parts: str) -> list[str]:
        return sorted({self.sources[p] for p in parts if p in self.sources})


@dataclass(frozen=True)
class NameLists:
    """First names per sex, surnames as (interfix, surname), streets and places, each with its source."""

    first_male: tuple[str, ...]
    first_female: tuple[str, ...]
    surnames: tuple[tuple[str, str], ...]
    first_source: str
    surname_source: str


def _attr(locale: str, kind: str, name: str):
    try:
        module = importlib.import_module(f"faker.providers.{kind}.{locale}")
    except ImportError as exc:
        raise CorpusError(f"callcorpus needs Faker's {locale} {kind} provider (pip install Faker): {exc}") from None
    return getattr(module.Provider, name)


def _clean(names, pattern=_CAP_WORD, lo: int = 2, hi: int = 12) -> tuple[str, ...]:
    return tuple(sorted({n for n in names if pattern.match(n) and lo <= len(n) <= hi}))


@functools.lru_cache(maxsize=None)
def people(origin: str) -> NameLists:
    """Faker's name lists for callers of `origin` (`nl`, `be` or a foreign locale)."""
    if origin == "nl":
        split = [(m.group(1) or "", m.group(2)) for n in _attr("nl_NL", "person", "last_names")
                 if (m := _DUTCH_SURNAME.match(n)) and 3 <= len(m.group(2)) <= 12 and not n.endswith(("dr", "sz"))]
        return NameLists(_clean(_attr("nl_NL", "person", "first_names_male")),
                         _clean(_attr("nl_NL", "person", "first_names_female")), tuple(sorted(set(split))),
                         "faker:nl_NL:first_names", "faker:nl_NL:last_names")
    if origin == "be":
        split = [(m.group(1) or "", m.group(2)) for n in _attr("nl_BE", "person", "last_names")
                 if (m := _FLEMISH_SURNAME.match(n))]
        return NameLists(_clean(_attr("nl_BE", "person", "first_names_male")),
                         _clean(_attr("nl_BE", "person", "first_names_female")), tuple(sorted(set(split))),
                         "faker:nl_BE:first_names", "faker:nl_BE:last_names")
    if origin not in FOREIGN_LOCALES:
        raise CorpusError(f"unknown caller origin {origin!r}")
    if origin == "pl_PL":
        last = list(_attr(origin, "person", "male_last_names")) + list(_attr(origin, "person", "unisex_last_names"))
    else:
        last = list(_attr(origin, "person", "last_names"))
    return NameLists(_clean(_attr(origin, "person", "first_names_male")),
                     _clean(_attr(origin, "person", "first_names_female")),
                     tuple(("", s) for s in _clean(last, lo=3)),
                     f"faker:{origin}:first_names", f"faker:{origin}:last_names")


def new_person(rng, origin: str = "nl", names: str = "faker") -> Person:
    """A person of `origin` with a first name, surname (with tussenvoegsel when Dutch) and at times a
    double-barrelled second surname."""
    if names == "deduce":
        return _deduce_person(rng)
    lists = people(origin)
    female = rng.random() < 0.5
    first = rng.choice(lists.first_female if female else lists.first_male)
    interfix, surname = rng.choice(lists.surnames)
    if origin == "pl_PL" and female:
        surname = re.sub(r"(ski|cki|dzki)$", lambda m: m.group(1)[:-1] + "a", surname)
    second = None
    if origin == "nl" and rng.random() < 0.12:
        second = rng.choice([s for i, s in lists.surnames[:400] if not i] or [surname])
    sources = {"first": lists.first_source + ("_female" if female else "_male"), "surname": lists.surname_source}
    if second:
        sources["second_surname"] = lists.surname_source
    return Person(first, interfix, surname, second, female, origin, sources)


def _deduce_person(rng) -> Person:
    from .lexicon import dutch_lists

    lists = dutch_lists()
    female = rng.random() < 0.5
    first = rng.choice(lists.first_names)
    if rng.random() < 0.35:
        interfix = rng.choice(["van", "van der", "van den", "van de", "de", "den", "ter", "ten", "van 't", "in 't"])
        surname, surname_source = rng.choice(lists.interfix_surnames), "deduce:lst_interfix_surname"
    else:
        interfix, surname, surname_source = "", rng.choice(lists.surnames), "deduce:lst_surname"
    second = rng.choice(lists.surnames) if rng.random() < 0.12 else None
    sources = {"first": "deduce:lst_first_name", "surname": surname_source}
    if second:
        sources["second_surname"] = "deduce:lst_surname"
    return Person(first, interfix, surname, second, female, "nl", sources)


# ---------------------------------------------------------------- streets and places
@functools.lru_cache(maxsize=None)
def _street_parts(locale: str) -> tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]:
    first = _clean(_attr(locale, "person", "first_names"), re.compile(r"^[A-Z][a-z]+$"), 3, 9)
    suffixes = tuple(s for s in _attr(locale, "address", "street_suffixes") if s != "boulevard")
    last = tuple(s for i, s in people("nl" if locale == "nl_NL" else "be").surnames if not i and s.isascii())
    return first, suffixes, last


@functools.lru_cache(maxsize=None)
def places(origin: str) -> tuple[str, ...]:
    if origin == "be":
        cities = [c for c in _attr("nl_BE", "address", "cities") if _PLACE.match(c)]
        picked = {c for c in cities if c in FLEMISH_CITIES or (_FLEMISH_PLACE.search(c) and not _WALLOON.search(c))}
        return tuple(sorted(picked))
    return tuple(sorted(c for c in _attr("nl_NL", "address", "cities") if _PLACE.match(c) and 4 <= len(c) <= 16))


def street(rng, origin: str = "nl", names: str = "faker") -> Drawn:
    """A street name as Faker builds them (first name + suffix), or from a surname or a town."""
    if names == "deduce":
        from .lexicon import dutch_lists

        return Drawn(rng.choice(dutch_lists().streets), "deduce:lst_street")
    locale = "nl_BE" if origin == "be" else "nl_NL"
    first, suffixes, last = _street_parts(locale)
    roll = rng.random()
    if roll < 0.6:
        return Drawn(rng.choice(first) + rng.choice(suffixes), f"faker:{locale}:street_name")
    if roll < 0.8 and last:
        return Drawn(rng.choice(last) + rng.choice(suffixes), f"faker:{locale}:last_names+street_suffixes")
    town = rng.choice([p for p in places(origin)[::7] if "-" not in p and p[-1] not in "aeiou"])
    return Drawn(town + rng.choice(["seweg", "sestraat", "sesteenweg" if origin == "be" else "seweg"]),
                 f"faker:{locale}:cities+seweg")


def place(rng, origin: str = "nl", names: str = "faker") -> Drawn:
    if names == "deduce":
        from .lexicon import dutch_lists

        return Drawn(rng.choice(dutch_lists().places), "deduce:lst_residence")
    locale = "nl_BE" if origin == "be" else "nl_NL"
    return Drawn(rng.choice(places(origin)), f"faker:{locale}:cities")
