"""Turn-taking signals: interruptions and overlapping speech, long silences and holds,
talk balance and speech rate. Speech stretches come from word timings or, for stereo
recordings, from the voice activity of each channel."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

from .lexicon import top_evidence
from .signal import Evidence, Signal, clamp01, ramp
from .text import CallView, PhraseLexicon

WINDOW = 40.0  # seconds over which the talk balance is also measured
JOIN_GAP = 0.8  # seconds of own silence that still count as one stretch of speech
BACKCHANNEL = frozenset({"ja", "jaja", "hm", "hmm", "mhm", "oke", "ok", "okay", "precies", "klopt", "nee", "ah", "o", "oh",
                         "yes", "yeah", "yep", "uh-huh", "right", "sure", "no", "alright"})


@dataclass(frozen=True)
class Stretch:
    """A continuous stretch of one party's speech; first/last are word indices when known."""

    role: str
    start: float
    end: float
    first: int | None = None
    last: int | None = None


def stretches_from_words(view: CallView, join_gap: float = JOIN_GAP) -> list[Stretch]:
    """Each party's words joined into stretches (independently of the other party), sorted by start."""
    open_: dict[str, list] = {}
    out: list[Stretch] = []
    for i, (w, role) in enumerate(zip(view.transcript.words, view.roles)):
        cur = open_.get(role)
        if cur is not None and w.start - cur[1] <= join_gap and view.transcript.words[cur[3] - 1].speaker == w.speaker:
            cur[1], cur[3] = max(cur[1], w.end), i + 1
        else:
            if cur is not None:
                out.append(Stretch(role, cur[0], cur[1], cur[2], cur[3]))
            open_[role] = [w.start, w.end, i, i + 1]
    out.extend(Stretch(role, c[0], c[1], c[2], c[3]) for role, c in open_.items())
    return sorted(out, key=lambda s: (s.start, s.end))


def _quote_at(view: CallView | None, s: Stretch, time: float) -> Evidence:
    if view is not None and s.first is not None:
        return view.evidence(s.first, min(s.last, s.first + 6), 0)
    if view is not None:  # audio stretch: quote the words of that party around that time
        for i, w in enumerate(view.transcript.words):
            if w.start >= time - 0.5 and view.roles[i] == s.role:
                return Evidence(view.quote(i, i + 1, 5), s.role, round(time, 2), round(s.end, 2))
    return Evidence(f"[{s.role} speech over the other party, {s.end - time:.1f} s]", s.role, round(time, 2), round(s.end, 2))


def _is_backchannel(view: CallView | None, s: Stretch) -> bool:
    if view is None or s.first is None:
        return s.end - s.start < 0.6
    toks = view.tokens[s.first:s.last]
    return len(toks) <= 2 and all(t in BACKCHANNEL for t in toks)


def interruptions(stretches: Sequence[Stretch], view: CallView | None = None, source: str = "turn timing") -> Signal:
    """A party starting to speak while the other still talks for at least 0.3 s more.

    value = number of interruptions (backchannels such as "ja", "hm" excluded); the note
    gives the overlapping seconds and the source (turn timing or stereo channels)."""
    by_role: dict[str, list[Stretch]] = {}
    for s in stretches:
        by_role.setdefault(s.role, []).append(s)
    parties = [r for r in by_role if r != "unknown"] or list(by_role)
    if len(parties) < 2:
        return Signal.unavailable("interruptions", "needs two speakers")
    hits, overlap, count = [], 0.0, 0
    active: list[Stretch] = []
    for b in sorted(stretches, key=lambda s: s.start):
        active = [a for a in active if a.end > b.start]
        for a in active:
            if a.role == b.role or a.start >= b.start:
                continue
            inter = min(a.end, b.end) - b.start
            if inter <= 0:
                continue
            overlap += inter
            if a.end - b.start >= 0.3 and b.start - a.start >= 0.2 and not _is_backchannel(view, b):
                count += 1
                hits.append((min(a.end, b.end) - b.start, _quote_at(view, b, b.start)))
        active.append(b)
    total = max(s.end for s in stretches) - min(s.start for s in stretches)
    per_min = count / max(total / 60.0, 0.5)
    strength = clamp01(max(ramp(count, 1.0, 6.0), ramp(per_min, 1.0, 4.0)) * (1.0 if count else 0.0))
    return Signal("interruptions", float(count), strength, top_evidence(hits),
                  note=f"{overlap:.1f} s overlapping speech ({source})", unit="interruptions")


