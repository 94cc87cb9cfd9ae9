"""Forced alignment by phones (curation/audio/phone_align.py): pocketsphinx's acoustic model places
each word of Dutch espeak-ng speech whose word timing we know; pronunciations come from espeak-ng's
phonemes mapped onto the model's phones. Invented sentences only."""

from __future__ import annotations

import numpy as np
import pytest

from curation.audio.phone_align import ARPABET, PhoneAligner, espeak_phones, phones_of_ipa
from tests._align_fixtures import CUSTOMER, faster, speak_words, with_noise, within

WORDS = [w for w, _ in CUSTOMER]
MODEL_PHONES = {"AA", "AE", "AH", "AO", "AW", "AY", "B", "CH", "D", "DH", "EH", "ER", "EY", "F", "G", "HH", "IH", "IY",
                "JH", "K", "L", "M", "N", "NG", "OW", "OY", "P", "R", "S", "SH", "T", "TH", "UH", "UW", "V", "W", "Y",
                "Z", "ZH"}


@pytest.fixture(scope="module")
def aligner():
    return PhoneAligner()


@pytest.fixture(scope="module")
def second():
    """The pipeline's second opinion beside espeak-ng + DTW (wide beams)."""
    from curation.ingest.alignment import _phone_aligner

    return _phone_aligner("second")


@pytest.fixture(scope="module")
def customer_speech():
    return speak_words(CUSTOMER, "nl+f1", seed=3)


@pytest.mark.parametrize("ipa,phones", [
    ("ɣ_ˈu_d_ə_m_ˌɪ_d_ɑ_x", ["G", "UW", "D", "AH", "M", "IH", "D", "AA", "HH"]),  # goedemiddag
    ("h_ˈœy_s", ["HH", "AW", "S"]),  # huis: a Dutch diphthong onto the nearest English one
    ("v_ˌɛɪ_f_ə_n_v_ˈɛɪ_f_t_ə_x", ["V", "EY", "F", "AH", "N", "V", "EY", "F", "T", "AH", "HH"]),
    ("ð_ɪ_s", ["DH", "IH", "S"]),
    ("_ˈœy_t_ɣ_ə", ["AW", "T", "G", "AH"]),  # a leading separator and stress marks are no phones
])
def test_espeak_phonemes_map_onto_the_model_phones(ipa, phones):
    assert phones_of_ipa(ipa) == phones


def test_every_mapped_phone_is_a_model_phone():
    assert {p for mapped in ARPABET.values() for p in mapped.split()} <= MODEL_PHONES


def test_espeak_gives_one_pronunciation_per_word_even_for_numbers():
    texts = ["goedemiddag", "nul zes een twee", "klantenservice", "Utrecht"]
    got = espeak_phones(texts, "nl")
    assert len(got) == len(texts) and all(got)
    assert len(got[1]) > len(got[0]) - 4  # four number words, not one


ENGLISH = [("Hello,", "Hello,"), ("my", "my"), ("name", "name"), ("is", "is"), ("Margaret", "Margaret"),
           ("Collins", "Collins"), ("and", "and"), ("my", "my"), ("number", "number"), ("is", "is"),
           ("0612", "zero six one two"), ("I", "I"), ("live", "live"), ("in", "in"), ("Leicester.", "Leicester.")]


def test_english_words_said_one_by_one_are_placed_confidently(aligner):
    samples, truth = speak_words(ENGLISH, "en-us", seed=4)
    words = [w for w, _ in ENGLISH]
    result = aligner.align(samples, 16000, words, "en")
    assert len(result.words) == len(words)
    assert within(result.words, truth) >= 0.9
    assert result.confidence >= 0.5


def test_dutch_words_are_placed_by_their_espeak_phonemes(aligner, customer_speech):
    samples, truth = customer_speech
    result = aligner.align(samples, 16000, WORDS, "nl")
    assert len(result.words) == len(WORDS)
    assert within(result.words, truth) >= 0.9
    # the English model's cost on Dutch speech is above the English gate: the pipeline does not use it for Dutch
    assert result.cost is not None and result.cost > 25


def test_faster_noisy_telephone_speech_is_still_placed(aligner, customer_speech, tmp_path):
    samples, truth = customer_speech
    phone = with_noise(faster(samples, 16000, 1.1, 8000, tmp_path), snr_db=30, seed=1)
    result = aligner.align(phone, 8000, WORDS, "nl")
    assert within(result.words, truth, scale=1 / 1.1, tolerance=0.1) >= 0.8
    number = result.words[WORDS.index("06-12345678")]  # said digit by digit, written as one word
    t0, t1 = truth[WORDS.index("06-12345678")]
    assert abs(number.start - t0 / 1.1) <= 0.1 and number.end >= t1 / 1.1 - 0.1


