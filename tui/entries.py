"""Between the entry dialog and the glossary model: pre-filling an entry from a span, and reading the form back."""

from __future__ import annotations

import dataclasses
import unicodedata
from collections.abc import Sequence

from alignment.text import fold
from glossary.model import STATUSES, Entry, Source, Status, Variant
from tui.core.annotations import Annotations
from tui.core.beads import PairState
from tui.core.spans import BeadSpan
from tui.screens.modals import EntryForm

STATUS_OF: dict[str, Status] = {s: s for s in STATUSES}


def is_latin(text: str) -> bool:
    """Latin letters, digits and punctuation only (after NFKC): how an acronym looks on either side."""
    folded = unicodedata.normalize("NFKC", text)
    return bool(folded) and all(c.isascii() for c in folded)


def _split(values: str) -> list[str]:
    return [v.strip() for v in values.replace("、", ",").split(",") if v.strip()]


def entry_form_from_span(
    notes: Annotations, state: PairState, bead: int, span: BeadSpan, bead_spans: Sequence[BeadSpan]
) -> EntryForm:
    """What a careful analyst would type: the span's text on its side, the other side from the bead.

    An acronym takes its long forms from the pair's acronym definitions (found by `suggest`); any other span
    takes the other language from a span of the same label on the other side of the bead.
    """
    ja = en = acronym = ""
    text = span.text.strip()
    if is_latin(text) and (span.label == "ACRONYM" or span.lang == "ja"):
        acronym = unicodedata.normalize("NFKC", text)
    elif span.lang == "ja":
        ja = text
    else:
        en = text
    for d in notes.definitions_for(state.pair, text):
        acronym = acronym or (d.short or "")
        ja = ja or (d.ja or "")
        en = en or (d.en or "")
    if not (ja and en):
        other = "en" if span.lang == "ja" else "ja"
        same = [s for s in bead_spans if s.lang == other and s.label == span.label and s.status != "rejected"]
        if same:
            if other == "en":
                en = en or same[0].text
            else:
                ja = ja or same[0].text
    if acronym and not en:
        # The English side often spells the acronym out right before it: "… Awareness (IPMDA)".
        en_text = " ".join(state.en_texts[k] for k in range(*state.beads[bead].en))
        for d in notes.definitions_for(state.pair, acronym):
            if d.en and fold(d.en).text in fold(en_text).text:
                en = d.en
    return EntryForm(ja=ja, en=en, acronym=acronym)


def form_to_entry(form: EntryForm, *, sources: Sequence[Source] = (), base: Entry | None = None) -> Entry:
    """An Entry from the dialog's fields (keeping `base`'s other fields and provenance when editing)."""
    variants = tuple(
        [Variant("ja", t) for t in _split(form.variants_ja)]
        + [Variant("en", t) for t in _split(form.variants_en)]
        + [Variant("en", t, forbidden=True) for t in _split(form.forbidden_en)]
    )
    status = STATUS_OF.get(form.status, "proposed")
    if base is not None:
        return dataclasses.replace(
            base,
            ja=form.ja or None,
            en=form.en or None,
            acronym=form.acronym or None,
            variants=variants,
            status=status,
            domain=form.domain or None,
            note=form.note or None,
        )
    return Entry(
        ja=form.ja or None,
        en=form.en or None,
        acronym=form.acronym or None,
        variants=variants,
        status=status,
        domain=form.domain or None,
        note=form.note or None,
        sources=tuple(sources),
    )


def entry_to_form(entry: Entry) -> EntryForm:
    return EntryForm(
        ja=entry.ja or "",
        en=entry.en or "",
        acronym=entry.acronym or "",
        status=entry.status,
        domain=entry.domain or "",
        note=entry.note or "",
        variants_ja=", ".join(entry.ja_variants),
        variants_en=", ".join(entry.en_variants),
        forbidden_en=", ".join(entry.forbidden_en),
    )
