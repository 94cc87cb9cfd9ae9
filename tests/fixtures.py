"""Builders for test recordings and transcripts in every supported format (synthetic content only)."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import numpy as np
import soundfile as sf

# (speaker, start, end, text) - a short synthetic exchange
EXCHANGE = [
    ("agent", 0.20, 0.70, "Goedemiddag,"),
    ("agent", 0.75, 1.20, "waarmee"),
    ("agent", 1.25, 1.60, "kan"),
    ("agent", 1.65, 1.90, "ik"),
    ("agent", 1.95, 2.50, "helpen?"),
    ("customer", 3.00, 3.40, "Ik"),
    ("customer", 3.45, 3.90, "heb"),
    ("customer", 3.95, 4.30, "een"),
    ("customer", 4.35, 5.10, "vraag."),
]
DURATION = 6.0


def tone_audio(path: Path, sample_rate: int = 8000, channels: int = 1, duration: float = DURATION,
               words=EXCHANGE, subtype: str = "PCM_16") -> Path:
    """A recording with a tone burst under every word (agent on channel 0, customer on 1 when stereo)."""
    n = int(duration * sample_rate)
    data = np.zeros((n, channels), dtype=np.float32)
    t = np.arange(n) / sample_rate
    for speaker, start, end, _ in words:
        ch = 0 if (channels == 1 or speaker == "agent") else 1
        a, b = int(start * sample_rate), int(end * sample_rate)
        freq = 220.0 if speaker == "agent" else 330.0
        data[a:b, ch] += 0.3 * np.sin(2 * np.pi * freq * t[a:b])
    sf.write(path, data if channels > 1 else data[:, 0], sample_rate, subtype=subtype)
    return path


def to_mp3(wav: Path, mp3: Path) -> Path:
    subprocess.run(["ffmpeg", "-v", "error", "-y", "-i", str(wav), "-codec:a", "libmp3lame", "-b:a", "32k", str(mp3)],
                   check=True)
    return mp3


def project_json(path: Path, words=EXCHANGE, language: str = "nl") -> Path:
    doc = {"format": "curation-transcript", "version": 1, "language": language,
           "speakers": [{"label": "agent", "role": "agent"}, {"label": "customer", "role": "customer"}],
           "words": [{"text": t, "start": s, "end": e, "speaker": spk, "confidence": 0.9} for spk, s, e, t in words]}
    path.write_text(json.dumps(doc), encoding="utf-8")
    return path


def vtt(path: Path, names=("Medewerker", "Klant"), encoding: str = "utf-8") -> Path:
    body = (f"WEBVTT\n\n1\n00:00:00.200 --> 00:00:02.500\n<v {names[0]}>Goedemiddag, waarmee kan ik helpen?\n\n"
            f"2\n00:00:03.000 --> 00:00:05.100\n<v {names[1]}>Ik heb een vraag.\n")
    path.write_bytes(body.encode(encoding))
    return path


def aws(path: Path, channel_mode: bool = False) -> Path:
    items, segments = [], {}
    for spk, s, e, t in EXCHANGE:
        word, punct = (t[:-1], t[-1]) if t[-1] in ",.?" else (t, None)
        label = ("ch_0" if spk == "agent" else "ch_1") if channel_mode else ("spk_0" if spk == "agent" else "spk_1")
        item = {"type": "pronunciation", "start_time": f"{s:.2f}", "end_time": f"{e:.2f}",
                "alternatives": [{"content": word, "confidence": "0.93"}]}
        items.append(item)
        segments.setdefault(label, []).append({"start_time": f"{s:.2f}", "end_time": f"{e:.2f}", "speaker_label": label})
        if punct:
            items.append({"type": "punctuation", "alternatives": [{"content": punct, "confidence": "0.0"}]})
    results: dict = {"transcripts": [{"transcript": " ".join(t for *_, t in EXCHANGE)}], "items": items,
                     "language_code": "nl-NL"}
    if channel_mode:
        results["channel_labels"] = {"number_of_channels": 2, "channels": [
            {"channel_label": label, "items": segs} for label, segs in segments.items()]}
    else:
        results["speaker_labels"] = {"speakers": 2, "segments": [
            {"speaker_label": label, "start_time": segs[0]["start_time"], "end_time": segs[-1]["end_time"], "items": segs}
            for label, segs in segments.items()]}
    path.write_text(json.dumps({"jobName": "test", "status": "COMPLETED", "results": results}), encoding="utf-8")
    return path


def stm(path: Path, with_rttm: bool = False) -> Path:
    stem = path.stem
    path.write_text(";; synthetic test transcript\n"
                    f"{stem} 1 A 0.20 2.50 <o,f0,male> Goedemiddag, waarmee kan ik helpen?\n"
                    f"{stem} 2 B 3.00 5.10 <o,f0,female> Ik heb een vraag.\n", encoding="utf-8")
    if with_rttm:
        path.with_suffix(".rttm").write_text(
            f"SPEAKER {stem} 1 0.20 2.30 <NA> <NA> A <NA> <NA>\n"
            f"SPEAKER {stem} 1 3.00 2.10 <NA> <NA> B <NA> <NA>\n", encoding="utf-8")
    return path
