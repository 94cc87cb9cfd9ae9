"""Segment-level transcripts at ingest get word times from the audio; where that is not confident,
redaction covers the whole uncertain stretch and the report says so."""

from __future__ import annotations

import json

import numpy as np
import pytest
import soundfile as sf
from scipy.signal import resample_poly

from curation.model import Speaker, Transcript, Turn, Word
from curation.pii import PiiSpan, redaction_intervals
from tests._align_fixtures import AGENT, CUSTOMER, OTHER, speak_words, within, write_vtt

CLAIMED = [(w, w) for w in "Mijn naam is Jeroen Bakker en ik woon in Zwolle aan de haven.".split()]


def _at_8k(x):
    return resample_poly(x, 1, 2).astype(np.float32)


@pytest.fixture(scope="module")
def stereo_call(tmp_path_factory):
    """Agent on channel 0, customer on channel 1, one cue each; the truth per word."""
    folder = tmp_path_factory.mktemp("stereo")
    agent, agent_truth = speak_words(AGENT, "nl+m3", seed=1)
    customer, customer_truth = speak_words(CUSTOMER, "nl+f1", seed=2, lead=0.0)
    offset = len(agent) / 16000 + 0.4
    n = int(offset * 16000) + len(customer) + 8000
    both = np.zeros((n, 2), np.float32)
    both[:len(agent), 0] = agent
    both[int(offset * 16000):int(offset * 16000) + len(customer), 1] = customer
    sf.write(str(folder / "call-stereo.wav"), np.stack([_at_8k(both[:, 0]), _at_8k(both[:, 1])], axis=1), 8000)
    customer_truth = [(a + int(offset * 16000) / 16000, b + int(offset * 16000) / 16000) for a, b in customer_truth]
    write_vtt(folder / "call-stereo.vtt", [(agent_truth[0][0], agent_truth[-1][1], "Medewerker", AGENT),
                                           (customer_truth[0][0], customer_truth[-1][1], "Klant", CUSTOMER)])
    return folder, agent_truth + customer_truth


@pytest.fixture(scope="module")
def mismatched_call(tmp_path_factory):
    """Mono: the first cue is what was said; the second cue's text is not what its audio says."""
    folder = tmp_path_factory.mktemp("mismatch")
    said, truth = speak_words(CUSTOMER, "nl+f1", seed=4)
    other, other_truth = speak_words(OTHER, "nl+f1", seed=5, lead=0.0)
    gap = 0.8
    start2 = len(said) / 16000 + gap
    audio = np.concatenate([said, np.zeros(int(gap * 16000), np.float32), other, np.zeros(8000, np.float32)])
    sf.write(str(folder / "call-mono.wav"), _at_8k(audio), 8000)
    cue2 = (start2 + other_truth[0][0], start2 + other_truth[-1][1])
    write_vtt(folder / "call-mono.vtt", [(truth[0][0], truth[-1][1], "Klant", CUSTOMER), (*cue2, "Klant", CLAIMED)])
    return folder, cue2


def test_stereo_webvtt_call_is_aligned_on_each_speakers_channel_at_ingest(workspace, stereo_call):
    from curation.catalogue import get_call, read_transcript
    from curation.ingest import ingest

    folder, truth = stereo_call
    (outcome,) = ingest(workspace, [folder / "call-stereo.wav"], actor="tester")
    assert outcome.status == "imported", outcome.message
    assert "words aligned" in outcome.message
    transcript = read_transcript(workspace, outcome.call_id)
    assert {s.role: s.channel for s in transcript.speakers} == {"agent": 0, "customer": 1}
    assert within(transcript.words, truth) >= 0.9
    assert sum(w.aligned for w in transcript.words) >= 0.9 * len(transcript.words)
    assert all(w.aligned != w.estimated for w in transcript.words)
    alignment = get_call(workspace, outcome.call_id).metadata["alignment"]
    assert alignment["segments"] == 2 and alignment["confident_segments"] == 2
    assert set(alignment["voices"]) == {"agent", "customer"}


def test_ingest_without_espeak_keeps_the_estimate_with_a_warning(workspace, stereo_call, monkeypatch):
    from curation.catalogue import read_transcript
    from curation.ingest import ingest

    monkeypatch.setenv("CURATION_ESPEAK_LIBRARY", "/nonexistent/libespeak-ng.so.1")
    folder, _ = stereo_call
    (outcome,) = ingest(workspace, [folder / "call-stereo.wav"], actor="tester")
    assert outcome.status == "imported"
    assert "warning: word times estimated, not aligned" in outcome.message
    words = read_transcript(workspace, outcome.call_id).words
    assert all(w.estimated and not w.aligned for w in words)


