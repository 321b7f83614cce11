"""Whole archives: import, suggest and align many documents through tui.core.batch.

Each action reads what a worker needs, sends the pure work out (alignment.batch, glossary.batch) and stores
each result here as one transaction: an import as `run_import` writes it (no history, as the single import),
suggestions and alignments as one undoable action per pair (and per level aligned: a pair aligned at clause
level before it had sentence beads gets both, in one transaction), as their single-pair forms do.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from sqlite_utils import Database

from alignment.aligner import Alignment, save_alignment
from alignment.batch import (
    Aligned,
    AlignJob,
    ClauseAligned,
    ClauseJob,
    Imported,
    ImportJob,
    align_clauses,
    align_document,
    cache_mark,
    cached_vectors,
    prepare_import,
    store_vectors,
)
from alignment.bead_store import get_beads
from alignment.features import overlap_texts
from alignment.importer import ImportSummary, check_free, check_name, read_source, run_import
from alignment.layout import Override
from alignment.model import Bead, Level, Pair, Segment
from alignment.project import ProjectError, write
from alignment.store import get_document, pair_exists, pair_segments, pair_sizes
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

    sizes = [_file_size(e.ja) + (_file_size(e.en) if e.en is not None else 0) for e in todo]
    outcome = run(
        where,
        [job(e) for e in todo],
        [e.name for e in todo],
        prepare_import,
        store,
        sizes=sizes,
        on_tick=on_tick,
    )
    return outcome, skipped


def _file_size(path: Path) -> int:
    """Bytes, as a hint of the work (an unreadable file is reported when its turn comes to be read)."""
    try:
        return path.stat().st_size
    except OSError:
        return 0


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

    sizes = _sizes(db, pairs)
    return run(
        where,
        [job(p) for p in pairs],
        [p.name for p in pairs],
        suggest_document,
        store,
        sizes=sizes,
        on_tick=on_tick,
    )


def _sizes(db: Database, pairs: Sequence[Pair]) -> list[int]:
    by_id = pair_sizes(db)
    return [by_id.get(p.id, 0) for p in pairs]


# --- align ------------------------------------------------------------------------------------------------


def align_archive(
    project: Project,
    pairs: Sequence[Pair],
    where: Pool,
    *,
    level: Level = "sentence",
    use_embeddings: bool = True,
    on_tick: OnTick = None,
) -> Outcome[Alignment]:
    """Align every pair around its confirmed beads, each stored as one undoable action (as `align` does).

    At clause level a pair's clauses are aligned inside its sentence beads; a pair with no sentence beads
    is aligned at sentence level first, by the same worker, and both actions are stored in one transaction.
    """
    from alignment.aligner import make_embedder

    make_embedder(None, use_embeddings)  # a missing encoder is one line before any work is sent
    reader = _Reader(project.db, tuple(anchor_pairs(project.db)), use_embeddings)
    by_name = {p.name: p for p in pairs}
    names = [p.name for p in pairs]

    def sentence_job(pair: Pair) -> Callable[[], AlignJob]:
        return lambda: reader.sentence_job(pair)

    def clause_job(pair: Pair) -> Callable[[], ClauseJob]:
        return lambda: reader.clause_job(pair)

    def store_sentences(j: AlignJob, result: Aligned) -> Alignment:
        pair = by_name[j.name]
        store_vectors(project.db, result.vectors)
        after = _save(project, pair, j.current, result.beads, "sentence")
        return Alignment(pair.name, "sentence", after, result.signals, result.realigned, _fixed(j.current))

    def store_clauses(j: ClauseJob, result: ClauseAligned) -> Alignment:
        pair, aligned = by_name[j.name], result.clauses
        with write(project.db, durable=True):  # one transaction, with one action per level aligned
            store_vectors(project.db, aligned.vectors)
            if result.sentence_beads is not None:
                _save(project, pair, (), result.sentence_beads, "sentence")
            after = _save(project, pair, j.clauses.current, aligned.beads, "clause")
        fixed = _fixed(j.clauses.current)
        return Alignment(pair.name, "clause", after, aligned.signals, aligned.realigned, fixed)

    sizes = _sizes(project.db, pairs)
    if level == "clause":
        return run(
            where,
            [clause_job(p) for p in pairs],
            names,
            align_clauses,
            store_clauses,
            sizes=sizes,
            on_tick=on_tick,
        )
    return run(
        where,
        [sentence_job(p) for p in pairs],
        names,
        align_document,
        store_sentences,
        sizes=sizes,
        on_tick=on_tick,
    )


@dataclass(frozen=True, slots=True)
class _Reader:
    """Reads what a worker needs to align a pair: texts, beads as they are, and the cached vectors of the
    texts as the cache stood when the batch started (see alignment.batch.cache_mark)."""

    db: Database
    anchors: tuple[tuple[str, str], ...]
    use_embeddings: bool
    mark: int = -1

    def __post_init__(self) -> None:
        object.__setattr__(self, "mark", cache_mark(self.db))

    def sentence_job(self, pair: Pair) -> AlignJob:
        self._check_english(pair)
        ja, en = (tuple(pair_segments(self.db, pair, lang)) for lang in ("ja", "en"))
        return self._job(pair, ja, en, "sentence")

    def clause_job(self, pair: Pair) -> ClauseJob:
        self._check_english(pair)  # the same checks, in the same order, as align_pair makes
        ja, en = (tuple(pair_segments(self.db, pair, lang, "clause")) for lang in ("ja", "en"))
        if not (ja and en):
            raise ProjectError(f"pair {pair.name!r} has no clause segments on both sides (re-import it)")
        clauses = self._job(pair, ja, en, "clause")
        sentence_beads = tuple(get_beads(self.db, pair.id, "sentence"))
        if sentence_beads:
            return ClauseJob(clauses, ja, en, sentence_beads=sentence_beads)
        return ClauseJob(clauses, ja, en, sentences=self.sentence_job(pair))

    def _check_english(self, pair: Pair) -> None:
        if get_document(self.db, pair.id, "en") is None:
            raise ProjectError(f"pair {pair.name!r} has no English document to align with")

    def _job(
        self, pair: Pair, ja_segs: Sequence[Segment], en_segs: Sequence[Segment], level: Level
    ) -> AlignJob:
        ja = tuple(s.text for s in ja_segs)
        en = tuple(s.text for s in en_segs)
        current = tuple(get_beads(self.db, pair.id, level))
        runs = [t for side, lang in ((ja, "ja"), (en, "en")) for r in overlap_texts(side, lang) for t in r]
        cached = cached_vectors(self.db, runs, self.mark) if self.use_embeddings else {}
        return AlignJob(pair.name, ja, en, current, self.anchors, self.use_embeddings, level, cached)


def _save(
    project: Project, pair: Pair, current: Sequence[Bead], beads: Sequence[Bead], level: Level
) -> tuple[Bead, ...]:
    """Store a pair's new beads at one level as one undoable action, as tui.core.beads.align_pairs does
    (at sentence level, the clause beads of every changed sentence bead are reset in the same action)."""
    db = project.db
    with project.action("align", f"{pair.name}: align ({level} level)", pair_id=pair.id) as act:
        before = get_beads(db, pair.id, level)
        save_alignment(db, pair.id, current, beads, level=level, user=project.user)
        after = get_beads(db, pair.id, level)
        if before != after:
            act.ops.append(history.beads_op(pair.id, 0, before, after, level))
            if level == "sentence":
                note = follow_clauses(db, act.ops, pair, before, after, user=project.user)
                act.summary += f" ({note})" if note else ""
    return tuple(after)


def _fixed(current: Sequence[Bead]) -> int:
    return sum(1 for b in current if b.status == "confirmed")
