"""Compute every difficulty signal of one call, with what applies to the input at hand.

No transcript -> audio-only signals; one speaker -> no turn-taking; non-Dutch -> no Dutch
lexicons; a few seconds -> no turn-taking. Each skip leaves an unavailable signal with a note.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Callable

from curation.model import Transcript

from . import acoustics, confidence, dialogue, lexicon, sentiment, structure, turntaking
from .acoustics import LoudnessEnvelope
from .signal import Signal
from .text import CallView, word_set

log = logging.getLogger(__name__)

SIGNAL_NAMES = (
    "complaint_language", "abusive_language", "sentiment_trajectory", "interruptions", "silences",
    "talk_balance", "speech_rate", "raised_voice", "low_confidence", "clarification_requests",
    "caller_confusion", "contradicting_mentions", "call_length", "transfers",
)
DUTCH_LEXICON_SIGNALS = ("complaint_language", "abusive_language", "sentiment_trajectory", "clarification_requests",
                         "caller_confusion", "contradicting_mentions", "transfers")
MIN_TURN_TAKING_SECONDS = 10.0


@dataclass(frozen=True)
class CallSignals:
    """All signals of one call plus the call-level notes on what could not be computed."""

    signals: tuple[Signal, ...]
    notes: tuple[str, ...] = ()
    duration: float = 0.0

    def __getitem__(self, name: str) -> Signal:
        for s in self.signals:
            if s.name == name:
                return s
        raise KeyError(name)

    def strengths(self) -> dict[str, float]:
        return {s.name: s.strength for s in self.signals}


def resolve_roles(transcript: Transcript) -> tuple[dict[str, str], str]:
    """Role per speaker label; when no roles are given, the first to speak is taken as the agent."""
    roles = {s.label: s.role for s in transcript.speakers}
    if any(r in ("agent", "customer") for r in roles.values()) or not transcript.words:
        return roles, ""
    order = list(dict.fromkeys(w.speaker for w in transcript.words))
    guessed = {label: ("agent" if i == 0 else "customer" if i == 1 else "unknown") for i, label in enumerate(order)}
    return {**roles, **guessed}, "speaker roles unknown: the first speaker is taken as the agent"


def dutch_share(view: CallView) -> float:
    """Share of tokens that are frequent Dutch function words (≈0.3-0.5 for Dutch speech)."""
    stop = word_set("stopwords_nl.txt")
    return sum(t in stop for t in view.tokens) / max(1, len(view.tokens))


def compute_signals(transcript: Transcript | None = None, envelope: LoudnessEnvelope | None = None,
                    duration: float | None = None, channel_roles: dict[str, int] | None = None) -> CallSignals:
    """Every signal in SIGNAL_NAMES for one call; never raises for odd input (the signal is
    then unavailable with a note)."""
    notes: list[str] = []
    results: dict[str, Signal] = {}

    def run(name: str, fn: Callable[[], Signal]) -> None:
        try:
            results[name] = fn()
        except Exception as exc:  # one broken signal must not stop the batch
            log.warning("difficulty signal %s failed: %s", name, type(exc).__name__)
            results[name] = Signal.unavailable(name, f"could not be computed ({type(exc).__name__})")

    has_words = transcript is not None and len(transcript.words) > 0
    duration = float(duration or 0.0) or (transcript.duration if has_words else 0.0) or (envelope.duration if envelope else 0.0)
    view = None
    if has_words:
        roles, note = resolve_roles(transcript)
        notes.append(note)
        view = CallView.of(transcript, roles)
    else:
        notes.append("no transcript: only audio signals were computed" if envelope is not None
                     else "no transcript and no audio: nothing but the call length could be computed")

    speaking_roles = set(view.roles) - {"unknown"} if view else set()
    two_parties = {"agent", "customer"} <= speaking_roles
    if view is not None and not two_parties:
        notes.append("only one speaker in the transcript: turn-taking signals skipped")
    too_short = 0 < duration < MIN_TURN_TAKING_SECONDS
    if too_short:
        notes.append(f"call of only {duration:.1f} s: turn-taking signals skipped")

    dutch = False
    if view is not None:
        share = dutch_share(view)
        lang = (transcript.language or "nl").lower()
        dutch = lang.startswith("nl") and not (len(view) >= 12 and share < 0.12)
        if not dutch:
            notes.append(f"transcript does not look Dutch (language {lang!r}, {share:.0%} Dutch function words): "
                         "Dutch lexicon signals skipped")

    channel_of = dict(channel_roles or {})
    if not channel_of and transcript is not None:
        channel_of = {roles[s.label]: s.channel for s in transcript.speakers
                      if s.channel is not None and roles.get(s.label) in ("agent", "customer")}
    stereo = envelope is not None and envelope.channels >= 2
    if stereo and not channel_of:
        channel_of = {"agent": 0, "customer": 1}

    word_stretches = turntaking.stretches_from_words(view) if view is not None else []
    audio_stretches: list = []
    if stereo:
        for role, ch in channel_of.items():
            if ch < envelope.channels:
                audio_stretches += acoustics.voice_activity(envelope, ch, role)
        audio_stretches.sort(key=lambda s: s.start)

    if view is not None and dutch:
        run("complaint_language", lambda: lexicon.complaint_language(view))
        run("abusive_language", lambda: lexicon.abusive_language(view))
        run("sentiment_trajectory", lambda: sentiment.sentiment_trajectory(view))
        run("clarification_requests", lambda: dialogue.clarification_requests(view))
        run("caller_confusion", lambda: dialogue.caller_confusion(view, word_stretches if two_parties else None))
        run("transfers", lambda: structure.transfers(view))
        if two_parties:
            run("contradicting_mentions", lambda: dialogue.contradicting_mentions(view))
    if view is not None:
        run("low_confidence", lambda: confidence.low_confidence(view))
        run("silences", lambda: silences_or_short(view, too_short))
        if two_parties and not too_short:
            run("speech_rate", lambda: turntaking.speech_rate(view, word_stretches))
    if not too_short:
        if stereo and audio_stretches:
            run("interruptions", lambda: turntaking.interruptions(audio_stretches, view, "stereo channels"))
        elif two_parties:
            run("interruptions", lambda: turntaking.interruptions(word_stretches, view))
        if two_parties:
            run("talk_balance", lambda: turntaking.talk_balance(word_stretches, view))
        elif stereo and audio_stretches:
            run("talk_balance", lambda: turntaking.talk_balance(audio_stretches, None, "stereo channels"))
    if envelope is not None:
        if view is not None:
            mapping = channel_of if stereo else {r: 0 for r in speaking_roles or {"unknown"}}
            run("raised_voice", lambda: acoustics.raised_voice(envelope, word_stretches, mapping, view))
        else:
            stretches = audio_stretches or acoustics.voice_activity(envelope, 0, "unknown")
            mapping = channel_of if stereo else {"unknown": 0}
            run("raised_voice", lambda: acoustics.raised_voice(envelope, stretches, mapping, None))
    run("call_length", lambda: structure.call_length(duration))

    reason = _missing_reason(view, envelope, dutch, two_parties, too_short)
    signals = tuple(results.get(n) or Signal.unavailable(n, reason(n)) for n in SIGNAL_NAMES)
    return CallSignals(signals, tuple(n for n in notes if n), round(duration, 3))


def silences_or_short(view: CallView, too_short: bool) -> Signal:
    return Signal.unavailable("silences", "call too short") if too_short else turntaking.silences(view)


def _missing_reason(view, envelope, dutch, two_parties, too_short) -> Callable[[str], str]:
    def reason(name: str) -> str:
        if name == "raised_voice" and envelope is None:
            return "no audio loudness envelope"
        if view is None:
            return "no transcript"
        if name in DUTCH_LEXICON_SIGNALS and not dutch:
            return "transcript is not Dutch"
        if too_short:
            return "call too short"
        if not two_parties:
            return "needs both an agent and a customer"
        return "not computed"
    return reason
