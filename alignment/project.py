"""The project file: one SQLite database per project, opened through sqlite-utils, with numbered migrations."""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import random
import sqlite3
import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

from sqlite_utils import Database, Migrations

SQLITE_HEADER = b"SQLite format 3\x00"
DEFAULT_DB = "taiyaku.db"
BUSY_TIMEOUT_MS = 10_000


class ProjectError(Exception):
    """A problem with the project file that the user can act on (shown as one line)."""


def resolve_db_path(path: str | os.PathLike[str] | None) -> Path:
    """--db beats TAIYAKU_DB beats ./taiyaku.db."""
    if path:
        return Path(path)
    env = os.environ.get("TAIYAKU_DB")
    return Path(env) if env else Path(DEFAULT_DB)


def now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


# --- migrations ---------------------------------------------------------------------------------------

ALIGNMENT = Migrations("alignment")


@ALIGNMENT()
def m001_corpus(db: Database) -> None:
    db.execute(
        """CREATE TABLE pairs (
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL UNIQUE,
            created TEXT NOT NULL,
            updated TEXT NOT NULL
        )"""
    )
    db.execute(
        """CREATE TABLE documents (
            id INTEGER PRIMARY KEY,
            pair_id INTEGER NOT NULL REFERENCES pairs(id) ON DELETE CASCADE,
            lang TEXT NOT NULL CHECK (lang IN ('ja', 'en')),
            source_path TEXT,
            encoding TEXT,
            segmented INTEGER NOT NULL DEFAULT 0,
            raw_text TEXT NOT NULL,
            text TEXT NOT NULL,
            offset_map TEXT NOT NULL,
            created TEXT NOT NULL,
            UNIQUE (pair_id, lang)
        )"""
    )
    db.execute(
        """CREATE TABLE segments (
            id INTEGER PRIMARY KEY,
            document_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
            level TEXT NOT NULL CHECK (level IN ('sentence', 'clause')),
            idx INTEGER NOT NULL,
            start INTEGER NOT NULL,
            "end" INTEGER NOT NULL,
            parent_id INTEGER REFERENCES segments(id) ON DELETE CASCADE,
            text TEXT NOT NULL,
            UNIQUE (document_id, level, idx)
        )"""
    )
    db.execute("CREATE INDEX segments_parent ON segments(parent_id)")
    db.execute(
        """CREATE TABLE beads (
            id INTEGER PRIMARY KEY,
            pair_id INTEGER NOT NULL REFERENCES pairs(id) ON DELETE CASCADE,
            level TEXT NOT NULL CHECK (level IN ('sentence', 'clause')),
            ord INTEGER NOT NULL,
            ja_start INTEGER NOT NULL,
            ja_end INTEGER NOT NULL,
            en_start INTEGER NOT NULL,
            en_end INTEGER NOT NULL,
            score REAL,
            status TEXT NOT NULL DEFAULT 'auto' CHECK (status IN ('auto', 'confirmed')),
            updated_by TEXT,
            updated_at TEXT
        )"""
    )
    db.execute("CREATE INDEX beads_pair ON beads(pair_id, level, ord)")
    # Caches keyed by a hash of (model, text): unchanged text is never embedded or parsed twice.
    db.execute(
        """CREATE TABLE embeddings (
            key TEXT PRIMARY KEY,
            model TEXT NOT NULL,
            dim INTEGER NOT NULL,
            vector BLOB NOT NULL
        )"""
    )
    db.execute(
        """CREATE TABLE parses (
            key TEXT PRIMARY KEY,
            model TEXT NOT NULL,
            data TEXT NOT NULL
        )"""
    )


# --- opening ------------------------------------------------------------------------------------------


def _check_is_sqlite(path: Path) -> None:
    try:
        with path.open("rb") as fh:
            head = fh.read(len(SQLITE_HEADER))
    except IsADirectoryError:
        raise ProjectError(f"{path} is a directory, not a taiyaku project file") from None
    except PermissionError:
        raise ProjectError(f"cannot read {path}: permission denied") from None
    if head and head != SQLITE_HEADER:
        raise ProjectError(f"{path} is not a taiyaku project file (not an SQLite database)")


def _connect(path: Path, *, readonly: bool) -> Database:
    uri = f"file:{path}?mode=ro" if readonly else str(path)
    conn = sqlite3.connect(
        uri, uri=readonly, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None, check_same_thread=False
    )
    db = Database(conn)
    db.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    db.execute("PRAGMA foreign_keys = ON")
    if not readonly:
        mode = db.execute("PRAGMA journal_mode").fetchone()[0]
        if mode != "wal":
            db.execute("PRAGMA journal_mode = WAL")
        db.execute("PRAGMA synchronous = NORMAL")
    return db


