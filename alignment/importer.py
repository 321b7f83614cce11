"""Importing a document pair: read, repair, segment, parse (cached, a chunk at a time), then write it all in one
transaction."""

from __future__ import annotations

import os
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from alignment import segment
from alignment.clause_ranges import CHUNK_SENTENCES, ClauseSegments, sentence_cuts
from alignment.layout import Layout, Override
from alignment.model import Document, Lang, Segment
from alignment.project import ProjectError, write
from alignment.repair import Repaired, repair, unrepaired
from alignment.store import create_pair, insert_document, pair_exists
from alignment.text import line_segments
from alignment.textio import path_text, read_text

if TYPE_CHECKING:
    from sqlite_utils import Database

Progress = Callable[[int], None]

MAX_NAME = 200
MAX_SENTENCE = 2_000
"""A "sentence" longer than this (a table or list without punctuation) is cut at commas or spaces."""
MAX_SEGMENT = 20_000
"""With --segmented, a line longer than this is refused: it is not a sentence but a file without line breaks."""
PARSE_CHARS_PER_S = 2_000
"""What import does on Japanese, measured (bench/import_memory.py, documents of distinct sentences): 2,458
characters a CPU second on one core; 1,618 a second of wall time on a shared two-core machine at load 2.5, 681
at load 7."""
MAX_JA_CHARS = 2_000_000
"""A Japanese document longer than this (about 6 MB of UTF-8) is refused before any work, with the reason: it is
a quarter of an hour of parsing on an idle core, nearly an hour on a busy machine. Memory sets no limit: it stays
flat whatever the size (110 MB over the loaded model for 730,000 characters, 107 MB for 360,000)."""


@dataclass(frozen=True, slots=True)
class Source:
    """One side of a pair to import: its raw text and where it came from."""

    lang: Lang
    raw: str
    encoding: str = "utf-8"
    path: str | None = None


@dataclass(frozen=True, slots=True)
class Prepared:
    """A document repaired and split into sentences; clauses come with the parse."""

    source: Source
    repaired: Repaired
    sentences: tuple[Segment, ...]
    segmented: bool


@dataclass(frozen=True, slots=True)
class Plan:
    """Everything about an import that is cheap to work out, checked before any parsing starts."""

    name: str
    replace: bool
    documents: tuple[Prepared, ...]

    @property
    def parse_count(self) -> int:
        """How many Japanese sentences the import will parse (or find in the cache)."""
        return sum(len(p.sentences) for p in self.documents if p.source.lang == "ja")


@dataclass(frozen=True, slots=True)
class DocumentSummary:
    lang: Lang
    path: str | None
    encoding: str
    raw_chars: int
    chars: int
    sentences: int
    clauses: int
    layout: Layout | None = None
    """How repair read the line breaks (None with --segmented: every line is a segment)."""


@dataclass(frozen=True, slots=True)
class ImportSummary:
    name: str
    pair_id: int
    replaced: bool
    segmented: bool
    documents: tuple[DocumentSummary, ...] = field(default=())

    def as_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "pair_id": self.pair_id,
            "replaced": self.replaced,
            "segmented": self.segmented,
            "documents": {
                d.lang: {
                    "path": d.path,
                    "encoding": d.encoding,
                    "raw_chars": d.raw_chars,
                    "chars": d.chars,
                    "sentences": d.sentences,
                    "clauses": d.clauses,
                    "layout": d.layout.as_dict() if d.layout is not None else None,
                }
                for d in self.documents
            },
        }

    def layout_notes(self) -> list[str]:
        """One line per document whose line breaks repair joined: what it decided, and how to overrule it."""
        notes = []
        for d in self.documents:
            if d.layout is None or not (d.layout.wrapped or d.layout.joined):
                continue
            remedy = "" if d.layout.forced else "; --unwrapped keeps every line break"
            notes.append(f"{d.lang.upper()}: {d.layout.describe()}{remedy}")
        return notes


# --- names ------------------------------------------------------------------------------------------------


def default_name(ja_path: str | os.PathLike[str]) -> str:
    """A pair is named after its Japanese file: `seeds/000_x.txt` → `000_x` (`x\\xff` for bytes not UTF-8)."""
    return path_text(Path(ja_path).stem)


def check_name(name: str) -> str:
    if not name or not name.strip():
        raise ProjectError("a pair name cannot be empty")
    if name != name.strip():
        raise ProjectError(f"pair name {name!r} starts or ends with a space")
    if len(name) > MAX_NAME:
        raise ProjectError(f"pair name is too long ({len(name)} characters; at most {MAX_NAME})")
    if any(unicodedata.category(ch) in {"Cc", "Cf", "Zl", "Zp"} for ch in name):
        raise ProjectError(f"pair name {name!r} contains control characters")
    return name


# --- preparing ----------------------------------------------------------------------------------------------


def prepare(
    source: Source,
    *,
    segmented: bool = False,
    word_split: Callable[[str, str], bool] | None = None,
    layout: Override = None,
) -> Prepared:
    """Repair (unless `segmented`) and split one document into sentences.

    `layout` overrules the detected reading of the line breaks ("wrapped" or "unwrapped").
    """
    check_size(source)
    if segmented:
        repaired = unrepaired(source.raw)
        sentences = line_segments(repaired.text)
        longest = max(sentences, key=lambda s: s.end - s.start, default=None)
        if longest is not None and longest.end - longest.start > MAX_SEGMENT:
            line = repaired.text.count("\n", 0, longest.start) + 1
            where = source.path or f"the {source.lang.upper()} text"
            raise ProjectError(
                f"{where} line {line} is {longest.end - longest.start:,} characters long: too long for one segment "
                f"(at most {MAX_SEGMENT:,}); --segmented expects one sentence per line"
            )
    else:
        repaired = repair(source.raw, source.lang, word_split=word_split, layout=layout)
        spans = segment.split_overlong(
            repaired.text, segment.sentences(repaired.text, source.lang), MAX_SENTENCE
        )
        sentences = segment.to_segments(repaired.text, spans)
    if not sentences:
        where = source.path or f"the {source.lang.upper()} text"
        raise ProjectError(f"{where} contains no text to segment")
    return Prepared(source, repaired, tuple(sentences), segmented)


