"""Analyse the calls of a workspace and keep their signals, evidence and scores in it.

Batch mode: one audited operation per chunk of calls (`difficulty.analysed`, with the chunk's call
ids); a call that fails is reported and the batch goes on.
Scores are recomputed from the stored signal strengths whenever the weights change, so a
trainer's new weights re-rank the catalogue without re-reading any audio.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Mapping

from sqlalchemy import delete, select

from curation.access import configuration, mutates, reads_personal, within_operation
from curation.store.audio_store import AudioStoreUnavailable
from curation.workspace import Workspace, utcnow

from .scoring import DifficultyResult, Weights, assess, reason_text, score_signals
from .signals import SIGNAL_NAMES, compute_signals
from .tables import difficulty_evidence, difficulty_scores, difficulty_signals, difficulty_weights

log = logging.getLogger(__name__)
ANALYSER_VERSION = "3"  # 2: speech-only loudness, timing checks, English lexicons (#20); 3: a raised voice lasts a second
CHUNK = 200


@dataclass
class AnalysisSummary:
    analysed: int = 0
    difficult: int = 0
    failed: list[tuple[str, str]] = field(default_factory=list)  # (call id, one-line problem)
    notes: dict[str, list[str]] = field(default_factory=dict)  # call id -> what could not be computed
    skipped: int = 0  # already analysed from the same inputs (resumed batch)
    workers: int = 1
    where: str = "in-process"
    seconds: float = 0.0


def _stored_weight_overrides(ws: Workspace) -> dict[str, float]:
    with ws.engine.connect() as conn:
        return {r.name: r.value for r in conn.execute(select(difficulty_weights.c.name, difficulty_weights.c.value))}


@configuration("the trainers' difficulty weights: organisation settings, no personal data")
def effective_weights(ws: Workspace, weights: Weights | Mapping | str | Path | None = None) -> Weights:
    """Defaults, then the workspace's saved trainer weights, then `weights` (object, mapping or file)."""
    if isinstance(weights, Weights):
        return weights
    base = Weights.default().merged(_stored_weight_overrides(ws))
    if weights is None:
        return base
    if isinstance(weights, (str, Path)):
        return base.merged(Weights.load(weights).diff())  # the file's changes on top of the saved ones
    return base.merged(weights)


def _envelope_for(ws: Workspace, audio_path: str | None):
    from .acoustics import loudness_envelope

    if not audio_path:
        return None, "no audio file"
    try:
        with ws.audio_store.local_copy(audio_path) as source:
            return loudness_envelope(source), ""
    except AudioStoreUnavailable:  # not the audio's fault: the call fails now and is scored on the next run
        raise
    except Exception as exc:  # unreadable or missing audio: score without the audio signals
        return None, f"audio not readable for loudness ({type(exc).__name__})"


def _analyse_call(ws: Workspace, call_id: str, weights: Weights, use_audio: bool = True) -> DifficultyResult:
    from curation.catalogue import get_call, load_transcript

    call = get_call(ws, call_id)
    transcript = load_transcript(ws, call_id)
    envelope, problem = _envelope_for(ws, call.audio_path) if use_audio else (None, "")
    signals = compute_signals(transcript, envelope, duration=call.duration)
    if problem:
        from dataclasses import replace
        signals = replace(signals, notes=signals.notes + (problem,))
    return score_signals(signals, weights)


def _rows(call_id: str, result: DifficultyResult, now: str) -> tuple[dict, list[dict], list[dict]]:
    score = {"call_id": call_id, "score": result.score, "difficult": result.difficult,
             "categories": ";".join(result.categories), "category_scores_json": json.dumps(result.category_scores),
             "top_reasons": result.top_reasons(), "notes_json": json.dumps(list(result.notes), ensure_ascii=False),
             "analyser_version": ANALYSER_VERSION, "analysed_at": now}
    sig_rows, ev_rows = [], []
    for s in result.signals.signals:
        sig_rows.append({"call_id": call_id, "name": s.name, "value": float(s.value), "strength": float(s.strength),
                         "available": s.available, "note": s.note, "unit": s.unit})
        ev_rows += [{"call_id": call_id, "signal": s.name, "rank": k, "quote": e.quote, "role": e.role,
                     "time": e.time, "end": e.end} for k, e in enumerate(s.evidence)]
    return score, sig_rows, ev_rows


@dataclass(frozen=True)
class _Job:
    """What a worker needs to score a call: where the workspace is, who acts, the weights; in-process
    runs also hand over the open workspace (never sent to another process)."""

    root: str
    user: str
    weights: Weights
    use_audio: bool
    ws: Workspace | None = None

    def __getstate__(self):  # sent to a worker: the weights as plain data, no open workspace
        return {**self.__dict__, "ws": None, "weights": self.weights.as_dict()}

    def __setstate__(self, state):
        self.__dict__.update({**state, "weights": Weights.from_mapping(state["weights"])})


