"""Bad and odd input: no crash, spans stay valid, non-overlapping offsets into the original string."""

from __future__ import annotations

import random

import pytest

from curation.pii import PiiError, detect


def assert_valid(text, spans):
    last_end = 0
    for s in spans:
        assert 0 <= s.start < s.end <= len(text)
        assert s.start >= last_end, "spans overlap"
        last_end = s.end


ODD = [
    "",
    " \n\t ",
    "\x00\x01\x02 Jan\x07 de Vries \x1b[31m 06-12345678 \x7f",
    "Mijn\u00a0naam\u00a0is\u00a0Jan\u00a0de\u00a0Vries, nummer\u00a006\u00a012345678",
    "Mijn naam is Jose\u0301 Jansen en ik woon in Zu\u0308rich.",
    "Hij heet \u201cJan\u201d en woont op de \u2018Kerkstraat\u2019 12 in \u2019s-Hertogenbosch.",
    "Zhège diànhuà shì 0612345678 吗？ 我的名字是王伟。",
    "Guten Tag, mein Name ist Hans Müller aus München, Telefon 030 1234567.",
    "😀😀 Jan 😀 de Vries 😀 06-12345678 😀",
    "\ud800 lone surrogate and Jan de Vries",
    "- -- --- ... ,,, ;;; !!! ???",
    "A B C D E F G H I J K L M N O P Q R S T U V W X Y Z",
    "een een een een een een een een een een",
    "0" * 5000,
    "nul " * 3000,
    "GOEDEMIDDAG U SPREEKT MET JAN DE VRIES UIT UTRECHT MIJN NUMMER IS 0612345678",
    "eh uhm ja eh nou eh uhm hm eh mijn naam is eh jan eh de vries uhm",
    "ik heb 3keer gebeld en 12euro betaald op de kerkstraat12 in utrecht",
    "Hello, my name is John, ik woon in Amsterdam and my phone is 06-12345678, dank u",
    "[NAAM] [NAAM] [ADRES][POSTCODE] [NAAM]-[NAAM] ([TELEFOONNUMMER])",
    # a round number word before a spelled letter crashed the number reader ("honderd u", "duizend o")
    "het kost honderd u weet het",
    "tweehonderd o ja dat klopt",
    "HET KOST DUIZEND U WEET",
]


@pytest.mark.parametrize("text", ODD, ids=range(len(ODD)))
def test_odd_text_gives_valid_spans(text):
    spans = detect(text)
    assert_valid(text, spans)


def test_nbsp_does_not_hide_a_name_or_a_number():
    text = ODD[3]
    found = {(s.entity_type, s.text(text)) for s in detect(text)}
    assert ("PERSON", "Jan\u00a0de\u00a0Vries") in found
    assert ("PHONE_NUMBER", "06\u00a012345678") in found


def test_curly_apostrophe_place_and_street():
    text = ODD[5]
    found = {(s.entity_type, s.text(text)) for s in detect(text)}
    assert ("LOCATION", "Kerkstraat\u2019 12") in found or ("LOCATION", "Kerkstraat") in found
    assert ("LOCATION", "\u2019s-Hertogenbosch") in found


@pytest.mark.parametrize("text,expected", [
    ("JAN DE VRIES BELDE OVER ZIJN FACTUUR", ("PERSON", "JAN DE VRIES")),
    ("IK BEN MEVROUW ÖZTÜRK UIT ALMERE", ("PERSON", "ÖZTÜRK")),
    ("IK BEN MEVROUW ÖZTÜRK UIT ALMERE", ("LOCATION", "ALMERE")),
    ("MIJN POSTCODE IS 1234 AB EN IK WOON IN UTRECHT", ("NL_POSTCODE", "1234 AB")),
])
def test_a_transcript_in_capitals_is_also_read_as_one_without(text, expected):
    spans = detect(text)
    assert_valid(text, spans)
    assert expected in {(s.entity_type, s.text(text)) for s in spans}


def test_a_capital_i_with_dot_keeps_the_offsets_of_a_shouted_text():
    text = "İSTANBUL İS VER WEG ZEGT JAN DE VRIES"  # "İ".lower() is two characters long
    spans = detect(text)
    assert_valid(text, spans)
    assert ("PERSON", "JAN DE VRIES") in {(s.entity_type, s.text(text)) for s in spans}


def test_control_characters_keep_offsets_into_the_original():
    text = ODD[2]
    found = {(s.entity_type, s.text(text)) for s in detect(text)}
    assert ("PHONE_NUMBER", "06-12345678") in found


def test_two_hour_call_in_one_string():
    rng = random.Random(7)
    parts = ["Goedemiddag, u spreekt met Jan de Vries.", "Mijn nummer is nul zes twaalf vierendertig zesenvijftig "
             "achtenzeventig.", "Het bedrag was honderd tien euro.", "Ik woon op de Kerkstraat 12 in Utrecht.",
             "Dat begrijp ik, ik kijk even in het systeem voor u."]
    text = " ".join(rng.choice(parts) for _ in range(2600))  # ~ 20,000 words, two hours of talk
    spans = detect(text)
    assert_valid(text, spans)
    assert sum(s.entity_type == "PHONE_NUMBER" for s in spans) == text.count("nul zes twaalf")


def test_non_string_input_is_refused_with_a_clear_error():
    with pytest.raises(PiiError, match="needs text as str"):
        detect(b"bytes")


def test_unknown_language_is_refused():
    with pytest.raises(PiiError, match="unsupported language"):
        detect("tekst", language="de")


# words a transcript is made of: names, places, number words, letters, codes, placeholders, fillers, punctuation
FUZZ_WORDS = (
    "jan de vries Jan DE VRIES 's-Hertogenbosch van der 2511CV 2511 cv 06-12345678 +31(0)6 [NAAM] [ADRES] ] [ ( ) "
    "-- . , ; : ! ? € 100,- 1.000,00 eh uhm ja nee NL91ABNA0417164300 nl91 abna 123456782 a.b.c. A.B.C. mw. dhr. "
    "geboren op 1 jan 1980 postcode twaalf vierendertig ab A B u o punt apenstaartje @ jan@x.nl streepje - / é ë ß "
    "北京 🙂 \u200b in uit naar the u s U.S. VS nul een twee drie vier vijf negen tien elf twaalf honderd duizend "
    "miljoen double triple 0 00 1e 2de straat 12a bus 2 postbus tel. (053) 447 11 11 klantnummer het nummer is "
    "b van bernard m van maria volgens nathalie brys"
).split(" ")


@pytest.mark.parametrize("seed", [1, 2, 3])
@pytest.mark.parametrize("language", ["nl", "en"])
def test_random_transcript_like_text_never_crashes_and_keeps_valid_spans(seed, language):
    rng = random.Random(seed)
    for _ in range(150):
        words = []
        for _ in range(rng.randint(0, 30)):
            w = rng.choice(FUZZ_WORDS)
            r = rng.random()
            if r < 0.1:
                w = w.upper()
            elif r < 0.2:
                w += rng.choice(FUZZ_WORDS)  # glued to the next word
            words.append(w)
        text = rng.choice([" ", "", "\n", ", "]).join(words)
        assert_valid(text, detect(text, language=language))
