"""`taiyaku glossary …`: look up, add, edit, review, export, import and check termbase entries."""

from __future__ import annotations

import importlib
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from tui.commands.glossary_lookup import STATUS_CHOICE, echo_plain_table, lookup_cmd
from tui.commands.glossary_lookup import variant_summary as _variant_summary
from tui.common import (
    StageBars,
    db_option,
    json_option,
    keys_option,
    open_db,
    print_json,
    print_keys,
    print_table,
    progress,
    quiet_option,
    user_option,
)

if TYPE_CHECKING:
    from glossary.model import Entry, Source

# Only glossary.model/store are imported at command run time, never at CLI start-up: `taiyaku glossary
# lookup` is a hot path that must start in well under 300 ms on a 100,000-entry termbase.
FORMATS = ("tbx", "csv", "json", "omegat")
SUFFIX_FORMATS = {"txt": "omegat", "utf8": "omegat", "tab": "omegat"}  # OmegaT's glossary file names


@click.group("glossary")
def glossary_group() -> None:
    """The controlled glossary (termbase): entries with Japanese, English, acronym, variants and status.

    Example:

    \b
        taiyaku glossary lookup 協力
    """


glossary_group.add_command(lookup_cmd)  # its own light module: the hot path imports only what it needs


def register(cli: click.Group) -> None:
    cli.add_command(glossary_group)
    try:  # the spans helper's commands (suggest, spans, glossary harvest) live in their own module
        spans_cmds = importlib.import_module("tui.commands.spans_cmds")
    except ModuleNotFoundError as exc:
        if exc.name != "tui.commands.spans_cmds":
            raise
        return
    if hasattr(spans_cmds, "register"):
        spans_cmds.register(cli)


# --- helpers ------------------------------------------------------------------------------------------


def _lines(values: Sequence[str]) -> str:
    return "\n".join(values)


def _variants(ja: Sequence[str], en: Sequence[str], forbidden: Sequence[str]):
    from glossary.model import Variant

    return (
        *(Variant("ja", t) for t in ja if t),
        *(Variant("en", t) for t in en if t),
        *(Variant("en", t, forbidden=True) for t in forbidden if t),
    )


def _warn_overlaps(db, entry: Entry) -> None:
    """Tell the user about other entries that share a term with this one (a likely near-duplicate)."""
    from glossary import store

    seen: set[int] = set()
    for field, term in entry.terms():
        if field == "forbidden_en":
            continue
        for other in store.find_by_term(db, term):
            if other.id != entry.id and other.id not in seen:
                seen.add(other.id)  # type: ignore[arg-type]
                click.echo(f"note: entry {other.id} also has {term!r} ({other.label})", err=True)


def _entry_options(f):
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


def _clip(text: str, n: int) -> str:
    return text if len(text) <= n else text[: n - 1] + "…"


@glossary_group.command("list")
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
        ["id", "ja", "en", "acronym", "status", "domain", "variants"], rows, title=f"{len(rows)} entries"
    )


# --- add / edit / status / remove / show ----------------------------------------------------------------


@glossary_group.command("add")
@_entry_options
@click.option("--status", default="proposed", show_default=True, type=STATUS_CHOICE)
@click.option("--allow-duplicate", is_flag=True, help="Add even if an entry with the same terms exists.")
@user_option
@json_option
@quiet_option
@db_option
def add_cmd(
    ja,
    en,
    acronym,
    variant_ja,
    variant_en,
    forbidden_en,
    domain,
    definition,
    note,
    sources,
    status,
    allow_duplicate,
    user,
    as_json,
    quiet,
    db_path,
) -> None:
    """Add an entry (a concept) to the glossary.

    Example:

    \b
        taiyaku glossary add --ja インド洋地域情報融合センター --acronym IFC-IOR --en "Information Fusion Centre - Indian Ocean Region" --status approved
    """
    from glossary import store
    from glossary.model import Entry, entry_to_dict, parse_source

    db = open_db(db_path)
    entry = Entry(
        ja=ja,
        en=en,
        acronym=acronym,
        variants=_variants(variant_ja, variant_en, forbidden_en),
        status=status,
        domain=domain,
        definition=definition,
        note=note,
        sources=tuple(parse_source(s) for s in sources),
    )
    stored = store.add(db, entry, user=user, allow_duplicate=allow_duplicate)
    if as_json:
        print_json(entry_to_dict(stored))
        return
    if not quiet:
        click.echo(f"Added entry {stored.id}: {stored.label} [{stored.status}]")
        _warn_overlaps(db, stored)


