"""`suggest`: glossary matching, the three sources together, the cached parse, idempotent runs."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from alignment.importer import import_texts
from alignment.model import Document, Segment
from alignment.store import get_pair
from glossary import store as glossary_store
from glossary.acronyms import find_definitions
from glossary.match import Matcher, Term
from glossary.model import Entry
from glossary.project import open_glossary_project as open_db
from glossary.spans import list_spans
from glossary.suggest import build_proposals, suggest_pair

# --- matching -----------------------------------------------------------------------------------------


def _found(matcher: Matcher, text: str, **kw) -> list[tuple[str, int]]:
    return [(text[m.start : m.end], m.term.entry_id) for m in matcher.find(text, **kw)]


def test_match_is_width_kana_and_case_insensitive() -> None:
    m = Matcher(
        [
            Term("IPMDA", 1, "acronym"),
            Term("インド洋", 2),
            Term("Indo-Pacific Oceans Initiative", 3, "en"),
            Term("ﾊﾟｰﾄﾅｰｼｯﾌﾟ", 4),
        ]
    )
    text = "ＩＰＭＤＡ、Ipmda と いんど洋、INDO‐PACIFIC oceans initiative とパートナーシップ"
    assert _found(m, text) == [
        ("ＩＰＭＤＡ", 1),
        ("Ipmda", 1),
        ("いんど洋", 2),
        ("INDO‐PACIFIC oceans initiative", 3),
        ("パートナーシップ", 4),
    ]


def test_longest_match_first_and_no_overlaps() -> None:
    m = Matcher([Term("インド洋", 1), Term("インド洋地域情報融合センター", 2), Term("センター", 3)])
    assert _found(m, "インド洋地域情報融合センターとインド洋") == [
        ("インド洋地域情報融合センター", 2),
        ("インド洋", 1),
    ]


def test_latin_terms_need_word_edges_and_capital_acronyms_a_capital() -> None:
    m = Matcher([Term("APT", 1, "acronym"), Term("IPMDA", 2, "acronym")])
    assert _found(m, "IPMDAX, an apt remark, Apt and APT") == [("Apt", 1), ("APT", 1)]


def test_token_boundaries_keep_japanese_terms_whole() -> None:
    m = Matcher([Term("インド", 1)])
    text = "インドネシアとインド"
    assert _found(m, text) == [("インド", 1), ("インド", 1)]
    assert _found(m, text, boundaries={0, 6, 7, 10}) == [("インド", 1)]


def test_match_offsets_after_width_changes() -> None:
    m = Matcher([Term("株式会社", 1), Term("デモ", 2)])
    text = "😀㈱ﾃﾞﾓ"
    assert _found(m, text) == [("ﾃﾞﾓ", 2)]  # ㈱ folds to (株), which is not 株式会社
    assert _found(Matcher([Term("(株)", 5)]), text) == [("㈱", 5)]


def test_forbidden_and_ambiguous_terms() -> None:
    m = Matcher([Term("RAA", 7, "acronym", "proposed"), Term("RAA", 3, "acronym", "approved")])
    assert _found(m, "RAA") == [("RAA", 3)]  # the approved entry wins


# --- proposals (pure) ---------------------------------------------------------------------------------


def test_build_proposals_merges_ginza_into_acronym_spans() -> None:
    text = "(１)日本の防衛装備庁（ＡＴＬＡ）と協力。\n後のＡＴＬＡも。"
    doc = Document(id=1, pair_id=1, lang="ja", raw_text=text, text=text, offset_runs=())
    segs = [
        Segment(0, 0, text.index("\n"), text[: text.index("\n")]),
        Segment(1, text.index("後"), len(text), "後のＡＴＬＡも。"),
    ]
    defs = find_definitions(text, "ja")
    atla = text.index("ＡＴＬＡ")
    ents = [(atla, atla + 4, "Political_Organization_Other"), (0, 3, "Ordinal_Number"), (3, 5, "Country")]
    props = build_proposals(doc, segs, defs, {"ATLA"}, None, (), ents)
    got = {(text[p.start : p.end], p.label, p.source, p.hint, p.segment) for p in props}
    assert got == {
        ("ＡＴＬＡ", "ACRONYM", "acronym", "Political_Organization_Other", 0),
        ("防衛装備庁", "ORG", "acronym", None, 0),
        ("日本", "GPE", "ginza", "Country", 0),
        ("ＡＴＬＡ", "ACRONYM", "acronym", None, 1),
    }


# --- end to end (real GiNZA, real SQLite) -------------------------------------------------------------

JA = (
    "(２)インド洋地域情報融合センター（ＩＦＣ－ＩＯＲ）及び海洋状況把握のためのインド太平洋パートナーシップ（ＩＰＭＤＡ）を通じた"
    "協力の強化。\n\n"
    "(３)日本の防衛装備庁とＩＰＭＤＡの連携を推進する。"
)
EN = (
    "(2) Cooperation through the Information Fusion Centre – Indian Ocean Region (IFC-IOR) and the Indo-Pacific "
    "Partnership for Maritime Domain Awareness (IPMDA).\n\n"
    "(3) Promoting links between Japan's Acquisition, Technology and Logistics Agency and the IPMDA."
)


@pytest.fixture
def project(db_path: Path):
    db = open_db(str(db_path))
    import_texts(db, "demo", JA, EN)
    yield db
    db.close()


def test_suggest_three_sources_and_idempotent_runs(project, run) -> None:
    glossary_store.add(
        project,
        Entry(ja="防衛装備庁", en="Acquisition, Technology and Logistics Agency", acronym="ATLA"),
        user="t",
    )
    first = json.loads(run("suggest", "demo", "--json").output)[0]
    assert set(first["proposed"]) == {"ginza", "acronym", "glossary"}
    spans = list_spans(project, get_pair(project, "demo"))
    texts = {(s.lang, s.text, s.label, s.source) for s in spans}
    assert ("ja", "ＩＰＭＤＡ", "ACRONYM", "acronym") in texts
    assert ("en", "IPMDA", "ACRONYM", "acronym") in texts
    assert ("ja", "海洋状況把握のためのインド太平洋パートナーシップ", "POLICY", "acronym") in texts
    assert ("en", "Information Fusion Centre – Indian Ocean Region", "ORG", "acronym") in texts
    linked = [s for s in spans if s.source == "glossary"]
    assert {(s.lang, s.text) for s in linked} == {
        ("ja", "防衛装備庁"),
        ("en", "Acquisition, Technology and Logistics Agency"),
    }
    assert all(s.entry_id == 1 for s in linked)
    assert any(s.source == "ginza" and s.hint for s in spans)
    # later occurrences of a defined acronym are tagged, in both languages
    assert sum(1 for s in spans if s.text in ("ＩＰＭＤＡ", "IPMDA")) == 4
    again = json.loads(run("suggest", "--all", "--json").output)[0]
    assert (again["added"], again["removed"]) == (0, 0)
    assert len(list_spans(project, get_pair(project, "demo"))) == len(spans)


def test_suggest_reads_the_import_parse_and_never_reparses(project, monkeypatch: pytest.MonkeyPatch) -> None:
    import alignment.parse

    def boom(texts):
        if texts:
            raise AssertionError(f"re-parsed {len(texts)} texts")
        return iter(())

    monkeypatch.setattr(alignment.parse, "_parse_uncached", boom)
    seen: list[tuple[int, int]] = []
    report = suggest_pair(
        project, get_pair(project, "demo"), user="t", on_progress=lambda d, t: seen.append((d, t))
    )
    assert report.definitions == 4
    assert seen and seen[-1][0] == seen[-1][1] and [d for d, _ in seen] == sorted(d for d, _ in seen)


def test_suggest_errors(run) -> None:
    result = run("suggest")
    assert result.exit_code == 1 and "give a pair NAME or --all" in result.output
    assert run("suggest", "--all", "--json").output.strip() == "[]"


@pytest.mark.parametrize(
    ("term", "label"),
    [
        ("Regional Cooperation Agreement on Combating Piracy and Armed Robbery against Ships in Asia", "LAW"),
        ("Information Fusion Centre – Indian Ocean Region", "ORG"),
        ("Indo-Pacific Partnership for Maritime Domain Awareness", "POLICY"),
        ("ASEAN Defence Ministers’ Meeting", "EVENT"),
        ("国連海洋法条約", "LAW"),
        ("防衛装備庁", "ORG"),
        ("日印共同訓練", "EVENT"),
        ("測位・航法・時刻", "TERM"),
    ],
)
def test_long_forms_are_labelled_by_their_head_word(term: str, label: str) -> None:
    from glossary.labels import head_label

    assert head_label(term) == label


def test_every_ginza_label_maps_to_a_project_label_or_is_dropped() -> None:
    from alignment.parse import load_nlp
    from glossary.labels import GINZA_LABELS, LABELS, ginza_label

    ner = load_nlp().get_pipe("ner")
    assert all(ginza_label(lb) in (*LABELS, None) for lb in ner.labels)
    assert {v for v in GINZA_LABELS.values() if v} <= set(LABELS)
    assert ginza_label("Political_Organization_Other") == "ORG" and ginza_label("Ordinal_Number") is None


def test_ginza_quantities_and_dates_need_a_numeral() -> None:
    from glossary.labels import plausible

    assert plausible("QUANTITY", "二国") and plausible("QUANTITY", "3か国") and plausible("DATE", "同年4月")
    assert not plausible("QUANTITY", "インド洋地域情報") and not plausible("DATE", "米豪")
    assert plausible("DATE", "当時") and plausible("ORG", "インド洋地域情報")
