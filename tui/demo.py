"""The demo project: built from scratch from the bundled seeds, as a list of steps later features extend."""

from __future__ import annotations

import contextlib
import os
import sqlite3
from collections import Counter
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


def _counts(counter: dict[str, int]) -> str:
    """`1-1 ×57, 2-1 ×3`: counts as people read them, most common first."""
    return ", ".join(f"{k} ×{n}" for k, n in sorted(counter.items(), key=lambda kv: (-kv[1], kv[0])))


def _align_pairs(ctx: DemoContext) -> StepResult:
    """Align every pair that has English (embeddings, the pair's length ratio, anchors)."""
    from alignment.aligner import align_pair
    from alignment.store import get_document, list_pairs
    from glossary.store import anchor_pairs

    pairs = [p for p in list_pairs(ctx.db) if get_document(ctx.db, p.id, "en") is not None]
    anchors = anchor_pairs(ctx.db)
    rows = []
    results = []
    for k, pair in enumerate(pairs):
        ctx.on_progress(f"align {pair.name}", k, len(pairs))
        result = align_pair(ctx.db, pair, glossary=anchors, user="demo")
        results.append(result)
        rows.append(
            {
                "pair": pair.name,
                "beads": len(result.beads),
                "types": _counts(Counter(b.type for b in result.beads)),
                "signals": ", ".join(result.signals.names()),
            }
        )
    ctx.on_progress("align", len(pairs), len(pairs))
    total = sum(len(r.beads) for r in results)
    return StepResult("align", f"aligned {len(rows)} pairs with English ({total} beads)", tuple(rows))


def _suggest(ctx: DemoContext) -> StepResult:
    """Suggest spans on every pair (GiNZA, acronym rules, glossary)."""
    from alignment.store import list_pairs
    from glossary.spans import count_by_source
    from glossary.suggest import glossary_matcher, suggest_pair

    pairs = list_pairs(ctx.db)
    matcher = glossary_matcher(ctx.db)
    rows = []
    counts: list[int] = []
    for k, pair in enumerate(pairs):
        ctx.on_progress(f"suggest {pair.name}", k, len(pairs))
        r = suggest_pair(ctx.db, pair, user="demo", matcher=matcher)
        stored = count_by_source(ctx.db, pair)  # what is stored, each span once: the parts add up
        counts.append(sum(stored.values()))
        rows.append(
            {
                "pair": pair.name,
                "acronym_definitions": r.definitions,
                "spans": sum(stored.values()),
                "by_source": _counts(stored),
            }
        )
    ctx.on_progress("suggest", len(pairs), len(pairs))
    total = sum(counts)
    return StepResult("suggest", f"suggested {total} spans on {len(rows)} pairs", tuple(rows))


def _harvest(ctx: DemoContext) -> StepResult:
    """Harvest glossary entries (acronym definitions with their triples), then link spans to them."""
    from alignment.store import list_pairs
    from glossary.harvest import harvest_pair
    from glossary.spans import count_linked
    from glossary.suggest import glossary_matcher, suggest_pair

    pairs = list_pairs(ctx.db)
    rows = []
    proposed: list[int] = []
    for k, pair in enumerate(pairs):
        ctx.on_progress(f"harvest {pair.name}", k, len(pairs))
        proposals = harvest_pair(ctx.db, pair, user="demo")
        proposed.append(sum(p.result == "proposed" for p in proposals))
        rows.append(
            {
                "pair": pair.name,
                "proposed": sum(p.result == "proposed" for p in proposals),
                "complete_triples": sum(
                    p.result == "proposed" and bool(p.ja and p.acronym and p.en) for p in proposals
                ),
                "already_there": sum(p.result == "exists" for p in proposals),
            }
        )
    # Suggest once more, so the spans of every pair link to the entries just proposed.
    matcher = glossary_matcher(ctx.db)
    for row, pair in zip(rows, pairs, strict=True):
        suggest_pair(ctx.db, pair, user="demo", matcher=matcher)
        row["linked_spans"] = count_linked(ctx.db, pair)
    ctx.on_progress("harvest", len(pairs), len(pairs))
    total = sum(proposed)
    return StepResult("harvest", f"proposed {total} glossary entries from acronym definitions", tuple(rows))


STEPS: tuple[DemoStep, ...] = (
    DemoStep("import", _import_seeds),
    DemoStep("align", _align_pairs),
    DemoStep("suggest", _suggest),
    DemoStep("harvest", _harvest),
)
"""The demo's steps, in order."""


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
    from alignment.project import in_use_elsewhere

    if in_use_elsewhere(target):  # its edits would go on into the replaced file, unseen
        raise ProjectError(f"{target} is open in another program (the app?); close it, then rebuild the demo")
    building = directory / f".{DB_NAME}.building-{os.getpid()}"
    _remove_project(building)
    if open_db is None:
        from tui.core.project import open_db as open_project_db

        open_db = open_project_db
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


def launch_tui(path: Path) -> None:
    """Open the app on the demo project."""
    from tui.app import run_app

    run_app(path)
