"""Evaluate difficulty ranking and categories against the synthetic corpus' ground truth.

ROC AUC and precision@k for difficult vs routine, per-category accuracy (plus precision and
recall), and whether every flagged call shows an evidence quote with its time.
"""

from __future__ import annotations

import json
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Sequence

from .scoring import CATEGORIES, DifficultyResult, Weights, score_signals
from .signals import CallSignals, compute_signals


def roc_auc(scores: Sequence[float], labels: Sequence[bool]) -> float:
    """Probability that a random positive outscores a random negative (ties count half)."""
    pos = [s for s, l in zip(scores, labels) if l]
    neg = [s for s, l in zip(scores, labels) if not l]
    if not pos or not neg:
        return float("nan")
    ranked = sorted((s, i) for i, s in enumerate(scores))
    ranks = [0.0] * len(scores)
    i = 0
    while i < len(ranked):
        j = i
        while j + 1 < len(ranked) and ranked[j + 1][0] == ranked[i][0]:
            j += 1
        for k in range(i, j + 1):
            ranks[ranked[k][1]] = (i + j) / 2 + 1
        i = j + 1
    rank_sum = sum(r for r, l in zip(ranks, labels) if l)
    return (rank_sum - len(pos) * (len(pos) + 1) / 2) / (len(pos) * len(neg))


def precision_at(scores: Sequence[float], labels: Sequence[bool], k: int = 10) -> float:
    order = sorted(range(len(scores)), key=lambda i: -scores[i])[:k]
    return sum(bool(labels[i]) for i in order) / max(1, len(order))


@dataclass
class CallOutcome:
    call_id: str
    truth_difficult: bool
    truth_categories: tuple[str, ...]
    scenario: str
    result: DifficultyResult

    @property
    def has_timed_evidence(self) -> bool:
        return any(e.quote and e.time is not None for r in self.result.reasons for e in r.evidence)


@dataclass
class EvaluationReport:
    outcomes: list[CallOutcome] = field(default_factory=list)
    seeds: tuple[int, ...] = ()

    @property
    def auc(self) -> float:
        return roc_auc([o.result.score for o in self.outcomes], [o.truth_difficult for o in self.outcomes])

    def precision_at(self, k: int = 10) -> float:
        return precision_at([o.result.score for o in self.outcomes], [o.truth_difficult for o in self.outcomes], k)

    def category_stats(self) -> dict[str, dict[str, float]]:
        out = {}
        for c in CATEGORIES:
            tp = sum(c in o.result.categories and c in o.truth_categories for o in self.outcomes)
            fp = sum(c in o.result.categories and c not in o.truth_categories for o in self.outcomes)
            fn = sum(c not in o.result.categories and c in o.truth_categories for o in self.outcomes)
            n = len(self.outcomes)
            out[c] = {"support": tp + fn, "accuracy": (n - fp - fn) / n if n else float("nan"),
                      "precision": tp / (tp + fp) if tp + fp else float("nan"),
                      "recall": tp / (tp + fn) if tp + fn else float("nan")}
        return out

    @property
    def flagged_without_evidence(self) -> list[str]:
        return [o.call_id for o in self.outcomes if o.result.difficult and not o.has_timed_evidence]

    def as_dict(self) -> dict:
        flagged = [o for o in self.outcomes if o.result.difficult]
        return {"seeds": list(self.seeds), "calls": len(self.outcomes),
                "difficult_calls": sum(o.truth_difficult for o in self.outcomes),
                "roc_auc": round(self.auc, 4), "precision_at_10": round(self.precision_at(10), 4),
                "flagged": len(flagged),
                "flagged_accuracy": round(sum(o.result.difficult == o.truth_difficult for o in self.outcomes)
                                          / max(1, len(self.outcomes)), 4),
                "flagged_with_timed_evidence": len(flagged) - len(self.flagged_without_evidence),
                "categories": {c: {k: round(v, 4) for k, v in s.items()} for c, s in self.category_stats().items()}}

    def lines(self) -> list[str]:
        d = self.as_dict()
        out = [f"calls {d['calls']} (difficult {d['difficult_calls']}) on seeds {', '.join(map(str, self.seeds))}",
               f"ROC AUC difficult vs routine: {d['roc_auc']:.3f}",
               f"precision@10: {d['precision_at_10']:.2f}",
               f"flagged difficult: {d['flagged']} (flag accuracy {d['flagged_accuracy']:.3f}); "
               f"with a timed evidence quote: {d['flagged_with_timed_evidence']}",
               f"{'category':<25}{'support':>8}{'accuracy':>10}{'precision':>11}{'recall':>8}"]
        for c, s in d["categories"].items():
            out.append(f"{c:<25}{s['support']:>8}{s['accuracy']:>10.3f}{s['precision']:>11.3f}{s['recall']:>8.3f}")
        return out


def corpus_signals(folder: Path, use_audio: bool = True) -> list[tuple[dict, CallSignals]]:
    """(truth, signals) for every <id>.truth.json in a corpus folder."""
    from curation.ingest.formats import read_transcript

    from .acoustics import loudness_envelope

    out = []
    for truth_path in sorted(Path(folder).glob("*.truth.json")):
        stem = truth_path.name[: -len(".truth.json")]
        truth = json.loads(truth_path.read_text("utf-8"))
        transcript_path = truth_path.with_name(stem + ".json")
        transcript = read_transcript(transcript_path) if transcript_path.is_file() else None
        wav = truth_path.with_name(stem + ".wav")
        envelope = loudness_envelope(wav) if use_audio and wav.is_file() else None
        duration = (truth.get("audio") or {}).get("duration")
        out.append((truth, compute_signals(transcript, envelope, duration)))
    return out


def generate_corpus(out_dir: Path, seed: int, calls: int) -> Path:
    import callcorpus

    folder = Path(out_dir) / f"seed{seed}"
    if not any(folder.glob("*.truth.json")):
        folder.mkdir(parents=True, exist_ok=True)
        callcorpus.generate(folder, calls=calls, seed=seed)
    return folder


def evaluate(seeds: Iterable[int] = (201, 202, 203), calls: int = 40, weights: Weights | None = None,
             corpus_dir: Path | None = None, use_audio: bool = True,
             progress: Callable[[str], None] | None = None) -> EvaluationReport:
    """Generate (or reuse, under `corpus_dir`) the corpus for each seed and score every call."""
    weights = weights or Weights.default()
    report = EvaluationReport(seeds=tuple(seeds))
    with tempfile.TemporaryDirectory(prefix="difficulty-eval-") as tmp:
        base = Path(corpus_dir) if corpus_dir else Path(tmp)
        for seed in report.seeds:
            if progress:
                progress(f"seed {seed}: {calls} calls")
            folder = generate_corpus(base, seed, calls)
            for truth, signals in corpus_signals(folder, use_audio):
                d = truth.get("difficulty") or {}
                report.outcomes.append(CallOutcome(truth.get("call_id", "?"), bool(d.get("difficult")),
                                                   tuple(d.get("categories") or ()), truth.get("scenario", ""),
                                                   score_signals(signals, weights)))
    return report
