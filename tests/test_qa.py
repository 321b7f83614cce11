"""Term QA on aligned beads: missing approved renderings, forbidden and deprecated English, CLI exit codes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from alignment import bead_store
from alignment import store as corpus
from alignment.model import Bead, Document
from alignment.project import write
from alignment.text import line_segments
from glossary import store
from glossary.model import Entry, Variant
from glossary.project import open_glossary_project
from glossary.qa import build_rules, check, check_texts

ENTRIES = {
    "ipmda": Entry(
        ja="海洋状況把握のためのインド太平洋パートナーシップ",
        acronym="IPMDA",
        en="Indo-Pacific Partnership for Maritime Domain Awareness",
        status="approved",
    ),
    "ifc": Entry(
        ja="インド洋地域情報融合センター",
        acronym="ＩＦＣ－ＩＯＲ",
        en="Information Fusion Centre - Indian Ocean Region",
        status="approved",
        variants=(
            Variant("en", "Information Fusion Center - Indian Ocean Region"),
            Variant("en", "Indian Ocean Information Centre", forbidden=True),
        ),
    ),
    "indian_ocean": Entry(ja="インド洋", en="Indian Ocean", status="approved"),
    "exercise": Entry(ja="共同訓練", en="joint exercise", status="approved"),
    "old": Entry(ja="防衛庁", en="Defense Agency", status="deprecated"),
    "bad": Entry(ja="自衛軍", en="Self-Defense Army", status="forbidden"),
    "proposed": Entry(ja="協力", en="cooperation"),
}


def entries_with_ids() -> list[Entry]:
    return [
        Entry(**{**{f: getattr(e, f) for f in e.__dataclass_fields__}, "id": i})  # type: ignore[arg-type]
        for i, e in enumerate(ENTRIES.values(), start=1)
    ]


@pytest.fixture
def rules():
    return build_rules(entries_with_ids())


def kinds(rules, ja: str, en: str) -> list[tuple[str, int, str]]:
    return [(k, i, t) for k, i, t, _ in check_texts(rules, ja, en)]


def test_approved_term_rendered_by_term_variant_or_acronym_is_fine(rules) -> None:
    ja = "インド洋地域情報融合センター（ＩＦＣ－ＩＯＲ）と協力する。"
    assert kinds(rules, ja, "We work with the Information Fusion Centre - Indian Ocean Region.") == []
    assert kinds(rules, ja, "We work with the Information Fusion Center – Indian Ocean Region.") == []
    assert kinds(rules, ja, "We work with IFC-IOR.") == []
    assert kinds(rules, ja, "We work with ＩＦＣ－ＩＯＲ.") == []


def test_missing_rendering_is_reported_once_per_entry(rules) -> None:
    problems = check_texts(rules, "共同訓練と共同訓練を行う。", "They trained together twice.")
    assert [(k, i, t) for k, i, t, _ in problems] == [("missing", 4, "共同訓練")]
    assert problems[0][3] == ("joint exercise",)


def test_plural_and_case_of_english_are_tolerated(rules) -> None:
    assert kinds(rules, "共同訓練を行う。", "Joint Exercises were held.") == []


def test_a_term_inside_a_longer_term_does_not_count(rules) -> None:
    # インド洋 sits inside インド洋地域情報融合センター: only the long term is checked.
    assert kinds(rules, "インド洋地域情報融合センター", "IFC-IOR") == []
    assert kinds(rules, "インド洋の安全", "Security of the ocean") == [("missing", 3, "インド洋")]


def test_latin_terms_match_whole_words_only(rules) -> None:
    # IPMDA in Japanese text, English side says "IPMDAX" only: not a rendering.
    assert kinds(rules, "ＩＰＭＤＡを推進", "We promote IPMDAX.") == [("missing", 1, "IPMDA")]
    assert kinds(rules, "ＩＰＭＤＡを推進", "We promote IPMDA.") == []


def test_forbidden_and_deprecated_english_are_reported(rules) -> None:
    found = check_texts(
        rules,
        "センターと協力",
        "the Indian Ocean Information Centre and the Defense Agency and the self-defense army",
    )
    assert sorted((k, i) for k, i, _, _ in found) == [("deprecated", 5), ("forbidden", 2), ("forbidden", 6)]
    forbidden = next(p for p in found if p[1] == 2)
    assert forbidden[2] == "Indian Ocean Information Centre"
    assert "Information Fusion Centre - Indian Ocean Region" in forbidden[3]


def test_proposed_entries_are_not_enforced(rules) -> None:
    assert kinds(rules, "協力する", "We help.") == []


def test_english_allowed_by_an_approved_entry_is_never_flagged() -> None:
    rules = build_rules(
        [
            Entry(id=1, ja="旧センター", en="Fusion Centre", status="deprecated"),
            Entry(id=2, ja="融合センター", en="Fusion Centre", status="approved"),
        ]
    )
    assert kinds(rules, "融合センター", "the Fusion Centre") == []


# --- on a stored, aligned pair ------------------------------------------------------------------------


def make_pair(
    db, name: str, ja_lines: list[str], en_lines: list[str], beads: list[tuple[tuple, tuple]]
) -> None:
    with write(db):
        pair_id = corpus.create_pair(db, name)
        for lang, lines in (("ja", ja_lines), ("en", en_lines)):
            text = "\n".join(lines) + "\n"
            doc = Document(
                id=None,
                pair_id=pair_id,
                lang=lang,
                raw_text=text,
                text=text,  # type: ignore[arg-type]
                offset_runs=((0, 0, len(text)),),
            )
            corpus.insert_document(db, pair_id, doc, line_segments(text))
    bead_store.save_beads(db, pair_id, [Bead(ja=j, en=e) for j, e in beads])


@pytest.fixture
def project(db_path: Path):
    db = open_glossary_project(db_path)
    for e in ENTRIES.values():
        store.add(db, e, user="t")
    make_pair(
        db,
        "demo",
        [
            "インド洋地域情報融合センター（ＩＦＣ－ＩＯＲ）を支援する。",
            "共同訓練を実施した。",
            "防衛庁の発表。",
            "海洋状況把握のためのインド太平洋パートナーシップ（ＩＰＭＤＡ）。",
            "付記。",
        ],
        [
            "We support the Indian Ocean Information Centre.",
            "A drill was held.",
            "It was",
            "announced by the Defense Agency.",
            "The Indo-Pacific Partnership for Maritime Domain Awareness (IPMDA).",
        ],
        [((0, 1), (0, 1)), ((1, 2), (1, 2)), ((2, 3), (2, 4)), ((3, 4), (4, 5)), ((4, 5), (5, 5))],
    )
    make_pair(db, "unaligned", ["共同訓練。"], ["Training."], [])
    yield db
    db.close()


def test_check_reports_bead_index_term_and_kind(project) -> None:
    pair = corpus.get_pair(project, "demo")
    problems = check(project, pair)
    got = [(p.bead, p.kind, p.term) for p in problems]
    assert got == [
        (0, "missing", "インド洋地域情報融合センター"),  # the forbidden rendering is no rendering
        (0, "forbidden", "Indian Ocean Information Centre"),
        (1, "missing", "共同訓練"),
        (2, "deprecated", "Defense Agency"),
    ]
    assert problems[3].en_text == "It was announced by the Defense Agency."  # a 1-2 bead joins its English
    assert check(project, corpus.get_pair(project, "unaligned")) is None


def test_check_command_table_json_and_strict(run, project) -> None:
    result = run("glossary", "check", "demo")
    assert result.exit_code == 0
    assert "共同訓練" in result.stdout and "4 term problems" in result.stdout
    result = run("glossary", "check", "demo", "--json")
    data = json.loads(result.stdout)
    assert [(d["bead_index"], d["kind"], d["entry_id"]) for d in data] == [
        (0, "missing", 2),
        (0, "forbidden", 2),
        (1, "missing", 4),
        (2, "deprecated", 5),
    ]
    assert data[0]["expected"][0] == "Information Fusion Centre - Indian Ocean Region"
    assert run("glossary", "check", "demo", "--strict").exit_code == 1
    result = run("glossary", "check", "--all", "--json", "--strict")
    assert result.exit_code == 1 and "skipped unaligned" in result.stderr
    result = run("glossary", "check", "unaligned")
    assert result.exit_code == 1 and "not aligned" in result.output
    result = run("glossary", "check", "nosuch")
    assert result.exit_code == 1 and "no pair named 'nosuch'" in result.output


def test_check_strict_passes_when_clean(run, project) -> None:
    for entry_id in (2, 4, 5):
        store.remove(project, entry_id, user="t")
    result = run("glossary", "check", "demo", "--strict")
    assert result.exit_code == 0, result.output
    assert "No term problems" in result.stderr


@pytest.mark.parametrize("hidden", ["\u00ad", "\u200b", "\u2060", "\u200d"])
def test_invisible_break_hints_do_not_hide_a_forbidden_rendering(rules, hidden: str) -> None:
    # a soft hyphen or zero-width space from a PDF or a word processor inside the forbidden term
    en = f"The Self-De{hidden}fense Ar{hidden}my was renamed."
    assert ("forbidden", 6, "Self-Defense Army") in kinds(rules, "自衛軍が改称された。", en)
    assert kinds(rules, "共同訓練を行う。", f"A joint ex{hidden}ercise was held.") == []
