"""The termbase repository: entries in and out of the project file, with history and lookup keys.

Every change is one transaction and writes one history row (who, when, the entry before and after).
This module is on the `glossary lookup` hot path: keep its imports light (no spaCy, numpy, rich).
"""

from __future__ import annotations

import dataclasses
import json
import re
from collections.abc import Container, Iterable, Iterator, Sequence
from typing import TYPE_CHECKING, Any

from alignment.project import ProjectError, now, write
from glossary.lookup import lookup_key, search
from glossary.model import (
    FIELDS,
    STATUSES,
    Action,
    Entry,
    Field,
    HistoryItem,
    ImportReport,
    LookupHit,
    LookupResult,
    Source,
    Status,
    TermKey,
    Variant,
    entry_to_dict,
)

if TYPE_CHECKING:
    from sqlite_utils import Database


class EntryNotFound(ProjectError):
    pass


class InvalidEntry(ProjectError):
    pass


class DuplicateEntry(ProjectError):
    def __init__(self, message: str, existing: Entry) -> None:
        super().__init__(message)
        self.existing = existing


EDITABLE = ("ja", "en", "acronym", "variants", "status", "domain", "definition", "note", "sources")
MAX_TERM = 500
_CHUNK = 500  # ids per IN (...) query, well under SQLite's parameter limit

# XML 1.0 cannot carry C0 controls, lone surrogates or U+FFFE/U+FFFF, so neither can a TBX export (nor
# UTF-8 files, for surrogates): refuse them at the door.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff\ufffe\uffff]")
_TERM_BREAKS = re.compile(r"[\t\r\n\u2028\u2029]")


# --- validation ---------------------------------------------------------------------------------------


def _clean_text(value: str | None, name: str, *, multiline: bool) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise InvalidEntry(f"{name} must be text, not {type(value).__name__}")
    value = value.strip()
    if _CONTROL.search(value):
        raise InvalidEntry(f"{name} contains a control character")
    if not multiline and _TERM_BREAKS.search(value):
        raise InvalidEntry(f"{name} {value[:40]!r} contains a line break or tab")
    if not multiline and len(value) > MAX_TERM:
        raise InvalidEntry(f"{name} is longer than {MAX_TERM} characters")
    return value or None


def _clean_source(s: Source) -> Source:
    pair = _clean_text(s.pair, "source pair", multiline=False)
    if not pair:
        raise InvalidEntry("a source needs a pair name")
    if s.lang not in (None, "ja", "en"):
        raise InvalidEntry(f"source language must be ja or en, not {s.lang!r}")
    for name, value in (("segment index", s.segment_index), ("bead index", s.bead_index)):
        if value is not None and (not isinstance(value, int) or isinstance(value, bool) or value < 0):
            raise InvalidEntry(f"source {name} must be a whole number ≥ 0, not {value!r}")
    return dataclasses.replace(
        s,
        pair=pair,
        excerpt=_clean_text(s.excerpt, "source excerpt", multiline=True),
        added_by=_clean_text(s.added_by, "source added_by", multiline=False),
    )


def validate(entry: Entry) -> Entry:
    """The entry with whitespace trimmed, empty fields as None and redundant variants dropped.

    Raises InvalidEntry with a one-line reason when it cannot be stored.
    """
    ja = _clean_text(entry.ja, "ja", multiline=False)
    en = _clean_text(entry.en, "en", multiline=False)
    acronym = _clean_text(entry.acronym, "acronym", multiline=False)
    if not (ja or en or acronym):
        raise InvalidEntry("an entry needs a Japanese term, an English term or an acronym")
    if entry.status not in STATUSES:
        raise InvalidEntry(f"unknown status {entry.status!r} (use one of {', '.join(STATUSES)})")
    main = {"ja": {lookup_key(ja)} if ja else set(), "en": {lookup_key(en)} if en else set()}
    allowed_en = set(main["en"])
    seen: set[tuple[Field, str]] = set()
    variants: list[Variant] = []
    # Allowed variants first, so a forbidden one that repeats an allowed one is caught below.
    for v in sorted(entry.variants, key=lambda v: v.forbidden):
        if v.lang not in ("ja", "en"):
            raise InvalidEntry(f"variant language must be ja or en, not {v.lang!r}")
        if v.forbidden and v.lang != "en":
            raise InvalidEntry("only English renderings can be forbidden")
        text = _clean_text(v.text, "variant", multiline=False)
        if not text:
            continue
        key = lookup_key(text)
        if v.forbidden and key in allowed_en:
            raise InvalidEntry(f"{text!r} cannot be both an allowed and a forbidden English term")
        if not v.forbidden and key in main[v.lang]:
            continue  # repeats the main term
        if (v.field, key) in seen:
            continue
        seen.add((v.field, key))
        if v.lang == "en" and not v.forbidden:
            allowed_en.add(key)
        variants.append(Variant(lang=v.lang, text=text, forbidden=v.forbidden))
    order = {f: i for i, f in enumerate(FIELDS)}
    variants.sort(key=lambda v: order[v.field])  # stable: keeps the given order within a field
    sources: list[Source] = []
    for s in entry.sources:
        s = _clean_source(s)
        if s.identity() not in {x.identity() for x in sources}:
            sources.append(s)
    return dataclasses.replace(
        entry,
        ja=ja,
        en=en,
        acronym=acronym,
        variants=tuple(variants),
        sources=tuple(sources),
        domain=_clean_text(entry.domain, "domain", multiline=False),
        definition=_clean_text(entry.definition, "definition", multiline=True),
        note=_clean_text(entry.note, "note", multiline=True),
    )


