"""Later mentions of acronyms in a text: known ones in either width and with their spaces as written,
and, optionally, every other acronym-shaped word."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from glossary.acronym_text import acronym_form, acronym_key, nfkc, normalise


@dataclass(frozen=True, slots=True)
class Occurrence:
    start: int
    end: int
    short: str
    """The acronym as normalised (NFKC), not necessarily as written."""
    known: bool
    """True for an acronym defined somewhere (or in the glossary); False for one seen bare."""


# --- occurrences --------------------------------------------------------------------------------------

# a hyphen continues an acronym only into more capitals or digits: IFC-IOR, HA/DR, but ASEAN-led is ASEAN
_BARE = re.compile(r"(?<![A-Za-z0-9])[A-Za-z][A-Za-z0-9]*(?:[-/&][A-Z0-9][A-Za-z0-9]*)*(?![A-Za-z0-9])")


_CAPS_WORD = re.compile(r"[A-Z]{2,}")


def _caps_headline(t: str, start: int, end: int) -> bool:
    """Whether an all-capital word sits next to another one (日本の海運 SHIPPING NOW): a title set in
    capitals, not acronyms."""
    left = t[max(0, start - 20) : start].rstrip(" ")
    right = t[end : end + 20].lstrip(" ")
    return (left != t[max(0, start - 20) : start] and bool(re.search(r"[A-Z]{2,}$", left))) or (
        right != t[end : end + 20] and bool(_CAPS_WORD.match(right))
    )


def find_occurrences(text: str, known: Iterable[str], *, bare: bool = True) -> list[Occurrence]:
    """Every occurrence of a known acronym (full-width or not, case kept, whole word only, its spaces as in
    the definition: JA-LAN EX is never JA-LANEX), plus, with `bare`, every other acronym-shaped word (ASEAN,
    AI) as an unknown acronym. Longest first, no overlaps.
    """
    n = normalise(text)
    t = n.text
    forms: dict[str, str] = {}
    for k in known:
        if k and acronym_key(k):
            forms.setdefault(acronym_key(k), re.sub(r"\s+", " ", nfkc(k).strip()))
    keys = sorted(forms, key=len, reverse=True)
    taken = bytearray(len(t))  # 1 where an occurrence was already found (longest keys go first)
    out: list[Occurrence] = []

    def claim(a: int, b: int, short: str, is_known: bool) -> None:
        if not any(taken[a:b]):
            taken[a:b] = b"\x01" * (b - a)
            s, e = n.orig(a, b)
            out.append(Occurrence(s, e, short, is_known))

    if keys:
        # one pass for all known acronyms: an alternation, longest first, whole words only
        alternatives = (r"\s+".join(map(re.escape, forms[k].split(" "))) for k in keys)
        pattern = re.compile(r"(?<![A-Za-z0-9])(?:" + "|".join(alternatives) + r")(?![A-Za-z0-9])")
        for m in pattern.finditer(t):
            claim(m.start(), m.end(), re.sub(r"\s+", " ", m.group()), True)
    if bare:
        for m in _BARE.finditer(t):
            form = acronym_form(m.group())
            if form and len(form) <= 10 and not _caps_headline(t, m.start(), m.end()):
                claim(m.start(), m.end(), form, False)
    return sorted(out, key=lambda o: (o.start, o.end))
