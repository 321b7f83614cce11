"""`glossary harvest`: propose termbase entries from acronym definitions and accepted entity spans.

A Japanese definition gives the Japanese long form and the acronym; the English long form comes from the
aligned bead when the pair is aligned (the English side's own definition of the acronym, or the words
that spell it out), else from an English expansion stated in the Japanese text, else from the English
document's definition. Nothing already in the termbase is proposed again.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import replace
from typing import TYPE_CHECKING

from alignment.bead_store import get_beads
from alignment.model import Pair
from glossary import store as glossary_store
from glossary.acronyms import Definition, acronym_key, find_expansion, initials_match
from glossary.harvest_model import (
    EnFrom,
    Proposal,
    Side,
    SideBeads,
    clean_term,
    excerpt,
    fold,
    pair_sides,
)
from glossary.model import Entry, Source
from glossary.spans import Span, list_spans

if TYPE_CHECKING:
    from sqlite_utils import Database

_SKIP_LABELS = frozenset({"DATE", "QUANTITY"})


# --- English long forms -------------------------------------------------------------------------------


def _same_acronym(a: str | None, b: str | None) -> bool:
    return bool(a and b) and acronym_key(a or "").casefold() == acronym_key(b or "").casefold()


def _en_from_bead(short: str, bead: int, beads: SideBeads, en: Side | None) -> str | None:
    if en is None:
        return None
    segs = beads.en_segments(bead)
    idxs = {s.index for s in segs}
    for seg, d in en.defs:
        if seg in idxs and d.en and _same_acronym(d.short, short):
            return d.en
    for s in segs:
        found = find_expansion(s.text, short)
        if found:
            return s.text[found[0] : found[1]]
    return None


def _english_long_form(
    short: str,
    ja_form: str | None,
    ja_defs: Sequence[tuple[int | None, Definition]],
    sides: dict[str, Side],
    beads: SideBeads | None,
) -> tuple[str | None, EnFrom | None, int | None]:
    """(English long form, where it came from, bead index) for an acronym defined in the JA document."""
    en_side = sides.get("en")
    bead_idx = None
    if beads is not None:
        for seg, _ in ja_defs:
            if seg is None or seg not in beads.of_ja:
                continue
            bead_idx = beads.of_ja[seg] if bead_idx is None else bead_idx
            en = _en_from_bead(short, beads.of_ja[seg], beads, en_side)
            if en:
                return en, "bead", beads.of_ja[seg]
    for _, d in ja_defs:
        if d.en:
            return d.en, "inline", bead_idx
    ja_glosses = (
        [d for _, d in sides["ja"].defs if d.short is None and d.en and d.ja] if "ja" in sides else []
    )
    for d in ja_glosses:
        if (ja_form and fold(d.ja or "") == fold(ja_form)) or initials_match(d.en or "", short):
            return d.en, "gloss", bead_idx
    if en_side is not None:
        for _, d in en_side.defs:
            if d.en and _same_acronym(d.short, short):
                return d.en, "document", bead_idx
    return None, None, bead_idx


# --- proposals ----------------------------------------------------------------------------------------


def acronym_proposals(
    pair: Pair,
    sides: dict[str, Side],
    beads: SideBeads | None,
    rejected: frozenset[tuple[str, int, int]] = frozenset(),
) -> list[Proposal]:
    """One proposal per acronym defined in the pair (Japanese definitions first, then English-only ones).

    A definition whose acronym or long form a person rejected as a span is left out.
    """
    out: list[Proposal] = []
    seen: set[str] = set()
    ja_side = sides.get("ja")
    groups: dict[str, list[tuple[int | None, Definition]]] = {}
    vetoed: set[str] = set()
    for seg, d in ja_side.defs if ja_side else []:
        if not d.short:
            continue
        if _rejected(d, "ja", rejected):
            vetoed.add(acronym_key(d.short).casefold())
            continue
        groups.setdefault(acronym_key(d.short).casefold(), []).append((seg, d))
    seen |= vetoed - groups.keys()  # every Japanese definition rejected: not from the English side either
    for key, defs in groups.items():
        short = defs[0][1].short or ""
        forms = [d.ja for _, d in defs if d.ja]
        ja_form = _most_common(forms)
        en, en_from, bead = _english_long_form(short, ja_form, defs, sides, beads)
        seg = next((s for s, d in defs if d.ja and ja_form and fold(d.ja) == fold(ja_form)), defs[0][0])
        if not (ja_form or en):
            continue
        seen.add(key)
        out.append(
            Proposal(
                pair=pair.name,
                origin="acronym",
                ja=clean_term(ja_form),
                en=clean_term(en),
                acronym=clean_term(short),
                lang="ja",
                segment=seg,
                bead=bead,
                en_from=en_from,
                excerpt=excerpt(ja_side, seg),
            )
        )
    en_side = sides.get("en")
    for seg, d in en_side.defs if en_side else []:
        if not d.short or not d.en:
            continue
        key = acronym_key(d.short).casefold()
        if key in seen or _rejected(d, "en", rejected):
            seen.add(key)
            continue
        seen.add(key)
        bead = beads.of_en.get(seg) if beads is not None and seg is not None else None
        out.append(
            Proposal(
                pair=pair.name,
                origin="acronym",
                ja=None,
                en=clean_term(d.en),
                acronym=clean_term(d.short),
                lang="en",
                segment=seg,
                bead=bead,
                en_from="document",
                excerpt=excerpt(en_side, seg),
            )
        )
    return out


def _rejected(d: Definition, lang: str, rejected: frozenset[tuple[str, int, int]]) -> bool:
    return any(span and (lang, *span) in rejected for span in (d.short_span, d.ja_span, d.en_span))


def _most_common(forms: Sequence[str]) -> str | None:
    if not forms:
        return None
    counts = Counter(fold(f) for f in forms)
    best = max(counts.values())
    return next(f for f in forms if counts[fold(f)] == best)


def span_proposals(
    pair: Pair, spans: Sequence[Span], sides: dict[str, Side], beads: SideBeads | None, defined: set[str]
) -> list[Proposal]:
    """Entries from accepted entity spans not yet linked to an entry, with the aligned rendering if any.

    The rendering is the accepted English span of the same label in the aligned bead, when there is
    exactly one; for an accepted acronym span, the words that spell it out in the bead.
    """
    out: list[Proposal] = []
    en_side = sides.get("en")
    en_spans = [s for s in spans if s.lang == "en"]
    used_en: set[int | None] = set()
    for s in spans:
        if s.lang != "ja" or s.entry_id is not None or s.label in _SKIP_LABELS:
            continue
        text = clean_term(s.text)
        if not text or fold(text) in defined:
            continue
        bead = beads.of_ja.get(s.segment) if beads is not None and s.segment is not None else None
        en: str | None = None
        if s.label == "ACRONYM":
            if bead is not None and beads is not None and en_side is not None:
                en = _en_from_bead(text, bead, beads, en_side)
            out.append(
                Proposal(
                    pair.name,
                    "span",
                    None,
                    clean_term(en),
                    text,
                    "ja",
                    s.segment,
                    bead,
                    "bead" if en else None,
                    excerpt(sides["ja"], s.segment),
                )
            )
            continue
        if bead is not None and beads is not None:
            idxs = {x.index for x in beads.en_segments(bead)}
            cands = [e for e in en_spans if e.segment in idxs and e.label == s.label and e.entry_id is None]
            texts = {fold(e.text) for e in cands}
            if len(texts) == 1:
                en = cands[0].text
                used_en.update(e.id for e in cands)
        out.append(
            Proposal(
                pair.name,
                "span",
                text,
                clean_term(en),
                None,
                "ja",
                s.segment,
                bead,
                "bead" if en else None,
                excerpt(sides["ja"], s.segment),
            )
        )
    for e in en_spans:
        if e.id in used_en or e.entry_id is not None or e.label in _SKIP_LABELS | {"ACRONYM"}:
            continue
        text = clean_term(e.text)
        if text and fold(text) not in defined and en_side is not None:
            bead = beads.of_en.get(e.segment) if beads is not None and e.segment is not None else None
            out.append(
                Proposal(
                    pair.name,
                    "span",
                    None,
                    text,
                    None,
                    "en",
                    e.segment,
                    bead,
                    None,
                    excerpt(en_side, e.segment),
                )
            )
    return out


def _existing(db: Database, p: Proposal) -> Entry | None:
    """An entry that already covers the proposal: same acronym, or (without one) the same term."""
    if p.acronym:
        found = glossary_store.find_by_term(db, p.acronym, fields=("acronym",))
        if found:
            return found[0]
    if p.ja:
        found = glossary_store.find_by_term(db, p.ja, fields=("ja", "variant_ja"))
        if found and (not p.acronym or not found[0].acronym):
            return found[0]
    if p.en and not p.ja and not p.acronym:
        found = glossary_store.find_by_term(db, p.en, fields=("en", "variant_en"))
        if found:
            return found[0]
    return None


def _entry(p: Proposal, user: str) -> Entry:
    how = "acronym definition" if p.origin == "acronym" else "accepted span"
    note = f"Harvested from an {how}" + (f"; English from the {p.en_from}." if p.en_from else ".")
    return Entry(
        ja=p.ja,
        en=p.en,
        acronym=p.acronym,
        status="proposed",
        note=note,
        sources=(
            Source(
                pair=p.pair,
                lang=p.lang,
                segment_index=p.segment,
                bead_index=p.bead,
                excerpt=p.excerpt,
                added_by=user,
            ),
        ),
    )


def harvest_pair(db: Database, pair: Pair, *, user: str, dry_run: bool = False) -> list[Proposal]:
    """Propose termbase entries (status `proposed`, with provenance) from the pair; returns every proposal
    with its result: `proposed` (added), `exists` (an entry already has it) or `dry-run`."""
    sides = pair_sides(db, pair)
    beads: SideBeads | None = None
    if "ja" in sides and "en" in sides:
        bead_list = get_beads(db, pair.id)
        if bead_list:
            beads = SideBeads(bead_list, sides["ja"].segments, sides["en"].segments)
    # a rejected acronym, or a rejected long form proposed by the acronym rules, vetoes its definition
    # (a rejected GiNZA label on the same text does not: that rejects the label, not the term)
    rejected = frozenset(
        (s.lang, s.start, s.end)
        for s in list_spans(db, pair, statuses=("rejected",))
        if s.label == "ACRONYM" or s.source == "acronym"
    )
    proposals = acronym_proposals(pair, sides, beads, rejected)
    defined = {fold(t) for p in proposals for t in (p.ja, p.en, p.acronym) if t}
    accepted = list_spans(db, pair, statuses=("accepted",))
    proposals += span_proposals(pair, accepted, sides, beads, defined)
    out: list[Proposal] = []
    planned: set[tuple[str, str]] = set()
    for p in proposals:
        keys = (
            {("acronym", fold(p.acronym))}
            if p.acronym
            else {(f, fold(t)) for f, t in (("ja", p.ja), ("en", p.en)) if t}
        )
        existing = _existing(db, p)
        if existing is not None:
            out.append(replace(p, result="exists", entry_id=existing.id))
        elif keys & planned:
            continue  # the same concept twice in one run
        elif dry_run:
            out.append(replace(p, result="dry-run"))
        else:
            try:
                stored = glossary_store.add(db, _entry(p, user), user=user)
            except glossary_store.DuplicateEntry as exc:
                out.append(replace(p, result="exists", entry_id=exc.existing.id))
            else:
                out.append(replace(p, result="proposed", entry_id=stored.id))
        planned |= keys
    return out
