"""Schema upgrades on realistic old projects: backup first, every row kept, failures and kills leave it untouched."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from rel_harness import content_digest, has, integrity, run_cli, run_probe
from sqlite_utils import Database, Migrations

from alignment.project import ALIGNMENT, ProjectError, open_project
from tui.core.project import migration_sets as all_migration_sets


def first_only(migrations: Migrations, db: Database) -> None:
    """Apply only the first migration of a set: the oldest schema that set ever shipped."""
    names = [m.name for m in migrations._migrations]
    migrations.apply(db, stop_before=names[1:] or None)


def make_foundation_project(path: Path) -> dict[str, int]:
    """A project as the first release wrote it: alignment's first migration only, with a corpus in it."""
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.close()
    db = Database(path)
    first_only(ALIGNMENT, db)
    ts = "2026-01-01T00:00:00+00:00"
    with db.conn:
        for p in range(5):
            pair_id = db.execute(
                "INSERT INTO pairs (name, created, updated) VALUES (?, ?, ?)", [f"old-{p}", ts, ts]
            ).lastrowid
            for lang in ("ja", "en"):
                text = "\n".join(f"{lang} 文{i}（ＩＰＭＤＡ）" for i in range(8))
                doc_id = db.execute(
                    "INSERT INTO documents (pair_id, lang, source_path, encoding, segmented, raw_text, text, "
                    "offset_map, created) VALUES (?, ?, 'x.txt', 'utf-8', 1, ?, ?, ?, ?)",
                    [pair_id, lang, text, text, f"[[0, 0, {len(text)}]]", ts],
                ).lastrowid
                pos = 0
                for i, line in enumerate(text.split("\n")):
                    db.execute(
                        'INSERT INTO segments (document_id, level, idx, start, "end", text) '
                        "VALUES (?, 'sentence', ?, ?, ?, ?)",
                        [doc_id, i, pos, pos + len(line), line],
                    )
                    pos += len(line) + 1
            for i in range(8):
                db.execute(
                    "INSERT INTO beads (pair_id, level, ord, ja_start, ja_end, en_start, en_end, score, status, "
                    "updated_by, updated_at) VALUES (?, 'sentence', ?, ?, ?, ?, ?, 0.5, ?, 'analyst', ?)",
                    [pair_id, i, i, i + 1, i, i + 1, "confirmed" if i % 2 else "auto", ts],
                )
    counts = {t: db[t].count for t in ("pairs", "documents", "segments", "beads")}
    db.close()
    return counts


def all_sets() -> list[Migrations]:
    return [ALIGNMENT, *all_migration_sets()]


def applied_names(path: Path) -> set[tuple[str, str]]:
    conn = sqlite3.connect(path)
    try:
        return set(conn.execute("SELECT migration_set, name FROM _sqlite_migrations"))
    finally:
        conn.close()


def every_known_migration() -> set[tuple[str, str]]:
    return {(s.name, m.name) for s in all_sets() for m in s._migrations}


def test_foundation_project_upgrades_through_the_cli_with_a_backup_first(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    counts = make_foundation_project(path)
    before = content_digest(path)
    assert applied_names(path) < every_known_migration() or len(all_sets()) == 1

    proc = run_cli("pairs", db=path) if has("pairs") else run_probe("read", db=path)
    assert proc.returncode == 0, proc.stderr
    assert applied_names(path) == every_known_migration()

    backups = sorted(tmp_path.glob("old.db.pre-migration-*.bak"))
    if len(all_sets()) > 1:
        assert len(backups) == 1, list(tmp_path.iterdir())
        assert content_digest(backups[0]) == before, "the backup must be the project exactly as it was"
        assert integrity(backups[0]) == "ok"
    conn = sqlite3.connect(path)
    for table, n in counts.items():
        assert conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0] == n, table
    assert [r[0] for r in conn.execute("SELECT name FROM pairs ORDER BY name")] == [
        f"old-{p}" for p in range(5)
    ]
    assert conn.execute("SELECT count(*) FROM beads WHERE status = 'confirmed'").fetchone()[0] == 20
    conn.close()
    assert integrity(path) == "ok"

    # opening again: nothing pending, no second backup
    proc = run_probe("read", db=path)
    assert proc.stdout.strip() == "5"
    assert sorted(tmp_path.glob("old.db.pre-migration-*.bak")) == backups


def _fill_generic(db: Database, tables: list[str]) -> None:
    """Best-effort rows in tables whose columns this test does not know (later sets' first migrations)."""
    for _ in range(3):  # a few passes, so rows referencing other new tables can go in after them
        for table in tables:
            cols = db[table].columns
            row = {}
            for c in cols:
                if c.is_pk or c.default_value is not None:
                    continue
                name = c.name.lower()
                if name == "lang":
                    row[c.name] = "ja"
                elif c.type.upper().startswith("INT"):
                    row[c.name] = 1
                elif c.type.upper() == "REAL":
                    row[c.name] = 0.5
                else:
                    row[c.name] = f"v-{name}"
            try:
                with db.conn:
                    db[table].insert(row)
            except sqlite3.Error:
                continue


