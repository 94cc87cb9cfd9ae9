"""Builders for crafted synthetic calls used by the difficulty tests (no real personal data)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from curation.model import Speaker, Transcript, Word

SPEAKERS = (Speaker("agent", "agent", 0), Speaker("customer", "customer", 1))


@dataclass(frozen=True)
class Line:
    """One utterance: who, what, and how (pause before it, seconds per word, confidence, loudness)."""

    role: str
    text: str
    pause: float = 0.5
    per_word: float = 0.35
    confidence: float = 0.95
    level: float = 0.1  # amplitude of the tone under each word in the audio
    pitch: float = 1.0  # the tone's frequency relative to the speaker's usual one (a raised voice is higher)
    start: float | None = None  # absolute start (for overlaps)


def say(*lines: Line | tuple, language: str = "nl", speakers=SPEAKERS) -> Transcript:
    words, t, latest = [], 0.0, 0.0
    for line in lines:
        line = line if isinstance(line, Line) else Line(*line)
        t = line.start if line.start is not None else max(t, latest) + line.pause
        for tok in line.text.split():
            words.append(Word(tok, round(t, 3), round(t + line.per_word * 0.85, 3), line.role, line.confidence))
            t += line.per_word
            latest = max(latest, t)
    return Transcript.build(words, speakers, language=language)


def per_word(lines, attribute: str) -> list[float]:
    """One value of a Line attribute for every word of the lines."""
    out = []
    for line in lines:
        line = line if isinstance(line, Line) else Line(*line)
        out += [getattr(line, attribute)] * len(line.text.split())
    return out


def levels_of(lines) -> list[float]:
    return per_word(lines, "level")


def pitches_of(lines) -> list[float]:
    return per_word(lines, "pitch")


def audio(path: Path, transcript: Transcript, levels: list[float], channels: int = 2, sample_rate: int = 8000,
          tail: float = 1.0, pitches: list[float] | None = None) -> Path:
    """Tone bursts under every word at the given amplitude, on the speaker's channel when stereo."""
    import soundfile as sf

    n = int((transcript.duration + tail) * sample_rate)
    data = np.zeros((n, channels), dtype=np.float32)
    rng = np.random.default_rng(0)
    data += rng.normal(0, 0.0005, data.shape).astype(np.float32)
    for w, level, pitch in zip(transcript.words, levels, pitches or [1.0] * len(levels)):
        ch = 0 if channels == 1 else transcript.speaker(w.speaker).channel
        a, b = int(w.start * sample_rate), int(w.end * sample_rate)
        t = np.arange(b - a) / sample_rate
        data[a:b, ch] += level * np.sin(2 * np.pi * (220 if ch == 0 else 330) * pitch * t)
    sf.write(path, data if channels > 1 else data[:, 0], sample_rate)
    return path


def write_call(folder: Path, stem: str, lines, channels: int = 2) -> Path:
    """A call as <stem>.wav + <stem>.json (project transcript format) ready for `curation ingest`."""
    lines = [l if isinstance(l, Line) else Line(*l) for l in lines]
    tr = say(*lines)
    audio(folder / f"{stem}.wav", tr, levels_of(lines), channels, pitches=pitches_of(lines))
    doc = {"format": "curation-transcript", "version": 1, "language": "nl",
           "speakers": [{"label": s.label, "role": s.role, "channel": s.channel} for s in SPEAKERS],
           "words": [{"text": w.text, "start": w.start, "end": w.end, "speaker": w.speaker, "confidence": w.confidence}
                     for w in tr.words]}
    (folder / f"{stem}.json").write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    return folder / f"{stem}.wav"


ROUTINE = [
    Line("agent", "Goedemiddag, u spreekt met de klantenservice, waarmee kan ik u helpen?"),
    Line("customer", "Goedemiddag, ik wil graag mijn adres wijzigen want ik ga verhuizen."),
    Line("agent", "Dat kan ik voor u regelen. Wat is het nieuwe adres?"),
    Line("customer", "Het is de Dorpsstraat twaalf in Zwolle."),
    Line("agent", "Dank u wel, dat heb ik aangepast. Kan ik u nog ergens anders mee helpen?"),
    Line("customer", "Nee hoor, dat was het. Fijn dat het zo snel geregeld is, bedankt."),
    Line("agent", "Graag gedaan, nog een fijne dag."),
]
