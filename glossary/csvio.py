"""CSV and JSON export/import of termbase entries, validated row by row with line numbers; opening glossary
text files in whatever encoding they came in."""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import itertools
import json
import re
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, TextIO

from alignment.cells import neutralise, unneutralise
from alignment.progress import Progress, open_binary
from alignment.project import ProjectError
from glossary.model import (
    STATUSES,
    Entry,
    Source,
    Variant,
    entry_to_dict,
    parse_source,
    source_to_dict,
)


@dataclass(frozen=True, slots=True)
class Parsed:
    """Entries read from a file, each with where it was (`line 4`, `entry 3`), and what was wrong."""

    entries: tuple[tuple[str, Entry], ...] = ()
    errors: tuple[str, ...] = ()
    warnings: tuple[str, ...] = field(default_factory=tuple)
    unknown_status: frozenset[str] = frozenset()
    """The `where` labels of entries whose file said nothing about status (their Entry says "proposed"):
    merged into a stored entry, they keep its status instead of downgrading it."""


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
JSON_KEYS = (
    "id",
    "ja",
    "en",
    "acronym",
    "variants",
    "status",
    "domain",
    "definition",
    "note",
    "sources",
    "created",
    "updated",
)
_JSON_OPTIONAL = ("created_by", "updated_by")

_SEPARATOR = re.compile(r"(?<!\\)(?:\\\\)*\|")


def _join(values: Iterable[str]) -> str:
    return " | ".join(v.replace("\\", "\\\\").replace("|", "\\|") for v in values)


def _split(cell: str) -> list[str]:
    """Split a ` | `-separated list cell; `\\|` is a literal bar."""
    parts, start = [], 0
    for m in _SEPARATOR.finditer(cell):
        end = m.end() - 1
        parts.append(cell[start:end])
        start = m.end()
    parts.append(cell[start:])
    out = [re.sub(r"\\(.)", r"\1", p).strip() for p in parts]
    return [p for p in out if p]


# --- export -------------------------------------------------------------------------------------------


def write_json(entries: Iterable[Entry], fh: IO[str]) -> int:
    """A JSON array of entries, written one entry at a time."""
    n = 0
    fh.write("[")
    for e in entries:
        fh.write(",\n  " if n else "\n  ")
        fh.write(json.dumps(entry_to_dict(e), ensure_ascii=False))
        n += 1
    fh.write("\n]\n" if n else "]\n")
    return n


