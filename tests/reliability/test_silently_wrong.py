"""Issue 12, items 6, 7, 9, 14, 15, 17: inputs that used to import silently wrong now come in right, or are
refused (or warned about) in one line."""

from __future__ import annotations

from pathlib import Path

import pytest
from rel_harness import assert_clean_error, run_cli

from alignment.project import ProjectError
from alignment.text import printable, strip_controls
from alignment.textio import decode_bytes, plausible_japanese
from alignment.tmx_import import MAX_UNIT, read_tmx

# --- item 6: legacy encodings ---------------------------------------------------------------------------

ENGLISH_1252 = "Japan’s forces won’t withdraw; the café’s résumé—“naïve” ideas.\n"


@pytest.mark.parametrize("codec", ["cp1252", "latin-1"])
def test_windows_english_is_not_read_as_cp932(codec: str) -> None:
    text = ENGLISH_1252 if codec == "cp1252" else "Größe über alles, déjà vu, señor.\n"
    decoded = decode_bytes(text.encode(codec))
    assert decoded.text == text
    assert decoded.encoding in ("cp1252", "latin-1")


@pytest.mark.parametrize("codec", ["cp932", "euc_jp"])
def test_japanese_legacy_codecs_still_win_when_the_text_is_japanese(codec: str) -> None:
    for text in (
        "日本の防衛政策について述べる。\n",
        "防衛省,Ministry of Defense\n海上保安庁,Japan Coast Guard\n",
    ):
        assert decode_bytes(text.encode(codec)).text == text


def test_mojibake_is_not_plausible_japanese() -> None:
    assert not plausible_japanese("Japan痴 forces won稚 withdraw")
    assert plausible_japanese("IPMDA構想を推進する。")
    assert plausible_japanese("防衛省")


@pytest.mark.parametrize(
    "data",
    [
        "日本の防衛政策".encode()[:-1],  # last character cut off
        b"\xe3" + "はい、そうです".encode(),  # a stray leading byte
        "防衛".encode() + b"\x81" + "政策を述べる文書".encode(),  # a stray byte inside
    ],
)
def test_nearly_utf8_is_refused_at_the_bad_byte(data: bytes) -> None:
    with pytest.raises(ProjectError, match=r"UTF-8|mixes encodings") as err:
        decode_bytes(data)
    assert "byte" in str(err.value)


def test_import_of_windows_english_keeps_the_apostrophes(tmp_path: Path) -> None:
    ja, en, db = tmp_path / "d.ja.txt", tmp_path / "d.en.txt", tmp_path / "p.db"
    ja.write_text("日本の部隊は撤退しない。\n", encoding="utf-8")
    en.write_bytes(ENGLISH_1252.encode("cp1252"))
    proc = run_cli("import", ja, en, "--segmented", "--name", "d", db=db)
    assert proc.returncode == 0, proc.stderr
    out = run_cli("segments", "d", "--lang", "en", db=db)
    assert "Japan’s" in out.stdout and "痴" not in out.stdout


# --- item 7: control characters -------------------------------------------------------------------------

HOSTILE = "見出し\x1b]0;pwned\x07です。\x1b[2J\x1b[H本文\x1b]52;c;ZXZpbA==\x07。\x9b31m赤\tタブ\n"


def test_terminal_escapes_are_stripped_at_import() -> None:
    decoded = decode_bytes(HOSTILE.encode("utf-8"))
    assert decoded.text == "見出しです。本文。赤\tタブ\n"
    assert decoded.controls_removed > 0
    assert strip_controls("a\tb\nc\rd\fe")[1] == 0


def test_stored_text_is_printed_without_raw_controls() -> None:
    shown = printable("x\x1b[2Jy\x07z\x9b")
    assert "\x1b" not in shown and "\x07" not in shown and "\x9b" not in shown
    assert shown.startswith("x␛[2Jy")


def test_segments_never_print_escapes(tmp_path: Path) -> None:
    ja, db = tmp_path / "h.txt", tmp_path / "p.db"
    ja.write_bytes(HOSTILE.encode("utf-8"))
    assert run_cli("import", ja, "--segmented", "--name", "h", db=db).returncode == 0
    # a project written before import stripped controls: the text is stored with its escapes
    from alignment.model import Document
    from alignment.project import write
    from alignment.store import create_pair, insert_document
    from alignment.text import line_segments
    from tui.common import open_db

    project = open_db(str(db))
    try:
        with write(project):
            pair_id = create_pair(project, "old")
            doc = Document(None, pair_id, "ja", HOSTILE, HOSTILE, ((0, 0, len(HOSTILE)),), segmented=True)
            insert_document(project, pair_id, doc, line_segments(HOSTILE))
    finally:
        project.close()
    for name in ("h", "old"):
        for args in ((), ("-q",)):
            out = run_cli("segments", name, *args, db=db)
            assert out.returncode == 0, out.stderr
            assert not any(c in out.stdout for c in "\x1b\x07\x9b"), out.stdout


