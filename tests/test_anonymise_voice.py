"""Voice disguise and its key: deterministic per key, different across keys, speakers and calls."""

from __future__ import annotations

import hashlib
import math
import os
import stat

import numpy as np
import pytest

from curation.anonymise import anonymise_audio, disguise, speaker_parameters
from curation.anonymise.keys import VoiceKeyError, create_key, load_key, load_or_create_key
from curation.anonymise.spectral import disguise_spectral
from curation.anonymise.voice import F0_BOUNDARY_HZ, MIN_SHIFT_SEMITONES, fit_to_speaker
from curation.audio import read
from curation.audio.pitch import median_f0
from tests._anonymise_fixtures import VOICES, make_call, voiced

KEY_A, KEY_B = b"a" * 32, b"b" * 32
ALPHA_LOW, ALPHA_HIGH, SEMITONES, FORMANT = (0.40, 0.55), (1.40, 1.70), (6.0, 9.0), (1.10, 1.25)


def test_parameters_are_deterministic_for_a_key():
    assert speaker_parameters(KEY_A, "call-1", "agent") == speaker_parameters(KEY_A, "call-1", "agent")


def test_parameters_differ_across_keys_speakers_and_calls():
    base = speaker_parameters(KEY_A, "call-1", "agent")
    assert base != speaker_parameters(KEY_B, "call-1", "agent")
    assert base != speaker_parameters(KEY_A, "call-1", "customer")
    assert base != speaker_parameters(KEY_A, "call-2", "agent")


def test_parameters_stay_in_their_ranges_and_keep_secrets_out_of_repr():
    for i in range(50):
        p = speaker_parameters(os.urandom(32), f"c{i}", "customer", "warp")
        assert (ALPHA_LOW[0] <= p.mcadams <= ALPHA_LOW[1] or ALPHA_HIGH[0] <= p.mcadams <= ALPHA_HIGH[1])
        assert SEMITONES[0] <= abs(p.semitones) <= SEMITONES[1]
        assert FORMANT[0] <= p.formant_ratio <= FORMANT[1] or FORMANT[0] <= 1 / p.formant_ratio <= FORMANT[1]
        assert f"{p.mcadams}" not in repr(p) and "secret" in repr(p)


def test_the_key_picks_both_directions_of_every_change():
    ps = [speaker_parameters(KEY_A, f"c{i}", "agent", "warp") for i in range(64)]
    assert {p.mcadams < 1 for p in ps} == {True, False}
    assert {p.semitones < 0 for p in ps} == {True, False}
    assert {p.formant_ratio < 1 for p in ps} == {True, False}


@pytest.mark.parametrize("sr", [8000, 16000])
def test_warp_disguise_moves_f0_and_keeps_length(sr):
    x = voiced(1.5, sr, *VOICES["agent"])
    p = speaker_parameters(KEY_A, "call-1", "agent", "warp")
    y = disguise(x, sr, p)
    assert len(y) == len(x)
    ratio = median_f0(y, sr) / median_f0(x, sr)
    low, high = sorted(2 ** ((p.semitones + d) / 12) for d in (-p.contour_depth, p.contour_depth))
    assert 0.95 * low <= ratio <= 1.05 * high  # the keyed contour moves F0 around the shift


def test_f0_change_follows_the_semitones():
    sr = 8000
    x = voiced(1.5, sr, *VOICES["agent"])
    for semitones in (-5.0, 6.0):
        y = disguise_spectral(x, sr, 1.0, 1.0, semitones)
        assert median_f0(y, sr) / median_f0(x, sr) == pytest.approx(2 ** (semitones / 12), rel=0.05)


def test_default_disguise_changes_the_spectral_envelope():
    sr = 16000
    x = voiced(1.0, sr, *VOICES["customer"]).astype(np.float64)
    y = disguise_spectral(x, sr, 0.75, 1.0, 0.0)
    spec_x = np.abs(np.fft.rfft(x * np.hanning(len(x))))
    spec_y = np.abs(np.fft.rfft(y * np.hanning(len(y))))
    freqs = np.fft.rfftfreq(len(x), 1 / sr)
    band = (freqs > 2000) & (freqs < 3500)
    assert freqs[band][np.argmax(spec_x[band])] != pytest.approx(freqs[band][np.argmax(spec_y[band])], abs=150)


