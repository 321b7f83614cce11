"""Wrapped or one item a line: the layout decision, and what repair and segmentation make of each shape.

Every document here is written for the test (none is taken from the seeds): clean lists, tables with
ideographic-space and tab columns, headings whose bracket is never closed, headings at the wrap width,
footnotes that interrupt a wrapped sentence, and the same prose wrapped as a PDF extraction lays it out.
"""

from __future__ import annotations

import re

import pytest
from testdata import DEV_GOLD

from alignment import parse, segment
from alignment.layout import detect, is_table_row
from alignment.model import Lang
from alignment.repair import Repaired, repair

PROSE_JA = [
    "条約は両国の全権委員によって港町の会議場で署名され、同年のうちに批准書が交換された。",
    "交渉は当初から難航し、賠償金の額と領土の割譲をめぐって双方の主張は大きく隔たっていた。",
    "仲介国の大統領は双方に譲歩を促し、最終的には賠償金を求めないという条件で合意が成立した。",
    "この結果に不満を抱いた国民の一部は各地で集会を開き、政府の外交を厳しく批判した。",
    "それでも条約は地域の勢力均衡を大きく変え、その後の国際関係に長く影響を及ぼすことになった。",
    "研究者の間では、この条約の評価をめぐって今日でもさまざまな見解が示されている。",
]
PROSE_EN = [
    "The treaty was signed by the plenipotentiaries of both countries at a conference hall in a port town.",
    "The negotiations were difficult from the start, and the two sides disagreed on reparations and territory.",
    "The mediating president urged both sides to compromise, and an agreement was reached without reparations.",
    "Some citizens who were dissatisfied with the result held rallies and sharply criticised the government.",
    "Even so, the treaty changed the balance of power in the region and long influenced relations afterwards.",
]


def sentences(raw: str, lang: Lang, **kw: object) -> tuple[list[str], Repaired]:
    r = repair(raw, lang, **kw)  # type: ignore[arg-type]
    return [r.text[a:b] for a, b in segment.sentences(r.text, lang)], r


def wrap_ja(paragraphs: list[str], width: int) -> str:
    """Hard breaks every `width` characters, a stray empty line after every third line, a blank line between."""
    out: list[str] = []
    for para in paragraphs:
        rows = [para[i : i + width] for i in range(0, len(para), width)]
        for k, row in enumerate(rows):
            out.append(row + " ")
            if k % 3 == 2 and k + 1 < len(rows):
                out.append("")
        out.extend(["", " "])
    return "\n".join(out)


# --- clean text: one paragraph or item a line -------------------------------------------------------------

TREATY_LIST = "\n".join(
    [
        "近代の主要な条約",
        "第一の条約　1842年8月29日　甲国",
        "第二の条約　1858年6月26日　乙国",
        "第三の条約　1860年10月24日　丙国",
        "第四の条約　1876年2月27日　丁国",
        "第五の条約　1895年4月17日　戊国",
        "条約の多くは、締結国の一方に不利な条件を課していた。",
    ]
)


def test_a_clean_list_with_full_width_columns_keeps_every_row() -> None:
    got, r = sentences(TREATY_LIST, "ja")
    assert got == TREATY_LIST.split("\n")
    assert not r.layout.wrapped and r.layout.joined == 0


def test_clean_lines_ending_in_commas_are_not_a_wrap() -> None:
    """A preamble: each recital a line, each ending in 、 — one segment each (English alike)."""
    ja = "\n".join(
        [
            "両国の首脳は、",
            "地域の平和と安定の重要性を確認し、",
            "協力の一層の強化を決意し、",
            "次のとおり宣言した。",
        ]
    )
    en = "\n".join(
        [
            "The leaders of the two countries,",
            "Affirming the importance of peace and stability in the region;",
            "Determined to strengthen their cooperation further;",
            "Have declared as follows:",
        ]
    )
    for text, lang in ((ja, "ja"), (en, "en")):
        got, r = sentences(text, lang)  # type: ignore[arg-type]
        assert got == text.split("\n"), lang
        assert not r.layout.wrapped


def test_tab_separated_table_rows_stay_apart() -> None:
    table = "締約国\t署名日\t批准日\n甲国\t1951年9月8日\t1952年4月28日\n乙国\t1951年9月8日\t1952年4月28日"
    got, _ = sentences(table, "ja")
    assert got == table.split("\n")
    assert is_table_row("甲国\t1951年9月8日") and not is_table_row(
        "本文の一行\tと長い説明が続いている、文の一部。"
    )


