"""Each recognizer, table-driven: written and spoken forms must be found, look-alikes must not."""

from __future__ import annotations

import pytest

from curation.pii import detect

# (text, entity type, the exact text the span must cover)
POSITIVES = [
    # PERSON
    ("Goedemiddag, u spreekt met Jan de Vries.", "PERSON", "Jan de Vries"),
    ("Spreek ik met mevrouw Van der Berg?", "PERSON", "Van der Berg"),
    ("Dank u wel, meneer Jansen-Bakker.", "PERSON", "Jansen-Bakker"),
    ("Het staat op naam van J. van 't Hof.", "PERSON", "J. van 't Hof"),
    ("Mijn naam is Sanne Visser en ik bel over mijn factuur.", "PERSON", "Sanne Visser"),
    ("Dat is D van Dirk, E van Eduard, K van Karel, E van Eduard, R van Rudolf.", "PERSON",
     "D van Dirk, E van Eduard, K van Karel, E van Eduard, R van Rudolf"),
    ("Mijn achternaam spel ik B O S M A.", "PERSON", "B O S M A"),
    ("ja hallo jan de vries hier ik bel over mijn factuur", "PERSON", "jan de vries"),
    ("goedemiddag met h de heide ik heb een vraag", "PERSON", "h de heide"),
    ("Dank u wel, mevrouw Tuin.", "PERSON", "Tuin"),
    ("dank u meneer van der berg", "PERSON", "van der berg"),
    ("Ja, dag, met Trientien van de Troost Kijk, ik heb een vraag.", "PERSON", "Trientien van de Troost"),
    ("mijn naam is ingeborg van 't dop-veneberg", "PERSON", "ingeborg van 't dop-veneberg"),
    ("dat is o o s t e r w i j k", "PERSON", "o o s t e r w i j k"),
    # LOCATION
    ("ik woon op de kerkstraat twaalf a in utrecht", "LOCATION", "kerkstraat twaalf a"),
    ("ik woon op de kerkstraat twaalf a in utrecht", "LOCATION", "utrecht"),
    ("Dat is Dijsselhofstraat 7 2 in Witte Dellen.", "LOCATION", "Witte Dellen"),
    ("Post graag naar postbus achttien nul Westeneng.", "LOCATION", "postbus achttien nul Westeneng"),
    ("Ik woon op de Kerkstraat 12a in Amersfoort.", "LOCATION", "Kerkstraat 12a"),
    ("Het adres is Burgemeester de Withstraat drieëntwintig bis.", "LOCATION", "Burgemeester de Withstraat drieëntwintig bis"),
    ("Stuur het maar naar Postbus 1234.", "LOCATION", "Postbus 1234"),
    ("Ik woon in Utrecht sinds vorig jaar.", "LOCATION", "Utrecht"),
    # NL_POSTCODE
    ("Mijn postcode is 3511 AB.", "NL_POSTCODE", "3511 AB"),
    ("Postcode 3511AB klopt.", "NL_POSTCODE", "3511AB"),
    ("mijn postcode is 3511 A B in utrecht", "NL_POSTCODE", "3511 A B"),
    ("Het adres is Oudegracht 12, 3511 AB Utrecht.", "NL_POSTCODE", "3511 AB"),
    ("De postcode is vijfendertig elf A B.", "NL_POSTCODE", "vijfendertig elf A B"),
    ("postcode drie vijf een een A van Anton B van Bernard", "NL_POSTCODE", "drie vijf een een A van Anton B van Bernard"),
    ("mijn postcode is 3511 ab", "NL_POSTCODE", "3511 ab"),
    # PHONE_NUMBER
    ("U kunt me bellen op 06-12345678.", "PHONE_NUMBER", "06-12345678"),
    ("Mijn nummer is 020 123 4567.", "PHONE_NUMBER", "020 123 4567"),
    ("Bel maar naar +31 6 12345678.", "PHONE_NUMBER", "+31 6 12345678"),
    ("Mijn nummer is nul zes twaalf vierendertig zesenvijftig achtenzeventig.", "PHONE_NUMBER",
     "nul zes twaalf vierendertig zesenvijftig achtenzeventig"),
    ("Dat is nul zes, een twee drie vier, vijf zes zeven acht.", "PHONE_NUMBER",
     "nul zes, een twee drie vier, vijf zes zeven acht"),
    # service numbers (phonenumbers' own example values, missed before)
    ("U kunt mij het beste bellen op 0906 1234, liefst na vijf uur.", "PHONE_NUMBER", "0906 1234"),
    ("Bel gratis naar +31 800 1234 voor een afspraak.", "PHONE_NUMBER", "+31 800 1234"),
    ("U kunt mij het beste bellen op 14 020, liefst na vijf uur.", "PHONE_NUMBER", "14 020"),
    ("u kunt mij het beste bellen op veertien nul twee nul liefst na vijf uur", "PHONE_NUMBER",
     "veertien nul twee nul"),
    # EMAIL_ADDRESS
    ("Mail maar naar j.devries@ziggo.nl graag.", "EMAIL_ADDRESS", "j.devries@ziggo.nl"),
    ("Het is jan punt devries apenstaartje ziggo punt nl.", "EMAIL_ADDRESS", "jan punt devries apenstaartje ziggo punt nl"),
    ("Mijn mailadres is sanne tweeënveertig apenstaartje gmail punt com.", "EMAIL_ADDRESS",
     "sanne tweeënveertig apenstaartje gmail punt com"),
    # IBAN_CODE
    ("Mijn IBAN is NL91 ABNA 0417 1643 00.", "IBAN_CODE", "NL91 ABNA 0417 1643 00"),
    ("Rekeningnummer NL91ABNA0417164300.", "IBAN_CODE", "NL91ABNA0417164300"),
    ("Dat is N L eenennegentig A B N A nul vier een zeven een zes vier drie nul nul.", "IBAN_CODE",
     "N L eenennegentig A B N A nul vier een zeven een zes vier drie nul nul"),
    ("Wat is uw IBAN? Dat is N L vierenveertig R A B O nul een twee drie vier vijf zes zeven acht negen.",
     "IBAN_CODE", "N L vierenveertig R A B O nul een twee drie vier vijf zes zeven acht negen"),
    # NL_BSN
    ("Mijn BSN is 123456782.", "NL_BSN", "123456782"),
    ("Burgerservicenummer 1234 56 782.", "NL_BSN", "1234 56 782"),
    ("Mijn bsn is een twee drie vier vijf zes zeven acht twee.", "NL_BSN",
     "een twee drie vier vijf zes zeven acht twee"),
    ("Mijn BSN is twee vier zes acht vijf vijf nul zeven een Een moment, ik zoek het op.", "NL_BSN",
     "twee vier zes acht vijf vijf nul zeven een"),
    ("mijn bsn is twee vier zes acht vijf vijf nul zeven een een moment ik zoek het op", "NL_BSN",
     "twee vier zes acht vijf vijf nul zeven een"),
    # DATE_OF_BIRTH
    ("Ik ben geboren op 12 maart 1984.", "DATE_OF_BIRTH", "12 maart 1984"),
    ("Mijn geboortedatum is 12-03-1984.", "DATE_OF_BIRTH", "12-03-1984"),
    ("Geboortedatum? Twaalf maart negentien vierentachtig.", "DATE_OF_BIRTH", "Twaalf maart negentien vierentachtig"),
    ("Wat is uw geboortedatum? De twaalfde maart negentienhonderd vierentachtig.", "DATE_OF_BIRTH",
     "twaalfde maart negentienhonderd vierentachtig"),
    ("Uw geboortedatum graag. Dat is twaalf drie vierentachtig.", "DATE_OF_BIRTH", "twaalf drie vierentachtig"),
    ("Wat is uw geboortedatum? Een augustus tweeduizend drie.", "DATE_OF_BIRTH", "Een augustus tweeduizend drie"),
    ("Mag ik uw geboortedatum? vijfentwintig twee nul nul", "DATE_OF_BIRTH", "vijfentwintig twee nul nul"),
    # NL_LICENSE_PLATE
    ("Om welk kenteken gaat het? Dat is een K L nul negen zeven.", "NL_LICENSE_PLATE", "een K L nul negen zeven"),
    ("mag ik het kenteken dat is een zes twee b b een", "NL_LICENSE_PLATE", "een zes twee b b een"),
    ("Het gaat om de auto met kenteken GV-446-N.", "NL_LICENSE_PLATE", "GV-446-N"),
    ("Mijn kenteken is 12-ABC-3.", "NL_LICENSE_PLATE", "12-ABC-3"),
    ("Het kenteken is G V vier vier zes N.", "NL_LICENSE_PLATE", "G V vier vier zes N"),
    # ACCOUNT_ID
    ("Mijn klantnummer is 4567891.", "ACCOUNT_ID", "4567891"),
    ("Uw klantnummer graag. Dat is vier vijf zes zeven acht negen een twee.", "ACCOUNT_ID",
     "vier vijf zes zeven acht negen een twee"),
    ("Het contractnummer is vijfenveertig zevenenzestig negenentachtig.", "ACCOUNT_ID",
     "vijfenveertig zevenenzestig negenentachtig"),
    ("Ik heb ordernummer 20231234 hier.", "ACCOUNT_ID", "20231234"),
    ("Mijn klant nummer is 7654321.", "ACCOUNT_ID", "7654321"),
]

