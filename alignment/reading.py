"""Reading order: a footnote or box that a PDF extraction put inside a sentence goes after that paragraph.

A two-column page cuts a sentence at the foot of a column, puts the page's footnotes (or a figure box)
next, and goes on with the sentence at the top of the next column. Read in raw order, the sentence comes
out in two halves with the footnote between. The halves are found by what the wrap leaves behind:

- the line before the box is prose at the wrap width that stops mid-sentence (no sentence end; Japanese: a
  particle, comma, or a cut the next half visibly continues; English: the next half goes on in lower case);
- the box is a few lines that repair kept apart from both neighbours and that are not prose of the same
  column (one of them runs past or stops well short of the wrap width, or it opens with a note marker);
- the line after the box continues the sentence (visibly, by the rules above) and reads as wrapped prose.

The document text then reads the two halves as one paragraph and the box after it; the offset map keeps
every character tied to the raw character it came from (alignment.offsets: its runs are no longer in raw
order there).
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from alignment.joins import STRONG_MARKER, cut_in_word, ends_sentence, heading, open_bracket, opens_alike
from alignment.layout import Widths, WordSplit, em_width, en_continued, is_word_char
from alignment.model import Lang
from alignment.text import BRACKETS, CLOSERS

MAX_BOX_LINES = 24
"""A longer run of lines between the halves is not a footnote or box but text of its own."""
MAX_AT_WIDTH = 3
"""Lines of a box that reach the column's width (a caption set at it); more are the column's own text."""
_OPEN_END_JA = "のをにがはでとへもや、，"

_KANA_FIRST = re.compile(r"[\u3041-\u3096]")
# How Japanese sentences open with kana: demonstratives and conjunctions.
_OPENS = re.compile(
    r"[こそあど][のれうこ]|また|さらに|なお|しかし|ただし|そして|および|または|ついては|いずれ"
)

Join = Callable[[int, int, bool | None], bool]
"""(line a, line b, forced decision or None) -> does the break join them. Called in reading order."""


@dataclass(frozen=True, slots=True)
class Interruption:
    """Lines `first`..`last` (content line indexes) cut the sentence of line `first - 1`, which goes on at
    line `last + 1`."""

    first: int
    last: int


@dataclass(frozen=True, slots=True)
class LineReading:
    """What the interruption rules need to know of a line's block."""

    wrapped: bool
    widths: Widths


def _mid_sentence(prev: str, nxt: str, lang: Lang, word_split: WordSplit | None) -> bool:
    """Does `nxt` visibly go on with the sentence `prev` stopped in?"""
    if ends_sentence(prev) or STRONG_MARKER.match(nxt) or heading(prev):
        return False
    if lang == "en":
        return en_continued(prev, nxt)
    # A cut inside a word (kinsoku, を first), a particle or comma last, or kana going on from a word.
    return cut_in_word(prev, nxt, word_split) or prev[-1] in _OPEN_END_JA or _kana_goes_on(prev, nxt)


def _kana_goes_on(prev: str, nxt: str) -> bool:
    """A word last, and kana next that do not open a sentence (`検討` / `されている`, `資料` / `よりも`): an
    ending or a particle, not a new sentence (a closing bracket last may end an item: `（…）` / `のちに`)."""
    return is_word_char(prev[-1]) and bool(_KANA_FIRST.match(nxt)) and not _OPENS.match(nxt)


def _strength(prev: str, nxt: str, lang: Lang, word_split: WordSplit | None) -> int:
    """How surely `nxt` goes on with `prev`: 3 it closes a bracket `prev` left open; 2 (Japanese) a cut
    inside a word, or a particle or kana first that does not open a sentence; 1 only `prev` stops short."""
    opened = open_bracket(prev)
    if opened is not None and BRACKETS[prev[opened]] in nxt:
        return 3
    if lang == "ja" and (cut_in_word(prev, nxt, word_split) or _kana_goes_on(prev, nxt)):
        return 2
    return 1


def _at_width(line: str, widths: Widths) -> bool:
    if widths.chars and not widths.ems:  # ragged English: a line is wrapped when the next word did not fit
        return 0.6 * widths.chars[0] <= len(line) <= widths.chars[0] + 2
    w = widths.main_em
    return widths.full(line) or (w is not None and w - 3 <= em_width(line) <= w + 1.5)


def _past(line: str, widths: Widths) -> bool:
    """Does the line run past the wrap width (another text area, wider than the column)?"""
    if widths.chars and not widths.ems:
        return len(line) > widths.chars[0] + 2
    return widths.main_em is not None and em_width(line) > widths.main_em + 2


