"""What a pack verification finds: the result object, the refusal it raises, and the strict
readers (UTF-8, JSON without NaN/Infinity) every check shares. A module of its own so the
structural checks (`verify`) and the content checks (`checks`) both use it without a cycle."""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from curation.errors import CurationError


class PackInvalid(CurationError):
    """The pack failed verification."""

    exit_code = 7


class Malformed(Exception):
    """A part of the pack is not what the format says; the message is the one-line reason."""


@dataclass
class PackVerification:
    path: str
    problems: list[str] = field(default_factory=list)
    manifest: dict | None = None
    checked: dict = field(default_factory=dict)
    sha256: str | None = None

    @property
    def ok(self) -> bool:
        return not self.problems

    def add(self, problem: str) -> None:
        self.problems.append(" ".join(str(problem).split())[:400])

    def summary(self) -> str:
        more = f" (+{len(self.problems) - 1} more)" if len(self.problems) > 1 else ""
        return f"{self.problems[0]}{more}" if self.problems else "ok"

    def raise_for_problems(self) -> None:
        if self.problems:
            raise PackInvalid(f"{self.path}: {self.summary()}")


def _json(data: bytes, what: str):
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise Malformed(f"{what} is not UTF-8 text (byte {exc.start})") from None
    try:
        return json.loads(text, parse_constant=_no_constant)
    except (ValueError, RecursionError) as exc:
        raise Malformed(f"{what} is not JSON ({str(exc)[:120]})") from None


def _no_constant(name: str):
    raise ValueError(f"{name} is not a JSON number")


def text_of(data: bytes, what: str) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise Malformed(f"{what} is not UTF-8 text (byte {exc.start})") from None
