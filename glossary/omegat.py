"""OmegaT's tab-separated glossary (source term, target term, comment per line): export and import."""

from __future__ import annotations

import dataclasses
import os
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from alignment.cells import neutralise, unneutralise
from alignment.project import ProjectError, atomic_write_file
from glossary.model import STATUSES, Entry, Status, Variant
from glossary.textfile import open_text

HEADER = "# taiyaku glossary for OmegaT: Japanese term<TAB>English term<TAB>comment"
# OmegaT has no escape for tabs or line breaks: each run of them (with the spaces around it) becomes one space.
_FIELD_BREAKS = re.compile(r" *(?:[\t\r\n\u2028\u2029\x0b\x0c\x1c-\x1e\x85] *)+")
# OmegaT shows a comment as free text. Ours is `status; key: value; …` with these keys, so our own files come
# back as they went out.
KEYS = ("variant of", "acronym of", "acronym", "also", "do not use", "domain", "definition", "note")
_KEY_STARTS = tuple(f"{k}: " for k in KEYS)
_SEPARATOR = re.compile(r"(\\*); ")
_TRAILING_BACKSLASHES = re.compile(r"\\+\Z")
# Japanese script: kana (full and half width), CJK ideographs (with extensions and compatibility forms), 々〆〇.
_JAPANESE = re.compile(
    "[\u3005-\u3007\u3040-\u30ff\u31f0-\u31ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
    "\uff66-\uff9f\U00020000-\U0003134f]"
)
WARNINGS: dict[Status, str] = {"deprecated": "DEPRECATED, do not use", "forbidden": "FORBIDDEN, do not use"}


@dataclass(frozen=True, slots=True)
class Row:
    """One line of an OmegaT glossary."""

    source: str
    target: str
    comment: str = ""

    def line(self) -> str:
        """The line as written: a formula-like field (`=HYPERLINK(…)`, `+…`, `@…`) goes out behind a quote,
        for these files are opened in spreadsheets too (parse_rows takes the quote off)."""
        fields = (self.source, self.target, *((self.comment,) if self.comment else ()))
        return "\t".join(neutralise(f) for f in fields)


@dataclass(frozen=True, slots=True)
class OmegaTExport:
    entries: int
    """Entries written (those left out are not counted)."""
    rows: int
    skipped: tuple[str, ...]
    """One line per entry left out (OmegaT needs a source and a target term)."""


@dataclass(frozen=True, slots=True)
class OmegaTRead:
    entries: tuple[Entry, ...]
    bad: tuple[str, ...]
    """One line per line of the file that could not be read (`line 4: …`)."""
    lines: tuple[int, ...] = ()
    """The line each entry starts on."""
    unknown_status: tuple[int, ...] = ()
    """The lines (as in `lines`) of entries whose comment gave no status: they got the default."""
    warnings: tuple[str, ...] = ()


def _field(text: str | None) -> str:
    """A term or comment flattened to one field: OmegaT has no escape for tabs or line breaks."""
    return _FIELD_BREAKS.sub(" ", text or "").strip()


def _escape(value: str, *, last: bool) -> str:
    """A comment value that parse_comment reads back whole: `; ` before something that looks like a key is
    written `\\; `, and backslashes right before a `; ` (or before the separator after the value) doubled.
    Plain text (`a; b`, `C:\\dir`) is written as it is, for OmegaT shows the comment to translators."""

    def escape(m: re.Match[str]) -> str:
        key_follows = value.startswith(_KEY_STARTS, m.end())
        return m.group(1) * 2 + ("\\" if key_follows else "") + "; "

    value = _SEPARATOR.sub(escape, value)
    return value if last else _TRAILING_BACKSLASHES.sub(lambda m: m.group(0) * 2, value)


