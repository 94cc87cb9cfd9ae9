"""Long numbers read out without a cue (the ACCOUNT_ID safety net): years, dates, prices and measures
stay; a number that only looks a little like them is still taken. A date after a weekday is no birth
date. Invented texts in the shape of the false alarms seen on the tune split of third-party Dutch text."""

from __future__ import annotations

import pytest

from curation.pii.normalise import normalise
from curation.pii.recognizers.account_id import years_or_date
from tests._pii_spans import found_spans, spans_touching

# (text, the words that must stay: no span may touch them)
KEPT = [
    # a range or list of years said as numbers: 1912 1967, 2003 2004, 1903 1905 1906
    ("de schilder is jan peeters negentien twaalf negentien zevenenzestig en hij werkte in gent",
     "negentien twaalf negentien zevenenzestig"),
    ("het schooljaar twintig nul drie twintig nul vier is voorbij", "twintig nul drie twintig nul vier"),
    ("de opgravingen van een negen nul drie negentien honderd vijf negentien nul zes waren groot",
     "een negen nul drie negentien honderd vijf negentien nul zes"),
    # a day, a month and a year said without separators: 17 8 2002
    ("zijn lezersbrief van zeventien acht twee nul nul twee is kort", "zeventien acht twee nul nul twee"),
    # a price in (Belgian) francs, abbreviated
    ("de reis kost een vier nul acht twee een nul acht negen negen negentig fr per persoon",
     "een vier nul acht twee een nul acht negen negen negentig"),
    # a measure
    ("de teller stond op een twee drie vier vijf zes zeven km toen", "een twee drie vier vijf zes zeven"),
    # clock times in a programme guide and a year after its month are no codes or postcodes
    ("Wielrennen VRT 18.35 TV 1 19.15 (ook op NPO 2)", "19.15"),
    ("Wielrennen VRT 18.35 TV 1 19.15 (ook op NPO 2)", "18.35"),
    ("publicatie vrijdag, 2 juni 2000 (RL) Binnenland", "2000"),
    ("zaterdag, 1 juli 2000 VT4 19.30 -- De beelden", "2000"),
    ("zaterdag, 1 juli 2000 VT4 19.30 -- De beelden", "19.30"),
    # said whole with a multiplier glued into the word: an amount or a count, never an identifier
    ("de taks stijgt van dertigduizend vier zesentachtig naar zestigduizend euro",
     "dertigduizend vier zesentachtig"),
    ("er stonden driehonderdtwaalfduizend achthonderdzeventien andere mensen te kijken",
     "driehonderdtwaalfduizend achthonderdzeventien"),
]

# (text, the exact text an ACCOUNT_ID span must cover)
TAKEN = [
    # starts like a year, but the rest is no later year
    ("noteer maar een negen acht zeven zes vijf vier drie", "een negen acht zeven zes vijf vier drie"),
    # years that go down are no range
    ("noteer maar twintig vijftig negentien negentig", "twintig vijftig negentien negentig"),
    # no valid day and month in front of a year
    ("noteer maar twee acht een vier twee nul nul nul", "twee acht een vier twee nul nul nul"),
    # read in hundreds, not thousands: still a number to note down
    ("noteer maar vierhonderdtwaalf zes acht nul drie", "vierhonderdtwaalf zes acht nul drie"),
    # a number followed by an ordinary short word is no price
    ("noteer maar een vier nul acht twee een nul acht negen negen negentig en dan",
     "een vier nul acht twee een nul acht negen negen negentig"),
]


@pytest.mark.parametrize("text,kept", KEPT, ids=[t[:36] for t, _ in KEPT])
def test_kept(text, kept):
    assert spans_touching(text, kept) == []


@pytest.mark.parametrize("text,expected", TAKEN, ids=[t[12:48] for t, _ in TAKEN])
def test_taken(text, expected):
    found = found_spans(text)
    assert ("ACCOUNT_ID", expected) in found, found


@pytest.mark.parametrize("words,expected", [
    ("negentien honderd veertig negentien honderd zevenennegentig", True),  # 1940 1997
    ("achtentwintig zes tweeduizend", True),  # 28 6 2000
    ("een negen acht vier nul drie een twee", False),  # 19840312: a year, then no year
    ("nul zes een twee drie vier vijf zes zeven acht", False),  # a phone number
    ("negentien zesennegentig nul acht eenendertig", True),  # 1996 08 31: a dateline, year said as a year
    ("negentien zesennegentig nul acht drie een", False),  # the day digit by digit: a code
])
def test_years_or_date_reads_unit_boundaries(words, expected):
    (run,) = normalise(words, "nl").runs
    assert years_or_date(run) is expected


# A weekday before a date makes it a day in the calendar, even with a birth or identity word nearby.
@pytest.mark.parametrize("text,date", [
    ("de nieuwe identiteit moesten ze geloofwaardig maken. zaterdag, 1 juli 2000 was de dag.", "1 juli 2000"),
    ("een jarig meisje werd neergeschoten in antwerpen dinsdag een augustus twee nul nul nul",
     "een augustus twee nul nul nul"),
])
def test_date_after_a_weekday_is_no_birth_date(text, date):
    assert spans_touching(text, date) == []


@pytest.mark.parametrize("text,date", [
    ("ter verificatie: de datum is 3 mei 1971.", "3 mei 1971"),
    ("ik ben geboren op 12 maart 1984", "12 maart 1984"),
])
def test_birth_date_with_a_cue_and_no_weekday_is_found(text, date):
    assert ("DATE_OF_BIRTH", date) in found_spans(text)
