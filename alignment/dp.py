"""Monotone n:m alignment by dynamic programming: bead types as data, banded fill, backtrace, coarse-to-fine band.

The search space is the grid of nodes (i, j), 0 <= i <= n JA segments, 0 <= j <= m EN segments. A bead of
type (a, b) moves from node (i - a, j - b) to node (i, j); every path from (0, 0) to (n, m) is an
alignment that covers each segment exactly once, in order. Scores are *higher is better* and add up along
the path.

Only a band of nodes is searched: row i holds columns lo[i] .. lo[i] + width - 1. Bead scores arrive as a
dense array over that band (`scores[t, i, k]` is the score of bead type t ending at node (i, lo[i] + k)),
so `fill` is pure arithmetic that can be tested on tiny integer tables.

>>> table = fill(np.array([[[0, 0, 0], [0, 9, 0], [0, 0, 9]], [[0] * 3] * 3, [[0] * 3] * 3], float),
...              full_band(2, 2), ((1, 1), (1, 0), (0, 1)))
>>> backtrace(table)
[((0, 1), (0, 1)), ((1, 2), (1, 2))]
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

# numpy at module level is fine here: only the align/eval commands import this module, inside their bodies.
import numpy as np

BeadType = tuple[int, int]
Span = tuple[int, int]
BeadRange = tuple[Span, Span]
"""A bead as (JA half-open range, EN half-open range)."""

# Up to three segments on a side; insertions and deletions only one segment at a time, as in
# Gale–Church and bertalign (a dropped paragraph is a run of 1-0 beads, each scored on its own).
BEAD_TYPES: tuple[BeadType, ...] = (
    (1, 1), (1, 0), (0, 1), (1, 2), (2, 1), (2, 2), (1, 3), (3, 1), (2, 3), (3, 2), (3, 3),
)
GALE_CHURCH_TYPES: tuple[BeadType, ...] = ((1, 1), (1, 0), (0, 1), (2, 1), (1, 2), (2, 2))

NEG = -np.inf

# Scores of bead type (a, b) for beads starting at JA segment i0[r] and EN segments j0[r, k].
BandScorer = Callable[[int, int, "np.ndarray", "np.ndarray"], "np.ndarray"]


def check_bead_types(bead_types: Sequence[BeadType]) -> None:
    for a, b in bead_types:
        if a < 0 or b < 0 or a + b == 0:
            raise ValueError(f"bad bead type {a}-{b}")
        if a == 0 and b != 1:
            # A whole-row insertion is solved by a prefix scan that only knows one-segment steps.
            raise ValueError(f"bead type {a}-{b}: insertions must be 0-1")


@dataclass(frozen=True, slots=True)
class Band:
    """Which nodes are searched: row i holds columns lo[i] .. lo[i] + width - 1 (clipped to m)."""

    lo: np.ndarray
    width: int
    m: int

    @property
    def n(self) -> int:
        return len(self.lo) - 1

    def columns(self) -> np.ndarray:
        """Column index of every band cell, shape (n + 1, width); cells beyond m are kept but masked."""
        return self.lo[:, None] + np.arange(self.width)[None, :]

    @property
    def cells(self) -> int:
        return (self.n + 1) * self.width


def full_band(n: int, m: int) -> Band:
    return Band(lo=np.zeros(n + 1, dtype=np.int64), width=m + 1, m=m)


@dataclass(frozen=True, slots=True)
class DpTable:
    """Best path score to each band node and the bead type index that reached it (-1: none)."""

    scores: np.ndarray
    back: np.ndarray
    band: Band
    bead_types: tuple[BeadType, ...]


def fill(scores: np.ndarray, band: Band, bead_types: Sequence[BeadType] = BEAD_TYPES) -> DpTable:
    """Forward pass over the band, row by row.

    Args:
        scores: shape (len(bead_types), n + 1, band.width); scores[t, i, k] is the score of a bead of type
            bead_types[t] that ends at node (i, band.lo[i] + k). Use -inf where a bead is impossible.
    Returns:
        The filled table; every reachable node knows its best predecessor.
    """
    types = tuple(bead_types)
    check_bead_types(types)
    n, width, lo = band.n, band.width, band.lo
    best = np.full((n + 1, width), NEG)
    back = np.full((n + 1, width), -1, dtype=np.int8)
    cols = np.arange(width)
    insert_t = types.index((0, 1)) if (0, 1) in types else -1
    for i in range(n + 1):
        row = np.full(width, NEG)
        arg = np.full(width, -1, dtype=np.int8)
        if i == 0:
            row[cols + lo[0] == 0] = 0.0
        for t, (a, b) in enumerate(types):
            if a == 0 or i < a:
                continue
            # Column j of row i comes from column j - b of row i - a: a plain shift between band rows.
            d = int(lo[i] - lo[i - a]) - b
            k0, k1 = max(0, -d), min(width, width - d)
            if k0 >= k1:
                continue
            cand = best[i - a, k0 + d : k1 + d] + scores[t, i, k0:k1]
            seg = row[k0:k1]
            better = cand > seg
            seg[better] = cand[better]
            arg[k0:k1][better] = t
        if insert_t >= 0:
            _insertions(row, arg, scores[insert_t, i], insert_t)
        row[cols + lo[i] > band.m] = NEG
        best[i], back[i] = row, arg
    return DpTable(best, back, band, types)


def _insertions(row: np.ndarray, arg: np.ndarray, step: np.ndarray, t: int) -> None:
    """Add 0-1 beads inside one row: row[k] = max(row[k], row[k-1] + step[k]), as a prefix max (in place)."""
    step = np.where(np.isfinite(step), step, NEG)
    step[0] = 0.0
    if not np.isfinite(step[1:]).all():
        # A gap in the step costs would make the running sums meaningless; fall back to the plain loop.
        for k in range(1, len(row)):
            cand = row[k - 1] + step[k]
            if cand > row[k]:
                row[k], arg[k] = cand, t
        return
    csum = np.cumsum(step)
    y = row - csum
    run = np.maximum.accumulate(y)
    from_left = np.zeros(len(row), dtype=bool)
    from_left[1:] = run[:-1] > y[1:]
    row[from_left] = (csum + run)[from_left]
    arg[from_left] = t


def backtrace(table: DpTable) -> list[BeadRange]:
    """Follow back-pointers from (n, m) to (0, 0); beads in document order."""
    band, types = table.band, table.bead_types
    i, j = band.n, band.m
    k = j - int(band.lo[i])
    if not (0 <= k < band.width) or not np.isfinite(table.scores[i, k]):
        raise ValueError("no path through the band reaches the end")
    beads: list[BeadRange] = []
    while i > 0 or j > 0:
        t = int(table.back[i, j - int(band.lo[i])])
        if t < 0:
            raise ValueError(f"broken back-pointer at ({i}, {j})")
        a, b = types[t]
        beads.append(((i - a, i), (j - b, j)))
        i, j = i - a, j - b
    beads.reverse()
    return beads


def score_band(scorer: BandScorer, band: Band, bead_types: Sequence[BeadType], *, n: int, m: int,
               rows_per_block: int = 64) -> np.ndarray:
    """Evaluate `scorer` on every band cell for every bead type; impossible beads get -inf.

    The scorer is called with a block of consecutive start rows at a time so it can use one matrix
    product per block instead of one per cell.
    """
    out = np.full((len(bead_types), n + 1, band.width), NEG, dtype=np.float64)
    cols = band.columns()
    for t, (a, b) in enumerate(bead_types):
        for r0 in range(max(a, 0), n + 1, rows_per_block):
            r1 = min(n + 1, r0 + rows_per_block)
            j_end = cols[r0:r1]
            j0 = j_end - b
            ok = (j0 >= 0) & (j_end <= m)
            if not ok.any():
                continue
            i0 = np.arange(r0 - a, r1 - a)
            vals = scorer(a, b, i0, np.clip(j0, 0, max(m - b, 0)))
            out[t, r0:r1] = np.where(ok, vals, NEG)
    return out


# --- coarse-to-fine band -------------------------------------------------------------------------------


def band_from_path(path: Sequence[BeadRange], n: int, m: int, *, factor: int = 2, margin: int = 8) -> Band:
    """Project a coarse path onto a `factor`-times finer grid and widen it by `margin` nodes each way.

    Each coarse bead becomes the rectangle of fine nodes it spans; the band is the union, widened, kept
    monotone so that every path inside it can still reach (n, m).
    """
    lo = np.full(n + 1, m, dtype=np.int64)
    hi = np.zeros(n + 1, dtype=np.int64)
    for (ja0, ja1), (en0, en1) in path:
        r0, r1 = min(ja0 * factor, n), min(ja1 * factor, n)
        c0, c1 = min(en0 * factor, m), min(en1 * factor, m)
        lo[r0 : r1 + 1] = np.minimum(lo[r0 : r1 + 1], c0)
        hi[r0 : r1 + 1] = np.maximum(hi[r0 : r1 + 1], c1)
    lo[0], hi[n] = 0, m
    lo = _sliding(lo, margin, np.minimum) - margin
    hi = _sliding(hi, margin, np.maximum) + margin
    lo = np.minimum.accumulate(np.clip(lo, 0, m)[::-1])[::-1]
    hi = np.maximum.accumulate(np.clip(hi, 0, m))
    lo[0], hi[n] = 0, m
    width = int((hi - lo).max()) + 1
    return Band(lo=lo, width=width, m=m)


def _sliding(x: np.ndarray, radius: int, op: Callable[[np.ndarray, np.ndarray], np.ndarray]) -> np.ndarray:
    out = x.copy()
    for s in range(1, radius + 1):
        out[s:] = op(out[s:], x[:-s])
        out[:-s] = op(out[:-s], x[s:])
    return out


@dataclass(frozen=True, slots=True)
class Problem:
    """What the search needs from a cost model: sizes, a band scorer, and a coarser copy of itself."""

    n: int
    m: int
    scorer: BandScorer
    coarsen: Callable[[], Problem] | None = None


def search(problem: Problem, bead_types: Sequence[BeadType] = BEAD_TYPES, *, max_full_cells: int = 160_000,
           margin: int = 8) -> list[BeadRange]:
    """Best alignment: a full DP for small inputs, else align a half-size copy first and search near it.

    Time and memory are O((n + m) * band width) per level and the levels halve, so the whole search is
    about linear in the document length (vecalign's and FastDTW's recursion).
    """
    n, m = problem.n, problem.m
    if (n + 1) * (m + 1) <= max_full_cells or problem.coarsen is None or min(n, m) < 4:
        band = full_band(n, m)
    else:
        coarse = problem.coarsen()
        band = band_from_path(search(coarse, bead_types, max_full_cells=max_full_cells, margin=margin), n, m,
                              factor=2, margin=margin)
    scores = score_band(problem.scorer, band, bead_types, n=n, m=m)
    return backtrace(fill(scores, band, bead_types))
