"""Importing an existing TMX translation memory as a pair whose beads are confirmed.

A TMX we wrote ourselves carries each bead's status and score as `<prop type="x-status|x-score">`: those
are kept, so an export → import round trip does not confirm beads nobody reviewed.
"""

from __future__ import annotations

import contextlib
import math
import os
import re
import sys
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Literal
from xml.etree.ElementTree import Element, ParseError

from sqlite_utils import Database

from alignment.bead_store import save_beads
from alignment.model import Bead, BeadStatus, Document, Lang, Segment
from alignment.progress import Progress, open_binary
from alignment.project import ProjectError, write
from alignment.store import create_pair, insert_document
from alignment.text import strip_controls
from alignment.textio import path_text
from alignment.xmlenc import expat_stream

XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
INLINE_CODES = frozenset({"bpt", "ept", "it", "ph", "ut"})
"""TMX elements holding native codes of the original format (RTF, HTML tags…), not translatable text."""
LANG_ALIASES: dict[str, Lang] = {"ja": "ja", "jpn": "ja", "jp": "ja", "en": "en", "eng": "en"}
SEPARATOR = "\n"
"""Between units in the imported documents: each unit becomes one segment, one line."""


MAX_TMX_BYTES = 2_000_000_000
"""Memories are streamed; what is kept grows with the units (a 40 MB, 200k-unit TMX takes ~0.5 GB)."""


class TmxError(ProjectError):
    """A file that is not a usable TMX (malformed, hostile, or without Japanese–English units)."""


MAX_UNIT = 20_000
"""Characters on one side of a unit, as text import bounds a segment (alignment.importer.MAX_SEGMENT): a
50 M-character unit would make `beads` and `align` run for minutes and out of memory."""
StatusChoice = Literal["auto", "confirmed"]


@dataclass(frozen=True, slots=True)
class TmxUnit:
    """One translation unit with text on both sides."""

    ja: str
    en: str
    status: BeadStatus | None = None
    """What the unit says (our own x-status), None when it says nothing."""
    score: float | None = None


@dataclass(frozen=True, slots=True)
class TranslationMemory:
    units: tuple[TmxUnit, ...]
    skipped: int
    """Units left out because one side is missing or empty."""
    languages: tuple[str, ...]
    """Every xml:lang seen in the file, as written, most frequent first."""
    encoding: str
    too_long: int = 0
    """Units left out because a side is longer than MAX_UNIT characters."""

    def warnings(self) -> list[str]:
        """One line for each thing a person should know before trusting the import."""
        lines = script_warnings(self.units)
        if self.too_long:
            lines.append(
                f"{self.too_long} units left out: a side longer than {MAX_UNIT:,} characters is not a "
                "sentence (split it, or import the text with `taiyaku import`)"
            )
        return lines


@dataclass(frozen=True, slots=True)
class TmxImport:
    pair: str
    units: int
    skipped: int
    confirmed: int = 0


def lang_of(code: str) -> Lang | None:
    """`ja-JP`, `JA`, `ja_JP`, `jpn` → `ja`; likewise English; anything else → None."""
    return LANG_ALIASES.get(re.split(r"[-_]", code.strip().lower(), maxsplit=1)[0])


