"""An OmegaT glossary as `glossary import` takes it: validated entries with their line, and the bad lines;
a spreadsheet's "Unicode text" table with a header row is read as the table it is."""

from __future__ import annotations

import io
import os
from pathlib import Path

from alignment.progress import Progress
from glossary.model import Entry
from glossary.omegat import read_lines
from glossary.rows import Parsed, RowError
from glossary.textfile import open_text


def read_parsed(path: str | os.PathLike[str], *, on_progress: Progress | None = None) -> Parsed:
    """The file as `glossary import` takes it: validated entries with their line, and the bad lines.
    Progress is in bytes read."""
    from alignment.textio import STDIN_NAME, is_stdin
    from glossary.csvio import is_header, read_csv
    from glossary.store import InvalidEntry, validate

    if is_stdin(path):  # standard input is read once: held as text
        with open_text(Path(path), newline="") as fh:
            text = fh.read()
        if is_header(text.split("\n", 1)[0].lstrip("\ufeff").rstrip("\r").split("\t")):
            return read_csv(io.StringIO(text, newline=""))
        read = read_lines(text, name=STDIN_NAME)
    else:
        with open_text(Path(path), newline=None) as fh:
            first = fh.readline().lstrip("\ufeff").rstrip("\r\n")
        if is_header(first.split("\t")):
            # Excel's "Unicode text" (UTF-16, tab-separated) with a header row `ja<TAB>en<TAB>note`: a table
            # with named columns, not OmegaT's source/target lines (whose header would become an entry)
            with open_text(Path(path), on_progress=on_progress) as fh:
                return read_csv(fh)
        with open_text(Path(path), newline=None, on_progress=on_progress) as fh:
            read = read_lines(fh, name=str(path))
    good: list[tuple[str, Entry]] = []
    errors = list(read.bad)
    for line, entry in zip(read.lines, read.entries, strict=True):
        try:
            good.append((f"line {line}", validate(entry)))
        except (InvalidEntry, RowError) as exc:
            errors.append(f"line {line}: {exc}")
    unknown = {f"line {line}" for line in read.unknown_status}
    return Parsed(
        entries=tuple(good),
        errors=tuple(sorted(errors, key=_line_number)),
        warnings=read.warnings,
        unknown_status=frozenset(where for where, _ in good if where in unknown),
    )


def _line_number(message: str) -> int:
    return int(message.split(":", 1)[0].removeprefix("line "))
