"""Corpus commands: `import`, `pairs`, `segments`, `demo`."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import click

from tui.commands.batch_cmds import batch_options, import_many
from tui.common import (
    StageBars,
    console_width,
    db_option,
    json_option,
    keys_option,
    open_db,
    print_json,
    print_keys,
    print_table,
    progress,
    quiet_option,
)

if TYPE_CHECKING:
    from sqlite_utils import Database


def note_replaced(db: Database, name: str, *, quiet: bool) -> None:
    """Say what replacing a pair throws away (its beads and spans go with it), before it happens."""
    from alignment.bead_store import bead_count
    from alignment.store import get_pair, pair_exists
    from glossary.spans import count_spans

    if quiet or not pair_exists(db, name):
        return
    pair = get_pair(db, name)
    spans = sum(count_spans(db, pair).values())
    beads = sum(bead_count(db, [pair.id], level) for level in ("sentence", "clause"))
    if spans or beads:
        click.echo(f"note: replacing {name} drops its {beads} beads and {spans} spans", err=True)


def _bar_updater(bar: object) -> Callable[[int], None]:
    """A progress callback for `bar` (a click bar, or nothing when progress is hidden)."""
    update = getattr(bar, "update", None)

    def advance(n: int) -> None:
        if callable(update):
            update(n)

    return advance


def pair_name(path: Path, name: str | None) -> str:
    """--name, else the file's stem; standard input (`-`) has no name to give a pair, so it needs --name."""
    from alignment.importer import default_name
    from alignment.textio import is_stdin

    if name is not None:
        return name
    if is_stdin(path):
        raise click.UsageError("reading standard input (-) needs --name NAME for the pair")
    return default_name(path)


@click.command("import")
@click.argument("ja_file", required=False, type=click.Path(path_type=Path))
@click.argument("en_file", required=False, type=click.Path(path_type=Path))
@click.option("--name", default=None, help="Pair name (default: the Japanese file's stem).")
@click.option(
    "--segmented",
    is_flag=True,
    help="Input is one segment per line: no repair, no sentence splitting (hunalign/vecalign style).",
)
@click.option(
    "--encoding",
    default=None,
    help="Encoding of the files (default: detected; utf-8, utf-16, cp932/shift_jis, euc-jp).",
)
@click.option("--en-encoding", default=None, help="Encoding of EN_FILE when it differs from --encoding.")
@click.option("--replace", is_flag=True, help="Replace an existing pair of that name (re-import).")
@click.option(
    "--wrapped/--unwrapped",
    "wrapped",
    default=None,
    help="Line breaks are PDF wrapping (join wrapped lines) / structure (every line break ends a segment). "
    "Default: decided from the text, and reported.",
)
@click.option(
    "--manifest",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Import many pairs: a TSV of ja_path, en_path (may be empty), name. JA_FILE may instead be a "
    "folder of NAME.ja.txt / NAME.en.txt files. Pairs already in the project are skipped.",
)
@batch_options
@db_option
@json_option
@quiet_option
def import_cmd(
    ja_file: Path | None,
    en_file: Path | None,
    name: str | None,
    segmented: bool,
    encoding: str | None,
    en_encoding: str | None,
    replace: bool,
    wrapped: bool | None,
    manifest: Path | None,
    workers: int | None,
    scheduler: str | None,
    db_path: str | None,
    as_json: bool,
    quiet: bool,
) -> None:
    """Import a Japanese text and (optionally) its English rendering as a document pair.

    PDF extractions are repaired (wrapped lines joined, page furniture dropped, letter-spacing and
    markdown emphasis removed); the raw text is kept unchanged beside the repaired document text.
    Japanese is split into sentences by rule and into clauses with GiNZA (parses are cached in the
    project); English into sentences and clauses by rule. Prints the pair's name. Nothing is written
    unless the whole import succeeds.

    Example:

    \b
        taiyaku import seeds/000_018672d04432ce13.txt seeds/en/000_018672d04432ce13.en.txt
        taiyaku import --manifest archive.tsv --workers 8
    """
    from alignment.importer import check_free, plan_import, read_source, run_import

    if manifest is not None or (ja_file is not None and ja_file.is_dir()):
        if en_file is not None or name is not None or (manifest is not None and ja_file is not None):
            raise click.UsageError("with --manifest or a folder, the files and names come from there")
        from tui.core.archive import Options

        opts = Options(segmented, replace, None if wrapped is None else ("wrapped" if wrapped else "unwrapped"), encoding)  # fmt: skip
        import_many(ja_file or manifest, manifest=manifest is not None, workers=workers, scheduler=scheduler,
                    db_path=db_path, opts=opts, as_json=as_json, quiet=quiet)  # fmt: skip
        return
    if ja_file is None:
        raise click.UsageError("give JA_FILE, a folder of NAME.ja.txt files, or --manifest FILE")
    if workers is not None or scheduler is not None:
        raise click.UsageError("--workers and --scheduler go with --manifest or a folder of documents")

    # Everything that can be wrong with the input is found before the project is even opened.
    name = pair_name(ja_file, name or None)
    ja = read_source(ja_file, "ja", encoding)
    en = read_source(en_file, "en", en_encoding or encoding) if en_file is not None else None
    if segmented and wrapped is not None:
        raise click.UsageError("--wrapped/--unwrapped have no effect with --segmented (a line is a segment)")
    plan = plan_import(
        None,
        ja,
        en,
        name=name,
        segmented=segmented,
        replace=replace,
        layout=None if wrapped is None else ("wrapped" if wrapped else "unwrapped"),
    )
    db = open_db(db_path)
    try:
        check_free(db, plan.name, replace)
        note_replaced(db, plan.name, quiet=quiet or as_json)
        total = plan.parse_count
        with progress(
            range(total), label="Parsing sentences", length=total, quiet=quiet or as_json, lines=True
        ) as bar:
            summary = run_import(db, plan, on_progress=_bar_updater(bar))
    finally:
        db.close()
    if as_json:
        print_json(summary.as_dict())
    elif not quiet:
        for note in summary.layout_notes():
            click.echo(note, err=True)
        click.echo(summary.name)


