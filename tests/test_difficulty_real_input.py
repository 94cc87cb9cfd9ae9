"""Signals that check their own input: loudness measured over speech (not silence, not gain),
turn timings compared with the speech in the audio, and English calls with English lexicons
(including the ASR traps that must never count as abuse)."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest
import soundfile as sf

from curation.difficulty import analyse_call, compute_signals, loudness_envelope
from curation.difficulty.acoustics import speech_frames, voiced_frames
from curation.model import Speaker, Transcript
from tests.test_difficulty_support import ROUTINE, Line, levels_of, pitches_of, say

SR = 8000


def voice(duration: float, level: float, f0: float = 140.0, rng=None) -> np.ndarray:
    """A voice-like sound: a harmonic tone with a slow pitch wobble and a syllable-rate envelope."""
    t = np.arange(int(duration * SR)) / SR
    pitch = f0 * (1 + 0.05 * np.sin(2 * np.pi * 3 * t))
    phase = 2 * np.pi * np.cumsum(pitch) / SR
    wave = sum(np.sin(k * phase) / k for k in range(1, 6))
    syllables = 0.6 + 0.4 * np.abs(np.sin(2 * np.pi * 2.5 * t))
    return (level * wave * syllables / 1.5).astype(np.float32)


def record(path, transcript: Transcript, levels, channels: int, silence: str = "digital", gain: dict | None = None,
           pitches=None):
    """Voice under each word at its level, on the speaker's channel (or channel 0 when mono). Between
    words: digital silence (exact zeros) or a little line noise."""
    n = int((transcript.duration + 1.0) * SR)
    data = np.zeros((n, channels), dtype=np.float32)
    if silence == "noise":
        data += np.random.default_rng(1).normal(0, 0.001, data.shape).astype(np.float32)
    for w, level, pitch in zip(transcript.words, levels, pitches or [1.0] * len(levels)):
        ch = 0 if channels == 1 else transcript.speaker(w.speaker).channel
        a = int(w.start * SR)
        sound = voice(w.end - w.start, level * (gain or {}).get(w.speaker, 1.0),
                      f0=(120.0 if w.speaker == "agent" else 190.0) * pitch)
        data[a:a + len(sound), ch] += sound
    sf.write(path, data if channels > 1 else data[:, 0], SR)
    return path


LONG = [*ROUTINE, *ROUTINE[1:]]  # enough speech per party for a baseline


# ---- loudness over speech ----

def test_digital_silence_between_turns_is_neither_speech_nor_a_baseline(tmp_path):
    tr = say(*LONG)
    env = loudness_envelope(record(tmp_path / "c.wav", tr, levels_of(LONG), channels=2))
    agent_words = [w for w in tr.words if w.speaker == "agent"]
    speech = speech_frames(env, 0)
    inside = np.mean([speech[env.frame((w.start + w.end) / 2)] for w in agent_words])
    assert inside > 0.9
    gaps = [env.frame(t) for t in np.arange(0.0, tr.duration, 0.05)
            if not any(w.start - 0.2 <= t <= w.end + 0.3 for w in agent_words)]
    assert np.mean(speech[gaps]) < 0.05
    s = compute_signals(tr, env)["raised_voice"]
    assert s.available and s.strength == 0, s.note
    assert "voice median -" in s.note and "-9" not in s.note.split("voice median")[1][:4]  # not the silence level


def test_a_party_louder_by_gain_is_not_raising_their_voice(tmp_path):
    tr = say(*LONG)
    path = record(tmp_path / "gain.wav", tr, levels_of(LONG), channels=2, gain={"customer": 8.0, "agent": 0.3})
    s = compute_signals(tr, loudness_envelope(path))["raised_voice"]
    assert s.available and s.strength == 0, s.note


def test_a_constant_automated_voice_on_a_mono_line_is_not_raised(tmp_path):
    lines = [Line(l.role, l.text, level=0.05 if l.role == "agent" else 0.3) for l in LONG]
    tr = say(*lines)
    path = record(tmp_path / "mono.wav", tr, levels_of(lines), channels=1, silence="noise")
    s = compute_signals(tr, loudness_envelope(path))["raised_voice"]
    assert s.available and s.strength == 0, s.note


def test_a_real_raise_is_still_found_between_digital_silences(tmp_path):
    lines = [*LONG[:4], Line("customer", "Nee, dat is niet wat ik bedoel, luister nou eens goed!", level=0.5, pitch=1.3),
             *LONG[4:]]
    tr = say(*lines)
    s = compute_signals(tr, loudness_envelope(record(tmp_path / "loud.wav", tr, levels_of(lines), channels=2,
                                                     pitches=pitches_of(lines))))
    assert s["raised_voice"].value > 9 and s["raised_voice"].strength > 0.8
    s = s["raised_voice"]
    loud = next(w.start for w in tr.words if w.text == "Nee,")
    assert s.evidence[0].role == "customer" and loud <= s.evidence[0].time < loud + 4


def test_short_loud_answers_to_a_machine_are_not_a_raised_voice(tmp_path):
    # like a caller saying "done" ... "finished" clearly to an automated line: loud and higher, but one word each
    short = [Line("customer", "Klaar.", level=0.5, pitch=1.3, per_word=0.5), Line("customer", "Verder.", level=0.5,
                                                                                   pitch=1.3, per_word=0.5)]
    lines = [*LONG[:3], short[0], LONG[4], short[1], *LONG[6:]]  # each answer a turn of its own
    tr = say(*lines)
    s = compute_signals(tr, loudness_envelope(record(tmp_path / "short.wav", tr, levels_of(lines), channels=2,
                                                     pitches=pitches_of(lines))))["raised_voice"]
    assert s.available and s.strength == 0 and not s.evidence, s.note
    # the same two raises as sentences are a raised voice
    long = [Line("customer", "Nee, dat klopt echt niet hoor!", level=0.5, pitch=1.3),
            Line("customer", "Ik wil nu een oplossing hebben!", level=0.5, pitch=1.3)]
    lines = [*LONG[:3], long[0], LONG[4], long[1], *LONG[6:]]
    tr = say(*lines)
    s = compute_signals(tr, loudness_envelope(record(tmp_path / "long.wav", tr, levels_of(lines), channels=2,
                                                     pitches=pitches_of(lines))))["raised_voice"]
    assert s.strength > 0.8 and len(s.evidence) >= 2, s.note


def test_louder_at_the_same_pitch_is_the_microphone_not_a_raised_voice(tmp_path):
    lines = [*LONG[:4], Line("customer", "Nee, dat is niet wat ik bedoel, luister nou eens goed!", level=0.5), *LONG[4:]]
    tr = say(*lines)
    s = compute_signals(tr, loudness_envelope(record(tmp_path / "near.wav", tr, levels_of(lines), channels=2)))
    assert s["raised_voice"].available and s["raised_voice"].strength == 0, s["raised_voice"].note


def test_noise_is_not_voiced(tmp_path):
    path = tmp_path / "noise.wav"
    sf.write(path, np.random.default_rng(2).normal(0, 0.05, SR * 5).astype(np.float32), SR)
    env = loudness_envelope(path)
    assert voiced_frames(env, 0).mean() < 0.05


# ---- turn timings checked against the audio ----

def shift_words(tr: Transcript, offset: float) -> Transcript:
    return Transcript.build([replace(w, start=w.start + offset, end=w.end + offset) for w in tr.words], tr.speakers,
                            language=tr.language)


def scrambled(tr: Transcript) -> Transcript:
    """Turn times that do not fit the speech: every word on a uniform, wrong schedule with a long
    gap in the middle (what a segment file with rough times gives)."""
    n = len(tr.words)
    words = [replace(w, start=round(i * 0.3 + (15.0 if i > n // 2 else 0.0), 3),
                     end=round(i * 0.3 + (15.0 if i > n // 2 else 0.0) + 0.25, 3)) for i, w in enumerate(tr.words)]
    return Transcript.build(words, tr.speakers, language=tr.language)


def test_timings_that_fit_the_audio_are_trusted(tmp_path):
    tr = say(*LONG)
    env = loudness_envelope(record(tmp_path / "c.wav", tr, levels_of(LONG), channels=2))
    signals = compute_signals(tr, env)
    assert signals.timing_fit > 0.8 and signals["speech_rate"].available and signals["silences"].available
    assert not any("timing" in n for n in signals.notes)


def test_turns_off_by_a_constant_are_shifted_back_onto_the_speech(tmp_path):
    tr = say(*LONG)
    env = loudness_envelope(record(tmp_path / "c.wav", tr, levels_of(LONG), channels=2))
    late = shift_words(tr, 4.0)
    signals = compute_signals(late, env)
    note = next(n for n in signals.notes if "re-placed" in n)
    assert "-4.0" in note and signals["speech_rate"].available and signals["talk_balance"].available


def test_turns_that_do_not_fit_make_timing_signals_unavailable_and_never_push_a_call_up(tmp_path):
    lines = [Line(l.role, l.text, pause=1.5, per_word=0.16 if l.role == "customer" else 0.35) for l in LONG]
    tr = say(*lines)
    env = loudness_envelope(record(tmp_path / "c.wav", tr, levels_of(lines), channels=1, silence="noise"))
    bad = scrambled(tr)
    signals = compute_signals(bad, env)
    assert any("do not fit" in n or "not computed from the turns" in n for n in signals.notes)
    for name in ("speech_rate", "interruptions", "silences", "talk_balance", "raised_voice"):
        assert not signals[name].available and signals[name].strength == 0, name
    trusting = compute_signals(bad)  # the same wrong times without audio to check them: they fire
    assert trusting["silences"].strength > 0
    assert analyse_call(bad, env).score <= analyse_call(bad).score


# ---- English calls ----

EN_ROUTINE = [
    Line("agent", "Good afternoon, you are speaking with customer service, how can I help you?"),
    Line("customer", "Hi, I would like to change my address because I am moving next month."),
    Line("agent", "I can do that for you. What is the new address?"),
    Line("customer", "It is twelve Church Street in Leeds."),
    Line("agent", "Thank you, I have changed that. Is there anything else I can help you with?"),
    Line("customer", "No that was all. Great that it was so quick, thanks."),
    Line("agent", "You are welcome, have a nice day."),
]


def en_signal(name, *lines):
    return compute_signals(say(*lines, language="en"))[name]


def test_an_english_routine_call_raises_no_text_signal():
    signals = compute_signals(say(*EN_ROUTINE, language="en"))
    assert signals.language == "en"
    fired = {s.name: s.strength for s in signals.signals if s.strength > 0}
    assert fired == {}


def test_english_complaint_and_escalation():
    s = en_signal("complaint_language", *EN_ROUTINE[:2],
                  Line("customer", "This is unacceptable, I want to make a complaint and speak to a manager."))
    assert s.strength >= 0.8 and all(e.role == "customer" for e in s.evidence)


def test_english_abuse_with_severity():
    s = en_signal("abusive_language", *EN_ROUTINE[:3], Line("customer", "You are a useless idiot, shut up."))
    assert s.value == 3 and s.strength >= 0.8 and "idiot" in s.evidence[0].quote
    mild = en_signal("abusive_language", *EN_ROUTINE[:3], Line("customer", "Oh jeez, darn it, that is a shame."))
    assert mild.value == 1 and 0 < mild.strength < 0.3


@pytest.mark.parametrize("heard", ["Okay damn you very much, bye.", "Damn you so much for your help.",
                                   "Hell o, is this the bus line?", "Alright damn you, goodbye."])
def test_asr_traps_are_never_abuse(heard):
    s = en_signal("abusive_language", *EN_ROUTINE[:5], Line("customer", heard))
    assert s.strength == 0 and "trap" in s.note


def test_a_trap_word_said_as_abuse_still_counts():
    s = en_signal("abusive_language", *EN_ROUTINE[:3], Line("customer", "Damn you, you never listen to me."))
    assert s.value == 3 and s.strength >= 0.8


def test_english_clarification_requests_by_the_agent():
    s = en_signal("clarification_requests", *EN_ROUTINE[:2], Line("agent", "Sorry, I didn't catch that."),
                  Line("customer", "Twelve Church Street."), Line("agent", "Can you repeat that please?"),
                  Line("customer", "Twelve Church Street."), Line("agent", "Say that again?"))
    assert s.strength >= 0.8 and all(e.role == "agent" for e in s.evidence)


def test_english_caller_confusion_and_bare_what():
    s = en_signal("caller_confusion", *EN_ROUTINE[:3], Line("customer", "What?"),
                  Line("agent", "The new address, please."), Line("customer", "I don't understand, I'm confused."),
                  Line("agent", "Where are you moving to?"), Line("customer", "Huh?"))
    assert s.strength >= 0.8 and all(e.role == "customer" for e in s.evidence)
    assert en_signal("caller_confusion", *EN_ROUTINE[:2], Line("customer", "What time does the office open?"),
                     *EN_ROUTINE[2:]).strength == 0


def test_english_transfer_to_a_supervisor():
    s = en_signal("transfers", *EN_ROUTINE[:2], Line("agent", "Let me get my supervisor, I will transfer you now."))
    assert s.strength > 0.5 and s.evidence[0].role == "agent"


def test_english_contradicting_amounts_with_number_words():
    s = en_signal("contradicting_mentions", *EN_ROUTINE[:2],
                  Line("agent", "Your bill is one hundred dollars this month."),
                  Line("customer", "That's not right, you said a hundred and ten dollars last week."))
    assert s.value >= 1 and s.strength > 0.5
    assert {e.role for e in s.evidence} == {"agent", "customer"}


def test_english_sentiment_dropping_towards_the_end():
    s = en_signal("sentiment_trajectory", Line("agent", "Hello, how can I help?"),
                  Line("customer", "Hi, thanks, great, I am happy you picked up so fast, perfect."),
                  Line("agent", "What is the problem?"), Line("customer", "Well it is about my internet connection."),
                  Line("agent", "I see."),
                  Line("customer", "This is terrible, awful, I am so frustrated and angry, worst service ever."))
    assert s.strength > 0.5


def test_an_agent_asking_the_same_question_again_is_a_clarification_request():
    s = en_signal("clarification_requests", EN_ROUTINE[0], Line("customer", "Erm, a bus."),
                  Line("agent", "What is your destination?"), Line("customer", "Airport."),
                  Line("agent", "What is your destination?"), Line("customer", "The airport!"),
                  Line("agent", "Sorry. What is your destination?"))
    assert s.value >= 1.6 and all(e.role == "agent" for e in s.evidence)
    steps = en_signal("clarification_requests", EN_ROUTINE[0], Line("customer", "Directions please."),
                      Line("agent", "First, walk to Forbes Avenue and turn left there. Shall I go on?"),
                      Line("customer", "Yes."),
                      Line("agent", "Next, take the bus seventy one towards downtown. Shall I go on?"),
                      Line("customer", "Yes."))
    assert steps.strength == 0
