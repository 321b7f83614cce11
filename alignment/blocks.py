"""Per block: a document that mixes PDF-wrapped prose with clean lists or tables, each block read on its own.

alignment.layout decides for the whole document. Where a document mixes them — a report wrapped at a
column width followed by a list of items a line, or the reverse — the lines are cut into blocks and each
block is read on its own evidence:

- blocks are separated by a paragraph gap (a blank line after a line that stops short of the wrap width
  or ends a sentence; PDF extractions also leave stray blank lines inside wrapped paragraphs, after full
  lines, and those do not separate) or by a change of line lengths (a run of lines well short of the wrap
  width next to lines that reach it);
- a block is wrapped when its lines at the wrap width are cut mid-sentence (the document's rules, on the
  block's lines; English: continued in lower case, or the next word would not have fit), and one item a
  line when several of its breaks fall between lines that stop short of the width and none is visibly
  cut mid-sentence (commas ending most lines are a list of clauses, not a wrap);
- blocks too small to tell alone (a paragraph of two lines) are pooled with the others that look alike;
- a block with too little evidence either way (a heading, a short paragraph) reads as the document does.

Where two blocks read differently meet, repair keeps the break unless it is visibly cut (joins.py rules
for clean text, without the tokenizer: `…準備` / `条約は…` is two lines, not a word across them).
"""

from __future__ import annotations

import dataclasses
import itertools
from collections.abc import Sequence
from dataclasses import dataclass

from alignment.layout import (
    MAX_LONGER,
    MIN_CONTINUED,
    Block,
    Layout,
    Widths,
    WordSplit,
    em_width,
    en_continued,
    en_wrap_width,
    is_table_row,
    ja_continued,
    ja_evidence,
    longer_than,
    wrap_widths,
)
from alignment.model import Lang

SHORT_RUN = 3
"""Lines well short of the wrap width in a row that make a block of their own (a list beside prose)."""
SHORT_EMS = 3.0
"""How far short of the wrap width (in ems) a Japanese line stops to count as short."""
_PARTICLES = "をにがはのでとへもや"
_CLOSERS = "」』）)】〕］｝〉》\"'”’"


@dataclass(frozen=True, slots=True)
class Reading:
    """How repair reads the line breaks that follow each line of one block."""

    block: Block
    widths: Widths
    """The wrap widths the join rules use there (none when the block is one item a line)."""


def _at_grid(line: str, widths: Widths) -> bool:
    """Does a Japanese line reach the wrap width (a little short of it for digits and Latin, not past it)?"""
    if widths.main_em is not None:
        return widths.main_em - SHORT_EMS <= em_width(line) <= widths.main_em + 2
    return bool(widths.chars) and widths.chars[0] - SHORT_EMS <= len(line) <= widths.chars[0] + 2


def _short(line: str, widths: Widths) -> bool:
    """Does a Japanese line stop well short of the wrap width (there is none: every line does)?"""
    if widths.main_em is not None:
        return em_width(line) < widths.main_em - SHORT_EMS
    return not widths.chars or len(line) < widths.chars[0] - SHORT_EMS


def _en_wraps(prev: str, nxt: str, widths: Widths) -> bool:
    """Does an English break look like a wrap: continued in lower case, or the next word would not have fit?"""
    if en_continued(prev, nxt):
        return True
    # The width is estimated from the lines continued in lower case, a little short of the true one; a
    # line far past it (a paragraph a line) was not wrapped at all.
    w = widths.chars[0] if widths.chars else 0
    return len(prev) <= 1.3 * w and w < len(prev) + 1 + len(nxt.split()[0])


def _past(line: str, lang: Lang, widths: Widths) -> bool:
    """Does the line run well past the wrap width (more than 2 ems; English: a tenth)?"""
    if lang == "en" or widths.main_em is None:
        return bool(widths.chars) and len(line) > (1.1 if lang == "en" else 1.0) * widths.chars[0] + 2
    return em_width(line) > widths.main_em + 2


def _wraps(contents: Sequence[str], lang: Lang, widths: Widths) -> list[bool]:
    """Per line: does it look like a wrapped line? Japanese: it reaches the wrap width; English (ragged):
    the next line goes on in lower case."""
    if lang == "ja":
        return [_at_grid(c, widths) for c in contents]
    return [en_continued(p, q) for p, q in itertools.pairwise(contents)] + [False]


def _ends_sentence(line: str) -> bool:
    return line.rstrip(_CLOSERS)[-1:] in ("。", "！", "？", "!", "?", ".")


