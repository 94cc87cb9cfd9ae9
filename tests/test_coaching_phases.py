"""Call phases on invented Dutch calls: each rule that places a boundary, with a case where it
applies and one where it must not. The sentences are written for these tests (not taken from the
corpus' wording), as Dutch call-centre agents and customers say them."""

from __future__ import annotations

import pytest

from curation.coaching.phases import _closing_cue, _is_detail, detect_phases
from curation.model import Transcript
from tests._turns import transcript


def starts(turns) -> tuple[Transcript, dict[str, float]]:
    t = transcript(turns)
    out: dict[str, float] = {}
    for p in detect_phases(t):
        out.setdefault("handling" if p.name in ("needs", "solution", "summary") else p.name, p.start)
    return t, out


def turn_start(t: Transcript, k: int) -> float:
    return round(t.turns[k].start, 2)


OPENING = [("agent", "Goedemorgen, Zonnestroom Energie, met Petra, waarmee kan ik u helpen?"),
           ("customer", "Goedemorgen, ik heb een vraag over mijn jaarafrekening.")]
BODY = [("agent", "Ik zie dat uw voorschot vorige maand is verhoogd omdat het tarief is gestegen."),
        ("customer", "Maar daar heb ik nooit een brief over gekregen, dat vind ik niet netjes."),
        ("agent", "Dat begrijp ik, ik zet het voorschot terug en u krijgt er een bevestiging van per post."),
        ("customer", "Dat is fijn om te horen.")]
CLOSE = [("agent", "Kan ik u verder nog ergens mee helpen?"), ("customer", "Nee hoor, dat was het."),
         ("agent", "Tot ziens, nog een fijne dag.")]


@pytest.mark.parametrize("text, detail", [
    ("Dat is drie acht nul twee vijf", True),
    ("Mijn nummer is 06 12345678", True),
    ("Dat is een D, een IJ, een K en een S", True),
    ("jan punt de vries apenstaartje ziggo punt nl", True),
    ("Ik ben geboren op veertien maart negentienzestig", True),
    ("Dat is vijfenveertig euro per maand", False),  # an amount, not a detail
    ("Ik bel hier nu al drie weken over", False),  # a duration
    ("Ik heb een vraag over een rekening", False),  # "een" is an article here
])
def test_a_detail_in_the_customers_answer_is_told_from_amounts_and_durations(text, detail):
    assert _is_detail(text) is detail


def test_an_unusual_name_question_keeps_the_name_exchange_in_the_greeting():
    t, found = starts(OPENING + [("agent", "Op welke naam mag ik dat noteren?"), ("customer", "Marloes Verbeek."),
                                 ("agent", "En uw klantnummer?"), ("customer", "Dat is vier vier zeven twee nul.")]
                      + BODY + CLOSE)
    assert found["identification"] == turn_start(t, 4)


def test_a_spelling_request_after_the_opening_is_identification_not_the_name_exchange():
    t, found = starts(OPENING + [("agent", "Kunt u uw naam even voor me spellen?"),
                                 ("customer", "Ja hoor, Verbeek met twee e's."),
                                 ("agent", "En uw klantnummer?"), ("customer", "Dat is vier vier zeven twee nul.")]
                      + BODY + CLOSE)
    assert found["identification"] == turn_start(t, 2)


def test_a_question_that_names_no_detail_is_identification_when_the_answer_is_one():
    t, found = starts(OPENING + [("agent", "Mag ik uw postcode?"), ("customer", "Dat is 1234 AB."),
                                 ("agent", "Dank u. En wat was de code op uw pas?"),
                                 ("customer", "Die is negen drie vijf een.")] + BODY + CLOSE)
    assert found["handling"] == turn_start(t, 6)


def test_a_question_that_names_no_detail_is_not_identification_when_the_answer_is_the_problem():
    t, found = starts(OPENING + [("agent", "Mag ik uw postcode?"), ("customer", "Dat is 1234 AB."),
                                 ("agent", "Dank u, ik zie het. Wat is uw vraag precies?", 12.0),
                                 ("customer", "Mijn voorschot is ineens veel hoger geworden en dat snap ik niet.")]
                      + BODY + CLOSE)
    assert found["handling"] <= turn_start(t, 5)  # taken as an answer, the handling would start a turn later


def test_an_acknowledgement_by_title_and_name_still_belongs_to_the_identification():
    t, found = starts(OPENING + [("agent", "Wat is uw geboortedatum?"), ("customer", "Twaalf mei negentien zeventig."),
                                 ("agent", "Zo, mevrouw Verbeek, daar staat u."), ("customer", "Ja.")]
                      + BODY + CLOSE)
    assert found["handling"] == turn_start(t, 6)


