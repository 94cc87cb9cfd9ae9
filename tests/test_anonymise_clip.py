"""Clip ranges: snapping to word and turn edges, validation, and warnings for odd input."""

from __future__ import annotations

import numpy as np
import pytest

from curation.anonymise import anonymise_audio
from curation.anonymise.clip import ClipRangeError, resolve, snap
from curation.audio import read, write
from curation.model import Speaker, Transcript, Word
from tests._anonymise_fixtures import make_call

TR = Transcript.build([Word("een", 1.0, 1.4, "a"), Word("twee", 1.5, 2.0, "a"), Word("drie", 4.0, 4.6, "b"),
                       Word("vier", 4.7, 5.2, "b")], [Speaker("a", "agent"), Speaker("b", "customer")])


def test_snap_to_word_widens_a_cut_through_a_word():
    r = snap(TR, 1.2, 4.3, "word")
    assert (r.start, r.end) == (1.0, 4.6)


def test_snap_to_turn_widens_to_the_whole_turn():
    r = snap(TR, 1.7, 4.3, "turn")
    assert (r.start, r.end) == (1.0, 5.2)


def test_no_snap_keeps_the_times():
    assert snap(TR, 1.2, 4.3, "none") == snap(None, 1.2, 4.3, "word")


@pytest.mark.parametrize("start,end,msg", [(5.0, 4.0, "empty or reversed"), (12.0, 13.0, "recording lasts")])
def test_bad_ranges_are_refused(start, end, msg):
    with pytest.raises(ClipRangeError, match=msg):
        resolve(10.0, TR, start, end)


def test_snapped_clip_duration_matches_the_snapped_range(tmp_path):
    call, tr = make_call(tmp_path)
    w = tr.words[3]
    mid = (w.start + w.end) / 2
    report = anonymise_audio(call, tr, [], b"k" * 32, voice="none", start=mid, end=mid + 2.0, snap="word",
                             out=tmp_path / "c.wav", target_lufs=None)
    assert report.clip["start"] == w.start
    out, sr = read(tmp_path / "c.wav")
    assert len(out) == round(report.clip["end"] * sr) - round(w.start * sr)


def test_silent_input_is_exported_with_a_warning(tmp_path):
    write(tmp_path / "s.wav", np.zeros((8000 * 3, 2), dtype=np.float32), 8000)
    report = anonymise_audio(tmp_path / "s.wav", None, [], b"k" * 32, out=tmp_path / "o.wav")
    assert report.ok and any("silent" in w for w in report.warnings)


def test_clipped_input_gets_a_warning(tmp_path):
    x = np.clip(3 * np.sin(np.linspace(0, 2000, 8000 * 2)), -1, 1).astype(np.float32)
    write(tmp_path / "c.wav", x, 8000)
    report = anonymise_audio(tmp_path / "c.wav", None, [], b"k" * 32, voice="none", out=tmp_path / "o.wav")
    assert any("clipped" in w for w in report.warnings)


def test_mono_timeline_returns_to_the_speaker_after_an_interruption():
    from curation.anonymise.speakers import mono_timeline

    words = [Word("lang", 1.0, 6.0, "a"), Word("kort", 2.0, 2.5, "b"), Word("ja", 8.0, 9.0, "b")]
    tr = Transcript.build(words, [Speaker("a", "agent"), Speaker("b", "customer")])
    segs, warnings = mono_timeline(tr, 10 * 8000, 8000)
    assert not warnings
    assert [(s.first / 8000, s.last / 8000, s.role) for s in segs] == [
        (0.0, 2.0, "agent"), (2.0, 2.5, "customer"), (2.5, 7.0, "agent"), (7.0, 10.0, "customer")]
