"""Clause actions: zoom into a sentence bead, edit the clause beads inside it, cut and join clause pieces,
realign its unconfirmed clauses, and write English for a clause.

The clause beads of the whole pair live in one list (level 'clause'); a zoom shows the run of them that tiles
one sentence bead (alignment.clause_beads.window). Edits apply alignment.edit's functions to that run only,
so no clause edit ever crosses the sentence bead's edge, and go through the same `change_beads` as sentence
edits: one undoable action in the one shared history, refused on stale beads.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from sqlite_utils import Database

from alignment import clause_beads, clause_store
from alignment.bead_store import get_beads
from alignment.edit import EditError, unconfirmed_stretch
from alignment.model import Bead, Lang
from alignment.project import ProjectError
from alignment.store import pair_revision, pair_segments
from tui.core import history
from tui.core.beads import PairState, Stretch, change_beads, check_current, load_pair
from tui.core.project import Project
from tui.core.scoring import review_queue

BeadEdit = Callable[[list[Bead], int], list[Bead]]


@dataclass(frozen=True, slots=True)
class ClauseState:
    """One sentence bead seen at clause level: the pair's sentence beads, all its clause beads, and the run
    of clause beads inside the zoomed sentence bead."""

    sentences: PairState
    clauses: PairState
    """Level 'clause': beads are the pair's clause beads, texts and starts are clause texts and starts."""
    index: clause_beads.ClauseIndex
    sentence: int
    """Position (0-based) of the zoomed sentence bead."""
    run: tuple[int, int] | None
    """Clause beads [lo, hi) inside the sentence bead; None when the pair has none there (not aligned at
    clause level, or the sentence bead changed since its clauses were aligned)."""
    ja_parents: tuple[int | None, ...] = ()
    en_parents: tuple[int | None, ...] = ()

    @property
    def beads(self) -> tuple[Bead, ...]:
        """The clause beads shown (those of the zoomed sentence bead)."""
        if self.run is None:
            return ()
        return self.clauses.beads[self.run[0] : self.run[1]]

    @property
    def offset(self) -> int:
        return self.run[0] if self.run else 0

    @property
    def aligned(self) -> bool:
        """Whether the pair has clause beads at all (none: the first zoom aligns its clauses)."""
        return bool(self.clauses.beads)

    @property
    def ranges(self) -> tuple[tuple[int, int], tuple[int, int]]:
        """The JA and EN clause ranges of the zoomed sentence bead."""
        return self.index.clauses_of(self.sentences.beads[self.sentence])


def load_clauses(db: Database, name: str, sentence: int, sentences: PairState | None = None) -> ClauseState:
    """A sentence bead's clauses and clause beads; reading never writes."""
    state = sentences if sentences is not None else load_pair(db, name)
    if not 0 <= sentence < len(state.beads):
        raise ProjectError(f"{name} has {len(state.beads)} beads; there is no bead {sentence + 1}")
    pair = state.pair
    ja = pair_segments(db, pair, "ja", "clause")
    en = pair_segments(db, pair, "en", "clause")
    if not ja:
        raise ProjectError(f"{name} has no Japanese clauses (re-import it to cut its sentences into clauses)")
    beads = tuple(get_beads(db, pair.id, "clause"))
    clauses = PairState(
        pair,
        beads,
        tuple(s.text for s in ja),
        tuple(s.text for s in en),
        tuple(s.start for s in ja),
        tuple(s.start for s in en),
        stored=bool(beads),
        revision=pair_revision(db, pair.id),
        level="clause",
    )
    ja_parents = tuple(s.parent for s in ja)
    en_parents = tuple(s.parent for s in en)
    index = clause_beads.ClauseIndex.from_parents(
        ja_parents, en_parents, len(state.ja_texts), len(state.en_texts)
    )
    run = clause_beads.window(beads, *index.clauses_of(state.beads[sentence])) if beads else None
    return ClauseState(state, clauses, index, sentence, run, ja_parents, en_parents)


