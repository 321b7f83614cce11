"""Team commands: `agree` (agreement between two analysts' projects) and `adjudicate` (settle their
disagreements into one merged project)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import click

from tui.common import db_option, json_option, open_project, print_json, print_table, user_option

if TYPE_CHECKING:
    from glossary.agreement import Agreement


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.1f}%"


def _kappa(value: float | None) -> str:
    return "—" if value is None else f"{value:.3f}"


def _print_agreement(result: Agreement) -> None:
    b, s, g = result.beads, result.spans, result.glossary
    click.echo(f"Pairs compared: {', '.join(result.pairs)}")
    for side, names in (("A", result.only_in_a), ("B", result.only_in_b)):
        if names:
            click.echo(f"Only in {side} (not compared): {', '.join(names)}")
    print_table(
        ["beads", "A", "B", "strict F1", "lax F1", "confirmed by both", "stretches in disagreement"],
        [
            (
                "",
                b["beads_a"],
                b["beads_b"],
                _pct(b["f1_strict"]),
                _pct(b["f1_lax"]),
                f"{b['confirmed_both']} ({_pct(b['confirmed_both_share'])})",
                len(result.stretches),
            )
        ],
        title="Beads (B scored against A)",
    )
    print_table(
        ["label", "A", "B", "exact F1", "overlap F1"],
        [
            (label, v["a"], v["b"], _pct(v["exact"]["f1"]), _pct(v["overlap"]["f1"]))
            for label, v in s["by_label"].items()
        ],
        title="Accepted spans (B against A)",
    )
    click.echo(
        f"Spans: exact F1 {_pct(s['exact_f1'])}; Cohen's kappa {_kappa(s['kappa'])} on the labels of "
        f"{s['shared_ranges']} ranges both accepted; {len(result.span_items)} ranges in disagreement"
    )
    click.echo(
        f"Glossary links of spans both accepted: {_pct(s['link_agreement'])} the same entry "
        f"({s['link_disagreements']} differ; linked: A {s['linked_a']}, B {s['linked_b']})"
    )
    print_table(
        ["glossary", "A", "B", "matched", "same status", "same approved English", "terms in disagreement"],
        [
            (
                "",
                g["entries_a"],
                g["entries_b"],
                g["matched"],
                _pct(g["status_agreement"]),
                _pct(g["approved_en_agreement"]),
                len(result.entry_items),
            )
        ],
        title="Glossary (entries matched by term)",
    )


@click.command("agree")
@click.argument("a_path", metavar="A.db", type=click.Path())
@click.argument("b_path", metavar="B.db", type=click.Path())
@click.option("--pair", "pair", default=None, help="Compare only this pair.")
@json_option
def agree_cmd(a_path: str, b_path: str, pair: str | None, as_json: bool) -> None:
    """Agreement between two analysts' projects of the same documents (B against A).

    Pairs are matched by name and must hold the same texts. Beads: strict and lax F1 (the evaluation's
    scoring) and the beads both confirmed; accepted spans: exact and overlap F1 per label and Cohen's kappa
    on the labels of ranges both accepted, and how often a span both accepted links to the same glossary
    entry (entries matched by term); glossary: entries matched by term, agreement on status and on
    approved English. Both projects are only read.

    The share of beads both confirmed counts the beads (same sentences on both sides) that both analysts
    confirmed, out of the distinct beads of either. JSON keys: `beads` (with `by_pair`), `spans`,
    `glossary`, each with its figures and `disagreements` (bead numbers from 1, `*_index` from 0); a span
    disagreement says whether it `differs_in` the label or only in the glossary link.

    Example:

    \b
        taiyaku agree alice.db bob.db --pair 000_018672d04432ce13
    """
    from glossary.agreement import agreement
    from glossary.project import open_glossary_project

    a = open_glossary_project(a_path, create=False, readonly=True)
    try:
        b = open_glossary_project(b_path, create=False, readonly=True)
        try:
            result = agreement(a, b, pair=pair)
        finally:
            b.close()
    finally:
        a.close()
    if as_json:
        print_json(result.to_dict())
    else:
        _print_agreement(result)


@click.command("adjudicate")
@click.argument("a_path", metavar="A.db", type=click.Path())
@click.argument("b_path", metavar="B.db", type=click.Path())
@click.option("-o", "--output", "out_path", required=True, type=click.Path(), help="The merged project.")
@click.option("--pair", "pair", default=None, help="Adjudicate only this pair.")
@click.option("--no-tui", is_flag=True, help="Only build the queue and print its counts.")
@json_option
@user_option
def adjudicate_cmd(
    a_path: str, b_path: str, out_path: str, pair: str | None, no_tui: bool, as_json: bool, user: str
) -> None:
    """Merge two analysts' projects: what they agree on is taken, each disagreement is queued.

    MERGED starts as a copy of A; every bead stretch, span range and glossary term they disagree on
    becomes an item of a queue kept in MERGED (showing A's version until decided). The app opens on the
    queue: take A, take B or edit, each decision recorded with who made it and undoable (`taiyaku undo`).
    Running it again on a partly adjudicated MERGED keeps the decisions made, adds new disagreements,
    and brings in what A and B changed alike since the last build (beads, spans, entries; "brought in"),
    except where a decision covers the place or the lead changed it in MERGED (listed, left as it is).

    Example:

    \b
        taiyaku adjudicate alice.db bob.db -o merged.db --no-tui
    """
    from tui.core.adjudication import build_queue

    counts = build_queue(a_path, b_path, out_path, user=user, pair=pair)
    summary: dict[str, Any] = counts.to_dict()
    if as_json:
        print_json(summary)
    elif no_tui:
        print_table(
            ["kind", "items", "decided", "open", "brought in"],
            [
                (k, v["items"], v["decided"], v["open"], summary["brought_in"][k])
                for k, v in summary["kinds"].items()
            ],
            title=f"Adjudication queue in {out_path}",
        )
    if not as_json:
        brought = sum(counts.brought_in.values())
        if brought:
            click.echo(
                f"Brought in {brought} change{'' if brought == 1 else 's'} A and B made alike since the last "
                "build (one action: taiyaku undo takes it back)",
                err=True,
            )
        for line in counts.left_out:
            click.echo(f"Not brought in: {line}", err=True)
    if counts.changed and not as_json:
        click.echo(
            f"{counts.changed} decided item{'s' if counts.changed > 1 else ''} changed in A or B since the "
            "decision (kept as decided)",
            err=True,
        )
    if not no_tui and not as_json:
        from tui.screens.adjudicate import run_adjudication

        run_adjudication(out_path, user=user)


@click.command("merge")
@click.argument("other", metavar="OTHER.db", type=click.Path())
@click.option("--dry-run", is_flag=True, help="Report what would happen; change nothing.")
@db_option
@json_option
@user_option
def merge_cmd(other: str, dry_run: bool, db_path: str | None, as_json: bool, user: str) -> None:
    """Bring another project's glossary into this one; a decision is never overwritten.

    Entries are matched by term. New terms are added (with their provenance); the same decision (same
    status and English) is merged (variants, sources and empty fields filled in); a conflict (same term,
    different status or English) is listed, queued for a person (`taiyaku queue`) and left as it is.
    One undoable change (`taiyaku undo`).

    Example:

    \b
        taiyaku glossary merge ../team/bob.db --dry-run
    """
    from tui.core.glossary_merge import merge_glossary

    with open_project(db_path, user=user, create=False) as project:
        report = merge_glossary(project, other, dry_run=dry_run)
    if as_json:
        print_json(report.to_dict())
        return
    verb = "Would add" if dry_run else "Added"
    click.echo(
        f"{verb} {len(report.added)}, merged {len(report.merged)}, unchanged {len(report.unchanged)}, "
        f"{len(report.conflicts)} conflict{'' if len(report.conflicts) == 1 else 's'}"
        + ("" if dry_run or not report.conflicts else " (queued: taiyaku queue)")
    )
    if report.conflicts:
        print_table(
            ["term", "differs in", "ours", "theirs"],
            [
                (
                    c["term"],
                    ", ".join(c["fields"]),
                    f"{c['ours']['en'] or '—'} ({c['ours']['status']})",
                    f"{c['theirs']['en'] or '—'} ({c['theirs']['status']})",
                )
                for c in report.conflicts
            ],
            title="Conflicts left for a person",
        )


@click.command("queue")
@db_option
@click.option("--no-tui", is_flag=True, help="Only list the open items.")
@json_option
@user_option
def queue_cmd(db_path: str | None, no_tui: bool, as_json: bool, user: str) -> None:
    """The project's adjudication queue: disagreements from `adjudicate`, conflicts from `glossary merge`.

    Opens the app on the queue (take A / take B / edit), or lists the items with --no-tui or --json.

    Example:

    \b
        taiyaku queue --no-tui
    """
    from tui.core import adjudication

    with open_project(db_path, user=user, create=False) as project:
        items = adjudication.queue(project)
    if as_json:
        print_json(
            [
                {
                    "item": n,
                    "kind": i.kind,
                    "pair": i.pair,
                    "title": i.title,
                    "decision": i.decision,
                    "decided_by": i.decided_by,
                }
                for n, i in enumerate(items, 1)
            ]
        )
        return
    if no_tui:
        if not items:
            click.echo("The queue is empty.", err=True)
            return
        print_table(
            ["#", "kind", "where", "what", "decision", "by"],
            [
                (n, i.kind, i.pair or "glossary", i.title, i.decision or "open", i.decided_by or "")
                for n, i in enumerate(items, 1)
            ],
        )
        return
    from alignment.project import resolve_db_path
    from tui.screens.adjudicate import run_adjudication

    run_adjudication(resolve_db_path(db_path), user=user)


def register(cli: click.Group) -> None:
    for command in (agree_cmd, adjudicate_cmd, queue_cmd):
        cli.add_command(command)
    glossary = cli.commands.get("glossary")
    if isinstance(glossary, click.Group):  # registered by glossary_cmds, before this module
        glossary.add_command(merge_cmd)
