"""The corpus tables of a project (pairs, documents, segments, beads, caches), as numbered migrations."""

from __future__ import annotations

from sqlite_utils import Database, Migrations

ALIGNMENT = Migrations("alignment")


@ALIGNMENT()
def m001_corpus(db: Database) -> None:
    db.execute(
        """CREATE TABLE pairs (
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL UNIQUE,
            created TEXT NOT NULL,
            updated TEXT NOT NULL
        )"""
    )
    db.execute(
        """CREATE TABLE documents (
            id INTEGER PRIMARY KEY,
            pair_id INTEGER NOT NULL REFERENCES pairs(id) ON DELETE CASCADE,
            lang TEXT NOT NULL CHECK (lang IN ('ja', 'en')),
            source_path TEXT,
            encoding TEXT,
            segmented INTEGER NOT NULL DEFAULT 0,
            raw_text TEXT NOT NULL,
            text TEXT NOT NULL,
            offset_map TEXT NOT NULL,
            created TEXT NOT NULL,
            UNIQUE (pair_id, lang)
        )"""
    )
    db.execute(
        """CREATE TABLE segments (
            id INTEGER PRIMARY KEY,
            document_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
            level TEXT NOT NULL CHECK (level IN ('sentence', 'clause')),
            idx INTEGER NOT NULL,
            start INTEGER NOT NULL,
            "end" INTEGER NOT NULL,
            parent_id INTEGER REFERENCES segments(id) ON DELETE CASCADE,
            text TEXT NOT NULL,
            UNIQUE (document_id, level, idx)
        )"""
    )
    db.execute("CREATE INDEX segments_parent ON segments(parent_id)")
    db.execute(
        """CREATE TABLE beads (
            id INTEGER PRIMARY KEY,
            pair_id INTEGER NOT NULL REFERENCES pairs(id) ON DELETE CASCADE,
            level TEXT NOT NULL CHECK (level IN ('sentence', 'clause')),
            ord INTEGER NOT NULL,
            ja_start INTEGER NOT NULL,
            ja_end INTEGER NOT NULL,
            en_start INTEGER NOT NULL,
            en_end INTEGER NOT NULL,
            score REAL,
            status TEXT NOT NULL DEFAULT 'auto' CHECK (status IN ('auto', 'confirmed')),
            updated_by TEXT,
            updated_at TEXT
        )"""
    )
    db.execute("CREATE INDEX beads_pair ON beads(pair_id, level, ord)")
    # Caches keyed by a hash of (model, text): unchanged text is never embedded or parsed twice.
    db.execute(
        """CREATE TABLE embeddings (
            key TEXT PRIMARY KEY,
            model TEXT NOT NULL,
            dim INTEGER NOT NULL,
            vector BLOB NOT NULL
        )"""
    )
    db.execute(
        """CREATE TABLE parses (
            key TEXT PRIMARY KEY,
            model TEXT NOT NULL,
            data TEXT NOT NULL
        )"""
    )
