"""PDF line repair: the document text is the raw text with characters kept, deleted or swapped 1:1, plus a map back.

PDF extractions hard-wrap lines at a fixed width, scatter blank lines and trailing spaces, space out
heading letters (`国 防 相`) and, from some converters, leave markdown emphasis (`**…**`). Repair never
inserts or reorders characters: each document character is a raw character (or, for the few documented
substitutions, stands in for exactly one), so offsets map back to the raw text monotonically.

Documented substitutions: a line break becomes a space when it joins two English lines, and a lone `\\r`,
form feed or Unicode line separator that survives as a line break becomes `\\n`.
"""

from __future__ import annotations

import bisect
import dataclasses
import functools
import itertools
import re
import unicodedata
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from alignment.blocks import read_blocks
from alignment.joins import (
    Gap,
    join_en,
    join_en_unwrapped,
    join_ja,
    join_ja_told_wrapped,
    join_ja_unwrapped,
    keep_space_between,
)
from alignment.layout import Layout, Override, WordSplit, detect
from alignment.model import Document, Lang
from alignment.spacing import spaced_gaps

__all__ = [
    "Layout",
    "OffsetMap",
    "Repaired",
    "WordSplit",
    "offset_map",
    "repair",
    "runs_from_sources",
    "unrepaired",
]

_BREAKS = re.compile(r"\r\n|[\n\r\f\v\x1c\x1d\x1e\x85\u2028\u2029]")

# A page number alone on its line: "12", "- 12 -", "－１２－", "p. 12", "12/40".
_PAGE_NUMBER = re.compile(
    r"^\s*(?:[-－–—]\s*)?(?:p\.?\s*)?([0-9０-９]{1,4})(?:\s*/\s*[0-9０-９]{1,4})?(?:\s*[-－–—])?\s*$"
)

_EMPHASIS = re.compile(r"\*\*(?=\S)(.+?)(?<=\S)\*\*")


# --- the offset map ----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class OffsetMap:
    """(text_start, raw_start, length) runs tying document-text positions to raw-text positions."""

    runs: tuple[tuple[int, int, int], ...]
    text_len: int
    raw_len: int

    def to_raw(self, pos: int) -> int:
        """The raw position of document position `pos`; `text_len` maps to `raw_len`.

        Positions are monotone: pos < pos2 implies to_raw(pos) < to_raw(pos2).
        """
        if not 0 <= pos <= self.text_len:
            raise IndexError(f"position {pos} outside the document (0..{self.text_len})")
        if pos == self.text_len:
            return self.raw_len
        i = bisect.bisect_right(self.runs, (pos, float("inf"), 0)) - 1
        t, r, _ = self.runs[i]
        return r + (pos - t)

    def range_to_raw(self, start: int, end: int) -> tuple[int, int]:
        """A half-open document range as the half-open raw range from its first to its last character."""
        if start >= end:
            raw = self.to_raw(start)
            return raw, raw
        return self.to_raw(start), self.to_raw(end - 1) + 1


def offset_map(doc: Document) -> OffsetMap:
    """The map from a stored document's text back to its raw text."""
    return OffsetMap(tuple(doc.offset_runs), len(doc.text), len(doc.raw_text))


def runs_from_sources(sources: Sequence[int]) -> tuple[tuple[int, int, int], ...]:
    """Compress per-character raw positions into (text_start, raw_start, length) runs."""
    runs: list[tuple[int, int, int]] = []
    for t, r in enumerate(sources):
        if runs and runs[-1][1] + runs[-1][2] == r and runs[-1][0] + runs[-1][2] == t:
            t0, r0, n = runs[-1]
            runs[-1] = (t0, r0, n + 1)
        else:
            runs.append((t, r, 1))
    return tuple(runs)


def identity_runs(text: str) -> tuple[tuple[int, int, int], ...]:
    return ((0, 0, len(text)),) if text else ()


_UNDECIDED = Layout(wrapped=False)


@dataclass(frozen=True, slots=True)
class Repaired:
    raw: str
    text: str
    runs: tuple[tuple[int, int, int], ...]
    layout: Layout = _UNDECIDED
    """How the line breaks were read (wrapping or structure), and how many were joined."""

    @property
    def offsets(self) -> OffsetMap:
        return OffsetMap(self.runs, len(self.text), len(self.raw))

    def to_raw(self, pos: int) -> int:
        return self.offsets.to_raw(pos)


