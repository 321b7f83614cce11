"""The adjudication queue of a merged project: one row per disagreement between two analysts, with both
versions, and the decision taken on it (by whom, when).

The rows are plain snapshots (JSON), so the queue is shown and settled from the merged file alone. The
undo history logs a decision as the item row before and after (the generic `rows` operation), which is
why the table keeps every field a decision changes in one row.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Literal

from sqlite_utils import Database, Migrations

from alignment.project import now, write

REVIEW = Migrations("review")

Kind = Literal["beads", "span", "entry"]
KINDS: tuple[Kind, ...] = ("beads", "span", "entry")
Decision = Literal["a", "b", "edit"]


@REVIEW()
def m001_review(db: Database) -> None:
    db.execute(
        """CREATE TABLE review_items (
            id INTEGER PRIMARY KEY,
            kind TEXT NOT NULL CHECK (kind IN ('beads', 'span', 'entry')),
            key TEXT NOT NULL UNIQUE,
            pair TEXT,
            title TEXT NOT NULL,
            a TEXT NOT NULL,
            b TEXT NOT NULL,
            decision TEXT CHECK (decision IN ('a', 'b', 'edit')),
            edited TEXT,
            decided_by TEXT,
            decided_at TEXT,
            created_at TEXT NOT NULL
        )"""
    )
    db.execute(
        """CREATE TABLE review_sources (
            id INTEGER PRIMARY KEY CHECK (id = 1),
            a_path TEXT NOT NULL,
            b_path TEXT NOT NULL,
            built_at TEXT NOT NULL,
            built_by TEXT NOT NULL
        )"""
    )


@REVIEW()
def m002_review_base(db: Database) -> None:
    # What the last build left in the merged project, so a later build tells the analysts' new agreed
    # changes (brought in) from the lead's own changes to the merged project (never overwritten).
    db.execute("ALTER TABLE review_sources ADD COLUMN base TEXT")


@dataclass(frozen=True, slots=True)
class Item:
    id: int
    kind: Kind
    key: str
    pair: str | None
    title: str
    a: Any
    """A's version (JSON data; None or [] when A has nothing there)."""
    b: Any
    decision: Decision | None
    edited: Any
    decided_by: str | None
    decided_at: str | None

    @property
    def chosen(self) -> Any:
        """The version the decision put in the merged project."""
        return {"a": self.a, "b": self.b, "edit": self.edited, None: None}[self.decision]


def _item(row: dict[str, Any]) -> Item:
    return Item(
        id=row["id"],
        kind=row["kind"],
        key=row["key"],
        pair=row["pair"],
        title=row["title"],
        a=json.loads(row["a"]),
        b=json.loads(row["b"]),
        decision=row["decision"],
        edited=json.loads(row["edited"]) if row["edited"] is not None else None,
        decided_by=row["decided_by"],
        decided_at=row["decided_at"],
    )


def _dump(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False, sort_keys=True)


def sources(db: Database) -> tuple[str, str] | None:
    """The two projects a merged project was built from (None for a project that is not a merge)."""
    row = db.execute("SELECT a_path, b_path FROM review_sources").fetchone()
    return (str(row[0]), str(row[1])) if row else None


def base(db: Database) -> dict[str, Any]:
    """The merged project's content as the last build left it ({} before the first build that kept it)."""
    row = db.execute("SELECT base FROM review_sources").fetchone()
    return dict(json.loads(row[0])) if row and row[0] else {}


def set_base(db: Database, data: dict[str, Any]) -> None:
    with write(db):
        db.execute("UPDATE review_sources SET base = ?", [_dump(data)])


def is_merge(db: Database) -> bool:
    """Whether the project is an adjudication (it records the two projects it merges)."""
    return bool(db.execute("SELECT count(*) FROM review_sources").fetchone()[0])


def set_sources(db: Database, a_path: str, b_path: str, *, user: str) -> None:
    with write(db):
        db.execute(
            "INSERT INTO review_sources (id, a_path, b_path, built_at, built_by) VALUES (1, ?, ?, ?, ?) "
            "ON CONFLICT(id) DO UPDATE SET a_path = excluded.a_path, b_path = excluded.b_path, "
            "built_at = excluded.built_at, built_by = excluded.built_by",
            [a_path, b_path, now(), user],
        )


def upsert(db: Database, kind: Kind, key: str, pair: str | None, title: str, a: Any, b: Any) -> str:
    """Queue a disagreement; an item already queued keeps its decision (its versions are refreshed only
    while it is open). Returns "added", "kept", "refreshed", or "changed" for a decided item whose analysts
    changed their versions since (the decision stays; the lead may want to look again)."""
    row = db.execute("SELECT id, decision, a, b FROM review_items WHERE key = ?", [key]).fetchone()
    if row is None:
        db.execute(
            "INSERT INTO review_items (kind, key, pair, title, a, b, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
            [kind, key, pair, title, _dump(a), _dump(b), now()],
        )
        return "added"
    if (row[2], row[3]) == (_dump(a), _dump(b)):
        return "kept"
    if row[1] is not None:
        return "changed"
    db.execute(
        "UPDATE review_items SET title = ?, a = ?, b = ? WHERE id = ?", [title, _dump(a), _dump(b), row[0]]
    )
    return "refreshed"


def drop_open_except(db: Database, keys: set[str], pairs: set[str]) -> int:
    """Open items of the compared pairs (and of the glossary) that the analysts no longer disagree on are
    dropped; decided ones stay, and so do items of pairs not compared this time. Returns how many."""
    gone = [
        int(r[0])
        for r in db.execute("SELECT id, key, pair FROM review_items WHERE decision IS NULL").fetchall()
        if r[1] not in keys and (r[2] is None or r[2] in pairs)
    ]
    db.conn.executemany("DELETE FROM review_items WHERE id = ?", [(i,) for i in gone])
    return len(gone)


def items(db: Database) -> list[Item]:
    """The queue in its order: by kind (beads, spans, entries), then as queued."""
    rows = db.query(
        "SELECT * FROM review_items ORDER BY CASE kind WHEN 'beads' THEN 0 WHEN 'span' THEN 1 ELSE 2 END, id"
    )
    return [_item(r) for r in rows]


def get(db: Database, item_id: int) -> Item:
    from alignment.project import ProjectError

    rows = list(db.query("SELECT * FROM review_items WHERE id = ?", [item_id]))
    if not rows:
        raise ProjectError(f"no adjudication item {item_id}")
    return _item(rows[0])


def decided_row(item: Item, decision: Decision | None, edited: Any, user: str) -> dict[str, Any]:
    """The item's row fields after a decision (what the history logs and writes back)."""
    return {
        "decision": decision,
        "edited": _dump(edited) if decision == "edit" else None,
        "decided_by": user if decision else None,
        "decided_at": now() if decision else None,
    }


def row_of(item: Item) -> dict[str, Any]:
    return {
        "decision": item.decision,
        "edited": _dump(item.edited) if item.decision == "edit" else None,
        "decided_by": item.decided_by,
        "decided_at": item.decided_at,
    }


def set_decision(db: Database, item_id: int, fields: dict[str, Any]) -> None:
    sets = ", ".join(f"[{k}] = ?" for k in fields)
    db.execute(f"UPDATE review_items SET {sets} WHERE id = ?", [*fields.values(), item_id])


def item_row(db: Database, key: str) -> dict[str, Any] | None:
    """An item's whole row by key (what the history logs when an item is queued)."""
    rows = list(db.query("SELECT * FROM review_items WHERE key = ?", [key]))
    return rows[0] if rows else None