def identity_key(entry: Entry) -> tuple[str, str, str]:
    """Two entries with the same folded (ja, en, acronym) are the same concept."""
    return tuple(lookup_key(t) if t else "" for t in (entry.ja, entry.en, entry.acronym))  # type: ignore[return-value]


# --- reading ------------------------------------------------------------------------------------------


def _chunks(ids: Sequence[int]) -> Iterator[Sequence[int]]:
    for i in range(0, len(ids), _CHUNK):
        yield ids[i : i + _CHUNK]


def _load(db: Database, ids: Sequence[int]) -> dict[int, Entry]:
    """Entries by id, with their variants and sources (missing ids are left out)."""
    out: dict[int, Entry] = {}
    for chunk in _chunks(list(ids)):
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


def _check_id(entry_id: object) -> int:
    if not isinstance(entry_id, int) or isinstance(entry_id, bool):
        raise EntryNotFound(f"entry id must be a number, not {entry_id!r}")
    return entry_id


def get(db: Database, entry_id: int) -> Entry:
    entry = _load(db, [_check_id(entry_id)]).get(entry_id)
    if entry is None:
        raise EntryNotFound(f"no glossary entry {entry_id} (see `taiyaku glossary lookup`)")
    return entry


def get_many(db: Database, ids: Sequence[int]) -> list[Entry]:
    """The entries that exist among `ids`, in the order given."""
    found = _load(db, ids)
    return [found[i] for i in ids if i in found]


def _status_clause(statuses: Sequence[Status], column: str = "status") -> tuple[str, list[Any]]:
    if not statuses:
        return "", []
    unknown = [s for s in statuses if s not in STATUSES]
    if unknown:
        raise InvalidEntry(f"unknown status {unknown[0]!r} (use one of {', '.join(STATUSES)})")
    return f" AND {column} IN ({','.join('?' * len(statuses))})", list(statuses)


def iter_entries(
    db: Database, *, statuses: Sequence[Status] = (), domain: str | None = None
) -> Iterator[Entry]:
    """Every entry in id order, loaded a chunk at a time so exports stream."""
    clause, params = _status_clause(statuses)
    if domain is not None:
        clause += " AND domain = ?"
        params.append(domain)
    last = -1
    while True:
        ids = [
            r[0]
            for r in db.execute(
                f"SELECT id FROM glossary_entries WHERE id > ?{clause} ORDER BY id LIMIT {_CHUNK}",
                [last, *params],
            )
        ]
        if not ids:
            return
        loaded = _load(db, ids)
        yield from (loaded[i] for i in ids if i in loaded)
        last = ids[-1]


def list_entries(db: Database, *, statuses: Sequence[Status] = (), domain: str | None = None) -> list[Entry]:
    return list(iter_entries(db, statuses=statuses, domain=domain))


def count(db: Database, *, statuses: Sequence[Status] = ()) -> int:
    clause, params = _status_clause(statuses)
    return int(db.execute(f"SELECT count(*) FROM glossary_entries WHERE 1{clause}", params).fetchone()[0])


def find_by_term(db: Database, term: str, *, fields: Sequence[Field] = ()) -> list[Entry]:
    """Entries with a term (ja, en, acronym or any variant) whose folded key equals `term`'s, by id.

    Exact match only: harvest uses it to avoid proposing what the termbase already has.
    """
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


