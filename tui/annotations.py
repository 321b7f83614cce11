"""Spans and the glossary as the annotation app uses them (no Textual): read for a bead, change with undo.

Every change goes through the glossary package's own functions, with the rows before and after logged in the
same transaction (tui.history), so each one can be undone and redone like a bead edit.
"""

from __future__ import annotations

import importlib.util
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlite_utils import Database

from alignment.model import Pair
from alignment.project import ProjectError, write
from alignment.text import fold
from tui import history

_WORD = re.compile(r"\w+|[^\w\s]", re.UNICODE)


def english_edges(text: str) -> list[int]:
    """Word edges of English text (a token is a run of letters/digits, or one punctuation mark)."""
    edges = {0, len(text)}
    for m in _WORD.finditer(text):
        edges.update((m.start(), m.end()))
    return sorted(edges)


def glossary_available() -> bool:
    return all(
        importlib.util.find_spec(m) is not None for m in ("glossary.spans", "glossary.store", "glossary.qa")
    )


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


# --- entries as plain data (what the undo log stores) -------------------------------------------------


def entry_to_json(entry: Any) -> dict[str, Any]:
    from glossary.model import entry_to_dict

    return entry_to_dict(entry, who=True)


def entry_from_json(data: dict[str, Any]) -> Any:
    from glossary.model import Entry, Source, Variant

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


_CONTENT = ("ja", "en", "acronym", "variants", "status", "domain", "definition", "note")


def _content(data: dict[str, Any] | None) -> tuple | None:
    if data is None:
        return None
    sources = tuple(
        sorted(
            (s["pair"], s.get("lang") or "", s.get("segment_index") or -1, s.get("bead_index") or -1)
            for s in data.get("sources", [])
        )
    )
    return (*(repr(data.get(k)) for k in _CONTENT), sources)


def entry_op(before: Any | None, after: Any | None) -> history.Op:
    return {
        "op": "entry",
        "id": (after or before).id,
        "before": entry_to_json(before) if before is not None else None,
        "after": entry_to_json(after) if after is not None else None,
    }


