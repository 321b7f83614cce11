"""The alignment view's bead edits: merge, split, move, mark, confirm, review and write the English.

Each key applies one of alignment.edit's functions at the cursor and stores it through tui.core (one
undoable action, refused on stale beads like every other edit).
"""

from __future__ import annotations

from collections.abc import Callable

from textual.binding import Binding, BindingType

from alignment import edit
from alignment.edit import EditError
from alignment.model import Bead
from alignment.project import ProjectError
from tui.core.scoring import review_queue, unscored
from tui.screens.align.view import AlignView
from tui.screens.modals import ConfirmModal, RenderModal

BeadEdit = Callable[[list[Bead], int], list[Bead]]

BINDINGS: list[BindingType] = [
    Binding("m", "merge('next')", "Merge", id="align.merge-next", tooltip="Merge the bead with the next one"),
    Binding("M", "merge('prev')", "Merge with previous", show=False, id="align.merge-prev"),
    Binding(
        "s",
        "split",
        "Split",
        show=False,
        id="align.split",
        tooltip="Split the bead after its first segment on each side",
    ),
    Binding(
        "left_square_bracket", "move('ja', 'prev')", "JA: first segment up", show=False, id="align.ja-up"
    ),
    Binding(
        "right_square_bracket", "move('ja', 'next')", "JA: last segment down", show=False, id="align.ja-down"
    ),
    Binding("left_curly_bracket", "move('en', 'prev')", "EN: first segment up", show=False, id="align.en-up"),
    Binding(
        "right_curly_bracket", "move('en', 'next')", "EN: last segment down", show=False, id="align.en-down"
    ),
    Binding(
        "less_than_sign", "pull('ja')", "JA: take next bead's first segment", show=False, id="align.ja-pull"
    ),
    Binding(
        "greater_than_sign",
        "pull('en')",
        "EN: take next bead's first segment",
        show=False,
        id="align.en-pull",
    ),
    Binding("x", "unlink", "Mark 1-0 / 0-1", show=False, id="align.unlink"),
    Binding(
        "c", "toggle_confirm", "Confirm", id="align.confirm", tooltip="Confirm the bead (again: unconfirm)"
    ),
    Binding("space", "confirm_next", "Confirm + next", show=False, id="align.confirm-next"),
    Binding("C", "confirm_above", "Confirm all above", show=False, id="align.confirm-above"),
    Binding(
        "n",
        "review(1)",
        "Review",
        id="align.review-next",
        tooltip="Next bead to review (low score or QA problem)",
    ),
    Binding("N", "review(-1)", "Previous to review", show=False, id="align.review-prev"),
    Binding(
        "e",
        "render",
        "English",
        show=False,
        id="align.render",
        tooltip="Write or edit our English for the bead",
    ),
]


