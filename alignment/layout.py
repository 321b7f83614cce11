"""What a document's line breaks are: wrapping (a PDF extraction laid out at a width) or structure (clean text).

Decided per document from the evidence of its lines, before any line is joined:

- a wrap width: a hard upper cluster of line lengths (many lines within a character or so of the same width,
  hardly any longer) — table rows, whose cells are separated by tabs or wide spaces, are left out, since a
  table's rows cluster too;
- lines at that width cut mid-sentence: the next line starts with what may not start a line (`、`, `）`,
  small kana), a word runs across the break, or a particle continues it (Japanese); a line ending without
  punctuation continued in lower case (English).

Clean text — a paragraph, item or heading a line — has neither, and keeps every line break as a boundary
(repair still joins the rare line cut inside a word). A person can overrule the decision (`--wrapped`,
`--unwrapped`); import reports it either way.
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Literal

from alignment.model import Lang

WordSplit = Callable[[str, str], bool]
"""(left context, right context) -> True when the junction falls inside a word (the break is a wrap)."""

Override = Literal["wrapped", "unwrapped"] | None

# Japanese line-breaking rules (kinsoku): a line never starts with these, so a line that does is a wrap.
CANNOT_START = (
    "、。，．）)」』】〕］｝〉》ゝゞーァィゥェォッャュョヮヵヶぁぃぅぇぉっゃゅょゎ々！？!?：；,.%％"
)
# ...and never ends with these.
CANNOT_END = "（(「『【〔［｛〈《・"

_HIRAGANA_START = re.compile(r"[\u3041-\u3096]")
# A table row: at least two cells, separated by tabs, ideographic spaces or runs of spaces.
_CELL_GAP = re.compile(r"\t|\u3000+| {2,}")
_EN_OPEN_END = re.compile(r"[A-Za-z0-9,\-]$")

MIN_CONTINUED = 0.25
"""Share of lines at the wrap width that must be visibly cut mid-sentence for the width to be a wrap."""
TIGHT = 0.75
"""Share of full lines that must end exactly at the width, and mid-sentence, when few are visibly cut."""
_CLAUSE_END = "。！？!?、，,：:；;．"
_CLOSE = "」』）)】〕］｝〉》\"'”’"
MAX_LONGER = 0.2
"""Share of lines that may run past the wrap width (boxes wider than a column) before it is no upper bound."""


def em_width(text: str) -> float:
    """Display width in ems: full-width characters 1, half-width 0.5."""
    return sum(1.0 if unicodedata.east_asian_width(c) in "WFA" else 0.5 for c in text)


def is_cjk(ch: str) -> bool:
    code = ord(ch)
    return (
        0x3040 <= code <= 0x30FF
        or 0x3400 <= code <= 0x4DBF
        or 0x4E00 <= code <= 0x9FFF
        or 0xF900 <= code <= 0xFAFF
        or code == 0x3005
    )


def is_word_char(ch: str) -> bool:
    """Kana, kanji or the long-vowel mark: where a Japanese word can be cut by a wrap."""
    return is_cjk(ch) or ch == "ー"


MAX_CELL = 24
"""A table cell is short; longer runs between tabs are prose that a PDF extraction spaced with tabs."""


def is_table_row(line: str) -> bool:
    """Short cells separated by tabs or wide spaces (`南京条約　1842年8月29日　英国`), none of them a sentence."""
    body = line.strip()
    if any(ch in body for ch in "。、，"):
        return False
    cells = [c for c in _CELL_GAP.split(body) if c]
    if not (len(cells) >= 3 or ("\t" in body and len(cells) >= 2)):
        return False
    return all(len(c) <= MAX_CELL for c in cells)


@dataclass(frozen=True, slots=True)
class Widths:
    """The width at which the document's lines were wrapped, if they were, in ems and in characters.

    Lines of other text areas (captions, boxes) are not "full"; the other join rules decide for them.
    """

    ems: tuple[float, ...] = ()
    chars: tuple[int, ...] = ()

    @property
    def wrapped(self) -> bool:
        return bool(self.ems or self.chars)

    @property
    def main_em(self) -> float | None:
        return self.ems[0] if self.ems else None

    def full(self, text: str) -> bool:
        """Does the line reach one of the wrap widths (within a character of it, for indents and ASCII)?"""
        em = em_width(text)
        n = len(text)
        return any(w - 1.5 <= em <= w + 1.5 for w in self.ems) or any(w - 1 <= n <= w + 1 for w in self.chars)


def wrap_width(values: Sequence[float], tolerance: float, share: float = 0.15) -> float | None:
    """The width where most lines pile up, if a good `share` of all lines (and four at least) do."""
    counts = Counter(v for v in values if v >= 12)
    if not counts:
        return None
    best, n = max(
        ((w, sum(c for v, c in counts.items() if w - tolerance <= v <= w)) for w in counts),
        key=lambda wn: (wn[1], wn[0]),
    )
    return best if n >= max(4, share * len(values)) else None


def wrap_widths(contents: Sequence[str], share: float = 0.15) -> Widths:
    """The wrap widths of non-blank line contents (table rows left out)."""
    prose = [c for c in contents if not is_table_row(c)]
    em = wrap_width([round(em_width(c) * 2) / 2 for c in prose], 1.5, share)
    chars = wrap_width([float(len(c)) for c in prose], 1.0, share)
    return Widths(() if em is None else (em,), () if chars is None else (int(chars),))


@dataclass(frozen=True, slots=True)
class Block:
    """A run of lines read on its own evidence: blank lines or a change of line lengths set it apart."""

    first_line: int
    last_line: int
    """0-based line numbers of its first and last non-blank line (in the raw text, once repair maps them)."""
    wrapped: bool
    own: bool
    """Decided on the block's own evidence; otherwise it had too little and reads as the document does."""
    evidence: str = ""

    def as_dict(self) -> dict[str, object]:
        return {
            "first_line_index": self.first_line,
            "last_line_index": self.last_line,
            "layout": "wrapped" if self.wrapped else "unwrapped",
            "decided": "block" if self.own else "document",
            "evidence": self.evidence,
        }


