"""Combine signals into a 0..100 difficulty score and named categories, with trainer-editable weights."""

from __future__ import annotations

import json
import tomllib
from dataclasses import dataclass, field, replace
from functools import lru_cache
from importlib import resources
from types import MappingProxyType
from pathlib import Path
from typing import Mapping

from .signal import Evidence
from .signals import SIGNAL_NAMES, CallSignals

CATEGORIES = ("escalation", "abusive", "confused_caller", "misunderstanding", "hard_to_understand",
              "unbalanced_conversation")


class WeightsError(ValueError):
    """A weights file or override that cannot be used."""


@dataclass(frozen=True)
class Category:
    threshold: float
    signals: Mapping[str, float]

    def __post_init__(self) -> None:
        object.__setattr__(self, "signals", MappingProxyType(dict(self.signals)))


@dataclass(frozen=True)
class Weights:
    """Signal weights (0..1), the difficult threshold (0..100) and the category rules."""

    signals: Mapping[str, float]
    categories: Mapping[str, Category]
    difficult_threshold: float = 40.0

    def __post_init__(self) -> None:  # read-only views: the cached defaults are shared
        object.__setattr__(self, "signals", MappingProxyType(dict(self.signals)))
        object.__setattr__(self, "categories", MappingProxyType(dict(self.categories)))

    @classmethod
    def default(cls) -> "Weights":
        return _default_weights()

    @classmethod
    def from_mapping(cls, data: Mapping) -> "Weights":
        cats = {name: Category(float(c.get("threshold", 0.5)), {k: float(v) for k, v in c.get("signals", {}).items()})
                for name, c in data.get("categories", {}).items()}
        w = cls({k: float(v) for k, v in data.get("signals", {}).items()}, cats,
                float(data.get("difficult_threshold", 40.0)))
        w.check()
        return w

    @classmethod
    def load(cls, path: str | Path | None = None, overrides: Mapping | None = None) -> "Weights":
        """Defaults, then a TOML/JSON file of the same shape (or flat NAME=VALUE pairs), then overrides."""
        weights = cls.default()
        if path is not None:
            path = Path(path)
            try:
                text = path.read_text("utf-8")
                data = json.loads(text) if path.suffix.lower() == ".json" else tomllib.loads(text)
            except (OSError, ValueError) as exc:
                raise WeightsError(f"{path}: cannot read weights ({exc})") from None
            try:
                weights = weights.merged(data)
            except WeightsError as exc:
                raise WeightsError(f"{path}: {exc}") from None
        return weights.merged(overrides) if overrides else weights

    def merged(self, data: Mapping) -> "Weights":
        """A copy with overrides: {"signals": {...}, "categories": {...}, "difficult_threshold": x}
        or flat keys: a signal name, "difficult_threshold", "<category>.threshold", "<category>.<signal>"."""
        signals, cats, threshold = dict(self.signals), dict(self.categories), self.difficult_threshold
        flat: dict = {}
        for key, value in data.items():
            if key == "signals":
                flat.update(value)
            elif key == "categories":
                for cname, c in value.items():
                    for k, v in (c.get("signals") or {}).items():
                        flat[f"{cname}.{k}"] = v
                    if "threshold" in c:
                        flat[f"{cname}.threshold"] = c["threshold"]
            else:
                flat[key] = value
        for key, value in flat.items():
            try:
                value = float(value)
            except (TypeError, ValueError):
                raise WeightsError(f"weight {key!r} is not a number: {value!r}") from None
            if key == "difficult_threshold":
                threshold = value
            elif key in SIGNAL_NAMES:
                signals[key] = value
            elif "." in key and key.split(".", 1)[0] in CATEGORIES:
                cname, part = key.split(".", 1)
                cat = cats.get(cname, Category(0.5, {}))
                if part == "threshold":
                    cats[cname] = replace(cat, threshold=value)
                elif part in SIGNAL_NAMES:
                    cats[cname] = replace(cat, signals={**cat.signals, part: value})
                else:
                    raise WeightsError(f"unknown weight {key!r}")
            else:
                raise WeightsError(f"unknown weight {key!r} (signals: {', '.join(SIGNAL_NAMES)})")
        w = Weights(signals, cats, threshold)
        w.check()
        return w

    def check(self) -> None:
        for k, v in self.signals.items():
            if k not in SIGNAL_NAMES:
                raise WeightsError(f"unknown signal {k!r}")
            if not 0.0 <= v <= 1.0:
                raise WeightsError(f"weight {k}={v} outside 0..1")
        for name, c in self.categories.items():
            if name not in CATEGORIES:
                raise WeightsError(f"unknown category {name!r} (known: {', '.join(CATEGORIES)})")
            if not 0.0 < c.threshold <= 1.0 or any(not 0 <= v <= 1 or k not in SIGNAL_NAMES for k, v in c.signals.items()):
                raise WeightsError(f"category {name}: threshold or weights outside 0..1, or unknown signal")
        if not 0.0 <= self.difficult_threshold <= 100.0:
            raise WeightsError(f"difficult_threshold {self.difficult_threshold} outside 0..100")

    def as_dict(self) -> dict:
        return {"difficult_threshold": self.difficult_threshold, "signals": dict(self.signals),
                "categories": {n: {"threshold": c.threshold, "signals": dict(c.signals)} for n, c in self.categories.items()}}

    def diff(self, base: "Weights | None" = None) -> dict:
        """Flat NAME=VALUE pairs where these weights differ from `base` (defaults)."""
        base = base or Weights.default()
        out = {k: v for k, v in self.signals.items() if base.signals.get(k) != v}
        if self.difficult_threshold != base.difficult_threshold:
            out["difficult_threshold"] = self.difficult_threshold
        for n, c in self.categories.items():
            b = base.categories.get(n, Category(0.5, {}))
            if c.threshold != b.threshold:
                out[f"{n}.threshold"] = c.threshold
            out.update({f"{n}.{k}": v for k, v in c.signals.items() if b.signals.get(k) != v})
        return out