def test_first_migration_of_every_set_upgrades_without_losing_rows(tmp_path: Path) -> None:
    path = tmp_path / "first.db"
    make_foundation_project(path)
    db = Database(path)
    base = set(db.table_names())
    for migrations in all_sets()[1:]:
        first_only(migrations, db)
    new_tables = [
        t
        for t in db.table_names()
        if t not in base and not t.endswith(("_fts", "_config", "_data", "_idx", "_docsize"))
    ]
    _fill_generic(db, new_tables)
    counts = {t: db[t].count for t in db.table_names() if t != "_sqlite_migrations"}
    pending = any(m.pending(db) for m in all_sets())
    before = content_digest(path)
    db.close()

    proc = run_probe("read", db=path)
    assert proc.returncode == 0, proc.stderr
    assert applied_names(path) == every_known_migration()
    conn = sqlite3.connect(path)
    for table, n in counts.items():
        exists = conn.execute("SELECT 1 FROM sqlite_master WHERE name = ?", [table]).fetchone()
        if exists:
            assert conn.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0] >= n, table
    conn.close()
    backups = list(tmp_path.glob("first.db.pre-migration-*.bak"))
    assert len(backups) == (1 if pending else 0)
    if backups:
        assert content_digest(backups[0]) == before


def _bad_set(kind: str) -> Migrations:
    bad = Migrations("zz-test-bad")

    @bad()
    def m001_half_then_fail(db: Database) -> None:
        db.execute("CREATE TABLE half_done (id INTEGER PRIMARY KEY)")
        db.execute("INSERT INTO half_done (id) VALUES (1)")
        db.execute("UPDATE pairs SET name = name || '-renamed'")
        if kind == "sql":
            db.execute("CREATE TABLE broken (")
        raise ValueError("migration bug\nwith a second line")

    return bad


@pytest.mark.parametrize("kind", ["sql", "python"])
def test_failed_migration_after_real_ones_leaves_the_original_untouched(tmp_path: Path, kind: str) -> None:
    path = tmp_path / "old.db"
    make_foundation_project(path)
    before = content_digest(path)
    with pytest.raises(ProjectError, match="migration failed, project left unchanged") as info:
        open_project(path, extra=[*all_migration_sets(), _bad_set(kind)])
    assert "\n" not in str(info.value)
    assert content_digest(path) == before, "a failed upgrade must roll back every migration it ran"
    assert integrity(path) == "ok"
    # the normal program still opens and upgrades it afterwards
    db = open_project(path, extra=all_migration_sets())
    assert next(r["name"] for r in db.query("SELECT name FROM pairs ORDER BY name")) == "old-0"
    db.close()


KILLED_MIGRATION = textwrap.dedent(
    """
    import sys, time
    from sqlite_utils import Migrations
    from alignment.project import open_project
    from tui.core.project import migration_sets as all_migration_sets
    slow = Migrations("zz-test-slow")

    @slow()
    def m001_slow(db):
        db.execute("UPDATE pairs SET name = name || '-half'")
        db.execute("CREATE TABLE slow_table (id INTEGER PRIMARY KEY)")
        print("migrating", flush=True)
        time.sleep(60)

    open_project(sys.argv[1], extra=[*all_migration_sets(), slow])
    """
)


def test_killed_during_migration_leaves_the_original_untouched(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    make_foundation_project(path)
    before = content_digest(path)
    proc = subprocess.Popen(
        [sys.executable, "-c", KILLED_MIGRATION, str(path)], stdout=subprocess.PIPE, text=True
    )
    assert proc.stdout is not None
    assert proc.stdout.readline().strip() == "migrating"
    time.sleep(0.1)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert integrity(path) == "ok"
    assert content_digest(path) == before
    proc2 = run_probe("read", db=path)
    assert proc2.returncode == 0, proc2.stderr
    assert proc2.stdout.strip() == "5"
    assert applied_names(path) == every_known_migration()


def test_two_processes_upgrade_the_same_old_project_at_once(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    make_foundation_project(path)
    procs = [
        subprocess.Popen(
            [sys.executable, str(Path(__file__).with_name("probe_cli.py")), "write", f"racer-{i}"],
            env={**os.environ, "TAIYAKU_DB": str(path)},
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for i in range(3)
    ]
    for p in procs:
        _out, err = p.communicate(timeout=120)
        assert p.returncode == 0, err
    conn = sqlite3.connect(path)
    dupes = conn.execute(
        "SELECT migration_set, name, count(*) FROM _sqlite_migrations GROUP BY 1, 2 HAVING count(*) > 1"
    ).fetchall()
    names = {r[0] for r in conn.execute("SELECT name FROM pairs")}
    conn.close()
    assert dupes == []
    assert {f"racer-{i}" for i in range(3)} <= names
    assert integrity(path) == "ok"


def test_a_brand_new_project_gets_no_backup(tmp_path: Path) -> None:
    path = tmp_path / "new.db"
    proc = run_probe("write", "first", db=path)
    assert proc.returncode == 0, proc.stderr
    assert not list(tmp_path.glob("*.bak"))
    assert applied_names(path) == every_known_migration()
