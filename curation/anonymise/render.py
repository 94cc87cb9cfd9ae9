"""Stream a clip through voice disguise, bleeping and verification, block by block.

Blocks are ~20 s of the clip plus context margins, so memory stays bounded for a
two-hour call; block edges are moved out of bleep spans so every span is bleeped and
verified whole inside one block. Disguise runs first, bleeps last: the samples inside a
span are then exactly tone or zero in the signal that gets written.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Mapping

import numpy as np

from curation.anonymise import bleep as bleeping
from curation.anonymise.speakers import SpeakerSegment
from curation.anonymise.verify import PCM_THRESHOLD_DBFS, verify_interval
from curation.anonymise.voice import VoiceParams, disguise, fit_to_speaker
from curation.audio.loudness import LoudnessMeter

BLOCK_SECONDS = 20.0
MARGIN_SECONDS = 0.3
SEAM_SECONDS = 0.02
FIT_READ_SECONDS = 120.0  # at most this much of each speaker's audio is read to fit the F0 change
CROSSTALK_DBFS = -45.0  # the other channel is audible inside a span: bleep it as well


@dataclass
class RenderJob:
    """Everything the renderer needs about one clip; sample indices are clip-relative."""

    sr: int
    channels: int
    n: int  # clip length in samples
    spans: list[bleeping.BleepSpan]
    params: Mapping[str, VoiceParams]  # role label -> secret parameters
    channel_roles: list[str] | None = None  # multi-channel: one role per channel
    timeline: list[SpeakerSegment] | None = None  # mono: who speaks when
    bleep_mode: str = "tone"
    crosstalk_guard: bool = True
    warnings: list[str] = field(default_factory=list)


def block_edges(n: int, sr: int, spans: list[bleeping.BleepSpan], block_seconds: float = BLOCK_SECONDS) -> list[int]:
    """Block boundaries about `block_seconds` apart, none of them inside a span or its fades."""
    fade = int(round(bleeping.FADE_SECONDS * sr)) + 1
    busy = sorted((s.first - fade, s.last + fade) for s in spans)
    edges, step, at = [0], max(1, int(block_seconds * sr)), 0
    while True:
        at = max(at + step, edges[-1] + 1)
        if at >= n:
            break
        for lo, hi in busy:
            if lo < at < hi:
                at = hi
        if at >= n:
            break
        edges.append(at)
    return edges + [n]


def render(read_range, job: RenderJob, sink) -> LoudnessMeter:
    """Run the job. `read_range(first, last)` returns source samples (frames, channels) of the clip;
    `sink(block)` receives output blocks in order. Fills in each span's verification."""
    job.params = fit_parameters(read_range, job)
    for role, p in job.params.items():
        if p.method == "warp" and p.fitted and not p.f0_measured:
            job.warnings.append(f"{role}: no voiced sound to measure the voice's pitch on; its F0 was moved by a "
                                "keyed shift instead of to a target across the low/high boundary")
        elif p.method in ("default", "normalise", "pool") and p.fitted and not p.f0_measured:
            job.warnings.append(f"{role}: no voiced sound to measure the voice on; its envelope was normalised "
                                "on the clip's own sound instead of the speaker's")
    meter = LoudnessMeter(job.sr, job.channels)
    margin = int(round(MARGIN_SECONDS * job.sr))
    seam = int(round(SEAM_SECONDS * job.sr))
    edges = block_edges(job.n, job.sr, job.spans)
    tail = None
    for b0, b1 in zip(edges[:-1], edges[1:]):
        e0, e1 = max(0, b0 - margin), min(job.n, b1 + margin)
        src = read_range(e0, e1)
        y = _disguise_block(src, e0, job)
        out = y[b0 - e0: b1 - e0].copy()
        if tail is not None:
            k = min(len(tail), len(out))
            w = np.linspace(0.0, 1.0, k, endpoint=False, dtype=np.float32)[:, None]
            out[:k] = tail[:k] * (1 - w) + out[:k] * w
        tail = y[b1 - e0: b1 - e0 + seam].copy() if b1 < job.n else None
        here = [s for s in job.spans if b0 <= s.first < b1]
        if job.crosstalk_guard and job.channels > 1:
            _guard_crosstalk(src[b0 - e0: b1 - e0], b0, here, job)
        out = bleeping.apply(out, b0, here, job.sr, job.bleep_mode)
        _verify(out, b0, here, job)
        meter.add(out)
        sink(out)
    return meter


