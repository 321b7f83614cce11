"""Spans and the glossary as the app shows them for a bead: matching entries and term QA (read side), and
the span and entry actions of tui.core.spans / tui.core.terms bound to the app's project."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlite_utils import Database

from alignment.model import Lang, Pair
from alignment.text import fold
from glossary import change_store, qa, store
from glossary.acronyms import Definition
from glossary.match import Matcher, Term
from glossary.model import Entry, HistoryItem
from glossary.span_sync import stored_definitions
from glossary.spans import SpanStatus
from glossary.suggest import DocumentAnalysis, analyse_pair, glossary_matcher
from tui.core import spans, terms
from tui.core.project import Project
from tui.core.spans import BeadSpan


class Annotations:
    """The glossary side of the app: cached matchers and QA rules, and the actions on spans and entries."""

    def __init__(self, project: Project) -> None:
        self.project = project
        self._index: tuple[Matcher, qa.Rules] | None = None
        self._version = -1
        """The glossary log row the cached matcher was built at: a change from anywhere rebuilds it."""

    @property
    def db(self) -> Database:
        return self.project.db

    # --- reading -----------------------------------------------------------------------------------

    def spans_by_segment(self, pair: Pair) -> dict[tuple[str, int], list[BeadSpan]]:
        return spans.spans_by_segment(self.db, pair)

    def invalidate(self) -> None:
        """The glossary changed: rebuild matchers and QA rules on next use."""
        self._index = None

    def _build(self) -> tuple[Matcher, qa.Rules]:
        version = change_store.last_change_id(self.db)
        if self._index is None or version != self._version:
            self._version = version
            matcher = Matcher(Term(t.term, t.entry_id, t.field, t.status) for t in store.terms(self.db))
            rules = qa.build_rules(
                store.iter_entries(self.db, statuses=("approved", "deprecated", "forbidden"))
            )
            self._index = (matcher, rules)
        return self._index

    def rules(self) -> qa.Rules:
        return self._build()[1]

    def bead_entries(
        self, ja: str, en: str, *, linked: Sequence[int] = ()
    ) -> list[tuple[Entry, bool | None]]:
        """Entries whose terms occur in the bead (Japanese side, and acronyms on either), and the entries
        `linked` from its spans (shown even when a longer term hides theirs), with whether their approved
        English occurs on the English side."""
        if not (ja or en or linked):
            return []
        matcher, _rules = self._build()
        ids: dict[int, None] = dict.fromkeys(linked)
        for m in matcher.find(ja):
            ids[m.term.entry_id] = None
        for m in matcher.find(en):
            if m.term.field in ("acronym", "en", "variant_en"):
                ids[m.term.entry_id] = None
        entries = store.get_many(self.db, list(ids)) if ids else []
        en_key = fold(en).text
        out: list[tuple[Entry, bool | None]] = []
        for e in entries:
            found = None
            if e.status == "approved" and e.en and en.strip():
                found = any(fold(t).text in en_key for t in (e.en, *e.en_variants) if t)
            out.append((e, found))
        return out

    def bead_problems(self, ja: str, en: str) -> list[tuple[str, str]]:
        """(kind, text) QA problems of one bead."""
        if not ja.strip() or not en.strip():
            return []
        _matcher, rules = self._build()
        out: list[tuple[str, str]] = []
        for kind, entry_id, term, expected in qa.check_texts(rules, ja, en):
            if kind == "missing":
                text = f"{term}: approved English missing (expected {' | '.join(expected)}) #{entry_id}"
            else:
                use = f"; use {' | '.join(expected)}" if expected else ""
                text = f"{term}: {kind} English used{use} #{entry_id}"
            out.append((kind, text))
        return out

    def pair_problems(self, pair: Pair) -> frozenset[int]:
        """Bead indexes with a QA problem (slow on long pairs: call from a worker)."""
        _matcher, rules = self._build()
        if not rules.allowed_en and not rules.bad_kind:
            return frozenset()  # no approved, deprecated or forbidden term: nothing to check
        return frozenset(p.bead for p in qa.check(self.db, pair, rules) or [])

    def lookup(self, query: str, limit: int = 30) -> list[Entry]:
        """Entries anywhere in the glossary whose terms contain the query (width, kana and case folded)."""
        if not query.strip():
            return []
        return [h.entry for h in store.lookup(self.db, query, limit=limit).hits]

    def entries(self, limit: int = 500) -> list[Entry]:
        """The glossary's entries in its listing order (the glossary screen without a search)."""
        return store.list_entries(self.db)[:limit]

    def entry_history(self, entry_id: int) -> list[HistoryItem]:
        """An entry's recorded changes, oldest first, each with the entry before and after."""
        return store.history(self.db, entry_id)

    def definitions_for(self, pair: Pair, text: str) -> list[Definition]:
        """Acronym definitions of the pair whose acronym or long form is `text` (width/case folded)."""
        key = fold(text).text
        out = []
        for d in stored_definitions(self.db, pair):
            de = d.definition
            if any(t and fold(t).text == key for t in (de.short, de.ja, de.en)):
                out.append(de)
        return out

    # --- actions -----------------------------------------------------------------------------------

    def set_span_status(self, pair: Pair, bead: int | None, span: BeadSpan, status: SpanStatus) -> None:
        spans.decide(self.project, [span.id], status, bead=bead)

    def set_span_label(self, pair: Pair, bead: int | None, span: BeadSpan, label: str) -> None:
        spans.relabel(self.project, pair, span.id, label, bead=bead)

    def link_span(self, pair: Pair, bead: int | None, span: BeadSpan, entry_id: int | None) -> None:
        spans.link(self.project, pair, span.id, entry_id, bead=bead)

    def delete_span(self, pair: Pair, bead: int | None, span: BeadSpan) -> None:
        spans.delete(self.project, pair, span.id, bead=bead)

    def add_span(self, pair: Pair, bead: int | None, lang: Lang, start: int, end: int, label: str) -> int:
        return spans.create(self.project, pair, lang, start, end, label, bead=bead)

    def add_entry(
        self,
        entry: Entry,
        *,
        pair: Pair | None = None,
        bead: int | None = None,
        link_span: BeadSpan | None = None,
    ) -> Entry:
        stored = terms.add_entry(
            self.project, entry, pair=pair, bead=bead, link_span=link_span.id if link_span else None
        )
        self.invalidate()
        return stored

    def edit_entry(self, entry_id: int, **changes: Any) -> Entry:
        after = terms.edit_entry(self.project, entry_id, **changes)
        self.invalidate()
        return after

    def remove_entry(self, entry_id: int) -> None:
        terms.remove_entry(self.project, entry_id)
        self.invalidate()

    @staticmethod
    def analyse(db: Database, pair: Pair) -> list[DocumentAnalysis]:
        """GiNZA, acronym rules and glossary matches over the pair (slow; nothing written but the parse cache)."""
        return list(analyse_pair(db, pair, matcher=glossary_matcher(db)))

    def store_suggestions(self, pair: Pair, analyses: Sequence[DocumentAnalysis]) -> tuple[int, int]:
        """Store the suggestions as one undoable action; (added, removed)."""
        report = spans.store_suggestions(self.project, pair, analyses)
        return report.added, report.removed
