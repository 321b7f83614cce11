"""The plain-Latin short-query index: for `a`, `ip`, `12`, the entries whose lookup keys contain them.

glossary.lookup_grams leaves out pieces made only of a-z and 0-9 (as rows they would add millions: nearly
every English key holds `a`, `in`, `er`). Here each such gram (36 of one character, 36² of two) keeps its
entries as posting lists, one per slot: the gram, how the entry ranks for it as a query (exact, prefix or
substring), the entry's status and the length of its best-matching term, scored as the scan scores it.
A slot is one row whose integer key sorts the slots in display order (rank, status, length) and whose
blob holds the slot's entry ids, ascending: a page of hits is the first rows of a key range, and the
count of matches the sum of their sizes, without reading any key.

Writes collect their changes in a `Pending` and rewrite each touched slot once: a single add rewrites the
slots of its own grams, an import (see `deferred`) each slot it touches once at the end. Stdlib only,
for the hot path.
"""

from __future__ import annotations

import sys
from collections.abc import Collection, Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, NamedTuple

from glossary.model import FIELDS

if TYPE_CHECKING:
    from sqlite_utils import Database

    from glossary.lookup import Queryable

TABLE = "glossary_lookup_latin"
_ALPHABET = "0123456789abcdefghijklmnopqrstuvwxyz"
_FIELD_NO = {f: i for i, f in enumerate(FIELDS)}
_LENGTHS = 1 << 20  # room for any key's length (a term is at most 500 characters, NFKC may lengthen it)
_STATUSES = 4  # glossary_lookup.status_rank: 0 approved … 3 forbidden
_PER_GRAM = 3 * _STATUSES * _LENGTHS


def indexed(key: str) -> bool:
    """Whether the table answers `key` (a folded query): one or two of a-z, 0-9."""
    return key in _BASE


_BASE = {g: i * _PER_GRAM for i, g in enumerate([*_ALPHABET, *[a + b for a in _ALPHABET for b in _ALPHABET]])}
"""Each gram's first slot number (a gram's slots are consecutive): 0-35 times the slots per gram for one
character, 36-1331 times for two."""


def gram_no(gram: str) -> int:
    return _BASE[gram] // _PER_GRAM


def slot(gram: str, rank: int, status: int, length: int) -> int:
    return ((gram_no(gram) * 3 + rank) * _STATUSES + status) * _LENGTHS + length


def slot_parts(number: int) -> tuple[int, int, int]:
    """(rank, status, length) of a slot."""
    return number // (_STATUSES * _LENGTHS) % 3, number // _LENGTHS % _STATUSES, number % _LENGTHS


def entry_slots(keys: Iterable[tuple[str, str]], status: int) -> set[int]:
    """The slots an entry with these (field, key) pairs and status is in: per gram, its best term by
    (rank, field, length), as the scan's min(score) picks it.

    Written for imports of 100,000 entries: set operations rather than a Python step per character."""
    # (field, length) order: the first key holding a gram as a substring is its best substring match
    ordered = sorted((_FIELD_NO[f], len(k), k) for f, k in keys)  # type: ignore[index]  # checked fields
    head: dict[str, tuple[int, int, int]] = {}
    for field_no, length, key in ordered:  # exact and prefix matches beat any substring one
        for gram in {key[:1], key[:2]} & _BASE.keys():
            score = (0 if length == len(gram) else 1, field_no, length)
            if gram not in head or score < head[gram]:
                head[gram] = score
    slots = {_BASE[g] + ((r * _STATUSES + status) * _LENGTHS + n) for g, (r, _f, n) in head.items()}
    seen = set(head)
    for _field_no, length, key in ordered:
        grams = _BASE.keys() & {*key, *map(str.__add__, key, key[1:])}
        grams -= seen
        seen |= grams
        offset = (2 * _STATUSES + status) * _LENGTHS + length
        slots.update(_BASE[g] + offset for g in grams)
    return slots


# --- the blobs ----------------------------------------------------------------------------------------

_BIG = sys.byteorder == "big"  # blobs are little-endian, whatever machine wrote the file


def encode(ids: Sequence[int]) -> bytes:
    """Ascending ids, 4 bytes each (8 when one is outside 0 … 2³²-1), after a one-byte type code."""
    import array  # (the write path only: reading needs no module)

    code = "I" if not ids or (ids[0] >= 0 and ids[-1] < 1 << 32) else "q"
    packed = array.array(code, ids)
    if _BIG:
        packed.byteswap()
    return code.encode() + packed.tobytes()


def decode(blob: bytes, limit: int | None = None) -> list[int]:
    """The ids of a blob (the first `limit` of them)."""
    code = chr(blob[0])
    width = 4 if code == "I" else 8
    end = len(blob) if limit is None else min(len(blob), 1 + limit * width)
    if _BIG:
        import array

        packed = array.array(code, blob[1:end])
        packed.byteswap()
        return packed.tolist()
    view = memoryview(blob)[1:end]
    return (view.cast("I") if width == 4 else view.cast("q")).tolist()


def size(blob: bytes) -> int:
    return (len(blob) - 1) // (4 if blob[:1] == b"I" else 8)


# --- writing ------------------------------------------------------------------------------------------


