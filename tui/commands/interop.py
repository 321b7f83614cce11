"""Commands that bring in work done in other tools: `import-tmx`."""

from __future__ import annotations

from pathlib import Path

import click

from tui.common import db_option, json_option, open_db, print_json, progress, quiet_option, user_option


@click.command("import-tmx")
@click.argument("tmx_file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--name", default=None, help="Pair name (default: the file's stem).")
@click.option("--replace", is_flag=True, help="Replace an existing pair of that name.")
@db_option
@user_option
@json_option
@quiet_option
def import_tmx_cmd(
    tmx_file: Path, name: str | None, replace: bool, db_path: str | None, user: str, as_json: bool, quiet: bool
) -> None:
    """Import an existing TMX translation memory as a pair with confirmed beads.

    Each unit with Japanese and English text (xml:lang ja/en, any region) becomes one 1-1 bead, marked
    confirmed; units missing a side are counted and left out. The file is parsed with a hardened XML
    parser (no entity expansion, no external entities); a malformed file changes nothing.

    Example:

    \b
        taiyaku import-tmx memory.tmx --name defence-tm
    """
    from alignment.tmx_import import import_tmx

    db = open_db(db_path)
    try:
        size = max(tmx_file.stat().st_size, 1) if tmx_file.is_file() else 1
        with progress(range(size), label="Reading TMX", length=size, quiet=quiet or as_json) as bar:
            seen = 0

            def advance(done: int) -> None:
                nonlocal seen
                if hasattr(bar, "update") and done > seen:
                    bar.update(done - seen)
                seen = done

            result = import_tmx(db, tmx_file, name=name, replace=replace, user=user, on_progress=advance)
    finally:
        db.close()
    if as_json:
        print_json({"pair": result.pair, "units": result.units, "skipped": result.skipped})
    elif not quiet:
        skipped = f" ({result.skipped} units without both Japanese and English left out)" if result.skipped else ""
        click.echo(f"{result.pair}: {result.units} confirmed beads{skipped}")


def register(cli: click.Group) -> None:
    cli.add_command(import_tmx_cmd)
