"""The termbase tables of the project file (the `glossary` migration set)."""

from __future__ import annotations

import sqlite3
from typing import TYPE_CHECKING

from sqlite_utils import Migrations

if TYPE_CHECKING:
    from sqlite_utils import Database

GLOSSARY = Migrations("glossary")


@GLOSSARY()
def m001_termbase(db: Database) -> None:
    db.execute(
        """CREATE TABLE glossary_entries (
            id INTEGER PRIMARY KEY,
            ja TEXT,
            en TEXT,
            acronym TEXT,
            status TEXT NOT NULL DEFAULT 'proposed'
                CHECK (status IN ('proposed', 'approved', 'deprecated', 'forbidden')),
            domain TEXT,
            definition TEXT,
            note TEXT,
            created TEXT NOT NULL,
            created_by TEXT NOT NULL,
            updated TEXT NOT NULL,
            updated_by TEXT NOT NULL,
            CHECK (coalesce(ja, '') <> '' OR coalesce(en, '') <> '' OR coalesce(acronym, '') <> '')
        )"""
    )
    db.execute("CREATE INDEX glossary_entries_status ON glossary_entries(status)")
    # Allowed variants in either language; forbidden renderings exist for English only.
    db.execute(
        """CREATE TABLE glossary_variants (
            id INTEGER PRIMARY KEY,
            entry_id INTEGER NOT NULL REFERENCES glossary_entries(id) ON DELETE CASCADE,
            lang TEXT NOT NULL CHECK (lang IN ('ja', 'en')),
            usage TEXT NOT NULL DEFAULT 'allowed' CHECK (usage IN ('allowed', 'forbidden')),
            text TEXT NOT NULL CHECK (text <> ''),
            CHECK (usage = 'allowed' OR lang = 'en'),
            UNIQUE (entry_id, lang, usage, text)
        )"""
    )
    # Pairs are referenced by name, not id: evidence stays readable when a pair is re-imported or deleted.
    db.execute(
        """CREATE TABLE glossary_sources (
            id INTEGER PRIMARY KEY,
            entry_id INTEGER NOT NULL REFERENCES glossary_entries(id) ON DELETE CASCADE,
            pair TEXT NOT NULL,
            lang TEXT CHECK (lang IN ('ja', 'en')),
            segment_index INTEGER,
            bead_index INTEGER,
            excerpt TEXT,
            added TEXT,
            added_by TEXT
        )"""
    )
    db.execute("CREATE INDEX glossary_variants_entry ON glossary_variants(entry_id)")
    db.execute("CREATE INDEX glossary_sources_entry ON glossary_sources(entry_id)")
    db.execute("CREATE INDEX glossary_sources_pair ON glossary_sources(pair)")
    # No foreign key: the history of a removed entry is kept.
    db.execute(
        """CREATE TABLE glossary_history (
            id INTEGER PRIMARY KEY,
            entry_id INTEGER NOT NULL,
            action TEXT NOT NULL CHECK (action IN ('add', 'edit', 'status', 'remove', 'import')),
            user TEXT NOT NULL,
            at TEXT NOT NULL,
            reason TEXT,
            before_json TEXT,
            after_json TEXT
        )"""
    )
    db.execute("CREATE INDEX glossary_history_entry ON glossary_history(entry_id, id)")
    # Folded keys (NFKC, kana, case, dashes, spaces) of every term, so lookups ignore width, kana and case.
    # Substring search uses instr() over this table, which unlike a trigram index also finds 1-2 characters.
    db.execute(
        """CREATE TABLE glossary_lookup (
            id INTEGER PRIMARY KEY,
            entry_id INTEGER NOT NULL REFERENCES glossary_entries(id) ON DELETE CASCADE,
            field TEXT NOT NULL
                CHECK (field IN ('ja', 'en', 'acronym', 'variant_ja', 'variant_en', 'forbidden_en')),
            term TEXT NOT NULL,
            key TEXT NOT NULL
        )"""
    )
    db.execute("CREATE INDEX glossary_lookup_key ON glossary_lookup(key, entry_id)")
    # Covering and in entry order: the substring scan reads only this index and groups without sorting.
    db.execute("CREATE INDEX glossary_lookup_entry ON glossary_lookup(entry_id, key, field)")
    # For people browsing the file in Datasette: one row per entry with its variants and evidence.
    db.execute(
        """CREATE VIEW glossary_overview AS
        SELECT e.id, e.ja, e.en, e.acronym, e.status, e.domain,
          (SELECT group_concat(v.text, ' | ') FROM glossary_variants v
            WHERE v.entry_id = e.id AND v.lang = 'ja') AS ja_variants,
          (SELECT group_concat(v.text, ' | ') FROM glossary_variants v
            WHERE v.entry_id = e.id AND v.lang = 'en' AND v.usage = 'allowed') AS en_variants,
          (SELECT group_concat(v.text, ' | ') FROM glossary_variants v
            WHERE v.entry_id = e.id AND v.usage = 'forbidden') AS forbidden_en,
          e.definition, e.note,
          (SELECT group_concat(s.pair || coalesce(' ' || s.lang, '') || coalesce(' #' || s.segment_index, '')
             || coalesce(' bead ' || s.bead_index, ''), '; ')
            FROM glossary_sources s WHERE s.entry_id = e.id) AS sources,
          e.created, e.created_by, e.updated, e.updated_by
        FROM glossary_entries e"""
    )