class Pending:
    """Entries whose slots are to be rewritten: the slots each was in before its first change, and its
    keys and status after the last one."""

    def __init__(self) -> None:
        self.before: dict[int, set[int]] = {}
        self.after: dict[int, tuple[Sequence[tuple[str, str]], int]] = {}

    def changes(self) -> dict[int, tuple[list[int], list[int]]]:
        """Per slot, the entries that join it and those that leave it."""
        out: dict[int, tuple[list[int], list[int]]] = {}
        for entry_id, (keys, status) in self.after.items():
            old, new = self.before[entry_id], entry_slots(keys, status)
            for number in new - old:
                out.setdefault(number, ([], []))[0].append(entry_id)
            for number in old - new:
                out.setdefault(number, ([], []))[1].append(entry_id)
        return out

    def flush(self, db: Database) -> None:
        """Rewrite every slot with a change, once."""
        changed = self.changes()
        self.before, self.after = {}, {}
        if not changed:
            return
        stored = dict(_stored(db, changed))
        writes: list[tuple[int, bytes]] = []
        empty: list[tuple[int]] = []
        for number, (joining, leaving) in changed.items():
            ids = set(decode(stored[number])) if number in stored else set()
            ids.update(joining)
            ids.difference_update(leaving)
            if ids:
                writes.append((number, encode(sorted(ids))))
            elif number in stored:
                empty.append((number,))
        db.conn.executemany(f"INSERT OR REPLACE INTO {TABLE} (slot, ids) VALUES (?, ?)", writes)
        db.conn.executemany(f"DELETE FROM {TABLE} WHERE slot = ?", empty)


def _stored(db: Database, slots: Collection[int]) -> Iterator[tuple[int, bytes]]:
    if len(slots) > 5000:  # an import: one pass over the table beats thousands of lookups
        for number, blob in db.execute(f"SELECT slot, ids FROM {TABLE}"):
            if number in slots:
                yield number, blob
        return
    numbers = list(slots)
    for start in range(0, len(numbers), 500):  # well under SQLite's parameter limit
        chunk = numbers[start : start + 500]
        marks = ", ".join("?" * len(chunk))
        yield from db.execute(f"SELECT slot, ids FROM {TABLE} WHERE slot IN ({marks})", chunk)


_DEFERRED: dict[int, Pending] = {}  # by id() of the connection (sqlite3 connections take no weak references)


@contextmanager
def deferred(db: Database) -> Iterator[None]:
    """Within this block (inside the write transaction), replace() only collects its changes; they are
    written when the block ends without an error, so an import rewrites each slot it touches once."""
    if id(db.conn) in _DEFERRED:  # nested: the outer block writes
        yield
        return
    pending = _DEFERRED[id(db.conn)] = Pending()
    try:
        yield
    finally:
        del _DEFERRED[id(db.conn)]
    pending.flush(db)


def _stored_slots(db: Database, entry_id: int) -> set[int]:
    rows = db.execute(
        "SELECT field, key, status_rank FROM glossary_lookup WHERE entry_id = ?", [entry_id]
    ).fetchall()
    return entry_slots([(f, k) for f, k, _ in rows], rows[0][2]) if rows else set()


def replace(db: Database, entry_id: int, keys: Sequence[tuple[str, str]], status: int) -> None:
    """Move the entry from the slots of its stored keys to those of `keys` (call before the stored keys
    are deleted); `keys` empty: it leaves them all."""
    pending = _DEFERRED.get(id(db.conn)) or Pending()
    if entry_id not in pending.before:
        pending.before[entry_id] = _stored_slots(db, entry_id)
    pending.after[entry_id] = (keys, status)
    if id(db.conn) not in _DEFERRED:
        pending.flush(db)


def create(db: Database) -> None:
    """The table, filled from the stored lookup keys (the migration)."""
    db.execute(f"CREATE TABLE {TABLE} (slot INTEGER PRIMARY KEY, ids BLOB NOT NULL)")
    keys: dict[int, tuple[list[tuple[str, str]], int]] = {}
    for entry_id, field, key, status in db.execute(
        "SELECT entry_id, field, key, status_rank FROM glossary_lookup"
    ):
        keys.setdefault(entry_id, ([], status))[0].append((field, key))
    pending = Pending()
    pending.before = {entry_id: set() for entry_id in keys}
    pending.after = dict(keys)
    pending.flush(db)


# --- reading ------------------------------------------------------------------------------------------


class LatinHit(NamedTuple):
    entry_id: int
    rank: int
    length: int


def search(
    db: Queryable, key: str, *, limit: int, statuses: Sequence[int] = ()
) -> tuple[list[LatinHit], int]:
    """The first `limit` entries for `key` (one or two of a-z, 0-9) in display order (rank, status,
    length, id) and how many match in all; `statuses` are status ranks (0 approved … 3 forbidden)."""
    low = gram_no(key) * _PER_GRAM
    hits: list[LatinHit] = []
    total = 0
    for number, blob in db.execute(
        f"SELECT slot, ids FROM {TABLE} WHERE slot >= ? AND slot < ? ORDER BY slot", [low, low + _PER_GRAM]
    ):
        rank, status, length = slot_parts(number)
        if statuses and status not in statuses:
            continue
        total += size(blob)
        if len(hits) < limit:
            hits.extend(LatinHit(i, rank, length) for i in decode(blob, limit - len(hits)))
    return hits, total
