"""Span actions: accept, reject, reopen, relabel, link to an entry, draw, delete and store suggestions.

Each is one undoable action: the span rows before and after go to the history in the same transaction.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from sqlite_utils import Database

from alignment.model import Lang, Pair
from alignment.progress import Progress
from alignment.project import ProjectError
from alignment.store import get_pair_by_id
from glossary import change_store
from glossary import spans as span_store
from glossary.match import Matcher
from glossary.spans import SpanStatus
from glossary.suggest import (
    DocumentAnalysis,
    SuggestReport,
    analyse_pair,
    glossary_matcher,
    store_analyses,
)
from tui.core import history
from tui.core.project import Action, Project

T = TypeVar("T")

_WORD = re.compile(r"\w+|[^\w\s]", re.UNICODE)


def english_edges(text: str) -> list[int]:
    """Word edges of English text (a token is a run of letters/digits, or one punctuation mark)."""
    edges = {0, len(text)}
    for m in _WORD.finditer(text):
        edges.update((m.start(), m.end()))
    return sorted(edges)


@dataclass(frozen=True, slots=True)
class BeadSpan:
    """A span of the current bead, with the offsets of its segment so it can be drawn inside it."""

    id: int
    lang: str
    segment: int
    start: int
    """Offset into the document text."""
    end: int
    label: str
    status: str
    source: str
    text: str
    entry_id: int | None


def spans_by_segment(db: Database, pair: Pair) -> dict[tuple[str, int], list[BeadSpan]]:
    out: dict[tuple[str, int], list[BeadSpan]] = {}
    for s in span_store.list_spans(db, pair):
        if s.segment is None or s.id is None:
            continue
        out.setdefault((s.lang, s.segment), []).append(
            BeadSpan(s.id, s.lang, s.segment, s.start, s.end, s.label, s.status, s.source, s.text, s.entry_id)
        )
    return out


def span_counts(db: Database, pair_id: int) -> tuple[int, int]:
    """(suggested, decided) spans of a pair."""
    counts = change_store.status_counts(db, pair_id)
    return counts.get("suggested", 0), counts.get("accepted", 0) + counts.get("rejected", 0)


def _changed_row(act: Action, db: Database, span_id: int, change: Callable[[], T]) -> T:
    """Run a change of one span row inside an action and log the row before and after."""
    before = change_store.span_row(db, span_id)
    if before is None:
        raise ProjectError(f"no span {span_id} (see `taiyaku spans list`)")
    result = change()
    after = change_store.span_row(db, span_id)
    if before != after:
        act.ops.append(history.rows_op("spans", {"id": span_id}, before, after))
    return result


def _decide_one(act: Action, db: Database, span_id: int, status: SpanStatus, user: str) -> span_store.Span:
    return _changed_row(act, db, span_id, lambda: span_store.set_status(db, span_id, status, user=user))


_VERBS = {"accepted": "accept", "rejected": "reject", "suggested": "reopen"}


def decide(
    project: Project, span_ids: Sequence[int], status: SpanStatus, *, bead: int | None = None
) -> list[span_store.Span]:
    """Accept, reject or reopen spans, all as one action (one unknown id changes none of them)."""
    db, verb = project.db, _VERBS[status]
    with project.action(verb, f"{verb} {len(span_ids)} spans", bead=bead) as act:
        pairs = {int(row["pair_id"]) for i in span_ids if (row := change_store.span_row(db, i))}
        done = [_decide_one(act, db, i, status, project.user) for i in span_ids]
        if len(pairs) == 1:
            act.pair_id = pairs.pop()
            name = get_pair_by_id(db, act.pair_id).name
        else:
            name = f"{len(pairs)} pairs"
        what = f"{done[0].label} span {done[0].text}" if len(done) == 1 else f"{len(done)} spans"
        act.summary = f"{name}: {verb} {what}"
    return done


def relabel(project: Project, pair: Pair, span_id: int, label: str, *, bead: int | None = None) -> None:
    db = project.db
    old = span_store.get_span(db, span_id)
    with project.action(
        "label", f"{pair.name}: label {old.text} {label} (was {old.label})", pair_id=pair.id, bead=bead
    ) as act:
        _changed_row(act, db, span_id, lambda: span_store.set_label(db, span_id, label, user=project.user))


def link(
    project: Project, pair: Pair, span_id: int, entry_id: int | None, *, bead: int | None = None
) -> None:
    db = project.db
    text = span_store.get_span(db, span_id).text
    what = f"link {text} to entry #{entry_id}" if entry_id else f"unlink {text}"
    with project.action("link", f"{pair.name}: {what}", pair_id=pair.id, bead=bead) as act:
        _changed_row(
            act, db, span_id, lambda: span_store.link_entry(db, span_id, entry_id, user=project.user)
        )


def delete(project: Project, pair: Pair, span_id: int, *, bead: int | None = None) -> None:
    db = project.db
    span = span_store.get_span(db, span_id)
    summary = f"{pair.name}: delete {span.label} span {span.text}"
    with project.action("delete-span", summary, pair_id=pair.id, bead=bead) as act:
        _changed_row(act, db, span_id, lambda: span_store.remove_span(db, span_id))


def create(
    project: Project, pair: Pair, lang: Lang, start: int, end: int, label: str, *, bead: int | None = None
) -> int:
    """A span drawn by a person (a suggestion of the same range and label becomes their decision)."""
    db = project.db
    with project.action("add-span", f"{pair.name}: add span", pair_id=pair.id, bead=bead) as act:
        existing = change_store.find_span(db, pair.id, lang, start, end, label.upper())
        before = change_store.span_row(db, existing) if existing is not None else None
        span = span_store.add_span(db, pair, lang, start, end, label, user=project.user)
        assert span.id is not None  # a stored span has its row id
        act.ops.append(history.rows_op("spans", {"id": span.id}, before, change_store.span_row(db, span.id)))
        act.summary = f"{pair.name}: add {span.label} span {span.text}"
    return span.id


def store_suggestions(project: Project, pair: Pair, analyses: Sequence[DocumentAnalysis]) -> SuggestReport:
    """Store a pair's analysed suggestions as one undoable action. Decisions are never touched."""
    db = project.db
    with project.action("suggest", f"{pair.name}: suggest spans", pair_id=pair.id) as act:
        before = change_store.span_rows(db, pair.id)
        report = store_analyses(db, pair, analyses, user=project.user)
        after = change_store.span_rows(db, pair.id)
        act.ops.extend(
            history.rows_op("spans", {"id": i}, before.get(i), after.get(i))
            for i in sorted(before.keys() | after.keys())
            if before.get(i) != after.get(i)
        )
        act.summary = f"{pair.name}: suggest spans (+{report.added}, -{report.removed})"
    return report


