"""Keys per clip: two clips of one call get unrelated disguise parameters, so they cannot be linked
by sounding alike; keys per call keep every clip of a call alike."""

from __future__ import annotations

import numpy as np
import pytest

from curation.anonymise import anonymise_audio, speaker_parameters
from curation.anonymise.keys import clip_key
from curation.audio import read
from curation.errors import CurationError
from tests._anonymise_fixtures import make_call

KEY = b"k" * 32


def test_clip_keys_are_stable_and_differ_per_clip_call_and_key():
    assert clip_key(KEY, "call-1", "clip-a") == clip_key(KEY, "call-1", "clip-a")
    keys = {clip_key(KEY, "call-1", "clip-a"), clip_key(KEY, "call-1", "clip-b"), clip_key(KEY, "call-2", "clip-a"),
            clip_key(b"j" * 32, "call-1", "clip-a"), KEY}
    assert len(keys) == 5 and all(len(k) == 32 for k in keys)


@pytest.mark.parametrize("method", ["default", "warp", "pitch"])
def test_two_clips_of_one_call_never_share_parameters(method):
    for i in range(20):
        call = f"call-{i}"
        for role in ("agent", "customer"):
            a = speaker_parameters(clip_key(KEY, call, "clip-1"), call, role, method)
            b = speaker_parameters(clip_key(KEY, call, "clip-2"), call, role, method)
            assert a != b


def test_clips_of_one_call_sound_different_with_keys_per_clip_and_alike_with_keys_per_call(tmp_path):
    call, tr = make_call(tmp_path)
    out = {}
    for scope, clip in (("clip", "one"), ("clip", "two"), ("call", "one"), ("call", "two")):
        path = tmp_path / f"{scope}-{clip}.wav"
        report = anonymise_audio(call, tr, [], KEY, out=path, call_id="call-1", key_scope=scope, clip_id=clip,
                                 target_lufs=None)
        assert report.ok and report.voice["key_scope"] == scope
        out[(scope, clip)] = read(path)[0]
    np.testing.assert_array_equal(out[("call", "one")], out[("call", "two")])
    assert np.mean(np.abs(out[("clip", "one")] - out[("clip", "two")])) > 1e-3


def test_keys_per_clip_without_a_clip_id_follow_the_clip_range(tmp_path):
    """The stand-alone command names a clip by its range: the same range gives the same output,
    another range of the same call other parameters."""
    call, tr = make_call(tmp_path)
    runs = {}
    for name, (start, end) in (("a1", (0.0, 4.0)), ("a2", (0.0, 4.0)), ("b", (0.0, 4.1))):
        report = anonymise_audio(call, tr, [], KEY, out=tmp_path / f"{name}.wav", call_id="c", key_scope="clip",
                                 start=start, end=end, target_lufs=None)
        assert report.ok
        runs[name] = read(tmp_path / f"{name}.wav")[0]
    np.testing.assert_array_equal(runs["a1"], runs["a2"])
    n = len(runs["a1"])
    assert np.mean(np.abs(runs["a1"] - runs["b"][:n])) > 1e-3


def test_an_unknown_key_scope_is_refused(tmp_path):
    call, tr = make_call(tmp_path)
    with pytest.raises(CurationError, match="unknown key scope 'speaker'"):
        anonymise_audio(call, tr, [], KEY, out=tmp_path / "o.wav", key_scope="speaker")


def test_workspace_clips_of_one_call_are_disguised_with_keys_per_clip(tmp_path_factory, tmp_path):
    """Two clips of the very same stretch of one call (they may go to different packs) must not be
    disguised alike: clip anonymisation narrows the workspace key to each clip."""
    import soundfile as sf

    from curation.clips import anonymise_clip, create_clip
    from tests._clip_fixtures import prepared

    ws, _ = prepared(tmp_path_factory, tmp_path)
    try:
        audio = []
        for _ in range(2):
            clip = create_clip(ws, "call1", 0.0, 3.2, user="trainer")
            result = anonymise_clip(ws, clip.id, user="trainer")
            assert result.ok and result.report["voice"]["key_scope"] == "clip"
            audio.append(sf.read(str(ws.root / result.files["audio_wav"]["path"]))[0])
    finally:
        ws.close()
    assert audio[0].shape == audio[1].shape
    assert np.mean(np.abs(audio[0] - audio[1])) > 1e-3