_LIST_FIELDS = {"variant_ja": "variant_ja", "variant_en": "variant_en", "forbidden_en": "forbidden_en"}


@glossary_group.command("edit")
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
    entry_id,
    ja,
    en,
    acronym,
    variant_ja,
    variant_en,
    forbidden_en,
    domain,
    definition,
    note,
    sources,
    status,
    add_sources,
    reason,
    user,
    as_json,
    quiet,
    db_path,
) -> None:
    """Change fields of an entry. Give a field as "" to clear it; variant options replace that list.

    Example:

    \b
        taiyaku glossary edit 12 --forbidden-en "Indian Ocean Information Centre" --reason "wrong expansion"
    """
    from glossary import store
    from glossary.model import entry_to_dict, parse_source

    db = open_db(db_path, create=False)
    current = store.get(db, entry_id)
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
        changes["sources"] = (*base, *(parse_source(s) for s in (*sources, *add_sources)))
    if not changes:
        raise click.UsageError("nothing to change (give at least one option, see --help)")
    after = store.edit(db, entry_id, user=user, reason=reason, **changes)
    if as_json:
        print_json(entry_to_dict(after))
    elif not quiet:
        changed = after != current
        click.echo(
            f"{'Updated' if changed else 'Nothing changed in'} entry {after.id}: {after.label} [{after.status}]"
        )
        if changed:
            _warn_overlaps(db, after)


@glossary_group.command("set-status")
@click.argument("entry_id", metavar="ID", type=int)
@click.argument("status", type=STATUS_CHOICE)
@click.option("--reason", help="Why (kept in the entry's history).")
@user_option
@quiet_option
@db_option
def set_status_cmd(
    entry_id: int, status: str, reason: str | None, user: str, quiet: bool, db_path: str | None
) -> None:
    """Approve, deprecate or forbid an entry (or send it back to proposed).

    Example:

    \b
        taiyaku glossary set-status 12 approved --reason "checked against the MOD English site"
    """
    from glossary import store

    db = open_db(db_path, create=False)
    before = store.get(db, entry_id)
    after = store.set_status(db, entry_id, status, user=user, reason=reason)  # type: ignore[arg-type]
    if not quiet:
        click.echo(f"Entry {after.id}: {before.status} → {after.status} ({after.label})")


@glossary_group.command("remove")
@click.argument("entry_id", metavar="ID", type=int)
@click.option("--reason", help="Why (kept in the entry's history).")
@user_option
@quiet_option
@db_option
def remove_cmd(entry_id: int, reason: str | None, user: str, quiet: bool, db_path: str | None) -> None:
    """Remove an entry. Its history is kept, so `glossary show ID` still tells what it was.

    Example:

    \b
        taiyaku glossary remove 12 --reason "duplicate of 7"
    """
    from glossary import store

    db = open_db(db_path, create=False)
    removed = store.remove(db, entry_id, user=user, reason=reason)
    if not quiet:
        click.echo(f"Removed entry {removed.id}: {removed.label}")


def _source_text(s: Source) -> str:
    where = s.pair
    if s.lang is not None:
        where += f" {s.lang}"
    if s.segment_index is not None:
        where += f" sentence {s.segment_index}"
    if s.bead_index is not None:
        where += f" bead {s.bead_index}"
    return where


@glossary_group.command("show")
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
        data = entry_to_dict(entry, who=True) if entry else {"id": entry_id, "removed": True}
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
            ("domain", entry.domain),
            ("definition", entry.definition),
            ("note", entry.note),
            ("created", f"{entry.created} by {entry.created_by}"),
            ("updated", f"{entry.updated} by {entry.updated_by}"),
        ]
    print_table(["field", "value"], rows, title=f"Glossary entry {entry_id}")
    if entry is not None and entry.sources:
        print_table(
            ["source", "excerpt", "added"],
            (
                [_source_text(s), s.excerpt, f"{s.added or ''} {s.added_by or ''}".strip()]
                for s in entry.sources
            ),
            title="Provenance",
        )
    print_table(
        ["when", "who", "action", "fields", "reason"],
        ([h.at, h.user, h.action, ", ".join(h.changed_fields()), h.reason] for h in items),
        title="History",
    )


