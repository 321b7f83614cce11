"""Whole archives: import, suggest and align many documents through tui.core.batch.

Each action reads what a worker needs, sends the pure work out (alignment.batch, glossary.batch) and stores
each result here as one transaction: an import as `run_import` writes it (no history, as the single import),
suggestions and alignments as one undoable action per pair, as their single-pair forms do.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from alignment.aligner import Alignment
from alignment.batch import Aligned, AlignJob, Imported, ImportJob, align_document, prepare_import
from alignment.bead_store import get_beads
from alignment.importer import ImportSummary, check_free, check_name, read_source, run_import
from alignment.layout import Override
from alignment.model import Pair
from alignment.project import ProjectError
from alignment.store import get_document, pair_exists, pair_segments
from alignment.textio import path_text
from glossary.batch import Suggested, SuggestJob, read_suggest_job, suggest_document
from glossary.store import anchor_pairs
from glossary.suggest import SuggestReport
from tui.core import history
from tui.core.batch import Outcome, Pool, Tick, run
from tui.core.clause_follow import follow_clauses
from tui.core.project import Project
from tui.core.spans import store_suggestions

OnTick = Callable[[Tick], None] | None

# --- which documents ------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Entry:
    """One line of a manifest: a Japanese file, its English (or none), and the pair's name."""

    name: str
    ja: Path
    en: Path | None


