"""The annotation app: built from its collaborators by make_app (as posting's make_posting), run by `annotate`."""

from __future__ import annotations

import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import ClassVar

from textual.app import App, SystemCommand
from textual.binding import Binding, BindingType
from textual.screen import ModalScreen, Screen

from alignment.project import ProjectError
from tui.core import undo
from tui.core.beads import Realigner, project_realigner
from tui.core.history import Entry
from tui.core.session import Session
from tui.messages import OpenGlossary, OpenPair, ProjectChanged
from tui.screens.align import AlignScreen
from tui.screens.glossary import GlossaryScreen, Origin
from tui.screens.help import HelpScreen, binding_rows, describe_keys
from tui.screens.pairs import PairListScreen
from tui.widgets.bead_table import BeadTable


@dataclass(frozen=True, slots=True)
class Place:
    """Where a change was: a pair and bead (0-based), or a glossary entry."""

    pair: str | None = None
    bead: int | None = None
    entry_id: int | None = None

    def describe(self) -> str:
        if self.pair is not None:
            return f"on {self.pair}" + (f" bead {self.bead + 1}" if self.bead is not None else "")
        return "in the glossary" + (f" (entry #{self.entry_id})" if self.entry_id is not None else "")


def place_of(session: Session, entry: Entry) -> Place | None:
    """The pair and bead an undone or redone entry changed, else the glossary entry it changed."""
    pair = undo.where(session.project, entry)
    if pair is not None:
        return Place(pair=pair, bead=entry.bead)
    ids = [op["id"] for op in entry.ops if op.get("op") == "entry" and isinstance(op.get("id"), int)]
    if ids or entry.summary.startswith("glossary"):
        return Place(entry_id=ids[0] if ids else None)
    return None


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
        Binding(
            "Q",
            "queue",
            "Adjudication queue",
            show=False,
            id="app.queue",
            tooltip="Open the adjudication queue (disagreements of a merged project, glossary merge conflicts)",
        ),
        Binding("ctrl+r,f5", "refresh", "Refresh", show=False, id="app.refresh"),
        Binding(
            "G",
            "go_there",
            "Go to the last undone/redone change",
            show=False,
            id="app.go-there",
            tooltip="Go to where the last undone or redone change was (its pair and bead, or glossary entry)",
        ),
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
        self.last_place: Place | None = None
        """Where the last undone or redone change was, for G."""
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
        """Open a pair; when it is already open under the current screen, go back to it (no second copy)."""
        open_here = [
            s for s in self.screen_stack if isinstance(s, AlignScreen) and s.pair_name == message.name
        ]
        if not open_here:
            self.push_screen(AlignScreen(self.session, message.name, message.bead or 0))
            return
        target = open_here[-1]
        while self.screen is not target and len(self.screen_stack) > 1:
            self.pop_screen()
        if message.bead is not None:
            target.table.move_to(message.bead)

    def on_open_glossary(self, message: OpenGlossary) -> None:
        screen = self.screen
        if isinstance(screen, GlossaryScreen):
            if message.entry_id is not None:
                screen.select(message.entry_id)
            return
        origin = None
        if isinstance(screen, AlignScreen) and screen.state is not None and screen.state.beads:
            i = screen.table.cursor
            origin = Origin(screen.pair_name, i, *screen.bead_text(i))
        self.push_screen(GlossaryScreen(self.session, message.entry_id, origin))

    def action_refresh(self) -> None:
        """Show what changed elsewhere (another process, the CLI) on the current screen."""
        self.screen.post_message(ProjectChanged(None))

    def on_app_focus(self) -> None:
        """The terminal has focus again: the project may have changed while the analyst was away."""
        if not isinstance(self.screen, ModalScreen):
            self.screen.post_message(ProjectChanged(None))

    def action_glossary(self) -> None:
        self.post_message(OpenGlossary())

    def action_queue(self) -> None:
        """The adjudication queue, when it has open items (back to it when it is already open underneath)."""
        from tui.core import adjudication
        from tui.screens.adjudicate import AdjudicateScreen  # it builds on this module

        if isinstance(self.screen, ModalScreen | AdjudicateScreen):
            return
        open_here = [s for s in self.screen_stack if isinstance(s, AdjudicateScreen)]
        if open_here:
            while self.screen is not open_here[-1]:
                self.pop_screen()
            return
        items = adjudication.queue(self.session.project)
        still = sum(1 for i in items if i.decision is None)
        if not still:
            self.notify(
                f"All {len(items)} items of the adjudication queue are settled."
                if items
                else "Nothing to adjudicate: this project has no adjudication queue (taiyaku adjudicate)."
            )
            return
        self.push_screen(AdjudicateScreen(self.session))

    def action_help(self) -> None:
        if isinstance(self.screen, HelpScreen):
            return
        screen = self.screen
        sections: list[tuple[str, Sequence[BindingType]]] = []
        if isinstance(screen, AlignScreen):
            sections.append(("move", BeadTable.BINDINGS))
        sections.append((type(screen).__name__.removesuffix("Screen").lower() or "screen", screen.BINDINGS))
        sections.append(("anywhere", self.BINDINGS))
        sections.append(
            ("anywhere", [Binding("ctrl+p", "command_palette", "Command palette: every action by name")])
        )
        rows = binding_rows(sections, dict(self._keymap))
        self.push_screen(HelpScreen(screen.sub_title or "taiyaku", rows))

    # --- undo and redo (project-wide) --------------------------------------------------------------

    def _history(self, redo: bool) -> None:
        if isinstance(self.screen, ModalScreen):
            return
        job = getattr(self.screen, "writing_job", None)
        if job:  # the job's result becomes an action: an undo now would be dropped from the redo chain
            self.notify(f"Wait until {job} finishes, then undo or redo.", severity="warning")
            return
        try:
            entry = self.session.redo() if redo else self.session.undo()
        except ProjectError as exc:
            self.notify(str(exc), severity="error", timeout=8)
            return
        if entry is None:
            self.notify("Nothing to redo." if redo else "Nothing to undo.")
            return
        place = place_of(self.session, entry)
        self.last_place = place
        said = f"{'Redone' if redo else 'Undone'}: {entry.summary} ({entry.user})"
        if place is not None and not self._showing(place):
            said += f" — {place.describe()}: G goes there"
        self.notify(said, timeout=8)
        self.screen.post_message(ProjectChanged(entry))

    def _showing(self, place: Place) -> bool:
        """Whether the current screen already shows where the change was (so there is nowhere to go)."""
        screen = self.screen
        if place.pair is not None:
            return isinstance(screen, AlignScreen) and screen.pair_name == place.pair
        return isinstance(screen, GlossaryScreen)

    def action_go_there(self) -> None:
        """Go to the pair and bead (or the glossary entry) of the last undone or redone change."""
        place = self.last_place
        if place is None:
            self.notify("No undo or redo yet: nowhere to go.", severity="warning")
            return
        screen = self.screen
        if isinstance(screen, ModalScreen):
            return
        if place.pair is not None:
            self.post_message(OpenPair(place.pair, place.bead))
        elif isinstance(screen, GlossaryScreen):
            if place.entry_id is not None:
                screen.select(place.entry_id)
        else:
            self.post_message(OpenGlossary(place.entry_id))

    def action_undo(self) -> None:
        self._history(redo=False)

    def action_redo(self) -> None:
        self._history(redo=True)

    # --- command palette: every binding of the current screen, by name ------------------------------

    def get_system_commands(self, screen: Screen[object]) -> Iterable[SystemCommand]:
        # Textual's own commands first, then each binding once (by action and by title: no duplicates).
        titles: set[str] = set()
        for command in super().get_system_commands(screen):
            titles.add(command.title.casefold())
            yield command
        seen: set[str] = set()
        for owner, bindings in ((screen, screen.BINDINGS), (self, self.BINDINGS)):
            for b in bindings:
                if not isinstance(b, Binding) or not b.description or b.action in seen:
                    continue
                title = b.tooltip or b.description
                if title.casefold() in titles or b.action in ("quit", "command_palette"):
                    continue
                seen.add(b.action)
                titles.add(title.casefold())
                keys = describe_keys(self._keymap.get(b.id or "", b.key))
                yield SystemCommand(title, f"key: {keys}", partial(owner.run_action, b.action))


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
    session = Session(
        project,
        realigner=realigner or project_realigner(project.path),
        clause_realigner=None if realigner else project_realigner(project.path, level="clause"),
    )
    if pair is not None:
        get_pair(project.db, pair)  # an unknown pair is a one-line error before the screen opens
    return AnnotateApp(session, pair=pair, bead=bead, keymap=keymap)


def run_app(db_path: str | Path, *, user: str | None = None, pair: str | None = None) -> None:
    """Open the app on a project and run it until the analyst quits (what `taiyaku demo` ends with)."""
    from tui.common import default_user

    make_app(db_path, user=user or default_user(), pair=pair).run()
