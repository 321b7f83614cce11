"""`suggest`: span suggestions for a pair from GiNZA, the acronym rules and the glossary, synced to the project.

GiNZA entities come from the import's cached parse (alignment.parse.parse_texts), so unchanged text is
never parsed again; English spans come from the acronym rules and the glossary only.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from alignment.model import Document, Lang, Pair, Segment
from alignment.project import write
from alignment.store import get_document, get_segments
from glossary import store as glossary_store
from glossary.acronyms import Definition, Token, find_definitions, find_occurrences, first_offset
from glossary.labels import ginza_label, head_label, plausible
from glossary.match import Matcher, Term
from glossary.span_sync import sync_suggestions
from glossary.spans import SegmentIndex, Span, SyncReport

if TYPE_CHECKING:
    from sqlite_utils import Database

    from alignment.parse import Parse

Progress = Callable[[int, int], None]
"""on_progress(done, total), in sentences."""

# Forbidden renderings are what QA flags, not names to tag.
_MATCH_FIELDS = ("ja", "en", "acronym", "variant_ja", "variant_en")
_NO_GINZA_OVER = {"ACRONYM"}


@dataclass(frozen=True, slots=True)
class DocumentAnalysis:
    """Everything the rules found in one document, before it is stored."""

    doc: Document
    segments: tuple[Segment, ...]
    definitions: tuple[tuple[int | None, Definition], ...]
    proposals: tuple[Span, ...]


@dataclass(frozen=True, slots=True)
class SuggestReport:
    pair: str
    chars: int
    definitions: int
    by_source: dict[str, int] = field(default_factory=dict)
    """Proposals made by each source in this run (before merging)."""
    sync: dict[str, SyncReport] = field(default_factory=dict)
    """Per language: what changed in the project."""

    @property
    def added(self) -> int:
        return sum(s.added for s in self.sync.values())

    @property
    def removed(self) -> int:
        return sum(s.removed for s in self.sync.values())

    @property
    def kept(self) -> int:
        return sum(s.kept for s in self.sync.values())


def glossary_matcher(db: Database) -> Matcher:
    """Every term, variant and acronym of the termbase (forbidden renderings excepted)."""
    return Matcher(
        Term(k.term, k.entry_id, k.field, k.status, k.key)
        for k in glossary_store.terms(db)
        if k.field in _MATCH_FIELDS
    )


def work_size(db: Database, pair: Pair) -> int:
    """Sentences a run on `pair` goes through (the unit of on_progress)."""
    total = 0
    for lang in ("ja", "en"):
        doc = get_document(db, pair.id, lang)
        if doc is not None and doc.id is not None:
            total += len(get_segments(db, doc.id))
    return total


# --- building proposals (pure) ------------------------------------------------------------------------


def doc_tokens(
    segments: Sequence[Segment], parses: Sequence[Parse]
) -> tuple[list[Token], list[tuple[int, int, str]]]:
    """Per-sentence parses lifted to document offsets: (tokens, entities as (start, end, GiNZA label))."""
    tokens: list[Token] = []
    ents: list[tuple[int, int, str]] = []
    for seg, parse in zip(segments, parses, strict=True):
        tokens.extend(
            Token(seg.start + t.start, seg.start + t.end, t.text, t.pos, t.tag) for t in parse.tokens
        )
        ents.extend((seg.start + e.start, seg.start + e.end, e.label) for e in parse.ents)
    return tokens, ents


def definition_spans(d: Definition, lang: Lang) -> list[Span]:
    """The spans a definition proposes: its acronym, and each long form labelled by its head word."""
    out = []
    if d.short_span:
        out.append(Span(*d.short_span, "ACRONYM", "acronym", lang=lang))
    for span, text in ((d.ja_span, d.ja), (d.en_span, d.en)):
        if span and text:
            out.append(Span(*span, head_label(text), "acronym", lang=lang))
    return out


def build_proposals(
    doc: Document,
    segments: Sequence[Segment],
    definitions: Sequence[Definition],
    known: Iterable[str],
    matcher: Matcher | None,
    tokens: Sequence[Token] = (),
    ents: Sequence[tuple[int, int, str]] = (),
) -> list[Span]:
    """Every span the three sources propose for one document, each inside one sentence segment."""
    lang = doc.lang
    raw: list[Span] = []
    for d in definitions:
        raw.extend(definition_spans(d, lang))
    for occ in find_occurrences(doc.text, known):
        raw.append(Span(occ.start, occ.end, "ACRONYM", "acronym", lang=lang))
    if matcher:
        edges: set[int] | None = None
        if tokens:
            edges = {t.start for t in tokens} | {t.end for t in tokens}
        for m in matcher.find(doc.text, boundaries=edges):
            label = "ACRONYM" if m.term.field == "acronym" else head_label(m.term.text)
            raw.append(Span(m.start, m.end, label, "glossary", entry_id=m.term.entry_id, lang=lang))
    exact = {(s.start, s.end): s for s in raw if s.label in _NO_GINZA_OVER}
    hints: dict[tuple[int, int], str] = {}
    for start, end, ene in ents:
        if (start, end) in exact:
            hints[(start, end)] = ene  # GiNZA's guess for an acronym, kept as a hint on the rule's span
            continue
        guess = ginza_label(ene)
        text = doc.text[start:end]
        if guess is None or not any(c.isalnum() for c in text) or not plausible(guess, text):
            continue
        raw.append(Span(start, end, guess, "ginza", hint=ene, lang=lang))
    out: list[Span] = []
    locate = SegmentIndex(segments)
    for s in raw:
        idx = locate.holding(s.start, s.end)
        if idx is None or "\t" in doc.text[s.start : s.end]:
            continue  # outside one sentence, or across a tab (a table's cells): not one name
        hint = s.hint or hints.get((s.start, s.end))
        out.append(
            Span(s.start, s.end, s.label, s.source, entry_id=s.entry_id, hint=hint, lang=lang, segment=idx)
        )
    return out


# --- running ------------------------------------------------------------------------------------------


def _parse_document(
    db: Database, segments: Sequence[Segment], on_sentences: Callable[[int], None]
) -> list[Parse]:
    from alignment.parse import parse_texts

    return parse_texts(db, [s.text for s in segments], on_progress=on_sentences)


def analyse_pair(
    db: Database, pair: Pair, *, matcher: Matcher | None = None, on_progress: Progress | None = None
) -> list[DocumentAnalysis]:
    """Run the three sources over the pair's documents (nothing is written)."""
    total = work_size(db, pair)
    done = 0

    def advance(n: int) -> None:
        nonlocal done
        done += n
        if on_progress:
            on_progress(min(done, total), total)

    docs: list[tuple[Document, list[Segment], list[Token], list[tuple[int, int, str]]]] = []
    for lang in ("ja", "en"):
        doc = get_document(db, pair.id, lang)
        if doc is None or doc.id is None:
            continue
        segments = get_segments(db, doc.id)
        tokens: list[Token] = []
        ents: list[tuple[int, int, str]] = []
        if lang == "ja" and segments:
            tokens, ents = doc_tokens(segments, _parse_document(db, segments, advance))
        else:
            advance(len(segments))
        docs.append((doc, segments, tokens, ents))
    return analyse_documents(docs, matcher)


