"""Scoring for the voice-privacy benchmark: EER, rank-1 identification, speaker-resampled confidence
intervals, and the attacker's trained tools (a ridge map from disguised to original embeddings, a
within-class whitening learned on disguised speech) plus a second feature family (MFCC statistics).

Everything here is plain numpy over embeddings; `anonymise_privacy.py` makes the embeddings.
A score table is a matrix S[enrolment, trial] with a mask of the pairs that count and the speaker
of every row and column, so that EER, rank-1 and the bootstrap read the same numbers.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import numpy as np


def unit(v: np.ndarray) -> np.ndarray:
    v = np.asarray(v, dtype=np.float64)
    return v / np.maximum(np.linalg.norm(v, axis=-1, keepdims=True), 1e-12)


def eer(target, nontarget) -> float:
    """Equal error rate: the threshold where false rejection and false acceptance meet (the larger of the two)."""
    t, n = np.sort(np.asarray(target, float)), np.sort(np.asarray(nontarget, float))
    if not len(t) or not len(n):
        return float("nan")
    ths = np.unique(np.concatenate([t, n]))
    frr = np.searchsorted(t, ths, side="left") / len(t)  # targets below the threshold
    far = 1.0 - np.searchsorted(n, ths, side="left") / len(n)  # non-targets at or above it
    return float(np.min(np.maximum(frr, far)))


@dataclass
class ScoreTable:
    """Scores of every enrolment (rows) against every trial (columns), pooled over secret keys by
    stacking: `scores` has shape (keys, enrolments, trials)."""

    scores: np.ndarray
    enrol_speakers: list
    trial_speakers: list
    valid: np.ndarray  # (enrolments, trials) bool: the pairs that count

    def pairs(self, speakers: np.ndarray | None = None):
        """(target scores, non-target scores), optionally for a multiset of speakers (bootstrap)."""
        es, ts = np.asarray(self.enrol_speakers), np.asarray(self.trial_speakers)
        same = es[:, None] == ts[None, :]
        if speakers is None:
            w_e = np.ones(len(es))
            w_t = np.ones(len(ts))
        else:
            names, counts = np.unique(speakers, return_counts=True)
            count = dict(zip(names, counts))
            w_e = np.array([count.get(s, 0) for s in es], float)
            w_t = np.array([count.get(s, 0) for s in ts], float)
        weight = (w_e[:, None] * w_t[None, :]) * self.valid
        weight = np.where(same, np.where(w_e[:, None] > 0, w_t[None, :], 0) * self.valid, weight)
        rep = np.broadcast_to(weight, self.scores.shape).astype(int).ravel()
        flat = self.scores.ravel()
        tgt_mask = np.broadcast_to(same, self.scores.shape).ravel()
        return np.repeat(flat[tgt_mask], rep[tgt_mask]), np.repeat(flat[~tgt_mask], rep[~tgt_mask])

    def eer(self) -> float:
        return eer(*self.pairs())

    def rank1(self) -> float:
        """Share of trials whose best-scoring enrolment is their own speaker's (per key, pooled)."""
        es = np.asarray(self.enrol_speakers)
        hits = []
        for k in range(self.scores.shape[0]):
            for j, spk in enumerate(self.trial_speakers):
                rows = np.flatnonzero(self.valid[:, j])
                if not np.any(es[rows] == spk):
                    continue
                hits.append(es[rows[np.argmax(self.scores[k, rows, j])]] == spk)
        return float(np.mean(hits)) if hits else float("nan")

    def bootstrap(self, rounds: int = 200, seed: int = 7) -> tuple[float, float]:
        """95 % interval of the EER when the speakers are resampled with replacement."""
        rng = np.random.default_rng(seed)
        speakers = np.array(sorted(set(self.trial_speakers)))
        out = []
        for _ in range(rounds):
            pick = rng.choice(speakers, size=len(speakers), replace=True)
            t, n = self.pairs(pick)
            if len(t) and len(n):
                out.append(eer(t, n))
        lo, hi = np.percentile(out, [2.5, 97.5])
        return float(lo), float(hi)

    def summary(self, ci: bool = True) -> dict:
        t, n = self.pairs()
        out = {"eer": round(eer(t, n), 3), "rank1": round(self.rank1(), 3), "target_trials": int(len(t)),
               "nontarget_trials": int(len(n)), "mean_target": round(float(np.mean(t)), 3),
               "mean_nontarget": round(float(np.mean(n)), 3)}
        if ci:
            lo, hi = self.bootstrap()
            out["eer_ci95"] = [round(lo, 3), round(hi, 3)]
        return out


def stack(tables: list[ScoreTable]) -> ScoreTable:
    first = tables[0]
    return ScoreTable(np.concatenate([t.scores for t in tables]), first.enrol_speakers, first.trial_speakers,
                      first.valid)


def restrict(table: ScoreTable, speakers: set) -> ScoreTable:
    """Only the pairs whose enrolment and trial speakers are both in `speakers` (held-out fold)."""
    e = np.array([s in speakers for s in table.enrol_speakers])
    t = np.array([s in speakers for s in table.trial_speakers])
    return ScoreTable(table.scores, table.enrol_speakers, table.trial_speakers, table.valid & e[:, None] & t[None, :])


