"""Text helpers shared by every layer: normalisation for matching that keeps a map back to the original.

Offsets stored anywhere in a project always refer to the original (document) text; normalised text is
only ever used to *find* things, then positions are mapped back with the arrays returned here.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from alignment.model import Segment

# Katakana and hiragana differ by a fixed code-point offset over this range.
_HIRA_START, _HIRA_END, _KANA_SHIFT = 0x3041, 0x3096, 0x60


# One str.translate does katakana → hiragana and the ASCII casefold (which for ASCII is A-Z → a-z):
# fold_char runs on every term of every glossary entry, so it must not loop in Python.
_FOLD_TABLE = {
    **{code + _KANA_SHIFT: code for code in range(_HIRA_START, _HIRA_END + 1)},
    **{code: code + 32 for code in range(ord("A"), ord("Z") + 1)},
}


def fold_char(ch: str) -> str:
    """NFKC, katakana → hiragana, Latin casefold: the key under which two spellings match."""
    return unicodedata.normalize("NFKC", ch).translate(_FOLD_TABLE)


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
        j = i + 1
        while j < n and (unicodedata.combining(text[j]) or text[j] in "\uff9e\uff9f"):
            j += 1
        unit = text[i:j]
        folded = unicodedata.normalize("NFKC", unit)
        for c in folded:
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
