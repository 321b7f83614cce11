"""Issue 12, items 15 and 20: deep JSON is a one-line error, files whose names hold bytes that are not UTF-8
import (their names shown as `\\xff`), and standard input needs --name to name a pair."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

JA = "防衛省は日本の行政機関である。\n日本とインドは協力する。\n"
EN = "The Ministry of Defense is a Japanese agency.\nJapan and India cooperate.\n"
TMX = (
    '<?xml version="1.0" encoding="UTF-8"?>\n<tmx version="1.4"><header srclang="ja"/><body>'
    '<tu><tuv xml:lang="ja"><seg>日本とインドは協力する。</seg></tuv>'
    '<tuv xml:lang="en"><seg>Japan and India cooperate.</seg></tuv></tu></body></tmx>\n'
)


def _taiyaku(*args: str | bytes, cwd: Path, stdin: bytes | None = None) -> subprocess.CompletedProcess[str]:
    """A real process, so a file name reaches the program as bytes in argv, as from a shell."""
    env = {**os.environ, "TAIYAKU_DB": str(cwd / "taiyaku.db")}
    proc = subprocess.run(
        [sys.executable, "-m", "taiyaku", *args],
        cwd=cwd,
        env=env,
        input=stdin,
        capture_output=True,
        timeout=300,
    )
    out, err = (proc.stdout.decode("utf-8", "replace"), proc.stderr.decode("utf-8", "replace"))
    return subprocess.CompletedProcess(proc.args, proc.returncode, out, err)


def _one_error_line(text: str) -> str:
    lines = [line for line in text.splitlines() if line.strip() and not line.rstrip().endswith("…")]
    assert len(lines) == 1 and lines[0].startswith("Error: "), text[-500:]
    assert "Traceback" not in text
    return lines[0]


def _write(folder: Path, name: bytes, text: str) -> bytes:
    path = os.fsencode(folder) + b"/" + name
    with open(path, "w", encoding="utf-8") as fh:
        fh.write(text)
    return name


def _rows(db: Path, sql: str) -> list[tuple[object, ...]]:
    with sqlite3.connect(db) as conn:
        return conn.execute(sql).fetchall()


# --- deep JSON -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "line", ["[" * 100_000 + "]" * 100_000, '{"ja": ' + "[" * 5000 + "]" * 5000 + ', "en": []}']
)
def test_deeply_nested_gold_is_a_one_line_error(run, tmp_path: Path, line: str) -> None:
    gold = tmp_path / "deep.gold.jsonl"
    gold.write_text(line + "\n", encoding="utf-8")
    result = run("eval", str(gold), "--no-embeddings")
    assert result.exit_code == 1
    assert _one_error_line(result.output).endswith(
        "deep.gold.jsonl:1: not a gold bead (its JSON is nested too deeply)"
    )


def test_deeply_nested_sources_in_a_glossary_csv_is_a_bad_row(run, tmp_path: Path, db_path: Path) -> None:
    csv = tmp_path / "terms.csv"
    csv.write_text('ja,en,sources\n防衛,defence,"' + "[" * 100_000 + "]" * 100_000 + '"\n', encoding="utf-8")
    result = run("glossary", "import", str(csv))
    assert result.exit_code == 1
    assert "terms.csv: line 2: sources is JSON nested too deeply" in result.output
    assert "RecursionError" not in result.output


# --- file names that are not UTF-8 ------------------------------------------------------------------------


def test_documents_with_names_that_are_not_utf8_import(tmp_path: Path) -> None:
    ja = _write(tmp_path, b"doc\xff_ja.txt", JA)
    en = _write(tmp_path, b"doc\xff_en.txt", EN)
    result = _taiyaku("import", ja, en, "--segmented", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "doc\\xff_ja"
    db = tmp_path / "taiyaku.db"
    assert _rows(db, "SELECT name FROM pairs") == [("doc\\xff_ja",)]
    assert sorted(_rows(db, "SELECT source_path FROM documents")) == [
        ("doc\\xff_en.txt",),
        ("doc\\xff_ja.txt",),
    ]
    # the name as shown is the name to use
    shown = _taiyaku("segments", "doc\\xff_ja", cwd=tmp_path)
    assert shown.returncode == 0 and "インド" in shown.stdout, shown.stderr


def test_a_folder_entry_tmx_and_glossary_with_such_names_import(tmp_path: Path) -> None:
    folder = os.fsencode(tmp_path) + b"/in\xfd"
    os.mkdir(folder)
    _write(Path(os.fsdecode(folder)), b"a\xfc.ja.txt", JA)
    assert _taiyaku("import", folder, "--segmented", cwd=tmp_path).returncode == 0
    tmx = _write(tmp_path, b"mem\xfa.tmx", TMX)
    result = _taiyaku("import-tmx", tmx, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    csv = _write(tmp_path, b"g\xf0.csv", "ja,en\n防衛,defence\n")
    result = _taiyaku("glossary", "import", csv, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "Imported g\\xf0.csv: 1 added" in result.stdout + result.stderr
    db = tmp_path / "taiyaku.db"
    assert sorted(_rows(db, "SELECT name FROM pairs")) == [("a\\xfc",), ("mem\\xfa",)]
    assert _rows(db, "SELECT count(*) FROM glossary_entries") == [(1,)]


def test_missing_file_with_such_a_name_says_so_readably(tmp_path: Path) -> None:
    result = _taiyaku("import", b"nope\xff.txt", cwd=tmp_path)
    assert _one_error_line(result.stderr) == "Error: no such file: nope\\xff.txt"


def test_gold_file_name_is_shown_readably(tmp_path: Path) -> None:
    from alignment.evaluate import read_gold

    name = _write(tmp_path, b"gold\xfb.jsonl", '{"ja": ["日本。"], "en": ["Japan."]}\n')
    assert read_gold(os.fsdecode(os.fsencode(tmp_path) + b"/" + name)).name == "gold\\xfb"


# --- standard input needs a name --------------------------------------------------------------------------


@pytest.mark.parametrize("command", ["import", "import-tmx"])
def test_standard_input_without_name_is_a_usage_error(tmp_path: Path, command: str) -> None:
    data = (JA if command == "import" else TMX).encode()
    result = _taiyaku(command, "-", cwd=tmp_path, stdin=data)
    assert result.returncode == 2
    assert "reading standard input (-) needs --name NAME for the pair" in _one_error_line(result.stderr)
    assert not (tmp_path / "taiyaku.db").exists()
    named = _taiyaku(command, "-", "--name", "from-stdin", cwd=tmp_path, stdin=data)
    assert named.returncode == 0, named.stderr
    assert _rows(tmp_path / "taiyaku.db", "SELECT name FROM pairs") == [("from-stdin",)]


def test_other_projects_with_such_names_merge_and_adjudicate(tmp_path: Path) -> None:
    """Read-only opens (a URI) and names kept in the history or the queue's sources take them too."""
    other = b"other\xf3.db"
    tmx = _write(tmp_path, b"m.tmx", TMX)
    for db in (other, b"mine.db"):
        assert _taiyaku("--db", db, "import-tmx", tmx, "--name", "c", "-q", cwd=tmp_path).returncode == 0
    added = _taiyaku("--db", other, "glossary", "add", "--ja", "攻撃", "--en", "attack", cwd=tmp_path)
    assert added.returncode == 0, added.stderr
    merged = _taiyaku("--db", "mine.db", "glossary", "merge", other, cwd=tmp_path)
    assert merged.returncode == 0, merged.stderr
    assert "merge other\\xf3.db (+1" in _taiyaku("--db", "mine.db", "history", cwd=tmp_path).stdout
    agree = _taiyaku("agree", other, "mine.db", cwd=tmp_path)
    assert agree.returncode == 0 and "Pairs compared: c" in agree.stdout, agree.stderr
    for _ in range(2):  # the second run checks the stored sources against the same two files
        queue = _taiyaku("adjudicate", other, "mine.db", "-o", b"merged\xf4.db", "--no-tui", cwd=tmp_path)
        assert queue.returncode == 0, queue.stderr
    sources = _rows(
        Path(os.fsdecode(os.fsencode(tmp_path) + b"/merged\xf4.db")), "SELECT a_path FROM review_sources"
    )
    assert sources == [(f"{tmp_path.resolve()}/other\\xf3.db",)]
