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
from tui.core.annotations import Annotations
from tui.core.beads import PairState, Stretch
from tui.core.session import Session
from tui.core.spans import BeadSpan
from tui.entries import entry_form_from_span, form_to_entry
from tui.messages import ProjectChanged, RealignFinished
from tui.screens.modals import ConfirmModal, EntryForm, EntryModal, PickModal, RenderModal
from tui.screens.span_editor import NewSpan, SpanEditor
from tui.widgets.bead_detail import BeadDetail, SpanMark
from tui.widgets.bead_table import BeadTable, TableData
from tui.widgets.glossary_panel import GlossaryPanel, PanelEntry, PanelProblem

BeadEdit = Callable[[list[Bead], int], list[Bead]]


class AlignScreen(Screen[None]):
    """One pair. Keys act on the bead under the cursor; every change is stored at once and can be undone."""

    BINDINGS: ClassVar = [
        # editing the alignment
        Binding(
            "m", "merge('next')", "Merge", id="align.merge-next", tooltip="Merge the bead with the next one"
        ),
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
            "right_square_bracket",
            "move('ja', 'next')",
            "JA: last segment down",
            show=False,
            id="align.ja-down",
        ),
        Binding(
            "left_curly_bracket", "move('en', 'prev')", "EN: first segment up", show=False, id="align.en-up"
        ),
        Binding(
            "right_curly_bracket",
            "move('en', 'next')",
            "EN: last segment down",
            show=False,
            id="align.en-down",
        ),
        Binding(
            "less_than_sign",
            "pull('ja')",
            "JA: take next bead's first segment",
            show=False,
            id="align.ja-pull",
        ),
        Binding(
            "greater_than_sign",
            "pull('en')",
            "EN: take next bead's first segment",
            show=False,
            id="align.en-pull",
        ),
        Binding("x", "unlink", "Mark 1-0 / 0-1", show=False, id="align.unlink"),
        # review
        Binding(
            "c",
            "toggle_confirm",
            "Confirm",
            id="align.confirm",
            tooltip="Confirm the bead (again: unconfirm)",
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
            "R",
            "realign",
            "Realign",
            show=False,
            id="align.realign",
            tooltip="Realign the unconfirmed stretch around the cursor",
        ),
        # English
        Binding(
            "e", "render", "English", id="align.render", tooltip="Write or edit our English for the bead"
        ),
        # spans
        Binding(
            "f",
            "next_suggestion(1)",
            "Span",
            id="align.span-next",
            tooltip="Next suggested span (across beads)",
        ),
        Binding("F", "next_suggestion(-1)", "Previous suggested span", show=False, id="align.span-prev"),
        Binding("o", "cycle_span", "Next span in this bead", show=False, id="align.span-cycle"),
        Binding(
            "a",
            "span_status('accepted')",
            "Accept",
            id="align.span-accept",
            tooltip="Accept the selected span, then go to the next suggestion",
        ),
        Binding(
            "r",
            "span_status('rejected')",
            "Reject",
            id="align.span-reject",
            tooltip="Reject the selected span, then go to the next suggestion",
        ),
        Binding(
            "A", "accept_bead", "Accept every suggestion in this bead", show=False, id="align.span-accept-all"
        ),
        Binding("L", "span_label", "Change the span's label", show=False, id="align.span-label"),
        Binding("d,delete", "span_delete", "Delete the span", show=False, id="align.span-delete"),
        Binding(
            "v",
            "span_new",
            "New span",
            show=False,
            id="align.span-new",
            tooltip="New span: select by character or GiNZA token, then pick a label",
        ),
        Binding("t", "span_link", "Link the span to a glossary entry", show=False, id="align.span-link"),
        Binding("T", "span_entry", "New glossary entry from the span", show=False, id="align.span-entry"),
        Binding(
            "S",
            "suggest",
            "Suggest spans for this pair (GiNZA, acronym rules, glossary)",
            show=False,
            id="align.suggest",
        ),
        Binding("H", "toggle_rejected", "Show/hide rejected spans", show=False, id="align.show-rejected"),
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
        self.spans: dict[tuple[str, int], list[BeadSpan]] = {}
        self.selected_span: int | None = None
        self.show_rejected = False

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
        yield Footer(compact=True)

    @property
    def table(self) -> BeadTable:
        return self.query_one(BeadTable)

    @property
    def notes(self) -> Annotations:
        return self.session.annotations

    def on_mount(self) -> None:
        self.query_one("#busy").display = False
        self.generation = self.session.generation
        self.state = self.session.load(self.pair_name)
        self.sub_title = self.pair_name
        self._derive()
        self._show(self.start_cursor)
        self.table.focus()

    def _derive(self) -> None:
        """Figures that depend on the whole alignment; recomputed on load, realign and undo, not per key."""
        assert self.state is not None
        self.low_score = edit.low_score_threshold(self.state.beads)
        self.spans = self.notes.spans_by_segment(self.state.pair)
        self._qa_worker(self.state.pair)

    @work(thread=True, exclusive=True, group="qa")
    def _qa_worker(self, pair) -> None:
        try:
            problems = self.session.pair_problems(pair)
        except Exception:  # QA is advisory: the view works without it
            return
        self.app.call_from_thread(self._qa_ready, pair.id, problems)

    def _qa_ready(self, pair_id: int, problems: frozenset[int]) -> None:
        if self.state is None or self.state.pair.id != pair_id:
            return
        self.problems = problems
        self._show()

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
        who = (
            f"  by {bead.updated_by} {(bead.updated_at or '')[:16].replace('T', ' ')}"
            if bead.updated_by
            else ""
        )
        header = f"bead {i + 1}/{len(state.beads)}  {bead.type}  score {score}  {bead.status}{who}"
        spans = self.bead_spans(i)
        if self.selected_span not in {s.id for s in spans}:
            self.selected_span = None
        marks = [self._mark(s) for s in spans]
        self.query_one(BeadDetail).show(
            ja, en, marks, selected=self.selected_span, show_rejected=self.show_rejected, header=header
        )
        self._panel(i, marks)
        self._status()

    # --- spans and glossary of the current bead -------------------------------------------------------

    def bead_spans(self, i: int) -> list[BeadSpan]:
        """The bead's spans in reading order (JA first), rejected ones only when asked for."""
        assert self.state is not None
        bead = self.state.beads[i]
        out: list[BeadSpan] = []
        for lang, (a, b) in (("ja", bead.ja), ("en", bead.en)):
            for k in range(a, b):
                out.extend(sorted(self.spans.get((lang, k), []), key=lambda s: (s.start, -s.end)))
        return [s for s in out if self.show_rejected or s.status != "rejected"]

    def _mark(self, s: BeadSpan) -> SpanMark:
        assert self.state is not None
        starts = self.state.ja_starts if s.lang == "ja" else self.state.en_starts
        base = starts[s.segment] if s.segment < len(starts) else 0
        entry = f"#{s.entry_id}" if s.entry_id else None
        return SpanMark(
            s.id, s.lang, s.segment, s.start - base, s.end - base, s.label, s.status, s.source, s.text, entry
        )

    def bead_text(self, i: int) -> tuple[str, str]:
        assert self.state is not None
        bead = self.state.beads[i]
        ja = "".join(self.state.ja_texts[k] for k in range(*bead.ja))
        en = " ".join(self.state.en_texts[k] for k in range(*bead.en))
        return ja, en

    def _panel(self, i: int, marks: list[SpanMark]) -> None:
        panel = self.query_one(GlossaryPanel)
        ja, en = self.bead_text(i)
        try:
            found = self.notes.bead_entries(ja, en)
            problems = self.notes.bead_problems(ja, en)
        except ProjectError as exc:
            panel.show([], [PanelProblem("error", str(exc))], spans=marks, selected=self.selected_span)
            return
        panel.show(
            [PanelEntry(e.id, e.ja or "", e.en or "", e.acronym, e.status, ok) for e, ok in found],
            [PanelProblem(kind, text) for kind, text in problems],
            spans=marks,
            selected=self.selected_span,
        )

    def _selected(self) -> BeadSpan | None:
        """The selected span, or the bead's first suggestion (so `a` works without choosing first)."""
        spans = self.bead_spans(self.table.cursor) if self.state and self.state.beads else []
        for s in spans:
            if s.id == self.selected_span:
                return s
        first = next((s for s in spans if s.status == "suggested"), spans[0] if spans else None)
        if first is not None:
            self.selected_span = first.id
        return first

    def _reload_spans(self) -> None:
        assert self.state is not None
        self.spans = self.notes.spans_by_segment(self.state.pair)

    def _after_span_change(self, advance: bool = False) -> None:
        self._reload_spans()
        if advance:
            self.action_next_suggestion(1, quiet=True)
        self._show_current()

    def _span_action(self, fn: Callable[[], None]) -> bool:
        try:
            fn()
        except ProjectError as exc:
            self.notify(str(exc), severity="error", timeout=8)
            return False
        return True

    def action_next_suggestion(self, step: int, quiet: bool = False) -> None:
        """The next suggestion after the selected span: later in this bead, then in the following beads."""
        assert self.state is not None
        if not self.state.beads:
            return
        n = len(self.state.beads)
        i = self.table.cursor
        here = self.bead_spans(i)
        ids = [s.id for s in here]
        pos = ids.index(self.selected_span) if self.selected_span in ids else (-1 if step > 0 else len(ids))
        rest = here[pos + 1 :] if step > 0 else list(reversed(here[:pos]))
        for s in rest:
            if s.status == "suggested":
                self.selected_span = s.id
                self._show_current()
                return
        for k in range(1, n):
            j = i + step * k
            if not 0 <= j < n:
                break
            spans = [s for s in self.bead_spans(j) if s.status == "suggested"]
            if spans:
                self.selected_span = (spans[0] if step > 0 else spans[-1]).id
                self.table.move_to(j)
                return
        if not quiet:
            self.notify("No more suggested spans in that direction.")

    def action_cycle_span(self) -> None:
        spans = self.bead_spans(self.table.cursor) if self.state and self.state.beads else []
        if not spans:
            self.notify("This bead has no span: v draws one.")
            return
        ids = [s.id for s in spans]
        k = ids.index(self.selected_span) + 1 if self.selected_span in ids else 0
        self.selected_span = ids[k % len(ids)]
        self._show_current()

    def action_span_status(self, status: str) -> None:
        assert self.state is not None
        span = self._selected()
        if span is None:
            self.notify("No span here: f goes to the next suggestion.", severity="warning")
            return
        if self._span_action(
            lambda: self.notes.set_span_status(self.state.pair, self.table.cursor, span, status)
        ):
            self._after_span_change(advance=True)

    def action_accept_bead(self) -> None:
        assert self.state is not None
        todo = [s for s in self.bead_spans(self.table.cursor) if s.status == "suggested"]
        for s in todo:
            if not self._span_action(
                lambda s=s: self.notes.set_span_status(self.state.pair, self.table.cursor, s, "accepted")
            ):
                break
        self._after_span_change()
        self.notify(f"Accepted {len(todo)} suggestion{'s' if len(todo) != 1 else ''}.")

    def action_span_label(self) -> None:
        span = self._selected()
        if span is None:
            return
        from glossary.labels import LABEL_HELP, LABELS

        def chosen(label: str | None) -> None:
            assert self.state is not None
            if (
                label
                and label != span.label
                and self._span_action(
                    lambda: self.notes.set_span_label(self.state.pair, self.table.cursor, span, label)
                )
            ):
                self._after_span_change()

        self.app.push_screen(
            PickModal(
                f"Label for 「{span.text}」",
                [(lb, f"{lb}  {LABEL_HELP.get(lb, '')}") for lb in LABELS],
                span.label,
            ),
            chosen,
        )

    def action_span_delete(self) -> None:
        assert self.state is not None
        span = self._selected()
        if span is None:
            return
        if self._span_action(lambda: self.notes.delete_span(self.state.pair, self.table.cursor, span)):
            self.selected_span = None
            self._after_span_change()

    def action_toggle_rejected(self) -> None:
        self.show_rejected = not self.show_rejected
        self.notify("Rejected spans shown." if self.show_rejected else "Rejected spans hidden.", timeout=2)
        self._show_current()

    def action_span_new(self) -> None:
        assert self.state is not None
        if not self.state.beads:
            return
        i = self.table.cursor
        bead = self.state.beads[i]
        segments = [("ja", k, self.state.ja_texts[k]) for k in range(*bead.ja)]
        segments += [("en", k, self.state.en_texts[k]) for k in range(*bead.en)]
        sel = self._selected() if self.selected_span is not None else None
        start_at = None
        if sel is not None:
            m = self._mark(sel)
            start_at = NewSpan(sel.lang, sel.segment, m.start, m.end)

        def drawn(new: NewSpan | None) -> None:
            if new is None:
                return
            self._pick_label_for(i, new)

        self.app.push_screen(
            SpanEditor(segments, start_at=start_at, token_edges=self.session.token_edges), drawn
        )

    def _pick_label_for(self, i: int, new: NewSpan) -> None:
        from glossary.labels import LABEL_HELP, LABELS

        assert self.state is not None
        text = (self.state.ja_texts if new.lang == "ja" else self.state.en_texts)[new.segment][
            new.start : new.end
        ]

        def chosen(label: str | None) -> None:
            assert self.state is not None
            if not label:
                return
            starts = self.state.ja_starts if new.lang == "ja" else self.state.en_starts
            base = starts[new.segment]
            result: list[int] = []
            if self._span_action(
                lambda: result.append(
                    self.notes.add_span(self.state.pair, i, new.lang, base + new.start, base + new.end, label)
                )
            ):
                self.selected_span = result[0]
                self._after_span_change()

        default = "ACRONYM" if text.isascii() or all(not ("\u3040" <= c <= "\u9fff") for c in text) else "ORG"
        self.app.push_screen(
            PickModal(
                f"Label for 「{text}」", [(lb, f"{lb}  {LABEL_HELP.get(lb, '')}") for lb in LABELS], default
            ),
            chosen,
        )

    def action_span_link(self) -> None:
        assert self.state is not None
        span = self._selected()
        if span is None:
            self.notify("Select a span first (f, o).", severity="warning")
            return
        entries = self.notes.lookup(span.text)
        choices = [(str(e.id), f"#{e.id} {e.label}  [{e.status}]") for e in entries]
        if span.entry_id:
            choices.append(("0", "no entry (unlink)"))
        if not choices:
            self.notify(f"No glossary entry matches 「{span.text}」: T creates one.", severity="warning")
            return

        def chosen(value: str | None) -> None:
            assert self.state is not None
            if value is None:
                return
            entry_id = int(value) or None
            if self._span_action(
                lambda: self.notes.link_span(self.state.pair, self.table.cursor, span, entry_id)
            ):
                self._after_span_change()

        self.app.push_screen(PickModal(f"Link 「{span.text}」 to", choices, str(span.entry_id or "")), chosen)

    def action_span_entry(self) -> None:
        assert self.state is not None
        span = self._selected()
        if span is None:
            self.notify("Select a span first (f, o).", severity="warning")
            return
        i = self.table.cursor
        form = entry_form_from_span(self.notes, self.state, i, span, self.bead_spans(i))

        def saved(result: EntryForm | None) -> None:
            assert self.state is not None
            if result is None:
                return
            from glossary.model import Source

            segments = self.state.ja_texts if span.lang == "ja" else self.state.en_texts
            source = Source(
                pair=self.state.pair.name,
                lang=span.lang,
                segment_index=span.segment,  # type: ignore[arg-type]
                bead_index=i,
                excerpt=segments[span.segment],
            )
            try:
                entry = form_to_entry(result, sources=(source,))
                stored = self.notes.add_entry(entry, pair=self.state.pair, bead=i, link_span=span)
            except ProjectError as exc:
                self.notify(str(exc), severity="error", timeout=8)
                return
            self.notify(f"Glossary entry #{stored.id} {stored.label} added ({stored.status}).")
            self._after_span_change()
            self._qa_worker(self.state.pair)

        from glossary.model import STATUSES

        self.app.push_screen(
            EntryModal(
                form,
                title=f"New glossary entry from 「{span.text}」",
                statuses=STATUSES,
                context=f"bead {i + 1}: {self.bead_text(i)[0][:120]}",
            ),
            saved,
        )

    def _status(self) -> None:
        assert self.state is not None
        total = len(self.state.beads)
        done = self.state.confirmed
        pct = f"{100 * done // total}%" if total else "–"
        busy = "  ·  realigning…" if self.realigning else ""
        self.query_one("#status-line", Static).update(
            f"{self.pair_name}  ·  {done}/{total} confirmed ({pct})  ·  {self.session.user}{busy}",
            layout=False,
        )

    @on(BeadTable.CursorMoved)
    def _moved(self, event: BeadTable.CursorMoved) -> None:
        self._show_current()

    # --- editing -----------------------------------------------------------------------------------

    def _edit(
        self, fn: BeadEdit, action: str, summary: str, cursor_after: Callable[[int], int] | None = None
    ) -> bool:
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
            self._refused(exc)
            return False
        self._show(cursor_after(i) if cursor_after else i)
        return True

    def _refused(self, exc: ProjectError) -> None:
        """An edit was refused; when the pair changed elsewhere, show it as it is now."""
        assert self.state is not None
        if not self.session.is_current(self.state):
            self.notify(f"{exc} — refreshed: press the key again.", severity="warning", timeout=8)
            self.post_message(ProjectChanged(None))
            return
        self.notify(str(exc), severity="error", timeout=8)

    def action_merge(self, direction: str) -> None:
        i = self.table.cursor
        other = i + 2 if direction == "next" else i
        self._edit(
            lambda b, i: edit.merge(b, i, direction),  # type: ignore[arg-type]
            "merge",
            f"merge bead {i + 1} with bead {other}",
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
            "move-segment",
            f"move a {side.upper()} segment of bead {i + 1} to the {where} bead",
        )

    def action_pull(self, side: str) -> None:
        i = self.table.cursor
        self._edit(
            lambda b, i: edit.pull_segment(b, i, side, "next"),  # type: ignore[arg-type]
            "pull-segment",
            f"take the next bead's first {side.upper()} segment into bead {i + 1}",
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
                self._edit(
                    lambda b, i: edit.confirm_through(b, i),
                    "confirm-above",
                    f"confirm {todo} beads from 1 to {i + 1}",
                )

        self.app.push_screen(
            ConfirmModal(f"Confirm {todo} beads from bead 1 down to bead {i + 1}?"), answered
        )

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
        if self.realigning or self.query_one("#busy").display:
            self.notify("Wait until the running job finishes.", severity="warning")
            return
        if not self.state.beads:
            return
        stretch = self.session.stretch(self.state, self.table.cursor)
        if stretch is None:
            self.notify(
                "This bead is confirmed: move into an unconfirmed stretch to realign it.", severity="warning"
            )
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

    # --- suggestions (GiNZA is slow to load: a worker) ---------------------------------------------------

    def action_suggest(self) -> None:
        assert self.state is not None
        if self.query_one("#busy").display:
            self.notify("Wait until the running job finishes.", severity="warning")
            return
        self.query_one("#busy").display = True
        self.query_one("#status-line", Static).update(
            "suggesting spans (GiNZA, acronyms, glossary)…", layout=False
        )
        self._suggest_worker(self.state.pair)

    @work(thread=True, exclusive=True, group="suggest")
    def _suggest_worker(self, pair) -> None:
        db = self.session.worker_db()
        try:
            analyses = Annotations.analyse(db, pair)
        except Exception as exc:  # reported; nothing was written
            self.app.call_from_thread(self._suggested, pair.id, None, str(exc))
            return
        finally:
            if db is not self.session.db:
                db.close()
        self.app.call_from_thread(self._suggested, pair.id, analyses, None)

    def _suggested(self, pair_id: int, analyses, error: str | None) -> None:
        self.query_one("#busy").display = False
        if self.state is None or self.state.pair.id != pair_id:
            return
        if error or analyses is None:
            self.notify(f"Suggesting failed: {error}", severity="error", timeout=8)
            self._status()
            return
        try:
            added, removed = self.notes.store_suggestions(self.state.pair, analyses)
        except ProjectError as exc:
            self.notify(str(exc), severity="error", timeout=8)
            self._status()
            return
        self._after_span_change()
        self.notify(f"Suggestions: {added} new, {removed} dropped; your decisions were kept (u undoes it).")

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
            self._refused(exc)
            return
        self._show(i)

    # --- undo, redo, leaving -----------------------------------------------------------------------

    def on_screen_resume(self) -> None:
        """Back from the glossary (or another pair): what was done there may concern this pair."""
        if self.state is None:
            return
        self.notes.invalidate()
        if self.generation != self.session.generation or not self.session.is_current(self.state):
            self.post_message(ProjectChanged(None))
            return
        self._reload_spans()
        self._qa_worker(self.state.pair)
        self._show_current()

    def on_project_changed(self, message: ProjectChanged) -> None:
        assert self.state is not None
        entry = message.entry
        self.generation = self.session.generation
        self.notes.invalidate()
        self.state = self.session.load(self.pair_name)
        self._derive()
        cursor = (
            entry.bead
            if entry is not None and entry.pair_id == self.state.pair.id and entry.bead is not None
            else None
        )
        self._show(cursor)

    def action_toggle_panel(self) -> None:
        self.toggle_class("-no-panel")

    def action_back(self) -> None:
        self.dismiss(None)
