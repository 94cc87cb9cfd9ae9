"""Monotonic alignment of two feature sequences (dynamic time warping) in bounded memory.

Every frame of the recording is matched to one frame of the synthetic speech, which advances by
0 to 3 frames per recorded frame (so pauses in the recording cost nothing extra and speech up to
three times faster than the synthesis still fits). A few frames at either end of the recording
may be left unmatched at a fixed price (subsequence-tolerant edges). Only a band around the
diagonal is searched and only one byte per searched cell is kept, so memory grows with the
length times the band, never with the square of a long segment.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

MAX_ADVANCE = 3
BAND_MIN = 500  # frames either side of the diagonal (5 s at a 10 ms hop)
BAND_MAX = 1000
BLOCK = 256  # rows whose distances are computed in one matrix product
RANK_POINTS = 128  # order statistics kept per row to tell how good the chosen match is among all
_START = MAX_ADVANCE + 1  # back-pointer code: the path starts in this row


@dataclass(frozen=True)
class WarpingPath:
    """`synth[j]`: the synthetic frame matched to recorded frame j (-1 where j is left unmatched);
    `cost[j]`: the distance of that match; `null[j]`: the mean distance of frame j to the synthetic
    frames searched for it (what a match by chance costs)."""

    synth: np.ndarray
    cost: np.ndarray
    null: np.ndarray
    rank: np.ndarray  # share of the searched synthetic frames that match frame j better than the path's


def band_width(n_real: int, n_synth: int) -> int:
    return int(min(max(BAND_MIN, 0.25 * max(n_real, n_synth)), BAND_MAX))


def _windows(m: int, n: int, band: int) -> tuple[np.ndarray, np.ndarray]:
    centre = np.arange(m) * (n / max(m, 1))
    lo = np.clip(np.floor(centre - band), 0, n).astype(np.int64)
    hi = np.clip(np.ceil(centre + band) + 1, 0, n).astype(np.int64)
    if m:
        hi[-1] = n  # the last row must reach the last synthetic frame
        lo[0] = 0
    return lo, np.maximum(hi, lo + 1)


def align(real: np.ndarray, synth: np.ndarray, edge_frames: int = 20, skip_cost: float | None = None) -> WarpingPath:
    """Warping path of `real` (M x d) onto `synth` (N x d), both already normalised."""
    m, n = len(real), len(synth)
    if m == 0 or n == 0:
        raise ValueError("cannot align an empty sequence")
    band = band_width(m, n)
    lo, hi = _windows(m, n, band)
    real = np.ascontiguousarray(real, dtype=np.float32)
    synth = np.ascontiguousarray(synth, dtype=np.float32)
    scale = np.float32(1.0 / np.sqrt(real.shape[1]))
    r2 = np.einsum("ij,ij->i", real, real)
    s2 = np.einsum("ij,ij->i", synth, synth)
    o = MAX_ADVANCE  # the running rows are padded on the left by MAX_ADVANCE
    prev = np.full(n + o, np.inf, dtype=np.float32)
    cur = np.full(n + o, np.inf, dtype=np.float32)
    pointers: list[np.ndarray] = []
    null = np.zeros(m, dtype=np.float32)
    quantiles = np.zeros((m, RANK_POINTS), dtype=np.float32)
    end_best, end_row, b_lo = np.inf, -1, 0
    block = None
    for j in range(m):
        if j % BLOCK == 0:
            b_lo, b_hi = int(lo[j]), int(hi[min(m, j + BLOCK) - 1])
            rows = slice(j, min(m, j + BLOCK))
            d2 = r2[rows, None] + s2[None, b_lo:b_hi] - 2.0 * (real[rows] @ synth[b_lo:b_hi].T)
            block = np.sqrt(np.maximum(d2, 0.0)) * scale
            null[rows] = block.mean(axis=1)
            ordered = np.sort(block, axis=1)
            quantiles[rows] = ordered[:, np.linspace(0, ordered.shape[1] - 1, RANK_POINTS).astype(int)]
            if skip_cost is None:
                skip_cost = float(np.median(block))
        a, b = int(lo[j]), int(hi[j])
        c = block[j % BLOCK, a - b_lo:b - b_lo]
        if j == 0:
            best = np.full(b - a, np.inf, dtype=np.float32)
            arg = np.full(b - a, _START, dtype=np.uint8)
        else:
            p0, p1 = prev[o + a:o + b], prev[o + a - 1:o + b - 1]
            p2, p3 = prev[o + a - 2:o + b - 2], prev[o + a - 3:o + b - 3]
            m01, m23 = np.minimum(p0, p1), np.minimum(p2, p3)
            later = m23 < m01
            best = np.where(later, m23, m01)
            arg = np.where(later, (p3 < p2).view(np.uint8) + np.uint8(2), (p1 < p0).view(np.uint8))
        if j <= edge_frames and a == 0:  # start here, leaving the rows before unmatched
            fresh = j * skip_cost
            if fresh < best[0]:
                best[0], arg[0] = fresh, _START
        cur[o + a:o + b] = best + c
        # cells outside this row's window still hold the row before last: the next row must not see them
        cur[o + max(0, a - 1 - MAX_ADVANCE):o + a] = np.inf
        if j + 1 < m and hi[j + 1] > b:
            cur[o + b:o + int(hi[j + 1])] = np.inf
        pointers.append(arg)
        if j >= m - 1 - edge_frames and b == n:
            total = cur[o + n - 1] + (m - 1 - j) * skip_cost
            if total < end_best:
                end_best, end_row = total, j
        prev, cur = cur, prev
    if not np.isfinite(end_best):
        raise ValueError("no warping path within the band")
    synth_of = np.full(m, -1, dtype=np.int64)
    i, j = n - 1, end_row
    while j >= 0:
        synth_of[j] = i
        step = int(pointers[j][i - lo[j]])
        if step == _START:
            break
        i -= step
        j -= 1
    matched = synth_of >= 0
    cost = np.zeros(m, dtype=np.float32)
    cost[matched] = np.linalg.norm(real[matched] - synth[synth_of[matched]], axis=1) * scale
    rank = np.ones(m, dtype=np.float32)
    rank[matched] = np.array([np.searchsorted(q, c) for q, c in zip(quantiles[matched], cost[matched])],
                             dtype=np.float32) / RANK_POINTS
    return WarpingPath(synth_of, cost, null, rank)
