"""Export and import of the termbase in TBX, CSV, JSON or OmegaT's format: format dispatch, one transaction,
dry runs."""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import IO, TYPE_CHECKING, Literal

from alignment.progress import Progress, open_binary, reporting
from alignment.project import ProjectError, write
from glossary import store
from glossary.csvio import read_csv, write_csv
from glossary.jsonio import read_json, write_json
from glossary.model import Entry, ImportReport, Status
from glossary.rows import Parsed
from glossary.textfile import MAX_GLOSSARY_BYTES, open_text

if TYPE_CHECKING:
    from sqlite_utils import Database

Format = Literal["tbx", "csv", "json", "omegat"]
FORMATS: tuple[Format, ...] = ("tbx", "csv", "json", "omegat")


def export_entries(
    db: Database,
    fmt: Format,
    fh: IO[str],
    *,
    statuses: Sequence[Status] = (),
    on_progress: Progress | None = None,
) -> int:
    """Stream every entry (or those with `statuses`) to `fh`; returns how many were written."""
    entries: Iterable[Entry] = store.iter_entries(db, statuses=statuses)
    if on_progress is not None:
        entries = reporting(entries, store.count(db, statuses=statuses), on_progress)
    if fmt == "json":
        return write_json(entries, fh)
    if fmt == "csv":
        return write_csv(entries, fh)
    if fmt == "tbx":
        from glossary.tbx_write import write_tbx

        return write_tbx(entries, fh)
    if fmt == "omegat":
        from glossary.omegat import write_rows

        return write_rows(entries, fh).entries
    raise ProjectError(f"unknown format {fmt!r} (use tbx, csv, json or omegat)")


def read_entries(path: Path, fmt: Format, *, on_progress: Progress | None = None) -> Parsed:
    """Parse and validate a file; nothing touches the project yet. Progress is in bytes read.

    CSV, JSON and OmegaT files may come in the encodings Japanese tools write (UTF-8 with or without a
    byte-order mark, UTF-16 with one, CP932, EUC-JP): it is detected, not assumed.
    """
    from alignment.textio import STDIN_NAME, check_input_file, is_stdin, read_stdin

    try:
        if fmt == "tbx":  # XML names its own encoding
            from glossary.tbx import read_tbx

            if is_stdin(path):
                return read_tbx(io.BytesIO(read_stdin(MAX_GLOSSARY_BYTES)), name=STDIN_NAME)
            check_input_file(path, MAX_GLOSSARY_BYTES)
            with open_binary(path, on_progress) as fh:
                return read_tbx(fh, name=str(path))
        if fmt == "omegat":
            from glossary.omegat_import import read_parsed

            return read_parsed(path, on_progress=on_progress)
        if fmt in ("csv", "json"):
            with open_text(path, on_progress=on_progress) as fh:
                return read_csv(fh) if fmt == "csv" else read_json(fh)
    except UnicodeDecodeError as exc:  # text files are decoded in open_text; this is a parser's own decoding
        raise ProjectError(f"{path} is not valid {exc.encoding} text; save it as UTF-8 and retry") from None
    except OSError as exc:
        raise ProjectError(f"cannot read {path}: {exc.strerror or exc}") from None
    raise ProjectError(f"unknown format {fmt!r} (use tbx, csv, json or omegat)")


class _DryRun(Exception):
    def __init__(self, report: ImportReport) -> None:
        super().__init__("dry run")
        self.report = report


def import_file(
    db: Database, parsed: Parsed, *, user: str, dry_run: bool = False, on_progress: Progress | None = None
) -> ImportReport:
    """Merge the good entries of `parsed` in one transaction (rolled back when `dry_run`)."""
    entries = reporting((e for _, e in parsed.entries), len(parsed.entries), on_progress)
    # entries whose file said nothing about status keep the status of the stored entry they merge into
    keep = frozenset(i for i, (where, _) in enumerate(parsed.entries) if where in parsed.unknown_status)
    try:
        with write(db):
            report = store.import_entries(db, entries, user=user, keep_status=keep)
            if dry_run:
                raise _DryRun(report)
    except _DryRun as done:
        return done.report
    return report
