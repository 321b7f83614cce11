"""Reading text files for import: encoding detection (UTF-8/16, Shift_JIS/CP932, EUC-JP, Windows-1252) and
clear refusals.

A legacy Japanese codec wins only when what it decodes is plausible Japanese: CP932 decodes almost any
bytes, and English from Windows (`Japan’s` in Windows-1252) would otherwise come out as `Japan痴s`. A file
that is UTF-8 but for a byte or two (cut off, a stray byte) is refused at that byte, not read as CP932.
"""

from __future__ import annotations

import codecs
import os
import re
import stat
import sys
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from alignment.project import ProjectError
from alignment.text import strip_controls, strip_escape_sequences

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


# Control characters a text file may legitimately contain (form feed: pdftotext page breaks).
_ALLOWED_CONTROLS = frozenset("\t\n\r\f\v")


@dataclass(frozen=True, slots=True)
class Decoded:
    text: str
    encoding: str
    """The codec that decoded the bytes, as Python names it (`utf-8`, `utf-8-sig`, `utf-16`, `cp932`, `euc_jp`,
    `cp1252`, `latin-1`)."""
    controls_removed: int = 0
    """Control characters and terminal escape sequences taken out (tab and line breaks stay)."""


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


STDIN_NAME = "standard input"


def path_text(path: str | os.PathLike[str]) -> str:
    """A path as text that can be stored and printed: a name's bytes that are not UTF-8 (which Python keeps as
    lone surrogates, and neither SQLite nor a terminal takes) are written `\\xff`, as Python shows them."""
    return os.fsencode(path).decode("utf-8", "backslashreplace")


def is_stdin(path: str | os.PathLike[str]) -> bool:
    """`-` names standard input, as in every Unix tool."""
    return os.fspath(path) == "-"


def read_stdin(max_bytes: int = MAX_BYTES) -> bytes:
    """Standard input whole, refused (one line) past `max_bytes` instead of filling memory."""
    data = sys.stdin.buffer.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise ProjectError(f"{STDIN_NAME} is too large to import (the limit is {max_bytes // 1_000_000} MB)")
    return data


def read_text(path: str | os.PathLike[str], encoding: str | None = None) -> Decoded:
    """Read a text file (or standard input for `-`) for import, detecting its encoding unless one is named.

    Raises ProjectError (one line) for a missing, unreadable, binary, undecodable, empty or blank file.
    """
    if is_stdin(path):
        return decode_bytes(read_stdin(), encoding, name=STDIN_NAME)
    p, shown = Path(path), path_text(path)
    try:
        check_input_file(p)
        data = p.read_bytes()
    except FileNotFoundError:
        raise ProjectError(f"no such file: {shown}") from None
    except PermissionError:
        raise ProjectError(f"cannot read {shown}: permission denied") from None
    except OSError as exc:
        raise ProjectError(f"cannot read {shown}: {exc.strerror or exc}") from None
    return decode_bytes(data, encoding, name=shown)


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
    text, removed = strip_controls(decoded.text)
    if removed:  # terminal escapes in a document would retitle, clear or write the clipboard of a terminal
        if not text.strip():
            raise ProjectError(f"{name} contains no text (only control characters)")
        return Decoded(text, decoded.encoding, removed)
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
    try:
        return Decoded(data.decode("utf-8"), "utf-8")  # valid UTF-8 is almost never an accident
    except UnicodeDecodeError as exc:
        bad = exc.start
    if _nearly_utf8(data):
        # A cut-off last character or one stray byte: CP932 would "decode" the rest as mojibake.
        where = "its last character is cut off" if bad >= len(data) - 3 else "a stray byte"
        raise ProjectError(
            f"{name} is UTF-8 except at byte {bad} (0x{data[bad]:02x}: {where}); fix or re-save it as UTF-8"
        )
    japanese = [d for d in _decodings(data, ("cp932", "euc_jp")) if plausible_japanese(d.text)]
    if japanese:
        return max(japanese, key=lambda d: _japanese_score(d.text))
    latin = _latin(data)
    if latin is not None:
        return latin
    raise ProjectError(f"{name} is not valid UTF-8, UTF-16, Shift_JIS/CP932 or EUC-JP text; {remedy}")


def _decodings(data: bytes, codecs_: tuple[str, ...]) -> list[Decoded]:
    """Every decoding of `data` by these codecs with no more oddities than real text has."""
    out: list[Decoded] = []
    for codec in codecs_:
        try:
            text = data.decode(codec)
        except UnicodeDecodeError:
            continue
        if _oddities(text) <= max(2, len(text) // 100):
            out.append(Decoded(text, codec))
    return out


_PLAUSIBLE_UTF8 = re.compile(
    "[\u00a0-\u024f\u2010-\u206f\u2100-\u2bff\u3000-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uff01-\uffef]"
)


def _nearly_utf8(data: bytes) -> bool:
    """UTF-8 but for its cut-off last character, or with at least two valid multibyte characters per bad
    sequence. CP932 and EUC-JP Japanese are far from that: their common lead bytes are UTF-8 continuation
    bytes, so they hold few valid UTF-8 sequences and many bad ones."""
    sample = data[:1_000_000]
    text = sample.decode("utf-8", "replace")
    stray = text.count("\ufffd") - sample.count(b"\xef\xbf\xbd")
    # only characters real text has count as valid: CP932 bytes make the odd combining mark or astral
    # code point by chance (空自 holds a valid 4-byte sequence), never Japanese or Latin letters
    valid = sum(1 for ch in text if ord(ch) >= 0x80 and _PLAUSIBLE_UTF8.match(ch))
    try:
        sample.decode("utf-8")
    except UnicodeDecodeError as exc:
        if exc.reason == "unexpected end of data" and exc.end == len(data) and stray == 1:
            return valid >= 1
    return stray >= 1 and valid >= 1 and stray * 2 <= valid + 1


_JAPANESE_RUN = re.compile(r"[\u3000-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uff01-\uff9f]+")
_KANA = re.compile(r"[\u3041-\u30ff]")
_IDEOGRAPH = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]")
_HALF_WIDTH_KANA = re.compile(r"[\uff66-\uff9f]")


