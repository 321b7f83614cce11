"""TBX-Basic export (streaming writer) and hardened import (defusedxml: no entities, no DTD fetch, no network)."""

from __future__ import annotations

import dataclasses
import re
import urllib.parse
from collections.abc import Iterable, Iterator
from typing import IO, Any
from xml.sax.saxutils import escape, quoteattr

from alignment.project import ProjectError, now
from glossary.csvio import Parsed, RowError, finish_entry
from glossary.model import Entry, Lang, Source, Status, Variant

# The note our export puts on a forbidden rendering; on import the forbidden variant already says it.
FORBIDDEN_NOTE = "forbidden rendering"

# Entry status ↔ administrativeStatus of its main terms (TBX-Basic picklist). Allowed variants are
# admitted terms, forbidden English renderings deprecated terms; termType tells variants from main terms.
ADMIN_STATUS: dict[Status, str] = {
    "approved": "preferredTerm-admn-sts",
    "proposed": "admittedTerm-admn-sts",
    "deprecated": "supersededTerm-admn-sts",
    "forbidden": "deprecatedTerm-admn-sts",
}
_STATUS_OF = {
    "preferred": "approved", "admitted": "proposed", "superseded": "deprecated", "obsolete": "deprecated",
    "deprecated": "forbidden", "forbidden": "forbidden", "notrecommended": "deprecated",
}
SOURCE_SCHEME = "taiyaku:source"
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uf900-\ufaff\uff66-\uff9f]")


# --- writing ------------------------------------------------------------------------------------------


class _Writer:
    """A minimal streaming XML writer: elements go straight to the file, nothing is built in memory."""

    def __init__(self, fh: IO[str]) -> None:
        self._fh = fh
        self._depth = 0

    def _attrs(self, attrs: dict[str, str | None]) -> str:
        return "".join(f" {k}={quoteattr(v)}" for k, v in attrs.items() if v is not None)

    def start(self, tag: str, **attrs: str | None) -> None:
        self._fh.write(f"{'  ' * self._depth}<{tag}{self._attrs(_xml_attrs(attrs))}>\n")
        self._depth += 1

    def end(self, tag: str) -> None:
        self._depth -= 1
        self._fh.write(f"{'  ' * self._depth}</{tag}>\n")

    def leaf(self, tag: str, text: str | None, **attrs: str | None) -> None:
        if text is None:
            return
        self._fh.write(f"{'  ' * self._depth}<{tag}{self._attrs(_xml_attrs(attrs))}>{escape(text)}</{tag}>\n")


def _xml_attrs(attrs: dict[str, str | None]) -> dict[str, str | None]:
    # Python names cannot hold ':'; xml_lang stands for xml:lang.
    return {("xml:lang" if k == "xml_lang" else k): v for k, v in attrs.items()}


def _definition_lang(e: Entry) -> Lang:
    return "ja" if e.definition and _CJK.search(e.definition) else "en"


def source_uri(s: Source) -> str:
    fields = {"pair": s.pair, "lang": s.lang, "segment": s.segment_index, "bead": s.bead_index,
              "added": s.added, "by": s.added_by}
    query = urllib.parse.urlencode({k: v for k, v in fields.items() if v is not None}, quote_via=urllib.parse.quote)
    return f"{SOURCE_SCHEME}?{query}"


def _source_label(s: Source) -> str:
    parts = [s.pair]
    if s.lang:
        parts.append(s.lang)
    if s.segment_index is not None:
        parts.append(f"sentence {s.segment_index}")
    if s.bead_index is not None:
        parts.append(f"bead {s.bead_index}")
    return " ".join(parts)


def _term(w: _Writer, text: str, term_type: str, status: str, note: str | None = None) -> None:
    w.start("tig")
    w.leaf("term", text)
    w.leaf("termNote", term_type, type="termType")
    w.leaf("termNote", status, type="administrativeStatus")
    w.leaf("note", note)
    w.end("tig")


def _transaction(w: _Writer, kind: str, who: str | None, when: str | None) -> None:
    if not (who or when):
        return
    w.start("transactionGrp")
    w.leaf("transac", kind, type="transactionType")
    w.leaf("transacNote", who, type="responsibility")
    w.leaf("date", when)
    w.end("transactionGrp")