def check_size(source: Source) -> None:
    """Refuse a Japanese document too long to parse in reasonable time, before reading it any further."""
    if source.lang == "ja" and len(source.raw) > MAX_JA_CHARS:
        where = source.path or "the JA text"
        raise ProjectError(
            f"{where} is too large to import: {len(source.raw):,} characters of Japanese (the limit is "
            f"{MAX_JA_CHARS:,}, about {MAX_JA_CHARS // PARSE_CHARS_PER_S // 60} minutes of parsing); split it "
            "and import each part as its own pair"
        )


def check_free(db: Database, name: str, replace: bool) -> None:
    if not replace and pair_exists(db, name):
        raise ProjectError(f"a pair named {name!r} already exists (use --replace to re-import it)")


def plan_import(
    db: Database | None,
    ja: Source,
    en: Source | None = None,
    *,
    name: str,
    segmented: bool = False,
    replace: bool = False,
    layout: Override = None,
) -> Plan:
    """Check the name (in `db`, when given) and prepare both documents (no GiNZA parse yet, nothing written).

    `layout` ("wrapped" / "unwrapped") overrules what repair detects, on both sides alike.
    """
    check_name(name)
    if db is not None:
        check_free(db, name, replace)
    word_split = None
    if not segmented:
        from alignment.parse import splits_word

        word_split = splits_word
    documents = [prepare(ja, segmented=segmented, word_split=word_split, layout=layout)]
    if en is not None:
        documents.append(prepare(en, segmented=segmented, layout=layout))
    return Plan(name, replace, tuple(documents))


def run_import(
    db: Database, plan: Plan, *, on_progress: Progress | None = None, chunk: int = CHUNK_SENTENCES
) -> ImportSummary:
    """Parse the Japanese sentences `chunk` at a time (cache first; each chunk's parses are cached, then
    dropped), then write the pair in a single transaction.

    Memory grows with the chunk, not the document. A failure or a kill at any point leaves no pair,
    document or segment (what was parsed stays in the parse cache, so a re-run starts where this one stopped).
    """
    cuts = [
        sentence_cuts(db, p.source.lang, p.sentences, chunk=chunk, on_progress=on_progress)
        for p in plan.documents
    ]
    with write(db):
        replaced = plan.replace and pair_exists(db, plan.name)
        pair_id = create_pair(db, plan.name, replace=plan.replace)
        summaries = []
        for prepared, doc_cuts in zip(plan.documents, cuts, strict=True):
            src = prepared.source
            doc = Document(
                id=None,
                pair_id=pair_id,
                lang=src.lang,
                raw_text=src.raw,
                text=prepared.repaired.text,
                offset_runs=prepared.repaired.runs,
                encoding=src.encoding,
                source_path=src.path,
                segmented=prepared.segmented,
            )
            clauses = ClauseSegments(doc.text, prepared.sentences, doc_cuts)  # built row by row as written
            insert_document(db, pair_id, doc, prepared.sentences, clauses)
            summaries.append(
                DocumentSummary(
                    src.lang,
                    src.path,
                    src.encoding,
                    len(src.raw),
                    len(doc.text),
                    len(prepared.sentences),
                    len(clauses),
                    None if prepared.segmented else prepared.repaired.layout,
                )
            )
    segmented = any(p.segmented for p in plan.documents)
    return ImportSummary(plan.name, pair_id, replaced, segmented, tuple(summaries))


def read_source(path: str | os.PathLike[str], lang: Lang, encoding: str | None = None) -> Source:
    decoded = read_text(path, encoding)
    return Source(lang, decoded.text, decoded.encoding, path_text(path))


def import_pair(
    db: Database,
    ja_path: str | os.PathLike[str],
    en_path: str | os.PathLike[str] | None = None,
    *,
    name: str | None = None,
    segmented: bool = False,
    encoding: str | None = None,
    en_encoding: str | None = None,
    replace: bool = False,
    layout: Override = None,
    on_progress: Progress | None = None,
) -> ImportSummary:
    """Import a JA file (and optionally its EN rendering) as a pair named `name` (default: the JA file's stem).

    Nothing is written unless everything succeeds; a bad file or an existing name leaves the project as it was.
    """
    ja = read_source(ja_path, "ja", encoding)
    en = read_source(en_path, "en", en_encoding or encoding) if en_path is not None else None
    plan = plan_import(
        db, ja, en, name=name or default_name(ja_path), segmented=segmented, replace=replace, layout=layout
    )
    return run_import(db, plan, on_progress=on_progress)


def import_texts(
    db: Database,
    name: str,
    ja_text: str,
    en_text: str | None = None,
    *,
    segmented: bool = False,
    replace: bool = False,
    layout: Override = None,
) -> ImportSummary:
    """Import a pair from strings (tests, the TUI)."""
    ja = Source("ja", ja_text)
    en = Source("en", en_text) if en_text is not None else None
    plan = plan_import(db, ja, en, name=name, segmented=segmented, replace=replace, layout=layout)
    return run_import(db, plan)
