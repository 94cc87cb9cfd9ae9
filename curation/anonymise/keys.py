"""The secret voice key and the per-speaker disguise parameters derived from it.

The key is 32 random bytes in a file only its owner can read: derived from the
workspace's secret key, or `~/.config/curation/voice.key` for plain files. Parameters are
HMAC-SHA256(key, call id + role) mapped onto ranges, so the same speaker of the same
call always sounds the same, other calls and other keys differ, and nobody without
the key can tell which parameters were used. `clip_key` derives a key per clip, so two clips
of one call get unrelated parameters (the default for clip anonymisation).
"""

from __future__ import annotations

import hashlib
import hmac
import math
import os
import secrets
import stat
from pathlib import Path

from curation.anonymise.voice import VoiceParams
from curation.errors import CurationError

from curation.access import within_operation

KEY_BYTES = 32


class VoiceKeyError(CurationError):
    """A voice key file that is missing, malformed or readable by others."""


def user_key_path() -> Path:
    """Per-user key used when no workspace is given (XDG_CONFIG_HOME honoured)."""
    base = Path(os.environ.get("XDG_CONFIG_HOME") or Path.home() / ".config")
    return base / "curation" / "voice.key"


@within_operation("clips.edit", "calls.play_original")
def workspace_voice_key(ws) -> bytes:
    """The voice key of a workspace: derived from its secret key, so no second secret to keep. Only
    inside an anonymisation (the key must never leave the library)."""
    return hmac.new(ws.secret_key(), b"curation voice-disguise key v1", hashlib.sha256).digest()


