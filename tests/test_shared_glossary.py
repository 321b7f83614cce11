"""One glossary, many projects: `taiyaku glossary use`, TAIYAKU_GLOSSARY and `lookup --glossary`.

Two analysts' projects use one glossary file; what one approves the other's lookup sees at once, and every
termbase path (edits, undo, anchors, QA, spans linked to entries, exports) works on that file.
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from alignment.model import Document
from alignment.project import write
from alignment.store import create_pair, get_pair, insert_document
from alignment.text import line_segments
from glossary import spans as gspans
from glossary import store
from glossary.model import Entry
from tui.core import terms, undo
from tui.core.project import Project, open_db


@pytest.fixture(autouse=True)
def _no_glossary_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("TAIYAKU_GLOSSARY", raising=False)


def taiyaku(*args: str, cwd: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """The real command in a fresh process (the lookup fast path reads files its own way)."""
    code = "import sys\nfrom tui.cli import cli\nsys.exit(cli())"
    base = {k: v for k, v in os.environ.items() if k not in ("TAIYAKU_DB", "TAIYAKU_GLOSSARY")}
    return subprocess.run(
        [sys.executable, "-c", code, *args],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=cwd,
        env={**base, **(env or {})},
    )


def rows(path: Path, sql: str) -> list[tuple[object, ...]]:
    conn = sqlite3.connect(path)
    try:
        return conn.execute(sql).fetchall()
    finally:
        conn.close()


def ids(proc: subprocess.CompletedProcess[str]) -> list[int]:
    assert proc.returncode in (0, 1), proc.stderr
    return [int(line) for line in proc.stdout.split()]


def test_approved_in_one_project_is_seen_by_the_others_lookup(tmp_path: Path) -> None:
    team, a, b = tmp_path / "team.db", tmp_path / "a.db", tmp_path / "b.db"
    for project in (a, b):
        proc = taiyaku("glossary", "use", str(team), "--db", str(project), cwd=tmp_path)
        assert proc.returncode == 0, proc.stderr
        assert f"uses the glossary in {team}" in proc.stdout
    add = taiyaku(
        "glossary", "add", "--ja", "海洋状況把握", "--en", "maritime domain awareness",
        "--acronym", "MDA", "--db", str(a), "--user", "alice", cwd=tmp_path,
    )  # fmt: skip
    assert add.returncode == 0, add.stderr
    # B does not see a proposed entry as approved; once A approves it, B's very next lookup does
    assert (
        ids(
            taiyaku(
                "glossary", "lookup", "ｍｄａ", "-q", "--status", "approved", "--db", str(b), cwd=tmp_path
            )
        )
        == []
    )
    assert (
        taiyaku(
            "glossary", "set-status", "1", "approved", "--db", str(a), "--user", "alice", cwd=tmp_path
        ).returncode
        == 0
    )
    assert ids(
        taiyaku("glossary", "lookup", "ｍｄａ", "-q", "--status", "approved", "--db", str(b), cwd=tmp_path)
    ) == [1]
    # the entry lives in the shared file, not in either project file
    assert rows(team, "SELECT ja, status, updated_by FROM glossary_entries") == [
        ("海洋状況把握", "approved", "alice")
    ]
    assert rows(a, "SELECT count(*) FROM glossary_entries") == [(0,)]
    assert rows(b, "SELECT count(*) FROM glossary_entries") == [(0,)]
    # --glossary needs no project: run where there is none
    elsewhere = tmp_path / "nowhere"
    elsewhere.mkdir()
    found = taiyaku("glossary", "lookup", "--glossary", str(team), "mda", "--json", cwd=elsewhere)
    assert found.returncode == 0, found.stderr
    assert [(e["id"], e["status"]) for e in json.loads(found.stdout)] == [(1, "approved")]
    assert not (elsewhere / "taiyaku.db").exists()
    missing = taiyaku("glossary", "lookup", "--glossary", str(tmp_path / "none.db"), "mda", cwd=elsewhere)
    assert missing.returncode != 0 and "no glossary file at" in missing.stderr
    assert "Traceback" not in missing.stderr


def test_use_reports_switches_back_and_env_overrides(tmp_path: Path) -> None:
    team, other, a = tmp_path / "team.db", tmp_path / "other.db", tmp_path / "a.db"
    assert (
        taiyaku("glossary", "add", "--ja", "自前", "--en", "own", "--db", str(a), cwd=tmp_path).returncode
        == 0
    )
    used = taiyaku("glossary", "use", str(team), "--db", str(a), cwd=tmp_path)
    assert "1 entry of the project's own glossary stay" in used.stdout  # told, not silently hidden
    state = json.loads(taiyaku("glossary", "use", "--json", "--db", str(a), cwd=tmp_path).stdout)
    assert state == {
        "glossary": str(team),
        "source": "recorded",
        "recorded": str(team),
        "entries": 0,
        "own_entries": 1,
    }
    assert ids(taiyaku("glossary", "lookup", "自前", "-q", "--db", str(a), cwd=tmp_path)) == []
    # TAIYAKU_GLOSSARY beats what the project records, for lookups and for writes
    env = {"TAIYAKU_GLOSSARY": str(other)}
    assert (
        taiyaku(
            "glossary", "add", "--ja", "他所", "--en", "elsewhere", "--db", str(a), cwd=tmp_path, env=env
        ).returncode
        == 0
    )
    assert rows(other, "SELECT ja FROM glossary_entries") == [("他所",)]
    assert rows(team, "SELECT count(*) FROM glossary_entries") == [(0,)]
    state = json.loads(taiyaku("glossary", "use", "--json", "--db", str(a), cwd=tmp_path, env=env).stdout)
    assert (state["glossary"], state["source"], state["recorded"]) == (
        str(other),
        "TAIYAKU_GLOSSARY",
        str(team),
    )
    assert ids(taiyaku("glossary", "lookup", "他所", "-q", cwd=tmp_path, env=env)) == [1]
    # --local: the project's own glossary again
    back = taiyaku("glossary", "use", "--local", "--db", str(a), cwd=tmp_path)
    assert back.returncode == 0 and "a.db uses its own glossary (1 entry)" in back.stdout
    assert ids(taiyaku("glossary", "lookup", "自前", "-q", "--db", str(a), cwd=tmp_path)) == [1]
    assert taiyaku("glossary", "use", "x.db", "--local", "--db", str(a), cwd=tmp_path).returncode == 2


def test_a_missing_shared_file_is_one_line_and_use_local_still_works(tmp_path: Path) -> None:
    team, a = tmp_path / "team.db", tmp_path / "a.db"
    assert taiyaku("glossary", "use", str(team), "--db", str(a), cwd=tmp_path).returncode == 0
    team.unlink()
    for path in tmp_path.glob("team.db-*"):
        path.unlink()
    proc = taiyaku("glossary", "list", "--db", str(a), cwd=tmp_path)
    assert proc.returncode != 0
    assert (
        proc.stderr.strip().count("\n") == 0 and "glossary file" in proc.stderr and "missing" in proc.stderr
    )
    assert not team.exists()  # never re-created empty behind the team's back
    assert taiyaku("glossary", "use", "--local", "--db", str(a), cwd=tmp_path).returncode == 0
    assert taiyaku("glossary", "list", "--db", str(a), cwd=tmp_path).returncode == 0


def _pair(db_path: Path, text_ja: str, text_en: str) -> None:
    db = open_db(db_path)
    with write(db):
        pair_id = create_pair(db, "p")
        for lang, text in (("ja", text_ja), ("en", text_en)):
            doc = Document(
                id=None, pair_id=None, lang=lang, raw_text=text, text=text, offset_runs=((0, 0, len(text)),)
            )
            insert_document(db, pair_id, doc, line_segments(text))
    db.close()


def test_edits_undo_anchors_and_span_links_work_on_the_shared_file(tmp_path: Path) -> None:
    from glossary.shared import record

    team, a = tmp_path / "team.db", tmp_path / "a.db"
    _pair(a, "海洋状況把握を進める。\n", "We advance maritime domain awareness.\n")
    db = open_db(a, shared=False)
    record(db, team, user="t")
    db.close()
    from glossary.shared import open_file

    open_file(team).close()
    with Project.open(a, user="alice") as project:
        assert project.glossary is not project.db
        pair = get_pair(project.db, "p")
        span = gspans.add_span(project.db, pair, "ja", 0, 6, "ORG", user="t", status="suggested")
        entry = terms.add_entry(
            project, Entry(ja="海洋状況把握", en="maritime domain awareness"), pair=pair, link_span=span.id
        )
        terms.set_entry_status(project, entry.id or 0, "approved")
        # the aligner's anchors and QA read the shared file through the project connection
        assert ("海洋状況把握", "maritime domain awareness") in store.anchor_pairs(project.db)
        assert gspans.get_span(project.db, span.id).entry_id == entry.id  # a link across files
        # undo goes to the glossary file's own change log
        assert undo.undo(project) is not None
        assert store.get(project.db, entry.id or 0).status == "proposed"
        terms.remove_entry(project, entry.id or 0)
        assert gspans.get_span(project.db, span.id).entry_id is None  # unlinked by hand, no foreign key
        undone = undo.undo(project)
        assert undone is not None and undone.action == "remove-entry"
        assert gspans.get_span(project.db, span.id).entry_id == entry.id
    assert rows(team, "SELECT action FROM glossary_history ORDER BY id") == [
        ("add",),
        ("status",),
        ("edit",),
        ("remove",),
        ("import",),
    ]
    assert rows(a, "SELECT count(*) FROM glossary_history") == [(0,)]


def test_an_older_project_keeps_its_span_links_when_the_foreign_key_goes(tmp_path: Path) -> None:
    """spans.entry_id loses its foreign key (an entry may live in another file): the table is rebuilt,
    with every row, id and link kept, and the browsing view over it comes back."""
    from sqlite_utils import Database

    from alignment.project import ALIGNMENT
    from glossary.schema import GLOSSARY
    from glossary.span_schema import SPANS
    from glossary.views import VIEWS

    path = tmp_path / "old.db"
    old = Database(path)
    ALIGNMENT.apply(old)
    GLOSSARY.apply(old, stop_before="m003_location")
    SPANS.apply(old, stop_before="m002_entry_link_without_foreign_key")
    VIEWS.apply(old)
    with write(old):
        pair_id = create_pair(old, "p")
        for lang, text in (("ja", "海洋状況把握を進める。\n"), ("en", "We advance MDA.\n")):
            doc = Document(
                id=None, pair_id=None, lang=lang, raw_text=text, text=text, offset_runs=((0, 0, len(text)),)
            )
            insert_document(old, pair_id, doc, line_segments(text))
    # rows as that schema holds them (today's store writes tables the old file does not have yet)
    ts = "2026-01-01T00:00:00+00:00"
    entry_id = old.execute(
        "INSERT INTO glossary_entries (ja, en, created, created_by, updated, updated_by) VALUES (?, ?, ?, 't', ?, 't')",
        ["海洋状況把握", "maritime domain awareness", ts, ts],
    ).lastrowid
    span = gspans.add_span(old, get_pair(old, "p"), "ja", 0, 6, "ORG", user="t", entry_id=entry_id)
    with pytest.raises(sqlite3.IntegrityError):  # the old schema: a link to no entry is refused
        old.execute("PRAGMA foreign_keys = ON")
        old.execute("UPDATE spans SET entry_id = 999 WHERE id = ?", [span.id])
    old.close()

    db = open_db(path)
    assert ("spans", "m002_entry_link_without_foreign_key") in {
        (r[0], r[1]) for r in db.execute("SELECT migration_set, name FROM _sqlite_migrations")
    }
    assert gspans.get_span(db, span.id).entry_id == entry_id
    assert list(db.query("SELECT text, entry_ja FROM spans_with_text")) == [
        {"text": "海洋状況把握", "entry_ja": "海洋状況把握"}
    ]
    assert db.execute("PRAGMA foreign_key_list(spans)").fetchall() != []  # pairs and documents still
    assert all(r[2] != "glossary_entries" for r in db.execute("PRAGMA foreign_key_list(spans)"))
    db.execute("UPDATE spans SET entry_id = 999 WHERE id = ?", [span.id])  # an entry in another file
    assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    db.close()


def test_lookup_in_a_shared_glossary_stays_on_the_light_path(tmp_path: Path) -> None:
    """Through the project's record and through --glossary, lookup loads no heavy library and no opener."""
    from test_lookup_cli import NOT_ON_THE_LOOKUP_PATH

    team, a = tmp_path / "team.db", tmp_path / "a.db"
    assert taiyaku("glossary", "use", str(team), "--db", str(a), cwd=tmp_path).returncode == 0
    assert (
        taiyaku(
            "glossary", "add", "--ja", "協力", "--en", "cooperation", "--db", str(a), cwd=tmp_path
        ).returncode
        == 0
    )
    code = (
        "import sys, json\n"
        "from tui.cli import cli\n"
        f"for args in (['glossary', 'lookup', '協力', '-q', '--db', {str(a)!r}],\n"
        f"             ['glossary', 'lookup', '協力', '-q', '--glossary', {str(team)!r}]):\n"
        "    try:\n"
        "        cli(args)\n"
        "    except SystemExit as exc:\n"
        "        assert not exc.code, exc.code\n"
        "print(json.dumps(sorted(sys.modules)), file=sys.stderr)\n"
    )
    env = {k: v for k, v in os.environ.items() if k not in ("TAIYAKU_DB", "TAIYAKU_GLOSSARY")}
    proc = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, cwd=tmp_path, env=env
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.split() == ["1", "1"]
    loaded = set(json.loads(proc.stderr.strip().splitlines()[-1]))
    assert not [
        m for m in NOT_ON_THE_LOOKUP_PATH if m in loaded or any(x.startswith(m + ".") for x in loaded)
    ]
