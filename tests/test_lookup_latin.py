"""The plain-Latin 1-2 character index (glossary.lookup_latin): the same hits as a scan, kept in step with
every write (add, edit, status, remove, import)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlite_utils import Database

from glossary import lookup, lookup_latin, store
from glossary.errors import InvalidEntry
from glossary.model import Entry, LookupResult, Status, Variant
from glossary.project import open_glossary_project

ENTRIES = (
    Entry(ja="海", en="sea", status="deprecated"),
    Entry(ja="海洋", en="ocean", acronym="OC", status="proposed"),
    Entry(ja="知的財産", en="IP", status="approved"),
    Entry(ja="インターネットプロトコル", en="Internet Protocol", acronym="IP", status="proposed"),
    Entry(ja="海洋状況把握", en="Maritime Domain Awareness", acronym="ＩＰＭＤＡ", status="approved"),
    Entry(ja="第12回会合", en="12th Meeting", status="forbidden"),
    Entry(ja="第120回会合", en="Meeting 120", variants=(Variant("en", "120th meeting"),)),
    Entry(ja="a", en="A", status="approved"),
    Entry(ja="エー", en="a-b", variants=(Variant("en", "ab program", forbidden=True),), status="deprecated"),
    Entry(ja="協力", en="cooperation", variants=(Variant("en", "collaboration"),)),
    Entry(ja="安全保障協力", en="security cooperation", status="approved"),
    Entry(ja="ship", en="ship", status="approved"),
    Entry(ja="船舶", en="Ship", acronym="SH", status="approved"),
    Entry(ja="艦艇", en="naval vessel", variants=(Variant("ja", "ship艦"),)),
)
QUERIES = (
    *"0123456789abcdefghijklmnopqrstuvwxyz",
    "ip",
    "ＩＰ",
    "Ip",
    "12",
    "20",
    "ab",
    "sh",
    "hi",
    "op",
    "oc",
    "ea",
    "ti",
    "zz",
    "q9",
)
OPTIONS: tuple[tuple[int, tuple[Status, ...]], ...] = (
    (20, ()),
    (1, ()),
    (2, ()),
    (3, ("approved",)),
    (20, ("proposed", "forbidden")),
    (2, ("deprecated", "approved")),
)


@pytest.fixture
def db(db_path: Path) -> Iterator[Database]:
    database = open_glossary_project(db_path)
    for entry in ENTRIES:
        store.add(database, entry, user="t")
    yield database
    database.close()


def _scanned(db: Database, query: str, limit: int, statuses: tuple[Status, ...]) -> LookupResult:
    """The lookup as it is without the short-query indexes (every key scanned)."""
    saved = lookup._index_tables
    lookup._index_tables = lambda _db: {"glossary_lookup_trigrams"}  # type: ignore[assignment]  # restored below
    try:
        return store.lookup(db, query, limit=limit, statuses=statuses)
    finally:
        lookup._index_tables = saved


def _disagreements(db: Database) -> list[tuple[str, int, tuple[Status, ...]]]:
    """Every (query, limit, statuses) whose indexed lookup differs from the scan."""
    return [
        (query, limit, statuses)
        for query in QUERIES
        for limit, statuses in OPTIONS
        if store.lookup(db, query, limit=limit, statuses=statuses) != _scanned(db, query, limit, statuses)
    ]


def _rows(db: Database) -> list[tuple[int, bytes]]:
    return db.execute(f"SELECT slot, ids FROM {lookup_latin.TABLE} ORDER BY slot").fetchall()


def _rebuilt(db: Database) -> list[tuple[int, bytes]]:
    """The table as the migration builds it from the stored keys now (left in place)."""
    db.execute(f"DROP TABLE {lookup_latin.TABLE}")
    lookup_latin.create(db)
    return _rows(db)


def test_the_latin_index_answers_and_agrees_with_the_scan(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    answered: list[str] = []
    real = lookup_latin.search

    def spy(db_: lookup.Queryable, key: str, **kw: object) -> object:
        answered.append(key)
        return real(db_, key, **kw)  # type: ignore[arg-type]  # the keywords of search

    monkeypatch.setattr(lookup_latin, "search", spy)
    assert store.lookup(db, "ＩＰ").total == 6 and answered == ["ip"]
    monkeypatch.undo()
    assert _disagreements(db) == []
    # what the scan gives, spelled out for one query: exact (approved before proposed), then prefix
    hits = store.lookup(db, "ip").hits
    assert [(h.entry.ja, h.rank, h.field, h.term) for h in hits] == [
        ("知的財産", "exact", "en", "IP"),
        ("インターネットプロトコル", "exact", "acronym", "IP"),
        ("海洋状況把握", "prefix", "acronym", "ＩＰＭＤＡ"),
        ("ship", "substring", "ja", "ship"),
        ("船舶", "substring", "en", "Ship"),
        ("艦艇", "substring", "variant_ja", "ship艦"),
    ]
    assert [(h.entry.en, h.rank) for h in store.lookup(db, "12", statuses=("proposed",)).hits] == [
        ("Meeting 120", "prefix")  # its variant 120th meeting
    ]


def test_only_plain_latin_short_keys_are_indexed() -> None:
    assert all(lookup_latin.indexed(k) for k in ("a", "ip", "12", "z9"))
    assert not any(lookup_latin.indexed(k) for k in ("", "abc", "a-", "海", "é", "a b", "IP"))
    # per gram the best term by (rank, field, length): ip is exact in the acronym, i opens the English
    slots = lookup_latin.entry_slots([("en", "ipx"), ("acronym", "ip"), ("variant_en", "ip")], 1)
    grams = {lookup_latin.gram_no(g): g for g in ("i", "p", "ip", "px", "x")}
    found = {grams[n // lookup_latin._PER_GRAM]: lookup_latin.slot_parts(n) for n in slots}
    assert found == {"i": (1, 1, 3), "p": (2, 1, 3), "ip": (0, 1, 2), "px": (2, 1, 3), "x": (2, 1, 3)}


def test_the_index_follows_edits_status_changes_and_removals(db: Database) -> None:
    ids = {e.ja: e.id for e in store.list_entries(db)}
    store.edit(db, ids["海"] or 0, user="t", en="ip sea", acronym="S12")
    store.set_status(db, ids["知的財産"] or 0, "forbidden", user="t")
    store.set_status(db, ids["a"] or 0, "proposed", user="t")
    store.edit(db, ids["艦艇"] or 0, user="t", variants=())
    store.remove(db, ids["インターネットプロトコル"] or 0, user="t")
    store.remove(db, ids["ship"] or 0, user="t")
    assert _disagreements(db) == []
    # exact (forbidden now), prefix approved before the edited deprecated one, the last substring
    assert [h.entry.ja for h in store.lookup(db, "ip").hits] == ["知的財産", "海洋状況把握", "海", "船舶"]
    kept = _rows(db)
    assert kept == _rebuilt(db)
    removed = {ids["インターネットプロトコル"], ids["ship"]}
    assert not removed & {i for _slot, blob in kept for i in lookup_latin.decode(blob)}


def test_an_import_writes_the_index_once_and_the_same_as_entry_by_entry(db: Database, db_path: Path) -> None:
    incoming = [
        Entry(ja="新規", en="New IP rules", status="approved"),
        Entry(ja="海洋", en="ocean", acronym="OC", note="merged", status="forbidden"),
        Entry(
            ja="海洋", en="ocean", acronym="OC", variants=(Variant("en", "open sea 12"),), status="approved"
        ),
        Entry(ja="遠い番号", en="far id", id=2**33, status="proposed"),
    ]
    flushed: list[int] = []
    real = lookup_latin.Pending.flush

    def count(self: lookup_latin.Pending, db_: Database) -> None:
        flushed.append(len(self.after))
        real(self, db_)

    lookup_latin.Pending.flush = count  # type: ignore[method-assign]  # restored below
    try:
        report = store.import_entries(db, incoming, user="t")
    finally:
        lookup_latin.Pending.flush = real  # type: ignore[method-assign]
    assert len(report.added) == 2 and report.updated == (2, 2) and 2**33 in report.added  # 海洋 twice
    assert flushed == [3]  # one write for the three entries (海洋 changed twice)
    assert _disagreements(db) == []
    assert [h.entry.en for h in store.lookup(db, "fa").hits] == ["far id"]  # an id past 32 bits
    kept = _rows(db)
    assert kept == _rebuilt(db)
    # a failed import leaves the index as it was
    with pytest.raises(InvalidEntry):
        store.import_entries(db, [Entry(ja="途中", en="half done ip"), Entry(ja="", en="")], user="t")
    assert _rows(db) == kept and store.lookup(db, "ha").total == 0


def test_an_older_project_gets_the_latin_index(db: Database, db_path: Path) -> None:
    expected = {q: store.lookup(db, q, limit=50) for q in ("a", "ip", "12", "sh")}
    kept = _rows(db)
    db.execute(f"DROP TABLE {lookup_latin.TABLE}")
    db.execute(
        "DELETE FROM _sqlite_migrations WHERE migration_set = 'glossary' AND name = 'm006_lookup_latin'"
    )
    db.conn.commit()
    assert {q: store.lookup(db, q, limit=50) for q in expected} == expected  # scanned meanwhile
    db.close()
    reopened = open_glossary_project(db_path)
    try:
        assert _rows(reopened) == kept
        assert {q: store.lookup(reopened, q, limit=50) for q in expected} == expected
    finally:
        reopened.close()
