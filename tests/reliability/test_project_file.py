"""A project file that is not SQLite, truncated, read-only, newer, locked or foreign: one-line error, file unchanged."""

from __future__ import annotations

import os
import shutil
import sqlite3
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from rel_harness import (
    assert_clean_error,
    assert_no_traceback,
    content_digest,
    has,
    project_files_digest,
    run_cli,
    run_probe,
    unprivileged_prefix,
    world_readable_tmpdir,
)

JA = "日本とインドは、海洋状況把握（ＭＤＡ）で協力する。\nインド洋地域情報融合センター（ＩＦＣ－ＩＯＲ）を支援する。\n"
EN = "Japan and India cooperate on maritime domain awareness (MDA).\nThey support the IFC-IOR.\n"


def real_commands(tmp: Path) -> list[tuple[str, list[str], str]]:
    """(label, argv, "read"|"write") for every real command that has landed and opens an existing project."""
    ja, en = tmp / "in.ja.txt", tmp / "in.en.txt"
    ja.write_text(JA, encoding="utf-8")
    en.write_text(EN, encoding="utf-8")
    out: list[tuple[str, list[str], str]] = []
    if has("pairs"):
        out.append(("pairs", ["pairs"], "read"))
    if has("segments"):
        out.append(("segments", ["segments", "pair-001"], "read"))
    if has("beads"):
        out.append(("beads", ["beads", "pair-001"], "read"))
    if has("glossary lookup"):
        out.append(("glossary lookup", ["glossary", "lookup", "IPMDA"], "read"))
    if has("import"):
        out.append(("import", ["import", "--segmented", str(ja), str(en), "--name", "new-pair"], "write"))
    if has("glossary add"):
        out.append(
            (
                "glossary add",
                ["glossary", "add", "--ja", "海洋状況把握", "--en", "maritime domain awareness"],
                "write",
            )
        )
    if has("align"):
        out.append(("align", ["align", "pair-001", "--no-embeddings"], "write"))
    return out


PROBES = [("probe read", ["read"], "read"), ("probe write", ["write", "probe-pair"], "write")]


def all_commands(tmp: Path, *, app: bool = False) -> list[tuple[str, list[str], str, bool]]:
    """(label, argv, kind, is_probe). `app`: also `annotate`, for cases where opening must fail (a project
    it can open would start the app)."""
    extra = [("annotate", ["annotate"], "read", False)] if app and has("annotate") else []
    return (
        [(lbl, argv, kind, True) for lbl, argv, kind in PROBES]
        + [(lbl, argv, kind, False) for lbl, argv, kind in real_commands(tmp)]
        + extra
    )


def run_any(argv: list[str], is_probe: bool, db: Path, **kw):
    if argv[0] == "annotate":
        kw.setdefault("timeout", 60)
    return run_probe(*argv, db=db, **kw) if is_probe else run_cli(*argv, db=db, **kw)


def run_all(
    tmp: Path, db: Path, *, app: bool = False, **kw
) -> list[tuple[str, list[str], str, object, float]]:
    """Every command on the same project, two at a time (2 cores): (label, argv, kind, result, seconds)."""

    def one(item: tuple[str, list[str], str, bool]) -> tuple[str, list[str], str, object, float]:
        label, argv, kind, is_probe = item
        t0 = time.monotonic()
        proc = run_any(argv, is_probe, db, **kw)
        return label, argv, kind, proc, time.monotonic() - t0

    with ThreadPoolExecutor(max_workers=2) as pool:
        return list(pool.map(one, all_commands(tmp, app=app)))


def test_real_commands_are_covered_when_they_land(tmp_path: Path) -> None:
    """Guards the list above: once `import` exists, the project-file cases run through it too."""
    labels = {lbl for lbl, *_ in real_commands(tmp_path)}
    if has("import"):
        assert "import" in labels


@pytest.mark.parametrize(
    "content",
    [
        pytest.param(b"hello, this is a text file and not a project\n" * 50, id="text"),
        pytest.param(os.urandom(8192), id="random-bytes"),
        pytest.param(b"\x89PNG\r\n\x1a\n" + b"\x00" * 4000, id="png"),
        pytest.param(b"PK\x03\x04" + os.urandom(2000), id="zip"),
        pytest.param(b"SQLite format 2\x00" + b"\x00" * 2000, id="near-miss-header"),
        pytest.param(b"SQLite format 3\x00" + b"\x10\x00" + b"\xff" * 82, id="header-only"),
    ],
)
def test_not_a_project_file(tmp_path: Path, content: bytes) -> None:
    db = tmp_path / "bogus.db"
    db.write_bytes(content)
    for label, _argv, _kind, proc, _took in run_all(tmp_path, db, app=True):
        assert_clean_error(proc)
        assert db.read_bytes() == content, f"{label} changed a file that is not a project"
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith("bogus")) == ["bogus.db"]