def _csv_row(e: Entry) -> list[str]:
    # Sources carry excerpts and stamps, so they go out as compact JSON; people may write `PAIR:ja:3 | …`.
    sources = json.dumps([source_to_dict(s) for s in e.sources], ensure_ascii=False) if e.sources else ""
    values = [
        str(e.id) if e.id is not None else "",
        e.ja or "",
        e.en or "",
        e.acronym or "",
        _join(e.ja_variants),
        _join(e.en_variants),
        _join(e.forbidden_en),
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


# --- import -------------------------------------------------------------------------------------------


# --- opening glossary files ----------------------------------------------------------------------------

# Termbases are larger than documents: our own TBX of 100k entries is ~130 MB. Files are read as streams;
# memory grows with the entries kept (~180 MB for 100k), not with the file.
MAX_GLOSSARY_BYTES = 500_000_000

_SAMPLE = 1 << 20
_BOMS: tuple[tuple[bytes, str], ...] = (  # UTF-32 LE first: its mark starts like UTF-16 LE's
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
ENCODING_NAMES = {
    "utf-8": "UTF-8",
    "utf-8-sig": "UTF-8",
    "utf-16": "UTF-16",
    "utf-32": "UTF-32",
    "cp932": "Shift_JIS/CP932",
    "euc_jp": "EUC-JP",
}
_NOT_ASCII = re.compile(rb"[\x80-\xff]")


def _whole_characters(data: bytes) -> bytes:
    """`data` cut after its last byte below 0x40 (controls, space, digits, most punctuation): no such byte is
    part of a multibyte character in UTF-8, CP932 or EUC-JP, so the cut splits none."""
    for i in range(len(data) - 1, max(len(data) - 256, 0) - 1, -1):
        if data[i] < 0x40:
            return data[: i + 1]
    return data


def _sniff(sample: bytes, name: str) -> str:
    from alignment.textio import decode_bytes

    if b"\x00" in sample:
        raise ProjectError(
            f"{name} contains NUL bytes, so it is not a text file (UTF-16 needs a byte-order "
            f"mark: save it as UTF-8, or from Excel as Unicode text)"
        )
    # glossary import has no --encoding option: it detects, or asks for UTF-8
    return decode_bytes(sample, name=name, remedy="save it as UTF-8 and retry").encoding


def detect_encoding(path: Path) -> str:
    """The encoding of a glossary file: its byte-order mark, else what alignment.textio detects (UTF-8, CP932,
    EUC-JP) in its first megabyte, or in the first megabyte that is not plain ASCII when the start is.

    Reads a few megabytes at most, then a scan for non-ASCII bytes; raises ProjectError (one line) for a
    file that is not text.
    """
    name = str(path)
    with path.open("rb") as fh:
        head = fh.read(_SAMPLE)
        if not head:
            return "utf-8"  # empty: the reader says what it expected
        bom = next((codec for mark, codec in _BOMS if head.startswith(mark)), None)
        if bom is not None:
            return bom
        more = fh.read(1)
        encoding = _sniff(_whole_characters(head) if more else head, name)
        if not more or not head.isascii():
            return encoding
        # ASCII reads the same in every candidate (a sorted glossary may start with acronyms): the first
        # bytes that are not ASCII decide. Everything before them is ASCII, so they start a character.
        chunk = more + fh.read(_SAMPLE)
        while chunk:
            found = _NOT_ASCII.search(chunk)
            if found is not None:
                window = chunk[found.start() :]
                window += fh.read(max(_SAMPLE - len(window), 0))
                more = fh.read(1)
                return _sniff(_whole_characters(window) if more else window, name)
            chunk = fh.read(_SAMPLE)
    return encoding


@contextmanager
def open_text(
    path: Path, *, newline: str | None = "", on_progress: Progress | None = None
) -> Iterator[TextIO]:
    """A glossary file as a text stream in its detected encoding (progress in bytes read).

    Raises ProjectError (one line) for a missing, unreadable, too large or non-text file, and for one whose
    bytes stop being its encoding part way through (found while reading).
    """
    from alignment.textio import check_input_file

    try:
        check_input_file(path, MAX_GLOSSARY_BYTES)
        encoding = detect_encoding(path)
        stream = io.TextIOWrapper(open_binary(path, on_progress), encoding=encoding, newline=newline)
    except FileNotFoundError:
        raise ProjectError(f"no such file: {path}") from None
    except OSError as exc:
        raise ProjectError(f"cannot read {path}: {exc.strerror or exc}") from None
    with stream:
        try:
            yield stream
        except UnicodeDecodeError:
            label = ENCODING_NAMES.get(encoding, encoding)
            raise ProjectError(
                f"{path} is not {label} text throughout (it starts as {label} but has other "
                f"bytes further on); save it all as UTF-8 and retry"
            ) from None


class RowError(ValueError):
    pass


def _text(value: Any, name: str) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise RowError(f"{name} must be text, not {type(value).__name__}")
    return value.strip() or None


def _timestamp(value: Any, name: str) -> str | None:
    value = _text(value, name)
    if value is None:
        return None
    try:
        dt.datetime.fromisoformat(value)
    except ValueError:
        raise RowError(f"{name} {value!r} is not an ISO date/time") from None
    return value


def _status(value: Any) -> str:
    value = (_text(value, "status") or "proposed").lower()
    if value not in STATUSES:
        raise RowError(f"unknown status {value!r} (use one of {', '.join(STATUSES)})")
    return value


def _int(value: Any, name: str) -> int | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise RowError(f"{name} must be a whole number")
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    raise RowError(f"{name} must be a whole number, not {value!r}")


def _source(obj: Any) -> Source:
    if isinstance(obj, str):
        return parse_source(obj)
    if not isinstance(obj, dict):
        raise RowError("each source must be an object with at least a pair")
    unknown = set(obj) - {"pair", "lang", "segment_index", "bead_index", "excerpt", "added", "added_by"}
    if unknown:
        raise RowError(f"unknown source key {sorted(unknown)[0]!r}")
    pair = _text(obj.get("pair"), "source pair")
    if not pair:
        raise RowError("a source needs a pair")
    lang = obj.get("lang")
    if lang not in (None, "ja", "en"):
        raise RowError(f"source lang must be ja or en, not {lang!r}")
    return Source(
        pair=pair,
        lang=lang,
        segment_index=_int(obj.get("segment_index"), "segment_index"),
        bead_index=_int(obj.get("bead_index"), "bead_index"),
        excerpt=_text(obj.get("excerpt"), "excerpt"),
        added=_timestamp(obj.get("added"), "source added"),
        added_by=_text(obj.get("added_by"), "added_by"),
    )


def _sources_cell(cell: str) -> tuple[Source, ...]:
    cell = cell.strip()
    if not cell:
        return ()
    if cell.startswith("["):
        try:
            data = json.loads(cell)
        except json.JSONDecodeError as exc:
            raise RowError(f"sources is not valid JSON ({exc.msg})") from None
        if not isinstance(data, list):
            raise RowError("sources must be a JSON list")
        return tuple(_source(s) for s in data)
    return tuple(parse_source(s) for s in _split(cell))


def _variants(ja: Iterable[str], en: Iterable[str], forbidden: Iterable[str]) -> tuple[Variant, ...]:
    return (
        *(Variant("ja", t) for t in ja),
        *(Variant("en", t) for t in en),
        *(Variant("en", t, forbidden=True) for t in forbidden),
    )


def finish_entry(
    where: str,
    entry: Entry,
    errors: list[str],
    good: list[tuple[str, Entry]],
    seen: dict[tuple[str, str, str], str],
) -> None:
    """Validate like the store does and catch the same concept twice in one file."""
    from glossary.store import InvalidEntry, identity_key, validate

    try:
        entry = validate(entry)
    except InvalidEntry as exc:
        errors.append(f"{where}: {exc}")
        return
    key = identity_key(entry)
    if key in seen:
        errors.append(f"{where}: same ja/en/acronym as {seen[key]}")
        return
    seen[key] = where
    good.append((where, entry))


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
                id=_int(cells.get("id"), "id"),
                ja=_text(cells.get("ja"), "ja"),
                en=_text(cells.get("en"), "en"),
                acronym=_text(cells.get("acronym"), "acronym"),
                variants=_variants(
                    _split(cells.get("variants_ja", "")),
                    _split(cells.get("variants_en", "")),
                    _split(cells.get("forbidden_en", "")),
                ),
                status=_status(cells.get("status")),  # type: ignore[arg-type]
                domain=_text(cells.get("domain"), "domain"),
                definition=_text(cells.get("definition"), "definition"),
                note=_text(cells.get("note"), "note"),
                sources=_sources_cell(cells.get("sources", "")),
                created=_timestamp(cells.get("created"), "created"),
                updated=_timestamp(cells.get("updated"), "updated"),
            )
        except RowError as exc:
            errors.append(f"{where}: {exc}")
            continue
        if not cells.get("status", "").strip():
            unknown_status.add(where)
        finish_entry(where, entry, errors, good, seen)
    return Parsed(entries=tuple(good), errors=tuple(errors), unknown_status=_kept(unknown_status, good))


def _kept(unknown_status: set[str], good: list[tuple[str, Entry]]) -> frozenset[str]:
    return frozenset(where for where, _ in good if where in unknown_status)


def _json_entry(obj: Any) -> Entry:
    if not isinstance(obj, dict):
        raise RowError("each entry must be a JSON object")
    unknown = set(obj) - set(JSON_KEYS) - set(_JSON_OPTIONAL)
    if unknown:
        raise RowError(f"unknown key {sorted(unknown)[0]!r} (known: {', '.join(JSON_KEYS)})")
    variants = obj.get("variants") or {}
    if not isinstance(variants, dict):
        raise RowError('variants must be an object {"ja": [...], "en": [...], "forbidden_en": [...]}')
    bad = set(variants) - {"ja", "en", "forbidden_en"}
    if bad:
        raise RowError(f"unknown variants key {sorted(bad)[0]!r}")
    lists = {}
    for k in ("ja", "en", "forbidden_en"):
        values = variants.get(k) or []
        if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
            raise RowError(f"variants.{k} must be a list of strings")
        lists[k] = values
    sources = obj.get("sources") or []
    if not isinstance(sources, list):
        raise RowError("sources must be a list")
    return Entry(
        id=_int(obj.get("id"), "id"),
        ja=_text(obj.get("ja"), "ja"),
        en=_text(obj.get("en"), "en"),
        acronym=_text(obj.get("acronym"), "acronym"),
        variants=_variants(lists["ja"], lists["en"], lists["forbidden_en"]),
        status=_status(obj.get("status")),  # type: ignore[arg-type]
        domain=_text(obj.get("domain"), "domain"),
        definition=_text(obj.get("definition"), "definition"),
        note=_text(obj.get("note"), "note"),
        sources=tuple(_source(s) for s in sources),
        created=_timestamp(obj.get("created"), "created"),
        updated=_timestamp(obj.get("updated"), "updated"),
        created_by=_text(obj.get("created_by"), "created_by"),
        updated_by=_text(obj.get("updated_by"), "updated_by"),
    )


def read_json(fh: IO[str]) -> Parsed:
    """A JSON array of entry objects (the export format); errors name the entry's position."""
    try:
        data = json.load(fh)
    except json.JSONDecodeError as exc:
        return Parsed(errors=(f"not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})",))
    except RecursionError:
        return Parsed(errors=("not a glossary: its JSON is nested too deeply",))
    if isinstance(data, dict) and isinstance(data.get("entries"), list):
        data = data["entries"]
    if not isinstance(data, list):
        return Parsed(errors=("expected a JSON list of entries",))
    errors: list[str] = []
    good: list[tuple[str, Entry]] = []
    seen: dict[tuple[str, str, str], str] = {}
    unknown_status: set[str] = set()
    for n, obj in enumerate(data, start=1):
        ident = obj.get("id") if isinstance(obj, dict) else None
        where = f"entry {n}" + (f" (id {ident})" if ident is not None else "")
        try:
            entry = _json_entry(obj)
        except RowError as exc:
            errors.append(f"{where}: {exc}")
            continue
        if _text(obj.get("status"), "status") is None:  # no key, null or blank: the file does not say
            unknown_status.add(where)
        finish_entry(where, entry, errors, good, seen)
    return Parsed(entries=tuple(good), errors=tuple(errors), unknown_status=_kept(unknown_status, good))
