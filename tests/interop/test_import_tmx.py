"""`taiyaku import-tmx`: an existing translation memory becomes a pair (confirmed where it says so); hostile or
broken files are refused with one line and leave the project as it was."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from alignment.bead_store import get_beads
from alignment.project import open_project
from alignment.store import get_document, get_pair, pair_segments
from alignment.tmx_import import TmxError, lang_of, read_tmx

# Written the way CAT tools write them: DOCTYPE, region-qualified and upper-case language codes, inline
# native codes (which are not text), <hi>, character references, a third language, a unit without English.
REALISTIC_TMX = """<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE tmx SYSTEM "tmx14.dtd">
<tmx version="1.4">
  <header creationtool="SomeCAT" creationtoolversion="9" segtype="sentence" o-tmf="x" adminlang="en-US"
          srclang="ja-JP" datatype="rtf"/>
  <body>
    <tu tuid="1">
      <prop type="x-context">preamble</prop>
      <tuv xml:lang="ja-JP"><seg>日本と<bpt i="1">{\\b </bpt>インド<ept i="1">}</ept>は&#x3000;協力する。</seg></tuv>
      <tuv xml:lang="EN-US"><seg>Japan and <bpt i="1">{\\b </bpt>India<ept i="1">}</ept> cooperate.</seg></tuv>
      <tuv xml:lang="fr-FR"><seg>Le Japon et l'Inde coopèrent.</seg></tuv>
    </tu>
    <tu>
      <tuv xml:lang="JA"><seg>ｲﾝﾄﾞ太平洋㈱の😀 &amp; &lt;ＩＰＭＤＡ&gt;<ph x="1">&lt;br/&gt;</ph></seg></tuv>
      <tuv xml:lang="en-GB"><seg>Indo-Pacific Co. 😀 &amp; <hi type="b">&lt;IPMDA&gt;</hi></seg></tuv>
    </tu>
    <tu>
      <tuv xml:lang="ja"><seg>英語のない単位。</seg></tuv>
      <tuv xml:lang="en"><seg>   </seg></tuv>
    </tu>
    <tu>
      <tuv lang="ja"><seg>TMX 1.1 の属性。</seg></tuv>
      <tuv lang="en"><seg>A TMX 1.1 attribute.</seg></tuv>
    </tu>
  </body>
