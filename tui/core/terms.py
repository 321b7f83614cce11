"""Glossary actions: add, edit, set status, remove, add provenance, harvest and import, each one undoable.

What an action changed is read back from the glossary's own change log (glossary.change_store), so every
way into the glossary is undone the same way: the entry as it was before the action comes back.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from typing import Any, TypeVar

from sqlite_utils import Database

from alignment.model import Pair
from alignment.progress import Progress
from alignment.project import ProjectError, write
from glossary import change_store, exchange, store
from glossary.csvio import Parsed
from glossary.harvest import harvest_pair
from glossary.harvest_model import Proposal
from glossary.location import termbase
from glossary.model import Entry, ImportReport, Source, Status, Variant
from glossary.spans import link_entry, set_status
from tui.core import history
from tui.core.beads import load_pair
from tui.core.project import Action, Project

T = TypeVar("T")

_CONTENT = ("ja", "en", "acronym", "variants", "status", "domain", "definition", "note")


def entry_from_json(data: dict[str, Any]) -> Entry:
    """An entry from the JSON the glossary log keeps (`entry_to_dict(..., who=True)`)."""
    variants = data.get("variants") or {}
    return Entry(
        ja=data.get("ja"),
        en=data.get("en"),
        acronym=data.get("acronym"),
        variants=tuple(
            [Variant("ja", t) for t in variants.get("ja", [])]
            + [Variant("en", t) for t in variants.get("en", [])]
            + [Variant("en", t, forbidden=True) for t in variants.get("forbidden_en", [])]
        ),
        status=data.get("status", "proposed"),
        domain=data.get("domain"),
        definition=data.get("definition"),
        note=data.get("note"),
        sources=tuple(
            Source(
                **{
                    k: s.get(k)
                    for k in ("pair", "lang", "segment_index", "bead_index", "excerpt", "added", "added_by")
                }
            )
            for s in data.get("sources", [])
        ),
        id=data.get("id"),
        created=data.get("created"),
        created_by=data.get("created_by"),
        updated=data.get("updated"),
        updated_by=data.get("updated_by"),
    )


def _content(data: dict[str, Any] | None) -> tuple[Any, ...] | None:
    """What undo compares: the entry's terms and decisions, not its stamps."""
    if data is None:
        return None
    sources = tuple(
        sorted(
            (s["pair"], s.get("lang") or "", s.get("segment_index") or -1, s.get("bead_index") or -1)
            for s in data.get("sources", [])
        )
    )
    return (*(repr(data.get(k)) for k in _CONTENT), sources)


def _entry_json(db: Database, entry_id: int) -> dict[str, Any] | None:
    from glossary.model import entry_to_dict

    try:
        return entry_to_dict(store.get(db, entry_id), who=True)
    except store.EntryNotFound:
        return None


@history.register_op("entry")
def _apply_entry(db: Database, op: history.Op, forward: bool, user: str) -> None:
    expect, target = (op["before"], op["after"]) if forward else (op["after"], op["before"])
    current = _entry_json(db, op["id"])
    if _content(current) != _content(expect):
        raise history.HistoryConflict(
            f"glossary entry #{op['id']} was changed since; cannot undo or redo past that change"
        )
    if target is None:
        store.remove(db, op["id"], user=user, reason="undo")
    elif current is None:
        # import keeps the id when it is free, so spans linked to the entry find it again
        store.import_entries(db, [entry_from_json(target)], user=user)
    else:
        entry = entry_from_json(target)
        store.edit(
            db, op["id"], user=user, reason="undo", **{k: getattr(entry, k) for k in (*_CONTENT, "sources")}
        )


def entry_ops(db: Database, since: int) -> list[history.Op]:
    """The undo operations for every entry changed since glossary log row `since`."""
    return [
        {"op": "entry", "id": c.entry_id, "before": c.before, "after": c.after}
        for c in change_store.changes_since(db, since)
    ]


def _logged(act: Action, db: Database, change: Callable[[], T]) -> T:
    """Run a glossary change inside an action and add its entry ops to the action.

    The change runs in one transaction of the glossary's file: in a shared glossary another analyst's
    change cannot land between `since` and the end of ours, and be undone with it.
    """
    with write(termbase(db), durable=True):  # like the action: in the shared file itself at once
        since = change_store.last_change_id(db)
        result = change()
        act.ops.extend(entry_ops(db, since))
    return result


# --- actions ----------------------------------------------------------------------------------------


def add_entry(
    project: Project,
    entry: Entry,
    *,
    pair: Pair | None = None,
    bead: int | None = None,
    link_span: int | None = None,
    allow_duplicate: bool = False,
) -> Entry:
    """Store a new entry (and link the span it came from, accepting it), as one undoable action."""
    db = project.db
    with project.action(
        "add-entry", "glossary: add entry", pair_id=pair.id if pair else None, bead=bead
    ) as act:
        stored = _logged(
            act, db, lambda: store.add(db, entry, user=project.user, allow_duplicate=allow_duplicate)
        )
        act.summary = f"glossary: add #{stored.id} {_name(stored)}"
        if link_span is not None and stored.id is not None:
            before = change_store.span_row(db, link_span)
            link_entry(db, link_span, stored.id, user=project.user)
            if before and before["status"] == "suggested":
                set_status(db, link_span, "accepted", user=project.user)
            after = change_store.span_row(db, link_span)
            act.ops.append(history.rows_op("spans", {"id": link_span}, before, after))
    return stored


def _name(entry: Entry) -> str:
    """An entry in a history line: its acronym, else its Japanese or English term, kept short."""
    name = entry.acronym or entry.ja or entry.en or ""
    return name if len(name) <= 24 else name[:23] + "…"


