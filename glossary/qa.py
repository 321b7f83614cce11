"""Term QA on aligned beads: approved terms rendered as approved, no forbidden or deprecated English."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

from alignment.bead_store import get_beads
from alignment.store import pair_segments
from glossary import store
from glossary.lookup import lookup_key
from glossary.model import Entry

if TYPE_CHECKING:
    from sqlite_utils import Database

    from alignment.model import Pair

ProblemKind = Literal["missing", "forbidden", "deprecated"]


@dataclass(frozen=True, slots=True)
class Problem:
    """One term problem in one sentence bead of a pair."""

    pair: str
    bead: int
    """Position of the bead in the pair's sentence alignment."""
    kind: ProblemKind
    """missing: an approved JA term whose approved English is absent; forbidden/deprecated: that English used."""
    entry_id: int
    term: str
    """The Japanese term found (missing) or the English term found (forbidden, deprecated)."""
    expected: tuple[str, ...]
    """The English renderings that would be accepted (for forbidden/deprecated: what to use instead)."""
    ja_text: str = ""
    en_text: str = ""

    @property
    def detail(self) -> str:
        if self.kind == "missing":
            return "expected " + " | ".join(self.expected)
        return f"{self.kind}" + (f"; use {' | '.join(self.expected)}" if self.expected else "")


def problem_to_dict(p: Problem) -> dict[str, Any]:
    return {
        "pair": p.pair,
        "bead": p.bead + 1,
        "bead_index": p.bead,
        "kind": p.kind,
        "entry_id": p.entry_id,
        "term": p.term,
        "expected": list(p.expected),
        "ja": p.ja_text,
        "en": p.en_text,
    }


# --- matching -----------------------------------------------------------------------------------------


def _is_word_char(ch: str) -> bool:
    return ch.isascii() and ch.isalnum()


@dataclass(frozen=True, slots=True)
class _Term:
    key: str
    text: str
    entry_id: int


class _Matcher:
    """Finds folded terms in folded text; Latin-edged terms only at word boundaries (MDA is not in IPMDA)."""

    def __init__(self, terms: Iterable[_Term], *, plurals: bool = False) -> None:
        self._plurals = plurals
        self._by_head: dict[str, list[_Term]] = {}
        for t in terms:
            if t.key:
                self._by_head.setdefault(t.key[:2], []).append(t)
        for bucket in self._by_head.values():
            bucket.sort(key=lambda t: -len(t.key))

    def _ends_ok(self, text: str, end: int, key: str) -> int | None:
        """Where a match ending at `end` really ends (after a plural s/es), or None if mid-word."""
        if not _is_word_char(key[-1]) or end >= len(text) or not _is_word_char(text[end]):
            return end
        if self._plurals:
            for suffix in ("s", "es"):
                stop = end + len(suffix)
                if text.startswith(suffix, end) and (stop >= len(text) or not _is_word_char(text[stop])):
                    return stop
        return None

    def find(self, text: str) -> list[tuple[int, int, _Term]]:
        """Every occurrence, as (start, end, term), longest first at each position."""
        out: list[tuple[int, int, _Term]] = []
        for i in range(len(text)):
            if i > 0 and _is_word_char(text[i]) and _is_word_char(text[i - 1]):
                continue  # inside a Latin word: no Latin-edged term can start here
            for head in (text[i : i + 2], text[i]):
                for t in self._by_head.get(head, ()):
                    if len(head) == 1 and len(t.key) > 1:
                        continue
                    if text.startswith(t.key, i):
                        end = self._ends_ok(text, i + len(t.key), t.key)
                        if end is not None:
                            out.append((i, end, t))
        return out


def _claim_longest(found: Sequence[tuple[int, int, _Term]]) -> list[tuple[int, int, _Term]]:
    """Occurrences not inside a longer one (インド洋 inside インド洋地域情報融合センター does not count)."""
    kept: list[tuple[int, int, _Term]] = []
    for start, end, t in sorted(found, key=lambda m: (-(m[1] - m[0]), m[0])):
        if not any(s <= start and end <= e and (e - s) > (end - start) for s, e, _ in kept):
            kept.append((start, end, t))
    return kept


@dataclass(frozen=True, slots=True)
class Rules:
    """What `check` looks for, built once from the termbase."""

    ja: _Matcher
    """Approved entries' Japanese terms, variants and acronyms."""
    allowed_en: dict[int, tuple[str, ...]]
    """Per approved entry: the English keys that count as rendering it."""
    shown_en: dict[int, tuple[str, ...]]
    bad_en: _Matcher
    """Forbidden renderings and the English of deprecated/forbidden entries."""
    bad_kind: dict[tuple[int, str], ProblemKind]
    replacement: dict[int, tuple[str, ...]]


