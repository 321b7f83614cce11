"""The span tables of the project file (the `spans` migration set): entity spans, acronym definitions, runs."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlite_utils import Migrations

if TYPE_CHECKING:
    from sqlite_utils import Database

SPANS = Migrations("spans")


@SPANS()
def m001_spans(db: Database) -> None:
    # pair_id and lang repeat what document_id implies, so listings and exports need no join.
    # One row per (document, range, label): every source proposing the same span updates that row, and a
    # person's accepted/rejected decision on it survives any later suggestion run.
    db.execute(
        """CREATE TABLE spans (
            id INTEGER PRIMARY KEY,
            pair_id INTEGER NOT NULL REFERENCES pairs(id) ON DELETE CASCADE,
            document_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
            lang TEXT NOT NULL CHECK (lang IN ('ja', 'en')),
            segment_idx INTEGER,
            start INTEGER NOT NULL CHECK (start >= 0),
            "end" INTEGER NOT NULL,
            label TEXT NOT NULL CHECK (label <> ''),
            source TEXT NOT NULL CHECK (source IN ('ginza', 'acronym', 'glossary', 'user')),
            status TEXT NOT NULL DEFAULT 'suggested' CHECK (status IN ('suggested', 'accepted', 'rejected')),
            entry_id INTEGER REFERENCES glossary_entries(id) ON DELETE SET NULL,
            hint TEXT,
            created_by TEXT NOT NULL,
            created_at TEXT NOT NULL,
            updated_by TEXT NOT NULL,
            updated_at TEXT NOT NULL,
            CHECK ("end" > start),
            UNIQUE (document_id, start, "end", label)
        )"""
    )
    db.execute("CREATE INDEX spans_pair ON spans(pair_id, lang, segment_idx)")
    db.execute("CREATE INDEX spans_entry ON spans(entry_id)")
    # Acronym definitions found by the last `suggest` run on a document (derived data, replaced each run);
    # harvest reads them. Offsets are into the document text, like spans.
    db.execute(
        """CREATE TABLE acronym_definitions (
            id INTEGER PRIMARY KEY,
            pair_id INTEGER NOT NULL REFERENCES pairs(id) ON DELETE CASCADE,
            document_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
            lang TEXT NOT NULL CHECK (lang IN ('ja', 'en')),
            segment_idx INTEGER,
            rule TEXT NOT NULL,
            short TEXT,
            short_start INTEGER,
            short_end INTEGER,
            ja TEXT,
            ja_start INTEGER,
            ja_end INTEGER,
            en TEXT,
            en_start INTEGER,
            en_end INTEGER
        )"""
    )
    db.execute("CREATE INDEX acronym_definitions_pair ON acronym_definitions(pair_id, document_id)")
    db.execute("CREATE INDEX acronym_definitions_short ON acronym_definitions(short)")
    # When suggestions last ran on a document, so harvest knows whether stored definitions are current.
    db.execute(
        """CREATE TABLE suggest_runs (
            document_id INTEGER PRIMARY KEY REFERENCES documents(id) ON DELETE CASCADE,
            ran_at TEXT NOT NULL,
            ran_by TEXT NOT NULL,
            text_hash TEXT NOT NULL
        )"""
    )


@SPANS()
def m002_entry_link_without_foreign_key(db: Database) -> None:
    """spans.entry_id without its foreign key: the entry may live in a shared glossary file
    (`taiyaku glossary use`), which a foreign key cannot reach. Removing an entry unlinks its spans
    explicitly (tui.core.terms), in the project that removes it; elsewhere a link to a removed entry
    reads as no entry.

    SQLite cannot drop a constraint: the table is rebuilt (its rows and ids kept). The view over it is
    dropped first, since renaming a table checks every view, and re-created after.
    """
    from glossary.views import SPANS_WITH_TEXT_V2, recreate

    db.execute('DROP VIEW IF EXISTS "spans_with_text"')
    db.execute(
        """CREATE TABLE spans_new (
            id INTEGER PRIMARY KEY,
            pair_id INTEGER NOT NULL REFERENCES pairs(id) ON DELETE CASCADE,
            document_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
            lang TEXT NOT NULL CHECK (lang IN ('ja', 'en')),
            segment_idx INTEGER,
            start INTEGER NOT NULL CHECK (start >= 0),
            "end" INTEGER NOT NULL,
            label TEXT NOT NULL CHECK (label <> ''),
            source TEXT NOT NULL CHECK (source IN ('ginza', 'acronym', 'glossary', 'user')),
            status TEXT NOT NULL DEFAULT 'suggested' CHECK (status IN ('suggested', 'accepted', 'rejected')),
            entry_id INTEGER,
            hint TEXT,
            created_by TEXT NOT NULL,
            created_at TEXT NOT NULL,
            updated_by TEXT NOT NULL,
            updated_at TEXT NOT NULL,
            CHECK ("end" > start),
            UNIQUE (document_id, start, "end", label)
        )"""
    )
    db.execute("INSERT INTO spans_new SELECT * FROM spans")
    db.execute("DROP TABLE spans")
    db.execute("ALTER TABLE spans_new RENAME TO spans")
    db.execute("CREATE INDEX spans_pair ON spans(pair_id, lang, segment_idx)")
    db.execute("CREATE INDEX spans_entry ON spans(entry_id)")
    recreate(db, [SPANS_WITH_TEXT_V2])
