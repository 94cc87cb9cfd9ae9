"""WebVTT captions: segment-level, speakers from <v Name> voice tags; word times are estimated."""

from __future__ import annotations

import html
import re
from pathlib import Path

from curation.errors import ImportProblem
from curation.ingest.formats._common import estimate_words, infer_speakers, invalid, ordered_unique, read_text
from curation.model import InvalidTranscript, Transcript, Turn

TIMING = re.compile(r"^\s*((?:\d+:)?\d{1,2}:\d{2}[.,]\d{1,3})\s+-->\s+((?:\d+:)?\d{1,2}:\d{2}[.,]\d{1,3})")
VOICE = re.compile(r"<v(?:\.[^\s>]*)?\s+([^>]+)>(.*?)(?=<v[\s.]|$)", re.S)
TAG = re.compile(r"</?[^>]+>")


def timestamp(value: str) -> float:
    parts = value.replace(",", ".").split(":")
    seconds = float(parts[-1])
    minutes = int(parts[-2])
    hours = int(parts[-3]) if len(parts) == 3 else 0
    return hours * 3600 + minutes * 60 + seconds


def read(path: Path) -> Transcript:
    text = read_text(path).replace("\r\n", "\n").replace("\r", "\n")
    lines = text.split("\n")
    if not lines[0].lstrip("\ufeff").startswith("WEBVTT"):
        raise ImportProblem(path, "not a WebVTT file (first line must start with WEBVTT)")
    cues: list[tuple[float, float, list[tuple[str, str]]]] = []
    i = 1
    while i < len(lines):
        match = TIMING.match(lines[i])
        if not match:
            i += 1
            continue
        start, end = timestamp(match.group(1)), timestamp(match.group(2))
        if end < start:
            raise ImportProblem(path, f"cue on line {i + 1} ends before it starts")
        i += 1
        payload = []
        while i < len(lines) and lines[i].strip():
            payload.append(lines[i])
            i += 1
        body = "\n".join(payload)
        voices = [(m.group(1).strip(), m.group(2)) for m in VOICE.finditer(body)] or [("speaker", body)]
        parts = [(spk, html.unescape(TAG.sub("", t)).strip()) for spk, t in voices]
        cues.append((start, end, [(spk, t) for spk, t in parts if t]))
    if not cues:
        raise ImportProblem(path, "WebVTT file has no cues")
    words, segments = [], []
    try:
        for start, end, parts in cues:
            total = sum(len(t) for _, t in parts) or 1
            t0 = start
            for spk, body in parts:  # several voices in one cue share its time in proportion to their text
                t1 = t0 + (end - start) * len(body) / total
                seg_words = estimate_words(body, t0, t1, spk)
                segments.append((spk, t0, t1, len(words), len(words) + len(seg_words)))
                words.extend(seg_words)
                t0 = t1
        speakers = infer_speakers(ordered_unique(w.speaker for w in words))
        turns = tuple(Turn(spk, s, e, a, b) for spk, s, e, a, b in segments if b > a)
        return Transcript(tuple(words), speakers, turns)
    except InvalidTranscript as exc:
        raise invalid(path, exc) from None