def test_a_segment_whose_words_were_not_said_stays_estimated_and_its_pii_stretch_is_bleeped_whole(
        mismatched_call, tmp_path):
    from curation.anonymise import anonymise_audio
    from curation.ingest.alignment import align_transcript
    from curation.ingest.formats import read_transcript

    folder, (cue_start, cue_end) = mismatched_call
    transcript, summary = align_transcript(read_transcript(folder / "call-mono.vtt"), folder / "call-mono.wav")
    first, second = transcript.words[:len(CUSTOMER)], transcript.words[len(CUSTOMER):]
    assert sum(w.aligned for w in first) >= 0.9 * len(first)
    assert all(w.estimated and not w.aligned for w in second)
    assert summary.confident_segments == 1 and "could not be placed confidently" in summary.warning
    name = transcript.text.index("Jeroen Bakker")
    (interval,) = redaction_intervals(transcript, [PiiSpan("PERSON", name, name + len("Jeroen Bakker"), 1.0)],
                                      padding=0.0, estimated_padding=0.0)
    assert interval.widened and interval.start == pytest.approx(cue_start, abs=0.002)
    assert interval.end == pytest.approx(cue_end, abs=0.002)
    report = anonymise_audio(folder / "call-mono.wav", transcript, [interval], bytes(32), voice="none",
                             out=tmp_path / "out.wav")
    assert report.ok, report.blocked_reason
    (bleeped,) = report.redactions
    assert bleeped.verified and bleeped.alignment_uncertain
    assert bleeped.start <= cue_start and bleeped.end >= cue_end
    assert bleeped.reason == f"alignment uncertain: whole stretch {bleeped.start:.1f}-{bleeped.end:.1f} s bleeped"
    assert json.loads(report.to_json())["redactions"][0]["reason"].startswith("alignment uncertain")
    assert any("alignment uncertain" in w for w in report.warnings)


def _call(words, turns):
    return Transcript(tuple(words), (Speaker("a", "agent", 0), Speaker("k", "customer", 1)), tuple(turns))


def test_estimated_words_widen_to_the_nearest_confidently_placed_neighbours():
    words = [Word("mijn", 1.0, 1.2, "k", aligned=True), Word("naam", 1.3, 1.5, "k", aligned=True),
             Word("is", 1.6, 1.7, "k", estimated=True), Word("Jan", 1.8, 2.0, "k", estimated=True),
             Word("Smit", 2.1, 2.4, "k", estimated=True), Word("hoor", 2.9, 3.1, "k", aligned=True)]
    t = _call(words, [Turn("k", 0.9, 3.2, 0, 6)])
    (r,) = redaction_intervals(t, [PiiSpan("PERSON", t.text.index("Jan"), len("mijn naam is Jan Smit"), 1.0)],
                               padding=0.0, estimated_padding=0.0)
    assert r.widened and (r.start, r.end) == (1.5, 2.9)  # end of "naam" to start of "hoor"


def test_estimated_words_without_placed_neighbours_widen_to_the_whole_turn():
    words = [Word("ik", 5.0, 5.2, "a", aligned=True), Word("bel", 6.0, 6.3, "k", estimated=True),
             Word("Jan", 6.4, 6.7, "k", estimated=True), Word("Smit", 6.8, 7.1, "k", estimated=True)]
    t = _call(words, [Turn("a", 4.9, 5.3, 0, 1), Turn("k", 5.8, 7.6, 1, 4)])
    (r,) = redaction_intervals(t, [PiiSpan("PERSON", t.text.index("Jan"), len(t.text), 1.0)],
                               padding=0.0, estimated_padding=0.0)
    assert r.widened and (r.start, r.end) == (5.8, 7.6)


def test_words_alignment_bounds_are_bleeped_within_their_bounds_not_to_the_turn():
    """Two aligners agree on the segment but place "Smit" apart: it was said within its bounds."""
    words = [Word("mijn", 1.0, 1.2, "k", aligned=True), Word("naam", 1.3, 1.5, "k", aligned=True),
             Word("is", 1.6, 1.7, "k", aligned=True), Word("Jan", 1.8, 2.0, "k", aligned=True),
             Word("Smit", 1.9, 2.6, "k", estimated=True, aligned=True), Word("hoor", 2.9, 3.1, "k", estimated=True)]
    t = _call(words, [Turn("k", 0.9, 3.2, 0, 6)])
    assert [w.bounded for w in words] == [False, False, False, False, True, False]
    (r,) = redaction_intervals(t, [PiiSpan("PERSON", t.text.index("Jan"), len("mijn naam is Jan Smit"), 1.0)],
                               padding=0.0, estimated_padding=0.0)
    assert r.widened and r.estimated and (r.start, r.end) == (1.8, 2.6)  # "Jan" placed, "Smit" within its bounds
    # a span that also holds a word without bounds widens as before: from "Jan" (placed) to the turn's end
    (r,) = redaction_intervals(t, [PiiSpan("PERSON", t.text.index("Smit"), len(t.text), 1.0)],
                               padding=0.0, estimated_padding=0.0)
    assert r.widened and (r.start, r.end) == (1.9, 3.2)


