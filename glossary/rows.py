"""Validating glossary rows read from any format: fields, list cells, sources, and the checks the store makes,
with where each entry was (`line 4`, `entry 3`)."""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from glossary.model import STATUSES, Entry, Source, Status, Variant, parse_source


@dataclass(frozen=True, slots=True)
class Parsed:
    """Entries read from a file, each with where it was (`line 4`, `entry 3`), and what was wrong."""

    entries: tuple[tuple[str, Entry], ...] = ()
    errors: tuple[str, ...] = ()
    warnings: tuple[str, ...] = field(default_factory=tuple)
    unknown_status: frozenset[str] = frozenset()
    """The `where` labels of entries whose file said nothing about status (their Entry says "proposed"):
    merged into a stored entry, they keep its status instead of downgrading it."""


_SEPARATOR = re.compile(r"(?<!\\)(?:\\\\)*\|")


def join_list(values: Iterable[str]) -> str:
    return " | ".join(v.replace("\\", "\\\\").replace("|", "\\|") for v in values)


def split_list(cell: str) -> list[str]:
    """Split a ` | `-separated list cell; `\\|` is a literal bar."""
    parts, start = [], 0
    for m in _SEPARATOR.finditer(cell):
        end = m.end() - 1
        parts.append(cell[start:end])
        start = m.end()
    parts.append(cell[start:])
    out = [re.sub(r"\\(.)", r"\1", p).strip() for p in parts]
    return [p for p in out if p]


class RowError(ValueError):
    pass


def text_field(value: Any, name: str) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise RowError(f"{name} must be text, not {type(value).__name__}")
    return value.strip() or None


def timestamp_field(value: Any, name: str) -> str | None:
    text = text_field(value, name)
    if text is None:
        return None
    try:
        dt.datetime.fromisoformat(text)
    except ValueError:
        raise RowError(f"{name} {text!r} is not an ISO date/time") from None
    return text


def status_field(value: Any) -> Status:
    text = (text_field(value, "status") or "proposed").lower()
    for status in STATUSES:
        if text == status:
            return status
    raise RowError(f"unknown status {text!r} (use one of {', '.join(STATUSES)})")


MAX_ID = 2**63 - 1
"""SQLite's largest integer: a bigger id would fail deep in the store with an OverflowError."""


def int_field(value: Any, name: str) -> int | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise RowError(f"{name} must be a whole number")
    if isinstance(value, str) and value.strip().isascii() and value.strip().isdigit():
        value = int(value.strip())
    if isinstance(value, int):
        if not 0 <= value <= MAX_ID:
            raise RowError(f"{name} {value} is out of range (0 to {MAX_ID})")
        return value
    raise RowError(f"{name} must be a whole number, not {value!r}")


def source_field(obj: Any) -> Source:
    if isinstance(obj, str):
        return parse_source(obj)
    if not isinstance(obj, dict):
        raise RowError("each source must be an object with at least a pair")
    unknown = set(obj) - {"pair", "lang", "segment_index", "bead_index", "excerpt", "added", "added_by"}
    if unknown:
        raise RowError(f"unknown source key {sorted(unknown)[0]!r}")
    pair = text_field(obj.get("pair"), "source pair")
    if not pair:
        raise RowError("a source needs a pair")
    lang = obj.get("lang")
    if lang not in (None, "ja", "en"):
        raise RowError(f"source lang must be ja or en, not {lang!r}")
    return Source(
        pair=pair,
        lang=lang,
        segment_index=int_field(obj.get("segment_index"), "segment_index"),
        bead_index=int_field(obj.get("bead_index"), "bead_index"),
        excerpt=text_field(obj.get("excerpt"), "excerpt"),
        added=timestamp_field(obj.get("added"), "source added"),
        added_by=text_field(obj.get("added_by"), "added_by"),
    )


def sources_cell(cell: str) -> tuple[Source, ...]:
    cell = cell.strip()
    if not cell:
        return ()
    if cell.startswith("["):
        try:
            data = json.loads(cell)
        except json.JSONDecodeError as exc:
            raise RowError(f"sources is not valid JSON ({exc.msg})") from None
        except RecursionError:  # json gives up on deep nesting this way, not with a JSONDecodeError
            raise RowError("sources is JSON nested too deeply") from None
        if not isinstance(data, list):
            raise RowError("sources must be a JSON list")
        return tuple(source_field(s) for s in data)
    return tuple(parse_source(s) for s in split_list(cell))


def variants_of(ja: Iterable[str], en: Iterable[str], forbidden: Iterable[str]) -> tuple[Variant, ...]:
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
        entry = validate(entry)  # also bounds the size of each text field
    except (InvalidEntry, RowError) as exc:
        errors.append(f"{where}: {exc}")
        return
    key = identity_key(entry)
    if key in seen:
        errors.append(f"{where}: same ja/en/acronym as {seen[key]}")
        return
    seen[key] = where
    good.append((where, entry))


def kept_unknown(unknown_status: set[str], good: list[tuple[str, Entry]]) -> frozenset[str]:
    return frozenset(where for where, _ in good if where in unknown_status)