class BeadEdits(AlignView):
    """Keys that change the beads of the pair (or, zoomed, the clause beads of one sentence bead)."""

    @property
    def piece(self) -> str:
        return "piece" if self.zoom is not None else "segment"

    def review_clauses(self, step: int) -> None:
        """The clause review queue (in the zoom part)."""

    def render_clause(self) -> None:
        """Write English for a clause (in the zoom part)."""

    def edit_at_cursor(
        self, fn: BeadEdit, action: str, summary: str, cursor_after: Callable[[int], int] | None = None
    ) -> bool:
        """Apply an alignment.edit function at the cursor, store it with its history entry, redraw."""
        if self.realigning or self.writing_job:
            self.notify(f"Wait until {self.writing_job or 'realigning'} finishes.", severity="warning")
            return False
        if self.stale():
            return False
        state = self.pair_state
        i = self.table.cursor
        try:
            if self.zoom is not None:
                self.zoom = self.session.change_clauses(self.zoom, fn, i, action=action, summary=summary)
                self.state = self.zoom.sentences
            else:
                new = fn(list(state.beads), i)
                self.state = self.session.change_beads(state, new, action=action, summary=summary, cursor=i)
                window = edit.changed_window(state.beads, new)
                self.score_made_beads(unscored(self.state, window.start, window.new_stop))
                if self.state.note:
                    self.notify(f"{self.state.note.capitalize()} (u undoes it).", timeout=6)
        except EditError as exc:
            said = str(exc)
            if self.zoom is not None:  # alignment.edit speaks of beads and segments
                said = said.replace("bead", "clause bead").replace("segment", "piece")
            self.notify(said, severity="warning")
            return False
        except ProjectError as exc:
            self.refused(exc)
            return False
        self.show(cursor_after(i) if cursor_after else i)
        return True

    def action_merge(self, direction: str) -> None:
        i = self.table.cursor
        way: edit.Direction = "next" if direction == "next" else "prev"
        self.edit_at_cursor(
            lambda b, i: edit.merge(b, i, way),
            "merge",
            f"merge {self.noun} {i + 1} with {self.noun} {i + 2 if way == 'next' else i}",
            (lambda i: i) if way == "next" else (lambda i: i - 1),
        )

    def action_split(self) -> None:
        i = self.table.cursor
        self.edit_at_cursor(edit.split, "split", f"split {self.noun} {i + 1}")

    def action_move(self, side: str, direction: str) -> None:
        i = self.table.cursor
        s: edit.Side = "ja" if side == "ja" else "en"
        way: edit.Direction = "prev" if direction == "prev" else "next"
        where = "previous" if way == "prev" else "next"
        self.edit_at_cursor(
            lambda b, i: edit.move_segment(b, i, s, way),
            "move-segment",
            f"move {'an' if s == 'en' else 'a'} {s.upper()} {self.piece} of {self.noun} {i + 1} "
            f"to the {where} {self.noun}",
        )

    def action_pull(self, side: str) -> None:
        i = self.table.cursor
        s: edit.Side = "ja" if side == "ja" else "en"
        self.edit_at_cursor(
            lambda b, i: edit.pull_segment(b, i, s, "next"),
            "pull-segment",
            f"take the next {self.noun}'s first {s.upper()} {self.piece} into {self.noun} {i + 1}",
        )

    def action_unlink(self) -> None:
        i = self.table.cursor
        self.edit_at_cursor(edit.unlink, "unlink", f"mark {self.noun} {i + 1} as 1-0 / 0-1")

    def action_toggle_confirm(self) -> None:
        beads = self.beads
        if not beads:
            return
        i = self.table.cursor
        verb = "unconfirm" if beads[i].status == "confirmed" else "confirm"
        self.edit_at_cursor(edit.toggle_confirm, verb, f"{verb} {self.noun} {i + 1}")

    def action_confirm_next(self) -> None:
        """Prodigy's loop: confirm this bead and go to the next one."""
        beads = self.beads
        if not beads:
            return
        i = self.table.cursor
        if beads[i].status == "confirmed":
            self.table.move_to(i + 1)
            return
        self.edit_at_cursor(edit.confirm, "confirm", f"confirm {self.noun} {i + 1}", lambda i: i + 1)

    def action_confirm_above(self) -> None:
        beads = self.beads
        if not beads or self.stale():
            return
        i = self.table.cursor
        todo = sum(1 for b in beads[: i + 1] if b.status != "confirmed")
        noun = self.noun
        if not todo:
            self.notify(f"Every {noun} down to here is already confirmed.")
            return

        def answered(yes: bool | None) -> None:
            if yes:
                self.edit_at_cursor(
                    edit.confirm_through, "confirm-above", f"confirm {todo} {noun}s from 1 to {i + 1}"
                )

        self.app.push_screen(
            ConfirmModal(f"Confirm {todo} {noun}s from {noun} 1 down to {noun} {i + 1}?"), answered
        )

    def action_review(self, step: int) -> None:
        """The review queue: the next (or previous) bead to check, lowest confidence first (unconfirmed
        beads the aligner doubts, or with a QA problem), with where it stands in the queue."""
        if self.zoom is not None:
            self.review_clauses(step)
            return
        queue = review_queue(self.pair_state.beads, self.problems)
        if not queue:
            self.notify("Nothing left to review: no doubtful bead or QA problem outside confirmed beads.")
            return
        i = self.table.cursor
        k = (queue.index(i) + step) % len(queue) if i in queue else (0 if step > 0 else len(queue) - 1)
        j = queue[k]
        self.table.move_to(j)
        score = self.pair_state.beads[j].score
        why = "QA problem" if j in self.problems else f"confidence {score:.2f}" if score is not None else ""
        self.notify(f"Review {k + 1} of {len(queue)}: bead {j + 1}" + (f", {why}" if why else ""), timeout=3)

    # --- our English -------------------------------------------------------------------------------

    def action_render(self) -> None:
        state = self.pair_state
        if self.writing_job:
            self.notify(f"Wait until {self.writing_job} finishes.", severity="warning")
            return
        if not state.beads or self.stale():
            return
        if self.zoom is not None:
            self.render_clause()
            return
        i = self.table.cursor
        bead = state.beads[i]
        if bead.ja[0] == bead.ja[1]:
            self.notify("This bead has no Japanese to render.", severity="warning")
            return
        ja = "\n".join(state.ja_texts[k] for k in range(*bead.ja))
        en = "\n".join(state.en_texts[k] for k in range(*bead.en))
        title = f"English for bead {i + 1}" + (" (new)" if not en else " (edit)")

        def done(text: str | None) -> None:
            if text is not None:
                self.store_rendering(i, text)

        self.app.push_screen(RenderModal(ja, en, title=title), done)

    def store_rendering(self, i: int, text: str) -> None:
        try:
            self.state = self.session.render(self.pair_state, i, text)
        except ProjectError as exc:
            self.refused(exc)
            return
        self.spans = self.notes.spans_by_segment(self.pair_state.pair)
        self.show(i)