AnalysisInput = tuple[Document, Sequence[Segment], Sequence[Token], Sequence[tuple[int, int, str]]]
"""One document with its sentence segments, GiNZA tokens and entities (document offsets)."""


def analyse_documents(docs: Sequence[AnalysisInput], matcher: Matcher | None) -> list[DocumentAnalysis]:
    """The rules over a pair's documents, once their parses are known (pure: batch workers call it)."""
    found = {doc.lang: find_definitions(doc.text, doc.lang, tokens) for doc, _, tokens, _ in docs}
    # Glossary acronyms are tagged by the glossary matcher itself (as ACRONYM spans linked to their entry).
    known = {d.short for defs in found.values() for d in defs if d.short}
    out = []
    for doc, segments, tokens, ents in docs:
        defs = found[doc.lang]
        proposals = build_proposals(doc, segments, defs, known, matcher, tokens, ents)
        locate = SegmentIndex(segments)
        located = tuple((locate.of(first_offset(d)), d) for d in defs)
        out.append(DocumentAnalysis(doc, tuple(segments), located, tuple(proposals)))
    return out


def suggest_pair(
    db: Database,
    pair: Pair,
    *,
    user: str,
    matcher: Matcher | None = None,
    on_progress: Progress | None = None,
) -> SuggestReport:
    """Suggest spans for `pair` and store them (see glossary.span_sync.sync_suggestions for what is kept).

    Args:
        matcher: the glossary matcher (built once for --all); by default built from the termbase.
        on_progress: called with (sentences done, sentences in the pair).
    """
    if matcher is None:
        matcher = glossary_matcher(db)
    analyses = analyse_pair(db, pair, matcher=matcher, on_progress=on_progress)
    return store_analyses(db, pair, analyses, user=user)


def store_analyses(
    db: Database, pair: Pair, analyses: Sequence[DocumentAnalysis], *, user: str
) -> SuggestReport:
    """Store what analyse_pair found (both languages in one transaction: a kill between them must not
    leave one side re-suggested)."""
    by_source: dict[str, int] = {}
    sync: dict[str, SyncReport] = {}
    with write(db):
        for a in analyses:
            for p in a.proposals:
                by_source[p.source] = by_source.get(p.source, 0) + 1
            sync[a.doc.lang] = sync_suggestions(
                db, pair, a.doc, a.proposals, user=user, definitions=a.definitions
            )
    return SuggestReport(
        pair=pair.name,
        chars=sum(len(a.doc.text) for a in analyses),
        definitions=sum(1 for a in analyses for _, d in a.definitions if d.short),
        by_source=by_source,
        sync=sync,
    )
    return SuggestReport(
        pair=pair.name,
        chars=sum(len(a.doc.text) for a in analyses),
        definitions=sum(1 for a in analyses for _, d in a.definitions if d.short),
        by_source=by_source,
        sync=sync,
    )