@history.register_op("entry")
def _apply_entry(db: Database, op: history.Op, forward: bool, user: str) -> None:
    from glossary import store

    expect, target = (op["before"], op["after"]) if forward else (op["after"], op["before"])
    try:
        current = entry_to_json(store.get(db, op["id"]))
    except store.EntryNotFound:
        current = None
    if _content(current) != _content(expect):
        raise history.HistoryConflict(
            f"glossary entry {op['id']} was changed since; cannot undo or redo past that"
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


def _span_row(db: Database, span_id: int) -> dict[str, Any] | None:
    return history.read_row(db, "spans", {"id": span_id})


_BIG = 1 << 40


@history.register_op("span_shift")
def _apply_span_shift(db: Database, op: history.Op, forward: bool, user: str) -> None:
    """Move the spans after an edited stretch of a document with its text (glossary has no API for this)."""
    delta, seg = (op["delta"], op["seg_delta"]) if forward else (-op["delta"], -op["seg_delta"])
    start = op["from"] if forward else op["from"] + op["delta"]
    # Two steps through a far range: shifting in place could collide with UNIQUE(document, start, end, label).
    db.execute(
        'UPDATE spans SET start = start + ?, "end" = "end" + ?, segment_idx = segment_idx + ? '
        "WHERE pair_id = ? AND lang = ? AND start >= ? AND start < ?",
        [_BIG + delta, _BIG + delta, seg, op["pair_id"], op["lang"], start, _BIG],
    )
    db.execute(
        'UPDATE spans SET start = start - ?, "end" = "end" - ? WHERE pair_id = ? AND lang = ? AND start >= ?',
        [_BIG, _BIG, op["pair_id"], op["lang"], _BIG],
    )


# --- the service ----------------------------------------------------------------------------------------


class Annotations:
    """Spans and glossary entries for the app; None-safe when the glossary package is missing."""

    def __init__(self, db: Database, *, user: str) -> None:
        self.db = db
        self.user = user
        self.available = glossary_available()
        self._index: Any = None

    # --- reading -----------------------------------------------------------------------------------

    def spans_by_segment(self, pair: Pair) -> dict[tuple[str, int], list[BeadSpan]]:
        if not self.available:
            return {}
        from glossary.spans import list_spans

        out: dict[tuple[str, int], list[BeadSpan]] = {}
        for s in list_spans(self.db, pair):
            if s.segment is None or s.id is None:
                continue
            out.setdefault((s.lang, s.segment), []).append(
                BeadSpan(
                    s.id, s.lang, s.segment, s.start, s.end, s.label, s.status, s.source, s.text, s.entry_id
                )
            )
        return out

    def span_counts(self, pair_id: int) -> tuple[int, int]:
        """(suggested, decided) spans of a pair."""
        if not self.available:
            return 0, 0
        rows = dict(
            self.db.execute(
                "SELECT status, count(*) FROM spans WHERE pair_id = ? GROUP BY status", [pair_id]
            ).fetchall()
        )
        return rows.get("suggested", 0), rows.get("accepted", 0) + rows.get("rejected", 0)

    def invalidate(self) -> None:
        """The glossary changed: rebuild matchers and QA rules on next use."""
        self._index = None

    def _build(self) -> Any:
        if self._index is None:
            from glossary import qa, store
            from glossary.match import Matcher, Term

            terms = store.terms(self.db)
            matcher = Matcher(Term(t.term, t.entry_id, t.field, t.status) for t in terms)
            rules = qa.build_rules(
                store.iter_entries(self.db, statuses=("approved", "deprecated", "forbidden"))
            )
            self._index = (matcher, rules)
        return self._index

    def rules(self) -> Any:
        return self._build()[1]

    def bead_entries(self, ja: str, en: str) -> list[tuple[Any, bool | None]]:
        """Entries whose terms occur in the bead (Japanese side, and acronyms on either), with whether
        their approved English occurs on the English side."""
        if not self.available or not (ja or en):
            return []
        from glossary import store

        matcher, _rules = self._build()
        ids: dict[int, None] = {}
        for m in matcher.find(ja):
            ids[m.term.entry_id] = None
        for m in matcher.find(en):
            if m.term.field in ("acronym", "en", "variant_en"):
                ids[m.term.entry_id] = None
        entries = store.get_many(self.db, list(ids)) if ids else []
        en_key = fold(en).text
        out = []
        for e in entries:
            found = None
            if e.status == "approved" and e.en and en.strip():
                found = any(fold(t).text in en_key for t in (e.en, *e.en_variants) if t)
            out.append((e, found))
        return out

    def bead_problems(self, ja: str, en: str) -> list[tuple[str, str]]:
        """(kind, text) QA problems of one bead."""
        if not self.available or not ja.strip() or not en.strip():
            return []
        from glossary.qa import check_texts

        _matcher, rules = self._build()
        out = []
        for kind, entry_id, term, expected in check_texts(rules, ja, en):
            if kind == "missing":
                out.append(
                    (kind, f"{term}: approved English missing (expected {' | '.join(expected)}) #{entry_id}")
                )
            else:
                use = f"; use {' | '.join(expected)}" if expected else ""
                out.append((kind, f"{term}: {kind} English used{use} #{entry_id}"))
        return out

    def pair_problems(self, pair: Pair) -> frozenset[int]:
        """Bead indexes with a QA problem (slow on long pairs: call from a worker)."""
        if not self.available:
            return frozenset()
        from glossary.qa import check

        _matcher, rules = self._build()
        if not rules.allowed_en and not rules.bad_kind:
            return frozenset()  # no approved, deprecated or forbidden term: nothing to check
        return frozenset(p.bead for p in check(self.db, pair, rules) or [])

    def lookup(self, query: str, limit: int = 30) -> list[Any]:
        if not self.available or not query.strip():
            return []
        from glossary import store

        return [h.entry for h in store.lookup(self.db, query, limit=limit).hits]

    def definitions_for(self, pair: Pair, text: str) -> list[Any]:
        """Acronym definitions of the pair whose acronym or long form is `text` (width/case folded)."""
        if not self.available:
            return []
        from glossary.spans import stored_definitions

        key = fold(text).text
        out = []
        for d in stored_definitions(self.db, pair):
            de = d.definition
            if any(t and fold(t).text == key for t in (de.short, de.ja, de.en)):
                out.append(de)
        return out

    # --- spans: each change logged ---------------------------------------------------------------

    def _log(
        self, action: str, summary: str, ops: Sequence[history.Op], pair: Pair, bead: int | None
    ) -> None:
        history.record(
            self.db,
            user=self.user,
            action=action,
            summary=f"{pair.name}: {summary}",
            ops=ops,
            pair_id=pair.id,
            bead=bead,
        )

    def _span_change(
        self, pair: Pair, bead: int | None, span_id: int, action: str, summary: str, change
    ) -> Any:
        with write(self.db):
            before = _span_row(self.db, span_id)
            if before is None:
                raise ProjectError(f"span {span_id} is gone (changed by another program?)")
            result = change()
            after = _span_row(self.db, span_id)
            if before != after:
                self._log(
                    action, summary, [history.rows_op("spans", {"id": span_id}, before, after)], pair, bead
                )
        return result

    def set_span_status(self, pair: Pair, bead: int | None, span: BeadSpan, status: str) -> None:
        from glossary import spans

        verb = {"accepted": "accept", "rejected": "reject", "suggested": "reopen"}[status]
        self._span_change(
            pair,
            bead,
            span.id,
            verb,
            f"{verb} {span.label} span {span.text}",
            lambda: spans.set_status(self.db, span.id, status, user=self.user),
        )  # type: ignore[arg-type]

    def set_span_label(self, pair: Pair, bead: int | None, span: BeadSpan, label: str) -> None:
        from glossary import spans

        self._span_change(
            pair,
            bead,
            span.id,
            "label",
            f"label {span.text} {label} (was {span.label})",
            lambda: spans.set_label(self.db, span.id, label, user=self.user),
        )

    def link_span(self, pair: Pair, bead: int | None, span: BeadSpan, entry_id: int | None) -> None:
        from glossary import spans

        what = f"link {span.text} to entry #{entry_id}" if entry_id else f"unlink {span.text}"
        self._span_change(
            pair,
            bead,
            span.id,
            "link",
            what,
            lambda: spans.link_entry(self.db, span.id, entry_id, user=self.user),
        )

    def delete_span(self, pair: Pair, bead: int | None, span: BeadSpan) -> None:
        from glossary import spans

        with write(self.db):
            before = _span_row(self.db, span.id)
            spans.remove_span(self.db, span.id)
            self._log(
                "delete-span",
                f"delete {span.label} span {span.text}",
                [history.rows_op("spans", {"id": span.id}, before, None)],
                pair,
                bead,
            )

    def add_span(self, pair: Pair, bead: int | None, lang: str, start: int, end: int, label: str) -> int:
        from glossary import spans

        with write(self.db):
            existing = self.db.execute(
                'SELECT id FROM spans WHERE pair_id = ? AND lang = ? AND start = ? AND "end" = ? AND label = ?',
                [pair.id, lang, start, end, label.upper()],
            ).fetchone()
            before = _span_row(self.db, existing[0]) if existing else None
            span = spans.add_span(self.db, pair, lang, start, end, label, user=self.user)  # type: ignore[arg-type]
            assert span.id is not None
            after = _span_row(self.db, span.id)
            self._log(
                "add-span",
                f"add {span.label} span {span.text}",
                [history.rows_op("spans", {"id": span.id}, before, after)],
                pair,
                bead,
            )
        return span.id

    # --- glossary entries: each change logged ------------------------------------------------------

    def add_entry(
        self,
        entry: Any,
        *,
        pair: Pair | None = None,
        bead: int | None = None,
        link_span: BeadSpan | None = None,
    ) -> Any:
        """Store a new entry (and link the span it came from to it), as one undoable action."""
        from glossary import spans, store

        with write(self.db):
            stored = store.add(self.db, entry, user=self.user)
            ops = [entry_op(None, stored)]
            if link_span is not None:
                before = _span_row(self.db, link_span.id)
                spans.link_entry(self.db, link_span.id, stored.id, user=self.user)
                if before and before["status"] == "suggested":
                    spans.set_status(self.db, link_span.id, "accepted", user=self.user)
                ops.append(
                    history.rows_op("spans", {"id": link_span.id}, before, _span_row(self.db, link_span.id))
                )
            history.record(
                self.db,
                user=self.user,
                action="add-entry",
                summary=f"glossary: add #{stored.id} {stored.label}",
                ops=ops,
                pair_id=pair.id if pair else None,
                bead=bead,
            )
        self.invalidate()
        return stored

    def edit_entry(self, entry_id: int, **changes: Any) -> Any:
        from glossary import store

        with write(self.db):
            before = store.get(self.db, entry_id)
            after = store.edit(self.db, entry_id, user=self.user, **changes)
            if entry_to_json(before) != entry_to_json(after):
                what = "status " + after.status if set(changes) == {"status"} else "edit"
                history.record(
                    self.db,
                    user=self.user,
                    action="edit-entry",
                    summary=f"glossary: {what} #{entry_id} {after.label}",
                    ops=[entry_op(before, after)],
                )
        self.invalidate()
        return after

    def remove_entry(self, entry_id: int) -> None:
        from glossary import store

        with write(self.db):
            before = store.get(self.db, entry_id)
            linked = [r[0] for r in self.db.execute("SELECT id FROM spans WHERE entry_id = ?", [entry_id])]
            rows_before = {i: _span_row(self.db, i) for i in linked}
            store.remove(self.db, entry_id, user=self.user)
            # ON DELETE SET NULL unlinks the spans: log that too, so undo links them again
            ops = [history.rows_op("spans", {"id": i}, rows_before[i], _span_row(self.db, i)) for i in linked]
            # Undo runs the ops backwards: the entry comes back before the spans link to it again.
            history.record(
                self.db,
                user=self.user,
                action="remove-entry",
                summary=f"glossary: remove #{entry_id} {before.label}",
                ops=[*ops, entry_op(before, None)],
            )
        self.invalidate()

    # --- suggestions --------------------------------------------------------------------------------

    @staticmethod
    def analyse(db: Database, pair: Pair) -> list[Any]:
        """GiNZA, acronym rules and glossary matches over the pair (slow; nothing written but the parse cache)."""
        from glossary.suggest import analyse_pair, glossary_matcher

        return analyse_pair(db, pair, matcher=glossary_matcher(db))

    def store_suggestions(self, pair: Pair, analyses: Sequence[Any]) -> tuple[int, int]:
        """Sync the suggestions as one undoable action; (added, removed). Decisions are never touched."""
        from glossary.spans import sync_suggestions

        def rows() -> dict[int, dict[str, Any]]:
            return {r["id"]: r for r in self.db.query("SELECT * FROM spans WHERE pair_id = ?", [pair.id])}

        with write(self.db):
            before = rows()
            for a in analyses:
                sync_suggestions(self.db, pair, a.doc, a.proposals, user=self.user, definitions=a.definitions)
            after = rows()
            ops = [
                history.rows_op("spans", {"id": i}, before.get(i), after.get(i))
                for i in sorted(before.keys() | after.keys())
                if before.get(i) != after.get(i)
            ]
            added = sum(1 for i in after if i not in before)
            removed = sum(1 for i in before if i not in after)
            if ops:
                self._log("suggest", f"suggest spans (+{added}, -{removed})", ops, pair, None)
        return added, removed

    # --- spans that move with a rewritten English text --------------------------------------------

    def follow_splice(self, pair: Pair, splice: dict[str, Any]) -> list[history.Op]:
        """After our English replaced a stretch of the English document: drop the spans that were on the
        replaced text and move the later ones with it. Returns the ops to log after the splice."""
        if not self.available:
            return []
        pos, old, new = splice["pos"], splice["text_before"], splice["text_after"]
        end = pos + len(old)
        ops: list[history.Op] = []
        for (span_id,) in self.db.execute(
            "SELECT id FROM spans WHERE pair_id = ? AND lang = 'en' AND start < ? AND \"end\" > ? ORDER BY id",
            [pair.id, max(end, pos + 1), pos],
        ).fetchall():
            ops.append(history.rows_op("spans", {"id": span_id}, _span_row(self.db, span_id), None))
            self.db.execute("DELETE FROM spans WHERE id = ?", [span_id])
        delta = len(new) - len(old)
        seg_delta = len(splice["segs_after"]) - len(splice["segs_before"])
        if delta or seg_delta:
            shift = {
                "op": "span_shift",
                "pair_id": pair.id,
                "lang": "en",
                "from": end,
                "delta": delta,
                "seg_delta": seg_delta,
            }
            _apply_span_shift(self.db, shift, True, self.user)
            ops.append(shift)
        return ops
