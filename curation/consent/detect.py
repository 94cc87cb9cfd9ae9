"""Consent evidence in a call transcript: recording notice (and its purposes), customer objection,
employee informed, special-category mentions, a caller who is a minor. Pure functions.

Works on plain text (sentences; no speaker roles) or on a `Transcript` (turns with roles and
times, so every quote gets its time). Detection combines concepts within a sentence — a recording
word *and* a call word, an objection cue *and* a recording/use target — and reads a "nee" after a
consent question as an objection, so it follows paraphrases rather than one fixed sentence.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field

from curation.consent.lexicon import PURPOSES, Lexicon, lexicon
from curation.model import Transcript

SENTENCE = re.compile(r"[^.!?\n]+[.!?]*")
WORD = re.compile(r"\S+")
NOTICE_GAP = 8          # at most this many words between the recording word and the call word
OBJECTION_GAP = 10      # ... between the objection cue and what it is about
PURPOSE_BEFORE, PURPOSE_AFTER = 20, 24  # words around the notice searched for purposes
CONTEXT = 5             # words of context quoted around a special-category or minor mention
CONDITIONAL = re.compile(r"\b(?:als|indien|wanneer|mocht|mochten)\s+u\b|\b(?:if|should|whether)\s+you\b", re.IGNORECASE)
QUOTE_LIMIT = 400


@dataclass(frozen=True)
class Quote:
    """A stretch of the transcript that is evidence: its text, char span in the full text, time and role."""

    text: str
    start: int
    end: int
    time: float | None = None
    role: str | None = None
    labels: tuple[str, ...] = ()

    def as_dict(self) -> dict:
        return {"quote": self.text, "start": self.start, "end": self.end, "time": self.time, "role": self.role,
                "labels": list(self.labels)}


@dataclass(frozen=True)
class ConsentDetection:
    """What the transcript says about consent. `notice`/`objection`/... are None when not found."""

    language: str
    notice: Quote | None = None
    purposes: tuple[str, ...] = ()
    objection: Quote | None = None
    employee_informed: Quote | None = None
    special_category: tuple[Quote, ...] = ()
    minor: Quote | None = None

    def to_json(self) -> dict:
        """The `curation consent detect` contract."""
        return {"notice": {"found": self.notice is not None, "purposes": list(self.purposes),
                           "quote": self.notice.text if self.notice else None},
                "objection": {"found": self.objection is not None,
                              "quote": self.objection.text if self.objection else None}}

    def evidence(self) -> dict:
        """Everything found, with times and roles (stored with the consent record)."""
        q = lambda x: x.as_dict() if x else None  # noqa: E731
        return {"language": self.language, "notice": q(self.notice), "purposes": list(self.purposes),
                "objection": q(self.objection), "employee_informed": q(self.employee_informed),
                "special_category": [x.as_dict() for x in self.special_category], "minor": q(self.minor)}

    @property
    def special_categories(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(label for x in self.special_category for label in x.labels))


@dataclass
class _Unit:
    """One sentence (or, in unpunctuated transcripts, one turn): original text, offset in the full
    text, speaker role, turn number and normalised text (same length, distractors blanked)."""

    text: str
    start: int
    role: str | None
    turn: int
    norm: str = ""
    first_in_turn: bool = False
    last_in_turn: bool = False
    words: list[tuple[int, int]] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.words = [(m.start(), m.end()) for m in WORD.finditer(self.text)]
        self._starts = [a for a, _ in self.words]

    @property
    def question(self) -> bool:
        return self.text.rstrip().endswith("?")

    def wi(self, char: int) -> int:
        """Index of the word at (or before) character `char`."""
        return max(0, bisect.bisect_right(self._starts, char) - 1)

    def gap(self, a: tuple[int, int], b: tuple[int, int]) -> int:
        """Words strictly between two character spans (0 when they touch or overlap)."""
        first, second = (a, b) if a[0] <= b[0] else (b, a)
        return max(0, self.wi(second[0]) - self.wi(max(first[0], first[1] - 1)) - 1)

    def widen(self, a: int, b: int, before: int = 0, after: int = 0) -> tuple[int, int]:
        """The span snapped to whole words, `before`/`after` words more on each side."""
        i = max(0, self.wi(a) - before)
        j = min(len(self.words) - 1, self.wi(max(a, b - 1)) + after)
        return self.words[i][0], self.words[j][1]


@dataclass
class _Context:
    lex: Lexicon
    units: list[_Unit]
    word_starts: list[int] = field(default_factory=list)
    word_times: list[float] = field(default_factory=list)

    def _time(self, char: int) -> float | None:
        if not self.word_starts:
            return None
        i = max(0, bisect.bisect_right(self.word_starts, char) - 1)
        return round(self.word_times[i], 2)

    def quote(self, unit: _Unit, a: int = 0, b: int | None = None, labels: tuple[str, ...] = (),
              last: _Unit | None = None) -> Quote:
        """Text of `unit` from char a to b (or through the end of unit `last`), with time and role."""
        if last is not None and last is not unit:
            units = self.units[self.units.index(unit):self.units.index(last) + 1]
            text = " ".join([unit.text[a:]] + [u.text for u in units[1:]])
            end = last.start + len(last.text)
        else:
            b = len(unit.text) if b is None else b
            text, end = unit.text[a:b], unit.start + b
        if len(text) > QUOTE_LIMIT:
            text = text[:QUOTE_LIMIT - 1].rstrip() + "…"
        return Quote(text.strip(), unit.start + a, end, self._time(unit.start + a), unit.role, labels)


def normalise(text: str) -> str:
    """Lower case with the same length as `text` (offsets stay valid), curly quotes made straight."""
    out = []
    for ch in text:
        low = ch.lower()
        if len(low) != 1:
            low = ch
        out.append({"’": "'", "‘": "'", "\u00a0": " ", "´": "'"}.get(low, low))
    return "".join(out)


def _blank(lex: Lexicon, norm: str) -> str:
    return lex.distractors.sub(lambda m: " " * len(m.group(0)), norm)


def _split(text: str, offset: int, role: str | None, turn: int, lex: Lexicon) -> list[_Unit]:
    units = []
    for m in SENTENCE.finditer(text):
        raw = m.group(0)
        stripped = raw.strip()
        if not stripped or not any(c.isalnum() for c in stripped):
            continue
        start = offset + m.start() + (len(raw) - len(raw.lstrip()))
        units.append(_Unit(stripped, start, role, turn, _blank(lex, normalise(stripped))))
    if units:
        units[0].first_in_turn = True
        units[-1].last_in_turn = True
    return units


def _context(source: str | Transcript, language: str) -> _Context:
    lex = lexicon(language)
    units: list[_Unit] = []
    if isinstance(source, Transcript):
        offsets = source.word_offsets()
        labels = {s.label for s in source.speakers}
        for i, turn in enumerate(source.turns):
            if turn.first >= turn.last:
                continue
            role = source.role_of(turn.speaker) if turn.speaker in labels else None
            units += _split(source.turn_text(turn), offsets[turn.first][0], role, i, lex)
        return _Context(lex, units, [a for a, _ in offsets], [w.start for w in source.words])
    pos = 0
    for i, line in enumerate(source.split("\n")):
        units += _split(line, pos, None, i, lex)
        pos += len(line) + 1
    return _Context(lex, units)


def _spans(rx: re.Pattern, text: str) -> list[tuple[int, int]]:
    return [(m.start(), m.end()) for m in rx.finditer(text) if m.end() > m.start()]


def _tight(rx: re.Pattern, unit: _Unit, a: int, b: int) -> tuple[int, int]:
    """The shortest match of `rx` ending at b ("wil mijn meterstanden doorgeven ik wil niet" -> "wil niet")."""
    for start, _ in reversed(unit.words):
        if a < start < b:
            m = rx.match(unit.norm, start)
            if m and m.end() == b:
                return start, b
    return a, b


def _overlaps(span: tuple[int, int], others: list[tuple[int, int]]) -> bool:
    return any(a < span[1] and span[0] < b for a, b in others)


def _near(unit: _Unit, xs, ys, max_gap: int) -> list[tuple[int, int]]:
    """Ranges covering an x and a y at most `max_gap` words apart, earliest first."""
    pairs = [(min(x[0], y[0]), max(x[1], y[1])) for x in xs for y in ys if unit.gap(x, y) <= max_gap]
    return sorted(set(pairs))


def _recordings(lex: Lexicon, unit: _Unit) -> list[tuple[int, int]]:
    """Recording words that are not negated ("wordt niet opgenomen")."""
    negated = _spans(lex.recording_negated, unit.norm)
    return [s for s in _spans(lex.recording, unit.norm) if not _overlaps(s, negated)]


def _mentions_recording(lex: Lexicon, unit: _Unit) -> bool:
    return bool(_recordings(lex, unit)) or bool(lex.use_target.search(unit.norm))


def _notice_anchor(lex: Lexicon, unit: _Unit) -> tuple[int, int] | None:
    if unit.role == "customer" or unit.question:
        return None
    if unit.role is None and (_objection_in(lex, unit) or lex.objection_cancel.search(unit.norm)):
        return None
    calls = _spans(lex.call, unit.norm) + [(m.start(), m.end()) for m in re.finditer("gespreksopname", unit.norm)]
    pairs = _near(unit, _recordings(lex, unit), calls, NOTICE_GAP)
    return pairs[0] if pairs else None


def _purpose_window(lex: Lexicon, unit: _Unit, a: int, b: int) -> tuple[int, int]:
    """Around the notice, up to the utterances before and after it (greetings, "mijn naam is")."""
    lo, hi = unit.widen(a, b, PURPOSE_BEFORE, PURPOSE_AFTER)
    for m in lex.boundary.finditer(unit.norm, lo, a):
        lo = max(lo, m.end())
    after = lex.boundary.search(unit.norm, b, hi)
    return lo, (after.start() if after else hi)


def find_notice(ctx: _Context) -> tuple[Quote | None, tuple[str, ...]]:
    """The first recording notice, with the purposes named around it or in the next sentences of the same turn."""
    lex, units = ctx.lex, ctx.units
    first_quote, purposes = None, []
    for i, unit in enumerate(units):
        anchor = _notice_anchor(lex, unit)
        if anchor is None:
            continue
        lo, hi = _purpose_window(lex, unit, *anchor)
        found = [(p, m) for p in PURPOSES for m in _spans(lex.purposes[p], unit.norm[:hi]) if m[0] >= lo]
        a = min([anchor[0]] + [m[0] for _, m in found])
        b = max([anchor[1]] + [m[1] for _, m in found])
        names = [p for p, _ in found]
        last = unit
        for nxt in units[i + 1:i + 3]:
            extra = [p for p in PURPOSES if lex.purposes[p].search(nxt.norm)]
            if nxt.turn != unit.turn or not extra:
                break
            names += extra
            last = nxt
        purposes += [p for p in names if p not in purposes]
        if first_quote is None:
            a, b = unit.widen(a, b)
            i = unit.wi(a)
            if i > 0 and lex.determiner.match(unit.norm[slice(*unit.words[i - 1])]):
                a = unit.words[i - 1][0]
            first_quote = ctx.quote(unit, a, b, last=last)
    return first_quote, tuple(p for p in PURPOSES if p in purposes)


def _objection_in(lex: Lexicon, unit: _Unit) -> tuple[int, int] | None:
    """A cue ("ik wil niet", "bezwaar") close to what it is about (the recording, using this call)."""
    norm = unit.norm
    cues = [_tight(lex.objection_cue, unit, a, b) for a, b in _spans(lex.objection_cue, norm)]
    if not cues:
        return None
    targets = _spans(lex.recording, norm) + _spans(lex.recording_negated, norm) + _spans(lex.use_target, norm)
    blockers = _spans(lex.objection_cancel, norm) + _spans(CONDITIONAL, norm)
    for a, b in _near(unit, cues, targets, OBJECTION_GAP):
        lo, hi = unit.widen(a, b, 3, 3)
        if any(lo <= x < hi or lo < y <= hi for x, y in blockers):
            continue
        first = unit.wi(a)
        for i in range(first - 1, max(-1, first - 4), -1):  # start at "ik"/"nee" up to three words back
            word = unit.norm[slice(*unit.words[i])]
            if word[-1:] in ".,!?;:":
                break
            if lex.lead.match(word):
                first = i
        last = unit.wi(max(a, b - 1))
        for j in range(last + 1, min(len(unit.words), last + 3)):  # "... te gebruiken voor opleidingen"
            last = j
            if unit.norm[unit.words[j][1] - 1] in ".,!?;:":
                break
        return unit.words[first][0], unit.words[last][1]
    return None


def _consent_question(lex: Lexicon, unit: _Unit) -> bool:
    return unit.question and _mentions_recording(lex, unit)


def find_objection(ctx: _Context) -> Quote | None:
    """The first place the customer objects to the recording or to its use for training."""
    lex, units = ctx.lex, ctx.units
    for i, unit in enumerate(units):
        if unit.role == "agent":
            continue
        previous = units[i - 1] if i else None
        found = _objection_in(lex, unit)
        if found:
            return ctx.quote(unit, *found)
        if previous is None or not _mentions_recording(lex, previous):
            continue
        m = lex.anaphoric_objection.search(unit.norm)
        if m:  # "Wordt dit gesprek opgenomen? Dat wil ik niet."
            return ctx.quote(unit, *unit.widen(m.start(), m.end(), 0, 4))
        asked = _consent_question(lex, previous) and (previous.role != unit.role or previous.role is None)
        if asked and (unit.first_in_turn or unit.role is None):
            flipped = bool(lex.consent_question_flipped.search(previous.norm))
            m = (lex.positive_reply if flipped else lex.negative_reply).search(unit.norm)
            if m:
                return ctx.quote(unit, *unit.widen(m.start(), m.end(), 0, 6))
    return None


def find_employee_informed(ctx: _Context) -> Quote | None:
    for unit in ctx.units:
        m = ctx.lex.employee_informed.search(unit.norm) if unit.role != "customer" else None
        if m:
            return ctx.quote(unit, *unit.widen(m.start(), m.end(), 2, 2))
    return None


def find_special_categories(ctx: _Context) -> tuple[Quote, ...]:
    """Every mention of special-category data (health, religion, ...), labelled with its category."""
    found = []
    for unit in ctx.units:
        for cat, rx in ctx.lex.special.items():
            m = rx.search(unit.norm)
            if m:
                found.append(ctx.quote(unit, *unit.widen(m.start(), m.end(), CONTEXT, CONTEXT), labels=(cat,)))
    return tuple(found)


def _age(lex: Lexicon, word: str) -> int | None:
    if word.isdigit():
        return int(word)
    return lex.numbers.get(word)


def find_minor(ctx: _Context) -> Quote | None:
    """A caller who says they are under 18 ("ik ben vijftien", "I'm 14 years old", "ik ben minderjarig")."""
    for unit in ctx.units:
        if unit.role == "agent":
            continue
        m = ctx.lex.minor_direct.search(unit.norm)
        if m:
            return ctx.quote(unit, *unit.widen(m.start(), m.end(), 0, CONTEXT), labels=("minor",))
        for m in ctx.lex.minor.finditer(unit.norm):
            word = next((g for g in m.groups() if g), "")
            age = _age(ctx.lex, word)
            if age is not None and 6 <= age < 18:
                return ctx.quote(unit, *unit.widen(m.start(), m.end(), 0, CONTEXT), labels=(f"age {age}",))
    return None


def detect(source: str | Transcript, language: str | None = None) -> ConsentDetection:
    """Consent evidence in `source` (plain text, or a Transcript for roles and times)."""
    if language is None:
        language = source.language if isinstance(source, Transcript) else "nl"
    ctx = _context(source, language)
    notice, purposes = find_notice(ctx)
    return ConsentDetection(language=language, notice=notice, purposes=purposes, objection=find_objection(ctx),
                            employee_informed=find_employee_informed(ctx),
                            special_category=find_special_categories(ctx), minor=find_minor(ctx))
