"""Undo, redo and the history listing, shared by `taiyaku undo/redo/history` and the app's u/U.

Importing the action modules registers every kind of undo operation before any is applied.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from alignment.store import get_pair_by_id
from tui.core import beads, history, spans, terms  # noqa: F401  # registers their kinds of undo operation
from tui.core.history import Entry
from tui.core.project import Project


def undo(project: Project) -> Entry | None:
    """Undo the latest action still in effect (anyone's, anywhere); None when there is nothing to undo."""
    return history.undo(project.db, project.user)


def redo(project: Project) -> Entry | None:
    """Redo the earliest undone action; None when there is nothing to redo."""
    return history.redo(project.db, project.user)


@dataclass(frozen=True, slots=True)
class Logged:
    """One history entry as a person reads it: who, when, what, on which pair and bead (1-based)."""

    id: int
    at: str
    user: str
    action: str
    summary: str
    pair: str | None
    bead: int | None
    state: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "at": self.at,
            "user": self.user,
            "action": self.action,
            "summary": self.summary,
            "pair": self.pair,
            "bead": self.bead,
            "bead_index": self.bead - 1 if self.bead is not None else None,
            "state": self.state,
        }


def where(project: Project, entry: Entry) -> str | None:
    """The pair an entry changed (None for the glossary)."""
    if entry.pair_id is None:
        return None
    try:
        return get_pair_by_id(project.db, entry.pair_id).name
    except Exception:  # the pair was removed since: the entry still reads
        return None


def listing(project: Project, *, limit: int = 20) -> list[Logged]:
    """The history, newest first."""
    return [
        Logged(
            e.id,
            e.at,
            e.user,
            e.action,
            e.summary,
            where(project, e),
            e.bead + 1 if e.bead is not None else None,
            e.state,
        )
        for e in history.entries(project.db, limit=limit)
    ]
