"""Opening glossary text files (CSV, JSON, OmegaT) in whatever encoding they came in: byte-order marks, else
what alignment.textio detects; streamed, with progress in bytes."""

from __future__ import annotations

import codecs
import io
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, TextIO

from alignment.progress import Progress, open_binary
from alignment.project import ProjectError

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
    with path.open("rb") as fh:
        return detect_stream(fh, str(path))


def detect_stream(fh: IO[bytes], name: str) -> str:
    """detect_encoding over an open binary stream (a file, or standard input held in memory)."""
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
    # ASCII reads the same in every candidate (a sorted glossary may start with acronyms): the first bytes
    # that are not ASCII decide. Everything before them is ASCII, so they start a character.
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
    from alignment.textio import STDIN_NAME, check_input_file, is_stdin, read_stdin

    try:
        raw: IO[bytes]
        if is_stdin(path):  # `glossary import -`: read whole (bounded), then like a file
            data = read_stdin(MAX_GLOSSARY_BYTES)
            encoding = detect_stream(io.BytesIO(data), STDIN_NAME)
            raw = io.BytesIO(data)
        else:
            check_input_file(path, MAX_GLOSSARY_BYTES)
            encoding = detect_encoding(path)
            raw = open_binary(path, on_progress)
        stream = io.TextIOWrapper(raw, encoding=encoding, newline=newline)
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