# texts where nothing at all may be flagged
NEGATIVES = [
    "Het nieuwe pakket kost 14020 euro per jaar voor het hele bedrijf.",
    "Het bedrag was honderd tien euro en niet honderd euro.",
    "U betaalt €110,50 per maand vanaf volgende week.",
    "Ik bel om 14:30 uur terug, dat duurt twintig minuten.",
    "De factuur van 3 maart 2025 klopt niet.",
    "De monteur komt op 12 juni tussen acht en twaalf.",
    "Ik heb drie keer gebeld en twee keer een mail gestuurd.",
    "Ik heb een abonnement bij Ziggo en een telefoon van Samsung.",
    "Goedemiddag, waarmee kan ik u helpen?",
    "Dat klopt, ik kijk even in het systeem.",
    "Het pakket Internet Plus kost negenendertig euro vijfennegentig.",
    "Kunt u dat herhalen? Ik versta u niet goed.",
    "Goedemiddag, u spreekt met de klantenservice van De Dijkgraaf Verzekeringen.",
    "Wilt u de achternaam voor mij spellen?",
    "Ik zet u even in de wacht, een ogenblikje.",
    "Dan schakel ik u door naar de afdeling facturatie.",
    "O ja, dat klopt. Kunt u dat herhalen?",
    "Het Sim Only 10 GB pakket loopt nog tot 3 maart.",
    "",
    "   ",
]


