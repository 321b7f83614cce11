"""The 1-2 character index (glossary.lookup_grams): the same hits as a scan, kept in step with every write."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlite_utils import Database

from glossary import lookup, lookup_grams, store
from glossary.model import Entry, Status, Variant
from glossary.project import open_glossary_project

ENTRIES = (
    Entry(ja="海", en="sea", status="deprecated"),
    Entry(ja="海洋", en="ocean", status="proposed"),
    Entry(ja="海上自衛隊", en="Maritime Self-Defense Force", acronym="JMSDF", status="approved"),
    Entry(ja="日米海上協力", en="Japan-U.S. maritime cooperation", status="approved"),
    Entry(ja="北海道", en="Hokkaido", status="forbidden"),
    Entry(ja="協力", en="cooperation", variants=(Variant("en", "collaboration"),)),
    Entry(ja="安全保障協力", en="security cooperation", status="approved"),
    Entry(ja="ああ協力", en="ah cooperation", variants=(Variant("ja", "協力ああ"),), status="approved"),
    Entry(ja="センター", en="Centre", status="approved"),
    Entry(ja="100%充足", en="100% fill_rate"),
    Entry(ja="㈱防衛技研", en="Defense Tech Co."),
    Entry(ja="IFC-IOR事務局", en="IFC-IOR Secretariat", acronym="ＩＦＣ－ＩＯＲ"),
)
SHORT = (
    "海",
    "海上",
    "協力",
    "力",
    "ああ",
    "セン",
    "ｾﾝ",
    "ー",
    "%",
    "_",
    "㈱",
    "(株",
    "-i",
    "-",
    "上協",
    "zz",
)


@pytest.fixture
def db(db_path: Path) -> Iterator[Database]:
    database = open_glossary_project(db_path)
    for entry in ENTRIES:
        store.add(database, entry, user="t")
    yield database
    database.close()


def _scanned(db: Database, query: str, **kw: object) -> object:
    """The lookup as it is without the gram table (every key scanned)."""
    saved = lookup._index_tables
    lookup._index_tables = lambda _db: {"glossary_lookup_trigrams"}  # type: ignore[assignment]  # restored below
    try:
        return store.lookup(db, query, **kw)  # type: ignore[arg-type]  # the keywords of lookup
    finally:
        lookup._index_tables = saved


@pytest.mark.parametrize("query", SHORT)
@pytest.mark.parametrize(
    ("limit", "statuses"), [(20, ()), (1, ()), (2, ("approved",)), (20, ("proposed", "forbidden"))]
)
def test_gram_index_and_full_scan_agree(
    db: Database, query: str, limit: int, statuses: tuple[Status, ...]
) -> None:
    # zz scans; ㈱ folds to (株), which the trigram index answers
    assert lookup_grams.indexed(lookup.lookup_key(query)) == (query not in ("zz", "㈱"))
    indexed = store.lookup(db, query, limit=limit, statuses=statuses)
    assert indexed == _scanned(db, query, limit=limit, statuses=statuses)


def test_short_query_ranks_and_counts(db: Database) -> None:
    result = store.lookup(db, "海", limit=3)
    # exact first, then prefixes (approved before proposed), then substrings
    assert [(h.entry.ja, h.rank) for h in result.hits] == [
        ("海", "exact"),
        ("海上自衛隊", "prefix"),
        ("海洋", "prefix"),
    ]
    assert result.total == 5
    hit = store.lookup(db, "ああ").hits[0]
    assert (hit.entry.ja, hit.rank, hit.field, hit.term) == ("ああ協力", "prefix", "ja", "ああ協力")


def test_grams_follow_edits_status_changes_and_removals(db: Database) -> None:
    (sea,) = [h.entry for h in store.lookup(db, "海").hits if h.rank == "exact"]
    assert sea.id is not None
    store.edit(db, sea.id, user="t", ja="湖", en="lake")
    assert "湖" not in {h.entry.ja for h in store.lookup(db, "海").hits}
    assert [h.entry.ja for h in store.lookup(db, "湖").hits] == ["湖"]
    # approved, the shortest substring match 北海道 moves ahead of the other approved one
    hokkaido = next(h.entry for h in store.lookup(db, "北海").hits)
    assert hokkaido.id is not None
    store.set_status(db, hokkaido.id, "approved", user="t")
    assert [h.entry.ja for h in store.lookup(db, "海", limit=3).hits][2] == "北海道"
    assert store.lookup(db, "海", limit=3) == _scanned(db, "海", limit=3)
    store.remove(db, hokkaido.id, user="t")
    assert store.lookup(db, "北").total == 0
    rows = db.execute(
        f"SELECT count(*) FROM {lookup_grams.TABLE} WHERE entry_id = ?", [hokkaido.id]
    ).fetchone()
    assert rows[0] == 0


def test_migration_builds_the_same_rows_the_store_keeps(db: Database) -> None:
    kept = sorted(db.execute(f"SELECT * FROM {lookup_grams.TABLE}").fetchall())
    assert len(kept) > 100
    db.execute(f"DROP TABLE {lookup_grams.TABLE}")
    lookup_grams.create(db)
    assert sorted(db.execute(f"SELECT * FROM {lookup_grams.TABLE}").fetchall()) == kept


def test_plain_ascii_grams_are_not_indexed() -> None:
    rows = lookup_grams.entry_grams(7, [("en", "ab-c"), ("ja", "海a")])
    assert {r.gram for r in rows} == {"-", "b-", "-c", "海", "海a"}
    assert lookup_grams.Gram("海", 1, 2, 7, 0) in rows  # 海a (ja, field 0) opens with it: prefix
    assert not lookup_grams.indexed("ip") and not lookup_grams.indexed("abc") and lookup_grams.indexed("i-")


def test_every_key_carries_its_entrys_status_and_ranking_follows_it(db: Database) -> None:
    def ranked(query: str, *statuses: Status) -> list[str | None]:
        return [h.entry.en for h in store.lookup(db, query, statuses=statuses).hits]

    # a 3+ character query: the trigram path, ranked by the status its keys carry
    before = ["ah cooperation", "security cooperation", "Japan-U.S. maritime cooperation", "cooperation"]
    assert ranked("operation") == before
    ids = {h.entry.en: h.entry.id for h in store.lookup(db, "operation").hits}
    store.set_status(db, ids["cooperation"] or 0, "forbidden", user="t")
    store.set_status(db, ids["security cooperation"] or 0, "deprecated", user="t")
    rows = db.execute(
        "SELECT k.status_rank, e.status FROM glossary_lookup k JOIN glossary_entries e ON e.id = k.entry_id"
    ).fetchall()
    assert rows and all(lookup_grams.STATUS_ORDER[rank] == status for rank, status in rows)
    after = ["ah cooperation", "Japan-U.S. maritime cooperation", "security cooperation", "cooperation"]
    assert ranked("operation") == after
    assert ranked("operation", "deprecated", "forbidden") == after[2:]


def test_an_older_project_gets_the_gram_table_and_statuses_filled(db: Database, db_path: Path) -> None:
    """A project written before migrations m004/m005: both are filled from its stored entries."""
    expected = {q: store.lookup(db, q, limit=50) for q in ("海", "協力", "operation", "%")}
    # back to the older schema: no gram table, no status on the keys, the older covering index
    db.execute(f"DROP TABLE {lookup_grams.TABLE}")
    db.execute("DROP INDEX glossary_lookup_entry")
    db.execute("ALTER TABLE glossary_lookup DROP COLUMN status_rank")
    db.execute("CREATE INDEX glossary_lookup_entry ON glossary_lookup(entry_id, key, field)")
    db.execute(
        "DELETE FROM _sqlite_migrations WHERE migration_set = 'glossary' AND name IN (?, ?)",
        ["m004_lookup_grams", "m005_lookup_status"],
    )
    db.conn.commit()
    db.close()
    reopened = open_glossary_project(db_path)
    try:
        assert {q: store.lookup(reopened, q, limit=50) for q in expected} == expected
        assert reopened.execute(f"SELECT count(*) FROM {lookup_grams.TABLE}").fetchone()[0] > 100
        ranks = reopened.execute(
            "SELECT k.status_rank, e.status FROM glossary_lookup k JOIN glossary_entries e ON e.id = k.entry_id"
        ).fetchall()
        assert ranks and all(lookup_grams.STATUS_ORDER[rank] == status for rank, status in ranks)
    finally:
        reopened.close()
