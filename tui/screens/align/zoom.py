"""The alignment view's clause level: `z` zooms into a sentence bead (and back out), `/` cuts and joins
clause pieces, and at clause level the review queue, our English and realign work on clauses.

Zoomed, the table shows the clause beads of one sentence bead and every bead key (merge, split, move, mark,
confirm, undo) acts on them through tui.core.clauses. The first zoom into a pair nobody aligned at clause
level aligns its clauses in a worker (with the loading indicator), as one undoable action.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from textual import work
from textual.binding import Binding, BindingType
from textual.message import Message

from alignment.edit import EditError
from alignment.model import Bead, Lang, Pair
from alignment.project import ProjectError
from tui.core import clauses
from tui.core.history import Entry, level_of
from tui.screens.align.bead_edits import BeadEdits
from tui.screens.align.view import find_again
from tui.screens.cut_pieces import CutChoice, CutPiecesModal, Piece
from tui.screens.modals import RenderModal

BINDINGS: list[BindingType] = [
    Binding(
        "z",
        "zoom",
        "Clauses",
        id="align.zoom",
        tooltip="Zoom into the bead's clauses (again: back to sentences)",
    ),
    Binding(
        "slash",
        "cut_pieces",
        "Cut/join clause pieces",
        show=False,
        id="align.cut",
        tooltip="At clause level: cut a piece at a word, or join two pieces",
    ),
]


@dataclass
class ClausesAligned(Message, bubble=False):
    """The pair's clauses were aligned in a worker thread (or why not)."""

    pair_id: int
    sentence: int
    error: str | None = None


