"""Entity spans and acronym definitions: the model, and reading/writing them in the project file.

A span is a half-open code-point range of a document's text with a label, the source that proposed it
and a status. Suggestions are synced per document: a new run adds what is new, refreshes what is still
proposed, drops stale suggestions, and never touches a span a person accepted, rejected or added.
"""

from __future__ import annotations

import bisect
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

from alignment.model import Document, Lang, Pair, Segment
from alignment.project import ProjectError, now, write
from alignment.store import get_document, get_segments
from glossary.acronyms import Definition
from glossary.labels import LABELS

if TYPE_CHECKING:
    from sqlite_utils import Database

SpanSource = Literal["ginza", "acronym", "glossary", "user"]
SpanStatus = Literal["suggested", "accepted", "rejected"]
SOURCES: tuple[SpanSource, ...] = ("ginza", "acronym", "glossary", "user")
STATUSES: tuple[SpanStatus, ...] = ("suggested", "accepted", "rejected")

# When two sources propose the same (range, label), the row records the most specific one:
# a glossary match carries its entry, an acronym rule is exact where GiNZA's label is a guess.
_PRIORITY: dict[str, int] = {"glossary": 0, "acronym": 1, "ginza": 2}


class SpanNotFound(ProjectError):
    pass


class InvalidSpan(ProjectError):
    pass


@dataclass(frozen=True, slots=True)
class Span:
    """A labelled range of a document's text (half-open code points into Document.text)."""

    start: int
    end: int
    label: str
    source: SpanSource = "user"
    status: SpanStatus = "suggested"
    entry_id: int | None = None
    hint: str | None = None
    """GiNZA's own label when GiNZA proposed or confirmed the span (e.g. `Political_Organization_Other`)."""
    lang: Lang = "ja"
    segment: int | None = None
    """Index of the sentence segment holding the span's start."""
    text: str = ""
    """The covered text (filled when read from the project)."""
    id: int | None = None
    created_by: str | None = None
    created_at: str | None = None
    updated_by: str | None = None
    updated_at: str | None = None

    @property
    def key(self) -> tuple[int, int, str]:
        return (self.start, self.end, self.label)


@dataclass(frozen=True, slots=True)
class SyncReport:
    added: int = 0
    refreshed: int = 0
    """Still-suggested spans proposed again (their source, entry or hint may have changed)."""
    removed: int = 0
    """Suggestions no source proposes any more."""
    kept: int = 0
    """Spans proposed again that a person had already accepted or rejected (left as they were)."""


@dataclass(frozen=True, slots=True)
class StoredDefinition:
    """An acronym definition as recorded by the last suggestion run, with where it was found."""

    pair_id: int
    lang: Lang
    segment: int | None
    definition: Definition


# --- helpers ------------------------------------------------------------------------------------------


class SegmentIndex:
    """Finds the sentence segment holding an offset (segments sorted by start, as stored)."""

    def __init__(self, segments: Sequence[Segment]) -> None:
        self.segments = list(segments)
        self.starts = [s.start for s in self.segments]

    def of(self, start: int) -> int | None:
        """Index of the segment whose range holds `start`, or None (between segments)."""
        i = bisect.bisect_right(self.starts, start) - 1
        if i >= 0 and self.segments[i].start <= start < self.segments[i].end:
            return self.segments[i].index
        return None

    def holding(self, start: int, end: int) -> int | None:
        """Index of the segment holding all of [start, end), or None."""
        i = bisect.bisect_right(self.starts, start) - 1
        if i >= 0 and self.segments[i].start <= start and end <= self.segments[i].end:
            return self.segments[i].index
        return None


def segment_index_of(segments: Sequence[Segment], start: int) -> int | None:
    """Index of the segment whose range holds `start` (segments sorted by start), or None."""
    return SegmentIndex(segments).of(start)


