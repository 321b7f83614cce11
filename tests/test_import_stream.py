"""Import streams (issue 12, item 5): parses are made, cached and dropped a chunk at a time, so memory grows with
the chunk and not the document; a failed or killed import leaves no pair, document or segment; a long import
says how far it is when stderr is not a terminal; a document too long to parse in reasonable time is refused.

GiNZA is replaced by a rule (a clause ends at 、) where a test is about the chunking, not the parse; the real
parse runs once, chunked and whole, and must store the same segments.
"""

from __future__ import annotations

import gc
import itertools
import sqlite3
import subprocess
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path

import pytest
from click.testing import CliRunner
from testdata import DEV_GOLD

from alignment import importer, parse, segment
from alignment.clause_ranges import ClauseSegments, sentence_cuts
from alignment.importer import Source, plan_import, run_import
from alignment.parse import Parse
from alignment.project import open_project

SENTENCES = [f"第{k}項について、両国は協力を強化し、情報を共有する。" for k in range(1, 26)]
DOCUMENT = "\n".join(SENTENCES) + "\n"


def rule_parse(text: str) -> Parse:
    """Clauses that end at 、 (tiling the text, as GiNZA's clause ranges do)."""
    cuts = [i + 1 for i, ch in enumerate(text) if ch == "、"]
    bounds = [0, *cuts, len(text)] if not cuts or cuts[-1] != len(text) else [0, *cuts]
    return Parse((), (), (), tuple(itertools.pairwise(bounds)))


def live_parses() -> int:
    return sum(1 for o in gc.get_objects() if isinstance(o, Parse))


class FakeGinza:
    """Stands in for the uncached GiNZA parse: records each call's size and the Parse objects alive at it."""

    def __init__(self, fail_at: int | None = None) -> None:
        self.calls: list[int] = []
        self.alive: list[int] = []
        self.fail_at = fail_at

    def __call__(self, texts: Sequence[str]) -> Iterator[tuple[str, Parse]]:
        self.calls.append(len(texts))
        self.alive.append(live_parses())
        if self.fail_at is not None and len(self.calls) == self.fail_at:
            raise RuntimeError(f"parser failed at call {self.fail_at}")
        for text in texts:
            yield text, rule_parse(text)


@pytest.fixture
def fake(monkeypatch: pytest.MonkeyPatch) -> FakeGinza:
    ginza = FakeGinza()
    monkeypatch.setattr(parse, "_parse_uncached", ginza)
    return ginza


def rows(db_path: Path, sql: str) -> list[tuple[object, ...]]:
    conn = sqlite3.connect(db_path)
    try:
        return conn.execute(sql).fetchall()
    finally:
        conn.close()


def counts(db_path: Path) -> dict[str, object]:
    return {
        t: rows(db_path, f"SELECT count(*) FROM {t}")[0][0]
        for t in ("pairs", "documents", "segments", "parses")
    }


def segment_rows(db_path: Path) -> list[tuple[object, ...]]:
    return rows(
        db_path,
        'SELECT d.lang, s.level, s.idx, s.start, s."end", s.text, p.idx FROM segments s'
        " JOIN documents d ON d.id = s.document_id LEFT JOIN segments p ON p.id = s.parent_id"
        " ORDER BY d.lang, s.level, s.idx",
    )


def import_document(db_path: Path, *, chunk: int, name: str = "p", replace: bool = False) -> None:
    db = open_project(db_path)
    try:
        plan = plan_import(db, Source("ja", DOCUMENT), name=name, segmented=True, replace=replace)
        run_import(db, plan, chunk=chunk)
    finally:
        db.close()


# --- memory grows with the chunk ------------------------------------------------------------------------------


def test_parses_come_a_chunk_at_a_time_and_are_dropped(fake: FakeGinza, tmp_path: Path) -> None:
    import_document(tmp_path / "p.db", chunk=4)
    assert fake.calls == [4, 4, 4, 4, 4, 4, 1]
    # when a chunk is parsed, the parses of the chunks before it are gone (held: only clause ranges)
    assert max(fake.alive) <= 4, fake.alive
    assert counts(tmp_path / "p.db") == {"pairs": 1, "documents": 1, "segments": 25 + 75, "parses": 25}


def test_chunked_import_stores_what_a_whole_import_stores(fake: FakeGinza, tmp_path: Path) -> None:
    import_document(tmp_path / "chunked.db", chunk=3)
    import_document(tmp_path / "whole.db", chunk=10_000)
    assert fake.calls == [3] * 8 + [1, 25]
    chunked = segment_rows(tmp_path / "chunked.db")
    assert chunked == segment_rows(tmp_path / "whole.db")
    clauses = [r for r in chunked if r[1] == "clause"]
    assert [r[5] for r in clauses[:2]] == ["第1項について、", "両国は協力を強化し、"]
    assert [r[6] for r in clauses[:4]] == [0, 0, 0, 1]  # each clause under its sentence


def test_clause_segments_are_those_segment_builds(fake: FakeGinza) -> None:
    text = DOCUMENT
    sentences = segment.to_segments(text, segment.sentences(text, "ja"))
    cuts = sentence_cuts(None, "ja", sentences, chunk=2)
    lazy = ClauseSegments(text, sentences, cuts)
    eager = segment.clause_segments(text, sentences, [rule_parse(s.text).clauses for s in sentences])
    assert list(lazy) == eager and len(lazy) == len(eager) == 75
    assert lazy[0] == eager[0] and lazy[-1] == eager[-1] and lazy[40] == eager[40]
    assert lazy[3:7] == eager[3:7]
    with pytest.raises(IndexError):
        lazy[75]


# --- a failure leaves nothing behind ----------------------------------------------------------------------------


