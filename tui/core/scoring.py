"""Which beads deserve a look, and the aligner's confidence for beads a person made (merge, split, unlink)."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING

from alignment.bead_store import set_scores
from alignment.confidence import is_doubtful
from alignment.model import Bead
from tui.core.project import Project

if TYPE_CHECKING:
    from tui.core.beads import PairState, Realigner


def review_queue(beads: Sequence[Bead], problems: Collection[int] = ()) -> list[int]:
    """The beads worth a look: unconfirmed beads with a term QA problem (a known defect) first, then those
    the aligner doubts (below the calibrated threshold), lowest confidence first. Positions are 0-based."""
    todo = [
        k for k, b in enumerate(beads) if b.status != "confirmed" and (k in problems or is_doubtful(b.score))
    ]
    return sorted(
        todo, key=lambda k: (k not in problems, beads[k].score if beads[k].score is not None else 1.0, k)
    )


# --- scores of beads a person made (merge, split, unlink) -----------------------------------------------


def unscored(state: PairState, start: int, stop: int) -> list[int]:
    """Positions in [start, stop) of stored beads without a score (made by a person's edit)."""
    return [
        k
        for k in range(max(start, 0), min(stop, len(state.beads)))
        if state.beads[k].score is None and state.beads[k].id is not None
    ]


def score_beads(state: PairState, positions: Sequence[int], realigner: Realigner) -> dict[int, float]:
    """The aligner's confidence that each bead is exactly right, by bead row id (slow: call from a worker).

    The bead's own segments are aligned on their own: when the aligner also makes them one bead, that
    bead's calibrated confidence is the score; when it would cut them differently, the score is the chance
    that it is wrong to (one minus its surest bead there).
    """
    out: dict[int, float] = {}
    for k in positions:
        bead = state.beads[k]
        if bead.id is None:
            continue
        found = realigner(state.ja_texts[slice(*bead.ja)], state.en_texts[slice(*bead.en)])
        scores = [b.score for b in found if b.score is not None]
        if not scores:
            continue
        out[bead.id] = round(scores[0] if len(found) == 1 else 1.0 - max(scores), 4)
    return out


def store_scores(project: Project, state: PairState, scores: Mapping[int, float]) -> PairState:
    """Put computed scores on the beads still there (by row id); the alignment itself does not change."""
    if not scores:
        return state
    set_scores(project.db, state.pair.id, scores)
    beads = tuple(
        replace(b, score=scores[b.id]) if b.id is not None and b.id in scores else b for b in state.beads
    )
    return replace(state, beads=beads)