def fit_parameters(read_range, job: RenderJob) -> dict[str, VoiceParams]:
    """Every speaker's parameters fitted to that speaker's own voice once, on up to
    `FIT_READ_SECONDS` of their audio from the start of the clip, so that all blocks of the
    clip disguise a speaker alike (see `voice.fit_to_speaker`)."""
    sr, limit = job.sr, int(FIT_READ_SECONDS * job.sr)
    fitted = dict(job.params)
    if job.channel_roles is not None:
        head = read_range(0, min(job.n, limit))
        for c, role in enumerate(job.channel_roles):
            fitted[role] = fit_to_speaker(fitted[role], head[:, c], sr)
        return fitted
    segments = job.timeline or []
    for role in fitted:
        own = [s for s in segments if s.role == role] if len(segments) > 1 else []
        if not own:  # one voice for the whole clip
            fitted[role] = fit_to_speaker(fitted[role], read_range(0, min(job.n, limit))[:, 0], sr)
            continue
        parts, total = [], 0
        for s in own:
            parts.append(read_range(s.first, min(s.last, s.first + limit - total))[:, 0])
            total += len(parts[-1])
            if total >= limit:
                break
        fitted[role] = fit_to_speaker(fitted[role], np.concatenate(parts), sr)
    return fitted


def _disguise_block(src: np.ndarray, e0: int, job: RenderJob) -> np.ndarray:
    if job.channel_roles is not None:
        return np.stack([disguise(src[:, c], job.sr, job.params[job.channel_roles[c]])
                         for c in range(job.channels)], axis=1)
    return _disguise_mono(src[:, 0], e0, job)[:, None]


def _disguise_mono(x: np.ndarray, e0: int, job: RenderJob) -> np.ndarray:
    """Each speaker's stretches with its own parameters, cross-faded over 20 ms at speaker changes."""
    n, sr = len(x), job.sr
    margin = int(round(MARGIN_SECONDS * sr))
    segs = [s for s in (job.timeline or []) if s.last > e0 and s.first < e0 + n]
    if len(segs) <= 1:
        role = segs[0].role if segs else next(iter(job.params))
        return disguise(x, sr, job.params[role])
    ramp = max(1, int(round(SEAM_SECONDS * sr)))
    out = np.zeros(n, dtype=np.float64)
    weight = np.zeros(n, dtype=np.float64)
    for s in segs:
        lo, hi = max(0, s.first - e0), min(n, s.last - e0)
        c0, c1 = max(0, lo - margin), min(n, hi + margin)
        y = disguise(x[c0:c1], sr, job.params[s.role])
        w = np.zeros(c1 - c0)
        w[lo - c0: hi - c0] = 1.0
        w = np.convolve(w, np.ones(ramp) / ramp, mode="same")
        out[c0:c1] += w * y
        weight[c0:c1] += w
    return (out / np.maximum(weight, 1e-9)).astype(np.float32)


def _guard_crosstalk(src: np.ndarray, b0: int, spans: list[bleeping.BleepSpan], job: RenderJob) -> None:
    """A PII word can leak into the other party's channel (echo, speakerphone): bleep that channel too."""
    for s in spans:
        seg = src[s.first - b0: s.last - b0]
        for c in range(job.channels):
            if c in s.channels or c in s.extra_channels or not len(seg):
                continue
            rms = float(np.sqrt(np.mean(np.square(seg[:, c], dtype=np.float64))))
            if rms > 0 and 20 * np.log10(rms) > CROSSTALK_DBFS:
                s.extra_channels = s.extra_channels + (c,)


def _verify(out: np.ndarray, b0: int, spans: list[bleeping.BleepSpan], job: RenderJob) -> None:
    tone_hz = bleeping.tone_frequency(job.sr) if job.bleep_mode == "tone" else None
    for s in spans:
        worst, ok = float("-inf"), True
        for c in s.channels + s.extra_channels:
            v = verify_interval(out[s.first - b0: s.last - b0, c], job.sr, s.first, tone_hz, PCM_THRESHOLD_DBFS)
            worst, ok = max(worst, v.residual_dbfs), ok and v.ok
        s.verified, s.residual_dbfs = ok, worst
