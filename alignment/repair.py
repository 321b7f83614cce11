"""PDF line repair: the document text is the raw text with characters kept, deleted or swapped 1:1, plus a map back.

PDF extractions hard-wrap lines at a fixed width, scatter blank lines and trailing spaces, space out
heading letters (`国 防 相`) and, from some converters, leave markdown emphasis (`**…**`). Repair never
inserts characters: each document character is a raw character (or, for the few documented substitutions,
stands in for exactly one), and the offset map (alignment.offsets) ties each back. Lines keep their raw
order except where a footnote or box cuts a sentence in two: it goes after that paragraph (alignment.reading).

Documented substitutions: a line break becomes a space when it joins two English lines, and a lone `\\r`,
form feed or Unicode line separator that survives as a line break becomes `\\n`.
"""

from __future__ import annotations

import dataclasses
import functools
import itertools
import re
from collections.abc import Sequence
from dataclasses import dataclass

from alignment.blocks import read_blocks
from alignment.furniture import furniture
from alignment.joins import (
    Gap,
    cut_in_word,
    en_forced,
    join_en,
    join_en_unwrapped,
    join_ja,
    join_ja_told_wrapped,
    join_ja_unwrapped,
    keep_space_between,
    opens_alike,
)
from alignment.layout import (
    Layout,
    Override,
    WordSplit,
    detect,
    em_width,
    en_continued,
    exact,
    is_word_char,
    wrap_widths,
)
from alignment.model import Document, Lang
from alignment.offsets import OffsetMap, Run, identity_runs, runs_from_sources
from alignment.reading import LineReading, interruptions, reading_order
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


def offset_map(doc: Document) -> OffsetMap:
    """The map from a stored document's text back to its raw text."""
    return OffsetMap(tuple(doc.offset_runs), len(doc.text), len(doc.raw_text))


_BREAKS = re.compile(r"\r\n|[\n\r\f\v\x1c\x1d\x1e\x85\u2028\u2029]")

_PARTICLES = "のをにがへ"
"""Particles that never open a word: a line that starts with one goes on from the line before."""

_EMPHASIS = re.compile(r"\*\*(?=\S)(.+?)(?<=\S)\*\*")


_UNDECIDED = Layout(wrapped=False)


@dataclass(frozen=True, slots=True)
class Repaired:
    raw: str
    text: str
    runs: tuple[Run, ...]
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

    def result(self, order: Sequence[tuple[int, int]] | None = None) -> Repaired:
        """The document text: kept characters of the raw ranges in `order` (default: all of it, in raw order)."""
        pieces: list[str] = []
        runs: list[Run] = []
        t = 0
        ops = bytes(self.ops)
        for lo, hi in order if order is not None else [(0, len(self.raw))]:
            for m in _KEPT.finditer(ops, lo, hi):
                r0, r1 = m.span()
                piece = self.raw[r0:r1]
                if b"\x02" in m.group():
                    piece = "".join(self.subs.get(r0 + k, c) for k, c in enumerate(piece))
                pieces.append(piece)
                if runs and runs[-1][0] + runs[-1][2] == t and runs[-1][1] + runs[-1][2] == r0:
                    runs[-1] = (runs[-1][0], runs[-1][1], runs[-1][2] + r1 - r0)
                else:
                    runs.append((t, r0, r1 - r0))
                t += r1 - r0
        return Repaired(self.raw, "".join(pieces), tuple(runs))


