"""The alignment view's glossary links: link a span to any entry of the glossary (t), or make an entry
from a span (T), with its provenance."""

from __future__ import annotations

from textual.binding import Binding, BindingType

from glossary.model import STATUSES, Source
from tui.core.spans import BeadSpan
from tui.entries import entry_form_from_span, form_to_entry
from tui.screens.align.span_actions import SpanActions
from tui.screens.modals import EntryForm, EntryModal, PickModal

BINDINGS: list[BindingType] = [
    Binding("t", "span_link", "Link the span to a glossary entry", show=False, id="align.span-link"),
    Binding("T", "span_entry", "New glossary entry from the span", show=False, id="align.span-entry"),
]

UNLINK = "0"


class GlossaryLinks(SpanActions):
    """Keys between the selected span and the glossary."""

    def entry_choices(self, query: str, span: BeadSpan) -> list[tuple[str, str]]:
        """Entries anywhere in the glossary matching what is typed (width, kana and case folded)."""
        choices = [(str(e.id), f"#{e.id} {e.label}  [{e.status}]") for e in self.notes.lookup(query)]
        if span.entry_id:
            choices.append((UNLINK, "no entry (unlink)"))
        return choices

    def action_span_link(self) -> None:
        span = self.selected()
        if span is None:
            self.notify("Select a span first (f, o).", severity="warning")
            return
        pair, i = self.pair_state.pair, self.bead_here

        def chosen(value: str | None) -> None:
            if value is None:
                return
            entry_id = int(value) or None
            if self.attempt(lambda: self.notes.link_span(pair, i, span, entry_id)):
                self.after_span_change()

        self.app.push_screen(
            PickModal(
                f"Link 「{span.text}」 to (type to search the whole glossary; T makes a new entry)",
                [],
                str(span.entry_id or ""),
                search=lambda q: self.entry_choices(q, span),
                query=span.text,
            ),
            chosen,
        )

    def action_span_entry(self) -> None:
        span = self.selected()
        if span is None:
            self.notify("Select a span first (f, o).", severity="warning")
            return
        state, i, row = self.pair_state, self.bead_here, self.table.cursor
        form = entry_form_from_span(self.notes, state, i, span, self.bead_spans(row))
        ja, en = self.bead_text(row)
        segments = state.ja_texts if span.lang == "ja" else state.en_texts
        source = Source(
            pair=state.pair.name,
            lang="ja" if span.lang == "ja" else "en",
            segment_index=span.segment,
            bead_index=i,
            excerpt=segments[span.segment],
        )

        def saved(result: EntryForm | None) -> None:
            if result is None:
                return
            entry = form_to_entry(result, sources=(source,))
            stored = []
            if self.attempt(
                lambda: stored.append(self.notes.add_entry(entry, pair=state.pair, bead=i, link_span=span))
            ):
                e = stored[0]
                self.notify(f"Glossary entry #{e.id} {e.label} added ({e.status}).")
                self.after_span_change()
                self.check_pair()

        context = f"{self.noun} {row + 1}\nJA: {ja}\nEN: {en or '(no English yet: e writes it)'}"
        self.app.push_screen(
            EntryModal(
                form, title=f"New glossary entry from 「{span.text}」", statuses=STATUSES, context=context
            ),
            saved,
        )
