"""Opening a shared glossary file and linking it to a project connection (see glossary.location).

The glossary file is an SQLite file of its own, opened like a project (WAL, a busy timeout, BEGIN IMMEDIATE
writes, numbered migrations), so several analysts' processes write to it at once: each write waits for the
other instead of failing, and every read-modify-write of an entry happens inside one such transaction.
"""

from __future__ import annotations

import os
import weakref
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from alignment.project import ProjectError, now, write
from glossary import location

if TYPE_CHECKING:
    from sqlite_utils import Database


@dataclass(frozen=True, slots=True)
class InUse:
    """Which glossary a project uses, and why."""

    path: Path | None
    """The shared file; None: the project's own glossary."""
    reason: str
    """'TAIYAKU_GLOSSARY', 'recorded' or 'own'."""
    recorded: str | None
    """What the project records (TAIYAKU_GLOSSARY may override it)."""


def in_use(db: Database, project_path: str | os.PathLike[str] | None) -> InUse:
    stored = location.recorded(db.conn)
    chosen = location.chosen(project_path, stored)
    if chosen is None:
        return InUse(None, "own", stored)
    return InUse(Path(chosen), "TAIYAKU_GLOSSARY" if os.environ.get(location.ENV) else "recorded", stored)


def open_file(path: str | os.PathLike[str], *, create: bool = True, readonly: bool = False) -> Database:
    """Open (create, migrate) a glossary file: a taiyaku file of which only the termbase is used."""
    from glossary.project import open_glossary_project

    p = Path(path)
    if not p.exists() and (readonly or not create):
        raise ProjectError(f"no glossary file at {p}")
    return open_glossary_project(p, create=create, readonly=readonly, shared=False)


def attach(db: Database, project_path: str | os.PathLike[str] | None, *, readonly: bool = False) -> None:
    """Link `db` to the glossary file the project uses, if it uses one (opened here; closed with `detach`,
    or when `db` is garbage-collected, for worker connections that are closed without it)."""
    chosen = in_use(db, project_path)
    if chosen.path is None:
        return
    if not chosen.path.exists() and chosen.reason == "recorded":
        raise ProjectError(
            f"the project's glossary file {chosen.path} is missing; restore it, or run "
            "`taiyaku glossary use --local` (or `glossary use OTHER.db`)"
        )
    glossary = open_file(chosen.path, readonly=readonly)
    location.link(db, glossary, chosen.path.absolute())
    weakref.finalize(db, glossary.close)


def detach(db: Database) -> None:
    glossary = location.unlink(db)
    if glossary is not None:
        glossary.close()


def record(db: Database, path: Path | None, *, user: str) -> None:
    """Record in the project the glossary file it uses (None: its own again)."""
    with write(db, durable=True):
        if path is None:
            db.execute("DELETE FROM glossary_location")
        else:
            db.execute(
                "INSERT OR REPLACE INTO glossary_location (id, path, set_at, set_by) VALUES (1, ?, ?, ?)",
                [str(path), now(), user],
            )


def own_entries(db: Database) -> int:
    """Entries in the project file's own glossary (whichever glossary the project uses)."""
    return int(db.execute("SELECT count(*) FROM glossary_entries").fetchone()[0])
