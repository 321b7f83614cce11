"""`glossary harvest`: the seed-000 gold, complete cross-lingual triples, no duplicates, provenance."""

from __future__ import annotations

import csv
import json
import unicodedata
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result
from sqlite_utils import Database
from testdata import DEV_GOLD, SEEDS

from alignment.importer import import_texts
from alignment.model import Lang
from alignment.store import get_document, get_pair
from glossary import store as glossary_store
from glossary.harvest import harvest_pair
from glossary.harvest_model import Proposal
from glossary.project import open_glossary_project as open_db
from glossary.spans import add_span, list_spans, set_status

SEED_000 = "000_018672d04432ce13"
Run = Callable[..., Result]  # the `run` fixture: invoke the CLI like a user


def _cli(db: Path, *args: str) -> Result:
    from tui.cli import cli

    result = CliRunner().invoke(cli, [*args, "--db", str(db)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result


def _gold() -> dict[str, set[str]]:
    with (DEV_GOLD / "acronyms-seed000.tsv").open(encoding="utf-8") as fh:
        rows = list(csv.reader(fh, delimiter="\t"))[1:]
    return {acronym: set(long_forms.split("|")) for seed, acronym, long_forms in rows if seed == "000"}


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[dict[str, Any]]]:
    """Seed 000 with our English rendering: import → align → suggest → harvest, through the CLI."""
    db = tmp_path_factory.mktemp("demo") / "taiyaku.db"
    _cli(db, "import", str(SEEDS / f"{SEED_000}.txt"), str(SEEDS / "en" / f"{SEED_000}.en.txt"), "-q")
    _cli(db, "align", SEED_000, "--no-embeddings", "-q")
    _cli(db, "suggest", SEED_000, "-q")
    proposals = json.loads(_cli(db, "glossary", "harvest", SEED_000, "--json").output)
    return db, proposals


@pytest.mark.slow
def test_seed_000_gold_exactly(demo: tuple[Path, list[dict[str, Any]]]) -> None:
    """Every gold acronym with its long form, and nothing else from the Japanese document."""
    _, proposals = demo
    gold = _gold()
    from_ja = [p for p in proposals if p["lang"] == "ja"]
    found = {p["acronym"]: unicodedata.normalize("NFKC", p["ja"] or "") for p in from_ja}
    correct = {a for a, ja in found.items() if ja in gold.get(a, set())}
    precision, recall = len(correct) / len(from_ja), len(correct) / len(gold)
    assert (precision, recall) == (1.0, 1.0), sorted(set(found.items()) - {(a, found[a]) for a in correct})
    assert all(p["origin"] == "acronym" and p["result"] == "proposed" for p in from_ja)
    assert [p for p in proposals if p["lang"] == "en"] == []  # the English side defines nothing new


@pytest.mark.slow
def test_seed_000_triples_come_from_the_aligned_beads(demo: tuple[Path, list[dict[str, Any]]]) -> None:
    db_path, proposals = demo
    by_acronym = {p["acronym"]: p for p in proposals}
    assert (by_acronym["IPMDA"]["ja"], by_acronym["IPMDA"]["en"]) == (
        "海洋状況把握のためのインド太平洋パートナーシップ",
        "Indo-Pacific Partnership for Maritime Domain Awareness",
    )
    assert (by_acronym["IFC-IOR"]["ja"], by_acronym["IFC-IOR"]["en"]) == (
        "インド洋地域情報融合センター",
        "Information Fusion Centre – Indian Ocean Region",
    )
    assert (by_acronym["ReCAAP"]["ja"], by_acronym["ReCAAP"]["en"]) == (
        "アジア海賊対策地域協力協定",
        "Regional Cooperation Agreement on Combating Piracy and Armed Robbery against Ships in Asia",
    )
    assert all(p["en_from"] == "bead" and p["en"] for p in proposals)
    db = open_db(str(db_path))
    try:
        entry = glossary_store.get(db, by_acronym["IPMDA"]["entry_id"])
        assert entry.status == "proposed"
        (source,) = entry.sources
        assert (source.pair, source.lang, source.segment_index) == (
            SEED_000,
            "ja",
            by_acronym["IPMDA"]["segment_index"],
        )
        assert "ＩＰＭＤＡ" in (source.excerpt or "")
        # lookup finds it however it is typed
        assert [h.entry.id for h in glossary_store.lookup(db, "ｉｐｍｄａ").hits] == [entry.id]
    finally:
        db.close()


@pytest.mark.slow
def test_harvest_never_duplicates(demo: tuple[Path, list[dict[str, Any]]]) -> None:
    db_path, first = demo
    again = json.loads(_cli(db_path, "glossary", "harvest", "--all", "--json").output)
    assert {p["result"] for p in again} == {"exists"}
    assert sorted(p["entry_id"] for p in again) == sorted(p["entry_id"] for p in first)
    db = open_db(str(db_path))
    try:
        assert glossary_store.count(db) == len(first)
    finally:
        db.close()


# --- smaller cases ------------------------------------------------------------------------------------

JA = (
    "(１)統合幕僚監部と統合国防参謀本部との間における包括的な対話の探求。\n\n"
    "(２)日本の防衛装備庁（ＡＴＬＡ）との協力。\n\n"
    "※ PNT : Positioning・Navigation・Timing\n\n"
    "(３)測位・航法・時刻（PNT）の重要性。"
)
EN = (
    "(1) Exploring comprehensive dialogue between the Joint Staff and the Integrated Defence Staff.\n\n"
    "(2) Cooperation with Japan's Acquisition, Technology and Logistics Agency (ATLA).\n\n"
    "(3) The importance of positioning, navigation and timing."
)


@pytest.fixture
def small(db_path: Path) -> Iterator[Database]:
    db = open_db(str(db_path))
    import_texts(db, "small", JA, EN)
    yield db
    db.close()


def _by_acronym(proposals: Sequence[Proposal]) -> dict[str | None, Proposal]:
    return {p.acronym: p for p in proposals}


def test_dry_run_changes_nothing(small: Database, run: Run) -> None:
    run("suggest", "small", "-q")
    proposals = json.loads(run("glossary", "harvest", "small", "--dry-run", "--json").output)
    assert {p["result"] for p in proposals} == {"dry-run"}
    assert glossary_store.count(small) == 0


def test_unaligned_pair_takes_english_from_the_text_or_the_english_document(small: Database) -> None:
    pair = get_pair(small, "small")
    got = _by_acronym(harvest_pair(small, pair, user="t"))  # suggestions never ran: found afresh
    assert (got["ATLA"].ja, got["ATLA"].en, got["ATLA"].en_from) == (
        "防衛装備庁",
        "Acquisition, Technology and Logistics Agency",
        "document",
    )
    assert (got["PNT"].ja, got["PNT"].en, got["PNT"].en_from) == (
        "測位・航法・時刻",
        "Positioning・Navigation・Timing",
        "inline",
    )
    assert got["ATLA"].bead is None


def test_rejected_acronym_is_not_harvested(small: Database) -> None:
    pair = get_pair(small, "small")
    from glossary.suggest import suggest_pair

    suggest_pair(small, pair, user="t")
    doc = get_document(small, pair.id, "ja")
    assert doc is not None
    atla = doc.text.index("ＡＴＬＡ")
    span = next(s for s in list_spans(small, pair, lang="ja") if (s.start, s.label) == (atla, "ACRONYM"))
    assert span.id is not None
    set_status(small, span.id, "rejected", user="rev")
    assert "ATLA" not in _by_acronym(harvest_pair(small, pair, user="t"))


def test_accepted_spans_with_their_aligned_rendering(small: Database, run: Run) -> None:
    run("align", "small", "--no-embeddings", "-q")
    pair = get_pair(small, "small")
    ja_doc, en_doc = get_document(small, pair.id, "ja"), get_document(small, pair.id, "en")
    assert ja_doc is not None and en_doc is not None
    ja, en = ja_doc.text, en_doc.text
    sides: tuple[tuple[Lang, str, str], ...] = (("ja", ja, "統合幕僚監部"), ("en", en, "Joint Staff"))
    for lang, text, term in sides:
        start = text.index(term)
        add_span(small, pair, lang, start, start + len(term), "ORG", user="rev")
    got = [p for p in harvest_pair(small, pair, user="t") if p.origin == "span"]
    assert [(p.ja, p.en, p.en_from, p.result) for p in got] == [
        ("統合幕僚監部", "Joint Staff", "bead", "proposed")
    ]
    assert got[0].entry_id is not None
    entry = glossary_store.get(small, got[0].entry_id)
    assert (entry.ja, entry.en, entry.acronym, entry.status) == (
        "統合幕僚監部",
        "Joint Staff",
        None,
        "proposed",
    )


def test_existing_entry_is_reported_not_duplicated(small: Database, run: Run) -> None:
    from glossary.model import Entry

    glossary_store.add(small, Entry(ja="防衛装備庁", acronym="ATLA"), user="lead")
    result = run("glossary", "harvest", "small")
    assert result.exit_code == 0
    assert "already in the glossary" in result.output
    assert len(glossary_store.find_by_term(small, "ATLA", fields=("acronym",))) == 1


@pytest.mark.slow
def test_demo_suggests_and_harvests_every_pair(tmp_path: Path) -> None:
    import tui.cli  # noqa: F401  (registers every command and its demo steps)
    from tui.demo import STEPS, build_demo
    from tui.seeds import seeds

    names = [s.name for s in STEPS]
    assert (
        names.index("suggest") > names.index("import")
        and names.index("harvest") == names.index("suggest") + 1
    )
    if "align" in names:
        assert names.index("suggest") > names.index("align")
    seed = [s for s in seeds() if s.name == SEED_000]
    steps = [s for s in STEPS if s.name != "align"]  # alignment has its own tests; keep this one quick
    _, results = build_demo(tmp_path / "demo", seed_list=seed, steps=steps)
    harvest = next(r for r in results if r.step == "harvest")
    (row,) = harvest.rows
    assert (row["pair"], row["proposed"], row["complete_triples"], row["already_there"]) == (
        SEED_000,
        12,
        12,
        0,
    )
    assert row["linked_spans"] >= 48  # each acronym and both long forms, at least, now link to their entry
