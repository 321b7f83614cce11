"""Cut a clause bead's pieces at a word, or join two back: a cursor moves between the places a cut can go.

The pieces are shown as they are in the document, with ┃ between pieces. ←/→ (h/l) move the cursor a word
(a character in Japanese), ↑/↓ eight places; enter cuts the piece there, or joins the two pieces when the cursor is on a ┃;
tab switches between the English and the Japanese pieces; escape closes. The screen that opened it applies
the choice (one undoable action) and can open it again for the next cut.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label, Static

from alignment.clause_beads import word_cuts


@dataclass(frozen=True, slots=True)
class Piece:
    clause: int
    """The clause's index in the pair's clauses of its language."""
    start: int
    """Document offset of the piece's first character."""
    text: str


@dataclass(frozen=True, slots=True)
class CutChoice:
    lang: str
    clause: int
    at: int | None
    """Document offset to cut at; None joins `clause` with the next piece."""


@dataclass(frozen=True, slots=True)
class Place:
    piece: int
    """Index in the pieces list: a cut inside it (offset set), or a join after it (offset None)."""
    offset: int | None


def places(pieces: Sequence[Piece]) -> list[Place]:
    """Every place the cursor can stop: the cut points inside each piece, and each border between pieces."""
    out: list[Place] = []
    for k, p in enumerate(pieces):
        out += [Place(k, at) for at in word_cuts(p.text, p.start)]
        if k + 1 < len(pieces):
            out.append(Place(k, None))
    return out


def drawing(pieces: Sequence[Piece], place: Place | None) -> Text:
    """The pieces with ┃ between them and the cursor (▌ before the word it would cut at, or a lit ┃)."""
    out = Text()
    for k, p in enumerate(pieces):
        if place is not None and place.piece == k and place.offset is not None:
            cut = place.offset - p.start
            out.append(p.text[:cut].rstrip())
            out.append(" ▌" if p.text[cut - 1 : cut].isspace() else "▌", style="bold reverse")
            out.append(p.text[cut:].lstrip())
        else:
            out.append(p.text.strip())
        if k + 1 < len(pieces):
            lit = place is not None and place.piece == k and place.offset is None
            out.append(" ┃ ", style="bold reverse" if lit else "bold")
    return out


class CutPiecesModal(ModalScreen[CutChoice | None]):
    BINDINGS: ClassVar = [
        Binding("left,h", "move(-1)", "Previous place", show=False),
        Binding("right,l", "move(1)", "Next place", show=False),
        Binding("up,k", "move(-8)", "Eight places back", show=False),
        Binding("down,j", "move(8)", "Eight places on", show=False),
        Binding("home", "move(-9999)", "First place", show=False),
        Binding("end", "move(9999)", "Last place", show=False),
        Binding("enter", "choose", "Cut / join here"),
        Binding("tab", "switch", "English / Japanese"),
        Binding("escape", "cancel", "Close"),
    ]

    def __init__(self, pieces: dict[str, list[Piece]], *, title: str, lang: str = "en") -> None:
        super().__init__()
        self.pieces = pieces
        self.title_text = title
        self.lang = lang if pieces.get(lang) else next((k for k, v in pieces.items() if v), lang)
        self.cursor = 0

    @property
    def stops(self) -> list[Place]:
        return places(self.pieces.get(self.lang, []))

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog dialog-wide"):
            yield Label(self.title_text, classes="dialog-title")
            yield Static("", id="cut-side")
            yield Static("", id="cut-text")
            yield Label("", id="cut-keys")

    def on_mount(self) -> None:
        stops = self.stops
        # Start in the middle of the first piece: the cut an analyst most often wants is near there.
        first = [k for k, s in enumerate(stops) if s.piece == 0 and s.offset is not None]
        self.cursor = first[len(first) // 2] if first else 0
        self.redraw()

    def redraw(self) -> None:
        stops = self.stops
        place = stops[self.cursor] if stops else None
        side = "English" if self.lang == "en" else "Japanese"
        self.query_one("#cut-side", Static).update(Text(f"{side} pieces", style="bold"))
        step = "word" if self.lang == "en" else "character"
        keys = f"←/→ {step}, ↑/↓ 8 · enter cuts (joins on ┃) · tab: EN/JA · esc"
        self.query_one("#cut-keys", Label).update(keys)
        body = drawing(self.pieces.get(self.lang, []), place)
        self.query_one("#cut-text", Static).update(
            body if stops else Text("nothing to cut here", style="dim")
        )

    def action_move(self, step: int) -> None:
        stops = self.stops
        if stops:
            self.cursor = max(0, min(len(stops) - 1, self.cursor + step))
            self.redraw()

    def action_switch(self) -> None:
        other = "ja" if self.lang == "en" else "en"
        if not self.pieces.get(other):
            side = "Japanese" if other == "ja" else "English"
            self.notify(f"This clause bead has no {side} piece.", severity="warning")
            return
        self.lang = other
        self.on_mount()

    def action_choose(self) -> None:
        stops = self.stops
        if not stops:
            return
        place = stops[self.cursor]
        piece = self.pieces[self.lang][place.piece]
        self.dismiss(CutChoice(self.lang, piece.clause, place.offset))

    def action_cancel(self) -> None:
        self.dismiss(None)
