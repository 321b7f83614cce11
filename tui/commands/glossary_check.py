"""`taiyaku glossary check|harvest`: term QA on aligned beads, and entries proposed from a pair."""

from __future__ import annotations

import click

from tui.common import (
    db_option,
    json_option,
    open_db,
    open_project,
    print_json,
    print_table,
    progress,
    quiet_option,
    user_option,
)


def _clip(text: str, n: int) -> str:
    return text if len(text) <= n else text[: n - 1] + "…"


@click.command("check")
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
                    p.bead + 1,
                    p.kind,
                    p.entry_id,
                    p.term,
                    p.detail,
                    _clip(p.ja_text, 40),
                    _clip(p.en_text, 80),
                ]
                for p in problems
            ),
            title=f"{len(problems)} term problem{'' if len(problems) == 1 else 's'}",
        )
    else:
        click.echo("No term problems found.", err=True)
    if strict and problems:
        raise click.exceptions.Exit(1)


# --- harvest ---------------------------------------------------------------------------------


@click.command("harvest")
@click.argument("name", required=False)
@click.option("--all", "all_", is_flag=True, help="Harvest from every pair.")
@click.option("--dry-run", is_flag=True, help="Show what would be proposed; change nothing.")
@db_option
@json_option
@quiet_option
@user_option
def harvest_cmd(
    name: str | None, all_: bool, dry_run: bool, db_path: str | None, as_json: bool, quiet: bool, user: str
) -> None:
    """Propose glossary entries from a pair's acronym definitions and accepted entity spans.

    Each acronym defined in the Japanese text gives an entry (status `proposed`, with the pair and
    segment as provenance): Japanese long form, acronym, and the English long form taken from the
    aligned bead when the pair is aligned (else from an expansion stated in the text or the English
    document's own definition). Accepted entity spans give entries with their aligned rendering when
    one is found. An entry the glossary already has is reported, never added twice.

    Example:

    \b
        taiyaku glossary harvest 000_018672d04432ce13
    """
    from alignment.store import resolve_pairs
    from tui.core import terms

    with open_project(db_path, user=user, create=not dry_run) as project:
        pairs = resolve_pairs(project.db, name, all_)
        with progress(pairs, label="Harvesting", quiet=quiet or as_json or len(pairs) < 2) as bar:
            proposals = [p for h in terms.harvest(project, bar, dry_run=dry_run) for p in h.proposals]
    if as_json:
        print_json([p.to_dict() for p in proposals])
        return
    if quiet:
        return
    if not proposals:
        click.echo("Nothing to harvest (run `taiyaku suggest` first, or accept some spans).", err=True)
        return
    result_word = {"proposed": "proposed", "exists": "exists", "dry-run": "would propose"}
    many = len(pairs) > 1
    print_table(
        ["entry", "JA", "acronym", "EN", "EN from", *(["pair"] if many else []), "sentence", "result"],
        [
            (
                p.entry_id,
                p.ja,
                p.acronym,
                p.en,
                p.en_from,
                *([p.pair] if many else []),
                p.segment + 1 if p.segment is not None else None,
                result_word[p.result],
            )
            for p in proposals
        ],
    )
    new = sum(p.result == "proposed" for p in proposals)
    if not dry_run:
        click.echo(f"{new} new entries proposed, {len(proposals) - new} already in the glossary.", err=True)
