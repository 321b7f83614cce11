"""Checking an entry before it is stored: trimmed text, no control characters, no redundant variants."""

from __future__ import annotations

import dataclasses
import re

from glossary.errors import InvalidEntry
from glossary.lookup import lookup_key
from glossary.model import FIELDS, STATUSES, Entry, Field, Source, Variant

MAX_TERM = 500

MAX_FIELD = 1_000_000
"""Characters in one definition, note, domain or source excerpt, however the entry arrives (add, edit, the
app, any import, a merge): a 10 MB note took `glossary show` minutes, and every export carries it."""

# XML 1.0 cannot carry C0 controls, lone surrogates or U+FFFE/U+FFFF, so neither can a TBX export (nor
# UTF-8 files, for surrogates): refuse them at the door.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff\ufffe\uffff]")
_TERM_BREAKS = re.compile(r"[\t\r\n\u2028\u2029]")


# --- validation ---------------------------------------------------------------------------------------


def _clean_text(value: str | None, name: str, *, multiline: bool) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise InvalidEntry(f"{name} must be text, not {type(value).__name__}")
    value = value.strip()
    if _CONTROL.search(value):
        raise InvalidEntry(f"{name} contains a control character")
    if not multiline and _TERM_BREAKS.search(value):
        raise InvalidEntry(f"{name} {value[:40]!r} contains a line break or tab")
    if not multiline and len(value) > MAX_TERM:
        raise InvalidEntry(f"{name} is longer than {MAX_TERM} characters")
    return value or None


def check_sizes(entry: Entry) -> None:
    """Refuse (InvalidEntry, one line) a text field longer than MAX_FIELD characters."""
    fields = [("definition", entry.definition), ("note", entry.note), ("domain", entry.domain)]
    fields += [("source excerpt", s.excerpt) for s in entry.sources]
    for name, value in fields:
        if isinstance(value, str) and len(value) > MAX_FIELD:
            raise InvalidEntry(
                f"{name} is {len(value):,} characters long; the limit is {MAX_FIELD:,} "
                "(longer texts make showing and exporting the glossary crawl)"
            )


def _clean_source(s: Source) -> Source:
    pair = _clean_text(s.pair, "source pair", multiline=False)
    if not pair:
        raise InvalidEntry("a source needs a pair name")
    if s.lang not in (None, "ja", "en"):
        raise InvalidEntry(f"source language must be ja or en, not {s.lang!r}")
    for name, value in (("segment index", s.segment_index), ("bead index", s.bead_index)):
        if value is not None and (not isinstance(value, int) or isinstance(value, bool) or value < 0):
            raise InvalidEntry(f"source {name} must be a whole number ≥ 0, not {value!r}")
    return dataclasses.replace(
        s,
        pair=pair,
        excerpt=_clean_text(s.excerpt, "source excerpt", multiline=True),
        added_by=_clean_text(s.added_by, "source added_by", multiline=False),
    )


def validate(entry: Entry) -> Entry:
    """The entry with whitespace trimmed, empty fields as None and redundant variants dropped.

    Raises InvalidEntry with a one-line reason when it cannot be stored.
    """
    check_sizes(entry)  # every way into the store passes here, so the cap holds whatever the path
    ja = _clean_text(entry.ja, "ja", multiline=False)
    en = _clean_text(entry.en, "en", multiline=False)
    acronym = _clean_text(entry.acronym, "acronym", multiline=False)
    if not (ja or en or acronym):
        raise InvalidEntry("an entry needs a Japanese term, an English term or an acronym")
    if entry.status not in STATUSES:
        raise InvalidEntry(f"unknown status {entry.status!r} (use one of {', '.join(STATUSES)})")
    main = {"ja": {lookup_key(ja)} if ja else set(), "en": {lookup_key(en)} if en else set()}
    allowed_en = set(main["en"])
    seen: set[tuple[Field, str]] = set()
    variants: list[Variant] = []
    # Allowed variants first, so a forbidden one that repeats an allowed one is caught below.
    for v in sorted(entry.variants, key=lambda v: v.forbidden):
        if v.lang not in ("ja", "en"):
            raise InvalidEntry(f"variant language must be ja or en, not {v.lang!r}")
        if v.forbidden and v.lang != "en":
            raise InvalidEntry("only English renderings can be forbidden")
        text = _clean_text(v.text, "variant", multiline=False)
        if not text:
            continue
        key = lookup_key(text)
        if v.forbidden and key in allowed_en:
            raise InvalidEntry(f"{text!r} cannot be both an allowed and a forbidden English term")
        if not v.forbidden and key in main[v.lang]:
            continue  # repeats the main term
        if (v.field, key) in seen:
            continue
        seen.add((v.field, key))
        if v.lang == "en" and not v.forbidden:
            allowed_en.add(key)
        variants.append(Variant(lang=v.lang, text=text, forbidden=v.forbidden))
    order = {f: i for i, f in enumerate(FIELDS)}
    variants.sort(key=lambda v: order[v.field])  # stable: keeps the given order within a field
    sources: list[Source] = []
    for s in entry.sources:
        s = _clean_source(s)
        if s.identity() not in {x.identity() for x in sources}:
            sources.append(s)
    return dataclasses.replace(
        entry,
        ja=ja,
        en=en,
        acronym=acronym,
        variants=tuple(variants),
        sources=tuple(sources),
        domain=_clean_text(entry.domain, "domain", multiline=False),
        definition=_clean_text(entry.definition, "definition", multiline=True),
        note=_clean_text(entry.note, "note", multiline=True),
    )


def identity_key(entry: Entry) -> tuple[str, str, str]:
    """Two entries with the same folded (ja, en, acronym) are the same concept."""
    ja, en, acronym = (lookup_key(t) if t else "" for t in (entry.ja, entry.en, entry.acronym))
    return ja, en, acronym
