"""A bead's score as a calibrated confidence: the probability that the bead is exactly right.

The aligner's evidence about one bead (how far the best alignment beats every alignment without it, the
bead's own score, its similarity, its length ratio and its type) goes through a logistic model whose
coefficients were fitted offline on dev-gold and perturbed variants of it (`bench/calibrate.py`, data in
`alignment.calibration`); nothing is fitted at run time. There is one model for aligning with embeddings
and one for length and anchors only, since their scores live on different scales.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from alignment import calibration

FLAG_BELOW = calibration.FLAG_BELOW
"""Beads whose confidence is below this are worth a second look (the ▾ flag and the review queue)."""


@dataclass(frozen=True, slots=True)
class Evidence:
    """What the aligner knows about one bead of its best path."""

    a: int
    """JA segments in the bead."""
    b: int
    """EN segments in the bead."""
    score: float
    """The bead's own score (its share of the path score)."""
    margin: float
    """Best path score minus the best score of any path without this bead (0: a tie)."""
    sim: float | None
    """Cosine of the two sides' embeddings (None without embeddings or for a one-sided bead)."""
    length: float
    """Squared log ratio of the EN length to the pair-scaled JA length (0 for a one-sided bead)."""
    first_pass: bool = True
    """The first pass (pooled run vectors) found this bead too; always True without a second pass."""
    near_margin: float = 10.0
    """The smaller margin of the beads just before and after (mistakes come in runs)."""
    near_skip: bool = False
    """The bead before or after is a 1-0 / 0-1 (k-0 / 0-k) bead."""
    posterior: float = 1.0
    """Share of the weight of all paths (weighted by exp(score / temperature)) that use this bead."""
    near_posterior: float = 1.0
    """The smaller posterior of the beads just before and after."""


FEATURES = (
    "bias",
    "margin",
    "log_margin",
    "skip",
    "merge",
    "large",
    "score",
    "sim",
    "length",
    "new_in_second_pass",
    "near_log_margin",
    "near_skip",
    "skip_x_log_margin",
    "merge_x_log_margin",
    "logit_posterior",
    "one_x_logit_posterior",
    "skip_x_logit_posterior",
    "merge_x_logit_posterior",
    "one_x_near_log_margin",
    "near_logit_posterior",
)
"""The names of `feature_vector`'s entries (the stored coefficients were fitted for exactly these)."""


def feature_vector(ev: Evidence) -> list[float]:
    """The model's inputs, in the order of FEATURES."""
    margin = min(max(ev.margin, 0.0), 3.0)
    log_margin = math.log(margin + 0.02)
    skip = float(ev.a == 0 or ev.b == 0)
    merge = float(ev.a + ev.b > 2)
    one = (1.0 - skip) * (1.0 - merge)
    near_log_margin = math.log(min(max(ev.near_margin, 0.0), 3.0) + 0.02)
    logit_posterior = _logit(ev.posterior)
    # Per bead type: a 1-1 bead, a skip and a merge go wrong in different ways, so the same margin or
    # posterior means a different chance of being right.
    return [
        1.0,
        margin,
        log_margin,
        skip,
        merge,
        float(max(ev.a, ev.b) == 3 or (ev.a + ev.b > 2 and skip)),
        min(max(ev.score, -2.0), 2.0),
        ev.sim if ev.sim is not None else 0.0,
        min(ev.length, 4.0),
        float(not ev.first_pass),
        near_log_margin,
        float(ev.near_skip),
        skip * log_margin,
        merge * (1.0 - skip) * log_margin,
        logit_posterior,
        one * logit_posterior,
        skip * logit_posterior,
        merge * (1.0 - skip) * logit_posterior,
        one * near_log_margin,
        _logit(ev.near_posterior),
    ]


def _logit(p: float, clip: float = 6.0) -> float:
    p = min(max(p, 1e-9), 1 - 1e-9)
    return min(max(math.log(p / (1 - p)), -clip), clip)


def logistic(x: float) -> float:
    if x >= 0:
        return 1.0 / (1.0 + math.exp(-x))
    e = math.exp(x)
    return e / (1.0 + e)


def confidence(ev: Evidence, *, embeddings: bool) -> float:
    """P(the bead is exactly right), rounded to 4 decimals, in [0, 1]."""
    coefs = calibration.EMBEDDINGS if embeddings else calibration.LENGTH_ONLY
    z = sum(c * x for c, x in zip(coefs, feature_vector(ev), strict=True))
    return round(logistic(z), 4)


def is_doubtful(score: float | None) -> bool:
    """True for a bead to flag for review (▾): a confidence below FLAG_BELOW (no score: not flagged)."""
    return score is not None and score < FLAG_BELOW
