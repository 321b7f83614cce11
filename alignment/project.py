"""The project file: one SQLite database per project, opened through sqlite-utils, with numbered migrations."""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import random
import sqlite3
import time
import urllib.parse
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path

from sqlite_utils import Database, Migrations

SQLITE_HEADER = b"SQLite format 3\x00"
DEFAULT_DB = "taiyaku.db"
BUSY_TIMEOUT_MS = 10_000
LOCK_TIMEOUT_ENV = "TAIYAKU_LOCK_TIMEOUT"
"""Seconds a command waits for another writer before it gives up (default BUSY_TIMEOUT_MS)."""


def lock_timeout() -> float:
    """How long to wait for a lock held by another process, in seconds (TAIYAKU_LOCK_TIMEOUT overrides)."""
    try:
        value = float(os.environ.get(LOCK_TIMEOUT_ENV, ""))
    except ValueError:
        return BUSY_TIMEOUT_MS / 1000
    return max(value, 0.0)


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
    """Refuse folders and unreadable files before SQLite sees them; content checks are `_check_content`'s.

    Never open the project file with a descriptor of our own: closing any descriptor of a file drops every
    POSIX lock this process holds on it, including those of an SQLite connection already open on it (a
    worker thread opening the project while the app writes), and another process could then write at the
    same time and corrupt it (https://www.sqlite.org/howtocorrupt.html, section 2.2).
    """
    if path.is_dir():
        raise ProjectError(f"{path} is a directory, not a taiyaku project file")
    if not os.access(path, os.R_OK):
        raise ProjectError(f"cannot read {path}: permission denied")


def _check_content(db: Database, path: Path) -> None:
    """Refuse a file that is not SQLite, or is shorter than its header says (a cut copy), through SQLite itself.

    SQLite would otherwise fail only later, mid-command. The page count is compared with the file only
    without a non-empty write-ahead log, whose pages may legitimately not be in the file yet.
    """
    try:
        db.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except sqlite3.DatabaseError as exc:
        if "not a database" in str(exc):
            raise ProjectError(f"{path} is not a taiyaku project file (not an SQLite database)") from None
        raise
    size = path.stat().st_size
    wal = path.with_name(path.name + "-wal")
    if size == 0 or (wal.exists() and wal.stat().st_size > 0):
        return
    expected = db.execute("PRAGMA page_count").fetchone()[0] * db.execute("PRAGMA page_size").fetchone()[0]
    if size < expected:
        raise ProjectError(
            f"{path} is damaged (truncated: {size} of {expected} bytes); restore it from a backup"
        )


def _is_read_only(path: Path) -> bool:
    """True when the file may not be written: by permission, or marked read-only (no write bit) for root too.

    Root bypasses permissions, but a file someone made read-only (chmod a-w) is a decision to respect.
    """
    return not os.access(path, os.W_OK) or not (path.stat().st_mode & 0o222)


def _readonly_uri(path: Path) -> str:
    """A read-only SQLite URI; quoted, since `?`, `#` and `%` are legal in file names.

    A WAL project in a folder we may not write cannot get its -shm/-wal files; with neither present, no
    writer has it open, so it is opened as immutable (SQLite's documented way to read such a file).
    """
    query = "mode=ro"
    wal = path.with_name(path.name + "-wal")
    if not wal.exists() and not os.access(path.parent if str(path.parent) else Path("."), os.W_OK):
        query += "&immutable=1"
    return f"file:{urllib.parse.quote(str(path.absolute()))}?{query}"


def _connect(path: Path, *, readonly: bool) -> Database:
    uri = _readonly_uri(path) if readonly else str(path)
    timeout = lock_timeout()
    conn = sqlite3.connect(uri, uri=readonly, timeout=timeout, isolation_level=None, check_same_thread=False)
    db = Database(conn)
    db.execute(f"PRAGMA busy_timeout = {int(timeout * 1000)}")
    db.execute("PRAGMA foreign_keys = ON")
    return db


def _use_wal(db: Database) -> None:
    """WAL + synchronous=NORMAL: readers never block the writer, and a killed process loses nothing committed.

    Called only once the file is known to be ours: switching the journal mode rewrites the file header.
    """
    mode = db.execute("PRAGMA journal_mode").fetchone()[0]
    if mode != "wal":
        db.execute("PRAGMA journal_mode = WAL")
    db.execute("PRAGMA synchronous = NORMAL")


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
    backup = None
    if has_data and path is not None:
        try:
            backup = backup_file(db, path, "pre-migration")
        except (sqlite3.Error, OSError) as exc:
            raise ProjectError(
                f"could not write a backup before upgrading {path} ({_one_line(exc)}); project left unchanged"
            ) from None
    try:
        with write(db):
            for migrations in pending:
                migrations.apply(db)
    except ProjectError:
        raise
    except Exception as exc:  # any failure in a migration function: the transaction was rolled back
        raise ProjectError(f"migration failed, project left unchanged ({_one_line(exc)})") from exc
    return backup


