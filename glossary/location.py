"""Where a project's glossary lives: in the project file itself, or in a shared SQLite file.

A team keeps one controlled glossary for many projects: `taiyaku glossary use PATH` records the shared
file in the project (table `glossary_location`), and TAIYAKU_GLOSSARY overrides what is recorded.

The opener (glossary.shared) links each project connection to a connection of the glossary file; every
termbase read and write in glossary.queries, glossary.store and glossary.change_store goes through
`termbase(db)`, so whatever passes the project connection (the aligner's anchors, QA, harvest, exports,
undo) works on the shared file without knowing it. This module stays stdlib-only: the lookup hot path
reads the recorded location through it.
"""

from __future__ import annotations

import os
import sqlite3
import weakref
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    from pathlib import Path  # not at run time: pathlib costs the lookup hot path 2.5 ms

    from sqlite_utils import Database

ENV = "TAIYAKU_GLOSSARY"
"""A glossary file that every project opened by this process uses, whatever the project records."""

_LINKS: weakref.WeakKeyDictionary[Any, Any] = weakref.WeakKeyDictionary()
"""Project connection -> glossary connection (both Databases); asked with any connection (Any), never kept
alive by it (weak keys: a worker's connection that is dropped drops its link)."""

Q = TypeVar("Q")


_PATHS: weakref.WeakKeyDictionary[Any, Path] = weakref.WeakKeyDictionary()


def link(project: Database, glossary: Database, path: Path) -> None:
    """From now on, termbase functions given `project` read and write `glossary` (the file `path`)."""
    _LINKS[project] = glossary
    _PATHS[project] = path


def unlink(project: Database) -> Database | None:
    """Forget the link of `project` (when it closes); returns the glossary connection to close."""
    _PATHS.pop(project, None)
    glossary: Database | None = _LINKS.pop(project, None)
    return glossary


def shared_path(project: Database) -> Path | None:
    """The shared glossary file `project` is linked to (None: it uses its own glossary)."""
    return _PATHS.get(project)


def termbase(db: Q) -> Q:
    """The connection holding the termbase for `db`: its linked glossary file, else `db` itself."""
    try:
        found: Q | None = _LINKS.get(db)
    except TypeError:  # an unhashable or non-weakrefable connection is never linked
        return db
    return found if found is not None else db


def is_shared(db: Database) -> bool:
    return db in _LINKS


def recorded(conn: sqlite3.Connection) -> str | None:
    """The glossary file a project records (None: its own; also for a file older than the record)."""
    try:
        row = conn.execute("SELECT path FROM glossary_location WHERE id = 1").fetchone()
    except sqlite3.OperationalError:
        return None
    return str(row[0]) if row and row[0] else None


def chosen(project_path: str | os.PathLike[str] | None, stored: str | None) -> str | None:
    """The glossary file to use: TAIYAKU_GLOSSARY, else what the project records (relative to the
    project's folder), else None for the project's own glossary. The project itself counts as None."""
    value = os.environ.get(ENV) or stored
    if not value:
        return None
    path = os.path.expanduser(value)
    if not os.path.isabs(path) and stored is not None and value == stored and project_path is not None:
        path = os.path.join(os.path.dirname(os.path.abspath(project_path)), path)
    if project_path is not None and _same_file(path, os.fspath(project_path)):
        return None
    return path


def _same_file(a: str, b: str) -> bool:
    try:
        return os.path.exists(a) and os.path.exists(b) and os.path.samefile(a, b)
    except OSError:
        return False
