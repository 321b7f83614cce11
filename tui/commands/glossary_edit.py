"""`taiyaku glossary add|edit|set-status|remove`: each change one undoable action of the application layer."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, TypeVar

import click

from tui.commands.glossary_lookup import STATUS_CHOICE
from tui.common import db_option, json_option, open_project, print_json, quiet_option, user_option

if TYPE_CHECKING:
    from sqlite_utils import Database

    from glossary.model import Entry, Source, Status, Variant

F = TypeVar("F", bound=Callable[..., Any])


def _variants(ja: Sequence[str], en: Sequence[str], forbidden: Sequence[str]) -> tuple[Variant, ...]:
    from glossary.model import Variant

    return (
        *(Variant("ja", t) for t in ja if t),
        *(Variant("en", t) for t in en if t),
        *(Variant("en", t, forbidden=True) for t in forbidden if t),
    )


def _warn_overlaps(db: Database, entry: Entry) -> None:
    """Tell the user about other entries that share a term with this one (a likely near-duplicate)."""
    from glossary import store

    seen: set[int] = set()
    for field, term in entry.terms():
        if field == "forbidden_en":
            continue
        for other in store.find_by_term(db, term):
            if other.id != entry.id and other.id not in seen:
                seen.add(other.id or 0)
                click.echo(f"note: entry {other.id} also has {term!r} ({other.label})", err=True)


def _entry_options(f: F) -> F:
    for decorator in reversed(
        [
            click.option("--ja", help="Japanese term."),
            click.option("--en", help="English term."),
            click.option("--acronym", help="Acronym (written once; ＩＰＭＤＡ and IPMDA are the same)."),
            click.option("--variant-ja", multiple=True, help="Allowed Japanese variant (repeatable)."),
            click.option("--variant-en", multiple=True, help="Allowed English variant (repeatable)."),
            click.option("--forbidden-en", multiple=True, help="Forbidden English rendering (repeatable)."),
            click.option("--domain", help="Subject field, e.g. 'maritime security'."),
            click.option("--definition", help="Definition of the concept."),
            click.option("--note", help="Usage note."),
            click.option(
                "--source",
                "sources",
                multiple=True,
                metavar="PAIR[:ja|en|bead:N]",
                help="Provenance: the pair and sentence or bead that justify the entry (repeatable).",
            ),
        ]
    ):
        f = decorator(f)
    return f


def _sources(db: Database, specs: Sequence[str]) -> tuple[Source, ...]:
    """`--source` values, numbered from 1 like every list, checked against the project (one-line errors)."""
    from glossary.model import parse_source
    from tui.core.terms import checked_sources

    parsed = []
    for spec in specs:
        try:
            parsed.append(parse_source(spec))
        except ValueError as exc:
            raise click.BadParameter(str(exc), param_hint="--source") from None
    return checked_sources(db, parsed)


@click.command("add")
@_entry_options
@click.option("--status", default="proposed", show_default=True, type=STATUS_CHOICE)
@click.option("--allow-duplicate", is_flag=True, help="Add even if an entry with the same terms exists.")
@user_option
@json_option
@quiet_option
@db_option
def add_cmd(
    ja: str | None,
    en: str | None,
    acronym: str | None,
    variant_ja: tuple[str, ...],
    variant_en: tuple[str, ...],
    forbidden_en: tuple[str, ...],
    domain: str | None,
    definition: str | None,
    note: str | None,
    sources: tuple[str, ...],
    status: Status,
    allow_duplicate: bool,
    user: str,
    as_json: bool,
    quiet: bool,
    db_path: str | None,
) -> None:
    """Add an entry (a concept) to the glossary. `taiyaku undo` takes it back.

    `--source PAIR:bead:N` names bead N as the app and `taiyaku beads` number it (from 1), `PAIR:ja:N`
    the Nth Japanese sentence; the pair and the number are checked.

    Example:

    \b
        taiyaku glossary add --ja インド洋地域情報融合センター --acronym IFC-IOR --en "Information Fusion Centre - Indian Ocean Region" --status approved
    """
    from glossary.model import Entry, entry_to_dict
    from tui.core import terms

    with open_project(db_path, user=user) as project:
        entry = Entry(
            ja=ja,
            en=en,
            acronym=acronym,
            variants=_variants(variant_ja, variant_en, forbidden_en),
            status=status,
            domain=domain,
            definition=definition,
            note=note,
            sources=_sources(project.db, sources),
        )
        stored = terms.add_entry(project, entry, allow_duplicate=allow_duplicate)
        if as_json:
            print_json(entry_to_dict(stored))
            return
        if not quiet:
            click.echo(f"Added entry {stored.id}: {stored.label} [{stored.status}]")
            _warn_overlaps(project.db, stored)


@click.command("edit")
@click.argument("entry_id", metavar="ID", type=int)
@_entry_options
@click.option("--status", type=STATUS_CHOICE, help="New status.")
@click.option(
    "--add-source",
    "add_sources",
    multiple=True,
    metavar="PAIR[:ja|en|bead:N]",
    help="Add provenance, keeping the existing sources (repeatable).",
)
@click.option("--reason", help="Why (kept in the entry's history).")
@user_option
@json_option
@quiet_option
@db_option
def edit_cmd(
    entry_id: int,
    ja: str | None,
    en: str | None,
    acronym: str | None,
    variant_ja: tuple[str, ...],
    variant_en: tuple[str, ...],
    forbidden_en: tuple[str, ...],
    domain: str | None,
    definition: str | None,
    note: str | None,
    sources: tuple[str, ...],
    status: Status | None,
    add_sources: tuple[str, ...],
    reason: str | None,
    user: str,
    as_json: bool,
    quiet: bool,
    db_path: str | None,
) -> None:
    """Change fields of an entry. Give a field as "" to clear it; variant options replace that list.

    Example:

    \b
        taiyaku glossary edit 12 --forbidden-en "Indian Ocean Information Centre" --reason "wrong expansion"
    """
    from glossary import store
    from glossary.model import entry_to_dict
    from tui.core import terms

    with open_project(db_path, user=user, create=False) as project:
        current = store.get(project.db, entry_id)
        changes: dict[str, Any] = {
            k: v
            for k, v in {
                "ja": ja,
                "en": en,
                "acronym": acronym,
                "domain": domain,
                "definition": definition,
                "note": note,
                "status": status,
            }.items()
            if v is not None
        }
        lists = {"variant_ja": variant_ja, "variant_en": variant_en, "forbidden_en": forbidden_en}
        if any(lists.values()):
            given = {k: [t for t in v if t] for k, v in lists.items() if v}
            kept = [v for v in current.variants if v.field not in given]
            new = _variants(
                given.get("variant_ja", ()), given.get("variant_en", ()), given.get("forbidden_en", ())
            )
            changes["variants"] = (*kept, *new)
        if sources or add_sources:
            base = () if sources else current.sources
            changes["sources"] = (*base, *_sources(project.db, (*sources, *add_sources)))
        if not changes:
            raise click.UsageError("nothing to change (give at least one option, see --help)")
        after = terms.edit_entry(project, entry_id, reason=reason, **changes)
        if as_json:
            print_json(entry_to_dict(after))
        elif not quiet:
            changed = after != current
            click.echo(
                f"{'Updated' if changed else 'Nothing changed in'} entry {after.id}: {after.label} [{after.status}]"
            )
            if changed:
                _warn_overlaps(project.db, after)


@click.command("set-status")
@click.argument("entry_id", metavar="ID", type=int)
@click.argument("status", type=STATUS_CHOICE)
@click.option("--reason", help="Why (kept in the entry's history).")
@user_option
@quiet_option
@db_option
def set_status_cmd(
    entry_id: int, status: Status, reason: str | None, user: str, quiet: bool, db_path: str | None
) -> None:
    """Approve, deprecate or forbid an entry (or send it back to proposed).

    Example:

    \b
        taiyaku glossary set-status 12 approved --reason "checked against the MOD English site"
    """
    from glossary import store
    from tui.core import terms

    with open_project(db_path, user=user, create=False) as project:
        before = store.get(project.db, entry_id)
        after = terms.set_entry_status(project, entry_id, status, reason=reason)
    if not quiet:
        click.echo(f"Entry {after.id}: {before.status} → {after.status} ({after.label})")


@click.command("remove")
@click.argument("entry_id", metavar="ID", type=int)
@click.option("--reason", help="Why (kept in the entry's history).")
@user_option
@quiet_option
@db_option
def remove_cmd(entry_id: int, reason: str | None, user: str, quiet: bool, db_path: str | None) -> None:
    """Remove an entry. Its history is kept, so `glossary show ID` still tells what it was;
    `taiyaku undo` brings it back, linked to its spans again.

    Example:

    \b
        taiyaku glossary remove 12 --reason "duplicate of 7"
    """
    from tui.core import terms

    with open_project(db_path, user=user, create=False) as project:
        removed = terms.remove_entry(project, entry_id, reason=reason)
    if not quiet:
        click.echo(f"Removed entry {removed.id}: {removed.label}")
