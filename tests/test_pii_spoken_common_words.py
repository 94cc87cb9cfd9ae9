"""Lower-case (ASR) text: an article with a common noun is no place, a currency or unit after an amount
is no first name; real places with an article and real names after a number stay found. Invented
texts in the shape of the false alarms seen on the tune split of third-party Dutch text."""

from __future__ import annotations

import pytest

from tests._pii_spans import found_spans, spans_touching

# (text, the words that must stay: no span may touch them)
KEPT = [
    # "de"/"het" and a common noun is a noun phrase, even where a village bears that name
    ("we hebben de hele dag gewandeld in de bergen en het was prachtig", "de bergen"),
    ("de kinderen speelden uren in het zand bij de vloedlijn", "het zand"),
    ("hij rijdt elke dag op de baan naar zijn werk", "de baan"),
    # a currency or unit after an amount is no first name
    ("de vereniging kreeg vijftig miljoen belgische frank kramer was blij", "frank"),
    ("de haven verwerkte achttien miljoen ton vorig jaar", "ton"),
]

# (text, entity type, the exact text a span of that type must cover)
FOUND = [
    # a rarer word, "den" or a capital keeps the place
    ("ik woon in de bilt sinds vorig jaar", "LOCATION", "de bilt"),
    ("we gaan volgende zomer naar de panne aan zee", "LOCATION", "de panne"),
    ("we wonen al jaren in den haag", "LOCATION", "den haag"),
    ("Ik woon in De Bergen sinds vorig jaar.", "LOCATION", "De Bergen"),
    # after a plain number (a year, a count) the same word may be a name
    ("in negentien achtennegentig won frank de boer de beker", "PERSON", "frank de boer"),
    ("het bedrag was drie frank schouten betaalde", "PERSON", "frank schouten"),
]


@pytest.mark.parametrize("text,kept", KEPT, ids=[t[:36] for t, _ in KEPT])
def test_kept(text, kept):
    assert spans_touching(text, kept) == []


@pytest.mark.parametrize("text,entity,expected", FOUND, ids=[f"{e}:{t[:30]}" for t, e, _ in FOUND])
def test_found(text, entity, expected):
    found = found_spans(text)
    assert (entity, expected) in found, found


@pytest.mark.parametrize("words,index,expected", [
    ("drie miljoen frank", 2, True),
    ("zevenhonderdduizend frank", 1, True),
    ("vijftig miljoen belgische frank", 3, True),
    ("achttien miljoen ton", 2, True),
    ("drie frank", 1, False),  # a plain number: may be a count before a name
    ("met frank", 1, False),
    ("drie miljoen kees", 2, False),  # no currency or unit
])
def test_after_quantity(words, index, expected):
    from curation.pii.normalise import normalise
    from curation.pii.quantities import after_quantity

    assert after_quantity(normalise(words, "nl"), index) is expected
