"""Spans on transcript text -> words -> time intervals per speaker; unplaceable spans fail closed."""

from __future__ import annotations

import pytest

from curation.model import Speaker, Transcript, Word
from curation.pii import PiiSpan, UnplaceableSpan, detect, redaction_intervals


def transcript(items, estimated=()):
    """items: (speaker, text) pairs, one word each, 0.5 s per word."""
    words = []
    for k, (speaker, text) in enumerate(items):
        words.append(Word(text, k * 0.5, k * 0.5 + 0.4, speaker, 0.9, k in estimated))
    return Transcript(words=tuple(words), speakers=(Speaker("agent", "agent", 0), Speaker("customer", "customer", 1)))


CALL = transcript([
    ("agent", "Goedemiddag,"), ("agent", "met"), ("agent", "wie"), ("agent", "spreek"), ("agent", "ik?"),
    ("customer", "Met"), ("customer", "Jan"), ("customer", "de"), ("customer", "Vries,"), ("customer", "mijn"),
    ("customer", "nummer"), ("customer", "is"), ("customer", "nul"), ("customer", "zes"), ("customer", "twaalf"),
    ("customer", "vierendertig"), ("customer", "zesenvijftig"), ("customer", "achtenzeventig."),
])


def test_detected_name_maps_to_its_words_and_times():
    intervals = redaction_intervals(CALL, padding=0.0)
    person = [r for r in intervals if r.entity_type == "PERSON"]
    assert len(person) == 1
    assert person[0].word_indices == (6, 7, 8)
    assert person[0].start == pytest.approx(3.0) and person[0].end == pytest.approx(4.4)
    assert person[0].speaker == "customer" and not person[0].estimated


def test_spoken_phone_number_maps_to_all_six_words():
    phone = [r for r in redaction_intervals(CALL, padding=0.0) if r.entity_type == "PHONE_NUMBER"]
    assert [r.word_indices for r in phone] == [(12, 13, 14, 15, 16, 17)]
    assert phone[0].start == pytest.approx(6.0) and phone[0].end == pytest.approx(8.9)


def test_span_offsets_line_up_with_word_offsets():
    text = CALL.text
    offsets = CALL.word_offsets()
    for span in detect(text):
        covered = [i for i, (a, b) in enumerate(offsets) if a < span.end and b > span.start]
        assert text[span.start:span.end].split()[0] in CALL.words[covered[0]].text


def test_padding_widens_but_never_goes_below_zero():
    t = transcript([("customer", "Jan"), ("customer", "de"), ("customer", "Vries")])
    span = PiiSpan("PERSON", 0, len("Jan de Vries"), 0.9)
    (r,) = redaction_intervals(t, [span], padding=0.1)
    assert r.start == 0.0 and r.end == pytest.approx(1.4 + 0.1)


def test_estimated_words_widen_to_their_stretch_with_the_larger_padding():
    t = transcript([("customer", "bel"), ("customer", "Jan")], estimated={1})
    (r,) = redaction_intervals(t, [PiiSpan("PERSON", 4, 7, 0.9)], padding=0.05, estimated_padding=0.3)
    # from the end of the confidently placed "bel" (0.4 s) to the end of the turn (0.9 s), padded
    assert r.estimated and r.widened
    assert r.start == pytest.approx(0.4 - 0.3) and r.end == pytest.approx(0.9 + 0.3)


def test_span_across_two_speakers_gives_one_interval_per_speaker():
    t = transcript([("agent", "nul"), ("agent", "zes"), ("customer", "twaalf"), ("customer", "vierendertig")])
    span = PiiSpan("PHONE_NUMBER", 0, len(t.text), 0.9)
    intervals = redaction_intervals(t, [span], padding=0.0)
    assert [(r.speaker, r.word_indices) for r in intervals] == [("agent", (0, 1)), ("customer", (2, 3))]


def test_partial_word_span_covers_the_whole_word():
    t = transcript([("customer", "mail:"), ("customer", "jan@ziggo.nl,"), ("customer", "graag")])
    start = t.text.index("jan")
    (r,) = redaction_intervals(t, [PiiSpan("EMAIL_ADDRESS", start, start + len("jan@ziggo.nl"), 0.9)], padding=0.0)
    assert r.word_indices == (1,) and r.start == pytest.approx(0.5) and r.end == pytest.approx(0.9)


def test_span_on_no_word_is_unplaceable():
    t = transcript([("customer", "Jan"), ("customer", "Vries")])
    with pytest.raises(UnplaceableSpan, match="covers no transcript word"):
        redaction_intervals(t, [PiiSpan("PERSON", 3, 4, 0.9)])  # the blank between the words


def test_span_beyond_the_text_is_unplaceable():
    t = transcript([("customer", "Jan")])
    with pytest.raises(UnplaceableSpan, match="beyond the transcript"):
        redaction_intervals(t, [PiiSpan("PERSON", 0, 10, 0.9)])


def test_word_without_duration_is_unplaceable():
    words = (Word("Jan", 1.0, 1.0, "customer"),)
    t = Transcript(words=words, speakers=(Speaker("customer", "customer"),))
    with pytest.raises(UnplaceableSpan, match="without usable times") as err:
        redaction_intervals(t, [PiiSpan("PERSON", 0, 3, 0.9)])
    assert err.value.word_indices == (0,)


def test_empty_transcript_gives_no_intervals():
    t = Transcript(words=(), speakers=(Speaker("agent", "agent"),))
    assert redaction_intervals(t) == []


def test_intervals_are_sorted_by_time():
    starts = [r.start for r in redaction_intervals(CALL)]
    assert starts == sorted(starts)