def test_words_that_were_not_said_are_not_placed_confidently(aligner):
    samples, _ = speak_words(ENGLISH, "en-us", seed=5)
    wrong = "the weather is very nice today and the sun is shining on the beach".split()
    try:
        result = aligner.align(samples, 16000, wrong, "en")
    except ValueError:
        return  # no path through the wrong words at all: the segment stays unaligned
    assert result.confidence < 0.5


def test_silence_finds_no_confident_path(aligner):
    try:
        result = aligner.align(np.zeros(16000, np.float32), 16000, ["hallo", "daar"], "nl")
    except ValueError:
        return
    assert result.confidence < 0.5


WRONG_EN = [(w, w) for w in "the weather is very nice today and the sun is shining on the beach".split()]


def test_an_english_webvtt_is_placed_by_phones_and_a_wrong_cue_stays_estimated(tmp_path):
    """The pipeline: an English segment-level transcript; the first cue is what was said, the second
    cue's text is not what its audio says (its audio says the first cue's words again)."""
    import soundfile as sf

    from curation.ingest.alignment import align_transcript
    from curation.ingest.formats import read_transcript
    from tests._align_fixtures import write_vtt

    said, truth = speak_words(ENGLISH, "en-us", seed=6)
    again, truth2 = speak_words(ENGLISH, "en-us+m3", seed=7, lead=0.0)
    gap = 0.8
    start2 = len(said) / 16000 + gap
    audio = np.concatenate([said, np.zeros(int(gap * 16000), np.float32), again, np.zeros(8000, np.float32)])
    sf.write(str(tmp_path / "call.wav"), audio, 16000)
    write_vtt(tmp_path / "call.vtt", [(truth[0][0], truth[-1][1], "Customer", ENGLISH),
                                      (start2 + truth2[0][0], start2 + truth2[-1][1], "Customer", WRONG_EN)])
    transcript, summary = align_transcript(read_transcript(tmp_path / "call.vtt"), tmp_path / "call.wav", "en-GB")
    first, second = transcript.words[:len(ENGLISH)], transcript.words[len(ENGLISH):]
    assert summary.phone_aligned_segments == 1 and summary.confident_segments == 1
    placed = [(w, t) for w, t in zip(first, truth) if w.aligned]
    assert len(placed) >= 0.7 * len(first)  # words whose own stretch costs too much stay estimated
    assert all(w.estimated for w in first if not w.aligned)
    assert within([w for w, _ in placed], [t for _, t in placed]) >= 0.9
    assert all(w.estimated and not w.aligned for w in second)


@pytest.mark.parametrize("swap", ["Richardson", "Baker", "window"])
def test_a_word_the_transcript_got_wrong_is_not_vouched_for_inside_a_placed_segment(aligner, swap):
    """ASR output has wrong words: the segment still aligns, but the wrong word's own stretch costs far
    more than its neighbours', so it is not taken as placed (the pipeline keeps it estimated)."""
    samples, _ = speak_words(ENGLISH, "en-us", seed=6)
    words = [w for w, _ in ENGLISH]
    words[5] = swap  # "Collins" was said
    result = aligner.align(samples, 16000, words, "en")
    assert result.confidence >= 0.5
    assert not result.words[5].placed
    assert result.words[9].placed and result.words[11].placed  # "is", "I": said as written


def test_telephone_recordings_are_not_given_to_the_acoustic_model(tmp_path):
    """At 8 kHz the model's gate tells wrong transcripts from right ones too poorly: the pipeline keeps the
    espeak-ng aligner there; for Dutch the model is only its second opinion (`_agreed`)."""
    import soundfile as sf
    from scipy.signal import resample_poly

    from curation.ingest.alignment import align_transcript
    from curation.ingest.formats import read_transcript
    from tests._align_fixtures import write_vtt

    said, truth = speak_words(ENGLISH, "en-us", seed=6)
    sf.write(str(tmp_path / "call.wav"), resample_poly(said, 1, 2).astype(np.float32), 8000)
    write_vtt(tmp_path / "call.vtt", [(truth[0][0], truth[-1][1], "Customer", ENGLISH)])
    _, summary = align_transcript(read_transcript(tmp_path / "call.vtt"), tmp_path / "call.wav", "en")
    assert summary.phone_aligned_segments == 0 and summary.segments == 1


def test_the_same_audio_is_placed_the_same_whatever_was_aligned_before(customer_speech):
    """One decoder serves a whole process: its placements must not depend on the segments before."""
    samples, _ = speak_words(ENGLISH, "en-us", seed=6)
    words = [w for w, _ in ENGLISH]
    fresh = PhoneAligner().align(samples, 16000, words, "en")
    used = PhoneAligner()
    used.align(customer_speech[0], 16000, WORDS, "nl")
    again = used.align(samples, 16000, words, "en")
    assert fresh == again


