"""Commands that bring in work done in other tools: `import-tmx`."""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import click

from tui.common import (
    StageBars,
    db_option,
    json_option,
    open_db,
    print_json,
    progress,
    quiet_option,
    user_option,
)


@click.command("import-tmx")
@click.argument("tmx_file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--name", default=None, help="Pair name (default: the file's stem).")
@click.option("--replace", is_flag=True, help="Replace an existing pair of that name.")
@click.option(
    "--status",
    type=click.Choice(["auto", "confirmed"]),
    default=None,
    help="Mark every bead so (default: what each unit says in our x-status, else auto).",
)
@click.option(
    "--strict", is_flag=True, help="Refuse a file whose sides' scripts do not match their languages."
)
@db_option
@user_option
@json_option
@quiet_option
def import_tmx_cmd(
    tmx_file: Path,
    name: str | None,
    replace: bool,
    status: str | None,
    strict: bool,
    db_path: str | None,
    user: str,
    as_json: bool,
    quiet: bool,
) -> None:
    """Import an existing TMX translation memory as a pair.

    Each unit with Japanese and English text (xml:lang ja/en, any region) becomes one 1-1 bead. A TMX
    exported by taiyaku keeps each bead's status and score (its x-status and x-score props); units of other
    tools (po2tmx, OmegaT) say nothing and become auto beads unless --status confirmed. Units missing a
    side are counted and left out, and so are sides over 20,000 characters; a side whose script does not
    match its language is warned about (refused with --strict). The file is read with a hardened XML
    parser (no entity expansion, no external entities) before the project is opened: a malformed file
    changes nothing and creates no project.

    Example:

    \b
        taiyaku import-tmx memory.tmx --name defence-tm
    """
    from alignment.importer import check_free
    from alignment.project import resolve_db_path
    from alignment.tmx_import import TmxError, check_usable, read_tmx, store_memory
    from tui.commands.corpus import note_replaced
    from tui.commands.corpus import pair_name as name_of

    pair_name = name_of(tmx_file, name).strip()
    if not pair_name:
        raise TmxError("the pair name may not be empty (give --name)")
    if resolve_db_path(db_path).is_file():  # a taken name is refused before a long read, not after
        db = open_db(db_path, create=False)
        try:
            check_free(db, pair_name, replace)
        finally:
            db.close()
    # The file is read before the project is opened: a bad file never creates or touches a project.
    with StageBars(quiet=quiet or as_json) as bars:
        memory = read_tmx(tmx_file, on_progress=bars.stage("Reading TMX"))
    check_usable(memory, tmx_file)
    for line in memory.warnings():  # a swapped or mislabelled file would align and export wrongly
        if strict:
            raise TmxError(f"{tmx_file}: {line} (--strict)")
        click.echo(f"warning: {line}", err=True)
    db = open_db(db_path)
    try:
        check_free(db, pair_name, replace)
        note_replaced(db, pair_name, quiet=quiet or as_json)
        with StageBars(quiet=quiet or as_json) as bars:
            result = store_memory(
                db,
                memory,
                tmx_file,
                pair_name,
                replace=replace,
                user=user,
                on_progress=bars.stage("Storing units"),
                status=status,  # type: ignore[arg-type]  # click.Choice admits only the BeadStatus values
            )
    finally:
        db.close()
    if as_json:
        print_json(
            {
                "pair": result.pair,
                "units": result.units,
                "confirmed": result.confirmed,
                "skipped": result.skipped,
            }
        )
    elif not quiet:
        skipped = (
            f"; {result.skipped} units without both Japanese and English left out" if result.skipped else ""
        )
        unreviewed = result.units - result.confirmed
        kinds = f"{result.confirmed} confirmed" + (f", {unreviewed} not yet reviewed" if unreviewed else "")
        click.echo(f"{result.pair}: {result.units} beads ({kinds}{skipped})")


