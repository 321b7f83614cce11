"""Reading text files for import: encoding detection (UTF-8/16, Shift_JIS/CP932, EUC-JP) and clear refusals."""

from __future__ import annotations

import codecs
import os
import re
import stat
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from alignment.project import ProjectError

# Refuse very large inputs before decoding: a project file is not the place for a 100 MB dump.
MAX_BYTES = 50_000_000

# Leading bytes of formats people try to import by mistake, with the name shown in the error.
_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"%PDF", "a PDF file, not text: extract its text first (for example with pdftotext)"),
    (b"PK\x03\x04", "a ZIP archive (a .docx or .xlsx?), not text: save it as plain text first"),
    (b"\xd0\xcf\x11\xe0", "an Office document, not text: save it as plain text first"),
    (b"{\\rtf", "an RTF document, not text: save it as plain text first"),
    (b"\x89PNG", "a PNG image, not text"),
    (b"\xff\xd8\xff", "a JPEG image, not text"),
    (b"GIF8", "a GIF image, not text"),
    (b"SQLite format 3\x00", "an SQLite database (a project file?), not text"),
    (b"\x1f\x8b", "a gzip archive, not text"),
)

_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)

# Tried in order when there is no BOM; CP932 is the Windows superset of Shift_JIS.
_CANDIDATES: tuple[str, ...] = ("utf-8", "cp932", "euc_jp")

# Control characters a text file may legitimately contain (form feed: pdftotext page breaks).
_ALLOWED_CONTROLS = frozenset("\t\n\r\f\v")


@dataclass(frozen=True, slots=True)
class Decoded:
    text: str
    encoding: str
    """The codec that decoded the bytes, as Python names it (`utf-8`, `utf-8-sig`, `utf-16`, `cp932`, `euc_jp`)."""


def check_input_file(p: Path, max_bytes: int | None = None) -> int:
    """Refuse what cannot be read as an input file (folder, device, pipe, too large); returns its size.

    A device or pipe may never end (/dev/zero), so only regular files are read.
    """
    limit = MAX_BYTES if max_bytes is None else max_bytes
    st = p.stat()
    if stat.S_ISDIR(st.st_mode):
        raise ProjectError(f"{p} is a directory, not a text file")
    if not stat.S_ISREG(st.st_mode):
        raise ProjectError(f"{p} is not a regular file")
    if st.st_size > limit:
        raise ProjectError(
            f"{p} is too large to import ({st.st_size // 1_000_000} MB; the limit is {limit // 1_000_000} MB)"
        )
    return st.st_size


def read_text(path: str | os.PathLike[str], encoding: str | None = None) -> Decoded:
    """Read a text file for import, detecting its encoding unless one is named.

    Raises ProjectError (one line) for a missing, unreadable, binary, undecodable, empty or blank file.
    """
    p = Path(path)
    try:
        check_input_file(p)
        data = p.read_bytes()
    except FileNotFoundError:
        raise ProjectError(f"no such file: {p}") from None
    except PermissionError:
        raise ProjectError(f"cannot read {p}: permission denied") from None
    except OSError as exc:
        raise ProjectError(f"cannot read {p}: {exc.strerror or exc}") from None
    return decode_bytes(data, encoding, name=str(p))


ENCODING_REMEDY = "name the encoding with --encoding"
"""What `import` tells a user whose file's encoding cannot be found; callers without --encoding say otherwise."""


def decode_bytes(
    data: bytes, encoding: str | None = None, *, name: str = "input", remedy: str = ENCODING_REMEDY
) -> Decoded:
    """Decode `data` as text: BOM first, then the named encoding, then UTF-8, CP932 and EUC-JP."""
    if not data:
        raise ProjectError(f"{name} is empty")
    for magic, what in _MAGIC:
        if data.startswith(magic):
            raise ProjectError(f"{name} is {what}")
    decoded = _decode_named(data, encoding, name) if encoding else _detect(data, name, remedy)
    _check_text(decoded.text, name)
    return decoded