</tmx>
"""

EXPECTED = [
    ("日本とインドは\u3000協力する。", "Japan and India cooperate."),
    ("ｲﾝﾄﾞ太平洋㈱の😀 & <ＩＰＭＤＡ>", "Indo-Pacific Co. 😀 & <IPMDA>"),
    ("TMX 1.1 の属性。", "A TMX 1.1 attribute."),
]


def _pair_units(db_path: Path, name: str, status: str = "confirmed") -> list[tuple[str, str]]:
    db = open_project(db_path)
    try:
        pair = get_pair(db, name)
        ja = pair_segments(db, pair, "ja")
        en = pair_segments(db, pair, "en")
        beads = get_beads(db, pair.id)
        for lang, segs in (("ja", ja), ("en", en)):
            doc = get_document(db, pair.id, lang)
            assert doc is not None
            assert all(doc.text[s.start : s.end] == s.text for s in segs)
        assert all(b.status == status and b.type == "1-1" for b in beads)
        return [(ja[b.ja[0]].text, en[b.en[0]].text) for b in beads]
    finally:
        db.close()


def _dump(db_path: Path) -> list[str]:
    db = open_project(db_path)
    try:
        return [line for line in db.conn.iterdump() if "_sqlite_migrations" not in line]
    finally:
        db.close()


def test_lang_codes() -> None:
    assert [lang_of(c) for c in ("ja", "ja-JP", "JA_jp", "jpn", "en-US", "EN", "eng", "fr", "")] == [
        "ja",
        "ja",
        "ja",
        "ja",
        "en",
        "en",
        "en",
        None,
        None,
    ]


def test_realistic_tmx_becomes_a_pair_with_confirmed_beads(run, db_path: Path, tmp_path: Path) -> None:
    tmx = tmp_path / "memory.tmx"
    tmx.write_text(REALISTIC_TMX, encoding="utf-8")
    result = run("import-tmx", str(tmx), "--json", "--status", "confirmed")
    assert result.exit_code == 0, result.output
    assert json.loads(result.output) == {"pair": "memory", "units": 3, "confirmed": 3, "skipped": 1}
    assert _pair_units(db_path, "memory") == EXPECTED


@pytest.mark.parametrize("encoding", ["utf-16", "utf-8-sig", "shift_jis", "cp932"])
def test_encodings_declared_or_marked_are_read(run, db_path: Path, tmp_path: Path, encoding: str) -> None:
    # Windows-31J is CP932's IANA name, which Java tools write and Python's codecs do not know
    declared = {"utf-16": "UTF-16", "utf-8-sig": "UTF-8", "shift_jis": "Shift_JIS", "cp932": "Windows-31J"}[
        encoding
    ]
    text = REALISTIC_TMX.replace('encoding="UTF-8"', f'encoding="{declared}"')
    if encoding in (
        "shift_jis",
        "cp932",
    ):  # emoji and ㈱'s neighbours do not all exist in Shift_JIS: keep a plain unit
        text = (
            text.split("<tu>", 1)[0].replace('<tuv xml:lang="fr-FR">', '<tuv xml:lang="de">')
            + "</body></tmx>"
        )
        text = text.replace("coopèrent", "kooperieren")
    tmx = tmp_path / "enc.tmx"
    tmx.write_bytes(text.encode(encoding))
    result = run("import-tmx", str(tmx), "--name", "enc", "-q", "--status", "confirmed")
    assert result.exit_code == 0, result.output
    assert result.output == ""
    assert _pair_units(db_path, "enc")[0] == EXPECTED[0]


def test_existing_name_is_refused_then_replaced(run, db_path: Path, tmp_path: Path) -> None:
    tmx = tmp_path / "memory.tmx"
    tmx.write_text(REALISTIC_TMX, encoding="utf-8")
    assert run("import-tmx", str(tmx), "--name", "tm").exit_code == 0
    again = run("import-tmx", str(tmx), "--name", "tm")
    assert again.exit_code == 1
    assert "already exists" in again.output
    replaced = run("import-tmx", str(tmx), "--name", "tm", "--replace", "--status", "confirmed")
    assert replaced.exit_code == 0
    assert replaced.output.splitlines()[-1] == (
        "tm: 3 beads (3 confirmed; 1 units without both Japanese and English left out)"
    )
    assert "note: replacing tm drops its 3 beads and 0 spans" in replaced.stderr
    assert _pair_units(db_path, "tm") == EXPECTED


def test_large_memory_streams(tmp_path: Path) -> None:
    units = "".join(
        f'<tu><tuv xml:lang="ja"><seg>第{i}項。</seg></tuv><tuv xml:lang="en"><seg>Item {i}.</seg></tuv></tu>'
        for i in range(30_000)
    )
    tmx = tmp_path / "big.tmx"
    tmx.write_text(f'<tmx version="1.4"><header srclang="ja"/><body>{units}</body></tmx>', encoding="utf-8")
    seen: list[int] = []
    memory = read_tmx(tmx, on_progress=lambda done, total: seen.append(done))
    assert len(memory.units) == 30_000
    assert memory.units[-1].en == "Item 29999."
    assert seen[-1] == tmx.stat().st_size
    assert seen == sorted(seen)


BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE tmx [
 <!ENTITY a "aaaaaaaaaa">
 <!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">
 <!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">
 <!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">
 <!ENTITY e "&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;">
 <!ENTITY f "&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;">
 <!ENTITY g "&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;">
 <!ENTITY h "&g;&g;&g;&g;&g;&g;&g;&g;&g;&g;">
]>
<tmx version="1.4"><header srclang="ja"/><body>
<tu><tuv xml:lang="ja"><seg>&h;</seg></tuv><tuv xml:lang="en"><seg>x</seg></tuv></tu>
</body></tmx>
"""

XXE_FILE = """<?xml version="1.0"?>
<!DOCTYPE tmx [ <!ENTITY secret SYSTEM "file:///etc/passwd"> ]>
<tmx version="1.4"><header srclang="ja"/><body>
<tu><tuv xml:lang="ja"><seg>&secret;</seg></tuv><tuv xml:lang="en"><seg>x</seg></tuv></tu>
</body></tmx>
"""

XXE_PARAMETER = """<?xml version="1.0"?>
<!DOCTYPE tmx [ <!ENTITY % remote SYSTEM "http://127.0.0.1:9/evil.dtd"> %remote; ]>
<tmx version="1.4"><header srclang="ja"/><body></body></tmx>
"""

