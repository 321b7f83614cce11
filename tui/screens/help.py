"""The help screen: every key of the screen it was opened from, generated from the bindings themselves."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import ClassVar

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

INTRO = (
    "taiyaku aligns Japanese text with its English, tags entities and acronyms, and builds the glossary. "
    "Every action is written to the project file at once (there is no save) and can be undone, even after a "
    "restart. ctrl+p opens the command palette, which lists every action by name. Keys can be changed in "
    '~/.config/taiyaku/keys.toml (or --keys FILE), one line per binding id: "align.merge-next" = "m,ctrl+j".\n\n'
    "Symbols in the alignment: ✓ confirmed, ◦ not yet confirmed, ▾ low score (worth a look), ! QA problem, "
    "∅ nothing on that side (a 1-0 or 0-1 bead). Type 2-1 means two Japanese segments with one English segment. "
    "Spans: ? suggested (dim), ✓ accepted (bright), ✗ rejected (hidden until H).\n"
)


KEY_NAMES = {
    "question_mark": "?",
    "space": "space",
    "left_square_bracket": "[",
    "right_square_bracket": "]",
    "left_curly_bracket": "{",
    "right_curly_bracket": "}",
    "less_than_sign": "<",
    "greater_than_sign": ">",
    "slash": "/",
    "backslash": "\\",
    "full_stop": ".",
    "comma": ",",
    "exclamation_mark": "!",
    "number_sign": "#",
    "asterisk": "*",
    "plus": "+",
    "minus": "-",
    "underscore": "_",
    "equals_sign": "=",
    "colon": ":",
    "semicolon": ";",
    "apostrophe": "'",
    "quotation_mark": '"',
    "grave_accent": "`",
    "tilde": "~",
    "vertical_line": "|",
    "at": "@",
    "escape": "esc",
    "delete": "del",
}


def describe_key(key: str) -> str:
    """A key as people write it: `<` not less_than_sign, `ctrl+z`, `esc`."""
    key = key.strip()
    if "+" in key and key not in KEY_NAMES:
        *mods, last = key.split("+")
        return "+".join([*mods, KEY_NAMES.get(last, last)])
    return KEY_NAMES.get(key, key)


def describe_keys(key: str) -> str:
    return " / ".join(describe_key(k) for k in key.split(",") if k.strip())


def binding_rows(
    sections: Iterable[tuple[str, Sequence[BindingType]]], keymap: dict[str, str] | None = None
) -> list[tuple[str, str, str, str]]:
    """(section, keys, what it does, binding id) for every binding with a description; keys as remapped."""
    keymap = keymap or {}
    rows = []
    for section, bindings in sections:
        for b in bindings:
            if isinstance(b, Binding) and b.description:
                keys = keymap.get(b.id or "", b.key)
                rows.append((section, describe_keys(keys), b.tooltip or b.description, b.id or ""))
    return rows


WIDE = 110
"""Terminal columns from which help also lists binding ids."""


class HelpScreen(ModalScreen[None]):
    BINDINGS: ClassVar = [Binding("escape,q,question_mark,f1", "dismiss", "Close help")]

    def __init__(self, title: str, rows: Sequence[tuple[str, str, str, str]]) -> None:
        super().__init__()
        self.title_text = title
        self.rows = list(rows)

    def compose(self) -> ComposeResult:
        # Binding ids (for --keys) only where there is room; on 80 columns the keys and actions come first.
        ids = self.app.size.width >= WIDE
        table = Table(title=f"Keys: {self.title_text}", expand=True, show_lines=False, header_style="bold")
        table.add_column("", style="dim", no_wrap=True, max_width=9, overflow="ellipsis")
        table.add_column("Key", style="bold cyan", no_wrap=True)
        table.add_column("Action", ratio=1)
        if ids:
            table.add_column("id (for --keys)", style="dim", no_wrap=True)
        last = None
        for section, keys, what, binding_id in self.rows:
            cells = [section if section != last else "", keys, what, *([binding_id] if ids else [])]
            table.add_row(*cells)
            last = section
        with VerticalScroll(id="help-body", classes="dialog dialog-wide"):
            yield Static(table)  # the keys first: what a person opening help is looking for
            yield Static(Text(INTRO))
            if not ids:
                yield Static(Text("(a wider terminal also shows each binding's id, for --keys)", style="dim"))
            yield Static(Text("escape closes this help", style="dim"))
