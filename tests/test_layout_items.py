"""List items and headings that reach the wrap width: told from wrapped lines by evidence, not by the width.

- items of a list open alike (`甲国は…` / `甲国は…`): a wrap cuts at a fixed width wherever the text is, so
  two wrapped lines seldom share their first three characters, unless both are full lines of the wrap;
- a list whose items are themselves wrapped shows its width in several items cut at it: a line at that
  width whose next line does not open like the items goes on there;
- a numbered line that runs past the wrap width is a heading, commas and all.

Every document is written for the test.
"""

from __future__ import annotations

import pytest
from test_layout import PROSE_EN, PROSE_JA, sentences, wrap_ja

from alignment import parse
from alignment.blocks import split
from alignment.joins import Gap, en_forced, opens_alike
from alignment.layout import em_width, wrap_widths

# The terms of a settlement, a clause an item, no sentence punctuation; two of them 20 characters long.
TERMS = [
    "両国の軍隊は国境の警備隊を除いて係争地から撤退する",
    "甲国は島の北部の領土を永久に乙国へ譲渡する",
    "甲国は北部鉄道の支線と沿線の炭鉱の租借権を乙国へ譲渡する",
    "甲国は半島南端の港湾の租借権を乙国へ譲渡する",
    "甲国は沿岸の漁業権を乙国の国民に与える",
]


def test_list_items_at_the_wrap_width_beside_wrapped_prose_stay_one_segment_each() -> None:
    for width in (20, 22, 24):
        # wrapped prose, then the list a line an item: some items reach the prose's wrap width or pass it
        raw = wrap_ja(PROSE_JA, width) + "\n" + "\n".join(TERMS)
        got, r = sentences(raw, "ja", word_split=parse.splits_word)
        assert r.layout.wrapped
        assert got == [*PROSE_JA, *TERMS], (width, got)


def test_list_items_wrapped_at_the_lists_width_come_back_whole() -> None:
    # a clean paragraph a line, then the list wrapped at 20: the longer items run on to a second line
    width = 20
    items = [[t[i : i + width] for i in range(0, len(t), width)] for t in TERMS]
    assert sum(len(rows) > 1 for rows in items) >= 3
    raw = "\n".join(PROSE_JA[:2]) + "\n\n" + "\n\n".join("\n".join(rows) for rows in items)
    got, _ = sentences(raw, "ja", word_split=parse.splits_word)
    assert got == [*PROSE_JA[:2], *TERMS], got


def test_wrapped_prose_whose_full_lines_open_alike_still_joins() -> None:
    # an enumeration inside a sentence can put the same words at the start of two full lines
    rows = [
        "主な内容は、①定期的な会合、②",
        "防衛当局間の連絡体制の整備、③",
        "防衛当局間の人的交流の拡大であ",
        "る。",
    ]
    para, width = "".join(rows), 15
    assert opens_alike(rows[1], rows[2]) and all(len(r) == width for r in rows[:-1])
    raw = "\n".join([wrap_ja(PROSE_JA[:2], width), *rows, "", wrap_ja(PROSE_JA[2:4], width)])
    got, _ = sentences(raw, "ja", word_split=parse.splits_word)
    assert got == [*PROSE_JA[:2], para, *PROSE_JA[2:4]], got


@pytest.mark.parametrize(
    "heading",
    ["（2）近隣諸国との協力、交流の意義", "3．対話、交流及び協力の変遷と現状"],
    ids=["bracketed number", "number and full stop"],
)
def test_a_numbered_heading_with_a_comma_past_the_width_stays_its_own_segment(heading: str) -> None:
    width = 14  # the headings run 2-4 ems past it, as a heading set across a column does
    raw = wrap_ja(PROSE_JA[:2], width) + "\n" + heading + "\n" + wrap_ja(PROSE_JA[2:4], width)
    got, r = sentences(raw, "ja", word_split=parse.splits_word)
    assert r.layout.wrapped
    assert got == [*PROSE_JA[:2], heading, *PROSE_JA[2:4]], got


@pytest.mark.parametrize("width", [15, 16])
def test_a_numbered_heading_with_a_comma_at_the_width_ending_like_a_heading_stays_apart(width: int) -> None:
    heading = "（1）近隣諸国との協力、交流の意義"  # 16.5 ems: at a 15- or 16-character width
    raw = wrap_ja(PROSE_JA[:2], width) + "\n" + heading + "\n" + wrap_ja(PROSE_JA[2:4], width)
    got, r = sentences(raw, "ja", word_split=parse.splits_word)
    assert r.layout.wrapped
    assert got == [*PROSE_JA[:2], heading, *PROSE_JA[2:4]], got