def create_key(path) -> bytes:
    """Write a fresh random key with owner-only permissions (0600, folder 0700); refuse to overwrite."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    key = secrets.token_bytes(KEY_BYTES)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        raise VoiceKeyError(f"{path}: key file already exists; refusing to overwrite it") from None
    with os.fdopen(fd, "w") as fh:
        fh.write(key.hex() + "\n")
    os.chmod(path, 0o600)
    return key


def load_key(path) -> bytes:
    """Read a key file; it must be owner-only and hold 64 hex digits."""
    path = Path(path)
    if not path.is_file():
        raise VoiceKeyError(f"{path}: key file not found")
    mode = stat.S_IMODE(path.stat().st_mode)
    if mode & 0o077:
        raise VoiceKeyError(f"{path}: key file is readable by others (mode {mode:o}); run chmod 600 on it")
    text = path.read_text().strip()
    try:
        key = bytes.fromhex(text)
    except ValueError:
        raise VoiceKeyError(f"{path}: not a voice key (expected {2 * KEY_BYTES} hex digits)") from None
    if len(key) < 16:
        raise VoiceKeyError(f"{path}: key too short ({len(key)} bytes, need at least 16)")
    return key


def load_or_create_key(path=None) -> tuple[bytes, Path, bool]:
    """(key, path, created): the key at `path` (default: the per-user key), created on first use."""
    path = Path(path) if path else user_key_path()
    if path.exists():
        return load_key(path), path, False
    return create_key(path), path, True


KEY_SCOPES = ("call", "clip")


def clip_key(key: bytes, call_id: str, clip_id: str) -> bytes:
    """The voice key of one clip of a call: HMAC(key, call id, clip id). Clips of one call then get
    parameters as unrelated as those of two calls, so they cannot be linked by sounding alike."""
    return hmac.new(key, f"curation-clip-key\x00{call_id}\x00{clip_id}".encode(), hashlib.sha256).digest()


def _uniform(digest: bytes, slot: int) -> float:
    """A number in [0, 1) from 4 bytes of the digest."""
    return int.from_bytes(digest[4 * slot: 4 * slot + 4], "big") / 2 ** 32


# `default`: the keyed pseudo-speaker (see resynth.py). One call-level draw places the first speaker of
# a call on a size scale u in [0, 1) and the second at least 0.35 of it away, so two voices of a call
# never share a pseudo-speaker; u sets the median F0 (log scale) and, with a keyed jitter, the formant
# scale (small vocal tracts go with high voices, as in people).
PSEUDO_F0 = (95.0, 230.0)  # Hz, median F0 at u = 0 and u = 1
PSEUDO_ALPHA = (0.98, 1.20)  # formant scale at u = 0 and u = 1 (1 = reference adult male)
PSEUDO_ALPHA_JITTER = 0.04
PSEUDO_SPREAD = (1.5, 3.0)  # semitones: standard deviation of the re-drawn F0 contour
PSEUDO_TILT_DB = 3.0  # dB per octave, either sign
PSEUDO_EQ_DB = 16.0  # twelve keyed cosine terms of the long-term envelope (dB, the m-th divided by sqrt(m))
PSEUDO_EQ_TERMS = 12
PSEUDO_CONTOUR = (0.5, 1.5)  # semitones of slow keyed F0 modulation
PSEUDO_BENDS = (3, 0.08)  # keyed sine terms bending the formant-scale warp, and their size
PSEUDO_DYNAMICS = (4, 0.3)  # keyed cosine terms (log scale) of the spread of envelope changes over frequency
POOL_SIZE = 3  # pool: synthetic voices whose frames make one pseudo-speaker
PSEUDO_SEPARATION = 0.35  # least distance on the size scale between the two speakers of a call

# `warp` (the previous default): ranges chosen on benchmarks/anonymise_privacy.py. The key picks the
# direction of every change (formant space compressed or expanded, F0 up or down, formants scaled
# up or down), so an attacker who disguises enrolment speech with another key moves it elsewhere.
ALPHA_LOW, ALPHA_HIGH = (0.40, 0.55), (1.40, 1.70)  # McAdams coefficient, one range per direction
SEMITONES = (6.0, 9.0)  # F0 shift, up or down, when the speaker's own F0 cannot be measured
# Hz: keyed median F0 targets for a low and for a high voice; the first speaker of a call (agent,
# speaker A) draws from the lower part of each range and the second (customer, speaker B) from the
# upper part, so two voices that end up on the same side still differ by a semitone or more.
F0_LOW = ((95.0, 108.0), (115.0, 132.0))
F0_HIGH = ((178.0, 200.0), (212.0, 240.0))
FORMANT_RATIO = (1.10, 1.25)  # linear formant scale, or its inverse
CONTOUR_DEPTH = (2.0, 4.0)  # semitones of slow keyed F0 modulation (reshapes the intonation)
TILT_DB = 3.0  # spectral tilt, dB per octave around 1 kHz, either sign
LTAS = 0.0  # share of the speaker's long-term envelope replaced (1.0 cost voicing and gained no privacy)
EQ_DB = 6.0  # size of the keyed smooth spectral curve (cosine weights, dB)


def _between(u: float, bounds: tuple[float, float]) -> float:
    return bounds[0] + (bounds[1] - bounds[0]) * u


def _second_speaker(role: str) -> int:
    """1 for the customer and for speakers B, D, ...; 0 for the agent, speakers A, C, ... and anyone else."""
    if role == "customer":
        return 1
    if role.startswith("speaker ") and len(role) == 9 and role[-1].isupper():
        return (ord(role[-1]) - ord("A")) % 2
    return 0


def speaker_parameters(key: bytes, call_id: str, role: str, method: str = "default") -> VoiceParams:
    """Disguise parameters for one speaker (role) of one call, drawn from HMAC(key, call id, role)."""
    if method == "none":
        return VoiceParams("none")
    digest = hmac.new(key, f"curation-voice\x00{call_id}\x00{role}".encode(), hashlib.sha256).digest()
    sign = 1.0 if digest[31] & 1 else -1.0
    if method == "pitch":
        return VoiceParams("pitch", semitones=sign * (4.0 + 3.0 * _uniform(digest, 1)))  # 4..7 semitones
    if method in ("default", "normalise", "pool"):
        return _pseudo_speaker(key, call_id, role, method)
    if method != "warp":
        raise ValueError(f"unknown voice method {method!r}")
    more = hmac.new(key, f"curation-voice-2\x00{call_id}\x00{role}".encode(), hashlib.sha256).digest()
    alpha = _between(_uniform(digest, 0), ALPHA_LOW if digest[30] & 1 else ALPHA_HIGH)
    ratio = _between(_uniform(digest, 3), FORMANT_RATIO)
    part = _second_speaker(role)
    return VoiceParams("warp", mcadams=alpha, semitones=sign * _between(_uniform(digest, 1), SEMITONES),
                       formant_ratio=ratio if digest[29] & 1 else 1 / ratio,
                       contour_depth=_between(_uniform(digest, 2), CONTOUR_DEPTH),
                       contour_rate=0.3 + 0.4 * _uniform(digest, 4), contour_phase=2 * math.pi * _uniform(digest, 5),
                       tilt_db=TILT_DB * (2 * _uniform(digest, 6) - 1), ltas=LTAS,
                       eq_db=tuple(EQ_DB * (2 * _uniform(more, m) - 1) / math.sqrt(m + 1) for m in range(4)),
                       f0_targets=(_between(_uniform(more, 4), F0_LOW[part]), _between(_uniform(more, 5), F0_HIGH[part])))


def _pseudo_speaker(key: bytes, call_id: str, role: str, method: str = "default") -> VoiceParams:
    """The keyed pseudo-speaker of `default`: nothing in it depends on the speaker's own voice."""
    call = hmac.new(key, f"curation-pseudo-call\x00{call_id}".encode(), hashlib.sha256).digest()
    own = hmac.new(key, f"curation-pseudo\x00{call_id}\x00{role}".encode(), hashlib.sha256).digest()
    eq = hmac.new(key, f"curation-pseudo-eq\x00{call_id}\x00{role}".encode(), hashlib.sha256).digest()
    shape = hmac.new(key, f"curation-pseudo-shape\x00{call_id}\x00{role}".encode(), hashlib.sha256).digest()
    u = _uniform(call, 0)
    if _second_speaker(role):
        u = (u + PSEUDO_SEPARATION + (1 - 2 * PSEUDO_SEPARATION) * _uniform(call, 1)) % 1.0
    f0 = PSEUDO_F0[0] * (PSEUDO_F0[1] / PSEUDO_F0[0]) ** u
    alpha = _between(u, PSEUDO_ALPHA) + PSEUDO_ALPHA_JITTER * (2 * _uniform(own, 0) - 1)
    from curation.anonymise.voice import DEFAULT_DESIGN

    pool = ()
    if (DEFAULT_DESIGN if method == "default" else method) == "pool":
        from curation.anonymise.pool import POOL_VOICES

        order = sorted(POOL_VOICES, key=lambda v: hmac.new(shape, v.encode(), hashlib.sha256).digest())
        pool = tuple(order[:POOL_SIZE])
    return VoiceParams(method, target_f0=f0, pool=pool, target_alpha=alpha,
                       target_spread=_between(_uniform(own, 1), PSEUDO_SPREAD),
                       tilt_db=PSEUDO_TILT_DB * (2 * _uniform(own, 2) - 1),
                       eq_db=tuple(PSEUDO_EQ_DB * (2 * (int.from_bytes(eq[2 * m: 2 * m + 2], "big") / 65536) - 1)
                             / math.sqrt(m + 1) for m in range(PSEUDO_EQ_TERMS)),
                       contour_depth=_between(_uniform(own, 3), PSEUDO_CONTOUR),
                       contour_rate=0.3 + 0.4 * _uniform(own, 4), contour_phase=2 * math.pi * _uniform(own, 5),
                       bends=tuple(PSEUDO_BENDS[1] * (2 * _uniform(shape, m) - 1) for m in range(PSEUDO_BENDS[0])),
                       dynamics=tuple(PSEUDO_DYNAMICS[1] * (2 * _uniform(shape, 4 + m) - 1)
                                      for m in range(PSEUDO_DYNAMICS[0])),
                       seed=int.from_bytes(own[24:28], "big"))
