"""The short-query index: every 1- and 2-character piece of an entry's lookup keys, in display order.

A trigram index cannot answer a query of one or two characters (海, 協力, ㈱, %), and scanning every key
for one costs tens of milliseconds on 100,000 entries. This table holds, for each such piece (a "gram")
and each entry whose keys contain it, how that entry would rank for the gram as a query: exact or
prefix or substring, the field and the length of its best term. Its primary key is that order, so the
first page of hits and the count of matches are index range reads, whatever the number of matches.

Grams made only of ASCII letters, digits and spaces are left out (they would triple the table: nearly
every English key contains `a`, `in`, `er`); glossary.lookup_latin answers those queries. The store keeps the table in
step with glossary_lookup (glossary.store calls `replace` and `drop`); stdlib only, for the hot path.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, NamedTuple

from glossary.model import FIELDS, Field, Status

if TYPE_CHECKING:
    from sqlite_utils import Database

    from glossary.lookup import Queryable

TABLE = "glossary_lookup_grams"
MAX_GRAM = 2
_PLAIN = re.compile(r"[a-z0-9 ]+")
_PLAIN_CHARS = "abcdefghijklmnopqrstuvwxyz0123456789 "
_PLAIN_GRAMS = frozenset([*_PLAIN_CHARS, *(a + b for a in _PLAIN_CHARS for b in _PLAIN_CHARS)])
_FIELD_NO = {f: i for i, f in enumerate(FIELDS)}
STATUS_ORDER: tuple[Status, ...] = ("approved", "proposed", "deprecated", "forbidden")
"""Within a rank, hits are shown in this order of status; glossary_lookup.status_rank is the position."""


class Gram(NamedTuple):
    """One row of the table: `rank` 0 exact, 1 prefix, 2 substring; `field` indexes FIELDS."""

    gram: str
    rank: int
    length: int
    entry_id: int
    field: int


def indexed(key: str) -> bool:
    """Whether the table answers `key` (a folded query): one or two characters, not only a-z, 0-9, space."""
    return 0 < len(key) <= MAX_GRAM and _PLAIN.fullmatch(key) is None


def entry_grams(entry_id: int, keys: Iterable[tuple[Field | str, str]]) -> list[Gram]:
    """The rows for one entry: per gram, its best term by (rank, field, length), as the scan scores it."""
    best: dict[str, tuple[int, int, int]] = {}
    for field, key in keys:
        field_no = _FIELD_NO[field]  # type: ignore[index]  # stored fields are checked by the schema
        # the distinct pieces, less the plain ones by set difference: an import computes this for every
        # key, and a step per position (with a regular expression each) cost seconds per 100,000 entries
        for gram in {*key, *map(str.__add__, key, key[1:])} - _PLAIN_GRAMS:
            rank = 0 if key == gram else 1 if key.startswith(gram) else 2  # ああ opens あいああ too
            score = (rank, field_no, len(key))
            if gram not in best or score < best[gram]:
                best[gram] = score
    return [Gram(g, r, n, entry_id, f) for g, (r, f, n) in best.items()]


def drop(db: Database, entry_id: int) -> None:
    """Delete the entry's rows, computed from its stored lookup keys (call before those are deleted)."""
    keys = db.execute("SELECT field, key FROM glossary_lookup WHERE entry_id = ?", [entry_id]).fetchall()
    # by primary key: the table has no index on entry_id, which would double its size
    db.conn.executemany(
        f"DELETE FROM {TABLE} WHERE gram = ? AND rank = ? AND length = ? AND entry_id = ?",
        [row[:4] for row in entry_grams(entry_id, keys)],
    )


def insert(db: Database, rows: Iterable[Gram]) -> None:
    db.conn.executemany(
        f"INSERT INTO {TABLE} (gram, rank, length, entry_id, field) VALUES (?, ?, ?, ?, ?)", rows
    )


def replace(db: Database, entry_id: int, keys: Iterable[tuple[Field, str]]) -> None:
    """Swap the entry's rows for those of `keys` (call before its old lookup keys are deleted)."""
    drop(db, entry_id)
    insert(db, entry_grams(entry_id, keys))


def create(db: Database) -> None:
    """The table, filled from the stored lookup keys (the migration)."""
    db.execute(
        f"""CREATE TABLE {TABLE} (
            gram TEXT NOT NULL,
            rank INTEGER NOT NULL,
            length INTEGER NOT NULL,
            entry_id INTEGER NOT NULL,
            field INTEGER NOT NULL,
            PRIMARY KEY (gram, rank, length, entry_id)
        ) WITHOUT ROWID"""
    )
    keys: dict[int, list[tuple[str, str]]] = {}
    for entry_id, field, key in db.execute("SELECT entry_id, field, key FROM glossary_lookup"):
        keys.setdefault(entry_id, []).append((field, key))
    insert(db, (row for entry_id, entry_keys in keys.items() for row in entry_grams(entry_id, entry_keys)))


# --- reading ------------------------------------------------------------------------------------------


class GramHit(NamedTuple):
    entry_id: int
    rank: int
    field: int
    length: int


def search(db: Queryable, key: str, *, limit: int, statuses: Sequence[str] = ()) -> tuple[list[GramHit], int]:
    """The first `limit` entries for a short `key` in display order (rank, status, length, id), and how
    many match in all. Reads only as many rows as it shows, a rank and status at a time."""
    if statuses:
        marks = ", ".join("?" * len(statuses))
        total = db.execute(
            f"""SELECT count(*) FROM {TABLE} g CROSS JOIN glossary_entries e ON e.id = g.entry_id
                WHERE g.gram = ? AND e.status IN ({marks})""",
            [key, *statuses],
        ).fetchone()[0]
    else:
        total = db.execute(f"SELECT count(*) FROM {TABLE} WHERE gram = ?", [key]).fetchone()[0]
    hits: list[GramHit] = []
    wanted = [s for s in STATUS_ORDER if not statuses or s in statuses]
    for rank in range(3):
        for status in wanted:
            if len(hits) >= limit or len(hits) >= total:
                return hits, int(total)
            # CROSS JOIN keeps the gram table outside: rows come in key order and the LIMIT stops early.
            rows = db.execute(
                f"""SELECT g.entry_id, g.rank, g.field, g.length
                    FROM {TABLE} g CROSS JOIN glossary_entries e ON e.id = g.entry_id
                    WHERE g.gram = ? AND g.rank = ? AND e.status = ?
                    ORDER BY g.length, g.entry_id LIMIT ?""",
                [key, rank, status, limit - len(hits)],
            ).fetchall()
            hits.extend(GramHit(*r) for r in rows)
    return hits, int(total)
