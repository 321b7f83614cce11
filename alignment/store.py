"""Reading and writing the corpus tables: pairs, documents and segments (beads: bead_store). Rows become
dataclasses here."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from sqlite_utils import Database

from alignment.model import Document, Lang, Level, Pair, PairSummary, Segment
from alignment.project import ProjectError, now, write


class NotFound(ProjectError):
    pass


# --- pairs --------------------------------------------------------------------------------------------


def _pair(row: dict[str, Any]) -> Pair:
    return Pair(id=row["id"], name=row["name"], created=row["created"], updated=row["updated"])


def get_pair(db: Database, name: str) -> Pair:
    rows = list(db.query("SELECT * FROM pairs WHERE name = ?", [name]))
    if not rows:
        raise NotFound(f"no pair named {name!r} (see `taiyaku pairs`)")
    return _pair(rows[0])


def get_pair_by_id(db: Database, pair_id: int) -> Pair:
    rows = list(db.query("SELECT * FROM pairs WHERE id = ?", [pair_id]))
    if not rows:
        raise NotFound(f"no pair with id {pair_id} (removed since?)")
    return _pair(rows[0])


def pair_exists(db: Database, name: str) -> bool:
    return bool(list(db.query("SELECT 1 FROM pairs WHERE name = ?", [name])))


def list_pairs(db: Database) -> list[Pair]:
    return [_pair(r) for r in db.query("SELECT * FROM pairs ORDER BY name")]


def resolve_pairs(db: Database, name: str | None, all_: bool) -> list[Pair]:
    """The NAME|--all convention of the CLI."""
    if all_ and name:
        raise ProjectError("give a pair NAME or --all, not both")
    if all_:
        return list_pairs(db)
    if not name:
        raise ProjectError("give a pair NAME or --all")
    return [get_pair(db, name)]


def touch_pair(db: Database, pair_id: int) -> None:
    """Note a change of the pair's beads or text (its revision tells screens what they show is stale)."""
    db.execute("UPDATE pairs SET updated = ?, revision = revision + 1 WHERE id = ?", [now(), pair_id])


def pair_revision(db: Database, pair_id: int) -> int:
    row = db.execute("SELECT revision FROM pairs WHERE id = ?", [pair_id]).fetchone()
    if row is None:
        raise NotFound(f"no pair with id {pair_id} (removed since?)")
    return int(row[0])


def delete_pair(db: Database, name: str) -> None:
    with write(db):
        db.execute("DELETE FROM pairs WHERE name = ?", [name])


PAIR_SUMMARY_SQL = """
SELECT p.name,
  (SELECT count(*) FROM segments s JOIN documents d ON s.document_id = d.id
    WHERE d.pair_id = p.id AND d.lang = 'ja' AND s.level = 'sentence') AS ja_sentences,
  (SELECT count(*) FROM segments s JOIN documents d ON s.document_id = d.id
    WHERE d.pair_id = p.id AND d.lang = 'en' AND s.level = 'sentence') AS en_sentences,
  (SELECT count(*) FROM segments s JOIN documents d ON s.document_id = d.id
    WHERE d.pair_id = p.id AND d.lang = 'ja' AND s.level = 'clause') AS ja_clauses,
  (SELECT count(*) FROM segments s JOIN documents d ON s.document_id = d.id
    WHERE d.pair_id = p.id AND d.lang = 'en' AND s.level = 'clause') AS en_clauses,
  (SELECT count(*) FROM beads b WHERE b.pair_id = p.id AND b.level = 'sentence') AS beads,
  (SELECT count(*) FROM beads b WHERE b.pair_id = p.id AND b.level = 'sentence'
    AND b.status = 'confirmed') AS confirmed,
  coalesce((SELECT s.text FROM segments s JOIN documents d ON s.document_id = d.id
    WHERE d.pair_id = p.id AND d.lang = 'ja' AND s.level = 'sentence' ORDER BY s.idx LIMIT 1), '') AS title
FROM pairs p"""
"""The one query behind every pair summary: `taiyaku pairs`, the app's pair list, the `pair_overview` view."""


def pair_summaries(db: Database) -> list[PairSummary]:
    return [PairSummary(**row) for row in db.query(PAIR_SUMMARY_SQL + " ORDER BY p.name")]


def pair_sizes(db: Database) -> dict[int, int]:
    """Characters of each pair's documents, by pair id (a batch sends the largest first)."""
    rows = db.execute("SELECT pair_id, sum(length(text)) FROM documents GROUP BY pair_id").fetchall()
    return {int(pair_id): int(size or 0) for pair_id, size in rows}


# --- documents and segments ---------------------------------------------------------------------------


def _document(row: dict[str, Any]) -> Document:
    return Document(
        id=row["id"],
        pair_id=row["pair_id"],
        lang=row["lang"],
        raw_text=row["raw_text"],
        text=row["text"],
        offset_runs=tuple(tuple(r) for r in json.loads(row["offset_map"])),
        encoding=row["encoding"],
        source_path=row["source_path"],
        segmented=bool(row["segmented"]),
    )


def get_document(db: Database, pair_id: int, lang: Lang) -> Document | None:
    rows = list(db.query("SELECT * FROM documents WHERE pair_id = ? AND lang = ?", [pair_id, lang]))
    return _document(rows[0]) if rows else None


