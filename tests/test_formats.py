"""Transcript readers: every format yields the same words, speakers and roles."""

from __future__ import annotations

import pytest

from curation.errors import ImportProblem
from curation.ingest.formats import detect_format, read_transcript
from tests import fixtures


def texts(transcript):
    return [w.text for w in transcript.words]


def test_project_json_keeps_word_times_and_confidence(tmp_path):
    t = read_transcript(fixtures.project_json(tmp_path / "c.json"))
    assert texts(t) == [w[3] for w in fixtures.EXCHANGE]
    assert t.words[5].start == 3.00 and t.words[5].speaker == "customer" and t.words[5].confidence == 0.9
    assert not t.timings_estimated
    assert [(turn.speaker, turn.first, turn.last) for turn in t.turns] == [("agent", 0, 5), ("customer", 5, 9)]


def test_project_json_schema_violation_names_the_place(tmp_path):
    path = fixtures.project_json(tmp_path / "c.json")
    path.write_text(path.read_text().replace('"start": 3.0', '"start": "drie"'))
    with pytest.raises(ImportProblem, match=r"c\.json: does not match the transcript schema at words/5/start"):
        read_transcript(path)


def test_webvtt_voices_become_speakers_with_estimated_word_times(tmp_path):
    t = read_transcript(fixtures.vtt(tmp_path / "c.vtt"))
    assert texts(t) == [w[3] for w in fixtures.EXCHANGE]
    assert {s.label: s.role for s in t.speakers} == {"Medewerker": "agent", "Klant": "customer"}
    assert t.timings_estimated and all(w.estimated for w in t.words)
    assert t.words[0].start == pytest.approx(0.2) and t.words[4].end <= 2.5
    assert all(0.2 <= w.start < w.end <= 2.5 for w in t.words[:5])
    assert [w.start for w in t.words] == sorted(w.start for w in t.words)


def test_webvtt_named_speakers_get_roles_by_order(tmp_path):
    t = read_transcript(fixtures.vtt(tmp_path / "c.vtt", names=("Anna Jansen", "Piet de Boer")))
    assert {s.label: s.role for s in t.speakers} == {"Anna Jansen": "agent", "Piet de Boer": "customer"}


def test_webvtt_two_voices_in_one_cue(tmp_path):
    path = tmp_path / "c.vtt"
    path.write_text("WEBVTT\n\n00:01.000 --> 00:03.000\n<v Klant>Hallo?</v> <v Medewerker>Ja, hallo.\n")
    t = read_transcript(path)
    assert [(w.text, w.speaker) for w in t.words] == [("Hallo?", "Klant"), ("Ja,", "Medewerker"), ("hallo.", "Medewerker")]
    assert t.words[0].end <= t.words[1].start


def test_aws_speaker_labels_and_punctuation(tmp_path):
    path = fixtures.aws(tmp_path / "c.json")
    assert detect_format(path) == "aws"
    t = read_transcript(path)
    assert texts(t) == [w[3] for w in fixtures.EXCHANGE]
    assert {s.label: s.role for s in t.speakers} == {"spk_0": "agent", "spk_1": "customer"}
    assert t.words[0].confidence == pytest.approx(0.93)
    assert t.language == "nl"


def test_aws_channel_identification_maps_channels_to_roles(tmp_path):
    t = read_transcript(fixtures.aws(tmp_path / "c.json", channel_mode=True))
    assert {(s.label, s.role, s.channel) for s in t.speakers} == {("ch_0", "agent", 0), ("ch_1", "customer", 1)}


def test_stm_segments_and_rttm_turns(tmp_path):
    path = fixtures.stm(tmp_path / "c.stm", with_rttm=True)
    t = read_transcript(path)
    assert texts(t) == [w[3] for w in fixtures.EXCHANGE]
    assert t.timings_estimated
    assert [(turn.speaker, turn.start, turn.first, turn.last) for turn in t.turns] == [("A", 0.2, 0, 5), ("B", 3.0, 5, 9)]
    assert {s.label: s.channel for s in t.speakers} == {"A": 0, "B": 1}


@pytest.mark.parametrize("content, message", [
    (b"", "transcript file is empty"),
    ("WEBVTT\n\n00:01.000 --> 00:03.000\n<v Klant>Caf\xe9\n".encode("latin-1"), "unknown text encoding"),
    (b"NOT A VTT\n", "not a WebVTT file"),
    (b"WEBVTT\n\n00:05.000 --> 00:03.000\nhallo\n", "ends before it starts"),
])
def test_bad_vtt_gives_one_line_error(tmp_path, content, message):
    path = tmp_path / "bad.vtt"
    path.write_bytes(content)
    with pytest.raises(ImportProblem) as info:
        read_transcript(path)
    assert message in str(info.value) and str(path) in str(info.value) and "\n" not in str(info.value)


def test_utf16_with_bom_is_accepted(tmp_path):
    t = read_transcript(fixtures.vtt(tmp_path / "c.vtt", encoding="utf-16"))
    assert texts(t)[0] == "Goedemiddag,"


def test_unknown_json_is_refused(tmp_path):
    path = tmp_path / "x.json"
    path.write_text('{"hello": 1}')
    with pytest.raises(ImportProblem, match="neither a curation transcript nor an AWS"):
        read_transcript(path)


@pytest.mark.parametrize("value", ["1e999", "Infinity", "1e300"])
def test_project_json_time_beyond_any_recording_is_refused(tmp_path, value):
    path = fixtures.project_json(tmp_path / "c.json")
    path.write_text(path.read_text().replace('"start": 3.0', f'"start": {value}', 1)
                    .replace('"end": 3.4', f'"end": {value}', 1))
    with pytest.raises(ImportProblem, match=r"c\.json: invalid transcript \(word .* ends at .* beyond any recording"):
        read_transcript(path)


@pytest.mark.parametrize("end", ["inf", "1e999", "5.001e308", "99999999"])
def test_stm_time_beyond_any_recording_is_refused(tmp_path, end):
    path = tmp_path / "c.stm"
    path.write_text(f"c A agent 0.00 2.50 goedemiddag met jan\nc B customer 2.60 {end} ja hallo\n")
    with pytest.raises(ImportProblem, match=r"c\.stm: invalid transcript \(word 'ja' ends at .* beyond any recording"):
        read_transcript(path)
