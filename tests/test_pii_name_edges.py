"""Where a person or place span starts and stops: English title words, roles and ordinary words after a
title are no part of a name; an address cue at the end of a text says nothing about its first word.
Invented texts in the shape of the false alarms seen on the tune split of third-party Dutch text."""

from __future__ import annotations

import pytest

from tests._pii_spans import found_spans, spans_touching

# (text, the words that must stay: no span may touch them)
KEPT = [
    # an English title inside Dutch text: a newspaper, a book, a company
    ("hij schrijft al jaren voor the new york times over economie", "the"),
    ("hij schrijft al jaren voor the new york times over economie", "times"),
    ("ik heb kevin jansen van the phone house gesproken", "the phone house"),
    # a title, a tussenvoegsel and an ordinary word: a role, not a surname
    ("dat zei meneer de directeur gisteren nog", "directeur"),
    ("ik vroeg het aan mevrouw de voorzitter van de club", "voorzitter"),
    # a role before a name
    ("Gisteren zei Bondscoach Marco Jansen dat hij stopt.", "Bondscoach"),
    # the first word of a text is no place because the text ends in "in"
    ("best wel druk vandaag zeg ik woon in", "best"),
    # cased text: a name that starts with a capital goes on over capitalised words only ("Hel" is a
    # surname on the lists)
    ("Het boek van Marcel Coppens Van de hel naar de hemel verscheen gisteren.", "hel"),
    # a name stops at a comma and at the end of a sentence
    ("Het is cynisch dat Clive Davis, de man die alles regelde, zweeg.", "de man"),
    ("Die avond sprak Sir Kamisese Mara. De tragedie voor de bewoners is groot.", "tragedie"),
    # a full stop after an introduction ends it
    ("Dat staat op mijn naam. Dan moet ik even kijken.", "Dan"),
    # a house number follows its street directly: a listed street, a comma and a number is no address
    ("Uitgeverij Het Spectrum, 284 bladzijden, 570 frank.", "284"),
]

# (text, entity type, the exact text a span of that type must cover)
FOUND = [
    ("ik heb kevin jansen van the phone house gesproken", "PERSON", "kevin jansen"),
    ("ik ben verhuisd naar new york vorig jaar", "LOCATION", "new york"),
    ("goedemiddag meneer van jumiège hoe kan ik helpen", "PERSON", "van jumiège"),
    ("ik spreek met mevrouw van der zalm", "PERSON", "van der zalm"),
    ("Gisteren zei Bondscoach Marco Jansen dat hij stopt.", "PERSON", "Marco Jansen"),
    ("Het adres is Kerkstraat 12a Holsloot.", "LOCATION", "Kerkstraat 12a Holsloot"),
    ("het adres is postbus 18 in Westeneng", "LOCATION", "Westeneng"),
    # several titles, an abbreviated first name, initials: the full stops do not end the name
    ("Prof. Dr. Th. Bakker opende het congres.", "PERSON", "Th. Bakker"),
    ("Goedemiddag, met mw. K.L. de Boer.", "PERSON", "K.L. de Boer"),
    ("Die avond sprak Sir Kamisese Mara. De tragedie voor de bewoners is groot.", "PERSON", "Kamisese Mara"),
    # a transcript without capitals keeps the lists alone
    ("ja hoor ik heb gesproken met jan de vries gisteren", "PERSON", "jan de vries"),
    # a careful transcript with a name typed in lower case: a slip must not leak the name
    ("U spreekt met de Klantenservice van Eneco. Ik heb gisteren met jan de vries gesproken.", "PERSON",
     "jan de vries"),
    ("Volgens Eneco was piet bakker de monteur.", "PERSON", "piet bakker"),
    # a form's field: the colon is no end of a sentence after "naam" / "achternaam"
    ("Naam: Visser, Jan.", "PERSON", "Visser, Jan"),
    ("Achternaam: de Vries, voornaam: Jan.", "PERSON", "de Vries"),
    # a title that is also a surname, after a title: the surname ("meneer Dokter")
    ("Ik sprak meneer Dokter gisteren.", "PERSON", "Dokter"),
]


@pytest.mark.parametrize("text,kept", KEPT, ids=[f"{k}:{t[:28]}" for t, k in KEPT])
def test_kept(text, kept):
    assert spans_touching(text, kept) == []


@pytest.mark.parametrize("text,entity,expected", FOUND, ids=[f"{e}:{t[:30]}" for t, e, _ in FOUND])
def test_found(text, entity, expected):
    found = found_spans(text)
    assert (entity, expected) in found, found
