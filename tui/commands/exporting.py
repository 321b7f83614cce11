"""`taiyaku export`: aligned pairs as JSONL, TSV or TMX 1.4b."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from tui.commands.aligning import _level_option
from tui.common import StageBars, db_option, open_db, quiet_option

if TYPE_CHECKING:
    from alignment.export import Format as ExportFormat
    from alignment.model import Level


@click.command("export")
@click.argument("name", required=False)
@click.option("--all", "all_", is_flag=True, help="Export every pair that has beads.")
@click.option(
    "--format", "fmt", type=click.Choice(["jsonl", "tsv", "tmx"]), required=True, help="Output format."
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="File to write (written whole or not at all); default: standard output.",
)
@click.option("--confirmed-only", is_flag=True, help="Only beads a person has confirmed.")
@_level_option
@db_option
@quiet_option
def export_cmd(
    name: str | None,
    all_: bool,
    fmt: ExportFormat,
    output: Path | None,
    confirmed_only: bool,
    level: Level,
    db_path: str | None,
    quiet: bool,
) -> None:
    """Export aligned pairs as JSONL (one object per bead), TSV (JA, EN) or TMX 1.4b.

    JSONL keys: pair, ja, en, ja_index, en_index (0-based segment positions), type, status, score.
    TSV: multi-segment sides joined with a space; tabs, newlines and backslashes escaped as \\t \\n \\\\.
    TMX: srclang ja, one <tu> per bead with text on both sides, bead metadata as <prop>s.

    Example:

    \b
        taiyaku export 000_018672d04432ce13 --format tmx -o 000.tmx
    """
    from alignment.bead_store import bead_count
    from alignment.export import bead_records, export
    from alignment.progress import reporting
    from alignment.project import ProjectError
    from alignment.store import resolve_pairs

    db = open_db(db_path, create=False)
    try:
        pairs = resolve_pairs(db, name, all_)
        if name and not confirmed_only:
            from alignment.bead_store import get_beads

            if not get_beads(db, pairs[0].id, level):
                raise ProjectError(f"pair {name!r} has no {level} beads yet (run `taiyaku align {name}`)")
        total = bead_count(db, [p.id for p in pairs], level, confirmed_only=confirmed_only)
        seen = [0]
        # A bar only for a file: on stdout it would mix with what the next program reads.
        with StageBars(quiet=quiet or output is None) as bars:
            bar = bars.stage("Exporting beads")

            def report(done: int, of: int) -> None:
                seen[0] = done  # how many beads went in, to tell how many the format left out
                bar(done, of)

            records = bead_records(db, pairs, level=level, confirmed_only=confirmed_only)
            count = export(
                reporting(records, total, report, every=1000),
                fmt,
                output,
                level=level,
            )
    finally:
        db.close()
    if output is not None and not quiet:
        left_out = seen[0] - count
        why = f" ({left_out} beads with one side empty left out: a TMX unit needs both)" if left_out else ""
        click.echo(f"wrote {count} beads to {output}{why}", err=True)


def register(cli: click.Group) -> None:
    cli.add_command(export_cmd)
