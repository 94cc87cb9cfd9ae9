"""Read and write audio as float32 arrays shaped (frames, channels), whole or in blocks.

WAV/FLAC/OGG go through soundfile; MP3, Opus and anything soundfile cannot read go
through ffmpeg pipes. Block readers and writers keep memory bounded, so a two-hour
call is never decoded whole.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from typing import Iterator

import numpy as np

from curation.audio.probe import SOUNDFILE_FORMATS, probe
from curation.errors import CurationError

BLOCK_SECONDS = 30.0
WRITE_FORMATS = ("wav", "mp3", "ogg", "opus", "flac")
OPUS_RATES = (8000, 12000, 16000, 24000, 48000)


class AudioError(CurationError):
    """An audio file that cannot be read or written as asked."""


def format_for(path, fmt: str | None = None) -> str:
    """Output format from an explicit name or the file suffix (wav, mp3, ogg, opus, flac)."""
    fmt = (fmt or Path(path).suffix.lstrip(".")).lower()
    fmt = {"oga": "ogg", "wave": "wav"}.get(fmt, fmt)
    if fmt not in WRITE_FORMATS:
        raise AudioError(f"{path}: unsupported output format {fmt!r} (use one of {', '.join(WRITE_FORMATS)})")
    return fmt


def _ffmpeg() -> str:
    exe = shutil.which("ffmpeg")
    if exe is None:
        raise AudioError("ffmpeg not found: install it (apt-get install -y ffmpeg)")
    return exe


def _uses_soundfile(path) -> bool:
    import soundfile as sf

    try:
        info = sf.info(str(path))
    except Exception:  # noqa: BLE001
        return False
    return _soundfile_reads(info)


def _soundfile_reads(info) -> bool:
    """The formats read through soundfile (`sf.info` or an open `sf.SoundFile`); the rest go to ffmpeg."""
    return info.format in SOUNDFILE_FORMATS and info.subtype != "OPUS"


def _finite(block: np.ndarray, name, at: float, sr: int) -> np.ndarray:
    """`block` unchanged, or AudioError naming the file and the time of the first sample that is no number
    (a float WAV can hold NaN or infinity: no disguise or bleep verification can vouch for such audio)."""
    if not np.isfinite(block).all():
        first = int(np.flatnonzero(~np.isfinite(block).all(axis=1))[0]) if block.ndim == 2 else \
            int(np.flatnonzero(~np.isfinite(block))[0])
        raise AudioError(f"{name}: holds samples that are no numbers (NaN or infinite) from {at + first / sr:.3f} s; "
                         f"the recording is damaged")
    return block


def _soundfile_blocks(f, block_seconds: float, start: float, end: float | None,
                      name="audio") -> Iterator[np.ndarray]:
    """Blocks of [start, end) of an open `sf.SoundFile`, seeking to the first frame."""
    sr = f.samplerate
    block = max(1, int(block_seconds * sr))
    first = int(round(start * sr))
    last = None if end is None else int(round(end * sr))
    f.seek(min(first, f.frames))
    remaining = None if last is None else max(0, last - first)
    while remaining is None or remaining > 0:
        n = block if remaining is None else min(block, remaining)
        data = f.read(n, dtype="float32", always_2d=True)
        if len(data) == 0:
            break
        if remaining is not None:
            remaining -= len(data)
        yield _finite(data, name, f.tell() / sr - len(data) / sr, sr)


def stream(path, block_seconds: float = BLOCK_SECONDS, start: float = 0.0, end: float | None = None,
           sample_rate: int | None = None, channels: int | None = None) -> Iterator[np.ndarray]:
    """Yield consecutive float32 blocks (frames, channels) of `path` between `start` and `end` seconds.

    Resampling (`sample_rate`) and channel mixing (`channels`) go through ffmpeg, which streams.
    """
    info = probe(path)
    if end is not None and end <= start:
        return
    if _uses_soundfile(path) and sample_rate in (None, info.sample_rate) and channels in (None, info.channels):
        import soundfile as sf

        with sf.SoundFile(str(path)) as f:
            yield from _soundfile_blocks(f, block_seconds, start, end, path)
        return
    yield from _stream_ffmpeg(path, info.sample_rate if sample_rate is None else sample_rate,
                              info.channels if channels is None else channels, block_seconds, start, end)


def _stream_ffmpeg(path, sr: int, channels: int, block_seconds: float, start: float,
                   end: float | None) -> Iterator[np.ndarray]:
    cmd = [_ffmpeg(), "-nostdin", "-v", "error", "-i", str(path)]
    if start:
        cmd += ["-ss", f"{start:.6f}"]
    if end is not None:
        cmd += ["-t", f"{end - start:.6f}"]
    cmd += ["-f", "f32le", "-acodec", "pcm_f32le", "-ac", str(channels), "-ar", str(sr), "pipe:1"]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    frame_bytes = 4 * channels
    want = max(1, int(block_seconds * sr)) * frame_bytes
    pending = b""
    at = start
    try:
        while True:
            chunk = proc.stdout.read(want - len(pending))
            if not chunk:
                break
            pending += chunk
            if len(pending) >= want:
                block = np.frombuffer(pending, dtype="<f4").reshape(-1, channels).copy()
                yield _finite(block, path, at, sr)
                at += len(block) / sr
                pending = b""
        usable = len(pending) - len(pending) % frame_bytes
        if usable:
            yield _finite(np.frombuffer(pending[:usable], dtype="<f4").reshape(-1, channels).copy(), path, at, sr)
    finally:
        proc.stdout.close()
        err = proc.stderr.read().decode("utf-8", "replace").strip()
        proc.stderr.close()
        code = proc.wait()
    if code != 0:
        raise AudioError(f"{path}: ffmpeg could not decode it ({(err.splitlines() or ['unknown error'])[-1]})")


def read(path, start: float = 0.0, end: float | None = None, sample_rate: int | None = None,
         channels: int | None = None) -> tuple[np.ndarray, int]:
    """The whole file (or [start, end) of it) as float32 (frames, channels) plus its sample rate."""
    sr = sample_rate or probe(path).sample_rate
    blocks = list(stream(path, start=start, end=end, sample_rate=sample_rate, channels=channels))
    if not blocks:
        ch = channels or probe(path).channels
        return np.zeros((0, ch), dtype=np.float32), sr
    return np.concatenate(blocks), sr


def read_open(f, start: float = 0.0, end: float | None = None, name: str = "audio") -> tuple[np.ndarray, int]:
    """[start, end) of an audio file already open for binary reading and seekable (a local file or an
    fsspec file that reads byte ranges): the frames `read` gives for that file, read the same way
    (`_soundfile_blocks`), without reading the rest. Raises AudioError when `read` would not use
    soundfile for it (MP3, Opus, what libsndfile cannot open): the caller falls back to a local copy."""
    import soundfile as sf

    try:
        with sf.SoundFile(f) as snd:
            if not _soundfile_reads(snd):
                raise AudioError(f"{name}: {snd.format}/{snd.subtype} is decoded by ffmpeg, not read in place")
            blocks = [] if end is not None and end <= start else \
                list(_soundfile_blocks(snd, BLOCK_SECONDS, start, end, name))
            data = np.concatenate(blocks) if blocks else np.zeros((0, snd.channels), dtype=np.float32)
            return data, snd.samplerate
    except (RuntimeError, TypeError) as exc:  # soundfile.LibsndfileError is a RuntimeError
        raise AudioError(f"{name}: soundfile cannot read it in place ({exc})") from None


class Writer:
    """Write float32 blocks (frames, channels) to WAV/FLAC/OGG (soundfile) or MP3/Opus (ffmpeg pipe).

    Use as a context manager; the file is complete only after a clean exit.
    """

    def __init__(self, path, sample_rate: int, channels: int, fmt: str | None = None,
                 bitrate: str | None = None, subtype: str | None = None, out_rate: int | None = None):
        self.path, self.sample_rate, self.channels = Path(path), int(sample_rate), int(channels)
        self.fmt = format_for(path, fmt)
        self.bitrate, self.subtype = bitrate, subtype
        self.out_rate = int(out_rate) if out_rate and int(out_rate) != self.sample_rate else None
        self._sf = self._proc = None
        self.frames = 0

    def __enter__(self) -> "Writer":
        import soundfile as sf

        if self.out_rate is None and (self.fmt in ("wav", "flac") or (self.fmt == "ogg" and self.subtype != "OPUS")):
            sf_fmt = {"wav": "WAV", "flac": "FLAC", "ogg": "OGG"}[self.fmt]
            subtype = self.subtype or {"wav": "PCM_16", "flac": "PCM_16", "ogg": "VORBIS"}[self.fmt]
            self._sf = sf.SoundFile(str(self.path), "w", samplerate=self.sample_rate, channels=self.channels,
                                    format=sf_fmt, subtype=subtype)
        else:
            self._proc = subprocess.Popen(self._ffmpeg_cmd(), stdin=subprocess.PIPE, stderr=subprocess.PIPE)
        return self

    def _ffmpeg_cmd(self) -> list[str]:
        cmd = [_ffmpeg(), "-nostdin", "-y", "-v", "error", "-f", "f32le", "-ar", str(self.sample_rate),
               "-ac", str(self.channels), "-i", "pipe:0", "-map_metadata", "-1"]
        rate = self.out_rate or self.sample_rate
        if self.out_rate:
            cmd += ["-af", f"aresample={self.out_rate}:resampler=soxr" if _has_soxr() else f"aresample={self.out_rate}"]
        if self.fmt == "mp3":
            per_channel = 24 if rate <= 8000 else 32 if rate <= 16000 else 64
            cmd += ["-codec:a", "libmp3lame", "-b:a", self.bitrate or f"{min(per_channel * self.channels, 160)}k",
                    "-f", "mp3"]
        elif self.fmt == "wav":
            cmd += ["-codec:a", "pcm_f32le" if self.subtype == "FLOAT" else "pcm_s16le", "-f", "wav"]
        elif self.fmt == "flac":
            cmd += ["-codec:a", "flac", "-f", "flac"]
        elif self.fmt == "ogg" and self.subtype != "OPUS":
            cmd += ["-codec:a", "libvorbis", "-q:a", "4", "-f", "ogg"]
        else:  # opus in an ogg container; opus only runs at a few rates, ffmpeg resamples to the nearest
            cmd += ["-codec:a", "libopus", "-b:a", self.bitrate or "24k", "-f", "ogg"]
        return cmd + [str(self.path)]

    def write(self, block: np.ndarray) -> None:
        block = np.asarray(block, dtype=np.float32)
        if block.ndim == 1:
            block = block[:, None]
        if block.shape[1] != self.channels:
            raise AudioError(f"{self.path}: block has {block.shape[1]} channels, writer expects {self.channels}")
        if not np.isfinite(block).all():  # never written: an encoder fed NaN writes noise or dies mid-file
            raise AudioError(f"{self.path}: refused to write samples that are no numbers (NaN or infinite)")
        block = np.clip(block, -1.0, 1.0)
        self.frames += len(block)
        if self._sf is not None:
            self._sf.write(block)
        else:
            try:
                self._proc.stdin.write(block.astype("<f4").tobytes())
            except BrokenPipeError:  # the encoder stopped: say why rather than exit without a word
                err = self._proc.stderr.read().decode("utf-8", "replace").strip()
                raise AudioError(f"{self.path}: ffmpeg stopped encoding {self.fmt} "
                                 f"({(err.splitlines() or ['no message'])[-1]})") from None

    def __exit__(self, exc_type, exc, tb) -> None:
        if self._sf is not None:
            self._sf.close()
        elif self._proc is not None:
            self._proc.stdin.close()
            err = self._proc.stderr.read().decode("utf-8", "replace").strip()
            self._proc.stderr.close()
            if self._proc.wait() != 0 and exc_type is None:
                self.path.unlink(missing_ok=True)
                raise AudioError(f"{self.path}: ffmpeg could not encode {self.fmt} "
                                 f"({(err.splitlines() or ['unknown error'])[-1]})")
        if exc_type is not None:
            self.path.unlink(missing_ok=True)


def _has_soxr() -> bool:
    global _SOXR
    if _SOXR is None:
        proc = subprocess.run([_ffmpeg(), "-hide_banner", "-h", "filter=aresample"], capture_output=True, text=True)
        _SOXR = "soxr" in proc.stdout
    return _SOXR


_SOXR: bool | None = None


def write(path, data: np.ndarray, sample_rate: int, fmt: str | None = None, bitrate: str | None = None,
          subtype: str | None = None, out_rate: int | None = None) -> Path:
    """Write a whole float array (frames[, channels]) to `path`; format from `fmt` or the suffix."""
    data = np.asarray(data, dtype=np.float32)
    if data.ndim == 1:
        data = data[:, None]
    with Writer(path, sample_rate, data.shape[1], fmt=fmt, bitrate=bitrate, subtype=subtype, out_rate=out_rate) as w:
        w.write(data)
    return Path(path)


def resample(data: np.ndarray, from_rate: int, to_rate: int) -> np.ndarray:
    """Polyphase resampling of a (frames[, channels]) array; exact length round(n * to / from)."""
    from math import gcd

    from scipy.signal import resample_poly

    if from_rate == to_rate:
        return np.asarray(data, dtype=np.float32)
    g = gcd(int(from_rate), int(to_rate))
    out = resample_poly(np.asarray(data, dtype=np.float64), to_rate // g, from_rate // g, axis=0)
    n = int(round(len(data) * to_rate / from_rate))
    return out[:n].astype(np.float32)


def excerpts(path, windows, block_seconds: float = BLOCK_SECONDS) -> Iterator[tuple[int, np.ndarray]]:
    """Yield (index, samples) for each (start, end) window in seconds, in order of start, reading the
    file once from front to back; only the audio from the earliest pending window on is held."""
    sr = probe(path).sample_rate
    order = sorted(range(len(windows)), key=lambda i: windows[i][0])
    if not order:
        return
    spans = {i: (int(round(max(0.0, windows[i][0]) * sr)), int(round(windows[i][1] * sr))) for i in order}
    pending = list(order)
    buf, pos = None, 0  # buf holds samples [pos, pos + len(buf))
    first = spans[pending[0]][0]
    for block in stream(path, block_seconds=block_seconds, start=first / sr):
        buf = block if buf is None else np.concatenate([buf, block])
        if pos == 0 and first:
            pos = first
        while pending and spans[pending[0]][1] <= pos + len(buf):
            i = pending.pop(0)
            a, b = spans[i]
            yield i, buf[max(0, a - pos): max(0, b - pos)].copy()
        drop = min((spans[pending[0]][0] if pending else pos + len(buf)) - pos, len(buf))
        if drop > 0:
            buf, pos = buf[drop:], pos + drop
    while pending:  # windows that run past the end of the file get what there is
        i = pending.pop(0)
        a, b = spans[i]
        yield i, (buf[max(0, a - pos): max(0, b - pos)].copy() if buf is not None else np.zeros((0, 1), np.float32))
