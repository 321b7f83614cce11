"""Acronym text: the NFKC form the acronym rules match on (with a map back to the original offsets),
character classes, and what counts as an acronym.

Folding is alignment.text's (the one text-folding module): NFKC per character cluster; here dashes are
also unified (ＩＦＣ－ＩＯＲ, IFC‐IOR and IFC-IOR are one acronym).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from alignment.text import fold

# --- normalisation with a map back --------------------------------------------------------------------

_DASHES = str.maketrans(dict.fromkeys("\u2010\u2011\u2012\u2013\u2212\ufe63\uff0d", "-"))


@dataclass(frozen=True, slots=True)
class Norm:
    """NFKC text (dashes unified) plus maps between its offsets and the original's."""

    text: str
    starts: tuple[int, ...]
    ends: tuple[int, ...]
    inverse: tuple[int, ...]
    """inverse[o] = first normalised index whose original start is >= o (len(inverse) = len(original)+1)."""

    def orig(self, start: int, end: int) -> tuple[int, int]:
        if start >= end:
            pos = self.starts[start] if start < len(self.starts) else (self.ends[-1] if self.ends else 0)
            return pos, pos
        return self.starts[start], self.ends[end - 1]

    def norm(self, pos: int) -> int:
        return self.inverse[min(max(pos, 0), len(self.inverse) - 1)]


def normalise(text: str) -> Norm:
    """`text` folded the way alignment.text folds it for matching (NFKC per character cluster, case and
    kana kept), with dashes unified, and the maps back."""
    folded = fold(text, kana=False, case=False)
    starts = folded.starts
    inverse = [0] * (len(text) + 1)
    k = len(starts)
    for o in range(len(text), -1, -1):  # the first folded index whose original start is >= o
        while k > 0 and starts[k - 1] >= o:
            k -= 1
        inverse[o] = k
    return Norm(folded.text.translate(_DASHES), starts, folded.ends, tuple(inverse))


def nfkc(text: str) -> str:
    return unicodedata.normalize("NFKC", text).translate(_DASHES)


def acronym_key(short: str) -> str:
    """Comparison key of an acronym: NFKC, unified dashes, no spaces, case kept (APT ≠ apt)."""
    return re.sub(r"\s+", "", nfkc(short))


# --- character classes --------------------------------------------------------------------------------

KANJI = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff々〆ヶ"
KATA = "\u30a1-\u30fa\u30fc\u30fd\u30fe"
HIRA = "\u3041-\u3096\u309d\u309e"
JA_RE = re.compile(f"[{KANJI}{KATA}{HIRA}]")
CJK_RE = re.compile(f"[{KANJI}{KATA}]")
OPEN, CLOSE = "(【[〔", ")】]〕"
PAIR = dict(zip(OPEN, CLOSE, strict=True))


# --- acronyms -----------------------------------------------------------------------------------------

_SF_RE = re.compile(r"[A-Za-z][A-Za-z0-9]*(?:[-/&.・][A-Za-z0-9]+)*\+?(?: (?:[IVX]{1,4}|[0-9]{1,2}))?")
_ROMAN = re.compile(r"[IVXLCDM]{1,5}")
_SPACED = re.compile(r"\b([A-Z])(?: (?=[A-Z]\b))")


# Short words that may join two acronyms into one name (ISG on CBM/PD).
QUALIFIERS = frozenset(("on", "of", "for", "in", "and", "at", "to", "&"))


def acronym_form(text: str) -> str | None:
    """`text` as an acronym (NFKC, whitespace runs as one space, spaced letters joined: `A P T` → APT),
    or None if it is not one.

    An acronym starts with a letter, has at least two capitals that make up at least half of its
    letters (ReCAAP yes, DeepSeek no), and is not a roman numeral or a designation like MQ-9B or C-130H.
    A name may be two acronyms, with a short qualifier between them or not (JA-LAN EX, ISG on CBM/PD), an
    acronym and an edition (TICAD VI), or an acronym with a short katakana qualifier (ADMMプラス); spaces
    stay as written.
    """
    t = re.sub(r"\s+", " ", nfkc(text).strip())
    if " " in t and re.fullmatch(r"(?:[A-Z] )+[A-Z]", t):
        t = t.replace(" ", "")
    m = _KATA_QUALIFIED.fullmatch(t)  # ADMMプラス, ADSOMプラスWG: a short katakana word qualifies it
    if m:
        return t if _single_form(m.group(1)) and (not m.group(3) or _single_form(m.group(3))) else None
    if " " in t and not _SF_RE.fullmatch(t):
        parts = t.split(" ")
        if len(t) > 24 or len(parts) > 3 or (len(parts) == 3 and parts[1] not in QUALIFIERS):
            return None
        return t if _single_form(parts[0]) and _single_form(parts[-1]) else None
    return _single_form(t)


_KATA_QUALIFIED = re.compile(f"([A-Za-z][A-Za-z0-9/&-]*)([{KATA}]{{2,3}})([A-Za-z][A-Za-z0-9/&-]*)?")


def _single_form(t: str) -> str | None:
    if len(t) > 16 or not _SF_RE.fullmatch(t) or _ROMAN.fullmatch(t):
        return None
    if re.search(r"[-/][0-9]|[0-9]{2}", t):
        return None
    letters = [c for c in t if c.isalpha()]
    upper = sum(c.isupper() for c in letters)
    if upper < 2 or upper * 2 < len(letters):
        return None
    return t


def sf_letters(short: str) -> int:
    """Letters of an acronym that stand for words: not a trailing edition (TICAD VI) nor a qualifier (on)."""
    words = re.sub(r" (?:[IVX]+|[0-9]+)$", "", short).split(" ")
    return sum(c.isascii() and c.isalpha() for w in words if w not in QUALIFIERS for c in w)


def sf_chars(short: str) -> list[str]:
    return [c.lower() for c in short if c.isalnum()]