@pytest.mark.parametrize("first,second,expected", [
    ([(0.0, 0.5)], [(0.1, 0.6)], [True]),  # both edges within 0.12 s
    ([(0.0, 0.5)], [(0.0, 0.7)], [False]),  # the end 0.2 s apart
    ([(0.0, 0.5)], [(0.2, 0.5)], [False]),  # the start 0.2 s apart
    ([(0.3, 0.3)], [(0.3, 0.3)], [False]),  # no duration: nothing said, nothing placed
    ([(0.0, 0.5), (0.5, 1.0)], [(0.05, 0.5), (0.9, 1.4)], [True, False]),
])
def test_two_placements_agree_on_a_word_only_when_both_edges_are_close(first, second, expected):
    from curation.ingest.alignment import agreeing

    assert agreeing(first, second) == expected


def test_words_both_aligners_place_alike_span_both_placements(second, customer_speech):
    """The fallback for a segment neither aligner is sure of: real espeak-ng Dutch speech, the real
    acoustic model and the real espeak-ng + DTW aligner; the agreed words cover where the speech was."""
    from curation.audio.align import align_segment
    from curation.audio.espeak import Synthesiser
    from curation.ingest.alignment import AGREE_TOL, BOUND_MARGIN, _agreed

    samples, truth = customer_speech
    with Synthesiser() as synth:  # a synthetic voice unlike the speaker's: the DTW aligner is not sure
        dtw = align_segment(samples, 16000, WORDS, "nl", synthesiser=synth, variant="f4")
    assert not dtw.confident
    both, agreeing_words = _agreed(second, samples, 16000, WORDS, "nl", dtw)
    assert len(both) == len(WORDS)
    agreed = [(t0, t1) for t0, t1, said in both if said]
    assert agreeing_words == len(agreed)
    assert 0.3 * len(WORDS) <= len(agreed) < len(WORDS)
    for (t0, t1, said), (a, b), d in zip(both, truth, dtw.words):
        if said:
            assert t0 <= d.start and t1 >= d.end and t1 - t0 <= (d.end - d.start) + 2 * AGREE_TOL
            assert t0 - 0.12 <= a and t1 + 0.12 >= b  # inside the padded bleep of an aligned word
        else:  # bounded: both placements and the margin, inside the bleep of an estimated word
            assert t0 <= max(0.0, d.start - BOUND_MARGIN) + 1e-9 and t1 >= d.end + BOUND_MARGIN - 1e-9
            assert t0 - 0.25 <= a and t1 + 0.25 >= b


def test_on_telephone_audio_the_words_both_aligners_place_alike_and_the_bounds_cover_the_speech(
        second, customer_speech):
    """The same fallback on 8 kHz audio (Dutch telephone calls get the second opinion too): real espeak-ng
    speech, both real aligners; every word's bleep (placed: PAD_ALIGNED_SECONDS, bounded:
    PAD_ESTIMATED_SECONDS) covers where it was said."""
    from scipy.signal import resample_poly

    from curation.anonymise.bleep import PAD_ALIGNED_SECONDS, PAD_ESTIMATED_SECONDS
    from curation.audio.align import align_segment
    from curation.audio.espeak import Synthesiser
    from curation.ingest.alignment import _agreed

    samples, truth = customer_speech
    narrow = resample_poly(samples, 1, 2).astype(np.float32)
    with Synthesiser() as synth:
        dtw = align_segment(narrow, 8000, WORDS, "nl", synthesiser=synth, variant="f4")
    assert not dtw.confident
    both, agreeing_words = _agreed(second, narrow, 8000, WORDS, "nl", dtw)
    assert agreeing_words == sum(said for *_, said in both) >= 0.3 * len(WORDS)
    for (t0, t1, said), (a, b) in zip(both, truth):
        pad = PAD_ALIGNED_SECONDS if said else PAD_ESTIMATED_SECONDS
        assert t0 - pad <= a and t1 + pad >= b