def read_manifest(path: Path) -> list[Entry]:
    """A TSV of `ja_path`, `en_path` (may be empty), `name` (may be empty: the JA file's stem).

    Relative paths are relative to the manifest's folder; a header row naming the columns is skipped.
    """
    from alignment.textio import read_text

    base = path.parent
    entries: list[Entry] = []
    for number, line in enumerate(read_text(path, None).text.splitlines(), 1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        cells = [c.strip() for c in line.split("\t")]
        if number == 1 and cells[0].lower() in {"ja_path", "ja"}:
            continue
        if len(cells) > 3 or not cells[0]:
            raise ProjectError(f"{path} line {number}: expected ja_path<TAB>en_path<TAB>name")
        cells += [""] * (3 - len(cells))
        ja = base / cells[0]
        en = base / cells[1] if cells[1] else None
        entries.append(Entry(cells[2] or _stem(ja), ja, en))
    return _unique(entries, str(path))


def _stem(path: Path) -> str:
    """`x.ja.txt` → `x`; other files are named as a single import names them (`x.txt` → `x`)."""
    from alignment.importer import default_name

    return path_text(path.name[: -len(".ja.txt")]) if path.name.endswith(".ja.txt") else default_name(path)


def read_folder(path: Path) -> list[Entry]:
    """`NAME.ja.txt` files of a folder, each with `NAME.en.txt` when there is one, in name order."""
    entries = []
    for ja in sorted(path.glob("*.ja.txt")):
        stem = ja.name[: -len(".ja.txt")]
        en = ja.with_name(f"{stem}.en.txt")
        entries.append(Entry(path_text(stem), ja, en if en.exists() else None))
    if not entries:
        raise ProjectError(f"{path} holds no NAME.ja.txt files to import")
    return entries


def _unique(entries: list[Entry], where: str) -> list[Entry]:
    seen: set[str] = set()
    for e in entries:
        check_name(e.name)
        if e.name in seen:
            raise ProjectError(f"{where}: the pair name {e.name!r} appears twice")
        seen.add(e.name)
    return entries


# --- import -----------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Options:
    segmented: bool = False
    replace: bool = False
    layout: Override = None
    encoding: str | None = None


def import_archive(
    project: Project, entries: Sequence[Entry], where: Pool, opts: Options, *, on_tick: OnTick = None
) -> tuple[Outcome[ImportSummary], list[str]]:
    """Import every entry not in the project yet (all of them with `replace`); returns what was skipped."""
    db = project.db
    skipped = [e.name for e in entries if not opts.replace and pair_exists(db, e.name)]
    todo = [e for e in entries if opts.replace or not pair_exists(db, e.name)]

    def job(e: Entry) -> Callable[[], ImportJob]:
        def read() -> ImportJob:
            ja = read_source(e.ja, "ja", opts.encoding)
            en = read_source(e.en, "en", opts.encoding) if e.en is not None else None
            return ImportJob(e.name, ja, en, opts.segmented, opts.replace, opts.layout)

        return read

    def store(j: ImportJob, result: Imported) -> ImportSummary:
        from alignment.batch import store_parses

        check_free(db, j.name, opts.replace)
        store_parses(db, result.parses)  # run_import reads them from the cache: nothing is parsed here
        return run_import(db, result.plan)

    outcome = run(
        where, [job(e) for e in todo], [e.name for e in todo], prepare_import, store, on_tick=on_tick
    )
    return outcome, skipped


# --- suggest ----------------------------------------------------------------------------------------------


def suggest_archive(
    project: Project, pairs: Sequence[Pair], where: Pool, *, on_tick: OnTick = None
) -> Outcome[SuggestReport]:
    """Suggest spans for every pair (each stored as one undoable action, as `suggest` does)."""
    from glossary.suggest import glossary_matcher

    db = project.db
    matcher = glossary_matcher(db)

    def job(pair: Pair) -> Callable[[], SuggestJob]:
        return lambda: read_suggest_job(db, pair, matcher)

    def store(j: SuggestJob, result: Suggested) -> SuggestReport:
        from alignment.batch import store_parses

        store_parses(db, result.parses)
        return store_suggestions(project, j.pair, result.analyses)

    return run(
        where, [job(p) for p in pairs], [p.name for p in pairs], suggest_document, store, on_tick=on_tick
    )


# --- align ------------------------------------------------------------------------------------------------


def align_archive(
    project: Project,
    pairs: Sequence[Pair],
    where: Pool,
    *,
    use_embeddings: bool = True,
    on_tick: OnTick = None,
) -> Outcome[Alignment]:
    """Align every pair at sentence level around its confirmed beads, each stored as one undoable action."""
    from alignment.aligner import make_embedder, save_alignment
    from alignment.batch import cache_mark, cached_vectors, store_vectors
    from alignment.features import overlap_texts

    db = project.db
    make_embedder(None, use_embeddings)  # a missing encoder is one line before any work is sent
    mark = cache_mark(db)
    anchors = tuple(anchor_pairs(db))
    by_name = {p.name: p for p in pairs}

    def job(pair: Pair) -> Callable[[], AlignJob]:
        def read() -> AlignJob:
            if get_document(db, pair.id, "en") is None:
                raise ProjectError(f"pair {pair.name!r} has no English document to align with")
            ja = tuple(s.text for s in pair_segments(db, pair, "ja"))
            en = tuple(s.text for s in pair_segments(db, pair, "en"))
            current = tuple(get_beads(db, pair.id, "sentence"))
            runs = [
                t for side, lang in ((ja, "ja"), (en, "en")) for r in overlap_texts(side, lang) for t in r
            ]
            cached = cached_vectors(db, runs, mark) if use_embeddings else {}
            return AlignJob(pair.name, ja, en, current, anchors, use_embeddings, cached=cached)

        return read

    def store(j: AlignJob, result: Aligned) -> Alignment:
        pair = by_name[j.name]
        store_vectors(db, result.vectors)
        with project.action("align", f"{pair.name}: align (sentence level)", pair_id=pair.id) as act:
            before = get_beads(db, pair.id, "sentence")
            save_alignment(db, pair.id, j.current, result.beads, level="sentence", user=project.user)
            after = get_beads(db, pair.id, "sentence")
            if before != after:
                act.ops.append(history.beads_op(pair.id, 0, before, after, "sentence"))
                note = follow_clauses(db, act.ops, pair, before, after, user=project.user)
                act.summary += f" ({note})" if note else ""
        fixed = sum(1 for b in j.current if b.status == "confirmed")
        return Alignment(pair.name, "sentence", tuple(after), result.signals, result.realigned, fixed)

    return run(
        where, [job(p) for p in pairs], [p.name for p in pairs], align_document, store, on_tick=on_tick
    )
