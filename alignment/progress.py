"""Progress reporting that domain code can do without knowing about terminals: `(done, total)` callbacks."""

from __future__ import annotations

import io
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO, TypeVar

if TYPE_CHECKING:
    from _typeshed import WriteableBuffer

Progress = Callable[[int, int], None]
"""`(done, total)`: items for exports and imports, bytes for reading a file."""

T = TypeVar("T")


def reporting(
    items: Iterable[T], total: int, on_progress: Progress | None, *, every: int = 500
) -> Iterator[T]:
    """Yield `items`, reporting `(done, total)` every `every` items and once at the end."""
    done = 0
    for item in items:
        yield item
        done += 1
        if on_progress is not None and done % every == 0:
            on_progress(done, total)
    if on_progress is not None:
        on_progress(done, max(total, done))


class CountingReader(io.RawIOBase):
    """A binary file that reports how far it has been read, so parsers need not know about progress."""

    def __init__(self, raw: io.FileIO, size: int, on_progress: Progress) -> None:
        self._raw, self._size, self._report = raw, size, on_progress
        self._done = self._last = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: WriteableBuffer) -> int:
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


def open_binary(path: Path, on_progress: Progress | None = None) -> BinaryIO:
    """`path` opened for reading bytes, reporting `(bytes read, size)` when `on_progress` is given."""
    raw = io.FileIO(path, "r")
    if on_progress is None:
        return io.BufferedReader(raw)
    return io.BufferedReader(CountingReader(raw, path.stat().st_size, on_progress))
