"""The termbase model: frozen dataclasses for entries, variants, provenance and history (stdlib only)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

Lang = Literal["ja", "en"]
Status = Literal["proposed", "approved", "deprecated", "forbidden"]
STATUSES: tuple[Status, ...] = ("proposed", "approved", "deprecated", "forbidden")

Field = Literal["ja", "en", "acronym", "variant_ja", "variant_en", "forbidden_en"]
FIELDS: tuple[Field, ...] = ("ja", "en", "acronym", "variant_ja", "variant_en", "forbidden_en")
"""Where a term sits in an entry, in the order lookups prefer them when ranks tie."""

Rank = Literal["exact", "prefix", "substring"]
RANKS: tuple[Rank, ...] = ("exact", "prefix", "substring")

Action = Literal["add", "edit", "status", "remove", "import"]


@dataclass(frozen=True, slots=True)
class Variant:
    """Another rendering of the concept in one language; `forbidden` ones must not be used (English only)."""

    lang: Lang
    text: str
    forbidden: bool = False

    @property
    def field(self) -> Field:
        if self.forbidden:
            return "forbidden_en"
        return "variant_ja" if self.lang == "ja" else "variant_en"


@dataclass(frozen=True, slots=True)
class Source:
    """Provenance: the pair (by name) and segment or bead that justify an entry."""

    pair: str
    lang: Lang | None = None
    segment_index: int | None = None
    """Sentence index in the `lang` document of the pair."""
    bead_index: int | None = None
    """Position of the sentence bead in the pair's alignment, when the entry came from an aligned bead."""
    excerpt: str | None = None
    """The text that justifies the entry, as it stood when the source was recorded."""
    added: str | None = None
    added_by: str | None = None

    def identity(self) -> tuple[str, str | None, int | None, int | None]:
        """Two sources with the same identity are the same evidence (used to avoid duplicates)."""
        return (self.pair, self.lang, self.segment_index, self.bead_index)


@dataclass(frozen=True, slots=True)
class Entry:
    """A concept: its Japanese and English terms, acronym, variants, status and provenance.

    At least one of `ja`, `en` or `acronym` is set. `id` is None until the entry is stored.
    """

    ja: str | None = None
    en: str | None = None
    acronym: str | None = None
    variants: tuple[Variant, ...] = ()
    status: Status = "proposed"
    domain: str | None = None
    definition: str | None = None
    note: str | None = None
    sources: tuple[Source, ...] = ()
    id: int | None = None
    created: str | None = None
    created_by: str | None = None
    updated: str | None = None
    updated_by: str | None = None

    def variant_texts(self, field_: Field) -> tuple[str, ...]:
        return tuple(v.text for v in self.variants if v.field == field_)

    @property
    def ja_variants(self) -> tuple[str, ...]:
        return self.variant_texts("variant_ja")

    @property
    def en_variants(self) -> tuple[str, ...]:
        return self.variant_texts("variant_en")

    @property
    def forbidden_en(self) -> tuple[str, ...]:
        return self.variant_texts("forbidden_en")

    def terms(self) -> list[tuple[Field, str]]:
        """Every term of the entry with the field it sits in (main terms first)."""
        out: list[tuple[Field, str]] = []
        if self.ja:
            out.append(("ja", self.ja))
        if self.en:
            out.append(("en", self.en))
        if self.acronym:
            out.append(("acronym", self.acronym))
        out.extend((v.field, v.text) for v in self.variants)
        return out

    @property
    def label(self) -> str:
        """A short human name: `ja / en (ACRONYM)`."""
        main = " / ".join(t for t in (self.ja, self.en) if t)
        if self.acronym:
            return f"{main} ({self.acronym})" if main else self.acronym
        return main


@dataclass(frozen=True, slots=True)
class HistoryItem:
    """One recorded change of an entry: who, when, and the entry before and after (as JSON-ready dicts)."""

    id: int
    entry_id: int
    action: Action
    user: str
    at: str
    before: dict[str, Any] | None
    after: dict[str, Any] | None
    reason: str | None = None

    def changed_fields(self) -> list[str]:
        """Names of the fields that differ between before and after (all of them for add/remove)."""
        before, after = self.before or {}, self.after or {}
        stamps = ("id", "created", "created_by", "updated", "updated_by")
        keys = [k for k in (*before, *(k for k in after if k not in before)) if k not in stamps]
        return [k for k in keys if before.get(k) != after.get(k)]


