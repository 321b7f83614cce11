"""The glossary panel beside the alignment: entries found in the current bead and its QA state."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from rich.console import Group, RenderableType
from rich.text import Text
from textual.widgets import Static

from tui.widgets.bead_detail import SPAN_SYMBOLS, SpanMark, label_colour, span_style

STATUS_STYLE = {
    "approved": "bold green",
    "proposed": "yellow",
    "deprecated": "dim strike",
    "forbidden": "bold red",
}
STATUS_SYMBOL = {"approved": "✓", "proposed": "?", "deprecated": "⋯", "forbidden": "✗"}


def span_lines(spans: Sequence[SpanMark], selected: object | None) -> list[Text]:
    """One line per span (status symbol, text, label), wrapping over the panel's whole width, so a narrow
    panel never squeezes the text into a column of a few characters."""
    lines = []
    for m in spans:
        chosen = m.key == selected
        line = Text("▸" if chosen else " ", style="bold")
        line.append(SPAN_SYMBOLS.get(m.status, " "), style=span_style(m.label, m.status))
        line.append(" ")
        line.append(m.text, style=span_style(m.label, m.status, chosen))
        line.append(f" {m.label}", style=f"bold {label_colour(m.label)}")
        if m.entry:
            line.append(f" {m.entry}", style="dim")
        lines.append(line)
    return lines


@dataclass(frozen=True, slots=True)
class PanelEntry:
    id: int
    ja: str
    en: str
    acronym: str | None
    status: str
    english_found: bool | None = None
    """Whether the approved English occurs on the bead's English side (None: not checked)."""


@dataclass(frozen=True, slots=True)
class PanelProblem:
    kind: str
    """`missing` (approved English absent) or `forbidden` (a forbidden/deprecated English used)."""
    text: str


class GlossaryPanel(Static):
    entries: list[PanelEntry] = []  # noqa: RUF012 - replaced, never mutated
    problems: list[PanelProblem] = []  # noqa: RUF012

    DEFAULT_CSS = """
    GlossaryPanel { padding: 0 1; }
    """

    def show(
        self,
        entries: Sequence[PanelEntry],
        problems: Sequence[PanelProblem],
        *,
        spans: Sequence[SpanMark] = (),
        selected: object | None = None,
    ) -> None:
        self.entries = list(entries)
        self.problems = list(problems)
        parts: list[RenderableType] = []
        parts.append(Text("Spans", style="bold underline"))
        parts.append(Text("f next  a accept  r reject  v new", style="dim"))
        if not spans:
            parts.append(Text("none in this bead", style="dim italic"))
        else:
            parts.extend(span_lines(spans, selected))
            chosen = next((m for m in spans if m.key == selected), None)
            if chosen is not None:
                about = f"{chosen.status}, from {chosen.source or 'a person'}"
                about += f", entry {chosen.entry}" if chosen.entry else ", no entry (t links, T creates)"
                parts.append(Text(about, style="italic"))
        parts.append(Text(""))
        parts.append(Text("Glossary", style="bold underline"))
        if not entries:
            parts.append(Text("no entry matches this bead", style="dim italic"))
        for e in entries:
            line = Text(f"{STATUS_SYMBOL.get(e.status, ' ')} ", style=STATUS_STYLE.get(e.status, ""))
            line.append(e.ja, style="bold")
            if e.acronym:
                line.append(f" ({e.acronym})", style="bold")
            line.append(f"  #{e.id}", style="dim")
            parts.append(line)
            english = Text("   → ")
            english.append(
                e.en or "(no English yet)", style=STATUS_STYLE.get(e.status, "") if e.en else "dim italic"
            )
            if e.english_found is True:
                english.append("  ✓ used", style="green")
            elif e.english_found is False:
                english.append("  ! absent", style="bold red")
            parts.append(english)
        parts.append(Text(""))
        parts.append(Text("QA", style="bold underline"))
        if not problems:
            parts.append(Text("✓ no problem in this bead", style="green"))
        for p in problems:
            parts.append(Text(f"! {p.text}", style="bold red" if p.kind == "forbidden" else "red"))
        self.update(Group(*parts))
