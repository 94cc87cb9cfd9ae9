"""Synthetic two-party calls for the audio tests: voiced 'words' with known times, plus their transcript.

A word is a glottal pulse train at the speaker's F0 through three formant resonators,
so it has the pitch and envelope that voice disguise changes, at exactly known samples.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
from scipy.signal import lfilter

from curation.audio import write
from curation.model import Speaker, Transcript, Word

VOICES = {"agent": (115.0, (600, 1300, 2400)), "customer": (205.0, (750, 1800, 2900))}


def voiced(seconds: float, sr: int, f0: float, formants, seed: int = 0) -> np.ndarray:
    n = int(round(seconds * sr))
    rng = np.random.default_rng(seed)
    t = np.arange(n) / sr
    inst = f0 * (1 + 0.05 * np.sin(2 * np.pi * 3 * t))
    phase = np.cumsum(inst) / sr
    pulses = (np.diff(np.floor(phase), prepend=0) > 0).astype(float) + 0.01 * rng.standard_normal(n)
    y = pulses
    for fc in formants:
        if fc >= sr / 2 - 100:
            continue
        r = np.exp(-np.pi * 90 / sr)
        y = lfilter([1 - r], [1, -2 * r * np.cos(2 * np.pi * fc / sr), r * r], y)
    y *= np.hanning(n)
    return (0.3 * y / (np.max(np.abs(y)) + 1e-12)).astype(np.float32)


def make_call(tmp: Path, sr: int = 8000, stereo: bool = True, words_per_turn: int = 4, turns: int = 4,
              labels=("Anna Jansen", "Piet de Vries"), stem: str = "call", suffix: str = "wav"):
    """Write `<stem>.wav` (stereo: agent ch0, customer ch1) and return (path, transcript)."""
    roles = ("agent", "customer")
    t, words, signal = 0.3, [], {}
    total = 0.3 + turns * (words_per_turn * 0.45 + 0.4) + 0.5
    n = int(round(total * sr))
    chans = np.zeros((n, 2 if stereo else 1), dtype=np.float32)
    k = 0
    for turn in range(turns):
        who = turn % 2
        f0, formants = VOICES[roles[who]]
        for w in range(words_per_turn):
            seg = voiced(0.35, sr, f0, formants, seed=k)
            a = int(round(t * sr))
            chans[a:a + len(seg), who if stereo else 0] += seg
            words.append(Word(f"woord{k}", round(t, 4), round(t + 0.35, 4), labels[who], 0.95))
            t += 0.45
            k += 1
        t += 0.4
    speakers = [Speaker(labels[0], "agent", 0 if stereo else None), Speaker(labels[1], "customer", 1 if stereo else None)]
    transcript = Transcript.build(words, speakers)
    path = write(tmp / f"{stem}.{suffix}", chans, sr)
    return path, transcript


def write_transcript_json(transcript: Transcript, path: Path) -> Path:
    data = {"format": "curation-transcript", "version": 1, "language": transcript.language,
            "speakers": [{"label": s.label, "role": s.role, "channel": s.channel} for s in transcript.speakers],
            "words": [{"text": w.text, "start": w.start, "end": w.end, "speaker": w.speaker,
                       "confidence": w.confidence} for w in transcript.words]}
    path.write_text(json.dumps(data))
    return path
