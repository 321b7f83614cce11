"""The `taiyaku` command line: thin click commands over the alignment and glossary APIs."""

from __future__ import annotations

import os

import click

from alignment.threads import single_threaded_blas
from tui.commands import LazyCommands
from tui.common import TaiyakuGroup

# Here, not in cli(): click loads a command's module before the group's callback runs, and the setting must
# come before numpy loads (GiNZA parses faster on one BLAS thread: see alignment.threads).
single_threaded_blas()


class Root(TaiyakuGroup, LazyCommands):
    """One-line errors (TaiyakuGroup) over command modules loaded on first use (LazyCommands)."""


@click.group(cls=Root, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 110})
@click.version_option(package_name="taiyaku")
@click.option(
    "--db",
    "db_path",
    default=None,
    metavar="PATH",
    help="Project file for the command (the same as giving --db after it).",
)
def cli(db_path: str | None) -> None:
    """taiyaku (対訳): align Japanese text with English renderings, tag entities and acronyms,
    and build a controlled glossary, in one SQLite project file.

    Every command takes --db PATH (or TAIYAKU_DB; default ./taiyaku.db).

    Example:

    \b
        taiyaku demo --no-tui
        taiyaku pairs --db taiyaku-demo/taiyaku.db
    """
    if db_path:  # `taiyaku --db p.db import …`: every command's --db falls back to TAIYAKU_DB
        os.environ["TAIYAKU_DB"] = db_path