def test_a_placed_word_beside_a_bounded_one_gets_more_room_on_that_side_only():
    """"Stel je voor!" placed by both aligners, the next word disputed: its end may run on ("voor" was placed
    0.36 s short on real Dutch speech); its start, beside a placed word, stays."""
    from curation.pii.timing import FACING_MARGIN

    words = [Word("nou", 0.5, 0.8, "k", aligned=True), Word("Stel", 1.0, 1.2, "k", aligned=True),
             Word("je", 1.2, 1.3, "k", aligned=True), Word("voor", 1.3, 1.6, "k", aligned=True),
             Word("Het", 1.5, 2.4, "k", estimated=True, aligned=True)]
    t = _call(words, [Turn("k", 0.4, 2.5, 0, 5)])
    (r,) = redaction_intervals(t, [PiiSpan("PERSON", t.text.index("Stel"), t.text.index("voor") + 4, 1.0)],
                               padding=0.0, estimated_padding=0.0)
    assert r.widened and not r.estimated and (r.start, r.end) == (1.0, 1.6 + FACING_MARGIN)
    (r,) = redaction_intervals(t, [PiiSpan("PERSON", 0, 3, 1.0)], padding=0.0, estimated_padding=0.0)
    assert not r.widened and (r.start, r.end) == (0.5, 0.8)  # "nou": both neighbours placed


def test_bounded_words_survive_the_project_json_round_trip(tmp_path):
    from curation.ingest.formats import project_json, read_transcript

    t = _call([Word("Smit", 0.1, 0.9, "a", estimated=True, aligned=True)], [])
    (tmp_path / "t.json").write_text(json.dumps(project_json.dump(t)))
    (back,) = read_transcript(tmp_path / "t.json").words
    assert back.bounded and (back.start, back.end) == (0.1, 0.9)


def test_confidently_aligned_words_are_not_widened_but_padded_a_little_more():
    from curation.anonymise.bleep import PAD_ALIGNED_SECONDS, PAD_SECONDS, Redaction, plan

    words = [Word("bel", 1.0, 1.2, "k", aligned=True), Word("Jan", 1.3, 1.6, "k", aligned=True)]
    t = _call(words, [Turn("k", 0.9, 1.7, 0, 2)])
    (r,) = redaction_intervals(t, [PiiSpan("PERSON", 4, 7, 1.0)], padding=0.0, estimated_padding=0.0)
    assert not r.widened and r.aligned and (r.start, r.end) == (1.3, 1.6)
    (aligned,) = plan([Redaction(r.start, r.end, "customer", "PERSON", aligned=True)], 10.0, 1000, {None: (0,)})
    (plain,) = plan([Redaction(r.start, r.end, "customer", "PERSON")], 10.0, 1000, {None: (0,)})
    assert PAD_ALIGNED_SECONDS > PAD_SECONDS
    assert aligned.first == round((1.3 - PAD_ALIGNED_SECONDS) * 1000) and plain.first == round((1.3 - PAD_SECONDS) * 1000)


def test_project_json_keeps_the_aligned_flag_and_older_files_still_load(tmp_path):
    from curation.ingest.formats import project_json, read_transcript

    t = _call([Word("hallo", 0.1, 0.4, "a", aligned=True), Word("daar", 0.5, 0.8, "a", estimated=True)], [])
    doc = project_json.dump(t)
    assert doc["words"][0]["aligned"] is True and "aligned" not in doc["words"][1]
    (tmp_path / "t.json").write_text(json.dumps(doc))
    back = read_transcript(tmp_path / "t.json")
    assert [(w.aligned, w.estimated) for w in back.words] == [(True, False), (False, True)]
    for w in doc["words"]:
        w.pop("aligned", None)
    (tmp_path / "old.json").write_text(json.dumps(doc))
    assert not any(w.aligned for w in read_transcript(tmp_path / "old.json").words)


def test_the_redaction_editor_marks_spans_whose_stretch_is_bleeped_whole(workspace, mismatched_call):
    from curation.clips import create_clip, redaction_spans
    from curation.ingest import ingest
    from widgets.redaction import RedactionEditor

    folder, (cue_start, cue_end) = mismatched_call
    (outcome,) = ingest(workspace, [folder / "call-mono.wav"], actor="tester")
    clip = create_clip(workspace, outcome.call_id, 0.0, cue_end + 0.2, user="tester")
    spans = redaction_spans(workspace, clip.id, user="tester")
    names = [s for s in spans if s.entity_type == "PERSON" and s.start >= cue_start - 0.5]
    assert names and all(s.alignment_uncertain for s in names)
    assert names[0].uncertain_stretch == pytest.approx((cue_start, cue_end), abs=0.002)
    assert any(s.entity_type == "PHONE_NUMBER" and not s.alignment_uncertain for s in spans)
    editor = RedactionEditor(workspace, user="tester")
    editor.show(clip)
    labels = [row.children[2].value for row in editor.spans_box.children]
    assert sum("alignment uncertain: whole stretch" in text for text in labels) == len(
        [s for s in spans if s.alignment_uncertain])
    assert any("cw-uncertain" in text for text in labels)