@dataclass(frozen=True, slots=True)
class Layout:
    """Whether a document's line breaks are wrapping, how that was decided, and on what evidence.

    `wrapped` is the reading of the document as a whole; where it mixes wrapped prose with lists or tables
    a line a piece, `blocks` holds the reading of each block, and the line breaks follow those.
    """

    wrapped: bool
    forced: bool = False
    """Decided by a person (--wrapped / --unwrapped), not from the text."""
    width: float | None = None
    """The wrap width in ems, when one was found."""
    evidence: str = ""
    joined: int = 0
    """How many line breaks repair joined."""
    moved: int = 0
    """How many footnotes or boxes that cut a sentence in two repair moved after its paragraph."""
    lines: int = 0
    """Non-blank lines in the raw text."""
    blocks: tuple[Block, ...] = ()

    @property
    def mixed(self) -> bool:
        return len({b.wrapped for b in self.blocks}) > 1

    @property
    def label(self) -> str:
        return "mixed" if self.mixed else "wrapped" if self.wrapped else "unwrapped"

    def describe(self) -> str:
        how = "as told" if self.forced else self.evidence
        kind = "PDF-wrapped" if self.wrapped else "one paragraph or item a line"
        if self.mixed:
            n = sum(1 for b in self.blocks if b.wrapped)
            kind = f"mixed: {n} of {len(self.blocks)} blocks PDF-wrapped, the rest one item a line"
        moved = (
            f"; {self.moved} {'box' if self.moved == 1 else 'boxes'} inside a sentence moved after it"
            if self.moved
            else ""
        )
        return f"{kind} ({how}): {self.joined} of {max(self.lines - 1, 0)} line breaks joined{moved}"

    def as_dict(self) -> dict[str, object]:
        return {
            "layout": self.label,
            "decided": "override" if self.forced else "detected",
            "wrap_width": self.width,
            "evidence": self.evidence,
            "lines": self.lines,
            "joined_breaks": self.joined,
            "moved_boxes": self.moved,
            "blocks": [b.as_dict() for b in self.blocks],
        }


def ja_continued(prev: str, nxt: str, word_split: WordSplit | None) -> bool:
    """Is the break between two Japanese lines visibly inside a sentence (not just after a comma)?"""
    if nxt[0] in CANNOT_START or prev[-1] in CANNOT_END or prev[-1] in "っッ":
        return True
    if (prev[-1].isdigit() and nxt[0].isdigit()) or (
        prev[-1].isascii() and prev[-1].isalpha() and nxt[:1].islower()
    ):
        return True  # a number or a Latin word cut in two (`2006年12月1` / `3日`)
    if not (is_word_char(prev[-1]) and is_word_char(nxt[0])):
        return False
    if word_split is not None and word_split(prev[-12:], nxt[:12]):
        return True
    return bool(_HIRAGANA_START.match(nxt)) and not _HIRAGANA_START.match(prev[-1])


def en_continued(prev: str, nxt: str) -> bool:
    return bool(_EN_OPEN_END.search(prev)) and nxt[:1].islower()


