"""The secret voice key and the per-speaker disguise parameters derived from it.

The key is 32 random bytes in a file only its owner can read: derived from the
workspace's secret key, or `~/.config/curation/voice.key` for plain files. Parameters are
HMAC-SHA256(key, call id + role) mapped onto ranges, so the same speaker of the same
call always sounds the same, other calls and other keys differ, and nobody without
the key can tell which parameters were used.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
import stat
from pathlib import Path

from curation.anonymise.voice import VoiceParams
from curation.errors import CurationError

KEY_BYTES = 32


class VoiceKeyError(CurationError):
    """A voice key file that is missing, malformed or readable by others."""


def user_key_path() -> Path:
    """Per-user key used when no workspace is given (XDG_CONFIG_HOME honoured)."""
    base = Path(os.environ.get("XDG_CONFIG_HOME") or Path.home() / ".config")
    return base / "curation" / "voice.key"


def workspace_voice_key(ws) -> bytes:
    """The voice key of a workspace: derived from its secret key, so no second secret to keep."""
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


def _uniform(digest: bytes, slot: int) -> float:
    """A number in [0, 1) from 4 bytes of the digest."""
    return int.from_bytes(digest[4 * slot: 4 * slot + 4], "big") / 2 ** 32


def speaker_parameters(key: bytes, call_id: str, role: str, method: str = "default") -> VoiceParams:
    """Disguise parameters for one speaker (role) of one call, drawn from HMAC(key, call id, role)."""
    if method == "none":
        return VoiceParams("none")
    digest = hmac.new(key, f"curation-voice\x00{call_id}\x00{role}".encode(), hashlib.sha256).digest()
    sign = 1.0 if digest[31] & 1 else -1.0
    semitones = sign * (4.0 + 3.0 * _uniform(digest, 1))  # 4..7 semitones up or down
    if method == "pitch":
        return VoiceParams("pitch", semitones=semitones)
    if method != "default":
        raise ValueError(f"unknown voice method {method!r}")
    # Ranges chosen on benchmarks/anonymise_privacy.py. The McAdams coefficient does most of the
    # unlinking (0.70-0.85 left the ignorant attacker at 13 % EER); the key also picks the direction
    # (compress or expand the formant space), so an attacker who disguises enrolment speech with
    # another key moves it elsewhere (one-sided ranges left that lazy-informed attacker at 15 %).
    if digest[30] & 1:
        alpha = 0.55 + 0.15 * _uniform(digest, 0)
    else:
        alpha = 1.20 + 0.20 * _uniform(digest, 0)
    return VoiceParams("default", mcadams=alpha, semitones=semitones,
                       pitch_range=0.8 + 0.4 * _uniform(digest, 2),
                       formant_ratio=1.05 + 0.10 * _uniform(digest, 3))
