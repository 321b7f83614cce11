"""The alignment view's base: the layout, what the screen holds, and drawing it (bead table, bead, panel).

The parts of the screen (bead edits, spans, glossary links, workers) build on this class; each changes the
project only through tui.core and then asks the view to redraw.
"""

from __future__ import annotations

from collections.abc import Callable

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import Header, LoadingIndicator, Static

from alignment import edit
from alignment.model import Bead
from alignment.project import ProjectError
from tui.core.annotations import Annotations
from tui.core.beads import STALE, PairState, Stretch
from tui.core.session import Session
from tui.core.spans import BeadSpan
from tui.messages import ProjectChanged
from tui.widgets.bead_detail import BeadDetail, SpanMark
from tui.widgets.bead_table import BeadTable, TableData
from tui.widgets.footer import AppFooter
from tui.widgets.glossary_panel import GlossaryPanel, PanelEntry, PanelProblem


def bead_header(i: int, total: int, bead: Bead) -> str:
    """The line above the bead: where it is, its shape, its score (when it has one) and who made it so."""
    parts = [f"bead {i + 1}/{total}", bead.type]
    if bead.score is not None:
        parts.append(f"score {bead.score:.2f}")
    parts.append("confirmed" if bead.status == "confirmed" else "not confirmed")
    if bead.updated_by:
        parts.append(f"by {bead.updated_by} {(bead.updated_at or '')[:16].replace('T', ' ')}".rstrip())
    return "  ".join(parts)


BINDINGS: list[BindingType] = [
    Binding("backslash", "toggle_panel", "Show/hide the glossary panel", show=False, id="align.panel"),
    Binding("escape", "back", "Back to the pair list", show=False, id="align.back"),
]