def _ja_runs_on(prev: str, nxt: str, word_split: WordSplit | None, widths: Widths) -> int:
    """Does the break go on mid-sentence? 2: visibly cut or before a particle; 1 (maybe): after a comma on
    a line that could be wrapped (a preamble's recitals end so too; a line past the wrap width was not)."""
    if ja_continued(prev, nxt, word_split) or nxt[0] in _PARTICLES:
        return 2
    past = widths.main_em is not None and em_width(prev) > widths.main_em + 2
    return 1 if prev[-1] in "、，" and not past else 0


def _ja_cuts(pairs: Sequence[tuple[str, str]], word_split: WordSplit | None, widths: Widths) -> int:
    """How many breaks go on mid-sentence: every visible cut, and the maybes beyond one in three breaks."""
    runs = [_ja_runs_on(p, q, word_split, widths) for p, q in pairs]
    maybe = runs.count(1)
    # Commas ending most lines are a list of clauses (a preamble's recitals): wrapped lines end on a
    # comma about as often as a comma falls in the text.
    commas = sum(1 for p, _ in pairs if p[-1] in "、，")
    clauses = commas >= 3 and commas >= 0.75 * len(pairs)
    return runs.count(2) + (maybe if maybe * 3 > len(pairs) and not clauses else 0)


def split(contents: Sequence[str], blanks_before: Sequence[int], lang: Lang, widths: Widths) -> list[range]:
    """The blocks of `contents` (non-blank lines; `blanks_before[k]`: blank lines between k-1 and k)."""
    cuts = {0, len(contents)}
    long = _wraps(contents, lang, widths)
    for k in range(1, len(contents)):
        prev = contents[k - 1]
        if lang == "en":
            boundary = not en_continued(prev, contents[k])
        else:
            boundary = not long[k - 1] or _ends_sentence(prev) or not widths.wrapped
        if blanks_before[k] and boundary:
            cuts.add(k)
    gaps = set(cuts)
    if widths.wrapped or lang == "en":
        # Runs of short lines: the first may end the paragraph before it; the rest are a block of their own.
        for short, run in itertools.groupby(range(len(contents)), key=lambda k: not long[k]):
            ks = list(run)
            if not short or len(ks) < SHORT_RUN:
                continue
            # ...but not a line past the width: a wrapped paragraph never ends on a line longer than its own
            starts_block = ks[0] == 0 or ks[0] in cuts or _past(contents[ks[0]], lang, widths)
            cuts.add(ks[0] if starts_block else ks[1])
            # A line or two left before the paragraph gap (an item that happens to reach the width) go
            # with the run: too few to read on their own.
            gap = min(c for c in gaps if c > ks[-1])
            if gap - (ks[-1] + 1) >= SHORT_RUN:
                cuts.add(ks[-1] + 1)
    edges = sorted(cuts)
    return [range(a, b) for a, b in itertools.pairwise(edges) if b > a]


def _decide(
    lines: Sequence[str], lang: Lang, widths: Widths, word_split: WordSplit | None
) -> tuple[bool | None, Widths, str]:
    """A block's reading on its own evidence: wrapped, one item a line, or None (too little evidence)."""
    pairs = list(itertools.pairwise(lines))
    if not pairs:
        return None, Widths(), "one line"
    if lang == "en":
        continued = sum(1 for p, q in pairs if en_continued(p, q))
        evidence = f"{continued} of {len(pairs)} line breaks fall mid-sentence"
        # Or every break a wrap (continued in lower case, or the next word would not have fit), one visibly.
        forced = all(_en_wraps(p, q, widths) for p, q in pairs)
        if (continued >= 2 and continued >= MIN_CONTINUED * len(pairs)) or (
            continued and forced and len(pairs) >= 2
        ):
            width = widths.chars[0] if widths.chars else en_wrap_width(lines)
            return True, Widths(chars=(width,)) if width else Widths(), evidence
        cut = continued
    else:
        own = widths if widths.wrapped else wrap_widths(lines)
        if own.wrapped and longer_than(lines, own) <= MAX_LONGER * len(lines):
            # Only visible cuts: a list's items of one length also end "exactly at a width".
            wrapped, evidence = ja_evidence(lines, own, word_split, tight=False)
            if wrapped:
                return True, own, evidence
        cut = _ja_cuts(pairs, word_split, widths)
        evidence = f"{cut} of {len(pairs)} line breaks cut mid-sentence"
    if lang == "en":
        reach = sum(1 for p, q in pairs if _en_wraps(p, q, widths))
    else:
        # Lines past the grid are another text area (a box) and do not count as stopping short, unless they
        # stop at a clause or sentence end, as a box's wrapped lines seldom do.
        reach = sum(
            1
            for p, _ in pairs
            if not _short(p, widths)
            and not is_table_row(p)
            and (_at_grid(p, widths) or p.rstrip(_CLOSERS)[-1:] not in "、，。！？")
        )
    # A line that reaches the width and goes on may be a wrap not visibly cut: a few in a long block only.
    if len(pairs) >= 2 and cut == 0 and (reach == 0 or (len(pairs) >= 4 and reach * 2 <= len(pairs))):
        return False, Widths(), f"{evidence}, {len(pairs) - reach} stop short of the wrap width"
    return None, Widths(), evidence


