"""A footnote or box that cuts a sentence in two: the document text reads the sentence whole and the box after
its paragraph, and the offset map still ties every character to the raw character it came from."""

from __future__ import annotations

import textwrap
from collections import Counter

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from test_repair import check_offsets

from alignment import parse, segment
from alignment.offsets import OffsetMap
from alignment.repair import repair

# Written for these tests: three paragraphs of plain prose, and a footnote.
JA = [
    "地方自治体の図書館は、地域の歴史資料を長く保存してきたが、近年は電子化の取組が急速に広がっている。"
    "多くの館では、古い地図や行政文書を高解像度で撮影し、誰でも閲覧できる形で公開している。",
    "こうした取組の背景には、資料の劣化に対する危機感と、利用者の求める情報の形が変わったことがある。"
    "特に若い世代は、紙の資料よりも画面で読める資料を好む傾向が強いとされている。",
    "一方で、電子化には多くの費用と専門的な人材が必要であり、小規模な自治体では計画を進めることが難しい。"
    "そのため、県や大学と連携して作業を分担する仕組みが各地で検討されている。",
]
JA_NOTE = "1\t国立図書館の調査によれば、二〇二〇年度に資料の電子化を実施した自治体は全体の四割を超え、その多くが地図を対象とした。"
JA_CAPTION = ["参照", "写真：古い地図を撮影する職員"]

EN = [
    "Municipal libraries have kept local historical records for a long time, but digitisation has spread "
    "quickly in recent years. Many libraries photograph old maps and administrative papers at high "
    "resolution and publish them in a form that anyone can read.",
    "Behind this lies a concern about the decay of the records, and a change in the form of information "
    "that readers ask for. Younger readers in particular are said to prefer records they can read on a "
    "screen to paper ones.",
]
EN_NOTE = "1\tA survey by the national library found that more than forty per cent of municipalities digitised records in 2020, most of them maps."


def _ja_lines(width: int) -> list[list[str]]:
    return [[p[i : i + width] for i in range(0, len(p), width)] for p in JA]


def _with_box(paragraphs: list[list[str]], at: int, box: list[str]) -> tuple[str, bool]:
    """The paragraphs a line each, a blank line between them, with `box` after line `at` (counted over all
    paragraphs); and whether the box cuts a sentence there (the line does not end one)."""
    out: list[str] = []
    n = 0
    cuts = False
    for lines in paragraphs:
        for k, line in enumerate(lines):
            out.append(line)
            n += 1
            if n == at:
                out += ["", *box, ""]
                cuts = k + 1 < len(lines) and not line.endswith(("。", "."))
        out.append("")
    return "\n".join(out), cuts


def _sentences(raw: str, lang: str) -> tuple[list[str], object]:
    r = repair(raw, lang, word_split=parse.splits_word if lang == "ja" else None)  # type: ignore[arg-type]
    check_offsets(r)
    return [r.text[a:b] for a, b in segment.sentences(r.text, lang)], r  # type: ignore[arg-type]


def _gold(paragraphs: list[str], end: str) -> list[str]:
    return [s.strip() + end for p in paragraphs for s in p.split(end) if s.strip()]


@pytest.mark.parametrize(
    "box", [[JA_NOTE], JA_CAPTION], ids=["footnote past the width", "reference and caption"]
)
@pytest.mark.parametrize("width", [18, 20, 24])
def test_a_japanese_sentence_cut_by_a_box_comes_back_whole(box: list[str], width: int) -> None:
    lines = _ja_lines(width)
    total = sum(len(x) for x in lines)
    moved = 0
    for at in range(1, total):
        raw, cuts = _with_box(lines, at, box)
        sentences, r = _sentences(raw, "ja")
        for gold in _gold(JA, "。"):
            assert gold in sentences, (width, at, gold, sentences)
        # the box is text of its own, after the paragraph it cut, never inside a sentence
        for part in box:
            body = part.split("\t")[-1]
            assert sum(body in s for s in sentences) == 1 and not any(body in g for g in _gold(JA, "。"))
        moved += r.layout.moved  # type: ignore[attr-defined]
        assert r.layout.moved == (1 if cuts else 0), (at, raw)  # type: ignore[attr-defined]
    assert moved > 0


def test_the_box_follows_the_paragraph_it_cut_and_maps_back_to_its_raw_lines() -> None:
    lines = _ja_lines(20)
    raw, cuts = _with_box(lines, 6, [JA_NOTE])  # inside the second paragraph's first sentence
    assert cuts
    _, r = _sentences(raw, "ja")
    text = r.text  # type: ignore[attr-defined]
    paragraphs = text.split("\n\n")
    assert paragraphs[1] == JA[1] and paragraphs[2] == JA_NOTE, paragraphs
    m: OffsetMap = r.offsets  # type: ignore[attr-defined]
    assert not m.monotone
    # the whole paragraph maps to two raw pieces, one on each side of the footnote
    start = text.index(JA[1])
    pieces = m.raw_pieces(start, start + len(JA[1]))
    note_at = raw.index(JA_NOTE)
    assert "".join(raw[a:b] for a, b in pieces).replace("\n", "") == JA[1]
    assert pieces[0][1] <= note_at < note_at + len(JA_NOTE) <= pieces[-1][0]
    assert m.range_to_raw(start, start + len(JA[1])) == (pieces[0][0], pieces[-1][1])
    # the footnote maps back onto itself
    n = text.index(JA_NOTE)
    assert m.raw_pieces(n, n + len(JA_NOTE)) == [(note_at, note_at + len(JA_NOTE))]


