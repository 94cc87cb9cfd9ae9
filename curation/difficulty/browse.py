"""Browse and filter analysed calls as a pandas DataFrame (used by the CLI and the widgets).

Scores and categories are recomputed, vectorised, from the stored signal strengths with the
effective weights, so changing a weight re-ranks instantly.
"""

from __future__ import annotations

from pathlib import Path
from typing import Mapping

import numpy as np
import pandas as pd
from sqlalchemy import select

from curation.workspace import Workspace

from .scoring import CATEGORIES, Weights
from .signals import SIGNAL_NAMES
from .tables import call_tags, difficulty_scores

TOP_REASONS = 3
FRAME_COLUMNS = ["call_id", "score", "difficult", "categories", "top_reasons", "recorded_at", "duration", "agent_id",
                 "topic", "language", "tags", "learning_topics", "notes"]


def score_matrix(strengths: np.ndarray, weights: Weights) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """Vectorised noisy-or: scores (0..100) and category scores (0..1) for a (calls x SIGNAL_NAMES) array."""
    w = np.array([weights.signals.get(n, 0.0) for n in SIGNAL_NAMES])
    scores = 100.0 * (1.0 - np.prod(1.0 - strengths * w, axis=1))
    cats = {}
    for name, cat in weights.categories.items():
        cw = np.array([cat.signals.get(n, 0.0) for n in SIGNAL_NAMES])
        cats[name] = 1.0 - np.prod(1.0 - strengths * cw, axis=1)
    return np.round(scores, 2), cats


def filter_difficult(frame: pd.DataFrame, category: str | None = None, min_score: float | None = None,
                     difficult_only: bool = True) -> pd.DataFrame:
    """Rows in `category` (column `is_<category>`) with score >= min_score (or flagged difficult
    when no min_score is given), highest score first."""
    mask = np.ones(len(frame), dtype=bool)
    if category is not None:
        column = f"is_{category}"
        if column not in frame.columns:
            raise ValueError(f"unknown category {category!r} (known: {', '.join(CATEGORIES)})")
        mask &= frame[column].to_numpy()
    if min_score is not None:
        mask &= frame["score"].to_numpy() >= min_score
    elif difficult_only:
        mask &= frame["difficult"].to_numpy()
    idx = np.flatnonzero(mask)
    order = idx[_descending(frame["score"].to_numpy()[idx])]
    out = frame.take(order)
    out.index = pd.RangeIndex(len(out))
    return out


def _descending(scores: np.ndarray) -> np.ndarray:
    """Stable descending order of 0..100 scores. Scores are kept to two decimals, so they sort as
    16-bit integers, for which NumPy's stable sort is a linear-time radix sort."""
    if scores.size and np.isfinite(scores).all() and scores.min() >= 0 and scores.max() <= 100:
        return np.argsort(np.rint(-scores * 100).astype(np.int16), kind="stable")
    return np.argsort(-scores, kind="stable")


def _tags_by_call(ws: Workspace) -> dict[tuple[str, str], str]:
    with ws.engine.connect() as conn:
        rows = conn.execute(select(call_tags.c.call_id, call_tags.c.kind, call_tags.c.name)
                            .order_by(call_tags.c.name)).all()
    out: dict[tuple[str, str], list[str]] = {}
    for r in rows:
        out.setdefault((r.call_id, r.kind), []).append(r.name)
    return {k: ";".join(v) for k, v in out.items()}


def _reason_text(signal: str, strength: float, evidence) -> str:
    label = signal.replace("_", " ")
    if evidence is None:
        return f"{label} ({strength:.2f})"
    quote, role, time = evidence
    return f"{label} ({strength:.2f}): “{quote}” ({role}, {time:.1f} s)"