@lru_cache(maxsize=1)
def _default_weights() -> Weights:
    return Weights.from_mapping(tomllib.loads(resources.files(__package__).joinpath("data", "weights.toml").read_text("utf-8")))


@dataclass(frozen=True)
class Reason:
    """One signal's part in the score, with its evidence."""

    signal: str
    contribution: float  # weight * strength, 0..1
    strength: float
    evidence: tuple[Evidence, ...]

    def describe(self) -> str:
        label = self.signal.replace("_", " ")
        return f"{label} ({self.contribution:.2f})" + (f": {self.evidence[0].describe()}" if self.evidence else "")


@dataclass(frozen=True)
class DifficultyResult:
    score: float
    difficult: bool
    categories: tuple[str, ...]
    category_scores: Mapping[str, float]
    reasons: tuple[Reason, ...]
    notes: tuple[str, ...] = ()
    signals: CallSignals | None = field(default=None, compare=False)

    def top_reasons(self, n: int = 3) -> str:
        return "; ".join(r.describe() for r in self.reasons[:n])


def combine(strengths: Mapping[str, float], weights: Mapping[str, float]) -> float:
    """Noisy-or: 1 - prod(1 - w*s). Adding evidence never lowers it; one strong signal can decide."""
    keep = 1.0
    for name, w in weights.items():
        keep *= 1.0 - w * strengths.get(name, 0.0)
    return 1.0 - keep


def score_signals(signals: CallSignals, weights: Weights | None = None) -> DifficultyResult:
    weights = weights or Weights.default()
    strengths = signals.strengths()
    score = round(100.0 * combine(strengths, weights.signals), 2)
    cat_scores = {n: round(combine(strengths, c.signals), 4) for n, c in weights.categories.items()}
    cats = tuple(n for n in CATEGORIES if n in cat_scores and cat_scores[n] >= weights.categories[n].threshold)
    reasons = sorted((Reason(s.name, round(weights.signals.get(s.name, 0.0) * s.strength, 4), s.strength, s.evidence)
                      for s in signals.signals if s.strength > 0 and weights.signals.get(s.name, 0.0) > 0),
                     key=lambda r: -r.contribution)
    difficult = score >= weights.difficult_threshold or bool(cats)
    return DifficultyResult(score, difficult, cats, cat_scores, tuple(reasons), signals.notes, signals)
