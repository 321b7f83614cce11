"""What the batch forms of `import`, `suggest --all` and `align --all` share: the --workers/--scheduler
options, one progress bar for the batch, and the closing report of what failed."""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from tui.common import F, print_json, progress

if TYPE_CHECKING:
    from alignment.aligner import Alignment
    from alignment.model import Level, Pair
    from glossary.suggest import SuggestReport
    from tui.core.archive import Options
    from tui.core.batch import Outcome, Tick


def batch_options(f: F) -> F:
    """--workers N and --scheduler ADDRESS (for commands that go over many documents)."""
    f = click.option(
        "--scheduler",
        metavar="ADDRESS",
        default=None,
        help="Run the heavy work on an existing Dask cluster (e.g. tcp://scheduler.example:8786; needs "
        "pip install 'taiyaku[cluster]' here and taiyaku on every worker). Only this process writes the project.",
    )(f)
    return click.option(
        "--workers",
        type=click.IntRange(1),
        default=None,
        help="Worker processes for the heavy work (default: this machine's cores).",
    )(f)


class BatchBar:
    """One bar for the batch: documents done of the total, with characters and throughput beside it."""

    def __init__(self, label: str, total: int, *, quiet: bool) -> None:
        self._ctx = progress(range(total), label=label, length=total, quiet=quiet)
        self._bar: Any = None
        self._text = ""
        self._started = time.perf_counter()

    def __enter__(self) -> BatchBar:
        self._bar = self._ctx.__enter__()
        if hasattr(self._bar, "item_show_func"):
            self._bar.item_show_func = lambda _item: self._text
            self._bar.show_pos = True  # documents done / in the batch
        return self

    def __exit__(self, *exc: object) -> None:
        self._ctx.__exit__(None, None, None)

    def __call__(self, tick: Tick) -> None:
        if tick.waiting:  # results done out of order (the largest documents go first) wait for `tick.name`
            self._text = f"{tick.waiting} more done, to be written after {tick.name}"
            if hasattr(self._bar, "render_progress"):  # update(0) would not draw the new text
                self._bar.render_progress()
            return
        rate = tick.chars / tick.seconds if tick.seconds > 0 else 0.0
        docs_h = tick.done / tick.seconds * 3600 if tick.seconds > 0 else 0.0
        self._text = f"{tick.chars:,} chars · {rate:,.0f} chars/s · {docs_h:,.0f} docs/h"
        if hasattr(self._bar, "update"):
            self._bar.update(1, tick.name)


def run_reported(
    label: str,
    total: int,
    quiet: bool,
    go: Callable[[Callable[[Tick], None]], Outcome[Any]],
) -> Outcome[Any]:
    """Run a batch under its bar, then say where it ran and how fast (stderr)."""
    with BatchBar(label, total, quiet=quiet) as bar:
        outcome = go(bar)
    if not quiet and total:
        done = len(outcome.stored)
        rate = done / outcome.seconds * 3600 if outcome.seconds > 0 else 0.0
        click.echo(
            f"{label}: {done} of {total} documents in {outcome.seconds:.1f} s ({rate:,.0f}/hour) "
            f"on {outcome.workers}",
            err=True,
        )
    return outcome


def finish(outcome: Outcome[Any], *, skipped: list[str] | None = None, quiet: bool = False) -> None:
    """Name every document that failed (stderr) and exit 1 if any did; say what was skipped."""
    if skipped and not quiet:
        click.echo(
            f"skipped {len(skipped)} documents already in the project (--replace redoes them)", err=True
        )
    for f in outcome.failed:
        click.echo(f"failed: {f.name}: {f.reason}", err=True)
    if outcome.failed:
        click.echo(
            f"{len(outcome.failed)} document{'s' if len(outcome.failed) > 1 else ''} failed; the others are stored. Run the command again to retry "
            "them (what is stored is skipped).",
            err=True,
        )
        sys.exit(1)


