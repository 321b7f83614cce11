"""Max-marginal margins against brute force over every monotone path (full band and narrow bands)."""

from __future__ import annotations

import numpy as np
import pytest

from alignment import dp, marginals

TYPES = dp.SENTENCE_TYPES
"""With the 2-0 and 3-0 deletion runs: a run cut into other pieces is the same alignment."""
BeadRange = tuple[tuple[int, int], tuple[int, int]]


def deleted(beads: list[BeadRange]) -> set[tuple[int, int]]:
    """(JA segment, EN node) for every JA segment a path leaves out, whatever pieces it cuts the run into."""
    return {(s, j0) for (i0, i1), (j0, j1) in beads if j0 == j1 for s in range(i0, i1)}


def same_bead(bead: BeadRange, beads: list[BeadRange]) -> bool:
    """True when the path has `bead`; for a deletion, when it deletes all of its segments at its EN node."""
    (i0, i1), (j0, j1) = bead
    if j0 == j1 and i1 > i0:
        return {(s, j0) for s in range(i0, i1)} <= deleted(beads)
    return bead in beads


def all_paths(
    score: dict[tuple[int, int, int], float], n: int, m: int, inside: set[tuple[int, int]]
) -> list[tuple[float, list[BeadRange]]]:
    out: list[tuple[float, list[BeadRange]]] = []

    def walk(i: int, j: int, acc: float, beads: list[BeadRange]) -> None:
        if (i, j) == (n, m):
            out.append((acc, beads))
            return
        for t, (a, b) in enumerate(TYPES):
            if (i + a, j + b) in inside and (t, i + a, j + b) in score:
                walk(i + a, j + b, acc + score[(t, i + a, j + b)], [*beads, ((i, i + a), (j, j + b))])

    walk(0, 0, 0.0, [])
    return out


@pytest.mark.parametrize("seed", range(25))
def test_margins_match_brute_force(seed: int) -> None:
    rng = np.random.default_rng(seed)
    n, m = int(rng.integers(1, 7)), int(rng.integers(1, 7))
    # A random monotone band (or the full grid) exercises the row offsets of both passes.
    if seed % 2:
        lo = np.minimum.accumulate(np.sort(rng.integers(0, m + 1, n + 1))[::-1])[::-1]
        lo = np.maximum.accumulate(np.minimum(lo, m))
        lo[0] = 0
        band = dp.Band(lo=lo.astype(np.int64), width=int(rng.integers(2, m + 2)), m=m)
    else:
        band = dp.full_band(n, m)
    cells = band.columns()
    inside = {(i, int(j)) for i in range(n + 1) for j in cells[i] if j <= m}
    if (n, m) not in inside:
        pytest.skip("band misses the end node")
    scores = np.full((len(TYPES), n + 1, band.width), dp.NEG)
    score = {}
    for t, (a, b) in enumerate(TYPES):
        for i in range(n + 1):
            for k, j in enumerate(cells[i]):
                if j <= m and i >= a and j >= b and (i - a, int(j) - b) in inside:
                    scores[t, i, k] = score[(t, i, int(j))] = float(rng.normal())
    paths = all_paths(score, n, m, inside)
    if not paths:
        pytest.skip("no path through the band")
    table = dp.fill(scores, band, TYPES)
    path = dp.backtrace(table)
    best = max(p[0] for p in paths)
    got = marginals.bead_margins(scores, table, path, cap=100.0)
    for bead, margin in zip(path, got, strict=True):
        others = [p[0] for p in paths if not same_bead(bead, p[1])]
        expected = best - max(others) if others else 100.0
        assert margin == pytest.approx(min(expected, 100.0), abs=1e-9)
        assert margin >= -1e-9


@pytest.mark.parametrize("seed", range(10))
def test_posteriors_match_brute_force(seed: int) -> None:
    import math

    rng = np.random.default_rng(100 + seed)
    n, m = int(rng.integers(1, 6)), int(rng.integers(1, 6))
    band = dp.full_band(n, m)
    inside = {(i, j) for i in range(n + 1) for j in range(m + 1)}
    scores = np.full((len(TYPES), n + 1, m + 1), dp.NEG)
    score = {}
    for t, (a, b) in enumerate(TYPES):
        for i in range(a, n + 1):
            for j in range(b, m + 1):
                scores[t, i, j] = score[(t, i, j)] = float(rng.normal())
    paths = all_paths(score, n, m, inside)
    table = dp.fill(scores, band, TYPES)
    path = dp.backtrace(table)
    temperature = 0.5
    z = sum(math.exp(s / temperature) for s, _ in paths)
    got = marginals.posteriors(scores, table, path, temperature=temperature)
    for bead, p in zip(path, got, strict=True):
        (i0, i1), (j0, j1) = bead
        if j0 == j1 and i1 > i0:
            # A deletion: the least likely of its segments to be deleted at its EN node (in any pieces).
            expected = min(
                sum(math.exp(s / temperature) for s, beads in paths if (seg, j0) in deleted(beads))
                for seg in range(i0, i1)
            )
        else:
            expected = sum(math.exp(s / temperature) for s, beads in paths if bead in beads)
        assert p == pytest.approx(expected / z, rel=1e-9)
