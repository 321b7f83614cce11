"""Finding known glossary terms in text: width-, kana- and case-insensitive, longest match first.

Matching runs on folded text (alignment.text.fold: NFKC, katakana → hiragana, Latin casefold, dashes and
whitespace unified) and every match is mapped back to offsets in the original text.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass

from alignment.text import fold, fold_char

_DASHES = str.maketrans(dict.fromkeys("\u2010\u2011\u2012\u2013\u2212\ufe63", "-"))
_STATUS_ORDER = {"approved": 0, "proposed": 1, "deprecated": 2, "forbidden": 3}


@dataclass(frozen=True, slots=True)
class Term:
    """A term to look for, and the glossary entry it names."""

    text: str
    entry_id: int
    field: str = "ja"
    """Where the term sits in its entry: ja, en, acronym, variant_ja, variant_en."""
    status: str = "approved"
    key: str | None = None
    """The folded key when already known (the termbase stores it); computed from `text` otherwise."""


@dataclass(frozen=True, slots=True)
class Match:
    start: int
    end: int
    term: Term


def _fold_text(text: str) -> tuple[str, tuple[int, ...], tuple[int, ...]]:
    f = fold(text)
    # A tab stays a tab, which no term key holds: it separates table cells (PDF and spreadsheet text), so a
    # term never runs across it, where other whitespace between two words still matches the key's space.
    folded = "".join(" " if c.isspace() and c != "\t" else c for c in f.text.translate(_DASHES))
    return folded, f.starts, f.ends


def term_key(text: str) -> str:
    """The folded form under which a term is matched (single spaces, unified dashes).

    The same key as the termbase's lookup key (glossary.lookup.lookup_key), so stored keys can be reused.
    """
    return " ".join(fold_char(text).translate(_DASHES).split())


def _is_word(c: str) -> bool:
    return c.isascii() and c.isalnum()


def _needs_capital(term: Term) -> bool:
    # An acronym written in capitals must not match an ordinary word (APT in "an apt remark", AI in "ai").
    letters = [c for c in term.text if c.isalpha() and c.isascii()]
    return (
        bool(letters) and (term.field == "acronym" or all(c.isupper() for c in letters)) and len(letters) <= 6
    )


class _Node:
    """A trie node: the next folded characters, and the terms whose key ends here."""

    __slots__ = ("children", "terms")

    def __init__(self) -> None:
        self.children: dict[str, _Node] = {}
        self.terms: list[Term] = []


class Matcher:
    """A character trie over folded term keys; build once per run, match many texts."""

    def __init__(self, terms: Iterable[Term]) -> None:
        self._root = _Node()
        self.terms: list[Term] = []
        shared: list[list[Term]] = []
        for term in terms:
            key = term.key if term.key is not None else term_key(term.text)
            if not key:
                continue
            self.terms.append(term)
            node = self._root
            for c in key:
                child = node.children.get(c)
                if child is None:
                    child = node.children[c] = _Node()
                node = child
            bucket = node.terms
            bucket.append(term)
            if len(bucket) == 2:
                shared.append(bucket)
        for bucket in shared:  # several entries share the key: the approved, then the oldest, first
            bucket.sort(key=lambda t: (_STATUS_ORDER.get(t.status, 9), t.entry_id, t.field != "ja"))

    def __bool__(self) -> bool:
        return bool(self.terms)

    def find(self, text: str, *, boundaries: Collection[int] | None = None) -> list[Match]:
        """Non-overlapping matches, leftmost first and at each position the longest term.

        Args:
            boundaries: offsets (into `text`) where a Japanese match may start and end — token edges from
                a parse, so インド does not match inside インドネシア. None allows any position. Latin
                terms always need word edges (IPMDA not inside IPMDAX).
        """
        folded, starts, ends = _fold_text(text)
        out: list[Match] = []
        i, n = 0, len(folded)
        while i < n:
            best: tuple[int, Term] | None = None
            node = self._root
            j = i
            while j < n and (child := node.children.get(folded[j])) is not None:
                node = child
                j += 1
                bucket = node.terms
                if bucket and self._fits(text, folded, starts, ends, i, j, bucket[0], boundaries):
                    best = (j, bucket[0])
            if best is None:
                i += 1
                continue
            j, term = best
            out.append(Match(starts[i], ends[j - 1], term))
            i = j
        return out

    @staticmethod
    def _fits(
        text: str,
        folded: str,
        starts: tuple[int, ...],
        ends: tuple[int, ...],
        i: int,
        j: int,
        term: Term,
        boundaries: Collection[int] | None,
    ) -> bool:
        if _is_word(folded[i]) and i > 0 and _is_word(folded[i - 1]):
            return False
        if _is_word(folded[j - 1]) and j < len(folded) and _is_word(folded[j]):
            return False
        s, e = starts[i], ends[j - 1]
        if _needs_capital(term) and not any(c.isupper() for c in text[s:e]):
            return False
        if boundaries is not None and not (_is_word(folded[i]) and _is_word(folded[j - 1])):
            return s in boundaries and e in boundaries
        return True