# --- items 9, 14, 15, 17: TMX ---------------------------------------------------------------------------

BODY = (
    '<tmx version="1.4"><header srclang="ja"/><body>{units}</body></tmx>'  # no declaration: UTF-8 or sniffed
)
UNIT = '<tu><tuv xml:lang="{a}"><seg>{ja}</seg></tuv><tuv xml:lang="{b}"><seg>{en}</seg></tuv></tu>'
PAIRS = [("日本の防衛。", "Japan’s defence."), ("協力する。", "We cooperate."), ("以上。", "That is all.")]


def _tmx(tmp_path: Path, data: bytes, name: str = "m.tmx") -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def _units(a: str = "ja", b: str = "en", pairs: list[tuple[str, str]] = PAIRS) -> str:
    return "".join(UNIT.format(a=a, b=b, ja=ja, en=en) for ja, en in pairs)


def test_tmx_declared_latin1_but_utf8_is_read_as_utf8(tmp_path: Path) -> None:
    data = ('<?xml version="1.0" encoding="ISO-8859-1"?>' + BODY.format(units=_units())).encode("utf-8")
    memory = read_tmx(_tmx(tmp_path, data))
    assert [(u.ja, u.en) for u in memory.units] == PAIRS


def test_tmx_in_cp932_without_a_declaration_is_read(tmp_path: Path) -> None:
    pairs = [(ja, en.replace("’", "'")) for ja, en in PAIRS]
    data = BODY.format(units=_units(pairs=pairs)).encode("cp932")
    assert [(u.ja, u.en) for u in read_tmx(_tmx(tmp_path, data)).units] == pairs


def test_swapped_tmx_is_warned_about_and_refused_with_strict(tmp_path: Path) -> None:
    swapped = [(en, ja) for ja, en in PAIRS]
    path = _tmx(tmp_path, BODY.format(units=_units(pairs=swapped)).encode())
    assert any("swapped" in w for w in read_tmx(path).warnings())
    db = tmp_path / "p.db"
    proc = run_cli("import-tmx", path, db=db)
    assert proc.returncode == 0 and "swapped" in proc.stderr
    assert_clean_error(run_cli("import-tmx", path, "--name", "s2", "--strict", db=db), contains="swapped")
    english_only = [(en, en) for _, en in PAIRS]
    warned = read_tmx(_tmx(tmp_path, BODY.format(units=_units(pairs=english_only)).encode(), "e.tmx"))
    assert any("no japanese" in w.lower() for w in warned.warnings())
    assert read_tmx(_tmx(tmp_path, BODY.format(units=_units()).encode(), "ok.tmx")).warnings() == []


def test_huge_tmx_unit_is_left_out_with_a_reason(tmp_path: Path) -> None:
    pairs = [*PAIRS, ("長" * (MAX_UNIT + 1), "long")]
    memory = read_tmx(_tmx(tmp_path, BODY.format(units=_units(pairs=pairs)).encode()))
    assert len(memory.units) == 3 and memory.too_long == 1
    assert any("longer than" in w for w in memory.warnings())


def test_deeply_nested_seg_is_read_without_recursion_error(tmp_path: Path) -> None:
    deep = "<hi>" * 20_000 + "日本" + "</hi>" * 20_000
    data = BODY.format(units=UNIT.format(a="ja", b="en", ja=deep, en="Japan")).encode()
    assert [(u.ja, u.en) for u in read_tmx(_tmx(tmp_path, data)).units] == [("日本", "Japan")]


def test_tmx_from_other_tools_is_not_confirmed_unless_asked(tmp_path: Path) -> None:
    path = _tmx(tmp_path, BODY.format(units=_units()).encode())
    db = tmp_path / "p.db"
    assert run_cli("import-tmx", path, "--name", "a", db=db).returncode == 0
    assert run_cli("import-tmx", path, "--name", "c", "--status", "confirmed", db=db).returncode == 0
    import json

    auto = json.loads(run_cli("beads", "a", "--json", db=db).stdout)
    confirmed = json.loads(run_cli("beads", "c", "--json", db=db).stdout)
    assert {b["status"] for b in auto} == {"auto"}
    assert {b["status"] for b in confirmed} == {"confirmed"}