# --- export / import ----------------------------------------------------------------------------------


def _format_for(path: str | None, given: str | None) -> str:
    if given:
        return given
    suffix = Path(path).suffix.lower().lstrip(".") if path else ""
    suffix = SUFFIX_FORMATS.get(suffix, suffix)
    if suffix in FORMATS:
        return suffix
    raise click.UsageError("give --format tbx, csv, json or omegat (cannot tell from the file name)")


@glossary_group.command("export")
@click.option("--format", "fmt", type=click.Choice(FORMATS), help="File format (default: from -o's suffix).")
@click.option("--output", "-o", type=click.Path(dir_okay=False), help="Write here instead of stdout.")
@click.option(
    "--status",
    "statuses",
    multiple=True,
    type=STATUS_CHOICE,
    help="Only entries with this status (repeatable).",
)
@quiet_option
@db_option
def export_cmd(
    fmt: str | None, output: str | None, statuses: tuple[str, ...], quiet: bool, db_path: str | None
) -> None:
    """Export the glossary as TBX-Basic, CSV or JSON (every field, including provenance), or as an OmegaT
    tab-separated glossary (--format omegat, or -o NAME.txt; put it in the OmegaT project's glossary/).

    A CSV file starts with a byte-order mark, so Excel opens its Japanese as UTF-8 (not as Shift_JIS);
    `glossary import` and spreadsheet tools skip it. CSV on stdout has none.

    Example:

    \b
        taiyaku glossary export --format tbx -o glossary.tbx
    """
    from glossary.exchange import export_entries

    fmt = _format_for(output, fmt)
    output = None if output == "-" else output  # `-o -` is standard output, as everywhere
    db = open_db(db_path, create=False)
    if output is None:
        n = export_entries(db, fmt, sys.stdout, statuses=statuses)  # type: ignore[arg-type]
    else:
        from alignment.project import atomic_write_file

        counted: list[int] = []

        def write(tmp: Path) -> None:
            encoding = "utf-8-sig" if fmt == "csv" else "utf-8"
            with tmp.open("w", encoding=encoding, newline="") as fh, StageBars(quiet=quiet) as bars:
                counted.append(
                    export_entries(
                        db,
                        fmt,
                        fh,
                        statuses=statuses,  # type: ignore[arg-type]
                        on_progress=bars.stage(f"Exporting {fmt}"),
                    )
                )

        try:
            atomic_write_file(Path(output), write)
        except OSError as exc:
            raise click.ClickException(f"cannot write {output}: {exc.strerror or exc}") from None
        n = counted[0]
    if not quiet:
        click.echo(f"Exported {n} entries as {fmt}" + (f" to {output}" if output else ""), err=True)