class Zoom(BeadEdits):
    """Keys and jobs of the clause level."""

    def change_zoom(self, change: Callable[[clauses.ClauseState], clauses.ClauseState]) -> bool:
        """Run one clause action of tui.core on the zoom; a refusal is shown (a rule's as a warning)."""
        if self.zoom is None:
            return False
        try:
            self.zoom = change(self.zoom)
        except EditError as exc:  # a refusal that explains itself (pieces in two beads, say)
            self.notify(str(exc), severity="warning")
            return False
        except ProjectError as exc:
            self.refused(exc)
            return False
        self.state = self.zoom.sentences
        return True

    # --- zooming ---------------------------------------------------------------------------------------

    def action_back(self) -> None:
        """Escape goes out one level: from the clauses to the sentences, from there to the pair list."""
        if self.zoom is not None:
            self.action_zoom()
            return
        super().action_back()

    def action_zoom(self) -> None:
        if self.busy or self.realigning:
            self.notify("Wait until the running job finishes.", severity="warning")
            return
        if self.zoom is not None:
            sentence, self.zoom = self.zoom.sentence, None
            self.show(sentence)
            return
        state = self.pair_state
        if not state.beads or self.stale():
            return
        self.zoom_into(self.table.cursor)

    def zoom_into(self, sentence: int, cursor: int = 0) -> None:
        try:
            zoom = self.session.zoom(self.pair_state, sentence)
        except ProjectError as exc:
            self.refused(exc)
            return
        if not zoom.aligned:
            if not self.pair_state.en_texts:
                self.notify("This pair has no English yet: e writes it for a bead, then z shows its clauses.")
                return
            if not self.pair_state.stored:
                name = self.pair_name
                self.notify(f"Align the pair's sentences first: R here, or `taiyaku align {name}`.")
                return
            self.set_busy(True)
            self.writing_job = "aligning the clauses"
            self.show_status("aligning the clauses of this pair inside its sentence beads…")
            self._align_clauses_worker(self.pair_state.pair, sentence)
            return
        if zoom.run is None:
            try:
                zoom = self.session.repair_clauses(zoom)
            except ProjectError as exc:
                self.refused(exc)
                return
            self.notify(
                "The clause links of beads changed since their clauses were aligned were reset (u undoes it).",
                timeout=6,
            )
        self.zoom = zoom
        self.state = zoom.sentences
        self.show(cursor)

    @work(thread=True, exclusive=True, group="clauses")
    def _align_clauses_worker(self, pair: Pair, sentence: int) -> None:
        try:
            self.session.align_clauses(pair)
        except Exception as exc:  # reported in the UI; the project is untouched
            self.post_message(ClausesAligned(pair.id, sentence, str(exc) or type(exc).__name__))
            return
        self.post_message(ClausesAligned(pair.id, sentence))

    def on_clauses_aligned(self, message: ClausesAligned) -> None:
        self.set_busy(False)
        self.writing_job = None
        if self.state is None or self.state.pair.id != message.pair_id:
            return
        if message.error:
            self.notify(f"Aligning the clauses failed: {message.error}", severity="error", timeout=8)
            self.show_status()
            return
        self.state = self.session.load(self.pair_name)
        self.zoom_into(message.sentence)
        self.notify("Clauses aligned inside every sentence bead (u undoes it); z zooms back out.", timeout=5)

    def refocus(self, entry: Entry | None, before: Bead | None) -> int | None:
        """After undo, redo or a refresh: show the level where the change was (a clause action zooms into
        its bead, a sentence action shows the sentences), else stay at the level shown, on the same bead."""
        state = self.pair_state
        here = entry is not None and entry.pair_id == state.pair.id and entry.bead is not None
        level = level_of(entry) if here and entry is not None else None
        if level == "sentence" and entry is not None:
            self.zoom = None
            return entry.bead
        if self.zoom is None and level is None:
            return super().refocus(entry, before)
        if here and entry is not None and entry.bead is not None:
            sentence: int | None = entry.bead
        else:  # the same sentence bead, found again by its segments (another program may have moved it)
            assert self.zoom is not None
            sentence = find_again(state.beads, self.zoom.sentences.beads[self.zoom.sentence])
            if sentence is not None and (state.beads[sentence].ja, state.beads[sentence].en) != (
                self.zoom.sentences.beads[self.zoom.sentence].ja,
                self.zoom.sentences.beads[self.zoom.sentence].en,
            ):
                self.notify(f"Bead {sentence + 1} was changed elsewhere: back at the sentence level.")
                self.zoom = None
                return sentence
        if sentence is None or not 0 <= sentence < len(state.beads):
            self.zoom = None
            return sentence
        try:
            zoom = self.session.zoom(state, sentence)
        except ProjectError:
            self.zoom = None
            return sentence
        if zoom.run is None:
            self.zoom = None
            return sentence
        self.zoom = zoom
        return find_again(zoom.beads, before) if not here else None

    # --- cutting and joining pieces ------------------------------------------------------------------

    def action_cut_pieces(self) -> None:
        zoom = self.zoom
        if zoom is None:
            self.notify("Zoom into the bead's clauses first (z).", severity="warning")
            return
        if not zoom.beads or self.stale():
            return
        bead = zoom.beads[self.table.cursor]
        texts = {"ja": zoom.clauses.ja_texts, "en": zoom.clauses.en_texts}
        pieces = {
            lang: [Piece(k, start, texts[lang][k]) for k, start, _ in clauses.piece_spans(zoom, lang, bead)]
            for lang in ("en", "ja")
        }
        if not pieces["en"] and not pieces["ja"]:
            return
        title = f"Pieces of clause bead {self.table.cursor + 1} (bead {zoom.sentence + 1})"
        self.app.push_screen(CutPiecesModal(pieces, title=title), self.cut_chosen)

    def cut_chosen(self, choice: CutChoice | None) -> None:
        if choice is None or self.zoom is None:
            return
        lang: Lang = "ja" if choice.lang == "ja" else "en"
        row = self.table.cursor
        if choice.at is None:
            done = "Joined the two pieces"
            ok = self.change_zoom(lambda z: self.session.join_pieces(z, lang, choice.clause))
        else:
            at = choice.at
            done = "Cut the piece"
            ok = self.change_zoom(lambda z: self.session.cut_piece(z, lang, choice.clause, at))
        if not ok:
            return
        self.show(row)
        self.notify(f"{done} (u undoes it; s splits the clause bead, / cuts again).", timeout=4)

    # --- the clause review queue, our English for a clause -------------------------------------------

    def review_clauses(self, step: int) -> None:
        zoom = self.zoom
        if zoom is None:
            return
        queue = clauses.review_clauses(zoom)
        if not queue:
            self.notify(
                "Nothing left to review at clause level: no doubtful clause bead outside confirmed ones."
            )
            return
        here = zoom.offset + self.table.cursor
        k = (queue.index(here) + step) % len(queue) if here in queue else (0 if step > 0 else len(queue) - 1)
        j = queue[k]
        sentence = clauses.sentence_of_clause(zoom, j)
        if sentence is None:
            self.notify("That clause bead crosses its sentence bead's edge: realign it at sentence level.")
            return
        if sentence != zoom.sentence:
            self.zoom = self.session.zoom(self.pair_state, sentence)
        self.show(j - (self.zoom.offset if self.zoom else 0))
        score = zoom.clauses.beads[j].score
        why = f", confidence {score:.2f}" if score is not None else ""
        self.notify(f"Review {k + 1} of {len(queue)}: a clause bead of bead {sentence + 1}{why}", timeout=3)

    def render_clause(self) -> None:
        zoom = self.zoom
        if zoom is None or not zoom.beads:
            return
        row = self.table.cursor
        bead = zoom.beads[row]
        holder = zoom.sentences.beads[zoom.sentence]
        if holder.en[0] == holder.en[1]:
            self.render_sentence_here(zoom)
            return
        if bead.ja[0] == bead.ja[1]:
            self.notify("This clause bead has no Japanese to render.", severity="warning")
            return
        ja = "\n".join(zoom.clauses.ja_texts[k] for k in range(*bead.ja))
        en = " ".join(zoom.clauses.en_texts[k].strip() for k in range(*bead.en))
        title = f"English for clause bead {row + 1} of bead {zoom.sentence + 1}" + (
            " (edit)" if en else " (new)"
        )

        def done(text: str | None) -> None:
            if text is None or not self.change_zoom(lambda z: self.session.render_clause(z, row, text)):
                return
            self.spans = self.notes.spans_by_segment(self.pair_state.pair)
            self.show(row)

        self.app.push_screen(RenderModal(ja, en, title=title), done)

    def render_sentence_here(self, zoom: clauses.ClauseState) -> None:
        """The sentence has no English at all: write it for the whole sentence bead (then its clauses are one
        clause bead, ready to cut), without leaving the clause level."""
        sentence = zoom.sentence
        state = zoom.sentences
        ja = "\n".join(state.ja_texts[k] for k in range(*state.beads[sentence].ja))
        title = f"English for bead {sentence + 1} (new: the sentence has none yet)"

        def done(text: str | None) -> None:
            if text is None:
                return
            try:
                self.state = self.session.render(self.pair_state, sentence, text)
                self.zoom = self.session.zoom(self.state, sentence)
            except ProjectError as exc:
                self.refused(exc)
                return
            self.spans = self.notes.spans_by_segment(self.pair_state.pair)
            if self.zoom.run is None:
                self.zoom = None
            self.show(0 if self.zoom is not None else sentence)

        self.app.push_screen(RenderModal(ja, "", title=title), done)
