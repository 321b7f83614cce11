"""The alignment view's base: the layout, what the screen holds, and drawing it (bead table, bead, panel).

The parts of the screen (bead edits, spans, glossary links, workers) build on this class; each changes the
project only through tui.core and then asks the view to redraw.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable, Sequence

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
from tui.core.clauses import ClauseState
from tui.core.history import Entry
from tui.core.session import Session
from tui.core.spans import BeadSpan
from tui.messages import ProjectChanged
from tui.widgets.bead_detail import BeadDetail, SpanMark
from tui.widgets.bead_table import BeadTable, TableData
from tui.widgets.footer import AppFooter
from tui.widgets.glossary_panel import GlossaryPanel, PanelEntry, PanelProblem


def find_again(beads: Sequence[Bead], old: Bead | None) -> int | None:
    """The position of a bead after a reload: the one with the same segments, else the one now holding its
    first segment (None: leave the cursor where it is)."""
    if old is None:
        return None
    same = next((k for k, b in enumerate(beads) if (b.ja, b.en) == (old.ja, old.en)), None)
    if same is not None:
        return same
    side, first = ("ja", old.ja[0]) if old.ja[0] < old.ja[1] else ("en", old.en[0])
    return next(
        (
            k
            for k, b in enumerate(beads)
            if (b.ja if side == "ja" else b.en)[0] <= first < (b.ja if side == "ja" else b.en)[1]
        ),
        None,
    )


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
        self.zoom: ClauseState | None = None
        self.writing_job: str | None = None
        """A worker whose result will be stored as an action (aligning clauses, realigning): until it is
        back, edits, undo and redo wait, so nothing the person does is dropped by it."""
        """The sentence bead zoomed into (clause level), or None (sentence level)."""

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
    def shown(self) -> PairState:
        """The level shown: its texts and offsets (clause texts when zoomed)."""
        return self.zoom.clauses if self.zoom is not None else self.pair_state

    @property
    def beads(self) -> tuple[Bead, ...]:
        """The beads in the table: the pair's sentence beads, or the clause beads of the zoomed bead."""
        return self.zoom.beads if self.zoom is not None else self.pair_state.beads

    @property
    def bead_here(self) -> int:
        """The sentence bead in focus (the zoomed one at clause level): where undo takes a person back."""
        return self.zoom.sentence if self.zoom is not None else self.table.cursor

    @property
    def noun(self) -> str:
        return "clause bead" if self.zoom is not None else "bead"

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
        shown = self.shown
        problems = self.problems if self.zoom is None else frozenset()
        self.table.show(
            TableData(self.beads, shown.ja_texts, shown.en_texts, self.low_score, problems), cursor
        )
        self.show_current()

    def show_current(self) -> None:
        shown, beads = self.shown, self.beads
        if not beads:
            empty = "This pair has no segments." if self.zoom is None else "No clause beads here."
            self.query_one(BeadDetail).show([], [], header=empty)
            self.show_status()
            return
        i = self.table.cursor
        bead = beads[i]
        ja = [(k, shown.ja_texts[k]) for k in range(*bead.ja)]
        en = [(k, shown.en_texts[k]) for k in range(*bead.en)]
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
            header=self.header(i, bead),
        )
        self.show_panel(i, spans, marks)
        self.show_status()

    def header(self, i: int, bead: Bead) -> str:
        if self.zoom is None:
            return bead_header(i, len(self.beads), bead)
        sentence = f"clauses of bead {self.zoom.sentence + 1}/{len(self.pair_state.beads)}  ·  "
        return sentence + bead_header(i, len(self.beads), bead).replace("bead", "clause bead", 1)

    def show_status(self, extra: str = "") -> None:
        state = self.pair_state
        total = len(state.beads)
        done = state.confirmed
        pct = f"{100 * done // total}%" if total else "–"
        busy = "  ·  realigning…" if self.realigning else ""
        line = f"{self.pair_name}  ·  {done}/{total} confirmed ({pct})  ·  {self.session.user}{busy}"
        if self.zoom is not None:  # the title names the pair: room for the clause level at 80 columns
            n, ok = len(self.zoom.beads), sum(1 for b in self.zoom.beads if b.status == "confirmed")
            line = (
                f"CLAUSE level · bead {self.zoom.sentence + 1}: {ok}/{n} clause beads confirmed  ·  "
                f"{done}/{total} beads  ·  {self.session.user}{busy}"
            )
        self.query_one("#status-line", Static).update(extra or line, layout=False)

    def segment_base(self, lang: str, k: int) -> tuple[int, int, int]:
        """(sentence index, start, end) in the document of segment k of the level shown."""
        shown = self.shown
        starts, texts = (
            (shown.ja_starts, shown.ja_texts) if lang == "ja" else (shown.en_starts, shown.en_texts)
        )
        if self.zoom is None:
            return k, starts[k], starts[k] + len(texts[k])
        parent = (self.zoom.ja_parents if lang == "ja" else self.zoom.en_parents)[k]
        return -1 if parent is None else parent, starts[k], starts[k] + len(texts[k])

    def bead_spans(self, i: int) -> list[BeadSpan]:
        """The bead's spans in reading order (JA first), rejected ones only when asked for; at clause level
        the spans that start in the bead's clauses."""
        bead = self.beads[i]
        out: list[BeadSpan] = []
        for lang, (a, b) in (("ja", bead.ja), ("en", bead.en)):
            for k in range(a, b):
                sentence, start, end = self.segment_base(lang, k)
                found = self.spans.get((lang, sentence), [])
                if self.zoom is not None:
                    found = [s for s in found if start <= s.start < end]
                out.extend(sorted(found, key=lambda s: (s.start, -s.end)))
        return [s for s in out if self.show_rejected or s.status != "rejected"]

    def mark(self, s: BeadSpan) -> SpanMark:
        """A span with offsets relative to its segment (its clause when zoomed), as the detail pane draws it."""
        segment, base, end = s.segment, 0, s.end
        shown = self.shown
        starts = shown.ja_starts if s.lang == "ja" else shown.en_starts
        if self.zoom is None:
            base = starts[s.segment] if s.segment < len(starts) else 0
        elif starts:  # the clause the span starts in; a span running past its end is drawn up to it
            segment = max(0, bisect.bisect_right(starts, s.start) - 1)
            _, base, clause_end = self.segment_base(s.lang, segment)
            end = min(s.end, clause_end)
        entry = f"#{s.entry_id}" if s.entry_id else None
        return SpanMark(
            s.id, s.lang, segment, s.start - base, end - base, s.label, s.status, s.source, s.text, entry
        )

    def bead_text(self, i: int) -> tuple[str, str]:
        shown, bead = self.shown, self.beads[i]
        ja = "".join(shown.ja_texts[k] for k in range(*bead.ja))
        en = " ".join(shown.en_texts[k] for k in range(*bead.en))
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
            said = (
                "This pair was changed by another program or screen: it is shown as it is now. Check it, "
                "then press the key again."
                if str(exc) == STALE
                else f"{exc} — the pair is shown as it is now: check it, then press the key again."
            )
            self.notify(said, severity="warning", timeout=8)
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
        before = self.beads[self.table.cursor] if self.beads else None
        self.generation = self.session.generation
        self.notes.invalidate()
        self.state = self.session.load(self.pair_name)
        self.derive()
        self.show(self.refocus(entry, before))

    def refocus(self, entry: Entry | None, before: Bead | None) -> int | None:
        """Where the cursor goes after a reload: the bead of the change undone or redone, if in this pair;
        else the bead it was on (found again by its segments, wherever other changes moved it). The zoom
        part also decides the level to show."""
        here = entry is not None and entry.pair_id == self.pair_state.pair.id and entry.bead is not None
        if here and entry is not None:
            return entry.bead
        return find_again(self.pair_state.beads, before)

    def action_toggle_panel(self) -> None:
        self.toggle_class("-no-panel")

    def action_back(self) -> None:
        self.dismiss(None)
