"""The demo project: built from scratch from the bundled seeds, as a list of steps later features extend."""

from __future__ import annotations

import contextlib
import os
import sqlite3
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from alignment.errors import ProjectError
from tui.seeds import Seed, seeds

if TYPE_CHECKING:
    from sqlite_utils import Database

DEFAULT_DIR = Path("taiyaku-demo")
DB_NAME = "taiyaku.db"


@dataclass(slots=True)
class DemoContext:
    """What every step gets: the project being built and the seeds it is built from."""

    db: Database
    path: Path
    """The final location of the project file (the file being built sits beside it until done)."""
    seeds: Sequence[Seed]
    on_progress: Callable[[str, int, int], None] = lambda label, done, total: None
    """Steps report progress as (label, done, total)."""
    notes: dict[str, Any] = field(default_factory=dict)
    """Steps may leave results here for later steps."""


@dataclass(frozen=True, slots=True)
class StepResult:
    step: str
    summary: str
    """One line for people: what the step made."""
    rows: tuple[dict[str, Any], ...] = ()
    """Per-pair details for a table or --json."""


@dataclass(frozen=True, slots=True)
class DemoStep:
    name: str
    run: Callable[[DemoContext], StepResult]


def _import_seeds(ctx: DemoContext) -> StepResult:
    from alignment.importer import default_name, plan_import, read_source, run_import

    plans = [
        plan_import(
            ctx.db,
            read_source(s.ja, "ja"),
            read_source(s.en, "en") if s.en else None,
            name=s.name or default_name(s.ja),
        )
        for s in ctx.seeds
    ]
    total = sum(p.parse_count for p in plans)
    done = 0

    def advance(n: int) -> None:
        nonlocal done
        done += n
        ctx.on_progress("import", done, total)

    rows = []
    for seed, plan in zip(ctx.seeds, plans, strict=True):
        summary = run_import(ctx.db, plan, on_progress=advance)
        docs = {d.lang: d for d in summary.documents}
        rows.append(
            {
                "pair": seed.name,
                "JA sentences": docs["ja"].sentences,
                "JA clauses": docs["ja"].clauses,
                "EN sentences": docs["en"].sentences if "en" in docs else 0,
                "EN clauses": docs["en"].clauses if "en" in docs else 0,
                "English": seed.en.name if seed.en else None,
            }
        )
    with_en = sum(1 for s in ctx.seeds if s.en)
    return StepResult(
        "import", f"imported {len(rows)} seed pairs ({with_en} with our English renderings)", tuple(rows)
    )


STEPS: list[DemoStep] = [DemoStep("import", _import_seeds)]
"""The demo's steps, in order. Later features add theirs with `add_step` (align, suggest, harvest…)."""


def add_step(step: DemoStep, *, after: str | None = None) -> None:
    """Add (or replace, by name) a demo step, at the end or right after the step named `after`."""
    existing = [s for s in STEPS if s.name != step.name]
    if after is None:
        existing.append(step)
    else:
        names = [s.name for s in existing]
        if after not in names:
            raise ValueError(f"no demo step named {after!r}")
        existing.insert(names.index(after) + 1, step)
    STEPS[:] = existing


def _remove_project(path: Path) -> None:
    # A stale -wal next to a new main file would be replayed into it: remove the companions as well.
    for p in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        with contextlib.suppress(FileNotFoundError):
            p.unlink()


def build_demo(
    directory: Path = DEFAULT_DIR,
    *,
    seed_list: Sequence[Seed] | None = None,
    steps: Sequence[DemoStep] | None = None,
    on_step: Callable[[StepResult], None] | None = None,
    on_progress: Callable[[str, int, int], None] | None = None,
    open_db: Callable[[Path], Database] | None = None,
) -> tuple[Path, list[StepResult]]:
    """Build `directory/taiyaku.db` from scratch; the previous demo project is replaced only on success.

    Returns the project path and each step's result.
    """
    if directory.exists() and not directory.is_dir():
        raise ProjectError(f"{directory} exists and is not a folder")
    try:
        directory.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ProjectError(f"cannot create {directory}: {exc.strerror or exc}") from None
    target = directory / DB_NAME
    building = directory / f".{DB_NAME}.building-{os.getpid()}"
    _remove_project(building)
    if open_db is None:
        from tui.common import open_db as _open

        open_db = _open
    chosen = list(seed_list) if seed_list is not None else seeds()
    results: list[StepResult] = []
    db = open_db(building)
    try:
        _reuse_parses(db, target)
        ctx = DemoContext(db, target, chosen)
        if on_progress is not None:
            ctx.on_progress = on_progress
        for step in steps if steps is not None else STEPS:
            result = step.run(ctx)
            results.append(result)
            if on_step is not None:
                on_step(result)
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    except BaseException:
        db.close()
        _remove_project(building)
        raise
    db.close()
    _remove_project(target)
    os.replace(building, target)
    _remove_project(building)  # only its empty -wal/-shm companions remain, if any
    return target, results


def _reuse_parses(db: Database, previous: Path) -> None:
    """Carry the previous demo's GiNZA parse cache over: a rebuild then re-parses nothing unchanged."""
    if not previous.is_file():
        return
    try:
        db.execute("ATTACH DATABASE ? AS previous", [str(previous)])
    except sqlite3.Error:
        return
    try:
        db.execute(
            "INSERT OR IGNORE INTO parses (key, model, data) SELECT key, model, data FROM previous.parses"
        )
    except sqlite3.Error:
        pass  # not a project, or an older one without the cache: just parse again
    finally:
        db.execute("DETACH DATABASE previous")


def launch_tui(path: Path) -> bool:
    """Open the TUI on `path` when this installation has it (`tui.app.run_app`); False when it has not."""
    try:
        from tui.app import run_app
    except ImportError:
        return False
    run_app(path)
    return True
