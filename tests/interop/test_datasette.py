"""The project file in Datasette: its Python API opens the file, lists readable tables and views, and the
views give aligned text and glossary terms."""

from __future__ import annotations

from pathlib import Path

import pytest

from alignment.bead_store import save_beads
from alignment.model import Bead, Document
from alignment.project import write
from alignment.store import create_pair, get_pair, insert_document
from alignment.text import line_segments
from glossary import store as glossary
from glossary.model import Entry, Variant
from glossary.spans import add_span

datasette_app = pytest.importorskip("datasette.app", reason="datasette is in the test extra")

JA = "日本とインドは協力する。\n両国は海洋安全保障を強化する。\nＩＰＭＤＡを推進する㈱😀。\n（イメージ）\n"
EN = "Japan and India cooperate; the two countries strengthen maritime security.\nThey promote IPMDA 😀.\n"
VIEWS = {"aligned_beads", "pair_overview", "glossary_terms", "glossary_overview", "spans_with_text"}


def _document(text: str, lang: str) -> tuple[Document, list]:
    doc = Document(
        id=None,
        pair_id=None,
        lang=lang,
        raw_text=text,
        text=text,  # type: ignore[arg-type]
        offset_runs=((0, 0, len(text)),),
        segmented=True,
    )
    return doc, line_segments(text)


@pytest.fixture
def project(db_path: Path) -> Path:
    from tui.common import open_db

    db = open_db(str(db_path))
    try:
        with write(db):
            pair_id = create_pair(db, "jpin-2024")
            for lang, text in (("ja", JA), ("en", EN)):
                insert_document(db, pair_id, *_document(text, lang))
            save_beads(
                db,
                pair_id,
                [
                    Bead(ja=(0, 2), en=(0, 1), score=0.91234567, status="confirmed"),
                    Bead(ja=(2, 3), en=(1, 2), score=0.8),
                    Bead(ja=(3, 4), en=(2, 2), score=0.1),
                ],
                user="analyst",
            )
        ipmda = glossary.add(
            db,
            Entry(
                ja="海洋状況把握のためのインド太平洋パートナーシップ",
                acronym="IPMDA",
                en="Indo-Pacific Partnership for Maritime Domain Awareness",
                status="approved",
                variants=(
                    Variant("en", "IPMDA Partnership"),
                    Variant("en", "Indo Pacific Maritime Partnership", True),
                ),
            ),
            user="analyst",
        )
        glossary.add(db, Entry(ja="防衛省", en="Ministry of Defense"), user="analyst")
        pair = get_pair(db, "jpin-2024")
        start = JA.index("ＩＰＭＤＡ")
        add_span(db, pair, "ja", start, start + 5, "ORG", user="analyst", entry_id=ipmda.id)
        add_span(
            db, pair, "en", EN.index("India"), EN.index("India") + 5, "GPE", user="analyst", status="rejected"
        )
    finally:
        db.close()
    return db_path


async def _get(ds, path: str):
    response = await ds.client.get(path)
    assert response.status_code == 200, (path, response.text[:500])
    return response


async def test_datasette_lists_readable_tables_and_views(project: Path) -> None:
    ds = datasette_app.Datasette([str(project)])
    await ds.invoke_startup()
    info = (await _get(ds, "/taiyaku.json")).json()
    views = {v["name"] for v in info["views"]}
    tables = {t["name"] for t in info["tables"] if not t["hidden"]}
    assert views >= VIEWS
    assert {"pairs", "documents", "segments", "beads", "glossary_entries", "glossary_variants"} <= tables
    # every table and view page renders (a broken view would fail here)
    for name in sorted(views | tables):
        await _get(ds, f"/taiyaku/{name}")


async def test_aligned_beads_view_gives_text_of_each_side(project: Path) -> None:
    ds = datasette_app.Datasette([str(project)])
    rows = (await _get(ds, "/taiyaku/aligned_beads.json?_shape=array")).json()
    # people count beads from 1 (as the app and the CLI do); bead_index is the 0-based position
    assert [r["bead"] - 1 for r in rows] == [r["bead_index"] for r in rows]
    assert [(r["pair"], r["bead"], r["type"], r["japanese"], r["english"], r["status"]) for r in rows] == [
        (
            "jpin-2024",
            1,
            "2-1",
            "日本とインドは協力する。\n両国は海洋安全保障を強化する。",
            "Japan and India cooperate; the two countries strengthen maritime security.",
            "confirmed",
        ),
        ("jpin-2024", 2, "1-1", "ＩＰＭＤＡを推進する㈱😀。", "They promote IPMDA 😀.", "auto"),
        ("jpin-2024", 3, "1-0", "（イメージ）", None, "auto"),
    ]
    assert rows[0]["score"] == 0.9123 and rows[0]["updated_by"] == "analyst"
    assert (rows[2]["ja_first"], rows[2]["ja_last"], rows[2]["en_first"], rows[2]["en_last"]) == (
        3,
        3,
        None,
        None,
    )
    db = ds.get_database("taiyaku")
    low = await db.execute("SELECT bead FROM aligned_beads WHERE score < 0.5 ORDER BY score")
    assert [r["bead"] for r in low.rows] == [3]