def test_paragraph_lines_around_a_list_are_not_read_as_wrapped() -> None:
    """Short list lines of similar length must not pass for a wrap width when paragraphs run far past it."""
    items = [f"第{n}項の規定による措置の実施状況" for n in "一二三四五六七八"]
    text = "\n".join([*PROSE_JA[:3], *items, *PROSE_JA[3:]])
    got, r = sentences(text, "ja")
    assert not r.layout.wrapped
    assert got == [*PROSE_JA[:3], *items, *PROSE_JA[3:]]


# --- headings and brackets ----------------------------------------------------------------------------------


def test_an_unclosed_bracket_in_a_heading_stops_at_the_line_break() -> None:
    text = "1.首脳会談(共同声明の骨子は別紙\n両首脳は会談で、地域情勢について意見を交換した。\n2.その他\n両首脳は次回の会談を来年行うことで一致した。"
    got, _ = sentences(text, "ja")
    assert got == text.split("\n")


def test_an_unclosed_heading_bracket_in_wrapped_text_stops_too() -> None:
    heading = "2.閣僚会合(共同文書骨子"
    raw = wrap_ja(PROSE_JA[:3], 24) + "\n" + heading + "\n" + wrap_ja(PROSE_JA[3:], 24)
    got, r = sentences(raw, "ja")
    assert r.layout.wrapped
    assert heading in got
    assert got == [*PROSE_JA[:3], heading, *PROSE_JA[3:]]


def test_a_numbered_heading_wider_than_the_column_stays_its_own_segment() -> None:
    heading = "（2）近隣の諸国との防衛協力・交流の意義と実績など"  # 25 ems: runs past a 20-character column
    raw = wrap_ja(PROSE_JA[:3], 20) + "\n" + heading + "\n" + wrap_ja(PROSE_JA[3:], 20)
    got, r = sentences(raw, "ja")
    assert r.layout.wrapped and r.layout.width is not None and abs(r.layout.width - 20) <= 1
    assert got == [*PROSE_JA[:3], heading, *PROSE_JA[3:]]


def test_a_footnote_interrupting_a_wrapped_sentence_stays_out_of_it() -> None:
    """A page ends mid-sentence, a footnote follows, the sentence goes on: the footnote stays apart."""
    body = wrap_ja(PROSE_JA[:2], 22).rstrip()
    lines = body.split("\n")
    footnote = "3\u3000正式名称は条約の本文に記載された名称とする"
    # The second paragraph's last wrapped line is moved after the footnote, as a page break leaves it.
    raw = "\n".join([*lines[:-3], footnote, "", *lines[-3:]])
    got, _ = sentences(raw, "ja")
    assert footnote in got
    assert PROSE_JA[0] in got


# --- wrapped text -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("width", [18, 26, 36])
def test_wrapped_japanese_comes_back_one_segment_a_sentence(width: int) -> None:
    got, r = sentences(wrap_ja(PROSE_JA, width), "ja", word_split=parse.splits_word)  # as import does
    assert r.layout.wrapped and not r.layout.forced
    assert got == PROSE_JA


def test_wrapped_english_comes_back_one_segment_a_sentence() -> None:
    import textwrap

    raw = "\n\n".join(textwrap.fill(p, 44) for p in ["Treaty of the Port", *PROSE_EN])
    got, r = sentences(raw, "en")
    assert r.layout.wrapped
    assert got == ["Treaty of the Port", *PROSE_EN]


def test_the_override_wins_both_ways() -> None:
    wrapped = wrap_ja(PROSE_JA, 26)
    kept, r = sentences(wrapped, "ja", layout="unwrapped")
    assert r.layout.forced and not r.layout.wrapped and r.layout.joined == 0
    assert len(kept) > len(PROSE_JA)  # every line break stays
    joined, r = sentences("地域の平和と安定に向けて協力を\n強化することで一致した。", "ja", layout="wrapped")
    assert r.layout.forced and r.layout.wrapped
    assert joined == ["地域の平和と安定に向けて協力を強化することで一致した。"]


def test_detect_reports_its_evidence() -> None:
    lines = [ln.strip() for ln in wrap_ja(PROSE_JA, 26).split("\n") if ln.strip()]
    layout, widths = detect(lines, "ja", word_split=parse.splits_word)
    assert layout.wrapped and widths.main_em == 26
    assert "wrap width 26" in layout.evidence
    layout, _ = detect(TREATY_LIST.split("\n"), "ja")
    assert not layout.wrapped and layout.as_dict()["layout"] == "unwrapped"


# --- dev-gold, end to end through import's preparation ------------------------------------------------------


