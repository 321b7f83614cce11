"""Export and import of the termbase in TBX, CSV or JSON: format dispatch, one transaction, dry runs."""

from __future__ import annotations

import io
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import IO, TYPE_CHECKING, BinaryIO, Literal, TypeVar

from alignment.project import ProjectError, write
from glossary import store
from glossary.csvio import Parsed, read_csv, read_json, write_csv, write_json
from glossary.model import Entry, ImportReport, Status

if TYPE_CHECKING:
    from sqlite_utils import Database

Format = Literal["tbx", "csv", "json", "omegat"]
FORMATS: tuple[Format, ...] = ("tbx", "csv", "json", "omegat")

# Termbases are larger than documents: our own TBX of 100k entries is ~130 MB. TBX is parsed as a
# stream; memory grows with the entries kept (~180 MB for 100k), not with the file.
MAX_GLOSSARY_BYTES = 500_000_000

Progress = Callable[[int, int], None]
"""`(done, total)`: entries for exports and imports, bytes for reading a file."""

T = TypeVar("T")


def reporting(items: Iterable[T], total: int, on_progress: Progress | None, *, every: int = 500) -> Iterator[T]:
    """Yield `items`, reporting `(done, total)` every `every` items and at the end."""
    done = 0
    for item in items:
        yield item
        done += 1
        if on_progress is not None and done % every == 0:
            on_progress(done, total)
    if on_progress is not None:
        on_progress(done, max(total, done))


class _CountingReader(io.RawIOBase):
    """A binary file that reports how far it has been read, so parsers need not know about progress."""

    def __init__(self, raw: BinaryIO, size: int, on_progress: Progress) -> None:
        self._raw, self._size, self._report = raw, size, on_progress
        self._done = self._last = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:  # type: ignore[no-untyped-def,override]
        n = self._raw.readinto(buffer) or 0
        self._done += n
        # a bar has ~100 steps: reporting every 1% keeps the parser's loop free of terminal writes
        if n == 0 or self._done - self._last >= max(self._size // 100, 1):
            self._last = self._done
            self._report(min(self._done, self._size), self._size)
        return n

    def close(self) -> None:
        self._raw.close()
        super().close()


def export_entries(db: Database, fmt: Format, fh: IO[str], *, statuses: Sequence[Status] = (),
                   on_progress: Progress | None = None) -> int:
    """Stream every entry (or those with `statuses`) to `fh`; returns how many were written."""
    entries: Iterable[Entry] = store.iter_entries(db, statuses=statuses)
    if on_progress is not None:
        entries = reporting(entries, store.count(db, statuses=statuses), on_progress)
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


def _open_binary(path: Path, on_progress: Progress | None) -> BinaryIO:
    raw = path.open("rb", buffering=0)
    if on_progress is None:
        return io.BufferedReader(raw)
    return io.BufferedReader(_CountingReader(raw, path.stat().st_size, on_progress))  # type: ignore[arg-type]


def read_entries(path: Path, fmt: Format, *, on_progress: Progress | None = None) -> Parsed:
    """Parse and validate a file; nothing touches the project yet. Progress is in bytes read."""
    from alignment.textio import check_input_file

    try:
        check_input_file(path, MAX_GLOSSARY_BYTES)
        if fmt == "tbx":
            from glossary.tbx import read_tbx

            with _open_binary(path, on_progress) as fh:
                return read_tbx(fh, name=str(path))
        if fmt == "omegat":  # OmegaT writes .txt in the machine's encoding: detected, not assumed UTF-8
            from glossary.omegat import read_parsed

            parsed = read_parsed(path)
            if on_progress is not None:
                size = path.stat().st_size
                on_progress(size, size)
            return parsed
        with io.TextIOWrapper(_open_binary(path, on_progress), encoding="utf-8-sig", newline="") as fh:
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


def import_file(db: Database, parsed: Parsed, *, user: str, dry_run: bool = False,
                on_progress: Progress | None = None) -> ImportReport:
    """Merge the good entries of `parsed` in one transaction (rolled back when `dry_run`)."""
    entries = reporting((e for _, e in parsed.entries), len(parsed.entries), on_progress)
    try:
        with write(db):
            report = store.import_entries(db, entries, user=user)
            if dry_run:
                raise _DryRun(report)
    except _DryRun as done:
        return done.report
    return report
