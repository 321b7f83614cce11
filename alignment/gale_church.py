"""The plain Gale–Church (1993) baseline: character lengths, the JA→EN ratio from the pair, the paper's priors."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from alignment.costs import _csum, text_length
from alignment.dp import BeadType
from alignment.model import Bead

GALE_CHURCH_PRIORS: dict[BeadType, float] = {
    (1, 1): 0.89,
    (1, 0): 0.0099,
    (0, 1): 0.0099,
    (2, 1): 0.089,
    (1, 2): 0.089,
    (2, 2): 0.011,
}
GALE_CHURCH_VARIANCE = 6.8


def _norm_logsf(z: np.ndarray) -> np.ndarray:
    """log(2 * (1 - Phi(|z|))), the two-sided tail of the standard normal, without underflow."""
    erfc = np.vectorize(math.erfc, otypes=[float])
    tail = erfc(np.abs(z) / math.sqrt(2.0))
    return np.asarray(np.log(np.maximum(tail, 1e-300)))


@dataclass(frozen=True, slots=True)
class GaleChurch:
    """Gale & Church (1993) with the JA→EN character ratio estimated from the pair (a `dp.BandScorer`)."""

    ja_csum: np.ndarray
    en_csum: np.ndarray
    ratio: float

    @classmethod
    def from_lengths(cls, ja: Sequence[int], en: Sequence[int]) -> GaleChurch:
        lj, le = _csum(np.asarray(ja, float)), _csum(np.asarray(en, float))
        ratio = le[-1] / lj[-1] if lj[-1] > 0 and le[-1] > 0 else 1.0
        return cls(lj, le, float(ratio))

    def __call__(self, a: int, b: int, i0: np.ndarray, j0: np.ndarray) -> np.ndarray:
        n, m = len(self.ja_csum) - 1, len(self.en_csum) - 1
        i0c = np.clip(i0, 0, max(n - a, 0))[:, None]
        j0c = np.clip(j0, 0, max(m - b, 0))
        l1 = self.ja_csum[i0c + a] - self.ja_csum[i0c]
        l2 = self.en_csum[j0c + b] - self.en_csum[j0c]
        mean = (l1 + l2 / self.ratio) / 2
        z = np.where(
            mean > 0, (l1 * self.ratio - l2) / np.sqrt(GALE_CHURCH_VARIANCE * np.maximum(mean, 1e-9)), 0
        )
        return _norm_logsf(z) + math.log(GALE_CHURCH_PRIORS[(a, b)])


def gale_church(ja: Sequence[str], en: Sequence[str]) -> list[Bead]:
    """The plain Gale–Church baseline (character lengths, ratio from the pair, the paper's priors)."""
    from alignment import dp

    scorer = GaleChurch.from_lengths([text_length(t) for t in ja], [text_length(t) for t in en])
    problem = dp.Problem(n=len(ja), m=len(en), scorer=scorer)
    return [Bead(ja=a, en=b) for a, b in dp.search(problem, dp.GALE_CHURCH_TYPES, max_full_cells=10**9)]
