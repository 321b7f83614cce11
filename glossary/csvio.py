"""The glossary as CSV: one row per entry under a header of known columns (comma, semicolon or tab), list
cells ` | `-separated, formula-like cells neutralised; read row by row with line numbers."""

from __future__ import annotations

import csv
import itertools
import json
import re
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
from glossary.validate import MAX_FIELD

__all__ = [
    "CSV_COLUMNS",
    "Parsed",
    "column_name",
    "is_header",
    "neutralise",
    "read_csv",
    "sniff_delimiter",
    "unneutralise",
    "write_csv",
]

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


_JAPANESE = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uff66-\uff9f]")
HEADERLESS = ("ja", "en", "note")
"""The columns of a file without a header row: two or three cells, Japanese first, as OmegaT and most
two-column glossaries are."""


def _csv_header(header: list[str]) -> tuple[list[str | None], list[str], list[str]]:
    """(column names, errors, warnings): a column given twice is an error, an unknown one is ignored."""
    names: list[str | None] = []
    problems: list[str] = []
    warnings: list[str] = []
    for raw in header:
        name = column_name(raw)
        if name in CSV_COLUMNS:
            if name in names:
                problems.append(f"line 1: column {raw!r} appears twice")
            names.append(name)
        elif not name:
            names.append(None)
        else:
            warnings.append(f"line 1: unknown column {raw!r} ignored (known: {', '.join(CSV_COLUMNS)})")
            names.append(None)
    if not {"ja", "en", "acronym"} & set(names):
        problems.append("line 1: the header needs at least one of the columns ja, en, acronym")
    return names, problems, warnings


def is_header(cells: list[str]) -> bool:
    """Whether a first row names columns (ja, en, note…) rather than holding a term: an Excel "Unicode text"
    glossary saved as .txt has one, an OmegaT glossary has none."""
    names = [column_name(c) for c in cells if c.strip()]
    return (
        len(names) >= 2
        and all(n in CSV_COLUMNS for n in names)
        and bool({"ja", "en", "acronym"} & set(names))
    )


DELIMITERS = (",", ";", "\t")


def column_name(raw: str) -> str:
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
        return sum(column_name(c) in CSV_COLUMNS for c in cells)

    # without a known column name (no header row): the delimiter that makes the most cells
    return max(DELIMITERS, key=lambda d: (known(d), header_line.count(d)))


def _csv_problem(exc: csv.Error) -> str:
    if "field larger than field limit" in str(exc):  # csv's words for a cell past field_size_limit
        return f"a cell is longer than {4 * MAX_FIELD:,} characters; a glossary text may hold {MAX_FIELD:,}"
    return str(exc)


def read_csv(fh: IO[str]) -> Parsed:
    """Rows of a CSV file with a header row; errors name the line each bad row starts on."""
    first = fh.readline()
    if not first:
        return Parsed(errors=("the file is empty (expected a header row with ja, en, acronym, …)",))
    # Python's csv refuses cells over 128 KB by default, so a long note exported here could not come back:
    # allow what a field may hold (with room for escaped quotes); larger cells are a row error.
    csv.field_size_limit(max(csv.field_size_limit(), 4 * MAX_FIELD))
    # strict: a quote left open at the end (a truncated file) is an error, not a field that eats the rest
    reader = csv.reader(itertools.chain([first], fh), delimiter=sniff_delimiter(first), strict=True)
    try:
        header = next(reader)
    except StopIteration:
        return Parsed(errors=("the file is empty (expected a header row with ja, en, acronym, …)",))
    except csv.Error as exc:
        return Parsed(errors=(f"line 1: {_csv_problem(exc)}",))
    names, header_problems, warnings = _csv_header(header)
    pending: list[list[str]] = []
    if not {"ja", "en", "acronym"} & set(names):
        if (
            not 2 <= len(header) <= len(HEADERLESS)
            or not _JAPANESE.search(header[0])  # `foo,bar` is a header we do not know, not a term
            or any(column_name(c) in CSV_COLUMNS for c in header)
        ):
            return Parsed(errors=tuple(header_problems))
        # no header row: a two- or three-column glossary, its first row an entry like the others
        names, header_problems, pending = list(HEADERLESS[: len(header)]), [], [header]
        warnings = [f"no header row: columns read as {', '.join(HEADERLESS[: len(header)])}"]
    errors: list[str] = list(header_problems)
    good: list[tuple[str, Entry]] = []
    seen: dict[tuple[str, str, str], str] = {}
    unknown_status: set[str] = set()
    line = 0 if pending else reader.line_num
    rows = itertools.chain(pending, reader)
    while True:
        start = line + 1
        try:
            row = next(rows)
        except StopIteration:
            break
        except csv.Error as exc:
            errors.append(f"line {start}: {_csv_problem(exc)}")
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
        entries=tuple(good),
        errors=tuple(errors),
        warnings=tuple(warnings),
        unknown_status=kept_unknown(unknown_status, good),
    )
