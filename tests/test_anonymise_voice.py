"""Voice disguise and its key: deterministic per key, different across keys, speakers and calls."""

from __future__ import annotations

import os
import stat

import numpy as np
import pytest

from curation.anonymise import anonymise_audio, disguise, speaker_parameters
from curation.anonymise.keys import VoiceKeyError, create_key, load_key, load_or_create_key
from curation.anonymise.voice import mcadams
from curation.audio import read
from tests._anonymise_fixtures import VOICES, make_call, voiced

KEY_A, KEY_B = b"a" * 32, b"b" * 32


def median_f0(x: np.ndarray, sr: int) -> float:
    import parselmouth

    pitch = parselmouth.Sound(x.astype(np.float64), sr).to_pitch(0.01, 60, 500)
    f0 = pitch.selected_array["frequency"]
    return float(np.median(f0[f0 > 0]))


def test_parameters_are_deterministic_for_a_key():
    assert speaker_parameters(KEY_A, "call-1", "agent") == speaker_parameters(KEY_A, "call-1", "agent")


def test_parameters_differ_across_keys_speakers_and_calls():
    base = speaker_parameters(KEY_A, "call-1", "agent")
    assert base != speaker_parameters(KEY_B, "call-1", "agent")
    assert base != speaker_parameters(KEY_A, "call-1", "customer")
    assert base != speaker_parameters(KEY_A, "call-2", "agent")


def test_parameters_stay_in_their_ranges_and_keep_secrets_out_of_repr():
    for i in range(50):
        p = speaker_parameters(os.urandom(32), f"c{i}", "customer")
        assert (0.55 <= p.mcadams <= 0.70 or 1.20 <= p.mcadams <= 1.40) and 4.0 <= abs(p.semitones) <= 7.0
        assert 1.05 <= p.formant_ratio <= 1.15
        assert f"{p.mcadams}" not in repr(p) and "secret" in repr(p)


@pytest.mark.parametrize("sr", [8000, 16000])
def test_default_disguise_moves_f0_and_keeps_length(sr):
    x = voiced(1.5, sr, *VOICES["agent"])
    p = speaker_parameters(KEY_A, "call-1", "agent")
    y = disguise(x, sr, p)
    assert len(y) == len(x)
    ratio = median_f0(y, sr) / median_f0(x, sr)
    assert ratio == pytest.approx(2 ** (p.semitones / 12), rel=0.08)


def test_default_disguise_changes_the_spectral_envelope():
    sr = 16000
    x = voiced(1.0, sr, *VOICES["customer"]).astype(np.float64)
    y = mcadams(x, sr, 0.75)
    spec_x = np.abs(np.fft.rfft(x * np.hanning(len(x))))
    spec_y = np.abs(np.fft.rfft(y * np.hanning(len(y))))
    freqs = np.fft.rfftfreq(len(x), 1 / sr)
    band = (freqs > 2000) & (freqs < 3500)
    assert freqs[band][np.argmax(spec_x[band])] != pytest.approx(freqs[band][np.argmax(spec_y[band])], abs=150)


def test_mcadams_with_coefficient_one_is_transparent():
    x = voiced(0.7, 8000, *VOICES["agent"]).astype(np.float64)
    np.testing.assert_allclose(mcadams(x, 8000, 1.0 - 1e-12), x, atol=1e-4)  # -80 dB of the 0.3 peak


def test_same_key_same_output_other_key_other_output(tmp_path):
    call, tr = make_call(tmp_path)
    outs = {}
    for name, key in (("a1", KEY_A), ("a2", KEY_A), ("b", KEY_B)):
        report = anonymise_audio(call, tr, [], key, out=tmp_path / f"{name}.wav", call_id="call-1")
        assert report.ok and report.voice["per_speaker"]
        outs[name] = read(tmp_path / f"{name}.wav")[0]
    np.testing.assert_array_equal(outs["a1"], outs["a2"])
    assert np.mean(np.abs(outs["a1"] - outs["b"])) > 1e-3


def test_agent_and_customer_get_different_disguises_in_mono(tmp_path):
    call, tr = make_call(tmp_path, stereo=False, sr=16000)
    report = anonymise_audio(call, tr, [], KEY_A, out=tmp_path / "o.wav", call_id="c", target_lufs=None)
    assert report.voice["speakers"] == ["agent", "customer"] and report.voice["per_speaker"]
    out, sr = read(tmp_path / "o.wav")
    agent_word, customer_word = tr.words[0], tr.words[4]
    for w, role in ((agent_word, "agent"), (customer_word, "customer")):
        seg = out[int(w.start * sr): int(w.end * sr), 0]
        expected = VOICES[role][0] * 2 ** (speaker_parameters(KEY_A, "c", role).semitones / 12)
        assert median_f0(seg, sr) == pytest.approx(expected, rel=0.1)


def test_report_holds_no_key_and_no_parameters(tmp_path):
    call, tr = make_call(tmp_path)
    report = anonymise_audio(call, tr, [], KEY_A, out=tmp_path / "o.mp3", call_id="c")
    text = report.to_json()
    for role in ("agent", "customer"):
        p = speaker_parameters(KEY_A, "c", role)
        for value in (p.mcadams, p.semitones, p.pitch_range, p.formant_ratio):
            assert f"{value:.4f}"[:-1] not in text
    assert KEY_A.hex() not in text and "Anna" not in text and "Piet" not in text
    assert (tmp_path / "o.mp3").read_bytes().find(KEY_A.hex().encode()) < 0


def test_pitch_method_warns_that_it_is_reversible(tmp_path):
    call, tr = make_call(tmp_path)
    report = anonymise_audio(call, tr, [], KEY_A, voice="pitch", out=tmp_path / "o.wav")
    assert report.ok and report.voice["method"] == "pitch"
    assert any("undo" in w for w in report.warnings)


def test_key_file_is_created_owner_only_and_reused(tmp_path):
    path = tmp_path / "cfg" / "voice.key"
    key, where, created = load_or_create_key(path)
    assert created and where == path and len(key) == 32
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert load_or_create_key(path) == (key, path, False)


def test_key_file_readable_by_others_is_refused(tmp_path):
    path = tmp_path / "voice.key"
    create_key(path)
    path.chmod(0o644)
    with pytest.raises(VoiceKeyError, match="readable by others"):
        load_key(path)


def test_existing_key_is_never_overwritten(tmp_path):
    path = tmp_path / "voice.key"
    create_key(path)
    with pytest.raises(VoiceKeyError, match="already exists"):
        create_key(path)


def test_per_user_key_lives_in_the_config_folder(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path))
    _, where, created = load_or_create_key()
    assert created and where == tmp_path / "curation" / "voice.key"
