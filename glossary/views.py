"""Read-only SQL views that make the project file pleasant to browse in Datasette (the `views` migration set).

Applied after every other set, so the tables exist. A view over a table that does not exist would break any
later `ALTER TABLE … RENAME` in the file, so a view is only created when all its tables are there; each new
migration drops and re-creates the views, picking up tables that later migrations of other sets added.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlite_utils import Migrations

from alignment.store import PAIR_SUMMARY_SQL

if TYPE_CHECKING:
    from collections.abc import Sequence

    from sqlite_utils import Database

VIEWS = Migrations("views")


@dataclass(frozen=True, slots=True)
class View:
    name: str
    requires: tuple[str, ...]
    sql: str


def _side(lang: str) -> str:
    """The bead's text on one side: the document text from its first segment's start to its last one's end."""
    return f"""CASE WHEN b.{lang}_end > b.{lang}_start
        THEN substr(d_{lang}.text, first_{lang}.start + 1, last_{lang}."end" - first_{lang}.start) END"""


def _side_joins(lang: str) -> str:
    return f"""LEFT JOIN documents d_{lang} ON d_{lang}.pair_id = b.pair_id AND d_{lang}.lang = '{lang}'
    LEFT JOIN segments first_{lang} ON first_{lang}.document_id = d_{lang}.id AND first_{lang}.level = b.level
        AND first_{lang}.idx = b.{lang}_start
    LEFT JOIN segments last_{lang} ON last_{lang}.document_id = d_{lang}.id AND last_{lang}.level = b.level
        AND last_{lang}.idx = b.{lang}_end - 1"""


ALIGNED_BEADS_V1 = View(
    "aligned_beads",
    ("beads", "pairs", "documents", "segments"),
    f"""SELECT p.name AS pair,
        row_number() OVER (PARTITION BY b.pair_id, b.level ORDER BY b.ord) - 1 AS bead,
        b.level,
        (b.ja_end - b.ja_start) || '-' || (b.en_end - b.en_start) AS type,
        {_side("ja")} AS japanese,
        {_side("en")} AS english,
        b.status,
        round(b.score, 4) AS score,
        CASE WHEN b.ja_end > b.ja_start THEN b.ja_start END AS ja_first,
        CASE WHEN b.ja_end > b.ja_start THEN b.ja_end - 1 END AS ja_last,
        CASE WHEN b.en_end > b.en_start THEN b.en_start END AS en_first,
        CASE WHEN b.en_end > b.en_start THEN b.en_end - 1 END AS en_last,
        b.updated_by,
        b.updated_at,
        b.id AS bead_id
    FROM beads b
    JOIN pairs p ON p.id = b.pair_id
    {_side_joins("ja")}
    {_side_joins("en")}""",
)

PAIR_OVERVIEW_V1 = View(
    "pair_overview",
    ("pairs", "documents", "segments", "beads"),
    """SELECT p.name AS pair,
        (SELECT count(*) FROM segments s JOIN documents d ON d.id = s.document_id
          WHERE d.pair_id = p.id AND d.lang = 'ja' AND s.level = 'sentence') AS ja_sentences,
        (SELECT count(*) FROM segments s JOIN documents d ON d.id = s.document_id
          WHERE d.pair_id = p.id AND d.lang = 'en' AND s.level = 'sentence') AS en_sentences,
        (SELECT count(*) FROM beads b WHERE b.pair_id = p.id AND b.level = 'sentence') AS beads,
        (SELECT count(*) FROM beads b WHERE b.pair_id = p.id AND b.level = 'sentence'
          AND b.status = 'confirmed') AS confirmed_beads,
        (SELECT source_path FROM documents d WHERE d.pair_id = p.id AND d.lang = 'ja') AS ja_file,
        (SELECT source_path FROM documents d WHERE d.pair_id = p.id AND d.lang = 'en') AS en_file,
        p.created,
        p.updated
    FROM pairs p""",
)

