"""What the app holds while it runs: the project, the realigner, the glossary side, and a change counter.

No Textual here: screens call these methods (or the tui.core functions directly) and show the results.
Every method that changes the project is one undoable action of the application layer.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from sqlite_utils import Database

from alignment.model import Bead, Lang, Pair
from alignment.parse import parse_texts
from alignment.project import ProjectError
from alignment.store import get_pair, list_pairs, pair_summaries
from glossary.qa import check
from tui.core import beads, clauses, scoring, undo
from tui.core.annotations import Annotations
from tui.core.beads import PairState, Realigner, Stretch
from tui.core.history import Entry
from tui.core.project import Project
from tui.core.spans import english_edges, span_counts


@dataclass(frozen=True, slots=True)
class PairProgress:
    name: str
    beads: int
    confirmed: int
    ja_segments: int
    en_segments: int
    title: str = ""
    """The document's first Japanese sentence, shortened: what the pair is about."""
    spans_suggested: int = 0
    spans_decided: int = 0
    qa_problems: int = 0


class Session:
    """The project file, the analyst, and the helpers the app needs (passed in, so tests can swap them)."""

    def __init__(
        self,
        project: Project,
        *,
        realigner: Realigner | None = None,
        clause_realigner: Realigner | None = None,
    ) -> None:
        self.project = project
        self.realigner = realigner
        self.clause_realigner = clause_realigner
        """Aligns the clauses of one sentence bead (R at clause level); None: the sentence realigner."""
        self.annotations = Annotations(project)
        self.generation = 0
        """Bumped by every undo and redo, so screens underneath know to reload when they come back."""

    @property
    def db(self) -> Database:
        return self.project.db

    @property
    def user(self) -> str:
        return self.project.user

    @property
    def path(self) -> Path | None:
        return self.project.path

    # --- reading -----------------------------------------------------------------------------------

    def progress(self) -> list[PairProgress]:
        out = []
        for s in pair_summaries(self.db):
            pair = get_pair(self.db, s.name)
            suggested, decided = span_counts(self.db, pair.id)
            beads_shown = s.beads or s.ja_sentences + s.en_sentences
            out.append(
                PairProgress(
                    s.name,
                    beads_shown,
                    s.confirmed,
                    s.ja_sentences,
                    s.en_sentences,
                    s.title,
                    spans_suggested=suggested,
                    spans_decided=decided,
                )
            )
        return out

    def worker_db(self) -> Database:
        """A connection of its own for a worker thread (the app's stays with the app)."""
        return self.project.connect()

    def _close(self, db: Database) -> None:
        if db is not self.db:
            db.close()

    def qa_counts(self) -> dict[str, int]:
        """QA problems per pair (reads every bead of every pair: call from a worker)."""
        db = self.worker_db()
        try:
            rules = Annotations(Project(db, self.user, self.path)).rules()
            if not rules.allowed_en and not rules.bad_kind:
                return {}
            return {p.name: len(check(db, p, rules) or []) for p in list_pairs(db)}
        finally:
            self._close(db)

    def pair_problems(self, pair: Pair) -> frozenset[int]:
        """Bead indexes of the pair with a QA problem (call from a worker)."""
        db = self.worker_db()
        try:
            return Annotations(Project(db, self.user, self.path)).pair_problems(pair)
        finally:
            self._close(db)

    def pair_names(self) -> list[str]:
        return [p.name for p in list_pairs(self.db)]

    def load(self, name: str) -> PairState:
        return beads.load_pair(self.db, name)

    def is_current(self, state: PairState) -> bool:
        return beads.is_current(self.db, state)

    def bead_of_segment(self, name: str, lang: str, segment: int) -> int | None:
        """The position of the sentence bead holding a segment (for provenance given by segment)."""
        return beads.bead_of_segment(self.db, get_pair(self.db, name), lang, segment)

    # --- changing beads ----------------------------------------------------------------------------

    def change_beads(
        self, state: PairState, new: Sequence[Bead], *, action: str, summary: str, cursor: int
    ) -> PairState:
        return beads.change_beads(self.project, state, new, action=action, summary=summary, cursor=cursor)

    def store_scores(self, state: PairState, scores: Mapping[int, float]) -> PairState:
        return scoring.store_scores(self.project, state, scores)

    def stretch(self, state: PairState, cursor: int) -> Stretch | None:
        return beads.stretch_at(state, cursor)

    def compute_realignment(self, state: PairState, stretch: Stretch) -> list[Bead]:
        realigner = self.clause_realigner if state.level == "clause" else None
        realigner = realigner or self.realigner
        if realigner is None:
            raise ProjectError("no aligner was given to this session")
        return beads.compute_realignment(state, stretch, realigner)

    def apply_realignment(self, state: PairState, stretch: Stretch, result: Sequence[Bead]) -> PairState:
        return beads.apply_realignment(self.project, state, stretch, result)

    def render(self, state: PairState, bead_index: int, typed: str) -> PairState:
        return beads.write_english(self.project, state, bead_index, typed)

    def token_edges(self, lang: str, text: str) -> list[int]:
        """Token boundaries of a segment: GiNZA's for Japanese (cached parse, or parsed now: slow, so the span
        editor calls this from a worker), word edges for English."""
        if lang != "ja":
            return english_edges(text)
        db = self.worker_db()
        try:
            parse = parse_texts(db, [text])[0]
        finally:
            self._close(db)
        edges = {0, len(text)}
        for t in parse.tokens:
            edges.update((t.start, t.end))
        return sorted(edges)

    # --- clauses -----------------------------------------------------------------------------------

    def zoom(self, state: PairState, sentence: int) -> clauses.ClauseState:
        return clauses.load_clauses(self.db, state.pair.name, sentence, state)

    def reload_zoom(self, zoom: clauses.ClauseState, sentence: int | None = None) -> clauses.ClauseState:
        return clauses.reload(self.db, zoom, sentence)

    def change_clauses(
        self, zoom: clauses.ClauseState, fn: clauses.BeadEdit, cursor: int, *, action: str, summary: str
    ) -> clauses.ClauseState:
        return clauses.change_clauses(self.project, zoom, fn, cursor, action=action, summary=summary)

    def apply_clause_realignment(
        self, zoom: clauses.ClauseState, stretch: Stretch, result: Sequence[Bead]
    ) -> clauses.ClauseState:
        return clauses.apply_clause_realignment(self.project, zoom, stretch, result)

    def repair_clauses(self, zoom: clauses.ClauseState) -> clauses.ClauseState:
        return clauses.repair(self.project, zoom)

    def cut_piece(self, zoom: clauses.ClauseState, lang: Lang, clause: int, at: int) -> clauses.ClauseState:
        return clauses.cut_piece(self.project, zoom, lang, clause, at)

    def join_pieces(self, zoom: clauses.ClauseState, lang: Lang, clause: int) -> clauses.ClauseState:
        return clauses.join_pieces(self.project, zoom, lang, clause)

    def render_clause(self, zoom: clauses.ClauseState, cursor: int, typed: str) -> clauses.ClauseState:
        return clauses.write_clause_english(self.project, zoom, cursor, typed)

    def align_clauses(self, pair: Pair) -> None:
        """Align the pair's clauses inside its sentence beads (slow: call from a worker), one action."""
        db = self.worker_db()
        try:
            project = Project(db, self.user, self.path)
            beads.align_pairs(project, [pair], level="clause")
        finally:
            self._close(db)

    # --- undo and redo -----------------------------------------------------------------------------

    def undo(self) -> Entry | None:
        entry = undo.undo(self.project)
        self.generation += entry is not None
        self.annotations.invalidate()
        return entry

    def redo(self) -> Entry | None:
        entry = undo.redo(self.project)
        self.generation += entry is not None
        self.annotations.invalidate()
        return entry