def _unknown_applied(db: Database, migrations: Migrations) -> list[str]:
    known = {m.name for m in migrations._migrations}
    return [m.name for m in migrations.applied(db) if m.name not in known]


def backup_file(db: Database, path: Path, label: str) -> Path:
    """Write a consistent copy of the project next to it (SQLite's online backup API)."""
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    target = path.with_name(f"{path.name}.{label}-{stamp}.bak")
    dest = sqlite3.connect(target)
    try:
        db.conn.backup(dest)
    finally:
        dest.close()
    return target


MigrationSets = Sequence[Migrations]


def ensure_schema(db: Database, path: Path | None, sets: MigrationSets) -> Path | None:
    """Refuse newer files; back up, then migrate older ones in a single transaction.

    Returns the backup path when one was written.
    """
    for migrations in sets:
        unknown = _unknown_applied(db, migrations)
        if unknown:
            raise ProjectError(
                f"{path or 'project'} was written by a newer taiyaku (unknown {migrations.name} "
                f"migration {unknown[0]}); upgrade taiyaku to open it"
            )
    pending = [m for m in sets if m.pending(db)]
    if not pending:
        return None
    has_data = any(migrations.applied(db) for migrations in sets)
    backup = backup_file(db, path, "pre-migration") if (has_data and path is not None) else None
    try:
        with write(db):
            for migrations in pending:
                migrations.apply(db)
    except sqlite3.Error as exc:
        raise ProjectError(f"migration failed, project left unchanged ({exc})") from exc
    return backup


def open_project(
    path: str | os.PathLike[str] | None = None,
    *,
    create: bool = True,
    readonly: bool = False,
    extra: MigrationSets = (),
) -> Database:
    """Open (and create or migrate) a project file.

    `extra` lets packages above alignment (glossary, tui) add their own migration sets without
    alignment importing them.
    """
    p = resolve_db_path(path)
    existed = p.exists()
    if existed:
        _check_is_sqlite(p)
        if not readonly and not os.access(p, os.W_OK):
            raise ProjectError(f"{p} is read-only; use a writable copy")
    elif not create:
        raise ProjectError(f"no project file at {p} (run `taiyaku import` or `taiyaku demo` first)")
    elif readonly:
        raise ProjectError(f"no project file at {p}")
    else:
        if p.parent and not p.parent.exists():
            raise ProjectError(f"folder {p.parent} does not exist")
    try:
        db = _connect(p, readonly=readonly)
        db.execute("SELECT count(*) FROM sqlite_master").fetchone()
        if readonly:
            for migrations in (ALIGNMENT, *extra):
                if _unknown_applied(db, migrations):
                    raise ProjectError(f"{p} was written by a newer taiyaku; upgrade taiyaku to open it")
        else:
            ensure_schema(db, p if existed else None, (ALIGNMENT, *extra))
    except sqlite3.DatabaseError as exc:
        msg = str(exc)
        if "locked" in msg or "busy" in msg:
            raise ProjectError(f"{p} is locked by another program; try again in a moment") from None
        raise ProjectError(f"{p} is not a usable taiyaku project file ({msg})") from None
    return db


# --- transactions -------------------------------------------------------------------------------------


@contextlib.contextmanager
def write(db: Database, *, retries: int = 8) -> Iterator[Database]:
    """One write transaction (BEGIN IMMEDIATE, so a second writer waits instead of failing mid-way).

    Nested use becomes a savepoint via sqlite-utils' `atomic`. Contention beyond the busy timeout is
    retried with jittered backoff before it is reported.
    """
    if db.conn.in_transaction:
        with db.atomic():
            yield db
        return
    delay = 0.05
    for attempt in range(retries + 1):
        try:
            db.conn.execute("BEGIN IMMEDIATE")
            break
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) and "busy" not in str(exc):
                raise
            if attempt == retries:
                raise ProjectError("the project file stayed locked by another writer; try again") from None
            time.sleep(delay + random.random() * delay)
            delay = min(delay * 2, 2.0)
    try:
        yield db
    except BaseException:
        if db.conn.in_transaction:
            db.conn.execute("ROLLBACK")
        raise
    else:
        db.conn.execute("COMMIT")


def atomic_write_file(path: Path, write_fn: Callable[[Path], None]) -> None:
    """Write to a temporary file beside `path` and rename it, so no reader ever sees a partial file."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        write_fn(tmp)
        os.replace(tmp, path)
    finally:
        if tmp.exists():
            tmp.unlink()