class AlignView(Screen[None]):
    """One pair: what the screen holds and how it is drawn. Keys live in the parts (see AlignScreen)."""

    def __init__(self, session: Session, name: str, cursor: int = 0) -> None:
        super().__init__()
        self.session = session
        self.pair_name = name
        self.start_cursor = cursor
        self.state: PairState | None = None
        self.low_score: float | None = None
        self.problems: frozenset[int] = frozenset()
        self.realigning: Stretch | None = None
        self.spans: dict[tuple[str, int], list[BeadSpan]] = {}
        self.selected_span: int | None = None
        self.show_rejected = False
        self.generation = session.generation

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
        yield AppFooter()

    @property
    def table(self) -> BeadTable:
        return self.query_one(BeadTable)

    @property
    def notes(self) -> Annotations:
        return self.session.annotations

    @property
    def pair_state(self) -> PairState:
        """The pair as shown (set on mount, before any key reaches the screen)."""
        assert self.state is not None
        return self.state

    @property
    def busy(self) -> bool:
        return bool(self.query_one("#busy").display)

    def set_busy(self, busy: bool) -> None:
        self.query_one("#busy").display = busy

    def on_mount(self) -> None:
        self.set_busy(False)
        self.state = self.session.load(self.pair_name)
        self.sub_title = self.pair_name
        self.derive()
        self.show(self.start_cursor)
        self.table.focus()

    def derive(self) -> None:
        """Figures that depend on the whole alignment; recomputed on load, realign and undo, not per key."""
        state = self.pair_state
        self.low_score = edit.low_score_threshold(state.beads)
        self.spans = self.notes.spans_by_segment(state.pair)
        self.check_pair()

    def check_pair(self) -> None:
        """QA over the whole pair (a worker in the workers part)."""

    def score_made_beads(self, positions: list[int]) -> None:
        """Give the beads a person's edit made the aligner's confidence (a worker in the workers part)."""

    # --- drawing -----------------------------------------------------------------------------------

    def show(self, cursor: int | None = None) -> None:
        state = self.pair_state
        self.table.show(
            TableData(state.beads, state.ja_texts, state.en_texts, self.low_score, self.problems), cursor
        )
        self.show_current()

    def show_current(self) -> None:
        state = self.pair_state
        if not state.beads:
            self.query_one(BeadDetail).show([], [], header="This pair has no segments.")
            self.show_status()
            return
        i = self.table.cursor
        bead = state.beads[i]
        ja = [(k, state.ja_texts[k]) for k in range(*bead.ja)]
        en = [(k, state.en_texts[k]) for k in range(*bead.en)]
        spans = self.bead_spans(i)
        if self.selected_span not in {s.id for s in spans}:
            self.selected_span = None
        marks = [self.mark(s) for s in spans]
        self.query_one(BeadDetail).show(
            ja,
            en,
            marks,
            selected=self.selected_span,
            show_rejected=self.show_rejected,
            header=bead_header(i, len(state.beads), bead),
        )
        self.show_panel(i, spans, marks)
        self.show_status()

    def show_status(self, extra: str = "") -> None:
        state = self.pair_state
        total = len(state.beads)
        done = state.confirmed
        pct = f"{100 * done // total}%" if total else "–"
        busy = "  ·  realigning…" if self.realigning else ""
        self.query_one("#status-line", Static).update(
            extra or f"{self.pair_name}  ·  {done}/{total} confirmed ({pct})  ·  {self.session.user}{busy}",
            layout=False,
        )

    def bead_spans(self, i: int) -> list[BeadSpan]:
        """The bead's spans in reading order (JA first), rejected ones only when asked for."""
        bead = self.pair_state.beads[i]
        out: list[BeadSpan] = []
        for lang, (a, b) in (("ja", bead.ja), ("en", bead.en)):
            for k in range(a, b):
                out.extend(sorted(self.spans.get((lang, k), []), key=lambda s: (s.start, -s.end)))
        return [s for s in out if self.show_rejected or s.status != "rejected"]

    def mark(self, s: BeadSpan) -> SpanMark:
        """A span with offsets relative to its segment, as the detail pane draws it."""
        state = self.pair_state
        starts = state.ja_starts if s.lang == "ja" else state.en_starts
        base = starts[s.segment] if s.segment < len(starts) else 0
        entry = f"#{s.entry_id}" if s.entry_id else None
        return SpanMark(
            s.id, s.lang, s.segment, s.start - base, s.end - base, s.label, s.status, s.source, s.text, entry
        )

    def bead_text(self, i: int) -> tuple[str, str]:
        state = self.pair_state
        bead = state.beads[i]
        ja = "".join(state.ja_texts[k] for k in range(*bead.ja))
        en = " ".join(state.en_texts[k] for k in range(*bead.en))
        return ja, en

    def show_panel(self, i: int, spans: list[BeadSpan], marks: list[SpanMark]) -> None:
        panel = self.query_one(GlossaryPanel)
        ja, en = self.bead_text(i)
        # Entries linked from the bead's spans show even when a longer term hides theirs from the matcher.
        linked = [s.entry_id for s in spans if s.entry_id and s.status != "rejected"]
        try:
            found = self.notes.bead_entries(ja, en, linked=linked)
            problems = self.notes.bead_problems(ja, en)
        except ProjectError as exc:
            panel.show([], [PanelProblem("error", str(exc))], spans=marks, selected=self.selected_span)
            return
        panel.show(
            [PanelEntry(e.id or 0, e.ja or "", e.en or "", e.acronym, e.status, ok) for e, ok in found],
            [PanelProblem(kind, text) for kind, text in problems],
            spans=marks,
            selected=self.selected_span,
        )

    @on(BeadTable.CursorMoved)
    def _moved(self, event: BeadTable.CursorMoved) -> None:
        self.show_current()

    # --- errors ------------------------------------------------------------------------------------

    def attempt(self, fn: Callable[[], object]) -> bool:
        """Run one action of tui.core; a refusal is shown (and a stale screen reloaded), never raised."""
        try:
            fn()
        except ProjectError as exc:
            self.refused(exc)
            return False
        return True

    def stale(self) -> bool:
        """Whether the pair changed elsewhere since it was shown; if so, say so and show it as it is now.

        Checked before any edit is even computed, so every edit key is refused alike on stale beads."""
        if self.state is None or self.session.is_current(self.state):
            return False
        self.refused(ProjectError(STALE))
        return True

    def refused(self, exc: ProjectError) -> None:
        """An action was refused; when the pair changed elsewhere, show it as it is now."""
        if self.state is not None and not self.session.is_current(self.state):
            self.notify(f"{exc} — refreshed: press the key again.", severity="warning", timeout=8)
            self.post_message(ProjectChanged(None))
            return
        self.notify(str(exc), severity="error", timeout=8)

    # --- staying current ---------------------------------------------------------------------------

    def on_screen_resume(self) -> None:
        """Back from the glossary (or another pair): what was done there may concern this pair."""
        if self.state is None:
            return
        self.notes.invalidate()
        if self.generation != self.session.generation or not self.session.is_current(self.state):
            self.post_message(ProjectChanged(None))
            return
        self.spans = self.notes.spans_by_segment(self.pair_state.pair)
        self.check_pair()
        self.show_current()

    def on_project_changed(self, message: ProjectChanged) -> None:
        """Undo, redo, ctrl+r or the terminal regaining focus: read the pair, its spans and glossary again."""
        if self.state is None:
            return
        entry = message.entry
        self.generation = self.session.generation
        self.notes.invalidate()
        self.state = self.session.load(self.pair_name)
        self.derive()
        here = entry is not None and entry.pair_id == self.state.pair.id and entry.bead is not None
        self.show(entry.bead if here and entry is not None else None)

    def action_toggle_panel(self) -> None:
        self.toggle_class("-no-panel")

    def action_back(self) -> None:
        self.dismiss(None)