def plausible_japanese(text: str) -> bool:
    """Japanese a person wrote, not Latin-1 read as CP932: kana, or kanji that stand on their own rather
    than glued inside Latin words (`Japan’s` read as CP932 is `Japan痴s`, `won’t` is `won稚`)."""
    sample = text[:200_000]
    runs = list(_JAPANESE_RUN.finditer(sample))
    if not runs:  # English from a Japanese Windows: only CP932's symbols (① ② — ※ →) outside ASCII
        high = [ch for ch in sample if not ch.isascii()]
        return bool(high) and all("\u2010" <= ch <= "\u2bff" for ch in high)
    if _KANA.search(sample):  # mis-decoded Latin text almost never yields kana
        return True
    # Mis-decoded Latin text gives one or two kanji glued to what precedes them (`Japan痴`, `6.痴`: the
    # accented letter or quote came right after it), or a lone kanji between a space and a letter (an
    # opening quote and the letter after it). Compounds of three kanji or more are Japanese. Runs of
    # punctuation only （ ） ： are CP932's, and say nothing either way.
    runs = [m for m in runs if _IDEOGRAPH.search(m.group())]
    if not runs:  # half-width katakana alone is what EUC-JP read as CP932 gives
        return not _HALF_WIDTH_KANA.search(sample)
    glued = compounds = 0
    for m in runs:
        if len(_IDEOGRAPH.findall(m.group())) >= 3:
            compounds += 1
            continue
        before = sample[m.start() - 1] if m.start() else " "
        after = sample[m.end()] if m.end() < len(sample) else " "
        if (len(m.group()) <= 2 and before.isascii() and not before.isspace() and not before.isdigit()) or (
            len(m.group()) == 1 and before.isspace() and after.isascii() and after.isalpha()
        ):
            glued += 1
    return glued * 3 < len(runs) or compounds >= glued


_HIGH_RUN = re.compile(r"[^\x00-\x7f]{4}")


_TYPOGRAPHIC = frozenset("’‘“”–—…•€£°©®™·«»¿¡×÷§")


def _misplaced(text: str) -> int:
    """Non-ASCII characters placed as Western text never has them (CP932 bytes read as Windows-1252): an
    opening quote glued after a letter (`ASEAN‘S`) or a closing one before a letter (`2020”N`), a symbol such as ‰ ¤ ¦ ¬ ¸, an accented capital with no
    letter beside it. Real Windows-1252 English has none of these."""
    count = 0
    for i, ch in enumerate(text):
        if ch.isascii():
            continue
        before = text[i - 1] if i else " "
        after = text[i + 1] if i + 1 < len(text) else " "
        if (
            (ch in "‘“" and before.isalnum())
            or (ch == "”" and after.isalnum())
            or (not ch.isalpha() and ch not in _TYPOGRAPHIC and not ch.isspace())
            or (ch.isupper() and not before.isalpha() and not after.isalpha())
        ):
            count += 1
    return count


def _latin(data: bytes) -> Decoded | None:
    """Windows-1252 (or Latin-1) text, as English from Windows comes: mostly ASCII, the rest letters and
    typographic punctuation (’ “ ” – é ü)."""
    for codec in ("cp1252", "latin-1"):
        try:
            text = data.decode(codec)
        except UnicodeDecodeError:
            continue
        sample = text[:200_000]
        high = [ch for ch in sample if not ch.isascii()]
        visible = sum(1 for ch in sample if not ch.isspace())
        odd = sum(1 for ch in high if unicodedata.category(ch)[0] not in "LPSZ")
        if _HIGH_RUN.search(sample):  # Western text has no four non-ASCII characters in a row
            continue
        if (
            not odd and len(high) * 5 <= max(visible, 1) * 2 and not _misplaced(sample)
        ):  # CP932 Japanese read so is over half
            return Decoded(text, codec)
    return None


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
    sample = strip_escape_sequences(text[:100_000])  # removed at import, not a sign of a binary file
    controls = sum(1 for ch in sample if unicodedata.category(ch) == "Cc" and ch not in _ALLOWED_CONTROLS)
    if "\x00" in sample or controls > max(2, len(sample) // 200):
        raise ProjectError(f"{name} looks binary (it contains control characters), not a text file")
