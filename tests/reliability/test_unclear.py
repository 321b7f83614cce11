"""Issue 12, items 13 and 15: a read-only project can be read, and failures say what happened in one line."""

from __future__ import annotations

import os
import sqlite3
import stat
from pathlib import Path

import pytest
from rel_harness import assert_clean_error, content_digest, run_cli

from alignment.project import ProjectError, backup_file, open_project


def _make_read_only(project: Path) -> None:
    # a clean copy as an archive would hold it: no -wal or -shm beside it
    conn = sqlite3.connect(project)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    project.chmod(0o444)


def test_read_only_project_lists_and_exports_but_refuses_writes(project: Path, tmp_path: Path) -> None:
    _make_read_only(project)
    before = content_digest(project)
    try:
        assert run_cli("pairs", db=project).returncode == 0
        beads = run_cli("export", "pair-000", "--format", "tsv", db=project)
        assert beads.returncode == 0, beads.stderr
        assert beads.stdout.count("\n") == 30
        assert run_cli("glossary", "export", "--format", "csv", db=project).returncode == 0
        assert run_cli("backup", tmp_path / "copy.db", db=project).returncode == 0
        line = assert_clean_error(run_cli("glossary", "add", "--ja", "防衛", "--en", "defence", db=project))
        assert "read-only" in line
        assert content_digest(project) == before
    finally:
        project.chmod(0o644)


def test_project_in_a_read_only_folder_can_be_read(project: Path, tmp_path: Path) -> None:
    if os.geteuid() == 0:
        pytest.skip("root writes into read-only folders")
    _make_read_only(project)
    folder = project.parent
    folder.chmod(0o555)
    try:
        assert run_cli("pairs", db=project).returncode == 0
    finally:
        folder.chmod(0o755)
        project.chmod(0o644)


@pytest.mark.parametrize("kind", ["null", "fifo"])
def test_a_device_or_fifo_as_project_is_refused_in_one_line(tmp_path: Path, kind: str) -> None:
    path = Path("/dev/null") if kind == "null" else tmp_path / "fifo"
    if kind == "fifo":
        os.mkfifo(path)
    line = assert_clean_error(run_cli("pairs", db=path, timeout=30))
    assert "not a regular file" in line
    if kind == "null":
        assert stat.S_ISCHR(os.stat("/dev/null").st_mode)


def test_a_file_name_that_is_not_utf8_imports_and_is_shown_escaped(tmp_path: Path) -> None:
    name = os.fsdecode(b"\xff\xfe.txt")
    (tmp_path / name).write_text("日本の防衛。\n", encoding="utf-8")
    proc = run_cli("import", tmp_path / name, "--segmented", db=tmp_path / "p.db")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "\\xff\\xfe"  # the pair's name, as Python writes such bytes


def test_a_failed_pre_migration_backup_leaves_no_broken_bak(tmp_path: Path) -> None:
    project = tmp_path / "p.db"
    db = open_project(project)
    conn = db.conn

    class FullDisk:
        """The project's connection, whose backup fails half-way as on a full disk."""

        def __getattr__(self, name: str) -> object:
            return getattr(conn, name)

        def backup(self, target: sqlite3.Connection, *args: object, **kwargs: object) -> None:
            target.execute("CREATE TABLE half_written (x)")
            raise sqlite3.OperationalError("database or disk is full")

    try:
        db.conn = FullDisk()  # type: ignore[assignment]
        with pytest.raises(sqlite3.OperationalError):
            backup_file(db, project, "pre-migration")
    finally:
        db.conn = conn
        db.close()
    assert not list(tmp_path.glob("*.bak*")), list(tmp_path.iterdir())


def test_read_only_project_that_needs_an_upgrade_says_so(tmp_path: Path) -> None:
    project = tmp_path / "old.db"
    conn = sqlite3.connect(project)
    conn.execute("CREATE TABLE t (x)")
    conn.execute("DROP TABLE t")  # an SQLite file with no table yet: every migration pending
    conn.close()
    project.chmod(0o444)
    try:
        with pytest.raises(ProjectError, match="read-only"):
            open_project(project)
    finally:
        project.chmod(0o644)


@pytest.mark.parametrize(
    "args",
    [("glossary", "show", "99999999999999999999"), ("spans", "accept", "9223372036854775808")],
)
def test_ids_past_sqlite_integers_are_one_line(project: Path, args: tuple[str, ...]) -> None:
    assert_clean_error(run_cli(*args, db=project), contains="too large")
