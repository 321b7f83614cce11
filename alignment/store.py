"""Reading and writing the corpus tables (pairs, documents, segments, beads). Rows become dataclasses here."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from typing import Any

from sqlite_utils import Database

from alignment.model import Bead, Document, Lang, Level, Pair, PairSummary, Segment
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


# --- beads --------------------------------------------------------------------------------------------


def _bead(row: dict[str, Any]) -> Bead:
    return Bead(
        ja=(row["ja_start"], row["ja_end"]),
        en=(row["en_start"], row["en_end"]),
        score=row["score"],
        status=row["status"],
        id=row["id"],
        updated_by=row["updated_by"],
        updated_at=row["updated_at"],
    )


def get_beads(db: Database, pair_id: int, level: Level = "sentence") -> list[Bead]:
    # Plain tuples rather than sqlite-utils' dict rows: three times faster on a 20,000-bead pair.
    rows = db.execute(
        "SELECT ja_start, ja_end, en_start, en_end, score, status, id, updated_by, updated_at"
        " FROM beads WHERE pair_id = ? AND level = ? ORDER BY ord",
        [pair_id, level],
    ).fetchall()
    return [Bead((r[0], r[1]), (r[2], r[3]), r[4], r[5], r[6], r[7], r[8]) for r in rows]


def save_beads(
    db: Database, pair_id: int, beads: Iterable[Bead], level: Level = "sentence", user: str | None = None
) -> None:
    """Replace the pair's beads at `level` with `beads`, in order, in one transaction."""
    ts = now()
    with write(db):
        db.execute("DELETE FROM beads WHERE pair_id = ? AND level = ?", [pair_id, level])
        db.conn.executemany(
            """INSERT INTO beads (pair_id, level, ord, ja_start, ja_end, en_start, en_end, score, status,
               updated_by, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
            (
                (
                    pair_id,
                    level,
                    i,
                    b.ja[0],
                    b.ja[1],
                    b.en[0],
                    b.en[1],
                    b.score,
                    b.status,
                    b.updated_by or user,
                    b.updated_at or ts,
                )
                for i, b in enumerate(beads)
            ),
        )
        touch_pair(db, pair_id)


ORD_STRIDE = 16
"""Beads are re-spaced by this factor when an edit needs room between two `ord` values."""


_STALE = "the alignment of this pair was changed by another program; reopen the pair"


def _bead_key(pair_id: int, level: Level, bead: Bead) -> list[object]:
    """A stored bead is found by id *and* content: SQLite reuses the ids of deleted rows."""
    return [bead.id, pair_id, level, bead.ja[0], bead.ja[1], bead.en[0], bead.en[1], bead.status]


_BEAD_MATCH = (
    "id = ? AND pair_id = ? AND level = ? AND ja_start = ? AND ja_end = ? AND en_start = ? AND en_end = ?"
    " AND status = ?"
)


def _bead_ord(db: Database, pair_id: int, level: Level, bead: Bead) -> int:
    row = db.execute(f"SELECT ord FROM beads WHERE {_BEAD_MATCH}", _bead_key(pair_id, level, bead)).fetchone()
    if row is None:
        raise ProjectError(_STALE)
    return int(row[0])


def replace_beads(
    db: Database,
    pair_id: int,
    current: Sequence[Bead],
    start: int,
    stop: int,
    new: Sequence[Bead],
    *,
    level: Level = "sentence",
    user: str | None = None,
) -> list[Bead]:
    """Replace `current[start:stop]` by `new`, touching only those rows (one transaction).

    `current` is the pair's bead list as loaded (beads carry their row ids). Rows keep gaps in `ord` so an
    edit in the middle of a 20,000-bead alignment does not renumber the rest; when a gap runs out, the pair
    is re-spaced once. Returns `new` as stored: with row ids and who/when stamps.
    """
    ts = now()
    with write(db):
        old = current[start:stop]
        if any(b.id is None for b in old):
            raise ProjectError("cannot replace beads that were never stored")
        lo = _bead_ord(db, pair_id, level, current[start - 1]) if start > 0 else None
        hi = _bead_ord(db, pair_id, level, current[stop]) if stop < len(current) else None
        cur = db.conn.executemany(
            f"DELETE FROM beads WHERE {_BEAD_MATCH}", [_bead_key(pair_id, level, b) for b in old]
        )
        if cur.rowcount != len(old):
            raise ProjectError(_STALE)
        k = len(new)
        while lo is not None and hi is not None and hi - lo - 1 < k:
            db.execute(
                "UPDATE beads SET ord = ord * ? WHERE pair_id = ? AND level = ?", [ORD_STRIDE, pair_id, level]
            )
            lo, hi = lo * ORD_STRIDE, hi * ORD_STRIDE
        first = lo + 1 if lo is not None else (hi - k if hi is not None else 0)
        stamped = [
            Bead(
                ja=b.ja,
                en=b.en,
                score=b.score,
                status=b.status,
                updated_by=b.updated_by or user,
                updated_at=b.updated_at or ts,
            )
            for b in new
        ]
        db.conn.executemany(
            "INSERT INTO beads (pair_id, level, ord, ja_start, ja_end, en_start, en_end, score, status,"
            " updated_by, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                (
                    pair_id,
                    level,
                    first + n,
                    b.ja[0],
                    b.ja[1],
                    b.en[0],
                    b.en[1],
                    b.score,
                    b.status,
                    b.updated_by,
                    b.updated_at,
                )
                for n, b in enumerate(stamped)
            ],
        )
        if k:
            ids = [
                r[0]
                for r in db.execute(
                    "SELECT id FROM beads WHERE pair_id = ? AND level = ? AND ord BETWEEN ? AND ? ORDER BY ord",
                    [pair_id, level, first, first + k - 1],
                )
            ]
            stamped = [
                Bead(
                    ja=b.ja,
                    en=b.en,
                    score=b.score,
                    status=b.status,
                    id=i,
                    updated_by=b.updated_by,
                    updated_at=b.updated_at,
                )
                for b, i in zip(stamped, ids, strict=True)
            ]
        touch_pair(db, pair_id)
    return stamped
