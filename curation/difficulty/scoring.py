"""Combine signals into a 0..100 difficulty score and named categories, with trainer-editable weights.

`assess` is the one difficulty rule: the score, the category scores and memberships, the difficult
flag and the per-signal contributions, for one call or a million at once. Scoring a call
(`score_signals`), re-scoring the stored catalogue when weights change (`store.rescore_stored`),
the call browser (`browse.analysed_frame`) and the widgets all use it; `reason_text` is the one
way a reason is written.
"""

from __future__ import annotations

import json
import tomllib
from dataclasses import dataclass, field, replace
from functools import lru_cache
from importlib import resources
from types import MappingProxyType
from pathlib import Path
from typing import Mapping

import numpy as np

from curation.vocabulary import DIFFICULTY_CATEGORIES as CATEGORIES

from .signal import Evidence
from .signals import SIGNAL_NAMES, CallSignals


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


TOP_REASONS = 3


@dataclass(frozen=True)
class Assessment:
    """The difficulty of a batch of calls (rows in SIGNAL_NAMES order): scores 0..100 (two
    decimals), category scores 0..1, category memberships, the difficult flag and the
    contributions (weight x strength) of every signal."""

    scores: np.ndarray
    category_scores: Mapping[str, np.ndarray]
    members: Mapping[str, np.ndarray]
    difficult: np.ndarray
    contributions: np.ndarray

    def categories(self, i: int) -> tuple[str, ...]:
        return tuple(c for c in CATEGORIES if c in self.members and bool(self.members[c][i]))

    def category_scores_of(self, i: int) -> dict[str, float]:
        return {c: round(float(v[i]), 4) for c, v in self.category_scores.items()}

    def top_signals(self, i: int, n: int = TOP_REASONS) -> list[tuple[str, float]]:
        """The n largest positive contributions of call i: (signal name, contribution)."""
        row = self.contributions[i]
        return [(SIGNAL_NAMES[j], float(row[j])) for j in np.argsort(-row, kind="stable")[:n] if row[j] > 0]


def strength_matrix(rows: list[Mapping[str, float]]) -> np.ndarray:
    """Signal strengths per call (name -> strength) as a (calls x SIGNAL_NAMES) array."""
    out = np.zeros((len(rows), len(SIGNAL_NAMES)))
    col = {n: j for j, n in enumerate(SIGNAL_NAMES)}
    for i, row in enumerate(rows):
        for name, value in row.items():
            if name in col:
                out[i, col[name]] = value
    return out


def assess(strengths: np.ndarray, weights: Weights | None = None) -> Assessment:
    """The difficulty rule. Score: noisy-or of weight x strength over the signals (adding evidence
    never lowers it; one strong signal can decide), x 100. A category holds when the noisy-or of its
    own signal weights reaches its threshold. Difficult: score >= the difficult threshold, or in
    any category."""
    weights = weights or Weights.default()
    s = np.asarray(strengths, dtype=float).reshape(-1, len(SIGNAL_NAMES))
    w = np.array([weights.signals.get(n, 0.0) for n in SIGNAL_NAMES])
    contributions = s * w
    scores = np.round(100.0 * (1.0 - np.prod(1.0 - contributions, axis=1)), 2)
    category_scores, members = {}, {}
    in_any = np.zeros(len(s), dtype=bool)
    for name in CATEGORIES:
        cat = weights.categories.get(name)
        if cat is None:
            continue
        cw = np.array([cat.signals.get(n, 0.0) for n in SIGNAL_NAMES])
        category_scores[name] = 1.0 - np.prod(1.0 - s * cw, axis=1)
        members[name] = category_scores[name] >= cat.threshold
        in_any |= members[name]
    difficult = (scores >= weights.difficult_threshold) | in_any
    return Assessment(scores, category_scores, members, difficult, contributions)


def reason_text(signal: str, contribution: float, evidence: tuple[str, str, float] | Evidence | None = None) -> str:
    """One reason as people read it: "raised voice (0.42): “quote” (customer, 12.3 s)"."""
    label = f"{signal.replace('_', ' ')} ({contribution:.2f})"
    if evidence is None:
        return label
    if not isinstance(evidence, Evidence):
        quote, role, time = evidence
        evidence = Evidence(quote, role, time)
    return f"{label}: {evidence.describe()}"


@dataclass(frozen=True)
class Reason:
    """One signal's part in the score, with its evidence."""

    signal: str
    contribution: float  # weight * strength, 0..1
    strength: float
    evidence: tuple[Evidence, ...]

    def describe(self) -> str:
        return reason_text(self.signal, self.contribution, self.evidence[0] if self.evidence else None)


@dataclass(frozen=True)
class DifficultyResult:
    score: float
    difficult: bool
    categories: tuple[str, ...]
    category_scores: Mapping[str, float]
    reasons: tuple[Reason, ...]
    notes: tuple[str, ...] = ()
    signals: CallSignals | None = field(default=None, compare=False)

    def top_reasons(self, n: int = TOP_REASONS) -> str:
        return "; ".join(r.describe() for r in self.reasons[:n])


def score_signals(signals: CallSignals, weights: Weights | None = None) -> DifficultyResult:
    """One call's difficulty by the rule in `assess`, with every contributing signal as a reason."""
    weights = weights or Weights.default()
    strengths = signals.strengths()
    a = assess(strength_matrix([strengths]), weights)
    by_name = {s.name: s for s in signals.signals}
    reasons = tuple(Reason(name, round(c, 4), by_name[name].strength, by_name[name].evidence)
                    for name, c in a.top_signals(0, n=len(SIGNAL_NAMES)) if name in by_name)
    return DifficultyResult(float(a.scores[0]), bool(a.difficult[0]), a.categories(0), a.category_scores_of(0),
                            reasons, signals.notes, signals)
