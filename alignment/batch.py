"""The heavy work of a batch, one document at a time, as pure functions a worker process can run.

Each function takes plain, picklable data (texts, segments, beads: never a database connection) and returns
plain data, so the same call runs in this process, in a local process pool or on a Dask worker on another
machine, and gives the same result wherever it runs. GiNZA and the sentence encoder load once per process
(their loaders are cached), so a worker pays for them on its first document only.

A result never depends on timing or on the number of workers. GiNZA's parse of a sentence does not depend on
the batch it is parsed in, so workers parse without the project's cache. The encoder's vectors do depend on
their batch (by a float16 step now and then), so an alignment job brings the cached vectors of its texts as
the cache stood when the batch started (`cache_mark`), and embeds the rest in the batches `embed.embed`
would make of them. The calling process stores the results and adds the new parses and vectors to the
project's caches for later commands.
"""

from __future__ import annotations

import resource
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from alignment.importer import Plan, Source, plan_import
from alignment.layout import Override
from alignment.model import Bead, Level, Segment

if TYPE_CHECKING:
    import numpy as np
    from sqlite_utils import Database

    from alignment.features import Signals
    from alignment.parse import Parse


def peak_rss() -> int:
    """The peak resident memory of this process so far, in bytes."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak if sys.platform == "darwin" else peak * 1024  # Linux reports KiB


@dataclass(frozen=True, slots=True)
class Work:
    """What every worker result carries besides its payload: cost and where it ran (for the bench)."""

    seconds: float
    peak_rss: int
    worker: str


def work_since(started: float) -> Work:
    import os
    import socket

    return Work(time.perf_counter() - started, peak_rss(), f"{socket.gethostname()}:{os.getpid()}")


# --- import -----------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ImportJob:
    """One pair to import: its sources as read by the calling process (workers need no shared files)."""

    name: str
    ja: Source
    en: Source | None = None
    segmented: bool = False
    replace: bool = False
    layout: Override = None

    @property
    def chars(self) -> int:
        return len(self.ja.raw) + (len(self.en.raw) if self.en is not None else 0)


@dataclass(frozen=True, slots=True)
class Imported:
    """A pair prepared and parsed: what the calling process writes (nothing is parsed again there)."""

    plan: Plan
    parses: tuple[tuple[str, Parse], ...]
    """Every Japanese sentence's parse, for the project's cache (from which run_import then reads it)."""
    work: Work


def prepare_import(job: ImportJob) -> Imported:
    """Repair, segment and GiNZA-parse one pair (no project involved)."""
    from alignment.parse import parse_texts

    started = time.perf_counter()
    plan = plan_import(
        None, job.ja, job.en, name=job.name, segmented=job.segmented, replace=job.replace, layout=job.layout
    )
    texts = [s.text for p in plan.documents if p.source.lang == "ja" for s in p.sentences]
    unique = list(dict.fromkeys(texts))
    parses = tuple(zip(unique, parse_texts(None, unique), strict=True))
    return Imported(plan, parses, work_since(started))


# --- embeddings and alignment ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class AlignJob:
    """One pair to align at sentence level: its segment texts, the beads it has and the anchors to use."""

    name: str
    ja: tuple[str, ...]
    en: tuple[str, ...]
    current: tuple[Bead, ...] = ()
    """The beads as read before the job was sent (confirmed ones are kept; a change meanwhile is refused)."""
    glossary: tuple[tuple[str, str], ...] = ()
    use_embeddings: bool = True
    level: Level = "sentence"
    cached: dict[str, bytes] = field(default_factory=dict)
    """Vectors of these texts the project held when the batch started (see `cached_vectors`)."""

    @property
    def chars(self) -> int:
        return sum(len(t) for t in self.ja) + sum(len(t) for t in self.en)


@dataclass(frozen=True, slots=True)
class Aligned:
    beads: tuple[Bead, ...]
    signals: Signals
    realigned: tuple[tuple[tuple[int, int], tuple[int, int]], ...]
    work: Work
    vectors: dict[str, bytes] = field(default_factory=dict)
    """Cache key → float16 vector of every text embedded, for the project's embeddings cache."""


class RecordingEmbedder:
    """Embeds as `embed.embed` does with a project cache, the cache being the vectors the job brought;
    keeps every vector it made, for the caller to store."""

    def __init__(self, cached: dict[str, bytes]) -> None:
        self.cached = dict(cached)
        self.vectors: dict[str, bytes] = {}

    def __call__(self, texts: Sequence[str]) -> np.ndarray:
        import numpy as np

        from alignment import embed

        keys = [embed.cache_key(t) for t in texts]
        missing = list(dict.fromkeys(t for t, k in zip(texts, keys, strict=True) if k not in self.cached))
        # the missing texts go to the encoder in the batches embed.embed would make of them
        for text, vec in zip(missing, embed.embed(missing), strict=True):
            blob = vec.astype(np.float16).tobytes()
            self.cached[embed.cache_key(text)] = self.vectors[embed.cache_key(text)] = blob
        out = np.zeros((len(texts), embed.DIM), dtype=np.float32)
        for row, key in enumerate(keys):
            out[row] = np.frombuffer(self.cached[key], dtype=np.float16).astype(np.float32)
        return out


