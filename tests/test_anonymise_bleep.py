"""PII bleeping: sample-exact placement, tone or silence, padding, verification, fail-closed blocking."""

from __future__ import annotations

import json

import numpy as np
import pytest
import soundfile as sf
from tests._anonymise_fixtures import make_call

from curation.anonymise import PlacementError, Redaction, anonymise_audio
from curation.anonymise import bleep as bleeping
from curation.anonymise.verify import DECODED_THRESHOLD_DBFS, codec_guard_seconds, verify_interval
from curation.anonymise.verify_file import verify_audio_file
from curation.audio import Writer, read

KEY = bytes(range(32))


def plain(call, transcript, intervals, out, **kw):
    """Bleep only: no disguise, no loudness change, float WAV, so samples can be compared exactly."""
    kw.setdefault("voice", "none")
    return anonymise_audio(call, transcript, intervals, KEY, out=out, target_lufs=None, **kw)


def test_plan_pads_and_places_on_the_speakers_channel():
    r = Redaction(1.0, 1.5, "customer", "PERSON")
    [span] = bleeping.plan([r], 10.0, 8000, {"agent": (0,), "customer": (1,), None: (0, 1)}, pad=0.05)
    assert (span.first, span.last, span.channels) == (7600, 12400, (1,))


def test_estimated_word_times_get_more_padding():
    exact, est = bleeping.plan([Redaction(2.0, 2.5, None, "PERSON"), Redaction(5.0, 5.5, None, "PERSON", True)],
                               10.0, 16000, {None: (0,)}, pad=0.05, pad_estimated=0.25)
    assert exact.last - exact.first == int(0.6 * 16000)
    assert est.last - est.first == int(1.0 * 16000)


@pytest.mark.parametrize("bad,reason", [
    (Redaction(None, 1.0, "agent", "PERSON"), "no usable times"),
    (Redaction(2.0, 1.0, "agent", "PERSON"), "ends"),
    (Redaction(12.0, 12.5, "agent", "PERSON"), "outside the audio"),
])
def test_unplaceable_interval_is_refused(bad, reason):
    with pytest.raises(PlacementError, match=reason):
        bleeping.plan([bad], 10.0, 8000, {"agent": (0,), None: (0,)})


@pytest.mark.parametrize("sr", [8000, 16000])
def test_tone_replaces_exactly_the_padded_samples(tmp_path, sr):
    call, tr = make_call(tmp_path, sr=sr)
    w = tr.words[5]  # customer's word on channel 1
    report = plain(call, tr, [{"start": w.start, "end": w.end, "speaker": w.speaker, "entity_type": "PERSON"}],
                   tmp_path / "out.wav", pad=0.05)
    assert report.ok, report.blocked_reason
    original, _ = read(call)
    out, _ = read(tmp_path / "out.wav")
    first, last = int(np.floor((w.start - 0.05) * sr)), int(np.ceil((w.end + 0.05) * sr))
    fade = int(bleeping.FADE_SECONDS * sr)
    np.testing.assert_allclose(out[first:last, 1], bleeping.tone(first, last - first, sr), atol=1e-4)
    untouched = np.r_[0:first - fade, last + fade:len(out)]
    np.testing.assert_allclose(out[untouched, 1], original[untouched, 1], atol=1e-4)
    np.testing.assert_allclose(out[:, 0], original[:, 0], atol=1e-4)  # agent channel not touched
    [entry] = report.redactions
    assert (entry.start, entry.end, entry.speaker, entry.verified) == (first / sr, last / sr, "customer", True)


def test_silence_mode_writes_zeros(tmp_path):
    call, tr = make_call(tmp_path, stereo=False)
    w = tr.words[1]
    report = plain(call, tr, [{"start": w.start, "end": w.end, "speaker": w.speaker, "entity_type": "PHONE_NUMBER"}],
                   tmp_path / "out.wav", bleep="silence")
    assert report.ok
    out, sr = read(tmp_path / "out.wav")
    r = report.redactions[0]
    assert np.all(out[int(round(r.start * sr)):int(round(r.end * sr))] == 0)


def test_fades_have_no_clicks():
    sr = 8000
    dc = np.full((sr, 1), 0.5, dtype=np.float32)  # worst case: a held level switched to the tone
    span = bleeping.BleepSpan(Redaction(0.4, 0.6, None, "X"), 3200, 4800, (0,))
    out = bleeping.apply(dc, 0, [span], sr)
    assert np.max(np.abs(np.diff(out[:, 0]))) < 0.15  # a hard switch would jump by about 0.5


def test_verification_fails_on_an_unbleeped_clip(tmp_path):
    call, tr = make_call(tmp_path)
    w = tr.words[1]
    interval = {"start": w.start, "end": w.end, "speaker": w.speaker, "entity_type": "PERSON"}
    report = plain(call, tr, [interval], tmp_path / "out.wav")
    entries = [vars(r) for r in report.redactions]
    assert all(v.ok for v in verify_audio_file(tmp_path / "out.wav", entries))
    original = verify_audio_file(call, entries)  # the same intervals in the untouched recording
    assert not any(v.ok for v in original)
    assert original[0].residual_dbfs > -40


def test_verification_fails_when_the_bleep_misses_part_of_the_interval():
    sr = 8000
    rng = np.random.default_rng(1)
    speech = (0.1 * rng.standard_normal(sr)).astype(np.float32)[:, None]
    partly = bleeping.apply(speech, 0, [bleeping.BleepSpan(Redaction(0, 0.5, None, "X"), 0, 4000, (0,))], sr)
    assert verify_interval(partly[:4000, 0], sr, 0, bleeping.tone_frequency(sr)).ok
    assert not verify_interval(partly[:4400, 0], sr, 0, bleeping.tone_frequency(sr)).ok


