"""`taiyaku glossary …` end to end: add, lookup, edit, set-status, show, remove, export/import, errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest


def _add(run, *args: str) -> int:
    result = run("glossary", "add", "--json", *args)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)["id"]


@pytest.fixture
def seed000(run, tmp_path: Path) -> str:
    """A small pair named seed000 (15 sentences a side) that --source can point into."""
    ja, en = tmp_path / "ja.txt", tmp_path / "en.txt"
    ja.write_text("".join(f"第{k}の文です。\n" for k in range(1, 16)), encoding="utf-8")
    en.write_text("".join(f"Sentence {k}.\n" for k in range(1, 16)), encoding="utf-8")
    result = run("import", str(ja), str(en), "--name", "seed000", "--segmented")
    assert result.exit_code == 0, result.output
    return "seed000"


def test_add_lookup_edit_status_show_remove(run, db_path: Path, seed000: str) -> None:
    entry_id = _add(
        run,
        "--ja",
        "インド洋地域情報融合センター",
        "--acronym",
        "ＩＦＣ－ＩＯＲ",
        "--en",
        "Information Fusion Centre - Indian Ocean Region",
        "--source",
        "seed000:ja:12",
        "--forbidden-en",
        "Indian Ocean Information Centre",
        "--user",
        "alice",
    )
    result = run("glossary", "lookup", "ifc-ior", "--json")
    hits = json.loads(result.stdout)
    assert [(h["id"], h["match"]) for h in hits] == [
        (entry_id, {"rank": "exact", "field": "acronym", "term": "ＩＦＣ－ＩＯＲ"})
    ]
    assert hits[0]["variants"]["forbidden_en"] == ["Indian Ocean Information Centre"]
    # people count sentences and beads from 1: the 12th sentence is segment_index 11
    assert hits[0]["sources"][0]["pair"] == "seed000" and hits[0]["sources"][0]["segment_index"] == 11
    assert hits[0]["sources"][0]["excerpt"] == "第12の文です。"

    result = run(
        "glossary",
        "edit",
        str(entry_id),
        "--variant-en",
        "Information Fusion Center - Indian Ocean Region",
        "--add-source",
        "seed000:bead:9",
        "--reason",
        "US spelling seen",
        "--user",
        "bob",
    )
    assert result.exit_code == 0 and f"Updated entry {entry_id}" in result.stdout
    result = run("glossary", "set-status", str(entry_id), "approved", "--user", "carol")
    assert "proposed → approved" in result.stdout

    result = run("glossary", "show", str(entry_id), "--json")
    shown = json.loads(result.stdout)
    assert shown["status"] == "approved" and shown["updated_by"] == "carol"
    assert [(h["action"], h["user"], h["fields"]) for h in shown["history"]] == [
        ("add", "alice", ["ja", "en", "acronym", "variants", "status", "sources"]),
        ("edit", "bob", ["variants", "sources"]),
        ("status", "carol", ["status"]),
    ]
    assert shown["history"][1]["reason"] == "US spelling seen"
    assert [s.get("bead_index") for s in shown["sources"]] == [None, 8]

    result = run("glossary", "show", str(entry_id))
    assert "Provenance" in result.stdout and "seed000 ja sentence 12" in result.stdout
    assert "seed000 bead 9" in result.stdout
    assert "History" in result.stdout and "carol" in result.stdout

    result = run("glossary", "lookup", "インド洋")
    assert result.exit_code == 0 and "1 entry matches" in result.stdout and "approved" in result.stdout

    result = run("glossary", "remove", str(entry_id), "--reason", "test", "--user", "dave")
    assert result.exit_code == 0
    result = run("glossary", "show", str(entry_id))
    assert result.exit_code == 0 and "was removed by dave" in result.stdout
    result = run("glossary", "lookup", "インド洋")
    assert "No entries match" in result.stderr


def test_errors_are_one_line(run, db_path: Path) -> None:
    result = run("glossary", "lookup", "x")
    assert result.exit_code == 1 and result.output.startswith("Error: no project file")
    assert not db_path.exists()  # a lookup never creates a project
    _add(run, "--ja", "協力", "--en", "cooperation")
    for args, message in [
        (("glossary", "add", "--ja", "協力", "--en", "Cooperation"), "entry 1 already has these terms"),
        (("glossary", "add", "--note", "only a note"), "needs a Japanese term"),
        (("glossary", "edit", "99", "--note", "x"), "no glossary entry 99"),
        (("glossary", "edit", "1"), "nothing to change"),
        (("glossary", "set-status", "1", "final"), "Invalid value"),
        (("glossary", "remove", "99"), "no glossary entry 99"),
        (("glossary", "show", "99"), "no glossary entry 99"),
        (("glossary", "lookup", " "), "non-empty QUERY"),
        (("glossary", "export"), "give --format"),
        (("glossary", "edit", "1", "--forbidden-en", "cooperation"), "both an allowed and a forbidden"),
    ]:
        result = run(*args)
        assert result.exit_code != 0, args
        assert message in result.output, (args, result.output)
        assert "Traceback" not in result.output


def test_add_warns_about_entries_sharing_a_term(run) -> None:
    _add(run, "--acronym", "RAA", "--en", "Reciprocal Access Agreement")
    result = run("glossary", "add", "--acronym", "ＲＡＡ", "--en", "Regional Air Alliance")
    assert result.exit_code == 0
    assert "note: entry 1 also has 'ＲＡＡ'" in result.stderr


def test_lookup_json_limit_and_status(run) -> None:
    for i in range(5):
        _add(
            run,
            "--ja",
            f"協力{i}",
            "--en",
            f"cooperation {i}",
            "--status",
            "approved" if i % 2 else "proposed",
        )
    hits = json.loads(run("glossary", "lookup", "協力", "--json", "--limit", "2").stdout)
    assert len(hits) == 2
    hits = json.loads(run("glossary", "lookup", "ｷｮｳﾘｮｸ", "--json").stdout)
    assert hits == []
    hits = json.loads(run("glossary", "lookup", "協力", "--json", "--status", "approved").stdout)
    assert sorted(h["ja"] for h in hits) == ["協力1", "協力3"]


def test_export_import_round_trip_through_files(run, tmp_path: Path) -> None:
    _add(
        run,
        "--ja",
        "円滑化協定",
        "--en",
        "Reciprocal Access Agreement",
        "--acronym",
        "RAA",
        "--forbidden-en",
        "Visiting Forces Agreement",
        "--note",
        "=not a formula",
    )
    _add(run, "--ja", "協力", "--en", "cooperation", "--status", "approved")
    for fmt in ("tbx", "csv", "json"):
        out = tmp_path / f"g.{fmt}"
        result = run("glossary", "export", "-o", str(out))
        assert result.exit_code == 0 and "Exported 2 entries" in result.stderr
        fresh = tmp_path / f"fresh-{fmt}.db"
        result = run("glossary", "import", str(out), "--db", str(fresh), "--json")
        assert json.loads(result.stdout)["added"] == [1, 2]
        again = json.loads(run("glossary", "export", "--format", "json", "--db", str(fresh)).stdout)
        original = json.loads(run("glossary", "export", "--format", "json").stdout)
        assert again == original
    assert not list(tmp_path.glob(".*.tmp"))
    assert (tmp_path / "g.csv").read_bytes().startswith("\ufeffid,ja,".encode())  # Excel reads it as UTF-8
    assert not run("glossary", "export", "--format", "csv").stdout.startswith("\ufeff")


def test_export_to_stdout_and_status_filter(run) -> None:
    _add(run, "--ja", "協力", "--en", "cooperation", "--status", "approved")
    _add(run, "--ja", "海", "--en", "sea")
    data = json.loads(run("glossary", "export", "--format", "json", "--status", "approved").stdout)
    assert [d["ja"] for d in data] == ["協力"]
    assert run("glossary", "export", "--format", "tbx").stdout.startswith("<?xml")


def test_import_bad_rows_nothing_unless_skip_bad(run, tmp_path: Path) -> None:
    path = tmp_path / "terms.csv"
    path.write_text(
        "ja,en,status,note\n協力,cooperation,approved,\n,,,empty\n海,sea,final,\n防衛,defence,,\n",
        encoding="utf-8",
    )
    result = run("glossary", "import", str(path))
    assert result.exit_code == 1
    assert "line 3: an entry needs" in result.output and "line 4: unknown status 'final'" in result.output
    assert "2 bad row(s)" in result.output and "nothing imported" in result.output
    assert json.loads(run("glossary", "export", "--format", "json").stdout or "[]") == []
    result = run("glossary", "import", str(path), "--skip-bad", "--dry-run")
    assert "Would import" in result.stdout and "2 added" in result.stdout
    assert json.loads(run("glossary", "export", "--format", "json").stdout or "[]") == []  # no project yet
    result = run("glossary", "import", str(path), "--skip-bad", "--user", "importer")
    assert result.exit_code == 0 and "2 added" in result.stdout and "2 bad row(s) skipped" in result.stdout
    data = json.loads(run("glossary", "export", "--format", "json").stdout)
    assert [(d["ja"], d["status"]) for d in data] == [("協力", "approved"), ("防衛", "proposed")]
    assert json.loads(run("glossary", "show", "1", "--json").stdout)["history"][0]["user"] == "importer"


def test_import_malformed_tbx_and_non_utf8(run, tmp_path: Path) -> None:
    bad = tmp_path / "bad.tbx"
    bad.write_text("<martif><text><body><termEntry>", encoding="utf-8")
    result = run("glossary", "import", str(bad))
    assert result.exit_code == 1 and "not well-formed XML" in result.output
    assert len(result.output.strip().splitlines()) == 1
    sjis = tmp_path / "sjis.csv"  # Japanese Excel's "CSV": its encoding is detected
    sjis.write_bytes("ja,en\n協力,coopération\n".encode("shift_jis", errors="replace"))
    result = run("glossary", "import", str(sjis), "--json")
    assert result.exit_code == 0 and json.loads(result.stdout)["added"] == [1]
    assert json.loads(run("glossary", "show", "1", "--json").stdout)["ja"] == "協力"
    binary = tmp_path / "binary.csv"
    binary.write_bytes(b"ja,en\n" + bytes(range(1, 256)) * 8)
    result = run("glossary", "import", str(binary))
    assert result.exit_code == 1 and "is not valid UTF-8, UTF-16" in result.output
    assert len(result.output.strip().splitlines()) == 1


def test_list_filters_by_status_and_domain(run) -> None:
    _add(run, "--ja", "協力", "--en", "cooperation", "--status", "approved", "--domain", "general")
    _add(run, "--ja", "海", "--en", "sea", "--domain", "maritime")
    assert [
        d["ja"] for d in json.loads(run("glossary", "list", "--json", "--status", "proposed").stdout)
    ] == ["海"]
    assert [d["ja"] for d in json.loads(run("glossary", "list", "--json", "--domain", "general").stdout)] == [
        "協力"
    ]
    result = run("glossary", "list")
    assert "2 entries" in result.stdout and "cooperation" in result.stdout


@pytest.mark.parametrize(
    "name", ["lookup", "list", "add", "edit", "set-status", "remove", "show", "export", "import", "check"]
)
def test_every_command_has_help_with_an_example(run, name: str) -> None:
    result = run("glossary", name, "--help")
    assert result.exit_code == 0
    assert "Example:" in result.stdout and "taiyaku glossary " + name in result.stdout