def get_segments(db: Database, document_id: int, level: Level = "sentence") -> list[Segment]:
    sql = """SELECT s.id, s.idx, s.start, s."end", s.text, s.level, p.idx AS parent_idx
             FROM segments s LEFT JOIN segments p ON s.parent_id = p.id
             WHERE s.document_id = ? AND s.level = ? ORDER BY s.idx"""
    return [
        Segment(
            index=r["idx"],
            start=r["start"],
            end=r["end"],
            text=r["text"],
            level=r["level"],
            parent=r["parent_idx"],
            id=r["id"],
        )
        for r in db.query(sql, [document_id, level])
    ]


def segment_texts(db: Database, pair_id: int, lang: Lang, level: Level = "sentence") -> list[str]:
    """Just the texts of a document's segments, in order (what a view of 20,000 segments needs, quickly)."""
    return [
        r[0]
        for r in db.execute(
            "SELECT s.text FROM segments s JOIN documents d ON s.document_id = d.id"
            " WHERE d.pair_id = ? AND d.lang = ? AND s.level = ? ORDER BY s.idx",
            [pair_id, lang, level],
        )
    ]


def segment_starts(db: Database, pair_id: int, lang: Lang, level: Level = "sentence") -> list[int]:
    """The start offsets of a document's segments, in order (with segment_texts: a light view of 20,000)."""
    return [
        r[0]
        for r in db.execute(
            "SELECT s.start FROM segments s JOIN documents d ON s.document_id = d.id"
            " WHERE d.pair_id = ? AND d.lang = ? AND s.level = ? ORDER BY s.idx",
            [pair_id, lang, level],
        )
    ]


def has_segments(db: Database, pair_id: int, lang: Lang, level: Level) -> bool:
    row = db.execute(
        "SELECT 1 FROM segments s JOIN documents d ON s.document_id = d.id"
        " WHERE d.pair_id = ? AND d.lang = ? AND s.level = ? LIMIT 1",
        [pair_id, lang, level],
    ).fetchone()
    return row is not None


def clause_parents(db: Database, pair_id: int, lang: Lang) -> list[int | None]:
    """The sentence index of each clause of a document, in clause order (light: no text is read)."""
    return [
        r[0]
        for r in db.execute(
            "SELECT p.idx FROM segments s JOIN documents d ON s.document_id = d.id"
            " LEFT JOIN segments p ON s.parent_id = p.id"
            " WHERE d.pair_id = ? AND d.lang = ? AND s.level = 'clause' ORDER BY s.idx",
            [pair_id, lang],
        )
    ]


def pair_segments(db: Database, pair: Pair, lang: Lang, level: Level = "sentence") -> list[Segment]:
    doc = get_document(db, pair.id, lang)
    return get_segments(db, doc.id, level) if doc and doc.id is not None else []


def insert_document(
    db: Database,
    pair_id: int,
    doc: Document,
    sentences: Sequence[Segment],
    clauses: Sequence[Segment] = (),
) -> int:
    """Insert a document with its sentence and clause segments (caller holds the transaction)."""
    document_id = (
        db.table("documents")
        .insert(
            {
                "pair_id": pair_id,
                "lang": doc.lang,
                "source_path": doc.source_path,
                "encoding": doc.encoding,
                "segmented": int(doc.segmented),
                "raw_text": doc.raw_text,
                "text": doc.text,
                "offset_map": json.dumps([list(r) for r in doc.offset_runs]),
                "created": now(),
            }
        )
        .last_pk
    )
    assert isinstance(document_id, int)  # an INTEGER PRIMARY KEY
    replace_segments(db, document_id, sentences, clauses)
    return document_id


def replace_segments(
    db: Database, document_id: int, sentences: Sequence[Segment], clauses: Sequence[Segment] = ()
) -> None:
    db.execute("DELETE FROM segments WHERE document_id = ?", [document_id])
    # executemany, not insert_all: sqlite-utils builds each chunk's SQL in Python, 4x slower on a 200k-unit TMX
    db.conn.executemany(
        _INSERT_SEGMENT, ((document_id, "sentence", s.index, s.start, s.end, None, s.text) for s in sentences)
    )
    if clauses:
        sentence_ids = dict(
            db.execute(
                "SELECT idx, id FROM segments WHERE document_id = ? AND level = 'sentence'", [document_id]
            ).fetchall()
        )
        db.conn.executemany(
            _INSERT_SEGMENT,
            (
                (
                    document_id,
                    "clause",
                    c.index,
                    c.start,
                    c.end,
                    sentence_ids.get(c.parent) if c.parent is not None else None,
                    c.text,
                )
                for c in clauses
            ),
        )


_INSERT_SEGMENT = 'INSERT INTO segments (document_id, level, idx, start, "end", parent_id, text) VALUES (?, ?, ?, ?, ?, ?, ?)'


def create_pair(db: Database, name: str, *, replace: bool = False) -> int:
    """Create an empty pair row (caller holds the transaction)."""
    if pair_exists(db, name):
        if not replace:
            raise ProjectError(f"a pair named {name!r} already exists (use --replace to re-import it)")
        db.execute("DELETE FROM pairs WHERE name = ?", [name])
    ts = now()
    pair_id = db.table("pairs").insert({"name": name, "created": ts, "updated": ts}).last_pk
    assert isinstance(pair_id, int)  # an INTEGER PRIMARY KEY
    return pair_id


def segment_count(db: Database, pair_ids: Sequence[int], level: Level = "sentence") -> int:
    """How many segments (both sides) the pairs have at `level`."""
    marks = ", ".join("?" * len(pair_ids))
    row = db.execute(
        "SELECT count(*) FROM segments s JOIN documents d ON d.id = s.document_id"
        f" WHERE s.level = ? AND d.pair_id IN ({marks})",
        [level, *pair_ids],
    ).fetchone()
    return int(row[0])