@click.command("pairs")
@db_option
@json_option
@keys_option("the pair names")
def pairs_cmd(db_path: str | None, as_json: bool, quiet: bool) -> None:
    """List the document pairs in the project with their segment and bead counts.

    Example:

    \b
        taiyaku pairs --db taiyaku-demo/taiyaku.db
    """
    from alignment.store import pair_summaries

    db = open_db(db_path, create=False)
    try:
        summaries = pair_summaries(db)
    finally:
        db.close()
    if quiet:
        print_keys((s.name for s in summaries), as_json=as_json)
        return
    if as_json:
        print_json(
            [
                {
                    "name": s.name,
                    "ja_sentences": s.ja_sentences,
                    "en_sentences": s.en_sentences,
                    "ja_clauses": s.ja_clauses,
                    "en_clauses": s.en_clauses,
                    "beads": s.beads,
                    "confirmed": s.confirmed,
                    "title": s.title,
                }
                for s in summaries
            ]
        )
        return
    if not summaries:
        click.echo("No pairs yet: add one with `taiyaku import JA_FILE [EN_FILE]`.", err=True)
        return
    # The title takes what is left of a wide terminal; at 80 columns the counts need every cell.
    room = console_width() - 80
    titled = room >= 16
    print_table(
        [
            "pair",
            "JA\nsent.",
            "EN\nsent.",
            "JA\nclauses",
            "EN\nclauses",
            "beads",
            "confirmed",
            *(["title"] if titled else []),
        ],
        [
            (
                s.name,
                s.ja_sentences,
                s.en_sentences,
                s.ja_clauses,
                s.en_clauses,
                s.beads,
                s.confirmed,
                *([_short(s.title, room - 4)] if titled else []),
            )
            for s in summaries
        ],
    )


def _short(title: str, cells: int) -> str:
    """A document's first sentence as a title: one line, cut with an ellipsis to `cells` terminal cells
    (a kanji takes two)."""
    from rich.cells import cell_len, set_cell_size

    title = " ".join(title.split())
    return title if cell_len(title) <= cells else set_cell_size(title, cells - 1).rstrip() + "…"