_KEPT = re.compile(rb"[\x00\x02]+")


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
    for i in furniture([ln.content for ln in lines], [raw[ln.brk[0] : ln.brk[1]] for ln in lines]):
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

    paragraph = contents[0]
    grid = next((r.widths for r in readings if r.widths.wrapped), doc_widths)
    grid = grid if grid.wrapped else wrap_widths(contents)

    def starts_item(y: int) -> bool:
        """Does line y open like the line before or after it, not both of them full lines of a wrap?"""
        full = reading_of[y].widths.full
        pairs = [(y - 1, y), (y, y + 1)] if y + 1 < len(contents) else [(y - 1, y)]
        return any(
            opens_alike(contents[a], contents[b]) and not (full(contents[a]) and full(contents[b]))
            for a, b in pairs
        )

    def _cut(p: str, n: str) -> bool:
        return cut_in_word(p, n, word_split) if lang == "ja" else en_continued(p, n)

    def join(x: int, y: int, forced: bool | None) -> bool:
        """Does the break after content line x join line y (called in reading order: `paragraph` is x's)?"""
        nonlocal paragraph
        p, n = contents[x], contents[y]
        joined = forced if forced is not None else _joins(x, y, p, n, paragraph)
        paragraph = paragraph + n if joined else n
        return joined

    def _joins(x: int, y: int, p: str, n: str, paragraph: str) -> bool:
        wrapped, widths = reading_of[x].block.wrapped, reading_of[x].widths
        between = lines[content[x] + 1 : content[y]]
        gap = Gap(hard=any(ln.text and not ln.text.strip() for ln in between), empties=len(between))
        if decided.forced and not decided.wrapped:
            return False
        if reading_of[y].block.wrapped != wrapped:
            # Where wrapped prose meets a list (or the reverse) the break is structure, unless visibly cut.
            if lang == "ja":
                return join_ja_unwrapped(p, n, gap, None)
            return join_en_unwrapped(p, n, gap) or en_forced(p, n, gap, grid.chars[0] if grid.chars else 0)
        if wrapped and not decided.forced and starts_item(y) and not _cut(p, n):
            return False  # a list's item opens the line, unless the line before was visibly cut
        if lang == "ja" and wrapped:
            if decided.forced and not widths.wrapped:
                return join_ja_told_wrapped(p, n, gap)
            return join_ja(p, paragraph, n, gap, widths, word_split)
        if lang == "ja":
            # A line exactly at the document's wrap width, cut before or after a case particle (no sentence
            # or item ends on one); an item of a list (the items open alike) as long as its longest, whose
            # next line does not open like the item after it: an item wrapped at the list's width.
            at_grid = exact(p, grid) and is_word_char(p[-1]) and (n[0] in _PARTICLES or p[-1] in _PARTICLES)
            rest = y + 1 < len(contents) and opens_alike(p, contents[y + 1]) and not starts_item(y)
            if rest:  # the list's width: two more of its items reach it
                ems = sorted((em_width(c) for c in contents if opens_alike(p, c)), reverse=True)
                at_most = em_width(p) >= ems[0] - 0.5 >= 12
                rest = at_most and len(ems) >= 3 and ems[2] >= ems[0] - 1.5 and is_word_char(p[-1])
            return (not gap.hard and (at_grid or rest)) or join_ja_unwrapped(p, n, gap, word_split)
        if wrapped:
            return join_en(p, n, gap, widths)
        return join_en_unwrapped(p, n, gap) or en_forced(p, n, gap, grid.chars[0] if grid.chars else 0)

    pairs = [(k, k + 1, join(k, k + 1, None)) for k in range(len(content) - 1)]
    line_readings = [LineReading(r.block.wrapped, r.widths) for r in reading_of]
    moves = interruptions(contents, [j for _, _, j in pairs], line_readings, lang, word_split)
    if moves:
        paragraph = contents[0]
        pairs = reading_order(len(content), moves, join)
    for a, b in itertools.pairwise(content):  # everything between two lines' contents is the gap...
        edits.delete(lines[a].hi, lines[b].lo)
    order = [0, *(y for _, y, _ in pairs)]
    for x, y, joined in pairs:  # ...but for the one character each break keeps
        # the last raw line has no break of its own: where a box moved past it, the last read line's is spare
        s = x if x + 1 < len(content) else order[-1]
        line, after = (
            lines[content[s]],
            lines[content[s] + 1 : content[s + 1] if s + 1 < len(content) else None],
        )
        if not joined:
            _keep_one(edits, raw, line, "\n")
            if after:
                _keep_one(edits, raw, after[0], "\n")
        elif lang == "en":
            _keep_one(edits, raw, line, " ")
        elif keep_space_between(contents[x], contents[y]) and line.end > line.hi:
            edits.keep(line.hi)  # the raw trailing space stays
    joined_breaks = sum(1 for _, _, j in pairs if j)
    final = dataclasses.replace(decided, joined=joined_breaks, moved=len(moves))
    return dataclasses.replace(edits.result(_ranges(lines, content, order) if moves else None), layout=final)


def _ranges(lines: Sequence[_Line], content: Sequence[int], order: Sequence[int]) -> list[tuple[int, int]]:
    """The raw ranges of content lines (each with the break and blank lines after it) in reading order."""
    starts = [lines[i].lo for i in content]
    units = dict(enumerate(itertools.pairwise([*starts, lines[-1].brk[1]])))
    out = [(0, starts[0])]
    last, tail = len(content) - 1, order[-1]
    for k in order:
        if k == tail and tail != last:  # the last line read lends its break to the last raw line
            out.append((units[k][0], lines[content[k]].hi))
            continue
        out.append(units[k])
        if k == last and tail != last:
            out.append((lines[content[tail]].hi, units[tail][1]))
    return out


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
