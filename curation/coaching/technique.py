"""Conversation technique, measured from a transcript, to pre-fill an evaluation form: the call's
phases, the agent's open and closed questions, summarising and checking, asking through after an
answer, interruptions, talk-time balance per phase and monologues. Each measure carries a suggested
answer (yes/no and a 1-5 grade) and its evidence (quote, role, time) like the difficulty signals;
the trainer confirms or corrects every suggestion. Pure: reads no workspace.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from curation.difficulty.signal import Evidence
from curation.model import Transcript

from .forms import Form
from .phases import PHASES, Phase, detect_phases, phase_at
from .questions import CLOSED, NONE, OPEN, classify

ANALYSER_VERSION = "1"
MONOLOGUE = 30.0  # seconds of agent speech without the customer saying a word
INTERRUPTION_OVERLAP = 0.2  # seconds the agent starts before the customer's turn ended
SUMMARY_CUES = re.compile(r"\b(?:als ik (?:het|u) goed begrijp|begrijp ik (?:het )?goed|samengevat|samenvattend|"
                          r"even samenvatten|u bedoelt dus|dus u bedoelt|heb ik dat goed|klopt dat|klopt het|"
                          r"dus als ik het|even op een rij|is dat duidelijk|is dat helder|begrijpt u)\b", re.IGNORECASE)
PROBE_CUES = re.compile(r"\b(?:wat bedoelt u|hoe bedoelt u|kunt u daar (?:iets )?meer over|wat gebeurde er|"
                        r"en toen|hoe kwam dat|wat maakt dat|waarom|kunt u dat toelichten|vertel eens|"
                        r"wat houdt dat in|hoe merkt u dat|sinds wanneer|hoe vaak)\b", re.IGNORECASE)
STOP = frozenset("de het een en van ik u je dat die dit is in op met voor niet maar ook er nog wel dan als wat "
                 "hoe zijn was heb heeft hebt kan kunt mijn uw ze we wij jullie hij zij naar bij aan om te tot "
                 "door over uit zo al nu ja nee eh ehm uhm nou dus want of toch even graag".split())


@dataclass(frozen=True)
class AgentQuestion:
    kind: str  # open | closed
    quote: str
    time: float
    phase: str | None
    cue: str


@dataclass(frozen=True)
class Finding:
    """One measure: its value, the suggested answer on both scales, why, and where."""

    measure: str
    value: float
    yes: bool | None  # the suggestion for a yes/no question (None: nothing to suggest)
    grade: int | None  # the suggestion for a 1-5 question
    note: str
    evidence: tuple[Evidence, ...] = ()

    def suggestion(self, scale: str) -> float | None:
        if scale == "yes_no":
            return None if self.yes is None else float(self.yes)
        return None if self.grade is None else float(self.grade)

    def to_dict(self) -> dict:
        return {"measure": self.measure, "value": self.value, "yes": self.yes, "grade": self.grade, "note": self.note,
                "analyser_version": ANALYSER_VERSION,
                "evidence": [{"quote": e.quote, "role": e.role, "time": e.time, "end": e.end} for e in self.evidence]}


@dataclass
class TechniqueAnalysis:
    phases: list[Phase]
    questions: list[AgentQuestion]
    findings: dict[str, Finding] = field(default_factory=dict)
    talk_share: dict[str, dict[str, float]] = field(default_factory=dict)  # phase -> role -> seconds

    def finding(self, measure: str) -> Finding | None:
        return self.findings.get(measure)


def _agent_sentences(t: Transcript) -> list[tuple[str, int, int]]:
    """(text, first word, last word) of every sentence the agent says: cut after . ? ! or at a turn's end."""
    out = []
    for turn in t.turns:
        if t.role_of(turn.speaker) != "agent":
            continue
        first = turn.first
        for i in range(turn.first, turn.last):
            if t.words[i].text[-1] in ".?!…" or i == turn.last - 1:
                out.append((" ".join(w.text for w in t.words[first:i + 1]), first, i + 1))
                first = i + 1
    return out


def _ev(t: Transcript, first: int, last: int, limit: int = 16) -> Evidence:
    words = t.words[first:last]
    quote = " ".join(w.text for w in words[:limit]) + (" …" if len(words) > limit else "")
    return Evidence(quote, t.role_of(words[0].speaker), round(words[0].start, 2), round(words[-1].end, 2))


def _grade(value: float, steps: tuple[float, float, float, float], higher_is_better: bool = True) -> int:
    """1..5 by four ascending thresholds."""
    above = sum(value >= s for s in steps)
    return 1 + above if higher_is_better else 5 - above


