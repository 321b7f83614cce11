"""The one streaming XML writer behind every XML export (TMX beads, TBX glossary).

Elements go straight to the file, one per line and indented for people; nothing is built in memory, so an
export is bounded by the disk. Text and attribute values are escaped, and characters XML 1.0 cannot carry
at all (C0 controls, lone surrogates, U+FFFE/U+FFFF) become U+FFFD, so the file always parses.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import IO
from xml.sax.saxutils import escape, quoteattr

# Characters XML 1.0 cannot carry, not even as character references.
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def xml_text(text: str) -> str:
    """Text XML can hold: impossible characters become U+FFFD, and CR/CRLF become LF as a parser would."""
    return _NOT_XML.sub("\ufffd", text.replace("\r\n", "\n").replace("\r", "\n"))


Attrs = Mapping[str, str | None]


class XmlWriter:
    """start/leaf/end elements with attributes (None values left out) onto a text stream."""

    def __init__(self, fh: IO[str], *, indent: str = "  ") -> None:
        self._fh = fh
        self._indent = indent
        self._depth = 0

    def declaration(self, doctype: str | None = None) -> None:
        self._fh.write('<?xml version="1.0" encoding="UTF-8"?>\n')
        if doctype:
            self._fh.write(doctype + "\n")

    @staticmethod
    def _attrs(attrs: Attrs | None) -> str:
        if not attrs:
            return ""
        return "".join(f" {k}={quoteattr(xml_text(v))}" for k, v in attrs.items() if v is not None)

    def start(self, tag: str, attrs: Attrs | None = None) -> None:
        self._fh.write(f"{self._indent * self._depth}<{tag}{self._attrs(attrs)}>\n")
        self._depth += 1

    def end(self, tag: str) -> None:
        self._depth -= 1
        self._fh.write(f"{self._indent * self._depth}</{tag}>\n")

    def empty(self, tag: str, attrs: Attrs | None = None) -> None:
        self._fh.write(f"{self._indent * self._depth}<{tag}{self._attrs(attrs)}/>\n")

    def leaf(self, tag: str, text: str | None, attrs: Attrs | None = None) -> None:
        """`<tag>text</tag>` on one line; nothing at all for None."""
        if text is None:
            return
        body = escape(xml_text(text))
        self._fh.write(f"{self._indent * self._depth}<{tag}{self._attrs(attrs)}>{body}</{tag}>\n")
