"""The corpus model: plain frozen dataclasses, no third-party imports."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

Lang = Literal["ja", "en"]
Level = Literal["sentence", "clause"]
BeadStatus = Literal["auto", "confirmed"]
LANGS: tuple[Lang, ...] = ("ja", "en")


@dataclass(frozen=True, slots=True)
class Segment:
    """A sentence or clause: half-open code-point offsets into its document's text."""

    index: int
    start: int
    end: int
    text: str
    level: Level = "sentence"
    parent: int | None = None
    """For a clause: the index of its sentence."""
    id: int | None = None


@dataclass(frozen=True, slots=True)
class Document:
    id: int | None
    pair_id: int | None
    lang: Lang
    raw_text: str
    text: str
    offset_runs: tuple[tuple[int, int, int], ...]
    """(text_start, raw_start, length) runs: text[t] came from raw[r] for t in a run."""
    encoding: str = "utf-8"
    source_path: str | None = None
    segmented: bool = False


@dataclass(frozen=True, slots=True)
class Pair:
    id: int
    name: str
    created: str
    updated: str


@dataclass(frozen=True, slots=True)
class Bead:
    """One alignment link: a half-open range of JA segments with a half-open range of EN segments.

    Ranges (not index lists) because beads are monotone and contiguous; either side may be empty.
    """

    ja: tuple[int, int]
    en: tuple[int, int]
    score: float | None = None
    status: BeadStatus = "auto"
    id: int | None = None
    updated_by: str | None = None
    updated_at: str | None = None

    @property
    def type(self) -> str:
        return f"{self.ja[1] - self.ja[0]}-{self.en[1] - self.en[0]}"

    @property
    def ja_indexes(self) -> list[int]:
        return list(range(*self.ja))

    @property
    def en_indexes(self) -> list[int]:
        return list(range(*self.en))


@dataclass(frozen=True, slots=True)
class PairSummary:
    name: str
    ja_sentences: int
    en_sentences: int
    ja_clauses: int
    en_clauses: int
    beads: int
    confirmed: int
    title: str = ""
    """The first Japanese sentence: what the document is about."""
    extra: dict[str, int] = field(default_factory=dict)
