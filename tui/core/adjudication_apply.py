"""Putting one version of a disagreement into the merged project, inside the action that decides it.

Each function sets the merged project's content at the item's place (a bead stretch, a span range, a
glossary term) to the version given, whatever is there now, and adds the undo operations to the action.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from sqlite_utils import Database

from alignment import edit
from alignment.bead_store import get_beads, save_beads
from alignment.clause_beads import inside
from alignment.model import Bead, Lang
from alignment.project import ProjectError
from alignment.store import get_pair
from glossary import change_store, store
from glossary import spans as span_store
from glossary.agreement_diff import ENTRY_FIELDS, SpanRow, entry_key
from glossary.model import Entry
from glossary.review_store import Item, Kind
from tui.core import history
from tui.core.beads import load_pair
from tui.core.clause_follow import follow_clauses
from tui.core.project import Action, Project
from tui.core.terms import entry_from_json, entry_ops


def apply_version(project: Project, act: Action, item: Item, version: Any) -> tuple[int | None, int | None]:
    """Apply `version` for the item; returns the pair id and 0-based bead it concerns (where undo goes)."""
    return apply_at(project, act, item.kind, item.pair, version)


def apply_at(
    project: Project, act: Action, kind: Kind, pair: str | None, version: Any
) -> tuple[int | None, int | None]:
    """Apply a version (shaped as an item's) at a place of the merged project, item or not."""
    if kind == "beads":
        return _apply_beads(project, act, pair or "", version)
    if kind == "span":
        return _apply_spans(project, act, pair or "", version)
    _apply_entry(project, act, version)
    return None, None


# --- beads ------------------------------------------------------------------------------------------------


def _apply_beads(project: Project, act: Action, pair_name: str, version: Any) -> tuple[int, int]:
    db, user = project.db, project.user
    state = load_pair(db, pair_name)
    pair_id = state.pair.id
    if not state.stored:
        save_beads(db, pair_id, state.beads, user=user)
        act.ops.append(history.beads_op(pair_id, 0, [], get_beads(db, pair_id)))
    old = get_beads(db, pair_id)
    ja, en = (version["ja"][0], version["ja"][1]), (version["en"][0], version["en"][1])
    held = [k for k, b in enumerate(old) if inside(b, ja, en)]
    if not held or held != list(range(held[0], held[-1] + 1)):
        raise ProjectError(
            f"{pair_name}: the beads over these sentences were changed elsewhere; check the pair"
        )
    start, stop = held[0], held[-1] + 1
    target = [
        Bead((x["ja"][0], x["ja"][1]), (x["en"][0], x["en"][1]), score=x.get("score"), status=x["status"])
        for x in version["beads"]
    ]
    new = [*old[:start], *target, *old[stop:]]
    edit.check_cover(new, len(state.ja_texts), len(state.en_texts))
    window = edit.Window(start, stop, start + len(target))
    if [(b.ja, b.en, b.status) for b in old[start:stop]] == [(b.ja, b.en, b.status) for b in target]:
        return pair_id, start
    stored = history.store_beads(db, act.ops, pair_id, old, new, user=user, window=window)
    follow_clauses(db, act.ops, state.pair, old, stored, user=user)
    return pair_id, start


# --- spans ------------------------------------------------------------------------------------------------


def _entry_id(db: Database, row: SpanRow) -> int | None:
    """The merged project's entry for a span's link: the same terms, else the same term as entries are
    matched (its English may be settled differently). A link to an entry the merged glossary lacks is a
    one-line error: the entry's own item is settled first."""
    if row.entry is None:
        return None
    ja, en, acronym = row.entry
    found = store.find_duplicate(db, Entry(ja=ja, en=en, acronym=acronym))
    if found is None:
        found = next((e for e in store.list_entries(db) if entry_key(e) == row.link), None)
    if found is None or found.id is None:
        raise ProjectError(
            f"{row.text} links to {row.link_text()}, which the merged glossary lacks; settle that entry first"
        )
    return found.id


def _apply_spans(project: Project, act: Action, pair_name: str, version: Any) -> tuple[int, None]:
    db, user = project.db, project.user
    pair = get_pair(db, pair_name)
    lang: Lang = version["lang"]
    start, end = int(version["start"]), int(version["end"])
    current = {
        str(r["label"]): i
        for i, r in change_store.span_rows(db, pair.id).items()
        if (r["lang"], r["start"], r["end"]) == (lang, start, end)
    }
    targets = [SpanRow.from_dict(s) for s in version["spans"]]
    entry_ids = [_entry_id(db, t) for t in targets]  # before any change: a missing entry changes nothing
    for label, span_id in current.items():
        if all(t.label != label for t in targets):
            before = change_store.span_row(db, span_id)
            span_store.remove_span(db, span_id)
            act.ops.append(history.rows_op("spans", {"id": span_id}, before, None))
    for t, entry_id in zip(targets, entry_ids, strict=True):
        if t.label in current:
            span_id = current[t.label]
            before = change_store.span_row(db, span_id)
            assert before is not None  # read just above in the same transaction
            if before["status"] != t.status:
                span_store.set_status(db, span_id, t.status, user=user)  # type: ignore[arg-type]  # a stored status
            if before["entry_id"] != entry_id:
                span_store.link_entry(db, span_id, entry_id, user=user)
            after = change_store.span_row(db, span_id)
            if after != before:
                act.ops.append(history.rows_op("spans", {"id": span_id}, before, after))
        else:
            span = span_store.add_span(
                db,
                pair,
                lang,
                start,
                end,
                t.label,
                user=user,
                entry_id=entry_id,
                status=t.status,  # type: ignore[arg-type]  # a stored status
            )
            assert span.id is not None
            act.ops.append(
                history.rows_op("spans", {"id": span.id}, None, change_store.span_row(db, span.id))
            )
    return pair.id, None


# --- glossary entries -----------------------------------------------------------------------------------


def _merged_entry(project: Project, key: tuple[str, str]) -> Entry | None:
    return next((e for e in store.list_entries(project.db) if entry_key(e) == key), None)


def _apply_entry(project: Project, act: Action, version: Any) -> None:
    db, user = project.db, project.user
    key = (str(version["key"][0]), str(version["key"][1]))
    target = version["entry"]
    current = _merged_entry(project, key)
    since = change_store.last_change_id(db)
    if target is None:
        if current is not None and current.id is not None:
            store.remove(db, current.id, user=user, reason="adjudication")
    else:
        wanted = entry_from_json(target)
        if current is None or current.id is None:
            store.add(db, replace(wanted, id=None), user=user, allow_duplicate=True)
        else:
            changes = {k: getattr(wanted, k) for k in ENTRY_FIELDS}
            if any(getattr(current, k) != v for k, v in changes.items()):
                store.edit(db, current.id, user=user, reason="adjudication", **changes)
    act.ops.extend(entry_ops(db, since))