def _gold_names() -> list[str]:
    return sorted(p.name.removesuffix(".gold.jsonl") for p in DEV_GOLD.glob("*.gold.jsonl"))


@pytest.mark.parametrize("name", _gold_names())
def test_raw_dev_gold_documents_come_back_as_their_gold_sentences(name: str) -> None:
    """Raw documents as a person imports them: every gold sentence is exactly one segment, on both sides."""
    from alignment.evaluate import read_gold
    from alignment.importer import plan_import, read_source

    gold = read_gold(DEV_GOLD / f"{name}.gold.jsonl")
    for lang, expected in (("ja", gold.ja), ("en", gold.en)):
        path = DEV_GOLD / "raw" / f"{name}.{lang}.txt"
        prepared = plan_import(None, read_source(path, lang), name=name).documents[0]  # type: ignore[arg-type]
        got = [re.sub(r"\s+", "", s.text) for s in prepared.sentences]
        assert got == [re.sub(r"\s+", "", s) for s in expected], (name, lang)
        assert not prepared.repaired.layout.wrapped


# --- the import command ----------------------------------------------------------------------------------


def test_import_reports_the_layout_and_takes_an_override(run, tmp_path) -> None:  # type: ignore[no-untyped-def]
    import json

    wrapped = tmp_path / "wrapped.ja.txt"
    wrapped.write_text(wrap_ja(PROSE_JA, 26), encoding="utf-8")
    clean = tmp_path / "clean.ja.txt"
    clean.write_text(TREATY_LIST, encoding="utf-8")

    summary = json.loads(run("import", str(wrapped), "--json").output)
    layout = summary["documents"]["ja"]["layout"]
    assert layout["layout"] == "wrapped" and layout["decided"] == "detected" and layout["wrap_width"] == 26
    assert summary["documents"]["ja"]["sentences"] == len(PROSE_JA)

    result = run("import", str(wrapped), "--name", "kept", "--unwrapped", "--json")
    layout = json.loads(result.output)["documents"]["ja"]["layout"]
    assert layout == {**layout, "layout": "unwrapped", "decided": "override", "joined_breaks": 0}

    result = run("import", str(clean))  # clean text: nothing joined, nothing to report beyond the name
    assert result.exit_code == 0 and result.output == "clean.ja\n"
    result = run("import", str(wrapped), "--name", "told")
    assert result.exit_code == 0 and "JA: PDF-wrapped" in result.stderr and "--unwrapped" in result.stderr

    result = run("import", str(clean), "--name", "seg", "--segmented", "--wrapped")
    assert result.exit_code != 0 and "--segmented" in result.output and "Traceback" not in result.output


# --- mixed documents: each block on its own evidence --------------------------------------------------------

ITEMS_JA = [
    "両国間の経済連携協定の締結に向けた交渉",
    "海洋の安全保障に関する定期協議",
    "防衛当局間の人事交流と共同訓練の拡充",
    "サイバー空間における脅威情報の共有",
    "災害救援に関する共同計画の策定と実施に向けた準備",
    "宇宙分野の協力",
]
ITEMS_EN = [
    "Economic Partnership Agreement negotiations",
    "Maritime security dialogue",
    "Personnel exchanges between the defence authorities and joint exercises",
    "Sharing of cyber threat information",
    "Space cooperation",
    "Joint planning for disaster relief",
]


def _hard_wrapped(paragraphs: list[str], width: int) -> str:
    """Hard breaks every `width` characters and nothing between paragraphs (no blank line anywhere)."""
    return "\n".join(p[i : i + width] for p in paragraphs for i in range(0, len(p), width))


@pytest.mark.parametrize(
    ("width", "gap"), [(24, True), (36, True), (36, False)], ids=["24-blank", "36-blank", "36-no-blank"]
)
@pytest.mark.parametrize("prose_first", [True, False], ids=["prose-first", "list-first"])
def test_wrapped_prose_and_a_clean_list_in_one_document(width: int, gap: bool, prose_first: bool) -> None:
    """Each part read on its own: the prose rejoined a sentence a segment, the list kept an item a line."""
    prose = wrap_ja(PROSE_JA, width) if gap else _hard_wrapped(PROSE_JA, width)
    items = "\n".join(ITEMS_JA)
    raw = prose + "\n" + items if prose_first else items + ("\n\n" if gap else "\n") + prose
    got, r = sentences(raw, "ja", word_split=parse.splits_word)
    assert got == ([*PROSE_JA, *ITEMS_JA] if prose_first else [*ITEMS_JA, *PROSE_JA])
    assert r.layout.label == "mixed" and r.layout.wrapped
    assert any(b.wrapped for b in r.layout.blocks)
    raw_lines = raw.split("\n")
    # The list is one block, decided on its own evidence, found by its raw line numbers.
    (listed,) = [b for b in r.layout.blocks if not b.wrapped]
    assert listed.own
    assert raw_lines[listed.first_line] in (ITEMS_JA[0], ITEMS_JA[1])
    assert raw_lines[listed.last_line] == ITEMS_JA[-1]


