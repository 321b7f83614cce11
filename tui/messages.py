"""App-wide messages: small dataclasses posted to screens (toolong's style)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from textual.message import Message

from alignment.model import Bead
from tui.core.history import Entry


@dataclass
class ProjectChanged(Message, bubble=False):
    """The project changed under the current screen (undo, redo, ctrl+r, focus regained): reload what it shows."""

    entry: Entry | None = None
    """The history entry that was undone or redone, when that is what happened."""


@dataclass
class RealignFinished(Message, bubble=False):
    """A realignment computed in a worker thread (beads in pair indexes), or the reason it failed."""

    pair_id: int
    beads: list[Bead] | None
    error: str | None = None


@dataclass
class SuggestFinished(Message, bubble=False):
    """Span suggestions computed in a worker thread (GiNZA analyses of the pair), or why they failed."""

    pair_id: int
    analyses: list[Any] | None
    error: str | None = None


@dataclass
class ScoresFinished(Message, bubble=False):
    """The aligner's confidence for beads a person made, by bead row id, computed in a worker thread."""

    pair_id: int
    scores: dict[int, float]


@dataclass
class QaFinished(Message, bubble=False):
    """Bead indexes of a pair with a QA problem, computed in a worker thread."""

    pair_id: int
    problems: frozenset[int]


@dataclass
class OpenPair(Message):
    """Open a pair's alignment view (from the pair list, the glossary's provenance, an undo)."""

    name: str
    bead: int | None = None


@dataclass
class OpenGlossary(Message):
    """Show the glossary screen, optionally on one entry."""

    entry_id: int | None = None
