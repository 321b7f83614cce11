"""A row table for the app's lists (pairs, glossary): Home/End and j/k move between rows like the bead
table, and text columns share the width there is, cut with "…" rather than clipped mid-word."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import ClassVar

from rich.cells import cell_len, set_cell_size
from textual.binding import Binding, BindingType
from textual.widgets import DataTable

ELLIPSIS = "…"


def cut(text: str, width: int) -> str:
    """`text` in at most `width` cells; cut text ends in "…" (a wide character is never halved)."""
    text = " ".join(text.split())
    if width <= 0:
        return ""
    if cell_len(text) <= width:
        return text
    return set_cell_size(text, width - 1).rstrip() + ELLIPSIS


@dataclass(frozen=True, slots=True)
class Column:
    label: str
    width: int
    """Fixed width, or the least width of a column that grows (`grow` > 0)."""
    grow: int = 0
    """Share of the spare width this column takes (0: fixed)."""


def widths(columns: Sequence[Column], total: int, padding: int = 2) -> list[int]:
    """Column widths for a table `total` cells wide: fixed ones as given, growing ones share the rest."""
    spare = total - sum(c.width + padding for c in columns)
    shares = sum(c.grow for c in columns)
    out = []
    for c in columns:
        extra = max(0, spare) * c.grow // shares if shares and c.grow else 0
        out.append(c.width + extra)
    return out


class ListTable(DataTable[object]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("home", "first", "First row", show=False),
        Binding("end", "last", "Last row", show=False),
        Binding("j", "cursor_down", "Down", show=False),
        Binding("k", "cursor_up", "Up", show=False),
    ]

    def action_first(self) -> None:
        if self.row_count:
            self.move_cursor(row=0)

    def action_last(self) -> None:
        if self.row_count:
            self.move_cursor(row=self.row_count - 1)