async def test_glossary_views_and_facets(project: Path) -> None:
    ds = datasette_app.Datasette([str(project)])
    terms = (await _get(ds, "/taiyaku/glossary_terms.json?_shape=array&entry_id=1")).json()
    assert sorted((t["role"], t["lang"], t["term"], t["status"]) for t in terms) == sorted(
        [
            ("term", "ja", "海洋状況把握のためのインド太平洋パートナーシップ", "approved"),
            ("term", "en", "Indo-Pacific Partnership for Maritime Domain Awareness", "approved"),
            ("acronym", None, "IPMDA", "approved"),
            ("variant", "en", "IPMDA Partnership", "approved"),
            ("forbidden", "en", "Indo Pacific Maritime Partnership", "approved"),
        ]
    )
    faceted = (await _get(ds, "/taiyaku/glossary_terms.json?_facet=status")).json()
    counts = {f["value"]: f["count"] for f in faceted["facet_results"]["status"]["results"]}
    assert counts == {"approved": 5, "proposed": 2}
    overview = (await _get(ds, "/taiyaku/pair_overview.json?_shape=array")).json()
    assert overview == [
        {
            "pair": "jpin-2024",
            "title": "日本とインドは協力する。",
            "ja_sentences": 4,
            "en_sentences": 2,
            "ja_clauses": 0,
            "en_clauses": 0,
            "beads": 3,
            "confirmed_beads": 1,
            "ja_file": None,
            "en_file": None,
            "created": overview[0]["created"],
            "updated": overview[0]["updated"],
        }
    ]


async def test_spans_view_gives_text_and_glossary_entry(project: Path) -> None:
    ds = datasette_app.Datasette([str(project)])
    rows = (await _get(ds, "/taiyaku/spans_with_text.json?_shape=array&_sort=span_id")).json()
    assert [
        (r["pair"], r["lang"], r["segment"], r["text"], r["label"], r["status"], r["entry_acronym"])
        for r in rows
    ] == [
        ("jpin-2024", "ja", 2, "ＩＰＭＤＡ", "ORG", "accepted", "IPMDA"),
        ("jpin-2024", "en", 0, "India", "GPE", "rejected", None),
    ]


def test_views_are_only_made_over_existing_tables_and_rebuilt_idempotently(db_path: Path) -> None:
    """A view over a missing table would break every later ALTER TABLE … RENAME in the file."""
    from sqlite_utils import Database

    from glossary.views import V1, recreate

    db = Database(memory=True)
    db.execute("CREATE TABLE glossary_entries (id INTEGER PRIMARY KEY, ja, en, acronym, status, domain)")
    db.execute("CREATE TABLE glossary_variants (entry_id, lang, usage, text)")
    assert recreate(db, V1) == ["glossary_terms"]
    assert recreate(db, V1) == ["glossary_terms"]
    db.execute("CREATE TABLE t (a)")
    db.execute("ALTER TABLE t RENAME TO t2")  # would fail with a dangling view
    assert db.view_names() == ["glossary_terms"]


async def test_metadata_titles_the_views_and_hides_the_caches(project: Path) -> None:
    """Issue 12, item 20: `datasette taiyaku.db -m datasette/metadata.json`."""
    import json

    from testdata import ROOT

    metadata = json.loads((ROOT / "datasette" / "metadata.json").read_text(encoding="utf-8"))
    ds = datasette_app.Datasette([str(project)], metadata=metadata)
    await ds.invoke_startup()
    info = (await _get(ds, "/taiyaku.json")).json()
    hidden = {t["name"] for t in info["tables"] if t["hidden"]}
    assert {"embeddings", "parses", "glossary_lookup", "_sqlite_migrations"} <= hidden
    page = (await _get(ds, "/taiyaku/aligned_beads")).text
    assert "Aligned beads" in page
    described = set(metadata["databases"]["taiyaku"]["tables"])
    assert described >= VIEWS  # every view has a title and a description


# Tables a person reads; every other table is a cache or an index and must be hidden by the metadata, so a
# new cache table (a lookup index, a parse cache) cannot appear in Datasette's list without a decision here.
DATA_TABLES = {
    "pairs",
    "documents",
    "segments",
    "beads",
    "spans",
    "glossary_entries",
    "glossary_variants",
    "glossary_sources",
    "glossary_history",
    "glossary_location",
    "history",
    "review_items",
    "review_sources",
}


def _metadata() -> dict:
    import json

    from testdata import ROOT

    return json.loads((ROOT / "datasette" / "metadata.json").read_text(encoding="utf-8"))


async def test_metadata_lists_the_views_first_and_hides_every_cache(project: Path) -> None:
    """Issue 12, item 20: Datasette lists views after all tables; the metadata puts them first, by title."""
    import re

    metadata = _metadata()
    ds = datasette_app.Datasette([str(project)], metadata=metadata)
    await ds.invoke_startup()
    info = (await _get(ds, "/taiyaku.json")).json()
    shown = {t["name"] for t in info["tables"] if not t["hidden"]}
    every = {t["name"] for t in info["tables"]}
    assert {
        "history",
        "review_items",
        "acronym_definitions",
        "suggest_runs",
        "glossary_lookup_grams",
    } <= every
    assert shown == DATA_TABLES, f"a table neither read by people nor hidden: {shown ^ DATA_TABLES}"
    # the database page: a link to every view, by its title, before the list of tables
    page = (await _get(ds, "/taiyaku")).text
    tables_at = page.index('<h2 id="tables">')
    titles = metadata["databases"]["taiyaku"]["tables"]
    for view in VIEWS:
        link = re.search(rf'<a href="/taiyaku/{view}">([^<]+)</a>', page)
        assert link is not None and link.start() < tables_at, view
        assert link.group(1) == titles[view]["title"]
    # the home page points at them too
    home = (await _get(ds, "/")).text
    assert all(f'href="/taiyaku/{view}"' in home for view in VIEWS)
    # every table people read has a title, shown on its page
    for name in DATA_TABLES:
        title = titles[name]["title"]
        assert title in (await _get(ds, f"/taiyaku/{name}")).text, name
