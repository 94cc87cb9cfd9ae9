"""Each difficulty signal on crafted Dutch transcripts: fires when it should, stays quiet when it
should not, and points its evidence at the right words and times."""

from __future__ import annotations

import pytest

from curation.difficulty import compute_signals, loudness_envelope
from curation.difficulty.numbers import find_mentions, parse_number_word
from curation.difficulty.text import normalise
from tests.test_difficulty_support import ROUTINE, Line, audio, levels_of, pitches_of, say


def signal(name, *lines, envelope=None):
    return compute_signals(say(*lines), envelope)[name]


def start_of(transcript, word: str) -> float:
    return next(w.start for w in transcript.words if normalise(w.text) == word)


def test_routine_call_raises_no_transcript_signal():
    signals = compute_signals(say(*ROUTINE))
    fired = {s.name: s.strength for s in signals.signals if s.strength > 0}
    assert fired == {}


def test_complaint_language_fires_on_complaint_and_escalation_phrases():
    lines = [*ROUTINE[:2], Line("customer", "Ik wil een klacht indienen, anders stap ik naar de ombudsman."),
             Line("customer", "En ik wil uw leidinggevende spreken.")]
    s = signal("complaint_language", *lines)
    assert s.strength >= 0.8
    tr = say(*lines)
    times = {e.time for e in s.evidence}
    assert start_of(tr, "ombudsman") in times and start_of(tr, "leidinggevende") - 0 >= min(times)
    assert all(e.role == "customer" for e in s.evidence)


def test_agent_noting_a_complaint_counts_less_than_a_customer_complaining():
    agent = signal("complaint_language", *ROUTINE[:2], Line("agent", "Ik noteer een klacht voor u."))
    customer = signal("complaint_language", *ROUTINE[:2], Line("customer", "Ik wil een klacht indienen."))
    assert agent.strength < customer.strength


def test_abusive_language_fires_with_severity_and_time():
    lines = [*ROUTINE[:3], Line("customer", "Wat een onzin, klootzak dat je bent.")]
    tr = say(*lines)
    s = signal("abusive_language", *lines)
    assert s.value == 3 and s.strength >= 0.8
    assert s.evidence[0].time == start_of(tr, "klootzak") and s.evidence[0].role == "customer"
    assert "klootzak" in s.evidence[0].quote


def test_mild_forms_count_but_stay_weak():
    s = signal("abusive_language", *ROUTINE[:3], Line("customer", "Jeetje, verdorie, dat is ook wat."))
    assert s.value == 1 and 0 < s.strength < 0.3


def test_no_abuse_in_a_polite_call():
    assert signal("abusive_language", *ROUTINE).strength == 0


def test_sentiment_trajectory_sees_the_customer_turning_negative():
    lines = [Line("agent", "Goedemiddag, waarmee kan ik u helpen?"),
             Line("customer", "Goedemiddag, fijn dat u er bent, ik ben altijd heel tevreden geweest."),
             Line("agent", "Dat is mooi om te horen. Wat is de vraag?"),
             Line("customer", "Mijn factuur is weer fout en dat vind ik heel vervelend."),
             Line("agent", "Ik kijk even voor u."),
             Line("customer", "Dit is echt slecht, ik ben teleurgesteld en boos, wat een waardeloze service.")]
    s = signal("sentiment_trajectory", *lines)
    assert s.value < -0.3 and s.strength >= 0.5
    assert s.evidence and all(e.role == "customer" for e in s.evidence)
    assert "customer" in s.note and "agent" in s.note


def test_sentiment_trajectory_quiet_when_the_mood_stays_good():
    assert signal("sentiment_trajectory", *ROUTINE).strength == 0