def export_spans_for_training(
    db: Any, pairs: Sequence[Any], fmt: str, statuses: Sequence[str], output: Path | None, quiet: bool
) -> None:
    """`spans export --format docbin|prodigy`: accepted spans (or --status) as NLP training data.

    DocBin needs -o (one binary file per language is written beside it); Prodigy JSONL goes to stdout
    without -o. Spans that do not sit on token boundaries are listed on stderr and left out; so are
    DocBin segments with nothing known about their entities (see glossary.docbin).
    """
    from alignment.project import ProjectError, atomic_write_file
    from glossary.docbin import DEFAULT_STATUSES, load_tokenizers, write_docbin
    from glossary.prodigy import write_prodigy
    from glossary.span_export import export_records

    chosen = tuple(statuses) or DEFAULT_STATUSES
    # `-o -` would name the files `-.ja.spacy`: binary files per language cannot go to standard output
    if fmt == "docbin" and (output is None or str(output) == "-"):
        raise ProjectError(
            "--format docbin writes binary files (one per language) and needs a file name: give -o FILE.spacy"
        )
    if output is not None and not output.parent.is_dir():
        raise ProjectError(f"folder {output.parent} does not exist")
    records = [rec for pair in pairs for rec in export_records(db, pair)]
    if not quiet:
        click.echo("Loading tokenizers…", err=True)
    loaded = load_tokenizers({r["lang"] for r in records})
    with progress(range(len(records)), label="Tokenizing segments", length=len(records), quiet=quiet) as bar:

        def counted(tokenize: Callable[[str], Any]) -> Callable[[str], Any]:
            def run(text: str) -> Any:
                if hasattr(bar, "update"):
                    bar.update(1)
                return tokenize(text)

            return run

        tokenizers = {lang: counted(tokenize) for lang, tokenize in loaded.items()}
        if fmt == "docbin":
            # click.Choice admits only SpanStatus values
            report = write_docbin(records, output, tokenizers=tokenizers, statuses=chosen)  # type: ignore[arg-type]
        elif output is None:
            report = write_prodigy(records, sys.stdout, tokenizers=tokenizers, statuses=chosen)
        else:
            reports = []

            def write(tmp: Path) -> None:
                with tmp.open("w", encoding="utf-8", newline="\n") as fh:
                    reports.append(write_prodigy(records, fh, tokenizers=tokenizers, statuses=chosen))

            atomic_write_file(output, write)
            report = reports[0]
    for problem in (*report.misfits, *(report.overlaps if fmt != "docbin" else ())):
        click.echo(f"left out: {problem.line()}", err=True)
    if report.spans == 0:
        # even with -q: an export with no span at all is almost always a mistake, and cheap to say so
        kinds = "/".join(chosen)
        hint = "accept spans first" + (
            "" if "suggested" in chosen else ", or export suggestions with --status suggested"
        )
        click.echo(
            f"Warning: none of the {len(report.misfits)} {kinds} spans sits on token boundaries: the export "
            "holds no span"
            if report.misfits
            else f"Warning: no {kinds} spans in the exported pairs: the export holds no span ({hint})",
            err=True,
        )
    if quiet:
        return
    docs = ", ".join(f"{n} {lang}" for lang, n in sorted(report.docs.items()))
    where = ", ".join(report.files.values()) or (str(output) if output else "standard output")
    click.echo(
        f"Wrote {report.spans} spans ({'/'.join(chosen)}) in {docs} segments to {where}; "
        f"{len(report.misfits)} spans left out (not on token boundaries)"
        + (
            f", {len(report.overlaps)} nested or overlapping "
            + ("kept in doc.spans only" if fmt == "docbin" else "left out (NER tasks cannot overlap)")
            if report.overlaps
            else ""
        )
        + (
            f"; {report.skipped} segments left out (nothing known about their entities)"
            if report.skipped
            else ""
        ),
        err=True,
    )


def register(cli: click.Group) -> None:
    cli.add_command(import_tmx_cmd)
