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

from curation.access import reads_personal

from .scoring import CATEGORIES, TOP_REASONS, Weights, assess, reason_text
from .signals import SIGNAL_NAMES
from .tables import call_tags, difficulty_scores

FRAME_COLUMNS = ["call_id", "score", "difficult", "categories", "top_reasons", "reasons", "recorded_at", "duration",
                 "agent_id", "topic", "language", "tags", "learning_topics", "notes"]


def filter_difficult(frame: pd.DataFrame, category: str | None = None, min_score: float | None = None,
                     difficult_only: bool | None = None, where: Mapping[str, object] | None = None,
                     recorded_from=None, recorded_to=None, sort_by: str = "score",
                     ascending: bool = False) -> pd.DataFrame:
    """The rows of an `analysed_frame` a trainer asked for; the one filter the CLI and the call
    browser share. `category`: column `is_<category>`; `min_score`: score >= it; `difficult_only`:
    flagged difficult (None: only when no `min_score` is given, so `--min-score` means "flagged or
    not"); `where`: column == value for each item; `recorded_from`/`recorded_to`: dates, both
    inclusive. Sorted by `sort_by` (score highest first by default), ties kept in order."""
    mask = np.ones(len(frame), dtype=bool)
    if category is not None:
        column = f"is_{category}"
        if column not in frame.columns:
            raise ValueError(f"unknown category {category!r} (known: {', '.join(CATEGORIES)})")
        mask &= frame[column].to_numpy()
    if min_score is not None:
        mask &= frame["score"].to_numpy() >= min_score
    if difficult_only or (difficult_only is None and min_score is None):
        mask &= frame["difficult"].to_numpy()
    for column, value in (where or {}).items():
        mask &= (frame[column] == value).to_numpy()
    if recorded_from is not None or recorded_to is not None:
        when = pd.to_datetime(frame["recorded_at"], errors="coerce")
        if recorded_from is not None:
            mask &= (when >= pd.Timestamp(recorded_from)).to_numpy()
        if recorded_to is not None:
            mask &= (when < pd.Timestamp(recorded_to) + pd.Timedelta(days=1)).to_numpy()
    idx = np.flatnonzero(mask)
    if sort_by == "score" and not ascending:
        out = frame.take(idx[_descending(frame["score"].to_numpy()[idx])])
    else:
        out = frame.take(idx).sort_values(sort_by, ascending=ascending, kind="stable", na_position="last")
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


def _analysed_frame(ws: Workspace, weights: Weights | Mapping | str | Path | None = None) -> pd.DataFrame:
    """Every analysed call with score, difficult flag, categories, `is_<category>` columns, the
    per-signal contributions (`w_<signal>`), catalogue fields, tags and learning topics; scored by
    `scoring.assess` from the stored strengths with the effective weights. The caller checked the role."""
    import json

    from curation.catalogue import calls_frame

    from .store import _signal_matrix, effective_weights

    w = effective_weights(ws, weights)
    matrix = _signal_matrix(ws)
    with ws.engine.connect() as conn:
        stored = pd.DataFrame(conn.execute(select(difficulty_scores.c.call_id, difficulty_scores.c.notes_json)).all(),
                              columns=["call_id", "notes_json"])
    ids = matrix.index.to_numpy()
    strengths = matrix.to_numpy(dtype=float) if len(ids) else np.zeros((0, len(SIGNAL_NAMES)))
    a = assess(strengths, w)
    frame = pd.DataFrame({"call_id": ids, "score": a.scores})
    for name in CATEGORIES:
        frame[f"is_{name}"] = a.members[name] if name in a.members else np.zeros(len(ids), dtype=bool)
    frame["difficult"] = a.difficult
    frame["categories"] = [";".join(a.categories(i)) for i in range(len(ids))]
    for j, n in enumerate(SIGNAL_NAMES):
        frame[f"w_{n}"] = a.contributions[:, j] if len(ids) else []
    for j, n in enumerate(SIGNAL_NAMES):
        frame[f"s_{n}"] = strengths[:, j] if len(ids) else []
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


