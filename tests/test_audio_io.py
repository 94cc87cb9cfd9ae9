"""Audio probe, read/write round trips, streaming and loudness on files the tests generate."""

from __future__ import annotations

import struct

import numpy as np
import pytest
import soundfile as sf

from curation.audio import LoudnessMeter, normalise, probe, read, resample, stream, write
from curation.audio.io import AudioError
from curation.errors import ImportProblem


def tone(seconds: float, sr: int, freq: float = 440.0, channels: int = 1, amp: float = 0.3) -> np.ndarray:
    t = np.arange(int(seconds * sr)) / sr
    mono = (amp * np.sin(2 * np.pi * freq * t)).astype(np.float32)
    return np.stack([mono * (1 + 0.2 * c) for c in range(channels)], axis=1)


@pytest.mark.parametrize("suffix,codec", [("wav", "pcm_16"), ("flac", "pcm_16"), ("ogg", "vorbis"),
                                          ("mp3", "mp3"), ("opus", "opus")])
def test_round_trip_keeps_rate_channels_and_duration(tmp_path, suffix, codec):
    sr = 16000 if suffix != "wav" else 8000
    data = tone(2.0, sr, channels=2)
    path = write(tmp_path / f"x.{suffix}", data, sr)
    info = probe(path)
    assert info.channels == 2 and info.codec == codec
    back, back_sr = read(path, sample_rate=sr)
    assert back_sr == sr and back.shape[1] == 2
    assert abs(len(back) - len(data)) < 0.08 * sr  # lossy codecs pad a frame or two
    assert abs(info.duration - 2.0) < 0.1  # MP3 duration is estimated from frames


def test_wav_round_trip_is_sample_exact(tmp_path):
    data = tone(1.0, 8000)
    back, _ = read(write(tmp_path / "a.wav", data, 8000, subtype="FLOAT"))
    np.testing.assert_array_equal(back, data)


def test_stream_yields_bounded_blocks_that_add_up(tmp_path):
    data = tone(10.0, 8000, channels=2)
    path = write(tmp_path / "a.wav", data, 8000, subtype="FLOAT")
    blocks = list(stream(path, block_seconds=3.0, start=1.0, end=9.5))
    assert max(len(b) for b in blocks) == 24000
    np.testing.assert_array_equal(np.concatenate(blocks), data[8000:76000])


def test_stream_through_ffmpeg_resamples(tmp_path):
    path = write(tmp_path / "a.mp3", tone(3.0, 16000), 16000)
    blocks = list(stream(path, block_seconds=1.0, sample_rate=8000))
    assert all(len(b) <= 8000 for b in blocks)
    assert abs(sum(len(b) for b in blocks) - 24000) < 1200


def test_resample_has_exact_length():
    assert len(resample(tone(1.0, 16000), 16000, 8000)) == 8000
    assert len(resample(tone(0.5, 8000), 8000, 22050)) == 11025


def test_probe_reports_wav_facts(tmp_path):
    path = write(tmp_path / "a.wav", tone(1.5, 8000, channels=2), 8000)
    info = probe(path)
    assert (info.format, info.sample_rate, info.channels, info.frames) == ("wav", 8000, 2, 12000)


def test_probe_refuses_missing_file(tmp_path):
    with pytest.raises(ImportProblem, match="file not found"):
        probe(tmp_path / "nope.wav")


def test_probe_refuses_empty_file(tmp_path):
    (tmp_path / "e.wav").write_bytes(b"")
    with pytest.raises(ImportProblem, match=r"e\.wav: empty file"):
        probe(tmp_path / "e.wav")


