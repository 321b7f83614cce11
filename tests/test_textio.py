"""Reading import files: encodings detected or named, and one-line refusals for what is not text."""

from __future__ import annotations

import codecs
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from alignment.project import ProjectError
from alignment.textio import decode_bytes, read_text

JA = "日本国とインドの両政府（以下「両国」という。）は、ＲｅＣＡＡＰを通じた協力を強化する。"


@pytest.mark.parametrize(
    ("data", "encoding"),
    [
        (JA.encode("utf-8"), "utf-8"),
        (codecs.BOM_UTF8 + JA.encode("utf-8"), "utf-8-sig"),
        (JA.encode("utf-16"), "utf-16"),  # with BOM (native order)
        (codecs.BOM_UTF16_BE + JA.encode("utf-16-be"), "utf-16"),
        (codecs.BOM_UTF16_LE + JA.encode("utf-16-le"), "utf-16"),
        (JA.encode("cp932"), "cp932"),
        (JA.encode("euc_jp"), "euc_jp"),
    ],
)
def test_detects_encoding(data: bytes, encoding: str) -> None:
    decoded = decode_bytes(data)
    assert decoded.text == JA  # no BOM left in the text
    assert decoded.encoding == encoding


def test_plain_shift_jis_detected() -> None:
    text = "海上自衛隊の艦艇による寄港を、より頻繁に行う。"
    assert decode_bytes(text.encode("shift_jis")).encoding == "cp932"
    assert decode_bytes(text.encode("shift_jis")).text == text


def test_cp932_extensions_detected() -> None:
    text = "①②③ ㈱ 髙橋 ～ 防衛省"  # characters only CP932 (not plain Shift_JIS) has
    assert decode_bytes(text.encode("cp932")).text == text


@pytest.mark.parametrize("name", ["euc-jp", "EUC_JP", "cp932", "utf-8", "utf-8-sig"])
def test_named_encoding(name: str) -> None:
    data = JA.encode(name)
    assert decode_bytes(data, name).text == JA


def test_named_encoding_that_does_not_fit() -> None:
    with pytest.raises(ProjectError, match=r"cannot be decoded as utf-8: byte 0x.. at offset \d+"):
        decode_bytes(JA.encode("cp932"), "utf-8")


def test_unknown_encoding_name() -> None:
    with pytest.raises(ProjectError, match="unknown encoding 'klingon'"):
        decode_bytes(b"abc", "klingon")


@pytest.mark.parametrize("name", ["rot13", "base64", "hex"])
def test_codecs_that_are_not_text_encodings(name: str) -> None:
    with pytest.raises(ProjectError, match="is not a text encoding"):
        decode_bytes(b"abc", name)


def test_utf16_without_bom_needs_byte_order() -> None:
    with pytest.raises(ProjectError, match="byte-order mark"):
        decode_bytes(JA.encode("utf-16-le"), "utf-16")
    assert decode_bytes(JA.encode("utf-16-le"), "utf-16-le").text == JA


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "is empty"),
        ("  \n\t\r\n\u3000\n".encode(), "no text"),
        (b"abc\x00def", "NUL bytes"),
        ("UTF-16 text 日本".encode("utf-16-le"), "NUL bytes"),  # UTF-16 without a BOM looks binary
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", "PDF file"),
        (b"PK\x03\x04\x14\x00", "ZIP archive"),
        (b"\x89PNG\r\n\x1a\n", "PNG image"),
        (b"SQLite format 3\x00" + bytes(100), "SQLite database"),
        (b"plain \xff\xfe\xfd\x80 bytes", "not valid UTF-8, UTF-16, Shift_JIS/CP932 or EUC-JP"),
        (b"abc\x01\x02\x03\x04\x05\x06", "looks binary"),
    ],
)
def test_refuses(data: bytes, message: str) -> None:
    with pytest.raises(ProjectError, match=message) as info:
        decode_bytes(data, name="in.txt")
    assert "\n" not in str(info.value)
    assert str(info.value).startswith("in.txt ")


def test_read_text_file_errors(tmp_path: Path) -> None:
    with pytest.raises(ProjectError, match="no such file"):
        read_text(tmp_path / "missing.txt")
    with pytest.raises(ProjectError, match="is a directory"):
        read_text(tmp_path)
    with pytest.raises(ProjectError, match="not a regular file"):
        read_text("/dev/zero")  # would never end
    path = tmp_path / "ok.txt"
    path.write_bytes(JA.encode("euc_jp"))
    decoded = read_text(path)
    assert (decoded.text, decoded.encoding) == (JA, "euc_jp")


def test_form_feed_and_tabs_are_text() -> None:
    assert decode_bytes(b"page one\n\x0cpage two\tcol").text == "page one\n\x0cpage two\tcol"


_ja_text = st.text(
    alphabet=st.sampled_from(
        list("あいうえおかきくけこがぎさしすたちつてとなにのはひまみやゆよらりるれろわをん")
        + list("アイウエオカキクケコサシスタチツテトナニヌネノハヒフヘホマミムメモャュョッー")
        + list("日本国防衛省安全保障協力自衛隊海洋情報融合中心地域政府共同宣言")
        + list("、。「」（）・ＩＦＣＯＲ０１２ 0123abcXYZ\n")
    ),
    min_size=8,
    max_size=200,
).filter(lambda t: sum(1 for c in t if "\u3041" <= c <= "\u30ff") >= 4)


@settings(max_examples=150, deadline=None)
@given(text=_ja_text, codec=st.sampled_from(["utf-8", "cp932", "euc_jp", "utf-16"]))
def test_japanese_roundtrips_through_detection(text: str, codec: str) -> None:
    decoded = decode_bytes(text.encode(codec))
    assert decoded.text == text


def test_a_file_that_switches_from_utf8_to_cp932_is_refused() -> None:
    data = "協力は防衛の\n".encode() + "基本である。\n".encode("cp932")
    with pytest.raises(ProjectError, match="mixes encodings: it is UTF-8 Japanese up to byte 19"):
        decode_bytes(data, name="mixed.txt")


@pytest.mark.parametrize("encoding", ["cp932", "euc_jp"])
def test_plain_legacy_encodings_are_never_taken_for_mixed(encoding: str) -> None:
    text = "海洋状況把握のためのインド太平洋パートナーシップ（ＩＰＭＤＡ）、ｶﾀｶﾅ、①㈱。" * 50
    data = text.encode(encoding, errors="replace")
    for start in range(0, 400, 7):  # samples may begin anywhere, even inside a character
        try:
            decode_bytes(data[start:], name="x")
        except ProjectError as exc:
            assert "mixes" not in str(exc)


@pytest.mark.parametrize(
    "text", ["2020年6月", "（ADMM）", "空自は、", "URL：https://example.jp/", "ASEAN全体の経済安保"]
)
@pytest.mark.parametrize("codec", ["cp932", "euc_jp"])
def test_short_japanese_fragments_in_legacy_codecs(text: str, codec: str) -> None:
    """Issue 12 item 6: the checks against Windows-1252 mojibake must not turn away short Japanese (digits
    before 年, full-width brackets around Latin, a compound after Latin letters)."""
    from alignment.textio import decode_bytes

    if codec == "euc_jp" and text.startswith("2020"):
        pytest.skip("EUC-JP 年 is a valid UTF-8 sequence: an eight-byte sample cannot tell")
    assert decode_bytes(text.encode(codec)).text == text
