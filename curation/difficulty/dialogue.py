"""Dialogue signals: requests to repeat, caller confusion, contradicting amounts or dates."""

from __future__ import annotations

from .lexicon import top_evidence
from .numbers import find_mentions
from .numbers_en import find_mentions as find_mentions_en
from .signal import Signal, clamp01, ramp
from .text import CallView, has_data


def clarification_requests(view: CallView) -> Signal:
    """The agent asks to repeat or says they cannot hear ("wat zegt u?", "kunt u dat herhalen?",
    a bare "pardon?"), or asks the same question again: the caller is hard to understand.
    value = weighted count of the agent's requests."""
    hits, total = [], 0.0
    for first, last, phrase in view.lexicon("clarification.txt").scan(view.tokens):
        if view.roles[first] == "agent":
            total += phrase.weight
            hits.append((phrase.weight, view.evidence(first, last)))
    for first, last in bare_requests(view, "agent"):
        total += BARE_WEIGHT
        hits.append((BARE_WEIGHT, view.evidence(first, last, 0)))
    for first, last in asked_again(view):  # asking again: the answer was not understood
        total += AGAIN_WEIGHT
        hits.append((AGAIN_WEIGHT, view.evidence(first, last, 0)))
    return Signal("clarification_requests", round(total, 3), ramp(total, 0.5, 2.5), top_evidence(hits),
                  unit="weighted requests")


BARE_WEIGHT = 0.7
AGAIN_WEIGHT = 0.8


def bare_requests(view: CallView, role: str) -> list[tuple[int, int]]:
    """(first, last) of the turns of `role` that are nothing but "what?", "huh?", "sorry?", "hello?"
    (`bare_requests*.txt`): a request to repeat without the words for it."""
    if not has_data("bare_requests.txt", view.language):
        return []
    bare = view.words("bare_requests.txt")
    out = []
    for turn in view.transcript.turns:
        if turn.last <= turn.first or view.roles[turn.first] != role:
            continue
        toks = view.tokens[turn.first:turn.last]
        if len(toks) <= 3 and all(t in bare for t in toks):
            out.append((turn.first, turn.last))
    return out


def asked_again(view: CallView, role: str = "agent", preface: int = 4) -> list[tuple[int, int]]:
    """(first, last) of the turns in which `role` asks their previous question again right after the
    other party answered: the same last question as their previous turn, and nothing new besides it
    (the whole turn said again word for word, or at most `preface` other words: "sorry", "okay ...").
    A question asked again after new content (the next step of a procedure, say) is not asked again."""
    out: list[tuple[int, int]] = []
    previous, previous_turn, answered = None, None, False
    for turn in view.transcript.turns:
        if turn.last <= turn.first:
            continue
        if view.roles[turn.first] != role:
            answered = previous is not None
            continue
        words = view.transcript.words[turn.first:turn.last]
        whole = view.tokens[turn.first:turn.last]
        ends = [k for k, w in enumerate(words) if w.text.endswith("?")]
        if not ends:
            previous = previous_turn = None
            continue
        start = max((k + 1 for k, w in enumerate(words[:ends[-1]]) if w.text[-1] in ".!?"), default=0)
        question = view.tokens[turn.first + start:turn.first + ends[-1] + 1]
        if answered and question == previous and (whole == previous_turn or len(words) - len(question) <= preface):
            out.append((turn.first + start, turn.first + ends[-1] + 1))
        previous, previous_turn, answered = question, whole, False
    return out


def repeated_questions(view: CallView, role: str = "customer") -> list[tuple[int, int]]:
    """(first, last) word ranges where `role` repeats a question (a sentence ending in '?', or a whole
    turn when the transcript has no punctuation) of at least three words said before."""
    seen: set[tuple[str, ...]] = set()
    out: list[tuple[int, int]] = []
    words = view.transcript.words
    start = None
    for i, (w, r) in enumerate(zip(words, view.roles)):
        if r != role:
            start = None
            continue
        start = i if start is None else start
        turn_ends = i + 1 == len(words) or view.roles[i + 1] != role
        if w.text[-1] in ".!?" or turn_ends:
            question = w.text.endswith("?") or (turn_ends and w.text[-1] not in ".!")
            if question and i + 1 - start >= 3:
                key = tuple(view.tokens[start:i + 1])
                if key in seen:
                    out.append((start, i + 1))
                seen.add(key)
            start = None
    return out


