"""Names in lower-case, unpunctuated text (an ASR transcript): first names that are no ordinary
words, the surname after them, and rare list surnames on their own; ordinary words that are also on a
name list stay unredacted. Sentences written for these tests."""

from __future__ import annotations

import pytest

from curation.pii import detect
from curation.pii.recognizers.spoken_name import SpokenNameRecognizer, spoken_not_names


def _persons(text: str) -> list[str]:
    return [text[s.start:s.end] for s in detect(text) if s.entity_type == "PERSON"]


def _found(text: str) -> list[tuple[int, int]]:
    return [(r.start, r.end) for r in SpokenNameRecognizer("nl").analyze(text, [])]


@pytest.mark.parametrize("text,name", [
    ("gisteren heeft geert het dossier nog doorgestuurd", "geert"),
    ("toen zei johan dat het pakket al onderweg was", "johan"),
    ("en daarna heeft frank vandenbroucke het contract getekend", "frank vandenbroucke"),
    ("de monteur heeft marianne van den heuvel gisteren teruggebeld", "marianne van den heuvel"),
    ("dat heeft jan peter jansen mij gisteren verteld", "jan peter jansen"),
    # a surname no list knows after a title ("de heer", "mevrouw", "familie"), not only after "volgens"
    ("van de klachten die de heer vangindertael beschrijft klopt er niet een", "vangindertael"),
    ("wat de familie wiggans nu nog hoopt terug te krijgen", "wiggans"),
    # a surname of another country (the US census lists) that is no English word either
    ("het doelpunt van rios besliste de wedstrijd", "rios"),
    ("gisteren won leko de partij in twee uur", "leko"),
])
def test_lower_case_names_are_found(text, name):
    found = [text[a:b] for a, b in _found(text)]
    assert name in found, found
    assert any(name in p for p in _persons(text)), _persons(text)


def test_a_foreign_surname_that_is_an_english_word_is_no_name_on_its_own():
    assert _found("hij speelt graag chess met vrienden") == []


def test_a_rare_list_surname_on_its_own_is_a_name():
    text = "het voorstel van wattimena werd gisteren besproken"
    assert "wattimena" in [text[a:b] for a, b in _found(text)]


@pytest.mark.parametrize("text", [
    "nadien heb ik het formulier opnieuw ingevuld",  # "nadien" is on the first-name list
    "ik ken het adres niet meer uit mijn hoofd",  # "ken"
    "hij nam de telefoon pas na tien minuten op",  # "nam"
    "de bakker op de hoek is dicht en het brood is op",  # "bakker" is a surname and a word
    "ik wil de koop van het huis afronden voor de kerst",
    "het is een wit huis met een rode deur in mei",
])
def test_ordinary_words_on_the_name_lists_are_not_taken(text):
    assert _found(text) == []


def test_in_written_text_only_capitalised_words_are_names():
    text = "Gisteren heeft Geert het dossier nog doorgestuurd naar Johan."
    assert [text[a:b] for a, b in _found(text)] == ["Geert", "Johan"]
    text = "Mijn zoon studeert nu in hilversum, zegt Jan."  # a careful transcript: lower case is a word
    assert [text[a:b] for a, b in _found(text)] == ["Jan"]


def test_in_written_text_a_shop_after_van_is_no_surname():
    text = "Goedemorgen, u spreekt met Tonny van Huis en Haard."
    assert [text[a:b] for a, b in _found(text)] == ["Tonny"]


def test_the_surname_after_a_first_name_is_no_ordinary_word():
    text = "daarna heeft johan maar gewoon opgehangen"
    assert [text[a:b] for a, b in _found(text)] == ["johan"]


def test_english_text_is_read_with_english_word_tables():
    rec = SpokenNameRecognizer("en")

    def spans(text):
        return [text[r.start:r.end] for r in rec.analyze(text, [])]

    assert spans("then geert said it was fine") == ["geert"]  # a name in an English call too
    assert spans("i talked to phil simmons today") == ["phil simmons"]  # a US census surname
    # "door" is a Dutch function word but no English one; "will", "mark" and "july" are English words
    assert spans("will you mark the door in july") == []


def test_the_word_list_ships_and_holds_no_real_names():
    words = spoken_not_names()
    assert {"nadien", "koop", "ken"} <= words
    assert "geert" not in words and "johan" not in words


def _places(text: str) -> list[str]:
    from curation.pii.recognizers.spoken_name import SpokenPlaceRecognizer

    return [text[r.start:r.end] for r in SpokenPlaceRecognizer("nl").analyze(text, [])]