def test_a_list_between_wrapped_paragraphs_is_read_apart() -> None:
    raw = "\n".join([wrap_ja(PROSE_JA[:3], 36), *ITEMS_JA[:3], "", wrap_ja(PROSE_JA[3:], 36), *ITEMS_JA[3:]])
    got, _ = sentences(raw, "ja", word_split=parse.splits_word)
    assert got == [*PROSE_JA[:3], *ITEMS_JA[:3], *PROSE_JA[3:], *ITEMS_JA[3:]]


@pytest.mark.parametrize("width", [44, 60])
@pytest.mark.parametrize("order", ["prose-first", "list-first", "prose-first-no-blank"])
def test_english_wrapped_prose_and_a_clean_list_in_one_document(width: int, order: str) -> None:
    import textwrap

    items = "\n".join(ITEMS_EN)
    if order == "prose-first-no-blank":
        raw = "\n".join(textwrap.fill(p, width) for p in PROSE_EN) + "\n" + items
    else:
        prose = "\n\n".join(textwrap.fill(p, width) for p in PROSE_EN)
        raw = prose + "\n\n" + items if order == "prose-first" else items + "\n\n" + prose
    got, r = sentences(raw, "en")
    expected = [*ITEMS_EN, *PROSE_EN] if order == "list-first" else [*PROSE_EN, *ITEMS_EN]
    assert got == expected
    assert r.layout.label == "mixed"


def test_a_clean_document_stays_one_block_reading() -> None:
    """No block of a clean list or of clean paragraphs is read as wrapped (the dev-gold shapes)."""
    for text in (TREATY_LIST, "\n\n".join(PROSE_JA), "\n".join([*PROSE_JA[:2], *ITEMS_JA, *PROSE_JA[2:]])):
        got, r = sentences(text, "ja", word_split=parse.splits_word)
        assert r.layout.label == "unwrapped" and not any(b.wrapped for b in r.layout.blocks)
        assert r.layout.joined == 0 and got == [ln for ln in text.split("\n") if ln]


# --- numbered headings that fill a wrapped line ------------------------------------------------------------


@pytest.mark.parametrize(
    ("heading", "after"),
    [
        (
            "２．地域の安全保障環境と防衛協力の概要",
            0,
        ),  # a heading's ending; a sentence with a subject follows
        ("（３）周辺諸国との防衛協力・交流について", 0),
        (
            "３．防衛当局間の協力と人的交流の一層の強化",
            3,
        ),  # an ordinary noun, but a sentence start (この…) follows
    ],
)
def test_a_numbered_heading_exactly_at_the_wrap_width_stays_apart(heading: str, after: int) -> None:
    width = len(heading)  # full-width throughout: as many ems as characters
    before = [p for k, p in enumerate(PROSE_JA) if k != after][:2]
    raw = wrap_ja(before, width) + "\n" + heading + "\n" + wrap_ja(PROSE_JA[after : after + 1], width)
    got, r = sentences(raw, "ja", word_split=parse.splits_word)
    assert r.layout.wrapped and r.layout.width == width
    assert got == [*before, heading, PROSE_JA[after]]


def test_a_numbered_item_wrapped_after_its_first_line_still_joins() -> None:
    """The same shape, but the next line goes on (a particle first; a word across the break)."""
    for first, rest in (
        (
            "（１）両国の首脳は地域の平和と安定のための協力の一層の強化と拡大",
            "について引き続き緊密に連携していくことで一致した。",
        ),
        (
            "（２）両国は海洋の安全保障に関する定期協議の枠組みを設け、その",
            "成果を毎年の首脳会談に報告することとした。",
        ),
    ):
        width = len(first)
        raw = wrap_ja(PROSE_JA[:3], width) + "\n" + first + "\n" + rest + "\n" + wrap_ja(PROSE_JA[3:], width)
        got, _ = sentences(raw, "ja", word_split=parse.splits_word)
        assert first + rest in got


