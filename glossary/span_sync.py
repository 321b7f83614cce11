"""Suggestion runs: syncing proposed spans and acronym definitions into a document, and reading the
definitions back. A run adds what is new, refreshes what is still proposed, drops stale suggestions, and
never touches a span a person accepted, rejected or added."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from alignment.model import Document, Pair
from alignment.project import now, write
from glossary.acronyms import Definition
from glossary.spans import (
    _PRIORITY,
    Span,
    StoredDefinition,
    SyncReport,
    text_hash,
)

if TYPE_CHECKING:
    from sqlite_utils import Database


def merge_proposals(proposals: Iterable[Span]) -> list[Span]:
    """One proposal per (start, end, label): the most specific source wins, entry and hint are kept."""
    best: dict[tuple[int, int, str], Span] = {}
    for p in proposals:
        old = best.get(p.key)
        if old is None:
            best[p.key] = p
            continue
        win, lose = (p, old) if _PRIORITY[p.source] < _PRIORITY[old.source] else (old, p)
        best[p.key] = Span(
            start=win.start,
            end=win.end,
            label=win.label,
            source=win.source,
            status="suggested",
            entry_id=win.entry_id or lose.entry_id,
            hint=win.hint or lose.hint,
            lang=win.lang,
            segment=win.segment if win.segment is not None else lose.segment,
        )
    return sorted(best.values(), key=lambda s: (s.start, -s.end, s.label))


def sync_suggestions(
    db: Database,
    pair: Pair,
    doc: Document,
    proposals: Sequence[Span],
    *,
    user: str,
    definitions: Sequence[tuple[int | None, Definition]] = (),
) -> SyncReport:
    """Make the document's suggested spans equal `proposals`, in one transaction.

    Accepted, rejected and user spans are never changed; suggested ones no longer proposed are removed.
    The document's acronym definitions are replaced by `definitions` ((segment index, definition) pairs).
    """
    proposals = merge_proposals(proposals)
    ts = now()
    added = refreshed = removed = kept = 0
    with write(db):
        current = {
            (r["start"], r["end"], r["label"]): r
            for r in db.query(
                'SELECT id, start, "end", label, status, source FROM spans WHERE document_id = ?', [doc.id]
            )
        }
        wanted = {p.key for p in proposals}
        stale = [
            r["id"]
            for k, r in current.items()
            if r["status"] == "suggested" and r["source"] != "user" and k not in wanted
        ]
        for i in range(0, len(stale), 500):
            chunk = stale[i : i + 500]
            db.execute(f"DELETE FROM spans WHERE id IN ({','.join('?' * len(chunk))})", chunk)
        removed = len(stale)
        inserts = []
        updates = []
        for p in proposals:
            row = current.get(p.key)
            if row is None:
                inserts.append(
                    (
                        pair.id,
                        doc.id,
                        doc.lang,
                        p.segment,
                        p.start,
                        p.end,
                        p.label,
                        p.source,
                        p.entry_id,
                        p.hint,
                        user,
                        ts,
                        user,
                        ts,
                    )
                )
            elif row["status"] == "suggested" and row["source"] != "user":
                updates.append((p.source, p.entry_id, p.hint, p.segment, row["id"]))
            else:
                kept += 1
        db.conn.executemany(
            """INSERT INTO spans (pair_id, document_id, lang, segment_idx, start, "end", label, source, status,
               entry_id, hint, created_by, created_at, updated_by, updated_at)
               VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'suggested', ?, ?, ?, ?, ?, ?)""",
            inserts,
        )
        # Refreshing a suggestion is not a decision: who/when stay those of the run that first proposed it.
        db.conn.executemany(
            "UPDATE spans SET source = ?, entry_id = ?, hint = ?, segment_idx = ? WHERE id = ?", updates
        )
        added, refreshed = len(inserts), len(updates)
        _replace_definitions(db, pair.id, doc, definitions)
        db.execute(
            "INSERT OR REPLACE INTO suggest_runs (document_id, ran_at, ran_by, text_hash) VALUES (?, ?, ?, ?)",
            [doc.id, ts, user, text_hash(doc.text)],
        )
    return SyncReport(added=added, refreshed=refreshed, removed=removed, kept=kept)


def _replace_definitions(
    db: Database, pair_id: int, doc: Document, definitions: Sequence[tuple[int | None, Definition]]
) -> None:
    db.execute("DELETE FROM acronym_definitions WHERE document_id = ?", [doc.id])

    def lo(span: tuple[int, int] | None) -> int | None:
        return span[0] if span else None

    def hi(span: tuple[int, int] | None) -> int | None:
        return span[1] if span else None

    db.conn.executemany(
        """INSERT INTO acronym_definitions (pair_id, document_id, lang, segment_idx, rule, short, short_start,
           short_end, ja, ja_start, ja_end, en, en_start, en_end) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
        [
            (
                pair_id,
                doc.id,
                doc.lang,
                seg,
                d.rule,
                d.short,
                lo(d.short_span),
                hi(d.short_span),
                d.ja,
                lo(d.ja_span),
                hi(d.ja_span),
                d.en,
                lo(d.en_span),
                hi(d.en_span),
            )
            for seg, d in definitions
        ],
    )


def stored_definitions(db: Database, pair: Pair) -> list[StoredDefinition]:
    """The pair's acronym definitions from the last suggestion run, in document order (JA first)."""

    def span(a: int | None, b: int | None) -> tuple[int, int] | None:
        return (a, b) if a is not None and b is not None else None

    rows = db.query(
        """SELECT * FROM acronym_definitions WHERE pair_id = ?
           ORDER BY CASE lang WHEN 'ja' THEN 0 ELSE 1 END, coalesce(short_start, ja_start, en_start), id""",
        [pair.id],
    )
    return [
        StoredDefinition(
            pair_id=r["pair_id"],
            lang=r["lang"],
            segment=r["segment_idx"],
            definition=Definition(
                r["short"],
                span(r["short_start"], r["short_end"]),
                r["ja"],
                span(r["ja_start"], r["ja_end"]),
                r["en"],
                span(r["en_start"], r["en_end"]),
                r["rule"],
            ),
        )
        for r in rows
    ]


def suggestions_current(db: Database, doc: Document) -> bool:
    """Whether suggestions ran on exactly this document text."""
    row = db.execute("SELECT text_hash FROM suggest_runs WHERE document_id = ?", [doc.id]).fetchone()
    return bool(row) and row[0] == text_hash(doc.text)
