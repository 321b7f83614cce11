"""TBX import of files written by other tools: which term is the main one, TBX v3 DCT style, legacy
encodings and language codes. Every file here is written by hand, not by our exporter."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from alignment.project import ProjectError
from glossary.tbx import read_tbx

TBX_NS = 'xmlns="urn:iso:std:iso:30042:ed-2" xmlns:basic="http://www.tbxinfo.net/ns/basic"'


def _tig(text: str, status: str | None = None, term_type: str | None = None) -> str:
    out = f"<tig><term>{text}</term>"
    if term_type:
        out += f'<termNote type="termType">{term_type}</termNote>'
    if status:
        out += f'<termNote type="administrativeStatus">{status}Term-admn-sts</termNote>'
    return out + "</tig>"


def _martif(*entries: str, encoding: str = "UTF-8") -> str:
    body = "".join(entries)
    return f'<?xml version="1.0" encoding="{encoding}"?>\n<martif type="TBX-Basic"><text><body>{body}</body></text></martif>'


def _entry(
    ja: list[str] | None = None, en: list[str] | None = None, lang_ja: str = "ja", lang_en: str = "en"
) -> str:
    out = "<termEntry>"
    if ja is not None:
        out += f'<langSet xml:lang="{lang_ja}">{"".join(ja)}</langSet>'
    if en is not None:
        out += f'<langSet xml:lang="{lang_en}">{"".join(en)}</langSet>'
    return out + "</termEntry>"


def _read(xml: str, encoding: str = "utf-8"):
    return read_tbx(io.BytesIO(xml.encode(encoding)), name="test.tbx")


def _one(xml: str, encoding: str = "utf-8"):
    parsed = _read(xml, encoding)
    assert not parsed.errors, parsed.errors
    ((_, entry),) = parsed.entries
    return entry


# --- which term is the main one -------------------------------------------------------------------------


def test_deprecated_english_term_listed_first_is_a_forbidden_variant_not_the_main_term() -> None:
    e = _one(
        _martif(
            _entry(
                ja=[_tig("自衛隊", "preferred", "fullForm")],
                en=[
                    _tig("Self Defence Army", "deprecated", "fullForm"),
                    _tig("Self-Defense Forces", "preferred"),
                ],
            )
        )
    )
    assert (e.ja, e.en, e.status) == ("自衛隊", "Self-Defense Forces", "approved")
    assert e.forbidden_en == ("Self Defence Army",)
    assert e.en_variants == ()


@pytest.mark.parametrize("status", ["superseded", "notRecommended", "obsolete", "deprecated", "forbidden"])
def test_discouraged_english_terms_that_are_not_main_become_forbidden_variants(status: str) -> None:
    e = _one(_martif(_entry(en=[_tig("old name", status), _tig("new name", "admitted")])))
    assert (e.en, e.status, e.forbidden_en, e.en_variants) == ("new name", "proposed", ("old name",), ())


def test_best_status_wins_then_full_form_then_document_order() -> None:
    e = _one(
        _martif(
            _entry(
                en=[
                    _tig("no status"),
                    _tig("admitted short", "admitted", "shortForm"),
                    _tig("admitted full", "admitted", "fullForm"),
                    _tig("also admitted", "admitted"),
                ]
            )
        )
    )
    assert e.en == "admitted full"
    assert e.en_variants == ("no status", "admitted short", "also admitted")
    e = _one(_martif(_entry(en=[_tig("first"), _tig("second")])))
    assert (e.en, e.en_variants) == ("first", ("second",))


def test_admitted_beats_no_status_and_no_status_beats_superseded() -> None:
    e = _one(_martif(_entry(en=[_tig("plain", term_type="fullForm"), _tig("admitted", "admitted")])))
    assert (e.en, e.en_variants) == ("admitted", ("plain",))
    e = _one(_martif(_entry(en=[_tig("old", "superseded", "fullForm"), _tig("plain")])))
    assert (e.en, e.forbidden_en, e.status) == ("plain", ("old",), "proposed")


def test_discouraged_japanese_terms_that_are_not_main_are_skipped_with_a_warning() -> None:
    parsed = _read(
        _martif(
            _entry(
                ja=[_tig("旧称", "superseded"), _tig("誤称", "deprecated"), _tig("新称", "preferred")],
                en=[_tig("new name", "preferred")],
            )
        )
    )
    ((_, e),) = parsed.entries
    assert (e.ja, e.ja_variants, e.status) == ("新称", (), "approved")
    assert any("旧称" in w for w in parsed.warnings) and any("誤称" in w for w in parsed.warnings)


def test_when_every_term_is_deprecated_the_full_form_is_the_main_term() -> None:
    e = _one(
        _martif(
            _entry(
                ja=[_tig("誤訳", "deprecated", "fullForm")],
                en=[_tig("wrong too", "deprecated"), _tig("wrong", "deprecated", "fullForm")],
            )
        )
    )
    assert (e.ja, e.en, e.status, e.forbidden_en) == ("誤訳", "wrong", "forbidden", ("wrong too",))


def test_a_language_with_only_deprecated_terms_does_not_make_them_approved() -> None:
    """Japanese is preferred, the only English rendering deprecated: the entry is approved and the English
    term must not become its approved rendering."""
    e = _one(
        _martif(
            _entry(
                ja=[_tig("防衛装備庁", "preferred")],
                en=[_tig("Defense Equipment Office", "deprecated", "fullForm")],
            )
        )
    )
    assert (e.ja, e.en, e.status, e.forbidden_en) == (
        "防衛装備庁",
        None,
        "approved",
        ("Defense Equipment Office",),
    )
    parsed = _read(
        _martif(
            _entry(
                ja=[_tig("防衛庁", "superseded", "fullForm")],
                en=[_tig("Acquisition, Technology and Logistics Agency", "preferred")],
            )
        )
    )
    ((_, e),) = parsed.entries
    assert (e.ja, e.en, e.status) == (None, "Acquisition, Technology and Logistics Agency", "approved")
    assert any("防衛庁" in w for w in parsed.warnings)


def test_a_second_acronym_is_a_variant_not_the_main_term() -> None:
    e = _one(
        _martif(
            _entry(
                en=[
                    _tig("JSDF", "preferred", "acronym"),
                    _tig("SDF", "admitted", "acronym"),
                    _tig("Japan Self-Defense Forces", "preferred", "fullForm"),
                ]
            )
        )
    )
    assert (e.en, e.acronym, e.en_variants) == ("Japan Self-Defense Forces", "JSDF", ("SDF",))


def test_a_deprecated_acronym_is_forbidden_when_a_preferred_one_exists() -> None:
    e = _one(
        _martif(
            _entry(
                en=[
                    _tig("JDA", "deprecated", "acronym"),
                    _tig("MOD", "preferred", "acronym"),
                    _tig("Ministry of Defense", "preferred"),
                ]
            )
        )
    )
    assert (e.en, e.acronym, e.forbidden_en, e.status) == ("Ministry of Defense", "MOD", ("JDA",), "approved")


# --- status known or not -----------------------------------------------------------------------------------


def test_entries_without_any_status_are_marked_unknown() -> None:
    parsed = _read(
        _martif(
            _entry(ja=[_tig("協力")], en=[_tig("cooperation")]),
            _entry(ja=[_tig("同盟", "preferred")], en=[_tig("alliance")]),
            _entry(ja=[_tig("抑止")], en=[_tig("deterrence"), _tig("deterence", "deprecated")]),
        )
    )
    labels = [w for w, _ in parsed.entries]
    assert [e.status for _, e in parsed.entries] == ["proposed", "approved", "proposed"]
    assert parsed.unknown_status == frozenset({labels[0], labels[2]})


def test_unknown_status_only_names_entries_that_were_read() -> None:
    parsed = _read(_martif(_entry(en=[_tig("x")]), _entry(en=[_tig("X")])))
    assert len(parsed.errors) == 1
    assert parsed.unknown_status == frozenset(w for w, _ in parsed.entries)


# --- TBX v3 DCT style ----------------------------------------------------------------------------------------


DCT = f"""<?xml version="1.0" encoding="UTF-8"?>
<tbx style="dct" type="TBX-Basic" xml:lang="en" {TBX_NS}>
 <tbxHeader><fileDesc><sourceDesc><p>hand-written</p></sourceDesc></fileDesc></tbxHeader>
 <text><body>
  <conceptEntry id="c12">
   <basic:subjectField>defence policy</basic:subjectField>
   <note>From the 2022 strategy.</note>
   <transacGrp><basic:transactionType>origination</basic:transactionType>
     <basic:responsibility>tanaka</basic:responsibility><date>2024-01-02</date></transacGrp>
   <langSec xml:lang="ja">
    <termSec><term>反撃能力</term><basic:termType>fullForm</basic:termType>
      <basic:administrativeStatus>preferredTerm-admn-sts</basic:administrativeStatus></termSec>
   </langSec>
   <langSec xml:lang="en">
    <basic:definition>The capability to strike missile bases in an adversary's territory.</basic:definition>
    <termSec><term>enemy base strike capability</term>
      <basic:administrativeStatus>deprecatedTerm-admn-sts</basic:administrativeStatus></termSec>
    <termSec><term>CSC</term><basic:termType>acronym</basic:termType>
      <basic:administrativeStatus>preferredTerm-admn-sts</basic:administrativeStatus></termSec>
    <termSec><term>counterstrike capability</term><basic:termType>fullForm</basic:termType>
      <basic:administrativeStatus>preferredTerm-admn-sts</basic:administrativeStatus>
      <note>Official MOD rendering.</note></termSec>
    <termSec><term>counter-strike capability</term><basic:termType>variant</basic:termType>
      <basic:administrativeStatus>admittedTerm-admn-sts</basic:administrativeStatus></termSec>
   </langSec>
  </conceptEntry>
 </body></text></tbx>"""


def test_tbx_v3_dct_style_reads_every_data_category() -> None:
    parsed = _read(DCT)
    ((where, e),) = parsed.entries
    assert (e.id, e.ja, e.en, e.acronym, e.status) == (
        12,
        "反撃能力",
        "counterstrike capability",
        "CSC",
        "approved",
    )
    assert e.forbidden_en == ("enemy base strike capability",)
    assert e.en_variants == ("counter-strike capability",)
    assert e.domain == "defence policy"
    assert e.definition == "The capability to strike missile bases in an adversary's territory."
    assert e.note == "From the 2022 strategy.\ncounterstrike capability: Official MOD rendering."
    assert (e.created, e.created_by) == ("2024-01-02", "tanaka")
    assert where not in parsed.unknown_status


def test_dct_entry_level_definition_in_a_descrip_grp_and_dca_transac_grp() -> None:
    xml = f"""<tbx style="dct" type="TBX-Basic" {TBX_NS}><text><body><conceptEntry>
      <descripGrp><basic:definition>Entry-level definition.</basic:definition></descripGrp>
      <transacGrp><transac type="transactionType">modification</transac>
        <transacNote type="responsibility">sato</transacNote><date>2024-05-06</date></transacGrp>
      <langSec xml:lang="en"><termSec><term>term</term>
        <basic:administrativeStatus>admittedTerm-admn-sts</basic:administrativeStatus></termSec></langSec>
    </conceptEntry></body></text></tbx>"""
    e = _one(xml)
    assert (e.en, e.status, e.definition, e.updated, e.updated_by) == (
        "term",
        "proposed",
        "Entry-level definition.",
        "2024-05-06",
        "sato",
    )


def test_language_level_notes_join_the_entry_note() -> None:
    xml = f"""<tbx style="dct" type="TBX-Basic" {TBX_NS}><text><body><conceptEntry><note>entry</note>
      <langSec xml:lang="ja"><note>ja level</note><termSec><term>協力</term></termSec></langSec>
      <langSec xml:lang="en"><note>en level</note><termSec><term>cooperation</term><note>term</note></termSec>
      </langSec></conceptEntry></body></text></tbx>"""
    assert _one(xml).note == "entry\nja level\nen level\ncooperation: term"


def test_dct_file_imports_through_the_cli(run, tmp_path: Path) -> None:
    path = tmp_path / "dct.tbx"
    path.write_text(DCT, encoding="utf-8")
    result = run("glossary", "import", str(path), "-q")
    assert result.exit_code == 0, result.output
    (entry,) = json.loads(run("glossary", "export", "--format", "json", "-q").stdout)
    assert (entry["en"], entry["status"], entry["domain"]) == (
        "counterstrike capability",
        "approved",
        "defence policy",
    )


# --- encodings ------------------------------------------------------------------------------------------------


JA_ENTRY = _entry(ja=[_tig("防衛省", "preferred")], en=[_tig("Ministry of Defense", "preferred")])


@pytest.mark.parametrize(
    ("declared", "codec"),
    [
        ("Shift_JIS", "shift_jis"),
        ("shift-jis", "shift_jis"),
        ("Windows-31J", "cp932"),
        ("CP932", "cp932"),
        ("EUC-JP", "euc_jp"),
        ("x-sjis", "shift_jis"),
        ("ISO-2022-JP", "iso2022_jp"),
    ],
)
def test_legacy_japanese_encodings_are_read(declared: str, codec: str) -> None:
    e = _one(_martif(JA_ENTRY, encoding=declared), encoding=codec)
    assert (e.ja, e.en, e.status) == ("防衛省", "Ministry of Defense", "approved")


def test_windows_only_characters_read_when_declared_windows_31j() -> None:
    e = _one(_martif(_entry(ja=[_tig("①髙島屋㈱")]), encoding="Windows-31J"), encoding="cp932")
    assert e.ja == "①髙島屋㈱"


def test_a_file_labelled_shift_jis_is_read_as_windows_writes_it() -> None:
    """Windows-only characters, and ～ and － as CP932 maps them (strict Shift_JIS would give 〜 and −)."""
    data = _martif(_entry(ja=[_tig("①髙島屋㈱～ＩＦＣ－ＩＯＲ")]), encoding="Shift_JIS").encode("cp932")
    assert read_tbx(io.BytesIO(data), name="win.tbx").entries[0][1].ja == "①髙島屋㈱～ＩＦＣ－ＩＯＲ"


def test_declaration_with_spaces_and_single_quotes() -> None:
    xml = _martif(JA_ENTRY).replace('encoding="UTF-8"', "encoding = 'Shift_JIS'")
    assert _one(xml, encoding="shift_jis").ja == "防衛省"


def test_utf8_byte_order_mark_wins_over_a_stale_declaration() -> None:
    """An editor re-saved a Shift_JIS file as UTF-8 with a byte-order mark, leaving the declaration."""
    data = b"\xef\xbb\xbf" + _martif(JA_ENTRY, encoding="Shift_JIS").encode("utf-8")
    assert read_tbx(io.BytesIO(data)).entries[0][1].ja == "防衛省"


class _StrictReader:
    """A file that refuses to be read whole: the parser must stream it."""

    def __init__(self, data: bytes) -> None:
        self._fh = io.BytesIO(data)
        self.reads = 0

    def read(self, size: int = -1) -> bytes:
        assert 0 < size <= 1 << 20, f"read({size}) would load the whole file"
        self.reads += 1
        return self._fh.read(size)


@pytest.mark.parametrize(
    ("declared", "codec"), [("UTF-8", "utf-8"), ("UTF-16", "utf-16"), ("Shift_JIS", "shift_jis")]
)
def test_files_are_streamed_not_read_whole(declared: str, codec: str) -> None:
    entries = [_entry(ja=[_tig(f"用語{i}")], en=[_tig(f"term {i}")]) for i in range(3000)]
    reader = _StrictReader(_martif(*entries, encoding=declared).encode(codec))
    parsed = read_tbx(reader, name="big.tbx")
    assert len(parsed.entries) == 3000 and reader.reads > 3


def test_shift_jis_file_imports_through_the_cli(run, tmp_path: Path) -> None:
    path = tmp_path / "sjis.tbx"
    path.write_bytes(_martif(JA_ENTRY, encoding="Shift_JIS").encode("shift_jis"))
    result = run("glossary", "import", str(path), "-q")
    assert result.exit_code == 0, result.output
    (entry,) = json.loads(run("glossary", "export", "--format", "json", "-q").stdout)
    assert (entry["ja"], entry["status"]) == ("防衛省", "approved")


def test_unknown_encoding_is_a_one_line_error_naming_it(run, tmp_path: Path) -> None:
    with pytest.raises(ProjectError, match=r"unknown encoding.*X-KLINGON") as info:
        _read(_martif(JA_ENTRY, encoding="X-KLINGON"))
    assert "\n" not in str(info.value)
    path = tmp_path / "k.tbx"
    path.write_bytes(_martif(JA_ENTRY, encoding="X-KLINGON").encode())
    result = run("glossary", "import", str(path))
    assert result.exit_code != 0
    assert "X-KLINGON" in result.output and "Traceback" not in result.output


def test_bytes_invalid_in_the_declared_encoding_are_a_one_line_error(run, tmp_path: Path) -> None:
    data = _martif(JA_ENTRY, encoding="EUC-JP").encode("euc_jp").replace("防".encode("euc_jp"), b"\xff\xfe")
    with pytest.raises(ProjectError, match="not valid EUC-JP") as info:
        read_tbx(io.BytesIO(data), name="bad.tbx")
    assert "\n" not in str(info.value)
    path = tmp_path / "bad.tbx"
    path.write_bytes(data)
    result = run("glossary", "import", str(path))
    assert result.exit_code != 0 and "not valid EUC-JP" in result.output


# --- language codes -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("ja_code", "en_code"),
    [
        ("jp", "eng"),
        ("jpn", "en-GB"),
        ("ja-JP", "EN"),
        ("JA", "en_US"),
        ("ja_JP", "ENG"),
    ],
)
def test_language_code_spellings(ja_code: str, en_code: str) -> None:
    parsed = _read(
        _martif(_entry(ja=[_tig("同盟")], en=[_tig("alliance")], lang_ja=ja_code, lang_en=en_code))
    )
    ((_, e),) = parsed.entries
    assert (e.ja, e.en) == ("同盟", "alliance")
    assert parsed.warnings == ()


def test_other_languages_are_still_skipped_with_a_warning() -> None:
    parsed = _read(_martif(_entry(ja=[_tig("同盟")], en=[_tig("alliance")], lang_en="jav")))
    ((_, e),) = parsed.entries
    assert (e.ja, e.en) == ("同盟", None)
    assert any("'jav'" in w for w in parsed.warnings)


# --- issue 12: statuses other tools write, multilingual termbases, indentation ---------------------------


def _tig_raw(text: str, admin: str) -> str:
    return f'<tig><term>{text}</term><termNote type="administrativeStatus">{admin}</termNote></tig>'


@pytest.mark.parametrize(
    ("admin", "forbidden"),
    [
        ("verboten", True),
        ("禁止", True),
        ("Interdit", True),
        ("deprecatedTerm-admn-sts", True),
        ("notRecommendedTerm-admn-sts", True),
        ("standardizedTerm-admn-sts", False),
        ("legalTerm-admn-sts", False),
        ("bevorzugt", False),
    ],
)
def test_localised_and_standard_statuses_are_understood(admin: str, forbidden: bool) -> None:
    parsed = _read(
        _martif(
            _entry(
                ja=[_tig("防衛", "preferred")],
                en=[_tig("defence", "preferred"), _tig_raw("defense force", admin)],
            )
        )
    )
    assert not parsed.warnings, parsed.warnings
    ((_, e),) = parsed.entries
    variants = {(v.text, v.forbidden) for v in e.variants}
    assert ("defense force", forbidden) in variants


def test_unknown_status_is_warned_about_per_entry() -> None:
    parsed = _read(
        _martif(
            _entry(ja=[_tig("防衛", "preferred")], en=[_tig_raw("defence", "sehr-gut")]),
            _entry(ja=[_tig("協力", "preferred")], en=[_tig_raw("cooperation", "sehr-gut")]),
        )
    )
    assert len(parsed.entries) == 2
    unknown = [w for w in parsed.warnings if "sehr-gut" in w]
    assert len(unknown) == 2 and unknown[0].startswith("entry 1") and unknown[1].startswith("entry 2")


def test_multilingual_termbase_skips_concepts_without_japanese_or_english() -> None:
    de_only = '<termEntry><langSet xml:lang="de"><tig><term>Verteidigung</term></tig></langSet></termEntry>'
    parsed = _read(
        _martif(
            _entry(ja=[_tig("防衛")], en=[_tig("defence")]),
            de_only,
            _entry(ja=[_tig("協力")], en=[_tig("cooperation")]).replace(
                "</termEntry>",
                '<langSet xml:lang="fr"><tig><term>coopération</term></tig></langSet></termEntry>',
            ),
        )
    )
    assert not parsed.errors, parsed.errors
    assert [e.en for _, e in parsed.entries] == ["defence", "cooperation"]
    assert any("entry 2" in w and "no Japanese or English term" in w for w in parsed.warnings)


def test_xml_indentation_inside_definitions_is_collapsed() -> None:
    xml = _martif(
        '<termEntry><descrip type="definition">a galaxy with spiral\n\t\t\t\t\t\t\tarms</descrip>'
        f'<langSet xml:lang="ja">{_tig("渦巻銀河")}</langSet><langSet xml:lang="en">{_tig("spiral galaxy")}'
        "</langSet></termEntry>"
    )
    assert _one(xml).definition == "a galaxy with spiral arms"