def _add_top_reasons(ws: Workspace, frame: pd.DataFrame, n: int = TOP_REASONS, quotes: bool = True) -> pd.DataFrame:
    """Fill `top_reasons` for the rows of `frame` (the n largest contributions, each with its
    strongest quote and time) and `reasons`, the same for every contributing signal as records a
    script can read: {signal, strength, contribution, quote, speaker, time}. Users who may not read
    transcripts get no quotes (`quote` null); the speaker's role and the time are no transcript text."""
    from .store import _first_evidence

    if frame.empty:
        frame = frame.copy()
        frame["reasons"] = [[] for _ in range(len(frame))]
        return frame
    evidence = _first_evidence(ws)
    contrib = frame[[f"w_{s}" for s in SIGNAL_NAMES]].to_numpy()
    strength = frame[[f"s_{s}" for s in SIGNAL_NAMES]].to_numpy()
    texts, records = [], []
    for row, strengths, cid in zip(contrib, strength, frame["call_id"]):
        order = [j for j in np.argsort(-row, kind="stable") if row[j] > 0]
        shown = {SIGNAL_NAMES[j]: evidence.get((cid, SIGNAL_NAMES[j])) if quotes else None for j in order[:n]}
        texts.append("; ".join(reason_text(SIGNAL_NAMES[j], row[j], shown[SIGNAL_NAMES[j]]) for j in order[:n]))
        records.append([reason_record(SIGNAL_NAMES[j], float(strengths[j]), float(row[j]),
                                      evidence.get((cid, SIGNAL_NAMES[j])), quotes) for j in order])
    frame = frame.copy()
    frame["top_reasons"] = texts
    frame["reasons"] = records
    return frame


def reason_record(signal: str, strength: float, contribution: float, evidence: tuple | None, quotes: bool) -> dict:
    """One reason as data: which signal, how strong, what it adds to the score, and its strongest
    evidence (quote only for users allowed to read transcripts)."""
    quote, role, time = evidence if evidence is not None else (None, None, None)
    return {"signal": signal, "strength": round(strength, 4), "contribution": round(contribution, 4),
            "quote": quote if quotes else None, "speaker": role, "time": time}


@reads_personal("calls.list", "calls.browsed")
def difficult_calls_frame(ws: Workspace, category: str | None = None, min_score: float | None = None,
                          weights: Weights | Mapping | str | Path | None = None, tag: str | None = None,
                          topic: str | None = None, all_calls: bool = False, user: str | None = None) -> pd.DataFrame:
    """Analysed calls sorted by score (highest first) with their top reasons.

    By default only calls flagged difficult; with `min_score` every call scoring at least that;
    `all_calls=True` keeps routine calls too. `category`, `tag` and `topic` narrow further.
    Reasons quote the transcript only for users allowed to read transcripts (not managers); the
    browse is audited (`calls.browsed`: rows and whether quotes were shown, never the quotes)."""
    from curation.roles import operation

    with operation(ws, "calls.list", "calls.browsed", "workspace", None, user=user, what="list calls") as op:
        quotes = op.actor.can("calls.read_transcript")
        frame = _analysed_frame(ws, weights)
        if tag is not None:
            frame = frame[frame["tags"].str.split(";").map(lambda t: tag in t)]
        if topic is not None:
            frame = frame[frame["learning_topics"].str.split(";").map(lambda t: topic in t)]
        frame = filter_difficult(frame, category, min_score, difficult_only=False if all_calls else None)
        frame = _add_top_reasons(ws, frame, quotes=quotes)
        op.details.update(rows=len(frame), quotes=quotes)
    extra = [c for c in frame.columns if c not in FRAME_COLUMNS]
    return frame[FRAME_COLUMNS + extra]
