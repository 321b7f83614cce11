"""`taiyaku import / pairs / segments / demo` end to end: real files, real GiNZA, real SQLite."""

from __future__ import annotations

import itertools
import json
import re
import shutil
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner

from alignment import parse
from alignment.project import open_project
from alignment.repair import offset_map
from alignment.store import get_document, get_pair, get_segments, list_pairs
from tui import seeds as tui_seeds
from tui.cli import cli
from tui.demo import STEPS, build_demo
from tui.seeds import Seed, seed_dir, seeds

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
DEV_GOLD = ROOT.parent / "shared" / "dev-gold"

SEED_000 = SEEDS / "000_018672d04432ce13.txt"
EN_000 = SEEDS / "en" / "000_018672d04432ce13.en.txt"
SMALL_JA = "日本国とインドの両政府は、協力を強化する。\n\n(１)共同訓練の実施\n(２)情報の共有\n"
SMALL_EN = "The two Governments will strengthen cooperation.\n\n(1) Conduct of exercises\n(2) Sharing of information\n"
SUBSTITUTIONS = {("\n", " "), ("\r", "\n"), ("\f", "\n")}


def dump(db_path: Path) -> list[str]:
    """The whole project as SQL, to prove a failed command changed nothing."""
    conn = sqlite3.connect(db_path)
    try:
        return list(conn.iterdump())
    finally:
        conn.close()


def one_line_error(result) -> str:
    assert result.exit_code != 0
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: "), result.output
    assert "Traceback" not in result.output
    return lines[0]


@pytest.fixture
def small_files(tmp_path: Path) -> tuple[Path, Path]:
    ja = tmp_path / "small.ja.txt"
    en = tmp_path / "small.en.txt"
    ja.write_text(SMALL_JA, encoding="utf-8")
    en.write_text(SMALL_EN, encoding="utf-8")
    return ja, en


# --- import, pairs, segments ----------------------------------------------------------------------------------


def test_import_prints_the_pair_name(run, small_files) -> None:
    ja, en = small_files
    result = run("import", str(ja), str(en))
    assert result.exit_code == 0, result.output
    assert result.output == "small.ja\n"


def test_import_json_summary_and_segments(run, small_files, db_path: Path) -> None:
    ja, en = small_files
    result = run("import", str(ja), str(en), "--name", "small", "--json")
    summary = json.loads(result.output)
    assert summary["name"] == "small"
    assert summary["documents"]["ja"]["sentences"] == 3
    assert summary["documents"]["en"]["sentences"] == 3
    assert summary["documents"]["ja"]["encoding"] == "utf-8"

    pairs = json.loads(run("pairs", "--json").output)
    assert pairs == [
        {
            "name": "small",
            "ja_sentences": 3,
            "en_sentences": 3,
            "ja_clauses": pairs[0]["ja_clauses"],
            "en_clauses": 3,
            "beads": 0,
            "confirmed": 0,
            "title": "日本国とインドの両政府は、協力を強化する。",  # its first Japanese sentence
        }
    ]
    assert pairs[0]["ja_clauses"] >= 3

    db = open_project(db_path)
    pair = get_pair(db, "small")
    for lang in ("ja", "en"):
        doc = get_document(db, pair.id, lang)
        for level in ("sentence", "clause"):
            rows = json.loads(run("segments", "small", "--lang", lang, "--level", level, "--json").output)
            assert rows, (lang, level)
            for row in rows:
                assert doc.text[row["start"] : row["end"]] == row["text"]
            assert ("sentence" in rows[0]) == (level == "clause")
    db.close()
    assert [r["text"] for r in json.loads(run("segments", "small", "--json").output)] == [
        "日本国とインドの両政府は、協力を強化する。",
        "(１)共同訓練の実施",
        "(２)情報の共有",
    ]


def test_segments_table_and_errors(run, small_files) -> None:
    ja, _ = small_files
    run("import", str(ja), "--name", "solo")
    table = run("segments", "solo", "--level", "clause")
    assert table.exit_code == 0 and "共同訓練の実施" in table.output
    assert "no EN document" in one_line_error(run("segments", "solo", "--lang", "en"))
    assert "no pair named 'nope'" in one_line_error(run("segments", "nope"))


def test_pairs_without_a_project(run) -> None:
    assert "no project file" in one_line_error(run("pairs"))


def test_existing_name_is_refused_and_replace_reimports(
    run, small_files, db_path: Path, tmp_path: Path
) -> None:
    ja, en = small_files
    run("import", str(ja), str(en), "--name", "p")
    before = dump(db_path)
    assert "already exists (use --replace" in one_line_error(run("import", str(ja), str(en), "--name", "p"))
    assert dump(db_path) == before

    changed = tmp_path / "changed.ja.txt"
    changed.write_text("新しい一文です。\n", encoding="utf-8")
    result = run("import", str(changed), "--name", "p", "--replace", "--json")
    assert result.exit_code == 0 and json.loads(result.output)["replaced"] is True
    rows = json.loads(run("segments", "p", "--json").output)
    assert [r["text"] for r in rows] == ["新しい一文です。"]
    assert json.loads(run("pairs", "--json").output)[0]["en_sentences"] == 0


