"""Sentence and clause rules (JA, EN), clause tiling, and the cached GiNZA parse."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlite_utils import Database

from alignment import parse, segment
from alignment.project import open_project


def ja(text: str) -> list[str]:
    return [text[a:b] for a, b in segment.ja_sentences(text)]


def en(text: str) -> list[str]:
    return [text[a:b] for a, b in segment.en_sentences(text)]


# --- Japanese sentences -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("今日は晴れ。明日は雨！本当？", ["今日は晴れ。", "明日は雨！", "本当？"]),
        # closing brackets stay with their sentence; a quote followed by a particle continues it
        (
            "「たかだか敗れただけだ。」「まだ継戦も辞さない。」しかし譲歩した。",
            ["「たかだか敗れただけだ。」", "「まだ継戦も辞さない。」", "しかし譲歩した。"],
        ),
        ("彼は「行く。」と述べた。", ["彼は「行く。」と述べた。"]),
        # 。 inside parentheses does not end the sentence
        ("両政府（以下「両国」という。）は、協力する。", ["両政府（以下「両国」という。）は、協力する。"]),
        (
            "合計（4000億円前後。当時の予算の4倍）以上の銀。",
            ["合計（4000億円前後。当時の予算の4倍）以上の銀。"],
        ),
        # a parenthesised reference after a sentence is a sentence of its own
        (
            "永遠に廃止する。（第一条）清国は、台湾を割譲する。（第二条、第三条）",
            ["永遠に廃止する。", "（第一条）", "清国は、台湾を割譲する。", "（第二条、第三条）"],
        ),
        # ...but not an item number, nor a bracket that is the subject
        ("(１)幅広い分野における協力", ["(１)幅広い分野における協力"]),
        ("（以下「両国」）は、協力する。", ["（以下「両国」）は、協力する。"]),
        ("（参考）防衛協力にかかる各種協定の締結", ["（参考）防衛協力にかかる各種協定の締結"]),
        # lines are always boundaries; blank lines and surrounding spaces vanish
        ("見出し\n\n  本文です。 \n- ◆ 項目", ["見出し", "本文です。", "- ◆ 項目"]),
        # full-width period: a sentence end, not a decimal point or an item number
        (
            "３．国家安全保障のため推進する。トラック１．５対話．次へ",
            ["３．国家安全保障のため推進する。", "トラック１．５対話．", "次へ"],
        ),
        # ASCII ! and ? end sentences, but not inside a URL
        ("可能に! 詳細はhttps://x.jp/a?b=1を参照。", ["可能に!", "詳細はhttps://x.jp/a?b=1を参照。"]),
        # a list of title　name（note） entries run together
        (
            "大日本帝国全権\u3000伊藤博文\u3000（内閣総理大臣）大日本帝国全権弁理大臣\u3000陸奥宗光（外務大臣 (日本)）",
            [
                "大日本帝国全権\u3000伊藤博文\u3000（内閣総理大臣）",
                "大日本帝国全権弁理大臣\u3000陸奥宗光（外務大臣 (日本)）",
            ],
        ),
        # unmatched brackets do not swallow the rest of the paragraph
        ("（未完の括弧。次の文。", ["（未完の括弧。", "次の文。"]),
    ],
)
def test_japanese_sentences(text: str, expected: list[str]) -> None:
    assert ja(text) == expected


# --- English sentences -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("The two countries met. They agreed.", ["The two countries met.", "They agreed."]),
        (
            "See No. 5 and Art. 9 of the Treaty. Then stop.",
            ["See No. 5 and Art. 9 of the Treaty.", "Then stop."],
        ),
        (
            "The U.S. Navy and the U.K. joined, e.g. in drills. Next.",
            ["The U.S. Navy and the U.K. joined, e.g. in drills.", "Next."],
        ),
        (
            "Mr. Kishi met Dr. J. Smith in Jan. 2021. Talks followed.",
            ["Mr. Kishi met Dr. J. Smith in Jan. 2021.", "Talks followed."],
        ),
        (
            "1. The two countries will cooperate. (2) Exercises follow.",
            ["1. The two countries will cooperate.", "(2) Exercises follow."],
        ),
        ('He said "We agree." Then left.', ['He said "We agree."', "Then left."]),
        ('"Really?" she asked. Yes.', ['"Really?" she asked.', "Yes."]),
        ("Growth was 3.5 percent (see para. 4). Fine.", ["Growth was 3.5 percent (see para. 4).", "Fine."]),
        ("(a) First item\n(b) Second item", ["(a) First item", "(b) Second item"]),
        (
            "It covers data centers, cables, etc. The list goes on.",
            ["It covers data centers, cables, etc.", "The list goes on."],
        ),
    ],
)
def test_english_sentences(text: str, expected: list[str]) -> None:
    assert en(text) == expected


def test_english_clauses_tile_the_sentence() -> None:
    s = "in areas including the following: (1) exercises; (2) dialogue and (a) visits"
    ranges = segment.en_clauses(s)
    assert [s[a:b] for a, b in ranges] == [
        "in areas including the following: ",
        "(1) exercises; ",
        "(2) dialogue and ",
        "(a) visits",
    ]
    assert ranges[0][0] == 0 and ranges[-1][1] == len(s)
    assert all(a[1] == b[0] for a, b in itertools.pairwise(ranges))


def test_clauses_from_non_contiguous_tokens() -> None:
    text = "両国は、協力を強化し、連携する。"
    # a root clause whose subject comes first and a subordinate clause nested inside it
    root = [(0, 2), (2, 3), (11, 13), (13, 15), (15, 16)]
    sub = [(4, 6), (6, 7), (7, 9), (9, 10)]
    ranges = segment.clauses_from_tokens(text, [root, sub])
    assert [text[a:b] for a, b in ranges] == ["両国は、協力を強化し、", "連携する。"]


def test_long_clauses_are_cut_at_bunsetsu_commas() -> None:
    text = "(５)戦略的分野における脆弱性の低減、経済的威圧、非市場的政策及び慣行、それらに起因する過剰生産への対応を含む協力"
    commas = [i + 1 for i, c in enumerate(text) if c == "、"]
    bunsetsu = list(itertools.pairwise([0, *commas, len(text)]))
    ranges = segment.split_long_clauses(text, [(0, len(text))], bunsetsu)
    assert [text[a:b] for a, b in ranges] == [
        "(５)戦略的分野における脆弱性の低減、",
        "経済的威圧、",
        "非市場的政策及び慣行、",
        "それらに起因する過剰生産への対応を含む協力",
    ]
    short = "短い節、です"
    assert segment.split_long_clauses(short, [(0, len(short))], [(0, 4), (4, 6)]) == [(0, len(short))]


@settings(max_examples=200, deadline=None)
@given(
    text=st.text(alphabet=st.sampled_from(list("日本語。、「」（）()!?．１ \n\u3000abcA.")), max_size=80),
    lang=st.sampled_from(["ja", "en"]),
)
def test_sentences_are_trimmed_in_order_and_never_cross_lines(text: str, lang: str) -> None:
    spans = segment.sentences(text, lang)  # type: ignore[arg-type]
    last = 0
    for a, b in spans:
        assert last <= a < b <= len(text)
        piece = text[a:b]
        assert piece == piece.strip() and "\n" not in piece
        last = b
    # every non-space character is in some sentence
    covered = {i for a, b in spans for i in range(a, b)}
    assert all(i in covered for i, c in enumerate(text) if not c.isspace())


@settings(max_examples=200, deadline=None)
@given(length=st.integers(0, 50), cuts=st.lists(st.integers(-5, 60)))
def test_tile_covers_exactly(length: int, cuts: list[int]) -> None:
    ranges = segment.tile(length, cuts)
    if length == 0:
        assert ranges == []
        return
    assert ranges[0][0] == 0 and ranges[-1][1] == length
    assert all(a < b for a, b in ranges)
    assert all(x[1] == y[0] for x, y in itertools.pairwise(ranges))


# --- the GiNZA parse and its cache --------------------------------------------------------------------------

SENTENCES = [
    "(２)インド洋地域情報融合センター（ＩＦＣ－ＩＯＲ）及び海洋状況把握のためのインド太平洋パートナーシップ"
    "（ＩＰＭＤＡ）を通じた、共通海洋状況図の構築に向けた状況把握並びに二国間及び地域的協力の強化",
    "日本国とインドの両政府（以下「両国」という。）は、共有の価値と共通の利益に基づく日印特別戦略的"
    "グローバル・パートナーシップの政治的ビジョンと目標を想起し、",
    "防衛省は㈱ｶﾞｽと協定を結んだ😀。",
]


@pytest.fixture
def db(tmp_path: Path) -> Iterator[Database]:
    database = open_project(tmp_path / "p.db")
    yield database
    database.close()


def test_parse_clauses_tile_each_sentence(db: Database) -> None:
    parses = parse.parse_texts(db, SENTENCES)
    for text, p in zip(SENTENCES, parses, strict=True):
        assert p.clauses[0][0] == 0 and p.clauses[-1][1] == len(text)
        assert all(x[1] == y[0] for x, y in zip(p.clauses, p.clauses[1:], strict=False))
        assert all(text[t.start : t.end] == t.text for t in p.tokens)
        assert all(0 <= e.start < e.end <= len(text) for e in p.ents)
        assert all(0 <= a < b <= len(text) for a, b in p.bunsetsu)
    assert len(parses[0].clauses) >= 2  # a long numbered item has clause children
    labels = {SENTENCES[0][e.start : e.end]: e.label for e in parses[0].ents}
    assert labels  # GiNZA finds entities in it


def test_parse_cache_serves_unchanged_text(db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    first = parse.parse_texts(db, SENTENCES)
    assert db.execute("SELECT count(*) FROM parses").fetchone()[0] == len(SENTENCES)

    def no_parsing(texts: list[str]) -> Iterator[object]:
        raise AssertionError(f"re-parsed {texts!r}")
        yield  # pragma: no cover

    monkeypatch.setattr(parse, "_parse_uncached", lambda texts: no_parsing(texts) if texts else iter(()))
    seen: list[int] = []
    again = parse.parse_texts(db, [*SENTENCES, SENTENCES[0]], on_progress=seen.append)
    assert again[: len(SENTENCES)] == first and again[-1] == first[0]
    assert sum(seen) == len(SENTENCES) + 1


def test_parse_repeated_texts_once_and_reports_progress(db: Database) -> None:
    seen: list[int] = []
    out = parse.parse_texts(db, [SENTENCES[2], SENTENCES[2], "", "  "], on_progress=seen.append)
    assert out[0] == out[1]
    assert out[2].clauses == () and out[3].clauses == ((0, 2),)
    assert sum(seen) == 4


def test_chunks_respect_the_byte_limit() -> None:
    text = "安全保障協力を強化する。" * 5000  # 180 KB of UTF-8, well over SudachiPy's 49,149 bytes
    pieces = parse.chunks(text)
    assert "".join(p for _, p in pieces) == text
    assert all(len(p.encode()) <= parse.CHUNK_BYTES < parse.SUDACHI_MAX_BYTES for _, p in pieces)
    assert [o for o, _ in pieces] == [sum(len(p) for _, p in pieces[:i]) for i in range(len(pieces))]
    assert all(p.endswith("。") for _, p in pieces[:-1])  # cut after punctuation


def test_chunks_bound_characters_too() -> None:
    text = "あ" * 1_000
    pieces = parse.chunks(text)
    assert [len(p) for _, p in pieces] == [parse.CHUNK_CHARS] * 2 + [1_000 - 2 * parse.CHUNK_CHARS]


def test_long_text_is_parsed_in_chunks_and_stitched(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(parse, "CHUNK_BYTES", 120)
    text = "インド太平洋地域の平和と安定のため、両国は協力を強化する。" * 4
    assert len(parse.chunks(text, parse.CHUNK_BYTES)) > 1
    (p,) = parse.parse_texts(None, [text])
    assert p.clauses[0][0] == 0 and p.clauses[-1][1] == len(text)
    assert all(x[1] == y[0] for x, y in zip(p.clauses, p.clauses[1:], strict=False))
    assert all(text[t.start : t.end] == t.text for t in p.tokens)
    starts = [t.start for t in p.tokens]
    assert starts == sorted(starts)


def test_splits_word_tells_wraps_from_breaks() -> None:
    assert parse.splits_word("などの制", "度的枠組みの整備")
    assert parse.splits_word("グローバル・パートナー", "シップの政治的")
    assert not parse.splits_word("効果的な運用に注力", "これまで十分に")