def _grid_like(contents: Sequence[str], span: range, lang: Lang, widths: Widths, wrapped: bool) -> bool:
    """Could this small block be read as `wrapped` (every line but its last at the grid), or as one item a
    line (none of them at it)?"""
    if len(span) < 2:
        return False
    lines = [contents[k] for k in span]
    if lang == "en":  # English wraps before capitals too: the fit tells as much as the case
        flags = [_en_wraps(p, q, widths) for p, q in itertools.pairwise(lines)]
    else:
        flags = _wraps(lines, lang, widths)[:-1]
    return all(flags) if wrapped else not any(flags)


def _pooled(
    contents: Sequence[str],
    spans: Sequence[range],
    decisions: Sequence[tuple[bool | None, Widths, str]],
    lang: Lang,
    widths: Widths,
    document: bool,
    word_split: WordSplit | None,
) -> tuple[bool, str] | None:
    """Blocks too small to decide alone, pooled: where the document reads otherwise, do the small blocks
    that look like the other reading show it together (two visible cuts at the grid, or none at all)?"""
    if not widths.wrapped:
        return None
    small = [sp for sp, d in zip(spans, decisions, strict=True) if d[0] is None]
    looks = [sp for sp in small if _grid_like(contents, sp, lang, widths, not document)]
    pairs = [(contents[k], contents[k + 1]) for sp in looks for k in sp[:-1]]
    if lang == "en":
        cut = sum(1 for p, q in pairs if _en_wraps(p, q, widths))
    else:
        cut = _ja_cuts(pairs, word_split, widths)
    evidence = f"with other small blocks: {cut} of {len(pairs)} line breaks cut mid-sentence"
    if not document and cut >= 2 and cut >= MIN_CONTINUED * len(pairs):
        return True, evidence
    if document and len(pairs) >= 3 and cut == 0:
        return False, evidence
    return None


def read_blocks(
    contents: Sequence[str],
    blanks_before: Sequence[int],
    lang: Lang,
    document: Layout,
    widths: Widths,
    word_split: WordSplit | None,
) -> tuple[Layout, list[Reading]]:
    """Each block's reading (blocks with too little evidence read as `document` does, at `widths`)."""
    if not contents:
        return document, []
    if document.forced:
        block = Block(0, max(len(contents) - 1, 0), document.wrapped, False, "as told")
        return dataclasses.replace(document, blocks=(block,)), [Reading(block, widths)]
    # Where the document as a whole shows no wrap width, a part of it may: four lines piling up will do.
    candidate = widths if widths.wrapped else (Widths() if lang == "en" else wrap_widths(contents, 0.0))
    if lang == "en" and not candidate.wrapped:
        en_width = en_wrap_width(contents)
        candidate = Widths(chars=(en_width,)) if en_width else Widths()
    spans = split(contents, blanks_before, lang, candidate)
    decisions = [_decide([contents[k] for k in span], lang, candidate, word_split) for span in spans]
    pooled = _pooled(contents, spans, decisions, lang, candidate, document.wrapped, word_split)
    readings: list[Reading] = []
    for span, (wrapped, own, evidence) in zip(spans, decisions, strict=True):
        if wrapped is None and pooled is not None and _grid_like(contents, span, lang, candidate, pooled[0]):
            wrapped, own, evidence = pooled[0], candidate, pooled[1]
        if wrapped is None or wrapped == document.wrapped:
            own = widths if document.wrapped else Widths()
        block = Block(
            span[0], span[-1], document.wrapped if wrapped is None else wrapped, wrapped is not None, evidence
        )
        readings.append(Reading(block, own))
    blocks = tuple(r.block for r in readings)
    width = document.width
    if width is None:  # a document read as clean text, with wrapped blocks in it: their width
        width = next(
            (r.widths.main_em or float(r.widths.chars[0]) for r in readings if r.widths.wrapped), None
        )
    wrapped = document.wrapped or any(b.wrapped for b in blocks)
    return dataclasses.replace(document, wrapped=wrapped, width=width, blocks=blocks), readings
