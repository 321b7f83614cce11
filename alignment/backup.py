"""Backups of a project: the copy written before a migration, and `taiyaku backup OUT`, both through SQLite's
online backup API (consistent even while another program writes)."""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import sqlite3
from pathlib import Path
from typing import TYPE_CHECKING

from alignment.errors import ProjectError, project_error_from_sqlite

if TYPE_CHECKING:
    from sqlite_utils import Database


def backup_file(db: Database, path: Path, label: str) -> Path:
    """Write a consistent copy of the project next to it (SQLite's online backup API)."""
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    target = path.with_name(f"{path.name}.{label}-{stamp}.bak")
    try:
        dest = sqlite3.connect(target)
        try:
            db.conn.backup(dest)
        finally:
            dest.close()
    except BaseException:
        # a full disk half-way must not leave a .bak that looks like a backup but is not one
        for leftover in (target, target.with_name(target.name + "-journal")):
            with contextlib.suppress(OSError):
                leftover.unlink()
        raise
    return target


def backup_to(db: Database, out: str | os.PathLike[str]) -> Path:
    """A consistent copy of the open project at `out` (SQLite's online backup API), written safely: never over
    the project, a new file complete or not there at all. Returns the path written."""
    from alignment import outfile

    target = Path(out)
    if outfile.is_stdout(out):
        raise ProjectError("a backup is an SQLite file: give a file name, not -")

    def copy(tmp: Path) -> None:
        tmp.unlink()  # SQLite writes a fresh database; an empty file would do too, a stale one not
        dest = sqlite3.connect(tmp)
        try:
            db.conn.backup(dest)
            dest.execute("PRAGMA journal_mode = DELETE")  # one self-contained file, no -wal beside it
        finally:
            dest.close()

    try:
        outfile.write_file(target, copy, allow_sqlite=True)
    except sqlite3.Error as exc:
        raise project_error_from_sqlite(exc, target) from None
    return target
