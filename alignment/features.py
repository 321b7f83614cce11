"""What the aligner knows about both documents: lengths, anchors and embeddings, embedded in two passes.

Embedding every run of 1, 2 and 3 segments of both documents (vecalign's overlaps) costs about three times
encoding each segment once, and almost all of those runs never end up in a bead. So the first pass embeds
single segments only and stands in for a run by the normalised sum of its segments' vectors; the second
pass embeds just the runs that some near-best alignment would put into a merged bead (see
`alignment.stretch.run_requests`), and the search runs again with them (bertalign's two passes).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np

Embedder = Callable[[Sequence[str]], "np.ndarray"]
"""Texts -> unit vectors, shape (len(texts), dim)."""

OVERLAP = 3
"""Runs of up to this many consecutive segments are embedded as one text (vecalign's overlaps)."""
JOINERS = {"ja": "", "en": " "}

Run = tuple[str, int, int]
"""(side "ja"/"en", first segment, number of segments): a run of consecutive segments."""


@dataclass(frozen=True, slots=True)
class Signals:
    """Which evidence an alignment used, for the `align` summary."""

    embeddings: bool
    anchors: tuple[str, ...] = ()
    note: str | None = None
    """Why embeddings were not used, when they were not."""

    def names(self) -> list[str]:
        return [
            *(["embeddings"] if self.embeddings else []),
            "length",
            *(["anchors"] if self.anchors else []),
        ]

    def describe(self) -> str:
        parts = ["embeddings"] if self.embeddings else []
        parts.append("length")
        if self.anchors:
            parts.append("anchors (" + ", ".join(self.anchors) + ")")
        return ", ".join(parts) + (f"; no embeddings: {self.note}" if self.note else "")


def overlap_texts(texts: Sequence[str], lang: str, k: int = OVERLAP) -> list[list[str]]:
    """[runs of 1, runs of 2, …]: runs[r - 1][i] is segments i .. i + r - 1 joined as one text."""
    joiner = JOINERS[lang]
    return [[joiner.join(texts[i : i + r]) for i in range(len(texts) - r + 1)] for r in range(1, k + 1)]


def embed_overlaps(
    ja: Sequence[str], en: Sequence[str], embedder: Embedder
) -> tuple[list[np.ndarray], list[np.ndarray]]:
    """Embed every run of up to OVERLAP segments on both sides in one call (one cache pass, one progress bar)."""
    import numpy as np

    runs_ja, runs_en = overlap_texts(ja, "ja"), overlap_texts(en, "en")
    flat = [t for runs in (*runs_ja, *runs_en) for t in runs]
    vecs = np.asarray(embedder(flat), dtype=np.float32) if flat else np.zeros((0, 1), np.float32)
    out: tuple[list[np.ndarray], list[np.ndarray]] = ([], [])
    pos = 0
    for side, runs_side in zip(out, (runs_ja, runs_en), strict=True):
        for runs in runs_side:
            side.append(vecs[pos : pos + len(runs)])
            pos += len(runs)
    return out


@dataclass(frozen=True, slots=True)
class Features:
    """Everything the scorer needs about both documents, computed once and sliced per stretch."""

    ja_len: list[int]
    en_len: list[int]
    ja_anchors: np.ndarray
    en_anchors: np.ndarray
    ja_vectors: list[np.ndarray] | None
    """[single segments] after the first pass; [runs of 1, 2, 3] after `refine`."""
    en_vectors: list[np.ndarray] | None
    ratio: float
    signals: Signals
    ja: Sequence[str] = ()
    en: Sequence[str] = ()
    refined: bool = False
    """True once runs of several segments have vectors of their own (the second pass)."""


def features(
    ja: Sequence[str],
    en: Sequence[str],
    *,
    embedder: Embedder | None,
    glossary: Iterable[tuple[str, str]] = (),
    note: str | None = None,
) -> Features:
    """Lengths, anchors and single-segment embeddings of both documents (one embedder call)."""
    import numpy as np

    from alignment import costs
    from alignment.anchors import find_anchors

    anchors = find_anchors(ja, en, glossary)
    anc_ja, anc_en = costs.anchor_matrices(anchors)
    vec_ja = vec_en = None
    if embedder is not None and ja and en:
        vecs = np.asarray(embedder([*ja, *en]), dtype=np.float32)
        vec_ja, vec_en = [vecs[: len(ja)]], [vecs[len(ja) :]]
    ja_len = [costs.text_length(t) for t in ja]
    en_len = [costs.text_length(t) for t in en]
    lj, le = sum(ja_len), sum(en_len)
    signals = Signals(
        embeddings=vec_ja is not None,
        anchors=tuple(anchors.kinds()),
        note=None if embedder is not None else note,
    )
    ratio = le / lj if lj and le else 1.0
    return Features(ja_len, en_len, anc_ja, anc_en, vec_ja, vec_en, ratio, signals, tuple(ja), tuple(en))


def _pooled_runs(single: np.ndarray, sizes: Iterable[int]) -> list[np.ndarray]:
    """Normalised sums of k consecutive unit vectors for each k: the stand-in for runs that were not
    embedded (one running sum for all sizes)."""
    import numpy as np

    csum = np.zeros((len(single) + 1, single.shape[1]), dtype=np.float64)
    np.cumsum(single, axis=0, out=csum[1:])
    return [_normalised(csum[k:] - csum[:-k]) for k in sizes]


def _normalised(v: np.ndarray) -> np.ndarray:
    import numpy as np

    return np.asarray(v / np.maximum(np.linalg.norm(v, axis=1, keepdims=True), 1e-9), dtype=np.float32)


def refine(feats: Features, runs: Iterable[Run], embedder: Embedder) -> Features:
    """Second pass: embed the requested runs (one call) and pool the vectors of all other runs."""
    import numpy as np

    if feats.ja_vectors is None or feats.en_vectors is None:
        return feats
    texts = {"ja": feats.ja, "en": feats.en}
    wanted = sorted({r for r in runs if 2 <= r[2] <= OVERLAP and 0 <= r[1] <= len(texts[r[0]]) - r[2]})
    joined = [JOINERS[side].join(texts[side][i : i + k]) for side, i, k in wanted]
    vecs = np.asarray(embedder(joined), dtype=np.float32) if joined else None
    out: dict[str, list[np.ndarray]] = {}
    for side, single in (("ja", feats.ja_vectors[0]), ("en", feats.en_vectors[0])):
        out[side] = [single, *_pooled_runs(single, [k for k in range(2, OVERLAP + 1) if k <= len(single)])]
    for row, (side, i, k) in enumerate(wanted):
        assert vecs is not None
        out[side][k - 1][i] = vecs[row]
    return replace(feats, ja_vectors=out["ja"], en_vectors=out["en"], refined=True)


def slice_vectors(vectors: list[np.ndarray] | None, start: int, end: int) -> list[np.ndarray] | None:
    if vectors is None:
        return None
    # Runs of k segments that start inside [start, end) and stay inside it.
    return [v[start : max(start, end - k + 1)] for k, v in enumerate(vectors, 1)]
