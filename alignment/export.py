"""Exporting aligned pairs: JSONL (one object per bead), TSV (JA and EN columns) and TMX 1.4b (streamed)."""

from __future__ import annotations

import datetime as dt
import functools
import json
import re
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Literal, TextIO

from alignment import outfile
from alignment.cells import neutralise
from alignment.clause_beads import ClauseIndex, inside
from alignment.model import Bead, Level, Pair
from alignment.project import ProjectError
from alignment.xmlwrite import XmlWriter, xml_text

if TYPE_CHECKING:
    from sqlite_utils import Database

# Records are produced lazily from the project, one bead at a time, and every writer streams them, so the
# size of an export is bounded by the disk, not by memory. Files are written to a temporary name and renamed.
Format = Literal["jsonl", "tsv", "tmx"]
FORMATS: tuple[Format, ...] = ("jsonl", "tsv", "tmx")
TOOL = "taiyaku"

__all__ = ["FORMATS", "BeadRecord", "bead_records", "export", "tsv_field", "xml_text"]
_TSV_ESCAPES = {"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"}
_TSV_SPECIAL = re.compile(r"[\\\t\n\r]")


@dataclass(frozen=True, slots=True)
class BeadRecord:
    """One bead with its text, as every format sees it."""

    pair: str
    index: int
    """Position of the bead in the pair's alignment (not part of the JSONL object)."""
    ja: tuple[str, ...]
    en: tuple[str, ...]
    ja_index: tuple[int, ...]
    en_index: tuple[int, ...]
    type: str
    status: str
    score: float | None
    within: Within | None = None
    """At clause level: where the clause bead sits at sentence level."""

    def as_json(self) -> dict[str, object]:
        """Exactly the keys of the JSONL format, in its order (clause beads add their sentence bead's)."""
        out: dict[str, object] = {
            "pair": self.pair,
            "ja": list(self.ja),
            "en": list(self.en),
            "ja_index": list(self.ja_index),
            "en_index": list(self.en_index),
            "type": self.type,
            "status": self.status,
            "score": self.score,
        }
        if self.within is not None:
            out.update(self.within.as_json())
        return out


@dataclass(frozen=True, slots=True)
class Within:
    """A clause bead's place at sentence level: its sentence bead (1-based, as people count) and sentences."""

    bead: int
    clause: int
    """The clause bead's number inside its sentence bead (1-based)."""
    ja_sentence_index: tuple[int, ...]
    en_sentence_index: tuple[int, ...]
    sentence_status: str

    def as_json(self) -> dict[str, object]:
        return {
            "sentence_bead": self.bead,
            "clause": self.clause,
            "ja_sentence_index": list(self.ja_sentence_index),
            "en_sentence_index": list(self.en_sentence_index),
        }


def bead_records(
    db: Database, pairs: Sequence[Pair], *, level: Level = "sentence", confirmed_only: bool = False
) -> Iterator[BeadRecord]:
    """The beads of `pairs` in order; pairs with no beads at `level` yield nothing.

    At clause level `confirmed_only` keeps the clause beads of sentences a person checked: inside a
    confirmed sentence bead, or a sentence bead whose clause beads are all confirmed.
    """
    from alignment import bead_store, store

    if level == "clause":
        yield from _clause_records(db, pairs, confirmed_only=confirmed_only)
        return
    for pair in pairs:
        beads = bead_store.get_beads(db, pair.id, level)
        if not beads:
            continue
        ja = [s.text for s in store.pair_segments(db, pair, "ja", level)]
        en = [s.text for s in store.pair_segments(db, pair, "en", level)]
        for index, bead in enumerate(beads):
            if confirmed_only and bead.status != "confirmed":
                continue
            if bead.ja[1] > len(ja) or bead.en[1] > len(en):
                raise ProjectError(f"pair {pair.name!r}: a bead points past the segments; align it again")
            yield BeadRecord(
                pair=pair.name,
                index=index,
                ja=tuple(ja[slice(*bead.ja)]),
                en=tuple(en[slice(*bead.en)]),
                ja_index=tuple(bead.ja_indexes),
                en_index=tuple(bead.en_indexes),
                type=bead.type,
                status=bead.status,
                score=bead.score,
            )


def _clause_records(db: Database, pairs: Sequence[Pair], *, confirmed_only: bool) -> Iterator[BeadRecord]:
    from alignment import bead_store, store

    for pair in pairs:
        beads = bead_store.get_beads(db, pair.id, "clause")
        if not beads:
            continue
        ja = store.pair_segments(db, pair, "ja", "clause")
        en = store.pair_segments(db, pair, "en", "clause")
        sentences = bead_store.get_beads(db, pair.id)
        n_ja = max((b.ja[1] for b in sentences), default=0)
        n_en = max((b.en[1] for b in sentences), default=0)
        index = ClauseIndex.from_parents([c.parent for c in ja], [c.parent for c in en], n_ja, n_en)
        holder = _holders(beads, sentences, index)
        checked = {
            k
            for k, s in enumerate(sentences)
            if s.status == "confirmed"
            or all(beads[j].status == "confirmed" for j, h in enumerate(holder) if h == k)
        }
        numbers: dict[int, int] = {}
        for position, bead in enumerate(beads):
            k = holder[position]
            numbers[k] = numbers.get(k, 0) + 1
            if confirmed_only and k not in checked:
                continue
            if bead.ja[1] > len(ja) or bead.en[1] > len(en):
                raise ProjectError(f"pair {pair.name!r}: a bead points past the segments; align it again")
            own = sentences[k] if 0 <= k < len(sentences) else None
            yield BeadRecord(
                pair=pair.name,
                index=position,
                # Rule-cut clauses keep the space before the next one (they tile the sentence): not text.
                ja=tuple(c.text.strip() for c in ja[slice(*bead.ja)]),
                en=tuple(c.text.strip() for c in en[slice(*bead.en)]),
                ja_index=tuple(bead.ja_indexes),
                en_index=tuple(bead.en_indexes),
                type=bead.type,
                status=bead.status,
                score=bead.score,
                within=Within(
                    k + 1,
                    numbers[k],
                    tuple(sorted({c.parent for c in ja[slice(*bead.ja)] if c.parent is not None})),
                    tuple(sorted({c.parent for c in en[slice(*bead.en)] if c.parent is not None})),
                    own.status if own is not None else "",
                ),
            )


