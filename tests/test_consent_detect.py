"""Consent detection: recording notices with their purposes, objections, special-category data and
minors, in varied Dutch and English phrasing — and not in look-alike sentences."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from curation.consent.detect import detect
from curation.model import Speaker, Transcript, Word

# (text, purposes) — phrasings not taken from the corpus generator's templates
NOTICES_NL = [
    ("Dit gesprek kan worden opgenomen voor kwaliteitsdoeleinden.", {"quality"}),
    ("Voor trainings- en kwaliteitsdoeleinden worden onze gesprekken opgenomen.", {"quality", "training"}),
    ("Wij nemen al onze telefoongesprekken op om nieuwe collega's op te leiden.", {"training"}),
    ("Let op: dit telefoongesprek wordt vastgelegd als bewijs van de gemaakte afspraken.", {"evidence"}),
    ("Gesprekken kunnen worden opgenomen. Opnames gebruiken we voor coaching en om klachten af te handelen.",
     {"training", "complaint_handling"}),
    ("u bent verbonden met de klantenservice dit gesprek wordt mogelijk opgenomen ten behoeve van fraudepreventie",
     {"other"}),
    ("Om onze service te verbeteren leggen wij dit gesprek vast.", {"quality"}),
    ("Dit gesprek wordt opgenomen.", set()),
]
NOTICES_EN = [
    ("This call may be recorded for quality and training purposes.", {"quality", "training"}),
    ("Calls to this line are recorded to help resolve complaints.", {"complaint_handling"}),
    ("Please note that we record all calls as evidence of your agreement.", {"evidence"}),
    ("Your conversation will be recorded so we can coach our staff.", {"training"}),
]
NOT_NOTICES = [
    ("nl", "Wordt dit gesprek opgenomen?"),
    ("nl", "Ik heb de opname van het programma gemist."),
    ("nl", "Kunt u morgen contact met mij opnemen?"),
    ("nl", "Dit gesprek wordt niet opgenomen."),
    ("nl", "Ik vind het prima dat dit gesprek wordt opgenomen."),
    ("nl", "Ik lag twee weken opgenomen in het ziekenhuis na dat gesprek."),
    ("en", "I recorded the game last night, can I call you back?"),
    ("en", "Is this call being recorded?"),
]
OBJECTIONS_NL = [
    "Ik wil niet dat dit gesprek wordt opgenomen.",
    "Ik geef geen toestemming om dit gesprek voor trainingen te gebruiken.",
    "Dat u dit gesprek opneemt, daar heb ik bezwaar tegen.",
    "Liever niet dat mijn stem in jullie cursussen terechtkomt.",
    "Wilt u de opname stoppen alstublieft?",
    "ik ga echt niet akkoord met die opname hoor",
    "Mag dit gesprek niet bewaard worden?",
    "Gebruik dit gesprek alstublieft niet als lesmateriaal.",
]
OBJECTIONS_EN = [
    "I don't want this call recorded.",
    "Please don't use this conversation for training.",
    "I do not consent to being recorded.",
    "I'd rather you didn't use my voice in your training material.",
    "Can you stop the recording please?",
]
LOOKALIKES = [
    ("nl", "Ik wil niet dat mijn abonnement wordt opgezegd."),
    ("nl", "De training van mijn hond is op dinsdag."),
    ("nl", "Ik heb geen bezwaar tegen de opname."),
    ("nl", "Ik wil niet dat u contact met mij opneemt."),
    ("nl", "Ik wil niet dat dit nog een keer gebeurt."),
    ("nl", "Ik heb bezwaar gemaakt tegen de aanmaning."),
    ("nl", "Mijn dochter volgt een opleiding tot verpleegkundige, ik wil niet dat ze dat opgeeft."),
    ("nl", "Als u bezwaar heeft tegen de opname, kunt u dat aangeven."),
    ("en", "I don't want my subscription cancelled."),
    ("en", "My dog's training is on Tuesday."),
    ("en", "I don't mind the recording at all."),
    ("en", "I recorded the game, I don't want to miss the match."),
]


@pytest.mark.parametrize("text,purposes", NOTICES_NL)
def test_dutch_notices_are_found_with_their_purposes(text, purposes):
    result = detect(text, "nl")
    assert result.notice is not None, text
    assert set(result.purposes) == purposes
    assert result.notice.text in text


@pytest.mark.parametrize("text,purposes", NOTICES_EN)
def test_english_notices_are_found_with_their_purposes(text, purposes):
    result = detect(text, "en")
    assert result.notice is not None and set(result.purposes) == purposes


@pytest.mark.parametrize("language,text", NOT_NOTICES)
def test_look_alike_sentences_are_not_notices(language, text):
    assert detect(text, language).notice is None


@pytest.mark.parametrize("text", OBJECTIONS_NL)
def test_dutch_objections_in_varied_phrasing(text):
    result = detect(text, "nl")
    assert result.objection is not None, text
    assert result.objection.text and result.objection.text in text


@pytest.mark.parametrize("text", OBJECTIONS_EN)
def test_english_objections_in_varied_phrasing(text):
    assert detect(text, "en").objection is not None, text


@pytest.mark.parametrize("language,text", LOOKALIKES)
def test_look_alike_sentences_are_not_objections(language, text):
    assert detect(text, language).objection is None, text


def _transcript(turns) -> Transcript:
    words, t = [], 0.5
    for speaker, text in turns:
        for w in text.split():
            words.append(Word(w, t, t + 0.25, speaker))
            t += 0.3
        t += 1.0
    return Transcript.build(words, [Speaker("agent", "agent", 0), Speaker("customer", "customer", 1)])


def test_a_no_after_a_consent_question_is_an_objection_with_its_time_and_role():
    transcript = _transcript([("agent", "Vindt u het goed dat we dit gesprek voor trainingen gebruiken?"),
                              ("customer", "Nee, liever niet eigenlijk."),
                              ("agent", "Prima, dat noteer ik.")])
    result = detect(transcript)
    assert result.objection.role == "customer"
    assert result.objection.text.startswith("Nee")
    first_customer_word = next(w for w in transcript.words if w.speaker == "customer")
    assert result.objection.time == pytest.approx(first_customer_word.start)


def test_yes_to_a_do_you_mind_question_is_the_objection_and_no_is_not():
    asked = ("agent", "Heeft u er bezwaar tegen dat dit gesprek wordt opgenomen?")
    assert detect(_transcript([asked, ("customer", "Ja, eigenlijk wel.")])).objection is not None
    assert detect(_transcript([asked, ("customer", "Nee hoor, ga uw gang.")])).objection is None


def test_the_agent_saying_it_is_not_an_objection_and_a_customer_asking_is_not_a_notice():
    transcript = _transcript([("customer", "Wordt dit gesprek opgenomen voor trainingen?"),
                              ("agent", "Als u niet wilt dat dit gesprek wordt opgenomen zet ik de opname uit.")])
    result = detect(transcript)
    assert result.objection is None
    assert result.notice.role == "agent" and result.purposes == ()


def test_unpunctuated_asr_turns_still_give_the_notice_quote_and_time():
    transcript = _transcript([("agent", "goedemorgen welkom bij de bank mijn naam is joost hoe kan ik u helpen "
                                        "even voor de duidelijkheid dit gesprek wordt opgenomen voor kwaliteitscontrole"),
                              ("customer", "ja prima")])
    result = detect(transcript)
    assert result.purposes == ("quality",)
    assert result.notice.text.startswith("dit gesprek")
    start = transcript.text.index("dit gesprek")
    word = next(w for w, (a, _) in zip(transcript.words, transcript.word_offsets()) if a == start)
    assert result.notice.time == pytest.approx(word.start)


@pytest.mark.parametrize("language,text,category", [
    ("nl", "Ik lig sinds vorige week in het ziekenhuis.", "health"),
    ("nl", "ik ben onder behandeling voor depressie", "health"),
    ("nl", "Na de dienst in de moskee bel ik u terug.", "religion"),
    ("nl", "Ik ben lid van de vakbond.", "union"),
    ("en", "I was diagnosed with diabetes last year.", "health"),
])
def test_special_category_mentions(language, text, category):
    assert category in detect(text, language).special_categories


@pytest.mark.parametrize("language,text", [
    ("nl", "Ik word hier echt ziek van."), ("nl", "Ik ben het ziek en zat."), ("nl", "Ik woon in de Kerkstraat."),
    ("en", "I'm sick of waiting."),
])
def test_idioms_are_not_special_category(language, text):
    assert detect(text, language).special_category == ()


@pytest.mark.parametrize("language,text,minor", [
    ("nl", "Ik ben vijftien jaar.", True), ("nl", "ik ben nog maar zestien mag ik dit zelf regelen", True),
    ("nl", "Ik ben minderjarig.", True), ("en", "I'm 14 years old.", True),
    ("nl", "Ik ben al 15 jaar klant.", False), ("nl", "Ik ben 15 minuten aan het wachten.", False),
    ("nl", "Ik ben 45 jaar.", False), ("en", "I've been a customer for 14 years.", False),
])
def test_minor_callers(language, text, minor):
    assert (detect(text, language).minor is not None) is minor


def test_cli_detect_prints_the_contract_object():
    from curation.cli.main import cli

    text = "Dit gesprek kan worden opgenomen voor kwaliteitsdoeleinden.\nIk wil niet dat dit gesprek wordt opgenomen.\n"
    result = CliRunner().invoke(cli, ["consent", "detect", "--lang", "nl"], input=text)
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data == {"notice": {"found": True, "purposes": ["quality"],
                               "quote": "Dit gesprek kan worden opgenomen voor kwaliteitsdoeleinden."},
                    "objection": {"found": True, "quote": "Ik wil niet dat dit gesprek wordt opgenomen."}}
    empty = json.loads(CliRunner().invoke(cli, ["consent", "detect", "--lang", "en"], input="Hello there.").output)
    assert empty == {"notice": {"found": False, "purposes": [], "quote": None},
                     "objection": {"found": False, "quote": None}}


@pytest.mark.parametrize("language,text,informed", [
    ("nl", "Dit gesprek wordt opgenomen; onze medewerkers zijn hiervan op de hoogte.", True),
    ("en", "Calls are recorded and our staff are aware of this.", True),
    ("nl", "Dit gesprek wordt opgenomen voor kwaliteitsdoeleinden.", False),
])
def test_employee_informed_is_read_from_the_notice(language, text, informed):
    assert (detect(text, language).employee_informed is not None) is informed
