"""Fictional Dutch values (Faker nl_NL) that stand in for personal data: the one generator behind
transcript pseudonyms (`curation.pii.redact_text(..., mode="pseudonym")`) and the re-enactment
scripts actors read (`curation.consent.script`).

Consistent per call and key: within one `FictionalValues` the same original always gets the same
value (a phone number said as digits or as words is one original), a person keeps their first
name and surname across "Jan de Vries", "meneer De Vries" and "Jan"; no two originals share a
value, and a value never shares a word with its original. Each value is drawn from Faker seeded
by HMAC(key, the original's identity), so it does not depend on the order of the mentions; another
key (another call) gives other values. Originals are keys in memory only, never written anywhere.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets

from curation.pii.errors import PiiError
from curation.pii.tokens import lookup_key
from curation.vocabulary import MONTHS_NL

INTERFIXES = frozenset({"de", "van", "der", "den", "ter", "ten", "te", "het", "in", "t", "op", "vd"})
TITLES = frozenset({"meneer", "mevrouw", "mijnheer", "dhr", "dhr.", "mevr", "mevr.", "heer", "mr", "mrs", "ms"})
# entity types whose identity is the number or code itself ("06-12345678" == "nul zes twaalf ...")
CODE_TYPES = frozenset({"NL_POSTCODE", "PHONE_NUMBER", "IBAN_CODE", "NL_BSN", "NL_LICENSE_PLATE", "ACCOUNT_ID",
                        "DATE_OF_BIRTH"})
ADULT_AGES = (18, 90)  # fictional customers are adults
EMAIL_DOMAIN = "voorbeeld.nl"  # a domain nobody receives mail on


def _norm(text: str) -> str:
    return re.sub(r"[^\w]+", " ", text.lower()).strip()


def identity(entity_type: str, original: str) -> str:
    """What makes two mentions the same value: the canonical number of a code, else the words."""
    if entity_type in CODE_TYPES:
        from curation.pii.normalise import normalise

        canon = "".join(r.canon for r in normalise(original).runs)
        if canon:
            return canon
    return " ".join(lookup_key(original).split())


class FictionalValues:
    """Hands out one fictional value per (entity type, original) for one call and `key`."""

    def __init__(self, key: bytes | str | None = None):
        if key is None:
            key = secrets.token_bytes(16)
        self._key = key.encode("utf-8") if isinstance(key, str) else bytes(key)
        self._values: dict[tuple[str, str], str] = {}
        self._used: set[str] = set()
        self._firsts: dict[str, str] = {}  # original first name -> fictional first name
        self._surnames: dict[str, str] = {}  # original surname -> fictional surname
        self._faker = None

    @property
    def pseudonyms(self) -> frozenset[str]:
        """Every value handed out so far: pass as `detect(..., neutral=...)` to re-scan the output."""
        return frozenset(self._used)

    def __call__(self, entity_type: str, original: str) -> str:
        return self.value(entity_type, original)

    def value(self, entity_type: str, original: str, after_title: bool = False) -> str:
        """The fictional value for `original` (`after_title`: the word follows "meneer"/"mevrouw",
        so a lone name is a surname)."""
        ident = (entity_type, identity(entity_type, original))
        if ident not in self._values:
            value = None
            for attempt in range(20):
                value = self._new(entity_type, original, ident[1], after_title, attempt)
                if value not in self._used or entity_type == "PERSON":
                    break
            self._values[ident] = value
            self._used.add(value)
        return self._values[ident]

    # ---- drawing -----------------------------------------------------------------------------------
    def _fake(self, *parts):
        """Faker seeded by HMAC(key, parts): the same parts, the same draws."""
        if self._faker is None:
            from faker import Faker

            self._faker = Faker("nl_NL")
        digest = hmac.new(self._key, "\x1f".join(map(str, parts)).encode(), hashlib.sha256).digest()
        self._faker.seed_instance(int.from_bytes(digest[:8], "big"))
        return self._faker

    def _new(self, entity_type: str, original: str, ident: str, after_title: bool, attempt: int) -> str:
        if entity_type == "PERSON":
            return self._person(original, after_title)
        f = self._fake(entity_type, ident, attempt)
        words = original.split()
        if entity_type == "LOCATION":
            if words and lookup_key(words[0]) == "postbus":
                return f"Postbus {f.random_int(10, 9999)}"
            if len(_norm(original).split()) == 1 and not any(c.isdigit() for c in original):
                return f.city()
            return f"{f.street_name()} {f.random_int(1, 180)}"
        if entity_type == "NL_POSTCODE":
            return f.postcode()
        if entity_type == "PHONE_NUMBER":  # as people say and actors read it: "06 12 34 56 78"
            return "06 " + " ".join(f"{f.random_int(0, 99):02d}" for _ in range(4))
        if entity_type == "EMAIL_ADDRESS":
            return f"{lookup_key(f.first_name())}.{lookup_key(f.last_name()).replace(' ', '')}@{EMAIL_DOMAIN}"
        if entity_type == "IBAN_CODE":
            return f.iban()
        if entity_type == "NL_BSN":
            return f.ssn()
        if entity_type == "DATE_OF_BIRTH":
            d = f.date_of_birth(minimum_age=ADULT_AGES[0], maximum_age=ADULT_AGES[1])
            return f"{d.day} {MONTHS_NL[d.month - 1]} {d.year}"
        if entity_type == "NL_LICENSE_PLATE":
            return f.license_plate()
        if entity_type == "ACCOUNT_ID":
            n = max(6, sum(c.isdigit() for c in ident) or 8)
            return str(f.random_int(1, 9)) + "".join(str(f.random_digit()) for _ in range(n - 1))
        raise PiiError(f"no fictional value for entity type {entity_type!r}")

    def _person(self, original: str, after_title: bool) -> str:
        tokens = [t for t in _norm(original).split() if t not in TITLES]
        if not tokens:
            return f"{self._fresh('first', original, tokens)} {self._fresh('last', original, tokens)}"
        first, last = tokens[0], tokens[-1]
        if len(tokens) == 1:
            if first in self._firsts and not after_title:
                return self._firsts[first]
            if after_title or first in self._surnames:
                return self._surname(first, tokens)
            self._firsts[first] = self._fresh("first", first, tokens)
            return self._firsts[first]
        surname = self._surname(last, tokens)
        if first in INTERFIXES:  # "de Vries", "van der Berg": a surname on its own
            return surname
        if first not in self._firsts:
            self._firsts[first] = self._fresh("first", first, tokens)
        return f"{self._firsts[first]} {surname}"

    def _surname(self, original_surname: str, tokens: list[str]) -> str:
        if original_surname not in self._surnames:
            self._surnames[original_surname] = self._fresh("last", original_surname, tokens)
        return self._surnames[original_surname]

    def _fresh(self, part: str, original: str, tokens: list[str]) -> str:
        """A fictional first or last name that shares no word with the original and is not used yet."""
        value = ""
        for attempt in range(50):
            f = self._fake("PERSON", part, original, attempt)
            value = f.first_name() if part == "first" else f.last_name()
            taken = value in self._firsts.values() or value in self._surnames.values()
            if not set(_norm(value).split()) & set(tokens) and not taken:
                return value
        return value
