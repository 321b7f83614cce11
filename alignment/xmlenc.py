"""XML files in any declared encoding, streamed to expat (which reads only UTF-8, UTF-16 and Latin-1).

TMX and TBX from Japanese tools come in Shift_JIS, CP932 (declared as Windows-31J by Java tools) or EUC-JP:
those are decoded chunk by chunk with Python's codec and handed to the parser as UTF-8, the declaration
rewritten to match, so even large files stream.
"""

from __future__ import annotations

import codecs
import re
from typing import Any

from alignment.project import ProjectError

EXPAT_ENCODINGS = frozenset(
    {
        "utf-8",
        "utf8",
        "utf-16",
        "utf-16le",
        "utf-16be",
        "us-ascii",
        "ascii",
        "iso-8859-1",
        "latin-1",
        "latin1",
    }
)
# IANA and Java names Python's codec registry lacks. Shift_JIS is read as CP932, as browsers do (WHATWG):
# files labelled Shift_JIS come from Windows, and the strict JIS table turns its ～ and － into 〜 and −.
CODEC_ALIASES = {
    "windows-31j": "cp932",
    "cswindows31j": "cp932",
    "x-sjis": "cp932",
    "x-euc-jp": "euc_jp",
    "ms_kanji": "cp932",
    "shift_jis": "cp932",
    "shift-jis": "cp932",
    "sjis": "cp932",
    "s_jis": "cp932",
    "csshiftjis": "cp932",
}
_DECLARED_BYTES = re.compile(rb"""<\?xml[^>]*?\sencoding\s*=\s*["']([A-Za-z][A-Za-z0-9._:-]*)["']""")
_DECLARED_TEXT = re.compile(r"""^(\ufeff?<\?xml[^>]*?\sencoding\s*=\s*)(["'])[^"']*\2""")
_HEAD = 1024


class _Rewound:
    """A binary file whose first bytes were read to find its encoding: hands them back first."""

    def __init__(self, head: bytes, rest: Any) -> None:
        self._head, self._rest = head, rest

    def read_more(self, size: int) -> bytes:
        """Read `size` more bytes ahead and keep them to hand back (for sniffing an encoding)."""
        more = bytes(self._rest.read(size)) if size > 0 else b""
        self._head += more
        return more

    def read(self, size: int = -1) -> bytes:
        if not self._head:
            return bytes(self._rest.read(size))
        if size is None or size < 0:
            data, self._head = self._head + bytes(self._rest.read()), b""
        else:
            data, self._head = self._head[:size], self._head[size:]
        return data


class _ToUtf8:
    """Decodes Shift_JIS, EUC-JP… chunk by chunk and hands the parser UTF-8, its declaration rewritten."""

    def __init__(self, raw: _Rewound, codec: str, declared: str, name: str) -> None:
        self._raw, self._decoder, self._decoder_name = raw, codecs.getincrementaldecoder(codec)(), codec
        self._declared, self._name, self._done, self._first = declared, name, 0, True

    def read(self, size: int = -1) -> bytes:
        while True:
            data = self._raw.read(size)
            try:
                text = self._decoder.decode(data, final=not data)
            except UnicodeDecodeError as exc:
                # Windows writes ①, ㈱, 髙… (cp932 extensions) into files it labels Shift_JIS.
                hint = (
                    " or declare Windows-31J" if codecs.lookup(self._decoder_name).name == "shift_jis" else ""
                )
                raise ProjectError(
                    f"{self._name} is not valid {self._declared} text (near byte "
                    f"{self._done + exc.start}: {exc.reason}); save it as UTF-8{hint} and retry"
                ) from None
            self._done += len(data)
            if self._first and text:
                text, self._first = _DECLARED_TEXT.sub(r"\1\2UTF-8\2", text, count=1), False
            if text or not data:  # an empty chunk would tell the parser the file has ended
                return text.encode("utf-8")


_LATIN1 = frozenset({"iso-8859-1", "latin-1", "latin1", "us-ascii", "ascii"})
_SNIFF = 1 << 20


def _sniff(raw: _Rewound, head: bytes, name: str) -> str | None:
    """The encoding the first non-ASCII bytes are in (`utf-8`, `cp932`, `euc_jp`, `cp1252`), None when the
    first megabyte is ASCII or undecidable. The bytes read are handed back to the parser."""
    window = head + raw.read_more(_SNIFF - len(head))
    high = next((i for i, b in enumerate(window) if b >= 0x80), None)
    if high is None:
        return None
    sample = window[max(0, high - 4096) : high + 65536]
    try:
        sample.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError as exc:
        if exc.reason == "unexpected end of data" and exc.end == len(sample):
            return "utf-8"
    from alignment.textio import decode_bytes

    try:  # the Japanese codecs, or Windows-1252, as text import decides
        cut = sample[: max(i for i in range(len(sample)) if sample[i] < 0x40) + 1]
        return decode_bytes(cut, name=name).encoding
    except (ProjectError, ValueError):
        return None


def expat_stream(fh: Any, name: str) -> tuple[Any, str]:
    """(a binary file expat can stream, the encoding the file is in, as Python names it).

    Raises:
        ProjectError: an encoding Python does not know (one line).
    """
    head = fh.read(_HEAD)
    raw = _Rewound(head, fh)
    if head.startswith((b"\xff\xfe", b"\xfe\xff")) or head[:2] in (b"<\x00", b"\x00<"):
        return raw, "utf-16"  # expat detects it
    bom = head.startswith(b"\xef\xbb\xbf")
    m = _DECLARED_BYTES.match(head, 3 if bom else 0)
    declared = m.group(1).decode("ascii") if m else "UTF-8"
    if bom:  # the mark says UTF-8 whatever the declaration says: an editor re-saved a Shift_JIS file
        return _ToUtf8(raw, "utf-8-sig", "UTF-8", name), "utf-8-sig"
    if m is None or declared.lower() in _LATIN1:
        # No declaration means UTF-8, and a Latin-1 declaration is often wrong: the first bytes that are not
        # ASCII tell (valid UTF-8 multibyte characters are almost never Latin-1 text by chance).
        actual = _sniff(raw, head, name)
        if actual == "utf-8":
            return _ToUtf8(
                raw, "utf-8", "UTF-8" if m is None else f"UTF-8 (declared {declared})", name
            ), "utf-8"
        if m is None:  # decoded here, so a bad byte is reported as such, not as expat's "invalid token"
            codec = actual or "utf-8"
            return _ToUtf8(raw, codec, f"{codec} (no encoding declared)", name), codec
    if declared.lower() in EXPAT_ENCODINGS:
        return raw, declared.lower()
    codec = CODEC_ALIASES.get(declared.lower(), declared)
    try:
        python_name = codecs.lookup(codec).name
    except LookupError:
        raise ProjectError(
            f"{name} declares an unknown encoding {declared!r}; save it as UTF-8 and retry"
        ) from None
    return _ToUtf8(raw, codec, declared, name), python_name
