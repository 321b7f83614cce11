"""The pair list: every document pair with its progress (beads confirmed, spans decided, QA problems)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import DataTable, Header, Static
from textual.widgets.data_table import ColumnKey

from tui.core.session import PairProgress, Session
from tui.messages import OpenPair, ProjectChanged
from tui.widgets.footer import AppFooter
from tui.widgets.list_table import Column, ListTable, cut, widths


def percent(done: int, total: int) -> str:
    return f"{100 * done // total}%" if total else "–"


def progress_bar(done: int, total: int, width: int = 10) -> str:
    if not total:
        return "·" * width
    filled = round(width * done / total)
    return "█" * filled + "·" * (width - filled)


BAR = 6
MAX_NAME = 28
COLUMNS = (
    Column("Pair", 8, grow=2),
    Column("Title", 8, grow=3),
    Column("Beads", 5),
    Column("Confirmed", 9),
    Column("", BAR),
    Column("Spans", 9),
    Column("QA", 3),
    Column("JA", 5),
    Column("EN", 5),
)


def columns_for(rows: Sequence[PairProgress], total: int) -> tuple[Column, ...]:
    """The pair name whole when there is room for it (people type it in commands), else cut like the rest."""
    longest = max((len(r.name) for r in rows), default=4)
    whole = (Column("Pair", min(longest, MAX_NAME)), *COLUMNS[1:])
    fits = sum(c.width + 2 for c in whole) <= total
    return whole if fits else COLUMNS


class PairListScreen(Screen[None]):
    BINDINGS: ClassVar = [
        Binding("enter", "open_pair", "Open", id="pairs.open"),
        Binding("g", "app.glossary", "Glossary", id="pairs.glossary"),
    ]

    def __init__(self, session: Session) -> None:
        super().__init__()
        self.session = session
        self.rows: list[PairProgress] = []
        self.widths: list[int] = []
        self.total = 100
        """Cells the table has for its columns."""
        self.columns: list[ColumnKey] = []

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("", id="pairs-title")
        yield ListTable(id="pairs-table", cursor_type="row", zebra_stripes=True)
        yield AppFooter()

    @property
    def table(self) -> ListTable:
        return self.query_one("#pairs-table", ListTable)

    def on_mount(self) -> None:
        self.action_refresh()
        self.table.focus()

    def on_resize(self) -> None:
        # The title takes the width the figures leave, so it is never what gets pushed off the screen.
        self.total = self.table.size.width - 2
        self.fill_table()

    def action_refresh(self) -> None:
        self.rows = self.session.progress()
        self.fill_table()
        self._qa_worker()

    def fill_table(self) -> None:
        self.widths = widths(columns_for(self.rows, self.total), self.total)
        table = self.table
        keep = table.cursor_row
        table.clear(columns=True)
        self.columns = [table.add_column(c.label, width=w) for c, w in zip(COLUMNS, self.widths, strict=True)]
        for p in self.rows:
            spans = (
                f"{p.spans_decided}/{p.spans_suggested + p.spans_decided}"
                if (p.spans_suggested or p.spans_decided)
                else "–"
            )
            table.add_row(
                cut(p.name, self.widths[0]),
                cut(p.title, self.widths[1]),
                str(p.beads),
                f"{p.confirmed} ({percent(p.confirmed, p.beads)})",
                progress_bar(p.confirmed, p.beads, BAR),
                spans,
                str(p.qa_problems) if p.qa_problems else "–",
                str(p.ja_segments),
                str(p.en_segments),
                key=p.name,
            )
        if self.rows:
            table.move_cursor(row=min(keep, len(self.rows) - 1))
        title = self.query_one("#pairs-title", Static)
        if self.rows:
            n = len(self.rows)
            title.update(
                f" {n} pair{'' if n == 1 else 's'} in {self.session.path or 'the project'} — enter opens one"
            )
        else:
            title.update(
                " This project has no pairs yet: `taiyaku import JA_FILE EN_FILE` or `taiyaku demo`."
            )

    @work(thread=True, exclusive=True, group="qa-counts")
    def _qa_worker(self) -> None:
        try:
            counts = self.session.qa_counts()
        except Exception:  # advisory figures: the list works without them
            return
        self.app.call_from_thread(self._qa_ready, counts)

    def _qa_ready(self, counts: dict[str, int]) -> None:
        table = self.table
        for name, n in counts.items():
            try:
                table.update_cell(name, self.columns[6], str(n) if n else "–")
            except Exception:  # the row went away meanwhile
                continue

    def action_open_pair(self) -> None:
        table = self.table
        if self.rows:
            self.post_message(OpenPair(self.rows[table.cursor_row].name))

    @on(DataTable.RowSelected)
    def _row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.post_message(OpenPair(str(event.row_key.value)))

    def on_screen_resume(self) -> None:
        self.action_refresh()

    def on_project_changed(self, message: ProjectChanged) -> None:
        self.action_refresh()