def test_probe_refuses_truncated_wav(tmp_path):
    path = write(tmp_path / "t.wav", tone(2.0, 8000), 8000)
    raw = path.read_bytes()
    path.write_bytes(raw[: len(raw) // 2])
    with pytest.raises(ImportProblem, match="truncated WAV: header declares 32000 bytes"):
        probe(path)


def test_probe_refuses_wav_without_data(tmp_path):
    fmt = struct.pack("<HHIIHH", 1, 1, 8000, 16000, 2, 16)
    body = b"WAVE" + b"fmt " + struct.pack("<I", len(fmt)) + fmt
    (tmp_path / "h.wav").write_bytes(b"RIFF" + struct.pack("<I", len(body)) + body)
    with pytest.raises(ImportProblem, match="no data chunk"):
        probe(tmp_path / "h.wav")


def test_probe_refuses_non_audio(tmp_path):
    (tmp_path / "notes.mp3").write_text("this is a text file pretending to be audio\n" * 20)
    with pytest.raises(ImportProblem, match="notes.mp3: not a"):
        probe(tmp_path / "notes.mp3")


def test_probe_refuses_garbage_after_riff_header(tmp_path):
    (tmp_path / "g.wav").write_bytes(b"RIFF\x10\x00\x00\x00WAVEjunkjunkjunk")
    with pytest.raises(ImportProblem, match="g.wav: corrupt WAV"):
        probe(tmp_path / "g.wav")


def test_probe_accepts_streamed_wav_with_unknown_length(tmp_path):
    path = write(tmp_path / "s.wav", tone(1.0, 8000), 8000)
    raw = bytearray(path.read_bytes())
    raw[40:44] = struct.pack("<I", 0xFFFFFFFF)
    path.write_bytes(bytes(raw))
    assert probe(path).sample_rate == 8000


def test_streaming_loudness_matches_pyloudnorm():
    import pyloudnorm

    rng = np.random.default_rng(0)
    data = (rng.standard_normal((8000 * 6, 2)) * np.linspace(0.01, 0.2, 8000 * 6)[:, None]).astype(np.float32)
    meter = LoudnessMeter(8000, 2)
    for i in range(0, len(data), 3333):
        meter.add(data[i:i + 3333])
    expected = pyloudnorm.Meter(8000).integrated_loudness(data.astype(np.float64))
    assert meter.integrated() == pytest.approx(expected, abs=0.1)


def test_normalise_reaches_target_without_clipping():
    import pyloudnorm

    data = tone(3.0, 16000, amp=0.01)[:, 0]
    out = normalise(data, 16000, target_lufs=-20.0)
    assert pyloudnorm.Meter(16000).integrated_loudness(out.astype(np.float64)) == pytest.approx(-20.0, abs=0.3)
    assert np.max(np.abs(normalise(tone(1.0, 16000, amp=0.9)[:, 0], 16000, -5.0))) <= 10 ** (-1 / 20) + 1e-6


def test_soundfile_subtype_float_is_kept(tmp_path):
    path = write(tmp_path / "f.wav", tone(0.5, 8000), 8000, subtype="FLOAT")
    assert sf.info(str(path)).subtype == "FLOAT"


def test_pydub_segment_round_trip_keeps_duration_and_channels():
    from curation.audio import from_audio_segment, to_audio_segment

    data = tone(0.5, 8000, channels=2)
    seg = to_audio_segment(data, 8000)
    assert (len(seg), seg.channels, seg.frame_rate) == (500, 2, 8000)  # pydub measures in milliseconds
    back, sr = from_audio_segment(seg[100:300])
    assert sr == 8000 and back.shape == (1600, 2)
    np.testing.assert_allclose(back, data[800:2400], atol=1e-4)


@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
@pytest.mark.parametrize("through_ffmpeg", [False, True])
def test_samples_that_are_no_numbers_are_refused_with_the_file_and_time(tmp_path, bad, through_ffmpeg):
    import soundfile as sf

    x = (0.1 * np.sin(np.arange(16000) / 5)).astype(np.float32)
    x[12000] = bad  # 1.5 s into an 8 kHz float WAV
    path = tmp_path / "damaged.wav"
    sf.write(str(path), np.stack([x, x], axis=1)[:, :1], 8000, subtype="FLOAT")
    # resampling spreads the bad sample over the filter's few milliseconds before it
    with pytest.raises(AudioError, match=r"damaged\.wav: holds samples that are no numbers .* from 1\.(49\d|500) s"):
        read(path, sample_rate=8000 if not through_ffmpeg else 16000)


def test_writer_refuses_samples_that_are_no_numbers_and_leaves_no_file(tmp_path):
    from curation.audio.io import Writer

    out = tmp_path / "clip.mp3"
    with pytest.raises(AudioError, match=r"clip\.mp3: refused to write samples that are no numbers"):
        with Writer(out, 8000, 1) as w:
            w.write(np.zeros(800, dtype=np.float32))
            w.write(np.array([0.0, np.nan], dtype=np.float32))
    assert not out.exists()
