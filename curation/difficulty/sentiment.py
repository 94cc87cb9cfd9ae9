"""Sentiment trajectory: lexicon-based Dutch sentiment at the start vs the end of the call, per speaker."""

from __future__ import annotations

import math

from .lexicon import top_evidence
from .signal import Signal, clamp01, ramp
from .text import CallView, PhraseLexicon, word_set


def word_polarities(view: CallView) -> list[tuple[int, int, float]]:
    """(first, last, polarity) of every sentiment phrase, flipped after a negation."""
    lexicon = view.lexicon("sentiment.txt")
    negations = view.words("negation.txt")
    out = []
    for first, last, phrase in lexicon.scan(view.tokens):
        pol = phrase.weight
        if any(view.tokens[k] in negations for k in range(max(0, first - 2), first)):
            pol = -pol * 0.8
        out.append((first, last, pol))
    return out


def _segment_score(polarities: list[float], n_words: int) -> float:
    """Sentiment of a stretch of speech in -1..1: the sum of polarities, damped by length."""
    if n_words == 0:
        return 0.0
    return math.tanh(sum(polarities) / max(6.0, n_words / 8.0) * 2.0)


def sentiment_trajectory(view: CallView) -> Signal:
    """How the customer's mood moves from the first to the last third of their words.

    value = end - start (negative: the call got worse); strength combines how negative the
    customer ends and how far they dropped. The note gives both parties' trajectories.
    """
    hits = word_polarities(view)
    parts, customer = [], None
    for role in ("customer", "agent"):
        idx = [i for i, r in enumerate(view.roles) if r == role]
        if len(idx) < 6:
            continue
        third = len(idx) // 3
        lo, hi = idx[third], idx[-third]  # word index bounds of the first / last third
        start = _segment_score([p for f, _, p in hits if view.roles[f] == role and f < lo], third)
        end = _segment_score([p for f, _, p in hits if view.roles[f] == role and f >= hi], third)
        parts.append(f"{role} {start:+.2f} → {end:+.2f}")
        if role == "customer":
            customer = (start, end, hi)
    if customer is None:
        return Signal.unavailable("sentiment_trajectory", "too few customer words for a sentiment trajectory")
    start, end, hi = customer
    strength = clamp01(max(ramp(-end, 0.1, 0.7), ramp(start - end, 0.3, 1.2)))
    negatives = [(-p, view.evidence(f, l)) for f, l, p in hits if p < 0 and view.roles[f] == "customer" and f >= hi]
    return Signal("sentiment_trajectory", round(end - start, 3), strength,
                  top_evidence(negatives, 3) if strength > 0 else (), note="; ".join(parts), unit="end - start")
