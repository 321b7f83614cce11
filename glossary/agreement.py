"""Agreement between two analysts' projects built from the same documents: beads, spans and glossary.

Pure computation over two projects opened read-only. Pairs are matched by name and must hold the same
documents (text and sentence segmentation): bead numbers and span offsets only mean the same thing then.
Analyst A is the reference: B's beads are scored against A's with the evaluation's strict and lax F1.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlite_utils import Database

from alignment.bead_store import get_beads
from alignment.evaluate import IndexBead, score
from alignment.model import Bead, Pair
from alignment.project import ProjectError
from alignment.store import get_document, list_pairs, segment_starts, segment_texts
from glossary import queries
from glossary.agreement_diff import (
    BeadStretch,
    EntryDiff,
    SpanDiff,
    SpanRow,
    bead_stretches,
    entry_diffs,
    entry_key,
    span_diffs,
    span_rows,
)
from glossary.model import Entry


@dataclass(frozen=True, slots=True)
class PairSide:
    """What one analyst stored for a pair: beads (the unaligned view when none are stored) and spans."""

    pair: Pair
    beads: tuple[Bead, ...]
    spans: tuple[SpanRow, ...]


def unaligned(n_ja: int, n_en: int) -> list[Bead]:
    """Every segment on its own, as the app shows a pair nobody aligned (nothing stored)."""
    return [Bead((i, i + 1), (0, 0)) for i in range(n_ja)] + [
        Bead((n_ja, n_ja), (i, i + 1)) for i in range(n_en)
    ]


def _fingerprint(db: Database, pair: Pair) -> tuple[object, ...]:
    out: list[object] = []
    for lang in ("ja", "en"):
        doc = get_document(db, pair.id, lang)
        out.append(doc.text if doc else None)
        out.append(tuple(segment_starts(db, pair.id, lang)))
    return tuple(out)


def read_side(db: Database, pair: Pair) -> PairSide:
    beads = tuple(get_beads(db, pair.id))
    if not beads:
        beads = tuple(unaligned(len(segment_texts(db, pair.id, "ja")), len(segment_texts(db, pair.id, "en"))))
    return PairSide(pair, beads, tuple(span_rows(db, pair)))


def matched_pairs(
    a: Database, b: Database, only: str | None = None
) -> tuple[list[tuple[Pair, Pair]], list[str], list[str]]:
    """Pairs of the same name in both projects, with the names found in only one of them.

    Raises ProjectError (one line) when a pair's documents differ, or when `only` is missing from either.
    """
    pairs_a = {p.name: p for p in list_pairs(a)}
    pairs_b = {p.name: p for p in list_pairs(b)}
    names = sorted(pairs_a.keys() & pairs_b.keys())
    if only is not None:
        missing = [w for w, ps in (("A", pairs_a), ("B", pairs_b)) if only not in ps]
        if missing:
            raise ProjectError(f"no pair named {only!r} in project {' and '.join(missing)}")
        names = [only]
    elif not names:
        raise ProjectError("the two projects have no pair in common (pairs are matched by name)")
    for name in names:
        fa, fb = _fingerprint(a, pairs_a[name]), _fingerprint(b, pairs_b[name])
        if fa != fb:
            what = "Japanese" if fa[0] != fb[0] else "English" if fa[2] != fb[2] else "sentence segmentation"
            raise ProjectError(
                f"pair {name}: the {what} differs between the two projects; compare the same documents"
            )
    if only is not None:
        return [(pairs_a[only], pairs_b[only])], [], []
    return (
        [(pairs_a[n], pairs_b[n]) for n in names],
        sorted(pairs_a.keys() - pairs_b.keys()),
        sorted(pairs_b.keys() - pairs_a.keys()),
    )


# --- figures ------------------------------------------------------------------------------------------


def _index(beads: Sequence[Bead]) -> list[IndexBead]:
    return [(tuple(range(*b.ja)), tuple(range(*b.en))) for b in beads]


def _ratio(n: int, d: int) -> float | None:
    return round(n / d, 4) if d else None


def _f1(tp: int, fp: int, fn: int) -> dict[str, Any]:
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    return {
        "precision": round(p, 4),
        "recall": round(r, 4),
        "f1": round(2 * p * r / (p + r), 4) if p + r else 0.0,
    }


def cohen_kappa(a: Sequence[str], b: Sequence[str]) -> float | None:
    """Cohen's kappa of two raters' labels of the same items (None without items; 1.0 when both use one
    label throughout and agree)."""
    n = len(a)
    if n == 0:
        return None
    observed = sum(x == y for x, y in zip(a, b, strict=True)) / n
    expected = sum((a.count(label) / n) * (b.count(label) / n) for label in set(a) | set(b))
    if expected >= 1.0:
        return 1.0 if observed >= 1.0 else 0.0
    return round((observed - expected) / (1 - expected), 4)


@dataclass(slots=True)
class Agreement:
    pairs: list[str]
    only_in_a: list[str]
    only_in_b: list[str]
    beads: dict[str, Any] = field(default_factory=dict)
    spans: dict[str, Any] = field(default_factory=dict)
    glossary: dict[str, Any] = field(default_factory=dict)
    stretches: list[BeadStretch] = field(default_factory=list)
    span_items: list[SpanDiff] = field(default_factory=list)
    entry_items: list[EntryDiff] = field(default_factory=list)
    sides: list[tuple[PairSide, PairSide]] = field(default_factory=list)
    """What each analyst has in each compared pair (for adjudication; not part of the figures)."""
    entries: tuple[dict[tuple[str, str], Entry], dict[tuple[str, str], Entry]] = field(
        default_factory=lambda: ({}, {})
    )
    """A's and B's entries by term."""

    def to_dict(self) -> dict[str, Any]:
        return {
            "pairs": self.pairs,
            "only_in_a": self.only_in_a,
            "only_in_b": self.only_in_b,
            "beads": {**self.beads, "disagreements": [s.to_dict() for s in self.stretches]},
            "spans": {**self.spans, "disagreements": [s.to_dict() for s in self.span_items]},
            "glossary": {**self.glossary, "disagreements": [e.to_dict() for e in self.entry_items]},
        }


def bead_figures(sides: Sequence[tuple[PairSide, PairSide]]) -> tuple[dict[str, Any], list[BeadStretch]]:
    scores = score([_index(a.beads) for a, _ in sides], [_index(b.beads) for _, b in sides])
    both = union = conf_a = conf_b = 0
    stretches: list[BeadStretch] = []
    by_pair: dict[str, dict[str, Any]] = {}
    for a, b in sides:
        keys_a = {(x.ja, x.en): x.status for x in a.beads}
        keys_b = {(x.ja, x.en): x.status for x in b.beads}
        union += len(keys_a.keys() | keys_b.keys())
        conf_a += sum(s == "confirmed" for s in keys_a.values())
        conf_b += sum(s == "confirmed" for s in keys_b.values())
        pair_both = sum(1 for k, s in keys_a.items() if s == "confirmed" and keys_b.get(k) == "confirmed")
        both += pair_both
        found = bead_stretches(a.pair.name, a.beads, b.beads)
        stretches.extend(found)
        pair_scores = score([_index(a.beads)], [_index(b.beads)])
        by_pair[a.pair.name] = {
            "f1_strict": round(pair_scores.f1_strict, 4),
            "f1_lax": round(pair_scores.f1_lax, 4),
            "confirmed_both": pair_both,
            "stretches": len(found),
        }
    figures = {
        "beads_a": sum(len(a.beads) for a, _ in sides),
        "beads_b": sum(len(b.beads) for _, b in sides),
        "f1_strict": round(scores.f1_strict, 4),
        "f1_lax": round(scores.f1_lax, 4),
        "precision_strict": round(scores.precision_strict, 4),
        "recall_strict": round(scores.recall_strict, 4),
        "confirmed_a": conf_a,
        "confirmed_b": conf_b,
        "confirmed_both": both,
        "confirmed_both_share": _ratio(both, union),
        "by_pair": by_pair,
    }
    return figures, stretches


def _overlaps(s: SpanRow, others: Sequence[SpanRow]) -> bool:
    return any(
        o.lang == s.lang and o.label == s.label and o.start < s.end and s.start < o.end for o in others
    )


def span_figures(sides: Sequence[tuple[PairSide, PairSide]]) -> tuple[dict[str, Any], list[SpanDiff]]:
    """Exact and overlap F1 of B's accepted spans against A's per label, and kappa on shared ranges."""
    per_label: dict[str, list[int]] = {}
    labels_a: list[str] = []
    labels_b: list[str] = []
    items: list[SpanDiff] = []
    links = [0, 0]  # spans both accepted, linked to different entries / to the same one (or neither linked)
    linked = [0, 0]
    for a, b in sides:
        acc_a = [s for s in a.spans if s.status == "accepted"]
        acc_b = [s for s in b.spans if s.status == "accepted"]
        keys_a = {(s.lang, s.start, s.end, s.label): s.link for s in acc_a}
        keys_b = {(s.lang, s.start, s.end, s.label): s.link for s in acc_b}
        for same in keys_a.keys() & keys_b.keys():  # the same span accepted by both: linked alike?
            links[keys_a[same] == keys_b[same]] += 1
        linked[0] += sum(link is not None for link in keys_a.values())
        linked[1] += sum(link is not None for link in keys_b.values())
        for s in acc_a:
            row = per_label.setdefault(s.label, [0] * 6)  # tp fp fn, overlap: hit_b miss_b miss_a
            row[0 if (s.lang, s.start, s.end, s.label) in keys_b else 2] += 1
            row[5] += not _overlaps(s, acc_b)
        for s in acc_b:
            row = per_label.setdefault(s.label, [0] * 6)
            row[1] += (s.lang, s.start, s.end, s.label) not in keys_a
            row[3 if _overlaps(s, acc_a) else 4] += 1
        range_a = {(s.lang, s.start, s.end): s.label for s in acc_a}
        range_b = {(s.lang, s.start, s.end): s.label for s in acc_b}
        for key in sorted(range_a.keys() & range_b.keys()):
            labels_a.append(range_a[key])
            labels_b.append(range_b[key])
        items.extend(span_diffs(a.pair.name, a.spans, b.spans))
    by_label: dict[str, dict[str, Any]] = {}
    for label, (tp, fp, fn, hit_b, miss_b, miss_a) in sorted(per_label.items()):
        n_a = tp + fn
        overlap_p = hit_b / (hit_b + miss_b) if hit_b + miss_b else 0.0
        overlap_r = (n_a - miss_a) / n_a if n_a else 0.0
        f1 = 2 * overlap_p * overlap_r / (overlap_p + overlap_r) if overlap_p + overlap_r else 0.0
        by_label[label] = {
            "a": n_a,
            "b": tp + fp,
            "exact": _f1(tp, fp, fn),
            "overlap": {"precision": round(overlap_p, 4), "recall": round(overlap_r, 4), "f1": round(f1, 4)},
        }
    tp, fp, fn = (sum(v[i] for v in per_label.values()) for i in range(3))
    figures = {
        "accepted_a": tp + fn,
        "accepted_b": tp + fp,
        "exact_f1": _f1(tp, fp, fn)["f1"],
        "by_label": by_label,
        "shared_ranges": len(labels_a),
        "kappa": cohen_kappa(labels_a, labels_b),
        "linked_a": linked[0],
        "linked_b": linked[1],
        "link_agreement": _ratio(links[1], links[0] + links[1]),
        "link_disagreements": links[0],
    }
    return figures, items


def _by_key(entries: Sequence[Entry]) -> dict[tuple[str, str], Entry]:
    out: dict[tuple[str, str], Entry] = {}
    for e in entries:  # id order: of two entries with one term, the older one is compared
        out.setdefault(entry_key(e), e)
    return out


def glossary_figures(
    by_a: dict[tuple[str, str], Entry], by_b: dict[tuple[str, str], Entry]
) -> tuple[dict[str, Any], list[EntryDiff]]:
    """Entries matched by term: agreement on status, and on the English of entries either approved."""
    matched = sorted(by_a.keys() & by_b.keys())
    same_status = sum(1 for k in matched if by_a[k].status == by_b[k].status)
    approved = [k for k in matched if "approved" in (by_a[k].status, by_b[k].status)]
    same_en = sum(
        by_a[k].status == by_b[k].status == "approved" and (by_a[k].en or "") == (by_b[k].en or "")
        for k in approved
    )
    figures = {
        "entries_a": len(by_a),
        "entries_b": len(by_b),
        "matched": len(matched),
        "only_in_a": len(by_a.keys() - by_b.keys()),
        "only_in_b": len(by_b.keys() - by_a.keys()),
        "status_agreement": _ratio(same_status, len(matched)),
        "approved_either": len(approved),
        "approved_en_agreement": _ratio(same_en, len(approved)),
    }
    return figures, entry_diffs(by_a, by_b)


def entries_by_term(db: Database) -> dict[tuple[str, str], Entry]:
    return _by_key(queries.list_entries(db))


def agreement(a: Database, b: Database, *, pair: str | None = None) -> Agreement:
    """Every figure and disagreement between project A (the reference) and project B."""
    matched, only_a, only_b = matched_pairs(a, b, pair)
    sides = [(read_side(a, pa), read_side(b, pb)) for pa, pb in matched]
    out = Agreement([pa.name for pa, _ in matched], only_a, only_b, sides=sides)
    out.entries = (entries_by_term(a), entries_by_term(b))
    out.beads, out.stretches = bead_figures(sides)
    out.spans, out.span_items = span_figures(sides)
    out.glossary, out.entry_items = glossary_figures(*out.entries)
    return out
