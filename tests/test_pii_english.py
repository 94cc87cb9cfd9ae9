"""English calls (`language="en"`): numbers read digit by digit (with "oh" and "double"), dates of
birth said in words, names spelled letter by letter; and what must stay."""

from __future__ import annotations

import pytest

from curation.pii import detect


def found(text: str) -> list[tuple[str, str]]:
    return [(s.entity_type, text[s.start:s.end]) for s in detect(text, "en")]


SPOKEN = [
    ("My date of birth is the third of March nineteen fifty-four.",
     ("DATE_OF_BIRTH", "third of March nineteen fifty-four")),
    ("My date of birth is the third of March nineteen fifty four.",
     ("DATE_OF_BIRTH", "third of March nineteen fifty four")),
    ("I was born on March the twenty-first, nineteen eighty.",
     ("DATE_OF_BIRTH", "March the twenty-first, nineteen eighty")),
    ("I was born on March 3rd 1954.", ("DATE_OF_BIRTH", "March 3rd 1954")),
    ("My birthday is the 3rd of March 1954.", ("DATE_OF_BIRTH", "3rd of March 1954")),
    ("My phone number is oh six one two three four five six seven eight.",
     ("PHONE_NUMBER", "oh six one two three four five six seven eight")),
    ("My phone number is zero six double one two two three three four four.",
     ("PHONE_NUMBER", "zero six double one two two three three four four")),
    ("My number is oh six, twelve, thirty four, fifty six, seventy eight.",
     ("PHONE_NUMBER", "oh six, twelve, thirty four, fifty six, seventy eight")),
    ("Call me on o two o, seven nine four six, one two three four.",
     ("PHONE_NUMBER", "o two o, seven nine four six, one two three four")),
    ("My name is Smith, S for Sierra, M for Mike, I for India, T for Tango, H for Hotel.",
     ("PERSON", "Smith, S for Sierra, M for Mike, I for India, T for Tango, H for Hotel")),
    ("It is spelled S as in Sugar, M as in Mary, I, T, H.", ("PERSON", "S as in Sugar, M as in Mary, I, T, H")),
    ("That is double L, E, N.", ("PERSON", "double L, E, N")),
]


@pytest.mark.parametrize("text,expected", SPOKEN)
def test_spoken_english_pii_is_found(text, expected):
    assert expected in found(text)


NOT_PII = [
    "Oh, I see, that is fine.",
    "Oh, six of them arrived broken.",
    "The engineer comes on the third of March.",
    "I paid twenty five pounds for the double room.",
    "Let me double check that for you, one moment.",
    "It took forty five minutes on the phone.",
    "the car costs fifty four thousand six hundred and eighty three dollars",
    "we sold fifty four thousand six hundred units last year",
    "it happened on nineteen ninety six zero eight thirty one in the morning",
    # English words that the first-name lists also hold, and months
    "will you mark the date for me",
    "the rose garden was lovely in june",
    "shares rose on july four",
    "i walked 2 blocks down the road",
    "turn left after 200 yards on the main road",
    # quoted words are no names with apostrophes ("self" is a census surname): the pack player's policy
    "default-src 'none'; media-src 'self' file:; style-src 'unsafe-inline'; script-src 'unsafe-inline'",
]


@pytest.mark.parametrize("text", NOT_PII)
def test_ordinary_english_stays(text):
    assert found(text) == []


def test_dutch_calls_keep_reading_een_and_dubbel_as_before():
    assert detect("Ik heb dubbel betaald, 2 keer 40 euro.") == []
    text = "mijn nummer is nul zes dubbel een twee drie vier vijf zes zeven"
    assert [(s.entity_type, text[s.start:s.end]) for s in detect(text)] == [
        ("PHONE_NUMBER", "nul zes dubbel een twee drie vier vijf zes zeven")]


# names and places in English calls: the English name tagger (issue: "Chicago" and "Texas" were not
# found and "Jersey" was taken for a person)
PLACES_AND_NAMES = [
    ("I live in Chicago, Texas and New Jersey.", ("LOCATION", "New Jersey")),
    ("I live in Chicago, Texas and New Jersey.", ("LOCATION", "Chicago, Texas")),
    ("My name is John Smith and I'm calling from Boston.", ("LOCATION", "Boston")),
    ("i was talking to my son yesterday in denver", ("LOCATION", "denver")),
    ("Mr. Johnson said he would call back.", ("PERSON", "Johnson")),
    # lower case, no cue: a first name (and a surname from the US census lists) read with English
    # word frequencies and classes
    ("i talked to phil simmons today", ("PERSON", "phil simmons")),
    ("when i spoke to alan he was up for it", ("PERSON", "alan")),
    ("according to peter hanley the deal is done", ("PERSON", "peter hanley")),
    ("my sister lives near leicester now", ("LOCATION", "leicester")),
    # the census lists write "o'brien" as "obrien"; "john" is common (Zipf 5.4) but no English word
    ("my name is john o'brien", ("PERSON", "john o'brien")),
    ("will you call john back", ("PERSON", "john")),
    # English addresses put the house number first, in digits or in words
    ("we live at 42 baker street in london", ("LOCATION", "42 baker street")),
    ("my address is forty two baker street", ("LOCATION", "forty two baker street")),
    ("we moved to 7 high st last year", ("LOCATION", "7 high st")),
    # historical states and regions from data/regions_world.txt, read by the place rules
    ("The parcel is stuck somewhere in Yugoslavia, I think.", ("LOCATION", "Yugoslavia")),
    ("She grew up near the West Bank, she said.", ("LOCATION", "West Bank")),
]


@pytest.mark.parametrize("text,expected", PLACES_AND_NAMES)
def test_english_names_and_places(text, expected):
    assert expected in found(text)


def test_jersey_in_a_place_name_is_not_a_person():
    assert not [x for t, x in found("I live in Chicago, Texas and New Jersey.") if t == "PERSON"]
