"""Exports: JSONL keys exactly, TSV escaping, TMX well-formed and read back bead for bead by translate-toolkit."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from defusedxml import ElementTree
from translate.storage.tmx import tmxfile

from alignment import bead_store, export, store
from alignment.model import Bead, Document, Segment
from alignment.project import ProjectError, open_project, write

JSONL_KEYS = ["pair", "ja", "en", "ja_index", "en_index", "type", "status", "score"]

JA = [
    "日本国と＜インド＞の「両政府」は、",
    "Ｒ＆Ｄ：ＩＰＭＤＡ、㈱ｶﾀｶﾅ。",
    "二つ目\tの文。",
    "落とされた文。",
    "絵文字🙂と制御\x01文字。",
]
EN = [
    'The Governments of Japan & <India> "both"',
    "R&D: IPMDA, Katakana Co.",
    "a second\nline \\ here",
    "added sentence",
    "emoji 🙂 and a control\x01 character",
]
BEADS = [
    Bead(ja=(0, 1), en=(0, 1), score=0.71, status="confirmed", updated_by="a", updated_at="t"),
    Bead(ja=(1, 3), en=(1, 2), score=0.42),
    Bead(ja=(3, 4), en=(2, 2), score=-0.1),
    Bead(ja=(4, 4), en=(2, 4), score=None),
    Bead(ja=(4, 5), en=(4, 5), score=0.6, status="confirmed", updated_by="a", updated_at="t"),
]


def _document(lang: str, texts: list[str]) -> tuple[Document, list[Segment]]:
    # Segments are stored with their text as is (tabs, newlines, control characters included).
    text = "\n".join(texts)
    segments, pos = [], 0
    for k, t in enumerate(texts):
        segments.append(Segment(k, pos, pos + len(t), t))
        pos += len(t) + 1
    return Document(None, None, lang, text, text, ((0, 0, len(text)),), segmented=True), segments  # type: ignore[arg-type]


@pytest.fixture
def db(db_path: Path):
    project = open_project(db_path)
    with write(project):
        pair_id = store.create_pair(project, "p")
        for lang, texts in (("ja", JA), ("en", EN)):
            doc, segments = _document(lang, texts)
            store.insert_document(project, pair_id, doc, segments)
    bead_store.save_beads(project, pair_id, BEADS)
    yield project
    project.close()


def records(db, **kw) -> list[export.BeadRecord]:
    return list(export.bead_records(db, [store.get_pair(db, "p")], **kw))


def test_jsonl_has_exactly_the_specified_keys(db) -> None:
    out = io.StringIO()
    assert export.write_jsonl(records(db), out) == 5
    rows = [json.loads(line) for line in out.getvalue().splitlines()]
    assert [list(r) for r in rows] == [JSONL_KEYS] * 5
    assert rows[1] == {
        "pair": "p",
        "ja": JA[1:3],
        "en": EN[1:2],
        "ja_index": [1, 2],
        "en_index": [1],
        "type": "2-1",
        "status": "auto",
        "score": 0.42,
    }
    assert rows[2]["en"] == [] and rows[2]["type"] == "1-0"
    assert rows[3]["ja_index"] == [] and rows[3]["en_index"] == [2, 3] and rows[3]["score"] is None
    assert rows[0]["status"] == "confirmed"
    assert (
        "日本国と＜インド＞" in out.getvalue()
    )  # UTF-8, not ASCII escapes (controls are escaped, as JSON must)


def test_tsv_joins_sides_and_escapes_tabs_newlines_backslashes(db) -> None:
    out = io.StringIO()
    export.write_tsv(records(db), out)
    lines = out.getvalue().split("\n")
    assert lines[-1] == "" and len(lines) == 6
    rows = [line.split("\t") for line in lines[:-1]]
    assert all(len(r) == 2 for r in rows)
    assert rows[1] == [JA[1] + " " + "二つ目\\tの文。", EN[1]]
    assert rows[3] == ["", "a second\\nline \\\\ here added sentence"]
    assert rows[2] == [JA[3], ""]


def _read_tmx(data: bytes):
    return tmxfile(io.BytesIO(data))


def test_tmx_is_well_formed_and_reads_back_bead_for_bead(db, tmp_path: Path) -> None:
    target = tmp_path / "out.tmx"
    count = export.export(records(db), "tmx", target)
    data = target.read_bytes()
    assert count == 3  # beads with text on both sides
    data.decode("utf-8")
    root = ElementTree.fromstring(data)
    assert root.tag == "tmx" and root.get("version") == "1.4"
    header = root.find("header")
    assert header is not None and header.get("srclang") == "ja" and header.get("segtype") == "sentence"
    tus = root.findall("body/tu")
    assert len(tus) == 3
    xml_lang = "{http://www.w3.org/XML/1998/namespace}lang"
    assert [t.get(xml_lang) for t in tus[0].findall("tuv")] == ["ja", "en"]
    props = {p.get("type"): p.text for p in tus[1].findall("prop")}
    assert props == {
        "x-pair": "p",
        "x-type": "2-1",
        "x-status": "auto",
        "x-score": "0.42",
        "x-ja-index": "1 2",
        "x-en-index": "1",
    }
    units = _read_tmx(data).units
    both = [r for r in records(db) if r.ja and r.en]
    assert len(units) == len(both)
    for unit, rec in zip(units, both, strict=True):
        assert unit.source == export.xml_text("".join(rec.ja))
        assert unit.target == export.xml_text(" ".join(rec.en))
        assert unit.getid() == f"p:{rec.index}"
    assert units[0].source == "日本国と＜インド＞の「両政府」は、"
    assert units[0].target == 'The Governments of Japan & <India> "both"'
    assert units[2].target == "emoji 🙂 and a control\ufffd character"  # not representable in XML 1.0
    assert b"&amp;" in data and b"&lt;India&gt;" in data


def test_confirmed_only_on_every_format(db) -> None:
    for fmt in export.FORMATS:
        out = io.StringIO()
        n = export.WRITERS[fmt](records(db, confirmed_only=True), out)
        assert n == 2, fmt
    assert [r.index for r in records(db, confirmed_only=True)] == [0, 4]


def test_file_writes_are_atomic(db, tmp_path: Path) -> None:
    target = tmp_path / "out.jsonl"
    target.write_text("previous\n")

    def failing():
        yield from records(db)[:2]
        raise RuntimeError("disk on fire")

    with pytest.raises(RuntimeError):
        export.export(failing(), "jsonl", target)
    assert target.read_text() == "previous\n"
    assert sorted(p.name for p in tmp_path.iterdir() if "out" in p.name) == ["out.jsonl"]
    with pytest.raises(ProjectError, match="does not exist"):
        export.export(records(db), "jsonl", tmp_path / "missing" / "x.jsonl")


def test_export_command_stdout_file_and_errors(run, db, tmp_path: Path) -> None:
    result = run("export", "p", "--format", "jsonl")
    assert result.exit_code == 0
    assert [json.loads(line)["type"] for line in result.output.splitlines()] == [
        "1-1",
        "2-1",
        "1-0",
        "0-2",
        "1-1",
    ]
    result = run("export", "--all", "--format", "tmx", "-o", str(tmp_path / "all.tmx"), "--confirmed-only")
    assert result.exit_code == 0
    assert len(_read_tmx((tmp_path / "all.tmx").read_bytes()).units) == 2
    result = run("export", "p", "--format", "tsv", "--confirmed-only")
    assert result.output.count("\n") == 2
    bad = run("export", "nope", "--format", "tsv")
    assert bad.exit_code == 1 and bad.output.startswith("Error: no pair named")


def test_tmx_export_says_what_it_leaves_out_and_shows_progress(
    run, db, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TAIYAKU_PROGRESS", "1")
    result = run("export", "p", "--format", "tmx", "-o", str(tmp_path / "p.tmx"))
    assert result.exit_code == 0 and "Exporting beads" in result.stderr
    assert "wrote 3 beads to" in result.stderr and "2 beads with one side empty left out" in result.stderr
    result = run("export", "p", "--format", "jsonl", "-o", str(tmp_path / "p.jsonl"))
    assert "wrote 5 beads to" in result.stderr and "left out" not in result.stderr


def test_clause_level_tmx_says_phrase(db, tmp_path: Path) -> None:
    for level, segtype in (("sentence", "sentence"), ("clause", "phrase")):
        target = tmp_path / f"{level}.tmx"
        export.export(records(db), "tmx", target, level=level)  # type: ignore[arg-type]
        header = ElementTree.fromstring(target.read_bytes()).find("header")
        assert header is not None and header.get("segtype") == segtype


@pytest.mark.slow
def test_exports_of_seed_000_after_import_and_align(run, tmp_path: Path) -> None:
    """The issue's end-to-end case: import seed 000 with its English, align, export all three formats."""
    from testdata import SEEDS

    ja = SEEDS / "000_018672d04432ce13.txt"
    en = SEEDS / "en" / "000_018672d04432ce13.en.txt"
    assert run("import", str(ja), str(en)).exit_code == 0
    aligned = run("align", "000_018672d04432ce13", "--json")
    assert aligned.exit_code == 0, aligned.output
    summary = json.loads(aligned.output)[0]
    assert summary["types"] == {"1-1": 57} and summary["signals"][0] == "embeddings"
    for fmt in ("jsonl", "tsv", "tmx"):
        out = tmp_path / f"000.{fmt}"
        assert run("export", "000_018672d04432ce13", "--format", fmt, "-o", str(out)).exit_code == 0
    assert len((tmp_path / "000.jsonl").read_text().splitlines()) == 57
    assert len((tmp_path / "000.tsv").read_text().splitlines()) == 57
    units = _read_tmx((tmp_path / "000.tmx").read_bytes()).units
    rows = [json.loads(line) for line in (tmp_path / "000.jsonl").read_text().splitlines()]
    assert [u.source for u in units] == ["".join(r["ja"]) for r in rows]
    assert [u.target for u in units] == [" ".join(r["en"]) for r in rows]
    assert units[22].source.startswith("(２)インド洋地域情報融合センター（ＩＦＣ－ＩＯＲ）")
    assert units[22].target.startswith("(2) ")