def test_an_english_sentence_cut_by_a_footnote_comes_back_whole() -> None:
    paragraphs = [textwrap.wrap(p, 60) for p in EN]
    moved = 0
    for at in range(1, sum(len(x) for x in paragraphs)):
        raw, cuts = _with_box(paragraphs, at, [EN_NOTE])
        sentences, r = _sentences(raw, "en")
        nxt = [x for p in paragraphs for x in p][at] if cuts else ""
        for gold in _gold(EN, "."):
            assert gold in sentences, (at, gold, sentences)
        assert sentences.count(EN_NOTE) == 1
        # a wrap before a capital is no visible cut: the halves are rejoined only where the next line says so
        if cuts and nxt[:1].islower():
            assert r.layout.moved == 1  # type: ignore[attr-defined]
        moved += r.layout.moved  # type: ignore[attr-defined]
    assert moved > 0


def test_a_box_between_paragraphs_or_a_sentence_end_stays_where_it_is() -> None:
    lines = _ja_lines(20)
    for at in (len(lines[0]), len(lines[0]) + len(lines[1])):
        raw, cuts = _with_box(lines, at, [JA_NOTE])
        assert not cuts
        _, r = _sentences(raw, "ja")
        assert r.layout.moved == 0 and r.offsets.monotone  # type: ignore[attr-defined]
        assert JA_NOTE in r.text.split("\n\n")  # type: ignore[attr-defined]


def test_the_column_going_on_after_a_paragraph_is_not_taken_for_a_box() -> None:
    # a paragraph that stops mid-sentence at the width, then another paragraph of the column: the lines
    # between are prose at the column's width, not a box, so nothing moves
    lines = _ja_lines(20)
    raw = "\n".join([*lines[0][:2], "", *lines[1], "", *lines[0][2:], "", *lines[2]])
    _, r = _sentences(raw, "ja")
    assert r.layout.moved == 0  # type: ignore[attr-defined]


def test_offset_map_pieces_of_non_monotone_runs() -> None:
    # "abXYcd" where XY (raw 2..4) was moved after cd: text "abcdXY"
    m = OffsetMap(((0, 0, 2), (2, 4, 2), (4, 2, 2)), 6, 6)
    assert [m.to_raw(i) for i in range(7)] == [0, 1, 4, 5, 2, 3, 6]
    assert m.raw_pieces(1, 5) == [(1, 2), (4, 6), (2, 3)]
    assert m.range_to_raw(0, 4) == (0, 6)
    assert m.range_to_raw(4, 6) == (2, 4)
    assert m.range_to_raw(3, 3) == (5, 5)
    assert not m.monotone and OffsetMap(((0, 0, 3), (3, 5, 1)), 4, 6).monotone
    with pytest.raises(IndexError):
        m.raw_pieces(2, 7)


def test_the_layout_reports_the_boxes_moved() -> None:
    raw, cuts = _with_box(_ja_lines(20), 6, [JA_NOTE])
    assert cuts
    _, r = _sentences(raw, "ja")
    layout = r.layout  # type: ignore[attr-defined]
    assert layout.as_dict()["moved_boxes"] == 1
    assert "1 box inside a sentence moved after it" in layout.describe()


@settings(max_examples=150, deadline=None)
@given(
    lang=st.sampled_from(["ja", "en"]),
    width=st.sampled_from([14, 20, 24]),
    boxes=st.lists(
        st.tuples(st.integers(0, 60), st.sampled_from([0, 1, 2, 3]), st.booleans(), st.booleans()),
        min_size=1,
        max_size=3,
    ),
    trailing=st.booleans(),
)
def test_boxes_anywhere_lose_and_add_nothing(
    lang: str, width: int, boxes: list[tuple[int, int, bool, bool]], trailing: bool
) -> None:
    """Wherever boxes fall (inside sentences, between paragraphs, first or last, side by side), the document
    text holds every raw character that is not layout whitespace exactly once, mapped back to itself."""
    kinds = (
        [[JA_NOTE], JA_CAPTION, ["参照"], ["図表1（地方自治体の電子化の状況）"]]
        if lang == "ja"
        else [[EN_NOTE]] * 4
    )
    lines: list[str] = []
    for p in JA if lang == "ja" else EN:
        rows = (
            [p[i : i + width] for i in range(0, len(p), width)]
            if lang == "ja"
            else textwrap.wrap(p, 3 * width)
        )
        lines += [*rows, ""]
    for at, kind, blank_before, blank_after in boxes:
        at = min(at, len(lines))
        lines[at:at] = [""] * blank_before + kinds[kind] + [""] * blank_after
    raw = "\n".join(lines) + ("\n" if trailing else "")
    r = repair(raw, lang)  # type: ignore[arg-type]
    check_offsets(r)
    assert Counter(c for c in raw if not c.isspace()) == Counter(c for c in r.text if not c.isspace())
    assert r.text == r.text.strip() and "\n\n\n" not in r.text
