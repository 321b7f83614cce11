"""PDF line repair: tricky cases taken from the seeds, and the offset map's guarantees as properties."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from alignment import parse, segment
from alignment.repair import OffsetMap, Repaired, repair, runs_from_sources, unrepaired

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
DEV_GOLD = ROOT.parent / "shared" / "dev-gold"

SEED_FILES = {p.name[:3]: p for p in SEEDS.glob("*.txt")}

# Substitutions repair may make (documented in alignment.repair): everything else is kept or deleted.
SUBSTITUTIONS = {
    ("\n", " "),
    ("\r", "\n"),
    ("\f", "\n"),
    ("\v", "\n"),
    ("\u2028", "\n"),
    ("\u2029", "\n"),
    ("\x85", "\n"),
    ("\x1c", "\n"),
    ("\x1d", "\n"),
    ("\x1e", "\n"),
    ("\r", " "),
    ("\f", " "),
}


def seed_lines(seed: str, first: int, last: int) -> str:
    """Lines [first, last) of a seed file, as they are in the file."""
    lines = SEED_FILES[seed].read_text(encoding="utf-8").split("\n")
    return "\n".join(lines[first:last])


def sentences_of(raw: str, lang: str = "ja") -> list[str]:
    r = repair(raw, lang, word_split=parse.splits_word if lang == "ja" else None)  # type: ignore[arg-type]
    check_offsets(r)
    return [r.text[a:b] for a, b in segment.sentences(r.text, lang)]  # type: ignore[arg-type]


def check_offsets(r: Repaired) -> None:
    """The document text is derived from the raw text by keeping, deleting or 1:1 substituting characters."""
    m = r.offsets
    assert sum(n for _, _, n in r.runs) == len(r.text)
    sources = [m.to_raw(pos) for pos in range(len(r.text))]
    assert all(0 <= raw < len(r.raw) for raw in sources), "the map must stay inside the raw text"
    assert len(set(sources)) == len(sources), "a raw character stands for one document character at most"
    # only a box moved after the sentence it cut leaves raw order
    assert (sources == sorted(sources)) == (r.layout.moved == 0), r.layout.moved
    for pos, raw in enumerate(sources):
        if r.text[pos] != r.raw[raw]:
            assert (r.raw[raw], r.text[pos]) in SUBSTITUTIONS, (pos, r.raw[raw], r.text[pos])
    assert m.to_raw(len(r.text)) == len(r.raw)


# --- tricky cases from the seeds ----------------------------------------------------------------------------

CASES = [
    pytest.param(
        "000",
        0,
        36,
        [
            "共有の価値と共通の利益に基づく日印特別戦略的グローバル・パートナーシップの政治的ビジョンと目標を想起し、",
            "自由で開かれ、平和で繁栄し、威圧のない、ルールに基づく国際秩序を堅持するインド太平洋地域にとっての両国の不可欠な役割を強調し、",
            "資源基盤と技術的能力における両国の相互補完的な強みを認識し、",
            "法の支配に基づく国際秩序を堅持することにコミットし、",
        ],
        id="preamble clauses ending in 、 at a line end stay separate; パートナー|シップ joins",
    ),
    pytest.param(
        "000",
        87,
        116,
        [
            "(２)インド洋地域情報融合センター（ＩＦＣ－ＩＯＲ）及び海洋状況把握のためのインド太平洋パートナーシップ（ＩＰＭＤＡ）を通じた、"
            "共通海洋状況図の構築に向けた状況把握並びに二国間及び地域的協力の強化",
            "(４)知見の共有及び能力構築を通じた、インド太平洋地域の災害リスクの軽減と備えのための（災害に強靱なインフラに関するコアリション"
            "（ＣＤＲＩ）及びアジア防災センターを含む）二国間及び多国間の協力",
        ],
        id="numbered items are one sentence each; （ＣＤＲ|Ｉ） joins; ＩＦＣ－ＩＯＲ intact",
    ),
    pytest.param(
        "000",
        233,
        252,
        [
            "(７)核兵器の全面的な廃絶、核拡散及び核テロリズムの終結並びにシャノン・マンデートに基づいた、非差別的な、多国間の、国際的かつ実効的な"
            "検証が可能な核兵器用核分裂性物質生産禁止条約（ＦＭＣＴ）に関する軍縮会議における交渉の即時開始と早期合意に対する共通のコミットメントを再確認",
            "(８)国際的な不拡散の取組を強化することを目指し、インドが原子力供給グループのメンバーになるための協力の継続",
        ],
        id="a wrap across a page gap and a line starting with ・",
    ),
    pytest.param(
        "000",
        253,
        290,
        [
            "６.両国の外務・防衛大臣による日印外務・防衛閣僚会合（「２＋２」）及び以下のような様々な政府間の安全保障対話を通じて、"
            "既存の二国間協議・交流の枠組みを補完・強化する。",
            "(６)安全保障上の課題に対する理解を促進し、新たな協力のアイデアを引き出すための日印のシンクタンクによるトラック １．５対話",
        ],
        id="１．５ is a number, not a sentence end",
    ),
    pytest.param(
        "001",
        0,
        20,
        [
            "厳しい国際情勢と世界経済の不確実性を踏まえ、日印が共に成長・繁栄・強靭さを実現し、地域全体を「共に、強く豊かに」することを目指す。",
            "① 現下の国際情勢を踏まえた日印の戦略的協力関係の深化",
            "- ◆ 日印国交樹立75周年（2027年）：記念行事や地方自治体連携を通じた交流を促進。",
            "<安保協力>",
            "- ① 年内の第4回日印2+2閣僚会合の開催",
        ],
        id="markdown emphasis removed; ①, - ◆ and <…> lines are boundaries",
    ),
    pytest.param(
        "003",
        12,
        36,
        [
            "その際、同志国などとの連携強化を効果的に進める観点から、円滑化協定 (RAA)、物品役務相互提供協定 (ACSA)、"
            "防衛装備品・技術移転協定などの制度的枠組みの整備をさらに推進していくとしている。",
            "KEY WORD",
            "円滑化協定 (RAA)",
        ],
        id="制|度的 joins (a word cut by the wrap); KEY WORD box heading stays",
    ),
    pytest.param(
        "004",
        0,
        12,
        ["令和8年3月", "防衛省", "無人アセット防衛能力"],
        id="letter-spaced 防 衛 省, 令和 8 年 3 月",
    ),
    pytest.param(
        "004",
        36,
        45,
        [
            "※1 UAV : Unmanned Aerial Vehicle (無人航空機)",
            "※2 ISRT : 情報収集・警戒監視・偵察・ターゲティング Intelligence, Surveillance, Reconnaissance and Targeting",
        ],
        id="emphasis inside words (**U**n**m**anned)",
    ),
    pytest.param(
        "004",
        215,
        230,
        [
            "APTによる攻撃キャンペーン（有事以前）",
            "- ◆ 複数の標的/地域にまたがる攻撃キャンペーンの展開、AIを駆使したサイバーキルチェーンの自動化",
        ],
        id="spaced capitals A P T and A I glued to Japanese",
    ),
    pytest.param("004", 64, 72, ["検討の方向性", "主な 検討事項"], id="a space between two words stays"),
    pytest.param(
        "004",
        138,
        176,
        ["1", "迅速かつ的確な戦況把握", "2", "3", "4", "5"],
        id="lone figure numbers a few lines apart are content, not page numbers",
    ),
    pytest.param(
        "002",
        170,
        210,
        [
            "…\u3000「2+2」・防衛相会談・幕僚長級会談などのハイレベルの会談、防衛当局間の実務者協議、多国間の国際会議などにおいて、"
            "防衛政策や地域情勢、防衛協力・交流案件などにつき、率直な意見交換を行うことで、会談国同士の相互理解や信頼醸成、"
            "また、その後の防衛協力・交流を推進する。"
        ],
        id="a box paragraph far wider than the column joins",
    ),
    pytest.param(
        "002",
        0,
        42,
        [
            "多角的・多層的な安全保障協力の戦略的な推進に向けて第1節",
            "1 \t安全保障協力・対話、防衛協力・交流の意義と変遷など\t安全保障協力・対話、防衛協力・交流の意義と変遷など",
            "2017年11月の日米首脳会談では、わが国が掲げる同ビジョンに米国が共鳴する形で、すべての国に航行及び飛行の自由並びに"
            "国際法に適法な海洋の利用を尊重することを求め、こうした考え方に賛同する国と協働して重層的な協力関係を構築することを確認した。",
            "また、グローバルな安全保障上の課題などへの取組として、海洋における航行・上空飛行の自由や安全の確保、宇宙領域やサイバー領域の"
            "利用にかかる関係国との連携・協力、国際平和協力活動、軍備管理・軍縮及び大量破壊兵器などの不拡散などの取組をより積極的に推進する"
            "こととしている。",
        ],
        id="column text joins; section numbers and footnotes stay apart; the sentence a footnote cut is whole",
    ),
]


@pytest.mark.parametrize(("seed", "first", "last", "expected"), CASES)
def test_seed_repair_cases(seed: str, first: int, last: int, expected: list[str]) -> None:
    got = sentences_of(seed_lines(seed, first, last))
    missing = [s for s in expected if s not in got]
    assert not missing, f"missing {missing}\ngot {got}"
    assert all("\n" not in s and "**" not in s for s in got)


def test_dev_gold_wraps_with_stray_spaces_and_blank_lines() -> None:
    raw = (DEV_GOLD / "wrapped" / "kyoto_HST00906.wrapped.ja.txt").read_text(encoding="utf-8")
    got = sentences_of(raw)
    assert "大日本帝国全権弁理大臣\u3000陸奥宗光（外務大臣 (日本)）" in got  # 陸奥宗|光 across a blank line
    assert any("2億両（745万kg相当）" in s for s in got)  # 745万k|g: Latin units join without a space
    assert "（第一条）" in got and "（第二条、第三条）" in got


# A two-column page wrapped at 22 ems: filler lines set the grid, then the case under test.
_GRID = (
    "\n".join(
        ["本文の行はこの幅で折り返されていて二十二字あ", "る。次の文もまた同じ幅で折り返されているの"] * 4
    )
    + "。\n\n"
)


@pytest.mark.parametrize(
    ("case", "joined"),
    [
        (
            "日豪防衛協力の深化を背景に、日豪両国は、\n2007年3月、共同宣言を発表した。",
            True,
        ),  # never ends on 、
        ("オーストラリアは、ともに米国の同盟国とし\n\nて、利益を共有する。", True),  # across a gap
        (
            "防衛交流は河野防衛大臣及び岸\n防衛大臣が進めた。",
            False,
        ),  # 14 ems, far from the grid: unsure, kept
        (
            "地域情勢について意見交換した河野及び岸\n防衛大臣は、電話会談を行った。",
            True,
        ),  # 19 ems: near the grid
        ("（2）最近の主要な防衛協力・交流実績など\n2020年11月、首脳会談を実施した。", False),  # a heading
        ("米空軍機とともに編隊飛行する空自機（左）\n2021年2月の訓練の様子。", False),  # a caption ends in ）
        ("ナウイルス感染症流行下における防衛協力\n図表Ⅲ-3-1-3 「インド太平洋」", False),  # a figure label
    ],
)
def test_wrapped_lines_that_measure_short_are_joined(case: str, joined: bool) -> None:
    r = repair(_GRID + case, "ja", word_split=parse.splits_word)
    check_offsets(r)
    last = r.text.split("\n\n")[-1]
    first, rest = case.replace("\n\n", "\n").split("\n")
    assert (last == first + rest) is joined, last


def test_page_furniture_next_to_form_feeds_is_dropped() -> None:
    pages = [
        "防衛白書\n本文の一ページ目です。\n\n12",
        "防衛白書\n二ページ目の本文。\n\n13",
        "防衛白書\n三ページ目。\n\n14",
    ]
    r = repair("\f".join(pages), "ja")
    check_offsets(r)
    assert r.text == "本文の一ページ目です。\n\n二ページ目の本文。\n\n三ページ目。"


def test_numbers_not_at_page_breaks_stay() -> None:
    raw = "表\n\n1\n\n第一の項目\n\n2\n\n第二の項目\n\n3\n\n第三の項目"
    assert repair(raw, "ja").text == "表\n\n1\n\n第一の項目\n\n2\n\n第二の項目\n\n3\n\n第三の項目"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("国 防 相 会 議", "国防相会議"),
        ("1 2 3 4", "1 2 3 4"),  # a row of numbers: a table, not spacing
        ("A I を", "AIを"),
        ("ランク A と ランク B", "ランク A と ランク B"),  # two single letters between words: words
        ("主な 検討事項", "主な 検討事項"),
        ("**強調** と **B**", "強調 と B"),
        ("** 星 ** のまま", "** 星 ** のまま"),  # not emphasis: markers must hug the words
        ("一行目\r\n二行目\r\n", "一行目\n二行目"),
        ("  前後の空白  \n\n\n\n  次の段落  ", "前後の空白\n\n次の段落"),
    ],
)
def test_inline_repairs(raw: str, expected: str) -> None:
    r = repair(raw, "ja")
    check_offsets(r)
    assert r.text == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (
            "The two countries will endeavour to\ncontribute to peace.\n\n(1) Conduct of exercises\n(2) Dialogue",
            "The two countries will endeavour to contribute to peace.\n\n(1) Conduct of exercises\n(2) Dialogue",
        ),
        ("Introduction\nThe two countries agree.", "Introduction\nThe two countries agree."),
        ("- First point\n- Second point", "- First point\n- Second point"),
    ],
)
def test_english_repair(raw: str, expected: str) -> None:
    r = repair(raw, "en")
    check_offsets(r)
    assert r.text == expected


def test_offset_map_lookup() -> None:
    r = repair("ab\n\ncd **ef**", "en")
    m = r.offsets
    assert r.text == "ab\n\ncd ef"
    assert [m.to_raw(i) for i in range(len(r.text) + 1)] == [0, 1, 2, 3, 4, 5, 6, 9, 10, 13]
    assert m.range_to_raw(5, 9) == (5, 11)
    assert m.range_to_raw(3, 3) == (3, 3)
    with pytest.raises(IndexError):
        m.to_raw(len(r.text) + 1)


def test_unrepaired_is_the_identity() -> None:
    r = unrepaired("一行目\n\n二行目 ")
    assert r.text == r.raw and r.runs == ((0, 0, len(r.raw)),)
    assert OffsetMap(r.runs, len(r.text), len(r.raw)).to_raw(3) == 3


@settings(max_examples=200)
@given(st.lists(st.integers(0, 30), unique=True).map(sorted))
def test_runs_compress_sources(sources: list[int]) -> None:
    runs = runs_from_sources(sources)
    expanded = [r + k for _, r, n in runs for k in range(n)]
    assert expanded == sources
    assert [t for t, _, _ in runs] == sorted({t for t, _, _ in runs})


# --- properties on generated PDF-like text ---------------------------------------------------------------------

_piece = st.sampled_from(
    [
        "安全保障",
        "協力を",
        "強化し、",
        "する。",
        "パートナー",
        "シップ",
        "（ＣＤＲ",
        "Ｉ）",
        "(１)",
        "１. ",
        "- ",
        "◆ ",
        "・",
        "国 防 相",
        "A I",
        "**強調**",
        "**",
        "Navy ",
        "the U.S. ",
        "12",
        " ",
        "\u3000",
        "\t",
        "㈱",
        "ｶﾞｽ",
        "😀",
        "」",
        "「",
    ]
)
_line = st.lists(_piece, max_size=8).map("".join)
_break = st.sampled_from(["\n", "\n\n", "\r\n", "\n \n", "\n\n\n\n", "\f", "\n\f"])


@st.composite
def pdf_like(draw: st.DrawFn) -> str:
    lines = draw(st.lists(_line, min_size=1, max_size=25))
    breaks = draw(st.lists(_break, min_size=len(lines), max_size=len(lines)))
    return "".join(line + brk for line, brk in zip(lines, breaks, strict=True))


@settings(max_examples=300, deadline=None)
@given(raw=pdf_like(), lang=st.sampled_from(["ja", "en"]))
def test_repair_keeps_deletes_or_substitutes_only(raw: str, lang: str) -> None:
    r = repair(raw, lang)  # type: ignore[arg-type]
    check_offsets(r)
    assert "\r" not in r.text and "\f" not in r.text
    assert "\n\n\n" not in r.text
    assert r.text == r.text.strip()


@settings(max_examples=300, deadline=None)
@given(raw=pdf_like(), lang=st.sampled_from(["ja", "en"]))
def test_sentences_point_into_the_document_text(raw: str, lang: str) -> None:
    r = repair(raw, lang)  # type: ignore[arg-type]
    sentences = segment.to_segments(r.text, segment.sentences(r.text, lang))  # type: ignore[arg-type]
    for s in sentences:
        assert r.text[s.start : s.end] == s.text
        assert s.text and s.text == s.text.strip() and "\n" not in s.text
        raw_start, raw_end = r.offsets.range_to_raw(s.start, s.end)
        assert 0 <= raw_start < raw_end <= len(raw)
    assert [s.start for s in sentences] == sorted(s.start for s in sentences)


def test_gold_sentence_lists_exist() -> None:
    # guards the dev-gold test in test_import_cli against silently testing nothing
    files = sorted((DEV_GOLD / "wrapped").glob("*.sentences.json"))
    assert len(files) == 3
    assert all(json.loads(Path(f).read_text(encoding="utf-8")) for f in files)
