"""The identification part of a call: the agent asks, the customer gives a personal detail.

One exchange per entity type, in the call's phrasebook part; Flemish callers give Belgian
details (postcode with town, +32 and 04xx numbers, BE IBAN) and are not asked for a BSN or a
Dutch licence plate."""

from __future__ import annotations

import random

from . import pii
from .names import Person

ACCOUNT_KINDS = {"webwinkel": ["ordernummer", "klantnummer"], "energie": ["klantnummer", "contractnummer"],
                 "telecom": ["klantnummer", "contractnummer"], "bank": ["klantnummer"],
                 "verzekering": ["klantnummer", "contractnummer"], "zorgverzekering": ["klantnummer"]}
# what a Flemish caller is asked instead of a Dutch-only detail
FLEMISH_SWAP = {"NL_BSN": "ACCOUNT_ID", "NL_LICENSE_PLATE": "PHONE_NUMBER"}


def exchange(etype: str, form: str, rng: random.Random, A, C, person: Person, topic: str, ctx: dict,
             check: bool = True) -> None:
    """One question by the agent and the customer's answer carrying a PII value."""
    book, origin, names = ctx["book"], person.origin, ctx["names"]
    flemish = origin == "be"
    if flemish:
        etype = FLEMISH_SWAP.get(etype, etype)
    said = (lambda name: book.flemish(name)) if flemish else (lambda name: getattr(book, name))
    if etype == "ACCOUNT_ID":
        kind = rng.choice(ACCOUNT_KINDS[topic])
        A(rng.choice(book.ask_account), kind=kind)
        C(rng.choice(book.give_account), kind=kind, value=pii.account_id(rng, form))
    elif etype == "DATE_OF_BIRTH":
        A(rng.choice(book.ask_birth))
        C(rng.choice(said("give_birth")), value=pii.birth_date(rng, form))
    elif etype == "NL_POSTCODE":
        A(rng.choice(book.ask_postcode))
        value = pii.city(rng, "be", names) if flemish else pii.postcode(rng, form)
        C(rng.choice(book.give_postcode), value=value)
    elif etype == "LOCATION":
        A(rng.choice(book.ask_address))
        if rng.random() < 0.2 and not flemish:
            C(rng.choice(book.give_postbus), value=pii.postbus(rng, form), city=pii.city(rng, origin, names))
        else:
            C(rng.choice(said("give_address")), street=pii.street_address(rng, form, origin, names),
              city=pii.city(rng, origin, names))
    elif etype == "NL_BSN":
        A(rng.choice(book.ask_bsn))
        C(rng.choice(book.give_bsn), value=pii.bsn(rng, form))
    elif etype == "NL_LICENSE_PLATE":
        A(rng.choice(book.ask_plate))
        C(rng.choice(book.give_plate), value=pii.license_plate(rng, form))
    elif etype == "PHONE_NUMBER":
        A(rng.choice(book.ask_phone))
        C(rng.choice(said("give_phone")), value=pii.phone(rng, form, origin))
    elif etype == "EMAIL_ADDRESS":
        A(rng.choice(book.ask_email))
        C(rng.choice(book.give_email), value=pii.email(person, rng, form))
    elif etype == "IBAN_CODE":
        A(rng.choice(book.ask_iban))
        C(rng.choice(book.give_iban), value=pii.iban(rng, form, origin))
    if check and rng.random() < 0.4:
        A(rng.choice(book.check))


def introduce(rng: random.Random, A, C, person: Person, ctx: dict, greet: str, issue: str) -> None:
    """The customer's opening: with their name (full or initials), or without it, after which the
    agent asks for it and gets it bare, or as a surname with a spelling reminder ('met v-h')."""
    book = ctx["book"]
    flemish = person.origin == "be"
    lists = (lambda name: book.flemish(name)) if flemish else (lambda name: getattr(book, name))
    if rng.random() < 0.7:
        style = rng.choice(["full", "full", "full", "initials"])
        C(rng.choice(lists("customer_open")), greet=greet, name=pii.person_name(person, rng, style), issue=issue)
        return
    C(rng.choice(lists("customer_open_nameless")), greet=greet, issue=issue)
    A(rng.choice(book.ask_name))
    if rng.random() < 0.35 and not flemish:
        surname = pii.person_name(person, rng, "surname")
        hint = pii.spelling_hint(person.surname, person.source_list("surname"))
        C(rng.choice(book.give_name_hint), surname=surname, hint=hint)
    else:
        C(rng.choice(lists("give_name")), name=pii.person_name(person, rng, "full"))


def third_party(rng: random.Random, C, ctx: dict, other: Person) -> None:
    """The customer names someone else (partner, child, neighbour): a PERSON without a cue word."""
    book = ctx["book"]
    relations = book.shared["relations_female" if other.female else "relations_male"]
    name = pii.person_name(other, rng, "first" if rng.random() < 0.6 else "full")
    lines = book.flemish("third_party") if ctx.get("flemish") else book.third_party
    C(rng.choice(lines), relation=rng.choice(relations), person=name)