@pytest.mark.parametrize("fraction", [0.5, 0.25, 0.9, 0.01])
def test_truncated_project(tmp_path: Path, project: Path, fraction: float) -> None:
    data = project.read_bytes()
    assert len(data) > 64 * 1024, "the fixture project must span many pages"
    cut = data[: int(len(data) * fraction)]
    project.write_bytes(cut)
    for label, _argv, _kind, proc, _took in run_all(tmp_path, project, app=True):
        line = assert_clean_error(proc)
        assert "damaged" in line or "not a usable" in line or "truncated" in line, line
        assert project.read_bytes() == cut, f"{label} wrote into a damaged project"


def test_truncated_mid_page_inside_a_table(tmp_path: Path, project: Path) -> None:
    """A cut that keeps the schema pages but not every row: refused up front, not mid-command."""
    data = project.read_bytes()
    cut = data[: len(data) - 4096 - 100]
    project.write_bytes(cut)
    proc = run_probe("read", db=project)
    assert_clean_error(proc, contains="damaged")


def _assert_read_only_behaviour(tmp: Path, db: Path, prefix: tuple[str, ...]) -> None:
    before = project_files_digest(db)
    content = content_digest(db)
    for label, _argv, kind, proc, _took in run_all(tmp, db, prefix=prefix):
        if kind == "write":
            assert_clean_error(proc, contains="read-only")
        else:
            # a read may succeed or refuse, but never with a traceback
            if proc.returncode:
                assert_clean_error(proc)
            else:
                assert_no_traceback(proc)
        assert project_files_digest(db) == before, f"{label} changed a read-only project"
    assert content_digest(db) == content
    proc = run_probe("read-only", db=db, prefix=prefix)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "40"


def test_read_only_by_mode_bits_even_for_root(tmp_path: Path, project: Path) -> None:
    """chmod a-w: refused for writing, whoever runs it (root ignores permissions; we respect the mark)."""
    project.chmod(0o444)
    try:
        _assert_read_only_behaviour(tmp_path, project, ())
    finally:
        project.chmod(0o644)


def test_read_only_for_an_ordinary_user(tmp_path: Path) -> None:
    """What a non-root analyst sees with a project they may read but not write (run as `nobody`)."""
    prefix = unprivileged_prefix()
    if prefix is None:
        # The checkout may sit in a folder `nobody` cannot enter (mktemp -d is 0700): nothing to run as.
        pytest.skip("cannot run as an unprivileged user here (no setpriv, or the checkout is private)")
    shared = world_readable_tmpdir()
    try:
        db = shared / "project.db"
        shutil.copy2(
            Path(__file__).with_name("conftest.py"), shared / "unused"
        )  # folder holds other files too
        from rel_harness import fill_project

        fill_project(db)
        (shared / "in").mkdir()
        (shared / "in").chmod(0o755)
        # root's project, readable by all, writable by root only (when the tests run unprivileged already,
        # the project is theirs: take their write permission away instead)
        db.chmod(0o644 if prefix else 0o444)
        _assert_read_only_behaviour(shared / "in", db, prefix)
    finally:
        db.chmod(0o644)
        shutil.rmtree(shared, ignore_errors=True)


def test_writable_file_in_read_only_folder_for_an_ordinary_user(tmp_path: Path) -> None:
    prefix = unprivileged_prefix()
    if prefix is None:
        # The checkout may sit in a folder `nobody` cannot enter (mktemp -d is 0700): nothing to run as.
        pytest.skip("cannot run as an unprivileged user here (no setpriv, or the checkout is private)")
    shared = world_readable_tmpdir()
    try:
        from rel_harness import fill_project

        db = shared / "project.db"
        fill_project(db)
        db.chmod(0o666)
        if not prefix:  # already unprivileged: the folder is ours, so take its write permission away
            shared.chmod(0o555)
        before = project_files_digest(db)
        proc = run_probe("write", "x", db=db, prefix=prefix)
        assert_clean_error(proc, contains="read-only")
        assert project_files_digest(db) == before
    finally:
        shared.chmod(0o755)
        shutil.rmtree(shared, ignore_errors=True)


@pytest.mark.parametrize("migration_set", ["alignment", "glossary", "history", "unknown-future-set"])
def test_newer_project_is_refused(tmp_path: Path, project: Path, migration_set: str) -> None:
    conn = sqlite3.connect(project)
    sets = {r[0] for r in conn.execute("SELECT DISTINCT migration_set FROM _sqlite_migrations")}
    if migration_set not in sets and migration_set != "unknown-future-set":
        conn.close()
        pytest.skip(f"migration set {migration_set!r} has not landed yet")
    conn.execute(
        "INSERT INTO _sqlite_migrations (migration_set, name, applied_at) VALUES (?, 'm999_from_the_future', 'x')",
        [migration_set],
    )
    conn.commit()
    conn.close()
    before = project_files_digest(project)
    for label, _argv, _kind, proc, _took in run_all(
        tmp_path, project, app=migration_set != "unknown-future-set"
    ):
        if migration_set == "unknown-future-set":
            # a set this program does not know at all: its tables are simply not ours to touch
            assert_no_traceback(proc)
            continue
        assert_clean_error(proc, contains="newer taiyaku")
        assert project_files_digest(project) == before, label


