"""TBX import, hardened (defusedxml: no entities, no DTD fetch, no network): v2 martif and v3 tbx, DCA or DCT
style; the export is glossary.tbx_write."""

from __future__ import annotations

import dataclasses
import os
import re
import urllib.parse
from collections.abc import Iterable
from typing import Any

from alignment.project import ProjectError
from alignment.tmx_import import lang_of
from alignment.xmlenc import expat_stream
from glossary.model import Entry, Lang, Source, Variant
from glossary.rows import Parsed, RowError, finish_entry
from glossary.tbx_status import DISCOURAGED, NO_STATUS, RANK, STATUS_OF, admin_status
from glossary.tbx_write import ADMIN_STATUS, FORBIDDEN_NOTE, SOURCE_SCHEME, source_uri, write_tbx

__all__ = ["ADMIN_STATUS", "FORBIDDEN_NOTE", "SOURCE_SCHEME", "read_tbx", "source_uri", "write_tbx"]

# --- reading ------------------------------------------------------------------------------------------

# DCA style (TBX v2, v3 style="dca") names a data category in the type attribute of one of these; DCT style
# (TBX v3 style="dct") makes the category the element itself, in its module's namespace (<basic:termType>).
_DCA_ELEMENTS = frozenset(
    {"descrip", "descripNote", "termNote", "admin", "adminNote", "transac", "transacNote"}
)
_TERM_CONTAINERS = frozenset({"tig", "ntig", "termSec"})
_ABBREVIATIONS = frozenset({"acronym", "abbreviation", "initialism"})
_GROUP_CATEGORIES = ("context", "definition", "subjectField")
_LOCAL_NAMES: dict[Any, str] = {}


def _local(tag: Any) -> str:
    """Tag name without a namespace (TBX v3 files are namespaced; comments have no string tag). A file has
    a few dozen distinct tags and this runs for every element: remembered, not split again."""
    try:
        return _LOCAL_NAMES[tag]
    except KeyError:
        name = tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""
        if len(_LOCAL_NAMES) < 10_000:  # a hostile file with endless namespaces must not grow it
            _LOCAL_NAMES[tag] = name
        return name


def _category(el: Any) -> str:
    """The data category an element holds: `<termNote type="termType">` (DCA) and `<basic:termType>` (DCT)
    both give "termType"; structural elements (term, note, date, xref…) give their own name."""
    tag = _local(el.tag)
    return (el.get("type") or "") if tag in _DCA_ELEMENTS else tag


def _xml_lang(el: Any) -> str | None:
    code = el.get("{http://www.w3.org/XML/1998/namespace}lang") or el.get("lang")
    return str(code) if code else None


_INDENTED_BREAK = re.compile(r"[ \t]*\n[ \t]+")


def _text(el: Any) -> str:
    """An element's text with the XML's own indentation collapsed, as TBX tools show it: a line break
    followed by indentation is a space (`spiral\n\t\t\tarms` is `spiral arms`); plain breaks stay."""
    return _INDENTED_BREAK.sub(" ", "".join(el.itertext())).strip()


def _lang(code: str | None) -> Lang | None:
    """ja, JA, ja-JP, jp, jpn → ja; en, en-GB, eng → en (the same spellings TMX import accepts)."""
    return lang_of(code or "")


def parse_source_uri(target: str, label: str) -> Source | None:
    if not target.startswith(SOURCE_SCHEME):
        return None
    q = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(target).query))
    pair = q.get("pair") or label
    if not pair:
        return None

    def num(k: str) -> int | None:
        v = q.get(k)  # nine digits at most: SQLite integers stop at 2**63
        return int(v) if v and v.isascii() and v.isdigit() and len(v) <= 9 else None

    given = q.get("lang")
    lang: Lang | None = "ja" if given == "ja" else "en" if given == "en" else None
    return Source(
        pair=pair,
        lang=lang,
        segment_index=num("segment"),
        bead_index=num("bead"),
        added=q.get("added"),
        added_by=q.get("by"),
    )


@dataclasses.dataclass(frozen=True, slots=True)
class _Term:
    text: str
    lang: Lang
    kind: str
    """termType in lower case ("fullform", "acronym", "variant"…), "" when the file gives none."""
    admin: str | None
    """administrativeStatus without its suffix ("preferred", "deprecated"…)."""
    unknown_admin: str | None
    notes: tuple[str, ...]
    order: int
    """Position in the entry: ties are broken by document order."""

    @property
    def rank(self) -> int:
        return RANK.get(self.admin or "", NO_STATUS)

    @property
    def tier(self) -> int:
        """Preferred, admitted and unmarked terms are all usable (2); discouraged 3; forbidden 4."""
        return max(self.rank, NO_STATUS)


