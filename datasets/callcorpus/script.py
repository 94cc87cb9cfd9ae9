"""The script of a call before rendering: turns of tokens with annotated spans.

A token has the text a transcript shows and the text the speech synthesiser says
(a written phone number is one token, spoken digit by digit). Spans mark PII mentions,
the consent notice, objections and difficulty evidence by token index within a turn.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

PUNCT = ".,!?;:"


@dataclass
class Tok:
    text: str
    say: str


@dataclass
class Mention:
    """Tokens that form one annotated thing (a PII value in some form, a notice...)."""

    kind: str  # pii | negative | notice | objection | lookalike | special | minor | evidence
    label: str  # entity type, negative type, or trait name
    toks: list[Tok]
    form: str | None = None
    sources: tuple[str, ...] = ()  # lists the values came from (names, places); "generated" for numbers
    detail: str | None = None  # negatives: what a name-like word looks like (surname, place)


@dataclass
class Span:
    kind: str
    label: str
    start: int
    end: int
    form: str | None = None
    sources: tuple[str, ...] = ()
    detail: str | None = None


@dataclass
class Turn:
    speaker: str  # agent | customer
    toks: list[Tok] = field(default_factory=list)
    spans: list[Span] = field(default_factory=list)
    voice: str | None = None  # "ivr" for the recorded notice
    gap: float | None = None  # pause before this turn (seconds), None = default
    overlap: float = 0.0  # seconds this turn starts before the previous one ends
    hold_after: float = 0.0  # silence after this turn (hold)
    rate_factor: float = 1.0
    pitch_delta: int = 0
    volume: int = 100  # > 100: raised voice
    overlap_next: bool = False  # the next turn interrupts this one
    templates: list[str] = field(default_factory=list)  # keys of the phrasebook templates used

    def words(self, text: str) -> "Turn":
        """Append plain words; punctuation glued to a word stays on it."""
        for w in text.split():
            if all(c in PUNCT for c in w):
                self.punct(w)
                continue
            if (not self.toks or self.toks[-1].text[-1] in ".?!") and w[0].islower():
                w = w[0].upper() + w[1:]  # a new sentence
            self.toks.append(Tok(w, w))
        return self

    def punct(self, mark: str) -> "Turn":
        """Glue punctuation to the previous token unless that token is annotated."""
        if self.toks and not any(s.start <= len(self.toks) - 1 < s.end and s.kind == "pii" for s in self.spans):
            t = self.toks[-1]
            t.text += mark
            t.say += mark
        return self

    def add(self, m: Mention) -> "Turn":
        start = len(self.toks)
        self.toks.extend(Tok(t.text, t.say) for t in m.toks)
        self.spans.append(Span(m.kind, m.label, start, len(self.toks), m.form, m.sources, m.detail))
        return self

    def insert(self, pos: int, tok: Tok) -> "Turn":
        """Put a word before token `pos` (never inside a span); later spans move along."""
        if any(s.start < pos < s.end for s in self.spans):
            raise ValueError("cannot insert inside a span")
        self.toks.insert(pos, tok)
        for s in self.spans:
            if s.start >= pos:
                s.start += 1
                s.end += 1
        return self

    def _note(self, text) -> None:
        key = getattr(text, "key", None)
        if key and key not in self.templates:
            self.templates.append(key)

    def fill(self, template: str, **slots) -> "Turn":
        """Words of `template` with `{slot}` places filled by Mentions or plain strings; a `[word]`
        is a word that is also a name or place (annotated as a negative)."""
        self._note(template)
        for part in re.split(r"(\{\w+\}|\[[^\]]+\])", template):
            if part.startswith("{") and part.endswith("}"):
                value = slots[part[1:-1]]
                if isinstance(value, Mention):
                    self.add(value)
                else:
                    self._note(value)
                    text = str(value)
                    if self.toks and self.toks[-1].text[-1] not in ".?!" and text[:1].isupper() and text[1:2].islower():
                        text = text[0].lower() + text[1:]  # "Ja, goedemiddag": a greeting inside a sentence
                    self.words(text)
            elif part.startswith("[") and part.endswith("]"):
                from .values import name_like

                self.add(name_like(part[1:-1]))
            elif part.strip():
                # punctuation right after a slot arrives glued to the next chunk: split it off
                lead = re.match(r"^([" + re.escape(PUNCT) + r"]+)(\s|$)", part.strip())
                if lead and part[0] in PUNCT:
                    self.punct(lead.group(1))
                    part = part.strip()[len(lead.group(1)):]
                self.words(part)
        return self

    def mark(self, kind: str, label: str, template: str, **slots) -> "Turn":
        """Like `fill`, but the whole resulting stretch gets a span of `kind`/`label`."""
        start = len(self.toks)
        self.fill(template, **slots)
        self.spans.append(Span(kind, label, start, len(self.toks)))
        return self