def _goes_on(line: str, widths: Widths) -> bool:
    """Could the line be the rest of a sentence in the column: within the wrap width, no marker first, and
    a line well short of the width is the sentence's last (`てきている。`, not a ruby's `井`)?"""
    if _past(line, widths) or STRONG_MARKER.match(line):
        return False
    return not _other_area(line, widths) or _complete(line)


def _complete(line: str) -> bool:
    """Does the line end a sentence (Japanese or English)?"""
    return ends_sentence(line) or line.rstrip(CLOSERS)[-1:] in (".", "!", "?")


def _boxed(box: Sequence[str], widths: Widths) -> bool:
    """Could these lines be a box rather than text of the column: few lines at the column's width, and no
    sentence ending on one (a paragraph of the column ended there)?"""
    at = [b for b in box if _at_width(b, widths)]
    return len(at) <= MAX_AT_WIDTH and not any(_complete(b) for b in at)


def _short(line: str, widths: Widths) -> bool:
    """Does the line stop well short of the wrap width (in characters too: digits measure short in ems)?"""
    if widths.chars and not widths.ems:
        return len(line) < 0.5 * widths.chars[0]
    if widths.chars and len(line) >= widths.chars[0] - 3:
        return False
    return widths.main_em is not None and em_width(line) < widths.main_em - 3


def _other_area(line: str, widths: Widths) -> bool:
    """Is this line something other than prose of the column: a note marker first, or a line that runs
    past or stops well short of the wrap width?"""
    return bool(STRONG_MARKER.match(line)) or _past(line, widths) or _short(line, widths)


def interruptions(
    contents: Sequence[str],
    joined: Sequence[bool],
    readings: Sequence[LineReading],
    lang: Lang,
    word_split: WordSplit | None,
) -> list[Interruption]:
    """The boxes that cut a sentence in two (`joined[k]`: the break after line k joins it to line k + 1)."""
    found: list[Interruption] = []
    k = 0
    while k < len(contents) - 2:
        before = readings[k]
        # the line before is wrapped prose at the width, not an item of a list (alike with the one before)
        item = k > 0 and opens_alike(contents[k - 1], contents[k])
        if joined[k] or not before.wrapped or not _at_width(contents[k], before.widths) or item:
            k += 1
            continue
        # the box: up to MAX_BOX_LINES lines, ending at a break that is not joined either; where several
        # lines could go on with the sentence, the one that closes a bracket it left open
        best: tuple[int, int] | None = None
        for last in range(k + 1, min(k + 1 + MAX_BOX_LINES, len(contents) - 1)):
            after = last + 1
            if not readings[after].wrapped or readings[after].widths != before.widths:
                continue
            # a box kept apart from the sentence's rest; what follows a complete note or a short caption may
            # seem to go on from it (`…を対象とした。` / `ったことがある。`), but it goes on with the sentence
            # the wrap cut (a line past the width may be a wider box's own wrap)
            last_line = contents[last]
            if joined[last] and not (_complete(last_line) or _short(last_line, before.widths)):
                continue
            if not _boxed(contents[k + 1 : after], before.widths):
                continue
            if not _goes_on(contents[after], before.widths):
                continue
            # the box's first line shows it is not the sentence going on in the column
            if _other_area(contents[k + 1], before.widths) and _mid_sentence(
                contents[k], contents[after], lang, word_split
            ):
                strength = _strength(contents[k], contents[after], lang, word_split)
                if best is None or strength > best[0]:
                    best = (strength, last)
        if best is not None:
            found.append(Interruption(k + 1, best[1]))
            k = best[1]
        k += 1
    return found


def reading_order(count: int, moves: Sequence[Interruption], join: Join) -> list[tuple[int, int, bool]]:
    """The line pairs of the document text in reading order, with their join decisions.

    Each box is left out where it was; the halves around it join, and the box follows the first break
    after them that is not joined (the end of that paragraph), or the end of the document.
    """
    boxed = {k for m in moves for k in range(m.first, m.last + 1)}
    resumes = {m.last + 1: m for m in moves}
    main = [k for k in range(count) if k not in boxed]
    pairs: list[tuple[int, int, bool]] = []
    pending: list[Interruption] = []

    def emit_boxes(prev: int) -> int:
        for m in pending:
            for b in range(m.first, m.last + 1):
                pairs.append((prev, b, join(prev, b, False if b == m.first else None)))
                prev = b
        pending.clear()
        return prev

    for x, y in itertools.pairwise(main):
        move = resumes.get(y)
        if move is not None and move.first == x + 1:
            pairs.append((x, y, join(x, y, True)))
            pending.append(move)
            continue
        joined = join(x, y, None)
        if joined or not pending:
            pairs.append((x, y, joined))
            continue
        last = emit_boxes(x)
        pairs.append((last, y, join(last, y, False)))
    if pending:
        emit_boxes(main[-1])
    return pairs
