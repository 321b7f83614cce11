"""Clause beads seen from the sentence beads that hold them: which clauses a sentence bead covers, which clause
beads lie inside it, and what becomes of them when a sentence bead changes or a clause piece is cut.

Clause beads index the pair's clause segments (one list per side, in document order); every clause belongs to
one sentence (its parent). Clause alignment runs inside sentence beads (their ends are cuts every clause
alignment passes through), so the clause beads of one sentence bead are a contiguous run that tiles exactly
its clauses. Everything here is pure: the stores and the application layer call it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TypeVar

from alignment.model import Bead, Lang

Range = tuple[int, int]
E = TypeVar("E")


@dataclass(frozen=True, slots=True)
class ClauseIndex:
    """Where each sentence's clauses start, per side: sentence s owns clauses first[s] to first[s + 1]."""

    ja_first: tuple[int, ...]
    en_first: tuple[int, ...]

    @classmethod
    def from_parents(
        cls, ja_parents: Sequence[int | None], en_parents: Sequence[int | None], n_ja: int, n_en: int
    ) -> ClauseIndex:
        return cls(first_clauses(ja_parents, n_ja), first_clauses(en_parents, n_en))

    def clauses_of(self, bead: Bead) -> tuple[Range, Range]:
        """The JA and EN clause ranges a sentence bead covers."""
        return (
            (self.ja_first[bead.ja[0]], self.ja_first[bead.ja[1]]),
            (self.en_first[bead.en[0]], self.en_first[bead.en[1]]),
        )


def first_clauses(parents: Sequence[int | None], n_sentences: int) -> tuple[int, ...]:
    """first[s] = index of sentence s's first clause (a sentence without clauses starts where the next
    one does); first[n_sentences] = the number of clauses. Parents are in document order."""
    first = [len(parents)] * (n_sentences + 1)
    for k in range(len(parents) - 1, -1, -1):
        parent = parents[k]
        if parent is not None and 0 <= parent < n_sentences:
            first[parent] = k
    for s in range(n_sentences - 1, -1, -1):
        first[s] = min(first[s], first[s + 1])
    return tuple(first)


def sentence_cuts(
    sentence_beads: Sequence[Bead], ja_parents: Sequence[int | None], en_parents: Sequence[int | None]
) -> list[tuple[int, int]]:
    """The clause-index nodes at every sentence bead's start: the cuts every clause alignment passes through
    (`align --level clause`, in one process or on workers)."""
    n_ja = max((b.ja[1] for b in sentence_beads), default=0)
    n_en = max((b.en[1] for b in sentence_beads), default=0)
    index = ClauseIndex.from_parents(ja_parents, en_parents, n_ja, n_en)
    return [(index.ja_first[b.ja[0]], index.en_first[b.en[0]]) for b in sentence_beads]


def inside(bead: Bead, ja: Range, en: Range) -> bool:
    """Whether a clause bead lies within these clause ranges (an empty side at the edge counts by the other)."""
    return ja[0] <= bead.ja[0] <= bead.ja[1] <= ja[1] and en[0] <= bead.en[0] <= bead.en[1] <= en[1]


def window(beads: Sequence[Bead], ja: Range, en: Range) -> Range | None:
    """The run of clause beads [lo, hi) that tiles exactly these clause ranges; None when they do not (the
    sentence bead changed since its clauses were aligned). An empty range on both sides is the empty run."""
    lo = next((k for k, b in enumerate(beads) if b.ja[1] > ja[0] or b.en[1] > en[0]), len(beads))
    if ja[0] == ja[1] and en[0] == en[1]:
        return (lo, lo)
    hi = lo
    pos_ja, pos_en = ja[0], en[0]
    while hi < len(beads) and inside(beads[hi], ja, en) and (pos_ja, pos_en) != (ja[1], en[1]):
        if beads[hi].ja[0] != pos_ja or beads[hi].en[0] != pos_en:
            return None
        pos_ja, pos_en = beads[hi].ja[1], beads[hi].en[1]
        hi += 1
    return (lo, hi) if (pos_ja, pos_en) == (ja[1], en[1]) else None


def whole(ja: Range, en: Range) -> list[Bead]:
    """A sentence bead's clauses as one clause bead (what a reset leaves: nothing linked inside it yet)."""
    return [Bead(ja, en)] if ja[0] != ja[1] or en[0] != en[1] else []


@dataclass(frozen=True, slots=True)
class Followed:
    beads: list[Bead]
    reset: list[int]
    """Positions (0-based) of the new sentence beads whose clause links were reset to one whole bead."""


def follow_sentence_edit(
    old_sentences: Sequence[Bead], new_sentences: Sequence[Bead], clauses: Sequence[Bead], index: ClauseIndex
) -> Followed:
    """The clause beads once the sentence beads changed: a sentence bead that is still there (same ranges)
    keeps its clause beads; a new or changed one gets one whole clause bead over its clauses."""
    kept: dict[tuple[Range, Range], list[Bead]] = {}
    for bead in old_sentences:
        ja, en = index.clauses_of(bead)
        run = window(clauses, ja, en)
        if run is not None:
            kept[(bead.ja, bead.en)] = list(clauses[run[0] : run[1]])
    out: list[Bead] = []
    reset: list[int] = []
    for k, bead in enumerate(new_sentences):
        own = kept.get((bead.ja, bead.en))
        if own is None:
            own = whole(*index.clauses_of(bead))
            reset.append(k)
        out.extend(own)
    return Followed(out, reset)