@glossary_group.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--format", "fmt", type=click.Choice(FORMATS), help="File format (default: from the suffix).")
@click.option(
    "--skip-bad", is_flag=True, help="Import the good rows and report the bad ones, instead of nothing."
)
@click.option("--dry-run", is_flag=True, help="Validate and report, change nothing.")
@user_option
@json_option
@quiet_option
@db_option
def import_cmd(
    file: str,
    fmt: str | None,
    skip_bad: bool,
    dry_run: bool,
    user: str,
    as_json: bool,
    quiet: bool,
    db_path: str | None,
) -> None:
    """Import entries from TBX, CSV, JSON or an OmegaT glossary (.txt/.utf8/.tab) in one transaction.

    The encoding is detected (UTF-8 with or without BOM, UTF-16, Shift_JIS/CP932, EUC-JP; for TBX the one
    its XML declaration names), and the CSV delimiter (comma, semicolon or tab) from the header. An entry
    whose file says nothing about status keeps the status it has in the project.

    Bad rows are reported by line number and nothing is imported unless --skip-bad. An entry with the
    same Japanese, English and acronym as a stored one updates it; the others are added.

    Example:

    \b
        taiyaku glossary import terms.csv --skip-bad
    """
    from glossary.exchange import import_file, read_entries

    fmt = _format_for(file, fmt)
    with StageBars(quiet=quiet or as_json) as bars:
        parsed = read_entries(Path(file), fmt, on_progress=bars.stage(f"Reading {Path(file).name}"))  # type: ignore[arg-type]
    for line in parsed.warnings:
        click.echo(f"warning: {line}", err=True)
    if parsed.errors:
        for line in parsed.errors[:50]:
            click.echo(f"{file}: {line}", err=True)
        if len(parsed.errors) > 50:
            click.echo(f"… and {len(parsed.errors) - 50} more", err=True)
        if not skip_bad:
            raise click.ClickException(
                f"{len(parsed.errors)} bad row(s) in {file}; nothing imported (fix them or use --skip-bad)"
            )
    from alignment.project import resolve_db_path

    scratch = None
    if dry_run and not resolve_db_path(db_path).exists():
        # a dry run changes nothing, not even by creating the project: check against an empty one
        import tempfile

        scratch = tempfile.TemporaryDirectory(prefix="taiyaku-dry-run-")
        db_path = str(Path(scratch.name) / "dry-run.db")
    db = open_db(db_path)
    try:
        with StageBars(quiet=quiet or as_json) as bars:
            report = import_file(
                db,
                parsed,
                user=user,
                dry_run=dry_run,
                on_progress=bars.stage("Checking entries" if dry_run else "Importing entries"),
            )
    finally:
        db.close()
        if scratch is not None:
            scratch.cleanup()
    if as_json:
        print_json(
            {
                "added": list(report.added),
                "updated": list(report.updated),
                "unchanged": list(report.unchanged),
                "skipped": list(parsed.errors),
                "dry_run": dry_run,
            }
        )
    elif not quiet:
        what = "Would import" if dry_run else "Imported"
        click.echo(
            f"{what} {file}: {len(report.added)} added, {len(report.updated)} updated, "
            f"{len(report.unchanged)} unchanged, {len(parsed.errors)} bad row(s) skipped"
        )


# --- check --------------------------------------------------------------------------------------------


@glossary_group.command("check")
@click.argument("name", required=False)
@click.option("--all", "all_", is_flag=True, help="Check every aligned pair.")
@click.option("--strict", is_flag=True, help="Exit with status 1 when any problem is found.")
@json_option
@db_option
@quiet_option
def check_cmd(
    name: str | None, all_: bool, strict: bool, as_json: bool, db_path: str | None, quiet: bool
) -> None:
    """Term QA on aligned beads: approved terms not rendered as approved, forbidden/deprecated English used.

    Example:

    \b
        taiyaku glossary check seed000 --strict
    """
    from alignment.store import resolve_pairs
    from glossary import store
    from glossary.qa import build_rules, check, problem_to_dict

    db = open_db(db_path, create=False)
    pairs = resolve_pairs(db, name, all_)
    rules = build_rules(store.iter_entries(db, statuses=("approved", "deprecated", "forbidden")))
    problems = []
    unaligned = []
    with progress(pairs, label="Checking terms", quiet=quiet or as_json or len(pairs) < 2) as bar:
        results = [(pair, check(db, pair, rules)) for pair in bar]
    for pair, result in results:
        if result is None:
            unaligned.append(pair.name)
            continue
        problems.extend(result)
    if unaligned and not all_:
        raise click.ClickException(
            f"pair {unaligned[0]!r} is not aligned yet (run `taiyaku align {unaligned[0]}`)"
        )
    for pair_name in unaligned:
        click.echo(f"note: skipped {pair_name} (not aligned)", err=True)
    if as_json:
        print_json([problem_to_dict(p) for p in problems])
    elif quiet:
        pass
    elif problems:
        print_table(
            ["pair", "bead", "kind", "entry", "term", "expected / found", "ja", "en"],
            (
                [
                    p.pair,
                    p.bead,
                    p.kind,
                    p.entry_id,
                    p.term,
                    p.detail,
                    _clip(p.ja_text, 40),
                    _clip(p.en_text, 80),
                ]
                for p in problems
            ),
            title=f"{len(problems)} term problem(s)",
        )
    else:
        click.echo("No term problems found.", err=True)
    if strict and problems:
        raise click.exceptions.Exit(1)