@GLOSSARY()
def m002_lookup_trigrams(db: Database) -> None:
    """A trigram index over lookup keys, so queries of 3+ characters need not scan every key.

    Patterns under 3 characters still scan (the trigram index cannot answer them). Where SQLite lacks
    the trigram tokenizer (before 3.34) the index is simply absent and every lookup scans.
    """
    try:
        db.execute(
            """CREATE VIRTUAL TABLE glossary_lookup_trigrams USING fts5(
                key, content='glossary_lookup', content_rowid='id',
                tokenize='trigram case_sensitive 1', detail='none')"""
        )
    except sqlite3.OperationalError as exc:
        if "tokenizer" in str(exc) or "fts5" in str(exc):
            return
        raise
    db.execute(
        """CREATE TRIGGER glossary_lookup_ai AFTER INSERT ON glossary_lookup BEGIN
            INSERT INTO glossary_lookup_trigrams(rowid, key) VALUES (new.id, new.key);
        END"""
    )
    db.execute(
        """CREATE TRIGGER glossary_lookup_ad AFTER DELETE ON glossary_lookup BEGIN
            INSERT INTO glossary_lookup_trigrams(glossary_lookup_trigrams, rowid, key)
            VALUES ('delete', old.id, old.key);
        END"""
    )
    db.execute(
        """CREATE TRIGGER glossary_lookup_au AFTER UPDATE ON glossary_lookup BEGIN
            INSERT INTO glossary_lookup_trigrams(glossary_lookup_trigrams, rowid, key)
            VALUES ('delete', old.id, old.key);
            INSERT INTO glossary_lookup_trigrams(rowid, key) VALUES (new.id, new.key);
        END"""
    )
    db.execute("INSERT INTO glossary_lookup_trigrams(glossary_lookup_trigrams) VALUES ('rebuild')")


@GLOSSARY()
def m003_location(db: Database) -> None:
    """Where the project's glossary lives when it is shared (`taiyaku glossary use PATH`); no row: here."""
    db.execute(
        """CREATE TABLE glossary_location (
            id INTEGER PRIMARY KEY CHECK (id = 1),
            path TEXT NOT NULL CHECK (path <> ''),
            set_at TEXT NOT NULL,
            set_by TEXT NOT NULL
        )"""
    )


@GLOSSARY()
def m004_lookup_grams(db: Database) -> None:
    """The 1-2 character index of lookup keys (glossary.lookup_grams), filled from the stored keys."""
    from glossary import lookup_grams

    lookup_grams.create(db)


@GLOSSARY()
def m005_lookup_status(db: Database) -> None:
    """Each lookup key carries its entry's status (0 approved … 3 forbidden, the order lookups show), so
    ranking thousands of matches reads no entry rows; the store writes it with the keys."""
    db.execute("ALTER TABLE glossary_lookup ADD COLUMN status_rank INTEGER NOT NULL DEFAULT 1")
    # The trigram index only reads `key`: its update trigger need not fire for this column.
    has_trigrams = db.execute(
        "SELECT 1 FROM sqlite_master WHERE type = 'trigger' AND name = 'glossary_lookup_au'"
    ).fetchone()
    db.execute("DROP TRIGGER IF EXISTS glossary_lookup_au")
    from glossary.lookup_grams import STATUS_ORDER

    ranks = " ".join(f"WHEN '{s}' THEN {i}" for i, s in enumerate(STATUS_ORDER))
    db.execute(
        f"""UPDATE glossary_lookup SET status_rank = (
            SELECT CASE e.status {ranks} END FROM glossary_entries e WHERE e.id = glossary_lookup.entry_id)"""
    )
    if has_trigrams:
        db.execute(
            """CREATE TRIGGER glossary_lookup_au AFTER UPDATE OF key ON glossary_lookup BEGIN
                INSERT INTO glossary_lookup_trigrams(glossary_lookup_trigrams, rowid, key)
                VALUES ('delete', old.id, old.key);
                INSERT INTO glossary_lookup_trigrams(rowid, key) VALUES (new.id, new.key);
            END"""
        )
    # the scan's covering index, now with the status
    db.execute("DROP INDEX glossary_lookup_entry")
    db.execute("CREATE INDEX glossary_lookup_entry ON glossary_lookup(entry_id, key, field, status_rank)")


@GLOSSARY()
def m006_lookup_latin(db: Database) -> None:
    """The 1-2 character index of plain-Latin pieces of lookup keys (glossary.lookup_latin), filled from
    the stored keys."""
    from glossary import lookup_latin

    lookup_latin.create(db)
