"""Acronym definitions scored against hand-made gold lists (tests/acronym_gold/gold.tsv), on texts written
for these tests with the shapes real documents use (PDF ruby debris spaced, wrapped or glued; colon
expansions; spaced and qualified acronyms; quoted names) but with other names than the seeds."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from glossary.acronyms import Definition, acronym_key, find_definitions, find_occurrences
from glossary.harvest_model import clean_term

GOLD = Path(__file__).parent / "acronym_gold"


def _gold() -> list[dict[str, str]]:
    with (GOLD / "gold.tsv").open(encoding="utf-8") as fh:
        return list(csv.DictReader(fh, delimiter="\t"))


def _definitions(name: str) -> list[Definition]:
    from alignment.parse import parse_texts

    text = (GOLD / f"{name}.ja.txt").read_text(encoding="utf-8")
    return find_definitions(text, "ja", parse_texts(None, [text])[0].tokens)


@pytest.fixture(scope="module")
def found() -> dict[str, list[Definition]]:
    return {name: _definitions(name) for name in sorted({row["text"] for row in _gold()})}


def _score(found: dict[str, list[Definition]], rows: list[dict[str, str]]) -> dict[str, float]:
    gold = {(r["text"], acronym_key(r["acronym"])): r for r in rows}
    predicted = {
        (name, acronym_key(d.short), clean_term(d.ja))
        for name, defs in found.items()
        for d in defs
        if d.short and d.ja
    }
    right = {p for p in predicted if p[:2] in gold and p[2] in gold[p[:2]]["ja_long_form"].split("|")}
    hit = {p[:2] for p in right}
    plain = [k for k, r in gold.items() if r["ruby"] == "no"]
    stated = [k for k, r in gold.items() if r["en_expansion"]]
    expanded = {
        (name, acronym_key(d.short))
        for name, defs in found.items()
        for d in defs
        if d.short
        and d.en
        and (name, acronym_key(d.short)) in gold
        and clean_term(d.en) == gold[(name, acronym_key(d.short))]["en_expansion"]
    }
    return {
        "precision": len(right) / len(predicted),
        "recall": len(hit) / len(gold),
        "recall_without_ruby": sum(k in hit for k in plain) / len(plain),
        "expansions": sum(k in expanded for k in stated) / max(1, len(stated)),
    }


def test_definitions_meet_the_targets(found: dict[str, list[Definition]]) -> None:
    score = _score(found, _gold())
    print(score)
    assert score["precision"] >= 0.95, score
    assert score["recall"] >= 0.90, score
    assert score["recall_without_ruby"] >= 0.95, score
    assert score["expansions"] >= 0.80, score


def test_ruby_debris_gives_the_whole_triple(found: dict[str, list[Definition]]) -> None:
    by_short = {d.short: d for d in found["own-ruby"] if d.rule == "ruby"}
    osce = by_short["OSCE"]  # glued on both sides: OOrganization … EuropeSCE
    assert clean_term(osce.en) == "Organization for Security and Co-operation in Europe"
    assert clean_term(by_short["IMO"].ja) == "国際海事機関"  # the long form wrapped over a line
    assert clean_term(by_short["TIMC"].ja) == "東京の国際海洋会議"  # not cut short inside the quotation
    assert "CCCSAP" not in by_short and "CSAP" not in by_short  # never a split or joined acronym


def test_spaced_acronyms_are_kept_as_written_and_found_later() -> None:
    text = (GOLD / "own-plain.ja.txt").read_text(encoding="utf-8")
    shorts = {d.short for d in find_definitions(text, "ja")}
    assert {"EWG on CT", "PALM 7"} <= shorts
    assert not shorts & {"EWGonCT", "EWG", "KAMANDAG 8", "P-1"}
    later = find_occurrences("ＩＡＭＤとEWG on CT、EWGonCTは別。", ["IAMD", "EWG on CT"], bare=False)
    assert [(o.short, o.known) for o in later] == [("IAMD", True), ("EWG on CT", True)]


def test_the_score_can_fail() -> None:
    """The scorer counts a wrong long form against precision and a missing definition against recall."""
    rows = [
        {"text": "t", "acronym": "AB", "ja_long_form": "甲乙", "en_expansion": "", "ruby": "no"},
        {"text": "t", "acronym": "CD", "ja_long_form": "丙丁", "en_expansion": "", "ruby": "no"},
    ]
    defs = [Definition("AB", (0, 2), "甲", (3, 4), None, None, "paren")]
    score = _score({"t": defs}, rows)
    assert score["precision"] == 0 and score["recall"] == 0
