"""`taiyaku glossary lookup`: the hot path, in a module of its own so it imports only what it needs.

Looking a term up is what analysts do most, from scripts and editors, so it must start about as fast as a
bare Python that imports click and sqlite3 (bench/glossary.py measures the ratio). Rich, spaCy, numpy and
the other glossary commands stay unloaded.
"""

from __future__ import annotations

import os
import unicodedata
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import click

from tui.common import db_option, json_option, keys_option, print_json, print_keys

if TYPE_CHECKING:
    from glossary.model import Entry, LookupResult, Status

DEFAULT_DB = "taiyaku.db"
"""alignment.project.DEFAULT_DB, which this module does not import (it loads sqlite-utils); a test keeps
the two equal."""

STATUS_CHOICE = click.Choice(["proposed", "approved", "deprecated", "forbidden"])


def variant_summary(e: Entry) -> str:
    return "; ".join([*e.ja_variants, *e.en_variants, *(f"✗{v}" for v in e.forbidden_en)])


def _width(text: str) -> int:
    """Terminal cells: East Asian wide and full-width characters take two (ＩＰＭＤＡ is 10 cells)."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _fit(text: str, cells: int) -> str:
    if _width(text) <= cells:
        return text + " " * (cells - _width(text))
    out, used = [], 0
    for c in text:
        w = _width(c)
        if used + w > cells - 1:
            break
        out.append(c)
        used += w
    return "".join(out) + "…" + " " * (cells - used - 1)


def _terminal_columns() -> int:
    """shutil.get_terminal_size's answer (COLUMNS, then the terminal, else 120) without importing shutil,
    which loads the compression modules (2 ms of the hot path)."""
    try:
        columns = int(os.environ.get("COLUMNS", "0"))
    except ValueError:
        columns = 0
    if columns <= 0:
        try:
            columns = os.get_terminal_size(1).columns
        except (OSError, ValueError):
            columns = 0
    return columns or 120


def echo_plain_table(columns: Sequence[str], rows: Sequence[Sequence[Any]], title: str | None = None) -> None:
    """A plain aligned table for the lookup hot path: rich costs ~100 ms to import and render.

    Columns share the terminal width; the widest ones are cut with … when it runs out.
    """
    cells = [[" ".join(str(v).split()) if v is not None else "" for v in row] for row in rows]
    widths = [max([_width(c), *(_width(r[i]) for r in cells)]) for i, c in enumerate(columns)]
    room = _terminal_columns() - 2 * (len(columns) - 1)
    while sum(widths) > room and max(widths) > 8:
        widths[widths.index(max(widths))] -= 1
    lines = [] if title is None else [title]
    lines.append("  ".join(_fit(c, w) for c, w in zip(columns, widths, strict=True)).rstrip())
    lines.append("  ".join("─" * w for w in widths))
    lines.extend("  ".join(_fit(v, w) for v, w in zip(r, widths, strict=True)).rstrip() for r in cells)
    click.echo("\n".join(lines))


def _lookup(
    db_path: str | None, glossary: str | None, query: str, limit: int, statuses: Sequence[Status]
) -> LookupResult:
    """Read through a plain read-only sqlite3 connection when the file allows it (the fast path),
    else through the full opener, which explains a bad file in one line or migrates an old one.

    The glossary read is `glossary` (--glossary, else TAIYAKU_GLOSSARY) with no project at all, else the
    shared file the project records (`taiyaku glossary use`), else the project's own."""
    import sqlite3

    from glossary.location import ENV, chosen, recorded
    from glossary.lookup import connect_readonly, lookup_entries
    from tui.core.known_migrations import KNOWN

    explicit = glossary or os.environ.get(ENV) or None
    path = explicit or db_path or DEFAULT_DB
    conn = connect_readonly(path, KNOWN)
    if conn is not None and explicit is None:
        target = chosen(path, recorded(conn))
        if target is not None:
            conn.close()
            conn = connect_readonly(str(target), KNOWN)
    if conn is not None:
        try:
            return lookup_entries(conn, query, limit=limit, statuses=statuses)
        except sqlite3.OperationalError:
            pass  # an older file lacking what the query reads, or a lock: the full path handles both
        finally:
            conn.close()
    from glossary import store

    if explicit is not None:
        from glossary.shared import open_file

        return store.lookup(open_file(explicit, create=False), query, limit=limit, statuses=statuses)
    from tui.common import open_db

    return store.lookup(open_db(db_path, create=False), query, limit=limit, statuses=statuses)


@click.command("lookup")
@click.argument("query")
@click.option(
    "--limit",
    "-n",
    default=20,
    show_default=True,
    type=click.IntRange(1, 10_000),
    help="Show at most this many entries.",
)
@click.option(
    "--status",
    "statuses",
    multiple=True,
    type=STATUS_CHOICE,
    help="Only entries with this status (repeatable).",
)
@json_option
@keys_option("the ids of matching entries, and exit 1 when none match (like `grep -q`)")
@click.option(
    "--glossary",
    "glossary",
    type=click.Path(dir_okay=False),
    default=None,
    help="Look up in this glossary file, without any project (default: the project's glossary; "
    "TAIYAKU_GLOSSARY overrides it).",
)
@db_option
def lookup_cmd(
    query: str,
    limit: int,
    statuses: tuple[str, ...],
    as_json: bool,
    quiet: bool,
    glossary: str | None,
    db_path: str | None,
) -> None:
    """Find entries by Japanese, English, acronym or variant, anywhere in the term.

    Width, hiragana/katakana and Latin case do not matter (ＩＰＭＤＡ, ipmda and IPMDA are the same
    query); one or two Japanese characters work. Exact matches come first, then prefixes, then the rest.

    Example:

    \b
        taiyaku glossary lookup ipmda --json
        taiyaku glossary lookup --glossary /srv/team/glossary.db 協力
    """
    from glossary.model import entry_to_dict

    if not query.strip():
        raise click.UsageError("give a non-empty QUERY")
    result = _lookup(db_path, glossary, query, limit, statuses)  # type: ignore[arg-type]  # click.Choice checked them
    if quiet:
        print_keys((h.entry.id for h in result.hits), as_json=as_json)
        if not result.hits:
            raise click.exceptions.Exit(1)
        return
    if as_json:
        print_json(
            [
                {**entry_to_dict(h.entry), "match": {"rank": h.rank, "field": h.field, "term": h.term}}
                for h in result.hits
            ]
        )
        return
    if not result.hits:
        click.echo(f"No entries match {query!r}.", err=True)
        return
    shown = len(result.hits)
    title = f"{result.total} {'entry matches' if result.total == 1 else 'entries match'} {query!r}" + (
        f" (first {shown})" if shown < result.total else ""
    )
    echo_plain_table(
        ["id", "ja", "en", "acronym", "status", "match", "variants"],
        [
            [
                h.entry.id,
                h.entry.ja,
                h.entry.en,
                h.entry.acronym,
                h.entry.status,
                f"{h.rank} {h.field}",
                variant_summary(h.entry),
            ]
            for h in result.hits
        ],
        title=title,
    )
