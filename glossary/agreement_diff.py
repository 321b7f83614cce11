"""Where two analysts disagree: bead stretches, span ranges and glossary entries, each with both versions.

A disagreement carries A's and B's versions as plain data, so an adjudication queue can show and apply
them without the two projects at hand.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from typing import Any

from sqlite_utils import Database

from alignment.model import Bead, Pair
from glossary import queries
from glossary.lookup import lookup_key
from glossary.model import Entry, entry_to_dict
from glossary.spans import list_spans

ENTRY_FIELDS = ("ja", "en", "acronym", "variants", "status", "domain", "definition", "note")
"""What two entries of one term must share to agree (provenance and stamps may differ)."""


def term_key(ja: str | None, acronym: str | None, en: str | None) -> tuple[str, str] | None:
    """Entries are matched by term: the Japanese term, else the acronym, else the English (folded)."""
    for name, value in (("ja", ja), ("acronym", acronym), ("en", en)):
        if value:
            return name, lookup_key(value)
    return None


def entry_key(e: Entry) -> tuple[str, str]:
    return term_key(e.ja, e.acronym, e.en) or ("id", str(e.id))


@dataclass(frozen=True, slots=True)
class SpanRow:
    """One span as an analyst left it, with the glossary entry it links to named by its terms (entry ids
    differ between projects)."""

    lang: str
    start: int
    end: int
    label: str
    status: str
    source: str
    text: str
    hint: str | None = None
    entry: tuple[str | None, str | None, str | None] | None = None
    """(ja, en, acronym) of the linked entry."""

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @property
    def link(self) -> tuple[str, str] | None:
        """The term of the linked entry, as entries are matched: two analysts link to the same entry when
        their entries share the term, whatever else those entries say (an entry's English is its own item)."""
        return term_key(self.entry[0], self.entry[2], self.entry[1]) if self.entry else None

    def link_text(self) -> str:
        """The linked entry's term as entries are matched (Japanese, else acronym, else English)."""
        if self.entry is None:
            return ""
        return self.entry[0] or self.entry[2] or self.entry[1] or ""

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> SpanRow:
        entry = data.get("entry")
        return cls(**{**data, "entry": tuple(entry) if entry else None})


def span_rows(db: Database, pair: Pair) -> list[SpanRow]:
    spans = list_spans(db, pair)
    ids = sorted({s.entry_id for s in spans if s.entry_id is not None})
    entries = {e.id: (e.ja, e.en, e.acronym) for e in queries.get_many(db, ids)} if ids else {}
    return [
        SpanRow(s.lang, s.start, s.end, s.label, s.status, s.source, s.text, s.hint, entries.get(s.entry_id))
        for s in spans
    ]


def bead_json(b: Bead) -> dict[str, Any]:
    return {"ja": list(b.ja), "en": list(b.en), "status": b.status, "score": b.score}


def _bead_text(b: Bead) -> str:
    def side(r: tuple[int, int]) -> str:
        return "—" if r[0] == r[1] else f"{r[0] + 1}" if r[1] == r[0] + 1 else f"{r[0] + 1}–{r[1]}"

    return f"JA {side(b.ja)} ↔ EN {side(b.en)}{' ✓' if b.status == 'confirmed' else ''}"


@dataclass(frozen=True, slots=True)
class BeadStretch:
    """Beads a[start_a:stop_a] of A and b[start_b:stop_b] of B cover the same segments and differ."""

    pair: str
    start_a: int
    stop_a: int
    start_b: int
    stop_b: int
    ja: tuple[int, int]
    en: tuple[int, int]
    a: tuple[Bead, ...]
    b: tuple[Bead, ...]

    @property
    def key(self) -> str:
        return f"{self.pair}:ja{self.ja[0]}-{self.ja[1]}:en{self.en[0]}-{self.en[1]}"

    def to_dict(self) -> dict[str, Any]:
        return {
            "pair": self.pair,
            "bead_a": self.start_a + 1,
            "bead_b": self.start_b + 1,
            "bead_a_index": self.start_a,
            "bead_b_index": self.start_b,
            "ja_index": list(self.ja),
            "en_index": list(self.en),
            "a": [bead_json(x) for x in self.a],
            "b": [bead_json(x) for x in self.b],
            "a_text": "; ".join(map(_bead_text, self.a)),
            "b_text": "; ".join(map(_bead_text, self.b)),
        }


def _end(b: Bead) -> tuple[int, int]:
    return b.ja[1], b.en[1]


def bead_stretches(pair: str, a: Sequence[Bead], b: Sequence[Bead]) -> list[BeadStretch]:
    """The shortest stretches where A's and B's beads differ (in segments or in confirmation), each ending
    where both have a bead boundary at the same place; touching stretches are one."""
    out: list[BeadStretch] = []
    i = j = 0
    while i < len(a) or j < len(b):
        if i < len(a) and j < len(b) and (a[i].ja, a[i].en, a[i].status) == (b[j].ja, b[j].en, b[j].status):
            i, j = i + 1, j + 1
            continue
        si, sj = i, j
        ea = _end(a[i]) if i < len(a) else None
        eb = _end(b[j]) if j < len(b) else None
        i, j = min(i + 1, len(a)), min(j + 1, len(b))
        while ea != eb and (i < len(a) or j < len(b)):
            a_behind = ea is None or (eb is not None and (ea[0] < eb[0] or ea[1] < eb[1]))
            if (a_behind and i < len(a)) or j >= len(b):
                ea, i = _end(a[i]), i + 1
            else:
                eb, j = _end(b[j]), j + 1
        if out and out[-1].stop_a == si and out[-1].stop_b == sj:
            prev = out.pop()
            si, sj = prev.start_a, prev.start_b
        begin = _end(a[si - 1]) if si else _end(b[sj - 1]) if sj else (0, 0)
        ends = [e for e in (ea, eb) if e is not None]
        ja = (begin[0], max(e[0] for e in ends))
        en = (begin[1], max(e[1] for e in ends))
        out.append(BeadStretch(pair, si, i, sj, j, ja, en, tuple(a[si:i]), tuple(b[sj:j])))
    return out


@dataclass(frozen=True, slots=True)
class SpanDiff:
    """One exact range whose accepted spans differ between A and B (in label, or in the glossary entry a
    label links to), with every span each has there."""

    pair: str
    lang: str
    start: int
    end: int
    text: str
    a: tuple[SpanRow, ...]
    b: tuple[SpanRow, ...]

    @property
    def key(self) -> str:
        return f"{self.pair}:{self.lang}:{self.start}-{self.end}"

    def to_dict(self) -> dict[str, Any]:
        return {
            "pair": self.pair,
            "lang": self.lang,
            "start": self.start,
            "end": self.end,
            "text": self.text,
            "differs_in": self.differs_in,
            "a": [s.to_dict() for s in self.a],
            "b": [s.to_dict() for s in self.b],
        }

    @property
    def differs_in(self) -> str:
        """`label` when the accepted labels differ, `link` when only their glossary links do."""
        return "link" if _labels(self.a) == _labels(self.b) else "label"


def _labels(rows: Sequence[SpanRow]) -> set[str]:
    return {s.label for s in rows if s.status == "accepted"}


def accepted(rows: Sequence[SpanRow]) -> set[tuple[str, tuple[str, str] | None]]:
    """What two analysts must share at a range to agree: each accepted label with the term it links to."""
    return {(s.label, s.link) for s in rows if s.status == "accepted"}


def span_diffs(pair: str, a: Sequence[SpanRow], b: Sequence[SpanRow]) -> list[SpanDiff]:
    by_a: dict[tuple[str, int, int], list[SpanRow]] = {}
    by_b: dict[tuple[str, int, int], list[SpanRow]] = {}
    for rows, by in ((a, by_a), (b, by_b)):
        for s in rows:
            by.setdefault((s.lang, s.start, s.end), []).append(s)
    out = []
    for key in sorted(by_a.keys() | by_b.keys()):
        ra, rb = by_a.get(key, []), by_b.get(key, [])
        if accepted(ra) != accepted(rb):
            text = (ra or rb)[0].text
            out.append(SpanDiff(pair, key[0], key[1], key[2], text, tuple(ra), tuple(rb)))
    return out


@dataclass(frozen=True, slots=True)
class EntryDiff:
    """One term whose entries differ (or that only one analyst has)."""

    key: tuple[str, str]
    term: str
    fields: tuple[str, ...]
    a: dict[str, Any] | None
    b: dict[str, Any] | None

    def to_dict(self) -> dict[str, Any]:
        return {"term": self.term, "fields": list(self.fields), "a": self.a, "b": self.b}


def _content(d: Mapping[str, Any]) -> dict[str, Any]:
    return {k: d.get(k) for k in ENTRY_FIELDS}


def entry_diffs(
    by_a: Mapping[tuple[str, str], Entry], by_b: Mapping[tuple[str, str], Entry]
) -> list[EntryDiff]:
    out = []
    for key in sorted(by_a.keys() | by_b.keys()):
        ea, eb = by_a.get(key), by_b.get(key)
        da = entry_to_dict(ea, who=True) if ea else None
        db = entry_to_dict(eb, who=True) if eb else None
        if da is not None and db is not None:
            ca, cb = _content(da), _content(db)
            fields = tuple(k for k in ENTRY_FIELDS if ca[k] != cb[k])
            if not fields:
                continue
        else:
            fields = ("entry",)
        either = ea or eb
        term = either.label if either is not None else key[1]
        out.append(EntryDiff(key, term, fields, da, db))
    return out
