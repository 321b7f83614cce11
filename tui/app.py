"""The annotation app: built from its collaborators by make_app (as posting's make_posting), run by `annotate`."""

from __future__ import annotations

import sys
from collections.abc import Iterable
from functools import partial
from pathlib import Path
from typing import ClassVar

from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.screen import ModalScreen, Screen

from alignment.project import ProjectError
from tui.core.beads import Realigner, project_realigner
from tui.core.session import Session
from tui.messages import OpenGlossary, OpenPair, ProjectChanged
from tui.screens.align import AlignScreen
from tui.screens.glossary import GlossaryScreen
from tui.screens.help import HelpScreen, binding_rows
from tui.screens.pairs import PairListScreen
from tui.widgets.bead_table import BeadTable


class AnnotateApp(App[None]):
    CSS_PATH = "app.tcss"
    TITLE = "taiyaku"
    SUB_TITLE = "対訳"
    BINDINGS: ClassVar = [
        Binding("ctrl+q", "quit", "Quit", priority=True, id="app.quit"),
        Binding("u,ctrl+z", "undo", "Undo", id="app.undo"),
        Binding("U,ctrl+y", "redo", "Redo", show=False, id="app.redo"),
        Binding("question_mark,f1", "help", "Help", id="app.help"),
        Binding("g", "glossary", "Glossary", show=False, id="app.glossary"),
        Binding("ctrl+r,f5", "refresh", "Refresh", show=False, id="app.refresh"),
    ]

    def __init__(
        self,
        session: Session,
        *,
        pair: str | None = None,
        bead: int | None = None,
        keymap: dict[str, str] | None = None,
    ) -> None:
        super().__init__()
        self.session = session
        self.start_pair = pair
        self.start_bead = bead
        if keymap:
            self.set_keymap(keymap)

    def on_mount(self) -> None:
        # Workers (QA over a whole pair, GiNZA, the aligner) are CPU-bound threads; a shorter GIL switch
        # interval keeps keys answered within a millisecond or two instead of up to 5 ms per database call.
        sys.setswitchinterval(0.0005)
        self.push_screen(PairListScreen(self.session))
        if self.start_pair:
            self.push_screen(AlignScreen(self.session, self.start_pair, self.start_bead or 0))

    # --- navigation --------------------------------------------------------------------------------

    def on_open_pair(self, message: OpenPair) -> None:
        self.push_screen(AlignScreen(self.session, message.name, message.bead or 0))

    def on_open_glossary(self, message: OpenGlossary) -> None:
        if isinstance(self.screen, GlossaryScreen):
            return
        self.push_screen(GlossaryScreen(self.session, message.entry_id))

    def action_refresh(self) -> None:
        """Show what changed elsewhere (another process, the CLI) on the current screen."""
        self.screen.post_message(ProjectChanged(None))

    def on_app_focus(self) -> None:
        """The terminal has focus again: the project may have changed while the analyst was away."""
        if not isinstance(self.screen, ModalScreen):
            self.screen.post_message(ProjectChanged(None))

    def action_glossary(self) -> None:
        self.post_message(OpenGlossary())

    def action_help(self) -> None:
        if isinstance(self.screen, HelpScreen):
            return
        screen = self.screen
        sections: list[tuple[str, Iterable]] = []
        if isinstance(screen, AlignScreen):
            sections.append(("move", BeadTable.BINDINGS))
        sections.append((type(screen).__name__.removesuffix("Screen").lower() or "screen", screen.BINDINGS))
        sections.append(("anywhere", self.BINDINGS))
        sections.append(
            ("anywhere", [Binding("ctrl+p", "command_palette", "Command palette: every action by name")])
        )
        self.push_screen(HelpScreen(screen.sub_title or "taiyaku", binding_rows(sections, self._keymap)))

    # --- undo and redo (project-wide) --------------------------------------------------------------

    def _history(self, redo: bool) -> None:
        if isinstance(self.screen, ModalScreen):
            return
        try:
            entry = self.session.redo() if redo else self.session.undo()
        except ProjectError as exc:
            self.notify(str(exc), severity="error", timeout=8)
            return
        if entry is None:
            self.notify("Nothing to redo." if redo else "Nothing to undo.")
            return
        self.notify(f"{'Redone' if redo else 'Undone'}: {entry.summary} ({entry.user})")
        self.screen.post_message(ProjectChanged(entry))

    def action_undo(self) -> None:
        self._history(redo=False)

    def action_redo(self) -> None:
        self._history(redo=True)

    # --- command palette: every binding of the current screen, by name ------------------------------

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        seen: set[str] = set()
        for owner, bindings in ((screen, screen.BINDINGS), (self, self.BINDINGS)):
            for b in bindings:
                if not isinstance(b, Binding) or not b.description or b.action in seen:
                    continue
                seen.add(b.action)
                keys = ", ".join(k.strip() for k in self._keymap.get(b.id or "", b.key).split(","))
                yield SystemCommand(
                    b.tooltip or b.description, f"key: {keys}", partial(owner.run_action, b.action)
                )


def make_app(
    db_path: str | Path | None,
    *,
    user: str,
    pair: str | None = None,
    bead: int | None = None,
    realigner: Realigner | None = None,
    keymap: dict[str, str] | None = None,
) -> AnnotateApp:
    """Open the project (creating nothing) and build the app around it; the CLI, tests and screenshots use this."""
    from alignment.store import get_pair
    from tui.core.project import Project

    project = Project.open(db_path, user=user, create=False)
    session = Session(project, realigner=realigner or project_realigner(project.path))
    if pair is not None:
        get_pair(project.db, pair)  # an unknown pair is a one-line error before the screen opens
    return AnnotateApp(session, pair=pair, bead=bead, keymap=keymap)


def run_app(db_path: str | Path, *, user: str | None = None, pair: str | None = None) -> None:
    """Open the app on a project and run it until the analyst quits (what `taiyaku demo` ends with)."""
    from tui.common import default_user

    make_app(db_path, user=user or default_user(), pair=pair).run()
