"""The anonymisation report: what was bleeped where, whether each interval verified, which voice method.

It names speakers by role only and never holds the key, the disguise parameters, the
source path or any transcript text, so it can travel with an exported clip.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path

REPORT_FORMAT = "curation-anonymisation-report"


@dataclass
class RedactionResult:
    start: float  # seconds on the clip timeline, padded interval actually bleeped
    end: float
    speaker: str  # role label: agent, customer, speaker A ...
    entity_type: str
    verified: bool
    channels: list[int] = field(default_factory=list)
    estimated_times: bool = False
    residual_dbfs: float | None = None
    alignment_uncertain: bool = False  # the words' times were not placed confidently: the whole stretch is bleeped
    reason: str | None = None  # why the interval is as wide as it is, for people reading the report


def uncertain_reason(start: float, end: float) -> str:
    """The report's words for an interval widened because word alignment was not confident."""
    return f"alignment uncertain: whole stretch {start:.1f}-{end:.1f} s bleeped"


@dataclass
class AnonymisationReport:
    status: str  # "ok" or "blocked"
    blocked_reason: str | None = None
    output: dict | None = None  # file name, format, sample_rate, channels, duration
    clip: dict | None = None  # start, end (call timeline), duration
    voice: dict = field(default_factory=dict)  # method, description, speakers (roles), per_speaker
    bleep: dict = field(default_factory=dict)  # mode, padding, padding_estimated, padding_aligned, fade
    redactions: list[RedactionResult] = field(default_factory=list)
    verification: dict = field(default_factory=dict)
    loudness: dict = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.status == "ok"

    def to_dict(self) -> dict:
        d = asdict(self)
        return {"format": REPORT_FORMAT, "version": 1, **d}

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), indent=2, ensure_ascii=False, allow_nan=False,
                          default=_plain)

    def write(self, path) -> Path:
        path = Path(path)
        path.write_text(self.to_json() + "\n", encoding="utf-8")
        return path


def _plain(o):
    """numpy scalars to Python numbers; anything else is a bug we want to see."""
    if hasattr(o, "item"):
        return o.item()
    raise TypeError(f"cannot put {type(o).__name__} into a report")