def analyse(transcript: Transcript) -> TechniqueAnalysis:
    """Every measure a form can be pre-filled from."""
    t = transcript
    phases = detect_phases(t)
    questions, summaries, probes = [], [], []
    for text, a, b in _agent_sentences(t):
        form = classify(text)
        start = t.words[a].start
        if form.kind != NONE:
            questions.append(AgentQuestion(form.kind, _ev(t, a, b).quote, round(start, 2), phase_at(phases, start),
                                           form.cue))
        if SUMMARY_CUES.search(text):
            summaries.append(_ev(t, a, b))
    # asking through: an agent question right after a customer's answer that builds on it
    turns = list(t.turns)
    for prev, turn in zip(turns, turns[1:]):
        if t.role_of(prev.speaker) != "customer" or t.role_of(turn.speaker) != "agent":
            continue
        answer = {w.text.lower().strip(".,?!") for w in t.words[prev.first:prev.last]}
        if len(answer) < 4:
            continue
        said = t.turn_text(turn)
        form = classify(said.split("?")[0] + "?") if "?" in said else classify(said)
        if form.kind == NONE:
            continue
        shared = {w.text.lower().strip(".,?!") for w in t.words[turn.first:turn.last]} & answer
        if PROBE_CUES.search(said) or any(len(w) >= 5 and w not in STOP for w in shared):
            probes.append(_ev(t, turn.first, turn.last))

    findings: dict[str, Finding] = {}
    present = {p.name: p for p in phases}
    for name in PHASES:
        p = present.get(name)
        if name == "needs":
            opens = sum(1 for q in questions if q.phase == "needs" and q.kind == OPEN)
            grade = 1 if p is None else min(5, 2 + opens)
            note = "no needs analysis found" if p is None else f"{opens} open questions in the needs analysis"
        else:
            grade = 4 if p is not None else 1
            note = f"{name} found" if p is not None else f"no {name} found"
        findings[f"phase.{name}"] = Finding(f"phase.{name}", 1.0 if p else 0.0, p is not None, grade, note,
                                            p.evidence if p else ())
    opens = [q for q in questions if q.kind == OPEN]
    closed = [q for q in questions if q.kind == CLOSED]
    asked = len(opens) + len(closed)
    share = len(opens) / asked if asked else 0.0
    ev = tuple(Evidence(q.quote, "agent", q.time) for q in (opens[:3] + closed[:2]))
    findings["questions.open_share"] = Finding(
        "questions.open_share", round(share, 2), None if not asked else share >= 0.4,
        None if not asked else _grade(share, (0.15, 0.3, 0.45, 0.6)),
        f"{len(opens)} open and {len(closed)} closed questions by the agent" if asked else "the agent asked no questions",
        ev)
    findings["summarising"] = Finding("summarising", float(len(summaries)), bool(summaries),
                                      min(5, 2 + len(summaries)) if summaries else 1,
                                      f"{len(summaries)} summaries or checks", tuple(summaries[:3]))
    findings["asking_through"] = Finding("asking_through", float(len(probes)), bool(probes),
                                         min(5, 2 + len(probes)) if probes else 1,
                                         f"{len(probes)} follow-up questions on the customer's answer", tuple(probes[:3]))
    # interruptions: the agent starts while the customer is still talking (inside a stretch of the
    # customer's speech, pauses under half a second bridged); one per stretch of customer speech
    stretches: list[list[float]] = []
    for w in t.words:
        if t.role_of(w.speaker) == "customer":
            if stretches and w.start - stretches[-1][1] < 0.5:
                stretches[-1][1] = max(stretches[-1][1], w.end)
            else:
                stretches.append([w.start, w.end])
    cuts, cut_stretches = [], set()
    for turn in turns:
        if t.role_of(turn.speaker) != "agent":
            continue
        a = t.words[turn.first].start
        for k, (s0, s1) in enumerate(stretches):
            if s0 < a < s1 - INTERRUPTION_OVERLAP and k not in cut_stretches:
                cut_stretches.add(k)
                cuts.append(_ev(t, turn.first, min(turn.last, turn.first + 8)))
                break
    findings["interruptions"] = Finding("interruptions", float(len(cuts)), not cuts,
                                        _grade(len(cuts), (1, 2, 3, 5), higher_is_better=False),
                                        f"the agent started {len(cuts)} times while the customer was talking",
                                        tuple(cuts[:3]))
    # talk time per phase and role
    share_by_phase: dict[str, dict[str, float]] = {}
    for w in t.words:
        ph = phase_at(phases, w.start) or "other"
        roles = share_by_phase.setdefault(ph, {})
        roles[t.role_of(w.speaker)] = roles.get(t.role_of(w.speaker), 0.0) + (w.end - w.start)
    basis = share_by_phase.get("needs") or {k: sum(v.get(k, 0.0) for v in share_by_phase.values())
                                            for k in ("agent", "customer")}
    total = basis.get("agent", 0.0) + basis.get("customer", 0.0)
    customer_share = basis.get("customer", 0.0) / total if total else 0.0
    findings["talk_balance"] = Finding(
        "talk_balance", round(customer_share, 2), None if not total else customer_share >= 0.4,
        None if not total else _grade(customer_share, (0.2, 0.3, 0.4, 0.5)),
        f"the customer spoke {customer_share:.0%} of the time in the "
        f"{'needs analysis' if share_by_phase.get('needs') else 'call'}" if total else "no speech")
    # monologues: agent speech without a customer word for longer than MONOLOGUE seconds
    runs, start, last_end = [], None, None
    for i, w in enumerate(t.words):
        if t.role_of(w.speaker) == "agent":
            if start is None:
                start = i
            last_end = i
        elif start is not None:
            runs.append((start, last_end + 1))
            start = None
    if start is not None:
        runs.append((start, last_end + 1))
    long_runs = [(a, b) for a, b in runs if t.words[b - 1].end - t.words[a].start > MONOLOGUE]
    findings["monologues"] = Finding("monologues", float(len(long_runs)), not long_runs,
                                     5 if not long_runs else 3 if len(long_runs) == 1 else 1,
                                     f"{len(long_runs)} stretches of agent speech over {MONOLOGUE:.0f} s",
                                     tuple(_ev(t, a, b) for a, b in long_runs[:3]))
    return TechniqueAnalysis(phases, questions, findings, {k: {r: round(s, 2) for r, s in v.items()}
                                                           for k, v in share_by_phase.items()})


@dataclass(frozen=True)
class Prefill:
    """What the analysis suggests for one question of a form."""

    question: str
    value: float | None
    finding: Finding | None


def prefill(form: Form, analysis: TechniqueAnalysis) -> list[Prefill]:
    """A suggestion (or None) for every question of `form`, from the measure it names."""
    out = []
    for q in form.questions:
        f = analysis.finding(q.prefill) if q.prefill else None
        out.append(Prefill(q.key, f.suggestion(q.scale) if f else None, f))
    return out