def _one_line(exc: BaseException) -> str:
    return " ".join(str(exc).split()) or type(exc).__name__


def _foreign_tables(db: Database, sets: MigrationSets) -> list[str]:
    """Tables of an SQLite file that taiyaku never initialised (someone else's database)."""
    if any(migrations.applied(db) for migrations in sets):
        return []
    return [t for t in db.table_names() if not t.startswith("sqlite_")]


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
        if not readonly and _is_read_only(p):
            raise ProjectError(f"{p} is read-only; use a writable copy")
        if not readonly and not os.access(p.parent, os.W_OK | os.X_OK):
            raise ProjectError(
                f"folder {p.parent} is read-only; SQLite needs to write its journal beside {p.name}"
            )
    elif not create:
        raise ProjectError(f"no project file at {p} (run `taiyaku import` or `taiyaku demo` first)")
    elif readonly:
        raise ProjectError(f"no project file at {p}")
    else:
        if p.parent and not p.parent.exists():
            raise ProjectError(f"folder {p.parent} does not exist")
    db = None
    try:
        db = _connect(p, readonly=readonly)
        _check_content(db, p)
        foreign = _foreign_tables(db, (ALIGNMENT, *extra)) if existed else []
        if foreign:
            raise ProjectError(
                f"{p} is an SQLite database but not a taiyaku project (it has tables {', '.join(foreign[:3])}); "
                "use another file"
            )
        if not readonly:
            _use_wal(db)
        if readonly:
            for migrations in (ALIGNMENT, *extra):
                if _unknown_applied(db, migrations):
                    raise ProjectError(f"{p} was written by a newer taiyaku; upgrade taiyaku to open it")
        else:
            ensure_schema(db, p if existed else None, (ALIGNMENT, *extra))
    except BaseException as exc:
        if db is not None:
            with contextlib.suppress(sqlite3.Error):
                db.close()
        if isinstance(exc, sqlite3.DatabaseError):
            raise project_error_from_sqlite(exc, p) from None
        raise
    return db


def project_error_from_sqlite(exc: sqlite3.Error, path: Path | None = None) -> ProjectError:
    """Turn an SQLite error into the one-line message a user can act on (never a raw "database is locked")."""
    msg = _one_line(exc)
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


# --- transactions -------------------------------------------------------------------------------------


@contextlib.contextmanager
def write(db: Database, *, retries: int = 8) -> Iterator[Database]:
    """One write transaction (BEGIN IMMEDIATE, so a second writer waits instead of failing mid-way).

    Nested use becomes a savepoint via sqlite-utils' `atomic`. SQLite's busy handler waits up to the lock
    timeout; a busy error that comes back sooner (SQLite skips the handler in some cases) is retried with
    jittered backoff until the same deadline, then reported as one line.
    """
    if db.conn.in_transaction:
        with db.atomic():
            yield db
        return
    delay = 0.05
    deadline = time.monotonic() + lock_timeout()
    for attempt in range(retries + 1):
        try:
            db.conn.execute("BEGIN IMMEDIATE")
            break
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) and "busy" not in str(exc):
                raise
            if attempt == retries or time.monotonic() + delay > deadline:
                raise ProjectError(
                    "the project file stayed locked by another writer; try again in a moment"
                ) from None
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
    atomic_write_files({path: write_fn})


def atomic_write_files(writes: Mapping[Path, Callable[[Path], None]]) -> None:
    """Several files written as one: every temporary is written and synced before the first rename, so a
    full disk half-way leaves all the old files (an export of one file per language never comes out mixed)."""
    temps = {path: path.with_name(f".{path.name}.{os.getpid()}.tmp") for path in writes}
    try:
        for path, write_fn in writes.items():
            write_fn(temps[path])
            # fsync before the rename, so even a power cut leaves the old file or the whole new one
            with temps[path].open("rb+") as fh:
                os.fsync(fh.fileno())
        for path, tmp in temps.items():
            os.replace(tmp, path)
    finally:
        for tmp in temps.values():
            if tmp.exists():
                tmp.unlink()
