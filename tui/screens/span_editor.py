"""Drawing a new span: a selection in one segment of the bead, grown by character or by GiNZA token."""

from __future__ import annotations

import bisect
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import ClassVar

from rich.table import Table
from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label, Static

from tui.core.spans import english_edges
from tui.widgets.bead_detail import Selection, segment_text

TokenEdges = Callable[[str, str], list[int]]
"""(lang, segment text) -> token boundary offsets (may be slow: called in a worker)."""


@dataclass(frozen=True, slots=True)
class NewSpan:
    lang: str
    segment: int
    start: int
    """Relative to the segment's text."""
    end: int


class SpanEditor(ModalScreen[NewSpan | None]):
    """Keys move the selection's end (and, with shift, its start) by character or by token."""

    BINDINGS: ClassVar = [
        Binding(
            "right",
            "grow(1)",
            "End →",
            tooltip="Move the end one character right",
            id="span-editor.end-right",
        ),
        Binding(
            "left", "grow(-1)", "End ←", tooltip="Move the end one character left", id="span-editor.end-left"
        ),
        Binding(
            "shift+right",
            "move_start(1)",
            "Start →",
            show=False,
            tooltip="Move the start one character right",
            id="span-editor.start-right",
        ),
        Binding(
            "shift+left",
            "move_start(-1)",
            "Start ←",
            show=False,
            tooltip="Move the start one character left",
            id="span-editor.start-left",
        ),
        Binding(
            "w,ctrl+right",
            "grow_token(1)",
            "End +token",
            tooltip="Extend the end to the next token edge",
            id="span-editor.end-token-right",
        ),
        Binding(
            "b,ctrl+left",
            "grow_token(-1)",
            "End -token",
            tooltip="Pull the end back to the previous token edge",
            id="span-editor.end-token-left",
        ),
        Binding(
            "W",
            "start_token(1)",
            "Start +token",
            show=False,
            tooltip="Move the start to the next token edge",
            id="span-editor.start-token-right",
        ),
        Binding(
            "B",
            "start_token(-1)",
            "Start -token",
            show=False,
            tooltip="Move the start to the previous token edge",
            id="span-editor.start-token-left",
        ),
        Binding(
            "tab",
            "segment(1)",
            "Next segment",
            tooltip="Select in the next segment of the bead",
            id="span-editor.next-segment",
        ),
        Binding("shift+tab", "segment(-1)", "Prev segment", show=False, id="span-editor.prev-segment"),
        Binding(
            "enter",
            "done",
            "Choose label",
            tooltip="Make the span (a label picker opens)",
            id="span-editor.done",
        ),
        Binding("escape", "cancel", "Cancel"),
    ]

    def __init__(
        self,
        segments: Sequence[tuple[str, int, str]],
        *,
        start_at: NewSpan | None = None,
        token_edges: TokenEdges | None = None,
    ) -> None:
        """`segments` are (lang, segment index, text) of the bead, JA first."""
        super().__init__()
        self.segments = [s for s in segments if s[2]]
        self.token_edges = token_edges
        self.edges: dict[int, list[int]] = {}
        self.current = 0
        self.start = 0
        self.end = 1
        if start_at is not None:
            for k, (lang, index, _text) in enumerate(self.segments):
                if (lang, index) == (start_at.lang, start_at.segment):
                    self.current, self.start, self.end = k, start_at.start, start_at.end

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog dialog-wide"):
            yield Label("New span", classes="dialog-title")
            yield Static(
                "→/← move the end by a character, w/b by a token; shift+→/← and W/B move the start; "
                "tab: another segment of the bead; enter: choose the label; escape: cancel.",
                classes="entry-context",
            )
            yield Static(id="span-editor-view")
            yield Static(id="span-editor-status")

    def on_mount(self) -> None:
        if not self.segments:
            self.dismiss(None)
            return
        self._load_edges(self.current)
        self._draw()

    # --- token edges -------------------------------------------------------------------------------

    def _load_edges(self, k: int) -> None:
        if k in self.edges:
            return
        lang, _index, text = self.segments[k]
        if lang == "en" or self.token_edges is None:
            self.edges[k] = english_edges(text) if lang == "en" else list(range(len(text) + 1))
            return
        self.edges[k] = []  # filled by the worker; character moves work meanwhile
        self._parse(k, lang, text)

    @work(thread=True, group="span-tokens")
    def _parse(self, k: int, lang: str, text: str) -> None:
        assert self.token_edges is not None
        try:
            edges = self.token_edges(lang, text)
        except Exception:  # no parse: tokens fall back to characters
            edges = list(range(len(text) + 1))
        self.app.call_from_thread(self._edges_ready, k, edges)

    def _edges_ready(self, k: int, edges: list[int]) -> None:
        self.edges[k] = sorted(set(edges) | {0, len(self.segments[k][2])})
        self._draw()

    # --- drawing -----------------------------------------------------------------------------------

    @property
    def text(self) -> str:
        return self.segments[self.current][2]

    def _draw(self) -> None:
        grid = Table.grid(padding=(0, 1), expand=True)
        grid.add_column(no_wrap=True)
        grid.add_column(ratio=1, overflow="fold")
        for k, (lang, index, text) in enumerate(self.segments):
            sel = Selection(lang, index, self.start, self.end) if k == self.current else None
            grid.add_row(
                Text(
                    f"{'▸' if k == self.current else ' '} {lang.upper()}{index + 1:>4}",
                    style="bold" if k == self.current else "dim",
                ),
                segment_text(text, [], None, sel, lang, index),
            )
        self.query_one("#span-editor-view", Static).update(grid)
        tokens = "parsing tokens…" if not self.edges.get(self.current) else "tokens ready"
        self.query_one("#span-editor-status", Static).update(
            Text(
                f"selected: 「{self.text[self.start : self.end]}」  ({self.start}–{self.end})   {tokens}",
                style="bold",
            )
        )

    # --- moves ---------------------------------------------------------------------------------------

    def _set(self, start: int, end: int) -> None:
        n = len(self.text)
        start = max(0, min(start, n - 1))
        end = max(start + 1, min(end, n))
        self.start, self.end = start, end
        self._draw()

    def action_grow(self, step: int) -> None:
        self._set(self.start, self.end + step)

    def action_move_start(self, step: int) -> None:
        self._set(self.start + step, max(self.end, self.start + step + 1))

    def _next_edge(self, pos: int, step: int) -> int:
        edges = self.edges.get(self.current) or list(range(len(self.text) + 1))
        if step > 0:
            i = bisect.bisect_right(edges, pos)
            return edges[i] if i < len(edges) else len(self.text)
        i = bisect.bisect_left(edges, pos) - 1
        return edges[i] if i >= 0 else 0

    def action_grow_token(self, step: int) -> None:
        self._set(self.start, self._next_edge(self.end, step))

    def action_start_token(self, step: int) -> None:
        start = self._next_edge(self.start, step)
        self._set(start, max(self.end, start + 1))

    def action_segment(self, step: int) -> None:
        self.current = (self.current + step) % len(self.segments)
        self._load_edges(self.current)
        edges = self.edges.get(self.current) or []
        first = next((e for e in edges if e > 0), 1)
        self._set(0, first)

    def action_done(self) -> None:
        lang, index, _ = self.segments[self.current]
        self.dismiss(NewSpan(lang, index, self.start, self.end))

    def action_cancel(self) -> None:
        self.dismiss(None)
