"""TBX-Basic, CSV and JSON: full round trips, translate-toolkit compatibility, hostile and bad files."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from alignment.project import ProjectError
from glossary import store
from glossary.csvio import neutralise, read_csv, unneutralise
from glossary.exchange import export_entries, import_file, read_entries
from glossary.model import Entry, Source, Variant, entry_to_dict
from glossary.project import open_glossary_project
from glossary.tbx import read_tbx

ENTRIES = [
    Entry(
        ja="海洋状況把握のためのインド太平洋パートナーシップ",
        acronym="IPMDA",
        en="Indo-Pacific Partnership for Maritime Domain Awareness",
        status="approved",
        variants=(
            Variant("ja", "インド太平洋海洋状況把握パートナーシップ"),
            Variant("en", "Indo-Pacific Partnership for MDA"),
            Variant("en", "Indo Pacific Maritime Awareness Plan", forbidden=True),
        ),
        domain="maritime security",
        definition="日米豪印（クアッド）の海洋状況把握の取組。",
        note="Announced at the Quad summit, 2022.\nSecond line & <markup>.",
        sources=(
            Source("seed000", "ja", 3, excerpt="…パートナーシップ（ＩＰＭＤＡ）…"),
            Source("seed000", bead_index=2),
            Source("other pair:x", "en", 0),
        ),
    ),
    Entry(
        ja="インド洋地域情報融合センター",
        acronym="ＩＦＣ－ＩＯＲ",
        en="Information Fusion Centre - Indian Ocean Region",
        status="deprecated",
        definition="A regional maritime information centre hosted by India.",
    ),
    Entry(acronym="ReCAAP", status="forbidden", note="quotes \" and ' and | bars \\ and back\\slashes"),
    Entry(
        ja="＝数式",
        en="=SUM(A1:A3)",
        variants=(
            Variant("en", "+81 3 1234"),
            Variant("en", "-minus"),
            Variant("en", "@handle"),
            Variant("en", "'=quoted"),
            Variant("en", "a | b"),
        ),
    ),
    Entry(en="emoji 🚢 and ㈱ and ｶﾀｶﾅ", domain="test", definition="日本語の定義（英語の用語のみ）"),
    Entry(ja="協力"),
]


def _project(path: Path):
    return open_glossary_project(path)


@pytest.fixture
def source_db(tmp_path: Path):
    db = _project(tmp_path / "source.db")
    for i, e in enumerate(ENTRIES):
        store.add(db, e, user=f"user{i}")
    store.set_status(db, 1, "approved", user="reviewer")
    yield db
    db.close()


def _export(db, fmt: str) -> str:
    buf = io.StringIO(newline="")
    assert export_entries(db, fmt, buf) == len(ENTRIES)  # type: ignore[arg-type]
    return buf.getvalue()


@pytest.mark.parametrize("fmt", ["json", "csv", "tbx"])
def test_round_trip_into_a_fresh_project_gives_the_same_entries(tmp_path: Path, source_db, fmt: str) -> None:
    path = tmp_path / f"glossary.{fmt}"
    path.write_text(_export(source_db, fmt), encoding="utf-8", newline="")
    parsed = read_entries(path, fmt)  # type: ignore[arg-type]
    assert parsed.errors == () and parsed.warnings == ()
    fresh = _project(tmp_path / "fresh.db")
    report = import_file(fresh, parsed, user="importer")
    assert len(report.added) == len(ENTRIES)
    before = [entry_to_dict(e) for e in store.list_entries(source_db)]
    after = [entry_to_dict(e) for e in store.list_entries(fresh)]
    assert after == before
    if fmt == "tbx":  # TBX also carries who created and last changed each entry
        assert [(e.created_by, e.updated_by) for e in store.list_entries(fresh)] == [
            (e.created_by, e.updated_by) for e in store.list_entries(source_db)
        ]
    assert store.history(fresh, 1)[0].action == "import"
    # Importing the same file again changes nothing.
    again = import_file(fresh, read_entries(path, fmt), user="importer")  # type: ignore[arg-type]
    assert (again.added, again.updated, len(again.unchanged)) == ((), (), len(ENTRIES))


def test_json_has_exactly_the_documented_keys(source_db) -> None:
    data = json.loads(_export(source_db, "json"))
    assert list(data[0]) == [
        "id",
        "ja",
        "en",
        "acronym",
        "variants",
        "status",
        "domain",
        "definition",
        "note",
        "sources",
        "created",
        "updated",
    ]
    assert data[0]["variants"] == {
        "ja": ["インド太平洋海洋状況把握パートナーシップ"],
        "en": ["Indo-Pacific Partnership for MDA"],
        "forbidden_en": ["Indo Pacific Maritime Awareness Plan"],
    }


def test_tbx_is_read_by_translate_toolkit_with_same_terms_and_languages(source_db) -> None:
    from translate.storage.tbx import tbxfile

    data = _export(source_db, "tbx").encode("utf-8")
    units = tbxfile.parsestring(data, sourcelanguage="ja", targetlanguage="en").units
    assert len(units) == len(ENTRIES)
    for unit, entry in zip(units, store.list_entries(source_db), strict=True):
        langs = {}
        for node in unit.getlanguageNodes():
            lang = node.get("{http://www.w3.org/XML/1998/namespace}lang")
            langs[lang] = [t.text for t in unit._get_terms(node)]
        expected_ja = [t for t in (entry.ja, *entry.ja_variants) if t]
        expected_en = [t for t in (entry.en, entry.acronym, *entry.en_variants, *entry.forbidden_en) if t]
        assert langs.get("ja", []) == expected_ja
        assert langs.get("en", []) == expected_en
        assert [t.text for t in unit.get_source_terms()] == expected_ja
        assert [t.text for t in unit.get_target_terms("en")] == expected_en
    statuses = {t.text: t.administrative_status for t in units[0].get_target_terms("en")}
    assert statuses["IPMDA"] == "preferredTerm-admn-sts"
    assert statuses["Indo Pacific Maritime Awareness Plan"] == "deprecatedTerm-admn-sts"
    assert units[1].isobsolete() is False  # deprecated entry → superseded, not deprecated, terms


def test_tbx_from_translate_toolkit_imports(tmp_path: Path) -> None:
    from translate.storage.tbx import tbxfile

    tt = tbxfile(sourcelanguage="ja", targetlanguage="en")
    unit = tt.addsourceunit("協力")
    unit.settarget("cooperation")
    path = tmp_path / "tt.tbx"
    path.write_bytes(bytes(tt))
    parsed = read_entries(path, "tbx")
    assert [(e.ja, e.en, e.status) for _, e in parsed.entries] == [("協力", "cooperation", "proposed")]


def test_tbx_v3_namespaced_file_imports() -> None:
    xml = """<?xml version="1.0"?>
