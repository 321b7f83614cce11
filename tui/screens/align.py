"""The alignment view: the bead table, the current bead in full with its spans, and the glossary panel."""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Header, LoadingIndicator, Static

from alignment import edit
from alignment.edit import EditError
from alignment.model import Bead
from alignment.project import ProjectError
from tui.messages import ProjectChanged, RealignFinished
from tui.screens.modals import ConfirmModal, RenderModal
from tui.session import PairState, Session, Stretch
from tui.widgets.bead_detail import BeadDetail
from tui.widgets.bead_table import BeadTable, TableData
from tui.widgets.glossary_panel import GlossaryPanel

BeadEdit = Callable[[list[Bead], int], list[Bead]]


class AlignScreen(Screen[None]):
    """One pair. Keys act on the bead under the cursor; every change is stored at once and can be undone."""

    BINDINGS: ClassVar = [
        # editing the alignment
        Binding("m", "merge('next')", "Merge", id="align.merge-next", tooltip="Merge the bead with the next one"),
        Binding("M", "merge('prev')", "Merge with previous", show=False, id="align.merge-prev"),
        Binding("s", "split", "Split", id="align.split", tooltip="Split the bead after its first segment on each side"),
        Binding("left_square_bracket", "move('ja', 'prev')", "JA: first segment up", show=False,
                id="align.ja-up"),
        Binding("right_square_bracket", "move('ja', 'next')", "JA: last segment down", show=False,
                id="align.ja-down"),
        Binding("left_curly_bracket", "move('en', 'prev')", "EN: first segment up", show=False,
                id="align.en-up"),
        Binding("right_curly_bracket", "move('en', 'next')", "EN: last segment down", show=False,
                id="align.en-down"),
        Binding("less_than_sign", "pull('ja')", "JA: take next bead's first segment", show=False,
                id="align.ja-pull"),
        Binding("greater_than_sign", "pull('en')", "EN: take next bead's first segment", show=False,
                id="align.en-pull"),
        Binding("x", "unlink", "Mark 1-0 / 0-1", show=False, id="align.unlink"),
        # review
        Binding("c", "toggle_confirm", "Confirm", id="align.confirm", tooltip="Confirm the bead (again: unconfirm)"),
        Binding("space", "confirm_next", "Confirm + next", show=False, id="align.confirm-next"),
        Binding("C", "confirm_above", "Confirm all above", show=False, id="align.confirm-above"),
        Binding("n", "review(1)", "Review", id="align.review-next", tooltip="Next bead to review (low score or QA problem)"),
        Binding("N", "review(-1)", "Previous to review", show=False, id="align.review-prev"),
        Binding("R", "realign", "Realign", id="align.realign", tooltip="Realign the unconfirmed stretch around the cursor"),
        # English
        Binding("e", "render", "English", id="align.render", tooltip="Write or edit our English for the bead"),
        # navigation
        Binding("backslash", "toggle_panel", "Show/hide the glossary panel", show=False, id="align.panel"),
        Binding("escape", "back", "Back to the pair list", show=False, id="align.back"),
    ]

    def __init__(self, session: Session, name: str, cursor: int = 0) -> None:
        super().__init__()
        self.session = session
        self.pair_name = name
        self.start_cursor = cursor
        self.state: PairState | None = None
        self.low_score: float | None = None
        self.problems: frozenset[int] = frozenset()
        self.realigning: Stretch | None = None

    # --- layout ------------------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="align-main"):
            with Vertical(id="align-left"):
                yield BeadTable(id="bead-table")
                with VerticalScroll(id="bead-detail-scroll"):
                    yield BeadDetail(id="bead-detail")
            with VerticalScroll(id="glossary-panel-scroll"):
                yield GlossaryPanel(id="glossary-panel")
        with Horizontal(id="status-bar"):
            yield LoadingIndicator(id="busy")
            yield Static("", id="status-line")
        yield Footer()

    @property
    def table(self) -> BeadTable:
        return self.query_one(BeadTable)

    def on_mount(self) -> None:
        self.query_one("#busy").display = False
        self.state = self.session.load(self.pair_name)
        self.sub_title = self.pair_name
        self._derive()
        self._show(self.start_cursor)
        self.table.focus()

    def _derive(self) -> None:
        """Figures that depend on the whole alignment; recomputed on load, realign and undo, not per key."""
        assert self.state is not None
        self.low_score = edit.low_score_threshold(self.state.beads)

    def _show(self, cursor: int | None = None) -> None:
        assert self.state is not None
        state = self.state
        self.table.show(
            TableData(state.beads, state.ja_texts, state.en_texts, self.low_score, self.problems), cursor
        )
        self._show_current()

    def _show_current(self) -> None:
        assert self.state is not None
        state = self.state
        if not state.beads:
            self.query_one(BeadDetail).show([], [], header="This pair has no segments.")
            self._status()
            return
        i = self.table.cursor
        bead = state.beads[i]
        ja = [(k, state.ja_texts[k]) for k in range(*bead.ja)]
        en = [(k, state.en_texts[k]) for k in range(*bead.en)]
        score = "–" if bead.score is None else f"{bead.score:.2f}"
        who = f"  by {bead.updated_by} {(bead.updated_at or '')[:16].replace('T', ' ')}" if bead.updated_by else ""
        header = f"bead {i + 1}/{len(state.beads)}  {bead.type}  score {score}  {bead.status}{who}"
        self.query_one(BeadDetail).show(ja, en, header=header)
        self.query_one(GlossaryPanel).show([], [], available=False)
        self._status()

    def _status(self) -> None:
        assert self.state is not None
        total = len(self.state.beads)
        done = self.state.confirmed
        pct = f"{100 * done // total}%" if total else "–"
        busy = "  ·  realigning…" if self.realigning else ""
        self.query_one("#status-line", Static).update(
            f"{self.pair_name}  ·  {done}/{total} confirmed ({pct})  ·  {self.session.user}{busy}", layout=False
        )

    @on(BeadTable.CursorMoved)
    def _moved(self, event: BeadTable.CursorMoved) -> None:
        self._show_current()

    # --- editing -----------------------------------------------------------------------------------

    def _edit(self, fn: BeadEdit, action: str, summary: str, cursor_after: Callable[[int], int] | None = None) -> bool:
        """Apply an alignment.edit function at the cursor, store it with its history entry, redraw."""
        assert self.state is not None
        if self.realigning:
            self.notify("Wait until the realignment finishes.", severity="warning")
            return False
        i = self.table.cursor
        try:
            new = fn(list(self.state.beads), i)
            self.state = self.session.change_beads(self.state, new, action=action, summary=summary, cursor=i)
        except EditError as exc:
            self.notify(str(exc), severity="warning")
            return False
        except ProjectError as exc:
            self.notify(str(exc), severity="error", timeout=8)
            return False
        self._show(cursor_after(i) if cursor_after else i)
        return True

    def action_merge(self, direction: str) -> None:
        i = self.table.cursor
        other = i + 2 if direction == "next" else i
        self._edit(
            lambda b, i: edit.merge(b, i, direction),  # type: ignore[arg-type]
            "merge", f"merge bead {i + 1} with bead {other}",
            (lambda i: i) if direction == "next" else (lambda i: i - 1),
        )

    def action_split(self) -> None:
        i = self.table.cursor
        self._edit(lambda b, i: edit.split(b, i), "split", f"split bead {i + 1}")

    def action_move(self, side: str, direction: str) -> None:
        i = self.table.cursor
        where = "previous" if direction == "prev" else "next"
        self._edit(
            lambda b, i: edit.move_segment(b, i, side, direction),  # type: ignore[arg-type]
            "move-segment", f"move a {side.upper()} segment of bead {i + 1} to the {where} bead",
        )

    def action_pull(self, side: str) -> None:
        i = self.table.cursor
        self._edit(
            lambda b, i: edit.pull_segment(b, i, side, "next"),  # type: ignore[arg-type]
            "pull-segment", f"take the next bead's first {side.upper()} segment into bead {i + 1}",
        )

    def action_unlink(self) -> None:
        i = self.table.cursor
        self._edit(lambda b, i: edit.unlink(b, i), "unlink", f"mark bead {i + 1} as 1-0 / 0-1")

    def action_toggle_confirm(self) -> None:
        assert self.state is not None
        if not self.state.beads:
            return
        i = self.table.cursor
        verb = "unconfirm" if self.state.beads[i].status == "confirmed" else "confirm"
        self._edit(lambda b, i: edit.toggle_confirm(b, i), verb, f"{verb} bead {i + 1}")

    def action_confirm_next(self) -> None:
        """Prodigy's loop: confirm this bead and go to the next one."""
        assert self.state is not None
        if not self.state.beads:
            return
        i = self.table.cursor
        if self.state.beads[i].status == "confirmed":
            self.table.move_to(i + 1)
            return
        self._edit(lambda b, i: edit.confirm(b, i), "confirm", f"confirm bead {i + 1}", lambda i: i + 1)

    def action_confirm_above(self) -> None:
        assert self.state is not None
        if not self.state.beads:
            return
        i = self.table.cursor
        todo = sum(1 for b in self.state.beads[: i + 1] if b.status != "confirmed")
        if not todo:
            self.notify("Every bead down to here is already confirmed.")
            return

        def answered(yes: bool | None) -> None:
            if yes:
                self._edit(lambda b, i: edit.confirm_through(b, i), "confirm-above",
                           f"confirm {todo} beads from 1 to {i + 1}")

        self.app.push_screen(ConfirmModal(f"Confirm {todo} beads from bead 1 down to bead {i + 1}?"), answered)

    def action_review(self, step: int) -> None:
        """Go to the next (or previous) bead worth a look: a QA problem or a low score, not yet confirmed."""
        assert self.state is not None
        beads, n = self.state.beads, len(self.state.beads)
        data = self.table.data
        i = self.table.cursor
        for k in range(1, n + 1):
            j = (i + step * k) % n
            if j in self.problems or data.is_low(beads[j]):
                if (step > 0 and j <= i) or (step < 0 and j >= i):
                    self.notify("Wrapped around the document.", timeout=2)
                self.table.move_to(j)
                return
        self.notify("Nothing left to review: no low score or QA problem outside confirmed beads.")

    # --- realign -----------------------------------------------------------------------------------

    def action_realign(self) -> None:
        assert self.state is not None
        if self.realigning:
            self.notify("A realignment is already running.", severity="warning")
            return
        if not self.state.beads:
            return
        stretch = self.session.stretch(self.state, self.table.cursor)
        if stretch is None:
            self.notify("This bead is confirmed: move into an unconfirmed stretch to realign it.", severity="warning")
            return
        self.realigning = stretch
        self.query_one("#busy").display = True
        self._status()
        self._realign_worker(self.state, stretch)

    @work(thread=True, exclusive=True, group="realign")
    def _realign_worker(self, state: PairState, stretch: Stretch) -> None:
        try:
            beads = self.session.compute_realignment(state, stretch)
        except Exception as exc:  # reported in the UI; the project is untouched
            self.post_message(RealignFinished(state.pair.id, None, str(exc)))
            return
        self.post_message(RealignFinished(state.pair.id, beads))

    def on_realign_finished(self, message: RealignFinished) -> None:
        stretch, self.realigning = self.realigning, None
        self.query_one("#busy").display = False
        assert self.state is not None
        if message.error or message.beads is None or stretch is None:
            self.notify(f"Realignment failed: {message.error}", severity="error", timeout=8)
            self._status()
            return
        try:
            self.state = self.session.apply_realignment(self.state, stretch, message.beads)
        except ProjectError as exc:
            self.notify(str(exc), severity="error", timeout=8)
            self._status()
            return
        self._derive()
        self._show(min(self.table.cursor, stretch.start + len(message.beads) - 1))
        self.notify(f"Realigned beads {stretch.start + 1}–{stretch.stop}: now {len(message.beads)} beads.")

    # --- English rendering -------------------------------------------------------------------------

    def action_render(self) -> None:
        assert self.state is not None
        if not self.state.beads:
            return
        i = self.table.cursor
        bead = self.state.beads[i]
        if bead.ja[0] == bead.ja[1]:
            self.notify("This bead has no Japanese to render.", severity="warning")
            return
        ja = "\n".join(self.state.ja_texts[k] for k in range(*bead.ja))
        en = "\n".join(self.state.en_texts[k] for k in range(*bead.en))
        title = f"English for bead {i + 1}" + (" (new)" if not en else " (edit)")

        def done(text: str | None) -> None:
            if text is not None:
                self._store_rendering(i, text)

        self.app.push_screen(RenderModal(ja, en, title=title), done)

    def _store_rendering(self, i: int, text: str) -> None:
        assert self.state is not None
        try:
            self.state = self.session.render(self.state, i, text)
        except ProjectError as exc:
            self.notify(str(exc), severity="error", timeout=8)
            return
        self._show(i)

    # --- undo, redo, leaving -----------------------------------------------------------------------

    def on_project_changed(self, message: ProjectChanged) -> None:
        assert self.state is not None
        entry = message.entry
        self.state = self.session.load(self.pair_name)
        self._derive()
        cursor = entry.bead if entry is not None and entry.pair_id == self.state.pair.id and entry.bead is not None else None
        self._show(cursor)

    def action_toggle_panel(self) -> None:
        self.toggle_class("-no-panel")

    def action_back(self) -> None:
        self.dismiss(None)
