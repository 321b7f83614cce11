"""The project file: creation, pragmas, migrations, refusal of newer or foreign files."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from alignment.project import ProjectError, open_project


def test_new_project_has_wal_fk_and_tables(db_path: Path) -> None:
    db = open_project(db_path)
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert db.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert db.execute("PRAGMA busy_timeout").fetchone()[0] > 0
    assert {"pairs", "documents", "segments", "beads"} <= set(db.table_names())


def test_newer_schema_is_refused(db_path: Path) -> None:
    db = open_project(db_path)
    db["_sqlite_migrations"].insert({"migration_set": "alignment", "name": "m999_future", "applied_at": "x"})
    db.close()
    with pytest.raises(ProjectError, match="newer taiyaku"):
        open_project(db_path)


def test_not_sqlite_is_refused(tmp_path: Path) -> None:
    p = tmp_path / "x.db"
    p.write_text("hello, not a database\n" * 10)
    with pytest.raises(ProjectError, match="not an SQLite"):
        open_project(p)


def test_older_schema_is_backed_up_then_migrated(db_path: Path) -> None:
    from sqlite_utils import Migrations

    extra = Migrations("test-extra")

    @extra()
    def m001_thing(db) -> None:
        db.execute("CREATE TABLE thing (id INTEGER PRIMARY KEY)")

    db = open_project(db_path)
    db["pairs"].insert({"name": "kept", "created": "t", "updated": "t"})
    db.close()
    db = open_project(db_path, extra=[extra])
    assert "thing" in db.table_names()
    backups = list(db_path.parent.glob("taiyaku.db.pre-migration-*.bak"))
    assert len(backups) == 1
    old = sqlite3.connect(backups[0])
    assert old.execute("SELECT name FROM pairs").fetchall() == [("kept",)]
    assert "thing" not in {r[0] for r in old.execute("SELECT name FROM sqlite_master")}


def test_failed_migration_leaves_original_untouched(db_path: Path) -> None:
    from sqlite_utils import Migrations

    bad = Migrations("test-bad")

    @bad()
    def m001_ok(db) -> None:
        db.execute("CREATE TABLE half (id INTEGER PRIMARY KEY)")

    @bad()
    def m002_fails(db) -> None:
        db.execute("CREATE TABLE broken (")

    open_project(db_path).close()
    with pytest.raises(ProjectError, match="migration failed"):
        open_project(db_path, extra=[bad])
    db = open_project(db_path)
    assert "half" not in db.table_names()