def test_an_answer_that_runs_on_into_the_problem_ends_the_identification():
    t, found = starts(OPENING + [("agent", "Wat is uw klantnummer?"),
                                 ("customer", "Dat is vier vier zeven twee nul, en ik wil u meteen zeggen dat ik hier "
                                              "echt heel boos over ben want het gebeurt steeds weer."),
                                 ("agent", "Dank u, dat begrijp ik heel goed."),
                                 ("customer", "Ik wil dat het nu eindelijk opgelost wordt.")] + BODY + CLOSE)
    assert found["handling"] == turn_start(t, 4)


def test_a_thank_you_for_waiting_is_not_a_closing():
    assert not _closing_cue("Dank voor uw geduld, ik heb het nagekeken.")
    assert _closing_cue("Dank voor uw telefoontje en een prettige dag.")
    t, found = starts(OPENING + [("agent", "Wat is uw klantnummer?"), ("customer", "Vier vier zeven twee nul.")] + BODY
                      + [("agent", "Ik zet u even in de wacht."),
                         ("agent", "Bedankt voor uw geduld, het voorschot is teruggezet.", 8.0),
                         ("customer", "Mooi zo.")] + CLOSE)
    assert found["closing"] == turn_start(t, len(t.turns) - 3)


def test_other_ways_to_ask_for_anything_else_start_the_closing():
    t, found = starts(OPENING + [("agent", "Wat is uw klantnummer?"), ("customer", "Vier vier zeven twee nul.")] + BODY
                      + [("agent", "Kan ik u nog ergens anders mee van dienst zijn?"),
                         ("customer", "Nee, verder niet."), ("agent", "Dag mevrouw.")])
    assert found["closing"] == turn_start(t, len(t.turns) - 3)


def test_the_closing_starts_before_the_goodbye_when_the_customer_said_they_are_done():
    t, found = starts(OPENING + [("agent", "Wat is uw klantnummer?"), ("customer", "Vier vier zeven twee nul.")] + BODY
                      + [("agent", "Is zo alles duidelijk voor u?"), ("customer", "Ja hoor, dank u wel."),
                         ("agent", "Graag gedaan, nog een prettige dag.")])
    assert found["closing"] == turn_start(t, len(t.turns) - 3)


def test_the_goodbye_alone_is_the_closing_when_the_customer_did_not_say_they_are_done():
    t, found = starts(OPENING + [("agent", "Wat is uw klantnummer?"), ("customer", "Vier vier zeven twee nul.")] + BODY
                      + [("agent", "U ontvangt de brief binnen drie werkdagen."), ("customer", "Oké, prima."),
                         ("agent", "Graag gedaan, nog een prettige dag.")])
    assert found["closing"] == turn_start(t, len(t.turns) - 1)


def test_a_customers_hello_over_the_end_of_the_opening_is_not_their_opening_turn():
    t, found = starts([("agent", "Goedemorgen, Zonnestroom Energie, met Petra, waarmee kan ik"), ("customer", "Hallo,"),
                       ("agent", "helpen?"), ("customer", "ja, goedemorgen, ik heb een vraag over mijn afrekening."),
                       ("agent", "Met wie spreek ik?"), ("customer", "Marloes Verbeek."),
                       ("agent", "Wat is uw klantnummer?"), ("customer", "Vier vier zeven twee nul.")] + BODY + CLOSE)
    assert found["identification"] == turn_start(t, 6)


def test_a_short_customer_reply_after_the_opening_is_still_their_opening_turn():
    t, found = starts([("agent", "Goedemorgen, Zonnestroom Energie, met Petra, waarmee kan ik u helpen?"),
                       ("customer", "Ja, hallo."),
                       ("agent", "Wat is uw klantnummer?"), ("customer", "Vier vier zeven twee nul.")] + BODY + CLOSE)
    assert found["identification"] == turn_start(t, 2)


def test_a_word_that_is_also_said_outside_the_identification_needs_a_detail_in_the_answer():
    t, found = starts(OPENING + [("agent", "Op welk nummer bent u bereikbaar?"), ("customer", "Nul zes twee twee acht."),
                                 ("agent", "Dank u, dat heb ik genoteerd."),
                                 ("customer", "Ik kan niet meer inloggen in de app, dat lukt al dagen niet.")]
                      + [("agent", "De app is sinds vanochtend weer bereikbaar, er was onderhoud."),
                         ("customer", "O, dan probeer ik het straks nog een keer.")] + BODY + CLOSE)
    assert found["handling"] == turn_start(t, 5)
