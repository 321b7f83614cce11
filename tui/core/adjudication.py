"""Adjudication: two analysts' projects merged into one, their disagreements queued for a lead to settle.

The merged project starts as a copy of A (so everything both agree on is there as they left it, with its
provenance); every bead stretch, span range and glossary term they disagree on becomes an item of the queue
(glossary.review_store), showing A's version until decided. Each decision (take A, take B, edit) is one
action of the application layer: the merged project's content and the item's decision change in one
transaction, logged in the shared history with who decided, and undoable. Building again on a partly
adjudicated project keeps every decision made and brings in what A and B changed alike since
(tui.core.adjudication_sync).
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from alignment.project import ProjectError, resolve_db_path, write
from alignment.textio import path_text
from glossary import review_store
from glossary.agreement import agreement
from glossary.agreement_diff import BeadStretch, EntryDiff, SpanDiff, SpanRow, bead_json
from glossary.project import open_glossary_project
from glossary.review_store import Decision, Item, Kind
from tui.core import history
from tui.core.adjudication_apply import apply_version
from tui.core.adjudication_sync import bring_in_agreed
from tui.core.project import Project


@dataclass(slots=True)
class QueueCounts:
    """What building the queue found, per kind of item."""

    path: str
    items: dict[str, int] = field(default_factory=dict)
    decided: dict[str, int] = field(default_factory=dict)
    added: int = 0
    kept: int = 0
    dropped: int = 0
    changed: int = 0
    """Decided items whose analysts changed their versions since the decision (kept, worth a look)."""
    created: bool = False
    brought_in: dict[Kind, int] = field(default_factory=dict)
    """Places where A and B made the same change since the last build, now in the merged project."""
    left_out: list[str] = field(default_factory=list)
    """Such changes not brought in (the lead changed the place in the merged project), one line each."""

    def to_dict(self) -> dict[str, Any]:
        return {
            "merged": self.path,
            "created": self.created,
            "added": self.added,
            "kept": self.kept,
            "dropped": self.dropped,
            "changed_since_decided": self.changed,
            "brought_in": {k: self.brought_in.get(k, 0) for k in review_store.KINDS},
            "left_out": self.left_out,
            "kinds": {
                k: {
                    "items": self.items.get(k, 0),
                    "decided": self.decided.get(k, 0),
                    "open": self.items.get(k, 0) - self.decided.get(k, 0),
                }
                for k in review_store.KINDS
            },
        }


def _stretch_item(s: BeadStretch) -> tuple[Kind, str, str | None, str, Any, Any]:
    title = f"beads A {s.start_a + 1}–{s.stop_a} / B {s.start_b + 1}–{s.stop_b}"
    meta = {"ja": list(s.ja), "en": list(s.en)}
    return (
        "beads",
        s.key,
        s.pair,
        title,
        {**meta, "beads": [bead_json(b) for b in s.a]},
        {**meta, "beads": [bead_json(b) for b in s.b]},
    )


def _span_item(d: SpanDiff) -> tuple[Kind, str, str | None, str, Any, Any]:
    meta = {"lang": d.lang, "start": d.start, "end": d.end, "text": d.text}
    return (
        "span",
        d.key,
        d.pair,
        f"{d.lang.upper()} {d.text}: A {_labels(d.a)} / B {_labels(d.b)}",
        {**meta, "spans": [s.to_dict() for s in d.a]},
        {**meta, "spans": [s.to_dict() for s in d.b]},
    )


def _labels(rows: Sequence[SpanRow]) -> str:
    """The accepted labels, each with the term of the glossary entry it links to (→ term)."""
    return (
        ", ".join(
            s.label + (f" → {s.link_text()}" if s.entry else "") for s in rows if s.status == "accepted"
        )
        or "—"
    )


def _entry_item(d: EntryDiff) -> tuple[Kind, str, str | None, str, Any, Any]:
    key = f"entry:{d.key[0]}:{d.key[1]}"
    return (
        "entry",
        key,
        None,
        d.term,
        {"key": list(d.key), "entry": d.a},
        {"key": list(d.key), "entry": d.b},
    )


def _copy(source: Path, target: Path) -> None:
    """A consistent copy of A (SQLite's online backup, so changes still in A's -wal file come along)."""
    src = open_glossary_project(source, create=False, readonly=True)
    try:
        tmp = target.with_name(target.name + ".part")
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()
        dest = sqlite3.connect(tmp)
        try:
            src.conn.backup(dest)
        finally:
            dest.close()
        os.replace(tmp, target)
    finally:
        src.close()


def build_queue(
    a_path: str | os.PathLike[str],
    b_path: str | os.PathLike[str],
    out_path: str | os.PathLike[str],
    *,
    user: str,
    pair: str | None = None,
) -> QueueCounts:
    """Write (or bring up to date) the merged project and its queue; decisions already made are kept."""
    a, b, out = resolve_db_path(a_path), resolve_db_path(b_path), resolve_db_path(out_path)
    if not a.exists() or not b.exists():
        raise ProjectError(f"no project file at {a if not a.exists() else b}")
    if out.resolve() in (a.resolve(), b.resolve()):
        raise ProjectError("the merged project must be a new file, not A or B")
    db_a = open_glossary_project(a, create=False, readonly=True)
    try:
        db_b = open_glossary_project(b, create=False, readonly=True)
        try:
            found = agreement(db_a, db_b, pair=pair)
        finally:
            db_b.close()
    finally:
        db_a.close()
    counts = QueueCounts(str(out), created=not out.exists())
    if counts.created:
        _copy(a, out)
    baks = set(out.parent.glob(f"{out.name}.pre-migration-*.bak"))
    with Project.open(out, user=user, create=False) as project:
        if counts.created:  # the backup before migrating our fresh copy of A is a second copy of A
            for bak in set(out.parent.glob(f"{out.name}.pre-migration-*.bak")) - baks:
                bak.unlink()
        db = project.db
        built_from = review_store.sources(db)
        if not counts.created and built_from is None:
            raise ProjectError(f"{out} exists and is not a merged project; give a new file with -o")
        if built_from is not None and built_from != (path_text(a.resolve()), path_text(b.resolve())):
            raise ProjectError(
                f"{out} merges {built_from[0]} and {built_from[1]}, not these two; give a new file with -o"
            )
        rows = [
            *map(_stretch_item, found.stretches),
            *map(_span_item, found.span_items),
            *map(_entry_item, found.entry_items),
        ]
        with write(db):
            review_store.set_sources(db, path_text(a.resolve()), path_text(b.resolve()), user=user)
            for row in rows:
                how = review_store.upsert(db, *row)
                counts.added += how == "added"
                counts.kept += how != "added"
                counts.changed += how == "changed"
            counts.dropped = review_store.drop_open_except(db, {r[1] for r in rows}, set(found.pairs))
        report = bring_in_agreed(project, found)
        counts.brought_in, counts.left_out = dict(report.brought_in), report.left_out
        for item in review_store.items(db):
            counts.items[item.kind] = counts.items.get(item.kind, 0) + 1
            if item.decision is not None:
                counts.decided[item.kind] = counts.decided.get(item.kind, 0) + 1
    return counts


_VERB = {"a": "take A", "b": "take B", "edit": "edit"}


def decide(project: Project, item_id: int, decision: Decision, edited: Any = None) -> Item:
    """Settle one item: put A's, B's or an edited version in the merged project, as one undoable action.

    Deciding again replaces the earlier decision (both stay in the history).
    """
    db = project.db
    item = review_store.get(db, item_id)
    version = {"a": item.a, "b": item.b, "edit": edited}[decision]
    if decision == "edit" and edited is None:
        raise ProjectError("an edit needs the edited version")
    summary = f"adjudicate {item.kind} {item.title}: {_VERB[decision]}"
    with project.action("adjudicate", summary) as act:
        act.pair_id, act.bead = apply_version(project, act, item, version)
        before = review_store.row_of(item)
        after = review_store.decided_row(item, decision, edited, project.user)
        review_store.set_decision(db, item.id, after)
        act.ops.append(history.rows_op("review_items", {"id": item.id}, before, after))
    return review_store.get(db, item_id)


def queue(project: Project) -> list[Item]:
    return review_store.items(project.db)


def open_count(project: Project) -> int:
    return sum(1 for i in review_store.items(project.db) if i.decision is None)