BAD_INPUTS = {
    "binary.png": (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "PNG image"),
    "nul.txt": ("日本語\x00テキスト".encode(), "NUL bytes"),
    "undecodable.txt": (
        b"plain \xff\xfe\xfd\x80 bytes \x81",
        "not valid UTF-8, UTF-16, Shift_JIS/CP932 or EUC-JP",
    ),
    "empty.txt": (b"", "is empty"),
    "blank.txt": (" \n\t\n\u3000\n".encode(), "no text"),
    "doc.pdf": (b"%PDF-1.4\n", "PDF file"),
}


@pytest.mark.parametrize("filename", sorted(BAD_INPUTS))
@pytest.mark.parametrize("side", ["ja", "en"])
def test_bad_input_changes_nothing(
    run, small_files, db_path: Path, tmp_path: Path, filename: str, side: str
) -> None:
    ja, en = small_files
    run("import", str(ja), str(en), "--name", "existing")
    before = dump(db_path)
    bad = tmp_path / filename
    bad.write_bytes(BAD_INPUTS[filename][0])
    args = [str(bad), str(en)] if side == "ja" else [str(ja), str(bad)]
    message = one_line_error(run("import", *args, "--name", "new"))
    assert BAD_INPUTS[filename][1] in message and filename in message
    assert dump(db_path) == before


def test_bad_input_creates_no_project(run, tmp_path: Path, db_path: Path) -> None:
    bad = tmp_path / "empty.txt"
    bad.write_bytes(b"")
    one_line_error(run("import", str(bad)))
    one_line_error(run("import", str(tmp_path / "missing.txt")))
    one_line_error(run("import", str(tmp_path)))  # a directory
    assert not db_path.exists()


@pytest.mark.parametrize("codec", ["utf-8-sig", "utf-16", "cp932", "euc_jp"])
def test_import_detects_encodings(run, tmp_path: Path, codec: str) -> None:
    path = tmp_path / f"{codec}.txt"
    path.write_bytes(SMALL_JA.encode(codec))
    summary = json.loads(run("import", str(path), "--json").output)
    assert summary["documents"]["ja"]["encoding"] == codec
    rows = json.loads(run("segments", f"{codec}", "--json").output)
    assert rows[0]["text"] == "日本国とインドの両政府は、協力を強化する。"


def test_import_named_encoding(run, tmp_path: Path) -> None:
    path = tmp_path / "sjis.txt"
    path.write_bytes(SMALL_JA.encode("shift_jis"))
    assert run("import", str(path), "--encoding", "shift_jis").exit_code == 0
    assert "cannot be decoded as utf-8" in one_line_error(
        run("import", str(path), "--encoding", "utf-8", "--name", "x")
    )
    assert "unknown encoding" in one_line_error(run("import", str(path), "--encoding", "nope", "--name", "y"))


def test_segmented_import_keeps_lines(run, tmp_path: Path, db_path: Path) -> None:
    ja = tmp_path / "lines.ja"
    en = tmp_path / "lines.en"
    ja.write_text("一行目。二文目。\n\n  二行目\n", encoding="utf-8")
    en.write_text("Line one. Second.\nLine two\n", encoding="utf-8")
    summary = json.loads(run("import", str(ja), str(en), "--segmented", "--json").output)
    assert summary["segmented"] is True
    assert [r["text"] for r in json.loads(run("segments", "lines", "--json").output)] == [
        "一行目。二文目。",
        "二行目",
    ]
    db = open_project(db_path)
    doc = get_document(db, get_pair(db, "lines").id, "ja")
    assert doc.text == doc.raw_text and doc.segmented
    db.close()


def test_overlong_lines(run, tmp_path: Path, db_path: Path) -> None:
    blob = tmp_path / "blob.txt"
    blob.write_text("前文。\n" + "表の値、" * 6_000 + "\n", encoding="utf-8")  # a 24,000-character line
    message = one_line_error(run("import", str(blob), "--segmented"))
    assert "line 2 is 24,000 characters long" in message
    assert not db_path.exists()
    # imported normally, a run-on line is cut after commas into sentence-sized pieces
    blob.write_text("前文。\n" + "表の値、" * 1_200 + "\n", encoding="utf-8")
    summary = json.loads(run("import", str(blob), "--json").output)
    rows = json.loads(run("segments", "blob", "--json").output)
    assert summary["documents"]["ja"]["sentences"] == len(rows) == 1 + 3
    assert all(len(r["text"]) <= 2_000 and r["text"].endswith(("、", "。")) for r in rows)


