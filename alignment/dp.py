"""Monotone n:m alignment by dynamic programming: bead types as data, banded fill, backtrace, coarse-to-fine band."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Sequence
from dataclasses import dataclass

# numpy at module level is fine here: only the align/eval commands import this module, inside their bodies.
import numpy as np

from alignment.bandrows import insertion_sums, row_sources

# The search space is the grid of nodes (i, j), 0 <= i <= n JA segments, 0 <= j <= m EN segments. A bead of
# type (a, b) moves from node (i - a, j - b) to node (i, j), so every path from (0, 0) to (n, m) covers each
# segment exactly once, in order. Scores are higher-is-better and add up along the path. Only a band of nodes
# is searched: row i holds columns lo[i] .. lo[i] + width - 1, and bead scores arrive as a dense array over
# that band, so `fill` is plain arithmetic that can be tested on tiny integer tables.

BeadType = tuple[int, int]
Span = tuple[int, int]
BeadRange = tuple[Span, Span]
"""A bead as (JA half-open range, EN half-open range)."""

# Up to three segments on a side; insertions and deletions only one segment at a time, as in
# Gale–Church and bertalign (a dropped paragraph is a run of 1-0 beads; SENTENCE_TYPES adds 2-0 and 3-0).
BEAD_TYPES: tuple[BeadType, ...] = (
    (1, 1),
    (1, 0),
    (0, 1),
    (1, 2),
    (2, 1),
    (2, 2),
    (1, 3),
    (3, 1),
    (2, 3),
    (3, 2),
    (3, 3),
)
# At sentence level a passage left out of the English is one bead in the gold alignments (a 2-0, not two 1-0s),
# so runs of 2 and 3 deletions are bead types of their own and score a little better than their parts (see
# costs.Weights.run_bonus); inserted runs (0-k) stay chains of 0-1 steps, which the row scan needs.
SENTENCE_TYPES: tuple[BeadType, ...] = (*BEAD_TYPES, (2, 0), (3, 0))
GALE_CHURCH_TYPES: tuple[BeadType, ...] = ((1, 1), (1, 0), (0, 1), (2, 1), (1, 2), (2, 2))
# Inside a sentence bead a Japanese sentence often has more clauses than its English rendering has.
CLAUSE_TYPES: tuple[BeadType, ...] = (
    *BEAD_TYPES,
    (1, 4),
    (4, 1),
    (2, 4),
    (4, 2),
    (1, 5),
    (5, 1),
    (1, 6),
    (6, 1),
)

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
    # The table is a flat array with one -inf cell after it: every bead's start node is read by one gather
    # per row (`step_sources`), pointing at that cell where the start is outside the band.
    flat = np.full((n + 1) * width + 1, NEG)
    best = flat[:-1].reshape(n + 1, width)
    back = np.full((n + 1, width), -1, dtype=np.int8)
    cols = np.arange(width)
    insert_t = types.index((0, 1)) if (0, 1) in types else -1
    steps = [(t, ab) for t, ab in enumerate(types) if ab[0] > 0]
    step_type = np.asarray([t for t, _ in steps], dtype=np.int8)
    step_t = step_type.astype(np.intp)
    lo_list = [int(x) for x in lo]
    sources = row_sources(band, [ab for _, ab in steps], forward=True)
    whole_row, sums = insertion_sums(scores[insert_t] if insert_t >= 0 else np.zeros((n + 1, width)))
    for i in range(n + 1):
        li = lo_list[i]
        if steps:
            cand = flat[sources(i)] + scores[step_t, i]
            pick = cand.argmax(axis=0)
            row = cand[pick, cols]
            arg = np.where(row > NEG, step_type[pick], -1).astype(np.int8)
        else:
            row = np.full(width, NEG)
            arg = np.full(width, -1, dtype=np.int8)
        if i == 0 and li == 0:
            row[0], arg[0] = 0.0, -1
        if insert_t >= 0:
            if whole_row[i]:
                _scan_sums(row, arg, sums[i], insert_t)
            else:
                _insertions(row, arg, scores[insert_t, i], insert_t)
        if li + width - 1 > band.m:
            row[band.m - li + 1 :] = NEG
        best[i], back[i] = row, arg
    return DpTable(best, back, band, types)


def _insertions(row: np.ndarray, arg: np.ndarray, step: np.ndarray, t: int) -> None:
    """Add 0-1 beads inside one row: row[k] = max(row[k], row[k-1] + step[k]), as a prefix max (in place).

    An impossible step (-inf) cuts the row into runs that are scanned separately.
    """
    finite = step[1:] > NEG
    if finite.all():
        _scan(row, arg, step, t)
        return
    edges = [0, *(np.flatnonzero(~finite) + 1).tolist(), len(row)]
    for k0, k1 in itertools.pairwise(edges):
        if k1 - k0 > 1:
            _scan(row[k0:k1], arg[k0:k1], step[k0:k1], t)


def _scan(row: np.ndarray, arg: np.ndarray, step: np.ndarray, t: int) -> None:
    # csum[k] = step[1] + … + step[k]: the first cell is where a run of insertions starts (its own step,
    # from outside the run, may well be impossible).
    csum = np.empty(len(row))
    csum[0] = 0.0
    np.cumsum(step[1:], out=csum[1:])
    _scan_sums(row, arg, csum, t)


def _scan_sums(row: np.ndarray, arg: np.ndarray, csum: np.ndarray, t: int) -> None:
    """`_scan` with the running sums of the steps given (`bandrows.insertion_sums`)."""
    y = row - csum
    run = np.maximum.accumulate(y)
    from_left = np.empty(len(row), dtype=bool)
    from_left[0] = False
    np.greater(run[:-1], y[1:], out=from_left[1:])
    row[from_left] = (csum + run)[from_left]
    arg[from_left] = t


def backtrace(table: DpTable) -> list[BeadRange]:
    """Follow back-pointers from (n, m) to (0, 0); beads in document order.

    >>> table = fill(np.array([[[0, 0, 0], [0, 9, 0], [0, 0, 9]], [[0] * 3] * 3, [[0] * 3] * 3], float),
    ...              full_band(2, 2), ((1, 1), (1, 0), (0, 1)))
    >>> backtrace(table)
    [((0, 1), (0, 1)), ((1, 2), (1, 2))]
    """
    return [bead for bead, _ in backtrace_scored(table)]


def backtrace_scored(table: DpTable) -> list[tuple[BeadRange, float]]:
    """The beads of the best path with each bead's own score (the rise of the path score across it)."""
    band, types = table.band, table.bead_types
    i, j = band.n, band.m
    k = j - int(band.lo[i])
    if not (0 <= k < band.width) or not np.isfinite(table.scores[i, k]):
        raise ValueError("no path through the band reaches the end")
    beads: list[tuple[BeadRange, float]] = []
    here = float(table.scores[i, k])
    while i > 0 or j > 0:
        t = int(table.back[i, j - int(band.lo[i])])
        if t < 0:
            raise ValueError(f"broken back-pointer at ({i}, {j})")
        a, b = types[t]
        before = float(table.scores[i - a, j - b - int(band.lo[i - a])])
        beads.append((((i - a, i), (j - b, j)), here - before))
        i, j, here = i - a, j - b, before
    beads.reverse()
    return beads


