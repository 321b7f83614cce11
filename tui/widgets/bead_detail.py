"""The current bead in full: its Japanese and English segments, spans highlighted by label, and the span list."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from rich.console import Group, RenderableType
from rich.style import Style
from rich.table import Table
from rich.text import Text
from textual.widgets import Static

LABEL_COLOURS: dict[str, str] = {
    "ORG": "dodger_blue1",
    "GPE": "green3",
    "LOC": "spring_green3",
    "FACILITY": "dark_orange",
    "PERSON": "magenta",
    "TITLE": "orchid",
    "LAW": "gold1",
    "POLICY": "yellow3",
    "EVENT": "cyan",
    "EQUIPMENT": "red1",
    "DATE": "light_slate_blue",
    "QUANTITY": "sky_blue2",
    "ACRONYM": "deep_pink2",
    "TERM": "turquoise2",
}
SPAN_SYMBOLS = {"suggested": "?", "accepted": "✓", "rejected": "✗"}


@dataclass(frozen=True, slots=True)
class SpanMark:
    """A span as the detail pane shows it: offsets relative to its segment's text."""

    key: object
    """Whatever identifies the span for the screen (its row id)."""
    side: str
    segment: int
    start: int
    end: int
    label: str
    status: str
    source: str = ""
    text: str = ""
    entry: str | None = None
    """The linked glossary entry, as shown (e.g. `#12 IPMDA`)."""


def span_line(m: SpanMark, chosen: bool) -> Text:
    """One span in a list: status symbol, text in its label's style, label, status and source."""
    line = Text("▸ " if chosen else "  ", style="bold")
    line.append(f"{SPAN_SYMBOLS.get(m.status, ' ')} ", style=span_style(m.label, m.status))
    line.append(m.text, style=span_style(m.label, m.status, chosen))
    line.append(f" {m.label}", style=Style(color=label_colour(m.label), bold=True))
    line.append(f" {m.status}" + (f" ({m.source})" if m.source else ""), style="dim")
    if m.entry:
        line.append(f" → {m.entry}", style="bold")
    return line


def label_colour(label: str) -> str:
    return LABEL_COLOURS.get(label, "white")


def span_style(label: str, status: str, selected: bool = False) -> Style:
    """Suggestions dim and underlined, accepted bright on the label's colour, rejected struck through."""
    colour = label_colour(label)
    if status == "accepted":
        style = Style(color="black", bgcolor=colour, bold=True)
    elif status == "rejected":
        style = Style(color=colour, dim=True, strike=True)
    else:
        style = Style(color=colour, underline=True, dim=True)
    if selected:
        style += Style(reverse=True, bold=True, dim=False)
    return style


@dataclass(frozen=True, slots=True)
class Selection:
    """A span being made: a range of one segment."""

    side: str
    segment: int
    start: int
    end: int


def segment_text(
    text: str,
    marks: Sequence[SpanMark],
    selected: object | None,
    selection: Selection | None,
    side: str,
    segment: int,
) -> Text:
    out = Text(text)
    # Longer spans first so nested ones (インド洋 inside インド洋地域…) are drawn on top.
    for m in sorted(marks, key=lambda m: (m.start - m.end, m.start)):
        out.stylize(span_style(m.label, m.status, m.key == selected), m.start, m.end)
    if selection and selection.side == side and selection.segment == segment:
        out.stylize(
            Style(bgcolor="grey50", color="white", bold=True, underline=True),
            selection.start,
            max(selection.end, selection.start + 1),
        )
    return out


class BeadDetail(Static):
    """Renders; the screen decides which bead, spans and selection it shows."""

    DEFAULT_CSS = """
    BeadDetail { padding: 0 1; }
    """

    def show(
        self,
        ja: Sequence[tuple[int, str]],
        en: Sequence[tuple[int, str]],
        marks: Sequence[SpanMark] = (),
        *,
        selected: object | None = None,
        selection: Selection | None = None,
        show_rejected: bool = False,
        header: str = "",
    ) -> None:
        visible = [m for m in marks if show_rejected or m.status != "rejected"]
        parts: list[RenderableType] = []
        if header:
            parts.append(Text(header, style="bold"))
        # A grid, so Japanese (which has no spaces to break at) wraps inside its column.
        grid = Table.grid(padding=(0, 1), expand=True)
        grid.add_column(no_wrap=True, style="dim")
        grid.add_column(ratio=1, overflow="fold")
        for side, segments in (("ja", ja), ("en", en)):
            tag = "JA" if side == "ja" else "EN"
            if not segments:
                grid.add_row(
                    tag,
                    Text("∅ none: e writes the English" if side == "en" else "∅ none", style="dim italic"),
                )
            for index, text in segments:
                on_segment = [m for m in visible if m.side == side and m.segment == index]
                grid.add_row(
                    f"{tag}{index + 1:>4}", segment_text(text, on_segment, selected, selection, side, index)
                )
        parts.append(grid)
        self.update(Group(*parts))