<tbx xmlns="urn:iso:std:iso:30042:ed-2" type="TBX-Basic" style="dca" xml:lang="en">
 <tbxHeader/><text><body>
  <conceptEntry id="c7"><descrip type="subjectField">defence</descrip>
   <langSec xml:lang="ja-JP"><termSec><term>円滑化協定</term></termSec></langSec>
   <langSec xml:lang="en-US">
    <termSec><term>Reciprocal Access Agreement</term>
      <termNote type="administrativeStatus">preferredTerm-admn-sts</termNote></termSec>
    <termSec><term>RAA</term><termNote type="termType">acronym</termNote></termSec>
    <termSec><term>Visiting Forces Agreement</term>
      <termNote type="administrativeStatus">deprecatedTerm-admn-sts</termNote></termSec>
   </langSec>
   <langSec xml:lang="fr"><termSec><term>Accord</term></termSec></langSec>
  </conceptEntry></body></text></tbx>"""
    parsed = read_tbx(io.BytesIO(xml.encode()))
    ((_, e),) = parsed.entries
    assert (e.id, e.ja, e.en, e.acronym, e.status, e.domain) == (
        7,
        "円滑化協定",
        "Reciprocal Access Agreement",
        "RAA",
        "approved",
        "defence",
    )
    assert e.forbidden_en == ("Visiting Forces Agreement",)
    assert parsed.warnings and "'fr'" in parsed.warnings[0]


@pytest.mark.parametrize(
    ("xml", "message"),
    [
        ("<martif><text><body><termEntry>", "not well-formed XML"),
        ("<martif><text></body></martif>", "not well-formed XML"),
        ("", "not well-formed XML"),
        ("<html/>", "not a TBX file"),
        (
            '<?xml version="1.0"?><!DOCTYPE martif [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;">]>'
            "<martif><text><body><termEntry><langSet xml:lang='en'><tig><term>&b;</term></tig></langSet>"
            "</termEntry></body></text></martif>",
            "refused",
        ),
        (
            '<?xml version="1.0"?><!DOCTYPE martif [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
            "<martif><text><body><termEntry><langSet xml:lang='en'><tig><term>&x;</term></tig></langSet>"
            "</termEntry></body></text></martif>",
            "refused",
        ),
    ],
)
def test_hostile_or_broken_tbx_is_one_line_error(xml: str, message: str) -> None:
    with pytest.raises(ProjectError, match=message) as info:
        read_tbx(io.BytesIO(xml.encode()), name="bad.tbx")
    assert "\n" not in str(info.value)


def test_tbx_entry_problems_are_reported_not_fatal() -> None:
    xml = """<martif><text><body>
      <termEntry id="c1"><langSet xml:lang="en"><tig><term>fine</term></tig></langSet></termEntry>
      <termEntry id="c2"><note>no terms</note></termEntry>
      <termEntry id="c3"><langSet xml:lang="en"><tig><term>FINE</term></tig></langSet></termEntry>
    </body></text></martif>"""
    parsed = read_tbx(io.BytesIO(xml.encode()))
    assert [e.en for _, e in parsed.entries] == ["fine"]
    assert parsed.errors == (
        "entry 2 (id c2): an entry needs a Japanese term, an English term or an acronym",
        "entry 3 (id c3): same ja/en/acronym as entry 1 (id c1)",
    )


def test_every_tbx_note_is_kept_in_the_entry_note() -> None:
    """Several entry notes and notes on terms (other tools write both) all land in the one entry note;
    our own export's marker on forbidden renderings does not pile up on round trips."""
    xml = """<martif><text><body><termEntry>
      <note>first</note><note>second</note>
      <langSet xml:lang="ja"><ntig><termGrp><term>協力</term></termGrp><note>常用</note></ntig></langSet>
      <langSet xml:lang="en">
        <tig><term>cooperation</term><note>US spelling</note><note>US spelling</note></tig>
        <tig><term>co-operation</term><termNote type="administrativeStatus">deprecatedTerm-admn-sts</termNote>
          <note>forbidden rendering</note></tig>
      </langSet></termEntry></body></text></martif>"""
    ((_, entry),) = read_tbx(io.BytesIO(xml.encode())).entries
    assert entry.note == "first\nsecond\n協力: 常用\ncooperation: US spelling"
    assert entry.forbidden_en == ("co-operation",)


