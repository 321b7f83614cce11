"""Reading the termbase: entries by id, in bulk, by term, their history, and the terms matchers use."""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Any

from glossary.errors import EntryNotFound, InvalidEntry
from glossary.location import termbase
from glossary.lookup import CHUNK, load_entries, lookup_entries, lookup_key
from glossary.model import STATUSES, Entry, Field, HistoryItem, LookupResult, Status, TermKey
from glossary.validate import identity_key

if TYPE_CHECKING:
    from glossary.lookup import Queryable


def _check_id(entry_id: object) -> int:
    if not isinstance(entry_id, int) or isinstance(entry_id, bool):
        raise EntryNotFound(f"entry id must be a number, not {entry_id!r}")
    return entry_id


def get(db: Queryable, entry_id: int) -> Entry:
    db = termbase(db)  # a shared glossary file, if the project uses one
    entry = load_entries(db, [_check_id(entry_id)]).get(entry_id)
    if entry is None:
        raise EntryNotFound(f"no glossary entry {entry_id} (see `taiyaku glossary lookup`)")
    return entry


def get_many(db: Queryable, ids: Sequence[int]) -> list[Entry]:
    """The entries that exist among `ids`, in the order given."""
    db = termbase(db)  # a shared glossary file, if the project uses one
    found = load_entries(db, ids)
    return [found[i] for i in ids if i in found]


def _status_clause(statuses: Sequence[Status], column: str = "status") -> tuple[str, list[Any]]:
    if not statuses:
        return "", []
    unknown = [s for s in statuses if s not in STATUSES]
    if unknown:
        raise InvalidEntry(f"unknown status {unknown[0]!r} (use one of {', '.join(STATUSES)})")
    return f" AND {column} IN ({','.join('?' * len(statuses))})", list(statuses)


def iter_entries(
    db: Queryable, *, statuses: Sequence[Status] = (), domain: str | None = None
) -> Iterator[Entry]:
    """Every entry in id order, loaded a chunk at a time so exports stream."""
    db = termbase(db)  # a shared glossary file, if the project uses one
    clause, params = _status_clause(statuses)
    if domain is not None:
        clause += " AND domain = ?"
        params.append(domain)
    last = -1
    while True:
        ids = [
            r[0]
            for r in db.execute(
                f"SELECT id FROM glossary_entries WHERE id > ?{clause} ORDER BY id LIMIT {CHUNK}",
                [last, *params],
            )
        ]
        if not ids:
            return
        loaded = load_entries(db, ids)
        yield from (loaded[i] for i in ids if i in loaded)
        last = ids[-1]


def list_entries(db: Queryable, *, statuses: Sequence[Status] = (), domain: str | None = None) -> list[Entry]:
    return list(iter_entries(db, statuses=statuses, domain=domain))


def count(db: Queryable, *, statuses: Sequence[Status] = ()) -> int:
    db = termbase(db)  # a shared glossary file, if the project uses one
    clause, params = _status_clause(statuses)
    return int(db.execute(f"SELECT count(*) FROM glossary_entries WHERE 1{clause}", params).fetchone()[0])


def find_by_term(db: Queryable, term: str, *, fields: Sequence[Field] = ()) -> list[Entry]:
    """Entries with a term (ja, en, acronym or any variant) whose folded key equals `term`'s, by id.

    Exact match only: harvest uses it to avoid proposing what the termbase already has.
    """
    db = termbase(db)  # a shared glossary file, if the project uses one
    key = lookup_key(term or "")
    if not key:
        return []
    sql = "SELECT DISTINCT entry_id FROM glossary_lookup WHERE key = ?"
    params: list[Any] = [key]
    if fields:
        sql += f" AND field IN ({','.join('?' * len(fields))})"
        params.extend(fields)
    ids = sorted(r[0] for r in db.execute(sql, params))
    return get_many(db, ids)


def find_duplicate(db: Queryable, entry: Entry, *, exclude: int | None = None) -> Entry | None:
    """A stored entry with the same folded (ja, en, acronym) as `entry`, if any."""
    db = termbase(db)  # a shared glossary file, if the project uses one
    want = identity_key(entry)
    field, term = next((f, t) for f, t in zip(("ja", "en", "acronym"), want, strict=True) if t)
    ids = [
        r[0]
        for r in db.execute(
            "SELECT DISTINCT entry_id FROM glossary_lookup WHERE key = ? AND field = ?", [term, field]
        )
        if r[0] != exclude
    ]
    return next((e for e in get_many(db, sorted(ids)) if identity_key(e) == want), None)


def lookup(db: Queryable, query: str, *, limit: int = 20, statuses: Sequence[Status] = ()) -> LookupResult:
    """Entries matching `query` anywhere in a term, ranked exact > prefix > substring (see glossary.lookup)."""
    db = termbase(db)  # a shared glossary file, if the project uses one
    try:
        return lookup_entries(db, query, limit=limit, statuses=statuses)
    except ValueError as exc:
        raise InvalidEntry(str(exc)) from None


def terms(db: Queryable, *, statuses: Sequence[Status] = ()) -> list[TermKey]:
    """Every term of the termbase with its folded key and its entry's status (for text matchers)."""
    db = termbase(db)  # a shared glossary file, if the project uses one
    clause, params = _status_clause(statuses, "e.status")
    sql = f"""SELECT k.entry_id, k.field, k.term, k.key, e.status FROM glossary_lookup k
              JOIN glossary_entries e ON e.id = k.entry_id WHERE 1{clause} ORDER BY k.entry_id, k.rowid"""
    return [TermKey(*row) for row in db.execute(sql, params)]


def anchor_pairs(db: Queryable) -> list[tuple[str, str]]:
    """(Japanese, English) strings the aligner may treat as anchors.

    Approved entries give their term pair (and each allowed variant paired with the other language's
    main term); every acronym of an approved or proposed entry pairs with itself, since acronyms are
    written the same way (modulo width) on both sides.
    """
    db = termbase(db)  # a shared glossary file, if the project uses one
    out: dict[tuple[str, str], None] = {}
    for e in iter_entries(db, statuses=("approved", "proposed")):
        if e.status == "approved" and e.ja and e.en:
            out[(e.ja, e.en)] = None
            for v in e.ja_variants:
                out[(v, e.en)] = None
            for v in e.en_variants:
                out[(e.ja, v)] = None
        if e.acronym:
            out[(e.acronym, e.acronym)] = None
    return list(out)


def history(db: Queryable, entry_id: int) -> list[HistoryItem]:
    db = termbase(db)  # a shared glossary file, if the project uses one
    rows = db.execute(
        """SELECT id, entry_id, action, user, at, before_json, after_json, reason FROM glossary_history
           WHERE entry_id = ? ORDER BY id""",
        [_check_id(entry_id)],
    ).fetchall()
    return [
        HistoryItem(
            id=r[0],
            entry_id=r[1],
            action=r[2],
            user=r[3],
            at=r[4],
            before=json.loads(r[5]) if r[5] else None,
            after=json.loads(r[6]) if r[6] else None,
            reason=r[7],
        )
        for r in rows
    ]
