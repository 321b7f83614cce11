"""Export and import of the termbase in TBX, CSV or JSON: format dispatch, one transaction, dry runs."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import IO, TYPE_CHECKING, Literal

from alignment.project import ProjectError, write
from glossary import store
from glossary.csvio import Parsed, read_csv, read_json, write_csv, write_json
from glossary.model import ImportReport, Status

if TYPE_CHECKING:
    from sqlite_utils import Database

Format = Literal["tbx", "csv", "json", "omegat"]
FORMATS: tuple[Format, ...] = ("tbx", "csv", "json", "omegat")


def export_entries(db: Database, fmt: Format, fh: IO[str], *, statuses: Sequence[Status] = ()) -> int:
    """Stream every entry (or those with `statuses`) to `fh`; returns how many were written."""
    entries = store.iter_entries(db, statuses=statuses)
    if fmt == "json":
        return write_json(entries, fh)
    if fmt == "csv":
        return write_csv(entries, fh)
    if fmt == "tbx":
        from glossary.tbx import write_tbx

        return write_tbx(entries, fh)
    if fmt == "omegat":
        from glossary.omegat import write_rows

        return write_rows(entries, fh).entries
    raise ProjectError(f"unknown format {fmt!r} (use tbx, csv or json)")


def read_entries(path: Path, fmt: Format) -> Parsed:
    """Parse and validate a file; nothing touches the project yet."""
    from alignment.textio import check_input_file

    try:
        check_input_file(path)
        if fmt == "tbx":
            from glossary.tbx import read_tbx

            with path.open("rb") as fh:
                return read_tbx(fh, name=str(path))
        if fmt == "omegat":  # OmegaT writes .txt in the machine's encoding: detected, not assumed UTF-8
            from glossary.omegat import read_parsed

            return read_parsed(path)
        with path.open(encoding="utf-8-sig", newline="") as fh:
            if fmt == "csv":
                return read_csv(fh)
            if fmt == "json":
                return read_json(fh)
    except UnicodeDecodeError as exc:
        raise ProjectError(f"{path} is not UTF-8 text (byte {exc.start}); save it as UTF-8 and retry") from None
    except OSError as exc:
        raise ProjectError(f"cannot read {path}: {exc.strerror or exc}") from None
    raise ProjectError(f"unknown format {fmt!r} (use tbx, csv or json)")


class _DryRun(Exception):
    def __init__(self, report: ImportReport) -> None:
        super().__init__("dry run")
        self.report = report


def import_file(db: Database, parsed: Parsed, *, user: str, dry_run: bool = False) -> ImportReport:
    """Merge the good entries of `parsed` in one transaction (rolled back when `dry_run`)."""
    try:
        with write(db):
            report = store.import_entries(db, (e for _, e in parsed.entries), user=user)
            if dry_run:
                raise _DryRun(report)
    except _DryRun as done:
        return done.report
    return report