@dataclass(frozen=True, slots=True)
class LookupHit:
    """An entry found by `lookup`, with how and where the query matched."""

    entry: Entry
    rank: Rank
    field: Field
    term: str
    """The term of the entry that matched (its original spelling)."""


@dataclass(frozen=True, slots=True)
class LookupResult:
    hits: tuple[LookupHit, ...]
    total: int
    """How many entries matched before --limit cut the list."""


@dataclass(frozen=True, slots=True)
class TermKey:
    """One term of the termbase with its folded lookup key, for matchers that scan text."""

    entry_id: int
    field: Field
    term: str
    key: str
    status: Status


@dataclass(frozen=True, slots=True)
class ImportReport:
    added: tuple[int, ...] = ()
    updated: tuple[int, ...] = ()
    unchanged: tuple[int, ...] = ()
    skipped: tuple[str, ...] = ()
    """One line per row or entry left out by --skip-bad (`line 4: …`)."""
    warnings: tuple[str, ...] = field(default_factory=tuple)


def parse_source(spec: str) -> Source:
    """`PAIR`, `PAIR:ja`, `PAIR:ja:12` (the 12th Japanese sentence) or `PAIR:bead:5` (the 5th sentence bead).

    Numbers count from 1, as every list a person reads does (the app, `taiyaku beads`, `segments`); the
    Source keeps 0-based positions. Raises ValueError for a number below 1.
    """
    spec = spec.strip()
    parts = spec.rsplit(":", 2)
    if len(parts) == 3 and parts[1] in ("ja", "en", "bead") and parts[2].isdigit():
        number = int(parts[2])
        if number < 1:
            raise ValueError(f"{spec}: {parts[1]} numbers start at 1")
        if parts[1] == "bead":
            return Source(pair=parts[0], bead_index=number - 1)
        return Source(pair=parts[0], lang=parts[1], segment_index=number - 1)  # type: ignore[arg-type]  # checked just above
    head, _, tail = spec.rpartition(":")
    if head and tail in ("ja", "en"):
        return Source(pair=head, lang=tail)  # type: ignore[arg-type]  # checked just above
    return Source(pair=spec)


def source_spec(s: Source) -> str:
    """The inverse of parse_source for sources it can express (numbers from 1)."""
    if s.bead_index is not None and s.lang is None and s.segment_index is None:
        return f"{s.pair}:bead:{s.bead_index + 1}"
    if s.lang and s.segment_index is not None:
        return f"{s.pair}:{s.lang}:{s.segment_index + 1}"
    return f"{s.pair}:{s.lang}" if s.lang else s.pair


# --- JSON shape (export/import and history) ------------------------------------------------------------


def source_to_dict(s: Source) -> dict[str, Any]:
    return {
        "pair": s.pair,
        "lang": s.lang,
        "segment_index": s.segment_index,
        "bead_index": s.bead_index,
        "excerpt": s.excerpt,
        "added": s.added,
        "added_by": s.added_by,
    }


def entry_to_dict(e: Entry, *, who: bool = False) -> dict[str, Any]:
    """The exported JSON object of an entry; `who` adds created_by/updated_by (kept in history)."""
    out: dict[str, Any] = {
        "id": e.id,
        "ja": e.ja,
        "en": e.en,
        "acronym": e.acronym,
        "variants": {
            "ja": list(e.ja_variants),
            "en": list(e.en_variants),
            "forbidden_en": list(e.forbidden_en),
        },
        "status": e.status,
        "domain": e.domain,
        "definition": e.definition,
        "note": e.note,
        "sources": [source_to_dict(s) for s in e.sources],
        "created": e.created,
        "updated": e.updated,
    }
    if who:
        out["created_by"] = e.created_by
        out["updated_by"] = e.updated_by
    return out