def test_blocked_when_an_interval_has_no_times_and_no_file_is_left(tmp_path):
    call, tr = make_call(tmp_path)
    out = tmp_path / "out.mp3"
    report = anonymise_audio(call, tr, [{"start": None, "end": None, "speaker": "Anna Jansen",
                                         "entity_type": "PERSON"}], KEY, out=out)
    assert report.status == "blocked" and "no usable times" in report.blocked_reason
    assert not out.exists() and list(tmp_path.iterdir()) == [call]


def test_blocked_when_transcript_belongs_to_a_longer_call(tmp_path):
    call, tr = make_call(tmp_path)
    late = {"start": 95.0, "end": 95.5, "speaker": "Anna Jansen", "entity_type": "PERSON"}
    report = anonymise_audio(call, tr, [late], KEY, out=tmp_path / "out.wav")
    assert report.status == "blocked" and "outside the audio" in report.blocked_reason
    assert not (tmp_path / "out.wav").exists()


def test_zero_length_and_overlapping_intervals_are_bleeped_and_verified(tmp_path):
    call, tr = make_call(tmp_path)
    w = tr.words[1]
    intervals = [{"start": w.start, "end": w.start, "speaker": w.speaker, "entity_type": "PERSON"},
                 {"start": w.start, "end": w.end, "speaker": w.speaker, "entity_type": "PERSON"},
                 {"start": w.start + 0.1, "end": w.end + 0.3, "speaker": w.speaker, "entity_type": "LOCATION"}]
    report = plain(call, tr, intervals, tmp_path / "out.wav")
    assert report.ok and len(report.redactions) == 3 and all(r.verified for r in report.redactions)


def test_crosstalk_on_the_other_channel_is_bleeped_too(tmp_path):
    call, tr = make_call(tmp_path)
    data, sr = read(call)
    w = tr.words[1]  # agent word; copy it at -20 dB into the customer channel, as an echo would
    a, b = int(w.start * sr), int(w.end * sr)
    data[a:b, 1] += 0.3 * data[a:b, 0]
    sf.write(call, data, sr)
    report = plain(call, tr, [{"start": w.start, "end": w.end, "speaker": w.speaker, "entity_type": "PERSON"}],
                   tmp_path / "out.wav")
    assert report.redactions[0].channels == [0, 1] and report.redactions[0].verified


def test_clip_range_shifts_and_drops_intervals(tmp_path):
    call, tr = make_call(tmp_path)
    inside, before = tr.words[6], tr.words[0]
    intervals = [{"start": x.start, "end": x.end, "speaker": x.speaker, "entity_type": "PERSON"} for x in (inside, before)]
    report = plain(call, tr, intervals, tmp_path / "clip.wav", start=2.0, end=5.0)
    assert report.ok
    out, sr = read(tmp_path / "clip.wav")
    assert len(out) == 3 * sr  # duration kept to the sample
    [r] = report.redactions
    assert r.start == pytest.approx(inside.start - 0.05 - 2.0, abs=1 / sr)


def test_mono_without_turns_gets_one_disguise_and_a_warning(tmp_path):
    call, _ = make_call(tmp_path, stereo=False)
    report = anonymise_audio(call, None, [], KEY, out=tmp_path / "out.wav")
    assert report.ok and report.voice["speakers"] == ["speaker A"] and not report.voice["per_speaker"]
    assert any("one voice disguise" in w for w in report.warnings)


def test_mp3_output_is_verified_after_decoding(tmp_path):
    call, tr = make_call(tmp_path)
    w = tr.words[9]
    report = anonymise_audio(call, tr, [{"start": w.start, "end": w.end, "speaker": w.speaker,
                                         "entity_type": "IBAN_CODE"}], KEY, out=tmp_path / "out.mp3")
    assert report.ok and report.verification["decoded"] is True
    assert all(v.ok for v in verify_audio_file(tmp_path / "out.mp3", [vars(r) for r in report.redactions]))
    json.loads(report.to_json())


def test_mp3_guard_covers_how_far_the_codec_smears_sound_into_a_silent_span(tmp_path):
    """Decoded verification skips `codec_guard_seconds` at each end of a span: the guard must reach
    past the MP3 encoder's smear of loud sound that ends right at the span, at every frame alignment
    (half the MDCT window alone, 576 samples, did not: noise smeared up to ~700 samples)."""
    sr = 8000
    guard = int(round(codec_guard_seconds("mp3", sr) * sr))
    rng = np.random.default_rng(0)
    reach = 0
    for offset in range(0, 1152, 64):
        x = np.zeros(3 * sr, np.float32)
        end = sr + offset
        x[end - 4000: end] = 0.3 * np.clip(rng.standard_normal(4000), -3, 3)
        with Writer(tmp_path / "burst.mp3", sr, 1, fmt="mp3") as w:
            w.write(x[:, None])
        y = read(tmp_path / "burst.mp3", sample_rate=sr)[0][end: end + 2000, 0]
        frame = 80
        for i in range(0, len(y) - frame, 8):
            if 20 * np.log10(np.sqrt(np.mean(y[i: i + frame] ** 2)) + 1e-12) > DECODED_THRESHOLD_DBFS:
                reach = max(reach, i + frame)
    assert 0 < reach <= guard
