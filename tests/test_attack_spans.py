"""Issue 12, item 18: no suggested span runs across a tab (a table's cell border), whichever source proposes
it (the glossary, an acronym definition, GiNZA); other whitespace inside a term still matches."""

from __future__ import annotations

import json
from pathlib import Path

from alignment.model import Document, Segment
from glossary.acronyms import find_definitions
from glossary.match import Matcher, Term
from glossary.suggest import build_proposals


def _found(matcher: Matcher, text: str) -> list[str]:
    return [text[m.start : m.end] for m in matcher.find(text)]


def test_a_glossary_term_never_matches_across_a_tab() -> None:
    matcher = Matcher([Term("Maritime Domain Awareness", 1, "en"), Term("Domain Awareness", 2, "en")])
    assert _found(matcher, "Maritime\tDomain Awareness cooperation") == ["Domain Awareness"]
    # a space, a no-break space or a line break between the words is still the term
    for gap in (" ", "\u00a0", "\n"):
        assert _found(matcher, f"Maritime{gap}Domain Awareness") == [f"Maritime{gap}Domain Awareness"]


def test_no_proposal_from_any_source_crosses_a_tab() -> None:
    text = "We back the Indo-Pacific Partnership for\tMaritime Domain Awareness (IPMDA) and\tFrance."
    doc = Document(id=1, pair_id=1, lang="en", raw_text=text, text=text, offset_runs=())
    segs = [Segment(0, 0, len(text), text)]
    defs = find_definitions(text, "en")
    assert any(d.en_span and "\t" in text[d.en_span[0] : d.en_span[1]] for d in defs)  # the rule's long form
    and_france = text.index("and\tFrance")
    ents = [(and_france, len(text) - 1, "Country"), (text.index("France"), len(text) - 1, "Country")]
    matcher = Matcher([Term("Partnership for Maritime Domain Awareness", 7, "en")])
    props = build_proposals(doc, segs, defs, {"IPMDA"}, matcher, (), ents)
    got = {(text[p.start : p.end], p.source) for p in props}
    assert not [t for t, _ in got if "\t" in t], got
    assert ("France", "ginza") in got and ("IPMDA", "acronym") in got


def test_suggest_on_a_document_with_tabs_stores_no_span_across_one(run, tmp_path: Path) -> None:
    ja = tmp_path / "tab.txt"
    en = tmp_path / "tab.en.txt"
    ja.write_text(
        "インド太平洋\t海洋状況把握の協力を進める。\n防衛省はインド太平洋海洋状況把握を支援する。\n", "utf-8"
    )
    en.write_text(
        "We promote Maritime\tDomain Awareness.\nThe ministry supports Maritime Domain Awareness.\n", "utf-8"
    )
    assert run("import", str(ja), str(en), "--segmented", "-q").exit_code == 0
    assert (
        run(
            "glossary", "add", "--ja", "インド太平洋海洋状況把握", "--en", "Maritime Domain Awareness"
        ).exit_code
        == 0
    )
    assert run("suggest", "tab", "-q").exit_code == 0
    spans = json.loads(run("spans", "list", "tab", "--json").output)
    texts = [s["text"] for s in spans]
    assert texts and not [t for t in texts if "\t" in t], texts
    # the term is still found where it is written whole, on both sides
    assert texts.count("インド太平洋海洋状況把握") >= 1 and "Maritime Domain Awareness" in texts
