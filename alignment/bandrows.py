"""Row-at-a-time helpers of the band DP: gather indexes of every bead type's linked node, and the running
sums of the 0-1 steps of every row (both computed for many rows at once, outside the row loops)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from alignment.dp import Band, BeadType

ROWS_PER_GATHER = 256
"""Rows whose gather indexes (`step_sources`) are computed at once (memory: rows x bead types x width)."""


def step_sources(band: Band, steps: Sequence[BeadType], r0: int, r1: int, *, forward: bool) -> np.ndarray:
    """For rows r0 .. r1 - 1, every bead type and every band cell: the flat index (row * width + column) of
    the node a bead of that type links the cell to, or (n + 1) * width where that node is off the band.

    forward: the node a bead ending at the cell starts from; else the node a bead starting there ends at.
    """
    n, width, lo = band.n, band.width, band.lo
    i = np.arange(r0, r1)[:, None, None]
    ab = np.asarray(steps, dtype=np.intp).reshape(-1, 2)
    sign = -1 if forward else 1
    rows = i + sign * ab[None, :, 0, None]
    inside = (rows >= 0) & (rows <= n)
    rows = np.clip(rows, 0, n)
    ks = lo[i] + np.arange(width)[None, None, :] + sign * ab[None, :, 1, None] - lo[rows]
    inside = inside & (ks >= 0) & (ks < width)
    return np.where(inside, rows * width + ks, (n + 1) * width)


def row_sources(band: Band, steps: Sequence[BeadType], *, forward: bool) -> Callable[[int], np.ndarray]:
    """`step_sources` for one row at a time (rows in either order), computed ROWS_PER_GATHER rows at once."""
    r0 = r1 = 0
    held = np.empty((0, len(steps), band.width), dtype=np.intp)

    def at(i: int) -> np.ndarray:
        nonlocal r0, r1, held
        if not r0 <= i < r1:
            r0 = i if forward else max(0, i - ROWS_PER_GATHER + 1)
            r1 = min(band.n + 1, r0 + ROWS_PER_GATHER)
            held = step_sources(band, steps, r0, r1, forward=forward)
        return np.asarray(held[i - r0])

    return at


def insertion_sums(steps: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For 0-1 step scores per row (steps[i, k]: the step into cell k; column 0 unused): which rows have only
    possible steps, and every row's running sums (sums[i, k] = steps[i, 1] + ... + steps[i, k]), as the
    insertion scans of `dp.fill` and `marginals` use them (one cumulative sum for the whole table)."""
    whole = np.asarray((steps[:, 1:] > -np.inf).all(axis=1))
    sums = np.zeros(steps.shape)
    with np.errstate(invalid="ignore"):
        np.cumsum(steps[:, 1:], axis=1, out=sums[:, 1:])
    return whole, sums
