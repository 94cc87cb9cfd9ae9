"""Probe an audio file without decoding it: container, codec, rate, channels, duration.

Ingest calls `probe` on every recording; anything that is not a whole, playable audio
file (missing, empty, truncated, corrupt, not audio) raises `ImportProblem` with a
one-line reason, so the rest of a batch can still import.
"""

from __future__ import annotations

import json
import os
import shutil
import struct
import subprocess
from pathlib import Path

from curation.errors import ImportProblem
from curation.model import AudioInfo

# soundfile reads these itself; everything else (MP3 via ffmpeg, odd codecs) goes through ffprobe.
SOUNDFILE_FORMATS = {"WAV", "WAVEX", "RF64", "W64", "FLAC", "OGG", "AIFF"}
_UNKNOWN_SIZES = {0, 0xFFFFFFFF}  # streamed WAVs write one of these when the length is not known


def probe(path) -> AudioInfo:
    """Describe the audio file at `path`; raise ImportProblem(path, reason) when it is unusable."""
    path = Path(path)
    if not path.exists():
        raise ImportProblem(path, "file not found")
    if not path.is_file():
        raise ImportProblem(path, "not a regular file")
    size = path.stat().st_size
    if size == 0:
        raise ImportProblem(path, "empty file (0 bytes)")
    with open(path, "rb") as fh:
        head = fh.read(12)
    if head[:4] in (b"RIFF", b"RF64") and head[8:12] == b"WAVE":
        _check_wav_chunks(path, size)
    info = _probe_soundfile(path)
    if info is None:
        info = _probe_ffprobe(path)
    if info.channels < 1:
        raise ImportProblem(path, "audio stream has no channels")
    if info.sample_rate < 1000:
        raise ImportProblem(path, f"implausible sample rate {info.sample_rate} Hz")
    if not info.duration or info.duration <= 0 or info.frames == 0:
        raise ImportProblem(path, "no audio samples (duration 0)")
    return info


def _check_wav_chunks(path: Path, size: int) -> None:
    """Walk the RIFF chunks: the `fmt ` chunk must exist and the `data` chunk must fit in the file."""
    with open(path, "rb") as fh:
        fh.seek(12)
        pos, seen_fmt = 12, False
        while pos + 8 <= size:
            header = fh.read(8)
            if len(header) < 8:
                break
            cid, csize = header[:4], struct.unpack("<I", header[4:8])[0]
            if cid == b"fmt ":
                seen_fmt = True
            if cid == b"data":
                if not seen_fmt:
                    raise ImportProblem(path, "corrupt WAV: data chunk before fmt chunk")
                held = size - (pos + 8)
                if csize not in _UNKNOWN_SIZES and csize > held:
                    raise ImportProblem(
                        path, f"truncated WAV: header declares {csize} bytes of audio data, file holds {held}")
                if held <= 0:
                    raise ImportProblem(path, "no audio samples (empty WAV data chunk)")
                return
            pos += 8 + csize + (csize & 1)
            fh.seek(pos)
    raise ImportProblem(path, "corrupt WAV: no data chunk" if seen_fmt else "corrupt WAV: no fmt chunk")


def _probe_soundfile(path: Path) -> AudioInfo | None:
    import soundfile as sf

    try:
        i = sf.info(str(path))
    except Exception:  # noqa: BLE001 - libsndfile cannot read it; ffprobe gets a try
        return None
    if i.format not in SOUNDFILE_FORMATS:
        return None
    fmt = {"WAVEX": "wav", "RF64": "wav", "W64": "wav"}.get(i.format, i.format.lower())
    codec = i.subtype.lower()
    frames = int(i.frames)
    duration = frames / i.samplerate if i.samplerate else 0.0
    return AudioInfo(format=fmt, codec=codec, sample_rate=int(i.samplerate), channels=int(i.channels),
                     duration=duration, frames=frames)


def _ffprobe_exe() -> str:
    exe = shutil.which("ffprobe")
    if exe is None:
        raise ImportProblem("ffprobe", "ffprobe not found: install ffmpeg (apt-get install -y ffmpeg)")
    return exe


def _probe_ffprobe(path: Path) -> AudioInfo:
    cmd = [_ffprobe_exe(), "-v", "error", "-show_format", "-show_streams", "-of", "json", str(path)]
    proc = subprocess.run(cmd, capture_output=True, timeout=60, env={**os.environ, "AV_LOG_FORCE_NOCOLOR": "1"})
    if proc.returncode != 0:
        msg = (proc.stderr.decode("utf-8", "replace").strip().splitlines() or ["unknown error"])[-1]
        msg = msg.replace(str(path), "").strip(" :")
        raise ImportProblem(path, f"not a readable audio file ({msg})")
    try:
        data = json.loads(proc.stdout or b"{}")
    except json.JSONDecodeError:
        raise ImportProblem(path, "not a readable audio file (ffprobe gave no description)") from None
    audio = [s for s in data.get("streams", []) if s.get("codec_type") == "audio"]
    if not audio:
        raise ImportProblem(path, "not an audio file (no audio stream)")
    s = audio[0]
    fmt_name = (data.get("format", {}).get("format_name") or "unknown").split(",")[0]
    duration = _float(s.get("duration")) or _float(data.get("format", {}).get("duration"))
    rate = int(_float(s.get("sample_rate")) or 0)
    frames = int(round(duration * rate)) if duration and rate else None
    return AudioInfo(format=fmt_name, codec=s.get("codec_name", "unknown"), sample_rate=rate,
                     channels=int(s.get("channels") or 0), duration=duration or 0.0, frames=frames)


def _float(value) -> float:
    try:
        return float(value)
    except (TypeError, ValueError):
        return 0.0