def test_locked_by_a_writer_reads_go_on_writes_wait_then_fail(
    tmp_path: Path, project: Path, hold_lock
) -> None:
    """Another process in BEGIN EXCLUSIVE: WAL readers proceed; writers wait the lock timeout, then one line."""
    content = content_digest(project)
    holder = hold_lock(project, "transaction", 30)
    for label, _argv, kind, proc, took in run_all(tmp_path, project):
        if kind == "read":
            assert proc.returncode == 0, (
                f"{label}: a reader must not be blocked by a writer in WAL mode\n{proc.stderr}"
            )
            assert_no_traceback(proc)
        else:
            assert_clean_error(proc)
            assert took >= 0.75, f"{label} gave up after {took:.2f}s without waiting for the lock"
            assert took < 30, f"{label} waited {took:.1f}s"
    holder.kill()
    assert content_digest(project) == content


def test_locked_in_exclusive_mode_every_command_fails_cleanly(
    tmp_path: Path, project: Path, hold_lock
) -> None:
    content = content_digest(project)
    holder = hold_lock(project, "exclusive-mode", 30)
    for _label, _argv, _kind, proc, _took in run_all(tmp_path, project):
        assert_clean_error(proc)
    holder.kill()
    assert content_digest(project) == content


def test_writer_waits_for_a_short_lock_then_succeeds(project: Path, hold_lock) -> None:
    holder = hold_lock(project, "transaction", 0.8)
    proc = run_probe("write", "after-the-lock", db=project, env={"TAIYAKU_LOCK_TIMEOUT": "10"})
    assert proc.returncode == 0, proc.stderr
    holder.wait()
    conn = sqlite3.connect(project)
    names = {r[0] for r in conn.execute("SELECT name FROM pairs")}
    conn.close()
    assert "after-the-lock" in names and "held-by-holder" not in names


def test_foreign_sqlite_database_is_not_touched(tmp_path: Path) -> None:
    db = tmp_path / "places.sqlite"
    conn = sqlite3.connect(db)
    conn.execute("CREATE TABLE moz_places (id INTEGER PRIMARY KEY, url TEXT)")
    conn.execute("INSERT INTO moz_places (url) VALUES ('https://example.org')")
    conn.commit()
    conn.close()
    before = db.read_bytes()
    for label, _argv, _kind, proc, _took in run_all(tmp_path, db, app=True):
        assert_clean_error(proc, contains="not a taiyaku project")
        assert db.read_bytes() == before, label


def test_project_path_is_a_folder_or_in_a_missing_folder(tmp_path: Path) -> None:
    folder = tmp_path / "a-folder.db"
    folder.mkdir()
    for _label, _argv, _kind, proc, _took in run_all(tmp_path, folder, app=True):
        assert_clean_error(proc)
    missing = tmp_path / "no" / "such" / "folder" / "p.db"
    for _label, _argv, _kind, proc, _took in run_all(tmp_path, missing, app=True):
        assert_clean_error(proc)
        assert not missing.parent.exists()


def test_empty_file_becomes_a_new_project(tmp_path: Path) -> None:
    """`touch taiyaku.db` then a command: a zero-byte file is a new, empty SQLite database."""
    db = tmp_path / "empty.db"
    db.touch()
    proc = run_probe("write", "first", db=db)
    assert proc.returncode == 0, proc.stderr
    proc = run_probe("read", db=db)
    assert proc.stdout.strip() == "1"


def test_opening_the_project_again_in_the_same_process_keeps_its_locks(project: Path) -> None:
    """The app's worker threads open the project while the app holds it open.

    Regression: reading the header through a file descriptor of our own, then closing it, dropped every
    POSIX lock the process held on the file; the next `taiyaku` command to exit then believed it was the
    last user, checkpointed and deleted the write-ahead log under the app, and the project was corrupted.
    """
    from alignment.project import now, open_project, write

    app = open_project(project)
    with write(app):
        app["pairs"].insert({"name": "before", "created": now(), "updated": now()})
    worker = open_project(project)  # what Session.worker_db does
    worker.close()
    proc = run_probe("read", db=project)  # another process opens and closes the project
    assert proc.returncode == 0, proc.stderr
    assert project.with_name(project.name + "-wal").exists(), (
        "another process deleted the log of an open project"
    )
    with write(app):
        app["pairs"].insert({"name": "after", "created": now(), "updated": now()})
    app.close()
    conn = sqlite3.connect(project)
    names = {r[0] for r in conn.execute("SELECT name FROM pairs")}
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    conn.close()
    assert {"before", "after"} <= names
