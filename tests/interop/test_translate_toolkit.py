"""translate-toolkit (the Python library behind Pootle, Weblate's formats and the po2tmx/csv2tbx converters)
reads our TMX and TBX exports back: same text, language and status for every unit and term."""

from __future__ import annotations

from pathlib import Path

import pytest

pytestmark = pytest.mark.slow  # the session's seed project is imported and aligned with the real pipeline

XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
# TBX-Basic administrative status of each glossary status (ISO 30042 picklist values).
ADMIN_STATUS = {
    "approved": "preferredTerm-admn-sts",
    "proposed": "admittedTerm-admn-sts",
    "deprecated": "supersededTerm-admn-sts",
    "forbidden": "deprecatedTerm-admn-sts",
}


def _beads(db_path: Path) -> list[dict]:
    """Each bead of the seed pair with text on both sides, as the TMX should carry it."""
    from alignment import bead_store, store
    from tui.common import open_db

    db = open_db(str(db_path))
    try:
        pair = store.get_pair(db, "seed000")
        ja = [s.text for s in store.pair_segments(db, pair, "ja")]
        en = [s.text for s in store.pair_segments(db, pair, "en")]
        return [
            {
                "ja": "".join(ja[slice(*b.ja)]),
                "en": " ".join(en[slice(*b.en)]),
                "type": b.type,
                "status": b.status,
            }
            for b in bead_store.get_beads(db, pair.id)
            if b.ja[1] > b.ja[0] and b.en[1] > b.en[0]
        ]
    finally:
        db.close()


def _props(unit) -> dict[str, str]:
    return {p.get("type"): p.text or "" for p in unit.xmlelement.iter("prop")}


def _read_tmx(path: Path) -> list[dict]:
    from translate.storage.tmx import tmxfile

    store = tmxfile.parsestring(path.read_bytes())
    out = []
    for unit in store.units:
        langs = [node.get(XML_LANG) for node in unit.getlanguageNodes()]
        props = _props(unit)
        out.append(
            {
                "ja": unit.source,
                "en": unit.target,
                "langs": langs,
                "type": props.get("x-type"),
                "status": props.get("x-status"),
            }
        )
    return out


def test_tmx_units_come_back_with_text_language_and_status(run, seed_project: Path, tmp_path: Path) -> None:
    out = tmp_path / "seed000.tmx"
    assert run("export", "seed000", "--format", "tmx", "-o", str(out)).exit_code == 0
    expected = _beads(seed_project)
    got = _read_tmx(out)
    assert [u["langs"] for u in got] == [["ja", "en"]] * len(expected)
    assert [{k: u[k] for k in ("ja", "en", "type", "status")} for u in got] == expected
    assert {u["status"] for u in got} == {"auto", "confirmed"} and "2-2" in {u["type"] for u in got}


def test_tmx_confirmed_only(run, seed_project: Path, tmp_path: Path) -> None:
    out = tmp_path / "confirmed.tmx"
    assert run("export", "seed000", "--format", "tmx", "--confirmed-only", "-o", str(out)).exit_code == 0
    expected = [b for b in _beads(seed_project) if b["status"] == "confirmed"]
    got = _read_tmx(out)
    assert len(got) == len(expected) > 10
    assert [(u["ja"], u["en"], u["status"]) for u in got] == [
        (b["ja"], b["en"], "confirmed") for b in expected
    ]


def test_tmx_export_imports_back_as_the_same_units(run, seed_project: Path, tmp_path: Path) -> None:
    out = tmp_path / "seed000.tmx"
    assert run("export", "seed000", "--format", "tmx", "-o", str(out)).exit_code == 0
    assert run("import-tmx", str(out), "--name", "round-trip", "-q").exit_code == 0
    from alignment import store
    from tui.common import open_db

    db = open_db(str(seed_project))
    try:
        pair = store.get_pair(db, "round-trip")
        ja = [s.text for s in store.pair_segments(db, pair, "ja")]
        en = [s.text for s in store.pair_segments(db, pair, "en")]
    finally:
        db.close()
    assert list(zip(ja, en, strict=True)) == [(b["ja"], b["en"]) for b in _beads(seed_project)]


def test_tbx_terms_come_back_with_text_language_and_status(run, seed_project: Path, tmp_path: Path) -> None:
    import json

    from translate.storage.tbx import tbxfile

    out = tmp_path / "glossary.tbx"
    assert run("glossary", "export", "--format", "tbx", "-o", str(out)).exit_code == 0
    entries = json.loads(run("glossary", "export", "--format", "json", "-q").output)
    units = tbxfile.parsestring(out.read_bytes(), sourcelanguage="ja", targetlanguage="en").units
    assert len(units) == len(entries) == 5
    for unit, entry in zip(units, entries, strict=True):
        status = ADMIN_STATUS[entry["status"]]
        by_lang = {node.get(XML_LANG): unit._get_terms(node) for node in unit.getlanguageNodes()}
        assert set(by_lang) == {"ja", "en"}
        assert [(t.text, t.administrative_status) for t in unit.get_source_terms()] == [
            (entry["ja"], status),
            *((v, "admittedTerm-admn-sts") for v in entry["variants"]["ja"]),
        ]
        assert [(t.text, t.administrative_status) for t in unit.get_target_terms("en")] == [
            (entry["en"], status),
            *([(entry["acronym"], status)] if entry["acronym"] else []),
            *((v, "admittedTerm-admn-sts") for v in entry["variants"]["en"]),
            *((v, "deprecatedTerm-admn-sts") for v in entry["variants"]["forbidden_en"]),
        ]
        # translate-toolkit's own reading of the status: a forbidden concept is obsolete, the others are not
        assert unit.isobsolete() is (entry["status"] == "forbidden")
    assert {e["status"] for e in entries} == set(ADMIN_STATUS)
