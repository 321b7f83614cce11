"""The glossary screen: search the termbase, edit an entry, change its status, see provenance, jump to the bead."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from rich.console import Group
from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widgets import DataTable, Header, Input, Static

from alignment.project import ProjectError
from alignment.text import fold
from glossary.model import Entry, HistoryItem, Source
from tui.core.session import Session
from tui.entries import entry_to_form, form_to_entry, is_latin
from tui.messages import OpenPair, ProjectChanged
from tui.screens.modals import ConfirmModal, EntryForm, EntryModal, FormInput, PickModal
from tui.widgets.footer import AppFooter
from tui.widgets.glossary_panel import STATUS_STYLE, STATUS_SYMBOL
from tui.widgets.list_table import Column, ListTable, cut, widths

LIMIT = 500
COLUMNS = (
    Column("#", 4),
    Column("Japanese", 6, grow=1),
    Column("English", 6, grow=1),
    Column("Acronym", 8),
    Column("Status", 11),
)
TEXT = frozenset(["ja", "en", "acronym", "status", "domain", "definition", "note"])


def describe_change(h: HistoryItem) -> str:
    """One history row as a person reads it: what changed, old → new."""
    if h.before is None:
        return "added"
    if h.after is None:
        return "removed"
    parts = []
    for name in h.changed_fields():
        old, new = h.before.get(name), h.after.get(name)
        if name in TEXT:
            parts.append(f"{name} {old or '—'} → {new or '—'}")
        elif name == "sources":
            parts.append(f"sources {len(old or [])} → {len(new or [])}")
        else:
            parts.append(name)
    return "; ".join(parts) or h.action


@dataclass(frozen=True, slots=True)
class Origin:
    """The bead a person was on when they opened the glossary."""

    pair: str
    bead: int
    """0-based."""
    ja: str
    en: str

    def holds(self, form: EntryForm) -> bool:
        """Whether one of the form's terms occurs in the bead (width, kana and case folded)."""
        ja, en = fold(self.ja).text, fold(self.en).text
        terms = ((form.ja, ja), (form.en, en), (form.acronym, ja), (form.acronym, en))
        return any(t and fold(t).text in side for t, side in terms)

    def source(self) -> Source:
        return Source(pair=self.pair, lang="ja", bead_index=self.bead, excerpt=self.ja[:200])


