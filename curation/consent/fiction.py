"""Fictional but natural Dutch data for the placeholders of a redacted transcript (Faker nl_NL),
seeded per clip and consistent within one script: the same person gets the same name every time.
"""

from __future__ import annotations

import hashlib
import re

from faker import Faker

MONTHS = ("januari februari maart april mei juni juli augustus september oktober november december").split()
INTERFIXES = {"de", "van", "der", "den", "ter", "te", "het", "in", "t", "op", "vd"}
TITLES = {"meneer", "mevrouw", "mijnheer", "dhr", "dhr.", "mevr", "mevr.", "heer", "mr", "mrs", "ms"}


def seed_for(clip_id: str, attempt: int = 0) -> int:
    return int.from_bytes(hashlib.sha256(f"{clip_id}:{attempt}".encode()).digest()[:8], "big")


def _norm(text: str) -> str:
    return re.sub(r"[^\w]+", " ", text.lower()).strip()


class FictionalData:
    """Hands out one fictional value per (entity type, original mention); the originals are used as
    keys only, in memory, and never written anywhere."""

    def __init__(self, seed: int):
        self.fake = Faker("nl_NL")
        self.fake.seed_instance(seed)
        self.values: dict[tuple[str, str], str] = {}
        self.surnames: dict[str, str] = {}  # original surname -> fictional surname
        self.firsts: dict[str, str] = {}  # original first name -> fictional first name

    def value(self, entity_type: str, original: str, after_title: bool = False) -> str:
        key = (entity_type, _norm(original))
        if key not in self.values:
            self.values[key] = self._new(entity_type, original, after_title)
        return self.values[key]

    def _new(self, entity_type: str, original: str, after_title: bool) -> str:
        f = self.fake
        if entity_type == "PERSON":
            return self._person(original, after_title)
        if entity_type == "LOCATION":
            tokens = _norm(original).split()
            if len(tokens) == 1 and not any(c.isdigit() for c in original):
                return f.city()
            return f"{f.street_name()} {f.random_int(1, 180)}"
        if entity_type == "NL_POSTCODE":
            return f.postcode()
        if entity_type == "PHONE_NUMBER":
            return "06 " + f.numerify("## ## ## ##")
        if entity_type == "EMAIL_ADDRESS":
            return f"{f.first_name().lower()}.{f.last_name().lower().replace(' ', '')}@{f.free_email_domain()}"
        if entity_type == "IBAN_CODE":
            return f.iban()
        if entity_type == "NL_BSN":
            return f.ssn()
        if entity_type == "DATE_OF_BIRTH":
            d = f.date_of_birth(minimum_age=20, maximum_age=85)
            return f"{d.day} {MONTHS[d.month - 1]} {d.year}"
        if entity_type == "NL_LICENSE_PLATE":
            return f.license_plate()
        if entity_type == "ACCOUNT_ID":
            return f.numerify("########")
        return f.bothify("??-####").upper()

    def _person(self, original: str, after_title: bool) -> str:
        tokens = [t for t in _norm(original).split() if t not in TITLES]
        if not tokens:
            return f"{self.fake.first_name()} {self.fake.last_name()}"
        first, last = tokens[0], tokens[-1]
        if len(tokens) == 1:
            if first in self.firsts and not after_title:
                return self.firsts[first]
            if after_title or first in self.surnames:
                return self._surname(first, tokens)
            self.firsts[first] = self._fresh(self.fake.first_name, tokens)
            return self.firsts[first]
        surname = self._surname(last, tokens)
        if first in INTERFIXES:  # "de Vries", "van der Berg": a surname on its own
            return surname
        if first not in self.firsts:
            self.firsts[first] = self._fresh(self.fake.first_name, tokens)
        return f"{self.firsts[first]} {surname}"

    def _surname(self, original_surname: str, tokens: list[str]) -> str:
        if original_surname not in self.surnames:
            self.surnames[original_surname] = self._fresh(self.fake.last_name, tokens)
        return self.surnames[original_surname]

    @staticmethod
    def _fresh(make, tokens: list[str]) -> str:
        """A fictional name that shares no word with the original."""
        for _ in range(50):
            value = make()
            if not set(_norm(value).split()) & set(tokens):
                return value
        return value