def test_interruptions_from_turn_timing_point_at_the_interrupter():
    lines = [Line("agent", "Ik leg het u even uit: het nieuwe tarief gaat in per de eerste van de volgende maand en"),
             Line("customer", "Nee wacht even, dat wil ik helemaal niet hebben!", start=3.0),
             Line("agent", "Ik begrijp het, mag ik het even afmaken?"),
             Line("customer", "Luister nou eens naar mij, ik heb dat nooit gevraagd!", start=None),
             Line("agent", "Maar meneer, volgens onze gegevens heeft u dat wel"),
             Line("customer", "Dat is niet waar en dat weet u best!", start=None)]
    # make the last customer line start while the agent is still talking
    tr0 = say(*lines[:5])
    lines[5] = Line("customer", lines[5].text, start=tr0.words[-2].start)
    tr = say(*lines)
    s = compute_signals(tr)["interruptions"]
    assert s.value == 2 and s.strength > 0
    assert {e.time for e in s.evidence} == {3.0, tr0.words[-2].start}
    assert all(e.role == "customer" for e in s.evidence)


def test_backchannels_and_clean_turns_are_not_interruptions():
    lines = [Line("agent", "Ik leg het u even uit, het nieuwe tarief gaat per de eerste van de maand in"),
             Line("customer", "ja", start=2.0),
             *ROUTINE[1:]]
    assert signal("interruptions", *lines).value == 0
    assert signal("interruptions", *ROUTINE).strength == 0


def test_interruptions_from_two_stereo_channels(tmp_path):
    lines = [*ROUTINE[:2], Line("agent", "Dan moet ik eerst uw gegevens even controleren en daarna kijken we"),
             Line("customer", "Nee nee nee daar heb ik geen tijd voor", start=None)]
    tr0 = say(*lines[:3])
    lines[3] = Line("customer", lines[3].text, start=tr0.words[-4].start)
    tr = say(*lines)
    env = loudness_envelope(audio(tmp_path / "c.wav", tr, levels_of(lines), channels=2))
    s = compute_signals(tr, env)["interruptions"]
    assert "stereo channels" in s.note and s.value >= 1
    assert abs(s.evidence[0].time - tr0.words[-4].start) < 0.15 and s.evidence[0].role == "customer"


def test_long_silence_is_found_where_it_happens():
    lines = [*ROUTINE[:3], Line("customer", "Eh, momentje, ik moet het even zoeken.", pause=0.4),
             Line("customer", "Ik heb het gevonden.", pause=18.0), *ROUTINE[4:]]
    tr = say(*lines)
    s = compute_signals(tr)["silences"]
    gap_start = next(w.end for w in tr.words if w.text == "zoeken.")
    assert s.value == pytest.approx(18.0 + 0.35 * 0.15, abs=0.1) and s.strength > 0.5
    assert s.evidence[0].time == pytest.approx(gap_start, abs=0.01)


def test_no_long_silence_in_a_fluent_call():
    assert signal("silences", *ROUTINE).strength == 0


def test_talk_balance_flags_an_agent_who_talks_most_of_the_call():
    monologue = " ".join(["Dan vertel ik u nog even alles over onze nieuwe voorwaarden en tarieven."] * 8)
    s = signal("talk_balance", ROUTINE[0], Line("customer", "Ja."), Line("agent", monologue),
               Line("customer", "Oke, dank u."))
    assert s.value > 0.85 and s.strength >= 0.8
    assert s.evidence[0].role == "agent" and "monologue" in s.evidence[0].quote


def test_balanced_conversation_is_not_unbalanced():
    assert signal("talk_balance", *ROUTINE).strength == 0


def test_speech_rate_flags_a_customer_much_faster_than_the_agent():
    fast = [Line(l.role, l.text, per_word=0.16 if l.role == "customer" else 0.35) for l in ROUTINE]
    s = signal("speech_rate", *fast)
    assert s.value > 5 and s.strength > 0.5 and s.evidence[0].role == "customer"
    assert signal("speech_rate", *ROUTINE).strength == 0


def test_raised_voice_against_the_speakers_own_baseline(tmp_path):
    lines = [*ROUTINE[:4], Line("customer", "Nee, dat is niet wat ik bedoel, luister nou!", level=0.45, pitch=1.2),
             *ROUTINE[4:]]
    tr = say(*lines)
    env = loudness_envelope(audio(tmp_path / "loud.wav", tr, levels_of(lines), channels=2, pitches=pitches_of(lines)))
    s = compute_signals(tr, env)["raised_voice"]
    assert s.value > 9 and s.strength > 0.8
    loud_start = start_of(tr, "nee")
    assert s.evidence[0].role == "customer" and loud_start <= s.evidence[0].time < loud_start + 3


