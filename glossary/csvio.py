"""The glossary as CSV: one row per entry under a header of known columns (comma, semicolon or tab), list
cells ` | `-separated, formula-like cells neutralised; read row by row with line numbers."""

from __future__ import annotations

import csv
import itertools
import json
from collections.abc import Iterable
from typing import IO

from alignment.cells import neutralise, unneutralise
from glossary.model import Entry, source_to_dict
from glossary.rows import (
    Parsed,
    RowError,
    finish_entry,
    int_field,
    join_list,
    kept_unknown,
    sources_cell,
    split_list,
    status_field,
    text_field,
    timestamp_field,
    variants_of,
)

__all__ = ["CSV_COLUMNS", "Parsed", "neutralise", "read_csv", "sniff_delimiter", "unneutralise", "write_csv"]

CSV_COLUMNS = (
    "id",
    "ja",
    "en",
    "acronym",
    "variants_ja",
    "variants_en",
    "forbidden_en",
    "status",
    "domain",
    "definition",
    "note",
    "sources",
    "created",
    "updated",
)
_ALIASES = {
    "japanese": "ja",
    "english": "en",
    "abbreviation": "acronym",
    "variant_ja": "variants_ja",
    "ja_variants": "variants_ja",
    "variant_en": "variants_en",
    "en_variants": "variants_en",
    "forbidden": "forbidden_en",
    "subject": "domain",
    "subjectfield": "domain",
    "notes": "note",
    "source": "sources",
}


def _csv_row(e: Entry) -> list[str]:
    # Sources carry excerpts and stamps, so they go out as compact JSON; people may write `PAIR:ja:3 | …`.
    sources = json.dumps([source_to_dict(s) for s in e.sources], ensure_ascii=False) if e.sources else ""
    values = [
        str(e.id) if e.id is not None else "",
        e.ja or "",
        e.en or "",
        e.acronym or "",
        join_list(e.ja_variants),
        join_list(e.en_variants),
        join_list(e.forbidden_en),
        e.status,
        e.domain or "",
        e.definition or "",
        e.note or "",
        sources,
        e.created or "",
        e.updated or "",
    ]
    return [neutralise(v) for v in values]


def write_csv(entries: Iterable[Entry], fh: IO[str]) -> int:
    """CSV with a header row; list cells are ` | `-separated, sources JSON when they carry details."""
    writer = csv.writer(fh, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    n = 0
    for e in entries:
        writer.writerow(_csv_row(e))
        n += 1
    return n


def _csv_header(header: list[str]) -> tuple[list[str | None], list[str]]:
    names: list[str | None] = []
    problems: list[str] = []
    for raw in header:
        name = _column(raw)
        if name in CSV_COLUMNS:
            if name in names:
                problems.append(f"line 1: column {raw!r} appears twice")
            names.append(name)
        elif not name:
            names.append(None)
        else:
            problems.append(f"line 1: unknown column {raw!r} (known: {', '.join(CSV_COLUMNS)})")
            names.append(None)
    if not {"ja", "en", "acronym"} & set(names):
        problems.append("line 1: the header needs at least one of the columns ja, en, acronym")
    return names, problems


DELIMITERS = (",", ";", "\t")


def _column(raw: str) -> str:
    name = raw.strip().lower().replace(" ", "_").replace("-", "_")
    return _ALIASES.get(name, name)


def sniff_delimiter(header_line: str) -> str:
    """The delimiter (comma, semicolon or tab) that makes the most known column names of the header line:
    Excel writes semicolons where the decimal mark is a comma, and tabs for "Unicode text". Ties: comma."""

    def known(delimiter: str) -> int:
        try:
            cells = next(csv.reader([header_line], delimiter=delimiter), [])
        except csv.Error:
            return 0
        return sum(_column(c) in CSV_COLUMNS for c in cells)

    return max(DELIMITERS, key=known)


def read_csv(fh: IO[str]) -> Parsed:
    """Rows of a CSV file with a header row; errors name the line each bad row starts on."""
    first = fh.readline()
    if not first:
        return Parsed(errors=("the file is empty (expected a header row with ja, en, acronym, …)",))
    # strict: a quote left open at the end (a truncated file) is an error, not a field that eats the rest
    reader = csv.reader(itertools.chain([first], fh), delimiter=sniff_delimiter(first), strict=True)
    try:
        header = next(reader)
    except StopIteration:
        return Parsed(errors=("the file is empty (expected a header row with ja, en, acronym, …)",))
    except csv.Error as exc:
        return Parsed(errors=(f"line 1: {exc}",))
    names, header_problems = _csv_header(header)
    if not {"ja", "en", "acronym"} & set(names):
        return Parsed(errors=tuple(header_problems))
    # An unknown column is an error (a typo would silently drop data); --skip-bad ignores the column.
    errors: list[str] = list(header_problems)
    good: list[tuple[str, Entry]] = []
    seen: dict[tuple[str, str, str], str] = {}
    unknown_status: set[str] = set()
    line = reader.line_num
    while True:
        start = line + 1
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            errors.append(f"line {start}: {exc}")
            break
        line = reader.line_num
        where = f"line {start}"
        if not any(c.strip() for c in row):
            continue
        if len(row) > len(names):
            errors.append(f"{where}: {len(row)} cells but the header names {len(names)} columns")
            continue
        cells = {n: unneutralise(c) for n, c in zip(names, row, strict=False) if n}
        try:
            entry = Entry(
                id=int_field(cells.get("id"), "id"),
                ja=text_field(cells.get("ja"), "ja"),
                en=text_field(cells.get("en"), "en"),
                acronym=text_field(cells.get("acronym"), "acronym"),
                variants=variants_of(
                    split_list(cells.get("variants_ja", "")),
                    split_list(cells.get("variants_en", "")),
                    split_list(cells.get("forbidden_en", "")),
                ),
                status=status_field(cells.get("status")),
                domain=text_field(cells.get("domain"), "domain"),
                definition=text_field(cells.get("definition"), "definition"),
                note=text_field(cells.get("note"), "note"),
                sources=sources_cell(cells.get("sources", "")),
                created=timestamp_field(cells.get("created"), "created"),
                updated=timestamp_field(cells.get("updated"), "updated"),
            )
        except RowError as exc:
            errors.append(f"{where}: {exc}")
            continue
        if not cells.get("status", "").strip():
            unknown_status.add(where)
        finish_entry(where, entry, errors, good, seen)
    return Parsed(
        entries=tuple(good), errors=tuple(errors), unknown_status=kept_unknown(unknown_status, good)
    )