def _terms(lang_el: Any, lang: Lang, start: int) -> list[_Term]:
    """Each term of a langSet/langSec, DCA or DCT, in order."""
    out: list[_Term] = []
    for child in lang_el:
        if _local(child.tag) not in _TERM_CONTAINERS:
            continue
        text, cats, free = "", dict[str, Any](), list[str]()
        for n in child.iter():
            cat = _category(n)
            if cat == "term":
                text = text or _text(n)
            elif cat == "note":
                free.append(_text(n))
            else:
                cats.setdefault(cat, n)
        if text:
            kind = cats.get("termType")
            admin = cats.get("administrativeStatus", cats.get("normativeAuthorization"))
            status, unknown = admin_status(_text(admin)) if admin is not None else (None, None)
            out.append(
                _Term(
                    text,
                    lang,
                    _text(kind).lower() if kind is not None else "",
                    status,
                    unknown,
                    tuple(f for f in free if f),
                    start + len(out),
                )
            )
    return out


def _best(terms: Iterable[_Term]) -> _Term | None:
    return min(terms, key=lambda t: (t.rank, t.kind != "fullform", t.order), default=None)


def _choose(terms: list[_Term]) -> tuple[dict[Lang, _Term], _Term | None, list[_Term]]:
    """(main term of each language, the acronym, the other terms in document order).

    The main term is the best-status term that is neither a variant nor an abbreviation, a full form first
    among equals. A discouraged term is a main term only of a discouraged entry: next to a preferred Japanese
    term, a deprecated English one is a forbidden rendering, not the approved one. When every term is
    deprecated (our export of a forbidden entry), the full forms are still the main terms."""
    mains: dict[Lang, _Term] = {}
    for lang in dict.fromkeys(t.lang for t in terms):
        best = _best(
            t for t in terms if t.lang == lang and t.kind not in _ABBREVIATIONS and t.kind != "variant"
        )
        if best is not None:
            mains[lang] = best
    acronym = _best(t for t in terms if t.kind in _ABBREVIATIONS)
    chosen = [*mains.values(), *([acronym] if acronym else [])]
    if chosen:
        tier = min(t.tier for t in chosen)
        mains = {lang: t for lang, t in mains.items() if t.tier == tier}
        acronym = acronym if acronym is not None and acronym.tier == tier else None
    kept = {t.order for t in (*mains.values(), acronym) if t is not None}
    return mains, acronym, [t for t in terms if t.order not in kept]


def _term_note(text: str, note: str, admin: str | None) -> str | None:
    """A term's note as a line of the entry's note (the model has no per-term notes), or None for the
    marker our own export puts on forbidden renderings, which the variant already says."""
    if note == FORBIDDEN_NOTE and admin in ("deprecated", "forbidden"):
        return None
    return f"{text}: {note}"


