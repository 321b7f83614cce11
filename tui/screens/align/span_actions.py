"""The alignment view's spans: go to the next suggestion, accept, reject, relabel, delete and draw spans.

Every change goes through the app's glossary side (tui.core.annotations → tui.core.spans), one undoable
action each.
"""

from __future__ import annotations

from textual.binding import Binding, BindingType

from alignment.model import Lang
from glossary.labels import LABEL_HELP, LABELS
from glossary.spans import SpanStatus
from tui.core.spans import BeadSpan
from tui.screens.align.view import AlignView
from tui.screens.modals import PickModal
from tui.screens.span_editor import NewSpan, SpanEditor

BINDINGS: list[BindingType] = [
    Binding(
        "f", "next_suggestion(1)", "Span", id="align.span-next", tooltip="Next suggested span (across beads)"
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
    Binding("H", "toggle_rejected", "Show/hide rejected spans", show=False, id="align.show-rejected"),
]

STATUSES: dict[str, SpanStatus] = {"accepted": "accepted", "rejected": "rejected", "suggested": "suggested"}


def label_choices() -> list[tuple[str, str]]:
    return [(lb, f"{lb}  {LABEL_HELP.get(lb, '')}") for lb in LABELS]


class SpanActions(AlignView):
    """Keys on the spans of the current bead."""

    def selected(self) -> BeadSpan | None:
        """The selected span, or the bead's first suggestion (so `a` works without choosing first)."""
        spans = self.bead_spans(self.table.cursor) if self.beads else []
        for s in spans:
            if s.id == self.selected_span:
                return s
        first = next((s for s in spans if s.status == "suggested"), spans[0] if spans else None)
        if first is not None:
            self.selected_span = first.id
        return first

    def after_span_change(self, advance: bool = False) -> None:
        """Spans changed in the project: read them again and redraw (moving on to the next suggestion)."""
        self.spans = self.notes.spans_by_segment(self.pair_state.pair)
        if advance:
            self.action_next_suggestion(1, quiet=True)
        self.show_current()

    def action_next_suggestion(self, step: int, quiet: bool = False) -> None:
        """The next suggestion after the selected span: later in this bead, then in the following beads."""
        if not self.beads:
            return
        n = len(self.beads)
        i = self.table.cursor
        here = self.bead_spans(i)
        ids = [s.id for s in here]
        pos = ids.index(self.selected_span) if self.selected_span in ids else (-1 if step > 0 else len(ids))
        rest = here[pos + 1 :] if step > 0 else list(reversed(here[:pos]))
        for s in rest:
            if s.status == "suggested":
                self.selected_span = s.id
                self.show_current()
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
        spans = self.bead_spans(self.table.cursor) if self.beads else []
        if not spans:
            self.notify("This bead has no span: v draws one.")
            return
        ids = [s.id for s in spans]
        k = ids.index(self.selected_span) + 1 if self.selected_span in ids else 0
        self.selected_span = ids[k % len(ids)]
        self.show_current()

    def action_span_status(self, status: str) -> None:
        span = self.selected()
        if span is None:
            self.notify("No span here: f goes to the next suggestion.", severity="warning")
            return
        pair, i = self.pair_state.pair, self.bead_here
        if self.attempt(lambda: self.notes.set_span_status(pair, i, span, STATUSES[status])):
            self.after_span_change(advance=True)

    def action_accept_bead(self) -> None:
        pair, i = self.pair_state.pair, self.bead_here
        todo = [s for s in self.bead_spans(self.table.cursor) if s.status == "suggested"]
        done = 0
        for s in todo:
            if not self.attempt(lambda s=s: self.notes.set_span_status(pair, i, s, "accepted")):  # type: ignore[misc]  # bound per loop
                break
            done += 1
        self.after_span_change()
        self.notify(f"Accepted {done} suggestion{'s' if done != 1 else ''}.")

    def action_span_label(self) -> None:
        span = self.selected()
        if span is None:
            self.notify("No span here: f goes to the next suggestion.", severity="warning")
            return
        pair, i = self.pair_state.pair, self.bead_here

        def chosen(label: str | None) -> None:
            if (
                label
                and label != span.label
                and self.attempt(lambda: self.notes.set_span_label(pair, i, span, label))
            ):
                self.after_span_change()

        self.app.push_screen(PickModal(f"Label for 「{span.text}」", label_choices(), span.label), chosen)

    def action_span_delete(self) -> None:
        span = self.selected()
        if span is None:
            return
        pair, i = self.pair_state.pair, self.bead_here
        if self.attempt(lambda: self.notes.delete_span(pair, i, span)):
            self.selected_span = None
            self.after_span_change()

    def action_toggle_rejected(self) -> None:
        self.show_rejected = not self.show_rejected
        self.notify("Rejected spans shown." if self.show_rejected else "Rejected spans hidden.", timeout=2)
        self.show_current()

    def action_span_new(self) -> None:
        state = self.shown
        if not self.beads:
            return
        i = self.bead_here
        bead = self.beads[self.table.cursor]
        segments = [("ja", k, state.ja_texts[k]) for k in range(*bead.ja)]
        segments += [("en", k, state.en_texts[k]) for k in range(*bead.en)]
        sel = self.selected() if self.selected_span is not None else None
        start_at = None
        if sel is not None:
            m = self.mark(sel)
            start_at = NewSpan(sel.lang, sel.segment, m.start, m.end)

        def drawn(new: NewSpan | None) -> None:
            if new is not None:
                self.pick_label_for(i, new)

        self.app.push_screen(
            SpanEditor(segments, start_at=start_at, token_edges=self.session.token_edges), drawn
        )

    def pick_label_for(self, i: int, new: NewSpan) -> None:
        state = self.shown
        text = (state.ja_texts if new.lang == "ja" else state.en_texts)[new.segment][new.start : new.end]
        lang: Lang = "ja" if new.lang == "ja" else "en"
        base = (state.ja_starts if lang == "ja" else state.en_starts)[new.segment]

        def chosen(label: str | None) -> None:
            if not label:
                return
            made: list[int] = []
            add = self.notes.add_span
            if self.attempt(
                lambda: made.append(add(state.pair, i, lang, base + new.start, base + new.end, label))
            ):
                self.selected_span = made[0]
                self.after_span_change()

        default = "ACRONYM" if all(not ("\u3040" <= c <= "\u9fff") for c in text) else "ORG"
        self.app.push_screen(PickModal(f"Label for 「{text}」", label_choices(), default), chosen)
