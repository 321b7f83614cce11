"""The footer of every screen: the ctrl+p hint on the right only where there is room for it, so on a narrow
terminal (80 columns) the screen's own keys are not clipped."""

from __future__ import annotations

from textual import events
from textual.widgets import Footer

ROOM_FOR_PALETTE = 100
"""Columns from which the footer also shows the command palette key."""


class AppFooter(Footer):
    def __init__(self) -> None:
        super().__init__(compact=True, show_command_palette=False)

    def on_resize(self, event: events.Resize) -> None:
        want = event.size.width >= ROOM_FOR_PALETTE
        if want != self.show_command_palette:
            self.show_command_palette = want
            self.refresh(recompose=True)