def analysed_frame(ws: Workspace, weights: Weights | Mapping | str | Path | None = None) -> pd.DataFrame:
    """Every analysed call with score, difficult flag, categories, `is_<category>` columns, the
    per-signal contributions (`w_<signal>`), catalogue fields, tags and learning topics."""
    import json

    from curation.catalogue import calls_frame

    from .store import effective_weights, signal_matrix

    w = effective_weights(ws, weights)
    matrix = signal_matrix(ws)
    with ws.engine.connect() as conn:
        stored = pd.DataFrame(conn.execute(select(difficulty_scores.c.call_id, difficulty_scores.c.notes_json)).all(),
                              columns=["call_id", "notes_json"])
    ids = matrix.index.to_numpy()
    strengths = matrix.to_numpy(dtype=float) if len(ids) else np.zeros((0, len(SIGNAL_NAMES)))
    scores, cats = score_matrix(strengths, w)
    frame = pd.DataFrame({"call_id": ids, "score": scores})
    in_any = np.zeros(len(ids), dtype=bool)
    for name in CATEGORIES:
        member = cats[name] >= w.categories[name].threshold if name in cats else np.zeros(len(ids), dtype=bool)
        frame[f"is_{name}"] = member
        in_any |= member
    frame["difficult"] = (scores >= w.difficult_threshold) | in_any
    members = [frame[f"is_{c}"].to_numpy() for c in CATEGORIES]
    frame["categories"] = [";".join(c for c, m in zip(CATEGORIES, row) if m) for row in zip(*members)] if len(frame) else []
    weight_vec = np.array([w.signals.get(n, 0.0) for n in SIGNAL_NAMES])
    contrib = strengths * weight_vec
    for j, n in enumerate(SIGNAL_NAMES):
        frame[f"w_{n}"] = contrib[:, j] if len(ids) else []
    frame.attrs["strengths"] = strengths
    catalogue = calls_frame(ws)
    frame = frame.merge(catalogue[["call_id", "recorded_at", "duration", "agent_id", "topic", "language"]],
                        on="call_id", how="left")
    tags = _tags_by_call(ws)
    frame["tags"] = [tags.get((c, "tag"), "") for c in frame["call_id"]]
    frame["learning_topics"] = [tags.get((c, "topic"), "") for c in frame["call_id"]]
    notes = dict(zip(stored["call_id"], stored["notes_json"]))
    frame["notes"] = ["; ".join(json.loads(notes.get(c, "[]"))) for c in frame["call_id"]]
    frame["top_reasons"] = ""
    return frame


def add_top_reasons(ws: Workspace, frame: pd.DataFrame, n: int = TOP_REASONS, quotes: bool = True) -> pd.DataFrame:
    """Fill `top_reasons` for the rows of `frame`: the n largest contributions, each with its
    strongest quote and time (without quotes for users who may not read transcripts)."""
    from .store import first_evidence

    if frame.empty:
        return frame
    evidence = first_evidence(ws) if quotes else {}
    contrib = frame[[f"w_{s}" for s in SIGNAL_NAMES]].to_numpy()
    texts = []
    for row, cid in zip(contrib, frame["call_id"]):
        order = [j for j in np.argsort(-row, kind="stable")[:n] if row[j] > 0]
        texts.append("; ".join(_reason_text(SIGNAL_NAMES[j], row[j], evidence.get((cid, SIGNAL_NAMES[j])))
                               for j in order))
    frame = frame.copy()
    frame["top_reasons"] = texts
    return frame


def difficult_calls_frame(ws: Workspace, category: str | None = None, min_score: float | None = None,
                          weights: Weights | Mapping | str | Path | None = None, tag: str | None = None,
                          topic: str | None = None, all_calls: bool = False, user: str | None = None) -> pd.DataFrame:
    """Analysed calls sorted by score (highest first) with their top reasons.

    By default only calls flagged difficult; with `min_score` every call scoring at least that;
    `all_calls=True` keeps routine calls too. `category`, `tag` and `topic` narrow further.
    Reasons quote the transcript only for users allowed to read transcripts (not managers)."""
    from curation.roles import actor, require

    who = actor(ws, user)
    require(who, "calls.list", "list calls")
    frame = analysed_frame(ws, weights)
    if tag is not None:
        frame = frame[frame["tags"].str.split(";").map(lambda t: tag in t)]
    if topic is not None:
        frame = frame[frame["learning_topics"].str.split(";").map(lambda t: topic in t)]
    frame = filter_difficult(frame, category, min_score, difficult_only=not all_calls)
    frame = add_top_reasons(ws, frame, quotes=who.can("calls.read_transcript"))
    extra = [c for c in frame.columns if c not in FRAME_COLUMNS]
    return frame[FRAME_COLUMNS + extra]
