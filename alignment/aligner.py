"""Aligning a pair: sentence level or clause level, around confirmed beads, with a report of the signals used."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from alignment.model import Bead

Embedder = Callable[[Sequence[str]], "object"]
"""Texts -> unit vectors, shape (len(texts), dim) (alignment.embed.embed bound to a project)."""

OVERLAP = 3
"""Runs of up to this many consecutive segments are embedded as one text (vecalign's overlaps)."""
JOINERS = {"ja": "", "en": " "}


@dataclass(frozen=True, slots=True)
class Signals:
    """Which evidence an alignment used, for the `align` summary."""

    embeddings: bool
    length: bool = True
    anchors: tuple[str, ...] = ()
    note: str | None = None
    """Why embeddings were not used, when they were not."""

    def describe(self) -> str:
        parts = ["embeddings" if self.embeddings else None, "length" if self.length else None]
        if self.anchors:
            parts.append("anchors (" + ", ".join(self.anchors) + ")")
        text = ", ".join(p for p in parts if p)
        return text + (f"; no embeddings: {self.note}" if self.note else "")


@dataclass(frozen=True, slots=True)
class Alignment:
    beads: tuple[Bead, ...]
    signals: Signals
    realigned: tuple[tuple[tuple[int, int], tuple[int, int]], ...] = field(default=())
    """The stretches (JA range, EN range) that were actually searched (the gaps between confirmed beads)."""


def overlap_texts(texts: Sequence[str], lang: str, k: int = OVERLAP) -> list[list[str]]:
    """[runs of 1, runs of 2, …]: runs[r][i] is segments i .. i + r joined as one text."""
    joiner = JOINERS[lang]
    return [[joiner.join(texts[i : i + r]) for i in range(len(texts) - r + 1)] for r in range(1, k + 1)]


def embed_overlaps(ja: Sequence[str], en: Sequence[str], embedder: Embedder):
    """Embed every run of up to OVERLAP segments on both sides in one call (so one progress bar, one cache pass)."""
    import numpy as np

    runs_ja, runs_en = overlap_texts(ja, "ja"), overlap_texts(en, "en")
    flat = [t for runs in (*runs_ja, *runs_en) for t in runs]
    vecs = np.asarray(embedder(flat), dtype=np.float32) if flat else np.zeros((0, 512), np.float32)
    out: list[list[object]] = [[], []]
    pos = 0
    for side, runs_side in enumerate((runs_ja, runs_en)):
        for runs in runs_side:
            out[side].append(vecs[pos : pos + len(runs)])
            pos += len(runs)
    return out[0], out[1]


def align_texts(
    ja: Sequence[str],
    en: Sequence[str],
    *,
    embedder: Embedder | None = None,
    glossary: Iterable[tuple[str, str]] = (),
    weights=None,
    note: str | None = None,
) -> tuple[list[Bead], Signals]:
    """Align two lists of segment texts; beads use 0-based half-open ranges into them.

    Args:
        embedder: computes sentence embeddings; None aligns on length and anchors only.
        glossary: (ja, en) term pairs used as anchors.
        note: why there is no embedder (reported in the signals).
    """
    import numpy as np

    from alignment import costs, dp
    from alignment.anchors import find_anchors

    weights = weights or costs.DEFAULT_WEIGHTS
    anchors = find_anchors(ja, en, glossary)
    anc_ja, anc_en = costs.anchor_matrices(anchors)
    vec_ja = vec_en = None
    if embedder is not None and ja and en:
        vec_ja, vec_en = embed_overlaps(ja, en, embedder)
    side_ja = costs.make_side([costs.text_length(t) for t in ja], anc_ja, vec_ja)
    side_en = costs.make_side([costs.text_length(t) for t in en], anc_en, vec_en)
    scorer = costs.Scorer(side_ja, side_en, weights, costs.length_ratio(side_ja, side_en))
    ranges = dp.search(costs.make_problem(scorer), dp.BEAD_TYPES)
    beads = []
    for (j0, j1), (e0, e1) in ranges:
        a, b = j1 - j0, e1 - e0
        s = scorer(a, b, np.array([j0]), np.array([[e0]]))[0, 0]
        beads.append(Bead(ja=(j0, j1), en=(e0, e1), score=round(float(s), 4)))
    signals = Signals(embeddings=vec_ja is not None, anchors=tuple(anchors.kinds()),
                      note=None if embedder is not None else note)
    return beads, signals