BAD_FILES: dict[str, tuple[bytes, str]] = {
    "billion-laughs": (BILLION_LAUGHS.encode(), "declares XML entities"),
    "xxe-file": (XXE_FILE.encode(), "declares XML entities"),
    "xxe-parameter-entity": (XXE_PARAMETER.encode(), "declares XML entities"),
    "truncated": (REALISTIC_TMX[: len(REALISTIC_TMX) // 2].encode(), "not well-formed XML"),
    "mismatched-tag": (b'<tmx version="1.4"><body><tu></tuv></body></tmx>', "not well-formed XML"),
    "empty": (b"", "not well-formed XML"),
    "binary": (bytes(range(256)) * 4, "not valid utf-8"),
    "nul-bytes": (REALISTIC_TMX.encode().replace(b"<body>", b"<body>\x00"), "not well-formed XML"),
    "not-tmx": (b'<?xml version="1.0"?><martif type="TBX"><text/></martif>', "root element is <martif>"),
    "wrong-languages": (
        b'<tmx version="1.4"><header/><body><tu><tuv xml:lang="en"><seg>a</seg></tuv>'
        b'<tuv xml:lang="fr"><seg>b</seg></tuv></tu></body></tmx>',
        "no unit with both Japanese and English text (1 units; languages seen: en, fr)",
    ),
    "unknown-encoding": (b'<?xml version="1.0" encoding="x-klingon"?><tmx/>', "unknown encoding 'x-klingon'"),
    "bad-shift-jis": (
        b'<?xml version="1.0" encoding="Shift_JIS"?><tmx><body>' + b"\x81\x20\xff</body></tmx>",
        "is not valid Shift_JIS text",
    ),
    "bad-encoding": (
        b'<?xml version="1.0" encoding="UTF-8"?><tmx><body>' + "日本".encode("shift_jis") + b"</body></tmx>",
        "not well-formed XML",
    ),
}


@pytest.mark.parametrize("case", sorted(BAD_FILES))
def test_hostile_or_broken_tmx_is_refused_in_one_line_and_changes_nothing(
    run, db_path: Path, tmp_path: Path, case: str
) -> None:
    good = tmp_path / "good.tmx"
    good.write_text(REALISTIC_TMX, encoding="utf-8")
    assert run("import-tmx", str(good), "--name", "existing").exit_code == 0
    before = _dump(db_path)
    data, message = BAD_FILES[case]
    bad = tmp_path / f"{case}.tmx"
    bad.write_bytes(data)
    result = run("import-tmx", str(bad))
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert len(lines) == 1, result.output
    assert lines[0].startswith("Error: ") and message in lines[0]
    assert "Traceback" not in result.output and "passwd" not in result.output
    assert _dump(db_path) == before


def test_a_fifo_is_refused_not_waited_on(run, tmp_path: Path) -> None:
    import os

    fifo = tmp_path / "memory.tmx"
    os.mkfifo(fifo)
    result = run("import-tmx", str(fifo))  # would block forever if the file were opened
    assert result.exit_code == 1 and "not a regular file" in result.output


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("<tmx><body><tu>", "not well-formed"),
        (
            '<tmx version="1.4"><body><tu><tuv xml:lang="ja"><seg>一。</seg></tuv></tu></body></tmx>',
            "no unit with both",
        ),
    ],
)
def test_a_bad_file_creates_no_project(run, tmp_path: Path, content: str, message: str) -> None:
    bad = tmp_path / "bad.tmx"
    bad.write_text(content, encoding="utf-8")
    project = tmp_path / "typo.db"
    result = run("import-tmx", str(bad), "--db", str(project))
    assert result.exit_code == 1 and message in result.output
    assert not project.exists()