def _comment(entry: Entry, *first: tuple[str, str]) -> str:
    pairs = [*first]
    for key, value in (
        ("also", " | ".join(entry.en_variants)),
        ("do not use", " | ".join(entry.forbidden_en)),
        ("domain", entry.domain),
        ("definition", entry.definition),
        ("note", entry.note),
    ):
        if value:
            pairs.append((key, value))
    values = [(key, _field(value)) for key, value in pairs]
    values = [(key, value) for key, value in values if value]
    parts = [WARNINGS.get(entry.status, entry.status)]
    parts += [f"{key}: {_escape(value, last=i == len(values) - 1)}" for i, (key, value) in enumerate(values)]
    return "; ".join(parts)


def entry_rows(entry: Entry) -> list[Row]:
    """The lines for one entry: its Japanese term, each Japanese variant, and the acronym as it appears in
    Japanese text, each with the English the translator should use.

    An entry without a Japanese term is keyed by its acronym; one without English gets its acronym as target.
    """
    ja, en, acronym = _field(entry.ja), _field(entry.en), _field(entry.acronym)
    source = ja or acronym
    target = en or acronym
    if not source or not target or source.startswith("#"):
        return []
    rows = [Row(source, target, _comment(entry, *([("acronym", acronym)] if acronym else [])))]
    for variant in entry.ja_variants:
        text = _field(variant)
        if text and not text.startswith("#"):
            rows.append(Row(text, target, _comment(entry, ("variant of", ja))))
    if acronym and source != acronym:
        rows.append(Row(acronym, acronym, _comment(entry, ("acronym of", en or ja))))
    return rows


def _skip_reason(entry: Entry) -> str:
    name = f"entry {entry.id}" if entry.id is not None else "an entry"
    if (entry.ja or entry.acronym or "").lstrip().startswith("#"):
        return f"{name} ({entry.label}): OmegaT reads a line starting with # as a comment"
    return f"{name} ({entry.label}): OmegaT needs both a source and a target term"


def write_rows(entries: Iterable[Entry], out: IO[str]) -> OmegaTExport:
    """Write OmegaT glossary lines to a text stream (open it as UTF-8, with newline="")."""
    out.write(HEADER + "\n")
    count = rows = 0
    skipped: list[str] = []
    for entry in entries:
        count += 1
        lines = entry_rows(entry)
        if not lines:
            skipped.append(_skip_reason(entry))
        for row in lines:
            out.write(row.line() + "\n")
        rows += len(lines)
    # Said in the file too: `glossary export` reports a count only, and OmegaT ignores these lines.
    for reason in skipped:
        out.write(f"# left out: {_field(reason)}\n")
    return OmegaTExport(entries=count - len(skipped), rows=rows, skipped=tuple(skipped))


def write_omegat(entries: Iterable[Entry], path: str | os.PathLike[str]) -> OmegaTExport:
    """Write an OmegaT glossary file, whole or not at all (UTF-8: OmegaT detects it in .txt/.tab files and
    assumes it for .utf8)."""
    done: list[OmegaTExport] = []

    def write(tmp: Path) -> None:
        with tmp.open("w", encoding="utf-8", newline="") as fh:
            done.append(write_rows(entries, fh))

    atomic_write_file(Path(path), write)
    return done[0]


def parse_rows(text: str | Iterable[str]) -> Iterator[tuple[int, Row | str]]:
    """(line number, Row or the reason the line is unreadable) for every line that is not blank or `#`.

    `text` is the whole file or its lines (a text stream, line ends kept or not)."""
    lines = text.splitlines() if isinstance(text, str) else text
    for number, raw in enumerate(lines, start=1):
        line = raw.rstrip("\r\n").lstrip("\ufeff")
        if not line.strip() or line.startswith("#"):
            continue
        fields = line.split("\t")
        if len(fields) < 2 or not fields[1].strip():
            yield number, "no target term (OmegaT glossary lines are source<TAB>target<TAB>comment)"
        elif not fields[0].strip():
            yield number, "no source term"
        else:
            source, target = unneutralise(fields[0].strip()), unneutralise(fields[1].strip())
            yield number, Row(source, target, unneutralise("\t".join(fields[2:]).strip()))


