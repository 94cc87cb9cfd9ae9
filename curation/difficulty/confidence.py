"""Low transcript (ASR) confidence: a sign that a speaker is hard to understand."""

from __future__ import annotations

from .lexicon import top_evidence
from .signal import Signal, clamp01, ramp
from .text import CallView

LOW = 0.6


def low_confidence(view: CallView) -> Signal:
    """Mean ASR confidence of the customer's words (all words when roles are unknown) and the
    share below 0.6; evidence = the least confident stretches. value = mean confidence."""
    words = view.transcript.words
    role = "customer" if "customer" in view.roles else None
    idx = [i for i, w in enumerate(words) if w.confidence is not None and (role is None or view.roles[i] == role)]
    if len(idx) < 5:
        return Signal.unavailable("low_confidence", "the transcript carries no word confidences")
    confs = [words[i].confidence for i in idx]
    mean = sum(confs) / len(confs)
    low_share = sum(c < LOW for c in confs) / len(confs)
    strength = clamp01(max(ramp(1 - mean, 0.15, 0.4), ramp(low_share, 0.12, 0.4)))
    hits = []
    if strength > 0:
        run: list[int] = []
        for i in idx + [None]:
            if i is not None and words[i].confidence < LOW and (not run or i - run[-1] <= 2):
                run.append(i)
                continue
            if len(run) >= 2:
                hits.append((len(run) * (1 - min(words[k].confidence for k in run)), view.evidence(run[0], run[-1] + 1, 1)))
            run = [i] if i is not None and words[i].confidence < LOW else []
        if not hits:  # no runs: the least confident single words
            hits = [(1 - words[i].confidence, view.evidence(i, i + 1, 2)) for i in sorted(idx, key=lambda i: words[i].confidence)[:3]]
    return Signal("low_confidence", round(mean, 3), strength, top_evidence(hits),
                  note=f"{low_share:.0%} of {'customer' if role else 'all'} words below {LOW}", unit="mean confidence")
