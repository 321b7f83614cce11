"""What `glossary harvest` reads and proposes: a pair's two sides (documents, segments, acronym
definitions) and beads, the proposal it makes, and terms cleaned the way the termbase stores them."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from alignment.model import Bead, Document, Lang, Pair, Segment
from alignment.store import get_document, get_segments
from alignment.text import nfkc
from glossary.acronyms import Definition
from glossary.match import term_key
from glossary.span_sync import stored_definitions, suggestions_current

if TYPE_CHECKING:
    from sqlite_utils import Database

EnFrom = Literal["bead", "inline", "gloss", "document"]
Result = Literal["proposed", "exists", "dry-run"]
_EXCERPT = 240


@dataclass(frozen=True, slots=True)
class Proposal:
    """One entry harvest proposed (or found already present)."""

    pair: str
    origin: Literal["acronym", "span"]
    ja: str | None
    en: str | None
    acronym: str | None
    lang: Lang
    """Language of the segment that justifies the entry."""
    segment: int | None
    bead: int | None
    en_from: EnFrom | None
    excerpt: str | None
    result: Result = "proposed"
    entry_id: int | None = None
    """The new entry, or the existing one that made this a duplicate."""

    def to_dict(self) -> dict[str, object]:
        return {
            "pair": self.pair,
            "origin": self.origin,
            "ja": self.ja,
            "en": self.en,
            "acronym": self.acronym,
            "lang": self.lang,
            "segment_index": self.segment,
            "bead_index": self.bead,
            "en_from": self.en_from,
            "result": self.result,
            "entry_id": self.entry_id,
        }


@dataclass(frozen=True, slots=True)
class Side:
    doc: Document
    segments: list[Segment]
    defs: list[tuple[int | None, Definition]]


_JA = "\u3001-\u30ff\u3400-\u9fff\uf900-\ufaff"  # Japanese punctuation, kana and kanji


def clean_term(text: str | None) -> str | None:
    """A term as the termbase stores it: NFKC, whitespace runs (PDF tabs, wrapped lines) as one space."""
    if not text:
        return None
    # a line break next to a Japanese character is PDF wrapping (…に関する⏎ASEANアウトルック), not a space
    text = re.sub(rf"(?<=[{_JA}])[ \t]*\n\s*|\s*\n[ \t]*(?=[{_JA}])", "", nfkc(text))
    out = re.sub(r"\s+", " ", text).strip(" ・,")
    # letter-spacing left by PDF extraction (ASEAN地 域フォーラム) is not part of a Japanese term
    out = re.sub(r"(?<=[^\x00-\x7f]) (?=[^\x00-\x7f])", "", out)
    return out or None


def fold(text: str) -> str:
    return term_key(text)


class SideBeads:
    """Which bead holds a segment, and the other side's text of that bead."""

    def __init__(self, beads: Sequence[Bead], ja: Sequence[Segment], en: Sequence[Segment]) -> None:
        self.beads = list(beads)
        self.ja = {s.index: s for s in ja}
        self.en = {s.index: s for s in en}
        self.of_ja = {i: k for k, b in enumerate(self.beads) for i in range(*b.ja)}
        self.of_en = {i: k for k, b in enumerate(self.beads) for i in range(*b.en)}

    def en_segments(self, bead: int) -> list[Segment]:
        return [self.en[i] for i in range(*self.beads[bead].en) if i in self.en]

    def ja_segments(self, bead: int) -> list[Segment]:
        return [self.ja[i] for i in range(*self.beads[bead].ja) if i in self.ja]


def pair_sides(db: Database, pair: Pair) -> dict[str, Side]:
    """The pair's documents with their acronym definitions (stored, or found afresh when stale)."""
    docs = {lang: get_document(db, pair.id, lang) for lang in ("ja", "en")}
    current = all(d is None or suggestions_current(db, d) for d in docs.values())
    if current:
        located = [(sd.lang, sd.segment, sd.definition) for sd in stored_definitions(db, pair)]
    else:
        from glossary.suggest import analyse_pair

        located = [(a.doc.lang, seg, d) for a in analyse_pair(db, pair) for seg, d in a.definitions]
    out: dict[str, Side] = {}
    for lang, doc in docs.items():
        if doc is None or doc.id is None:
            continue
        out[lang] = Side(doc, get_segments(db, doc.id), [(seg, d) for lg, seg, d in located if lg == lang])
    return out


def excerpt(side: Side | None, segment: int | None) -> str | None:
    if side is None or segment is None:
        return None
    seg = next((s for s in side.segments if s.index == segment), None)
    return seg.text[:_EXCERPT] if seg else None