@pytest.mark.parametrize("sr", [8000, 16000])
def test_spectral_disguise_with_neutral_parameters_is_transparent(sr):
    x = voiced(0.7, sr, *VOICES["agent"]).astype(np.float64)
    np.testing.assert_allclose(disguise_spectral(x, sr, 1.0, 1.0, 0.0), x, atol=3e-3)  # -40 dB of the 0.3 peak


def test_spectral_disguise_is_the_same_in_one_piece_and_in_chunks(monkeypatch):
    import curation.anonymise.spectral as spectral

    x = voiced(2.0, 8000, *VOICES["customer"]).astype(np.float64)
    whole = disguise_spectral(x, 8000, 0.6, 1.1, 5.0, 1.5, 0.5, 1.0, 3.0, 1.0, (4.0, -2.0))
    monkeypatch.setattr(spectral, "CHUNK_FRAMES", 7)  # phases carried across many small batches
    np.testing.assert_allclose(disguise_spectral(x, 8000, 0.6, 1.1, 5.0, 1.5, 0.5, 1.0, 3.0, 1.0, (4.0, -2.0)),
                               whole, atol=1e-4)


def test_same_key_same_output_other_key_other_output(tmp_path):
    call, tr = make_call(tmp_path)
    outs = {}
    for name, key in (("a1", KEY_A), ("a2", KEY_A), ("b", KEY_B)):
        report = anonymise_audio(call, tr, [], key, out=tmp_path / f"{name}.wav", call_id="call-1")
        assert report.ok and report.voice["per_speaker"]
        outs[name] = read(tmp_path / f"{name}.wav")[0]
    np.testing.assert_array_equal(outs["a1"], outs["a2"])
    assert np.mean(np.abs(outs["a1"] - outs["b"])) > 1e-3


def test_agent_and_customer_get_different_disguises_in_mono_with_warp(tmp_path):
    call, tr = make_call(tmp_path, stereo=False, sr=16000)
    report = anonymise_audio(call, tr, [], KEY_A, out=tmp_path / "o.wav", call_id="c", target_lufs=None,
                             voice="warp")
    assert report.voice["speakers"] == ["agent", "customer"] and report.voice["per_speaker"]
    out, sr = read(tmp_path / "o.wav")
    agent_word, customer_word = tr.words[0], tr.words[4]
    for w, role in ((agent_word, "agent"), (customer_word, "customer")):
        seg = out[int(w.start * sr): int(w.end * sr), 0]
        p = speaker_parameters(KEY_A, "c", role, "warp")
        base = VOICES[role][0]  # the synthetic voice's F0
        target = p.f0_targets[1] if base < F0_BOUNDARY_HZ else p.f0_targets[0]  # across the boundary
        shift = 12 * math.log2(target / base)
        shift = math.copysign(max(abs(shift), MIN_SHIFT_SEMITONES), shift)
        low, high = sorted(base * 2 ** ((shift + d) / 12) for d in (-p.contour_depth, p.contour_depth))
        got = median_f0(seg, sr)
        assert 0.93 * low <= got <= 1.07 * high
        assert (got < F0_BOUNDARY_HZ) != (base < F0_BOUNDARY_HZ)


def test_warp_f0_change_takes_low_and_high_voices_across_the_boundary():
    sr = 8000
    t = np.arange(int(2.0 * sr)) / sr
    for f0 in (100.0, 150.0, 175.0, 230.0):
        x = 0.3 * np.sign(np.sin(2 * np.pi * f0 * t)) * (0.6 + 0.4 * np.sin(2 * np.pi * 3 * t))  # a buzzy voice
        for key in (KEY_A, KEY_B):
            p = fit_to_speaker(speaker_parameters(key, "c", "agent", "warp"), x, sr)
            assert p.fitted and abs(p.semitones) >= MIN_SHIFT_SEMITONES
            moved = f0 * 2 ** (p.semitones / 12)
            assert (moved < F0_BOUNDARY_HZ) != (f0 < F0_BOUNDARY_HZ)
            assert 90 <= moved <= 245  # inside the range of ordinary voices
    silent = speaker_parameters(KEY_A, "c", "agent", "warp")
    assert fit_to_speaker(silent, np.zeros(sr), sr).semitones == silent.semitones  # nothing to measure: keyed shift


