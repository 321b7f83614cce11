"""Issue 12, item 14: no glossary text field is stored longer than MAX_FIELD, whatever way it arrives
(`glossary add`/`edit`, the app's store calls, every import, a merge), and `glossary show` stays quick on a
longer text already stored (an older project, a file another tool wrote)."""

from __future__ import annotations

import json
import sqlite3
import time
from pathlib import Path

import pytest

from glossary.validate import MAX_FIELD

HUGE = "word " * (MAX_FIELD // 5) + "x"  # one character more than MAX_FIELD, made of words rich wraps


def _one_error_line(output: str) -> str:
    lines = [line for line in output.splitlines() if line.strip()]
    assert len(lines) == 1, lines[:3]
    assert lines[0].startswith("Error: "), lines[0][:200]
    return lines[0]


def _notes(db: Path) -> list[int]:
    with sqlite3.connect(db) as conn:
        return [len(n or "") for (n,) in conn.execute("SELECT note FROM glossary_entries ORDER BY id")]


def test_add_refuses_a_note_over_the_limit(run, db_path: Path) -> None:
    assert len(HUGE) == MAX_FIELD + 1
    result = run("glossary", "add", "--ja", "防衛", "--en", "defence", "--note", HUGE)
    assert result.exit_code == 1
    line = _one_error_line(result.output)
    assert f"note is {MAX_FIELD + 1:,} characters long; the limit is {MAX_FIELD:,}" in line
    assert not db_path.exists() or _notes(db_path) == []


@pytest.mark.parametrize("field", ["note", "definition", "domain"])
def test_edit_refuses_a_field_over_the_limit_and_keeps_the_entry(run, db_path: Path, field: str) -> None:
    assert run("glossary", "add", "--ja", "防衛", "--en", "defence", "--note", "short").exit_code == 0
    value = HUGE if field != "domain" else "x" * (MAX_FIELD + 1)
    result = run("glossary", "edit", "1", f"--{field}", value)
    assert result.exit_code == 1
    assert f"{field} is {MAX_FIELD + 1:,} characters long" in _one_error_line(result.output)
    assert _notes(db_path) == [len("short")]
    # exactly at the limit is still stored
    assert run("glossary", "edit", "1", "--note", "n" * MAX_FIELD).exit_code == 0
    assert _notes(db_path) == [MAX_FIELD]


def test_a_source_excerpt_over_the_limit_is_refused_by_the_store(db_path: Path) -> None:
    from glossary import store
    from glossary.model import Entry, Source
    from glossary.project import open_glossary_project

    db = open_glossary_project(db_path)
    entry = store.add(db, Entry(ja="防衛", en="defence"), user="t")
    with pytest.raises(store.InvalidEntry, match="source excerpt is"):
        store.add_sources(db, entry.id or 0, [Source(pair="p", excerpt=HUGE)], user="t")
    assert store.get(db, entry.id or 0).sources == ()


def test_merge_refuses_an_other_glossarys_huge_note_naming_the_entry(
    run, tmp_path: Path, db_path: Path
) -> None:
    other = tmp_path / "other.db"
    assert run("glossary", "add", "--db", str(other), "--ja", "攻撃", "--en", "attack").exit_code == 0
    with sqlite3.connect(other) as conn:  # written by another tool, or an older taiyaku without the cap
        conn.execute("UPDATE glossary_entries SET note = ?", [HUGE])
    assert run("glossary", "add", "--ja", "防衛", "--en", "defence").exit_code == 0
    result = run("glossary", "merge", str(other))
    assert result.exit_code == 1
    line = _one_error_line(result.output)
    assert "攻撃 / attack" in line and "the limit is" in line
    assert _notes(db_path) == [0]  # nothing merged


def test_show_prints_the_start_of_a_huge_stored_note_quickly(run, db_path: Path) -> None:
    assert run("glossary", "add", "--ja", "防衛", "--en", "defence").exit_code == 0
    stored = "word " * 600_000  # 3 MB, stored past the cap by an older version
    with sqlite3.connect(db_path) as conn:
        conn.execute("UPDATE glossary_entries SET note = ?", [stored])
    started = time.monotonic()
    result = run("glossary", "show", "1")
    took = time.monotonic() - started
    assert result.exit_code == 0, result.output[-300:]
    assert len(result.output) < 40_000, len(result.output)
    text = " ".join(result.output.replace("│", " ").split())
    assert f"word … ({len(stored):,} characters in all; --json shows the whole text)" in text
    assert took < 10, took  # laying the whole note out took minutes at 10 MB
    whole = run("glossary", "show", "1", "--json")
    assert json.loads(whole.output)["note"] == stored


def test_a_csv_cell_past_what_the_reader_takes_names_the_limit(run, tmp_path: Path) -> None:
    csv = tmp_path / "old.csv"  # exported from a project older than the cap, with a 5 MB note
    csv.write_text(f"ja,en,note\n防衛,defence,{'x' * (5 * MAX_FIELD)}\n", encoding="utf-8")
    result = run("glossary", "import", str(csv))
    assert result.exit_code == 1
    assert (
        f"old.csv: line 2: a cell is longer than {4 * MAX_FIELD:,} characters; a glossary text may hold {MAX_FIELD:,}"
        in result.output
    )