def find_duplicate(db: Database, entry: Entry, *, exclude: int | None = None) -> Entry | None:
    """A stored entry with the same folded (ja, en, acronym) as `entry`, if any."""
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


def lookup(db: Database, query: str, *, limit: int = 20, statuses: Sequence[Status] = ()) -> LookupResult:
    """Entries matching `query` anywhere in a term, ranked exact > prefix > substring (see glossary.lookup)."""
    try:
        key_hits, total = search(db, query, limit=limit, statuses=statuses)
    except ValueError as exc:
        raise InvalidEntry(str(exc)) from None
    entries = _load(db, [h.entry_id for h in key_hits])
    hits = tuple(
        LookupHit(entry=entries[h.entry_id], rank=h.rank, field=h.field, term=h.term)
        for h in key_hits
        if h.entry_id in entries
    )
    return LookupResult(hits=hits, total=total)


def terms(db: Database, *, statuses: Sequence[Status] = ()) -> list[TermKey]:
    """Every term of the termbase with its folded key and its entry's status (for text matchers)."""
    clause, params = _status_clause(statuses, "e.status")
    sql = f"""SELECT k.entry_id, k.field, k.term, k.key, e.status FROM glossary_lookup k
              JOIN glossary_entries e ON e.id = k.entry_id WHERE 1{clause} ORDER BY k.entry_id, k.rowid"""
    return [TermKey(*row) for row in db.execute(sql, params)]


def anchor_pairs(db: Database) -> list[tuple[str, str]]:
    """(Japanese, English) strings the aligner may treat as anchors.

    Approved entries give their term pair (and each allowed variant paired with the other language's
    main term); every acronym of an approved or proposed entry pairs with itself, since acronyms are
    written the same way (modulo width) on both sides.
    """
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


def history(db: Database, entry_id: int) -> list[HistoryItem]:
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
        "INSERT INTO glossary_lookup (entry_id, field, term, key) VALUES (?, ?, ?, ?)",
        [(eid, f, t, lookup_key(t)) for f, t in entry.terms() if lookup_key(t)],
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
        eid = int(cur.lastrowid)
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
    _record(db, before.id, action, user, ts, before, after, reason)  # type: ignore[arg-type]
    return after


def _same_content(a: Entry, b: Entry) -> bool:
    strip = {"id": None, "created": None, "created_by": None, "updated": None, "updated_by": None}
    return dataclasses.replace(a, **strip) == dataclasses.replace(b, **strip)


def edit(db: Database, entry_id: int, *, user: str, reason: str | None = None, **changes: Any) -> Entry:
    """Change some fields of an entry (names from EDITABLE); returns it as stored.

    An edit that changes nothing writes nothing. Raises DuplicateEntry when the edit would make the
    entry's terms identical to another entry's.
    """
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
    if status not in STATUSES:
        raise InvalidEntry(f"unknown status {status!r} (use one of {', '.join(STATUSES)})")
    return edit(db, entry_id, user=user, reason=reason, status=status)


def add_sources(db: Database, entry_id: int, sources: Iterable[Source], *, user: str) -> Entry:
    """Attach more provenance to an entry; sources it already has are not repeated."""
    with write(db):
        before = get(db, entry_id)
        return edit(db, entry_id, user=user, sources=(*before.sources, *sources))


def remove(db: Database, entry_id: int, *, user: str, reason: str | None = None) -> Entry:
    """Delete an entry (its history stays); returns what was removed."""
    ts = now()
    with write(db):
        before = get(db, entry_id)
        db.execute("DELETE FROM glossary_entries WHERE id = ?", [before.id])
        _record(db, before.id, "remove", user, ts, before, None, reason)  # type: ignore[arg-type]
        return before


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
    added: list[int] = []
    updated: list[int] = []
    unchanged: list[int] = []
    ts = now()
    with write(db):
        for position, entry in enumerate(entries):
            entry = validate(entry)
            dup = find_duplicate(db, entry)
            if dup is None:
                free = (
                    entry.id is not None
                    and not db.execute("SELECT 1 FROM glossary_entries WHERE id = ?", [entry.id]).fetchone()
                )
                stored = _insert(db, entry, user=user, ts=ts, action="import", keep_id=free)
                added.append(stored.id)  # type: ignore[arg-type]
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
                unchanged.append(dup.id)  # type: ignore[arg-type]
            else:
                _update(db, dup, merged, user=user, action="import", reason=None, ts=ts)
                updated.append(dup.id)  # type: ignore[arg-type]
    return ImportReport(added=tuple(added), updated=tuple(updated), unchanged=tuple(unchanged))
