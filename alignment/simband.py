"""Cosines of runs of segments near a search band, computed once per run size and looked up by the scorer."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from alignment.costs import Side


@dataclass(frozen=True, slots=True)
class SimBand:
    """Cosines of runs of `a` JA and `b` EN segments for the start nodes near a search band.

    values[i0, k] is the cosine for JA run start i0 and EN run start left[i0] + k; NaN where not computed.
    """

    left: np.ndarray
    values: np.ndarray
    _padded: np.ndarray = field(init=False, repr=False, compare=False)
    _left: np.ndarray = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        # A border of NaN all round (row -1 and n + 1, column -1 and width): a lookup outside the band
        # clips onto the border instead of being masked afterwards (the scorer does millions of these).
        padded = np.full((self.values.shape[0] + 2, self.values.shape[1] + 2), np.nan, self.values.dtype)
        padded[1:-1, 1:-1] = self.values
        object.__setattr__(self, "_padded", padded)
        # Shifted by one column too, so that j0 - _left[row + 1] is already the padded column.
        object.__setattr__(self, "_left", np.concatenate([self.left[:1], self.left, self.left[-1:]]) - 1)

    def lookup(self, i0: np.ndarray, j0: np.ndarray) -> np.ndarray:
        rows = np.minimum(np.maximum(i0 + 1, 0), len(self.left) + 1)
        k = j0 - self._left[rows]
        np.maximum(k, 0, out=k)
        np.minimum(k, self.values.shape[1] + 1, out=k)
        return np.asarray(self._padded[rows, k])


# How far (in nodes) similarity lookups reach beyond a band cell: margin neighbours and merge-gain sub-beads
# sit at most 3 rows / 6 columns away for runs of up to 3 segments.
_REACH_ROWS, _REACH_COLS = 7, 6
_SIM_ROWS_PER_BLOCK = 16
_SINGLE_THREAD_MNK = 1 << 18
"""OpenBLAS runs a matrix product on the calling thread up to rows x columns x depth = 65536 x 4 (its
GEMM_MULTITHREAD_THRESHOLD); above that it wakes its thread pool, which on these small products costs more
CPU time than it saves and, on a busy machine, wall time too."""


def dot_rows(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """x @ y.T as products small enough to stay on the calling thread (the same values as one product:
    each entry is still one dot product of a row of x and a row of y)."""
    depth = max(x.shape[1], 1)
    if x.shape[0] * y.shape[0] * depth <= _SINGLE_THREAD_MNK:
        return np.asarray(x @ y.T)
    # At least two rows per piece: a single-row product is a matrix-vector product, threaded far earlier.
    cols = max(2, min(y.shape[0], _SINGLE_THREAD_MNK // (2 * depth)))
    rows = max(2, _SINGLE_THREAD_MNK // (cols * depth))
    out = np.empty((x.shape[0], y.shape[0]), dtype=np.result_type(x, y))
    for c0 in range(0, y.shape[0], cols):
        yt = y[c0 : c0 + cols].T
        for r0 in range(0, x.shape[0], rows):
            out[r0 : r0 + rows, c0 : c0 + cols] = x[r0 : r0 + rows] @ yt
    return out


def sim_band(ja: Side, en: Side, a: int, b: int, band_lo: np.ndarray, band_width: int) -> SimBand:
    """All cosines a band's beads (and their neighbours) will ask for, one small matrix product per 16 rows.

    Each block of rows keeps its product as it is: the rows of a block share their first column (`left`),
    wide enough for every row's reach, so nothing is gathered into a per-row window.
    """
    n = ja.n
    lo = band_lo
    left = lo[np.arange(n + 1)] - _REACH_COLS
    right = lo[np.minimum(np.arange(n + 1) + _REACH_ROWS, n)] + band_width + _REACH_COLS
    last_row, last_col = n - a, en.n - b
    blocks = []
    for s0 in range(0, max(last_row + 1, 0), _SIM_ROWS_PER_BLOCK):
        s1 = min(s0 + _SIM_ROWS_PER_BLOCK, last_row + 1)
        c0, c1 = max(int(left[s0]), 0), min(int(right[s1 - 1]), last_col)
        if c1 >= c0:
            blocks.append((s0, s1, c0, c1))
    width = max((c1 - c0 + 1 for _, _, c0, c1 in blocks), default=1)
    starts = np.zeros(n + 1, dtype=np.int64)
    values = np.full((n + 1, width), np.nan, dtype=np.float32)
    if not blocks:
        return SimBand(left=starts, values=values)
    # Every run vector once (pooled ones are normalised sums).
    x = ja.range_vectors(a, np.arange(last_row + 1))
    y = en.range_vectors(b, np.arange(last_col + 1))
    for s0, s1, c0, c1 in blocks:
        starts[s0:s1] = c0
        values[s0:s1, : c1 - c0 + 1] = dot_rows(x[s0:s1], y[c0 : c1 + 1])
    return SimBand(left=starts, values=values)
