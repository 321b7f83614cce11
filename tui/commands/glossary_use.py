"""`taiyaku glossary use [PATH | --local]`: which glossary file a project works on."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from tui.common import db_option, json_option, print_json, quiet_option, user_option

if TYPE_CHECKING:
    from tui.core.shared_glossary import GlossaryInUse


@click.command("use")
@click.argument("path", required=False, type=click.Path(dir_okay=False))
@click.option("--local", is_flag=True, help="Go back to the glossary kept in the project file itself.")
@json_option
@user_option
@quiet_option
@db_option
def use_cmd(
    path: str | None, local: bool, as_json: bool, user: str, quiet: bool, db_path: str | None
) -> None:
    """Use the glossary kept in another SQLite file (shared by a team), or say which one is in use.

    From then on lookup, add, edit, set-status, remove, harvest, check, exports, undo, the aligner's
    anchors and the app work on that file; several analysts' projects can use it at once. The file is
    created if new. TAIYAKU_GLOSSARY=FILE overrides what the project records, for every project.
    An app already open keeps the glossary it opened with until it is started again.

    Example:

    \b
        taiyaku glossary use /srv/team/glossary.db
        taiyaku glossary use              # which glossary is in use
        taiyaku glossary use --local      # the project's own glossary again
    """
    from tui.core import shared_glossary

    if path and local:
        raise click.UsageError("give a PATH or --local, not both")
    if path or local:
        shared_glossary.choose(db_path, Path(path) if path else None, user=user)
    state = shared_glossary.status(db_path)
    if as_json:
        print_json(_to_json(state))
    elif not quiet:
        for line in shared_glossary.describe(state, changed=bool(path or local)):
            click.echo(line)


def _to_json(state: GlossaryInUse) -> dict[str, Any]:
    return {
        "glossary": str(state.path) if state.path else None,
        "source": state.reason,
        "recorded": state.recorded,
        "entries": state.entries,
        "own_entries": state.own_entries,
    }