def test_a_failure_mid_import_leaves_no_pair_and_a_rerun_resumes(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    db_path = tmp_path / "p.db"
    failing = FakeGinza(fail_at=3)
    monkeypatch.setattr(parse, "_parse_uncached", failing)
    with pytest.raises(RuntimeError, match="call 3"):
        import_document(db_path, chunk=4)
    # no pair, document or segment; the two chunks parsed before stay in the parse cache
    assert counts(db_path) == {"pairs": 0, "documents": 0, "segments": 0, "parses": 8}
    rerun = FakeGinza()
    monkeypatch.setattr(parse, "_parse_uncached", rerun)
    import_document(db_path, chunk=4)
    assert sum(rerun.calls) == 25 - 8  # nothing parsed twice
    assert counts(db_path) == {"pairs": 1, "documents": 1, "segments": 100, "parses": 25}


def test_a_failed_replace_keeps_the_pair_it_would_replace(
    fake: FakeGinza, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    db_path = tmp_path / "p.db"
    import_document(db_path, chunk=4)
    before = segment_rows(db_path)
    monkeypatch.setattr(parse, "_parse_uncached", FakeGinza(fail_at=1))
    db = open_project(db_path)
    try:
        changed = DOCUMENT.replace("協力", "連携")
        plan = plan_import(db, Source("ja", changed), name="p", segmented=True, replace=True)
        with pytest.raises(RuntimeError):
            run_import(db, plan, chunk=4)
    finally:
        db.close()
    assert segment_rows(db_path) == before


KILLER = """
import os, signal, sys
from alignment import clause_ranges, parse
from alignment.importer import Source, plan_import, run_import
from alignment.project import open_project
from alignment.parse import Parse

def rule(texts):
    for t in texts:
        yield t, Parse((), (), (), ((0, len(t)),))

parse._parse_uncached = rule
made = clause_ranges.ClauseSegments._make
def dying(self, s, i):
    if i == 30:  # the pair, its document and its sentences are written, clauses half way
        os.kill(os.getpid(), signal.SIGKILL)
    return made(self, s, i)
clause_ranges.ClauseSegments._make = dying
db = open_project(sys.argv[1])
text = "\\n".join(f"第{k}項、協力を強化する。" for k in range(60)) + "\\n"
run_import(db, plan_import(db, Source("ja", text), name="killed", segmented=True), chunk=7)
"""


def test_a_killed_import_leaves_no_pair(tmp_path: Path) -> None:
    db_path = tmp_path / "p.db"
    proc = subprocess.run([sys.executable, "-c", KILLER, str(db_path)], capture_output=True, text=True)
    assert proc.returncode == -9, proc.stderr
    assert rows(db_path, "PRAGMA integrity_check") == [("ok",)]
    assert counts(db_path) == {"pairs": 0, "documents": 0, "segments": 0, "parses": 60}


# --- progress when stderr is not a terminal, and the size limit ----------------------------------------------


def test_progress_lines_when_stderr_is_not_a_terminal(
    fake: FakeGinza, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from tui import common
    from tui.cli import cli

    monkeypatch.delenv("TAIYAKU_PROGRESS", raising=False)
    path = tmp_path / "long.txt"
    path.write_text(DOCUMENT, encoding="utf-8")
    quick = CliRunner().invoke(cli, ["import", "--segmented", str(path), "--name", "quick"])
    assert quick.exit_code == 0 and quick.output == "quick\n"  # a job done within the interval says nothing
    monkeypatch.setattr(common, "PROGRESS_LINE_SECONDS", 0.0)
    path.write_text(DOCUMENT.replace("協力", "連携"), encoding="utf-8")  # nothing from the parse cache
    result = CliRunner().invoke(cli, ["import", "--segmented", str(path), "--name", "slow"])
    assert result.exit_code == 0, result.output
    assert result.stdout == "slow\n"
    lines = result.stderr.splitlines()
    assert lines and all(line.startswith("Parsing sentences: ") and line.endswith("…") for line in lines)
    assert "Parsing sentences: 2 of 25 (8%), about " in result.stderr  # the first item starts the clock


def test_a_document_too_long_to_parse_is_refused_before_any_work(
    fake: FakeGinza, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from tui.cli import cli

    monkeypatch.setattr(importer, "MAX_JA_CHARS", len(DOCUMENT) - 1)
    path = tmp_path / "long.txt"
    path.write_text(DOCUMENT, encoding="utf-8")
    result = CliRunner().invoke(cli, ["import", str(path)])
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert len(lines) == 1 and "too large to import" in lines[0] and "split it" in lines[0], result.output
    assert fake.calls == [] and not (tmp_path / "taiyaku.db").exists()
    assert importer.MAX_JA_CHARS < len(DOCUMENT) < 2 * importer.MAX_JA_CHARS
    monkeypatch.undo()
    assert 1_000_000 <= importer.MAX_JA_CHARS <= 10_000_000


# --- the real parse --------------------------------------------------------------------------------------------


def test_real_ginza_chunked_and_whole_store_the_same_segments(tmp_path: Path) -> None:
    raw = (DEV_GOLD / "raw" / "jpin2008_secdecl_preamble.ja.txt").read_text(encoding="utf-8")
    stored = []
    for chunk in (2, 10_000):
        db_path = tmp_path / f"c{chunk}.db"
        db = open_project(db_path)
        try:
            summary = run_import(db, plan_import(db, Source("ja", raw), name="p"), chunk=chunk)
        finally:
            db.close()
        assert summary.documents[0].sentences >= 5
        stored.append(segment_rows(db_path))
    assert stored[0] == stored[1]
    assert len({r[6] for r in stored[0] if r[1] == "clause"}) == summary.documents[0].sentences