def sentence_of(sentences: Sequence[Bead], index: ClauseIndex, clause_bead: Bead) -> int | None:
    """The position of the sentence bead holding a clause bead (None when none holds it whole)."""
    for k, bead in enumerate(sentences):
        if inside(clause_bead, *index.clauses_of(bead)):
            return k
    return None


# --- cutting a clause piece in two, and joining two back --------------------------------------------------


def _range_after_cut(r: Range, c: int) -> Range:
    a, b = r
    if a > c:
        return (a + 1, b + 1)
    if a <= c < b:
        return (a, b + 1)
    return r


def _range_after_join(r: Range, c: int) -> Range:
    a, b = r
    if a > c + 1:
        return (a - 1, b - 1)
    if a <= c and c + 1 < b:
        return (a, b - 1)
    return r


def beads_after_cut(beads: Sequence[Bead], lang: Lang, c: int) -> list[Bead]:
    """Clause beads once clause c of `lang` became two: the bead holding it holds both pieces (and loses
    its score: the aligner never saw it so)."""
    return [_with_side(b, lang, _range_after_cut(_side(b, lang), c), _holds(b, lang, c)) for b in beads]


def beads_after_join(beads: Sequence[Bead], lang: Lang, c: int) -> list[Bead]:
    """Clause beads once clauses c and c + 1 of `lang` became one (both must be in the same bead)."""
    return [_with_side(b, lang, _range_after_join(_side(b, lang), c), _holds(b, lang, c)) for b in beads]


def _holds(bead: Bead, lang: Lang, c: int) -> bool:
    a, b = _side(bead, lang)
    return a <= c < b


def same_bead(beads: Sequence[Bead], lang: Lang, c: int) -> bool:
    """Whether clauses c and c + 1 of `lang` are in one clause bead (the only case they can be joined)."""
    return any(_side(b, lang)[0] <= c and c + 1 < _side(b, lang)[1] for b in beads)


def _side(bead: Bead, lang: Lang) -> Range:
    return bead.ja if lang == "ja" else bead.en


def _with_side(bead: Bead, lang: Lang, r: Range, unscored: bool = False) -> Bead:
    if r == _side(bead, lang) and not unscored:
        return bead
    ja, en = (r, bead.en) if lang == "ja" else (bead.ja, r)
    score = None if unscored else bead.score
    return Bead(ja, en, score, bead.status, bead.id, bead.updated_by, bead.updated_at)


def piece_cut(text: str, start: int, end: int, at: int) -> tuple[Range, Range] | None:
    """The two pieces when the clause text[start:end] is cut at `at` (document offsets): the whitespace at
    the cut belongs to neither; None when either piece would be empty."""
    if not start < at < end:
        return None
    left_end = at
    while left_end > start and text[left_end - 1].isspace():
        left_end -= 1
    right_start = at
    while right_start < end and text[right_start].isspace():
        right_start += 1
    if left_end == start or right_start == end:
        return None
    return (start, left_end), (right_start, end)


def word_cuts(piece: str, base: int = 0) -> list[int]:
    """Where a piece (starting at document offset `base`) can be cut: English at the start of each word
    after the first, Japanese (no spaces) between any two characters."""
    spaced = 2 * sum(ord(ch) > 0x2E7F for ch in piece) < len(piece.strip())  # mostly Latin: words
    return [
        base + k
        for k in range(1, len(piece))
        if not piece[k].isspace() and (piece[k - 1].isspace() or not spaced)
    ]


# --- crossings inside a sentence ------------------------------------------------------------------------


def uncross(beads: Sequence[Bead]) -> list[Bead]:
    """The clause beads of one sentence bead with every crossing put in one bead.

    A sentence bead is a translation: every clause of it is rendered somewhere in the other side. A clause
    bead left 1-0 or 0-1 there is almost always a clause the translator moved (Japanese puts modifiers and
    means before the head, English after), which a monotone bead cannot cross: so the beads from the first
    unpaired one to the last one become one bead, and a lone unpaired clause takes in everything between it
    and the far edge of the sentence, where its counterpart went. Beads left paired on either side stay.
    """
    unpaired = [k for k, b in enumerate(beads) if (b.ja[0] == b.ja[1]) != (b.en[0] == b.en[1])]
    if not unpaired or len(beads) < 2:
        return list(beads)
    lo, hi = unpaired[0], unpaired[-1] + 1
    if lo + 1 == hi:  # one unpaired bead: its counterpart lies towards the farther edge
        lo, hi = (lo, len(beads)) if len(beads) - hi >= lo else (0, hi)
    run = beads[lo:hi]
    scores = [b.score for b in run if b.score is not None]
    merged = Bead(
        (run[0].ja[0], run[-1].ja[1]),
        (run[0].en[0], run[-1].en[1]),
        min(scores) if scores else None,
    )
    return [*beads[:lo], merged, *beads[hi:]]


def uncross_found(found: list[tuple[Bead, E]]) -> list[tuple[Bead, E]]:
    """`uncross` over the aligner's (bead, evidence) pairs; a merged bead keeps its first part's evidence."""
    kept = uncross([b for b, _ in found])
    if len(kept) == len(found):
        return found
    evidence = {id(b): e for b, e in found}
    return [(b, evidence.get(id(b), found[0][1])) for b in kept]
