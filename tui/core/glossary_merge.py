"""`glossary merge`: bring another glossary's entries into the project's, never overwriting a decision.

Entries are matched by term (the Japanese term, else the acronym, else the English; width, kana and case
folded). Another glossary's entry is
- added when the project has no entry of that term (its provenance comes along; the change log says where
  it came from);
- merged when both made the same decision (same status, same English, no clashing acronym): variants,
  sources and empty fields are filled in from the other glossary;
- a conflict otherwise (same term, different status or English): reported, queued for a person in the
  adjudication queue (`taiyaku queue`, the app's queue screen) and left as it is.
The whole merge is one undoable action.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from typing import Any

from alignment.project import ProjectError, resolve_db_path
from alignment.textio import path_text
from glossary import change_store, queries, review_store, store
from glossary.agreement_diff import entry_key
from glossary.lookup import lookup_key
from glossary.model import Entry, entry_to_dict
from glossary.project import open_glossary_project
from tui.core import history
from tui.core.project import Action, Project
from tui.core.terms import entry_ops


@dataclass(slots=True)
class MergeReport:
    other: str
    added: list[str] = field(default_factory=list)
    merged: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    conflicts: list[dict[str, Any]] = field(default_factory=list)
    dry_run: bool = False

    def to_dict(self) -> dict[str, Any]:
        return {
            "other": self.other,
            "dry_run": self.dry_run,
            "added": self.added,
            "merged": self.merged,
            "unchanged": self.unchanged,
            "conflicts": self.conflicts,
        }


def _fold(text: str | None) -> str:
    return lookup_key(text) if text else ""


def conflict_fields(ours: Entry, theirs: Entry) -> list[str]:
    """What keeps two entries of one term from being the same decision."""
    out = []
    if ours.status != theirs.status:
        out.append("status")
    if _fold(ours.en) != _fold(theirs.en) and ours.en and theirs.en:
        out.append("en")
    if ours.acronym and theirs.acronym and _fold(ours.acronym) != _fold(theirs.acronym):
        out.append("acronym")
    return out


def merged_entry(ours: Entry, theirs: Entry) -> Entry:
    """Ours with what theirs adds: variants and sources not there yet, and fields ours leaves empty."""
    have = {s.identity() for s in ours.sources}
    return replace(
        ours,
        en=ours.en or theirs.en,
        acronym=ours.acronym or theirs.acronym,
        variants=(*ours.variants, *(v for v in theirs.variants if v not in ours.variants)),
        sources=(*ours.sources, *(s for s in theirs.sources if s.identity() not in have)),
        domain=ours.domain or theirs.domain,
        definition=ours.definition or theirs.definition,
        note=ours.note or theirs.note,
    )


def _read_other(path: str | os.PathLike[str]) -> list[Entry]:
    p = resolve_db_path(path)
    if not p.exists():
        raise ProjectError(f"no glossary file at {p}")
    db = open_glossary_project(p, create=False, readonly=True)
    try:
        return queries.list_entries(db)
    finally:
        db.close()


def _queue_conflict(act: Action, project: Project, ours: Entry, theirs: Entry, fields: list[str]) -> None:
    key = entry_key(ours)
    item_key = f"entry:{key[0]}:{key[1]}"
    title = f"{ours.label}: {', '.join(fields)} differ (glossary merge)"
    a = {"key": list(key), "entry": entry_to_dict(ours, who=True)}
    b = {"key": list(key), "entry": entry_to_dict(theirs, who=True)}
    before = review_store.item_row(project.db, item_key)
    review_store.upsert(project.db, "entry", item_key, None, title, a, b)
    after = review_store.item_row(project.db, item_key)
    if before != after:
        act.ops.append(history.rows_op("review_items", {"key": item_key}, before, after))


@contextmanager
def _naming(theirs: Entry, other: str | os.PathLike[str]) -> Iterator[None]:
    """An entry the store refuses (a 2 MB note, a control character) fails the whole merge, which then
    changes nothing; the one-line error says which entry of which file, so it can be fixed there."""
    try:
        yield
    except store.InvalidEntry as exc:
        raise store.InvalidEntry(f"{theirs.label} in {other}: {exc}") from None


def merge_glossary(project: Project, other: str | os.PathLike[str], *, dry_run: bool = False) -> MergeReport:
    """Merge another project's (or shared glossary file's) entries into the project's glossary."""
    theirs_all = _read_other(other)
    other = path_text(other)  # from here on it is text: stored in reasons and the history, and printed
    report = MergeReport(other, dry_run=dry_run)
    db = project.db
    with project.action("merge-glossary", f"glossary: merge {other}") as act:
        ours_by_key: dict[tuple[str, str], Entry] = {}
        for e in queries.list_entries(db):
            ours_by_key.setdefault(entry_key(e), e)
        since = change_store.last_change_id(db)
        for theirs in theirs_all:
            key = entry_key(theirs)
            ours = ours_by_key.get(key)
            if ours is None or ours.id is None:
                report.added.append(theirs.label)
                if not dry_run:
                    with _naming(theirs, other):
                        stored = store.add(
                            db, theirs, user=project.user, allow_duplicate=True, reason=f"merged from {other}"
                        )
                    ours_by_key[key] = stored
                continue
            fields = conflict_fields(ours, theirs)
            if fields:
                report.conflicts.append(
                    {
                        "term": ours.label,
                        "fields": fields,
                        "ours": entry_to_dict(ours),
                        "theirs": entry_to_dict(theirs),
                    }
                )
                if not dry_run:
                    _queue_conflict(act, project, ours, theirs, fields)
                continue
            want = merged_entry(ours, theirs)
            if want == ours:
                report.unchanged.append(ours.label)
                continue
            report.merged.append(ours.label)
            if not dry_run:
                changes = {k: getattr(want, k) for k in store.EDITABLE}
                with _naming(theirs, other):
                    ours_by_key[key] = store.edit(
                        db, ours.id, user=project.user, reason=f"merged from {other}", **changes
                    )
        act.ops[:0] = entry_ops(db, since)  # entries first: undo takes the queue items away before them
        act.summary = (
            f"glossary: merge {other} (+{len(report.added)}, ~{len(report.merged)}, "
            f"{len(report.conflicts)} conflicts)"
        )
    return report