def reload(db: Database, zoom: ClauseState, sentence: int | None = None) -> ClauseState:
    name = zoom.sentences.pair.name
    state = load_pair(db, name)
    target = zoom.sentence if sentence is None else sentence
    return load_clauses(db, name, max(0, min(target, len(state.beads) - 1)), state)


def change_clauses(
    project: Project, zoom: ClauseState, fn: BeadEdit, cursor: int, *, action: str, summary: str
) -> ClauseState:
    """Apply an alignment.edit function to the zoomed run of clause beads (cursor counted in the run)."""
    if zoom.run is None:
        raise ProjectError(NOT_ALIGNED)
    lo, hi = zoom.run
    new_run = fn(list(zoom.beads), cursor)
    new = [*zoom.clauses.beads[:lo], *new_run, *zoom.clauses.beads[hi:]]
    where = f"bead {zoom.sentence + 1}: {summary}"  # change_beads names the pair
    change_beads(project, zoom.clauses, new, action=f"clause-{action}", summary=where, cursor=zoom.sentence)
    return reload(project.db, zoom)


NOT_ALIGNED = "the clauses of this bead are not aligned yet (z aligns them)"


def repair(project: Project, zoom: ClauseState) -> ClauseState:
    """Give every sentence bead whose clause beads no longer tile it one whole clause bead (one action);
    the clause beads of sentence beads that did not change are kept."""
    sentences = zoom.sentences.beads
    followed = clause_beads.follow_sentence_edit(sentences, sentences, zoom.clauses.beads, zoom.index)
    if not followed.reset:
        return zoom
    n = len(followed.reset)
    where = f"reset the clause links of {n} bead{'s' if n > 1 else ''}"
    change_beads(
        project, zoom.clauses, followed.beads, action="clause-reset", summary=where, cursor=zoom.sentence
    )
    return reload(project.db, zoom)


# --- cutting and joining pieces ------------------------------------------------------------------------


@history.register_op("clause_cut")
def _apply_cut(db: Database, op: history.Op, forward: bool, user: str) -> None:
    try:
        clause_store.apply_cut(db, op, forward=forward)
    except clause_store.CutConflict as exc:
        raise history.HistoryConflict(str(exc)) from None


def cut_piece(project: Project, zoom: ClauseState, lang: Lang, clause: int, at: int) -> ClauseState:
    """Cut clause `clause` (index in the pair's clauses of `lang`) at document offset `at`: one action."""
    _check_in_zoom(zoom, lang, clause)
    return _cut_action(
        project,
        zoom,
        lang,
        clause,
        lambda db: clause_store.plan_cut(db, zoom.sentences.pair.id, lang, clause, at),
        "cut",
    )


def join_pieces(project: Project, zoom: ClauseState, lang: Lang, clause: int) -> ClauseState:
    """Join clauses `clause` and `clause + 1` of `lang` back into one piece: one action."""
    _check_in_zoom(zoom, lang, clause)
    _check_in_zoom(zoom, lang, clause + 1)
    return _cut_action(
        project,
        zoom,
        lang,
        clause,
        lambda db: clause_store.plan_join(db, zoom.sentences.pair.id, lang, clause),
        "join",
    )


def _cut_action(
    project: Project,
    zoom: ClauseState,
    lang: Lang,
    clause: int,
    plan: Callable[[Database], clause_store.Cut],
    verb: str,
) -> ClauseState:
    db = project.db
    pair = zoom.sentences.pair
    side = "English" if lang == "en" else "Japanese"
    article = "an" if lang == "en" else "a"
    what = f"cut {article} {side} piece" if verb == "cut" else f"join two {side} pieces"
    with project.action(
        f"clause-{verb}",
        f"{pair.name}: bead {zoom.sentence + 1}: {what}",
        pair_id=pair.id,
        bead=zoom.sentence,
    ) as act:
        check_current(db, zoom.clauses)
        op = plan(db)
        clause_store.apply_cut(db, op)
        act.ops.append(op)
    return reload(db, zoom)