def _write_entry(w: _Writer, e: Entry) -> None:
    w.start("termEntry", id=f"c{e.id}" if e.id is not None else None)
    w.leaf("descrip", e.domain, type="subjectField")
    def_lang = _definition_lang(e)
    has_lang = {"ja": bool(e.ja or e.ja_variants), "en": bool(e.en or e.acronym or e.en_variants or e.forbidden_en)}
    if e.definition and not has_lang[def_lang]:
        w.leaf("descrip", e.definition, type="definition")
    w.leaf("note", e.note)
    for s in e.sources:
        if s.excerpt:
            w.start("descripGrp")
            w.leaf("descrip", s.excerpt, type="context")
        w.leaf("xref", _source_label(s), type="xSource", target=source_uri(s))
        if s.excerpt:
            w.end("descripGrp")
    _transaction(w, "origination", e.created_by, e.created)
    _transaction(w, "modification", e.updated_by, e.updated)
    main_status = ADMIN_STATUS[e.status]
    if has_lang["ja"]:
        w.start("langSet", xml_lang="ja")
        if e.definition and def_lang == "ja":
            w.leaf("descrip", e.definition, type="definition")
        if e.ja:
            _term(w, e.ja, "fullForm", main_status)
        for v in e.ja_variants:
            _term(w, v, "variant", "admittedTerm-admn-sts")
        w.end("langSet")
    if has_lang["en"]:
        w.start("langSet", xml_lang="en")
        if e.definition and def_lang == "en":
            w.leaf("descrip", e.definition, type="definition")
        if e.en:
            _term(w, e.en, "fullForm", main_status)
        if e.acronym:
            _term(w, e.acronym, "acronym", main_status)
        for v in e.en_variants:
            _term(w, v, "variant", "admittedTerm-admn-sts")
        for v in e.forbidden_en:
            _term(w, v, "variant", "deprecatedTerm-admn-sts", note=FORBIDDEN_NOTE)
        w.end("langSet")
    w.end("termEntry")


def write_tbx(entries: Iterable[Entry], fh: IO[str], *, title: str = "taiyaku glossary") -> int:
    """Write entries as TBX-Basic (martif, termEntry/langSet/tig), one entry at a time."""
    fh.write('<?xml version="1.0" encoding="UTF-8"?>\n')
    fh.write('<!DOCTYPE martif SYSTEM "TBXBasiccoreStructV02.dtd">\n')
    w = _Writer(fh)
    w.start("martif", type="TBX-Basic", xml_lang="ja")
    w.start("martifHeader")
    w.start("fileDesc")
    w.start("titleStmt")
    w.leaf("title", title)
    w.end("titleStmt")
    w.start("sourceDesc")
    w.leaf("p", f"Exported by taiyaku on {now()}")
    w.end("sourceDesc")
    w.end("fileDesc")
    w.start("encodingDesc")
    w.leaf("p", "TBXBasicXCSV02.xcs", type="XCSURI")
    w.end("encodingDesc")
    w.end("martifHeader")
    w.start("text")
    w.start("body")
    n = 0
    for e in entries:
        _write_entry(w, e)
        n += 1
    w.end("body")
    w.end("text")
    w.end("martif")
    return n


# --- reading ------------------------------------------------------------------------------------------


def _local(tag: Any) -> str:
    """Tag name without a namespace (TBX v3 files are namespaced; comments have no string tag)."""
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _xml_lang(el: Any) -> str | None:
    return el.get("{http://www.w3.org/XML/1998/namespace}lang") or el.get("lang")


def _text(el: Any) -> str:
    return "".join(el.itertext()).strip()


def _lang(code: str | None) -> Lang | None:
    base = (code or "").lower().replace("_", "-").split("-")[0]
    return base if base in ("ja", "en") else None  # type: ignore[return-value]


def _admin(value: str | None) -> str | None:
    if not value:
        return None
    key = value.strip().lower().replace("term-admn-sts", "").replace("-admn-sts", "").replace("term", "")
    return key.replace(" ", "").replace("-", "")


def parse_source_uri(target: str, label: str) -> Source | None:
    if not target.startswith(SOURCE_SCHEME):
        return None
    q = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(target).query))
    pair = q.get("pair") or label
    if not pair:
        return None

    def num(k: str) -> int | None:
        v = q.get(k)
        return int(v) if v and v.isdigit() else None

    lang = q.get("lang") if q.get("lang") in ("ja", "en") else None
    return Source(pair=pair, lang=lang, segment_index=num("segment"), bead_index=num("bead"),  # type: ignore[arg-type]
                  added=q.get("added"), added_by=q.get("by"))


_TERM_CONTAINERS = {"tig", "ntig", "termSec"}


def _terms(lang_el: Any) -> Iterator[tuple[str, str | None, str | None, list[str]]]:
    """(text, termType, administrativeStatus, free notes) of each term of a langSet, in order."""
    for child in lang_el:
        if _local(child.tag) not in _TERM_CONTAINERS:
            continue
        term = next((t for t in child.iter() if _local(t.tag) == "term"), None)
        if term is None or not _text(term):
            continue
        notes = {n.get("type"): _text(n) for n in child.iter() if _local(n.tag) == "termNote"}
        free = [_text(n) for n in child.iter() if _local(n.tag) == "note" and _text(n)]
        yield _text(term), notes.get("termType"), _admin(notes.get("administrativeStatus")), free


def _term_note(text: str, note: str, admin: str | None) -> str | None:
    """A term's note as a line of the entry's note (the model has no per-term notes), or None for the
    marker our own export puts on forbidden renderings, which the variant already says."""
    if note == FORBIDDEN_NOTE and admin in ("deprecated", "forbidden"):
        return None
    return f"{text}: {note}"


