"""Lookup keys (width-, kana-, case-insensitive), the ranked substring search over them, and loading the
entries it finds.

This is the `taiyaku glossary lookup` hot path: stdlib only (plus the folding in alignment.text and the
model), so it runs on a plain `sqlite3.Connection` as well as on the project's sqlite-utils Database.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterator, Sequence
from typing import TYPE_CHECKING, Any, NamedTuple, Protocol

from alignment.text import fold_char
from glossary import lookup_grams, lookup_latin
from glossary.model import (
    FIELDS,
    RANKS,
    STATUSES,
    Entry,
    Field,
    LookupHit,
    LookupResult,
    Rank,
    Source,
    Status,
    Variant,
)

if TYPE_CHECKING:  # (defining a Protocol class at run time costs the hot path a millisecond)
    import sqlite3

    class Queryable(Protocol):
        """What reading needs of a connection: `sqlite3.Connection` and sqlite-utils' `Database` fit."""

        def execute(self, sql: str, parameters: Any = ..., /) -> sqlite3.Cursor: ...


# Dashes that NFKC leaves alone but that people type interchangeably in acronyms (IFC‐IOR, IFC−IOR).
# The long vowel mark ー and the full-width hyphen (NFKC already maps it) are deliberately absent.
_DASHES = str.maketrans(dict.fromkeys("\u2010\u2011\u2012\u2013\u2212\ufe63", "-"))
_SPACES = re.compile(r"\s+")


def lookup_key(text: str) -> str:
    """The key two spellings of a term share: NFKC, katakana → hiragana, Latin casefold, one dash, one space.

    ＩＰＭＤＡ, ipmda and IPMDA share a key; so do インド and いんど, ｲﾝﾄﾞ and インド.
    """
    return _SPACES.sub(" ", fold_char(text).translate(_DASHES)).strip()


class KeyHit(NamedTuple):
    entry_id: int
    field: Field
    term: str
    rank: Rank


_FIELD_ORDER = " ".join(f"WHEN '{f}' THEN {i}" for i, f in enumerate(FIELDS))

# One row per entry, scored by its best-matching term: rank exact (0) > prefix (1) > substring (2), then
# the field (ja first), then the term's length, packed into one integer with the entry's status (the same
# on all its keys: glossary_lookup.status_rank, 0 approved … 3 forbidden) so GROUP BY can take min().
# Entries are then ordered by rank, approved first, shortest matching term, oldest entry, reading no
# entry row. instr() instead of LIKE: % and _ in a query are plain characters. Queries of 3+ characters
# first ask the trigram index for candidate keys; 1-2 character ones read glossary.lookup_grams, or
# glossary.lookup_latin when they are only a-z and 0-9 (an older file without them scans every key), since a
# trigram index finds nothing for them.
_SCORE = f"""min((CASE WHEN key = :q THEN 0 WHEN substr(key, 1, :n) = :q THEN 1 ELSE 2 END) * 100000000
        + status_rank * 10000000 + (CASE field {_FIELD_ORDER} END) * 1000000 + length(key)) AS score"""
_SCAN = f"""SELECT entry_id, {_SCORE}
  FROM glossary_lookup INDEXED BY glossary_lookup_entry
  WHERE instr(key, :q) > 0 {{status_filter}}
  GROUP BY entry_id"""
_TRIGRAMS = f"""SELECT entry_id, {_SCORE}
  FROM glossary_lookup
  WHERE id IN (SELECT rowid FROM glossary_lookup_trigrams WHERE glossary_lookup_trigrams MATCH :m)
    AND instr(key, :q) > 0 {{status_filter}}
  GROUP BY entry_id"""
_SEARCH_SQL = """
WITH best AS ({best})
SELECT entry_id, score, count(*) OVER () AS total FROM best
ORDER BY score / 100000000, score / 10000000 % 10, score % 1000000, entry_id
LIMIT :limit
"""


def _pack(rank: int, status: int, field: int, length: int) -> int:
    """The score _SCORE computes, from its parts."""
    return rank * 100_000_000 + status * 10_000_000 + field * 1_000_000 + length


_MAX_TRIGRAMS = 12