def test_progress_bar_goes_to_stderr(tmp_path: Path, small_files, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TAIYAKU_PROGRESS", "1")
    ja, _ = small_files
    result = CliRunner().invoke(cli, ["import", str(ja)])
    assert result.exit_code == 0
    assert result.stdout == "small.ja\n"
    assert "Parsing sentences" in result.stderr


# --- the dev-gold wrapped files ---------------------------------------------------------------------------------


@pytest.mark.parametrize("stem", ["jpin2008_secdecl_preamble", "kyoto_HST00871", "kyoto_HST00906"])
def test_wrapped_gold_sentences_come_back_one_segment_each(run, stem: str) -> None:
    wrapped = DEV_GOLD / "wrapped" / f"{stem}.wrapped.ja.txt"
    gold = json.loads((DEV_GOLD / "wrapped" / f"{stem}.sentences.json").read_text(encoding="utf-8"))
    assert run("import", str(wrapped), "--name", stem).exit_code == 0
    got = [r["text"] for r in json.loads(run("segments", stem, "--json").output)]

    def squash(s: str) -> str:
        return re.sub(r"\s+", "", s)

    assert [squash(s) for s in got] == [squash(s) for s in gold]


# --- the seeds, through the demo ----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """`taiyaku demo --no-tui`, run once: every seed imported with our English renderings."""
    directory = tmp_path_factory.mktemp("demo")
    result = CliRunner().invoke(cli, ["demo", "--dir", str(directory), "--no-tui"])
    assert result.exit_code == 0, result.output
    assert f"Demo project: {directory / 'taiyaku.db'}" in result.output
    return directory / "taiyaku.db"


def all_segments(db, lang: str, level: str, name: str):
    pair = get_pair(db, name)
    doc = get_document(db, pair.id, lang)
    return doc, (get_segments(db, doc.id, level) if doc else [])


@pytest.mark.slow
def test_demo_imports_every_seed(demo_db: Path) -> None:
    db = open_project(demo_db, readonly=True)
    names = [p.name for p in list_pairs(db)]
    assert names == sorted(p.stem for p in SEEDS.glob("*.txt"))
    for name in names:
        en = get_document(db, get_pair(db, name).id, "en")
        assert (en is not None) == (SEEDS / "en" / f"{name}.en.txt").exists()
    db.close()


@pytest.mark.slow
def test_no_segment_keeps_a_line_break_or_emphasis(demo_db: Path) -> None:
    db = open_project(demo_db, readonly=True)
    for pair in list_pairs(db):
        for lang in ("ja", "en"):
            for level in ("sentence", "clause"):
                _, segs = all_segments(db, lang, level, pair.name)
                for s in segs:
                    assert "\n" not in s.text and "\r" not in s.text, (pair.name, s.text)
                    assert "**" not in s.text, (pair.name, s.text)
    db.close()


@pytest.mark.slow
def test_seed_000_preamble_and_numbered_items(demo_db: Path) -> None:
    db = open_project(demo_db, readonly=True)
    doc, sentences = all_segments(db, "ja", "sentence", "000_018672d04432ce13")
    _, clauses = all_segments(db, "ja", "clause", "000_018672d04432ce13")
    texts = [s.text for s in sentences]
    # the preamble: one sentence per clause ending in 、 at a line end
    preamble = texts[1:9]
    assert all(t.endswith("し、") or t.endswith("は、") for t in preamble), preamble
    assert texts[9].endswith("以下の点について一致した。")
    # every numbered item in the raw text starts exactly one sentence
    markers = re.findall(r"^(\([１-９]\)|[１-６][.．])", doc.raw_text, flags=re.M)
    starts = [t for t in texts if re.match(r"\([１-９]\)|[１-６][.．]", t)]
    assert len(starts) == len(markers) == 47  # six numbered paragraphs, 41 items
    # long items come out as one sentence with clause children
    children: dict[int, int] = {}
    for c in clauses:
        children[c.parent] = children.get(c.parent, 0) + 1
    assert all(children[s.index] >= 1 for s in sentences)
    long_items = [s for s in sentences if len(s.text) > 60 and s.text.startswith("(") and "、" in s.text]
    assert len(long_items) >= 20 and all(children[s.index] >= 2 for s in long_items)
    db.close()


@pytest.mark.slow
def test_seed_documents_keep_their_offset_promises(demo_db: Path) -> None:
    db = open_project(demo_db, readonly=True)
    for pair in list_pairs(db):
        for lang in ("ja", "en"):
            doc, sentences = all_segments(db, lang, "sentence", pair.name)
            if doc is None:
                continue
            _, clauses = all_segments(db, lang, "clause", pair.name)
            for s in [*sentences, *clauses]:
                assert doc.text[s.start : s.end] == s.text
            by_parent: dict[int, list] = {}
            for c in clauses:
                by_parent.setdefault(c.parent, []).append(c)
            for s in sentences:
                kids = by_parent[s.index]
                assert kids[0].start == s.start and kids[-1].end == s.end
                assert all(a.end == b.start for a, b in itertools.pairwise(kids))
            # the offset map: runs in text order into the raw text, each raw character used once (a box
            # moved after the sentence it cut takes them out of raw order); kept characters are the raw ones
            last_t, used = -1, set()
            for t, r, n in doc.offset_runs:
                assert t > last_t and r + n <= len(doc.raw_text) and used.isdisjoint(range(r, r + n))
                used.update(range(r, r + n))
                for k in range(n):
                    pair_chars = (doc.raw_text[r + k], doc.text[t + k])
                    assert pair_chars[0] == pair_chars[1] or pair_chars in SUBSTITUTIONS
                last_t = t + n - 1
            assert sum(n for _, _, n in doc.offset_runs) == len(doc.text)
            m = offset_map(doc)
            for s in sentences:  # a sentence's raw pieces hold its characters, first and last included
                pieces = m.raw_pieces(s.start, s.end)
                raw = "".join(doc.raw_text[a:b] for a, b in pieces)
                assert len(raw) == len(s.text) and raw[0] == s.text[0] and raw[-1] == s.text[-1]
    db.close()


@pytest.mark.slow
def test_reimport_uses_the_parse_cache(
    demo_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    copy = tmp_path / "copy.db"
    shutil.copy(demo_db, copy)
    cached = sqlite3.connect(copy).execute("SELECT count(*) FROM parses").fetchone()[0]
    assert cached > 1000

    def refuse(texts):
        if texts:
            raise AssertionError(f"re-parsed {len(texts)} unchanged sentences")
        return iter(())

    monkeypatch.setattr(parse, "_parse_uncached", refuse)
    result = CliRunner().invoke(
        cli, ["import", str(SEED_000), str(EN_000), "--replace", "--db", str(copy), "--json"]
    )
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["replaced"] is True


def import_only():
    return [s for s in STEPS if s.name == "import"]


def test_demo_rebuilds_from_scratch(tmp_path: Path) -> None:
    one = [Seed("000_018672d04432ce13", SEED_000, EN_000)]
    path, results = build_demo(tmp_path / "d", seed_list=one, steps=import_only())
    db = open_project(path)
    db["pairs"].insert({"name": "leftover", "created": "x", "updated": "x"})
    db.close()
    path2, _ = build_demo(tmp_path / "d", seed_list=one, steps=import_only())
    assert path2 == path
    db = open_project(path)
    assert [p.name for p in list_pairs(db)] == ["000_018672d04432ce13"]
    db.close()
    assert results[0].rows[0]["EN sentences"] > 0
    assert sorted(p.name for p in (tmp_path / "d").iterdir() if not p.name.startswith("taiyaku.db")) == []


def test_demo_rebuild_reuses_the_previous_parses(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    one = [Seed("000_018672d04432ce13", SEED_000, None)]
    build_demo(tmp_path / "d", seed_list=one, steps=import_only())

    def refuse(texts):
        if texts:
            raise AssertionError(f"re-parsed {len(texts)} sentences")
        return iter(())

    monkeypatch.setattr(parse, "_parse_uncached", refuse)
    path, _ = build_demo(tmp_path / "d", seed_list=one, steps=import_only())
    db = open_project(path)
    assert [p.name for p in list_pairs(db)] == ["000_018672d04432ce13"]
    db.close()


def test_demo_failure_keeps_the_previous_project(tmp_path: Path) -> None:
    one = [Seed("000_018672d04432ce13", SEED_000, EN_000)]
    path, _ = build_demo(tmp_path / "d", seed_list=one, steps=import_only())
    before = dump(path)
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"")
    with pytest.raises(Exception, match="is empty"):
        build_demo(tmp_path / "d", seed_list=[*one, Seed("bad", bad, None)], steps=import_only())
    assert dump(path) == before


def test_seed_dir_finds_the_bundled_seeds() -> None:
    # the installed wheel carries them as tui/_seeds (an editable install reads the checkout's seeds/)
    bundled = seed_dir()
    assert bundled in (SEEDS, Path(tui_seeds.__file__).parent / "_seeds")
    for path in SEEDS.rglob("*.txt"):  # the very same files, English renderings included
        assert (bundled / path.relative_to(SEEDS)).read_bytes() == path.read_bytes(), path
    found = seeds()
    assert [s.name for s in found] == sorted(p.stem for p in SEEDS.glob("*.txt"))
    assert {s.name for s in found if s.en} == {"000_018672d04432ce13", "001_5af3baea35b63ec3"}
