"""TBX-Basic export: a streaming writer (martif, termEntry/langSet/tig), one entry at a time."""

from __future__ import annotations

import re
import urllib.parse
from collections.abc import Iterable
from typing import IO

from alignment.project import now
from alignment.xmlwrite import XmlWriter
from glossary.model import Entry, Lang, Source, Status

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
SOURCE_SCHEME = "taiyaku:source"
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uf900-\ufaff\uff66-\uff9f]")


# --- writing ------------------------------------------------------------------------------------------


class _Writer:
    """Keyword attributes (`xml_lang` for xml:lang) over the one streaming XML writer."""

    def __init__(self, fh: IO[str]) -> None:
        self._xml = XmlWriter(fh)

    def start(self, tag: str, **attrs: str | None) -> None:
        self._xml.start(tag, _xml_attrs(attrs))

    def end(self, tag: str) -> None:
        self._xml.end(tag)

    def leaf(self, tag: str, text: str | None, **attrs: str | None) -> None:
        self._xml.leaf(tag, text, _xml_attrs(attrs))


def _xml_attrs(attrs: dict[str, str | None]) -> dict[str, str | None]:
    # Python names cannot hold ':'; xml_lang stands for xml:lang.
    return {("xml:lang" if k == "xml_lang" else k): v for k, v in attrs.items()}


def _definition_lang(e: Entry) -> Lang:
    return "ja" if e.definition and _CJK.search(e.definition) else "en"


def source_uri(s: Source) -> str:
    fields = {
        "pair": s.pair,
        "lang": s.lang,
        "segment": s.segment_index,
        "bead": s.bead_index,
        "added": s.added,
        "by": s.added_by,
    }
    query = urllib.parse.urlencode(
        {k: v for k, v in fields.items() if v is not None}, quote_via=urllib.parse.quote
    )
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
    has_lang = {
        "ja": bool(e.ja or e.ja_variants),
        "en": bool(e.en or e.acronym or e.en_variants or e.forbidden_en),
    }
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
    XmlWriter(fh).declaration('<!DOCTYPE martif SYSTEM "TBXBasiccoreStructV02.dtd">')
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
