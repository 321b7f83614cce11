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

from alignment import corpus_schema
from alignment.backup import backup_file as backup_file  # re-exported: migrations write one first
from alignment.backup import backup_to as backup_to
from alignment.errors import ProjectError as ProjectError  # re-exported: callers import it from here
from alignment.errors import one_line as _one_line
from alignment.errors import project_error_from_sqlite as project_error_from_sqlite

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


def resolve_db_path(path: str | os.PathLike[str] | None) -> Path:
    """--db beats TAIYAKU_DB beats ./taiyaku.db."""
    if path:
        return Path(path)
    env = os.environ.get("TAIYAKU_DB")
    return Path(env) if env else Path(DEFAULT_DB)


def now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


# Corpus tables: the numbered migrations of the alignment package live in alignment.corpus_schema.
ALIGNMENT = corpus_schema.ALIGNMENT


@ALIGNMENT()
def m002_pair_revision(db: Database) -> None:
    # Bumped by every change of a pair's beads or text, so a screen can tell that what it shows is stale.
    db.execute("ALTER TABLE pairs ADD COLUMN revision INTEGER NOT NULL DEFAULT 0")


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
    # quoted from the name's bytes: a name that is not UTF-8 reaches SQLite as it is on disk
    return f"file:{urllib.parse.quote(os.fsencode(path.absolute()))}?{query}"


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
    fallback = False
    if existed:
        _check_is_sqlite(p)
        _check_regular(p)
        if not readonly and (_is_read_only(p) or not os.access(p.parent, os.W_OK | os.X_OK)):
            # A read-only project (an archive, a read-only mount, chmod a-w) can still be listed and
            # exported; a command that writes fails at its first write with "read-only" in one line.
            readonly = fallback = True
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
            if fallback and any(m.pending(db) for m in (ALIGNMENT, *extra)):
                raise ProjectError(
                    f"{p} is read-only and was written by an older taiyaku; upgrade a writable copy first"
                )
        else:
            ensure_schema(db, p if existed else None, (ALIGNMENT, *extra))
    except BaseException as exc:
        if db is not None:
            with contextlib.suppress(sqlite3.Error):
                db.close()
        if isinstance(exc, sqlite3.DatabaseError):
            raise project_error_from_sqlite(exc, p) from None
        raise
    from alignment import outfile

    outfile.register_project(p)
    return db


_SHM_DMS_BYTE = 128
"""SQLite's unix VFS holds a shared POSIX lock on this byte of the -shm file while a connection is open."""


def in_use_elsewhere(path: Path) -> bool:
    """Whether another process has the WAL project `path` open (the app, a long command).

    Tries, without waiting, to lock the byte every open connection holds shared in the -shm file. Call it only
    while this process has no connection to `path`: closing any descriptor of a file drops this process's
    POSIX locks on it (see _check_is_sqlite).
    """
    import fcntl

    shm = path.with_name(path.name + "-shm")
    try:
        fd = os.open(shm, os.O_RDWR)
    except OSError:
        return False  # no -shm: nobody has it open in WAL mode
    try:
        fcntl.lockf(fd, fcntl.LOCK_EX | fcntl.LOCK_NB, 1, _SHM_DMS_BYTE)
    except OSError:
        return True
    else:
        fcntl.lockf(fd, fcntl.LOCK_UN, 1, _SHM_DMS_BYTE)
        return False
    finally:
        os.close(fd)


def _check_regular(path: Path) -> None:
    """Refuse a device or FIFO as the project (`--db /dev/null`): SQLite would fail later with a
    misleading "migration failed" or "check free space"."""
    import stat

    mode = path.stat().st_mode
    if not stat.S_ISREG(mode) and not stat.S_ISDIR(mode):
        raise ProjectError(f"{path} is not a regular file; a project is an SQLite file (give a file name)")


# --- transactions -------------------------------------------------------------------------------------


@contextlib.contextmanager
def write(db: Database, *, retries: int = 8, durable: bool = False) -> Iterator[Database]:
    """One write transaction (BEGIN IMMEDIATE, so a second writer waits instead of failing mid-way).

    Nested use becomes a savepoint via sqlite-utils' `atomic`. SQLite's busy handler waits up to the lock
    timeout; a busy error that comes back sooner (SQLite skips the handler in some cases) is retried with
    jittered backoff until the same deadline, then reported as one line.

    `durable`: after the commit, copy it from the -wal file into the project file (a user action: a copy of
    the project made next has it). It costs an fsync (~9 ms), so loops of small writes leave it off.
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
        if durable:
            checkpoint(db)


def checkpoint(db: Database) -> None:
    """Copy committed pages from the -wal file into the project file, so a copy of the project file made
    now (a backup, scp, a sync tool) has every change. PASSIVE: never waits for, nor blocks, a reader."""
    with contextlib.suppress(sqlite3.Error):
        db.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()


def atomic_write_file(path: Path, write_fn: Callable[[Path], None]) -> None:
    """Write an output file safely (alignment.outfile: never over the project, devices streamed into)."""
    from alignment import outfile

    outfile.write_file(path, write_fn)


def atomic_write_files(writes: Mapping[Path, Callable[[Path], None]]) -> None:
    """Several files written as one: every temporary is written and synced before the first rename, so a
    full disk half-way leaves all the old files (an export of one file per language never comes out mixed)."""
    from alignment import outfile

    outfile.write_files(writes)
