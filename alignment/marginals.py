"""How much the best path beats every path without a given bead: max-marginals over the DP band.

The forward table F holds the best score from (0, 0) to each node, the backward table B the best score from
each node to (n, m). An edge (bead) e from node u to node v lies on paths worth at most
M(e) = F(u) + s(e) + B(v). Any path that does not use a bead of the best path must cover that bead's
segments with some other bead, and such a bead overlaps it on one side, so it can never share a path with
it; the best path without the bead is therefore worth exactly the largest M over the other beads covering
one of its segments. The difference to the best score (the bead's "margin") is zero when another
alignment is as good and large when every alternative is clearly worse: the main signal of confidence.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence

import numpy as np

from alignment.bandrows import insertion_sums, row_sources
from alignment.dp import NEG, Band, BeadRange, BeadType, DpTable, Span, _insertions, _scan_sums


def _end_tables(
    scores: np.ndarray, band: Band, types: Sequence[BeadType]
) -> tuple[np.ndarray, np.ndarray, np.ndarray, list[BeadType]]:
    """A flat table with one -inf cell after it (and its 2-D view), and the scores of the bead types with
    JA segments as flat rows with the same extra cell: a backward row gathers every bead's end node at once
    (`bandrows.row_sources`)."""
    n, width = band.n, band.width
    flat = np.full((n + 1) * width + 1, NEG)
    tsel = [t for t, (a, _) in enumerate(types) if a > 0]
    step_scores = np.full((len(tsel), (n + 1) * width + 1), NEG)
    step_scores[:, :-1] = scores[tsel].reshape(len(tsel), -1)
    return flat, flat[:-1].reshape(n + 1, width), step_scores, [types[t] for t in tsel]


def _reversed_steps(scores: np.ndarray, insert_t: int) -> np.ndarray:
    """The 0-1 steps of every row read right to left (a backward row is scanned as a reversed forward one):
    out[i, k] is the step from cell width - k - 1 into cell width - k; column 0 unused."""
    n1, width = scores.shape[1:]
    out = np.full((n1, width), NEG)
    if insert_t >= 0:
        out[:, 1:] = scores[insert_t, :, :0:-1]
    return out


def backward(scores: np.ndarray, band: Band, bead_types: Sequence[BeadType]) -> np.ndarray:
    """B[i, k]: best score of a path from node (i, band.lo[i] + k) to (n, m); -inf where none exists."""
    types = tuple(bead_types)
    n, width, lo, m = band.n, band.width, [int(x) for x in band.lo], band.m
    flat, out, step_scores, steps = _end_tables(scores, band, types)
    insert_t = types.index((0, 1)) if (0, 1) in types else -1
    dummy = np.full(width, -1, dtype=np.int8)
    which = np.arange(len(steps))[:, None]
    sources = row_sources(band, steps, forward=False)
    rsteps = _reversed_steps(scores, insert_t)
    whole, sums = insertion_sums(rsteps)
    for i in range(n, -1, -1):
        if steps:
            at = sources(i)
            # The bead from (i, lo[i] + k) ends at (i + a, lo[i] + k + b): its score and the rest of the path.
            row = (step_scores[which, at] + flat[at]).max(axis=0)
        else:
            row = np.full(width, NEG)
        if i == n and 0 <= m - lo[n] < width:
            row[m - lo[n]] = 0.0
        if insert_t >= 0 and width > 1:
            # row[k] = max(row[k], step[k + 1] + row[k + 1]): the forward prefix scan on the reversed row.
            rev = row[::-1].copy()
            if whole[i]:
                _scan_sums(rev, dummy.copy(), sums[i], insert_t)
            else:
                _insertions(rev, dummy.copy(), rsteps[i], insert_t)
            row = rev[::-1]
        if lo[i] + width - 1 > m:
            row[m - lo[i] + 1 :] = NEG
        out[i] = row
    return out


def edge_marginals(scores: np.ndarray, table: DpTable, back: np.ndarray) -> np.ndarray:
    """M[t, i, k]: the best path score through the bead of type t ending at node (i, lo[i] + k)."""
    band, types = table.band, table.bead_types
    n, width, lo = band.n, band.width, band.lo
    fwd = table.scores
    out = np.full(scores.shape, NEG)
    cols = np.arange(width)
    for t, (a, b) in enumerate(types):
        if a > n:
            continue
        rows = np.arange(a, n + 1)
        # The bead starts at (i - a, lo[i] + k - b): cell k + lo[i] - b - lo[i - a] of row i - a.
        ks = cols[None, :] + (lo[rows] - b - lo[rows - a])[:, None]
        ok = (ks >= 0) & (ks < width)
        start = np.where(ok, fwd[(rows - a)[:, None], np.clip(ks, 0, width - 1)], NEG)
        out[t, a:] = start + scores[t, a:] + back[a:]
    out[~np.isfinite(out)] = NEG
    return out


def best_score(table: DpTable) -> float:
    band = table.band
    return float(table.scores[band.n, band.m - int(band.lo[band.n])])


def bead_margins(
    scores: np.ndarray, table: DpTable, path: Sequence[BeadRange], *, cap: float = 10.0
) -> list[float]:
    """For each bead of the best path (in order): best score minus the best score of a path without it.

    At most `cap` (also when no alternative exists at all).
    """
    return margins_and_edges(scores, table, path, cap=cap)[0]


def near_best(
    marg: np.ndarray, table: DpTable, within: float
) -> list[tuple[float, tuple[int, int, int, int]]]:
    """Merged beads (i0, a, j0, b) on some path scoring within `within` of the best one, with that
    shortfall, closest first."""
    lo, types = table.band.lo, table.bead_types
    best = best_score(table)
    out: list[tuple[float, tuple[int, int, int, int]]] = []
    for t, (a, b) in enumerate(types):
        if (a < 2 and b < 2) or not (a and b):
            continue
        rows, ks = np.nonzero(marg[t] >= best - within)
        out.extend(
            (best - float(marg[t, i, k]), (int(i) - a, a, int(lo[i]) + int(k) - b, b))
            for i, k in zip(rows, ks, strict=True)
        )
    return sorted(out)


def margins_and_edges(
    scores: np.ndarray, table: DpTable, path: Sequence[BeadRange], *, cap: float = 10.0
) -> tuple[list[float], np.ndarray]:
    """`bead_margins`, and the max-marginal of every bead in the band (M[t, i, k] as in `edge_marginals`)."""
    band, types = table.band, table.bead_types
    n, m, lo, width = band.n, band.m, band.lo, band.width
    back = backward(scores, band, types)
    edges = edge_marginals(scores, table, back)
    marg = edges.copy()
    best = best_score(table)
    for (i0, i1), (j0, j1) in path:
        t = types.index((i1 - i0, j1 - j0))
        marg[t, i1, j1 - int(lo[i1])] = NEG
    # Best marginal of any other bead covering each JA segment and each EN segment.
    ja_alt = np.full(max(n, 1), NEG)
    en_alt = np.full(max(m, 1), NEG)
    col_of = lo[:, None] + np.arange(width)[None, :]
    valid_cols = col_of <= m
    deletions = [t for t, (a, b) in enumerate(types) if a > 0 and b == 0]
    ja_matched = ja_alt
    # Beads that give a JA segment an English counterpart first, then deletions (ja_matched keeps the former).
    for t, (a, b) in sorted(enumerate(types), key=lambda x: x[1][1] == 0):
        if a > 0:
            if b == 0 and ja_matched is ja_alt:
                ja_matched = ja_alt.copy()
            rowmax = marg[t].max(axis=1)
            for s in range(1, a + 1):
                # A bead ending at row i covers JA segments i - a .. i - 1.
                seg = np.arange(0, n - s + 1)  # segment index i - s for end rows i = s .. n
                ja_alt[seg] = np.maximum(ja_alt[seg], rowmax[s : n + 1])
        if b > 0:
            colmax = np.full(m + 1, NEG)
            np.maximum.at(colmax, col_of[valid_cols], marg[t][valid_cols])
            for s in range(1, b + 1):
                seg = np.arange(0, m - s + 1)
                en_alt[seg] = np.maximum(en_alt[seg], colmax[s : m + 1])
    out = []
    for (i0, i1), (j0, j1) in path:
        if j1 == j0 and i1 > i0:
            alt = max(float(ja_matched[i0:i1].max()), _deletion_alt(marg, table, deletions, (i0, i1), j0))
        else:
            alt = max(
                float(ja_alt[i0:i1].max()) if i1 > i0 else NEG,
                float(en_alt[j0:j1].max()) if j1 > j0 else NEG,
            )
        out.append(min(cap, max(0.0, best - alt)) if np.isfinite(alt) else cap)
    return out, edges


def _deletion_alt(
    marg: np.ndarray, table: DpTable, deletions: Sequence[int], rows: Span, same_column: int
) -> float:
    """Best marginal of a deletion bead (k-0) covering one of JA segments rows[0] .. rows[1] - 1.

    Deletions at the path bead's own EN node (`same_column`) are the same alignment cut into other pieces
    (a 2-0 or two 1-0s), not an alternative, so they do not count.
    """
    lo, width, types = table.band.lo, table.band.width, table.bead_types
    i0, i1 = rows
    best = NEG
    for t in deletions:
        a = types[t][0]
        for r in range(i0 + 1, min(i1 - 1 + a, table.band.n) + 1):
            vals = marg[t, r]
            if 0 <= same_column - int(lo[r]) < width:
                vals = np.delete(vals, same_column - int(lo[r]))
            if len(vals):
                best = max(best, float(vals.max()))
    return best


# --- soft (sum-product) marginals ------------------------------------------------------------------------
# The same recursions with log-sum-exp instead of max, over scores divided by a temperature: the posterior
# probability of a bead under a distribution over all paths in the band, where a path's weight is
# exp(score / temperature). Unlike the margin, which only sees the best alternative, it counts how many
# good alternatives there are.


def _lse_scan(row: np.ndarray, step: np.ndarray, sums: np.ndarray | None = None) -> None:
    """row[k] = logaddexp(row[k], row[k - 1] + step[k]) from left to right, in place (step[0] unused).

    sums: the running sums of step, given when every step of the row is possible (`bandrows.insertion_sums`).
    """
    if sums is not None:
        row[:] = sums + np.logaddexp.accumulate(row - sums)
        return
    finite = step[1:] > NEG
    edges = [0, *(np.flatnonzero(~finite) + 1).tolist(), len(row)]
    for k0, k1 in itertools.pairwise(edges):
        if k1 - k0 > 1:
            csum = np.zeros(k1 - k0)
            np.cumsum(step[k0 + 1 : k1], out=csum[1:])
            row[k0:k1] = csum + np.logaddexp.accumulate(row[k0:k1] - csum)


def _logsumexp_rows(cand: np.ndarray) -> np.ndarray:
    """log(sum(exp(cand), axis=0)), -inf where every candidate is -inf (one pass per row, not per type)."""
    top = cand.max(axis=0)
    safe = np.where(np.isfinite(top), top, 0.0)
    with np.errstate(divide="ignore"):
        return np.asarray(safe + np.log(np.exp(cand - safe).sum(axis=0)))


def _soft_forward(scaled: np.ndarray, band: Band, types: Sequence[BeadType]) -> np.ndarray:
    n, width, lo, m = band.n, band.width, [int(x) for x in band.lo], band.m
    flat = np.full((n + 1) * width + 1, NEG)
    out = flat[:-1].reshape(n + 1, width)
    insert_t = types.index((0, 1)) if (0, 1) in types else -1
    tsel = [t for t, (a, _) in enumerate(types) if a > 0]
    sources = row_sources(band, [types[t] for t in tsel], forward=True)
    whole, sums = insertion_sums(scaled[insert_t] if insert_t >= 0 else np.zeros((n + 1, width)))
    with np.errstate(invalid="ignore"):
        for i in range(n + 1):
            row = _logsumexp_rows(flat[sources(i)] + scaled[tsel, i]) if tsel else np.full(width, NEG)
            if i == 0 and lo[0] == 0:
                row[0] = 0.0
            if insert_t >= 0:
                _lse_scan(row, scaled[insert_t, i], sums[i] if whole[i] else None)
            if lo[i] + width - 1 > m:
                row[m - lo[i] + 1 :] = NEG
            out[i] = row
    return out


def _soft_backward(scaled: np.ndarray, band: Band, types: Sequence[BeadType]) -> np.ndarray:
    n, width, lo, m = band.n, band.width, [int(x) for x in band.lo], band.m
    flat, out, step_scores, steps = _end_tables(scaled, band, types)
    insert_t = types.index((0, 1)) if (0, 1) in types else -1
    which = np.arange(len(steps))[:, None]
    sources = row_sources(band, steps, forward=False)
    rsteps = _reversed_steps(scaled, insert_t)
    whole, sums = insertion_sums(rsteps)
    with np.errstate(invalid="ignore"):
        for i in range(n, -1, -1):
            if steps:
                at = sources(i)
                row = _logsumexp_rows(step_scores[which, at] + flat[at])
            else:
                row = np.full(width, NEG)
            if i == n and 0 <= m - lo[n] < width:
                row[m - lo[n]] = 0.0
            if insert_t >= 0 and width > 1:
                rev = row[::-1].copy()
                _lse_scan(rev, rsteps[i], sums[i] if whole[i] else None)
                row = rev[::-1]
            if lo[i] + width - 1 > m:
                row[m - lo[i] + 1 :] = NEG
            out[i] = row
    return out


def posteriors(
    scores: np.ndarray, table: DpTable, path: Sequence[BeadRange], *, temperature: float = 0.1
) -> list[float]:
    """P(bead) for each bead of the best path when paths are weighted by exp(score / temperature)."""
    band, types = table.band, table.bead_types
    scaled = scores / temperature
    fwd = _soft_forward(scaled, band, types)
    back = _soft_backward(scaled, band, types)
    lo = band.lo
    z = float(fwd[band.n, band.m - int(lo[band.n])])
    if not path:
        return []
    index = {ab: t for t, ab in enumerate(types)}
    (i0, i1), (j0, j1) = (np.array(x).T for x in zip(*path, strict=True))
    t = np.array([index[ab] for ab in zip((i1 - i0).tolist(), (j1 - j0).tolist(), strict=True)])
    k_start, k_end = j0 - lo[i0], j1 - lo[i1]
    inside = (k_start >= 0) & (k_start < band.width) & (k_end >= 0) & (k_end < band.width) & np.isfinite(z)
    ks, ke = np.where(inside, k_start, 0), np.where(inside, k_end, 0)
    with np.errstate(invalid="ignore"):
        log_p = fwd[i0, ks] + scaled[t, i1, ke] + back[i1, ke] - z
    for k in np.flatnonzero(inside & (j1 == j0) & (i1 > i0)).tolist():
        # A deletion: the chance that each of its segments is deleted at this EN node, in any pieces.
        log_p[k] = min(_deleted(fwd, back, scaled, table, s, int(j0[k])) for s in range(i0[k], i1[k])) - z
    p = np.minimum(1.0, np.exp(np.minimum(log_p, 0.0)))
    return [float(x) for x in np.where(inside, p, 1.0)]


def _deleted(
    fwd: np.ndarray, back: np.ndarray, scaled: np.ndarray, table: DpTable, seg: int, j: int
) -> float:
    """log of the weight of all paths that delete JA segment `seg` at EN node j (by any k-0 bead)."""
    lo, width, types = table.band.lo, table.band.width, table.bead_types
    total = NEG
    for t, (a, b) in enumerate(types):
        if b or not a:
            continue
        for end in range(seg + 1, min(seg + a, table.band.n) + 1):
            start = end - a
            ks, ke = j - int(lo[start]), j - int(lo[end])
            if start >= 0 and 0 <= ks < width and 0 <= ke < width:
                total = float(np.logaddexp(total, fwd[start, ks] + scaled[t, end, ke] + back[end, ke]))
    return total
