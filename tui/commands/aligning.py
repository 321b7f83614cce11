"""Alignment commands: `align`, `beads`, `eval`, `export` (and the demo's align step)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from tui.commands.batch_cmds import align_many, batch_options, no_batch
from tui.common import (
    F,
    StageBars,
    db_option,
    json_option,
    keys_option,
    open_db,
    open_project,
    print_json,
    print_keys,
    print_table,
    progress,
    quiet_option,
    user_option,
)

if TYPE_CHECKING:
    from sqlite_utils import Database

    from alignment.aligner import Alignment
    from alignment.export import Within
    from alignment.model import Bead, Level, Pair

LEVELS = ("sentence", "clause")
PREVIEW = 48
_STAGE_LABELS = {"embed": "Embedding", "align": "Aligning"}


def _level_option(f: F) -> F:
    return click.option(
        "--level",
        type=click.Choice(LEVELS),
        default="sentence",
        show_default=True,
        help="Sentence beads, or clause beads inside sentence beads.",
    )(f)


def _preview(texts: Sequence[str], width: int = PREVIEW) -> str:
    text = " / ".join(texts)
    return text if len(text) <= width else text[: width - 1] + "…"


def _bead_row(
    index: int, bead: Bead, ja: Sequence[str], en: Sequence[str], within: Within | None = None
) -> dict[str, Any]:
    """A bead for --json: `bead` numbers it from 1 as every table does, `*_index` fields count from 0; a
    clause bead adds the sentence bead holding it (`sentence_bead`, from 1) and its number there."""
    place = {"sentence_bead": within.bead, "clause": within.clause} if within is not None else {}
    return {
        "bead": index + 1,
        "bead_index": index,
        "ja": ja[slice(*bead.ja)],
        "en": en[slice(*bead.en)],
        "ja_index": bead.ja_indexes,
        "en_index": bead.en_indexes,
        "type": bead.type,
        "score": bead.score,
        "status": bead.status,
        **place,
    }


def _lowest(db: Database, result: Alignment, pair: Pair, count: int) -> list[dict[str, Any]]:
    from alignment.store import pair_segments

    ja = [s.text for s in pair_segments(db, pair, "ja", result.level)]
    en = [s.text for s in pair_segments(db, pair, "en", result.level)]
    scored = [(b.score, k) for k, b in enumerate(result.beads) if b.score is not None and b.status == "auto"]
    return [_bead_row(k, result.beads[k], ja, en) for _, k in sorted(scored)[:count]]


def _summary(db: Database, result: Alignment, pair: Pair, lowest: int) -> dict[str, Any]:
    types = Counter(b.type for b in result.beads)
    return {
        "pair": result.pair,
        "level": result.level,
        "beads": len(result.beads),
        "types": dict(sorted(types.items(), key=lambda kv: (-kv[1], kv[0]))),
        "confirmed_kept": result.fixed,
        "stretches_realigned": len(result.realigned),
        "signals": result.signals.names(),
        "anchors": list(result.signals.anchors),
        "no_embeddings_reason": result.signals.note,
        "lowest": _lowest(db, result, pair, lowest),
    }


@click.command("align")
@click.argument("name", required=False)
@click.option("--all", "all_", is_flag=True, help="Align every pair that has an English document.")
@click.option("--no-embeddings", is_flag=True, help="Align on length and anchors only (no sentence encoder).")
@_level_option
@click.option(
    "--lowest",
    default=5,
    show_default=True,
    type=click.IntRange(0),
    help="How many of the lowest-scoring beads to list for review.",
)
@batch_options
@click.option(
    "--skip-done", is_flag=True, help="With --all: skip pairs that have beads at --level (continue a batch)."
)
@db_option
@json_option
@quiet_option
@user_option
def align_cmd(
    name: str | None,
    all_: bool,
    no_embeddings: bool,
    level: Level,
    lowest: int,
    workers: int | None,
    scheduler: str | None,
    skip_done: bool,
    db_path: str | None,
    as_json: bool,
    quiet: bool,
    user: str,
) -> None:
    """Align a pair's Japanese and English segments into beads (1-1, 2-1, 1-0 … up to 3 a side).

    Uses multilingual sentence embeddings (cached in the project), the pair's own JA/EN length ratio,
    and anchors: numbers, list markers, acronyms and Latin tokens, and approved glossary pairs.
    Confirmed beads are kept as they are; only the stretches between them are aligned again.
    `--level clause` aligns clauses inside each sentence bead. Prints the bead types, the signals
    used and the lowest-scoring beads (the place to start reviewing).

    Example:

    \b
        taiyaku align 000_018672d04432ce13
    """
    from alignment.store import get_document, resolve_pairs
    from tui.core.beads import align_pairs

    no_batch(all_, workers, scheduler)
    with open_project(db_path, user=user) as project:
        db = project.db
        pairs = resolve_pairs(db, name, all_)
        if all_:
            pairs = [p for p in pairs if get_document(db, p.id, "en") is not None]
        if all_:  # a batch: on every core, or on a Dask cluster
            pairs, outcome = align_many(
                project,
                pairs,
                workers=workers,
                scheduler=scheduler,
                level=level,
                use_embeddings=not no_embeddings,
                skip_done=skip_done,
                quiet=quiet or as_json,
            )
            results = outcome.stored
        else:
            with StageBars(_STAGE_LABELS, quiet=quiet or as_json) as bars:
                results = align_pairs(
                    project,
                    pairs,
                    level=level,
                    use_embeddings=not no_embeddings,
                    on_progress=lambda pair: bars,
                )
        summaries = [_summary(db, r, p, lowest) for r, p in zip(results, pairs, strict=True)]
    if as_json:
        print_json(summaries)
        return
    if quiet:
        return
    if not summaries:
        click.echo("No pair with an English document to align.")
    for s in summaries:
        types = ", ".join(f"{t} ×{n}" for t, n in s["types"].items())
        click.echo(f"{s['pair']}: {s['beads']} beads ({s['level']} level): {types}")
        signals = ", ".join(s["signals"])
        if s["anchors"]:
            signals = signals.replace("anchors", "anchors (" + ", ".join(s["anchors"]) + ")")
        click.echo(f"  signals: {signals}")
        if s["no_embeddings_reason"]:
            click.echo(f"  no embeddings: {s['no_embeddings_reason']}")
        if s["confirmed_kept"]:
            click.echo(
                f"  kept {s['confirmed_kept']} confirmed beads; realigned {s['stretches_realigned']} "
                "stretches between them"
            )
        if s["lowest"]:
            print_table(
                ["#", "type", "score", "JA", "EN"],
                [
                    (r["bead"], r["type"], f"{r['score']:.3f}", _preview(r["ja"]), _preview(r["en"]))
                    for r in s["lowest"]
                ],
                title="Lowest-scoring beads",
            )


@click.command("beads")
@click.argument("name")
@_level_option
@click.option(
    "--sort",
    "sort_by",
    type=click.Choice(["order", "score"]),
    default="order",
    show_default=True,
    help="Document order, or lowest score first (a review queue).",
)
@click.option(
    "--status", type=click.Choice(["auto", "confirmed"]), default=None, help="Only beads with this status."
)
@db_option
@json_option
@keys_option("the bead numbers (from 1), in the order shown (e.g. a review queue with --sort score)")
def beads_cmd(
    name: str, level: Level, sort_by: str, status: str | None, db_path: str | None, as_json: bool, quiet: bool
) -> None:
    """Show a pair's alignment: number (from 1, as in the app), JA, EN, type, score and status of every bead.

    Example:

    \b
        taiyaku beads 000_018672d04432ce13 --sort score
    """
    from alignment.bead_store import get_beads
    from alignment.export import bead_records
    from alignment.project import ProjectError
    from alignment.store import get_pair, pair_segments

    db = open_db(db_path, create=False)
    try:
        pair = get_pair(db, name)
        beads = get_beads(db, pair.id, level)
        ja = [s.text for s in pair_segments(db, pair, "ja", level)]
        en = [s.text for s in pair_segments(db, pair, "en", level)]
        # At clause level each clause bead also says which sentence bead holds it (as the app shows it).
        within = (
            {r.index: r.within for r in bead_records(db, [pair], level="clause")} if level == "clause" else {}
        )
    finally:
        db.close()
    if not beads and not as_json and not quiet:
        how = f"taiyaku align {name}" + (" --level clause" if level == "clause" else "")
        raise ProjectError(f"pair {name!r} has no {level} beads yet (run `{how}`)")
    rows = [
        _bead_row(k, b, ja, en, within.get(k))
        for k, b in enumerate(beads)
        if status is None or b.status == status
    ]
    if sort_by == "score":
        rows.sort(key=lambda r: (r["score"] is None, r["score"] if r["score"] is not None else 0, r["bead"]))
    if quiet:
        print_keys((r["bead"] for r in rows), as_json=as_json)
        return
    if as_json:
        print_json(rows)
        return
    print_table(
        ["#", *(["in bead"] if level == "clause" else []), "JA", "EN", "type", "score", "status"],
        [
            (
                r["bead"],
                *([f"{r['sentence_bead']}.{r['clause']}"] if level == "clause" else []),
                " ".join(r["ja"]),
                " ".join(r["en"]),
                r["type"],
                "" if r["score"] is None else f"{r['score']:.3f}",
                r["status"],
            )
            for r in rows
        ],
    )


def _scores_row(name: str, s: Any) -> dict[str, Any]:
    return {"file": name, **{k: round(v, 4) for k, v in s.as_dict().items()}}


@click.command("eval")
@click.argument("gold_files", nargs=-1, required=True, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--no-embeddings", is_flag=True, help="Align on length and anchors only.")
@click.option("--baseline", is_flag=True, help="Also score a plain Gale–Church alignment of the same text.")
@json_option
@quiet_option
def eval_cmd(
    gold_files: tuple[Path, ...], no_embeddings: bool, baseline: bool, as_json: bool, quiet: bool
) -> None:
    """Score the aligner against gold alignments (strict and lax precision, recall, F1, as vecalign does).

    GOLD is JSONL, one bead per line: {"ja": [sentences], "en": [sentences]}. The gold sentences are
    aligned as segmented input in a throw-away project (your project is not touched). With several
    files, the last row pools the counts of all of them.

    Example:

    \b
        taiyaku eval ../shared/dev-gold/kyoto_HST00871.gold.jsonl --baseline
    """
    from alignment.evaluate import evaluate, evaluate_baseline, read_gold, reliability, score

    golds = [read_gold(p) for p in gold_files]
    runs = []
    with progress(golds, label="Aligning gold files", quiet=quiet or as_json or len(golds) < 2) as bar:
        for gold in bar:
            runs.append(evaluate(gold, use_embeddings=not no_embeddings))
    base = [evaluate_baseline(g) for g in golds] if baseline else []
    rows = [{**_scores_row(r.gold.name, r.scores), "signals": r.signals} for r in runs]
    base_rows = [_scores_row(b.gold.name, b.scores) for b in base]
    if len(golds) > 1:
        rows.append(
            {
                **_scores_row("(all)", score([r.gold.beads for r in runs], [r.predicted for r in runs])),
                "signals": "",
            }
        )
        if base:
            base_rows.append(
                _scores_row("(all)", score([b.gold.beads for b in base], [b.predicted for b in base]))
            )
    calibration = reliability(runs)
    if as_json:
        print_json(
            {
                "aligner": rows,
                **({"gale_church": base_rows} if baseline else {}),
                "reliability": calibration.as_dict(),
            }
        )
        return
    if quiet:
        return
    cols = ["file", "P strict", "R strict", "F1 strict", "P lax", "R lax", "F1 lax"]
    keys = ["precision_strict", "recall_strict", "f1_strict", "precision_lax", "recall_lax", "f1_lax"]

    def table(data: list[dict[str, Any]], title: str) -> None:
        print_table(cols, [(r["file"], *(f"{r[k]:.3f}" for k in keys)) for r in data], title=title)

    plain = [r.signals for r in runs if "no embeddings" in r.signals]
    table(
        rows,
        "taiyaku aligner: " + (plain[0].split("; ", 1)[1] if plain else "embeddings, length and anchors"),
    )
    if base:
        table(base_rows, "Gale–Church baseline")
    print_table(
        ["confidence", "beads", "predicted", "observed"],
        [
            (f"{b.lo:.1f}–{b.hi:.1f}", str(b.beads), f"{b.predicted:.3f}", f"{b.observed:.3f}")
            for b in calibration.bins
        ],
        title=f"Reliability of the bead confidence ({calibration.wrong} of {calibration.beads} beads wrong"
        + (
            f"; {calibration.wrong_in_lowest_10pct:.0%} of them in the lowest 10 %)"
            if calibration.wrong_in_lowest_10pct is not None
            else ")"
        ),
    )


def register(cli: click.Group) -> None:
    for command in (align_cmd, beads_cmd, eval_cmd):
        cli.add_command(command)