def test_import_reports_each_block_of_a_mixed_document(run, tmp_path) -> None:  # type: ignore[no-untyped-def]
    import json

    raw = wrap_ja(PROSE_JA, 36) + "\n" + "\n".join(ITEMS_JA)
    path = tmp_path / "mixed.ja.txt"
    path.write_text(raw, encoding="utf-8")
    result = run("import", str(path), "--json")
    layout = json.loads(result.output)["documents"]["ja"]["layout"]
    assert layout["layout"] == "mixed" and layout["wrap_width"] == 36
    listed = [b for b in layout["blocks"] if b["layout"] == "unwrapped"]
    assert len(listed) == 1 and listed[0]["decided"] == "block"
    lines = raw.split("\n")
    assert lines[listed[0]["first_line_index"]] == ITEMS_JA[0]
    assert lines[listed[0]["last_line_index"]] == ITEMS_JA[-1]
    assert all(b["layout"] == "wrapped" for b in layout["blocks"] if b["last_line_index"] < len(lines) - 6)
    assert json.loads(result.output)["documents"]["ja"]["sentences"] == len(PROSE_JA) + len(ITEMS_JA)
    result = run("import", str(path), "--name", "told")  # people see the short summary only
    assert "JA: mixed: " in result.stderr and "blocks PDF-wrapped" in result.stderr


def test_recitals_ending_in_commas_beside_wrapped_prose_keep_their_lines() -> None:
    """A preamble a recital a line, each ending in 、, then the body wrapped: commas ending most lines are a
    list of clauses, not wrapped lines (wrapped lines end on a comma only as often as a comma falls)."""
    recitals = [
        "両国の首脳は、",
        "地域の平和と安定が両国の繁栄にとって不可欠であることを改めて確認し、",
        "国際社会が直面する課題に共に取り組む決意を新たにし、",
        "両国間の協力関係をあらゆる分野でさらに深めていくことが重要であると認識し、",
        "次のとおり宣言する。",
    ]
    raw = "\n".join(recitals) + "\n\n" + wrap_ja(PROSE_JA, 28)
    got, r = sentences(raw, "ja", word_split=parse.splits_word)
    assert got == [*recitals, *PROSE_JA]
    assert r.layout.label == "mixed"


def test_a_bracket_left_open_after_a_comma_goes_on_past_an_article_number() -> None:
    """`…する。（第四条、` / `第五条）`: the article number continues the bracket, it does not start an item."""
    first = "両国は港湾の使用に関する取極を結ぶ。（第四条、"
    raw = (
        wrap_ja(PROSE_JA[:2], len(first))
        + "\n"
        + first
        + "\n第五条）\n\n \n"
        + wrap_ja(PROSE_JA[2:], len(first))
    )
    got, _ = sentences(raw, "ja", word_split=parse.splits_word)
    assert "（第四条、第五条）" in got and "両国は港湾の使用に関する取極を結ぶ。" in got


def test_a_word_in_brackets_is_not_read_as_an_enumerator() -> None:
    """`(a)` and `(iv)` start items; a wrapped line starting with a short word in brackets goes on."""
    import textwrap

    body = "\n\n".join(textwrap.fill(p, 44) for p in PROSE_EN)
    para = "The indemnity of two hundred million taels\n\n(kan) was paid in silver over seven years."
    got, _ = sentences(body + "\n\n \n" + para, "en")
    assert got == [
        *PROSE_EN,
        "The indemnity of two hundred million taels (kan) was paid in silver over seven years.",
    ]
    got, _ = sentences(
        body + "\n\n \nThe parties agree as follows:\n(iv) the indemnity is paid in silver.", "en"
    )
    assert got[-2:] == ["The parties agree as follows:", "(iv) the indemnity is paid in silver."]


def test_english_wrapped_lines_go_on_past_a_number_that_closes_or_continues() -> None:
    """`(Clause` / `4)` closes a bracket and `on March` / `3. The …` goes on a date: neither starts an item."""
    import textwrap

    body = "\n\n".join(textwrap.fill(p, 40) for p in PROSE_EN)
    extra = [
        "The port was opened to foreign trade under the treaty. (Clause",
        "4) It was handed back to the other party",
        "fifty years later, on a fine day in March",  # `3.` would not have fit
        "3. The handover was marked by a small ceremony.",
    ]
    got, _ = sentences(body + "\n\n \n" + "\n".join(extra), "en")
    assert got[len(PROSE_EN) :] == [
        "The port was opened to foreign trade under the treaty.",
        "(Clause 4) It was handed back to the other party fifty years later, on a fine day in March 3.",
        "The handover was marked by a small ceremony.",
    ]