def silences(view: CallView, long_gap: float = 5.0) -> Signal:
    """Long stretches in which nobody speaks, and the agent putting the caller on hold.
    value = the longest silence in seconds."""
    words = view.transcript.words
    if len(words) < 2:
        return Signal.unavailable("silences", "too few words")
    hits, longest, latest = [], 0.0, words[0].end
    for i in range(1, len(words)):
        gap = words[i].start - latest
        if gap >= long_gap:
            hits.append((gap, Evidence(f"[{gap:.0f} s silence] then: {view.quote(i, i + 1, 4)}", view.roles[i],
                                       round(latest, 2), round(words[i].start, 2))))
        longest = max(longest, gap)
        latest = max(latest, words[i].end)
    holds = 0.0
    for first, last, phrase in view.lexicon("hold.txt").scan(view.tokens):
        if view.roles[first] == "agent":
            holds += phrase.weight
            hits.append((phrase.weight, view.evidence(first, last)))
    strength = clamp01(max(ramp(longest, long_gap, 25.0), 0.3 * ramp(holds, 0.9, 3.0)))
    return Signal("silences", round(max(longest, 0.0), 2), strength, top_evidence(hits) if strength else (),
                  note=f"{len([h for h in hits if h[0] >= long_gap])} silences ≥ {long_gap:.0f} s, hold cues {holds:.1f}",
                  unit="longest silence (s)")


def _speaking_time(stretches: Sequence[Stretch]) -> dict[str, float]:
    out: dict[str, float] = {}
    for s in stretches:
        out[s.role] = out.get(s.role, 0.0) + (s.end - s.start)
    return out


def max_window_share(stretches: Sequence[Stretch], window: float = WINDOW) -> tuple[float, float]:
    """The agent's largest share of speaking time in any `window` seconds that starts when the
    customer starts a stretch (so a recorded announcement at the very start does not count).
    Returns (share, window start)."""
    best, at = 0.0, 0.0
    for c in stretches:
        if c.role != "customer":
            continue
        lo, hi = c.start, c.start + window
        t = {"agent": 0.0, "customer": 0.0}
        for s in stretches:
            if s.role in t and s.end > lo and s.start < hi:
                t[s.role] += min(s.end, hi) - max(s.start, lo)
        total = t["agent"] + t["customer"]
        if total >= window * 0.5 and t["agent"] / total > best:
            best, at = t["agent"] / total, lo
    return best, at


def talk_balance(stretches: Sequence[Stretch], view: CallView | None = None, source: str = "turn timing") -> Signal:
    """The agent's share of the speaking time (value, 0..1); unbalanced when the agent talks most
    of the call, or nearly all of a 40-second stretch of it (or, less so, when the customer does)."""
    time = _speaking_time(stretches)
    agent, customer = time.get("agent", 0.0), time.get("customer", 0.0)
    if agent <= 0 or customer <= 0:
        return Signal.unavailable("talk_balance", "needs speech from both agent and customer")
    share = agent / (agent + customer)
    window, at = max_window_share(stretches)
    strength = max(ramp(share, 0.68, 0.85), ramp(window, 0.78, 0.86), 0.5 * ramp(1 - share, 0.85, 0.97))
    dominant = "agent" if share >= 0.5 or window >= 0.8 else "customer"
    lo = at if window >= 0.8 else 0.0
    pool = [s for s in stretches if s.role == dominant and s.start >= lo - 0.1] or [s for s in stretches if s.role == dominant]
    longest = max(pool, key=lambda s: s.end - s.start)
    ev = ()
    if strength > 0:
        e = _quote_at(view, longest, longest.start)
        ev = (Evidence(f"[{longest.end - longest.start:.0f} s monologue] {e.quote}", dominant, e.time, round(longest.end, 2)),)
    return Signal("talk_balance", round(share, 3), clamp01(strength), ev,
                  note=f"agent {share:.0%} of speaking time, up to {window:.0%} in {WINDOW:.0f} s ({source})",
                  unit="agent share")


def speech_rate(view: CallView, stretches: Sequence[Stretch]) -> Signal:
    """Words per second of the customer's speech, compared with the agent's (or with a normal
    2-4 words/s range when there is no agent). Very fast or very slow speech is harder to follow."""
    rates: dict[str, tuple[float, float]] = {}
    for s in stretches:
        if s.first is None:
            continue
        n, t = rates.get(s.role, (0.0, 0.0))
        rates[s.role] = (n + (s.last - s.first), t + max(s.end - s.start, 0.2))
    if "customer" not in rates or rates["customer"][0] < 8:
        return Signal.unavailable("speech_rate", "too few customer words to measure a speech rate")
    cust = rates["customer"][0] / rates["customer"][1]
    if "agent" in rates and rates["agent"][0] >= 8:
        ref = rates["agent"][0] / rates["agent"][1]
        ratio = cust / ref
        strength = max(ramp(ratio, 1.3, 1.7), ramp(1 / ratio, 1.5, 2.0))  # callers often speak a bit slower
        note = f"customer {cust:.2f} w/s, agent {ref:.2f} w/s"
    else:
        strength = max(ramp(cust, 4.0, 5.5), ramp(-cust, -1.6, -0.9))
        note = f"customer {cust:.2f} w/s"
    ev = ()
    if strength > 0:
        cs = [s for s in stretches if s.role == "customer" and s.first is not None and s.last - s.first >= 3]
        if cs:
            pick = max(cs, key=lambda s: abs((s.last - s.first) / max(s.end - s.start, 0.2) - cust))
            ev = (view.evidence(pick.first, min(pick.last, pick.first + 8), 0),)
    return Signal("speech_rate", round(cust, 3), clamp01(strength), ev, note=note, unit="words/s")
