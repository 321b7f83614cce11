"""The alignment as a virtualised table: one line per bead, only the visible lines are ever rendered."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import ClassVar

from rich.cells import cell_len, set_cell_size
from rich.segment import Segment
from textual import events
from textual.binding import Binding
from textual.cache import LRUCache
from textual.geometry import Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

from alignment.confidence import is_doubtful
from alignment.model import Bead

# Symbols are all East-Asian-width N or Na, so they stay one cell even where ambiguous characters are wide.
SYM_CURSOR = "▸"
SYM_CONFIRMED = "✓"
SYM_AUTO = "◦"
SYM_LOW = "▾"
SYM_PROBLEM = "!"
SYM_EMPTY = "∅"
SYM_MORE = "⋯"
SEPARATOR = " ╎ "
_CONTROL = str.maketrans({"\n": " ", "\r": " ", "\t": " ", "\x0b": " ", "\x0c": " "})


def fit(text: str, width: int) -> str:
    """Exactly `width` cells of `text`: padded, or cut with an ellipsis (a wide character is never halved)."""
    if width <= 0:
        return ""
    if cell_len(text) <= width:
        return set_cell_size(text, width)
    return set_cell_size(text, width - 1) + SYM_MORE


@dataclass(frozen=True, slots=True)
class TableData:
    """Everything the table shows; the screen builds it and hands it down."""

    beads: Sequence[Bead] = ()
    ja: Sequence[str] = ()
    """Japanese segment texts, by segment index."""
    en: Sequence[str] = ()
    low_score: float | None = None
    """Beads scoring below this are flagged for review."""
    problems: frozenset[int] = field(default_factory=frozenset)
    """Bead indexes with a QA problem."""

    def side_text(self, bead: Bead, side: str) -> str:
        if side == "ja":
            return "".join(self.ja[bead.ja[0] : bead.ja[1]]).translate(_CONTROL)
        return " ".join(self.en[bead.en[0] : bead.en[1]]).translate(_CONTROL)

    def is_low(self, bead: Bead) -> bool:
        # The score is a calibrated confidence: flag below a fixed threshold, not a share of every pair.
        return bead.status != "confirmed" and is_doubtful(bead.score)


class BeadTable(ScrollView, can_focus=True):
    """Line 0 is a sticky header; bead i is drawn on virtual line i + 1."""

    BINDINGS: ClassVar = [
        Binding("up,k", "cursor_up", "Up", show=False, id="table.up"),
        Binding("down,j", "cursor_down", "Down", show=False, id="table.down"),
        Binding("pageup", "page_up", "Page up", show=False, id="table.page-up"),
        Binding("pagedown", "page_down", "Page down", show=False, id="table.page-down"),
        Binding("home", "first", "First", show=False, id="table.first"),
        Binding("end", "last", "Last", show=False, id="table.last"),
    ]

    COMPONENT_CLASSES: ClassVar = {
        "bead-table--header",
        "bead-table--cursor",
        "bead-table--index",
        "bead-table--confirmed",
        "bead-table--auto",
        "bead-table--low",
        "bead-table--problem",
        "bead-table--unpaired",
        "bead-table--multi",
        "bead-table--empty",
    }

    DEFAULT_CSS = """
    BeadTable { background: $surface; }
    BeadTable > .bead-table--header { text-style: bold; background: $panel; }
    BeadTable > .bead-table--cursor { background: $accent 40%; }
    BeadTable:focus > .bead-table--cursor { background: $accent 70%; }
    BeadTable > .bead-table--index { color: $text-muted; }
    BeadTable > .bead-table--confirmed { color: $success; text-style: bold; }
    BeadTable > .bead-table--auto { color: $text-muted; }
    BeadTable > .bead-table--low { color: $warning; text-style: bold; }
    BeadTable > .bead-table--problem { color: $error; text-style: bold; }
    BeadTable > .bead-table--unpaired { color: $secondary; text-style: bold; }
    BeadTable > .bead-table--multi { color: $primary; text-style: bold; }
    BeadTable > .bead-table--empty { color: $text-muted; text-style: italic; }
    """

    class CursorMoved(Message):
        """The analyst moved to another bead."""

        def __init__(self, table: BeadTable, index: int) -> None:
            super().__init__()
            self.table = table
            self.index = index

        @property
        def control(self) -> BeadTable:
            return self.table

    def __init__(self, *, name: str | None = None, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self._data = TableData()
        self._cursor = 0
        self._cache: LRUCache[tuple[int, int, bool], Strip] = LRUCache(512)

    # --- attributes down ---------------------------------------------------------------------------

    @property
    def data(self) -> TableData:
        return self._data

    @property
    def cursor(self) -> int:
        return self._cursor

    def show(self, data: TableData, cursor: int | None = None) -> None:
        """Replace what the table shows (cheap: nothing is laid out until a line is drawn)."""
        self._data = data
        self._cache.clear()
        self.virtual_size = Size(self._width, len(data.beads) + 1)
        target = self._cursor if cursor is None else cursor
        self._cursor = max(0, min(target, len(data.beads) - 1))
        self._scroll_cursor_into_view()
        self.refresh()

    def move_to(self, index: int) -> None:
        """Put the cursor on bead `index` (clamped) and tell the parent."""
        if not self._data.beads:
            return
        index = max(0, min(index, len(self._data.beads) - 1))
        old = self._cursor
        self._cursor = index
        if index != old:
            self._cache.discard((old, self._width, True))
            self.refresh_lines(old + 1)
            self.refresh_lines(index + 1)
        self._scroll_cursor_into_view()
        self.post_message(self.CursorMoved(self, index))

    @property
    def _width(self) -> int:
        """Cells for the rows: the widget minus its scrollbar."""
        return self.scrollable_content_region.width

    @property
    def _height(self) -> int:
        return self.scrollable_content_region.height

    def on_resize(self, event: events.Resize) -> None:
        self._cache.clear()
        self.virtual_size = Size(self._width, len(self._data.beads) + 1)
        self._scroll_cursor_into_view()

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._cache.clear()

    # --- navigation --------------------------------------------------------------------------------

    @property
    def _page(self) -> int:
        return max(1, self._height - 2)

    def _scroll_cursor_into_view(self) -> None:
        rows = max(1, self._height - 1)
        top = round(self.scroll_y)
        if self._cursor < top:
            self.scroll_to(y=self._cursor, animate=False, immediate=True)
        elif self._cursor >= top + rows:
            self.scroll_to(y=self._cursor - rows + 1, animate=False, immediate=True)

    def action_cursor_up(self) -> None:
        self.move_to(self._cursor - 1)

    def action_cursor_down(self) -> None:
        self.move_to(self._cursor + 1)

    def action_page_up(self) -> None:
        self.move_to(self._cursor - self._page)

    def action_page_down(self) -> None:
        self.move_to(self._cursor + self._page)

    def action_first(self) -> None:
        self.move_to(0)

    def action_last(self) -> None:
        self.move_to(len(self._data.beads) - 1)

    def on_click(self, event: events.Click) -> None:
        if event.y >= 1:
            self.move_to(round(self.scroll_y) + event.y - 1)

    # --- rendering ---------------------------------------------------------------------------------

    def _columns(self, width: int) -> tuple[int, int, int]:
        """(index width, JA width, EN width) for this terminal width."""
        index_w = max(3, len(str(len(self._data.beads))))
        fixed = 1 + index_w + 1 + 2 + 1 + 3 + 1 + 4 + 1 + len(SEPARATOR)
        rest = max(2, width - fixed)
        ja_w = rest // 2
        return index_w, ja_w, rest - ja_w

    def render_line(self, y: int) -> Strip:
        width = self._width
        if y == 0:
            return self._header(width)
        row = round(self.scroll_y) + y - 1
        if row >= len(self._data.beads):
            return Strip.blank(width, self.rich_style)
        is_cursor = row == self._cursor
        key = (row, width, is_cursor)
        strip = self._cache.get(key)
        if strip is None:
            strip = self._row(row, width, is_cursor)
            self._cache[key] = strip
        return strip

    def _header(self, width: int) -> Strip:
        # Piece by piece like the rows, so exports (SVG) place the separator where the rows have it.
        index_w, ja_w, en_w = self._columns(width)
        style = self.get_component_rich_style("bead-table--header")
        pieces = [
            " " + "#".rjust(index_w) + " ",
            "st",
            " ",
            "typ",
            " ",
            "scor",
            " ",
            fit("Japanese", ja_w),
            SEPARATOR,
            fit("English", en_w),
        ]
        return Strip([Segment(p, style) for p in pieces]).adjust_cell_length(width, style)

    def _row(self, row: int, width: int, is_cursor: bool) -> Strip:
        data = self._data
        bead = data.beads[row]
        index_w, ja_w, en_w = self._columns(width)
        get = self.get_component_rich_style
        base = self.rich_style + get("bead-table--cursor") if is_cursor else self.rich_style

        def seg(text: str, *components: str) -> Segment:
            style = base
            for c in components:
                style = style + get(c, partial=True)
            return Segment(text, style)

        if bead.status == "confirmed":
            status = seg(SYM_CONFIRMED, "bead-table--confirmed")
        else:
            status = seg(SYM_AUTO, "bead-table--auto")
        if row in data.problems:
            flag = seg(SYM_PROBLEM, "bead-table--problem")
        elif data.is_low(bead):
            flag = seg(SYM_LOW, "bead-table--low")
        else:
            flag = seg(" ")
        kind = bead.type
        n_ja, n_en = bead.ja[1] - bead.ja[0], bead.en[1] - bead.en[0]
        kind_style = (
            "bead-table--unpaired" if 0 in (n_ja, n_en) else ("bead-table--multi" if kind != "1-1" else "")
        )
        # No score (a bead a person merged or split, which no aligner scored): blank, not a placeholder.
        score = "    " if bead.score is None else f"{bead.score:4.2f}"[:4]
        segments = [
            seg(SYM_CURSOR if is_cursor else " "),
            seg(str(row + 1).rjust(index_w), "bead-table--index"),
            seg(" "),
            status,
            flag,
            seg(" "),
            seg(fit(kind, 3), *([kind_style] if kind_style else [])),
            seg(" "),
            seg(score, "bead-table--low" if data.is_low(bead) else "bead-table--index"),
            seg(" "),
            *self._side(data, bead, "ja", ja_w, seg),
            seg(SEPARATOR, "bead-table--index"),
            *self._side(data, bead, "en", en_w, seg),
        ]
        return Strip(segments).adjust_cell_length(width, base)

    @staticmethod
    def _side(
        data: TableData, bead: Bead, side: str, width: int, seg: Callable[..., Segment]
    ) -> list[Segment]:
        start, end = bead.ja if side == "ja" else bead.en
        if start == end:
            label = "no English: e to write it" if side == "en" else "no Japanese"
            return [seg(fit(f"{SYM_EMPTY} {label}", width), "bead-table--empty")]
        return [seg(fit(data.side_text(bead, side), width))]
