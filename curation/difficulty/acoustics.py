"""Audio-based signals: a per-channel loudness envelope read block-wise from the file,
voice activity per channel, and raised voice (loudness rising against the speaker's own baseline)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

import numpy as np

from .lexicon import top_evidence
from .signal import Evidence, Signal, ramp
from .text import CallView
from .turntaking import Stretch

HOP = 0.05  # seconds per envelope frame
FLOOR_DB = -100.0


@dataclass(frozen=True)
class LoudnessEnvelope:
    """RMS level in dBFS per channel, one value every `hop` seconds: shape (channels, frames); and,
    when read from audio, the periodicity of each frame (0..1, the normalised autocorrelation peak
    at a voice pitch lag), which tells a voice from noise and clicks."""

    levels: np.ndarray
    hop: float = HOP
    voicing: np.ndarray | None = None
    pitch: np.ndarray | None = None  # Hz at the periodicity peak (0 where there is no signal)

    @property
    def channels(self) -> int:
        return int(self.levels.shape[0])

    @property
    def duration(self) -> float:
        return self.levels.shape[1] * self.hop

    def frame(self, t: float) -> int:
        return int(round(t / self.hop))

    def level(self, channel: int, start: float, end: float) -> float:
        """Speech loudness of [start, end): the mean of the louder half of its frames (ignores pauses)."""
        a, b = int(start / self.hop), max(int(start / self.hop) + 1, int(np.ceil(end / self.hop)))
        frames = self.levels[channel, a:b]
        if frames.size == 0:
            return FLOOR_DB
        top = np.sort(frames)[frames.size // 2:]
        return float(top.mean())


PITCH_HZ = (60.0, 400.0)  # lags searched for periodicity


def _periodicity(frames: np.ndarray, sample_rate: int) -> tuple[np.ndarray, np.ndarray]:
    """Normalised autocorrelation peak over voice pitch lags and the pitch (Hz) at that peak, per
    frame: (frames, n, ch) -> two (ch, frames) arrays."""
    x = frames - frames.mean(axis=1, keepdims=True)
    n = x.shape[1]
    lo, hi = max(1, int(sample_rate / PITCH_HZ[1])), min(n - 2, int(sample_rate / PITCH_HZ[0]))
    if hi <= lo:
        return np.zeros((x.shape[2], x.shape[0])), np.zeros((x.shape[2], x.shape[0]))
    size = 1 << int(np.ceil(np.log2(2 * n)))
    spec = np.fft.rfft(x, size, axis=1)
    ac = np.fft.irfft(spec * np.conj(spec), size, axis=1)[:, :hi + 1]
    energy = ac[:, :1]
    lags = np.arange(lo, hi + 1)
    norm = ac[:, lo:hi + 1] / np.maximum(energy, 1e-12) * (n / (n - lags))[None, :, None]
    has_signal = energy[:, 0] > 1e-9
    peak = np.where(has_signal, norm.max(axis=1), 0.0)
    first_near_peak = (norm >= 0.9 * norm.max(axis=1, keepdims=True)).argmax(axis=1)  # the shortest period: no
    pitch = np.where(has_signal, sample_rate / lags[first_near_peak], 0.0)  # octave-down errors
    return np.clip(peak, 0.0, 1.0).T, pitch.T


def loudness_envelope(path: str | Path, hop: float = HOP, block_seconds: float = 30.0) -> LoudnessEnvelope:
    """Read an audio file in blocks (bounded memory for multi-hour calls) into a loudness envelope
    with per-frame periodicity."""
    import soundfile as sf

    with sf.SoundFile(str(path)) as f:
        n = max(1, int(round(f.samplerate * hop)))
        parts, voiced, pitches, carry = [], [], [], np.zeros((0, f.channels), dtype=np.float32)
        while True:
            block = f.read(int(block_seconds / hop) * n, dtype="float32", always_2d=True)
            if block.size == 0:
                break
            block = np.concatenate([carry, block]) if carry.size else block
            whole = (len(block) // n) * n
            frames = block[:whole].reshape(-1, n, block.shape[1]).astype(np.float64)
            parts.append(np.sqrt(np.mean(frames ** 2, axis=1)).T)
            periodic, pitch = _periodicity(frames, f.samplerate)
            voiced.append(periodic)
            pitches.append(pitch)
            carry = block[whole:]
        if carry.size:
            parts.append(np.sqrt(np.mean(carry.astype(np.float64) ** 2, axis=0))[:, None])
            voiced.append(np.zeros((f.channels, 1)))
            pitches.append(np.zeros((f.channels, 1)))
        rms = np.concatenate(parts, axis=1) if parts else np.zeros((f.channels, 0))
        voicing = np.concatenate(voiced, axis=1) if voiced else np.zeros((f.channels, 0))
        pitch = np.concatenate(pitches, axis=1) if pitches else np.zeros((f.channels, 0))
    levels = np.maximum(20 * np.log10(np.maximum(rms, 1e-10)), FLOOR_DB)
    return LoudnessEnvelope(levels.astype(np.float32), hop, voicing.astype(np.float32), pitch.astype(np.float32))


SILENCE_DB = -70.0  # below this a frame is (digital) silence whatever the noise floor
ABOVE_FLOOR_DB = 9.0  # speech is at least this far above the channel's noise floor
MIN_PERIODICITY = 0.45  # voiced frames have a clear pitch period
HANGOVER = 0.15  # seconds of speech kept after voiced frames (final consonants, decay)
FILL_GAP = 0.3  # gaps shorter than this inside speech are speech


def voiced_frames(env: LoudnessEnvelope, channel: int) -> np.ndarray:
    """Per frame: is there a voice on this channel? Above digital silence, clearly above the channel's
    own noise floor (10th percentile of its non-silent frames) and periodic (when known)."""
    lv = env.levels[channel]
    if lv.size == 0:
        return np.zeros(0, dtype=bool)
    audible = lv > SILENCE_DB
    if not audible.any():
        return audible
    floor = max(float(np.percentile(lv, 10)), SILENCE_DB - ABOVE_FLOOR_DB)  # digital silence: floor at -79 dBFS
    out = audible & (lv > floor + ABOVE_FLOOR_DB)
    if floor + ABOVE_FLOOR_DB > float(np.percentile(lv[audible], 90)):  # speech throughout: no noise floor to
        out = audible & (lv > float(np.percentile(lv[audible], 50)) - 12.0)  # measure, keep the louder frames
    if env.voicing is not None and env.voicing.shape == env.levels.shape:
        out &= env.voicing[channel] >= MIN_PERIODICITY
    return out


def speech_frames(env: LoudnessEnvelope, channel: int) -> np.ndarray:
    """Per frame: speech, i.e. voiced frames widened by a short hangover, with short gaps filled."""
    voiced = voiced_frames(env, channel)
    if not voiced.any():
        return voiced
    speech = voiced.copy()
    for k in range(1, max(1, int(round(HANGOVER / env.hop))) + 1):  # the hangover after voicing
        speech[k:] |= voiced[:-k]
    speech[:-1] |= voiced[1:]  # one frame before: the onset
    edges = np.flatnonzero(np.diff(np.concatenate([[0], speech.astype(np.int8), [0]])))
    starts, ends = edges[::2], edges[1::2]
    gap = int(round(FILL_GAP / env.hop))
    for e, s in zip(ends[:-1], starts[1:]):
        if s - e <= gap:
            speech[e:s] = True
    return speech


def voice_activity(env: LoudnessEnvelope, channel: int, role: str, min_speech: float = 0.2,
                   join_gap: float = 0.35) -> list[Stretch]:
    """Stretches of speech on a channel (see `speech_frames`), joined across short pauses."""
    active = speech_frames(env, channel)
    if not active.any():
        return []
    edges = np.flatnonzero(np.diff(np.concatenate([[0], active.astype(np.int8), [0]])))
    spans = list(zip(edges[::2] * env.hop, edges[1::2] * env.hop))
    merged: list[list[float]] = []
    for s, e in spans:
        if merged and s - merged[-1][1] <= join_gap:
            merged[-1][1] = e
        else:
            merged.append([s, e])
    return [Stretch(role, float(s), float(e)) for s, e in merged if e - s >= min_speech]


@dataclass(frozen=True)
class TimingFit:
    """How well the transcript's speech stretches lie on the speech found in the audio.

    `fit`: share of the stretches' time that lies on speech; `chance`: share of the recording that
    is speech (what stretches placed at random would score); `offset`: the whole-call shift (s) that
    fits best, and `shifted_fit` its fit."""

    fit: float
    chance: float
    offset: float = 0.0
    shifted_fit: float = 0.0

    GOOD = 0.6  # a fit at least this good (and clearly above chance) is trusted

    def trusted(self, fit: float | None = None) -> bool:
        fit = self.fit if fit is None else fit
        return fit >= self.GOOD and (fit - self.chance >= 0.15 or fit >= 0.9 or self.chance >= 0.85)

    @property
    def shift_helps(self) -> bool:
        return not self.trusted() and self.trusted(self.shifted_fit) and self.shifted_fit - self.fit >= 0.15

    def describe(self) -> str:
        text = f"turn timings fit the speech found in the audio at {self.fit:.0%} (chance {self.chance:.0%})"
        if self.offset:
            text += f"; shifted by {self.offset:+.2f} s: {self.shifted_fit:.0%}"
        return text


def timing_fit(env: LoudnessEnvelope, stretches: Sequence[Stretch], channel_of: dict[str, int],
               max_shift: float = 15.0) -> TimingFit | None:
    """Compare the transcript's speech stretches with the speech in the audio (per role's channel
    when known, else any channel), and find the best constant shift. None when nothing to compare."""
    frames = env.levels.shape[1]
    speech = [speech_frames(env, c) for c in range(env.channels)]
    anyspeech = np.logical_or.reduce(speech) if speech else np.zeros(frames, dtype=bool)
    if frames == 0 or not anyspeech.any() or not stretches:
        return None
    pad = int(round(max_shift / env.hop))
    turns = np.zeros((env.channels + 1, frames + 2 * pad), dtype=np.float32)  # row `channels`: any channel
    for s in stretches:
        row = channel_of.get(s.role, env.channels)
        row = row if row < env.channels else env.channels
        a, b = env.frame(s.start) + pad, max(env.frame(s.start) + pad + 1, env.frame(s.end) + pad)
        turns[row, max(0, a):min(b, turns.shape[1])] = 1.0
    total = float(turns.sum())
    if total == 0:
        return None
    target = np.zeros_like(turns)
    for c in range(env.channels):
        target[c, pad:pad + frames] = speech[c]
    target[env.channels, pad:pad + frames] = anyspeech

    def fit_at(shift: int) -> float:
        moved = np.roll(turns, shift, axis=1)
        return float((moved * target).sum()) / max(float(moved.sum()), 1.0)

    base = fit_at(0)
    best, best_shift = base, 0
    step = max(1, int(round(0.1 / env.hop)))
    for shift in range(-pad, pad + 1, step):
        f = fit_at(shift)
        if f > best + 1e-9:
            best, best_shift = f, shift
    return TimingFit(round(base, 3), round(float(anyspeech.mean()), 3), round(best_shift * env.hop, 2), round(best, 3))


def _chunks(s: Stretch, view: CallView | None, size: int = 6) -> list[Stretch]:
    """Split a worded stretch into pieces of at most `size` words, so one loud sentence stands out."""
    if view is None or s.first is None or s.last - s.first <= size:
        return [s]
    words = view.transcript.words
    return [Stretch(s.role, words[a].start, words[min(a + size, s.last) - 1].end, a, min(a + size, s.last))
            for a in range(s.first, s.last, size)]


FOREGROUND_DB = 20.0  # voiced frames this far below the party's loudest are someone in the background
SUSTAINED = 2  # raised stretches needed
SUSTAINED_VOICED_FRAMES = 20  # and 1 s of voice in them together: single loud words to a machine are not a raised voice
MIN_Z = 3.0  # how many robust standard deviations of the party's stretch loudness a raise stands out by
PITCH_RISE = 1.1  # a raised voice is at least this much higher in pitch than the speaker's median
MIN_VOICED_FRAMES = 40  # 2 s of voice per party before a baseline means anything
CHUNK_VOICED_FRAMES = 6  # 0.3 s of voice in a stretch before its loudness is compared


def raised_voice(env: LoudnessEnvelope, stretches: Sequence[Stretch], channel_of: dict[str, int],
                 view: CallView | None = None, rise_db: float = 6.0, shared_channel: bool | None = None) -> Signal:
    """A party speaking clearly louder than their own usual voice.

    Loudness is measured over voiced frames only (never over pauses or digital silence, nor voices
    far below the party's own in the background), per party:
    their own channel in a stereo recording, their own turns on a shared (mono) channel. The
    baseline is the median of the party's voiced frames (the lower of the whole call's and its
    first half's, so a caller who shouts for most of the call still stands out); a stretch counts
    as raised when the median of its voiced frames is `rise_db` above it and its pitch at least 10%
    above the party's median pitch (louder at the same pitch is the microphone, not the voice); it
    takes two such stretches holding a second of voice together (one loud word, or a few short loud
    answers to a machine, are not a raised voice). A party louder by line gain, or an automated voice at one constant level, is never raised.
    value = the largest rise in dB; evidence = the loudest stretches."""
    hits, best, parts = [], 0.0, []
    roles_on: dict[int, int] = {}
    for ch in channel_of.values():
        roles_on[ch] = roles_on.get(ch, 0) + 1
    for role, channel in channel_of.items():
        if channel >= env.channels:
            continue
        voiced = voiced_frames(env, channel)
        own = [c for s in stretches if s.role == role for c in _chunks(s, view) if c.end - c.start >= 0.4]
        shared = roles_on[channel] > 1 if shared_channel is None else shared_channel
        if shared:  # a mono recording: only this party's turns are theirs
            mine = np.zeros_like(voiced)
            for s in stretches:
                if s.role == role:
                    mine[env.frame(s.start):env.frame(s.end) + 1] = True
            voiced = voiced & mine
        lv = env.levels[channel]
        if voiced.sum() < MIN_VOICED_FRAMES:
            continue
        voiced = voiced & (lv >= np.percentile(lv[voiced], 95) - FOREGROUND_DB)  # not a TV or voices behind them
        own_levels = lv[voiced]
        first_half = own_levels[: own_levels.size // 2]
        base = float(min(np.median(own_levels), np.median(first_half)))
        high = float(np.percentile(own_levels, 95))
        pitch = env.pitch[channel] if env.pitch is not None and env.pitch.shape == env.levels.shape else None
        own_pitch = pitch[voiced] if pitch is not None else np.zeros(0)
        base_pitch = float(min(np.median(own_pitch), np.median(own_pitch[: own_pitch.size // 2]))) if own_pitch.size else 0.0
        rises = []
        for c in own:
            a, b = env.frame(c.start), max(env.frame(c.start) + 1, env.frame(c.end))
            v = lv[a:b][voiced[a:b]]
            if v.size >= CHUNK_VOICED_FRAMES:
                higher = float(np.median(pitch[a:b][voiced[a:b]])) / base_pitch if base_pitch > 0 else None
                rises.append((float(np.median(v)) - base, higher, c, int(v.size)))
        if not rises:
            rises = [(0.0, None, None, 0)]
        stretch_levels = np.array([r for r, _, c, _ in rises if c is not None]) + base
        spread = 1.4826 * float(np.median(np.abs(stretch_levels - np.median(stretch_levels)))) if stretch_levels.size else 0.0
        top = max(r for r, _, _, _ in rises)
        parts.append(f"{role} voice median {base:.0f} dBFS, 95th percentile {high:.0f} dBFS, loudest stretch "
                     f"{top:+.1f} dB" + (f", median pitch {base_pitch:.0f} Hz" if base_pitch else ""))
        # louder at the same pitch is the microphone or the line, not the voice: a raised voice also rises in pitch
        # and it stands out from how much this party's loudness varies anyway (a robust z-score over stretches)
        raised = [(r, c, n) for r, higher, c, n in rises
                  if c is not None and r >= rise_db and (higher is None or higher >= PITCH_RISE)
                  and r >= MIN_Z * max(spread, 1.0)]
        top = max((r for r, _, _ in raised), default=0.0)
        # one loud word is not a raised voice, nor are a few short loud answers ("done", "finished") to a machine
        sustained = len(raised) >= SUSTAINED and sum(n for _, _, n in raised) >= SUSTAINED_VOICED_FRAMES
        best = max(best, top if sustained else 0.0)
        if not sustained:
            continue
        for r, c, _ in raised:
            if view is not None and c.first is not None:
                e = view.evidence(c.first, min(c.last, c.first + 8), 0)
                e = Evidence(f"[+{r:.0f} dB] {e.quote}", e.role, e.time, e.end)
            else:
                e = Evidence(f"[+{r:.0f} dB on the {role} channel]", role, round(c.start, 2), round(c.end, 2))
            hits.append((r, e))
    if not parts:
        return Signal.unavailable("raised_voice", "too little voiced speech per party to set a loudness baseline")
    strength = ramp(best, rise_db - 1.0, rise_db + 6.0)
    return Signal("raised_voice", round(best, 2), strength, top_evidence(hits) if strength else (),
                  note="; ".join(parts), unit="dB above own voice median")
