"""What changed in the glossary and in the spans during one action, read back for the undo history.

Every write of glossary.store logs the entry before and after in `glossary_history`; the application layer
notes the last log id before an action and, at its end, reads the entries the action changed from there,
whatever function changed them (add, edit, import, harvest, merge). Span rows are snapshotted directly.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlite_utils import Database

from glossary.location import termbase


@dataclass(frozen=True, slots=True)
class EntryChange:
    """One entry changed by an action: its first state before and its last state after (None: absent)."""

    entry_id: int
    before: dict[str, Any] | None
    after: dict[str, Any] | None


def last_change_id(db: Database) -> int:
    """The id of the newest glossary log row (0 for an empty log)."""
    db = termbase(db)  # a shared glossary file, if the project uses one
    row = db.execute("SELECT max(id) FROM glossary_history").fetchone()
    return int(row[0] or 0)


def changes_since(db: Database, after_id: int) -> list[EntryChange]:
    """Entries changed since log row `after_id`, in the order they were first changed."""
    db = termbase(db)  # a shared glossary file, if the project uses one
    first: dict[int, dict[str, Any] | None] = {}
    last: dict[int, dict[str, Any] | None] = {}
    for entry_id, before, after in db.execute(
        "SELECT entry_id, before_json, after_json FROM glossary_history WHERE id > ? ORDER BY id", [after_id]
    ):
        if entry_id not in first:
            first[entry_id] = json.loads(before) if before else None
        last[entry_id] = json.loads(after) if after else None
    return [EntryChange(i, first[i], last[i]) for i in first if first[i] != last[i]]


# --- span rows (snapshots the undo history stores, and the few updates that have no glossary API) ----


def span_row(db: Database, span_id: int) -> dict[str, Any] | None:
    rows = list(db.query("SELECT * FROM spans WHERE id = ?", [span_id]))
    return rows[0] if rows else None


def span_rows(db: Database, pair_id: int) -> dict[int, dict[str, Any]]:
    """Every span row of a pair by id."""
    return {int(r["id"]): r for r in db.query("SELECT * FROM spans WHERE pair_id = ?", [pair_id])}


def status_counts(db: Database, pair_id: int) -> dict[str, int]:
    rows = db.execute("SELECT status, count(*) FROM spans WHERE pair_id = ? GROUP BY status", [pair_id])
    return {str(status): int(n) for status, n in rows.fetchall()}


def find_span(db: Database, pair_id: int, lang: str, start: int, end: int, label: str) -> int | None:
    row = db.execute(
        'SELECT id FROM spans WHERE pair_id = ? AND lang = ? AND start = ? AND "end" = ? AND label = ?',
        [pair_id, lang, start, end, label],
    ).fetchone()
    return int(row[0]) if row else None


def spans_linked_to(db: Database, entry_id: int) -> list[int]:
    return [int(r[0]) for r in db.execute("SELECT id FROM spans WHERE entry_id = ? ORDER BY id", [entry_id])]


def spans_overlapping(db: Database, pair_id: int, lang: str, start: int, end: int) -> list[int]:
    """Spans of one side that overlap [start, end) (an empty range counts the span that covers `start`)."""
    rows = db.execute(
        'SELECT id FROM spans WHERE pair_id = ? AND lang = ? AND start < ? AND "end" > ? ORDER BY id',
        [pair_id, lang, max(end, start + 1), start],
    )
    return [int(r[0]) for r in rows.fetchall()]


def delete_spans(db: Database, ids: Sequence[int]) -> None:
    db.conn.executemany("DELETE FROM spans WHERE id = ?", [(i,) for i in ids])


_BIG = 1 << 40


def shift_spans(db: Database, pair_id: int, lang: str, start: int, delta: int, seg_delta: int) -> None:
    """Move every span of one side at or after `start` by `delta` characters and `seg_delta` segments.

    Two steps through a far range: shifting in place could collide with UNIQUE(document, start, end, label).
    """
    db.execute(
        'UPDATE spans SET start = start + ?, "end" = "end" + ?, segment_idx = segment_idx + ? '
        "WHERE pair_id = ? AND lang = ? AND start >= ? AND start < ?",
        [_BIG + delta, _BIG + delta, seg_delta, pair_id, lang, start, _BIG],
    )
    db.execute(
        'UPDATE spans SET start = start - ?, "end" = "end" - ? WHERE pair_id = ? AND lang = ? AND start >= ?',
        [_BIG, _BIG, pair_id, lang, _BIG],
    )