def text_hash(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def _span(row: dict[str, Any], text: str) -> Span:
    return Span(
        start=row["start"],
        end=row["end"],
        label=row["label"],
        source=row["source"],
        status=row["status"],
        entry_id=row["entry_id"],
        hint=row["hint"],
        lang=row["lang"],
        segment=row["segment_idx"],
        text=text[row["start"] : row["end"]],
        id=row["id"],
        created_by=row["created_by"],
        created_at=row["created_at"],
        updated_by=row["updated_by"],
        updated_at=row["updated_at"],
    )


def _check_label(label: str) -> str:
    label = (label or "").strip().upper()
    if label not in LABELS:
        raise InvalidSpan(f"unknown label {label!r} (use one of {', '.join(LABELS)})")
    return label


def _document(db: Database, pair: Pair, lang: Lang) -> Document:
    doc = get_document(db, pair.id, lang)
    if doc is None or doc.id is None:
        raise ProjectError(f"pair {pair.name!r} has no {lang.upper()} document")
    return doc


# --- reading ------------------------------------------------------------------------------------------


def list_spans(
    db: Database,
    pair: Pair,
    *,
    lang: Lang | None = None,
    statuses: Sequence[SpanStatus] = (),
    sources: Sequence[SpanSource] = (),
    labels: Sequence[str] = (),
) -> list[Span]:
    """The pair's spans in document order (JA first), with their text, optionally filtered."""
    out: list[Span] = []
    for lang_ in (lang,) if lang else ("ja", "en"):
        doc = get_document(db, pair.id, lang_)
        if doc is None or doc.id is None:
            continue
        sql = "SELECT * FROM spans WHERE document_id = ?"
        params: list[Any] = [doc.id]
        for column, values in (("status", statuses), ("source", sources), ("label", labels)):
            if values:
                sql += f" AND {column} IN ({','.join('?' * len(values))})"
                params.extend(values)
        sql += ' ORDER BY start, "end" DESC, label'
        out.extend(_span(row, doc.text) for row in db.query(sql, params))
    return out


def get_span(db: Database, span_id: int) -> Span:
    rows = list(
        db.query(
            "SELECT s.*, d.text AS doc_text FROM spans s JOIN documents d ON d.id = s.document_id WHERE s.id = ?",
            [span_id],
        )
    )
    if not rows:
        raise SpanNotFound(f"no span {span_id}")
    return _span(rows[0], rows[0]["doc_text"])


def count_spans(db: Database, pair: Pair) -> dict[str, int]:
    """Spans of the pair by status."""
    counts: dict[str, int] = dict.fromkeys(STATUSES, 0)
    for row in db.query(
        "SELECT status, count(*) AS n FROM spans WHERE pair_id = ? GROUP BY status", [pair.id]
    ):
        counts[row["status"]] = row["n"]
    return counts


def count_by_source(db: Database, pair: Pair) -> dict[str, int]:
    """Spans of the pair by the source that proposed them (every span counted once)."""
    rows = db.execute("SELECT source, count(*) FROM spans WHERE pair_id = ? GROUP BY source", [pair.id])
    return {str(source): int(n) for source, n in rows.fetchall()}


def count_linked(db: Database, pair: Pair) -> int:
    """Spans of the pair linked to a glossary entry."""
    row = db.execute("SELECT count(*) FROM spans WHERE pair_id = ? AND entry_id IS NOT NULL", [pair.id])
    return int(row.fetchone()[0])


# --- writing: people ----------------------------------------------------------------------------------


def add_span(
    db: Database,
    pair: Pair,
    lang: Lang,
    start: int,
    end: int,
    label: str,
    *,
    user: str,
    entry_id: int | None = None,
    status: SpanStatus = "accepted",
) -> Span:
    """A span drawn by a person (source `user`, accepted unless said otherwise).

    If a suggestion with the same range and label exists, it becomes the person's decision instead.
    """
    label = _check_label(label)
    doc = _document(db, pair, lang)
    if not (0 <= start < end <= len(doc.text)):
        raise InvalidSpan(f"span {start}–{end} is outside the {lang.upper()} text (0–{len(doc.text)})")
    if status not in STATUSES:
        raise InvalidSpan(f"unknown status {status!r}")
    assert doc.id is not None  # a stored document
    segment = segment_index_of(get_segments(db, doc.id), start)
    ts = now()
    with write(db):
        existing = db.execute(
            'SELECT id FROM spans WHERE document_id = ? AND start = ? AND "end" = ? AND label = ?',
            [doc.id, start, end, label],
        ).fetchone()
        if existing:
            db.execute(
                "UPDATE spans SET status = ?, entry_id = coalesce(?, entry_id), updated_by = ?, updated_at = ? "
                "WHERE id = ?",
                [status, entry_id, user, ts, existing[0]],
            )
            span_id = existing[0]
        else:
            span_id = db.execute(
                """INSERT INTO spans (pair_id, document_id, lang, segment_idx, start, "end", label, source,
                   status, entry_id, hint, created_by, created_at, updated_by, updated_at)
                   VALUES (?, ?, ?, ?, ?, ?, ?, 'user', ?, ?, NULL, ?, ?, ?, ?)""",
                [pair.id, doc.id, lang, segment, start, end, label, status, entry_id, user, ts, user, ts],
            ).lastrowid
    return get_span(db, int(span_id))


def set_status(db: Database, span_id: int, status: SpanStatus, *, user: str) -> Span:
    """Accept, reject or reopen a span (a person's decision, recorded with who and when)."""
    if status not in STATUSES:
        raise InvalidSpan(f"unknown status {status!r} (use one of {', '.join(STATUSES)})")
    with write(db):
        get_span(db, span_id)
        db.execute(
            "UPDATE spans SET status = ?, updated_by = ?, updated_at = ? WHERE id = ?",
            [status, user, now(), span_id],
        )
    return get_span(db, span_id)


def set_label(db: Database, span_id: int, label: str, *, user: str) -> Span:
    """Relabel a span; the result is the person's (accepted) decision."""
    label = _check_label(label)
    with write(db):
        span = get_span(db, span_id)
        if span.label != label:
            clash = db.execute(
                "SELECT s.id FROM spans s JOIN spans t ON t.document_id = s.document_id AND t.start = s.start "
                'AND t."end" = s."end" WHERE t.id = ? AND s.label = ?',
                [span_id, label],
            ).fetchone()
            if clash:
                raise InvalidSpan(f"span {clash[0]} already covers that text with label {label}")
        db.execute(
            "UPDATE spans SET label = ?, status = 'accepted', updated_by = ?, updated_at = ? WHERE id = ?",
            [label, user, now(), span_id],
        )
    return get_span(db, span_id)


def link_entry(db: Database, span_id: int, entry_id: int | None, *, user: str) -> Span:
    with write(db):
        get_span(db, span_id)
        db.execute(
            "UPDATE spans SET entry_id = ?, updated_by = ?, updated_at = ? WHERE id = ?",
            [entry_id, user, now(), span_id],
        )
    return get_span(db, span_id)


def remove_span(db: Database, span_id: int) -> Span:
    with write(db):
        span = get_span(db, span_id)
        db.execute("DELETE FROM spans WHERE id = ?", [span_id])
    return span