def _decode_named(data: bytes, encoding: str, name: str) -> Decoded:
    try:
        codec = codecs.lookup(encoding).name
    except LookupError:
        raise ProjectError(
            f"unknown encoding {encoding!r} (try utf-8, utf-16, cp932, shift_jis or euc-jp)"
        ) from None
    if codec == "utf-8" and data.startswith(codecs.BOM_UTF8):
        codec = "utf-8-sig"
    if codec in {"utf-16", "utf-32"} and not data.startswith(
        (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE, codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)
    ):
        raise ProjectError(f"{name} has no byte-order mark; name the byte order ({codec}-le or {codec}-be)")
    try:
        text = data.decode(codec)
    except UnicodeDecodeError as exc:
        raise ProjectError(
            f"{name} cannot be decoded as {encoding}: byte 0x{data[exc.start]:02x} at offset {exc.start} "
            f"is invalid there"
        ) from None
    except (LookupError, UnicodeError):  # rot13, base64, hex…: codecs, but not text encodings
        raise ProjectError(
            f"{encoding!r} is not a text encoding (try utf-8, utf-16, cp932 or euc-jp)"
        ) from None
    return Decoded(text.removeprefix("\ufeff"), codec)


def _detect(data: bytes, name: str, remedy: str) -> Decoded:
    for bom, codec in _BOMS:
        if data.startswith(bom):
            try:
                return Decoded(data.decode(codec).removeprefix("\ufeff"), codec)
            except UnicodeDecodeError:
                raise ProjectError(
                    f"{name} starts with a {codec} byte-order mark but is not valid {codec}"
                ) from None
    if b"\x00" in data:
        raise ProjectError(
            f"{name} contains NUL bytes: it looks binary (UTF-16 text needs a byte-order mark; {remedy})"
        )
    mixed_at = _utf8_until(data)
    if mixed_at is not None:
        raise ProjectError(
            f"{name} mixes encodings: it is UTF-8 Japanese up to byte {mixed_at}, then other bytes; "
            f"save it all as UTF-8 and retry"
        )
    decodable: list[Decoded] = []
    for codec in _CANDIDATES:
        try:
            text = data.decode(codec)
        except UnicodeDecodeError:
            continue
        if codec == "utf-8":  # valid UTF-8 is almost never an accident for non-ASCII input
            return Decoded(text, codec)
        if _oddities(text) <= max(2, len(text) // 100):
            decodable.append(Decoded(text, codec))
    if not decodable:
        raise ProjectError(f"{name} is not valid UTF-8, UTF-16, Shift_JIS/CP932 or EUC-JP text; {remedy}")
    return max(decodable, key=lambda d: _japanese_score(d.text))


def _utf8_until(data: bytes) -> int | None:
    """Where bytes that start as UTF-8 Japanese stop being UTF-8 (a file pasted together from two
    encodings), or None. CP932 decodes almost any bytes, so without this such a file would import as
    mojibake. Two or more Japanese characters first: a CP932 file is not valid UTF-8 that long by chance."""
    try:
        data.decode("utf-8")
        return None
    except UnicodeDecodeError as exc:
        if exc.end == len(data) and exc.reason == "unexpected end of data":
            return None  # a sample cut inside its last character
        start = exc.start
    foreign = [ch for ch in data[:start].decode("utf-8") if not ch.isascii()]
    return start if len(foreign) >= 2 and all(_JAPANESE.match(ch) for ch in foreign) else None


_JAPANESE = re.compile(r"[\u3000-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uff01-\uff9f]")


def _oddities(text: str) -> int:
    """Characters real text hardly has: controls, private-use and unassigned code points.

    CP932 maps the stray bytes 0x80, 0xA0 and 0xFD–0xFF to such characters, so arbitrary binary data
    "decodes" as CP932 unless this is checked.
    """
    return sum(
        1
        for ch in text[:100_000]
        if unicodedata.category(ch) in {"Cc", "Co", "Cn"} and ch not in _ALLOWED_CONTROLS
    )


def _japanese_score(text: str) -> float:
    """How much a decoding looks like Japanese: kana weigh most, then common kanji; oddities count against."""
    score = 0.0
    for ch in text[:20_000]:
        code = ord(ch)
        if 0x3041 <= code <= 0x30FF or ch in "、。「」":
            score += 2
        elif 0x4E00 <= code <= 0x9FFF:
            score += 1
        elif 0xFF61 <= code <= 0xFF9F:  # half-width katakana: rare in real text, common in mis-decodings
            score -= 1
        elif unicodedata.category(ch) in {"Co", "Cn", "Cc"} and ch not in _ALLOWED_CONTROLS:
            score -= 5
    return score / max(1, min(len(text), 20_000))


def _check_text(text: str, name: str) -> None:
    if not text.strip():
        raise ProjectError(f"{name} contains no text (only whitespace)")
    sample = text[:100_000]
    controls = sum(1 for ch in sample if unicodedata.category(ch) == "Cc" and ch not in _ALLOWED_CONTROLS)
    if "\x00" in sample or controls > max(2, len(sample) // 200):
        raise ProjectError(f"{name} looks binary (it contains control characters), not a text file")
