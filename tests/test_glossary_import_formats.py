"""`glossary import` of files from other tools: status kept when a file says none, CSV encodings and
delimiters, errors that name only options the command has, reversed OmegaT glossaries, lossless comments."""

from __future__ import annotations

import codecs
import io
import json
import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from alignment.project import ProjectError
from glossary import store
from glossary.exchange import import_file, read_entries
from glossary.model import STATUSES, Entry
from glossary.omegat import KEYS, parse_comment, write_rows
from glossary.omegat_import import read_parsed
from glossary.project import open_glossary_project


def _add(run, ja: str, en: str, status: str) -> int:
    result = run("glossary", "add", "--json", "--ja", ja, "--en", en, "--status", status)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)["id"]


def _statuses(run) -> dict[str, str]:
    return {d["ja"]: d["status"] for d in json.loads(run("glossary", "export", "--format", "json").stdout)}


# --- 1. a file that says nothing about status keeps the stored status -------------------------------------

SILENT_FILES = {
    "omegat.txt": "協力\tcooperation\n禁止語\tbanned term\n新語\tnew term\n",
    "plain.csv": "ja,en\n協力,cooperation\n禁止語,banned term\n新語,new term\n",
    "empty_cells.csv": "ja,en,status\n協力,cooperation,\n禁止語,banned term, \n新語,new term,\n",
    "plain.json": json.dumps(
        [
            {"ja": "協力", "en": "cooperation"},
            {"ja": "禁止語", "en": "banned term"},
            {"ja": "新語", "en": "new term", "status": None},
        ],
        ensure_ascii=False,
    ),
}