def suggest(
    project: Project, pair: Pair, *, matcher: Matcher | None = None, on_progress: Progress | None = None
) -> SuggestReport:
    """GiNZA, the acronym rules and the glossary over a pair (slow, nothing stored), then one action."""
    analyses = analyse_pair(
        project.db, pair, matcher=matcher or glossary_matcher(project.db), on_progress=on_progress
    )
    return store_suggestions(project, pair, analyses)


# --- spans that move with a rewritten English text ----------------------------------------------------


@history.register_op("span_shift")
def _apply_span_shift(db: Database, op: history.Op, forward: bool, user: str) -> None:
    delta, seg = (op["delta"], op["seg_delta"]) if forward else (-op["delta"], -op["seg_delta"])
    start = op["from"] if forward else op["from"] + op["delta"]
    change_store.shift_spans(db, op["pair_id"], op["lang"], start, delta, seg)


def follow_splice(db: Database, pair: Pair, splice: dict[str, Any]) -> list[history.Op]:
    """After our English replaced a stretch of the English document: drop the spans that were on the
    replaced text and move the later ones with it. Returns the ops to log after the splice."""
    pos, old, new = splice["pos"], splice["text_before"], splice["text_after"]
    end = pos + len(old)
    gone = change_store.spans_overlapping(db, pair.id, "en", pos, end)
    ops: list[history.Op] = [
        history.rows_op("spans", {"id": i}, change_store.span_row(db, i), None) for i in gone
    ]
    change_store.delete_spans(db, gone)
    delta = len(new) - len(old)
    seg_delta = len(splice["segs_after"]) - len(splice["segs_before"])
    if delta or seg_delta:
        shift = {"op": "span_shift", "pair_id": pair.id, "lang": "en", "from": end, "delta": delta}
        shift["seg_delta"] = seg_delta
        _apply_span_shift(db, shift, True, "")
        ops.append(shift)
    return ops