def test_a_loud_but_steady_speaker_is_not_raising_their_voice(tmp_path):
    lines = [Line(l.role, l.text, level=0.45 if l.role == "customer" else 0.1) for l in ROUTINE]
    tr = say(*lines)
    env = loudness_envelope(audio(tmp_path / "steady.wav", tr, levels_of(lines), channels=1))
    assert compute_signals(tr, env)["raised_voice"].strength == 0


def test_low_confidence_when_the_customer_is_hard_to_recognise():
    lines = [Line(l.role, l.text, confidence=0.35 if l.role == "customer" else 0.95) for l in ROUTINE]
    s = signal("low_confidence", *lines)
    assert s.value < 0.5 and s.strength == 1.0 and s.evidence[0].role == "customer"


def test_high_confidence_and_missing_confidence():
    assert signal("low_confidence", *ROUTINE).strength == 0
    from dataclasses import replace
    tr = say(*ROUTINE)
    bare = replace(tr, words=tuple(replace(w, confidence=None) for w in tr.words))
    s = compute_signals(bare)["low_confidence"]
    assert not s.available and "confidence" in s.note


def test_clarification_requests_by_the_agent():
    lines = [*ROUTINE[:2], Line("agent", "Sorry, wat zegt u? Ik versta u niet goed."),
             Line("customer", "De Dorpsstraat twaalf."), Line("agent", "Kunt u dat nog eens herhalen?")]
    tr = say(*lines)
    s = compute_signals(tr)["clarification_requests"]
    assert s.strength >= 0.8 and all(e.role == "agent" for e in s.evidence)
    assert start_of(tr, "herhalen") >= min(e.time for e in s.evidence)


def test_customer_asking_to_repeat_is_not_an_agent_clarification():
    s = signal("clarification_requests", *ROUTINE[:2], Line("customer", "Wat zegt u? Kunt u dat herhalen?"))
    assert s.strength == 0


def test_caller_confusion_from_confusion_phrases_and_hesitations():
    lines = [*ROUTINE[:2], Line("customer", "Eh, ik begrijp het niet, eh, wat moet ik nu doen?"),
             Line("agent", "U hoeft niets te doen, het gaat automatisch."),
             Line("customer", "Ehm, ik ben niet zo handig met die computer, mijn kleinzoon doet dat altijd.")]
    s = signal("caller_confusion", *lines)
    assert s.strength >= 0.8 and all(e.role == "customer" for e in s.evidence)
    assert signal("caller_confusion", *ROUTINE).strength == 0


def test_contradicting_amounts_between_the_parties():
    lines = [*ROUTINE[:1], Line("customer", "Op de website stond honderd euro per jaar."),
             Line("agent", "Dat klopt, het wordt dan honderdtien euro."),
             Line("customer", "Nee, dat klopt niet, u zei toch honderd euro?")]
    tr = say(*lines)
    s = compute_signals(tr)["contradicting_mentions"]
    assert s.value >= 1 and s.strength >= 0.9
    times = {e.time for e in s.evidence}
    assert start_of(tr, "honderdtien") in times and start_of(tr, "honderd") in times


def test_contradicting_dates_between_the_parties():
    lines = [*ROUTINE[:1], Line("customer", "De monteur zou op drie maart komen."),
             Line("agent", "Ik zie hier dertien maart staan.")]
    assert signal("contradicting_mentions", *lines).value == 1


def test_agreeing_amounts_and_one_speakers_list_of_prices_are_no_contradiction():
    same = [*ROUTINE[:1], Line("customer", "Het kost honderd euro toch?"), Line("agent", "Ja, honderd euro.")]
    own = [*ROUTINE[:1], Line("agent", "Het pakket kost veertig euro, het grote pakket vijfenveertig euro.")]
    assert signal("contradicting_mentions", *same).strength == 0
    assert signal("contradicting_mentions", *own).strength == 0


