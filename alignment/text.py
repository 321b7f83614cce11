"""Text helpers shared by every layer: normalisation for matching that keeps a map back to the original.

Offsets stored anywhere in a project always refer to the original (document) text; normalised text is
only ever used to *find* things, then positions are mapped back with the arrays returned here.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # imported where used: glossary lookup folds keys and needs no corpus model
    from alignment.model import Segment

# Katakana and hiragana differ by a fixed code-point offset over this range.
_HIRA_START, _HIRA_END, _KANA_SHIFT = 0x3041, 0x3096, 0x60


# One str.translate does katakana → hiragana and the ASCII casefold (which for ASCII is A-Z → a-z):
# fold_char runs on every term of every glossary entry, so it must not loop in Python.
# Invisible characters that only guide line breaking or joining (soft hyphen, zero-width space and joiners,
# word joiner, BOM): folded away, so `for\u00adbidden` or `for\u200bbidden` cannot hide a forbidden term.
IGNORABLE = frozenset("\u00ad\u180e\u200b\u200c\u200d\u2060\ufeff")
_FOLD_TABLE: dict[int, int | None] = {
    **{code + _KANA_SHIFT: code for code in range(_HIRA_START, _HIRA_END + 1)},
    **{code: code + 32 for code in range(ord("A"), ord("Z") + 1)},
    **dict.fromkeys(map(ord, IGNORABLE)),
}
_KEEP_TABLE = {k: v for k, v in _FOLD_TABLE.items() if v is not None}


def fold_char(ch: str) -> str:
    """NFKC, katakana → hiragana, Latin casefold, invisible break hints dropped: the key under which two
    spellings match."""
    normal = unicodedata.normalize("NFKC", ch)
    folded = normal.translate(_FOLD_TABLE)
    # invisible characters alone are kept, as fold() keeps them (it must map every character back)
    return folded if folded or not normal else normal.translate(_KEEP_TABLE)


@dataclass(frozen=True, slots=True)
class Folded:
    """A folded string plus, for each folded character, the original [start, end) it came from."""

    text: str
    starts: tuple[int, ...]
    ends: tuple[int, ...]

    def to_original(self, start: int, end: int) -> tuple[int, int]:
        """Map a half-open range of the folded text to the original text."""
        if start >= end:
            pos = self.starts[start] if start < len(self.starts) else (self.ends[-1] if self.ends else 0)
            return pos, pos
        return self.starts[start], self.ends[end - 1]


def fold(text: str, *, kana: bool = True, case: bool = True) -> Folded:
    """Fold `text` character by character so that every folded position maps back to the original.

    Characters whose NFKC form depends on what follows (combining marks, half-width voiced kana
    marks) are folded together with their base so `ｶﾞ` becomes `が` as one unit.
    """
    chars: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    i, n = 0, len(text)
    while i < n:
        j = i
        while j < n and text[j] in IGNORABLE:  # leading invisible characters join the next unit
            j += 1
        j = min(j + 1, n)
        # marks that change the character before them, and invisible break hints, stay with it: every
        # original character is covered by exactly one unit, even those that fold to nothing
        while j < n and (unicodedata.combining(text[j]) or text[j] in "\uff9e\uff9f" or text[j] in IGNORABLE):
            j += 1
        unit = text[i:j]
        folded = unicodedata.normalize("NFKC", unit)
        visible = "".join(c for c in folded if c not in IGNORABLE)
        for c in visible or folded:  # a text of invisible characters only keeps them, to map back
            code = ord(c)
            if kana and _HIRA_START + _KANA_SHIFT <= code <= _HIRA_END + _KANA_SHIFT:
                c = chr(code - _KANA_SHIFT)
            if case and c.isascii():
                c = c.casefold()
            chars.append(c)
            starts.append(i)
            ends.append(j)
        i = j
    return Folded("".join(chars), tuple(starts), tuple(ends))


def nfkc(text: str) -> str:
    return unicodedata.normalize("NFKC", text)


def line_segments(text: str) -> list[Segment]:
    """One sentence segment per non-empty line (the hunalign/vecalign convention, `--segmented`).

    The segment is the line without its surrounding spaces; offsets point into `text` unchanged.
    """
    from alignment.model import Segment

    segments: list[Segment] = []
    pos = 0
    for line in text.splitlines(keepends=True):
        body = line.rstrip("\r\n")
        stripped = body.strip()
        if stripped:
            start = pos + (len(body) - len(body.lstrip()))
            segments.append(
                Segment(index=len(segments), start=start, end=start + len(stripped), text=stripped)
            )
        pos += len(line)
    return segments


# Terminal escape sequences (CSI `ESC [ … m`, OSC `ESC ] … BEL` such as a title or an OSC 52 clipboard write,
# DCS/PM/APC strings, two-byte escapes, and their 8-bit C1 forms) are removed whole, so no `[2J` is left.
_ESCAPE_SEQUENCE = re.compile(
    r"\x1b\[[0-?]*[ -/]*[@-~]?"
    r"|\x1b\][^\x07\x1b\x9c]*(?:\x07|\x1b\\|\x9c)?"
    r"|\x1b[PX^_][^\x1b\x9c]*(?:\x1b\\|\x9c)?"
    r"|\x1b[ -~]?"
    r"|\x9b[0-?]*[ -/]*[@-~]?"
    r"|[\x90\x98\x9d\x9e\x9f][^\x07\x1b\x9c]*(?:\x07|\x1b\\|\x9c)?"
)
# C0 and C1 controls other than tab, line feed, vertical tab, form feed (pdftotext's page break) and CR.
_CONTROL = re.compile("[\x00-\x08\x0e-\x1f\x7f-\x9f]")
_TERMINAL_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def strip_escape_sequences(text: str) -> str:
    """`text` without terminal escape sequences (their control characters and parameters, whole)."""
    return _ESCAPE_SEQUENCE.sub("", text) if ("\x1b" in text or _C1_INTRODUCER.search(text)) else text


_C1_INTRODUCER = re.compile("[\x90\x98\x9b\x9d-\x9f]")


def strip_controls(text: str) -> tuple[str, int]:
    """`text` without terminal escape sequences and control characters (tab and line breaks stay), and how
    many characters were removed: stored text must never drive the terminal it is printed on."""
    if not _CONTROL.search(text):
        return text, 0
    cleaned = _CONTROL.sub("", _ESCAPE_SEQUENCE.sub("", text))
    return cleaned, len(text) - len(cleaned)


def printable(text: str) -> str:
    """Text safe to write to a terminal: each control character (ESC, BEL, C1…) shown as its Unicode
    control picture (␛) or U+FFFD, never sent raw. Tab and line feed stay."""
    if not _TERMINAL_UNSAFE.search(text):
        return text
    return _TERMINAL_UNSAFE.sub(lambda m: chr(0x2400 + ord(m.group())) if m.group() < " " else "\ufffd", text)


BRACKETS: dict[str, str] = {
    "（": "）",
    "(": ")",
    "「": "」",
    "『": "』",
    "【": "】",
    "〔": "〕",
    "［": "］",
    "｛": "｝",
    "〈": "〉",
    "《": "》",
}
"""Opening bracket -> its closing bracket, full width and half width: one table for segmentation and repair."""
CLOSERS = "」』）)】〕］｝〉》\"'”’"
"""Characters that may follow a sentence's final punctuation and still belong to the sentence."""
