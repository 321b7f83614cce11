"""`taiyaku glossary export|import`: TBX, CSV, JSON and OmegaT glossary files."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from tui.commands.glossary_lookup import STATUS_CHOICE
from tui.common import (
    StageBars,
    db_option,
    json_option,
    open_db,
    open_project,
    print_json,
    quiet_option,
    user_option,
)

if TYPE_CHECKING:
    from glossary.exchange import Format
    from glossary.model import Status

FORMATS: tuple[Format, ...] = ("tbx", "csv", "json", "omegat")
SUFFIX_FORMATS = {
    "txt": "omegat",
    "utf8": "omegat",
    "tab": "omegat",
    "tsv": "csv",
}  # OmegaT's glossary file names


def _format_for(path: str | None, given: str | None) -> Format:
    suffix = Path(path).suffix.lower().lstrip(".") if path else ""
    wanted = given or SUFFIX_FORMATS.get(suffix, suffix)
    for fmt in FORMATS:
        if fmt == wanted:
            return fmt
    raise click.UsageError("give --format tbx, csv, json or omegat (cannot tell from the file name)")


@click.command("export")
@click.option("--format", "fmt", type=click.Choice(FORMATS), help="File format (default: from -o's suffix).")
@click.option("--output", "-o", type=click.Path(dir_okay=False), help="Write here instead of stdout.")
@click.option(
    "--status",
    "statuses",
    multiple=True,
    type=STATUS_CHOICE,
    help="Only entries with this status (repeatable).",
)
@quiet_option
@db_option
def export_cmd(
    fmt: str | None, output: str | None, statuses: tuple[Status, ...], quiet: bool, db_path: str | None
) -> None:
    """Export the glossary as TBX-Basic, CSV or JSON (every field, including provenance), or as an OmegaT
    tab-separated glossary (--format omegat, or -o NAME.txt; put it in the OmegaT project's glossary/).

    A CSV file starts with a byte-order mark, so Excel opens its Japanese as UTF-8 (not as Shift_JIS);
    `glossary import` and spreadsheet tools skip it. CSV on stdout has none.

    Example:

    \b
        taiyaku glossary export --format tbx -o glossary.tbx
    """
    from glossary.exchange import export_entries

    fmt = _format_for(output, fmt)
    output = None if output == "-" else output  # `-o -` is standard output, as everywhere
    db = open_db(db_path, create=False)
    if output is None:
        n = export_entries(db, fmt, sys.stdout, statuses=statuses)
    else:
        from alignment.project import atomic_write_file

        counted: list[int] = []

        def write(tmp: Path) -> None:
            encoding = "utf-8-sig" if fmt == "csv" else "utf-8"
            with tmp.open("w", encoding=encoding, newline="") as fh, StageBars(quiet=quiet) as bars:
                counted.append(
                    export_entries(
                        db,
                        fmt,
                        fh,
                        statuses=statuses,
                        on_progress=bars.stage(f"Exporting {fmt}"),
                    )
                )

        try:
            atomic_write_file(Path(output), write)
        except OSError as exc:
            raise click.ClickException(f"cannot write {output}: {exc.strerror or exc}") from None
        n = counted[0]
    if not quiet:
        click.echo(f"Exported {n} entries as {fmt}" + (f" to {output}" if output else ""), err=True)


@click.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, allow_dash=True))  # - is stdin
@click.option("--format", "fmt", type=click.Choice(FORMATS), help="File format (default: from the suffix).")
@click.option(
    "--skip-bad", is_flag=True, help="Import the good rows and report the bad ones, instead of nothing."
)
@click.option("--dry-run", is_flag=True, help="Validate and report, change nothing.")
@user_option
@json_option
@quiet_option
@db_option
def import_cmd(
    file: str,
    fmt: str | None,
    skip_bad: bool,
    dry_run: bool,
    user: str,
    as_json: bool,
    quiet: bool,
    db_path: str | None,
) -> None:
    """Import entries from TBX, CSV, JSON or an OmegaT glossary (.txt/.utf8/.tab) in one transaction.

    The encoding is detected (UTF-8 with or without BOM, UTF-16, Shift_JIS/CP932, EUC-JP; for TBX the one
    its XML declaration names), and the CSV delimiter (comma, semicolon or tab) from the header. An entry
    whose file says nothing about status keeps the status it has in the project.

    Bad rows are reported by line number and nothing is imported unless --skip-bad. An entry with the
    same Japanese, English and acronym as a stored one updates it; the others are added.

    Example:

    \b
        taiyaku glossary import terms.csv --skip-bad
    """
    from alignment.textio import path_text
    from glossary.exchange import read_entries

    fmt = _format_for(file, fmt)
    shown = path_text(file)  # printed and kept in the history: a name's bytes that are not UTF-8 as \xff
    with StageBars(quiet=quiet or as_json) as bars:
        parsed = read_entries(Path(file), fmt, on_progress=bars.stage(f"Reading {Path(shown).name}"))
    for line in parsed.warnings:
        click.echo(f"warning: {line}", err=True)
    if parsed.errors:
        for line in parsed.errors[:50]:
            click.echo(f"{shown}: {line}", err=True)
        if len(parsed.errors) > 50:
            click.echo(f"… and {len(parsed.errors) - 50} more", err=True)
        if not skip_bad:
            raise click.ClickException(
                f"{len(parsed.errors)} bad row(s) in {shown}; nothing imported (fix them or use --skip-bad)"
            )
    from alignment.project import resolve_db_path

    scratch = None
    if dry_run and not resolve_db_path(db_path).exists():
        # a dry run changes nothing, not even by creating the project: check against an empty one
        import tempfile

        scratch = tempfile.TemporaryDirectory(prefix="taiyaku-dry-run-")
        db_path = str(Path(scratch.name) / "dry-run.db")
    from tui.core import terms

    try:
        with open_project(db_path, user=user) as project, StageBars(quiet=quiet or as_json) as bars:
            report = terms.import_file(
                project,
                parsed,
                label=Path(shown).name,
                dry_run=dry_run,
                on_progress=bars.stage("Checking entries" if dry_run else "Importing entries"),
            )
    finally:
        if scratch is not None:
            scratch.cleanup()
    if as_json:
        print_json(
            {
                "added": list(report.added),
                "updated": list(report.updated),
                "unchanged": list(report.unchanged),
                "skipped": list(parsed.errors),
                "dry_run": dry_run,
            }
        )
    elif not quiet:
        what = "Would import" if dry_run else "Imported"
        click.echo(
            f"{what} {shown}: {len(report.added)} added, {len(report.updated)} updated, "
            f"{len(report.unchanged)} unchanged, {len(parsed.errors)} bad row(s) skipped"
        )