def _score_task(job: _Job, call_id: str) -> DifficultyResult:
    """One call's analysis where a batch sends it: the workspace opened read-only, the acting user's
    permission checked again there (a user removed mid-batch is refused in the workers too)."""
    from curation.batch import worker_workspace
    from curation.roles import authorised

    ws = job.ws or worker_workspace(job.root)
    with authorised(ws, "calls.analyse", job.user, "analyse calls"):
        return _analyse_call(ws, call_id, job.weights, job.use_audio)


def _input_digests(ws: Workspace, ids: list[str], use_audio: bool) -> dict[str, str]:
    """Per call, a digest of what its analysis reads: analyser version, recording and transcript checksums."""
    import hashlib

    from curation.store.schema import calls

    out = {}
    with ws.engine.connect() as conn:
        for start in range(0, len(ids), 500):
            part = ids[start:start + 500]
            for r in conn.execute(select(calls.c.id, calls.c.source_checksum, calls.c.transcript_checksum)
                                  .where(calls.c.id.in_(part))):
                key = json.dumps([ANALYSER_VERSION, r.source_checksum, r.transcript_checksum, bool(use_audio)])
                out[r.id] = hashlib.sha256(key.encode()).hexdigest()
    return out


def _stored_digests(ws: Workspace) -> dict[str, str | None]:
    with ws.engine.connect() as conn:
        return dict(conn.execute(select(difficulty_scores.c.call_id, difficulty_scores.c.input_digest)).all())


@mutates("calls.analyse", "difficulty.analysed")
def analyse_workspace(ws: Workspace, weights: Weights | Mapping | str | Path | None = None,
                      progress: Callable[[int, int], None] | None = None, call_ids: Iterable[str] | None = None,
                      use_audio: bool = True, user: str | None = None, redo: bool = False,
                      plan: "Plan | None" = None) -> AnalysisSummary:
    """Compute and store signals, evidence and scores for every call (or `call_ids`).

    Needs the `calls.analyse` permission. Batch mode (`curation.batch`): the calls are analysed on
    the processes or Dask cluster `plan` names (default: all local cores for a large batch), and
    stored in chunks of `plan.chunk_size`, each by one audited operation `difficulty.analysed`
    whose event lists the chunk's call ids (analysed and failed). Resumable: a call whose stored
    score was computed from the same inputs (analyser version, recording and transcript checksums,
    audio on or off) is skipped unless `redo` (or one-off `weights` are given). `progress(done,
    total)` is called after each call. Never stops the batch for one bad call.
    """
    from curation.batch import Plan, run_batch
    from curation.catalogue import call_ids as all_call_ids
    from curation.roles import authorised, operation

    plan = plan or Plan(chunk_size=CHUNK)
    summary = AnalysisSummary()
    with authorised(ws, "calls.analyse", user, "analyse calls") as who:
        w = effective_weights(ws, weights)
        ids = list(dict.fromkeys(call_ids)) if call_ids is not None else all_call_ids(ws)
        digests = _input_digests(ws, ids, use_audio)
        if not redo and weights is None:
            stored = _stored_digests(ws)
            todo = [c for c in ids if c not in digests or stored.get(c) != digests[c]]
        else:
            todo = ids
        summary.skipped = len(ids) - len(todo)
        def store(outcomes) -> None:
            now = utcnow()
            scores, sigs, evs, done_ids, failed_ids, difficult = [], [], [], [], [], 0
            for o in outcomes:
                if not o.ok:
                    summary.failed.append((o.item, o.error))
                    failed_ids.append(o.item)
                    log.warning("difficulty analysis of call %s failed: %s", o.item, o.error.split(":")[0])
                    continue
                score, s_rows, e_rows = _rows(o.item, o.value, now)
                score["input_digest"] = digests[o.item]
                scores.append(score), sigs.extend(s_rows), evs.extend(e_rows), done_ids.append(o.item)
                difficult += bool(o.value.difficult)
                if o.value.notes:
                    summary.notes[o.item] = list(o.value.notes)
            with operation(ws, "calls.analyse", "difficulty.analysed", "workspace", None, user=who.name,
                           what="analyse calls") as op:
                for table in (difficulty_evidence, difficulty_signals, difficulty_scores):
                    op.conn.execute(delete(table).where(table.c.call_id.in_(done_ids)))
                for table, rows in ((difficulty_scores, scores), (difficulty_signals, sigs),
                                    (difficulty_evidence, evs)):
                    if rows:
                        op.conn.execute(table.insert(), rows)
                op.details.update(calls=done_ids, failed=failed_ids, analysed=len(done_ids), difficult=difficult,
                                  weights=w.diff())
            summary.analysed += len(done_ids)
            summary.difficult += difficult

        job = _Job(str(ws.root), who.name, w, use_audio, ws)
        report = run_batch(_score_task, job, todo, store, plan, label="analysing calls", each=progress)
        summary.workers, summary.where, summary.seconds = report.workers, report.where, report.seconds
    return summary