def seg_text(seg: Element) -> str:
    """The text of a `<seg>`: its own text and `<hi>`-style children, without inline native codes.

    Walked with a stack, not recursion: a hostile file nesting `<hi>` thousands deep stays one line of error
    at most, never a RecursionError.
    """
    parts: list[str] = []
    stack: list[tuple[Element, bool]] = [(seg, False)]
    while stack:
        elem, tail_only = stack.pop()
        if tail_only:
            parts.append(elem.tail or "")
            continue
        parts.append(elem.text or "")
        for child in reversed(list(elem)):
            stack.append((child, True))  # its tail after it, whatever it holds
            if _local(child.tag) not in INLINE_CODES:
                stack.append((child, False))
    return "".join(parts)


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def read_tmx(path: str | os.PathLike[str], *, on_progress: Progress | None = None) -> TranslationMemory:
    """Stream a TMX file (1.1–1.4) with a hardened parser and keep its Japanese–English units.

    defusedxml refuses entity declarations (expansion bombs) and external entities (XXE), and nothing is
    ever fetched; a DOCTYPE naming tmx14.dtd, as many tools write, is fine.

    Raises:
        TmxError: unreadable, malformed or hostile XML, or not a TMX document (one-line message).
    """
    import defusedxml.ElementTree as safe_et
    from defusedxml import DefusedXmlException

    from alignment.textio import STDIN_NAME, check_input_file, is_stdin

    stdin = is_stdin(path)
    p = Path(STDIN_NAME if stdin else path)
    units: list[TmxUnit] = []
    languages: Counter[str] = Counter()
    skipped = too_long = 0
    try:
        try:
            if not stdin:
                check_input_file(p, MAX_TMX_BYTES)  # a FIFO or device would block or never end
        except TmxError:
            raise
        except ProjectError as exc:
            raise TmxError(str(exc)) from None
        # `import-tmx -` streams standard input, like a file but without a size to report progress against
        source = contextlib.nullcontext(sys.stdin.buffer) if stdin else open_binary(p, on_progress)
        with source as fh:  # progress: (bytes read, size)
            reader, encoding = expat_stream(fh, str(p))
            for unit, langs in _units(safe_et.iterparse(reader, ("start", "end")), p):
                languages.update(langs)
                if unit is None:
                    skipped += 1
                elif max(len(unit.ja), len(unit.en)) > MAX_UNIT:
                    too_long += 1
                else:
                    units.append(unit)
    except FileNotFoundError:
        raise TmxError(f"no such file: {p}") from None
    except IsADirectoryError:
        raise TmxError(f"{p} is a directory, not a TMX file") from None
    except PermissionError:
        raise TmxError(f"cannot read {p}: permission denied") from None
    except ParseError as exc:
        line, column = getattr(exc, "position", (0, 0))
        reason = str(exc).split(":", 1)[0]
        raise TmxError(f"{p} is not well-formed XML ({reason} at line {line}, column {column + 1})") from None
    except DefusedXmlException as exc:
        raise TmxError(f"{p} was refused: it declares XML entities or a DTD ({type(exc).__name__})") from None
    except UnicodeDecodeError as exc:
        raise TmxError(f"{p} is not valid {encoding} text ({exc.reason})") from None
    return TranslationMemory(
        tuple(units), skipped, tuple(lang for lang, _ in languages.most_common()), encoding, too_long
    )


def _units(events: Iterator[tuple[str, Element]], path: Path) -> Iterator[tuple[TmxUnit | None, list[str]]]:
    """(unit or None when a side is missing, the xml:lang codes of its variants) for every `<tu>`."""
    root: Element | None = None
    parent: Element | None = None
    depth = 0
    for event, elem in events:
        if event == "start":
            depth += 1
            if root is None:
                root = elem
                if _local(elem.tag) != "tmx":
                    raise TmxError(f"{path} is not a TMX file (its root element is <{_local(elem.tag)}>)")
            elif depth == 2:  # <body>: the units' parent
                parent = elem
            continue
        depth -= 1
        if _local(elem.tag) != "tu":
            continue
        yield _unit(elem)
        # Drop what has been read so a large memory is parsed in constant space.
        if parent is not None:
            parent.clear()
    if root is None:
        raise TmxError(f"{path} is empty")


def _props(tu: Element) -> tuple[BeadStatus | None, float | None]:
    """The bead status and score a taiyaku export stored on the unit; None for units that say nothing
    (translate-toolkit's po2tmx and OmegaT write every unit alike, reviewed or not)."""
    props = {c.get("type"): (c.text or "").strip() for c in tu if _local(c.tag) == "prop"}
    given = props.get("x-status")
    status: BeadStatus | None = "auto" if given == "auto" else "confirmed" if given == "confirmed" else None
    try:
        score = float(props["x-score"]) if "x-status" in props and props.get("x-score") else None
    except ValueError:
        score = None
    return status, score if score is None or math.isfinite(score) else None


def _unit(tu: Element) -> tuple[TmxUnit | None, list[str]]:
    texts: dict[Lang, str] = {}
    codes: list[str] = []
    for tuv in tu:
        if _local(tuv.tag) != "tuv":
            continue
        code = tuv.get(XML_LANG) or tuv.get("lang") or ""
        codes.append(code)
        lang = lang_of(code)
        seg = next((c for c in tuv if _local(c.tag) == "seg"), None)
        if lang is None or seg is None or lang in texts:
            continue
        texts[lang] = strip_controls(seg_text(seg))[0]  # never terminal escapes into the project
    ja, en = texts.get("ja", ""), texts.get("en", "")
    if not ja.strip() or not en.strip():
        return None, codes
    status, score = _props(tu)
    return TmxUnit(ja=ja, en=en, status=status, score=score), codes


def unit_document(
    texts: list[str], lang: Lang, source_path: str, encoding: str
) -> tuple[Document, list[Segment]]:
    """A document made of the units' texts, one per line, each one segment (offsets into that text)."""
    segments: list[Segment] = []
    pos = 0
    for index, text in enumerate(texts):
        segments.append(Segment(index=index, start=pos, end=pos + len(text), text=text))
        pos += len(text) + len(SEPARATOR)
    text = SEPARATOR.join(texts) + SEPARATOR
    doc = Document(
        id=None,
        pair_id=None,
        lang=lang,
        raw_text=text,
        text=text,
        offset_runs=((0, 0, len(text)),),
        encoding=encoding,
        source_path=source_path,
        segmented=True,
    )
    return doc, segments


