"""The project-wide undo/redo log (the history store): every action of the CLI and the app, before and after.

An entry holds a list of operations (plain JSON). Each kind of operation knows how to go forward (redo) and
back (undo), and checks first that the project still holds the state it expects: if another program (say
`taiyaku align`) changed the same beads since, undo refuses with a clear message instead of corrupting them.
The log lives in the project file, so it survives quitting; an action and its entry are written in the same
transaction, so neither exists without the other.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from sqlite_utils import Database, Migrations

from alignment.bead_store import bead_from_json, bead_json, get_beads, replace_beads
from alignment.edit import Window, changed_window
from alignment.model import Bead, Level
from alignment.project import ProjectError, now, write

HISTORY = Migrations("history")


@HISTORY()
def m001_history(db: Database) -> None:
    db.execute(
        """CREATE TABLE history (
            id INTEGER PRIMARY KEY,
            at TEXT NOT NULL,
            user TEXT NOT NULL,
            action TEXT NOT NULL,
            summary TEXT NOT NULL,
            pair_id INTEGER REFERENCES pairs(id) ON DELETE CASCADE,
            bead INTEGER,
            ops TEXT NOT NULL,
            state TEXT NOT NULL DEFAULT 'done' CHECK (state IN ('done', 'undone', 'dropped')),
            changed_at TEXT,
            changed_by TEXT
        )"""
    )
    db.execute("CREATE INDEX history_state ON history(state, id)")


class HistoryConflict(ProjectError):
    """The project no longer holds the state an undo or redo expects."""


State = Literal["done", "undone", "dropped"]
Op = dict[str, Any]


@dataclass(frozen=True, slots=True)
class Entry:
    id: int
    at: str
    user: str
    action: str
    """A short machine name: merge, split, confirm, render…"""
    summary: str
    """What a person reads in the log and in the undo notification."""
    pair_id: int | None
    bead: int | None
    """Where the cursor was, so undo can take the analyst back to it."""
    ops: tuple[Op, ...]
    state: State
    changed_at: str | None = None
    changed_by: str | None = None


def _entry(row: Sequence[Any]) -> Entry:
    return Entry(
        id=row[0],
        at=row[1],
        user=row[2],
        action=row[3],
        summary=row[4],
        pair_id=row[5],
        bead=row[6],
        ops=tuple(json.loads(row[7])),
        state=row[8],
        changed_at=row[9],
        changed_by=row[10],
    )


_COLUMNS = "id, at, user, action, summary, pair_id, bead, ops, state, changed_at, changed_by"


# --- operations ---------------------------------------------------------------------------------------

Apply = Callable[[Database, Op, bool, str], None]
"""(db, op, forward, user): redo the op when forward, undo it otherwise."""
_HANDLERS: dict[str, Apply] = {}


def register_op(kind: str) -> Callable[[Apply], Apply]:
    """Teach the log a new kind of operation (areas above alignment add theirs here)."""

    def deco(fn: Apply) -> Apply:
        _HANDLERS[kind] = fn
        return fn

    return deco


def beads_op(
    pair_id: int, start: int, before: Sequence[Bead], after: Sequence[Bead], level: Level = "sentence"
) -> Op:
    """beads[start:start+len(before)] became `after` (as stored, with their stamps)."""
    return {
        "op": "beads",
        "pair_id": pair_id,
        "level": level,
        "start": start,
        "before": [bead_json(b) for b in before],
        "after": [bead_json(b) for b in after],
    }


def _same_alignment(a: Bead, b: Bead) -> bool:
    return a.ja == b.ja and a.en == b.en and a.status == b.status


@register_op("beads")
def _apply_beads(db: Database, op: Op, forward: bool, user: str) -> None:
    expect = [bead_from_json(b) for b in (op["before"] if forward else op["after"])]
    target = [bead_from_json(b) for b in (op["after"] if forward else op["before"])]
    current = get_beads(db, op["pair_id"], op["level"])
    start = op["start"]
    window = current[start : start + len(expect)]
    if len(window) != len(expect) or not all(map(_same_alignment, window, expect)):
        raise HistoryConflict(
            f"the beads at {start + 1} were changed since (by another program or a re-alignment); "
            "cannot undo or redo past that change"
        )
    replace_beads(
        db, op["pair_id"], current, start, start + len(expect), target, level=op["level"], user=user
    )


@register_op("splice")
def _apply_splice(db: Database, op: Op, forward: bool, user: str) -> None:
    from alignment.render import apply_splice

    apply_splice(db, op, forward=forward)


def rows_op(
    table: str, key: dict[str, Any], before: dict[str, Any] | None, after: dict[str, Any] | None
) -> Op:
    """A row of `table` (found by `key`) went from `before` to `after` (None: absent)."""
    return {"op": "rows", "table": table, "key": key, "before": before, "after": after}


def _where(key: dict[str, Any]) -> tuple[str, list[Any]]:
    return " AND ".join(f"[{k}] = ?" for k in key), list(key.values())


def read_row(db: Database, table: str, key: dict[str, Any]) -> dict[str, Any] | None:
    where, args = _where(key)
    rows = list(db.query(f"SELECT * FROM [{table}] WHERE {where}", args))
    return rows[0] if rows else None


@register_op("rows")
def _apply_rows(db: Database, op: Op, forward: bool, user: str) -> None:
    table, key = op["table"], op["key"]
    expect, target = (op["before"], op["after"]) if forward else (op["after"], op["before"])
    current = read_row(db, table, key)
    if (current is None) != (expect is None) or (
        current is not None and expect is not None and any(current.get(k) != v for k, v in expect.items())
    ):
        raise HistoryConflict(f"a {table} row was changed since; cannot undo or redo past that change")
    where, args = _where(key)
    if target is None:
        db.execute(f"DELETE FROM [{table}] WHERE {where}", args)
    elif current is None:
        names = ", ".join(f"[{k}]" for k in target)
        db.execute(
            f"INSERT INTO [{table}] ({names}) VALUES ({', '.join('?' * len(target))})", list(target.values())
        )
    else:
        sets = ", ".join(f"[{k}] = ?" for k in target)
        db.execute(f"UPDATE [{table}] SET {sets} WHERE {where}", [*target.values(), *args])


def _apply(db: Database, ops: Iterable[Op], forward: bool, user: str) -> None:
    for op in ops:
        handler = _HANDLERS.get(op["op"])
        if handler is None:
            raise ProjectError(
                f"this taiyaku cannot undo a {op['op']!r} action (written by a newer version?)"
            )
        handler(db, op, forward, user)


def level_of(entry: Entry) -> Level | None:
    """Which alignment level an action changed: sentence beads or our English (a splice), clause beads or
    pieces, or neither (spans, the glossary): where a screen should show it undone."""
    if entry.action.startswith("clause"):  # every clause action of tui.core.clauses is named so
        return "clause"
    kinds = {(op["op"], op.get("level", "sentence")) for op in entry.ops}
    if kinds & {("splice", "sentence"), ("beads", "sentence")}:
        return "sentence"
    if kinds & {("beads", "clause"), ("clause_cut", "sentence")}:
        return "clause"
    return None


# --- the log ------------------------------------------------------------------------------------------


def record(
    db: Database,
    *,
    user: str,
    action: str,
    summary: str,
    ops: Sequence[Op],
    pair_id: int | None = None,
    bead: int | None = None,
) -> Entry:
    """Log an action whose changes the caller has just made in the same transaction.

    A new action ends the redo chain: undone entries can no longer be redone (they stay in the log).
    """
    ts = now()
    with write(db):
        db.execute(
            "UPDATE history SET state = 'dropped', changed_at = ?, changed_by = ? WHERE state = 'undone'",
            [ts, user],
        )
        cur = db.execute(
            "INSERT INTO history (at, user, action, summary, pair_id, bead, ops) VALUES (?, ?, ?, ?, ?, ?, ?)",
            [ts, user, action, summary, pair_id, bead, json.dumps(list(ops), ensure_ascii=False)],
        )
        entry_id = cur.lastrowid
    return Entry(entry_id or 0, ts, user, action, summary, pair_id, bead, tuple(ops), "done")


def next_undo(db: Database) -> Entry | None:
    row = db.execute(
        f"SELECT {_COLUMNS} FROM history WHERE state = 'done' ORDER BY id DESC LIMIT 1"
    ).fetchone()
    return _entry(row) if row else None


def next_redo(db: Database) -> Entry | None:
    row = db.execute(f"SELECT {_COLUMNS} FROM history WHERE state = 'undone' ORDER BY id LIMIT 1").fetchone()
    return _entry(row) if row else None


def undo(db: Database, user: str) -> Entry | None:
    """Undo the latest action still in effect (of anyone, in any pair); None when there is nothing to undo."""
    with write(db):
        entry = next_undo(db)
        if entry is None:
            return None
        _apply(db, reversed(entry.ops), False, user)
        db.execute(
            "UPDATE history SET state = 'undone', changed_at = ?, changed_by = ? WHERE id = ?",
            [now(), user, entry.id],
        )
    return entry


def redo(db: Database, user: str) -> Entry | None:
    """Redo the earliest undone action; None when there is nothing to redo."""
    with write(db):
        entry = next_redo(db)
        if entry is None:
            return None
        _apply(db, entry.ops, True, user)
        db.execute(
            "UPDATE history SET state = 'done', changed_at = ?, changed_by = ? WHERE id = ?",
            [now(), user, entry.id],
        )
    return entry


def entries(db: Database, *, limit: int = 100, pair_id: int | None = None) -> list[Entry]:
    """The log, newest first."""
    where, args = ("WHERE pair_id = ?", [pair_id]) if pair_id is not None else ("", [])
    return [
        _entry(r)
        for r in db.execute(
            f"SELECT {_COLUMNS} FROM history {where} ORDER BY id DESC LIMIT ?", [*args, limit]
        )
    ]


def store_beads(
    db: Database,
    ops: list[Op],
    pair_id: int,
    old: Sequence[Bead],
    new: Sequence[Bead],
    *,
    user: str,
    level: Level = "sentence",
    window: Window | None = None,
) -> list[Bead]:
    """Store an edit of the pair's beads (only the rows that changed) and append its undo op to `ops`.

    Call inside the action's transaction. Returns the new bead list as stored (changed beads with their
    row ids and stamps).
    """
    w = window or changed_window(old, new)
    if w.start == w.old_stop == w.new_stop:
        return list(old)
    stored = replace_beads(
        db, pair_id, old, w.start, w.old_stop, new[w.start : w.new_stop], level=level, user=user
    )
    ops.append(beads_op(pair_id, w.start, old[w.start : w.old_stop], stored, level))
    return [*old[: w.start], *stored, *old[w.old_stop :]]


def commit_beads(
    db: Database,
    pair_id: int,
    old: Sequence[Bead],
    new: Sequence[Bead],
    *,
    user: str,
    action: str,
    summary: str,
    cursor: int | None = None,
    level: Level = "sentence",
) -> list[Bead]:
    """Store an edit of the pair's beads and log it, in one transaction (store_beads plus record)."""
    with write(db):
        ops: list[Op] = []
        stored = store_beads(db, ops, pair_id, old, new, user=user, level=level)
        if ops:
            record(db, user=user, action=action, summary=summary, ops=ops, pair_id=pair_id, bead=cursor)
    return stored
