"""Places and names from lists the recognizers had not used: first-level regions of every country
(ISO 3166-2 through pycountry, with their Dutch names) and the US census surnames that are ordinary
words of a neighbouring language. Sentences written for these tests."""

from __future__ import annotations

import pytest

from curation.pii import detect
from curation.pii.gazetteer import REGION_GENERIC_WORDS, _ordinary_name, _regions, gazetteer
from curation.pii.recognizers.spoken_name import SpokenNameRecognizer


def _places(text: str, language: str = "nl") -> list[str]:
    return [text[s.start:s.end] for s in detect(text, language) if s.entity_type == "LOCATION"]


@pytest.mark.parametrize("text,place,language", [
    ("mijn dochter studeert sinds september in schotland", "schotland", "nl"),
    ("hij woont tegenwoordig in beieren bij zijn zus", "beieren", "nl"),
    ("ze is vorig jaar verhuisd naar catalonië", "catalonië", "nl"),
    ("we gaan in de zomer naar toscane", "toscane", "nl"),
    ("Mijn broer woont al jaren in Groot-Brittannië.", "Groot-Brittannië", "nl"),
    ("my son moved to scotland in june", "scotland", "en"),
])
def test_regions_of_other_countries_are_places(text, place, language):
    assert place in _places(text, language), detect(text, language)


@pytest.mark.parametrize("text", [
    "de centrale eenheid staat in de hoofdstad",  # ISO names "Eenheid" (Unity), "Hoofdstad", "Centrale"
    "er liggen veel meren in het noorden van het land",  # "Lakes" in Dutch
    "het koper is duur geworden sinds de zomer",  # "Koper", a Slovenian municipality
])
def test_region_names_that_are_ordinary_words_are_no_places(text):
    assert _places(text) == []


def test_generic_region_names_and_person_names_are_not_added():
    g = gazetteer()
    for name in ("eenheid", "hoofdstad", "noord-west", "eastern province", "central region"):
        assert _ordinary_name(name, frozenset({"de", "van", "of"}), frozenset())
        assert name not in g.world_places or name in g.nl_places
    assert _ordinary_name("mary", frozenset(), frozenset({"mary"}))  # a first name stays a name
    assert not _ordinary_name("beieren", frozenset(), frozenset())
    assert {"beieren", "catalonie", "schotland", "scotland", "groot-brittannie"} <= g.world_places
    assert "noord" in REGION_GENERIC_WORDS and len(_regions()) > 1000


def test_ordinary_words_of_neighbouring_languages_are_no_foreign_surnames():
    g = gazetteer()
    assert {"bonjour", "corriere", "primavera", "amigo"} <= g.foreign_words
    # names are written about in English as in their own language: they stay surnames
    assert not {"rossi", "schmidt", "garcia", "dupont", "simmons"} & g.foreign_words
    assert g.foreign_words <= g.intl_surnames


@pytest.mark.parametrize("text", [
    "de italiaanse krant corriere della sport schreef dat hij stopt",
    "in de ploeg van het franse bonjour reed hij drie jaar",
])
def test_a_foreign_word_on_the_census_list_is_no_name(text):
    assert SpokenNameRecognizer("nl").analyze(text, []) == []


def test_a_census_surname_that_is_no_word_stays_a_name():
    text = "het doelpunt van rios besliste de wedstrijd"
    assert "rios" in [text[r.start:r.end] for r in SpokenNameRecognizer("nl").analyze(text, [])]


@pytest.mark.parametrize("text,place", [
    ("i moved to texas last year", "texas"),
    ("my sister moved to chicago last week", "chicago"),
])
def test_time_words_after_an_english_place_are_no_part_of_it(text, place):
    assert _places(text, "en") == [place]


@pytest.mark.parametrize("text,place,language", [
    ("He moved to the U.S. last year.", "U.S", "en"),
    ("Doug Flach (U.S.) won in three sets.", "U.S", "en"),
    ("i moved to the u s last year", "u s", "en"),  # an ASR transcript spells it out
    ("we flew to the u s a in june", "u s a", "en"),
    ("she lives in the uk now", "uk", "en"),
    ("Mijn zoon woont sinds mei in de VS.", "VS", "nl"),
    ("na zijn tournee door de vs kwam hij terug", "vs", "nl"),
])
def test_countries_named_by_their_letters_are_places(text, place, language):
    assert place in _places(text, language), detect(text, language)


@pytest.mark.parametrize("text,language", [
    ("let us know when you are home", "en"),
    ("LET US KNOW WHEN YOU ARE HOME", "en"),  # a shouted sentence: "US" is the pronoun
    ("ajax vs psv was een mooie wedstrijd", "nl"),  # "vs" without its article is "versus"
    ("tell us about the problem", "en"),
])
def test_the_same_letters_as_ordinary_words_are_no_places(text, language):
    assert _places(text, language) == []