def trigram_query(key: str) -> str:
    """An FTS5 query ANDing (at most a dozen, spread out) trigrams of `key`; instr() then confirms."""
    grams = list(dict.fromkeys(key[i : i + 3] for i in range(len(key) - 2)))
    if len(grams) > _MAX_TRIGRAMS:
        step = (len(grams) - 1) / (_MAX_TRIGRAMS - 1)
        grams = [grams[round(i * step)] for i in range(_MAX_TRIGRAMS)]
    return " AND ".join('"' + g.replace('"', '""') + '"' for g in grams)


def _index_tables(db: Queryable) -> set[str]:
    """Which of the lookup's indexes the file has (an older file or SQLite may lack either)."""
    return {
        name
        for (name,) in db.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name IN (?, ?, ?)",
            ["glossary_lookup_trigrams", lookup_grams.TABLE, lookup_latin.TABLE],
        )
    }


def _has_trigrams(db: Queryable) -> bool:
    return "glossary_lookup_trigrams" in _index_tables(db)


def search(
    db: Queryable, query: str, *, limit: int = 20, statuses: Sequence[Status] = ()
) -> tuple[list[KeyHit], int]:
    """Entries whose Japanese, English, acronym or variant contains `query` (folded), best first.

    Returns the hits (at most `limit`) and how many entries matched in all.
    """
    key = lookup_key(query)
    if not key:
        return [], 0
    params: dict[str, object] = {"q": key, "n": len(key), "limit": max(1, limit)}
    status_filter = ""
    if statuses:
        unknown = [s for s in statuses if s not in STATUSES]
        if unknown:
            raise ValueError(f"unknown status {unknown[0]!r}")
        names = [f":s{i}" for i in range(len(statuses))]
        params.update({f"s{i}": lookup_grams.STATUS_ORDER.index(s) for i, s in enumerate(statuses)})
        status_filter = f"AND status_rank IN ({', '.join(names)})"
    best = _SCAN
    if len(key) >= 3 and _has_trigrams(db):
        best = _TRIGRAMS
        params["m"] = trigram_query(key)
    elif len(key) < 3 and (tables := _index_tables(db)):
        if lookup_grams.indexed(key) and lookup_grams.TABLE in tables:
            grams, total = lookup_grams.search(db, key, limit=max(1, limit), statuses=statuses)
            return [_hit(db, g.entry_id, _pack(g.rank, 0, g.field, g.length), key) for g in grams], total
        if lookup_latin.indexed(key) and lookup_latin.TABLE in tables:
            ranks = [lookup_grams.STATUS_ORDER.index(s) for s in statuses]
            latin, total = lookup_latin.search(db, key, limit=max(1, limit), statuses=ranks)
            return [
                _hit(db, h.entry_id, _pack(h.rank, 0, _field_no(db, h, key), h.length), key) for h in latin
            ], total
    rows = db.execute(_SEARCH_SQL.format(best=best.format(status_filter=status_filter)), params).fetchall()
    hits = [_hit(db, r[0], r[1], key) for r in rows]
    total = rows[0][2] if rows else 0
    return hits, total


def _field_no(db: Queryable, hit: lookup_latin.LatinHit, key: str) -> int:
    """The field of the term that gave a Latin-index hit its rank and length (the index keeps the rank and the length, not the field)."""
    fields = [
        FIELDS.index(field)
        for field, term_key in db.execute(
            "SELECT field, key FROM glossary_lookup WHERE entry_id = ?", [hit.entry_id]
        ).fetchall()
        if len(term_key) == hit.length
        and key in term_key
        and (0 if term_key == key else 1 if term_key.startswith(key) else 2) == hit.rank
    ]
    return min(fields, default=0)


def _hit(db: Queryable, entry_id: int, score: int, key: str) -> KeyHit:
    """Recover which term produced an entry's score (only done for the few rows shown)."""
    rank_no, field = score // 100_000_000, FIELDS[score // 1_000_000 % 10]
    length = score % 1_000_000
    rows = db.execute(
        "SELECT term, key FROM glossary_lookup WHERE entry_id = ? AND field = ? ORDER BY id",
        [entry_id, field],
    ).fetchall()
    for term, term_key in rows:
        this = 0 if term_key == key else 1 if term_key.startswith(key) else 2
        if len(term_key) == length and key in term_key and this == rank_no:
            return KeyHit(entry_id=entry_id, field=field, term=term, rank=RANKS[rank_no])
    # Only reachable if another writer changed the entry between the two queries.
    return KeyHit(entry_id=entry_id, field=field, term=rows[0][0] if rows else "", rank=RANKS[rank_no])