@pytest.mark.parametrize("text,entity,expected", POSITIVES, ids=[f"{e}:{x[:30]}" for x, e, _ in POSITIVES])
def test_positive(text, entity, expected):
    spans = detect(text)
    found = [(s.entity_type, text[s.start:s.end]) for s in spans]
    assert (entity, expected) in found, found


@pytest.mark.parametrize("text", NEGATIVES)
def test_negative(text):
    spans = detect(text)
    assert spans == [], [(s.entity_type, text[s.start:s.end]) for s in spans]


def test_bsn_needs_the_elfproef():
    assert not [s for s in detect("Mijn BSN is 123456789.") if s.entity_type == "NL_BSN"]


def test_iban_with_wrong_checksum_is_not_a_valid_iban():
    spans = detect("Dat is NL91 ABNA 0417 1643 01.")
    assert all(s.score < 0.9 for s in spans if s.entity_type == "IBAN_CODE")


def test_account_number_context_wins_over_bsn_shape():
    text = "Mijn klantnummer is 123456782."
    assert [(s.entity_type, s.text(text)) for s in detect(text)] == [("ACCOUNT_ID", "123456782")]


def test_postcode_is_not_mistaken_for_a_plate_without_context():
    text = "Postcode 1234 BD."
    assert [s.entity_type for s in detect(text)] == ["NL_POSTCODE"]


def test_entities_filter_limits_types():
    text = "Jan de Vries, 06-12345678"
    assert {s.entity_type for s in detect(text, entities=["PHONE_NUMBER"])} == {"PHONE_NUMBER"}


def test_english_text_is_analysed_with_english_words():
    text = "My name is John Smith and my phone number is 06-12345678, email john@example.com."
    found = {(s.entity_type, s.text(text)) for s in detect(text, language="en")}
    assert ("PHONE_NUMBER", "06-12345678") in found
    assert ("EMAIL_ADDRESS", "john@example.com") in found
    assert ("PERSON", "John Smith") in found