def test_a_numbered_item_with_a_comma_at_the_width_still_joins() -> None:
    item = "（1）近隣諸国との協力、交流を通じて地域の安定に寄与する。"
    width = 16
    raw = wrap_ja(PROSE_JA[:2], width) + "\n" + wrap_ja([item], width) + "\n" + wrap_ja(PROSE_JA[2:4], width)
    got, _ = sentences(raw, "ja", word_split=parse.splits_word)
    assert got == [*PROSE_JA[:2], item, *PROSE_JA[2:4]], got


def test_opens_alike() -> None:
    assert opens_alike("甲国は島の北部の領土を譲渡する", "甲国は沿岸の漁業権を与える")
    assert not opens_alike("甲国の軍隊は撤退する", "甲国は沿岸の漁業権を与える")  # two characters only
    assert not opens_alike("（1）協力の意義", "（1）交流の変遷")  # numbering alone is no item text
    assert opens_alike("Russia shall transfer the lease", "Russia shall grant the right")
    assert not opens_alike("Russia shall transfer", "Russia shares the view")  # one whole word
    assert not opens_alike("甲国は撤退した。", "甲国は譲渡した。")  # sentences are boundaries anyway


def test_a_line_past_the_wrap_width_starts_a_block_of_its_own() -> None:
    # wrapped prose at 20, then lines a paragraph each: the first of them, far past the width, cannot be
    # the last line of the wrapped paragraph before it (a wrapped paragraph's last line is never longer)
    wrapped = [p[i : i + 20] for p in PROSE_JA[:2] for i in range(0, 40, 20)]  # its last line is full too
    contents = [*wrapped, *PROSE_JA[2:5]]
    assert em_width(PROSE_JA[2]) > 22
    spans = split(contents, [0] * len(contents), "ja", wrap_widths(contents))
    assert len(wrapped) in [sp[0] for sp in spans], spans


def test_clean_lines_cut_after_a_case_particle_rejoin() -> None:
    # a document a paragraph a line, except two lines a converter broke: one on を (no sentence, item or
    # heading ends so), one exactly at the wrap width the rest of it shows, on に
    cut_wo = "条約の締結に向けて両国は交渉を重ね、最終的な文言を", "確定した。"
    raw = "\n".join([PROSE_JA[0], PROSE_JA[1], "".join(cut_wo[:1]), "", cut_wo[1], PROSE_JA[2]])
    got, _ = sentences(raw, "ja", word_split=parse.splits_word)
    assert got == [PROSE_JA[0], PROSE_JA[1], "".join(cut_wo), PROSE_JA[2]], got


# Terms of a settlement in English, each a sentence; two are long enough to wrap before a capital.
TERMS_EN = [
    "The armies of both countries shall withdraw from the disputed region except for border guards.",
    "The first country shall transfer the lease of the Northern Railway branch line and the Eastern "
    "Harbour to the second country.",
    "The first country shall grant the fishery rights along the coast of the Southern Province to the "
    "second country.",
    "Both countries shall release the prisoners of war held in their territories within three months of "
    "the signing.",
]


def test_english_wrapped_before_a_capital_beside_clean_lines_rejoins() -> None:
    import textwrap

    # clean prose a paragraph a line, then the terms wrapped at 60 as a PDF extraction leaves them (a stray
    # empty line after the first line of each, blank lines between): the line ending `Northern` was
    # wrapped where `Railway` would not have fit, though the next line opens with a capital
    out: list[str] = []
    for term in TERMS_EN:
        rows = textwrap.wrap(term, 60)
        out += [rows[0], "", *rows[1:], "", " "]
    assert any(r.endswith("Northern") for r in out)
    raw = "\n".join(PROSE_EN) + "\n\n" + "\n".join(out)
    got, _ = sentences(raw, "en")
    assert got == [*PROSE_EN, *TERMS_EN], got


def test_en_forced() -> None:
    """Where wrapped English meets a line read on its own: wrapped where the next word would not have fit."""
    line = "The first country shall transfer the lease of the Northern"  # 58 characters
    assert en_forced(line, "Railway branch line and the Eastern Harbour", Gap(False, 0), 60)
    assert not en_forced(line, "Railway branch line", Gap(True, 1), 60)  # a paragraph gap
    assert not en_forced(line, "A new item", Gap(False, 0), 60)  # `A` would have fitted
    assert not en_forced(line + ".", "Railway branch line", Gap(False, 0), 60)  # a sentence ends
    assert not en_forced(
        "Joint Statement on the Maritime Security Cooperation Plan", "Partnership", Gap(False, 0), 60
    )
    assert not en_forced("The first country shall transfer", "Railway", Gap(False, 0), 60)  # well short
    assert not en_forced(line, "Railway", Gap(False, 0), 0)  # no wrap width in the document