@click.command("segments")
@click.argument("name")
@click.option("--lang", type=click.Choice(["ja", "en"]), default="ja", show_default=True, help="Which side.")
@click.option(
    "--level",
    type=click.Choice(["sentence", "clause"]),
    default="sentence",
    show_default=True,
    help="Sentences, or the clauses inside them.",
)
@db_option
@json_option
@keys_option("the segment texts (the one-sentence-per-line input other aligners take)")
def segments_cmd(name: str, lang: str, level: str, db_path: str | None, as_json: bool, quiet: bool) -> None:
    """Show one side of a pair as segments: index, text and offsets into the document text.

    Clauses also show the index of the sentence they belong to.

    Example:

    \b
        taiyaku segments 000_018672d04432ce13 --lang ja --level clause
    """
    from alignment.project import ProjectError
    from alignment.store import get_document, get_pair, get_segments

    db = open_db(db_path, create=False)
    try:
        pair = get_pair(db, name)
        doc = get_document(db, pair.id, lang)  # type: ignore[arg-type]  # click.Choice: "ja" or "en"
        if doc is None or doc.id is None:
            raise ProjectError(f"pair {name!r} has no {lang.upper()} document")
        segments = get_segments(db, doc.id, level)  # type: ignore[arg-type]  # click.Choice: a Level
    finally:
        db.close()
    if quiet:
        # one segment per line, whatever it holds (an imported TMX unit may contain line breaks)
        print_keys((" ".join(s.text.splitlines()) for s in segments), as_json=as_json)
        return
    if as_json:
        print_json(
            [
                {
                    "index": s.index,
                    "start": s.start,
                    "end": s.end,
                    "text": s.text,
                    **({"sentence": s.parent} if level == "clause" else {}),
                }
                for s in segments
            ]
        )
        return
    columns = ["#", "start", "end", *(["sentence"] if level == "clause" else []), "text"]
    print_table(
        columns,
        [
            (
                s.index + 1,
                s.start,
                s.end,
                *([s.parent + 1 if s.parent is not None else None] if level == "clause" else []),
                s.text,
            )
            for s in segments
        ],
        title=f"{name} · {lang.upper()} {level}s ({len(segments)})",
    )


@click.command("demo")
@click.option(
    "--dir",
    "directory",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("taiyaku-demo"),
    show_default=True,
    help="Folder for the demo project (its taiyaku.db is rebuilt from scratch).",
)
@click.option("--no-tui", is_flag=True, help="Only build the project; do not open the TUI.")
@json_option
@quiet_option
def demo_cmd(directory: Path, no_tui: bool, as_json: bool, quiet: bool) -> None:
    """Build a demo project from the bundled seed documents and our English renderings.

    Each seed becomes a pair named after its file (e.g. 000_018672d04432ce13), with our English
    rendering where there is one; then the TUI opens on the project (unless --no-tui). Running it
    again rebuilds the project from scratch (reusing the previous GiNZA parses); the old project is
    replaced only when the new one is complete.

    Example:

    \b
        taiyaku demo --dir taiyaku-demo --no-tui
    """
    from tui.demo import build_demo, launch_tui
    from tui.seeds import seeds

    seed_list = seeds()
    with StageBars({"demo": "Building demo"}, quiet=quiet or as_json) as bars:
        # one bar for the whole build: the steps' own labels change as it goes
        path, results = build_demo(
            directory, seed_list=seed_list, on_progress=lambda _label, done, total: bars("demo", done, total)
        )
    if as_json:
        print_json(
            {
                "project": str(path),
                "steps": [{"step": r.step, "summary": r.summary, "rows": list(r.rows)} for r in results],
            }
        )
    elif not quiet:
        for r in results:
            if r.rows:
                columns = list(r.rows[0])
                # snake_case keys are for --json; spaced headers wrap between words in a narrow terminal
                print_table(
                    [c.replace("_", " ") for c in columns],
                    [[row[c] for c in columns] for row in r.rows],
                    title=r.summary,
                )
            else:
                click.echo(r.summary)
        click.echo(f"Demo project: {path}")
        click.echo(f"Try: taiyaku pairs --db {path}")
    if not no_tui and not as_json:
        launch_tui(path)


def register(cli: click.Group) -> None:
    for command in (import_cmd, pairs_cmd, segments_cmd, demo_cmd):
        cli.add_command(command)
