"""Span commands: `suggest` and `spans list|export|accept|reject`."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from tui.commands.batch_cmds import batch_options, no_batch, suggest_many
from tui.common import (
    StageBars,
    db_option,
    json_option,
    keys_option,
    open_db,
    open_project,
    print_json,
    print_keys,
    print_table,
    progress,
    quiet_option,
    user_option,
)

if TYPE_CHECKING:
    from alignment.model import Lang
    from glossary.spans import SpanSource, SpanStatus

# Heavy modules (GiNZA through alignment.parse) are imported inside the commands that need them, so
# `taiyaku --help` and `taiyaku glossary lookup` stay light.

STATUS_CHOICE = click.Choice(["suggested", "accepted", "rejected"])
SOURCE_CHOICE = click.Choice(["ginza", "acronym", "glossary", "user"])


def _preview(text: str, width: int = 40) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"


# --- suggest ------------------------------------------------------------------------------------------


@click.command("suggest")
@click.argument("name", required=False)
@click.option("--all", "all_", is_flag=True, help="Suggest spans for every pair.")
@batch_options
@click.option(
    "--skip-done",
    is_flag=True,
    help="With --all: skip pairs suggested on their current text (continue a batch).",
)
@db_option
@json_option
@quiet_option
@user_option
def suggest_cmd(
    name: str | None,
    all_: bool,
    workers: int | None,
    scheduler: str | None,
    skip_done: bool,
    db_path: str | None,
    as_json: bool,
    quiet: bool,
    user: str,
) -> None:
    """Suggest entity and acronym spans for a pair from GiNZA, the acronym rules and the glossary.

    GiNZA entities (Japanese) are read from the import's cached parse and mapped to the project's
    labels (GiNZA's own label is kept as a hint). The acronym rules find acronyms with their Japanese
    and English long forms, full-width or not, and tag every later occurrence; glossary terms,
    variants and acronyms are matched regardless of width, kana and Latin case. Running it again
    never duplicates a span and never changes one a person accepted or rejected; suggestions no
    source makes any more are dropped.

    Example:

    \b
        taiyaku suggest 000_018672d04432ce13
    """
    from alignment.store import resolve_pairs
    from glossary.suggest import glossary_matcher, work_size
    from tui.core import spans

    no_batch(all_, workers, scheduler)
    with open_project(db_path, user=user) as project:
        db = project.db
        pairs = resolve_pairs(db, name, all_)
        reports = []
        if all_:  # a batch: on every core, or on a Dask cluster
            reports = suggest_many(
                project,
                pairs,
                workers=workers,
                scheduler=scheduler,
                skip_done=skip_done,
                quiet=quiet or as_json,
            )
            pairs = []
        matcher = glossary_matcher(db)
        total = sum(work_size(db, p) for p in pairs)
        # no second bar after a batch (it would sit at 0 %)
        with progress(
            range(total), label="Suggesting spans", length=total, quiet=quiet or as_json or not pairs
        ) as bar:
            for pair in pairs:
                last = 0

                def advance(done: int, _total: int) -> None:
                    nonlocal last
                    if hasattr(bar, "update"):
                        bar.update(done - last)
                    last = done

                reports.append(spans.suggest(project, pair, matcher=matcher, on_progress=advance))
    rows = [
        {
            "pair": r.pair,
            "definitions": r.definitions,
            "added": r.added,
            "removed": r.removed,
            "kept": r.kept,
            "proposed": r.by_source,
            "chars": r.chars,
        }
        for r in reports
    ]
    if as_json:
        print_json(rows)
    elif not quiet:
        print_table(
            ["pair", "acronym definitions", "new", "dropped", "decided (kept)", "proposed by source"],
            [
                (
                    r.pair,
                    r.definitions,
                    r.added,
                    r.removed,
                    r.kept,
                    ", ".join(f"{k} {v}" for k, v in sorted(r.by_source.items())),
                )
                for r in reports
            ],
        )


# --- spans --------------------------------------------------------------------------------------------


@click.group("spans")
def spans_group() -> None:
    """Entity and acronym spans of a pair: list, export, accept or reject them.

    Example:

    \b
        taiyaku spans list 000_018672d04432ce13 --source acronym
    """


@spans_group.command("list")
@click.argument("name")
@click.option("--lang", type=click.Choice(["ja", "en"]), default=None, help="Only one side.")
@click.option(
    "--status", "statuses", multiple=True, type=STATUS_CHOICE, help="Only these statuses (repeatable)."
)
@click.option(
    "--source", "sources", multiple=True, type=SOURCE_CHOICE, help="Only these sources (repeatable)."
)
@click.option("--label", "labels", multiple=True, help="Only these labels (repeatable), e.g. ORG, ACRONYM.")
@db_option
@json_option
@keys_option("the span ids (to pipe into `spans accept`/`reject`)")
def list_cmd(
    name: str,
    lang: Lang | None,
    statuses: tuple[SpanStatus, ...],
    sources: tuple[SpanSource, ...],
    labels: tuple[str, ...],
    db_path: str | None,
    as_json: bool,
    quiet: bool,
) -> None:
    """List a pair's spans in document order: id, side, segment, offsets, text, label, source, status.

    Offsets are code points into the document text (see `taiyaku segments`).

    Example:

    \b
        taiyaku spans list 000_018672d04432ce13 --status suggested --json
    """
    from alignment.store import get_pair
    from glossary.span_export import span_to_dict
    from glossary.spans import list_spans

    db = open_db(db_path, create=False)
    try:
        pair = get_pair(db, name)
        spans = list_spans(
            db,
            pair,
            lang=lang,
            statuses=statuses,
            sources=sources,
            labels=[lb.upper() for lb in labels],
        )
    finally:
        db.close()
    if quiet:
        print_keys((s.id for s in spans), as_json=as_json)
        return
    if as_json:
        print_json([span_to_dict(s, pair.name) for s in spans])
        return
    if not spans:
        click.echo(f"No spans in {pair.name} (run `taiyaku suggest {pair.name}`).", err=True)
        return
    print_table(
        ["id", "lang", "seg", "start–end", "text", "label", "source", "status", "entry", "GiNZA"],
        [
            (
                s.id,
                s.lang,
                s.segment,
                f"{s.start}–{s.end}",
                _preview(s.text),
                s.label,
                s.source,
                s.status,
                s.entry_id,
                s.hint,
            )
            for s in spans
        ],
    )


@spans_group.command("export")
@click.argument("name", required=False)
@click.option("--all", "all_", is_flag=True, help="Export every pair.")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["jsonl", "docbin", "prodigy"]),
    default="jsonl",
    show_default=True,
    help="Output format: one JSON object per segment; or spaCy DocBin files (one per language, "
    "needs -o) or Prodigy JSONL, both of accepted spans unless --status.",
)
@click.option(
    "--status",
    "statuses",
    multiple=True,
    type=STATUS_CHOICE,
    help="Only spans with these statuses (repeatable; default: all).",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Write to FILE (atomically) instead of standard output.",
)
@db_option
@quiet_option
def export_cmd(
    name: str | None,
    all_: bool,
    fmt: str,
    statuses: tuple[str, ...],
    output: Path | None,
    db_path: str | None,
    quiet: bool,
) -> None:
    """Export spans as JSON lines, one object per sentence segment:

    {"pair", "lang", "segment_index", "text", "spans": [{"start", "end", "label", "text", "source",
    "status", "entry_id"}]} with offsets relative to the segment text. Japanese segments come first,
    then English; segments without spans are included with an empty list.

    DocBin (spaCy NER): chosen spans are entities. A token is O (known not to be an entity) only inside a
    rejected span or in a segment whose spans are all decided (none still suggested); every other token is
    missing (teaches nothing either way), including the tokens of suggestions and of spans that are off
    token boundaries. Segments with no entity and no O are left out and counted.

    Example:

    \b
        taiyaku spans export --all --format jsonl -o spans.jsonl
        taiyaku spans export --all --format docbin -o corpus.spacy
    """
    from alignment.progress import reporting
    from alignment.project import ProjectError, atomic_write_file
    from alignment.store import resolve_pairs, segment_count
    from glossary.span_export import export_records

    if output is not None and str(output) == "-" and fmt != "docbin":
        output = None  # the usual name for standard output
    db = open_db(db_path, create=False)
    try:
        pairs = resolve_pairs(db, name, all_)
        if fmt != "jsonl":
            from tui.commands.interop import export_spans_for_training

            export_spans_for_training(db, pairs, fmt, statuses, output, quiet)
            return
        lines = (
            json.dumps(rec, ensure_ascii=False) + "\n"
            for pair in pairs
            # click.Choice admits only SpanStatus values
            for rec in export_records(db, pair, statuses=statuses)  # type: ignore[arg-type]
        )
        count = 0
        if output is None:
            for line in lines:
                sys.stdout.write(line)
                count += 1
            sys.stdout.flush()
        else:
            if output.parent and not output.parent.exists():
                raise ProjectError(f"folder {output.parent} does not exist")

            total = segment_count(db, [p.id for p in pairs])

            def write(tmp: Path) -> None:
                nonlocal count
                with tmp.open("w", encoding="utf-8", newline="\n") as fh, StageBars(quiet=quiet) as bars:
                    for line in reporting(lines, total, bars.stage("Exporting segments"), every=1000):
                        fh.write(line)
                        count += 1

            atomic_write_file(output, write)
    finally:
        db.close()
    if output is not None and not quiet:
        click.echo(f"Wrote {count} segments to {output}", err=True)


def _decide(ids: tuple[int, ...], status: SpanStatus, db_path: str | None, user: str, quiet: bool) -> None:
    """One undoable action for all the ids: one unknown id leaves every span as it was."""
    from tui.core import spans

    with open_project(db_path, user=user, create=False) as project:
        done = spans.decide(project, ids, status)
    if not quiet:
        for s in done:
            click.echo(f"{s.id}\t{status}\t{s.label}\t{s.text}")


@spans_group.command("accept")
@click.argument("ids", nargs=-1, required=True, type=int)
@db_option
@quiet_option
@user_option
def accept_cmd(ids: tuple[int, ...], db_path: str | None, quiet: bool, user: str) -> None:
    """Accept spans by id (see `taiyaku spans list`); later suggestion runs leave them as they are.
    One undoable action: `taiyaku undo` takes back the whole command.

    Example:

    \b
        taiyaku spans accept 12 13
    """
    _decide(ids, "accepted", db_path, user, quiet)


@spans_group.command("reject")
@click.argument("ids", nargs=-1, required=True, type=int)
@db_option
@quiet_option
@user_option
def reject_cmd(ids: tuple[int, ...], db_path: str | None, quiet: bool, user: str) -> None:
    """Reject spans by id; a rejected suggestion is never proposed again, and harvest ignores it.

    Example:

    \b
        taiyaku spans reject 14
    """
    _decide(ids, "rejected", db_path, user, quiet)


# --- registration -------------------------------------------------------------------------------------


def register(cli: click.Group) -> None:
    cli.add_command(suggest_cmd)
    cli.add_command(spans_group)
