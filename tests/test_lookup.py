"""Glossary lookup: folded keys, 1-2 character Japanese, ranking, odd queries, and a light import path."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlite_utils import Database

from glossary import store
from glossary.lookup import lookup_key
from glossary.model import Entry, Variant
from glossary.project import open_glossary_project


def _id(entry: Entry) -> int:
    """The id of a stored entry (only unsaved entries have none)."""
    assert entry.id is not None
    return entry.id


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("ＩＰＭＤＡ", "ipmda"),
        ("IPMDA", "ipmda"),
        ("ＩＦＣ－ＩＯＲ", "ifc-ior"),
        ("IFC‐IOR", "ifc-ior"),  # U+2010 hyphen
        ("IFC−IOR", "ifc-ior"),  # U+2212 minus
        ("インド洋", "いんど洋"),
        ("ｲﾝﾄﾞ洋", "いんど洋"),  # half-width kana with a voiced mark
        ("ﾊﾟｰﾄﾅｰｼｯﾌﾟ", "ぱーとなーしっぷ"),
        ("㈱防衛", "(株)防衛"),
        ("Indo-Pacific\u3000 Partnership", "indo-pacific partnership"),
        ("ReCAAP", "recaap"),
        ("🚢 艦船", "🚢 艦船"),
    ],
)
def test_lookup_key_folds_width_kana_case_dashes_and_spaces(a: str, b: str) -> None:
    assert lookup_key(a) == lookup_key(b) == b


def test_long_vowel_mark_is_not_a_dash() -> None:
    assert lookup_key("センター") != lookup_key("セント-")


ENTRIES: dict[str, Entry] = {
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
    ),
    "recaap": Entry(
        ja="アジア海賊対策地域協力協定",
        acronym="ReCAAP",
        en="Regional Cooperation Agreement on Combating Piracy and Armed Robbery against Ships in Asia",
    ),
    "kyoryoku": Entry(ja="協力", en="cooperation", variants=(Variant("en", "collaboration"),)),
    "sec_coop": Entry(ja="安全保障協力", en="security cooperation", status="approved"),
    "ocean": Entry(ja="海", en="sea", status="deprecated"),
    "pct": Entry(ja="100%充足", en="100% fill_rate"),
    "company": Entry(ja="㈱防衛技研", en="Defense Tech Co."),
    "forbidden": Entry(
        ja="円滑化協定",
        en="Reciprocal Access Agreement",
        acronym="RAA",
        variants=(Variant("en", "Visiting Forces Agreement", forbidden=True),),
    ),
}


@pytest.fixture
def db(db_path: Path) -> Iterator[Database]:
    database = open_glossary_project(db_path)
    for entry in ENTRIES.values():
        store.add(database, entry, user="t")
    yield database
    database.close()


@pytest.fixture
def ids(db: Database) -> dict[str, int]:
    """The ids the fixture entries got (each has a Japanese term of its own)."""
    return {name: _id(store.find_by_term(db, e.ja or "")[0]) for name, e in ENTRIES.items()}


def _ids(db: Database, query: str, **kw: Any) -> list[int]:
    return [_id(h.entry) for h in store.lookup(db, query, **kw).hits]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("ＩＰＭＤＡ", "ipmda"),
        ("ipmda", "ipmda"),
        ("IPMDA", "ipmda"),
        ("ｉｐｍｄａ", "ipmda"),
        ("ifc-ior", "ifc"),
        ("IFC‐IOR", "ifc"),
        ("ＩＦＣ－ＩＯＲ", "ifc"),
        ("recaap", "recaap"),
        ("ＲｅＣＡＡＰ", "recaap"),
        ("いんど洋", "ifc"),
        ("ｲﾝﾄﾞ洋", "ifc"),
        ("ぱーとなーしっぷ", "ipmda"),
        ("fusion centre", "ifc"),
        ("MARITIME DOMAIN", "ipmda"),
        ("collaboration", "kyoryoku"),
        ("visiting forces", "forbidden"),
        ("(株)防衛", "company"),
        ("㈱", "company"),
    ],
)
def test_lookup_finds_the_entry_whatever_the_spelling(
    db: Database, ids: dict[str, int], query: str, expected: str
) -> None:
    assert ids[expected] in _ids(db, query)


def test_one_and_two_character_japanese_substrings(db: Database, ids: dict[str, int]) -> None:
    # SQLite's trigram index finds nothing for these; the lookup must.
    assert set(_ids(db, "協力")) == {ids["kyoryoku"], ids["sec_coop"], ids["recaap"]}
    assert ids["ipmda"] in _ids(db, "把握")
    assert {ids["ocean"], ids["ipmda"], ids["recaap"]} <= set(_ids(db, "海"))
    assert ids["ifc"] in _ids(db, "洋")


def test_ranking_is_exact_then_prefix_then_substring(db: Database, ids: dict[str, int]) -> None:
    hits = store.lookup(db, "協力").hits
    # Within a rank, approved entries come first (security cooperation before the proposed ReCAAP).
    assert [(h.entry.id, h.rank) for h in hits] == [
        (ids["kyoryoku"], "exact"),
        (ids["sec_coop"], "substring"),
        (ids["recaap"], "substring"),
    ]
    hits = store.lookup(db, "ind").hits
    assert hits[0].rank == "prefix" and all(h.rank == "substring" for h in hits[2:])
    assert hits[0].field == "en"  # Indo-Pacific… / Information…


def test_hit_reports_the_matching_term_and_field(db: Database) -> None:
    hit = store.lookup(db, "ipmda").hits[0]
    assert (hit.rank, hit.field, hit.term) == ("exact", "acronym", "IPMDA")
    hit = store.lookup(db, "Visiting").hits[0]
    assert (hit.rank, hit.field, hit.term) == ("prefix", "forbidden_en", "Visiting Forces Agreement")


def test_percent_underscore_and_quotes_are_literal(db: Database, ids: dict[str, int]) -> None:
    assert _ids(db, "%") == [ids["pct"]]
    assert _ids(db, "_") == [ids["pct"]]
    assert _ids(db, "l_r") == [ids["pct"]]
    assert _ids(db, "'") == []
    assert _ids(db, "' OR 1=1 --") == []
    assert _ids(db, '"') == []


def test_limit_status_and_total(db: Database, ids: dict[str, int]) -> None:
    result = store.lookup(db, "海", limit=1)
    assert len(result.hits) == 1 and result.total == 3
    assert result.hits[0].entry.id == ids["ocean"]  # exact beats the approved substring matches
    assert _ids(db, "海", statuses=("approved",)) == [ids["ipmda"]]
    assert _ids(db, "海", statuses=("deprecated", "proposed")) == [ids["ocean"], ids["recaap"]]
    assert store.lookup(db, "   ").hits == ()
    assert store.lookup(db, "no such thing").total == 0


def test_lookup_follows_edits_and_removals(db: Database, ids: dict[str, int]) -> None:
    store.edit(db, ids["kyoryoku"], user="t", en="collaboration work", variants=())
    assert _ids(db, "cooperation") == [ids["sec_coop"], ids["recaap"]]
    assert _ids(db, "collaboration work") == [ids["kyoryoku"]]
    store.remove(db, ids["kyoryoku"], user="t")
    assert _ids(db, "collaboration") == []


def test_lookup_command_imports_no_heavy_modules(db_path: Path, db: Database) -> None:
    """The hot path: no spaCy, Textual, numpy (nor rich for the table) in the process."""
    code = (
        "import sys, json\n"
        "from tui.cli import cli\n"
        f"for args in (['glossary', 'lookup', '協力', '--db', {str(db_path)!r}],\n"
        f"             ['glossary', 'lookup', 'ipmda', '--json', '--db', {str(db_path)!r}]):\n"
        "    try:\n"
        "        cli(args)\n"
        "    except SystemExit as exc:\n"
        "        assert not exc.code, exc.code\n"
        "heavy = [m for m in ('spacy', 'textual', 'numpy', 'ginza', 'rich', 'pandas') if m in sys.modules]\n"
        "print(json.dumps(heavy), file=sys.stderr)\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert "安全保障協力" in proc.stdout and '"acronym": "IPMDA"' in proc.stdout
    assert json.loads(proc.stderr.strip().splitlines()[-1]) == []


@pytest.mark.parametrize(
    "query",
    [
        "インド洋地域",
        "ipm",
        "ＩＰＭ",
        "fusion centre - indian ocean",
        "100%",
        '"quoted',
        "l_r",
        "協力協定",
        "regional cooperation agreement on combating piracy and armed robbery",
        "ｾﾝﾀｰ",
        "(株)防",
        "zzz",
    ],
)
def test_trigram_index_and_full_scan_agree(db: Database, query: str, monkeypatch: pytest.MonkeyPatch) -> None:
    from glossary import lookup

    assert lookup._has_trigrams(db)
    indexed = store.lookup(db, query, limit=50)
    monkeypatch.setattr(lookup, "_has_trigrams", lambda _db: False)
    scanned = store.lookup(db, query, limit=50)
    assert indexed == scanned


def test_trigram_index_follows_changes(db: Database) -> None:
    entry = store.add(
        db,
        Entry(ja="統合防空ミサイル防衛", en="Integrated Air and Missile Defense", acronym="IAMD"),
        user="t",
    )
    assert _ids(db, "air and missile") == [entry.id]
    store.edit(db, _id(entry), user="t", en="Integrated Air & Missile Defence")
    assert _ids(db, "air and missile") == []
    assert _ids(db, "air & missile") == [entry.id]
    store.remove(db, _id(entry), user="t")
    assert _ids(db, "air & missile") == []
    assert (
        db.execute(
            "SELECT count(*) FROM glossary_lookup_trigrams WHERE glossary_lookup_trigrams MATCH '\"iam\"'"
        ).fetchone()[0]
        == 0
    )


def test_trigram_query_is_bounded_and_quoted() -> None:
    from glossary.lookup import trigram_query

    assert trigram_query('a"bc') == '"a""b" AND """bc"'
    assert trigram_query("x" * 3) == '"xxx"'
    assert trigram_query("abcdefghijklmnopqrstuvwxyz").count(" AND ") == 11
