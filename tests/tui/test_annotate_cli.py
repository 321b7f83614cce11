"""`taiyaku annotate` refuses, in one line, what it cannot open; it never creates a project by itself."""

from __future__ import annotations

from pathlib import Path

pytest_plugins = ["tui_project"]  # the `project` fixture


def test_missing_project_is_one_line_and_not_created(run, tmp_path: Path) -> None:
    target = tmp_path / "nothing.db"
    result = run("annotate", "--db", str(target))
    assert result.exit_code == 1
    assert result.output.startswith("Error: no project file at")
    assert not target.exists()


def test_unknown_pair_and_bad_key_file_are_one_line(run, project: Path, tmp_path: Path) -> None:
    result = run("annotate", "nope", "--db", str(project))
    assert result.exit_code == 1 and "no pair named 'nope'" in result.output
    keys = tmp_path / "keys.toml"
    keys.write_text("not toml = = =", encoding="utf-8")
    result = run("annotate", "p", "--db", str(project), "--keys", str(keys))
    assert result.exit_code == 1 and "cannot read key file" in result.output
    assert "Traceback" not in result.output


def test_help_has_a_runnable_example(run) -> None:
    result = run("annotate", "--help")
    assert "Example:" in result.output and "taiyaku annotate" in result.output