GLOSSARY_TERMS_V1 = View(
    "glossary_terms",
    ("glossary_entries", "glossary_variants"),
    """SELECT e.id AS entry_id, t.lang, t.role, t.term, e.status, e.ja AS entry_ja, e.en AS entry_en,
        e.acronym AS entry_acronym, e.domain
    FROM (
        SELECT id AS entry_id, 'ja' AS lang, 'term' AS role, ja AS term FROM glossary_entries WHERE ja IS NOT NULL
        UNION ALL
        SELECT id, 'en', 'term', en FROM glossary_entries WHERE en IS NOT NULL
        UNION ALL
        SELECT id, NULL, 'acronym', acronym FROM glossary_entries WHERE acronym IS NOT NULL
        UNION ALL
        SELECT entry_id, lang, CASE usage WHEN 'forbidden' THEN 'forbidden' ELSE 'variant' END, text
        FROM glossary_variants
    ) t
    JOIN glossary_entries e ON e.id = t.entry_id""",
)

V1: tuple[View, ...] = (ALIGNED_BEADS_V1, PAIR_OVERVIEW_V1, GLOSSARY_TERMS_V1)

SPANS_WITH_TEXT_V2 = View(
    "spans_with_text",
    ("spans", "pairs", "documents", "glossary_entries"),
    """SELECT p.name AS pair, s.lang, s.segment_idx AS segment,
        substr(d.text, s.start + 1, s."end" - s.start) AS text,
        s.label, s.status, s.source, s.hint AS ginza_label,
        s.entry_id, e.ja AS entry_ja, e.en AS entry_en, e.acronym AS entry_acronym,
        s.start, s."end", s.updated_by, s.updated_at, s.id AS span_id
    FROM spans s
    JOIN pairs p ON p.id = s.pair_id
    JOIN documents d ON d.id = s.document_id
    LEFT JOIN glossary_entries e ON e.id = s.entry_id""",
)

V2: tuple[View, ...] = (*V1, SPANS_WITH_TEXT_V2)


def recreate(db: Database, views: Sequence[View]) -> list[str]:
    """Drop and create `views`, skipping those whose tables are missing; returns the names created."""
    tables = set(db.table_names())
    created = []
    for view in views:
        db.execute(f'DROP VIEW IF EXISTS "{view.name}"')
        if set(view.requires) <= tables:
            db.execute(f'CREATE VIEW "{view.name}" AS {view.sql}')
            created.append(view.name)
    return created


@VIEWS()
def m001_browsing_views(db: Database) -> None:
    recreate(db, V1)


@VIEWS()
def m002_spans_view(db: Database) -> None:
    recreate(db, V2)


PAIR_OVERVIEW_V3 = View(
    "pair_overview",
    ("pairs", "documents", "segments", "beads"),
    f"""SELECT o.pair, o.title, o.ja_sentences, o.en_sentences, o.ja_clauses, o.en_clauses, o.beads,
        o.confirmed AS confirmed_beads,
        (SELECT source_path FROM documents d WHERE d.pair_id = p.id AND d.lang = 'ja') AS ja_file,
        (SELECT source_path FROM documents d WHERE d.pair_id = p.id AND d.lang = 'en') AS en_file,
        p.created,
        p.updated
    FROM ({PAIR_SUMMARY_SQL.replace("SELECT p.name,", "SELECT p.id AS pair_id, p.name AS pair,", 1)}) o
    JOIN pairs p ON p.id = o.pair_id""",
)
"""Built on alignment's one pair-summary query, so the view and `taiyaku pairs` count alike."""

ALIGNED_BEADS_V3 = View(
    ALIGNED_BEADS_V1.name,
    ALIGNED_BEADS_V1.requires,
    ALIGNED_BEADS_V1.sql.replace(
        "ORDER BY b.ord) - 1 AS bead,",
        "ORDER BY b.ord) AS bead,\n        row_number() OVER (PARTITION BY b.pair_id, b.level ORDER BY b.ord) - 1"
        " AS bead_index,",
    ),
)
"""Beads numbered from 1 as people count them everywhere; `bead_index` is the 0-based position."""

V3: tuple[View, ...] = (ALIGNED_BEADS_V3, PAIR_OVERVIEW_V3, GLOSSARY_TERMS_V1, SPANS_WITH_TEXT_V2)


@VIEWS()
def m003_one_pair_summary(db: Database) -> None:
    recreate(db, V3)
