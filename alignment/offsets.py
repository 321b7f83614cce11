"""The offset map: (text_start, raw_start, length) runs tying every document character to one raw character.

Runs are stored in document-text order. Their raw positions are usually increasing too, but need not be:
repair moves a footnote or box that interrupts a sentence to after the paragraph it cut, so the sentence's
halves meet in the document text while each character still names the raw character it came from. A raw
character stands for at most one document character; raw characters no run names were deleted.
"""

from __future__ import annotations

import bisect
from collections.abc import Sequence
from dataclasses import dataclass

Run = tuple[int, int, int]


@dataclass(frozen=True, slots=True)
class OffsetMap:
    """(text_start, raw_start, length) runs tying document-text positions to raw-text positions."""

    runs: tuple[Run, ...]
    text_len: int
    raw_len: int

    def to_raw(self, pos: int) -> int:
        """The raw position of document position `pos`; `text_len` maps to `raw_len`."""
        if not 0 <= pos <= self.text_len:
            raise IndexError(f"position {pos} outside the document (0..{self.text_len})")
        if pos == self.text_len:
            return self.raw_len
        i = bisect.bisect_right(self.runs, (pos, float("inf"), 0)) - 1
        t, r, _ = self.runs[i]
        return r + (pos - t)

    def raw_pieces(self, start: int, end: int) -> list[tuple[int, int]]:
        """The raw ranges a half-open document range comes from, in document order (more than one where
        repair left characters out or moved a block)."""
        if not 0 <= start <= end <= self.text_len:
            raise IndexError(f"range {start}..{end} outside the document (0..{self.text_len})")
        pieces: list[tuple[int, int]] = []
        i = max(bisect.bisect_right(self.runs, (start, float("inf"), 0)) - 1, 0)
        for t, r, n in self.runs[i:]:
            if t >= end:
                break
            a, b = max(start, t), min(end, t + n)
            if a < b:
                pieces.append((r + a - t, r + b - t))
        return pieces

    def range_to_raw(self, start: int, end: int) -> tuple[int, int]:
        """A half-open document range as the half-open raw range that holds all of its characters.

        Where repair moved a block, a sentence rejoined around it spans the block in the raw text too.
        """
        if start >= end:
            raw = self.to_raw(start)
            return raw, raw
        pieces = self.raw_pieces(start, end)
        return min(a for a, _ in pieces), max(b for _, b in pieces)

    @property
    def monotone(self) -> bool:
        """Do raw positions increase with document positions (nothing was moved)?"""
        return all(r0 + n0 <= r1 for (_, r0, n0), (_, r1, _) in zip(self.runs, self.runs[1:], strict=False))


def runs_from_sources(sources: Sequence[int]) -> tuple[Run, ...]:
    """Compress per-character raw positions (document order) into (text_start, raw_start, length) runs."""
    runs: list[Run] = []
    for t, r in enumerate(sources):
        if runs and runs[-1][1] + runs[-1][2] == r and runs[-1][0] + runs[-1][2] == t:
            t0, r0, n = runs[-1]
            runs[-1] = (t0, r0, n + 1)
        else:
            runs.append((t, r, 1))
    return tuple(runs)


def identity_runs(text: str) -> tuple[Run, ...]:
    return ((0, 0, len(text)),) if text else ()
