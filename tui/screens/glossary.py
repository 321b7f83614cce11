"""The glossary screen: search the termbase, edit an entry, change its status, see provenance, jump to the bead."""

from __future__ import annotations

from typing import Any, ClassVar

from rich.console import Group
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, Input, Static

from alignment.project import ProjectError
from tui.core.session import Session
from tui.entries import entry_to_form, form_to_entry
from tui.messages import OpenPair, ProjectChanged
from tui.screens.modals import ConfirmModal, EntryForm, EntryModal, PickModal
from tui.widgets.glossary_panel import STATUS_STYLE, STATUS_SYMBOL

LIMIT = 500


class GlossaryScreen(Screen[None]):
    BINDINGS: ClassVar = [
        Binding(
            "slash", "search", "Search", id="glossary.search", tooltip="Search Japanese, English, acronyms"
        ),
        Binding("enter", "edit", "Edit", id="glossary.edit", tooltip="Edit the entry"),
        Binding("s", "status", "Status", id="glossary.status", tooltip="Change the entry's status"),
        Binding("n", "new", "New", id="glossary.new", tooltip="New glossary entry"),
        Binding("j", "jump", "Go to bead", id="glossary.jump", tooltip="Go to the bead the entry came from"),
        Binding("delete", "remove", "Remove", show=False, id="glossary.remove", tooltip="Remove the entry"),
        Binding(
            "escape", "back", "Back", id="glossary.back", tooltip="Back (from the search box: to the table)"
        ),
    ]

    def __init__(self, session: Session, entry_id: int | None = None) -> None:
        super().__init__()
        self.session = session
        self.start_entry = entry_id
        self.entries: list[Any] = []

    @property
    def table(self) -> DataTable:
        return self.query_one("#glossary-table", DataTable)

    def compose(self) -> ComposeResult:
        yield Header()
        yield Input(
            placeholder="search: Japanese, English or acronym (width, kana and case do not matter; paste works)",
            id="glossary-search",
        )
        with Horizontal(id="glossary-main"):
            yield DataTable(id="glossary-table", cursor_type="row", zebra_stripes=True)
            with VerticalScroll(id="glossary-detail-scroll"):
                yield Static(id="glossary-detail")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.sub_title = "glossary"
        # Fixed widths: a long Japanese term must not push English and status out of view.
        for label, width in (("#", 4), ("Japanese", 16), ("English", 18), ("Acronym", 8), ("Status", 11)):
            self.table.add_column(label, width=width)
        self.refresh_entries()
        if self.start_entry is not None:
            self.select(self.start_entry)
        self.table.focus()

    # --- data --------------------------------------------------------------------------------------

    def refresh_entries(self) -> None:
        from glossary import store

        query = self.query_one("#glossary-search", Input).value.strip()
        keep = self.current()
        if query:
            self.entries = self.session.annotations.lookup(query, limit=LIMIT)
        else:
            self.entries = store.list_entries(self.session.db)[:LIMIT]
        table = self.table
        table.clear()
        for e in self.entries:
            status = Text(
                f"{STATUS_SYMBOL.get(e.status, ' ')} {e.status}", style=STATUS_STYLE.get(e.status, "")
            )
            table.add_row(str(e.id), e.ja or "", e.en or "", e.acronym or "", status, key=str(e.id))
        if keep is not None:
            self.select(keep.id)
        self.show_detail()

    def select(self, entry_id: int) -> None:
        for row, e in enumerate(self.entries):
            if e.id == entry_id:
                self.table.move_cursor(row=row)
                return

    def current(self) -> Any | None:
        if not self.entries:
            return None
        row = self.table.cursor_row
        return self.entries[row] if 0 <= row < len(self.entries) else None

    def show_detail(self) -> None:
        e = self.current()
        detail = self.query_one("#glossary-detail", Static)
        if e is None:
            detail.update(Text("No entry. n adds one.", style="dim italic"))
            return
        from glossary import store

        parts: list[Text] = [Text(f"#{e.id} {e.label}", style="bold")]
        parts.append(Text(f"{e.status}", style=STATUS_STYLE.get(e.status, "")))
        for name, values in (
            ("JA variants", e.ja_variants),
            ("EN variants", e.en_variants),
            ("forbidden EN", e.forbidden_en),
        ):
            if values:
                parts.append(Text(f"{name}: {', '.join(values)}"))
        for name in ("domain", "definition", "note"):
            if getattr(e, name):
                parts.append(Text(f"{name}: {getattr(e, name)}"))
        parts.append(Text(""))
        parts.append(Text("Provenance (j goes to the first)", style="bold underline"))
        if not e.sources:
            parts.append(Text("none recorded", style="dim italic"))
        for s in e.sources:
            where = (
                f"bead {s.bead_index + 1}"
                if s.bead_index is not None
                else (
                    f"{(s.lang or '').upper()} segment {s.segment_index + 1}"
                    if s.segment_index is not None
                    else ""
                )
            )
            parts.append(Text(f"• {s.pair} {where}", style="cyan"))
            if s.excerpt:
                parts.append(Text(f"  {s.excerpt[:160]}", style="dim"))
        parts.append(Text(""))
        parts.append(Text("History", style="bold underline"))
        for h in store.history(self.session.db, e.id)[-8:]:
            parts.append(
                Text(
                    f"{h.at[:16].replace('T', ' ')}  {h.user}  {h.action}"
                    + (f" ({h.reason})" if h.reason else ""),
                    style="dim",
                )
            )
        detail.update(Group(*parts))

    @on(DataTable.RowHighlighted, "#glossary-table")
    def _highlighted(self) -> None:
        self.show_detail()

    @on(DataTable.RowSelected, "#glossary-table")
    def _selected(self) -> None:
        self.action_edit()

    @on(Input.Changed, "#glossary-search")
    def _search(self) -> None:
        self.refresh_entries()

    @on(Input.Submitted, "#glossary-search")
    def _search_done(self) -> None:
        self.table.focus()

    # --- actions -------------------------------------------------------------------------------------

    def action_search(self) -> None:
        self.query_one("#glossary-search", Input).focus()

    def action_back(self) -> None:
        if self.query_one("#glossary-search", Input).has_focus:
            self.table.focus()
            return
        self.dismiss(None)

    def _statuses(self) -> tuple[str, ...]:
        from glossary.model import STATUSES

        return STATUSES

    def action_edit(self) -> None:
        e = self.current()
        if e is None:
            return

        def saved(form: EntryForm | None) -> None:
            if form is None:
                return
            entry = form_to_entry(form, base=e)
            fields = {
                k: getattr(entry, k) for k in ("ja", "en", "acronym", "variants", "status", "domain", "note")
            }
            try:
                self.session.annotations.edit_entry(e.id, **fields)
            except ProjectError as exc:
                self.notify(str(exc), severity="error", timeout=8)
                return
            self.refresh_entries()

        self.app.push_screen(
            EntryModal(entry_to_form(e), title=f"Edit entry #{e.id}", statuses=self._statuses()), saved
        )

    def action_status(self) -> None:
        e = self.current()
        if e is None:
            return

        def chosen(status: str | None) -> None:
            if status and status != e.status:
                try:
                    self.session.annotations.edit_entry(e.id, status=status)
                except ProjectError as exc:
                    self.notify(str(exc), severity="error", timeout=8)
                    return
                self.refresh_entries()

        self.app.push_screen(
            PickModal(f"Status of #{e.id} {e.label}", [(s, s) for s in self._statuses()], e.status), chosen
        )

    def action_new(self) -> None:
        query = self.query_one("#glossary-search", Input).value.strip()
        from tui.entries import is_latin

        form = (
            EntryForm(acronym=query)
            if query and is_latin(query) and query.upper() == query
            else EntryForm(ja=query)
        )

        def saved(result: EntryForm | None) -> None:
            if result is None:
                return
            try:
                stored = self.session.annotations.add_entry(form_to_entry(result))
            except ProjectError as exc:
                self.notify(str(exc), severity="error", timeout=8)
                return
            self.refresh_entries()
            self.select(stored.id)

        self.app.push_screen(EntryModal(form, title="New glossary entry", statuses=self._statuses()), saved)

    def action_jump(self) -> None:
        e = self.current()
        if e is None:
            return
        source = next((s for s in e.sources if s.pair), None)
        if source is None:
            self.notify("This entry has no provenance to go to.", severity="warning")
            return
        bead = source.bead_index
        if bead is None and source.segment_index is not None:
            bead = self.session.bead_of_segment(source.pair, source.lang or "ja", source.segment_index)
        self.post_message(OpenPair(source.pair, bead))

    def action_remove(self) -> None:
        e = self.current()
        if e is None:
            return

        def answered(yes: bool | None) -> None:
            if yes:
                try:
                    self.session.annotations.remove_entry(e.id)
                except ProjectError as exc:
                    self.notify(str(exc), severity="error", timeout=8)
                    return
                self.refresh_entries()

        self.app.push_screen(ConfirmModal(f"Remove entry #{e.id} {e.label}? (u undoes it)"), answered)

    def on_project_changed(self, message: ProjectChanged) -> None:
        self.session.annotations.invalidate()
        self.refresh_entries()

    def on_screen_resume(self) -> None:
        self.refresh_entries()