class GlossaryScreen(Screen[None]):
    BINDINGS: ClassVar = [
        Binding(
            "slash", "search", "Search", id="glossary.search", tooltip="Search Japanese, English, acronyms"
        ),
        Binding("enter", "edit", "Edit", id="glossary.edit", tooltip="Edit the entry"),
        Binding("s", "status", "Status", id="glossary.status", tooltip="Change the entry's status"),
        Binding("n", "new", "New", id="glossary.new", tooltip="New glossary entry"),
        Binding(
            "p",
            "jump",
            "Go to bead",
            id="glossary.jump",
            tooltip="Go to the bead the entry came from (provenance)",
        ),
        Binding("delete", "remove", "Remove", show=False, id="glossary.remove", tooltip="Remove the entry"),
        Binding(
            "escape", "back", "Back", id="glossary.back", tooltip="Back (from the search box: to the table)"
        ),
    ]

    def __init__(self, session: Session, entry_id: int | None = None, origin: Origin | None = None) -> None:
        super().__init__()
        self.session = session
        self.start_entry = entry_id
        self.origin = origin
        """The bead the glossary was opened from: provenance for entries made here that occur in it."""
        self.entries: list[Entry] = []
        self.widths: list[int] = []
        self.detail_text = ""
        """What the detail pane shows, as plain text."""

    @property
    def table(self) -> ListTable:
        return self.query_one("#glossary-table", ListTable)

    @property
    def search_box(self) -> Input:
        return self.query_one("#glossary-search", Input)

    def compose(self) -> ComposeResult:
        yield Header()
        yield FormInput(
            placeholder="search: Japanese, English or acronym (width, kana and case do not matter; paste works)",
            id="glossary-search",
        )
        with Horizontal(id="glossary-main"):
            yield ListTable(id="glossary-table", cursor_type="row", zebra_stripes=True)
            with VerticalScroll(id="glossary-detail-scroll"):
                yield Static(id="glossary-detail")
        yield AppFooter()

    def on_mount(self) -> None:
        shared = self.session.project.glossary_path
        self.sub_title = "glossary" if shared is None else f"glossary (shared: {shared})"
        self.widths = widths(COLUMNS, 60)
        self.refresh_entries()
        if self.start_entry is not None:
            self.select(self.start_entry)
        self.table.focus()

    # --- data --------------------------------------------------------------------------------------

    def on_resize(self) -> None:
        # Columns share the width there is; Status keeps its width so it survives at 80 columns.
        new = widths(COLUMNS, self.table.size.width - 2)
        if new != self.widths:
            self.widths = new
            self.fill_table()

    def refresh_entries(self) -> None:
        """Read the entries again (the search as typed, or the whole glossary) and show them."""
        query = self.search_box.value.strip()
        notes = self.session.annotations
        self.entries = notes.lookup(query, limit=LIMIT) if query else notes.entries(LIMIT)
        self.fill_table()

    def fill_table(self) -> None:
        keep = self.current()
        table = self.table
        table.clear(columns=True)
        for column, width in zip(COLUMNS, self.widths, strict=True):
            table.add_column(column.label, width=width)
        w = self.widths
        for e in self.entries:
            status = Text(
                f"{STATUS_SYMBOL.get(e.status, ' ')} {e.status}", style=STATUS_STYLE.get(e.status, "")
            )
            cells = (
                cut(str(e.id), w[0]),
                cut(e.ja or "", w[1]),
                cut(e.en or "", w[2]),
                cut(e.acronym or "", w[3]),
            )
            table.add_row(*cells, status, key=str(e.id))
        if keep is not None and keep.id is not None:
            self.select(keep.id)
        self.show_detail()

    def select(self, entry_id: int) -> None:
        for row, e in enumerate(self.entries):
            if e.id == entry_id:
                self.table.move_cursor(row=row)
                return

    def current(self) -> Entry | None:
        if not self.entries:
            return None
        row = self.table.cursor_row
        return self.entries[row] if 0 <= row < len(self.entries) else None

    def show_detail(self) -> None:
        e = self.current()
        detail = self.query_one("#glossary-detail", Static)
        if e is None or e.id is None:
            self.detail_text = "No entry. n adds one."
            detail.update(Text(self.detail_text, style="dim italic"))
            return
        entry_id = e.id
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
        parts.append(Text("Provenance (p goes to the first)", style="bold underline"))
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
        for h in self.session.annotations.entry_history(entry_id)[-8:]:
            line = Text(f"{h.at[:16].replace('T', ' ')}  {h.user}  ", style="dim")
            line.append(describe_change(h) + (f" ({h.reason})" if h.reason else ""))
            parts.append(line)
        self.detail_text = "\n".join(p.plain for p in parts)
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
        self.set_focus(self.table)

    def on_key(self, event: events.Key) -> None:
        """Typing in the list searches: a printable key no binding claims goes to the search box (and keys
        typed in the same burst, still queued for the table when the box took the focus, follow it)."""
        if not event.is_printable or not event.character:
            return
        # `focused`, not `has_focus`: the widget learns it has the focus only when its Focus event arrives
        if (
            self.focused is self.search_box
        ):  # the box consumes its own keys: this one was queued for the table
            event.stop()
            event.prevent_default()
            self.search_box.insert_text_at_cursor(event.character)
            return
        if self.focused is not self.table or event.key in self.bound_keys():
            return
        event.stop()
        event.prevent_default()
        box = self.search_box
        self.set_focus(box)  # now, not later: the next key of the burst must find the box focused
        box.insert_text_at_cursor(event.character)

    def bound_keys(self) -> set[str]:
        keys: set[str] = set()
        for owner in (self, self.app, self.table):
            for _key, bindings in owner._bindings.key_to_bindings.items():
                keys.update(b.key for b in bindings)
        return keys

    # --- actions -------------------------------------------------------------------------------------

    def action_search(self) -> None:
        self.set_focus(self.search_box)

    def action_back(self) -> None:
        if self.focused is self.search_box:
            self.set_focus(self.table)
            return
        self.dismiss(None)

    def _statuses(self) -> tuple[str, ...]:
        from glossary.model import STATUSES

        return STATUSES

    def action_edit(self) -> None:
        e = self.current()
        if e is None or e.id is None:
            return
        entry_id = e.id

        def saved(form: EntryForm | None) -> None:
            if form is None:
                return
            entry = form_to_entry(form, base=e)
            fields = {
                k: getattr(entry, k) for k in ("ja", "en", "acronym", "variants", "status", "domain", "note")
            }
            try:
                self.session.annotations.edit_entry(entry_id, **fields)
            except ProjectError as exc:
                self.notify(str(exc), severity="error", timeout=8)
                return
            self.refresh_entries()

        self.app.push_screen(
            EntryModal(entry_to_form(e), title=f"Edit entry #{e.id}", statuses=self._statuses()), saved
        )

    def action_status(self) -> None:
        e = self.current()
        if e is None or e.id is None:
            return
        entry_id = e.id

        def chosen(status: str | None) -> None:
            if status and status != e.status:
                try:
                    self.session.annotations.edit_entry(entry_id, status=status)
                except ProjectError as exc:
                    self.notify(str(exc), severity="error", timeout=8)
                    return
                self.refresh_entries()

        self.app.push_screen(
            PickModal(f"Status of #{e.id} {e.label}", [(s, s) for s in self._statuses()], e.status), chosen
        )

    def action_new(self) -> None:
        query = self.search_box.value.strip()
        form = (
            EntryForm(acronym=query)
            if query and is_latin(query) and query.upper() == query
            else EntryForm(ja=query)
        )

        def saved(result: EntryForm | None) -> None:
            if result is None:
                return
            origin = self.origin
            sources = (origin.source(),) if origin is not None and origin.holds(result) else ()
            try:
                stored = self.session.annotations.add_entry(form_to_entry(result, sources=sources))
            except ProjectError as exc:
                self.notify(str(exc), severity="error", timeout=8)
                return
            self.refresh_entries()
            if stored.id is not None:
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
        if e is None or e.id is None:
            return
        entry_id = e.id

        def answered(yes: bool | None) -> None:
            if yes:
                try:
                    self.session.annotations.remove_entry(entry_id)
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
