"""The application layer seen from the CLI: every change is undoable from anywhere, one bead numbering,
`--source` checked, and reading never writes. Real GiNZA and the real aligner, on a small pair."""

from __future__ import annotations

import hashlib
import json
import sqlite3
from pathlib import Path

import pytest

JA = """インド太平洋海洋状況把握パートナーシップ（ＩＰＭＤＡ）は重要である。
日本とインドは海洋安全保障で協力する。
両国はＩＰＭＤＡを推進する。
インド洋地域情報融合センター（ＩＦＣ－ＩＯＲ）との連携を強化する。
"""
EN = """The Indo-Pacific Partnership for Maritime Domain Awareness (IPMDA) is important.
Japan and India cooperate on maritime security.
The two countries promote IPMDA.
They strengthen cooperation with the Information Fusion Centre - Indian Ocean Region (IFC-IOR).
"""


@pytest.fixture
def pair(run, tmp_path: Path) -> str:
    ja, en = tmp_path / "ja.txt", tmp_path / "en.txt"
    ja.write_text(JA, encoding="utf-8")
    en.write_text(EN, encoding="utf-8")
    result = run("import", str(ja), str(en), "--name", "jp-in")
    assert result.exit_code == 0, result.output
    return "jp-in"


def _spans(run, pair: str) -> dict[int, str]:
    result = run("spans", "list", pair, "--json")
    return {s["id"]: s["status"] for s in json.loads(result.stdout)}


def test_undo_takes_back_a_cli_spans_accept(run, pair: str) -> None:
    assert run("suggest", pair, "-q").exit_code == 0
    before = _spans(run, pair)
    suggested = sorted(i for i, status in before.items() if status == "suggested")
    assert len(suggested) >= 2, before
    result = run("spans", "accept", str(suggested[0]), str(suggested[1]), "--user", "alice")
    assert result.exit_code == 0, result.output
    accepted = _spans(run, pair)
    assert accepted[suggested[0]] == accepted[suggested[1]] == "accepted"

    history = json.loads(run("history", "--json").stdout)
    assert history[0]["user"] == "alice" and history[0]["pair"] == pair
    assert history[0]["action"] == "accept" and "2 spans" in history[0]["summary"]

    result = run("undo", "--user", "bob")
    assert result.exit_code == 0 and "Undone" in result.stdout and "accept 2 spans" in result.stdout
    assert _spans(run, pair) == before  # both spans suggested again, nothing else touched

    assert "Redone" in run("redo").stdout
    assert _spans(run, pair) == accepted
    result = run("redo")
    assert result.exit_code == 1 and "nothing to redo" in result.output


def test_undo_glossary_changes_made_from_the_cli(run, pair: str) -> None:
    result = run("glossary", "add", "--ja", "海洋安全保障", "--en", "maritime security", "--json")
    entry = json.loads(result.stdout)["id"]
    assert run("glossary", "set-status", str(entry), "approved").exit_code == 0
    history = json.loads(run("history", "--json").stdout)
    assert "status proposed → approved" in history[0]["summary"] and history[0]["pair"] is None

    run("undo")
    assert json.loads(run("glossary", "show", str(entry), "--json").stdout)["status"] == "proposed"
    run("undo")
    assert "was removed" in run("glossary", "show", str(entry)).stdout  # the add is undone
    assert run("glossary", "lookup", "-q", "海洋安全保障").exit_code == 1
    run("redo")
    assert json.loads(run("glossary", "show", str(entry), "--json").stdout)["ja"] == "海洋安全保障"


def test_source_numbers_are_the_ones_people_see_and_are_checked(run, pair: str) -> None:
    run("align", pair, "-q")
    rows = json.loads(run("beads", pair, "--json").stdout)
    assert [r["bead"] for r in rows] == [r["bead_index"] + 1 for r in rows] == list(range(1, len(rows) + 1))
    table = run("beads", pair).stdout
    assert table.split("\n")[3].strip("│ ").startswith("1 ")  # the first row of the table is bead 1
    last = len(rows)
    result = run(
        "glossary", "add", "--ja", "協力", "--en", "cooperation", "--source", f"{pair}:bead:{last}", "--json"
    )
    assert result.exit_code == 0, result.output
    source = json.loads(result.stdout)["sources"][0]
    assert source["bead_index"] == last - 1 and source["excerpt"] == rows[-1]["ja"][0]

    for spec, message in [
        ("nosuchpair:bead:1", "no pair named 'nosuchpair'"),
        (f"{pair}:bead:{last + 1}", f"has {last} beads; there is no bead {last + 1}"),
        (f"{pair}:bead:0", "numbers start at 1"),
        (f"{pair}:ja:99", "there is no sentence 99"),
    ]:
        result = run("glossary", "add", "--ja", "日本", "--en", "Japan", "--source", spec)
        assert result.exit_code != 0 and message in result.output, (spec, result.output)
        assert "Traceback" not in result.output and len(result.output.strip().splitlines()) == 1