@pytest.mark.parametrize("method", ["default", "warp"])
def test_report_holds_no_key_and_no_parameters(tmp_path, method):
    call, tr = make_call(tmp_path)
    report = anonymise_audio(call, tr, [], KEY_A, out=tmp_path / "o.mp3", call_id="c", voice=method)
    text = report.to_json()
    from curation.anonymise.voice import DEFAULT_DESIGN, METHOD_VERSIONS

    design = DEFAULT_DESIGN if method == "default" else method  # which design, which version of it: stored with the clip
    assert report.voice["design"] == f"{design}/{METHOD_VERSIONS[method]}"
    for role in ("agent", "customer"):
        p = speaker_parameters(KEY_A, "c", role, method)
        for value in (p.mcadams, p.semitones, p.contour_depth, p.formant_ratio, p.tilt_db, p.target_f0,
                      p.target_alpha, p.target_spread):
            if value not in (0.0, 1.0, 2.0):
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


def test_warp_keeps_one_f0_change_per_speaker_across_the_blocks_of_a_long_clip(tmp_path):
    """The F0 change is fitted once per speaker, not per 20 s block: a voice that drifts across the
    low/high boundary halfway through a 44 s clip is moved by the same amount in both halves."""
    sr = 8000
    halves = []
    for f0 in (150.0, 172.0):  # either side of the 160 Hz boundary
        words = [np.concatenate([voiced(0.35, sr, f0, VOICES["agent"][1], seed=k), np.zeros(int(0.1 * sr))])
                 for k in range(49)]  # 49 x 0.45 s = 22 s
        halves.append(np.concatenate(words))
    from curation.audio import write

    x = np.concatenate(halves)[:, None].astype(np.float32)
    path = write(tmp_path / "long.wav", x, sr)
    report = anonymise_audio(path, None, [], KEY_A, out=tmp_path / "o.wav", call_id="long", target_lufs=None,
                             voice="warp")
    assert report.ok
    out, _ = read(tmp_path / "o.wav")
    half = len(halves[0])
    shift_1 = 12 * math.log2(median_f0(out[2 * sr: half - 2 * sr, 0], sr) / 150.0)
    shift_2 = 12 * math.log2(median_f0(out[half + 2 * sr: -2 * sr, 0], sr) / 172.0)
    assert abs(shift_1) >= MIN_SHIFT_SEMITONES - 1.5
    assert abs(shift_1 - shift_2) < 2.0  # fitted per block, they would differ by 10 semitones or more


def test_warp_agent_and_customer_f0_targets_stay_a_semitone_apart():
    """Two voices moved to the same side of the boundary must still be told apart in a training clip."""
    for i in range(64):
        key = os.urandom(32)
        for first, second in (("agent", "customer"), ("speaker A", "speaker B")):
            a = speaker_parameters(key, f"c{i}", first, "warp").f0_targets
            b = speaker_parameters(key, f"c{i}", second, "warp").f0_targets
            for low_or_high in (0, 1):
                assert 12 * math.log2(b[low_or_high] / a[low_or_high]) >= 1.0


def test_report_says_when_a_voice_had_no_pitch_to_measure(tmp_path):
    """A whispered (unvoiced) side keeps the keyed shift, and the report says so for that role only."""
    call, tr = make_call(tmp_path)
    audio, sr = read(call)
    rng = np.random.default_rng(3)
    audio[:, 1] = np.where(np.abs(audio[:, 1]) > 0, 0.2 * rng.standard_normal(len(audio)), 0.0)  # noise, no pitch
    from curation.audio import write

    whisper = write(tmp_path / "whisper.wav", audio, sr)
    report = anonymise_audio(whisper, tr, [], KEY_A, out=tmp_path / "o.wav", call_id="c")
    assert report.ok
    pitch_warnings = [w for w in report.warnings if "no voiced sound" in w]
    assert len(pitch_warnings) == 1 and pitch_warnings[0].startswith("customer:")


# --- default: the keyed pseudo-speaker ------------------------------------------------------------


