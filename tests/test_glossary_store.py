"""The termbase repository: validation, history on every change, duplicates, transactions, odd input."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlite_utils import Database

from alignment.project import ProjectError
from glossary import store
from glossary.model import Entry, Source, Variant
from glossary.project import open_glossary_project

IPMDA = Entry(
    ja="海洋状況把握のためのインド太平洋パートナーシップ",
    en="Indo-Pacific Partnership for Maritime Domain Awareness",
    acronym="IPMDA",
    variants=(
        Variant("en", "Indo-Pacific Partnership for MDA"),
        Variant("en", "Indo Pacific MDA Plan", forbidden=True),
    ),
    domain="maritime security",
    sources=(
        Source("seed000", "ja", 3, excerpt="海洋状況把握のためのインド太平洋パートナーシップ（ＩＰＭＤＡ）"),
    ),
)


def _id(entry: Entry) -> int:
    """The id of a stored entry (only unsaved entries have none)."""
    assert entry.id is not None
    return entry.id


@pytest.fixture
def db(db_path: Path) -> Iterator[Database]:
    database = open_glossary_project(db_path)
    yield database
    database.close()


def test_add_then_get_returns_every_field(db: Database) -> None:
    stored = store.add(db, IPMDA, user="alice")
    got = store.get(db, _id(stored))
    assert got == stored
    assert got.en_variants == ("Indo-Pacific Partnership for MDA",)
    assert got.forbidden_en == ("Indo Pacific MDA Plan",)
    assert got.created_by == got.updated_by == "alice"
    assert got.sources[0].added_by == "alice" and got.sources[0].added
    assert (got.sources[0].excerpt or "").endswith("（ＩＰＭＤＡ）")


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        (Entry(), "needs a Japanese term"),
        (Entry(ja="  ", en=""), "needs a Japanese term"),
        (Entry(en="a\x00b"), "control character"),
        (Entry(en="lone \ud800 surrogate"), "control character"),
        (Entry(en="two\nlines"), "line break"),
        (Entry(en="x", status="final"), "unknown status"),  # type: ignore[arg-type]  # refused on purpose
        (Entry(en="Fusion Centre", variants=(Variant("en", "fusion centre", forbidden=True),)), "both"),
        (Entry(ja="協力", variants=(Variant("ja", "協働", forbidden=True),)), "only English"),
        (Entry(en="x", sources=(Source("", "ja", 1),)), "pair"),
        (Entry(en="x", sources=(Source("p", "ja", -1),)), "≥ 0"),
        (Entry(en="x" * 501), "longer than"),
    ],
)
def test_invalid_entries_are_refused_with_one_line(db: Database, entry: Entry, message: str) -> None:
    with pytest.raises(store.InvalidEntry, match=message) as info:
        store.add(db, entry, user="u")
    assert "\n" not in str(info.value)
    assert store.count(db) == 0


def test_validation_trims_and_drops_redundant_variants(db: Database) -> None:
    e = store.add(
        db,
        Entry(
            ja=" 協力 ",
            en="cooperation ",
            variants=(
                Variant("en", "Cooperation"),
                Variant("en", "collaboration"),
                Variant("en", "COLLABORATION"),
                Variant("ja", " "),
            ),
        ),
        user="u",
    )
    assert (e.ja, e.en) == ("協力", "cooperation")
    assert e.en_variants == ("collaboration",)


def test_duplicate_terms_are_refused_unless_allowed(db: Database) -> None:
    first = store.add(db, IPMDA, user="u")
    twin = Entry(ja=IPMDA.ja, en=(IPMDA.en or "").upper(), acronym="ＩＰＭＤＡ")
    with pytest.raises(store.DuplicateEntry, match=f"entry {first.id}") as info:
        store.add(db, twin, user="u")
    assert info.value.existing.id == first.id
    assert store.add(db, twin, user="u", allow_duplicate=True).id != first.id


def test_every_change_writes_history_with_user_and_before_after(db: Database) -> None:
    e = store.add(db, IPMDA, user="alice")
    store.edit(db, _id(e), user="bob", note="Quad initiative", reason="context")
    store.set_status(db, _id(e), "approved", user="carol")
    store.edit(db, _id(e), user="dave", note="Quad initiative")  # no change: no history row
    store.remove(db, _id(e), user="erin", reason="test")
    items = store.history(db, _id(e))
    assert [(h.action, h.user) for h in items] == [
        ("add", "alice"),
        ("edit", "bob"),
        ("status", "carol"),
        ("remove", "erin"),
    ]
    assert items[0].before is None and items[0].after is not None and items[0].after["ja"] == IPMDA.ja
    assert items[1].changed_fields() == ["note"] and items[1].reason == "context"
    assert items[2].before is not None and items[2].after is not None
    assert (items[2].before["status"], items[2].after["status"]) == ("proposed", "approved")
    assert items[3].after is None and items[3].before is not None and items[3].before["status"] == "approved"
    with pytest.raises(store.EntryNotFound):
        store.get(db, _id(e))
    # Variants, sources and lookup keys went with the entry.
    for table in ("glossary_variants", "glossary_sources", "glossary_lookup"):
        assert db.execute(f"SELECT count(*) FROM {table}").fetchone()[0] == 0


def test_edit_rejects_unknown_fields_and_duplicates(db: Database) -> None:
    a = store.add(db, Entry(ja="協力", en="cooperation"), user="u")
    b = store.add(db, Entry(ja="協働", en="collaboration"), user="u")
    with pytest.raises(store.InvalidEntry, match="cannot edit 'id'"):
        store.edit(db, _id(a), user="u", id=5)
    with pytest.raises(store.DuplicateEntry):
        store.edit(db, _id(b), user="u", ja="協力", en="Cooperation")
    assert store.get(db, _id(b)).ja == "協働"


def test_a_failure_mid_change_leaves_nothing_behind(db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    e = store.add(db, Entry(ja="協力", en="cooperation"), user="u")
    real = store._write_children

    def half(db_: Database, entry: Entry, ts: str, user: str) -> Entry:
        real(db_, entry, ts, user)
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(store, "_write_children", half)
    with pytest.raises(RuntimeError):
        store.edit(db, _id(e), user="u", en="collaboration", variants=(Variant("en", "joint work"),))
    with pytest.raises(RuntimeError):
        store.add(db, Entry(ja="防衛", en="defense"), user="u")
    monkeypatch.undo()
    assert store.get(db, _id(e)) == e
    assert store.count(db) == 1
    assert [h.action for h in store.history(db, _id(e))] == ["add"]
    assert store.find_by_term(db, "joint work") == []


def test_find_by_term_folds_width_kana_case_and_dashes(db: Database) -> None:
    ifc = store.add(
        db,
        Entry(
            ja="インド洋地域情報融合センター",
            acronym="ＩＦＣ－ＩＯＲ",
            en="Information Fusion Centre - Indian Ocean Region",
        ),
        user="u",
    )
    store.add(db, Entry(ja="協力", en="cooperation"), user="u")
    for term in (
        "IFC-IOR",
        "ifc‐ior",
        "ＩＦＣ－ＩＯＲ",
        "いんど洋地域情報融合せんたー",
        "ｲﾝﾄﾞ洋地域情報融合ｾﾝﾀｰ",
        "information  fusion centre - indian ocean region",
    ):
        assert [e.id for e in store.find_by_term(db, term)] == [ifc.id], term
    assert store.find_by_term(db, "IFC") == []  # exact only
    assert store.find_by_term(db, "IFC-IOR", fields=("ja",)) == []
    assert store.find_by_term(db, "") == []


def test_quotes_and_sql_fragments_are_plain_text(db: Database) -> None:
    nasty = "x'); DROP TABLE glossary_entries; --"
    e = store.add(db, Entry(en=nasty, ja='「引用」"quoted"', note="50% of _all_"), user="o'brien")
    assert store.get(db, _id(e)).en == nasty
    assert [x.id for x in store.find_by_term(db, nasty)] == [e.id]
    assert store.lookup(db, "DROP TABLE").hits[0].entry.id == e.id
    assert store.history(db, _id(e))[0].user == "o'brien"
    assert "glossary_entries" in db.table_names()


def test_sources_are_not_repeated(db: Database) -> None:
    e = store.add(
        db, Entry(ja="協力", en="cooperation", sources=(Source("p", "ja", 1), Source("p", "ja", 1))), user="u"
    )
    assert len(e.sources) == 1
    e = store.add_sources(db, _id(e), [Source("p", "ja", 1), Source("p", bead_index=4)], user="v")
    assert [(s.lang, s.segment_index, s.bead_index) for s in e.sources] == [("ja", 1, None), (None, None, 4)]
    assert e.sources[1].added_by == "v"


def test_anchor_pairs_and_terms(db: Database) -> None:
    approved = store.add(
        db,
        Entry(ja="協力", en="cooperation", variants=(Variant("en", "collaboration"),), status="approved"),
        user="u",
    )
    store.add(db, Entry(ja="円滑化協定", en="Reciprocal Access Agreement", acronym="RAA"), user="u")
    store.add(db, Entry(ja="旧用語", en="old term", acronym="OLD", status="deprecated"), user="u")
    assert store.anchor_pairs(db) == [("協力", "cooperation"), ("協力", "collaboration"), ("RAA", "RAA")]
    keys = store.terms(db, statuses=("approved",))
    assert {(k.entry_id, k.field, k.term, k.key) for k in keys} == {
        (approved.id, "ja", "協力", "協力"),
        (approved.id, "en", "cooperation", "cooperation"),
        (approved.id, "variant_en", "collaboration", "collaboration"),
    }


def test_schema_is_readable_and_checked(db: Database) -> None:
    store.add(db, IPMDA, user="u")
    row = next(db.query("SELECT * FROM glossary_overview"))
    assert row["acronym"] == "IPMDA" and row["forbidden_en"] == "Indo Pacific MDA Plan"
    assert row["sources"] == "seed000 ja #3"
    with pytest.raises(sqlite3.IntegrityError):
        db.execute("UPDATE glossary_entries SET status = 'final'")


def test_unknown_entry_is_a_project_error(db: Database) -> None:
    with pytest.raises(ProjectError, match="no glossary entry 42"):
        store.get(db, 42)
    with pytest.raises(ProjectError):
        store.remove(db, 42, user="u")
