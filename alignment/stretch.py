"""Aligning one stretch (the segments between two fixed points): search, margins, confidence, skip runs."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from alignment.confidence import Evidence, confidence
from alignment.features import Features, Run, slice_vectors
from alignment.model import Bead

if TYPE_CHECKING:
    from alignment.costs import Scorer, Weights
    from alignment.dp import BeadRange

Span = tuple[int, int]
Stretch = tuple[Span, Span]

RUN_MARGIN = 0.12
"""First pass: runs of merged beads on a path scoring within this of the best get embeddings of their own."""
TEMPERATURE = {True: 0.1, False: 0.2}
"""Score units per e-fold of path weight in the posteriors, with and without embeddings (length-only
scores spread wider); chosen by the held-out reliability of bench/calibrate.py."""
RUN_BUDGET = 0.3
"""... but at most this share of the documents' characters is encoded again as runs."""
GUIDE_MARGIN = 3
"""The second pass searches this many nodes either side of the first pass's path (not the 5 of a band
projected from a coarser level, which is only known to within a node or two): the runs embedded in between
turn merges into their parts or back, which moves the path by at most a bead (3 segments) at a time.
Same beads and confidences as 5 on dev-gold and all its perturbed variants; a sixth less to search."""


def scorer_for(feats: Features, stretch: Stretch, weights: Weights | None) -> Scorer:
    from alignment import costs

    (j0, j1), (e0, e1) = stretch
    ja = costs.make_side(
        feats.ja_len[j0:j1], feats.ja_anchors[j0:j1], slice_vectors(feats.ja_vectors, j0, j1)
    )
    en = costs.make_side(
        feats.en_len[e0:e1], feats.en_anchors[e0:e1], slice_vectors(feats.en_vectors, e0, e1)
    )
    return costs.Scorer(ja, en, weights or costs.DEFAULT_WEIGHTS, feats.ratio)


@dataclass(frozen=True, slots=True)
class Searched:
    """The best path of a stretch with what the confidence and the second pass need."""

    path: list[BeadRange]
    scores: list[float]
    margins: list[float]
    """Per bead of the path (`soft` searches only)."""
    near: list[tuple[float, tuple[int, int, int, int]]]
    """Merged beads (i0, a, j0, b) on some path within RUN_MARGIN of the best, stretch-relative, with
    their shortfall."""
    posteriors: list[float]
    """P(bead) over all paths of the band weighted by exp(score / temperature) (second pass only)."""


def search(
    scorer: Scorer,
    bead_types: Sequence[tuple[int, int]],
    *,
    near_margin: float = 0.0,
    guide: Sequence[BeadRange] | None = None,
    soft: bool = False,
) -> Searched:
    from alignment import costs, dp, marginals

    problem = costs.make_problem(scorer)
    band_scores, table = (
        dp.search_table(problem, bead_types, guide=guide, margin=GUIDE_MARGIN)
        if guide
        else dp.search_table(problem, bead_types)
    )
    scored = dp.backtrace_scored(table)
    path = [bead for bead, _ in scored]
    if soft:
        margins, marg = marginals.margins_and_edges(band_scores, table, path)
    else:
        # The first pass only asks which merges lie near the best path: no per-bead margins.
        back = marginals.backward(band_scores, table.band, table.bead_types)
        margins, marg = [], marginals.edge_marginals(band_scores, table, back)
    near = marginals.near_best(marg, table, near_margin) if near_margin > 0 else []
    temperature = TEMPERATURE[scorer.embeddings]
    post = marginals.posteriors(band_scores, table, path, temperature=temperature) if soft else []
    return Searched(path, [s for _, s in scored], margins, near, post)


def run_requests(near: Sequence[tuple[int, int, int, int]], stretch: Stretch) -> set[Run]:
    """Document runs a second pass should embed: each candidate merge's runs and their same-size
    neighbours (the margin term compares a bead with those)."""
    (j0, _), (e0, _) = stretch
    out: set[Run] = set()
    for i, a, j, b in near:
        for side, start, k in (("ja", j0 + i, a), ("en", e0 + j, b)):
            if k >= 2:
                out.update({(side, start, k), (side, start - k, k), (side, start + k, k)})
    return out