def test_default_parameters_describe_a_keyed_pseudo_speaker_inside_ordinary_voices():
    from curation.anonymise.keys import PSEUDO_ALPHA, PSEUDO_ALPHA_JITTER, PSEUDO_F0

    for i in range(64):
        p = speaker_parameters(os.urandom(32), f"c{i}", ("agent", "customer")[i % 2])
        assert p.method == "default" and PSEUDO_F0[0] <= p.target_f0 <= PSEUDO_F0[1]
        assert PSEUDO_ALPHA[0] - PSEUDO_ALPHA_JITTER <= p.target_alpha <= PSEUDO_ALPHA[1] + PSEUDO_ALPHA_JITTER
        assert f"{p.target_f0}" not in repr(p)


def test_default_gives_the_two_speakers_of_a_call_pseudo_speakers_at_least_five_semitones_apart():
    for i in range(64):
        key = os.urandom(32)
        for first, second in (("agent", "customer"), ("speaker A", "speaker B")):
            a = speaker_parameters(key, f"c{i}", first).target_f0
            b = speaker_parameters(key, f"c{i}", second).target_f0
            assert abs(12 * math.log2(b / a)) >= 5.0


@pytest.mark.parametrize("sr", [8000, 16000])
def test_default_output_f0_is_the_keys_not_the_speakers(sr):
    """A low and a high voice disguised with the same parameters come out at the same keyed median F0:
    nothing of the speaker's own pitch level survives."""
    p = speaker_parameters(KEY_A, "call-1", "customer")
    got = []
    for role in ("agent", "customer"):
        x = np.concatenate([voiced(0.8, sr, *VOICES[role], seed=k) for k in range(3)])
        y = disguise(x, sr, p)
        assert len(y) == len(x)
        got.append(median_f0(y, sr))
    assert got[0] == pytest.approx(got[1], rel=0.1)  # a low and a high voice come out alike
    for f in got:
        assert f == pytest.approx(p.target_f0, rel=0.15)  # the F0 accuracy target (within 15 %)


def test_default_fits_the_speaker_once_and_says_when_there_was_nothing_voiced():
    sr = 8000
    x = np.concatenate([voiced(0.8, sr, *VOICES["agent"], seed=k) for k in range(3)])
    p = fit_to_speaker(speaker_parameters(KEY_A, "c", "agent"), x, sr)
    assert p.fitted and p.f0_measured and p.stats.f0 == pytest.approx(VOICES["agent"][0], rel=0.1)
    assert fit_to_speaker(p, np.zeros(sr), sr) is p  # fitted once: later blocks keep the same statistics
    silent = fit_to_speaker(speaker_parameters(KEY_A, "c", "agent"), np.zeros(sr), sr)
    assert silent.fitted and not silent.f0_measured


@pytest.mark.parametrize("sr", [8000, 16000])
def test_the_keyed_colouring_never_carves_out_the_band_of_the_fundamental(sr):
    """The keyed colouring (up to 16 dB per cosine term) once weakened the band of the output's
    fundamental so far that pyin tracked a quarter of the voices an octave off their target. Whatever
    the key: 60-400 Hz stays within 10 dB of the envelope's peak, and the share of power below 1 kHz
    loses at most 2 dB against the uncoloured pseudo-speaker."""
    from curation.anonymise.resynth import target_envelope

    bins = 257
    f = np.linspace(0.0, sr / 2, bins)
    band, low = (f >= 60) & (f <= 400), f < 1000

    def share(db):
        p = 10 ** (db / 10)
        return 10 * np.log10(p[low].sum() / p.sum())

    spans = []
    for i in range(200):
        p = speaker_parameters(hashlib.sha256(b"colour %d" % i).digest(), f"c{i}", ("agent", "customer")[i % 2])
        db = target_envelope(bins, sr, p.target_alpha, p.tilt_db, p.eq_db) * 20 / np.log(10)
        plain = target_envelope(bins, sr, p.target_alpha, 0.0, ()) * 20 / np.log(10)
        assert db[band].min() >= db.max() - 10.0 - 1e-6
        assert share(db) >= share(plain) - 2.0 - 0.1
        spans.append(db.max() - db.min())
    assert np.median(spans) > 30.0  # still a strongly keyed colouring elsewhere (the privacy comes from it)