# --- CSV ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("cell", ["=SUM(A1)", "+81", "-x", "@h", "\tx", "'=x", "''+y"])
def test_formula_cells_are_neutralised_and_restored(cell: str) -> None:
    out = neutralise(cell)
    assert out.startswith("'") and unneutralise(out) == cell


@pytest.mark.parametrize("cell", ["plain", "協力", "'quoted", "a=b", "", "1-2"])
def test_harmless_cells_are_left_alone(cell: str) -> None:
    assert neutralise(cell) == cell == unneutralise(cell)


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.text(alphabet=st.characters(blacklist_categories=("Cs",)), min_size=1).map(str.strip).filter(bool),
        max_size=5,
    )
)
def test_list_cells_round_trip(values: list[str]) -> None:
    from glossary.rows import join_list as _join
    from glossary.rows import split_list as _split

    assert _split(unneutralise(neutralise(_join(values)))) == [v for v in values if v.strip()]


def test_csv_export_neutralises_formula_cells(source_db) -> None:
    text = _export(source_db, "csv")
    assert text.splitlines()[0] == (
        "id,ja,en,acronym,variants_ja,variants_en,forbidden_en,status,domain,"
        "definition,note,sources,created,updated"
    )
    assert ",'=SUM(A1:A3)," in text
    assert "'+81 3 1234 | -minus" in text  # only a cell's first character matters
    assert "a \\| b" in text