class _Edits:
    """Per raw character: keep it, delete it, or stand a different character in for it.

    One byte per raw character, so repairing a large file costs little memory.
    """

    _KEEP, _DELETE, _SUBSTITUTE = 0, 1, 2

    def __init__(self, raw: str) -> None:
        self.raw = raw
        self.ops = bytearray(len(raw))
        self.subs: dict[int, str] = {}

    def delete(self, start: int, end: int) -> None:
        if end > start:
            self.ops[start:end] = bytes([self._DELETE]) * (end - start)

    def keep(self, pos: int) -> None:
        self.ops[pos] = self._KEEP

    def substitute(self, pos: int, ch: str) -> None:
        assert len(ch) == 1
        self.ops[pos] = self._SUBSTITUTE
        self.subs[pos] = ch

    def result(self) -> Repaired:
        pieces: list[str] = []
        runs: list[tuple[int, int, int]] = []
        t = 0
        for m in re.finditer(rb"[\x00\x02]+", bytes(self.ops)):
            r0, r1 = m.span()
            piece = self.raw[r0:r1]
            if b"\x02" in m.group():
                piece = "".join(self.subs.get(r0 + k, c) for k, c in enumerate(piece))
            pieces.append(piece)
            runs.append((t, r0, r1 - r0))
            t += r1 - r0
        return Repaired(self.raw, "".join(pieces), tuple(runs))


# --- lines ---------------------------------------------------------------------------------------------


@dataclass(slots=True)
class _Line:
    start: int
    """Raw offset of the first character of the line."""
    end: int
    """Raw offset just past the line's last character (before its break)."""
    brk: tuple[int, int]
    """The raw range of the line break that follows (empty at the end of the text)."""
    text: str
    lo: int = 0
    hi: int = 0
    """The stripped content, as raw offsets [lo, hi)."""

    @property
    def content(self) -> str:
        return self.text[self.lo - self.start : self.hi - self.start]

    @property
    def blank(self) -> bool:
        return self.lo >= self.hi


def _split_lines(raw: str) -> list[_Line]:
    lines: list[_Line] = []
    pos = 0
    for m in _BREAKS.finditer(raw):
        lines.append(_Line(pos, m.start(), (m.start(), m.end()), raw[pos : m.start()]))
        pos = m.end()
    if pos < len(raw) or not lines:
        lines.append(_Line(pos, len(raw), (len(raw), len(raw)), raw[pos:]))
    for line in lines:
        stripped_left = len(line.text) - len(line.text.lstrip())
        stripped_right = len(line.text.rstrip())
        line.lo = line.start + stripped_left
        line.hi = line.start + max(stripped_left, stripped_right)
    return lines


# --- page furniture -------------------------------------------------------------------------------------


def _furniture(lines: Sequence[_Line], raw: str) -> set[int]:
    """Indexes of lines that are clearly page furniture: page-number sequences and repeated running headers.

    A lone number counts as a page number only as part of an increasing run of three or more that sits
    next to form feeds or spans real pages (on average at least 20 lines apart): numbered figure labels
    ("1", "2", "3" a few lines apart on one slide) stay.
    """
    pages = [(i, _page_number(ln.content)) for i, ln in enumerate(lines) if not ln.blank]
    numbered = [(i, n) for i, n in pages if n is not None]
    page_breaks = {i for i, ln in enumerate(lines) if "\f" in raw[ln.brk[0] : ln.brk[1]]}
    near_break = {j for i in page_breaks for j in range(i - 2, i + 4)}
    dropped: set[int] = set()
    run: list[tuple[int, int]] = []
    for item in [*numbered, (-1, -1)]:
        if run and item[1] == run[-1][1] + 1:
            run.append(item)
            continue
        if len(run) >= 3:
            spacing = (run[-1][0] - run[0][0]) / (len(run) - 1)
            at_breaks = sum(1 for i, _ in run if i in near_break)
            if spacing >= 20 or at_breaks >= len(run) - 1:
                dropped.update(i for i, _ in run)
        run = [item]
    # Running headers: the same short line repeated next to page breaks or dropped page numbers.
    anchors = page_breaks | dropped
    if anchors:
        near = {j for i in anchors for j in range(i - 3, i + 4)}
        texts = Counter(ln.content for i, ln in enumerate(lines) if not ln.blank and i in near)
        for i, ln in enumerate(lines):
            if i in near and not ln.blank and texts[ln.content] >= 3 and len(ln.content) <= 60:
                dropped.add(i)
    return dropped


def _page_number(text: str) -> int | None:
    m = _PAGE_NUMBER.match(text)
    return int(unicodedata.normalize("NFKC", m.group(1))) if m else None


# --- in-line repairs -------------------------------------------------------------------------------------


def _delete_emphasis(line: _Line, edits: _Edits) -> None:
    """Markdown `**bold**` from PDF-to-markdown converters: drop the markers, keep the words."""
    content = line.content
    for m in _EMPHASIS.finditer(content):
        start = line.lo + m.start()
        end = line.lo + m.end()
        edits.delete(start, start + 2)
        edits.delete(end - 2, end)


# --- the repair -------------------------------------------------------------------------------------------


