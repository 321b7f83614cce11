"""The command-line conventions scripts rely on: progress bars on stderr for long work, `--json` on every
listing, and `--quiet` (only errors on actions; only the keys, one per line, on listings)."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import click
import pytest
from testdata import INTEROP_PAIR as PAIR

# Every listing, with the arguments it needs on the seed project.
LISTINGS: list[tuple[str, ...]] = [
    ("pairs",),
    ("segments", PAIR),
    ("beads", PAIR),
    ("spans", "list", PAIR),
    ("glossary", "list"),
    ("glossary", "lookup", "協力"),
]


def _command(path: tuple[str, ...]) -> click.Command:
    from tui.cli import cli

    command: click.Command = cli
    for name in path:
        if not isinstance(command, click.Group) or name not in command.commands:
            break
        command = command.commands[name]
    return command


@pytest.mark.parametrize("args", LISTINGS, ids=" ".join)
def test_every_listing_has_json_and_quiet(args: tuple[str, ...]) -> None:
    names = {opt for p in _command(args).params for opt in p.opts}
    assert {"--json", "--quiet", "-q"} <= names


def test_quiet_listings_print_the_keys(run, seed_project: Path) -> None:
    assert run("pairs", "-q").stdout == f"{PAIR}\n"

    texts = run("segments", PAIR, "--lang", "en", "-q").stdout.splitlines()
    shown = json.loads(run("segments", PAIR, "--lang", "en", "--json").stdout)
    assert texts == [s["text"] for s in shown] and len(texts) > 40

    queue = run("beads", PAIR, "--sort", "score", "--status", "auto", "-q").stdout.split()
    rows = json.loads(run("beads", PAIR, "--sort", "score", "--status", "auto", "--json").stdout)
    assert [int(k) for k in queue] == [r["bead"] for r in rows] and queue  # numbers from 1, as shown

    assert run("suggest", PAIR, "-q").exit_code == 0
    ids = run("spans", "list", PAIR, "--lang", "ja", "-q").stdout.split()
    assert [int(i) for i in ids] == [
        s["id"] for s in json.loads(run("spans", "list", PAIR, "--lang", "ja", "--json").stdout)
    ] and ids
    # the keys feed the next command: accept every suggested Japanese span listed
    assert run("spans", "accept", *ids, "-q").exit_code == 0
    assert run("spans", "list", PAIR, "--lang", "ja", "--status", "suggested", "-q").stdout == ""

    approved = run("glossary", "list", "--status", "approved", "-q").stdout.split()
    assert (
        approved
        == [
            str(e["id"]) for e in json.loads(run("glossary", "list", "--status", "approved", "--json").stdout)
        ]
        and len(approved) == 2
    )


def test_quiet_lookup_exits_like_grep(run, seed_project: Path) -> None:
    found = run("glossary", "lookup", "ipmda", "-q")
    assert found.exit_code == 0 and found.stdout == "1\n"
    missing = run("glossary", "lookup", "no-such-term", "-q")
    assert missing.exit_code == 1 and missing.output == ""


def test_json_and_quiet_together_is_a_usage_error(run, seed_project: Path) -> None:
    result = run("pairs", "--json", "-q")
    assert result.exit_code != 0 and "--json or --quiet" in result.output
    assert len(result.output.strip().splitlines()) == 1


@pytest.fixture
def show_progress(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(
        "TAIYAKU_PROGRESS", "1"
    )  # bars are drawn on a terminal only; this forces them for the test


@pytest.mark.parametrize("fmt", ["tbx", "csv", "json", "omegat"])
def test_glossary_export_and_import_show_progress(
    run, seed_project: Path, tmp_path: Path, show_progress, fmt: str
) -> None:
    out = tmp_path / f"terms.{fmt}"
    result = run("glossary", "export", "--format", fmt, "-o", str(out))
    assert result.exit_code == 0 and f"Exporting {fmt}" in result.stderr and result.stdout == ""

    fresh = tmp_path / "fresh.db"
    result = run("glossary", "import", str(out), "--format", fmt, "--db", str(fresh))
    assert result.exit_code == 0, result.output
    assert f"Reading {out.name}" in result.stderr and "Importing entries" in result.stderr
    assert "Reading" not in result.stdout  # bars never mix with what scripts read

    quiet = run("glossary", "import", str(out), "--format", fmt, "--db", str(fresh), "-q")
    assert quiet.exit_code == 0 and quiet.output == ""
    as_json = run("glossary", "import", str(out), "--format", fmt, "--db", str(fresh), "--json", "--dry-run")
    assert json.loads(as_json.stdout)["added"] == [] and "Checking" not in as_json.stderr


# --- issue 12, item 20: the conventions people bring from other tools -----------------------------------


def _taiyaku(*args: str, cwd: Path, module: bool = False) -> subprocess.CompletedProcess[str]:
    import os
    import sys

    env = {k: v for k, v in os.environ.items() if not k.startswith("TAIYAKU_")}
    argv = [sys.executable, "-m", "taiyaku"] if module else [str(Path(sys.executable).with_name("taiyaku"))]
    return subprocess.run([*argv, *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=120)


def test_db_before_the_command_and_python_dash_m(tmp_path: Path) -> None:
    text = tmp_path / "a.txt"
    text.write_text("日本の防衛。\n", encoding="utf-8")
    db = str(tmp_path / "p.db")
    assert _taiyaku("--db", db, "import", str(text), "--segmented", "-q", cwd=tmp_path).returncode == 0
    listed = _taiyaku("--db", db, "pairs", "-q", cwd=tmp_path, module=True)
    assert listed.returncode == 0, listed.stderr
    assert listed.stdout.split() == ["a"]
    assert not (tmp_path / "taiyaku.db").exists()


def test_usage_errors_exit_2_failures_exit_1(tmp_path: Path) -> None:
    usage = _taiyaku("pairs", "--no-such-option", cwd=tmp_path)
    assert usage.returncode == 2 and usage.stderr.startswith("Error: ")
    failure = _taiyaku("pairs", "--db", str(tmp_path / "missing.db"), cwd=tmp_path)
    assert failure.returncode == 1 and failure.stderr.startswith("Error: ")


def test_every_import_reads_standard_input_for_dash(tmp_path: Path) -> None:
    import os
    import sys

    env = {k: v for k, v in os.environ.items() if not k.startswith("TAIYAKU_")}
    env["TAIYAKU_DB"] = str(tmp_path / "p.db")
    taiyaku = str(Path(sys.executable).with_name("taiyaku"))

    def run(stdin: str, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [taiyaku, *args], input=stdin, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120
        )

    tmx = (
        '<tmx version="1.4"><header/><body><tu><tuv xml:lang="ja"><seg>協力。</seg></tuv>'
        '<tuv xml:lang="en"><seg>Cooperation.</seg></tuv></tu></body></tmx>'
    )
    assert run("日本の防衛。\n", "import", "-", "--segmented", "--name", "doc", "-q").returncode == 0
    assert run(tmx, "import-tmx", "-", "--name", "tm", "-q").returncode == 0
    assert run("ja,en\n防衛,defence\n", "glossary", "import", "-", "--format", "csv").returncode == 0
    assert run("協力\tcooperation\n", "glossary", "import", "-", "--format", "omegat").returncode == 0
    assert run("", "pairs", "-q").stdout.split() == ["doc", "tm"]
    listed = run("", "glossary", "list", "--json")
    assert sorted(e["en"] for e in json.loads(listed.stdout)) == ["cooperation", "defence"]
    assert not (tmp_path / "-").exists()
