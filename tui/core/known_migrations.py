"""Every migration this taiyaku knows, as plain data, for the lookup hot path.

`glossary lookup` reads the project through a bare stdlib connection (no sqlite-utils, no migration
code); a file that has a migration not listed here was written by a newer taiyaku and goes through the
full opener, which refuses it in one line. tests/test_lookup_cli.py checks this list against the real
migration sets, so adding a migration without listing it here fails the tests.
"""

from __future__ import annotations

KNOWN: frozenset[tuple[str, str]] = frozenset(
    {
        ("alignment", "m001_corpus"),
        ("alignment", "m002_pair_revision"),
        ("glossary", "m001_termbase"),
        ("glossary", "m002_lookup_trigrams"),
        ("glossary", "m003_location"),
        ("glossary", "m004_lookup_grams"),
        ("glossary", "m005_lookup_status"),
        ("glossary", "m006_lookup_latin"),
        ("history", "m001_history"),
        ("review", "m001_review"),
        ("review", "m002_review_base"),
        ("spans", "m001_spans"),
        ("spans", "m002_entry_link_without_foreign_key"),
        ("views", "m001_browsing_views"),
        ("views", "m002_spans_view"),
        ("views", "m003_one_pair_summary"),
    }
)