def test_a_wrong_transcript_finds_too_few_agreeing_words(second, customer_speech):
    """Neither for the segment itself (AGREE_SHARE) nor for a call vouching for its other segments
    (CALL_AGREE_SHARE: a recording whose transcript agrees this little vouches for none of them)."""
    from curation.audio.align import AlignmentFailed, align_segment
    from curation.audio.espeak import Synthesiser
    from curation.ingest.alignment import AGREE_SHARE, CALL_AGREE_SHARE, _agreed, vouched

    samples, _ = customer_speech
    wrong = ("Ik wil graag mijn abonnement opzeggen want het is veel te duur geworden voor ons "
             "sinds de laatste verhoging").split()[:len(WORDS)]
    with Synthesiser() as synth:
        try:
            dtw = align_segment(samples, 16000, wrong, "nl", synthesiser=synth, variant="f4")
        except AlignmentFailed:
            return  # no path at all: nothing is placed either
    found = _agreed(second, samples, 16000, wrong, "nl", dtw)
    agreeing_words = 0 if found is None else found[1]
    assert agreeing_words < AGREE_SHARE * len(wrong) and agreeing_words < CALL_AGREE_SHARE * len(wrong)
    assert vouched(["a segment"], agreeing_words, len(wrong)) == []


@pytest.mark.parametrize("agreeing,words,expected", [
    (30, 100, 2),  # a right transcript: a third of the words agree, its weak segments are bounded
    (15, 100, 2),  # exactly CALL_AGREE_SHARE
    (14, 100, 0),  # below: the weak segments keep their whole stretch
    (4, 100, 0),  # a wrong transcript (3-4 % of words agree by chance)
    (0, 0, 0),  # nothing was asked about
])
def test_a_recording_vouches_for_its_weak_segments_only_when_enough_of_its_words_agree(agreeing, words, expected):
    from curation.ingest.alignment import vouched

    assert len(vouched(["first", "second"], agreeing, words)) == expected


GREETING = "goedemiddag u spreekt met de klantenservice van het energiebedrijf waarmee kan ik u helpen"


def test_the_second_opinion_finds_a_path_the_calibrated_beams_prune_away_in_telephone_speech(aligner, second):
    """espeak-ng's Dutch greeting cut to 8 kHz: with the beams the acoustic model was calibrated with (placing
    English alone) the search loses the only path through the words; the second opinion's wide beams
    (`WIDE_BEAM`) keep it and place every word start within AGREE_TOL of where espeak-ng said it."""
    from scipy.signal import resample_poly

    from curation.audio.espeak import Synthesiser
    from curation.ingest.alignment import AGREE_TOL

    with Synthesiser() as synth:
        speech = synth.speak(GREETING, "nl")
    telephone = resample_poly(speech.samples, 8000, speech.sample_rate).astype(np.float32)
    words = GREETING.split()
    # why WIDE_BEAM exists; should espeak-ng ever say this so that the narrow search keeps its path, pick
    # another sentence that loses it (benchmarks/pii_audio_dutch.py found 14 in 120 real segments)
    with pytest.raises(ValueError, match="no alignment path"):
        aligner.align(telephone, 8000, words, "nl")
    placed = second.align(telephone, 8000, words, "nl")
    starts = [sample / speech.sample_rate for _, sample in speech.word_starts]
    assert len(starts) == len(words) == len(placed.words)
    assert all(abs(w.start - t) <= AGREE_TOL for w, t in zip(placed.words, starts))


@pytest.mark.parametrize("own_share", [True, False])
def test_a_segment_agreeing_on_its_own_is_not_bounded_when_the_call_does_not_vouch(own_share):
    """Wide beams give wrong transcripts paths too (7-9 of 120 wrong segments reached AGREE_SHARE on their
    own in benchmarks/pii_audio_dutch.py): every agreeing segment waits for the whole call's share."""
    from curation.ingest.alignment import CALL_AGREE_SHARE, vouched

    segment = ("segment", 0.0, [(0.1, 0.5, True)], own_share)
    assert vouched([segment], 10, 100) == []  # a wrong transcript's call: 0.10 < CALL_AGREE_SHARE
    assert vouched([segment], int(CALL_AGREE_SHARE * 100), 100) == [segment]


def test_a_weakly_agreeing_segment_places_no_word_and_bounds_each_wider():
    from curation.ingest.alignment import BOUND_MARGIN, WEAK_MARGIN, _widened

    # as `_agreed` gives them: an agreed word spans both placements, another is BOUND_MARGIN wider already
    both = [(1.0, 1.4, True), (1.3 - BOUND_MARGIN, 1.9 + BOUND_MARGIN, False), (0.1, 0.3, True)]
    widened = _widened(both)
    assert [said for *_, said in widened] == [False, False, False]
    assert [t for t0, t1, _ in widened for t in (t0, t1)] == pytest.approx(
        [1.0 - WEAK_MARGIN, 1.4 + WEAK_MARGIN, 1.3 - WEAK_MARGIN, 1.9 + WEAK_MARGIN, 0.0, 0.3 + WEAK_MARGIN])
    assert WEAK_MARGIN > BOUND_MARGIN
