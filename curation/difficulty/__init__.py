"""Difficulty of a call: explainable signals (each with quotes, roles and times), a 0..100 score
with trainer-editable weights, and named categories. Pure functions over `curation.model.Transcript`
plus an optional loudness envelope; persistence lives in `curation.difficulty.store`."""

from __future__ import annotations

from curation.model import Transcript

from .acoustics import LoudnessEnvelope, loudness_envelope
from .scoring import CATEGORIES, DifficultyResult, Reason, Weights, WeightsError, score_signals
from .signal import Evidence, Signal
from .signals import SIGNAL_NAMES, CallSignals, compute_signals

__all__ = ["CATEGORIES", "SIGNAL_NAMES", "CallSignals", "DifficultyResult", "Evidence", "LoudnessEnvelope", "Reason",
           "Signal", "Weights", "WeightsError", "analyse_call", "compute_signals", "loudness_envelope", "score_signals"]


def analyse_call(transcript: Transcript | None = None, envelope: LoudnessEnvelope | None = None,
                 duration: float | None = None, weights: Weights | None = None) -> DifficultyResult:
    """Signals and score of one call in one step."""
    return score_signals(compute_signals(transcript, envelope, duration), weights)