@pytest.mark.parametrize("name", sorted(SILENT_FILES))
def test_reimport_without_status_keeps_approved_and_forbidden(run, tmp_path: Path, name: str) -> None:
    _add(run, "協力", "cooperation", "approved")
    _add(run, "禁止語", "banned term", "forbidden")
    path = tmp_path / name
    path.write_text(SILENT_FILES[name], encoding="utf-8")
    result = run("glossary", "import", str(path), "--json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert (report["updated"], report["unchanged"], len(report["added"])) == ([], [1, 2], 1)
    assert _statuses(run) == {"協力": "approved", "禁止語": "forbidden", "新語": "proposed"}


def test_a_status_the_file_gives_still_wins(run, tmp_path: Path) -> None:
    _add(run, "協力", "cooperation", "approved")
    _add(run, "禁止語", "banned term", "forbidden")
    path = tmp_path / "mixed.csv"
    path.write_text("ja,en,status\n協力,cooperation,deprecated\n禁止語,banned term,\n", encoding="utf-8")
    result = run("glossary", "import", str(path), "--json")
    assert json.loads(result.stdout)["updated"] == [1]
    assert _statuses(run) == {"協力": "deprecated", "禁止語": "forbidden"}
    omegat = tmp_path / "g.txt"
    omegat.write_text(
        "協力\tcooperation\tapproved; note: back again\n禁止語\tbanned term\tnote: still banned\n",
        encoding="utf-8",
    )
    assert run("glossary", "import", str(omegat)).exit_code == 0
    assert _statuses(run) == {"協力": "approved", "禁止語": "forbidden"}


def test_unknown_status_names_the_entries_of_every_reader(tmp_path: Path) -> None:
    csv_path = tmp_path / "g.csv"
    csv_path.write_text("ja,en,status\n協力,cooperation,\n海,sea,approved\n", encoding="utf-8")
    assert read_entries(csv_path, "csv").unknown_status == frozenset({"line 2"})
    no_column = tmp_path / "n.csv"
    no_column.write_text("ja,en\n協力,cooperation\n海,sea\n", encoding="utf-8")
    assert read_entries(no_column, "csv").unknown_status == frozenset({"line 2", "line 3"})
    js = tmp_path / "g.json"
    js.write_text(
        '[{"ja": "協力", "en": "c"}, {"ja": "海", "en": "sea", "status": "approved"}]', encoding="utf-8"
    )
    assert read_entries(js, "json").unknown_status == frozenset({"entry 1"})
    omt = tmp_path / "g.txt"
    omt.write_text("協力\tc\n海\tsea\tapproved\n空\tsky\tnote: x\n", encoding="utf-8")
    assert read_entries(omt, "omegat").unknown_status == frozenset({"line 1", "line 3"})


@pytest.fixture
def db(db_path: Path):
    database = open_glossary_project(db_path)
    yield database
    database.close()


def test_store_import_keeps_status_only_for_the_positions_named(db) -> None:
    store.add(db, Entry(ja="協力", en="cooperation", status="approved"), user="a")
    store.add(db, Entry(ja="海", en="sea", status="forbidden"), user="a")
    incoming = [Entry(ja="協力", en="cooperation"), Entry(ja="海", en="sea"), Entry(ja="空", en="sky")]
    report = store.import_entries(db, incoming, user="b", keep_status={0, 2})
    assert (report.unchanged, report.updated) == ((1,), (2,))
    assert [e.status for e in store.iter_entries(db)] == ["approved", "proposed", "proposed"]
    # the old call still works and takes the file's status
    store.import_entries(db, [Entry(ja="協力", en="cooperation", status="deprecated")], user="c")
    assert store.get(db, 1).status == "deprecated"


# --- 2. CSV in Excel's encodings and delimiters ------------------------------------------------------------

ROWS = [
    ("協力", "cooperation", "approved"),
    ("海洋状況把握", "maritime domain awareness", ""),
    ("自衛隊", "Self-Defense Forces", "forbidden"),
]


def _csv_text(delimiter: str) -> str:
    return "".join(delimiter.join(r) + "\r\n" for r in [("ja", "en", "status"), *ROWS])


@pytest.mark.parametrize(
    ("encoding", "delimiter"),
    [
        ("utf-8", ";"),
        ("utf-8-sig", ";"),
        ("utf-8", "\t"),
        ("cp932", ","),
        ("cp932", ";"),
        ("euc_jp", ","),
        ("utf-16", "\t"),
        ("utf-16", ","),
        ("utf-8-sig", ","),
    ],
)
def test_csv_encodings_and_delimiters_are_detected(tmp_path: Path, encoding: str, delimiter: str) -> None:
    path = tmp_path / "terms.csv"
    path.write_bytes(_csv_text(delimiter).encode(encoding))
    parsed = read_entries(path, "csv")
    assert parsed.errors == ()
    assert [(e.ja, e.en, e.status) for _, e in parsed.entries] == [
        (ja, en, status or "proposed") for ja, en, status in ROWS
    ]


def test_excel_unicode_text_imports_through_the_cli(run, tmp_path: Path) -> None:
    path = tmp_path / "unicode.txt"
    path.write_bytes(codecs.BOM_UTF16_LE + _csv_text("\t").encode("utf-16-le"))
    result = run("glossary", "import", str(path), "--format", "csv")
    assert result.exit_code == 0, result.output
    assert "3 added" in result.stdout
    assert _statuses(run) == {"協力": "approved", "海洋状況把握": "proposed", "自衛隊": "forbidden"}


def test_bad_rows_keep_their_line_numbers_in_any_encoding(tmp_path: Path) -> None:
    text = (
        'ja;en;status;note\r\n協力;cooperation;final;\r\n複数;several;;"a note\r\non two lines"\r\n;;;\r\n'
        "海;sea;approvedish;\r\n"
    )
    for encoding in ("cp932", "utf-16", "euc_jp"):
        path = tmp_path / f"bad-{encoding}.csv"
        path.write_bytes(text.encode(encoding))
        parsed = read_entries(path, "csv")
        assert [e.split(":")[0] for e in parsed.errors] == ["line 2", "line 6"], encoding
        assert [w for w, _ in parsed.entries] == ["line 3"]


def test_encoding_is_found_after_a_long_ascii_start(tmp_path: Path) -> None:
    """ASCII reads the same in every candidate: the first Japanese bytes, however far in, decide."""
    path = tmp_path / "late.csv"
    ascii_rows = "".join(f"ABC{i},term {i}\r\n" for i in range(120_000))  # ~2 MB of ASCII first
    path.write_bytes(
        ("ja,en\r\n" + ascii_rows + "協力,cooperation\r\n防衛省,Ministry of Defense\r\n").encode("cp932")
    )
    parsed = read_entries(path, "csv")
    assert parsed.errors == ()
    assert [e.ja for _, e in parsed.entries[-2:]] == ["協力", "防衛省"]


@pytest.mark.parametrize(("encoding", "sep", "nl"), [("utf-8", ",", "\n"), ("cp932", ";", "\r\n")])
def test_progress_counts_bytes_to_the_end(tmp_path: Path, encoding: str, sep: str, nl: str) -> None:
    path = tmp_path / "big.csv"
    path.write_bytes(
        (f"ja{sep}en{nl}" + "".join(f"用語{i}{sep}term {i}{nl}" for i in range(20_000))).encode(encoding)
    )
    seen: list[tuple[int, int]] = []
    parsed = read_entries(path, "csv", on_progress=lambda done, total: seen.append((done, total)))
    assert len(parsed.entries) == 20_000
    size = path.stat().st_size
    assert seen[-1] == (size, size) and len(seen) > 10
    assert [d for d, _ in seen] == sorted(d for d, _ in seen)


def test_a_file_that_changes_encoding_part_way_is_one_clear_error(run, tmp_path: Path) -> None:
    path = tmp_path / "mixed.csv"
    path.write_bytes("ja,en\n協力,cooperation\n".encode() + b"x," * 600_000 + "\n海,sea\n".encode("cp932"))
    result = run("glossary", "import", str(path))
    assert result.exit_code == 1
    assert "UTF-8" in result.output and "Traceback" not in result.output
    assert len(result.output.strip().splitlines()) == 1


# --- 3. errors suggest only options `glossary import` has ---------------------------------------------------

NOT_TEXT = {
    "nul.csv": "ja,en\n協力,co\x00\x00operation\n".encode(),
    "utf16_nobom.csv": "ja,en\n協力,cooperation\n".encode("utf-16-le"),
    "undecodable.csv": b"ja,en\n" + bytes([0x85, 0xFF, 0xFE, 0x80, 0xA0, 0xFD]) * 50 + b"\n",
    "png.csv": b"\x89PNG\r\n\x1a\n" + bytes(range(256)),
    "mostly_nul.csv": b"\x00" * 4096 + "文。\n".encode(),
}


@pytest.mark.parametrize("fmt", ["csv", "json", "omegat"])
@pytest.mark.parametrize("name", sorted(NOT_TEXT))
def test_not_text_is_one_line_naming_only_real_options(run, tmp_path: Path, name: str, fmt: str) -> None:
    from tui.cli import cli

    command = cli.get_command(None, "glossary").get_command(None, "import")  # type: ignore[union-attr]
    options = {opt for p in command.params for opt in getattr(p, "opts", ())}
    path = tmp_path / name
    path.write_bytes(NOT_TEXT[name])
    result = run("glossary", "import", str(path), "--format", fmt)
    assert result.exit_code == 1
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: "), result.output
    assert set(re.findall(r"--[a-z][a-z-]*", result.output)) <= options, result.output


# --- 4a. an OmegaT glossary from an English→Japanese project -------------------------------------------------


def test_reversed_omegat_glossary_is_swapped_with_a_warning(run, tmp_path: Path) -> None:
    path = tmp_path / "en-ja.txt"
    path.write_text(
        "# from an EN-JA project\nSelf-Defense Forces\t自衛隊\tofficial\nMinistry of Defense\t防衛省\n"
        "MDA\tMDA\ncooperation\t協力\n",
        encoding="utf-8",
    )
    parsed = read_entries(path, "omegat")
    assert [(e.ja, e.en) for _, e in parsed.entries] == [
        ("自衛隊", "Self-Defense Forces"),
        ("防衛省", "Ministry of Defense"),
        ("MDA", "MDA"),
        ("協力", "cooperation"),
    ]
    assert len(parsed.warnings) == 1 and "swapped" in parsed.warnings[0] and "check" not in parsed.warnings[0]
    result = run("glossary", "import", str(path))
    assert result.exit_code == 0, result.output
    assert "warning:" in result.stderr and "swapped" in result.stderr
    assert set(_statuses(run)) == {"自衛隊", "防衛省", "MDA", "協力"}
    path.write_text("Self-Defense Forces\t自衛隊\ncooperation\t協力\n海\tsea\n", encoding="utf-8")
    parsed = read_entries(path, "omegat")
    assert [e.ja for _, e in parsed.entries] == ["自衛隊", "協力", "sea"]
    assert "line 3 had Japanese first and is swapped too: check them" in parsed.warnings[0]


def test_a_japanese_first_glossary_is_not_swapped(tmp_path: Path) -> None:
    path = tmp_path / "ja-en.txt"
    # a few English→Japanese-looking lines in a Japanese→English file stay as they are
    path.write_text(
        "自衛隊\tSelf-Defense Forces\n防衛省\t防衛省 (Ministry of Defense)\nＱＵＡＤ\tQuad\n"
        "MDA\t海洋状況把握\n",
        encoding="utf-8",
    )
    parsed = read_entries(path, "omegat")
    assert [e.ja for _, e in parsed.entries] == ["自衛隊", "防衛省", "ＱＵＡＤ", "MDA"]
    assert len(parsed.warnings) == 1 and "line 4 of 4 has an English term first" in parsed.warnings[0]
    path.write_text("自衛隊\tSelf-Defense Forces\nＱＵＡＤ\tQuad\nIPMDA\tIPMDA\n", encoding="utf-8")
    assert read_entries(path, "omegat").warnings == ()


def test_a_glossary_half_each_way_is_read_japanese_first_with_a_warning(tmp_path: Path) -> None:
    path = tmp_path / "mixed.txt"
    path.write_text("Self-Defense Forces\t自衛隊\n協力\tcooperation\n", encoding="utf-8")
    parsed = read_entries(path, "omegat")
    assert [e.ja for _, e in parsed.entries] == ["Self-Defense Forces", "協力"]
    assert len(parsed.warnings) == 1 and "line 1 of 2" in parsed.warnings[0]


# --- 4b. OmegaT comments: any note, domain or definition comes back as it went out ---------------------------


def _round_trip(tmp_path: Path, entry: Entry) -> Entry:
    buf = io.StringIO()
    write_rows([entry], buf)
    path = tmp_path / "g.utf8"
    path.write_text(buf.getvalue(), encoding="utf-8")
    parsed = read_parsed(path)
    assert parsed.errors == ()
    [(_, back)] = parsed.entries
    return back


def test_a_note_that_looks_like_keys_comes_back_whole(tmp_path: Path) -> None:
    entry = store.validate(
        Entry(
            ja="協力",
            en="cooperation",
            status="approved",
            domain="x; note: y\\",
            note="domain: fake; note: z",
        )
    )
    back = _round_trip(tmp_path, entry)
    assert (back.status, back.domain, back.note) == ("approved", "x; note: y\\", "domain: fake; note: z")
    assert parse_comment("approved; domain: d; note: a; b; c") == (
        "approved",
        {"domain": "d", "note": "a; b; c"},
    )


_PIECES = st.sampled_from(
    [
        *(f"{k}: " for k in KEYS),
        "; ",
        ";",
        "\\",
        " | ",
        *STATUSES,
        "DEPRECATED, do not use",
        "\n",
        "\t",
        "  ",
        "\u3000",
        "\u2028",
    ]
)
# C0/C1 controls other than the breaks above make a small file "look binary" to the import's text check
_TEXT = st.lists(
    st.one_of(_PIECES, st.text(st.characters(blacklist_categories=("Cc", "Cs")), max_size=4)), max_size=8
).map("".join)
_BREAKS = re.compile(r"[\t\r\n\u2028\u2029\x0b\x0c\x1c-\x1e\x85]")


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(note=_TEXT, domain=_TEXT, definition=_TEXT, status=st.sampled_from(STATUSES))
def test_comments_round_trip_any_text(
    tmp_path: Path, note: str, domain: str, definition: str, status: str
) -> None:
    try:
        entry = store.validate(
            Entry(
                ja="協力",
                en="cooperation",
                status=status,  # type: ignore[arg-type]
                note=note,
                domain=domain,
                definition=definition,
            )
        )
    except store.InvalidEntry:
        return
    back = _round_trip(tmp_path, entry)
    assert back.status == entry.status
    for name in ("note", "domain", "definition"):
        want = getattr(entry, name)
        if want is not None and _BREAKS.search(want):
            # OmegaT has no escape for a line break or tab: each becomes one space, nothing else changes
            want = re.sub(r" *(?:[\t\r\n\u2028\u2029\x0b\x0c\x1c-\x1e\x85] *)+", " ", want).strip() or None
        assert getattr(back, name) == want, name


def test_round_trip_keeps_inner_spaces(tmp_path: Path) -> None:
    entry = store.validate(Entry(ja="協力", en="cooperation", note="全角\u3000空白と  二つの空白"))
    assert _round_trip(tmp_path, entry).note == "全角\u3000空白と  二つの空白"


def test_import_file_passes_unknown_statuses_through(db, tmp_path: Path) -> None:
    store.add(db, Entry(ja="協力", en="cooperation", status="approved"), user="a")
    path = tmp_path / "g.txt"
    path.write_text("協力\tcooperation\n", encoding="utf-8")
    report = import_file(db, read_entries(path, "omegat"), user="b")
    assert report.unchanged == (1,) and store.get(db, 1).status == "approved"


def test_missing_file_is_a_project_error(tmp_path: Path) -> None:
    with pytest.raises(ProjectError):
        read_entries(tmp_path / "missing.csv", "csv")


# --- files that are broken in ways a parser would gloss over -------------------------------------------------


@pytest.mark.parametrize("tail", ['"協力,cooperation\n', '協力,"a note that was cut', '協力,"multi\nline'])
def test_a_quote_left_open_is_an_error_not_a_field_that_eats_the_rest(run, tmp_path: Path, tail: str) -> None:
    _add(run, "協力", "cooperation", "approved")
    before = run("glossary", "export", "--format", "json").stdout
    path = tmp_path / "cut.csv"
    path.write_text("ja,note\n海,sea\n" + tail, encoding="utf-8")
    result = run("glossary", "import", str(path))
    assert result.exit_code == 1 and "line 3" in result.output and "nothing imported" in result.output
    assert run("glossary", "export", "--format", "json").stdout == before


def test_a_file_pasted_together_from_two_encodings_is_refused(run, tmp_path: Path, db_path: Path) -> None:
    path = tmp_path / "mixed.csv"
    path.write_bytes("ja,en\n協力,cooperation\n".encode() + "防衛,defence\n".encode("cp932"))
    result = run("glossary", "import", str(path))
    assert result.exit_code == 1 and "mixes encodings" in result.output and "Traceback" not in result.output
    assert not db_path.exists()
    # the same after two megabytes of ASCII, where detection starts at the first non-ASCII byte
    path.write_bytes(b"ja,en\n" + b"x,y\n" * 600_000 + "協力,c\n".encode() + "防衛,d\n".encode("cp932"))
    assert "mixes encodings" in run("glossary", "import", str(path)).output


def test_deeply_nested_json_is_a_one_line_error(run, tmp_path: Path) -> None:
    path = tmp_path / "deep.json"
    path.write_text("[" * 100_000 + "]" * 100_000, encoding="utf-8")
    result = run("glossary", "import", str(path))
    assert (
        result.exit_code == 1
        and "nested too deeply" in result.output
        and "RecursionError" not in result.output
    )


def test_a_dry_run_creates_no_project(run, tmp_path: Path) -> None:
    path = tmp_path / "g.csv"
    path.write_text("ja,en\n協力,cooperation\n", encoding="utf-8")
    project = tmp_path / "new.db"
    result = run("glossary", "import", str(path), "--dry-run", "--db", str(project))
    assert result.exit_code == 0 and "Would import" in result.output and "1 added" in result.output
    assert not project.exists()


# --- issue 12: formula cells, OmegaT round trip, ids out of range ----------------------------------------


def test_omegat_glossary_neutralises_formula_cells_and_reads_them_back() -> None:
    import io as _io

    from glossary.model import Entry as _Entry
    from glossary.omegat import read_lines, write_rows

    entries = [
        _Entry(ja='=HYPERLINK("http://x")', en="+cmd|' /C calc'!A0", status="approved"),
        _Entry(ja="－２＋３", en="-2+3", status="approved", note="@SUM(A1)"),
    ]
    out = _io.StringIO()
    write_rows(entries, out)
    for line in out.getvalue().splitlines()[1:]:
        assert not any(cell.startswith(("=", "+", "-", "@")) for cell in line.split("\t")), line
    back = read_lines(out.getvalue(), name="g.txt").entries
    assert [(e.ja, e.en, e.note) for e in back] == [(e.ja, e.en, e.note) for e in entries]


def test_omegat_round_trip_keeps_entries_that_share_a_japanese_term() -> None:
    import io as _io

    from glossary.model import Entry as _Entry
    from glossary.omegat import read_lines, write_rows

    entries = [
        _Entry(
            ja="拡大ASEAN国防相会議",
            en="ADMM-Plus",
            acronym="ADSOM",
            note="senior officials",
            status="approved",
        ),
        _Entry(ja="拡大ASEAN国防相会議", en="SOM", note="meeting", status="proposed"),
    ]
    out = _io.StringIO()
    write_rows(entries, out)
    back = read_lines(out.getvalue(), name="g.txt").entries
    assert [(e.en, e.acronym, e.note, e.status, e.variants) for e in back] == [
        ("ADMM-Plus", "ADSOM", "senior officials", "approved", ()),
        ("SOM", None, "meeting", "proposed", ()),
    ]


def test_bead_tsv_export_neutralises_formula_cells() -> None:
    from alignment.export import tsv_field

    assert tsv_field('=HYPERLINK("http://evil")') == '\'=HYPERLINK("http://evil")'
    assert tsv_field("-2+3") == "'-2+3"
    assert tsv_field("普通の文。") == "普通の文。"


@pytest.mark.parametrize("ident", ["9223372036854775808", "99999999999999999999999"])
def test_ids_past_sqlite_integers_are_a_row_error(ident: str) -> None:
    import io as _io

    from glossary.csvio import read_csv

    parsed = read_csv(_io.StringIO(f"id,ja,en\n{ident},防衛,defence\n"))
    assert not parsed.entries and "out of range" in parsed.errors[0]


# --- issue 12, item 19: files from spreadsheets --------------------------------------------------------


def test_excel_unicode_text_with_a_header_is_a_table_not_an_omegat_glossary(tmp_path: Path) -> None:
    from glossary.omegat_import import read_parsed

    path = tmp_path / "glossary.txt"
    path.write_bytes("ja\ten\tnote\r\n防衛\tdefence\tMOD usage\r\n協力\tcooperation\t\r\n".encode("utf-16"))
    parsed = read_parsed(path)
    assert not parsed.errors, parsed.errors
    assert [(e.ja, e.en, e.note) for _, e in parsed.entries] == [
        ("防衛", "defence", "MOD usage"),
        ("協力", "cooperation", None),
    ]


@pytest.mark.parametrize("delimiter", [",", "\t"])
def test_headerless_two_and_three_column_files_are_read(delimiter: str) -> None:
    import io as _io

    from glossary.csvio import read_csv

    text = f"防衛{delimiter}defence{delimiter}a note\n協力{delimiter}cooperation{delimiter}\n"
    parsed = read_csv(_io.StringIO(text))
    assert not parsed.errors, parsed.errors
    assert [(e.ja, e.en, e.note) for _, e in parsed.entries] == [
        ("防衛", "defence", "a note"),
        ("協力", "cooperation", None),
    ]
    assert any("no header row" in w for w in parsed.warnings)


def test_unknown_column_is_ignored_with_a_warning() -> None:
    import io as _io

    from glossary.csvio import read_csv

    parsed = read_csv(_io.StringIO("ja,en,colour\n防衛,defence,red\n"))
    assert not parsed.errors
    assert [(e.ja, e.en) for _, e in parsed.entries] == [("防衛", "defence")]
    assert any("colour" in w for w in parsed.warnings)


def test_a_note_over_128_kb_exported_to_csv_imports_again() -> None:
    import io as _io

    from glossary.csvio import read_csv, write_csv
    from glossary.model import Entry as _Entry

    note = "長い注記。" * 40_000  # 200,000 characters, 600 KB in UTF-8
    out = _io.StringIO()
    write_csv([_Entry(ja="防衛", en="defence", note=note)], out)
    parsed = read_csv(_io.StringIO(out.getvalue()))
    assert not parsed.errors, parsed.errors[:1]
    assert parsed.entries[0][1].note == note


def test_a_huge_note_is_refused_with_its_size() -> None:
    import io as _io

    from glossary.csvio import read_csv
    from glossary.validate import MAX_FIELD

    parsed = read_csv(_io.StringIO(f"ja,en,note\n防衛,defence,{'x' * (MAX_FIELD + 1)}\n"))
    assert not parsed.entries and "the limit is" in parsed.errors[0]
