"""Compute every difficulty signal of one call, with what applies to the input at hand.

No transcript -> audio-only signals; one speaker -> no turn-taking; Dutch or English -> that
language's lexicons, anything else -> none; a few seconds -> no turn-taking; turn timings that do
not lie on the speech in the audio -> no timing-based signals. Each skip leaves an unavailable
signal with a note, and an unavailable signal adds nothing to the score.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace
from typing import Callable

from curation.language import detect_language
from curation.model import Transcript

from . import acoustics, confidence, dialogue, lexicon, sentiment, structure, turntaking
from .acoustics import LoudnessEnvelope
from .signal import Signal
from .text import LEXICON_LANGUAGES, CallView, word_set

log = logging.getLogger(__name__)

SIGNAL_NAMES = (
    "complaint_language", "abusive_language", "sentiment_trajectory", "interruptions", "silences",
    "talk_balance", "speech_rate", "raised_voice", "low_confidence", "clarification_requests",
    "caller_confusion", "contradicting_mentions", "call_length", "transfers",
)
LEXICON_SIGNALS = ("complaint_language", "abusive_language", "sentiment_trajectory", "clarification_requests",
                   "caller_confusion", "contradicting_mentions", "transfers")
DUTCH_LEXICON_SIGNALS = LEXICON_SIGNALS  # the name before English lexicons existed
TIMING_SIGNALS = ("speech_rate", "interruptions", "silences", "talk_balance")  # from turn and word times
MIN_TURN_TAKING_SECONDS = 10.0


@dataclass(frozen=True)
class CallSignals:
    """All signals of one call plus the call-level notes on what could not be computed."""

    signals: tuple[Signal, ...]
    notes: tuple[str, ...] = ()
    duration: float = 0.0
    language: str = ""  # the lexicons used: "nl", "en", or "" when none applied
    timing_fit: float | None = None  # share of the turns' time lying on speech in the audio (None: not checked)

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


def lexicon_language(transcript: Transcript, tokens) -> tuple[str, str]:
    """Which lexicons apply ("nl", "en" or "" for none) and a note when that is not simply the
    call's stored language: the words are checked, so a call stored as Dutch that reads as English
    gets the English lexicons; a language we have no lexicons for gets none."""
    stored = (transcript.language or "nl").lower()[:2]
    if stored not in LEXICON_LANGUAGES:
        return "", f"transcript language {stored!r} has no lexicons: lexicon signals skipped"
    guess = detect_language(tokens)
    if len(tokens) < 12 or not guess.sure or guess.language == stored:
        return stored, ""
    return guess.language, (f"transcript is stored as {stored!r} but reads as {guess.describe()}: "
                            f"{guess.language} lexicons used")


def compute_signals(transcript: Transcript | None = None, envelope: LoudnessEnvelope | None = None,
                    duration: float | None = None, channel_roles: dict[str, int] | None = None) -> CallSignals:
    """Every signal in SIGNAL_NAMES for one call; never raises for odd input (the signal is
    then unavailable with a note). Turn timings are checked against the speech in the audio first:
    shifted as a whole when that fits them, else the signals built on them are unavailable."""
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
    view, roles, language = None, {}, ""
    if has_words:
        roles, note = resolve_roles(transcript)
        notes.append(note)
        tokens = CallView.of(transcript, roles).tokens
        language, note = lexicon_language(transcript, tokens)
        notes.append(note)
        view = CallView.of(transcript, roles, language or "nl")
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

    channel_of = dict(channel_roles or {})
    if not channel_of and transcript is not None:
        channel_of = {roles[s.label]: s.channel for s in transcript.speakers
                      if s.channel is not None and roles.get(s.label) in ("agent", "customer")}
    stereo = envelope is not None and envelope.channels >= 2
    if stereo and not channel_of:
        channel_of = {"agent": 0, "customer": 1}

    word_stretches = turntaking.stretches_from_words(view) if view is not None else []
    timing_ok, fit = True, None
    if view is not None and envelope is not None and word_stretches:
        heard = [s for s in word_stretches if not stereo or s.role in channel_of]  # a party not recorded: no check
        fit = acoustics.timing_fit(envelope, heard, channel_of if stereo else {})
        if fit is not None and not fit.trusted():
            if fit.shift_helps:
                transcript = shifted(transcript, fit.offset)
                view = CallView.of(transcript, roles, language or "nl")
                word_stretches = turntaking.stretches_from_words(view)
                notes.append(f"{fit.describe()}: turns re-placed by {fit.offset:+.2f} s")
            else:
                timing_ok = False
                notes.append(f"{fit.describe()}: timing-based signals ({', '.join(TIMING_SIGNALS)}) "
                             "not computed from the turns")
    audio_stretches: list = []
    if stereo:
        for role, ch in channel_of.items():
            if ch < envelope.channels:
                audio_stretches += acoustics.voice_activity(envelope, ch, role)
        audio_stretches.sort(key=lambda s: s.start)

    if view is not None and language:
        run("complaint_language", lambda: lexicon.complaint_language(view))
        run("abusive_language", lambda: lexicon.abusive_language(view))
        run("sentiment_trajectory", lambda: sentiment.sentiment_trajectory(view))
        run("clarification_requests", lambda: dialogue.clarification_requests(view))
        run("caller_confusion", lambda: dialogue.caller_confusion(view, word_stretches if two_parties and timing_ok
                                                                   else None))
        run("transfers", lambda: structure.transfers(view))
        if two_parties:
            run("contradicting_mentions", lambda: dialogue.contradicting_mentions(view))
    if view is not None:
        run("low_confidence", lambda: confidence.low_confidence(view))
        if timing_ok:
            run("silences", lambda: silences_or_short(view, too_short))
        if two_parties and not too_short and timing_ok:
            run("speech_rate", lambda: turntaking.speech_rate(view, word_stretches))
    audio_parties = {s.role for s in audio_stretches}
    if not too_short:
        if stereo and len(audio_parties) >= 2:
            run("interruptions", lambda: turntaking.interruptions(audio_stretches, view, "stereo channels"))
        elif two_parties and timing_ok:
            run("interruptions", lambda: turntaking.interruptions(word_stretches, view))
        if two_parties and timing_ok:
            run("talk_balance", lambda: turntaking.talk_balance(word_stretches, view))
        elif stereo and len(audio_parties) >= 2:
            run("talk_balance", lambda: turntaking.talk_balance(audio_stretches, None, "stereo channels"))
    if envelope is not None:
        if view is not None and (stereo or timing_ok):
            mapping = channel_of if stereo else {r: 0 for r in speaking_roles or {"unknown"}}
            stretches = word_stretches if timing_ok else [s for s in audio_stretches if s.role in mapping]
            run("raised_voice", lambda: acoustics.raised_voice(envelope, stretches, mapping, view if timing_ok else None,
                                                               shared_channel=not stereo))
        elif view is None:
            stretches = audio_stretches or acoustics.voice_activity(envelope, 0, "unknown")
            mapping = channel_of if stereo else {"unknown": 0}
            run("raised_voice", lambda: acoustics.raised_voice(envelope, stretches, mapping, None, shared_channel=False))
    run("call_length", lambda: structure.call_length(duration))

    reason = _missing_reason(view, envelope, language, two_parties, too_short, timing_ok)
    signals = tuple(results.get(n) or Signal.unavailable(n, reason(n)) for n in SIGNAL_NAMES)
    return CallSignals(signals, tuple(n for n in notes if n), round(duration, 3), language,
                       fit.fit if fit is not None else None)


def shifted(transcript: Transcript, offset: float) -> Transcript:
    """The transcript with every word and turn moved by `offset` seconds (never before 0)."""
    words = tuple(replace(w, start=max(0.0, w.start + offset), end=max(0.0, w.end + offset)) for w in transcript.words)
    turns = tuple(replace(t, start=max(0.0, t.start + offset), end=max(0.0, t.end + offset)) for t in transcript.turns)
    return Transcript(words, transcript.speakers, turns, transcript.language)


def silences_or_short(view: CallView, too_short: bool) -> Signal:
    return Signal.unavailable("silences", "call too short") if too_short else turntaking.silences(view)


def _missing_reason(view, envelope, language, two_parties, too_short, timing_ok=True) -> Callable[[str], str]:
    def reason(name: str) -> str:
        if name == "raised_voice" and envelope is None:
            return "no audio loudness envelope"
        if view is None:
            return "no transcript"
        if name in LEXICON_SIGNALS and not language:
            return "no lexicons for the transcript's language"
        if not timing_ok and (name in TIMING_SIGNALS or name == "raised_voice"):
            return "turn timings do not fit the speech in the audio"
        if too_short:
            return "call too short"
        if not two_parties:
            return "needs both an agent and a customer"
        return "not computed"
    return reason