def _entry_from(el: Any, warnings: list[str], where: str) -> Entry:
    ident = el.get("id") or ""
    m = re.fullmatch(r"[A-Za-z_]*(\d+)", ident)
    fields: dict[str, Any] = {"id": int(m.group(1)) if m else None}
    sources: list[Source] = []
    definitions: list[str] = []
    notes: list[str] = []
    for child in el:
        tag = _local(child.tag)
        if tag == "descrip" and child.get("type") == "subjectField":
            fields["domain"] = _text(child)
        elif tag == "descrip" and child.get("type") == "definition":
            definitions.append(_text(child))
        elif tag == "note" and _text(child):
            notes.append(_text(child))
        elif tag in ("xref", "descripGrp"):
            xref = child if tag == "xref" else next((x for x in child if _local(x.tag) == "xref"), None)
            descrip = None if tag == "xref" else next((d for d in child if _local(d.tag) == "descrip"), None)
            source = parse_source_uri(xref.get("target") or "", _text(xref)) if xref is not None else None
            if source is not None:
                excerpt = _text(descrip) if descrip is not None and descrip.get("type") == "context" else None
                sources.append(dataclasses.replace(source, excerpt=excerpt or None))
            elif descrip is not None and descrip.get("type") == "definition":
                definitions.append(_text(descrip))
            elif descrip is not None and descrip.get("type") == "subjectField":
                fields["domain"] = _text(descrip)
        elif tag == "transactionGrp":
            kind = next((_text(t) for t in child if _local(t.tag) == "transac"), "")
            who = next((_text(t) for t in child if _local(t.tag) == "transacNote"), None)
            when = next((_text(t) for t in child if _local(t.tag) == "date"), None)
            prefix = "created" if kind == "origination" else "updated" if kind == "modification" else None
            if prefix:
                fields[prefix], fields[f"{prefix}_by"] = when, who
    main: dict[str, str] = {}
    statuses: list[str | None] = []
    variants: list[Variant] = []
    acronym: str | None = None
    for lang_el in (c for c in el if _local(c.tag) in ("langSet", "langSec")):
        lang = _lang(_xml_lang(lang_el))
        if lang is None:
            warnings.append(f"{where}: skipped language {_xml_lang(lang_el)!r} (only ja and en are kept)")
            continue
        definitions += [_text(d) for d in lang_el.iter() if _local(d.tag) == "descrip"
                        and d.get("type") == "definition"]
        for text, term_type, admin, term_notes in _terms(lang_el):
            notes += [line for n in term_notes if (line := _term_note(text, n, admin))]
            kind = (term_type or "").lower()
            if kind in ("acronym", "abbreviation", "initialism") and acronym is None:
                acronym = text
                statuses.append(admin)
            elif lang not in main and (kind == "fullform" or (kind != "variant" and admin != "deprecated")):
                main[lang] = text
                statuses.append(admin)
            elif admin in ("deprecated", "forbidden"):
                if lang == "en":
                    variants.append(Variant("en", text, forbidden=True))
                else:
                    warnings.append(f"{where}: skipped deprecated Japanese term {text!r}")
            else:
                variants.append(Variant(lang, text))
    status = next((_STATUS_OF.get(s or "") for s in statuses if s), None) or "proposed"
    return Entry(
        ja=main.get("ja"), en=main.get("en"), acronym=acronym, variants=tuple(variants),
        status=status,  # type: ignore[arg-type]
        definition="\n".join(d for d in definitions if d) or None, sources=tuple(sources),
        note="\n".join(dict.fromkeys(notes)) or None, **fields,
    )


def read_tbx(source: Any, *, name: str = "file") -> Parsed:
    """Read TBX (v2 martif or v3 tbx, namespaced or not) from a path or binary file.

    Hardened: no entity expansion, no external DTD or network access. Malformed XML raises a
    ProjectError with a one-line message; problems with single entries are returned as errors.
    """
    from xml.etree.ElementTree import ParseError

    import defusedxml
    from defusedxml.ElementTree import iterparse

    errors: list[str] = []
    warnings: list[str] = []
    good: list[tuple[str, Entry]] = []
    seen: dict[tuple[str, str, str], str] = {}
    n = 0
    root_checked = False
    try:
        for event, el in iterparse(source, events=("start", "end"), forbid_dtd=False, forbid_entities=True,
                                   forbid_external=True):
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
                entry = _entry_from(el, warnings, where)
            except (RowError, ValueError) as exc:
                errors.append(f"{where}: {exc}")
            else:
                finish_entry(where, entry, errors, good, seen)
            el.clear()  # keep memory flat on large files
    except ParseError as exc:
        raise ProjectError(f"{name} is not well-formed XML ({exc})") from None
    except defusedxml.DefusedXmlException as exc:
        raise ProjectError(f"{name} was refused: it declares XML entities or external references ({exc})") from None
    if not root_checked:
        raise ProjectError(f"{name} is empty")
    return Parsed(entries=tuple(good), errors=tuple(errors), warnings=tuple(warnings))
