"""Lexicon signals: complaint/escalation language and abuse/profanity (with severity)."""

from __future__ import annotations

from .signal import Evidence, Signal, clamp01, ramp
from .text import CallView, PhraseLexicon, has_data

MAX_EVIDENCE = 5


def top_evidence(hits: list[tuple[float, Evidence]], limit: int = MAX_EVIDENCE) -> tuple[Evidence, ...]:
    """The strongest hits, strongest first (then earliest)."""
    return tuple(e for _, e in sorted(hits, key=lambda h: (-h[0], h[1].time))[:limit])


def complaint_language(view: CallView, lexicon: PhraseLexicon | None = None) -> Signal:
    """Complaint and escalation phrases (klacht, opzeggen, ombudsman, uw leidinggevende ...).

    Customer phrases count fully, the agent's (e.g. "ik noteer uw klacht") at a third.
    """
    lexicon = lexicon or view.lexicon("complaint.txt")
    hits, total = [], 0.0
    for first, last, phrase in lexicon.scan(view.tokens):
        w = phrase.weight * (1.0 if view.roles[first] != "agent" else 0.33)
        total += w
        hits.append((w, view.evidence(first, last)))
    return Signal("complaint_language", round(total, 3), ramp(total, 0.5, 3.0), top_evidence(hits), unit="weighted phrases")


SEVERITY_STRENGTH = {1: 0.12, 2: 0.55, 3: 0.85}


def abusive_language(view: CallView, lexicon: PhraseLexicon | None = None) -> Signal:
    """Profanity and abuse; value is the highest severity heard (1 mild .. 3 abuse).

    Mild forms (verdorie, jeetje) alone stay weak; every further strong word adds. The agent
    setting a limit ("ik wil u vragen rustig te blijven", "op deze toon ...") counts as abuse
    evidence too: the words may be mild or missed, the agent's reaction is not.
    """
    lexicon = lexicon or view.lexicon("abuse.txt")
    hits, worst, strong, mild = [], 0, 0, 0
    tokens, traps = without_traps(view)
    for first, last, phrase in lexicon.scan(tokens):
        if view.roles[first] == "agent":
            continue  # the agent quoting or apologising ("sorry voor de onzin") is not abuse by the caller
        sev = int(phrase.weight)
        worst = max(worst, sev)
        strong += sev >= 2
        mild += sev == 1
        hits.append((sev, view.evidence(first, last)))
    limits = 0.0
    for first, last, phrase in view.lexicon("boundary.txt").scan(view.tokens):
        if view.roles[first] == "agent":
            limits += phrase.weight
            hits.append((0.9, view.evidence(first, last)))
    if not hits:
        return Signal("abusive_language", 0.0, 0.0, unit="max severity",
                      note=f"{traps} ASR trap(s) not counted" if traps else "")
    strength = SEVERITY_STRENGTH.get(worst, 0.0) + 0.1 * max(0, strong - 1) + 0.05 * max(0, mild - 1 if worst == 1 else 0)
    if limits:
        strength = max(strength, 0.4) + (0.25 if worst >= 1 else 0.0)
    return Signal("abusive_language", float(worst), clamp01(strength), top_evidence(hits),
                  note=f"{strong} strong, {mild} mild, agent limits {limits:.1f}, {traps} ASR trap(s) not counted",
                  unit="max severity")


def without_traps(view: CallView) -> tuple[tuple[str, ...], int]:
    """The call's tokens with every ASR trap blanked out ("damn you very much" is "thank you very
    much" misheard, never abuse), and how many traps there were. Traps are `abuse_traps*.txt`."""
    if not has_data("abuse_traps.txt", view.language):
        return view.tokens, 0
    tokens, traps = list(view.tokens), 0
    for first, last, _ in view.lexicon("abuse_traps.txt").scan(view.tokens):
        tokens[first:last] = [""] * (last - first)
        traps += 1
    return tuple(tokens), traps
