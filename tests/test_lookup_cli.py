"""`taiyaku glossary lookup` from a fresh process: only its own module loads, and bad files still fail in one line."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from glossary import store
from glossary.model import Entry

# What the lookup must not load: heavy libraries, sqlite-utils (the full project opener), the other commands.
NOT_ON_THE_LOOKUP_PATH = (
    "numpy",
    "pandas",
    "spacy",
    "textual",
    "rich",
    "sqlite_utils",
    "alignment.project",
    "glossary.store",
    "tui.commands.glossary_cmds",
    "tui.commands.aligning",
    "tui.commands.spans_cmds",
)


def _taiyaku(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    code = "import sys\nfrom tui.cli import cli\nsys.exit(cli())"
    env = {k: v for k, v in os.environ.items() if k != "TAIYAKU_DB"}
    return subprocess.run(
        [sys.executable, "-c", code, *args], capture_output=True, text=True, timeout=60, cwd=cwd, env=env
    )


@pytest.fixture
def project(tmp_path: Path) -> Path:
    from tui.common import open_db

    path = tmp_path / "taiyaku.db"
    db = open_db(str(path))
    store.add(db, Entry(ja="安全保障協力", en="security cooperation", status="approved"), user="t")
    store.add(
        db,
        Entry(ja="海洋状況把握", en="Maritime Domain Awareness", acronym="ＭＤＡ", status="proposed"),
        user="t",
    )
    db.close()
    return path


def test_lookup_loads_only_what_it_needs(project: Path) -> None:
    code = (
        "import sys, json\n"
        "from tui.cli import cli\n"
        f"for args in (['glossary', 'lookup', '協力', '--db', {str(project)!r}],\n"
        f"             ['glossary', 'lookup', 'mda', '--json', '--db', {str(project)!r}]):\n"
        "    try:\n"
        "        cli(args)\n"
        "    except SystemExit as exc:\n"
        "        assert not exc.code, exc.code\n"
        "print(json.dumps(sorted(sys.modules)), file=sys.stderr)\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert "安全保障協力" in proc.stdout and '"acronym": "ＭＤＡ"' in proc.stdout
    loaded = set(json.loads(proc.stderr.strip().splitlines()[-1]))
    assert not [
        m for m in NOT_ON_THE_LOOKUP_PATH if m in loaded or any(x.startswith(m + ".") for x in loaded)
    ]


def test_lookup_from_the_default_project_in_the_current_folder(project: Path) -> None:
    proc = _taiyaku("glossary", "lookup", "ｍｄａ", "-q", cwd=project.parent)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.split() == ["2"]


def test_default_project_name_matches_the_full_opener() -> None:
    from alignment.project import DEFAULT_DB
    from tui.commands.glossary_lookup import DEFAULT_DB as LOOKUP_DEFAULT

    assert LOOKUP_DEFAULT == DEFAULT_DB


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda p: None, "no project file"),
        (lambda p: p.write_text("not a database, just text\n" * 20), "taiyaku"),
        (lambda p: p.mkdir(), "directory"),
    ],
    ids=["missing", "not-sqlite", "folder"],
)
def test_bad_project_files_fail_in_one_line(
    tmp_path: Path, make: Callable[[Path], object], message: str
) -> None:
    path = tmp_path / "x.db"
    make(path)
    proc = _taiyaku("glossary", "lookup", "mda", "--db", str(path), cwd=tmp_path)
    assert proc.returncode != 0
    assert "Traceback" not in proc.stderr and len(proc.stderr.strip().splitlines()) == 1
    assert message in proc.stderr


def test_a_project_without_a_termbase_yet_gets_one(tmp_path: Path) -> None:
    """An SQLite project made before the glossary existed: the full opener adds its tables, then looks up."""
    path = tmp_path / "old.db"
    sqlite3.connect(path).close()  # an empty SQLite file: what a new project starts from
    proc = _taiyaku("glossary", "lookup", "mda", "--db", str(path), cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert "No entries match 'mda'" in proc.stderr
    with sqlite3.connect(path) as conn:
        assert conn.execute("SELECT count(*) FROM glossary_entries").fetchone() == (0,)


def test_the_rest_of_the_glossary_group_still_answers(project: Path) -> None:
    listing = _taiyaku("glossary", "--help", cwd=project.parent)
    assert listing.returncode == 0, listing.stderr
    for name in ("lookup", "add", "list", "harvest", "export"):
        assert f"  {name} " in listing.stdout
    shown = _taiyaku("glossary", "list", "--json", cwd=project.parent)
    assert shown.returncode == 0, shown.stderr
    assert {e["ja"] for e in json.loads(shown.stdout)} == {"安全保障協力", "海洋状況把握"}


def test_the_lookup_knows_every_migration() -> None:
    """The hot path's list of known migrations (plain data) is the real migration sets, no more, no less:
    a newer file is then refused on the fast path too."""
    from alignment.project import ALIGNMENT
    from tui.core.known_migrations import KNOWN
    from tui.core.project import migration_sets

    real = {(s.name, m.name) for s in (ALIGNMENT, *migration_sets()) for m in s._migrations}
    assert real == KNOWN
