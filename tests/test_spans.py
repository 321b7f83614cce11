"""Span storage: suggestion sync never duplicates and never overrides people; export offsets; CLI."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from alignment.importer import import_texts
from alignment.store import get_document, get_pair, get_segments
from glossary.project import open_glossary_project as open_db
from glossary.span_export import export_records
from glossary.span_sync import sync_suggestions
from glossary.spans import (
    InvalidSpan,
    Span,
    add_span,
    list_spans,
    set_label,
    set_status,
)

JA = "㈱ﾃﾞﾓ社😀は防衛装備庁（ＡＴＬＡ）と協力する。\n\nインド洋地域情報融合センター（ＩＦＣ－ＩＯＲ）を活用する。"
EN = "The demo company works with ATLA.\n\nThe IFC-IOR is used."


@pytest.fixture
def project(db_path: Path):
    db = open_db(str(db_path))
    import_texts(db, "demo", JA, EN)
    yield db
    db.close()


def _proposal(doc_text: str, needle: str, label: str, source: str = "ginza") -> Span:
    start = doc_text.index(needle)
    return Span(start, start + len(needle), label, source, hint="Company" if source == "ginza" else None)  # type: ignore[arg-type]


def _setup(project):
    pair = get_pair(project, "demo")
    doc = get_document(project, pair.id, "ja")
    segs = get_segments(project, doc.id)
    return pair, doc, segs


def _count(db) -> int:
    return db.execute("SELECT count(*) FROM spans").fetchone()[0]


def test_tables_exist(project) -> None:
    names = {r[0] for r in project.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert {"spans", "acronym_definitions", "suggest_runs"} <= names


def test_rerunning_never_duplicates(project) -> None:
    pair, doc, _ = _setup(project)
    props = [_proposal(doc.text, "ＡＴＬＡ", "ACRONYM", "acronym"), _proposal(doc.text, "防衛装備庁", "ORG")]
    first = sync_suggestions(project, pair, doc, props, user="a")
    second = sync_suggestions(project, pair, doc, props, user="b")
    assert (first.added, second.added, second.refreshed) == (2, 0, 2)
    assert _count(project) == 2
    spans = list_spans(project, pair)
    assert {s.text for s in spans} == {"ＡＴＬＡ", "防衛装備庁"}
    assert all(s.created_by == "a" for s in spans)  # a refresh is not a decision


def test_human_decisions_survive_any_run(project) -> None:
    pair, doc, _ = _setup(project)
    atla = _proposal(doc.text, "ＡＴＬＡ", "ACRONYM", "acronym")
    org = _proposal(doc.text, "防衛装備庁", "ORG")
    sync_suggestions(project, pair, doc, [atla, org], user="a")
    by_text = {s.text: s for s in list_spans(project, pair)}
    set_status(project, by_text["ＡＴＬＡ"].id, "accepted", user="rev")  # type: ignore[arg-type]
    set_status(project, by_text["防衛装備庁"].id, "rejected", user="rev")  # type: ignore[arg-type]
    user_span = add_span(
        project, pair, "ja", doc.text.index("協力"), doc.text.index("協力") + 2, "EVENT", user="rev"
    )
    # a run that proposes nothing any more, then one that proposes everything again
    report = sync_suggestions(project, pair, doc, [], user="a")
    assert report.removed == 0
    report = sync_suggestions(project, pair, doc, [atla, org], user="a")
    assert (report.added, report.kept) == (0, 2)
    got = {(s.text, s.status, s.source) for s in list_spans(project, pair)}
    assert got == {
        ("ＡＴＬＡ", "accepted", "acronym"),
        ("防衛装備庁", "rejected", "ginza"),
        ("協力", "accepted", "user"),
    }
    assert user_span.updated_by == "rev"


def test_stale_suggestions_are_dropped_and_sources_merge(project) -> None:
    pair, doc, _ = _setup(project)
    ginza = _proposal(doc.text, "ＡＴＬＡ", "ACRONYM", "ginza")
    rule = _proposal(doc.text, "ＡＴＬＡ", "ACRONYM", "acronym")
    glossary = Span(rule.start, rule.end, "ACRONYM", "glossary", entry_id=None)
    other = _proposal(doc.text, "防衛装備庁", "ORG")
    sync_suggestions(project, pair, doc, [ginza, other], user="a")
    report = sync_suggestions(project, pair, doc, [ginza, rule, glossary], user="a")
    assert report.removed == 1
    (span,) = list_spans(project, pair)
    assert (span.source, span.hint) == ("glossary", "Company")  # most specific source, GiNZA's label kept


def test_add_span_validates(project) -> None:
    pair, doc, _ = _setup(project)
    with pytest.raises(InvalidSpan, match="unknown label"):
        add_span(project, pair, "ja", 0, 2, "BANANA", user="u")
    with pytest.raises(InvalidSpan, match="outside"):
        add_span(project, pair, "ja", 0, len(doc.text) + 1, "ORG", user="u")
    span = add_span(project, pair, "ja", 0, 1, "org", user="u")
    assert (span.label, span.text, span.segment, span.status) == ("ORG", "㈱", 0, "accepted")
    relabelled = set_label(project, span.id, "GPE", user="v")  # type: ignore[arg-type]
    assert (relabelled.label, relabelled.updated_by) == ("GPE", "v")


def test_export_offsets_are_relative_to_the_segment(project) -> None:
    pair, doc, segs = _setup(project)
    sync_suggestions(
        project,
        pair,
        doc,
        [
            _proposal(doc.text, "ＩＦＣ－ＩＯＲ", "ACRONYM", "acronym"),
            _proposal(doc.text, "防衛装備庁", "ORG"),
        ],
        user="a",
    )
    records = [r for r in export_records(project, pair) if r["lang"] == "ja"]
    assert [r["segment_index"] for r in records] == [s.index for s in segs]
    for rec in records:
        assert set(rec) == {"pair", "lang", "segment_index", "text", "spans"}
        for sp in rec["spans"]:
            assert set(sp) == {"start", "end", "label", "text", "source", "status", "entry_id"}
            assert rec["text"][sp["start"] : sp["end"]] == sp["text"]
    assert {sp["text"] for r in records for sp in r["spans"]} == {"ＩＦＣ－ＩＯＲ", "防衛装備庁"}


def test_reimport_drops_the_pairs_spans(project) -> None:
    pair, doc, _ = _setup(project)
    sync_suggestions(project, pair, doc, [_proposal(doc.text, "防衛装備庁", "ORG")], user="a")
    import_texts(project, "demo", JA, EN, replace=True)
    assert _count(project) == 0


# --- CLI ----------------------------------------------------------------------------------------------


def test_cli_list_accept_reject_export(project, run, tmp_path: Path) -> None:
    pair, doc, _ = _setup(project)
    sync_suggestions(
        project,
        pair,
        doc,
        [_proposal(doc.text, "ＡＴＬＡ", "ACRONYM", "acronym"), _proposal(doc.text, "防衛装備庁", "ORG")],
        user="a",
    )
    listed = json.loads(run("spans", "list", "demo", "--json").output)
    assert [s["text"] for s in listed] == ["防衛装備庁", "ＡＴＬＡ"]
    ids = {s["text"]: s["id"] for s in listed}
    assert run("spans", "accept", str(ids["ＡＴＬＡ"]), "--user", "rev").exit_code == 0
    assert run("spans", "reject", str(ids["防衛装備庁"])).exit_code == 0
    statuses = {
        s["text"]: (s["status"], s["updated_by"])
        for s in json.loads(run("spans", "list", "demo", "--json").output)
    }
    assert statuses["ＡＴＬＡ"] == ("accepted", "rev") and statuses["防衛装備庁"][0] == "rejected"
    accepted = json.loads(run("spans", "list", "demo", "--status", "accepted", "--json").output)
    assert [s["text"] for s in accepted] == ["ＡＴＬＡ"]

    out = tmp_path / "spans.jsonl"
    result = run("spans", "export", "demo", "--format", "jsonl", "-o", str(out))
    assert result.exit_code == 0
    lines = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert len(lines) == len(get_segments(project, doc.id)) + len(
        get_segments(project, get_document(project, pair.id, "en").id)
    )
    stdout_lines = run("spans", "export", "--all").output.splitlines()
    assert [json.loads(x) for x in stdout_lines] == lines


def test_cli_errors_are_one_line_and_change_nothing(project, run) -> None:
    pair, doc, _ = _setup(project)
    sync_suggestions(project, pair, doc, [_proposal(doc.text, "防衛装備庁", "ORG")], user="a")
    (span,) = list_spans(project, pair)
    result = run("spans", "accept", str(span.id), "99999")
    assert result.exit_code == 1 and "no span 99999" in result.output
    assert list_spans(project, pair)[0].status == "suggested"
    result = run("spans", "list", "nope")
    assert result.exit_code == 1 and "no pair named 'nope'" in result.output
    result = run("spans", "export", "demo", "-o", "missing/dir/out.jsonl")
    assert result.exit_code == 1 and "does not exist" in result.output
