"""Call phases on invented Dutch calls: each rule that places a boundary, with a case where it
applies and one where it must not. The sentences are written for these tests (not taken from the
corpus' wording), as Dutch call-centre agents and customers say them."""

from __future__ import annotations

import re

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


def at(t: Transcript, phrase: str) -> float:
    """The start of the first word of `phrase` in the transcript."""
    texts, want = [w.text for w in t.words], phrase.split()
    k = next(k for k in range(len(texts)) if texts[k:k + len(want)] == want)
    return round(t.words[k].start, 2)


ANSWERED = OPENING + [("agent", "Wat is uw klantnummer?"), ("customer", "Dat is vier vier zeven twee nul.")]


def asr(turns):
    """The turns as ASR writes them: lower case, no punctuation (sentences show only as pauses)."""
    return [(who, " ".join(w for w in re.sub(r"[^\w\s-]", " ", text).lower().split()), *gap)
            for who, text, *gap in turns]


# an agent turn that acknowledges the last detail and goes on with the body: two consecutive agent
# lines make one turn; punctuated as typed, and as ASR without punctuation (a pause between sentences)
@pytest.mark.parametrize("as_asr", [False, True])
@pytest.mark.parametrize("ack, body, starts_at", [
    ("Prima, dat noteer ik, en dan controleer ik meteen even of de rest van uw gegevens nog klopt.",
     "Het voorschot is vorige maand verhoogd omdat het tarief is gestegen.", "Het voorschot"),
    ("Dank u wel, dan kijk ik even in ons systeem, dat duurt soms een paar tellen.",
     "Uw voorschot is vorige maand verhoogd omdat het tarief is gestegen.", "Uw voorschot"),
    ("Heel goed, dat heb ik.", "Het voorschot is vorige maand verhoogd omdat het tarief is gestegen.", "Het voorschot"),
    ("Ja hoor, begrepen, dan heb ik alles wat ik nodig heb.", "Uw voorschot is vorige maand verhoogd.", "Uw voorschot"),
    ("Goed nieuws, uw voorschot wordt verlaagd.", "Dat gaat in vanaf volgende maand.", "Goed nieuws,"),
    ("Dank u, dat heb ik genoteerd. Prima, mevrouw Verbeek, dat klopt.",  # and a thank-you by name after it
     "Het voorschot is vorige maand verhoogd omdat het tarief is gestegen.", "Het voorschot"),
    # not an acknowledgement: the first sentence is the body already
    ("Dank u, ik zie dat uw voorschot vorige maand is verhoogd.", "Dat komt door het nieuwe tarief.", "Dank u,"),
    ("Voor uw pakket Top geldt een maximum van drie keer per jaar.", "Dat staat ook in uw polis.", "Voor uw"),
    ("Prima, dat klopt.", "Ik heb de storing gevonden, die is over een uur verholpen.", "Ik heb de"),
])
def test_the_body_starts_inside_the_agents_turn_after_an_acknowledgement(ack, body, starts_at, as_asr):
    turns = ANSWERED + [("agent", ack), ("agent", body)] + BODY[1:] + CLOSE
    t, found = starts(asr(turns) if as_asr else turns)
    assert len(t.turns) == len(ANSWERED) + 1 + len(BODY[1:]) + len(CLOSE)  # the two agent lines are one turn
    assert found["handling"] == at(t, re.sub(r"[^\w\s]", "", starts_at).lower() if as_asr else starts_at)


@pytest.mark.parametrize("line, closing", [
    ("Dan verbind ik je even door met de technische dienst.", True),
    ("daarvoor verbind ik hu door naar de afdeling facturatie", True),  # as ASR heard it
    ("Ik schakel u nu door naar mijn collega.", True),
    ("Ik zet u over naar de afdeling schade.", True),
    ("Bedankt dat u belde, en nog een schone dag.", True),
    ("De verbinding valt steeds weg door de storing in uw wijk.", False),
    ("Ik zet het voor u door naar de afdeling.", False),
])
def test_transfer_phrasings(line, closing):
    assert _closing_cue(line) is closing


def test_an_offer_of_later_contact_or_transfer_before_more_handling_is_not_the_closing():
    for offer in ("Mocht u later nog vragen hebben, dan kunt u ons gewoon weer bellen.",
                  "Als het morgen nog niet werkt, kan ik u doorverbinden met de monteur."):
        t, found = starts(ANSWERED + BODY + [("agent", offer), ("customer", "Oké."),
                                             ("agent", "U krijgt de bevestiging vandaag nog per mail."),
                                             ("customer", "Fijn."),
                                             ("agent", "Daarvoor verbind ik u door met de afdeling facturatie.")])
        assert found["closing"] == turn_start(t, len(t.turns) - 1), offer
        t, found = starts(ANSWERED + BODY + [("agent", offer), ("customer", "Ja.")] + CLOSE)
        assert found["closing"] == turn_start(t, len(t.turns) - 3), offer


def test_an_offer_of_later_contact_followed_only_by_the_goodbye_is_the_closing():
    t, found = starts(ANSWERED + BODY
                      + [("agent", "Mocht u later nog vragen hebben, dan kunt u ons gewoon weer bellen."),
                         ("customer", "Dat is goed, dank u wel."), ("agent", "Tot ziens, nog een fijne dag.")])
    assert found["closing"] == turn_start(t, len(t.turns) - 3)


@pytest.mark.parametrize("as_asr", [False, True])
@pytest.mark.parametrize("last_body, close, starts_at", [
    ("Ik heb het adres aangepast, u krijgt een bevestiging per mail.", "Kan ik u verder nog ergens mee helpen?",
     "Kan ik u verder"),
    ("Ik begrijp het, ik ga het voor u controleren.", "Ik ga u doorverbinden met de afdeling fraude, een moment.",
     "Ik ga u"),
])
def test_the_closing_starts_inside_the_turn_at_the_sentence_with_the_closing_words(last_body, close, starts_at, as_asr):
    turns = ANSWERED + BODY + [("agent", last_body), ("agent", close), ("customer", "Nee, dank u."),
                               ("agent", "Tot ziens.")]
    t, found = starts(asr(turns) if as_asr else turns)
    assert found["closing"] == at(t, starts_at.lower() if as_asr else starts_at)
