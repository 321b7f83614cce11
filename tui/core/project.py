"""The project as the application layer holds it: the file, who is working, and one transaction per action.

Every user-level action of the CLI and the app runs inside `Project.action`, which opens one write
transaction, collects the undo operations the action produced and records them in the shared history in
the same transaction, so a change never exists without its undo entry.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from sqlite_utils import Database, Migrations

from alignment.project import open_project, resolve_db_path, write
from glossary.location import shared_path, termbase
from glossary.project import MIGRATIONS as GLOSSARY_MIGRATIONS
from glossary.review_store import REVIEW
from glossary.shared import attach as attach_glossary
from glossary.shared import detach as detach_glossary
from glossary.views import VIEWS
from tui.core import history


def migration_sets() -> tuple[Migrations, ...]:
    """Every migration set above alignment's, in the order they are applied (the views come last)."""
    return (*GLOSSARY_MIGRATIONS, history.HISTORY, REVIEW, VIEWS)


def open_db(
    path: str | os.PathLike[str] | None,
    *,
    create: bool = True,
    readonly: bool = False,
    shared: bool = True,
) -> Database:
    """Open the project with every migration set: alignment's, the glossary's, and the undo history.

    `shared`: link it to the shared glossary file it uses, if any (glossary.shared); every termbase
    function given this connection then works on that file.
    """
    db = open_project(path, create=create, readonly=readonly, extra=migration_sets())
    if shared:
        try:
            attach_glossary(db, resolve_db_path(path), readonly=readonly)
        except BaseException:
            db.close()
            raise
    return db


@dataclass(slots=True)
class Action:
    """What one action is doing: the undo operations it has produced so far, and where it happened."""

    name: str
    summary: str
    pair_id: int | None = None
    bead: int | None = None
    """0-based position of the bead the action is about (where undo takes a person back to)."""
    ops: list[history.Op] = field(default_factory=list)
    entry: history.Entry | None = None
    """The history entry, once recorded (None when the action changed nothing)."""


@dataclass(slots=True)
class Project:
    """An open project file and the person working on it."""

    db: Database
    user: str
    path: Path | None = None

    @classmethod
    def open(
        cls,
        path: str | os.PathLike[str] | None,
        *,
        user: str,
        create: bool = True,
        readonly: bool = False,
    ) -> Project:
        resolved = resolve_db_path(path)
        return cls(open_db(resolved, create=create, readonly=readonly), user, resolved)

    @property
    def glossary(self) -> Database:
        """The connection holding the termbase: a shared glossary file (`taiyaku glossary use`), or the
        project itself. Termbase functions given `db` find it on their own; this names it for the rest."""
        return termbase(self.db)

    @property
    def glossary_path(self) -> Path | None:
        """The shared glossary file the project works on (None: its own glossary)."""
        return shared_path(self.db)

    def close(self) -> None:
        detach_glossary(self.db)
        self.db.close()

    def __enter__(self) -> Project:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def connect(self) -> Database:
        """A connection of its own, for a worker thread (the caller closes it)."""
        return open_db(self.path, create=False) if self.path is not None else self.db

    @contextlib.contextmanager
    def action(
        self, name: str, summary: str, *, pair_id: int | None = None, bead: int | None = None
    ) -> Iterator[Action]:
        """One user action: one transaction, logged in the history with the ops it collected.

        An action that collected no operation changed nothing and leaves no history entry.
        """
        act = Action(name, summary, pair_id, bead)
        with write(self.db, durable=True):  # in the project file at once: a copy made next has it
            yield act
            if act.ops:
                act.entry = history.record(
                    self.db,
                    user=self.user,
                    action=name,
                    summary=act.summary,
                    ops=act.ops,
                    pair_id=act.pair_id,
                    bead=act.bead,
                )