def import_tmx(
    db: Database,
    path: str | os.PathLike[str],
    *,
    name: str | None = None,
    replace: bool = False,
    user: str | None = None,
    on_progress: Progress | None = None,
    status: StatusChoice | None = None,
) -> TmxImport:
    """Bring a TMX in as a new pair: one 1-1 bead per unit that has Japanese and English (see store_memory).

    The whole import is one transaction; on any error the project is unchanged.
    """
    p = Path(path)
    pair_name = (name if name is not None else path_text(p.stem)).strip()
    if not pair_name:
        raise TmxError("the pair name may not be empty (give --name)")
    memory = read_tmx(p, on_progress=on_progress)
    return store_memory(db, memory, p, pair_name, replace=replace, user=user, status=status)


def check_usable(memory: TranslationMemory, path: Path) -> None:
    """Refuse a memory without one unit that has both Japanese and English (before any project is touched)."""
    if not memory.units:
        seen = ", ".join(memory.languages[:6]) or "none"
        raise TmxError(
            f"{path} has no unit with both Japanese and English text "
            f"({memory.skipped} units; languages seen: {seen})"
        )


def store_memory(
    db: Database,
    memory: TranslationMemory,
    path: Path,
    pair_name: str,
    *,
    replace: bool = False,
    user: str | None = None,
    on_progress: Progress | None = None,
    status: StatusChoice | None = None,
) -> TmxImport:
    """Store a memory read by `read_tmx` as the pair `pair_name` (one transaction).

    `status`: every bead auto or confirmed; None keeps what each unit says (our x-status), else auto: a
    memory from another tool is not a review.

    `on_progress(done, 3)` after each of the three writes (Japanese, English, beads).
    """
    report = on_progress or (lambda done, total: None)
    check_usable(memory, path)
    shown = path_text(path)  # a name's bytes that are not UTF-8 cannot be stored as they are
    ja_doc, ja_segments = unit_document([u.ja for u in memory.units], "ja", shown, memory.encoding)
    en_doc, en_segments = unit_document([u.en for u in memory.units], "en", shown, memory.encoding)
    beads = [
        Bead(ja=(i, i + 1), en=(i, i + 1), status=status or u.status or "auto", score=u.score)
        for i, u in enumerate(memory.units)
    ]
    with write(db):
        pair_id = create_pair(db, pair_name, replace=replace)
        report(0, 3)
        insert_document(db, pair_id, ja_doc, ja_segments)
        report(1, 3)
        insert_document(db, pair_id, en_doc, en_segments)
        report(2, 3)
        save_beads(db, pair_id, beads, user=user)
        report(3, 3)
    return TmxImport(
        pair=pair_name,
        units=len(memory.units),
        skipped=memory.skipped,
        confirmed=sum(b.status == "confirmed" for b in beads),
    )


_JAPANESE = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff]")
_LATIN = re.compile(r"[A-Za-z]")


def _looks_japanese(text: str) -> bool:
    return bool(_JAPANESE.search(text))


def _looks_english(text: str) -> bool:
    return bool(_LATIN.search(text)) and not _JAPANESE.search(text)


def script_warnings(units: tuple[TmxUnit, ...]) -> list[str]:
    """Warnings when a side's script does not match its language: a "ja" side without Japanese, an "en"
    side in Japanese, or the two swapped (the swapped pair would align and export English as Japanese).

    Judged over the units, so a few English names on the Japanese side or a quoted Japanese term on the
    English side are fine: it takes a third of the units.
    """
    if not units:
        return []
    n = len(units)
    ja_not_japanese = sum(1 for u in units if not _looks_japanese(u.ja))
    en_japanese = sum(1 for u in units if _looks_japanese(u.en) and not _looks_japanese(u.ja))
    swapped = sum(1 for u in units if _looks_english(u.ja) and _looks_japanese(u.en))
    if swapped * 3 >= n:
        return [
            f"the languages look swapped: in {swapped} of {n} units the ja side is English and the en side "
            "Japanese (fix the file's xml:lang)"
        ]
    lines = []
    if ja_not_japanese * 3 >= n:
        lines.append(f"the ja side has no Japanese in {ja_not_japanese} of {n} units (is it Japanese?)")
    if en_japanese * 3 >= n:
        lines.append(f"the en side is Japanese in {en_japanese} of {n} units (is it English?)")
    return lines
