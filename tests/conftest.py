"""Shared fixtures: a fresh project file per test, the seeds, and a CLI runner."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from testdata import DEV_GOLD, ROOT, SEEDS

__all__ = ["DEV_GOLD", "ROOT", "SEEDS"]


@pytest.fixture(autouse=True)
def _isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TAIYAKU_DB", str(tmp_path / "taiyaku.db"))
    monkeypatch.delenv("TAIYAKU_GLOSSARY", raising=False)  # a shared glossary of the shell would leak in
    monkeypatch.chdir(tmp_path)


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "taiyaku.db"


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture
def run(runner: CliRunner):
    """Invoke the CLI like a user: returns the click Result."""
    from tui.cli import cli

    def _run(*args: str, input: str | None = None):
        return runner.invoke(cli, list(args), input=input, catch_exceptions=False)

    return _run