def _describe(before: Entry, after: Entry) -> str:
    """What changed, old → new, as a person reads it in the history."""
    parts = []
    for name in ("ja", "en", "acronym", "status", "domain"):
        old, new = getattr(before, name), getattr(after, name)
        if old != new:
            parts.append(f"{name} {old or '—'} → {new or '—'}")
    for name in ("ja_variants", "en_variants", "forbidden_en"):
        if getattr(before, name) != getattr(after, name):
            parts.append(f"{name.replace('_', ' ')} {', '.join(getattr(after, name)) or '—'}")
    if before.note != after.note:
        parts.append("note")
    if before.definition != after.definition:
        parts.append("definition")
    if len(before.sources) != len(after.sources):
        parts.append(f"sources {len(before.sources)} → {len(after.sources)}")
    return "; ".join(parts) or "no change"


def edit_entry(project: Project, entry_id: int, *, reason: str | None = None, **changes: Any) -> Entry:
    """Change fields of an entry (one undoable action; a change that changes nothing is not logged)."""
    db = project.db
    with project.action("edit-entry", f"glossary: edit #{entry_id}") as act:
        before = store.get(db, entry_id)
        after = _logged(
            act, db, lambda: store.edit(db, entry_id, user=project.user, reason=reason, **changes)
        )
        act.summary = f"glossary: #{entry_id} {_name(after)}: {_describe(before, after)}"
    return after


def set_entry_status(project: Project, entry_id: int, status: Status, *, reason: str | None = None) -> Entry:
    return edit_entry(project, entry_id, reason=reason, status=status)


def add_sources(project: Project, entry_id: int, sources: Sequence[Source]) -> Entry:
    db = project.db
    with project.action("add-source", f"glossary: add provenance to #{entry_id}") as act:
        return _logged(act, db, lambda: store.add_sources(db, entry_id, sources, user=project.user))


def remove_entry(project: Project, entry_id: int, *, reason: str | None = None) -> Entry:
    """Remove an entry; the spans linked to it are unlinked, and undo links them again."""
    db = project.db
    with project.action("remove-entry", f"glossary: remove #{entry_id}") as act:
        before = store.get(db, entry_id)
        act.summary = f"glossary: remove #{entry_id} {_name(before)}"
        linked = change_store.spans_linked_to(db, entry_id)
        rows_before = {i: change_store.span_row(db, i) for i in linked}
        removed = _logged(act, db, lambda: store.remove(db, entry_id, user=project.user, reason=reason))
        # Undo runs the ops backwards: the entry comes back before the spans link to it again.
        span_ops = [
            history.rows_op("spans", {"id": i}, rows_before[i], change_store.span_row(db, i)) for i in linked
        ]
        act.ops[:0] = span_ops
    return removed


@dataclass(frozen=True, slots=True)
class Harvest:
    pair: str
    proposals: tuple[Proposal, ...]


def _harvester(project: Project, pair: Pair) -> Callable[[], list[Proposal]]:
    return lambda: harvest_pair(project.db, pair, user=project.user)


def harvest(project: Project, pairs: Iterable[Pair], *, dry_run: bool = False) -> list[Harvest]:
    """Propose entries from each pair's acronym definitions and accepted spans (one action per pair)."""
    out = []
    for pair in pairs:
        if dry_run:
            found = harvest_pair(project.db, pair, user=project.user, dry_run=True)
        else:
            with project.action("harvest", f"{pair.name}: harvest", pair_id=pair.id) as act:
                found = _logged(act, project.db, _harvester(project, pair))
                added = sum(1 for op in act.ops if op["before"] is None)
                act.summary = f"{pair.name}: harvest {added} new glossary entr{'y' if added == 1 else 'ies'}"
        out.append(Harvest(pair.name, tuple(found)))
    return out


def import_file(
    project: Project,
    parsed: Parsed,
    *,
    label: str,
    dry_run: bool = False,
    on_progress: Progress | None = None,
) -> ImportReport:
    """Merge the good entries of a parsed glossary file as one undoable action (nothing when `dry_run`)."""
    db = project.db
    with project.action("import-entries", f"glossary: import {label}") as act:
        report = _logged(
            act,
            db,
            lambda: exchange.import_file(
                db, parsed, user=project.user, dry_run=dry_run, on_progress=on_progress
            ),
        )
        act.summary = f"glossary: import {label} (+{len(report.added)}, ~{len(report.updated)})"
    return report


def checked_sources(db: Database, sources: Sequence[Source]) -> tuple[Source, ...]:
    """Sources given by a person, checked against the project (the pair exists, the bead or sentence is
    in range) and completed with the text they point at. Raises ProjectError with one line."""
    from alignment.store import get_pair, segment_texts

    out = []
    for s in sources:
        pair = get_pair(db, s.pair)
        excerpt = s.excerpt
        if s.bead_index is not None:
            state = load_pair(db, pair.name)
            if not 0 <= s.bead_index < len(state.beads):
                raise ProjectError(
                    f"{s.pair} has {len(state.beads)} beads; there is no bead {s.bead_index + 1}"
                )
            bead = state.beads[s.bead_index]
            excerpt = excerpt or "".join(state.ja_texts[slice(*bead.ja)]) or None
        if s.segment_index is not None and s.lang is not None:
            texts = segment_texts(db, pair.id, s.lang)
            if not 0 <= s.segment_index < len(texts):
                raise ProjectError(
                    f"{s.pair} has {len(texts)} {s.lang.upper()} sentences; there is no sentence {s.segment_index + 1}"
                )
            excerpt = excerpt or texts[s.segment_index]
        out.append(replace(s, excerpt=excerpt))
    return tuple(out)