def test_our_own_tmx_round_trips_bead_status_and_score(run, db_path: Path, tmp_path: Path) -> None:
    """export → import-tmx keeps which beads a person confirmed; a unit that says nothing is auto."""
    tmx = tmp_path / "ours.tmx"
    tmx.write_text(
        """<?xml version="1.0" encoding="UTF-8"?><tmx version="1.4"><header srclang="ja"
      creationtool="taiyaku" creationtoolversion="0.1" segtype="sentence" o-tmf="taiyaku" adminlang="en"
      datatype="plaintext"/><body>
      <tu><prop type="x-status">auto</prop><prop type="x-score">0.42</prop>
        <tuv xml:lang="ja"><seg>一。</seg></tuv><tuv xml:lang="en"><seg>One.</seg></tuv></tu>
      <tu><prop type="x-status">confirmed</prop><prop type="x-score">0.9</prop>
        <tuv xml:lang="ja"><seg>二。</seg></tuv><tuv xml:lang="en"><seg>Two.</seg></tuv></tu>
      <tu><prop type="x-status">auto</prop><prop type="x-score">nan</prop>
        <tuv xml:lang="ja"><seg>三。</seg></tuv><tuv xml:lang="en"><seg>Three.</seg></tuv></tu>
      <tu><tuv xml:lang="ja"><seg>四。</seg></tuv><tuv xml:lang="en"><seg>Four.</seg></tuv></tu>
      </body></tmx>""",
        encoding="utf-8",
    )
    result = run("import-tmx", str(tmx), "--name", "rt", "--json")
    assert json.loads(result.stdout) == {"pair": "rt", "units": 4, "confirmed": 1, "skipped": 0}
    beads = json.loads(run("beads", "rt", "--json").stdout)
    assert [(b["status"], b["score"]) for b in beads] == [
        ("auto", 0.42),
        ("confirmed", 0.9),
        ("auto", None),
        ("auto", None),
    ]
    again = tmp_path / "again.tmx"
    assert run("export", "rt", "--format", "tmx", "-o", str(again)).exit_code == 0
    assert again.read_text(encoding="utf-8").count('<prop type="x-status">auto</prop>') == 3


def test_missing_file_and_directory(run, tmp_path: Path) -> None:
    missing = run("import-tmx", str(tmp_path / "nope.tmx"))
    assert missing.exit_code != 0 and "Traceback" not in missing.output
    with pytest.raises(TmxError, match="is a directory"):
        read_tmx(tmp_path)


@pytest.mark.slow
def test_tmx_written_by_omegat_imports(run, db_path: Path, tmp_path: Path) -> None:
    """A real tool's output: OmegaT's own project TMX (level 2, TMX 1.4) after a console run."""
    from omegat_harness import build_project, require_omegat, run_console

    require_omegat()
    tmx = """<?xml version="1.0" encoding="UTF-8"?><tmx version="1.4"><header srclang="ja" segtype="paragraph"
      datatype="plaintext" o-tmf="x" adminlang="en" creationtool="t" creationtoolversion="1"/><body>
      <tu><tuv xml:lang="ja"><seg>防衛協力を強化する。</seg></tuv><tuv xml:lang="en"><seg>Strengthen defence cooperation.</seg></tuv></tu>
      <tu><tuv xml:lang="ja"><seg>ＲｅＣＡＡＰに参加する。</seg></tuv><tuv xml:lang="en"><seg>Take part in ReCAAP.</seg></tuv></tu>
      </body></tmx>"""
    project = build_project(
        tmp_path / "omt", ["防衛協力を強化する。", "ＲｅＣＡＡＰに参加する。"], tmx={"in.tmx": tmx.encode()}
    )
    assert run_console(project).errors() == []
    written = project / "omt-level2.tmx"
    result = run("import-tmx", str(written), "--name", "from-omegat")
    assert result.exit_code == 0, result.output
    assert sorted(_pair_units(db_path, "from-omegat", "auto")) == sorted(
        [
            ("防衛協力を強化する。", "Strengthen defence cooperation."),
            ("ＲｅＣＡＡＰに参加する。", "Take part in ReCAAP."),
        ]
    )


def test_tmx_written_by_translate_toolkit_imports(run, db_path: Path, tmp_path: Path) -> None:
    from translate.storage.tmx import tmxfile

    tm = tmxfile(sourcelanguage="ja-JP", targetlanguage="en-US")
    pairs = [
        ("防衛協力を強化する。", "Strengthen defence cooperation."),
        ("ＲｅＣＡＡＰ<協定>に参加する & 貢献する。", "Take part in the ReCAAP <agreement> & contribute."),
    ]
    for ja, en in pairs:
        tm.addtranslation(ja, "ja-JP", en, "en-US")
    path = tmp_path / "tt.tmx"
    path.write_bytes(bytes(tm))
    # po2tmx writes every unit alike, reviewed or not: they come in as auto beads unless the person asks
    result = run("import-tmx", str(path), "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.output) == {"pair": "tt", "units": 2, "confirmed": 0, "skipped": 0}
    assert _pair_units(db_path, "tt", "auto") == pairs
    result = run("import-tmx", str(path), "--json", "--name", "tt2", "--status", "confirmed")
    assert json.loads(result.output)["confirmed"] == 2