@pytest.mark.parametrize("text,place", [
    ("we zijn vorig jaar met de caravan naar zwitserland gegaan", "zwitserland"),
    ("de monteur komt morgen uit kortrijk", "kortrijk"),
    ("mijn zoon studeert nu in hilversum", "hilversum"),
    ("het pakket ligt nog in den haag bij het depot", "den haag"),
    ("ik woon in utrecht sinds twee jaar", "utrecht"),  # a noun in spaCy's tables, after "in"
    ("de monteur rijdt vandaag in west-vlaanderen", "west-vlaanderen"),  # a Belgian province
    ("de televisieprogramma's die in vlaanderen gemaakt worden", "vlaanderen"),  # a Belgian region
    ("toch kregen de bedenkingen van antwerpen weinig weerklank", "antwerpen"),  # "van" after a noun
])
def test_lower_case_places_are_found(text, place):
    assert place in _places(text), _places(text)


@pytest.mark.parametrize("text", [
    "er waren vele klanten met dezelfde vraag",  # "vele" is a place on GeoNames' list
    "de prijs lag een stuk lager dan de lage prijs van vorig jaar",
    "ik heb de kapel en de gracht gezien",  # nouns that are also villages, without a cue word
    "ik heb gisteren met jan van brussel gesproken",  # a surname after a tussenvoegsel
    "ik heb gisteren met jan brussel gesproken",  # a surname after a first name
    "ik heb gisteren met mevrouw van brussel gesproken",  # ... and after a title and a tussenvoegsel
])
def test_ordinary_words_on_the_place_lists_are_not_taken(text):
    assert _places(text) == []


def test_in_written_text_only_capitalised_words_are_places():
    assert _places("Mijn zoon studeert nu in Hilversum.") == ["Hilversum"]
    assert _places("Mijn zoon studeert nu in hilversum, zegt Jan.") == []


def test_an_article_and_an_ordinary_noun_are_no_place():
    assert _places("heeft u een winkel bij u in de buurt") == []  # "De Buurt" is a hamlet


@pytest.mark.parametrize("text", [
    "goedemiddag u spreekt met karel van arnsberg",  # a surname that is also a German town
    "dat is een h van hendrik en een u van utrecht",  # the spelling alphabet
    "mag ik uw naam van arnsberg met a n",
])
def test_a_place_after_a_tussenvoegsel_is_no_place(text):
    assert _places(text) == []


def test_flemish_fillers_are_no_names():
    assert _found("awel dat weet ik niet allez") == [] and _places("awel dat weet ik niet") == []


@pytest.mark.parametrize("text", [
    "dat kostte toen vijftig frank achthonderdnegenenveertig in totaal",  # a number word is no surname
    "de ernst van de zaak werd pas later duidelijk",  # a first name after an article is a noun
])
def test_numbers_and_nouns_after_an_article_are_no_names(text):
    assert _found(text) == []


@pytest.mark.parametrize("text,name", [
    ("volgens verwilghen is het contract al opgezegd", "verwilghen"),
    ("de brief van burgemeester aelvoet kwam gisteren", "aelvoet"),
    ("dat heeft k verwilghen zelf bevestigd", "k verwilghen"),
])
def test_unknown_words_after_a_title_or_an_initial_are_names(text, name):
    assert name in [text[a:b] for a, b in _found(text)]



def test_a_letter_before_the_spelling_link_is_no_initial():
    text = "de code is een q van qwertyuiop"  # "q" + an unknown word, but "van" makes it spelling
    assert not any(text[a:b].startswith("q ") for a, b in _found(text))


@pytest.mark.parametrize("text,street", [
    ("ik woon op de zonnebloemlaan twaalf in utrecht", "zonnebloemlaan twaalf"),
    ("mijn adres is de pluvierstraat een a", "pluvierstraat een a"),
    ("mijn adres is de pluvierstraat een", "pluvierstraat een"),
    ("we wonen aan de pluvierstraat sinds vorig jaar", "pluvierstraat"),
])
def test_lower_case_streets_are_found(text, street):
    assert street in _places(text), _places(text)


def test_an_article_after_a_street_is_no_house_number():
    text = "de pluvierstraat een mooie straat om te wonen"
    assert _places(text) == ["pluvierstraat"]
    assert _places("we zijn onderweg naar huis") == []  # ends in "weg", an ordinary word


def test_a_foreign_first_name_before_a_surname_is_a_name():
    text = "daarna sprak gianluigi bottecchia de pers toe"
    assert "gianluigi bottecchia" in [text[a:b] for a, b in _found(text)]


@pytest.mark.parametrize("text,place", [
    ("mijn dochter woont nu in japan", "japan"),
    ("we gaan deze zomer met de auto door zweden", "zweden"),
])
def test_countries_are_places_even_when_they_are_words_too(text, place):
    assert place in _places(text)


def test_a_country_that_is_an_ordinary_word_is_no_place():
    assert _places("ik heb een chili con carne besteld over de hele wereld") == []


def test_one_word_table_per_language_whoever_asks():
    from curation.pii.recognizers.spoken_name import _words

    detect("ik sprak gisteren met jan de vries en strupar")  # the spoken-name and the name-shape rules
    detect("i talked to phil simmons today", "en")
    assert _words.cache_info().currsize <= 2  # "nl" and "en": never a second Dutch table under another key
    with pytest.raises(TypeError):
        _words()  # the language is always spelled out