def within_budget(candidates: Sequence[tuple[float, set[Run]]], feats: Features) -> set[Run]:
    """The runs of the closest candidates first, until they hold RUN_BUDGET x the documents' characters
    (encoding cost grows with the text encoded, so the second pass never costs more than that share)."""
    lengths = {"ja": feats.ja_len, "en": feats.en_len}
    budget = RUN_BUDGET * (sum(feats.ja_len) + sum(feats.en_len))
    chosen: set[Run] = set()
    spent = 0
    for _, runs in sorted(candidates, key=lambda c: c[0]):
        new = {r for r in runs if r not in chosen and 0 <= r[1] <= len(lengths[r[0]]) - r[2]}
        cost = sum(sum(lengths[side][i : i + k]) for side, i, k in new)
        if spent + cost > budget:
            break
        chosen |= new
        spent += cost
    return chosen


def evidence(scorer: Scorer, bead: BeadRange, score: float, margin: float) -> Evidence:
    return evidences(scorer, [bead], [score], [margin])[0]


def evidences(
    scorer: Scorer, path: Sequence[BeadRange], scores: Sequence[float], margins: Sequence[float]
) -> list[Evidence]:
    """The evidence for every bead of a path (cosines and length ratios batched per bead type)."""
    import numpy as np

    sims: dict[int, float] = {}
    lengths: dict[int, float] = {}
    by_type: dict[tuple[int, int], list[int]] = {}
    for k, ((i0, i1), (j0, j1)) in enumerate(path):
        if i1 > i0 and j1 > j0:
            by_type.setdefault((i1 - i0, j1 - j0), []).append(k)
    w = scorer.weights
    for (a, b), ks in by_type.items():
        i0s = np.array([path[k][0][0] for k in ks])
        j0s = np.array([path[k][1][0] for k in ks])
        if scorer.embeddings:
            cos = (scorer.ja.range_vectors(a, i0s) * scorer.en.range_vectors(b, j0s)).sum(axis=1)
            sims.update(zip(ks, (float(x) for x in cos), strict=True))
        lj = scorer.ja.lengths(a, i0s) * scorer.ratio
        le = scorer.en.lengths(b, j0s)
        d2 = np.log((le + w.length_smooth) / (lj + w.length_smooth)) ** 2
        lengths.update(zip(ks, (float(x) for x in d2), strict=True))
    return [
        Evidence(
            a=i1 - i0,
            b=j1 - j0,
            score=scores[k],
            margin=margins[k],
            sim=sims.get(k),
            length=lengths.get(k, 0.0),
        )
        for k, ((i0, i1), (j0, j1)) in enumerate(path)
    ]


def merge_skips(path: Sequence[BeadRange], evidences: Sequence[Evidence]) -> list[tuple[BeadRange, Evidence]]:
    """Each run of consecutive 1-0 / 0-1 beads becomes at most one k-0 and one 0-l bead.

    A passage left out of a translation is one bead in the gold alignments (a 0-2, not two 0-1s); inside a
    run of skips the order of JA and EN skips is arbitrary, so JA ones come first.
    """
    out: list[tuple[BeadRange, Evidence]] = []
    k = 0
    while k < len(path):
        (i0, i1), (j0, j1) = path[k]
        if i1 - i0 and j1 - j0:
            out.append((path[k], evidences[k]))
            k += 1
            continue
        stop = k
        while stop < len(path) and not (
            (path[stop][0][1] - path[stop][0][0]) and (path[stop][1][1] - path[stop][1][0])
        ):
            stop += 1
        (ja_lo, _), (en_lo, _) = path[k]
        (_, ja_hi), (_, en_hi) = path[stop - 1]
        for side in ("ja", "en"):
            parts = [
                e
                for e, b in zip(evidences[k:stop], path[k:stop], strict=True)
                if (b[0][1] > b[0][0]) == (side == "ja")
            ]
            if not parts:
                continue
            bead = ((ja_lo, ja_hi), (en_lo, en_lo)) if side == "ja" else ((ja_hi, ja_hi), (en_lo, en_hi))
            joined = Evidence(
                a=ja_hi - ja_lo if side == "ja" else 0,
                b=0 if side == "ja" else en_hi - en_lo,
                score=min(p.score for p in parts),
                margin=min(p.margin for p in parts),
                posterior=min(p.posterior for p in parts),
                sim=None,
                length=0.0,
            )
            out.append((bead, joined))
        k = stop
    return out


