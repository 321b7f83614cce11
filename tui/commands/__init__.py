"""CLI command modules, one per area; each exposes `register(cli)`."""

from __future__ import annotations

import click


def register_all(cli: click.Group) -> None:
    from tui.commands import aligning, annotate, corpus, glossary_cmds, interop

    for module in (corpus, aligning, glossary_cmds, annotate, interop):
        module.register(cli)