def build_rules(entries: Iterable[Entry]) -> Rules:
    entries = list(entries)
    approved = [e for e in entries if e.status == "approved" and e.id is not None]
    ja_terms: list[_Term] = []
    allowed: dict[int, tuple[str, ...]] = {}
    shown: dict[int, tuple[str, ...]] = {}
    all_allowed: set[str] = set()
    for e in approved:
        eid = e.id or 0
        for text in (e.ja, *e.ja_variants, e.acronym):
            if text:
                ja_terms.append(_Term(lookup_key(text), text, eid))
        en = [t for t in (e.en, *e.en_variants, e.acronym) if t]
        allowed[eid] = tuple(lookup_key(t) for t in en)
        shown[eid] = tuple(en)
        all_allowed.update(allowed[eid])
    bad_terms: list[_Term] = []
    bad_kind: dict[tuple[int, str], ProblemKind] = {}
    replacement: dict[int, tuple[str, ...]] = {}
    for e in entries:
        if e.id is None or e.status == "proposed":
            continue
        candidates: list[tuple[str, ProblemKind]] = [(t, "forbidden") for t in e.forbidden_en]
        if e.status in ("deprecated", "forbidden"):
            kind: ProblemKind = "deprecated" if e.status == "deprecated" else "forbidden"
            candidates += [(t, kind) for t in (e.en, *e.en_variants) if t]
        for text, kind in candidates:
            key = lookup_key(text)
            if key and key not in all_allowed:  # an English term another approved entry allows is fine
                bad_terms.append(_Term(key, text, e.id))
                bad_kind[(e.id, key)] = kind
        if e.status == "approved":
            replacement[e.id] = shown.get(e.id, ())
    return Rules(
        ja=_Matcher(ja_terms),
        allowed_en=allowed,
        shown_en=shown,
        bad_en=_Matcher(bad_terms),
        bad_kind=bad_kind,
        replacement=replacement,
    )


def _occurs(text: str, key: str) -> bool:
    """Whether `key` occurs in `text` at word boundaries (for Latin edges), allowing an English plural."""
    matcher = _Matcher((), plurals=True)
    start = text.find(key)
    while start != -1:
        if (start == 0 or not _is_word_char(key[0]) or not _is_word_char(text[start - 1])) and (
            matcher._ends_ok(text, start + len(key), key) is not None
        ):
            return True
        start = text.find(key, start + 1)
    return False


def check_texts(rules: Rules, ja: str, en: str) -> list[tuple[ProblemKind, int, str, tuple[str, ...]]]:
    """Problems of one bead as (kind, entry_id, term, expected), given its Japanese and English text."""
    ja_key, en_key = lookup_key(ja), lookup_key(en)
    out: list[tuple[ProblemKind, int, str, tuple[str, ...]]] = []
    seen: set[tuple[str, int]] = set()
    for _, _, t in _claim_longest(rules.ja.find(ja_key)):
        if ("missing", t.entry_id) in seen:
            continue
        seen.add(("missing", t.entry_id))
        wanted = rules.allowed_en.get(t.entry_id, ())
        if wanted and not any(_occurs(en_key, k) for k in wanted if k):
            out.append(("missing", t.entry_id, t.text, rules.shown_en[t.entry_id]))
    for _, _, t in _claim_longest(rules.bad_en.find(en_key)):
        kind = rules.bad_kind[(t.entry_id, t.key)]
        if (kind, t.entry_id) in seen:
            continue
        seen.add((kind, t.entry_id))
        out.append((kind, t.entry_id, t.text, rules.replacement.get(t.entry_id, ())))
    return out


def check(db: Database, pair: Pair, rules: Rules | None = None) -> list[Problem] | None:
    """Term problems of every sentence bead of `pair`, in bead order; None if the pair has no beads."""
    beads = get_beads(db, pair.id)
    if not beads:
        return None
    if rules is None:
        rules = build_rules(store.iter_entries(db, statuses=("approved", "deprecated", "forbidden")))
    ja_segments = {s.index: s.text for s in pair_segments(db, pair, "ja")}
    en_segments = {s.index: s.text for s in pair_segments(db, pair, "en")}
    problems: list[Problem] = []
    for n, bead in enumerate(beads):
        ja = "".join(ja_segments.get(i, "") for i in bead.ja_indexes)
        en = " ".join(en_segments.get(i, "") for i in bead.en_indexes)
        if not ja.strip() or not en.strip():
            continue  # an omission or addition, not a term problem
        for kind, entry_id, term, expected in check_texts(rules, ja, en):
            problems.append(
                Problem(
                    pair=pair.name,
                    bead=n,
                    kind=kind,
                    entry_id=entry_id,
                    term=term,
                    expected=expected,
                    ja_text=ja,
                    en_text=en,
                )
            )
    return problems