def repair(raw: str, lang: Lang, *, word_split: WordSplit | None = None, layout: Override = None) -> Repaired:
    """Repair PDF-extracted `raw` text into the document text (see module docstring).

    Lines are kept as lines; wrapped lines are joined; blank lines collapse to one empty line between
    paragraphs; page furniture is dropped; markdown emphasis markers and letter-spacing are removed.
    Whether line breaks are wrapping is decided first, for the whole document (alignment.layout) and then
    for each block of it that shows its own evidence (alignment.blocks).

    Args:
        word_split: tells whether two line fragments join inside a word (a Japanese tokenizer); used for
            documents without a fixed wrap width. Without it only width and punctuation rules apply.
        layout: a person's decision, "wrapped" or "unwrapped" (every line break kept), instead of the
            detected one.
    """
    if word_split is not None:  # detection, blocks and joins ask about the same junctions: tokenize each once
        word_split = functools.lru_cache(maxsize=None)(word_split)
    edits = _Edits(raw)
    lines = _split_lines(raw)
    furniture = _furniture(lines, raw)
    for i in furniture:
        lines[i].lo = lines[i].hi = lines[i].start  # treated as blank from here on
        edits.delete(lines[i].start, lines[i].end)
    content = [i for i, ln in enumerate(lines) if not ln.blank]
    contents = [lines[i].content for i in content]
    document, doc_widths = detect(contents, lang, word_split=word_split, override=layout)
    blanks = [0, *(b - a - 1 for a, b in itertools.pairwise(content))]
    decided, readings = read_blocks(contents, blanks, lang, document, doc_widths, word_split)
    # Blocks are reported by raw line number (0-based).
    decided = dataclasses.replace(
        decided,
        blocks=tuple(
            dataclasses.replace(b, first_line=content[b.first_line], last_line=content[b.last_line])
            for b in decided.blocks
        ),
    )
    reading_of = [r for r in readings for _ in range(r.block.first_line, r.block.last_line + 1)]

    for line in lines:
        edits.delete(line.start, line.lo)
        edits.delete(line.hi, line.end)
        if line.blank:
            continue
        _delete_emphasis(line, edits)
        if lang == "ja":
            for a, b in spaced_gaps(line.content):
                edits.delete(line.lo + a, line.lo + b)

    # Before the first content line and after the last: nothing survives.
    if content:
        edits.delete(0, lines[content[0]].lo)
        edits.delete(lines[content[-1]].hi, len(raw))
    else:
        edits.delete(0, len(raw))
        return dataclasses.replace(edits.result(), layout=decided)

    joined_breaks = 0
    paragraph = lines[content[0]].content
    for k, (a, b) in enumerate(itertools.pairwise(content)):
        prev, nxt = lines[a], lines[b]
        wrapped, widths = reading_of[k].block.wrapped, reading_of[k].widths
        between = lines[a + 1 : b]
        gap = Gap(hard=any(ln.text and not ln.text.strip() for ln in between), empties=len(between))
        p, n = prev.content, nxt.content
        if decided.forced and not decided.wrapped:
            joined = False
        elif reading_of[k + 1].block.wrapped != wrapped:
            # Where wrapped prose meets a list (or the reverse) the break is structure, unless visibly cut.
            joined = join_ja_unwrapped(p, n, gap, None) if lang == "ja" else join_en_unwrapped(p, n, gap)
        elif lang == "ja" and wrapped:
            told = decided.forced and not widths.wrapped
            joined = (
                join_ja_told_wrapped(p, n, gap) if told else join_ja(p, paragraph, n, gap, widths, word_split)
            )
        elif lang == "ja":
            joined = join_ja_unwrapped(p, n, gap, word_split)
        else:
            joined = join_en(p, n, gap, widths) if wrapped else join_en_unwrapped(p, n, gap)
        # Everything from the end of prev's content to the start of next's content is the gap.
        gap_start, gap_end = prev.hi, nxt.lo
        edits.delete(gap_start, gap_end)
        if joined:
            joined_breaks += 1
            if lang == "en":
                _keep_one(edits, raw, prev, " ")
            elif keep_space_between(p, n) and prev.end > prev.hi:
                edits.keep(prev.hi)  # the raw trailing space stays
            paragraph += n
        else:
            _keep_one(edits, raw, prev, "\n")
            if between:
                _keep_one(edits, raw, between[0], "\n")
            paragraph = n
    return dataclasses.replace(edits.result(), layout=dataclasses.replace(decided, joined=joined_breaks))


def _keep_one(edits: _Edits, raw: str, line: _Line, ch: str) -> None:
    """Keep the line's break as a single `ch` (its `\\n` where it has one, else a 1:1 substitution)."""
    start, end = line.brk
    if start == end:
        return
    nl = raw.find("\n", start, end)
    if ch == "\n" and nl >= 0:
        edits.keep(nl)
    else:
        edits.substitute(start, ch)


def unrepaired(raw: str) -> Repaired:
    """The identity repair (`--segmented`): the document text is the raw text."""
    return Repaired(raw, raw, identity_runs(raw))