def _signal_matrix(ws: Workspace):
    """Stored strengths as a (calls x signals) DataFrame indexed by call id."""
    import pandas as pd

    with ws.engine.connect() as conn:
        rows = conn.execute(select(difficulty_signals.c.call_id, difficulty_signals.c.name,
                                   difficulty_signals.c.strength)).all()
    frame = pd.DataFrame(rows, columns=["call_id", "name", "strength"])
    matrix = frame.pivot(index="call_id", columns="name", values="strength") if len(frame) else pd.DataFrame()
    return matrix.reindex(columns=list(SIGNAL_NAMES)).fillna(0.0)


def _first_evidence(ws: Workspace) -> dict[tuple[str, str], tuple[str, str, float]]:
    """(call id, signal) -> (quote, role, time) of the strongest evidence."""
    with ws.engine.connect() as conn:
        rows = conn.execute(select(difficulty_evidence.c.call_id, difficulty_evidence.c.signal, difficulty_evidence.c.quote,
                                   difficulty_evidence.c.role, difficulty_evidence.c.time)
                            .where(difficulty_evidence.c.rank == 0)).all()
    return {(r.call_id, r.signal): (r.quote, r.role, r.time) for r in rows}


@reads_personal("calls.read_transcript", "difficulty.evidence_read")
def call_signals(ws: Workspace, call_id: str, user: str | None = None) -> dict:
    """Everything stored about one call's difficulty: score, categories, notes, signals with evidence
    (quotes are transcript text: needs `calls.read_transcript`, audited `difficulty.evidence_read`)."""
    from curation.errors import NotFound
    from curation.roles import operation

    with operation(ws, "calls.read_transcript", "difficulty.evidence_read", "call", call_id, user=user,
                   what="read call transcripts") as op:
        conn = op.conn
        score = conn.execute(select(difficulty_scores).where(difficulty_scores.c.call_id == call_id)).mappings().first()
        if score is None:
            raise NotFound(f"call {call_id!r} has not been analysed in {ws.root} (run `curation difficulty analyse`)")
        sigs = conn.execute(select(difficulty_signals).where(difficulty_signals.c.call_id == call_id)).mappings().all()
        evs = conn.execute(select(difficulty_evidence).where(difficulty_evidence.c.call_id == call_id)
                           .order_by(difficulty_evidence.c.signal, difficulty_evidence.c.rank)).mappings().all()
        op.details["signals"] = len(sigs)
    evidence: dict[str, list] = {}
    for e in evs:
        evidence.setdefault(e["signal"], []).append({"quote": e["quote"], "role": e["role"], "time": e["time"], "end": e["end"]})
    order = {n: i for i, n in enumerate(SIGNAL_NAMES)}
    return {"call_id": call_id, "score": score["score"], "difficult": bool(score["difficult"]),
            "categories": [c for c in score["categories"].split(";") if c],
            "category_scores": json.loads(score["category_scores_json"]), "notes": json.loads(score["notes_json"]),
            "analysed_at": score["analysed_at"],
            "signals": [{"name": s["name"], "value": s["value"], "strength": s["strength"], "available": bool(s["available"]),
                         "note": s["note"], "unit": s["unit"], "evidence": evidence.get(s["name"], [])}
                        for s in sorted(sigs, key=lambda s: order.get(s["name"], 99))]}


@within_operation("calls.analyse")
def rescore_stored(conn, weights: Weights) -> int:
    """Recompute every stored score, difficult flag, categories and top reasons from the stored
    signal strengths by the one rule (`scoring.assess`; no audio or transcript is read); used when
    the trainer's weights change, so everything that reads `difficulty_scores` (dashboards) agrees
    with the browser. Runs inside the weights operation."""
    from sqlalchemy import update

    from .scoring import strength_matrix

    rows = conn.execute(select(difficulty_signals.c.call_id, difficulty_signals.c.name,
                               difficulty_signals.c.strength)).all()
    ev = {(r.call_id, r.signal): (r.quote, r.role, r.time) for r in conn.execute(
        select(difficulty_evidence.c.call_id, difficulty_evidence.c.signal, difficulty_evidence.c.quote,
               difficulty_evidence.c.role, difficulty_evidence.c.time).where(difficulty_evidence.c.rank == 0))}
    by_call: dict[str, dict[str, float]] = {}
    for r in rows:
        by_call.setdefault(r.call_id, {})[r.name] = r.strength
    ids = sorted(by_call)
    if not ids:
        return 0
    a = assess(strength_matrix([by_call[c] for c in ids]), weights)
    for i, cid in enumerate(ids):
        reasons = [reason_text(name, c, ev.get((cid, name))) for name, c in a.top_signals(i)]
        conn.execute(update(difficulty_scores).where(difficulty_scores.c.call_id == cid).values(
            score=float(a.scores[i]), difficult=bool(a.difficult[i]), categories=";".join(a.categories(i)),
            top_reasons="; ".join(reasons), category_scores_json=json.dumps(a.category_scores_of(i))))
    return len(ids)
