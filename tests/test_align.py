"""Forced alignment of a transcript segment to real espeak-ng speech whose word times are known."""

from __future__ import annotations

import numpy as np
import pytest

from curation.audio.align import AlignmentFailed, align_segment, choose_variant
from curation.audio.espeak import SpeechUnavailable, Synthesiser
from curation.audio.io import excerpts, read, write
from curation.audio.speakable import spoken_form, spoken_text
from tests._align_fixtures import CUSTOMER, OTHER, faster, speak_words, with_noise, within

WORDS = [w for w, _ in CUSTOMER]


@pytest.fixture(scope="module")
def synth():
    with Synthesiser() as s:
        yield s


@pytest.fixture(scope="module")
def customer_speech():
    return speak_words(CUSTOMER, "nl+f1", seed=3)


def test_words_said_one_by_one_are_placed_within_80_ms(synth, customer_speech):
    samples, truth = customer_speech
    variant = choose_variant([(samples, 16000, WORDS)], "nl", synthesiser=synth)  # the closest synthetic voice
    result = align_segment(samples, 16000, WORDS, "nl", synthesiser=synth, variant=variant)
    assert len(result.words) == len(WORDS)
    assert within(result.words, truth) >= 0.9
    assert result.confident


def test_faster_noisy_telephone_speech_is_still_placed_within_80_ms(synth, customer_speech, tmp_path):
    samples, truth = customer_speech
    phone = with_noise(faster(samples, 16000, 1.1, 8000, tmp_path), snr_db=30, seed=1)
    variant = choose_variant([(phone, 8000, WORDS)], "nl", synthesiser=synth)
    result = align_segment(phone, 8000, WORDS, "nl", synthesiser=synth, variant=variant)
    assert within(result.words, truth, scale=1 / 1.1) >= 0.9
    number = result.words[WORDS.index("06-12345678")]  # said digit by digit, written as one word
    t0, t1 = truth[WORDS.index("06-12345678")]
    assert abs(number.start - t0 / 1.1) <= 0.08 and number.end >= t1 / 1.1 - 0.08


def test_words_that_were_not_said_come_out_not_confident(synth):
    samples, _ = speak_words(OTHER, "nl+m3", seed=5)
    result = align_segment(samples, 16000, WORDS[:13], "nl", synthesiser=synth)
    assert not result.confident and result.reason.startswith("the words do not match")
    assert all(not w.confident for w in result.words)


def test_silence_cannot_be_aligned(synth):
    with pytest.raises(AlignmentFailed, match="no speech"):
        align_segment(np.zeros(16000, np.float32), 16000, ["hallo"], "nl", synthesiser=synth)


def test_a_regional_language_code_speaks_with_its_language_voice():
    from curation.audio.espeak import voice_for

    assert voice_for("en-US") == voice_for("en_GB") == voice_for("EN") == "en"
    assert voice_for("nl-BE", "f2") == "nl+f2"
    assert voice_for("de") == "nl"  # no voice of its own: the Dutch one, as before


def test_a_missing_espeak_library_is_a_clear_error(monkeypatch):
    monkeypatch.setenv("CURATION_ESPEAK_LIBRARY", "/nonexistent/libespeak-ng.so.1")
    with pytest.raises(SpeechUnavailable, match="espeak-ng is not available"):
        with Synthesiser() as s:
            s.speak("hallo")


@pytest.mark.parametrize("written, said", [
    ("06-12345678", "nul zes één twee drie vier vijf zes zeven acht"),
    ("1234AB", "twaalf vierendertig A B"),
    ("1954", "negentien vierenvijftig"),
    ("jan.devries@ziggo.nl", "jan punt devries apenstaartje ziggo punt nl"),
    ("€45", "vijfenveertig euro"),
    ("ABNA", "A B N A"),
    ("Goedemiddag,", "Goedemiddag,"),
    ("-", ""),
])
def test_written_numbers_and_symbols_are_spoken_as_people_say_them(written, said):
    assert spoken_form(written, "nl") == said


def test_spoken_text_maps_every_word_to_its_characters():
    text, ranges = spoken_text(["Bel", "-", "06-12"], "nl")
    assert text == "Bel nul zes twaalf"
    assert [text[a:b] for a, b in ranges] == ["Bel", "", "nul zes twaalf"]


def test_excerpts_stream_each_window_once_in_order_of_start(tmp_path):
    rng = np.random.default_rng(0)
    data = rng.uniform(-0.5, 0.5, (8000 * 30, 2)).astype(np.float32)
    write(tmp_path / "a.wav", data, 8000, subtype="FLOAT")
    windows = [(10.0, 12.0), (0.5, 1.0), (5.0, 25.0), (24.0, 24.5), (29.0, 35.0)]
    got = dict(excerpts(tmp_path / "a.wav", windows, block_seconds=3.0))
    whole, _ = read(tmp_path / "a.wav")
    for i, (a, b) in enumerate(windows):
        assert np.array_equal(got[i], whole[int(a * 8000):int(min(b, 30.0) * 8000)])
