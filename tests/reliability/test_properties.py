"""Property tests (hypothesis): folding keeps an exact, monotone map back to the original text."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from alignment.text import fold, fold_char, line_segments

# Characters that stress folding: full-width Latin and digits, half-width kana with voicing marks, ㈱ and
# other compatibility ligatures, combining marks, astral code points (surrogate pairs in UTF-16), emoji
# sequences, Hangul jamo, line separators.
TRICKY = (
    "ＡＢＣａｂｃ０１２－（）　ｶﾞｷﾞﾊﾟﾟﾞｳﾞｰ｡｢｣ｧ㈱㍻㌔ﬁﬀ℡№Ⅻ①⑳ガパヴゔゕゖヷヺ"
    "e\u0301a\u0308\u0301\u0300\u20dd\u3099\u309a"
    "𠮷𩸽😀👍🏽👨‍👩‍👧🇯🇵\U0001f1ef\U000e0041"
    "\u1100\u1161\u11a8가\u200b\u200d\ufeff\u00ad\u2028\u2029\x85\r\n\t İıßẞΣς"
)
texts = st.text(alphabet=st.one_of(st.sampled_from(TRICKY), st.characters(codec="utf-8")), max_size=60)


def _check_map(text: str) -> None:
    f = fold(text)
    assert len(f.starts) == len(f.ends) == len(f.text)
    for i in range(len(f.text)):
        assert 0 <= f.starts[i] < f.ends[i] <= len(text)
        if i:
            assert f.starts[i - 1] <= f.starts[i] and f.ends[i - 1] <= f.ends[i], "map back is not monotone"
    # the units tile the original: every original character is covered, in order, exactly once
    units = list(dict.fromkeys(zip(f.starts, f.ends, strict=True)))
    pos = 0
    for s, e in units:
        assert s == pos, f"gap or overlap at {pos} in {text!r}"
        pos = e
    assert pos == len(text) or (not units and text == ""), f"not covered to the end: {pos} of {len(text)}"


@settings(max_examples=400, suppress_health_check=[HealthCheck.too_slow])
@given(texts)
@example("ｶﾞ㈱ＩＰＭＤＡ")
@example("\U0001f468\u200d\U0001f469\u200d\U0001f467")
@example("\u0301leading combining")
@example("ﾞﾟ")
def test_fold_map_is_monotone_and_covers(text: str) -> None:
    _check_map(text)


@settings(max_examples=300)
@given(
    st.text(
        alphabet=st.characters(min_codepoint=0xD800, max_codepoint=0xDFFF) | st.sampled_from(TRICKY),
        max_size=20,
    )
)
def test_fold_survives_lone_surrogates(text: str) -> None:
    """Lone surrogates (undecodable bytes read with surrogateescape) must not crash folding."""
    _check_map(text)


@settings(max_examples=400)
@given(texts)
def test_unit_aligned_slices_fold_to_the_same_text(text: str) -> None:
    """Folding a slice of the original gives exactly the folded slice: what matching relies on."""
    f = fold(text)
    bounds = sorted({0, len(f.text)} | {i for i in range(1, len(f.text)) if f.starts[i] != f.starts[i - 1]})
    for a in bounds:
        for b in bounds:
            if a < b:
                s, e = f.to_original(a, b)
                assert fold(text[s:e]).text == f.text[a:b]


@settings(max_examples=300)
@given(texts, st.data())
def test_any_match_maps_back_to_an_original_range_that_folds_to_it(text: str, data: st.DataObject) -> None:
    f = fold(text)
    if not f.text:
        return
    a = data.draw(st.integers(0, len(f.text) - 1))
    b = data.draw(st.integers(a + 1, len(f.text)))
    s, e = f.to_original(a, b)
    assert 0 <= s < e <= len(text)
    assert f.text[a:b] in fold(text[s:e]).text


@settings(max_examples=300)
@given(texts)
def test_fold_char_agrees_with_fold(text: str) -> None:
    for ch in text:
        if not unicodedata.combining(ch) and ch not in "\uff9e\uff9f":
            assert fold_char(ch) == fold(ch).text


@given(st.integers(0, 5))
def test_empty_range_maps_to_a_position(n: int) -> None:
    text = "ｶﾞ㈱" * n
    f = fold(text)
    for i in range(len(f.text) + 1):
        s, e = f.to_original(i, i)
        assert s == e and 0 <= s <= len(text)


def test_known_equivalences() -> None:
    assert fold("ＩＰＭＤＡ").text == fold("ipmda").text == fold("IPMDA").text
    assert fold("ｶﾞｲﾄﾞ").text == fold("ガイド").text == fold("がいど").text
    assert fold("㈱").text == "(株)"
    f = fold("前㈱後")
    assert f.to_original(1, 4) == (1, 2)


@settings(max_examples=300)
@given(
    st.text(alphabet=st.sampled_from(TRICKY + " 　\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029ab日本"), max_size=80)
)
def test_line_segments_point_into_the_text(text: str) -> None:
    segments = line_segments(text)
    prev_end = 0
    for i, seg in enumerate(segments):
        assert seg.index == i
        assert prev_end <= seg.start < seg.end <= len(text)
        assert text[seg.start : seg.end] == seg.text
        assert seg.text == seg.text.strip()
        assert not any(c in seg.text for c in "\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029")
        prev_end = seg.end


# --- the aligner, through its public API ------------------------------------------------------------------

JA_CHARS = "日本国とインドは協力する海洋状況把握のためのパートナーシップ（ＩＰＭＤＡ）１２３。、"
EN_WORDS = [
    "Japan",
    "and",
    "India",
    "cooperate",
    "on",
    "maritime",
    "domain",
    "awareness",
    "(IPMDA)",
    "12",
    "the",
]


@st.composite
def corpora(draw: st.DrawFn) -> tuple[list[str], list[str], list]:
    """Random JA and EN segment lists of random lengths, with some confirmed beads fixed in between."""
    from alignment.model import Bead

    n = draw(st.integers(0, 25))
    m = draw(st.integers(0, 25))
    ja = ["".join(draw(st.lists(st.sampled_from(JA_CHARS), min_size=1, max_size=60))) for _ in range(n)]
    en = [" ".join(draw(st.lists(st.sampled_from(EN_WORDS), min_size=1, max_size=25))) for _ in range(m)]
    # fixed beads: increasing cut points on both sides, each fixed bead a 1-1 (or 1-0 / 0-1) between them
    fixed = []
    i = j = 0
    for _ in range(draw(st.integers(0, 3))):
        if i >= n or j >= m:
            break
        i = draw(st.integers(i, n - 1))
        j = draw(st.integers(j, m - 1))
        a = draw(st.sampled_from([(1, 1), (1, 0), (0, 1), (2, 1)]))
        if i + a[0] > n or j + a[1] > m:
            break
        fixed.append(Bead((i, i + a[0]), (j, j + a[1]), status="confirmed"))
        i, j = i + a[0], j + a[1]
    return ja, en, fixed


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large]
)
@given(corpora())
def test_aligner_beads_cover_each_segment_once_in_order(corpus: tuple[list[str], list[str], list]) -> None:
    from alignment.aligner import align_texts

    ja, en, fixed = corpus
    beads, _signals, _stretches = align_texts(ja, en, fixed=fixed)
    i = j = 0
    for bead in beads:
        assert bead.ja[0] == i and bead.en[0] == j, f"gap or overlap at ({i}, {j}): {bead}"
        assert bead.ja[1] >= bead.ja[0] and bead.en[1] >= bead.en[0]
        assert (bead.ja[1] - bead.ja[0]) + (bead.en[1] - bead.en[0]) > 0, f"empty bead {bead}"
        n_ja, n_en = bead.ja[1] - bead.ja[0], bead.en[1] - bead.en[0]
        if n_ja and n_en:  # a run of segments left untranslated is one k-0 / 0-k bead, of any length
            assert n_ja <= 3 and n_en <= 3, f"bead too large {bead}"
        assert bead.score is None or 0.0 <= bead.score <= 1.0, f"a confidence is a probability: {bead}"
        i, j = bead.ja[1], bead.en[1]
    assert (i, j) == (len(ja), len(en)), "not every segment is in a bead"
    for f in fixed:  # confirmed beads come back untouched
        assert any(b.ja == f.ja and b.en == f.en and b.status == "confirmed" for b in beads), f


# --- span storage: offsets round-trip exactly ---------------------------------------------------------------

STORABLE = st.characters(codec="utf-8", exclude_categories=("Cs",))
span_texts = st.text(alphabet=st.one_of(st.sampled_from(TRICKY), STORABLE), min_size=1, max_size=50)


@pytest.fixture(scope="module")
def span_db(tmp_path_factory: pytest.TempPathFactory):
    from tui.common import open_db

    db = open_db(str(tmp_path_factory.mktemp("spans") / "spans.db"))
    yield db
    db.close()


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=span_texts, data=st.data())
def test_span_offsets_round_trip_exactly(span_db, text: str, data: st.DataObject) -> None:
    from alignment.model import Document
    from alignment.project import write
    from alignment.store import create_pair, get_pair, insert_document
    from glossary import span_export, spans
    from glossary.labels import LABELS

    db = span_db
    name = f"p{data.draw(st.integers(0, 10**12))}"
    with write(db):
        pid = create_pair(db, name, replace=True)
        doc = Document(None, pid, "ja", text, text, ((0, 0, len(text)),), segmented=True)
        insert_document(db, pid, doc, line_segments(text))
    pair = get_pair(db, name)
    start = data.draw(st.integers(0, len(text) - 1))
    end = data.draw(st.integers(start + 1, len(text)))
    label = data.draw(st.sampled_from(LABELS))
    stored = spans.add_span(db, pair, "ja", start, end, label, user="prop")
    again = spans.get_span(db, stored.id)
    assert (again.start, again.end, again.text) == (start, end, text[start:end])
    assert [(s.start, s.end) for s in spans.list_spans(db, pair)] == [(start, end)]
    for record in span_export.export_records(db, pair):
        for s in record["spans"]:
            seg_text = record["text"]
            if s["end"] <= len(seg_text):  # a span inside its segment: relative offsets point at its text
                assert seg_text[s["start"] : s["end"]] == s["text"]
    with write(db):
        db.execute("DELETE FROM pairs WHERE id = ?", [pid])
