"""`taiyaku undo`, `redo` and `history`: the one history the app's u/U walk too."""

from __future__ import annotations

import click

from tui.common import (
    db_option,
    json_option,
    open_project,
    print_json,
    print_table,
    quiet_option,
    user_option,
)


def _where(pair: str | None, bead: int | None) -> str:
    if pair is None:
        return "glossary"
    return f"{pair} bead {bead}" if bead is not None else pair


@click.command("undo")
@db_option
@quiet_option
@user_option
def undo_cmd(db_path: str | None, quiet: bool, user: str) -> None:
    """Undo the latest change still in effect, made here or in the app, by anyone.

    A change that a later one (another program, a re-alignment) has made unsafe to undo is refused with
    one line; nothing is changed then.

    Example:

    \b
        taiyaku spans accept 12 && taiyaku undo
    """
    from tui.core import undo

    with open_project(db_path, user=user, create=False) as project:
        entry = undo.undo(project)
        where = undo.where(project, entry) if entry else None
    if entry is None:
        raise click.ClickException("nothing to undo")
    if not quiet:
        click.echo(f"Undone: {entry.summary} ({entry.user}, {entry.at}; {_where(where, _bead(entry.bead))})")


@click.command("redo")
@db_option
@quiet_option
@user_option
def redo_cmd(db_path: str | None, quiet: bool, user: str) -> None:
    """Redo the earliest undone change (until a new change is made).

    Example:

    \b
        taiyaku undo && taiyaku redo
    """
    from tui.core import undo

    with open_project(db_path, user=user, create=False) as project:
        entry = undo.redo(project)
        where = undo.where(project, entry) if entry else None
    if entry is None:
        raise click.ClickException("nothing to redo")
    if not quiet:
        click.echo(f"Redone: {entry.summary} ({entry.user}, {entry.at}; {_where(where, _bead(entry.bead))})")


def _bead(index: int | None) -> int | None:
    return index + 1 if index is not None else None


@click.command("history")
@click.option("--limit", default=20, show_default=True, type=click.IntRange(1), help="How many entries.")
@db_option
@json_option
def history_cmd(limit: int, db_path: str | None, as_json: bool) -> None:
    """The project's history, newest first: who changed what, when, on which pair and bead.

    `undone` entries can be redone; `dropped` ones were undone and then replaced by a new change.
    JSON gives `bead` from 1 and `bead_index` from 0.

    Example:

    \b
        taiyaku history --limit 5
    """
    from tui.core import undo

    with open_project(db_path, user="", create=False) as project:
        rows = undo.listing(project, limit=limit)
    if as_json:
        print_json([r.to_dict() for r in rows])
        return
    if not rows:
        click.echo("No changes recorded yet.", err=True)
        return
    print_table(
        ["#", "when", "who", "where", "what", "state"],
        [(r.id, _when(r.at), r.user, _where(r.pair, r.bead), _what(r.summary), r.state) for r in rows],
    )


def _when(at: str) -> str:
    """`2026-12-05T03:16:13+00:00` as `12-05 03:16` (UTC): the table keeps its width for what happened."""
    return at[5:16].replace("T", " ")


def _what(summary: str) -> str:
    """The summary without the pair or `glossary:` it starts with (the where column says that)."""
    head, sep, rest = summary.partition(": ")
    return rest if sep and " " not in head else summary


def register(cli: click.Group) -> None:
    for command in (undo_cmd, redo_cmd, history_cmd):
        cli.add_command(command)