def _holders(clauses: Sequence[Bead], sentences: Sequence[Bead], index: ClauseIndex) -> list[int]:
    """The sentence bead holding each clause bead (both lists are in order: one walk); -1 for none."""
    spans = [index.clauses_of(s) for s in sentences]
    out: list[int] = []
    k = 0
    for bead in clauses:
        while (
            k < len(spans)
            and not inside(bead, *spans[k])
            and spans[k][0][1] <= bead.ja[0]
            and spans[k][1][1] <= bead.en[0]
        ):
            k += 1
        out.append(k if k < len(spans) and inside(bead, *spans[k]) else -1)
    return out


# --- writers --------------------------------------------------------------------------------------------


def write_jsonl(records: Iterable[BeadRecord], out: TextIO) -> int:
    count = 0
    for rec in records:
        out.write(json.dumps(rec.as_json(), ensure_ascii=False) + "\n")
        count += 1
    return count


def tsv_field(text: str) -> str:
    r"""Escape a TSV cell so that a tab or line break in the text cannot split a row (backslash first), and
    neutralise a formula-like cell (a spreadsheet would run `=HYPERLINK(…)` from an untrusted PDF).

    >>> print(tsv_field("a\tb\nc\\d"))
    a\tb\nc\\d
    >>> print(tsv_field("=1+2"))
    '=1+2
    """
    return neutralise(_TSV_SPECIAL.sub(lambda m: _TSV_ESCAPES[m.group()], text))


def write_tsv(records: Iterable[BeadRecord], out: TextIO) -> int:
    """Two columns, JA then EN; the segments of a side are joined with a space."""
    count = 0
    for rec in records:
        out.write(tsv_field(" ".join(rec.ja)) + "\t" + tsv_field(" ".join(rec.en)) + "\n")
        count += 1
    return count


TMX_JOIN = {"ja": "", "en": " "}
"""How the segments of a multi-segment side are joined in TMX: Japanese has no spaces between sentences."""


def write_tmx(records: Iterable[BeadRecord], out: TextIO, *, segtype: str = "sentence") -> int:
    """TMX 1.4b with srclang ja: one <tu> per bead that has text on both sides, metadata as <prop>s."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        tool_version = version("taiyaku")
    except PackageNotFoundError:
        tool_version = "0"
    tmx = XmlWriter(out)
    tmx.declaration()
    tmx.start("tmx", {"version": "1.4"})
    tmx.empty(
        "header",
        {
            "creationtool": TOOL,
            "creationtoolversion": tool_version,
            "segtype": segtype,
            "o-tmf": TOOL,
            "adminlang": "en",
            "srclang": "ja",
            "datatype": "plaintext",
            "creationdate": dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ"),
        },
    )
    tmx.start("body")
    count = 0
    for rec in records:
        if not rec.ja or not rec.en:
            continue
        tmx.start("tu", {"tuid": f"{rec.pair}:{rec.index}", "srclang": "ja"})
        for prop, value in (
            ("x-pair", rec.pair),
            ("x-type", rec.type),
            ("x-status", rec.status),
            ("x-score", "" if rec.score is None else repr(rec.score)),
            ("x-ja-index", " ".join(map(str, rec.ja_index))),
            ("x-en-index", " ".join(map(str, rec.en_index))),
            ("x-sentence-bead", str(rec.within.bead) if rec.within else ""),
            ("x-clause", str(rec.within.clause) if rec.within else ""),
        ):
            if value:  # a bead a person made has no score yet: no empty <prop>
                tmx.leaf("prop", value, {"type": prop})
        for lang, side in (("ja", rec.ja), ("en", rec.en)):
            tmx.start("tuv", {"xml:lang": lang})
            tmx.leaf("seg", TMX_JOIN[lang].join(side))
            tmx.end("tuv")
        tmx.end("tu")
        count += 1
    tmx.end("body")
    tmx.end("tmx")
    return count


WRITERS: dict[Format, Callable[[Iterable[BeadRecord], TextIO], int]] = {
    "jsonl": write_jsonl,
    "tsv": write_tsv,
    "tmx": write_tmx,
}


def export(
    records: Iterable[BeadRecord],
    fmt: Format,
    path: str | Path | None = None,
    *,
    stdout: TextIO | None = None,
    level: Level = "sentence",
) -> int:
    """Write `records` in `fmt` to `path` atomically (or to stdout); returns how many records were written."""
    if fmt not in WRITERS:
        raise ProjectError(f"unknown export format {fmt!r} (choose {', '.join(FORMATS)})")
    writer = WRITERS[fmt]
    if fmt == "tmx" and level == "clause":  # TMX's name for units below the sentence
        writer = functools.partial(write_tmx, segtype="phrase")
    if outfile.is_stdout(path):
        return writer(records, stdout or sys.stdout)
    assert path is not None
    count = 0

    def write(tmp: Path) -> None:
        nonlocal count
        with tmp.open("w", encoding="utf-8", newline="\n") as fh:
            count = writer(records, fh)

    outfile.write_file(path, write)
    return count
