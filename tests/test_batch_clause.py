"""`align --all --level clause` as a batch: clauses aligned on workers inside each pair's sentence beads (a pair
with none is aligned at sentence level first, by the same worker), stored as the single-pair command stores
them: one action per level aligned, in the same order, row for row."""

from __future__ import annotations

import json
import sqlite3
from collections import Counter
from pathlib import Path

import pytest
from batchdump import dump
from test_batch import SMALL, small_archive

from tui.core.project import open_db

ALIGNED_FIRST = SMALL[0]
"""The pair aligned at sentence level before the batch: its sentence beads cut its clauses as they are."""


def copy_db(src: Path, dst: Path) -> Path:
    """A copy of a project file as it stands (the WAL included)."""
    a, b = sqlite3.connect(src), sqlite3.connect(dst)
    try:
        a.backup(b)
    finally:
        a.close()
        b.close()
    return dst


def summaries(db: Path) -> list[str]:
    return [row[4] for row in dump(db)["history"]]


def ok(result) -> str:  # type: ignore[no-untyped-def]
    assert result.exit_code == 0, result.output
    return str(result.stdout)


# --- small pairs, no encoder ------------------------------------------------------------------------------

JA = [
    "日本国とインドの両政府は、安全保障協力を強化し、共同訓練を実施する。",
    "両国は２０２５年に対話を行う。",
]
EN = [
    "The Governments of Japan and India will strengthen security cooperation, and conduct joint exercises.",
    "The two countries will hold a dialogue in 2025.",
]


def two_pairs(path: Path) -> None:
    from test_align import add_pair

    db = open_db(path)
    add_pair(db, "p1", JA, EN, clauses={"ja": {0: [12, 23]}, "en": {0: [39, 78]}})
    add_pair(db, "p2", JA[:1], EN[:1], clauses={"ja": {0: [12]}, "en": {0: [39]}})
    db.close()


def test_clause_batch_stores_what_the_single_command_stores_and_continues(run, tmp_path: Path) -> None:
    batch, single = tmp_path / "batch.db", tmp_path / "single.db"
    for db in (batch, single):
        two_pairs(db)
        ok(run("align", "p1", "--no-embeddings", "--db", str(db)))  # p1 has sentence beads, p2 none
    args = ("align", "--all", "--level", "clause", "--no-embeddings", "--json")
    report = json.loads(ok(run(*args, "--workers", "1", "--db", str(batch))))
    for name in ("p1", "p2"):
        ok(run("align", name, "--level", "clause", "--no-embeddings", "--db", str(single)))

    assert [(s["pair"], s["level"], s["beads"]) for s in report] == [("p1", "clause", 4), ("p2", "clause", 2)]
    assert dump(batch) == dump(single)
    # p2 had no sentence beads: aligned at sentence level first, then its clauses, as two undoable actions
    assert summaries(batch)[1:] == [
        "p1: align (clause level)",
        "p2: align (sentence level)",
        "p2: align (clause level)",
    ]

    # A re-run with --skip-done has nothing left to do; without it, every pair again around confirmed beads.
    assert json.loads(ok(run(*args, "--skip-done", "--db", str(batch)))) == []
    ok(run("bead", "confirm", "p1", "1.2", "--db", str(batch)))
    confirmed = [b for b in dump(batch)["beads"] if b[2] == "clause" and b[9] == "confirmed"]
    again = json.loads(ok(run(*args, "--workers", "1", "--db", str(batch))))
    assert [(s["pair"], s["confirmed_kept"]) for s in again] == [("p1", 1), ("p2", 0)]
    assert len(confirmed) == 1
    assert [b for b in dump(batch)["beads"] if b[2] == "clause" and b[9] == "confirmed"] == confirmed

    # A pair added later is the only one a --skip-done run aligns; one it cannot align is named, exit 1.
    add_more(batch)
    last = run(*args, "--skip-done", "--db", str(batch))
    assert last.exit_code == 1
    assert [s["pair"] for s in json.loads(last.stdout)] == ["p3"]
    assert "failed: p4: pair 'p4' has no clause segments on both sides (re-import it)" in last.stderr


def test_workers_and_scheduler_go_with_all_at_either_level(run) -> None:
    result = run("align", "x", "--level", "clause", "--workers", "2")
    assert result.exit_code == 2 and "--workers and --scheduler go with --all" in result.output


def add_more(path: Path) -> None:
    """p3, with clauses; p4, whose documents have sentences only (as an import of before clauses left it)."""
    from test_align import add_pair

    from alignment import store
    from alignment.model import Document
    from alignment.project import write
    from alignment.text import line_segments

    db = open_db(path)
    add_pair(db, "p3", JA[1:], EN[1:], clauses={"ja": {0: [4]}})
    with write(db):
        pair_id = store.create_pair(db, "p4")
        for lang, text in (("ja", JA[1] + "\n"), ("en", EN[1] + "\n")):
            doc = Document(None, None, lang, text, text, ((0, 0, len(text)),))  # type: ignore[arg-type]
            store.insert_document(db, pair_id, doc, line_segments(text))
    db.close()


# --- real documents, the encoder, two worker processes ----------------------------------------------------


@pytest.mark.slow
def test_clause_level_on_workers_writes_what_serial_and_single_commands_write(run, tmp_path: Path) -> None:
    folder = small_archive(tmp_path)
    base = tmp_path / "base.db"
    ok(run("import", str(folder), "--db", str(base), "--workers", "1"))
    ok(run("align", ALIGNED_FIRST, "--db", str(base)))
    base_vectors = dump(base)["embeddings"]
    serial, parallel, single = (copy_db(base, tmp_path / f"{n}.db") for n in ("serial", "parallel", "single"))

    ok(run("align", "--all", "--level", "clause", "--db", str(serial), "--workers", "1"))
    ok(run("align", "--all", "--level", "clause", "--db", str(parallel), "--workers", "2"))
    for name in SMALL:
        ok(run("align", name, "--level", "clause", "--db", str(single)))

    expected = dump(serial)
    counts = Counter((b[1], b[2]) for b in expected["beads"])  # (pair id, level)
    assert {pair for pair, level in counts if level == "clause"} == {1, 2, 3}  # every pair has clause beads
    clause_beads = sum(n for (_, level), n in counts.items() if level == "clause")
    assert clause_beads > sum(n for (_, level), n in counts.items() if level == "sentence") > 30
    assert len(expected["embeddings"]) > len(base_vectors)  # the clause texts were embedded, and cached
    assert summaries(serial) == [
        f"{ALIGNED_FIRST}: align (sentence level)",
        f"{ALIGNED_FIRST}: align (clause level)",
        *(f"{n}: align ({lv} level)" for n in SMALL[1:] for lv in ("sentence", "clause")),
    ]
    assert dump(parallel) == expected
    assert dump(single) == expected
