"""Render a call script to telephone audio with exact word timings.

Each turn is synthesised on its own, its words timed from espeak-ng's word events and
refined by energy, then placed on a shared timeline (gaps, interruptions, holds),
resampled to 8 kHz and band-passed to 300-3400 Hz. Stereo puts each party on its own channel.
"""

from __future__ import annotations

import bisect
import random
from dataclasses import dataclass

import numpy as np
import functools

from scipy.signal import butter, firwin, resample_poly, sosfiltfilt

from .script import Turn
from .speech import SAMPLE_RATE, Voice, synthesise

OUT_RATE = 8000
_FRAME = 110  # 5 ms at 22050 Hz


@dataclass
class TimedWord:
    text: str
    start: float
    end: float
    speaker: str
    turn: int
    index_in_turn: int
    parts: list[tuple[float, float]]  # (start, end) of each word the token is said as


@dataclass
class RenderedCall:
    channels: np.ndarray  # float32, shape (2, n): agent, customer
    words: list[TimedWord]  # in turn order
    duration: float


def said_words(turn: Turn) -> list[tuple[int, str]]:
    """(token index, word) for every word the turn's tokens are said as."""
    return [(k, w) for k, tok in enumerate(turn.toks) for w in tok.say.split()]


def _word_times(turn: Turn, voice: Voice) -> tuple[np.ndarray, list[list[tuple[float, float]]]]:
    """Synthesise a turn; return its samples (22050 Hz, silence trimmed) and, per token, the
    (start, end) of each word it is said as (espeak word events, refined by energy)."""
    said = said_words(turn)
    offsets, pos = [], 0
    for _, w in said:
        offsets.append(pos)
        pos += len(w) + 1
    text = " ".join(w for _, w in said)
    utt = synthesise(text, voice)
    x = utt.samples
    n_w = len(said)
    starts: list[int | None] = [None] * n_w
    for char_pos, sample in utt.word_starts:
        k = bisect.bisect_right(offsets, char_pos) - 1
        if 0 <= k < n_w and (starts[k] is None or sample < starts[k]):
            starts[k] = sample
    # words espeak merged with a neighbour: place them by interpolation
    known = [i for i, s in enumerate(starts) if s is not None]
    if not known:
        starts = [int(len(x) * i / max(1, n_w)) for i in range(n_w)]
    else:
        for i in range(n_w):
            if starts[i] is None:
                prev = max([k for k in known if k < i], default=None)
                nxt = min([k for k in known if k > i], default=None)
                a = starts[prev] if prev is not None else 0
                b = starts[nxt] if nxt is not None else len(x)
                lo, hi = (prev if prev is not None else -1), (nxt if nxt is not None else n_w)
                starts[i] = int(a + (b - a) * (i - lo) / (hi - lo))
    for i in range(1, n_w):  # monotonic
        starts[i] = max(starts[i], starts[i - 1] + _FRAME)
    frames = len(x) // _FRAME
    energy = np.sqrt(np.mean(x[: frames * _FRAME].reshape(frames, _FRAME) ** 2, axis=1)) if frames else np.zeros(0)
    loud = energy > max(0.02 * float(energy.max(initial=0.0)), 1e-4)
    parts: list[list[tuple[float, float]]] = [[] for _ in turn.toks]
    for i in range(n_w):
        f0 = starts[i] // _FRAME
        f1 = (starts[i + 1] // _FRAME) if i + 1 < n_w else frames
        f1 = max(f1, f0 + 1)
        idx = np.flatnonzero(loud[f0:f1])
        if idx.size:
            a, b = f0 + idx[0], f0 + idx[-1] + 1
        else:  # a word espeak kept silent: give it a sliver at its start
            a, b = f0, min(f0 + 2, max(frames, f0 + 2))
        parts[said[i][0]].append((a * _FRAME / SAMPLE_RATE, b * _FRAME / SAMPLE_RATE))
    end = parts[-1][-1][1] if parts and parts[-1] else 0.0
    return x[: int(end * SAMPLE_RATE) + _FRAME], parts


def _earliest_cut_in(prev: Turn, prev_starts: list[float], turn: Turn) -> float:
    """An interruption may start during the previous turn's last word, or its last two words when
    no annotated span is near the cut (spans must stay contiguous in time order)."""
    def free(t: Turn, idx: range) -> bool:
        return not any(s.start < idx.stop and idx.start < s.end for s in t.spans)

    n = len(prev_starts)
    deep = n >= 3 and free(prev, range(n - 2, n)) and free(turn, range(0, 3))
    return prev_starts[n - 2 if deep else n - 1] + 0.05


@functools.lru_cache(maxsize=1)
def _resampling_filter() -> np.ndarray:
    """The low-pass FIR that resample_poly would design for 22050 -> 8000 Hz, designed once."""
    up, down = 160, 441
    return firwin(2 * 10 * max(up, down) + 1, 1.0 / max(up, down), window=("kaiser", 5.0))


@functools.lru_cache(maxsize=1)
def _telephone_band() -> np.ndarray:
    return butter(6, [300, 3400], btype="bandpass", fs=OUT_RATE, output="sos")


def render(turns: list[Turn], voices: dict[str, Voice], rng: random.Random, *, noise: dict[str, float] | None = None,
           default_gap: tuple[float, float] = (0.25, 0.8)) -> RenderedCall:
    """Place the turns on one timeline and return both channels at 8 kHz with word times."""
    pieces = []  # (speaker, start_seconds, samples_8k)
    words: list[TimedWord] = []
    t = 0.4 + rng.random() * 0.4
    prev_end = t
    for ti, turn in enumerate(turns):
        voice = voices[turn.voice or turn.speaker]
        if turn.rate_factor != 1.0 or turn.pitch_delta or turn.volume != 100:
            voice = Voice(voice.name, int(voice.rate * turn.rate_factor), min(99, voice.pitch + turn.pitch_delta),
                          voice.pitch_range, turn.volume)
        x, parts = _word_times(turn, voice)
        times = [(p[0][0], p[-1][1]) for p in parts]
        if ti:
            if turn.overlap > 0:
                start = max(_earliest_cut_in(turns[ti - 1], prev_starts, turn), prev_end - turn.overlap)
                if turn.spans:  # an annotated stretch starts only after the interrupted turn's last word
                    first = min(s.start for s in turn.spans)
                    start = max(start, prev_starts[-1] + 0.02 - times[first][0])
            else:
                gap = turn.gap if turn.gap is not None else rng.uniform(*default_gap)
                start = prev_end + gap
        else:
            start = t
        y = resample_poly(x, 160, 441, window=_resampling_filter()).astype(np.float32)
        pieces.append((turn.speaker, start, y))
        for k, (a, b) in enumerate(times):
            words.append(TimedWord(turn.toks[k].text, round(start + a, 3), round(start + b, 3), turn.speaker, ti, k,
                                   [(round(start + p, 3), round(start + q, 3)) for p, q in parts[k]]))
        prev_end = max(prev_end, start + (times[-1][1] if times else 0.0)) + turn.hold_after
        prev_starts = [start + p[-1][0] for p in parts]  # the last word said of each token
    duration = prev_end + 0.5 + rng.random() * 0.5
    n = int(np.ceil(duration * OUT_RATE))
    channels = np.zeros((2, n), np.float32)
    for speaker, start, y in pieces:
        ch = 0 if speaker == "agent" else 1
        i = int(round(start * OUT_RATE))
        m = min(len(y), n - i)
        channels[ch, i:i + m] += y[:m]
    channels = sosfiltfilt(_telephone_band(), channels, axis=1).astype(np.float32)
    if noise:
        nrng = np.random.default_rng(rng.randrange(2**32))
        for speaker, level in noise.items():
            ch = 0 if speaker == "agent" else 1
            channels[ch] += (nrng.standard_normal(n) * level).astype(np.float32)
    return RenderedCall(channels, words, round(n / OUT_RATE, 3))


def render_text_only(turns: list[Turn], voices: dict[str, Voice], rng: random.Random,
                     default_gap: tuple[float, float] = (0.25, 0.8)) -> RenderedCall:
    """The same words on an estimated timeline, without synthesising audio (fast text-only corpora)."""
    words: list[TimedWord] = []
    t = prev_end = 0.4 + rng.random() * 0.4
    for ti, turn in enumerate(turns):
        voice = voices[turn.voice or turn.speaker]
        per_char = 0.062 * 170 / max(60, voice.rate * turn.rate_factor)
        start = t if ti == 0 else prev_end + (turn.gap if turn.gap is not None else rng.uniform(*default_gap))
        pos = start
        for k, tok in enumerate(turn.toks):
            first, parts = pos, []
            for w in tok.say.split():
                length = max(0.12, per_char * len(w))
                parts.append((round(pos, 3), round(pos + length, 3)))
                pos += length + 0.04
            pos += 0.21 if tok.say[-1:] in ".?!," else 0.0
            words.append(TimedWord(tok.text, round(first, 3), parts[-1][1], turn.speaker, ti, k, parts))
        prev_end = pos + turn.hold_after
    duration = round(prev_end + 0.5 + rng.random() * 0.5, 3)
    return RenderedCall(np.zeros((2, 0), np.float32), words, duration)


def to_pcm16(channels: np.ndarray, stereo: bool) -> np.ndarray:
    """Scale to a common peak and return interleaved int16 (stereo) or the mono mix."""
    data = channels if stereo else channels.sum(axis=0, keepdims=True)
    peak = float(np.abs(data).max(initial=0.0)) or 1.0
    pcm = np.clip(np.round(data / peak * 0.85 * 32767), -32768, 32767).astype("<i2")
    return pcm.T.copy()  # (n, channels)