def disguise_fingerprint(method: str) -> str:
    """What decides the voice a key gives under `method`, for a few speakers: the keyed parameters and,
    for the resynthesis designs, the pseudo-speaker's target envelope (rounded, so the figure is stable)."""
    import dataclasses

    from curation.anonymise.resynth import target_envelope

    parts = []
    for call_id, role in (("c1", "agent"), ("c1", "customer"), ("c2", "agent"), ("c3", "customer")):
        p = speaker_parameters(KEY_A, call_id, role, method)
        for field in dataclasses.fields(p):
            value = getattr(p, field.name)
            if isinstance(value, (int, float, tuple)) and not isinstance(value, bool):
                try:
                    value = np.round(np.asarray(value, dtype=float), 3).tolist()
                except (TypeError, ValueError):  # names (the pool's voices)
                    pass
                parts.append(f"{field.name}={value}")
        if method in ("normalise", "pool"):
            db = target_envelope(257, 8000, p.target_alpha, p.tilt_db, p.eq_db) * 20 / np.log(10)
            parts.append(str(np.round(db, 1).tolist()))
    if method in ("normalise", "pool"):  # the resynthesis' own settings decide the voice too
        from curation.anonymise import resynth

        shared = ("ENV_POINTS", "REFERENCE_FORMANT_HZ", "DEV_STD", "NOISE_SHARE", "F0_SMOOTH", "MIX_CUTOFF", "MIX_GAIN",
                  "LOW_SHARE_DB", "FUNDAMENTAL_BAND", "FUNDAMENTAL_FLOOR_DB")
        own = ("LIFTER", "LIFTER_UNVOICED", "DEV_SCALE") if method == "normalise" else ()
        parts += [f"{name}={getattr(resynth, name)}" for name in shared + own]
    return hashlib.sha256("|".join(parts).encode()).hexdigest()[:16]


# Raise the method's METHOD_VERSIONS entry and pin its new fingerprint here when a change alters the voice
# a key gives: the version in each clip's report is how an old clip is told from a new one.
FINGERPRINTS = {
    ("normalise", 3): "2677eeeca79211f3",  # the resynthesis' settings joined the fingerprint with version 3
    ("pool", 2): "387709701c67131e",  # (pool/2 re-pinned then: its voices did not change)
    ("warp", 1): "0948cb57a97d00bf",
    ("pitch", 1): "186eb02bb3112ee8",
}


@pytest.mark.parametrize("method", ["normalise", "pool", "warp", "pitch"])
def test_a_change_to_the_disguise_raises_its_version(method):
    from curation.anonymise.voice import METHOD_VERSIONS

    version = METHOD_VERSIONS[method]
    assert FINGERPRINTS.get((method, version)) == disguise_fingerprint(method), (
        f"the {method} disguise gives other voices than version {version} did: raise METHOD_VERSIONS[{method!r}] "
        "in curation/anonymise/voice.py and pin the new fingerprint in FINGERPRINTS")



def test_consonants_keep_their_contrast_after_the_default_disguise():
    """Unvoiced frames keep only the level and tilt of their envelope changes (normalise/3): a hiss bright
    like /s/ must stay brighter than a dull one like /f/ or /x/, for every key."""
    from scipy.signal import butter, sosfilt

    sr = 8000
    rng = np.random.default_rng(5)
    vowel = voiced(0.35, sr, 130.0, (500, 1500, 2500))

    def hiss(low: float, high: float) -> np.ndarray:
        sos = butter(6, [low, high], btype="band", fs=sr, output="sos")
        x = sosfilt(sos, rng.standard_normal(int(0.18 * sr)))
        return (0.1 * x / np.std(x)).astype(np.float32)

    bright, dull = hiss(2500, 3800), hiss(300, 1200)
    parts = [vowel, bright, vowel, dull, vowel, bright, vowel, dull, vowel]
    x = np.concatenate(parts)
    edges = np.cumsum([0] + [len(p) for p in parts])

    def centroid(y, k):
        seg = y[edges[k] + 200: edges[k + 1] - 200]
        spec = np.abs(np.fft.rfft(seg * np.hanning(len(seg)))) ** 2
        f = np.fft.rfftfreq(len(seg), 1 / sr)
        return float((f * spec).sum() / spec.sum())

    for key in (KEY_A, KEY_B, b"c" * 32):
        y = disguise(x, sr, speaker_parameters(key, "c9", "customer", "default"))
        assert len(y) == len(x)
        for b, d in ((1, 3), (5, 7)):
            assert centroid(y, b) > centroid(y, d) + 400, (centroid(y, b), centroid(y, d))