def en_wrap_width(contents: Sequence[str]) -> int | None:
    """The width English lines were wrapped at: the length that nine wrapped lines in ten stay within.

    Wrapped lines are those continued in lower case on the next (all lines when fewer than four are): clean
    paragraphs a line elsewhere in the document must not pass for the width.
    """
    wrapped = [p for p, q in itertools.pairwise(contents) if en_continued(p, q)]
    lengths = sorted(len(c) for c in (wrapped if len(wrapped) >= 4 else contents))
    return lengths[int(0.9 * (len(lengths) - 1))] if lengths else None


def exact(line: str, widths: Widths) -> bool:
    """Does the line end exactly at a wrap width (half an em or no character either way)?"""
    return any(abs(em_width(line) - w) <= 0.5 for w in widths.ems) or any(
        len(line) == w for w in widths.chars
    )


def detect(
    contents: Sequence[str], lang: Lang, *, word_split: WordSplit | None = None, override: Override = None
) -> tuple[Layout, Widths]:
    """Decide whether the line breaks between `contents` (the non-blank lines, in order) are wrapping.

    Returns the decision and the wrap widths the join rules use (none when the text is not wrapped).
    """
    n = len(contents)
    widths = wrap_widths(contents)
    width = (
        widths.main_em if widths.main_em is not None else (float(widths.chars[0]) if widths.chars else None)
    )
    if override is not None:
        wrapped = override == "wrapped"
        return Layout(wrapped, True, width if wrapped else None, "", lines=n), widths if wrapped else Widths()
    pairs = list(itertools.pairwise(contents))
    if lang == "en":
        continued = sum(1 for p, q in pairs if en_continued(p, q))
        share = continued / len(pairs) if pairs else 0.0
        evidence = f"{continued} of {len(pairs)} line breaks fall mid-sentence"
        wrapped = continued >= 2 and share >= MIN_CONTINUED
        # English wraps between words, so its lines are ragged: the width is where the longest lines stop.
        en_width = en_wrap_width(contents) if wrapped else None
        en_widths = Widths(chars=(en_width,)) if en_width else Widths()
        return Layout(wrapped, False, float(en_width) if en_width else None, evidence, lines=n), en_widths
    if not widths.wrapped:
        return Layout(False, False, None, "no wrap width: line lengths do not pile up", lines=n), Widths()
    longer = longer_than(contents, widths)
    if longer > MAX_LONGER * n:
        evidence = f"{longer} of {n} lines are longer than the would-be wrap width {width:g}"
        return Layout(False, False, None, evidence, lines=n), Widths()
    wrapped, evidence = ja_evidence(contents, widths, word_split)
    return Layout(
        wrapped, False, width if wrapped else None, evidence, lines=n
    ), widths if wrapped else Widths()


def longer_than(contents: Sequence[str], widths: Widths) -> int:
    """How many lines (table rows aside) run more than 2 ems past the wrap width."""
    if widths.main_em is not None:
        return sum(1 for c in contents if em_width(c) > widths.main_em + 2 and not is_table_row(c))
    return sum(1 for c in contents if widths.chars and len(c) > widths.chars[0] + 2 and not is_table_row(c))


def ja_evidence(
    contents: Sequence[str], widths: Widths, word_split: WordSplit | None, *, tight: bool = True
) -> tuple[bool, str]:
    """Are lines at the wrap width cut mid-sentence, often enough for the width to be a wrap?

    `tight`: lines that all end exactly at the width and mid-sentence count too, without a visible cut.
    """
    width = widths.main_em if widths.main_em is not None else float(widths.chars[0]) if widths.chars else 0
    full = [(p, q) for p, q in itertools.pairwise(contents) if widths.full(p) and not is_table_row(p)]
    continued = sum(1 for p, q in full if ja_continued(p, q, word_split))
    evidence = f"wrap width {width:g}; {continued} of {len(full)} full lines cut mid-sentence"
    wrapped = continued >= 2 and continued >= MIN_CONTINUED * len(full)
    # Few lines, few visible cuts: a grid that nearly every full line meets exactly, none of them stopping
    # at a sentence or clause end, is still a wrap (a list's items neither match that closely nor all
    # run on).
    open_ends = sum(1 for p, _ in full if p.rstrip(_CLOSE)[-1:] not in _CLAUSE_END)
    exactly = sum(1 for p, _ in full if exact(p, widths))
    if tight and not wrapped and len(full) >= 3 and min(open_ends, exactly) >= TIGHT * len(full):
        wrapped = True
        evidence = (
            f"wrap width {width:g}; {exactly} of {len(full)} full lines end exactly there, mid-sentence"
        )
    return wrapped, evidence
