"""A document's clauses, worked out a chunk of sentences at a time and kept as integers.

A GiNZA parse holds tens of Python objects per token: a 130,000-sentence document whose parses were all
kept until the final write needed over 1.2 GB. Import keeps only what it stores, each sentence's clause
ranges, as integers in arrays (16 bytes a clause), and parses one chunk of sentences at a time: the chunk's
parses go to the parse cache (committed as they come, so a re-run after a failure parses nothing twice) and
are dropped before the next chunk. The clause segments are built again, one at a time, as they are written.
"""

from __future__ import annotations

import bisect
from array import array
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, overload

from alignment import segment
from alignment.model import Segment

if TYPE_CHECKING:
    from sqlite_utils import Database

    from alignment.model import Lang

CHUNK_SENTENCES = 1_000
"""Japanese sentences parsed per chunk: memory grows with the chunk, not the document (about 10 MB of parses
for a thousand sentences), and the cache lookup and store per chunk cost nothing measurable."""

Progress = Callable[[int], None]


@dataclass(frozen=True, slots=True)
class Cuts:
    """Every sentence's clause ranges relative to the sentence: flat (start, end) pairs, and per sentence the
    number of clauses before it (`first[i]` to `first[i + 1]` are sentence i's; `first[-1]` is the total)."""

    pairs: array[int]
    first: array[int]

    @property
    def count(self) -> int:
        return self.first[-1]


def sentence_cuts(
    db: Database | None,
    lang: Lang,
    sentences: Sequence[Segment],
    *,
    chunk: int = CHUNK_SENTENCES,
    on_progress: Progress | None = None,
) -> Cuts:
    """Clause ranges of every sentence: Japanese from GiNZA (cache first), `chunk` sentences at a time;
    English by rule. A sentence without clause ranges is one clause."""
    if chunk < 1:
        raise ValueError(f"chunk must be at least 1, not {chunk}")
    pairs: array[int] = array("q")
    first: array[int] = array("q", [0])
    for i in range(0, len(sentences), chunk):
        part = sentences[i : i + chunk]
        for sentence, ranges in zip(part, _chunk_ranges(db, lang, part, on_progress), strict=True):
            for a, b in ranges or [(0, sentence.end - sentence.start)]:
                pairs.append(a)
                pairs.append(b)
            first.append(len(pairs) // 2)
    return Cuts(pairs, first)


def _chunk_ranges(
    db: Database | None, lang: Lang, part: Sequence[Segment], on_progress: Progress | None
) -> list[Sequence[tuple[int, int]]]:
    if lang != "ja":
        return [segment.en_clauses(s.text) for s in part]
    from alignment.parse import parse_texts

    # Only the clause ranges outlive this call: the chunk's parses are dropped on return.
    return [p.clauses for p in parse_texts(db, [s.text for s in part], on_progress=on_progress)]


class ClauseSegments(Sequence[Segment]):
    """The clause segments of a document, built on demand from its sentences and cuts, as
    `segment.clause_segments` builds them (indexes run through the document, parent = sentence index)."""

    def __init__(self, text: str, sentences: Sequence[Segment], cuts: Cuts) -> None:
        if len(cuts.first) != len(sentences) + 1:
            raise ValueError("the cuts are not those of these sentences")
        self._text, self._sentences, self._cuts = text, sentences, cuts

    def __len__(self) -> int:
        return self._cuts.count

    def _make(self, sentence_index: int, index: int) -> Segment:
        sentence = self._sentences[sentence_index]
        a, b = self._cuts.pairs[2 * index], self._cuts.pairs[2 * index + 1]
        start, end = sentence.start + a, sentence.start + b
        return Segment(index, start, end, self._text[start:end], "clause", sentence.index)

    @overload
    def __getitem__(self, index: int) -> Segment: ...

    @overload
    def __getitem__(self, index: slice) -> list[Segment]: ...

    def __getitem__(self, index: int | slice) -> Segment | list[Segment]:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        if index < 0:
            index += len(self)
        if not 0 <= index < len(self):
            raise IndexError(index)
        return self._make(bisect.bisect_right(self._cuts.first, index) - 1, index)

    def __iter__(self) -> Iterator[Segment]:
        first = self._cuts.first
        for s in range(len(self._sentences)):
            for index in range(first[s], first[s + 1]):
                yield self._make(s, index)