# --- entries ------------------------------------------------------------------------------------------

CHUNK = 500  # ids per IN (...) query, well under SQLite's parameter limit


def chunks(ids: Sequence[int]) -> Iterator[Sequence[int]]:
    for i in range(0, len(ids), CHUNK):
        yield ids[i : i + CHUNK]


def load_entries(db: Queryable, ids: Sequence[int]) -> dict[int, Entry]:
    """Entries by id, with their variants and sources (missing ids are left out)."""
    out: dict[int, Entry] = {}
    for chunk in chunks(list(ids)):
        marks = ",".join("?" * len(chunk))
        variants: dict[int, list[Variant]] = {}
        for eid, lang, usage, text in db.execute(
            f"SELECT entry_id, lang, usage, text FROM glossary_variants WHERE entry_id IN ({marks}) ORDER BY id",
            list(chunk),
        ):
            variants.setdefault(eid, []).append(Variant(lang=lang, text=text, forbidden=usage == "forbidden"))
        sources: dict[int, list[Source]] = {}
        for row in db.execute(
            f"""SELECT entry_id, pair, lang, segment_index, bead_index, excerpt, added, added_by
                FROM glossary_sources WHERE entry_id IN ({marks}) ORDER BY id""",
            list(chunk),
        ):
            sources.setdefault(row[0], []).append(Source(*row[1:]))
        for row in db.execute(
            f"""SELECT id, ja, en, acronym, status, domain, definition, note, created, created_by,
                       updated, updated_by FROM glossary_entries WHERE id IN ({marks})""",
            list(chunk),
        ):
            eid = row[0]
            out[eid] = Entry(
                id=eid,
                ja=row[1],
                en=row[2],
                acronym=row[3],
                status=row[4],
                domain=row[5],
                definition=row[6],
                note=row[7],
                created=row[8],
                created_by=row[9],
                updated=row[10],
                updated_by=row[11],
                variants=tuple(variants.get(eid, ())),
                sources=tuple(sources.get(eid, ())),
            )
    return out


def lookup_entries(
    db: Queryable, query: str, *, limit: int = 20, statuses: Sequence[Status] = ()
) -> LookupResult:
    """Entries matching `query` anywhere in a term, ranked exact > prefix > substring.

    Raises ValueError for an unknown status.
    """
    key_hits, total = search(db, query, limit=limit, statuses=statuses)
    entries = load_entries(db, [h.entry_id for h in key_hits])
    hits = tuple(
        LookupHit(entry=entries[h.entry_id], rank=h.rank, field=h.field, term=h.term)
        for h in key_hits
        if h.entry_id in entries
    )
    return LookupResult(hits=hits, total=total)


def connect_readonly(path: str, known: Collection[tuple[str, str]] = ()) -> sqlite3.Connection | None:
    """A read-only stdlib connection to a project that has a termbase, for the lookup hot path.

    None when the file is missing, is not SQLite or has no glossary tables yet: the full project opener
    (alignment.project) then explains the problem in one line, or creates and migrates the tables. A
    query on this connection that fails with sqlite3.OperationalError (a table or column an older file
    lacks, a lock) should fall back to the full opener too. With `known` (every (set, name) migration the
    caller knows), a file with any other migration was written by a newer taiyaku: None, so the full
    opener refuses it.
    """
    import os
    import sqlite3

    if not os.path.isfile(path):
        return None
    # the characters a file: URI gives a meaning to (urllib.parse would cost the hot path 2 ms)
    escaped = os.path.abspath(path).replace("%", "%25").replace("?", "%3f").replace("#", "%23")
    uri = f"file:{escaped}?mode=ro"
    conn = None
    try:
        conn = sqlite3.connect(uri, uri=True)
        conn.execute("PRAGMA busy_timeout = 10000")
        conn.execute("SELECT 1 FROM glossary_entries, glossary_lookup LIMIT 0").fetchall()
        if known and any(
            tuple(row) not in known
            for row in conn.execute("SELECT migration_set, name FROM _sqlite_migrations")
        ):
            conn.close()
            return None
    except sqlite3.Error:
        if conn is not None:
            conn.close()
        return None
    return conn