def _comment_parts(comment: str) -> list[str]:
    """A comment split at its separators (`; ` after an even run of backslashes), each run halved; an odd
    run marks an escaped `; ` that belongs to the value (see _escape)."""
    parts: list[str] = []
    current: list[str] = []
    pos = 0
    for m in _SEPARATOR.finditer(comment):
        run = len(m.group(1))
        current.append(comment[pos : m.start()] + "\\" * (run // 2))
        if run % 2:
            current.append("; ")
        else:
            parts.append("".join(current))
            current = []
        pos = m.end()
    current.append(comment[pos:])
    parts.append("".join(current))
    return parts


def parse_comment(comment: str) -> tuple[Status | None, dict[str, str]]:
    """Our own comments back into fields; anything else is a note. `; ` inside a value is kept."""
    status: Status | None = None
    fields: dict[str, str] = {}
    last: str | None = None
    named: dict[str, Status] = {**{s: s for s in STATUSES}, **{v: k for k, v in WARNINGS.items()}}
    for i, part in enumerate(_comment_parts(comment) if comment else []):
        if i == 0 and part in named:
            status = named[part]
            continue
        key = next((k for k in KEYS if part.startswith(f"{k}: ")), None)
        if key is not None and key not in fields:
            fields[key], last = part[len(key) + 2 :], key
        elif last is not None:  # a value with `; ` in it, or a key given twice (not ours)
            fields[last] += f"; {part}"
        else:
            fields["note"], last = part, "note"
    return status, fields


def _split(value: str | None) -> tuple[str, ...]:
    return tuple(v.strip() for v in (value or "").split(" | ") if v.strip())


def rows_to_entries(
    rows: Iterable[tuple[int, Row]], *, status: Status = "proposed"
) -> list[tuple[int, Entry]]:
    """(first line, entry) from numbered OmegaT lines: one entry per source term (more targets become
    English variants); lines our export wrote for variants and acronyms go back into their entry."""
    return [(line, entry) for line, entry, _ in _rows_to_entries(rows, status=status)]


def _rows_to_entries(rows: Iterable[tuple[int, Row]], *, status: Status) -> list[tuple[int, Entry, bool]]:
    """As rows_to_entries, with whether the entry's comment gave its status (False: it got `status`)."""
    entries: dict[str, tuple[int, Entry, bool]] = {}
    by_term: dict[str, str] = {}
    attach: list[tuple[int, str, Row, dict[str, str]]] = []
    for number, row in rows:
        row_status, fields = parse_comment(row.comment)
        if "variant of" in fields or "acronym of" in fields:
            attach.append((number, "variant of" if "variant of" in fields else "acronym of", row, fields))
            continue
        key = row.source
        if key in entries and row_status is not None:
            # Our own lines say their status: two entries that share a Japanese term (ADSOM and SOM) went
            # out as two lines and come back as two entries, not one with the other's English as a variant.
            key = f"{row.source}\t{number}"
        elif key in entries:  # another tool's glossary: more targets of one source term are variants
            first, old, known = entries[row.source]
            extra = () if row.target == old.en else (Variant("en", row.target),)
            note = " / ".join(n for n in (old.note, fields.get("note")) if n) or None
            entries[row.source] = (
                first,
                dataclasses.replace(old, variants=(*old.variants, *extra), note=note),
                known,
            )
            continue
        acronym = fields.get("acronym")
        entries[key] = (
            number,
            Entry(
                # our export keys an entry without Japanese by its acronym, and gives one without English its
                # acronym as target
                ja=None if acronym == row.source else row.source,
                en=None if acronym == row.target else row.target,
                acronym=acronym,
                status=row_status or status,
                variants=(
                    *(Variant("en", v) for v in _split(fields.get("also"))),
                    *(Variant("en", v, forbidden=True) for v in _split(fields.get("do not use"))),
                ),
                domain=fields.get("domain"),
                definition=fields.get("definition"),
                note=fields.get("note"),
            ),
            row_status is not None,
        )
        for term in (row.source, row.target, acronym):
            if term:
                by_term.setdefault(term, key)
    for number, kind, row, fields in attach:
        owner = by_term.get(fields[kind])
        if owner is None:  # its entry is not in the file: keep the line as an entry of its own
            entries.setdefault(
                row.source,
                (number, Entry(ja=row.source, en=row.target, status=status, note=row.comment), False),
            )
            continue
        first, old, known = entries[owner]
        if kind == "variant of":
            old = dataclasses.replace(old, variants=(*old.variants, Variant("ja", row.source)))
        elif not old.acronym:
            old = dataclasses.replace(old, acronym=row.source)
        entries[owner] = first, old, known
    return sorted(entries.values(), key=lambda item: item[0])


def _lines(numbers: list[int]) -> str:
    shown = ", ".join(map(str, numbers[:5])) + (f" and {len(numbers) - 5} more" if len(numbers) > 5 else "")
    return f"line{'s' if len(numbers) > 1 else ''} {shown}"


def _orient(rows: list[tuple[int, Row]], name: str) -> tuple[list[tuple[int, Row]], tuple[str, ...]]:
    """The rows Japanese first: a glossary from an English→Japanese project has English source terms and
    Japanese targets. When more lines look that way than the other (source with Japanese script), every
    line is read with its columns swapped; either way, a warning names the lines that look the other way."""
    forward = [n for n, r in rows if _JAPANESE.search(r.source)]
    backward = [n for n, r in rows if not _JAPANESE.search(r.source) and _JAPANESE.search(r.target)]
    if len(backward) <= len(forward):
        if not backward:
            return rows, ()
        verb = "has" if len(backward) == 1 else "have"
        return rows, (
            f"{name}: {_lines(backward)} of {len(rows)} {verb} an English term first and a Japanese one "
            f"second (read as Japanese→English like the rest): check them",
        )
    verb = "is" if len(forward) == 1 else "are"
    others = f"; {_lines(forward)} had Japanese first and {verb} swapped too: check them" if forward else ""
    warning = (
        f"{name}: {len(backward)} of {len(rows)} lines have an English term first and a Japanese one second, "
        f"as from an English→Japanese project: read with the columns swapped{others}"
    )
    return [(n, Row(r.target, r.source, r.comment)) for n, r in rows], (warning,)


def read_lines(lines: str | Iterable[str], *, name: str, status: Status = "proposed") -> OmegaTRead:
    """Read the lines of an OmegaT glossary; raises ProjectError when there is not one glossary line."""
    rows: list[tuple[int, Row]] = []
    bad: list[str] = []
    for number, item in parse_rows(lines):
        if isinstance(item, Row):
            rows.append((number, item))
        else:
            bad.append(f"line {number}: {item}")
    if not rows and not bad:
        raise ProjectError(f"{name} has no glossary lines (source<TAB>target<TAB>comment)")
    rows, warnings = _orient(rows, name)
    entries = _rows_to_entries(rows, status=status)
    return OmegaTRead(
        entries=tuple(e for _, e, _ in entries),
        bad=tuple(bad),
        lines=tuple(n for n, _, _ in entries),
        unknown_status=tuple(n for n, _, known in entries if not known),
        warnings=warnings,
    )


def read_omegat(path: str | os.PathLike[str], *, status: Status = "proposed") -> OmegaTRead:
    """Read an OmegaT glossary (UTF-8/16 with or without BOM, or CP932/EUC-JP as Windows OmegaT writes .txt).

    Raises ProjectError for a file that cannot be read at all; bad lines are returned, not raised.
    """
    with open_text(Path(path), newline=None) as fh:
        return read_lines(fh, name=str(path), status=status)