def import_many(
    source: Path | None,
    *,
    manifest: bool,
    workers: int | None,
    scheduler: str | None,
    db_path: str | None,
    opts: Options,
    as_json: bool,
    quiet: bool,
) -> None:
    """`taiyaku import --manifest FILE` or `taiyaku import FOLDER`: every pair, stored one by one."""
    from alignment.store import list_pairs
    from tui.common import default_user, open_project
    from tui.core.archive import import_archive, read_folder, read_manifest
    from tui.core.batch import pool

    assert source is not None
    entries = read_manifest(source) if manifest else read_folder(source)
    with open_project(db_path, user=default_user()) as project, pool(workers, scheduler) as where:
        stored = {p.name for p in list_pairs(project.db)}
        skipped = [e.name for e in entries if not opts.replace and e.name in stored]
        todo = [e for e in entries if opts.replace or e.name not in stored]
        outcome = run_reported(
            "Importing",
            len(todo),
            quiet or as_json,
            lambda tick: import_archive(project, todo, where, opts, on_tick=tick)[0],
        )
    if as_json:
        print_json(
            {
                "imported": [s.as_dict() for s in outcome.stored],
                "skipped": skipped,
                "failed": [{"name": f.name, "reason": f.reason} for f in outcome.failed],
            }
        )
    elif not quiet:
        for summary in outcome.stored:
            click.echo(summary.name)
    finish(outcome, skipped=skipped, quiet=quiet or as_json)


def no_batch(all_: bool, workers: int | None, scheduler: str | None, why: str = "go with --all") -> None:
    if (workers is not None or scheduler is not None) and not all_:
        raise click.UsageError(f"--workers and --scheduler {why}")


def align_many(
    project: Any,
    pairs: list[Pair],
    *,
    workers: int | None,
    scheduler: str | None,
    level: Level = "sentence",
    use_embeddings: bool,
    skip_done: bool,
    quiet: bool,
) -> tuple[list[Pair], Outcome[Alignment]]:
    """`align --all` as a batch; returns the pairs aligned (in order) with the outcome.

    `skip_done` skips the pairs that have beads at `level`. At clause level that includes a pair whose clause
    beads a later sentence edit reset (tui.core.clause_follow): without `skip_done` it is aligned again."""
    from alignment.bead_store import bead_count
    from tui.core.archive import align_archive
    from tui.core.batch import pool

    if skip_done:
        pairs = [p for p in pairs if not bead_count(project.db, [p.id], level)]
    with pool(workers, scheduler) as where:
        outcome = run_reported(
            "Aligning",
            len(pairs),
            quiet,
            lambda tick: align_archive(
                project, pairs, where, level=level, use_embeddings=use_embeddings, on_tick=tick
            ),
        )
    by_name = {p.name: p for p in pairs}
    _finish_on_close(outcome, quiet)
    return [by_name[a.pair] for a in outcome.stored], outcome


def suggest_many(
    project: Any,
    pairs: list[Pair],
    *,
    workers: int | None,
    scheduler: str | None,
    skip_done: bool,
    quiet: bool,
) -> list[SuggestReport]:
    """`suggest --all` as a batch; returns the reports of the pairs stored (in order)."""
    from alignment.store import get_document
    from glossary.span_sync import suggestions_current
    from tui.core.archive import suggest_archive
    from tui.core.batch import pool

    def done(pair: Pair) -> bool:
        docs = [get_document(project.db, pair.id, lang) for lang in ("ja", "en")]
        return all(suggestions_current(project.db, d) for d in docs if d is not None)

    if skip_done:
        pairs = [p for p in pairs if not done(p)]
    with pool(workers, scheduler) as where:
        outcome = run_reported(
            "Suggesting",
            len(pairs),
            quiet,
            lambda tick: suggest_archive(project, pairs, where, on_tick=tick),
        )
    _finish_on_close(outcome, quiet)
    return list(outcome.stored)


def _finish_on_close(outcome: Outcome[Any], quiet: bool) -> None:
    """Report failures after the command has printed what it stored (exit 1 if any failed)."""
    ctx = click.get_current_context(silent=True)
    if ctx is None:
        finish(outcome, quiet=quiet)
    else:
        ctx.call_on_close(lambda: finish(outcome, quiet=quiet))
