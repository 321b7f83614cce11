"""`taiyaku glossary …`: the group, listing and showing entries; the other commands live in their own
modules (glossary_lookup, glossary_edit, glossary_files, glossary_check) and are attached here."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import click

from tui.commands import glossary_check, glossary_edit, glossary_files, glossary_use
from tui.commands.glossary_lookup import STATUS_CHOICE, echo_plain_table, lookup_cmd
from tui.commands.glossary_lookup import variant_summary as _variant_summary
from tui.common import db_option, json_option, keys_option, open_db, print_json, print_keys, print_table

if TYPE_CHECKING:
    from glossary.model import Source


@click.group("glossary")
def glossary_group() -> None:
    """The controlled glossary (termbase): entries with Japanese, English, acronym, variants and status.

    Example:

    \b
        taiyaku glossary lookup 協力
    """


def register(cli: click.Group) -> None:
    for command in (
        lookup_cmd,  # its own light module: the hot path imports only what it needs
        list_cmd,
        show_cmd,
        glossary_edit.add_cmd,
        glossary_edit.edit_cmd,
        glossary_edit.set_status_cmd,
        glossary_edit.remove_cmd,
        glossary_files.export_cmd,
        glossary_files.import_cmd,
        glossary_check.check_cmd,
        glossary_check.harvest_cmd,
        glossary_use.use_cmd,
    ):
        glossary_group.add_command(command)
    cli.add_command(glossary_group)


def _lines(values: Sequence[str]) -> str:
    return "\n".join(values)


SHOWN_CHARS = 10_000
"""Characters of one text `glossary show` prints: a stored text can be far longer (older projects, files
edited by other tools), and laying out megabytes in a table took minutes; --json still gives it whole."""


def _shown(text: str | None) -> str | None:
    if text is None or len(text) <= SHOWN_CHARS:
        return text
    return f"{text[:SHOWN_CHARS]}… ({len(text):,} characters in all; --json shows the whole text)"


@click.command("list")
@click.option(
    "--status",
    "statuses",
    multiple=True,
    type=STATUS_CHOICE,
    help="Only entries with this status (repeatable).",
)
@click.option("--domain", help="Only entries of this subject field.")
@json_option
@keys_option("the entry ids")
@db_option
def list_cmd(
    statuses: tuple[str, ...], domain: str | None, as_json: bool, quiet: bool, db_path: str | None
) -> None:
    """List entries in id order, e.g. the proposed ones waiting for review.

    Example:

    \b
        taiyaku glossary list --status proposed
    """
    from glossary import store
    from glossary.model import entry_to_dict

    db = open_db(db_path, create=False)
    # click.Choice admits only Status values
    entries = store.iter_entries(db, statuses=statuses, domain=domain)  # type: ignore[arg-type]
    if quiet:
        print_keys((e.id for e in entries), as_json=as_json)
        return
    if as_json:
        print_json([entry_to_dict(e) for e in entries])
        return
    rows = [[e.id, e.ja, e.en, e.acronym, e.status, e.domain, _variant_summary(e)] for e in entries]
    if not rows:
        click.echo("No entries.", err=True)
        return
    echo_plain_table(
        ["id", "ja", "en", "acronym", "status", "domain", "variants"],
        rows,
        title=f"{len(rows)} entr{'y' if len(rows) == 1 else 'ies'}",
    )


def _source_text(s: Source) -> str:
    where = s.pair
    if s.lang is not None:
        where += f" {s.lang}"
    if s.segment_index is not None:
        where += f" sentence {s.segment_index + 1}"
    if s.bead_index is not None:
        where += f" bead {s.bead_index + 1}"
    return where


@click.command("show")
@click.argument("entry_id", metavar="ID", type=int)
@json_option
@db_option
def show_cmd(entry_id: int, as_json: bool, db_path: str | None) -> None:
    """Show one entry with its variants, provenance and history of changes.

    Example:

    \b
        taiyaku glossary show 12
    """
    from glossary import store
    from glossary.model import entry_to_dict
    from glossary.store import EntryNotFound

    db = open_db(db_path, create=False)
    items = store.history(db, entry_id)
    try:
        entry = store.get(db, entry_id)
    except EntryNotFound:
        if not items or items[-1].action != "remove":
            raise
        entry = None
    if as_json:
        data: dict[str, Any] = entry_to_dict(entry, who=True) if entry else {"id": entry_id, "removed": True}
        data["history"] = [
            {
                "action": h.action,
                "user": h.user,
                "at": h.at,
                "reason": h.reason,
                "fields": h.changed_fields(),
                "before": h.before,
                "after": h.after,
            }
            for h in items
        ]
        print_json(data)
        return
    if entry is None:
        last = items[-1]
        click.echo(
            f"Entry {entry_id} was removed by {last.user} at {last.at}"
            + (f" ({last.reason})" if last.reason else "")
            + "."
        )
        shown = last.before or {}
        rows = [(k, shown.get(k)) for k in ("ja", "en", "acronym", "status")]
    else:
        rows = [
            ("id", entry.id),
            ("ja", entry.ja),
            ("en", entry.en),
            ("acronym", entry.acronym),
            ("status", entry.status),
            ("ja variants", _lines(entry.ja_variants)),
            ("en variants", _lines(entry.en_variants)),
            ("forbidden en", _lines(entry.forbidden_en)),
            ("domain", _shown(entry.domain)),
            ("definition", _shown(entry.definition)),
            ("note", _shown(entry.note)),
            ("created", f"{entry.created} by {entry.created_by}"),
            ("updated", f"{entry.updated} by {entry.updated_by}"),
        ]
    print_table(["field", "value"], rows, title=f"Glossary entry {entry_id}")
    if entry is not None and entry.sources:
        print_table(
            ["source", "excerpt", "added"],
            (
                [_source_text(s), _shown(s.excerpt), f"{s.added or ''} {s.added_by or ''}".strip()]
                for s in entry.sources
            ),
            title="Provenance",
        )
    print_table(
        ["when", "who", "action", "fields", "reason"],
        ([h.at, h.user, h.action, ", ".join(h.changed_fields()), _shown(h.reason)] for h in items),
        title="History",
    )