def score_band(
    scorer: BandScorer,
    band: Band,
    bead_types: Sequence[BeadType],
    *,
    n: int,
    m: int,
    rows_per_block: int = 256,
) -> np.ndarray:
    """Evaluate `scorer` on every band cell for every bead type; impossible beads get -inf.

    The scorer is called with a block of consecutive start rows at a time so it can use one matrix
    product per block instead of one per cell.
    """
    prepare = getattr(scorer, "prepare", None)
    if prepare is not None:  # a scorer may precompute what it needs over the whole band first
        scorer = prepare(band)
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
            vals = scorer(a, b, i0, np.minimum(np.maximum(j0, 0), max(m - b, 0)))
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


def search(
    problem: Problem,
    bead_types: Sequence[BeadType] = BEAD_TYPES,
    *,
    max_full_cells: int = 40_000,
    margin: int = 5,
    coarse_bead_types: Sequence[BeadType] = GALE_CHURCH_TYPES,
) -> list[BeadRange]:
    """Best alignment: a full DP for small inputs, else align a half-size copy first and search near it.

    Each level's band is the coarser level's path, doubled and widened by `margin` nodes; coarse levels
    only need the rough shape of the path, so they use the cheaper `coarse_bead_types`. Time and memory are
    O((n + m) * band width) per level and the levels halve, so the whole search is about linear in the
    length of the documents (the recursion of vecalign and FastDTW).
    """
    return [
        bead
        for bead, _ in search_scored(
            problem,
            bead_types,
            max_full_cells=max_full_cells,
            margin=margin,
            coarse_bead_types=coarse_bead_types,
        )
    ]


def search_scored(
    problem: Problem,
    bead_types: Sequence[BeadType] = BEAD_TYPES,
    *,
    max_full_cells: int = 40_000,
    margin: int = 5,
    coarse_bead_types: Sequence[BeadType] = GALE_CHURCH_TYPES,
) -> list[tuple[BeadRange, float]]:
    """`search`, with each bead's own score."""
    _, table = search_table(
        problem, bead_types, max_full_cells=max_full_cells, margin=margin, coarse_bead_types=coarse_bead_types
    )
    return backtrace_scored(table)


def search_table(
    problem: Problem,
    bead_types: Sequence[BeadType] = BEAD_TYPES,
    *,
    max_full_cells: int = 40_000,
    margin: int = 5,
    coarse_bead_types: Sequence[BeadType] = GALE_CHURCH_TYPES,
    guide: Sequence[BeadRange] | None = None,
) -> tuple[np.ndarray, DpTable]:
    """The finest level's bead scores and filled table (for the backtrace and for max-marginals).

    Args:
        guide: a path found earlier on the same grid; the band is that path widened by `margin` nodes
            instead of a path found on a coarser copy (a second pass searches near the first one).
    """
    n, m = problem.n, problem.m
    if (n + 1) * (m + 1) <= max_full_cells or problem.coarsen is None or min(n, m) < 4:
        band = full_band(n, m)
    elif guide:
        band = band_from_path(guide, n, m, factor=1, margin=margin)
    else:
        path = search(
            problem.coarsen(),
            coarse_bead_types,
            max_full_cells=max_full_cells,
            margin=margin,
            coarse_bead_types=coarse_bead_types,
        )
        band = band_from_path(path, n, m, factor=2, margin=margin)
    scores = score_band(problem.scorer, band, bead_types, n=n, m=m)
    return scores, fill(scores, band, bead_types)