def _check_in_zoom(zoom: ClauseState, lang: Lang, clause: int) -> None:
    ja, en = zoom.ranges
    lo, hi = ja if lang == "ja" else en
    if not lo <= clause < hi:
        raise EditError("that piece is not in this bead")


def piece_spans(zoom: ClauseState, lang: Lang, bead: Bead) -> list[tuple[int, int, int]]:
    """(clause index, start, end) of a clause bead's pieces on one side, in document offsets."""
    texts = zoom.clauses.ja_texts if lang == "ja" else zoom.clauses.en_texts
    starts = zoom.clauses.ja_starts if lang == "ja" else zoom.clauses.en_starts
    a, b = bead.ja if lang == "ja" else bead.en
    return [(k, starts[k], starts[k] + len(texts[k])) for k in range(a, b)]


# --- realigning the unconfirmed clauses of the zoomed sentence bead ---------------------------------------


def clause_stretch(zoom: ClauseState, cursor: int) -> Stretch | None:
    """The unconfirmed run of clause beads around the cursor, never beyond the zoomed sentence bead."""
    if zoom.run is None or not zoom.beads:
        return None
    start, stop = unconfirmed_stretch(zoom.beads, cursor)
    if start == stop:
        return None
    first, last = zoom.beads[start], zoom.beads[stop - 1]
    lo = zoom.offset
    return Stretch(lo + start, lo + stop, (first.ja[0], last.ja[1]), (first.en[0], last.en[1]))


def apply_clause_realignment(
    project: Project, zoom: ClauseState, stretch: Stretch, beads: Sequence[Bead]
) -> ClauseState:
    """Put a computed realignment of the zoomed bead's clauses in place (refused if they changed meanwhile)."""
    current = zoom.clauses.beads[stretch.start : stretch.stop]
    if any(b.status == "confirmed" for b in current) or len(current) != stretch.stop - stretch.start:
        raise ProjectError("the clause beads changed while realigning; realign again")
    new = [*zoom.clauses.beads[: stretch.start], *beads, *zoom.clauses.beads[stretch.stop :]]
    lo, n = zoom.offset, stretch.stop - stretch.start
    what = f"realign clause beads {stretch.start - lo + 1}–{stretch.stop - lo} ({n} → {len(beads)})"
    where = f"bead {zoom.sentence + 1}: {what}"
    change_beads(project, zoom.clauses, new, action="clause-realign", summary=where, cursor=zoom.sentence)
    return reload(project.db, zoom)


def review_clauses(zoom: ClauseState) -> list[int]:
    """The clause beads worth a look across the whole pair (positions in the pair's clause beads)."""
    return review_queue(zoom.clauses.beads)


def sentence_of_clause(zoom: ClauseState, position: int) -> int | None:
    """The sentence bead holding clause bead `position` (for the clause review queue)."""
    return clause_beads.sentence_of(zoom.sentences.beads, zoom.index, zoom.clauses.beads[position])


# --- our English for one clause ---------------------------------------------------------------------------


def write_clause_english(project: Project, zoom: ClauseState, cursor: int, typed: str) -> ClauseState:
    """Make `typed` the English of the clause bead at `cursor` (in the zoomed run): one action."""
    from alignment.clause_render import plan_clause_rendering
    from alignment.render import apply_splice
    from tui.core.spans import follow_splice

    if zoom.run is None:
        raise ProjectError(NOT_ALIGNED)
    db = project.db
    pair = zoom.sentences.pair
    where = f"{pair.name}: bead {zoom.sentence + 1}: write English for clause bead {cursor + 1}"
    with project.action("clause-render", where, pair_id=pair.id, bead=zoom.sentence) as act:
        check_current(db, zoom.clauses)
        splice = plan_clause_rendering(
            db, pair.id, zoom.sentence, zoom.offset + cursor, typed, user=project.user
        )
        apply_splice(db, splice)
        act.ops.append(splice)
        act.ops.extend(follow_splice(db, pair, splice))
    return reload(db, zoom)
