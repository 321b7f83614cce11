"""Clause beads follow the sentence beads that hold them.

A sentence-level edit (merge, split, move, realign, a whole re-alignment) that changes a sentence bead makes
its clause beads meaningless: they were aligned inside the old bead. Those are reset to one whole clause bead
per changed sentence bead, in the same action as the sentence edit (so one undo brings both back); the clause
beads of every sentence bead that did not change, confirmed ones included, stay exactly as they were.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlite_utils import Database

from alignment import clause_beads
from alignment.bead_store import get_beads
from alignment.model import Bead, Pair
from alignment.store import clause_parents
from tui.core import history


def clause_index(db: Database, pair: Pair, n_ja: int, n_en: int) -> clause_beads.ClauseIndex:
    ja = clause_parents(db, pair.id, "ja")
    en = clause_parents(db, pair.id, "en")
    return clause_beads.ClauseIndex.from_parents(ja, en, n_ja, n_en)


def follow_clauses(
    db: Database,
    ops: list[history.Op],
    pair: Pair,
    old: Sequence[Bead],
    new: Sequence[Bead],
    *,
    user: str,
) -> str:
    """Reset the clause beads of the sentence beads an edit changed (inside the caller's action); returns
    what a person should read about it ('' when the pair has no clause beads or none had to change)."""
    clauses = get_beads(db, pair.id, "clause")
    if not clauses or not new:
        return ""
    n_ja = max(b.ja[1] for b in new)
    n_en = max(b.en[1] for b in new)
    index = clause_index(db, pair, n_ja, n_en)
    followed = clause_beads.follow_sentence_edit(old, new, clauses, index)
    if followed.beads == clauses:
        return ""
    history.store_beads(db, ops, pair.id, clauses, followed.beads, user=user, level="clause")
    changed = [k for k in followed.reset if _had_links(new[k], index, clauses)]
    if not changed:
        return ""
    where = ", ".join(str(k + 1) for k in changed[:5]) + ("…" if len(changed) > 5 else "")
    return f"clause links reset in bead{'s' if len(changed) > 1 else ''} {where}"


def _had_links(bead: Bead, index: clause_beads.ClauseIndex, clauses: Sequence[Bead]) -> bool:
    """Whether a reset bead lost something a person would miss (more than one clause bead's worth)."""
    ja, en = index.clauses_of(bead)
    return (ja[1] - ja[0]) + (en[1] - en[0]) > 2 or any(
        c.status == "confirmed" for c in clauses if clause_beads.inside(c, ja, en)
    )


def reset_sentence(
    db: Database, ops: list[history.Op], pair: Pair, sentences: Sequence[Bead], k: int, *, user: str
) -> bool:
    """Make the clause beads of sentence bead k one whole bead (its English was just written anew, so links
    to the old pieces mean nothing); inside the caller's action. False when there was nothing to change."""
    clauses = get_beads(db, pair.id, "clause")
    if not clauses or not sentences:
        return False
    index = clause_index(db, pair, max(b.ja[1] for b in sentences), max(b.en[1] for b in sentences))
    ja, en = index.clauses_of(sentences[k])
    run = clause_beads.window(clauses, ja, en)
    if run is None or run[1] - run[0] <= 1:
        return False
    new = [*clauses[: run[0]], *clause_beads.whole(ja, en), *clauses[run[1] :]]
    history.store_beads(db, ops, pair.id, clauses, new, user=user, level="clause")
    return True
