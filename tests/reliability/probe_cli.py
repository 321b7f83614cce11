"""A stand-in CLI built from the same parts as every real command (TaiyakuGroup, db_option, open_db).

It lets the project-file tests run before, and independently of, the real commands of each area.
"""

from __future__ import annotations

import click

from alignment.project import now, write
from tui.common import TaiyakuGroup, db_option, open_db


@click.group(cls=TaiyakuGroup)
def probe() -> None:
    """Probe commands."""


@probe.command("read")
@db_option
def read(db_path: str | None) -> None:
    """Open the project like a command does (read-write open, read only)."""
    db = open_db(db_path)
    click.echo(db.execute("SELECT count(*) FROM pairs").fetchone()[0])


@probe.command("read-only")
@db_option
def read_only(db_path: str | None) -> None:
    """Open the project read-only."""
    db = open_db(db_path, readonly=True)
    click.echo(db.execute("SELECT count(*) FROM pairs").fetchone()[0])


@probe.command("write")
@db_option
@click.argument("name")
def write_pair(db_path: str | None, name: str) -> None:
    """Add an empty pair NAME in one transaction."""
    db = open_db(db_path)
    with write(db):
        db["pairs"].insert({"name": name, "created": now(), "updated": now()})
    click.echo(f"added {name}")


if __name__ == "__main__":
    probe()
