"""Aligning a pair at sentence or clause level around confirmed beads, with a report of the signals used."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

from alignment.model import Bead, Level, Pair, Segment
from alignment.project import ProjectError, write

if TYPE_CHECKING:
    import numpy as np
    from sqlite_utils import Database

    from alignment.costs import Weights

from alignment.features import (
    JOINERS,
    OVERLAP,
    Embedder,
    Features,
    Signals,
    embed_overlaps,
    features,
    overlap_texts,
)
from alignment.stretch import align_stretch

if TYPE_CHECKING:
    from alignment.confidence import Evidence

Span = tuple[int, int]
Stretch = tuple[Span, Span]
Progress = Callable[[str, int, int], None]
"""on_progress(stage, done, total): stage is "embed" or "align"."""

__all__ = [
    "JOINERS",
    "OVERLAP",
    "Alignment",
    "Embedder",
    "Features",
    "Signals",
    "align_pair",
    "align_stretch",
    "align_texts",
    "embed_overlaps",
    "features",
    "overlap_texts",
]


@dataclass(frozen=True, slots=True)
class Alignment:
    """The result of aligning one pair at one level."""

    pair: str
    level: Level
    beads: tuple[Bead, ...]
    signals: Signals
    realigned: tuple[Stretch, ...]
    """The stretches that were searched (the gaps between fixed beads)."""
    fixed: int
    """How many confirmed beads were kept as they were."""


# --- fixed beads and stretches --------------------------------------------------------------------------


# Confirmed beads are fixed points: the pair is cut at them and only the stretches in between are searched
# again, so a person's decisions are never undone by the machine. At clause level the sentence beads are cut
# points too: JA clauses are aligned to EN clauses inside each sentence bead.


def check_fixed(fixed: Sequence[Bead], n: int, m: int) -> list[Bead]:
    """Confirmed beads in order; refuses beads that overlap, cross, or point past the documents."""
    beads = sorted(fixed, key=lambda b: (b.ja[0], b.en[0]))
    prev_ja = prev_en = 0
    for b in beads:
        empty = b.ja[0] == b.ja[1] and b.en[0] == b.en[1]
        if empty or not (0 <= b.ja[0] <= b.ja[1] <= n and 0 <= b.en[0] <= b.en[1] <= m):
            raise ProjectError(f"confirmed bead JA {b.ja} EN {b.en} does not fit the segments; re-confirm it")
        if b.ja[0] < prev_ja or b.en[0] < prev_en:
            raise ProjectError(f"confirmed beads overlap or cross near JA {b.ja[0]} / EN {b.en[0]}")
        prev_ja, prev_en = b.ja[1], b.en[1]
    return beads


def _outside(node: tuple[int, int], bead: Bead) -> bool:
    """True when a path through `node` can still contain `bead` (the node is before or after it)."""
    i, j = node
    return (i <= bead.ja[0] and j <= bead.en[0]) or (i >= bead.ja[1] and j >= bead.en[1])


def stretches(n: int, m: int, fixed: Sequence[Bead], cuts: Iterable[tuple[int, int]] = ()) -> list[Stretch]:
    """The gaps left between fixed beads (and extra cut nodes the path must pass), in order.

    A cut node inside or across a fixed bead is ignored (fixed beads win), as is one that would make the
    path go backwards.

    >>> stretches(4, 4, [Bead(ja=(1, 2), en=(1, 3))], cuts=[(3, 3), (1, 2)])
    [((0, 1), (0, 1)), ((2, 3), (3, 3)), ((3, 4), (3, 4))]
    """
    fixed_nodes = {(0, 0), (n, m)} | {
        node for b in fixed for node in ((b.ja[0], b.en[0]), (b.ja[1], b.en[1]))
    }
    cut_nodes = {
        (i, j) for i, j in cuts if 0 <= i <= n and 0 <= j <= m and all(_outside((i, j), b) for b in fixed)
    }
    chain: list[tuple[int, int]] = []
    for node in sorted(fixed_nodes | cut_nodes):
        # Fixed nodes are mutually monotone and every kept cut is outside every fixed bead, so only a cut
        # can break monotonicity here (cuts that disagree with each other).
        if chain and node[1] < chain[-1][1]:
            if node not in fixed_nodes:
                continue
            while chain and chain[-1][1] > node[1]:
                chain.pop()
        chain.append(node)
    fixed_spans = {(b.ja, b.en) for b in fixed}
    return [
        ((i0, i1), (j0, j1))
        for (i0, j0), (i1, j1) in itertools.pairwise(chain)
        if ((i0, i1), (j0, j1)) not in fixed_spans and (i0, j0) != (i1, j1)
    ]


def align_texts(
    ja: Sequence[str],
    en: Sequence[str],
    *,
    embedder: Embedder | None = None,
    glossary: Iterable[tuple[str, str]] = (),
    fixed: Sequence[Bead] = (),
    cuts: Iterable[tuple[int, int]] = (),
    weights: Weights | None = None,
    note: str | None = None,
    on_progress: Progress | None = None,
    level: Level = "sentence",
    explain: list[tuple[Bead, Evidence]] | None = None,
) -> tuple[list[Bead], Signals, list[Stretch]]:
    """Align two lists of segment texts; beads use 0-based half-open ranges into them.

    Args:
        embedder: computes sentence embeddings; None aligns on length and anchors only.
        glossary: (ja, en) term pairs used as anchors.
        fixed: beads kept exactly as given (confirmed); only the gaps between them are aligned.
        cuts: nodes (i, j) every alignment must pass through (sentence-bead ends at clause level).
        note: why there is no embedder (reported in the signals).
        level: at clause level larger n:m beads are allowed, and a stretch between two cuts with a single
            segment on one side becomes one bead (the cuts come from sentence beads, which are translations).
        explain: receives each new bead with the evidence behind its confidence (for bench/calibrate.py).
    Returns:
        All beads in order (fixed ones as the very objects passed in), the signals, the stretches searched.
    """
    from alignment import costs, dp
    from alignment.clause_beads import uncross_found
    from alignment.features import refine
    from alignment.stretch import first_pass_runs, stretch_beads, within_budget

    fixed = check_fixed(fixed, len(ja), len(en))
    feats = features(ja, en, embedder=embedder, glossary=glossary, note=note)
    cuts = list(cuts)
    todo = stretches(len(ja), len(en), fixed, cuts)
    types = dp.CLAUSE_TYPES if level == "clause" else dp.SENTENCE_TYPES
    weights = weights or (None if level == "clause" else costs.SENTENCE_WEIGHTS)
    first: set[tuple[Span, Span]] | None = None
    if embedder is not None and feats.signals.embeddings:
        # Second pass: embed only the runs that a near-best first-pass alignment would merge.
        candidates: list[tuple[float, set[tuple[str, int, int]]]] = []
        first = set()
        for st in todo:
            more, path = first_pass_runs(feats, st, weights, types)
            candidates += more
            first.update(path)
        feats = refine(feats, within_budget(candidates, feats), embedder)
    cut_set = set(cuts)
    beads: list[Bead] = list(fixed)
    for k, stretch in enumerate(todo):
        (j0, j1), (e0, e1) = stretch
        whole = level == "clause" and (j0, e0) in cut_set and (j1, e1) in cut_set
        found = stretch_beads(feats, stretch, weights, types, whole=whole, first=first)
        if whole:  # one sentence bead's clauses: crossings go in one bead
            found = uncross_found(found)
        beads.extend(b for b, _ in found)
        if explain is not None:
            explain.extend(found)
        if on_progress:
            on_progress("align", k + 1, len(todo))
    beads.sort(key=lambda b: (b.ja[0], b.en[0]))
    return beads, feats.signals, todo


# --- pairs in a project ---------------------------------------------------------------------------------


def make_embedder(
    db: Database | None, use_embeddings: bool, on_progress: Progress | None = None
) -> tuple[Embedder | None, str | None]:
    """An embedder bound to the project's cache, or None when a person turned embeddings off.

    A missing encoder package is an install error, never a silent fall back to length and anchors.
    """
    from alignment import embed

    if not use_embeddings:
        return None, "turned off (--no-embeddings)"
    reason = embed.unavailable_reason()
    if reason:
        raise embed.EmbeddingsUnavailable(f"{reason}, or align with --no-embeddings")

    def embedder(texts: Sequence[str]) -> np.ndarray:
        total = embed.count_missing(texts, db) if on_progress else 0
        done = 0

        def tick(k: int) -> None:
            nonlocal done
            done += k
            if on_progress:
                on_progress("embed", done, total)

        return embed.embed(texts, db, on_progress=tick)

    return embedder, None


def _texts(segments: Sequence[Segment]) -> list[str]:
    return [s.text for s in segments]


def _tiles(beads: Sequence[Bead], n: int, m: int) -> bool:
    i = j = 0
    for b in beads:
        if b.ja[0] != i or b.en[0] != j:
            return False
        i, j = b.ja[1], b.en[1]
    return (i, j) == (n, m)


class SaveAlignment(Protocol):
    """Stores a computed alignment: (db, pair_id, beads as loaded, new beads, level=, user=)."""

    def __call__(
        self,
        db: Database,
        pair_id: int,
        current: Sequence[Bead],
        beads: Sequence[Bead],
        *,
        level: Level,
        user: str | None,
    ) -> None: ...


def align_pair(
    db: Database,
    pair: Pair,
    *,
    level: Level = "sentence",
    use_embeddings: bool = True,
    glossary: Iterable[tuple[str, str]] = (),
    weights: Weights | None = None,
    user: str | None = None,
    on_progress: Progress | None = None,
    save: SaveAlignment | None = None,
) -> Alignment:
    """Align a stored pair and save the beads (one transaction); confirmed beads stay exactly as they are.

    At clause level the pair's sentence beads (aligned first if there are none) bound the clause search.
    `save` stores the result (default `save_alignment`): the application layer passes one that also
    records the change in its undo history, in the same transaction, after the slow part is done.
    """
    from alignment import bead_store, store

    ja_segs = store.pair_segments(db, pair, "ja", level)
    en_segs = store.pair_segments(db, pair, "en", level)
    if store.get_document(db, pair.id, "en") is None:
        raise ProjectError(f"pair {pair.name!r} has no English document to align with")
    if level == "clause" and not (ja_segs and en_segs):
        raise ProjectError(f"pair {pair.name!r} has no clause segments on both sides (re-import it)")
    current = bead_store.get_beads(db, pair.id, level)
    fixed = [b for b in current if b.status == "confirmed"]
    cuts: list[tuple[int, int]] = []
    if level == "clause":
        cuts = _clause_cuts(
            db,
            pair,
            ja_segs,
            en_segs,
            use_embeddings=use_embeddings,
            glossary=glossary,
            weights=weights,
            user=user,
            on_progress=on_progress,
            save=save,
        )
    embedder, note = make_embedder(db, use_embeddings, on_progress)
    beads, signals, todo = align_texts(
        _texts(ja_segs),
        _texts(en_segs),
        embedder=embedder,
        glossary=glossary,
        fixed=fixed,
        cuts=cuts,
        weights=weights,
        note=note,
        on_progress=on_progress,
        level=level,
    )
    (save or save_alignment)(db, pair.id, current, beads, level=level, user=user)
    stored = bead_store.get_beads(db, pair.id, level)
    return Alignment(
        pair=pair.name,
        level=level,
        beads=tuple(stored),
        signals=signals,
        realigned=tuple(todo),
        fixed=len(fixed),
    )


def _clause_cuts(
    db: Database, pair: Pair, ja: Sequence[Segment], en: Sequence[Segment], **kwargs: Any
) -> list[tuple[int, int]]:
    """Clause-index nodes at every sentence-bead boundary (aligning sentences first if needed)."""
    from alignment import bead_store

    sentence_beads = bead_store.get_beads(db, pair.id, "sentence")
    if not sentence_beads:
        sentence_beads = list(align_pair(db, pair, level="sentence", **kwargs).beads)
    from alignment.clause_beads import sentence_cuts

    return sentence_cuts(sentence_beads, [c.parent for c in ja], [c.parent for c in en])


def save_alignment(
    db: Database,
    pair_id: int,
    current: Sequence[Bead],
    beads: Sequence[Bead],
    *,
    level: Level,
    user: str | None,
) -> None:
    """Store `beads`; when the stored alignment is intact, only the rows between confirmed beads change."""
    from alignment import bead_store

    with write(db):
        if bead_store.get_beads(db, pair_id, level) != list(current):
            raise ProjectError(
                "the alignment of this pair changed while it was being aligned; run align again"
            )
        n = max((b.ja[1] for b in beads), default=0)
        m = max((b.en[1] for b in beads), default=0)
        if not any(b.status == "confirmed" for b in current) or not _tiles(current, n, m):
            bead_store.save_beads(db, pair_id, beads, level=level, user=user)
            return
        # Replace each run of auto beads by the new beads of the same stretch, last run first so the
        # positions of earlier runs in `current` stay valid.
        runs: list[tuple[int, int]] = []
        k = 0
        while k < len(current):
            if current[k].status == "confirmed":
                k += 1
                continue
            start = k
            while k < len(current) and current[k].status != "confirmed":
                k += 1
            runs.append((start, k))
        new_auto = [b for b in beads if b.status != "confirmed"]
        for start, stop in reversed(runs):
            lo_ja, lo_en = current[start].ja[0], current[start].en[0]
            hi_ja, hi_en = current[stop - 1].ja[1], current[stop - 1].en[1]
            repl = [
                b
                for b in new_auto
                if lo_ja <= b.ja[0] and b.ja[1] <= hi_ja and lo_en <= b.en[0] and b.en[1] <= hi_en
            ]
            bead_store.replace_beads(db, pair_id, current, start, stop, repl, level=level, user=user)
