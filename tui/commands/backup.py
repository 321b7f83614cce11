"""`taiyaku backup OUT`: a consistent copy of the project, taken with SQLite's online backup API."""

from __future__ import annotations

from pathlib import Path

import click

from tui.common import db_option, open_db, quiet_option


@click.command("backup")
@click.argument("out", type=click.Path(dir_okay=False, path_type=Path))
@db_option
@quiet_option
def backup_cmd(out: Path, db_path: str | None, quiet: bool) -> None:
    """Copy the project to OUT: one self-contained SQLite file with every committed change, even while the
    app or another command has the project open (a plain copy of the file can miss changes still in its
    -wal file). OUT is written whole or not at all; it may not be the project itself.

    Example:

    \b
        taiyaku backup taiyaku-2026-12-05.db
    """
    from alignment.project import backup_to

    db = open_db(db_path, create=False, readonly=True)
    try:
        written = backup_to(db, out)
    finally:
        db.close()
    if not quiet:
        click.echo(f"backed up {db_path or 'the project'} to {written}", err=True)


def register(cli: click.Group) -> None:
    cli.add_command(backup_cmd)
