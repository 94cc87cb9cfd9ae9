"""NIST STM (segment time marks) with optional RTTM speaker turns beside it."""

from __future__ import annotations

import re
from pathlib import Path

from curation.errors import ImportProblem
from curation.ingest.formats._common import estimate_words, infer_speakers, invalid, ordered_unique, read_text
from curation.model import InvalidTranscript, Transcript, Turn

LABEL = re.compile(r"^<[^>]*>\s*")


def read(path: Path) -> Transcript:
    segments = []
    for n, line in enumerate(read_text(path).splitlines(), 1):
        if not line.strip() or line.startswith(";;"):
            continue
        fields = line.split(None, 5)
        if len(fields) < 5:
            raise ImportProblem(path, f"line {n}: an STM line needs 'file channel speaker begin end [<label>] text'")
        _, channel, speaker, begin, end = fields[:5]
        text = LABEL.sub("", fields[5]) if len(fields) > 5 else ""
        try:
            start, stop = float(begin), float(end)
        except ValueError:
            raise ImportProblem(path, f"line {n}: begin/end times are not numbers ({begin!r}, {end!r})") from None
        if stop < start:
            raise ImportProblem(path, f"line {n}: segment ends before it starts")
        if text.strip() in ("", "ignore_time_segment_in_scoring"):
            continue
        segments.append((speaker, channel, start, stop, text))
    if not segments:
        raise ImportProblem(path, "STM file has no segments with text")
    segments.sort(key=lambda s: s[2])
    words, turns = [], []
    try:
        for speaker, _, start, stop, text in segments:
            seg = estimate_words(text, start, stop, speaker)
            turns.append(Turn(speaker, start, stop, len(words), len(words) + len(seg)))
            words.extend(seg)
        channel_of = {}
        for speaker, channel, *_ in segments:
            if channel.isdigit():
                channel_of.setdefault(speaker, int(channel) - 1 if channel in ("1", "2") else int(channel))
        speakers = infer_speakers(ordered_unique(w.speaker for w in words), channel_of if len(set(channel_of.values())) > 1 else None)
        rttm = path.with_suffix(".rttm")
        if rttm.exists():
            turns = read_rttm_turns(rttm, words)
        return Transcript(tuple(words), speakers, tuple(turns))
    except InvalidTranscript as exc:
        raise invalid(path, exc) from None


def read_rttm_turns(path: Path, words) -> list[Turn]:
    """Speaker turns from RTTM 'SPEAKER file chan onset dur <NA> <NA> name ...' lines, tied to the words inside them."""
    turns = []
    for n, line in enumerate(read_text(path).splitlines(), 1):
        fields = line.split()
        if not fields or fields[0] != "SPEAKER":
            continue
        if len(fields) < 8:
            raise ImportProblem(path, f"line {n}: an RTTM SPEAKER line needs at least 8 fields")
        try:
            onset, dur = float(fields[3]), float(fields[4])
        except ValueError:
            raise ImportProblem(path, f"line {n}: onset/duration are not numbers") from None
        inside = [i for i, w in enumerate(words) if onset - 0.05 <= w.start < onset + dur]
        first, last = (inside[0], inside[-1] + 1) if inside else (0, 0)
        turns.append(Turn(fields[7], onset, onset + dur, first, last))
    return sorted(turns, key=lambda t: t.start)
