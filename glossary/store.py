"""The termbase repository: entries in and out of the project file, with history and lookup keys.

Every change is one transaction and writes one history row (who, when, the entry before and after).
Reading lives in glossary.queries (and, for the lookup hot path, glossary.lookup), checking in
glossary.validate; their public names are re-exported here, so `store.get`, `store.lookup` … keep working.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Container, Iterable
from typing import TYPE_CHECKING, Any

from alignment.project import now, write
from glossary import lookup_grams, lookup_latin
from glossary.errors import DuplicateEntry, EntryNotFound, InvalidEntry
from glossary.location import termbase
from glossary.lookup import lookup_key
from glossary.model import STATUSES, Action, Entry, ImportReport, Source, Status, entry_to_dict
from glossary.queries import (
    anchor_pairs,
    count,
    find_by_term,
    find_duplicate,
    get,
    get_many,
    history,
    iter_entries,
    list_entries,
    lookup,
    terms,
)
from glossary.validate import MAX_TERM, identity_key, validate

if TYPE_CHECKING:
    from sqlite_utils import Database

__all__ = [
    "EDITABLE",
    "MAX_TERM",
    "DuplicateEntry",
    "EntryNotFound",
    "InvalidEntry",
    "add",
    "add_sources",
    "anchor_pairs",
    "count",
    "edit",
    "find_by_term",
    "find_duplicate",
    "get",
    "get_many",
    "history",
    "identity_key",
    "import_entries",
    "iter_entries",
    "list_entries",
    "lookup",
    "remove",
    "set_status",
    "terms",
    "validate",
]

EDITABLE = ("ja", "en", "acronym", "variants", "status", "domain", "definition", "note", "sources")


def _stored_id(entry: Entry) -> int:
    """The id of an entry read from or written to the project (only unsaved entries have none)."""
    if entry.id is None:
        raise EntryNotFound(f"entry {entry.label} is not stored")
    return entry.id


# --- writing ------------------------------------------------------------------------------------------


def _record(
    db: Database,
    entry_id: int,
    action: Action,
    user: str,
    ts: str,
    before: Entry | None,
    after: Entry | None,
    reason: str | None = None,
) -> None:
    def dump(e: Entry | None) -> str | None:
        return json.dumps(entry_to_dict(e, who=True), ensure_ascii=False) if e else None

    db.execute(
        """INSERT INTO glossary_history (entry_id, action, user, at, reason, before_json, after_json)
           VALUES (?, ?, ?, ?, ?, ?, ?)""",
        [entry_id, action, user, ts, reason, dump(before), dump(after)],
    )


def _write_children(db: Database, entry: Entry, ts: str, user: str) -> Entry:
    """Replace the variants, sources and lookup keys of a stored entry; returns it with sources stamped."""
    eid = entry.id
    keys = [(f, lookup_key(t)) for f, t in entry.terms() if lookup_key(t)]
    status_rank = lookup_grams.STATUS_ORDER.index(entry.status)
    lookup_grams.replace(db, _stored_id(entry), keys)
    lookup_latin.replace(db, _stored_id(entry), keys, status_rank)
    for table in ("glossary_variants", "glossary_sources", "glossary_lookup"):
        db.execute(f"DELETE FROM {table} WHERE entry_id = ?", [eid])
    db.conn.executemany(
        "INSERT INTO glossary_variants (entry_id, lang, usage, text) VALUES (?, ?, ?, ?)",
        [(eid, v.lang, "forbidden" if v.forbidden else "allowed", v.text) for v in entry.variants],
    )
    sources = tuple(
        dataclasses.replace(s, added=s.added or ts, added_by=s.added_by or user) for s in entry.sources
    )
    db.conn.executemany(
        """INSERT INTO glossary_sources (entry_id, pair, lang, segment_index, bead_index, excerpt, added, added_by)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?)""",
        [
            (eid, s.pair, s.lang, s.segment_index, s.bead_index, s.excerpt, s.added, s.added_by)
            for s in sources
        ],
    )
    db.conn.executemany(
        "INSERT INTO glossary_lookup (entry_id, field, term, key, status_rank) VALUES (?, ?, ?, ?, ?)",
        [(eid, f, t, lookup_key(t), status_rank) for f, t in entry.terms() if lookup_key(t)],
    )
    return dataclasses.replace(entry, sources=sources)


def _insert(
    db: Database,
    entry: Entry,
    *,
    user: str,
    ts: str,
    action: Action,
    keep_id: bool,
    reason: str | None = None,
) -> Entry:
    row = [
        entry.ja,
        entry.en,
        entry.acronym,
        entry.status,
        entry.domain,
        entry.definition,
        entry.note,
        entry.created or ts,
        entry.created_by or user,
        entry.updated or ts,
        entry.updated_by or user,
    ]
    if keep_id and entry.id is not None:
        db.execute(
            """INSERT INTO glossary_entries (id, ja, en, acronym, status, domain, definition, note, created,
               created_by, updated, updated_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
            [entry.id, *row],
        )
        eid = entry.id
    else:
        cur = db.execute(
            """INSERT INTO glossary_entries (ja, en, acronym, status, domain, definition, note, created,
               created_by, updated, updated_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
            row,
        )
        eid = int(cur.lastrowid or 0)  # an INSERT into a rowid table always sets it
    stored = dataclasses.replace(
        entry, id=eid, created=row[7], created_by=row[8], updated=row[9], updated_by=row[10]
    )
    stored = _write_children(db, stored, ts, user)
    _record(db, eid, action, user, ts, None, stored, reason)
    return stored


def add(
    db: Database, entry: Entry, *, user: str, allow_duplicate: bool = False, reason: str | None = None
) -> Entry:
    """Store a new entry (its id, if any, is ignored) and return it as stored.

    Raises DuplicateEntry when an entry with the same ja, en and acronym exists, unless allow_duplicate.
    """
    db = termbase(db)  # a shared glossary file, if the project uses one
    entry = validate(
        dataclasses.replace(entry, id=None, created=None, updated=None, created_by=None, updated_by=None)
    )
    ts = now()
    with write(db):
        if not allow_duplicate:
            dup = find_duplicate(db, entry)
            if dup is not None:
                raise DuplicateEntry(f"entry {dup.id} already has these terms ({dup.label})", dup)
        return _insert(db, entry, user=user, ts=ts, action="add", keep_id=False, reason=reason)


def _update(
    db: Database, before: Entry, after: Entry, *, user: str, action: Action, reason: str | None, ts: str
) -> Entry:
    after = dataclasses.replace(
        after, id=before.id, created=before.created, created_by=before.created_by, updated=ts, updated_by=user
    )
    db.execute(
        """UPDATE glossary_entries SET ja = ?, en = ?, acronym = ?, status = ?, domain = ?, definition = ?,
           note = ?, updated = ?, updated_by = ? WHERE id = ?""",
        [
            after.ja,
            after.en,
            after.acronym,
            after.status,
            after.domain,
            after.definition,
            after.note,
            ts,
            user,
            before.id,
        ],
    )
    after = _write_children(db, after, ts, user)
    _record(db, _stored_id(before), action, user, ts, before, after, reason)
    return after


def _same_content(a: Entry, b: Entry) -> bool:
    def strip(e: Entry) -> Entry:
        return dataclasses.replace(e, id=None, created=None, created_by=None, updated=None, updated_by=None)

    return strip(a) == strip(b)


def edit(db: Database, entry_id: int, *, user: str, reason: str | None = None, **changes: Any) -> Entry:
    """Change some fields of an entry (names from EDITABLE); returns it as stored.

    An edit that changes nothing writes nothing. Raises DuplicateEntry when the edit would make the
    entry's terms identical to another entry's.
    """
    db = termbase(db)  # a shared glossary file, if the project uses one
    unknown = [k for k in changes if k not in EDITABLE]
    if unknown:
        raise InvalidEntry(f"cannot edit {unknown[0]!r} (editable: {', '.join(EDITABLE)})")
    ts = now()
    with write(db):
        before = get(db, entry_id)
        after = validate(dataclasses.replace(before, **changes))
        if _same_content(before, after):
            return before
        dup = find_duplicate(db, after, exclude=before.id)
        if dup is not None:
            raise DuplicateEntry(f"entry {dup.id} already has these terms ({dup.label})", dup)
        action: Action = "status" if set(changes) == {"status"} else "edit"
        return _update(db, before, after, user=user, action=action, reason=reason, ts=ts)


def set_status(db: Database, entry_id: int, status: Status, *, user: str, reason: str | None = None) -> Entry:
    db = termbase(db)  # a shared glossary file, if the project uses one
    if status not in STATUSES:
        raise InvalidEntry(f"unknown status {status!r} (use one of {', '.join(STATUSES)})")
    return edit(db, entry_id, user=user, reason=reason, status=status)


def add_sources(db: Database, entry_id: int, sources: Iterable[Source], *, user: str) -> Entry:
    """Attach more provenance to an entry; sources it already has are not repeated."""
    db = termbase(db)  # a shared glossary file, if the project uses one
    with write(db):
        before = get(db, entry_id)
        return edit(db, entry_id, user=user, sources=(*before.sources, *sources))


def remove(db: Database, entry_id: int, *, user: str, reason: str | None = None) -> Entry:
    """Delete an entry (its history stays); returns what was removed."""
    project, db = db, termbase(db)  # a shared glossary file, if the project uses one
    ts = now()
    with write(db):
        before = get(db, entry_id)
        # (before the cascade deletes the keys they derive from)
        lookup_grams.drop(db, _stored_id(before))
        lookup_latin.replace(db, _stored_id(before), [], 0)
        db.execute("DELETE FROM glossary_entries WHERE id = ?", [before.id])
        _record(db, _stored_id(before), "remove", user, ts, before, None, reason)
        if project is db:
            _unlink_spans(project, _stored_id(before))
    if project is not db:  # after the glossary's commit: never wait for the project while holding it
        _unlink_spans(project, _stored_id(before))
    return before


def _unlink_spans(db: Database, entry_id: int) -> None:
    """Spans of this project linked to a removed entry lose the link (by hand: a link to an entry in a
    shared glossary file cannot be a foreign key). Other projects' links to it read as no entry."""
    if db.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'spans'").fetchone():
        db.execute("UPDATE spans SET entry_id = NULL WHERE entry_id = ?", [entry_id])


def import_entries(
    db: Database, entries: Iterable[Entry], *, user: str, keep_status: Container[int] = frozenset()
) -> ImportReport:
    """Merge entries from a file in one transaction.

    An entry whose ja, en and acronym match a stored entry updates it (variants and sources are
    merged, other fields taken from the file when set); any other entry is added, keeping its id,
    created and updated stamps when the id is free.

    `keep_status` holds the positions (from 0, in `entries` order) of entries whose file said nothing
    about their status (an OmegaT line, a CSV without a status column): merged into a stored entry they
    keep its status, so re-importing a plain list never downgrades approved or forbidden terms.
    """
    db = termbase(db)  # a shared glossary file, if the project uses one
    added: list[int] = []
    updated: list[int] = []
    unchanged: list[int] = []
    ts = now()
    with write(db), lookup_latin.deferred(db):  # each slot of the Latin index rewritten once, at the end
        for position, entry in enumerate(entries):
            entry = validate(entry)
            dup = find_duplicate(db, entry)
            if dup is None:
                free = (
                    entry.id is not None
                    and not db.execute("SELECT 1 FROM glossary_entries WHERE id = ?", [entry.id]).fetchone()
                )
                stored = _insert(db, entry, user=user, ts=ts, action="import", keep_id=free)
                added.append(_stored_id(stored))
                continue
            merged = validate(
                dataclasses.replace(
                    dup,
                    variants=(*dup.variants, *entry.variants),
                    sources=(*dup.sources, *entry.sources),
                    status=dup.status if position in keep_status else entry.status,
                    domain=entry.domain or dup.domain,
                    definition=entry.definition or dup.definition,
                    note=entry.note or dup.note,
                )
            )
            if _same_content(dup, merged):
                unchanged.append(_stored_id(dup))
            else:
                _update(db, dup, merged, user=user, action="import", reason=None, ts=ts)
                updated.append(_stored_id(dup))
    return ImportReport(added=tuple(added), updated=tuple(updated), unchanged=tuple(unchanged))