def caller_confusion(view: CallView, stretches=None) -> Signal:
    """The caller does not follow: confusion phrases and odd questions, their own requests to
    repeat, asking the same question again, hesitations (eh, ehm) well above a normal rate,
    and speaking much slower than the agent."""
    hits, total = [], 0.0
    for name in ("confusion.txt", "clarification.txt"):
        for first, last, phrase in view.lexicon(name).scan(view.tokens):
            if view.roles[first] == "customer":
                total += phrase.weight
                hits.append((phrase.weight, view.evidence(first, last)))
    for first, last in bare_requests(view, "customer"):
        total += BARE_WEIGHT
        hits.append((BARE_WEIGHT, view.evidence(first, last, 0)))
    for first, last in repeated_questions(view):
        total += 1.0
        hits.append((1.2, view.evidence(first, last, 0)))
    hesitations = view.words("hesitation.txt")
    customer_words = sum(r == "customer" for r in view.roles)
    n_hes = 0
    for i, (tok, role) in enumerate(zip(view.tokens, view.roles)):
        if role == "customer" and tok in hesitations:
            n_hes += 1
            hits.append((0.2, view.evidence(i)))
    hes_rate = n_hes / customer_words if customer_words else 0.0
    total += 4.0 * max(0.0, hes_rate - 0.03) * (customer_words / 50.0) ** 0.5
    slow = _slowness(view, stretches)
    total += slow
    return Signal("caller_confusion", round(total, 3), ramp(total, 0.8, 3.0), top_evidence(hits),
                  note=f"hesitation rate {hes_rate:.1%}, slow speech {slow:.1f}", unit="weighted cues")


def _slowness(view: CallView, stretches) -> float:
    """0..1: how much slower the customer speaks than the agent (words per second of speech)."""
    if not stretches:
        return 0.0
    n = {"agent": 0, "customer": 0}
    t = {"agent": 0.0, "customer": 0.0}
    for s in stretches:
        if s.role in n and s.first is not None:
            n[s.role] += s.last - s.first
            t[s.role] += max(s.end - s.start, 0.2)
    if n["agent"] < 8 or n["customer"] < 8:
        return 0.0
    ratio = (n["agent"] / t["agent"]) / max(n["customer"] / t["customer"], 1e-6)
    return ramp(ratio, 1.45, 1.9)


CONTEXT_WINDOW = 45.0  # seconds within which two parties' mentions are compared


def _close(a: float, b: float, kind: str) -> bool:
    """Different but plausibly about the same thing (100 vs 110 euro; 3 vs 13 maart)."""
    if a == b:
        return False
    if kind == "date":  # month*100 + day, month 0 when only the day was said
        ma, mb = a // 100, b // 100
        return ma == mb or a % 100 == b % 100 or ma == 0 or mb == 0
    lo, hi = sorted((a, b))
    return lo > 0 and hi / lo <= 1.6


def contradicting_mentions(view: CallView) -> Signal:
    """Amounts or dates said by the two parties that do not match ("honderd euro" ... "honderdtien euro"),
    made stronger by dispute cues (dat klopt niet, u zei toch ...). value = number of mismatching pairs."""
    words = view.transcript.words
    finder = find_mentions_en if view.language == "en" else find_mentions
    mentions = [m for m in finder(view.tokens) if view.roles[m.first] in ("agent", "customer")]
    pairs, hits = 0, []
    for i, a in enumerate(mentions):
        for b in mentions[i + 1:]:
            if words[b.first].start - words[a.first].start > CONTEXT_WINDOW:
                break
            if a.kind == b.kind and view.roles[a.first] != view.roles[b.first] and _close(a.value, b.value, a.kind):
                pairs += 1
                hits.append((1.0, view.evidence(a.first, a.last, 2)))
                hits.append((1.0, view.evidence(b.first, b.last, 2)))
    cues, cue_hits = 0.0, []
    for first, last, phrase in view.lexicon("correction.txt").scan(view.tokens):
        cues += phrase.weight
        cue_hits.append((phrase.weight * 0.9, view.evidence(first, last)))
    strength = 0.0
    if pairs:
        strength = 0.55 + 0.15 * min(pairs - 1, 2) + 0.3 * ramp(cues, 0.5, 2.0)
    else:
        strength = 0.35 * ramp(cues, 1.5, 4.0)
    seen, evidence = set(), []
    for w, e in hits + (cue_hits if strength else []):
        if (e.time, e.role) not in seen:
            seen.add((e.time, e.role))
            evidence.append((w, e))
    return Signal("contradicting_mentions", float(pairs), clamp01(strength), top_evidence(evidence, 6),
                  note=f"{len(mentions)} amounts/dates, dispute cues {cues:.1f}", unit="mismatching pairs")
