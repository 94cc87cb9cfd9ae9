"""Who speaks where: role labels for export, channels per role, and the speaker timeline of mono audio.

Original speaker labels can be names; everything that leaves this package uses the
role labels made here (agent, customer, speaker A, speaker B ...).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from curation.model import Transcript


def role_labels(transcript: Transcript | None) -> dict[str, str]:
    """Original label -> export label: the speaker's role, or "speaker A/B/..." when it has none."""
    if transcript is None:
        return {}
    out: dict[str, str] = {}
    used: set[str] = set()
    letters = iter("ABCDEFGHIJKLMNOPQRSTUVWXYZ")
    order = [s for s in transcript.speakers]
    first_word = {}
    for i, w in enumerate(transcript.words):
        first_word.setdefault(w.speaker, i)
    order.sort(key=lambda s: first_word.get(s.label, len(transcript.words)))
    for s in order:
        base = s.role if s.role in ("agent", "customer") else None
        label = base if base and base not in used else None
        if label is None and base:
            n = 2
            while f"{base} {n}" in used:
                n += 1
            label = f"{base} {n}"
        if label is None:
            label = f"speaker {next(letters)}"
            while label in used:
                label = f"speaker {next(letters)}"
        used.add(label)
        out[s.label] = label
    return out


def channel_roles(transcript: Transcript | None, channels: int) -> list[str]:
    """Role label of each channel of a multi-channel recording (stereo: 0 agent, 1 customer)."""
    labels = role_labels(transcript)
    roles: list[str | None] = [None] * channels
    if transcript is not None:
        counts: dict[str, int] = {}
        for w in transcript.words:
            counts[w.speaker] = counts.get(w.speaker, 0) + 1
        for s in sorted(transcript.speakers, key=lambda s: -counts.get(s.label, 0)):
            ch = s.channel
            if ch is None:
                ch = {"agent": 0, "customer": 1}.get(s.role)
            if ch is not None and ch < channels and roles[ch] is None:
                roles[ch] = labels[s.label]
    defaults = ["agent", "customer"] + [f"channel {i}" for i in range(2, channels)]
    taken = {r for r in roles if r}
    for i in range(channels):
        if roles[i] is None:
            candidate = defaults[i] if defaults[i] not in taken else f"channel {i}"
            roles[i] = candidate
            taken.add(candidate)
    return roles  # type: ignore[return-value]


def channels_of_roles(transcript: Transcript | None, channels: int) -> dict[str | None, tuple[int, ...]]:
    """Role label -> channels to bleep for it. Unknown speakers (key None) get every channel."""
    everything = tuple(range(channels))
    if channels == 1:
        out: dict[str | None, tuple[int, ...]] = {r: (0,) for r in role_labels(transcript).values()}
        out[None] = everything
        return out
    roles = channel_roles(transcript, channels)
    out = {r: (i,) for i, r in enumerate(roles)}
    for r in role_labels(transcript).values():
        out.setdefault(r, everything)  # a speaker with no channel of its own: bleep them all
    out[None] = everything
    return out


@dataclass(frozen=True)
class SpeakerSegment:
    """A stretch [first, last) of clip samples given to one role's disguise (mono audio)."""

    first: int
    last: int
    role: str


def mono_timeline(transcript: Transcript | None, n: int, sr: int,
                  labels: dict[str, str] | None = None) -> tuple[list[SpeakerSegment], list[str]]:
    """Cover [0, n) with per-role segments from the turns; boundaries sit in the middle of pauses.

    With fewer than two speakers there is one segment and a warning, because both voices
    of a two-party mono call then share one disguise.
    """
    labels = labels or role_labels(transcript)
    turns = [] if transcript is None else sorted(transcript.turns, key=lambda t: t.start)
    speakers = {t.speaker for t in turns}
    if len(speakers) < 2:
        role = labels.get(next(iter(speakers)), "speaker A") if speakers else "speaker A"
        return [SpeakerSegment(0, n, role)], [
            "mono recording without turns of two speakers: one voice disguise applied to the whole clip, "
            "so every voice in it shares the same disguise"]
    # Paint turns on a 10 ms grid in order of their start: an interruption overwrites the turn it
    # interrupts only while it lasts. Pauses go to the nearer neighbour, i.e. split in the middle.
    step = max(1, int(0.01 * sr))
    frames = (n + step - 1) // step
    roles = sorted({labels[t.speaker] for t in turns})
    grid = np.full(frames, -1, dtype=np.int16)
    for t in turns:
        a, b = int(t.start * sr) // step, int(np.ceil(t.end * sr / step))
        grid[max(0, a): max(0, min(frames, b))] = roles.index(labels[t.speaker])
    known = np.flatnonzero(grid >= 0)
    if len(known) == 0:
        return [SpeakerSegment(0, n, roles[0])], []
    pos = np.arange(frames)
    after = np.searchsorted(known, pos).clip(0, len(known) - 1)
    before = (after - 1).clip(0, len(known) - 1)
    nearer = np.where(np.abs(known[before] - pos) <= np.abs(known[after] - pos), known[before], known[after])
    grid = grid[nearer]
    change = np.flatnonzero(np.diff(grid)) + 1
    edges = np.concatenate([[0], change, [frames]])
    segments = []
    for a, b in zip(edges[:-1], edges[1:]):
        first, last = int(a) * step, min(n, int(b) * step)
        if last > first:
            segments.append(SpeakerSegment(first, last, roles[int(grid[a])]))
    return segments, []