def _digest(path: Path) -> str:
    con = sqlite3.connect(path)
    try:
        con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        dump = "\n".join(con.iterdump())
    finally:
        con.close()
    return hashlib.sha256(dump.encode()).hexdigest()


def test_reading_a_pair_never_writes(run, tmp_path: Path, db_path: Path) -> None:
    ja = tmp_path / "only.ja.txt"
    ja.write_text(JA, encoding="utf-8")
    assert run("import", str(ja), "--name", "ja-only").exit_code == 0
    before = _digest(db_path)
    from tui.core.beads import load_pair
    from tui.core.project import Project

    with Project.open(db_path, user="reader", create=False) as project:
        state = load_pair(project.db, "ja-only")
    assert not state.stored and len(state.beads) == 4 and all(b.en == (0, 0) for b in state.beads)
    for args in (("pairs",), ("segments", "ja-only"), ("history",), ("spans", "list", "ja-only")):
        run(*args)
    assert _digest(db_path) == before


def test_align_from_the_cli_is_undoable(run, pair: str) -> None:
    assert run("align", pair, "-q").exit_code == 0
    aligned = json.loads(run("beads", pair, "--json").stdout)
    assert [r["type"] for r in aligned] == ["1-1"] * 4
    run("undo")
    result = run("beads", pair)
    assert result.exit_code != 0 and "no sentence beads yet" in result.output
    run("redo")
    assert json.loads(run("beads", pair, "--json").stdout) == aligned


def _types(run, pair: str) -> list[str]:
    return [r["type"] for r in json.loads(run("beads", pair, "--json").stdout)]


def test_bead_edits_and_realign_from_the_cli_with_the_real_aligner(run, pair: str) -> None:
    assert run("align", pair, "-q").exit_code == 0
    assert _types(run, pair) == ["1-1"] * 4
    assert run("bead", "merge", pair, "2").exit_code == 0
    assert _types(run, pair) == ["1-1", "2-2", "1-1"]
    merged = json.loads(run("beads", pair, "--json").stdout)[1]
    # the person's 2-2 is scored by the aligner, which would keep the two sentences apart: a low confidence
    assert merged["score"] is not None and merged["score"] < 0.5, merged
    assert run("bead", "unlink", pair, "2").exit_code == 0
    assert _types(run, pair) == ["1-1", "1-0", "1-0", "0-1", "0-1", "1-1"]
    assert all(r["score"] is not None for r in json.loads(run("beads", pair, "--json").stdout))
    run("bead", "confirm", pair, "1")
    # what R does in the app: the unconfirmed stretch around bead 3 is aligned again, bead 1 kept
    result = run("bead", "realign", pair, "3")
    assert result.exit_code == 0, result.output
    assert "realigned beads 2–6: now 3 beads" in result.stdout
    rows = json.loads(run("beads", pair, "--json").stdout)
    assert [(r["type"], r["status"]) for r in rows] == [("1-1", "confirmed")] + [("1-1", "auto")] * 3
    assert all(r["score"] is not None for r in rows[1:])

    run("undo")  # the realignment
    assert _types(run, pair) == ["1-1", "1-0", "1-0", "0-1", "0-1", "1-1"]
    summaries = [h["summary"] for h in json.loads(run("history", "--json").stdout)]
    assert summaries[:4] == [
        f"{pair}: realign beads 2–6 (5 → 3)",
        f"{pair}: confirm beads 1",
        f"{pair}: unlink bead 2",
        f"{pair}: merge bead 2 with 3",
    ]

    for args, message in [
        (("bead", "split", pair, "99"), f"{pair} has 6 beads; there is no bead 99"),
        (("bead", "split", pair, "2"), "bead 2 (1-0) has only one segment"),
        (
            ("bead", "merge", pair, "0"),
            "'0' is not a bead number (12) or a clause bead (12.3), counted from 1",
        ),
    ]:
        result = run(*args)
        assert result.exit_code != 0 and message in result.output, result.output