def test_csv_bad_rows_are_reported_by_line_number() -> None:
    text = (
        "ja,en,acronym,status,note\n"
        '協力,cooperation,,approved,"a note\nover two lines"\n'  # lines 2-3
        ",,,proposed,nothing to name\n"  # line 4
        "防衛,defence,,final,\n"  # line 5
        "\n"
        "海,sea,,,\n"  # line 7
        "協力,Cooperation,,,dup\n"  # line 8
        "a,b,c,d,e,f\n"  # line 9
    )
    parsed = read_csv(io.StringIO(text))
    assert [e.ja for _, e in parsed.entries] == ["協力", "海"]
    assert [w for w, _ in parsed.entries] == ["line 2", "line 7"]
    assert parsed.errors == (
        "line 4: an entry needs a Japanese term, an English term or an acronym",
        "line 5: unknown status 'final' (use one of proposed, approved, deprecated, forbidden)",
        "line 8: same ja/en/acronym as line 2",
        "line 9: 6 cells but the header names 5 columns",
    )


def test_csv_header_problems() -> None:
    parsed = read_csv(io.StringIO("ja,en,stauts\n協力,cooperation,approved\n"))
    assert parsed.warnings[0].startswith("line 1: unknown column 'stauts' ignored")
    assert [e.ja for _, e in parsed.entries] == ["協力"]  # the rest of the file is read
    assert (
        read_csv(io.StringIO("foo,bar\n1,2\n"))
        .errors[-1]
        .endswith("at least one of the columns ja, en, acronym")
    )
    assert read_csv(io.StringIO("")).errors[0].startswith("the file is empty")
    parsed = read_csv(
        io.StringIO("Japanese,English,Abbreviation,Variants_EN\n協力,cooperation,,collab | joint\n")
    )
    assert parsed.errors == () and parsed.entries[0][1].en_variants == ("collab", "joint")


def test_csv_hand_written_sources() -> None:
    parsed = read_csv(io.StringIO("ja,en,sources\n協力,cooperation,seed000:ja:3 | seed001:bead:7 | p\n"))
    assert [(s.pair, s.lang, s.segment_index, s.bead_index) for s in parsed.entries[0][1].sources] == [
        ("seed000", "ja", 2, None),  # people count from 1; Source keeps 0-based positions
        ("seed001", None, None, 6),
        ("p", None, None, None),
    ]


def test_json_bad_entries_are_reported() -> None:
    from glossary.jsonio import read_json

    data = [
        {"ja": "協力"},
        {"ja": "x", "colour": "red"},
        "nope",
        {"en": "y", "variants": {"de": []}},
        {"en": "z", "sources": [{"lang": "ja"}]},
    ]
    parsed = read_json(io.StringIO(json.dumps(data)))
    assert [e.ja for _, e in parsed.entries] == ["協力"]
    assert parsed.errors == (
        "entry 2: unknown key 'colour' (known: id, ja, en, acronym, variants, status, domain, definition, note, "
        "sources, created, updated)",
        "entry 3: each entry must be a JSON object",
        "entry 4: unknown variants key 'de'",
        "entry 5: a source needs a pair",
    )
    assert read_json(io.StringIO("[{")).errors[0].startswith("not valid JSON (line 1")
