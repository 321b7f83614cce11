"""Every command documents a runnable example, and `taiyaku --help` stays light (no spaCy, GiNZA, Textual, numpy)."""

from __future__ import annotations

import json
import subprocess
import sys

import click
import pytest
from click.testing import CliRunner

from tui.cli import cli

HEAVY = ("spacy", "ginza", "ja_ginza", "sudachipy", "textual", "numpy", "thinc", "torch")


def command_paths(group: click.Group, prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    paths = []
    for name, command in sorted(group.commands.items()):
        paths.append((*prefix, name))
        if isinstance(command, click.Group):
            paths.extend(command_paths(command, (*prefix, name)))
    return paths


@pytest.mark.parametrize("path", [(), *command_paths(cli)], ids=lambda p: " ".join(p) or "taiyaku")
def test_help_has_a_runnable_example(path: tuple[str, ...]) -> None:
    result = CliRunner().invoke(cli, [*path, "--help"])
    assert result.exit_code == 0, result.output
    assert "Example:" in result.output
    example = result.output.split("Example:", 1)[1]
    assert "taiyaku " in example  # a command a user can paste


def test_corpus_commands_are_registered() -> None:
    assert {"import", "pairs", "segments", "demo"} <= set(cli.commands)


def _modules_after(args: list[str]) -> set[str]:
    code = (
        "import sys, json\n"
        "from tui.cli import cli\n"
        f"try:\n    cli({args!r}, standalone_mode=False)\n"
        "except (SystemExit, Exception):\n    pass\n"
        "print(json.dumps(sorted(sys.modules)))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120
    )
    return set(json.loads(out.stdout.strip().splitlines()[-1]))


@pytest.mark.parametrize(
    "args", [["--help"], ["import", "--help"], ["demo", "--help"], ["segments", "--help"]]
)
def test_help_does_not_import_heavy_libraries(args: list[str]) -> None:
    loaded = _modules_after(args)
    heavy = sorted(m for m in loaded if m.split(".")[0] in HEAVY)
    assert not heavy, f"`taiyaku {' '.join(args)}` imported {heavy[:5]}"


def test_pairs_does_not_import_heavy_libraries(tmp_path) -> None:
    loaded = _modules_after(["pairs", "--db", str(tmp_path / "none.db")])  # fails (no project), still light
    # Opening a project loads sqlite-utils, which imports numpy when it is installed (to map its scalar
    # types); only `--help` and `glossary lookup` (tests/test_lookup.py) must start without it.
    assert not [m for m in loaded if m.split(".")[0] in HEAVY and m.split(".")[0] != "numpy"]
