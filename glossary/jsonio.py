"""The glossary as JSON: a list of entry objects (every field, including provenance), streamed out, validated
entry by entry on the way in."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import IO, Any

from glossary.model import Entry, entry_to_dict
from glossary.rows import (
    Parsed,
    RowError,
    finish_entry,
    int_field,
    kept_unknown,
    source_field,
    status_field,
    text_field,
    timestamp_field,
    variants_of,
)

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
        id=int_field(obj.get("id"), "id"),
        ja=text_field(obj.get("ja"), "ja"),
        en=text_field(obj.get("en"), "en"),
        acronym=text_field(obj.get("acronym"), "acronym"),
        variants=variants_of(lists["ja"], lists["en"], lists["forbidden_en"]),
        status=status_field(obj.get("status")),
        domain=text_field(obj.get("domain"), "domain"),
        definition=text_field(obj.get("definition"), "definition"),
        note=text_field(obj.get("note"), "note"),
        sources=tuple(source_field(s) for s in sources),
        created=timestamp_field(obj.get("created"), "created"),
        updated=timestamp_field(obj.get("updated"), "updated"),
        created_by=text_field(obj.get("created_by"), "created_by"),
        updated_by=text_field(obj.get("updated_by"), "updated_by"),
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
        if text_field(obj.get("status"), "status") is None:  # no key, null or blank: the file does not say
            unknown_status.add(where)
        finish_entry(where, entry, errors, good, seen)
    return Parsed(
        entries=tuple(good), errors=tuple(errors), unknown_status=kept_unknown(unknown_status, good)
    )
