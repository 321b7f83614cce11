"""The errors a user can act on, and SQLite's errors turned into them (stdlib only).

Kept apart from alignment.project, which loads sqlite-utils: the CLI's error handling and the
`glossary lookup` hot path need these names without opening a project through it.
"""

from __future__ import annotations

import sqlite3
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pathlib import Path


class ProjectError(Exception):
    """A problem with the project file that the user can act on (shown as one line)."""


def one_line(exc: BaseException) -> str:
    return " ".join(str(exc).split()) or type(exc).__name__


def project_error_from_sqlite(exc: sqlite3.Error, path: Path | None = None) -> ProjectError:
    """Turn an SQLite error into the one-line message a user can act on (never a raw "database is locked")."""
    msg = one_line(exc)
    where = str(path) if path is not None else "the project file"
    if "locked" in msg or "busy" in msg:
        return ProjectError(f"{where} is busy: another program is writing to it; try again in a moment")
    if "readonly" in msg or "read-only" in msg:
        return ProjectError(f"{where} is read-only; use a writable copy")
    if "malformed" in msg or "not a database" in msg or "corrupt" in msg:
        return ProjectError(f"{where} is damaged ({msg}); restore it from a backup")
    if "disk is full" in msg or "disk I/O" in msg:
        return ProjectError(f"could not write {where} ({msg}); check free space and the disk")
    if "unable to open" in msg:
        return ProjectError(f"cannot open {where} ({msg}); check the path and permissions")
    return ProjectError(f"{where} is not a usable taiyaku project file ({msg})")
