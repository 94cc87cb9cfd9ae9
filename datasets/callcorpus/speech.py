"""espeak-ng through its C library (ctypes): synthesise one utterance and report where each
word starts, so the transcript's word timings are exact rather than estimated."""

from __future__ import annotations

import ctypes
import threading
from dataclasses import dataclass

import numpy as np

from .errors import CorpusError

SAMPLE_RATE = 22050
_AUDIO_OUTPUT_SYNCHRONOUS = 2
_POS_CHARACTER = 1
_CHARS_UTF8 = 1
_EVENT_LIST_TERMINATED = 0
_EVENT_WORD = 1
_RATE, _VOLUME, _PITCH, _RANGE = 1, 2, 3, 4


class _Event(ctypes.Structure):
    _fields_ = [("type", ctypes.c_int), ("unique_identifier", ctypes.c_uint), ("text_position", ctypes.c_int),
                ("length", ctypes.c_int), ("audio_position", ctypes.c_int), ("sample", ctypes.c_int),
                ("user_data", ctypes.c_void_p), ("id", ctypes.c_char * 8)]


_CALLBACK = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.POINTER(ctypes.c_short), ctypes.c_int, ctypes.POINTER(_Event))


@dataclass(frozen=True)
class Voice:
    """An espeak voice variant with its prosody: name like 'nl+m3', rate in words/min, pitch 0-99."""

    name: str
    rate: int
    pitch: int
    pitch_range: int = 50
    volume: int = 100  # espeak amplitude 0-200: raised voice above 100


@dataclass
class Utterance:
    samples: np.ndarray  # float32 in -1..1 at SAMPLE_RATE
    word_starts: list[tuple[int, int]]  # (0-based character position in the text, sample index)


class _Engine:
    """The process-wide espeak-ng instance (the library keeps global state)."""

    def __init__(self) -> None:
        try:
            self.lib = ctypes.CDLL("libespeak-ng.so.1")
        except OSError as exc:
            raise CorpusError("libespeak-ng.so.1 not found: apt-get install espeak-ng libespeak-ng1") from exc
        rate = self.lib.espeak_Initialize(_AUDIO_OUTPUT_SYNCHRONOUS, 0, None, 0)
        if rate != SAMPLE_RATE:
            raise CorpusError(f"espeak-ng initialisation failed (returned {rate})")
        self._chunks: list[np.ndarray] = []
        self._events: list[tuple[int, int]] = []
        self._callback = _CALLBACK(self._on_audio)  # keep a reference: ctypes does not
        self.lib.espeak_SetSynthCallback(self._callback)
        self.lib.espeak_Synth.argtypes = [ctypes.c_void_p, ctypes.c_size_t, ctypes.c_uint, ctypes.c_int, ctypes.c_uint,
                                          ctypes.c_uint, ctypes.c_void_p, ctypes.c_void_p]
        self._voice: str | None = None
        self.lock = threading.Lock()

    def _on_audio(self, wav, count, events) -> int:
        if count > 0:
            self._chunks.append(np.ctypeslib.as_array(wav, shape=(count,)).copy())
        i = 0
        while events[i].type != _EVENT_LIST_TERMINATED:
            if events[i].type == _EVENT_WORD:
                self._events.append((events[i].text_position - 1, events[i].sample))
            i += 1
        return 0

    def synthesise(self, text: str, voice: Voice) -> Utterance:
        with self.lock:
            if voice.name != self._voice:
                if self.lib.espeak_SetVoiceByName(voice.name.encode()) != 0:
                    raise CorpusError(f"espeak-ng has no voice {voice.name!r}")
                self._voice = voice.name
            self.lib.espeak_SetParameter(_RATE, voice.rate, 0)
            self.lib.espeak_SetParameter(_PITCH, voice.pitch, 0)
            self.lib.espeak_SetParameter(_RANGE, voice.pitch_range, 0)
            self.lib.espeak_SetParameter(_VOLUME, voice.volume, 0)
            self._chunks, self._events = [], []
            data = text.encode("utf-8")
            buf = ctypes.create_string_buffer(data)
            err = self.lib.espeak_Synth(buf, len(data) + 1, 0, _POS_CHARACTER, 0, _CHARS_UTF8, None, None)
            if err != 0:
                raise CorpusError(f"espeak_Synth failed with code {err}")
            samples = np.concatenate(self._chunks) if self._chunks else np.zeros(0, np.int16)
            return Utterance(samples.astype(np.float32) / 32768.0, list(self._events))


_engine: _Engine | None = None


def synthesise(text: str, voice: Voice) -> Utterance:
    """Speak `text` with `voice`; the first call in a process loads espeak-ng."""
    global _engine
    if _engine is None:
        _engine = _Engine()
    return _engine.synthesise(text, voice)
