"""OmegaT, a real CAT tool, reads our TMX (translating a project from it) and our tab-separated glossary."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from omegat_harness import build_project, require_omegat, run_console

from glossary.model import Entry, Variant
from glossary.omegat import entry_rows, read_omegat, write_omegat

HANDWRITTEN_TMX = """<?xml version="1.0" encoding="UTF-8"?>
<tmx version="1.4">
  <header creationtool="handwritten" creationtoolversion="1" segtype="paragraph" o-tmf="none"
          adminlang="en" srclang="ja" datatype="plaintext"/>
  <body>
    <tu><tuv xml:lang="ja"><seg>防衛省は海洋安全保障を強化する。日本はＩＰＭＤＡを推進する。</seg></tuv>
        <tuv xml:lang="en"><seg>The Ministry of Defense will strengthen maritime security. Japan promotes IPMDA &amp; MDA.</seg></tuv></tu>
    <tu><tuv xml:lang="ja"><seg>ｲﾝﾄﾞ太平洋地域の平和と安定に貢献する㈱。</seg></tuv>
        <tuv xml:lang="en"><seg>We contribute to peace &lt;and&gt; stability in the Indo-Pacific region.</seg></tuv></tu>
  </body>
</tmx>
"""


@pytest.fixture
def omegat() -> str:
    """OmegaT runs take 2-4 s each (a JVM start): tests that need one are marked slow."""
    return require_omegat()


@pytest.mark.slow
def test_harness_translates_from_a_handwritten_tmx_and_leaves_unknown_text_alone(
    omegat: str, tmp_path: Path
) -> None:
    """Proves the harness itself: matched paragraphs (multi-sentence too) come out in English, escaped
    characters decoded; a paragraph the TMX does not have stays Japanese."""
    paragraphs = [
        "防衛省は海洋安全保障を強化する。日本はＩＰＭＤＡを推進する。",
        "ｲﾝﾄﾞ太平洋地域の平和と安定に貢献する㈱。",
        "この文は翻訳メモリにない。",
    ]
    project = build_project(tmp_path / "omt", paragraphs, tmx={"handwritten.tmx": HANDWRITTEN_TMX.encode()})
    run = run_console(project)
    assert run.returncode == 0, run.log
    assert run.errors() == []
    assert run.target_paragraphs() == [
        "The Ministry of Defense will strengthen maritime security. Japan promotes IPMDA & MDA.",
        "We contribute to peace <and> stability in the Indo-Pacific region.",
        "この文は翻訳メモリにない。",
    ]


@pytest.mark.slow
def test_harness_one_file_per_unit_keeps_line_breaks_inside_a_unit(omegat: str, tmp_path: Path) -> None:
    units = [
        "１.\n以下の分野で協力する。",
        "防衛省は海洋安全保障を強化する。日本はＩＰＭＤＡを推進する。",
        "未知の文。",
    ]
    tmx = HANDWRITTEN_TMX.replace(
        "<tu>",
        '<tu><tuv xml:lang="ja"><seg>１.\n以下の分野で協力する。</seg></tuv>'
        '<tuv xml:lang="en"><seg>1. They cooperate in these areas.</seg></tuv></tu><tu>',
        1,
    )
    project = build_project(tmp_path / "omt", units, tmx={"h.tmx": tmx.encode()}, one_file_each=True)
    run = run_console(project)
    assert run.errors() == []
    assert run.target_paragraphs() == [
        "1. They cooperate in these areas.",
        "The Ministry of Defense will strengthen maritime security. Japan promotes IPMDA & MDA.",
        "未知の文。",
    ]


@pytest.mark.slow
def test_harness_reads_a_tab_separated_glossary_through_omegat(omegat: str, tmp_path: Path) -> None:
    glossary = "# comment line\n防衛省\tMinistry of Defense\tapproved\nＩＰＭＤＡ\tIPMDA\n".encode()
    project = build_project(tmp_path / "omt", ["防衛省。"], glossaries={"glossary.txt": glossary})
    run = run_console(project, check_glossaries=True)
    assert run.errors() == []
    assert run.glossary_check() == [
        ["FILE", "glossary.txt", "2"],
        ["ENTRY", "防衛省", "Ministry of Defense", "approved"],
        ["ENTRY", "ＩＰＭＤＡ", "IPMDA", ""],
    ]


# --- our glossary in OmegaT's tab-separated format ------------------------------------------------------

ENTRIES = [
    Entry(
        ja="海洋状況把握のためのインド太平洋パートナーシップ",
        en="Indo-Pacific Partnership for Maritime Domain Awareness",
        acronym="IPMDA",
        status="approved",
        domain="maritime",
        variants=(
            Variant("ja", "ＩＰＭＤＡパートナーシップ"),
            Variant("en", "Indo-Pacific MDA Partnership"),
            Variant("en", "Indo Pacific Maritime Partnership", forbidden=True),
        ),
        note="Quad initiative; announced 2022\tTokyo",
        definition="A line\nbreak",
    ),
    Entry(
        ja="インド洋地域情報融合センター",
        en="Information Fusion Centre – Indian Ocean Region",
        acronym="IFC-IOR",
    ),
    Entry(acronym="ReCAAP", en="Regional Cooperation Agreement on Combating Piracy", status="deprecated"),
    Entry(ja="防衛装備庁", acronym="ATLA", status="forbidden"),
    Entry(ja="ｲﾝﾄﾞ太平洋㈱😀", en="Indo-Pacific Co. 😀"),
    Entry(ja="翻訳なし"),
    Entry(ja="#ハッシュ", en="hash"),
]


def test_entry_rows_flatten_fields_and_mark_status() -> None:
    rows = entry_rows(ENTRIES[0])
    assert [(r.source, r.target) for r in rows] == [
        (
            "海洋状況把握のためのインド太平洋パートナーシップ",
            "Indo-Pacific Partnership for Maritime Domain Awareness",
        ),
        ("ＩＰＭＤＡパートナーシップ", "Indo-Pacific Partnership for Maritime Domain Awareness"),
        ("IPMDA", "IPMDA"),
    ]
    assert rows[0].comment == (
        "approved; acronym: IPMDA; also: Indo-Pacific MDA Partnership; do not use: Indo Pacific Maritime "
        "Partnership; domain: maritime; definition: A line break; note: Quad initiative; announced 2022 Tokyo"
    )
    assert all("\t" not in f and "\n" not in f for r in rows for f in (r.source, r.target, r.comment))
    assert entry_rows(ENTRIES[2])[0].comment.startswith("DEPRECATED, do not use; ")
    assert [(r.source, r.target) for r in entry_rows(ENTRIES[3])] == [
        ("防衛装備庁", "ATLA"),
        ("ATLA", "ATLA"),
    ]
    assert entry_rows(ENTRIES[5]) == [] and entry_rows(ENTRIES[6]) == []


def test_write_then_read_gives_the_entries_back(tmp_path: Path) -> None:
    path = tmp_path / "glossary.txt"
    report = write_omegat(ENTRIES, path)
    assert (report.entries, report.rows) == (5, 9)
    assert (
        len(report.skipped) == 2 and "source and a target" in report.skipped[0] and "#" in report.skipped[1]
    )
    assert path.read_text(encoding="utf-8").splitlines()[-2:] == [f"# left out: {r}" for r in report.skipped]
    back = read_omegat(path)
    assert back.bad == ()
    got = {(e.ja, e.acronym): e for e in back.entries}
    for want in ENTRIES[:5]:
        e = got[(want.ja, want.acronym)]
        assert (e.en, e.status, e.domain) == (want.en, want.status, want.domain)
        assert sorted(e.variants, key=repr) == sorted(want.variants, key=repr)
        assert e.note == (" ".join(want.note.split()) if want.note else None)
    assert len(back.entries) == 5


def test_reading_a_glossary_written_by_hand_or_by_omegat(tmp_path: Path) -> None:
    path = tmp_path / "theirs.txt"
    path.write_bytes(
        "\ufeff# OmegaT glossary\r\n防衛省\tMinistry of Defense\tofficial name\r\n防衛省\tMOD\r\n\r\n"
        "ＱＵＡＤ\tQuad\r\nonly-source\r\n\tno source\r\n".encode("utf-8")
    )
    back = read_omegat(path)
    assert back.bad == (
        "line 6: no target term (OmegaT glossary lines are source<TAB>target<TAB>comment)",
        "line 7: no source term",
    )
    assert [(e.ja, e.en, e.variants, e.note, e.status) for e in back.entries] == [
        ("防衛省", "Ministry of Defense", (Variant("en", "MOD"),), "official name", "proposed"),
        ("ＱＵＡＤ", "Quad", (), None, "proposed"),
    ]
    cp932 = tmp_path / "windows.txt"
    cp932.write_bytes("防衛省\t防衛省 (Ministry of Defense)\n".encode("cp932"))
    assert read_omegat(cp932).entries[0].ja == "防衛省"


def _store(db_path: Path, entries: list[Entry]) -> None:
    from glossary import store
    from tui.common import open_db

    db = open_db(str(db_path))
    try:
        for entry in entries:
            store.add(db, entry, user="analyst")
    finally:
        db.close()


@pytest.mark.slow
def test_omegat_loads_our_exported_glossary_without_errors(
    omegat: str, run, db_path: Path, tmp_path: Path
) -> None:
    _store(db_path, ENTRIES)
    project = build_project(tmp_path / "omt", ["海洋状況把握のためのインド太平洋パートナーシップ。"])
    result = run("glossary", "export", "--format", "omegat", "-o", str(project / "glossary" / "glossary.txt"))
    assert result.exit_code == 0, result.output
    run_ = run_console(project, check_glossaries=True)
    assert run_.errors() == []
    expected = [r for e in ENTRIES for r in entry_rows(e)]
    assert run_.glossary_check() == [
        ["FILE", "glossary.txt", str(len(expected))],
        *(["ENTRY", r.source, r.target, r.comment] for r in expected),
    ]


def test_glossary_cli_round_trip_through_omegat_format(run, db_path: Path, tmp_path: Path) -> None:
    _store(db_path, ENTRIES)
    out = tmp_path / "terms.utf8"
    exported = run("glossary", "export", "-o", str(out))  # format from the suffix
    assert exported.exit_code == 0, exported.output
    assert "Exported 5 entries as omegat" in exported.output
    again = run("glossary", "import", str(out), "--json")
    assert again.exit_code == 0, again.output
    report = json.loads(again.output)
    # OmegaT has no way to carry a line break or tab: entry 1's note and definition come back on one line
    assert (report["added"], report["updated"], report["unchanged"]) == ([], [1], [2, 3, 4, 5])
    shown = json.loads(run("glossary", "show", "1", "--json").output)
    assert (shown["definition"], shown["note"]) == ("A line break", "Quad initiative; announced 2022 Tokyo")
    bad = tmp_path / "bad.txt"
    bad.write_text("防衛省\tMinistry of Defense\nno tab here\n", encoding="utf-8")
    refused = run("glossary", "import", str(bad))
    assert refused.exit_code == 1
    assert "line 2: no target term" in refused.output and "nothing imported" in refused.output


def test_missing_omegat_skips_locally_but_fails_in_ci(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception):
        require_omegat()
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="CI is set"):
        require_omegat()


# --- our TMX export, in OmegaT --------------------------------------------------------------------------


def _bead_units(db_path: Path, pair: str) -> list[tuple[str, str, str]]:
    """(Japanese, English, type) of each bead with text on both sides, joined as a TMX unit holds them."""
    from alignment import bead_store, store
    from alignment.export import TMX_JOIN
    from tui.common import open_db

    db = open_db(str(db_path))
    try:
        p = store.get_pair(db, pair)
        ja = [s.text for s in store.pair_segments(db, p, "ja")]
        en = [s.text for s in store.pair_segments(db, p, "en")]
        return [
            (TMX_JOIN["ja"].join(ja[slice(*b.ja)]), TMX_JOIN["en"].join(en[slice(*b.en)]), b.type)
            for b in bead_store.get_beads(db, p.id)
            if b.ja[1] > b.ja[0] and b.en[1] > b.en[0]
        ]
    finally:
        db.close()


@pytest.mark.slow
def test_omegat_translates_seed_000_from_our_tmx_export(
    omegat: str, run, seed_project: Path, tmp_path: Path
) -> None:
    """Every unit of the aligned seed (a multi-sentence 2-2 unit too) comes out of
    OmegaT in our English."""
    units = _bead_units(seed_project, "seed000")
    assert len(units) > 40 and "2-2" in {t for _, _, t in units}
    project = build_project(tmp_path / "omt", [ja for ja, _, _ in units], one_file_each=True)
    exported = run("export", "seed000", "--format", "tmx", "-o", str(project / "tm" / "auto" / "seed000.tmx"))
    assert exported.exit_code == 0, exported.output
    result = run_console(project)
    assert result.errors() == []
    translated = result.target_paragraphs()
    missed = [(ja, en, got) for (ja, en, _), got in zip(units, translated, strict=True) if got != en]
    assert missed == []