def combine(tables: list[ScoreTable]) -> ScoreTable:
    """Pairs of several fold tables (same shape, disjoint valid masks) in one table."""
    first = tables[0]
    scores = np.zeros_like(first.scores)
    valid = np.zeros_like(first.valid)
    for t in tables:
        scores = np.where(t.valid[None], t.scores, scores)
        valid |= t.valid
    return ScoreTable(scores, first.enrol_speakers, first.trial_speakers, valid)


HALVES = ("choose", "scored", "all")
SPLIT_RULE = "choose: first byte of SHA-256(speaker id, UTF-8) < 128; scored: the others"


def speaker_half(speaker: str) -> str:
    """The half a speaker belongs to, from the speaker id alone (not its place in any list): "choose" (design
    choices are made on these speakers) or "scored" (only ever scored). Stable when speakers are added or
    dropped: each speaker's half depends on its own id."""
    return "choose" if hashlib.sha256(speaker.encode("utf-8")).digest()[0] < 128 else "scored"


def select_speakers(speakers, half: str = "all") -> list[str]:
    """The sorted speakers of `half` ("choose", "scored" or "all")."""
    if half not in HALVES:
        raise ValueError(f"unknown speaker half {half!r} (use one of {', '.join(HALVES)})")
    return sorted(s for s in set(speakers) if half == "all" or speaker_half(s) == half)


def split_record(speakers, half: str) -> dict:
    """What the JSON output records of the split: the rule, the half used and both halves' speakers."""
    every = sorted(set(speakers))
    return {"half": half, "rule": SPLIT_RULE, "choose": select_speakers(every, "choose"),
            "scored": select_speakers(every, "scored")}


def folds(speakers: list[str], k: int = 3) -> list[set]:
    """Speakers in k interleaved folds (sorted names): the trained attackers learn on the others."""
    ordered = sorted(set(speakers))
    return [set(ordered[i::k]) for i in range(k)]


# ------------------------------------------------------------------------------------------ trained tools
def ridge_map(disguised: np.ndarray, original: np.ndarray, lam: float = 0.3) -> np.ndarray:
    """W (d+1, d) with [x, 1] W ~ original: the attacker learns how the disguise moves embeddings."""
    X = np.hstack([unit(disguised), np.ones((len(disguised), 1))])
    Y = unit(original)
    reg = lam * np.eye(X.shape[1])
    reg[-1, -1] = 0.0
    return np.linalg.solve(X.T @ X + reg, X.T @ Y)


def apply_map(W: np.ndarray, x: np.ndarray) -> np.ndarray:
    x = unit(np.atleast_2d(x))
    return unit(np.hstack([x, np.ones((len(x), 1))]) @ W)


def wccn(embeddings: np.ndarray, labels: list, shrink: float = 0.5) -> tuple[np.ndarray, np.ndarray]:
    """(mean, B): within-class covariance normalisation learned on disguised speech of training speakers
    under many keys. B whitens the directions in which one speaker's disguises differ, i.e. the key's;
    scores are then cosines of B (x - mean)."""
    X = unit(embeddings)
    mean = X.mean(axis=0)
    labels = np.asarray(labels)
    W = np.zeros((X.shape[1], X.shape[1]))
    for lab in np.unique(labels):
        Z = X[labels == lab] - X[labels == lab].mean(axis=0)
        W += Z.T @ Z
    W /= len(X)
    W = (1 - shrink) * W + shrink * np.trace(W) / len(W) * np.eye(len(W))
    vals, vecs = np.linalg.eigh(W)
    B = vecs @ np.diag(1 / np.sqrt(np.maximum(vals, 1e-9))) @ vecs.T
    return mean, B


def apply_wccn(model, x: np.ndarray) -> np.ndarray:
    mean, B = model
    return unit((unit(np.atleast_2d(x)) - mean) @ B)


# ------------------------------------------------------------------------------------------ MFCC attacker
def mfcc_statistics(x: np.ndarray, sr: int) -> np.ndarray:
    """A speaker vector from MFCC statistics (not resemblyzer): mean and standard deviation of 20 MFCCs
    and their deltas over the voiced-energy frames. The attacker standardises it on its training speakers."""
    import librosa

    x = np.asarray(x, dtype=np.float32)
    m = librosa.feature.mfcc(y=x, sr=sr, n_mfcc=21, n_fft=256, hop_length=80, n_mels=32, fmin=60, fmax=sr / 2)
    energy = m[0]
    keep = energy > np.percentile(energy, 40)  # the louder frames: speech, not pauses
    c = m[1:, keep] if keep.sum() > 10 else m[1:]
    d = librosa.feature.delta(c, width=5) if c.shape[1] >= 5 else np.zeros_like(c)
    return np.concatenate([c.mean(1), c.std(1), d.std(1)])


class Standardiser:
    """z-scores per dimension, fitted on the attacker's training vectors; output unit length."""

    def __init__(self, X: np.ndarray):
        X = np.asarray(X, float)
        self.mean, self.std = X.mean(0), X.std(0) + 1e-9

    def __call__(self, X) -> np.ndarray:
        return unit((np.atleast_2d(np.asarray(X, float)) - self.mean) / self.std)
