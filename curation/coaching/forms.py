"""Evaluation forms as data: sections of weighted questions, each on a scale, with guidance for the
evaluator in Dutch and English and optionally the conversation-technique measure that pre-fills it.

A form is a TOML document (the defaults ship in `curation/coaching/forms/`); `parse_form` checks it
and refuses a bad one with a one-line error naming the form and the problem. Pure: no storage.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path

from curation.errors import CurationError

SCALES = {"yes_no": (0.0, 1.0), "1-5": (1.0, 5.0)}
DEFAULT_FORMS = ("service_nl", "sales_nl")
FOLDER = Path(__file__).with_name("forms")
# the measures `curation.coaching.technique` computes; a question's `prefill` names one of them
PREFILL_MEASURES = ("phase.greeting", "phase.identification", "phase.needs", "phase.solution", "phase.summary",
                    "phase.closing", "questions.open_share", "asking_through", "summarising", "talk_balance",
                    "interruptions", "monologues")


class InvalidForm(CurationError):
    """A form definition that cannot be used (the message names the form and the problem)."""


@dataclass(frozen=True)
class Question:
    key: str
    text: str
    text_en: str
    scale: str
    weight: float = 1.0
    guidance: str = ""
    guidance_en: str = ""
    prefill: str | None = None

    def check_answer(self, value: float) -> float:
        low, high = SCALES[self.scale]
        value = float(value)
        if not low <= value <= high or (self.scale == "yes_no" and value not in (0.0, 1.0)) \
                or (self.scale == "1-5" and value != int(value)):
            allowed = "0 (no) or 1 (yes)" if self.scale == "yes_no" else "a whole number from 1 to 5"
            raise CurationError(f"question {self.key!r}: answer {value:g} is not {allowed}")
        return value

    def normalised(self, value: float) -> float:
        """The answer on 0..1, for totals and profiles."""
        low, high = SCALES[self.scale]
        return (float(value) - low) / (high - low)


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    title_en: str
    weight: float
    questions: tuple[Question, ...]


@dataclass(frozen=True)
class Form:
    """One version of an evaluation form."""

    name: str
    title: str
    title_en: str
    kind: str
    sections: tuple[Section, ...]
    version: int = 0  # 0: not stored yet; the workspace numbers versions from 1
    source: str = ""  # the TOML text it was parsed from

    @property
    def questions(self) -> tuple[Question, ...]:
        return tuple(q for s in self.sections for q in s.questions)

    def question(self, key: str) -> Question:
        for q in self.questions:
            if q.key == key:
                return q
        raise CurationError(f"form {self.name!r} v{self.version} has no question {key!r}; "
                            f"one of {', '.join(q.key for q in self.questions)}")

    def section_of(self, key: str) -> Section:
        return next(s for s in self.sections if any(q.key == key for q in s.questions))

    def total(self, answers: dict[str, float]) -> float | None:
        """Weighted score 0..100 over the answered questions (section weight × question weight)."""
        num = den = 0.0
        for s in self.sections:
            for q in s.questions:
                if answers.get(q.key) is not None:
                    w = s.weight * q.weight
                    num += w * q.normalised(answers[q.key])
                    den += w
        return round(100.0 * num / den, 1) if den else None


def _text(doc: dict, key: str, where: str, required: bool = True) -> str:
    value = doc.get(key, "")
    if not isinstance(value, str) or (required and not value.strip()):
        raise InvalidForm(f"{where}: `{key}` must be a non-empty text")
    return value.strip()


def _weight(doc: dict, where: str) -> float:
    value = doc.get("weight", 1)
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value <= 0:
        raise InvalidForm(f"{where}: `weight` must be a positive number, not {value!r}")
    return float(value)


def parse_form(text: str, name: str | None = None) -> Form:
    """A form from its TOML text; `name` (when given) must match the document's."""
    label = name or "form"
    try:
        doc = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise InvalidForm(f"{label}: not valid TOML ({exc})") from None
    form_name = _text(doc, "name", label)
    if name is not None and form_name != name:
        raise InvalidForm(f"{label}: the document is named {form_name!r}")
    sections, keys = [], set()
    for i, sdoc in enumerate(doc.get("sections") or []):
        where = f"{form_name}: section {i + 1}"
        questions = []
        for j, qdoc in enumerate(sdoc.get("questions") or []):
            qwhere = f"{where}, question {j + 1}"
            key = _text(qdoc, "key", qwhere)
            if key in keys:
                raise InvalidForm(f"{qwhere}: question key {key!r} is used twice")
            keys.add(key)
            scale = qdoc.get("scale")
            if scale not in SCALES:
                raise InvalidForm(f"{qwhere} ({key}): scale {scale!r} is not one of {', '.join(SCALES)}")
            prefill = qdoc.get("prefill")
            if prefill is not None and prefill not in PREFILL_MEASURES:
                raise InvalidForm(f"{qwhere} ({key}): prefill {prefill!r} is not one of {', '.join(PREFILL_MEASURES)}")
            questions.append(Question(key, _text(qdoc, "text", qwhere), _text(qdoc, "text_en", qwhere), scale,
                                      _weight(qdoc, qwhere), _text(qdoc, "guidance", qwhere, False),
                                      _text(qdoc, "guidance_en", qwhere, False), prefill))
        if not questions:
            raise InvalidForm(f"{where}: has no questions")
        sections.append(Section(_text(sdoc, "key", where), _text(sdoc, "title", where),
                                _text(sdoc, "title_en", where), _weight(sdoc, where), tuple(questions)))
    if not sections:
        raise InvalidForm(f"{form_name}: has no sections")
    return Form(form_name, _text(doc, "title", form_name), _text(doc, "title_en", form_name),
                _text(doc, "kind", form_name, False) or "service", tuple(sections), source=text)


def default_form_text(name: str) -> str:
    if name not in DEFAULT_FORMS:
        raise InvalidForm(f"no default form {name!r}; one of {', '.join(DEFAULT_FORMS)}")
    return (FOLDER / f"{name}.toml").read_text(encoding="utf-8")


def default_form(name: str = "service_nl") -> Form:
    return parse_form(default_form_text(name), name)