def align_stretch(
    feats: Features,
    stretch: Stretch,
    weights: Weights | None = None,
    bead_types: Sequence[tuple[int, int]] | None = None,
    *,
    whole: bool = False,
) -> list[Bead]:
    """Best beads for one stretch (JA range, EN range), with document-wide indexes and confidences.

    Args:
        whole: the stretch is known to be a translation unit (a sentence bead at clause level), so when
            one side is a single segment the stretch is one bead rather than a bead and skips.
    """
    return [bead for bead, _ in stretch_beads(feats, stretch, weights, bead_types, whole=whole)]


def stretch_beads(
    feats: Features,
    stretch: Stretch,
    weights: Weights | None = None,
    bead_types: Sequence[tuple[int, int]] | None = None,
    *,
    whole: bool = False,
    first: set[tuple[Span, Span]] | None = None,
) -> list[tuple[Bead, Evidence]]:
    """`align_stretch`, with the evidence behind each bead's confidence.

    Args:
        first: the document-wide beads of the first pass (whether a bead was already there is evidence).
    """
    import numpy as np

    from alignment import dp

    (j0, j1), (e0, e1) = stretch
    scorer = scorer_for(feats, stretch, weights)
    embeddings = scorer.embeddings
    if whole and min(j1 - j0, e1 - e0) == 1:
        s = float(scorer(j1 - j0, e1 - e0, np.array([0]), np.array([[0]]))[0, 0])
        ev = evidence(scorer, ((0, j1 - j0), (0, e1 - e0)), s, 10.0)
        return [(Bead(ja=(j0, j1), en=(e0, e1), score=confidence(ev, embeddings=embeddings)), ev)]
    guide = None
    if first:
        # Search near the first pass's path (stretch-relative) instead of coarsening again.
        guide = sorted(
            ((a0 - j0, a1 - j0), (b0 - e0, b1 - e0))
            for (a0, a1), (b0, b1) in first
            if j0 <= a0 and a1 <= j1 and e0 <= b0 and b1 <= e1
        )
    found = search(scorer, bead_types or dp.SENTENCE_TYPES, guide=guide, soft=True)
    evs = [
        replace(ev, posterior=p)
        for ev, p in zip(
            evidences(scorer, found.path, found.scores, found.margins), found.posteriors, strict=True
        )
    ]
    out = []
    merged = merge_skips(found.path, evs)
    for k, (((a0, a1), (b0, b1)), ev) in enumerate(merged):
        ja, en = (j0 + a0, j0 + a1), (e0 + b0, e0 + b1)
        near = [merged[x][1] for x in (k - 1, k + 1) if 0 <= x < len(merged)]
        ev = replace(
            ev,
            first_pass=first is None or (ja, en) in first,
            near_margin=min((x.margin for x in near), default=10.0),
            near_skip=any(x.a == 0 or x.b == 0 for x in near),
            near_posterior=min((x.posterior for x in near), default=1.0),
        )
        out.append((Bead(ja=ja, en=en, score=confidence(ev, embeddings=embeddings)), ev))
    return out


def first_pass_runs(
    feats: Features, stretch: Stretch, weights: Weights | None, bead_types: Sequence[tuple[int, int]]
) -> tuple[list[tuple[float, set[Run]]], list[tuple[Span, Span]]]:
    """First pass over one stretch (pooled run vectors): each candidate merge within RUN_MARGIN of the
    best path, with its shortfall and the runs it needs embedded; and the pass's beads (document-wide,
    skip runs merged)."""
    (j0, _), (e0, _) = stretch
    scorer = scorer_for(feats, stretch, weights)
    found = search(scorer, bead_types, near_margin=RUN_MARGIN)
    zeros = [Evidence(0, 0, 0.0, 0.0, None, 0.0)] * len(found.path)
    path = [
        ((j0 + a0, j0 + a1), (e0 + b0, e0 + b1)) for ((a0, a1), (b0, b1)), _ in merge_skips(found.path, zeros)
    ]
    return [(gap, run_requests([bead], stretch)) for gap, bead in found.near], path
