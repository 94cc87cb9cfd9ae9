"""Speak text with espeak-ng and learn where each word starts in the synthetic audio.

The library runs in a worker process (`espeak_worker.py`), so its global state never leaks into
ours or into processes we fork. `Synthesiser` is a context manager holding one worker; its
`speak(text, language)` returns the samples and the sample at which each word begins.
"""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from curation.errors import CurationError
from curation.language import base_language

WORKER = Path(__file__).with_name("espeak_worker.py")
VOICES = {"nl": "nl", "en": "en"}


def voice_for(language: str, variant: str | None = None) -> str:
    """espeak-ng's voice for a language code; a regional code keeps its language's voice ("en-US" is
    English, not the Dutch fallback), other languages fall back to Dutch."""
    return VOICES.get(base_language(language), "nl") + (f"+{variant}" if variant else "")


START_TIMEOUT = 20.0


class SpeechUnavailable(CurationError):
    """espeak-ng (its library libespeak-ng1) is missing or failed: nothing can be synthesised."""


@dataclass(frozen=True)
class SyntheticSpeech:
    """Synthetic audio (float32, mono) and (character position, sample) of each word's start."""

    samples: np.ndarray
    sample_rate: int
    word_starts: tuple[tuple[int, int], ...]


class Synthesiser:
    """One espeak-ng worker process; use as a context manager (`with Synthesiser() as s: s.speak(...)`)."""

    def __init__(self, rate: int = 175):
        self.rate = rate
        self.sample_rate = 0
        self._proc: subprocess.Popen | None = None

    def __enter__(self) -> "Synthesiser":
        self.start()
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def start(self) -> None:
        if self._proc is not None:
            return
        try:
            self._proc = subprocess.Popen([sys.executable, "-I", str(WORKER)], stdin=subprocess.PIPE,
                                          stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        except OSError as exc:
            raise SpeechUnavailable(f"cannot start the espeak-ng worker ({exc})") from None
        header = self._header()
        if not header.get("ready"):
            self.close()
            raise SpeechUnavailable(f"espeak-ng is not available: {header.get('error', 'no answer')} "
                                    "(apt-get install -y espeak-ng libespeak-ng1)")
        self.sample_rate = int(header["sample_rate"])

    def _header(self) -> dict:
        line = self._proc.stdout.readline()
        if not line:
            code = self._proc.poll()
            return {"error": f"worker ended (exit {code})"}
        return json.loads(line)

    def speak(self, text: str, language: str = "nl", variant: str | None = None) -> SyntheticSpeech:
        """Samples of `text` spoken in `language` (nl or en), optionally by a voice variant such as
        "f3" (female), and where its words start."""
        self.start()
        voice = voice_for(language, variant)
        request = {"text": text, "voice": voice, "rate": self.rate}
        try:
            self._proc.stdin.write((json.dumps(request) + "\n").encode())
            self._proc.stdin.flush()
        except (BrokenPipeError, OSError) as exc:
            self.close()
            raise SpeechUnavailable(f"the espeak-ng worker stopped ({exc})") from None
        header = self._header()
        if "error" in header:
            if self._proc is not None and self._proc.poll() is not None:
                self.close()
            raise SpeechUnavailable(f"espeak-ng failed: {header['error']}")
        n = int(header["samples"])
        raw = self._proc.stdout.read(2 * n)
        if len(raw) != 2 * n:
            self.close()
            raise SpeechUnavailable("the espeak-ng worker stopped in the middle of an answer")
        samples = np.frombuffer(raw, dtype="<i2").astype(np.float32) / 32768.0
        return SyntheticSpeech(samples, self.sample_rate, tuple((int(p), int(s)) for p, s in header["events"]))

    def close(self) -> None:
        proc, self._proc = self._proc, None
        if proc is None:
            return
        for stream in (proc.stdin, proc.stdout):
            try:
                stream.close()
            except OSError:
                pass
        try:
            proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