def test_call_length_counts_only_long_calls():
    tr = say(*ROUTINE)
    assert compute_signals(tr)["call_length"].strength == 0
    long = compute_signals(tr, duration=1800.0)["call_length"]
    assert long.strength == 1.0 and long.value == 1800.0


def test_transfers():
    lines = [*ROUTINE[:2], Line("agent", "Daarvoor moet u bij de juiste afdeling zijn, ik verbind u door.")]
    tr = say(*lines)
    s = compute_signals(tr)["transfers"]
    assert s.strength > 0.5 and s.evidence[0].role == "agent"
    assert signal("transfers", *ROUTINE).strength == 0


@pytest.mark.parametrize("word", ["honderdtien", "eenentwintig", "tweeëntwintig", "drieëndertig", "negenennegentig",
                                  "honderdeenentwintig", "tweeduizendvierentwintig", "vijfhonderd", "achttien",
                                  "duizendnegenhonderdachtentachtig", "zeventig"])
def test_dutch_number_words_agree_with_text2num(word):
    from text_to_num import text2num
    assert parse_number_word(normalise(word)) == text2num(word, "nl")


@pytest.mark.parametrize("text, kind, value", [
    ("dat kost honderdtien euro", "amount", 110), ("€ 110", "amount", 110), ("110 euro", "amount", 110),
    ("vijfenveertig euro en vijftig cent", "amount", 45.5), ("twee honderd vijftig euro", "amount", 250),
    ("op drie maart", "date", 303), ("de 22 april", "date", 422)])
def test_amount_and_date_mentions(text, kind, value):
    found = find_mentions([normalise(t) for t in text.split()])
    assert [(m.kind, m.value) for m in found] == [(kind, value)]


def test_no_mentions_in_plain_words():
    assert find_mentions([normalise(t) for t in "ik heb een vraag over mijn twee facturen".split()]) == []


def test_loudness_envelope_is_the_same_whatever_the_block_size(tmp_path):
    import numpy as np

    tr = say(*ROUTINE)
    path = audio(tmp_path / "r.wav", tr, levels_of(ROUTINE), channels=2)
    whole = loudness_envelope(path, block_seconds=600)
    small = loudness_envelope(path, block_seconds=0.7)
    assert whole.levels.shape == small.levels.shape and whole.channels == 2
    assert np.allclose(whole.levels, small.levels, atol=1e-3)
    assert abs(whole.duration - (tr.duration + 1.0)) < 0.1


def test_audio_only_stereo_call_gets_turn_taking_from_the_channels(tmp_path):
    lines = [*ROUTINE[:2], Line("agent", "Dan moet ik eerst uw gegevens even controleren en daarna kijken we"),
             Line("customer", "Nee nee daar heb ik geen tijd voor", start=12.0)]
    tr = say(*lines)
    env = loudness_envelope(audio(tmp_path / "c.wav", tr, levels_of(lines), channels=2))
    signals = compute_signals(None, env)
    assert signals["interruptions"].value >= 1 and signals["interruptions"].evidence[0].quote.startswith("[customer")
    assert signals["talk_balance"].available and any("no transcript" in n for n in signals.notes)
    assert not signals["abusive_language"].available


def test_a_customer_asking_the_same_question_again_is_confused():
    from curation.difficulty.signals import resolve_roles
    from curation.difficulty.dialogue import repeated_questions
    from curation.difficulty.text import CallView

    lines = [*ROUTINE[:2], Line("customer", "Wanneer komt die monteur nou?"), Line("agent", "Op dinsdag de vijfde."),
             Line("customer", "Oké. Wanneer komt die monteur nou?")]
    tr = say(*lines)
    view = CallView.of(tr, resolve_roles(tr)[0])
    (first, last), = repeated_questions(view)
    assert tr.words[first].start == max(w.start for w in tr.words if w.text == "Wanneer")
    bare = [ROUTINE[0], Line("customer", "wanneer komt die monteur nou"), Line("agent", "op dinsdag de vijfde"),
            Line("customer", "wanneer komt die monteur nou")]
    plain = say(*bare)
    assert len(repeated_questions(CallView.of(plain, resolve_roles(plain)[0]))) == 1