def _recorder(use_embeddings: bool, cached: dict[str, bytes]) -> tuple[RecordingEmbedder | None, str | None]:
    """The job's embedder (None when embeddings are off) and why there is none."""
    from alignment.aligner import make_embedder

    embedder, note = make_embedder(None, use_embeddings)
    return (RecordingEmbedder(cached) if embedder is not None else None), note


def _align(
    job: AlignJob, recorder: RecordingEmbedder | None, note: str | None, cuts: Sequence[tuple[int, int]] = ()
) -> tuple[list[Bead], Signals, list[tuple[tuple[int, int], tuple[int, int]]]]:
    from alignment.aligner import align_texts

    return align_texts(
        job.ja,
        job.en,
        embedder=recorder,
        glossary=job.glossary,
        fixed=[b for b in job.current if b.status == "confirmed"],
        cuts=cuts,
        note=note,
        level=job.level,
    )


def align_document(job: AlignJob) -> Aligned:
    """Align one pair's segment texts around its confirmed beads (no project involved)."""
    started = time.perf_counter()
    recorder, note = _recorder(job.use_embeddings, job.cached)
    beads, signals, todo = _align(job, recorder, note)
    vectors = recorder.vectors if recorder is not None else {}
    return Aligned(tuple(beads), signals, tuple(todo), work_since(started), vectors)


# --- clause level -----------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ClauseJob:
    """One pair to align at clause level: its clause segments and clause beads, and the sentence beads whose
    ends cut the clause search; a pair with no sentence beads brings its sentence job instead, which the
    worker aligns first (as `align --level clause` does for such a pair)."""

    clauses: AlignJob
    """The clause texts, the clause beads as read (confirmed ones are kept), anchors, cached vectors."""
    ja: tuple[Segment, ...]
    en: tuple[Segment, ...]
    sentence_beads: tuple[Bead, ...] = ()
    sentences: AlignJob | None = None

    @property
    def name(self) -> str:
        return self.clauses.name

    @property
    def chars(self) -> int:
        return self.clauses.chars + (self.sentences.chars if self.sentences is not None else 0)


@dataclass(frozen=True, slots=True)
class ClauseAligned:
    clauses: Aligned
    sentence_beads: tuple[Bead, ...] | None = None
    """The sentence beads aligned first for a pair that had none (None: the pair's own were used)."""

    @property
    def work(self) -> Work:
        return self.clauses.work


def clause_cuts(
    sentence_beads: Sequence[Bead], ja: Sequence[Segment], en: Sequence[Segment]
) -> list[tuple[int, int]]:
    """Clause-index nodes at every sentence-bead boundary, as `aligner.align_pair` cuts a pair's clauses."""
    from alignment.clause_beads import sentence_cuts

    return sentence_cuts(sentence_beads, [c.parent for c in ja], [c.parent for c in en])


def align_clauses(job: ClauseJob) -> ClauseAligned:
    """Align one pair's clauses inside its sentence beads (aligning its sentences first if it has none)."""
    started = time.perf_counter()
    # One recorder for both levels: the clause pass sees the sentence pass's vectors as cached, as the
    # single-pair command sees them in the project's cache.
    cached = {**(job.sentences.cached if job.sentences is not None else {}), **job.clauses.cached}
    recorder, note = _recorder(job.clauses.use_embeddings, cached)
    sentence_beads, made = job.sentence_beads, None
    if job.sentences is not None:
        made = sentence_beads = tuple(_align(job.sentences, recorder, note)[0])
    cuts = clause_cuts(sentence_beads, job.ja, job.en)
    beads, signals, todo = _align(job.clauses, recorder, note, cuts)
    vectors = recorder.vectors if recorder is not None else {}
    return ClauseAligned(Aligned(tuple(beads), signals, tuple(todo), work_since(started), vectors), made)


def cache_mark(db: Database) -> int:
    """Where the embeddings cache stands when a batch starts: vectors added later are not read by it.

    A job then sees the same cache whether documents before it were stored yet or not (and whatever the
    number of workers), so its vectors, and the beads and scores made from them, never depend on timing.
    """
    row = db.execute("SELECT max(rowid) FROM embeddings").fetchone()
    return int(row[0] or 0)


def cached_vectors(db: Database, texts: Sequence[str], mark: int) -> dict[str, bytes]:
    """The cached vectors of `texts` that were in the cache at `mark`."""
    from alignment import embed

    keys = sorted({embed.cache_key(t) for t in texts})
    found: dict[str, bytes] = {}
    for k in range(0, len(keys), 500):
        chunk = keys[k : k + 500]
        marks = ",".join("?" * len(chunk))
        rows = db.execute(
            f"SELECT key, vector FROM embeddings WHERE model = ? AND rowid <= ? AND key IN ({marks})",
            [embed.MODEL, mark, *chunk],
        ).fetchall()
        found.update((str(key), bytes(blob)) for key, blob in rows)
    return found


def store_vectors(db: Database, vectors: dict[str, bytes]) -> None:
    """Add vectors a worker computed to the embeddings cache (a text already cached keeps its vector)."""
    from alignment import embed
    from alignment.project import write

    if not vectors:
        return
    with write(db):
        db.table("embeddings").insert_all(
            ({"key": k, "model": embed.MODEL, "dim": embed.DIM, "vector": v} for k, v in vectors.items()),
            ignore=True,
        )


def store_parses(db: Database, parses: Sequence[tuple[str, Parse]]) -> None:
    """Add parses a worker computed to the project's parse cache."""
    from alignment.parse import store_parses as store

    store(db, parses)