def _entry_from(el: Any, warnings: list[str], where: str) -> tuple[Entry | None, bool]:
    """The entry and whether the file gave its status (False: "proposed" is only the default); None for a
    concept with no Japanese or English term (a multilingual termbase has those), after a warning."""
    ident = el.get("id") or ""
    m = re.fullmatch(r"[A-Za-z_]*(\d+)", ident)
    fields: dict[str, Any] = {"id": int(m.group(1)) if m else None}
    sources: list[Source] = []
    definitions: list[str] = []
    notes: list[str] = []
    for child in el:
        tag, cat = _local(child.tag), _category(child)
        if cat == "subjectField":
            fields["domain"] = _text(child)
        elif cat == "definition":
            definitions.append(_text(child))
        elif tag == "note" and _text(child):
            notes.append(_text(child))
        elif tag in ("xref", "descripGrp"):
            xref = child if tag == "xref" else next((x for x in child if _local(x.tag) == "xref"), None)
            descrip = (
                None if tag == "xref" else next((d for d in child if _category(d) in _GROUP_CATEGORIES), None)
            )
            source = parse_source_uri(xref.get("target") or "", _text(xref)) if xref is not None else None
            if source is not None:
                excerpt = _text(descrip) if descrip is not None and _category(descrip) == "context" else None
                sources.append(dataclasses.replace(source, excerpt=excerpt or None))
            elif descrip is not None and _category(descrip) == "definition":
                definitions.append(_text(descrip))
            elif descrip is not None and _category(descrip) == "subjectField":
                fields["domain"] = _text(descrip)
        elif tag in ("transactionGrp", "transacGrp"):  # TBX v2 and v3 names
            kind = next(
                (_text(t) for t in child if _category(t) == "transactionType" or _local(t.tag) == "transac"),
                "",
            )
            who = next(
                (
                    _text(t)
                    for t in child
                    if _category(t) == "responsibility" or _local(t.tag) == "transacNote"
                ),
                None,
            )
            when = next((_text(t) for t in child if _local(t.tag) == "date"), None)
            prefix = "created" if kind == "origination" else "updated" if kind == "modification" else None
            if prefix:
                fields[prefix], fields[f"{prefix}_by"] = when, who
    terms: list[_Term] = []
    others: list[str] = []
    for lang_el in (c for c in el if _local(c.tag) in ("langSet", "langSec")):
        lang = _lang(_xml_lang(lang_el))
        if lang is None:
            others.append(repr(_xml_lang(lang_el)))
            continue
        definitions += [_text(d) for d in lang_el.iter() if _category(d) == "definition"]
        notes += [_text(n) for n in lang_el if _local(n.tag) == "note" and _text(n)]
        lang_terms = _terms(lang_el, lang, len(terms))
        warnings.extend(
            f"{where}: unknown administrativeStatus {t.unknown_admin!r} on {t.text!r}, read as no status "
            "(a forbidden term would pass term QA: fix the value)"
            for t in lang_terms
            if t.unknown_admin
        )
        notes += [line for t in lang_terms for n in t.notes if (line := _term_note(t.text, n, t.admin))]
        terms += lang_terms
    if not terms and others:
        warnings.append(f"{where}: skipped: no Japanese or English term (only {', '.join(others[:5])})")
        return None, False
    if others:
        warnings.append(f"{where}: skipped language {', '.join(others[:5])} (only ja and en are kept)")
    mains, acronym, rest = _choose(terms)
    variants: list[Variant] = []
    for t in rest:
        if t.rank < DISCOURAGED:
            variants.append(Variant(t.lang, t.text))
        elif t.lang == "en":
            variants.append(Variant("en", t.text, forbidden=True))
        else:  # the model has forbidden English renderings only
            warnings.append(f"{where}: skipped {t.admin} Japanese term {t.text!r}")
    chosen = sorted((t for t in (*mains.values(), acronym) if t is not None), key=lambda t: t.order)
    status = next((STATUS_OF[t.admin] for t in chosen if t.admin in STATUS_OF), None)
    entry = Entry(
        ja=mains["ja"].text if "ja" in mains else None,
        en=mains["en"].text if "en" in mains else None,
        acronym=acronym.text if acronym else None,
        variants=tuple(variants),
        status=status or "proposed",  # type: ignore[arg-type]  # a Status: mapped from the TBX value above
        definition="\n".join(d for d in definitions if d) or None,
        sources=tuple(sources),
        note="\n".join(dict.fromkeys(notes)) or None,
        **fields,
    )
    return entry, status is not None


# --- encodings ----------------------------------------------------------------------------------------


def read_tbx(source: Any, *, name: str = "file") -> Parsed:
    """Read TBX (v2 martif or v3 tbx, DCA or DCT style, namespaced or not) from a path or binary file.

    Hardened: no entity expansion, no external DTD or network access. Malformed XML raises a
    ProjectError with a one-line message; problems with single entries are returned as errors.
    """
    if isinstance(source, str | os.PathLike):
        with open(source, "rb") as fh:
            return read_tbx(fh, name=name)
    from xml.etree.ElementTree import ParseError

    import defusedxml
    from defusedxml.ElementTree import iterparse

    errors: list[str] = []
    warnings: list[str] = []
    good: list[tuple[str, Entry]] = []
    unknown: set[str] = set()
    seen: dict[tuple[str, str, str], str] = {}
    n = 0
    root_checked = False
    try:
        for event, el in iterparse(
            expat_stream(source, name)[0],
            events=("start", "end"),
            forbid_dtd=False,
            forbid_entities=True,
            forbid_external=True,
        ):
            tag = _local(el.tag)
            if event == "start":
                if not root_checked:
                    root_checked = True
                    if tag not in ("martif", "tbx"):
                        raise ProjectError(f"{name} is not a TBX file (root element <{tag}>)")
                continue
            if tag not in ("termEntry", "conceptEntry"):
                continue
            n += 1
            where = f"entry {n}" + (f" (id {el.get('id')})" if el.get("id") else "")
            try:
                entry, status_given = _entry_from(el, warnings, where)
            except (RowError, ValueError) as exc:
                errors.append(f"{where}: {exc}")
            else:
                if entry is None:
                    el.clear()
                    continue
                finish_entry(where, entry, errors, good, seen)
                if not status_given:
                    unknown.add(where)
            el.clear()  # keep memory flat on large files
    except ParseError as exc:
        raise ProjectError(f"{name} is not well-formed XML ({exc})") from None
    except defusedxml.DefusedXmlException as exc:
        raise ProjectError(
            f"{name} was refused: it declares XML entities or external references ({exc})"
        ) from None
    except ValueError as exc:
        if "encoding" not in str(exc):  # not expat refusing an encoding the sniffing missed: a bug
            raise
        raise ProjectError(f"{name} cannot be read ({exc}); save it as UTF-8 and retry") from None
    if not root_checked:
        raise ProjectError(f"{name} is empty")
    return Parsed(
        entries=tuple(good),
        errors=tuple(errors),
        warnings=tuple(warnings),
        unknown_status=frozenset(w for w, _ in good if w in unknown),
    )
