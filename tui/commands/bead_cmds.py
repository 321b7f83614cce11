"""`taiyaku bead confirm|unconfirm|merge|split|unlink|realign|cut|join`: the app's bead edits from the command
line, as the same undoable actions; beads are numbered from 1, as `taiyaku beads` and the app show them, and
`36.2` is clause bead 2 inside bead 36 (as `taiyaku beads --level clause` shows it)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from tui.commands.clause_cmds import BEAD, BeadRef, cut_cmd, edit_clause, join_cmd, set_clause_status
from tui.common import db_option, open_project, quiet_option, user_option

if TYPE_CHECKING:
    from alignment.model import Bead, BeadStatus
    from tui.core.beads import BeadEdit, Realigner
    from tui.core.project import Project


@click.group("bead")
def bead_group() -> None:
    """Edit a pair's beads by number (from 1, as `taiyaku beads` and the app number them; 36.2 is clause
    bead 2 inside bead 36). Each edit is one undoable action (`taiyaku undo`).

    Example:

    \b
        taiyaku bead confirm 000_018672d04432ce13 1 2 3
    """


_no_embeddings = click.option(
    "--no-embeddings", is_flag=True, help="Score the new beads on length and anchors only."
)


def _scorer(project: Project, no_embeddings: bool) -> Realigner:
    """The project's aligner, which scores the beads an edit makes (their confidence, as after `align`)."""
    from tui.core.beads import project_realigner

    return project_realigner(project.path, use_embeddings=not no_embeddings)


def _edit(
    name: str,
    ref: BeadRef,
    fn: BeadEdit,
    action: str,
    summary: str,
    no_embeddings: bool,
    db_path: str | None,
    user: str,
) -> None:
    """One bead edit as an undoable action; the (sentence) beads it makes get the aligner's score."""
    from tui.core.beads import edit_bead

    with open_project(db_path, user=user, create=False) as project:
        if ref.clause is not None:
            edit_clause(project, name, ref, fn, action, summary)
            return
        edit_bead(
            project,
            name,
            ref.bead,
            fn,
            action=action,
            summary=summary,
            realigner=_scorer(project, no_embeddings),
        )


def _done(quiet: bool, text: str) -> None:
    if not quiet:
        click.echo(text)


@bead_group.command("confirm")
@click.argument("name")
@click.argument("numbers", nargs=-1, required=True, type=BEAD)
@db_option
@quiet_option
@user_option
def confirm_cmd(name: str, numbers: tuple[BeadRef, ...], db_path: str | None, quiet: bool, user: str) -> None:
    """Confirm beads (a later `align` keeps them exactly as they are).

    Example:

    \b
        taiyaku bead confirm 000_018672d04432ce13 1 2 3
    """
    _set_status(name, numbers, "confirmed", db_path, quiet, user)


@bead_group.command("unconfirm")
@click.argument("name")
@click.argument("numbers", nargs=-1, required=True, type=BEAD)
@db_option
@quiet_option
@user_option
def unconfirm_cmd(
    name: str, numbers: tuple[BeadRef, ...], db_path: str | None, quiet: bool, user: str
) -> None:
    """Send confirmed beads back to automatic (the aligner may change them again).

    Example:

    \b
        taiyaku bead unconfirm 000_018672d04432ce13 7
    """
    _set_status(name, numbers, "auto", db_path, quiet, user)


def _set_status(
    name: str, refs: tuple[BeadRef, ...], status: BeadStatus, db_path: str | None, quiet: bool, user: str
) -> None:
    from alignment import edit
    from tui.core.beads import edit_bead

    verb = "confirm" if status == "confirmed" else "unconfirm"
    listed = ", ".join(map(str, refs))
    numbers = [r.bead for r in refs if r.clause is None]
    with open_project(db_path, user=user, create=False) as project:
        if clause_refs := tuple(r for r in refs if r.clause is not None):
            set_clause_status(project, name, clause_refs, status == "confirmed")
        if numbers:

            def apply(beads: list[Bead], _i: int) -> list[Bead]:
                return edit.set_status(beads, [n - 1 for n in numbers], status)

            edit_bead(project, name, max(numbers), apply, action=verb, summary=f"{verb} beads {listed}")
    _done(quiet, f"{name}: {verb}ed beads {listed}")


@bead_group.command("merge")
@click.argument("name")
@click.argument("number", type=BEAD)
@_no_embeddings
@db_option
@quiet_option
@user_option
def merge_cmd(
    name: str, number: BeadRef, no_embeddings: bool, db_path: str | None, quiet: bool, user: str
) -> None:
    """Merge bead NUMBER with the next one.

    Example:

    \b
        taiyaku bead merge 000_018672d04432ce13 12
    """
    from alignment import edit

    _edit(
        name,
        number,
        edit.merge,
        "merge",
        f"merge bead {number} with {number.bead + 1}"
        if number.clause is None
        else f"merge bead {number} with the next",
        no_embeddings,
        db_path,
        user,
    )
    nxt = str(number.bead + 1) if number.clause is None else "the next"
    _done(quiet, f"{name}: merged bead {number} with {nxt}")


@bead_group.command("split")
@click.argument("name")
@click.argument("number", type=BEAD)
@_no_embeddings
@db_option
@quiet_option
@user_option
def split_cmd(
    name: str, number: BeadRef, no_embeddings: bool, db_path: str | None, quiet: bool, user: str
) -> None:
    """Split bead NUMBER after its first segment on each side (a 2-2 becomes 1-1 + 1-1).

    Example:

    \b
        taiyaku bead split 000_018672d04432ce13 12
    """
    from alignment import edit

    _edit(name, number, edit.split, "split", f"split bead {number}", no_embeddings, db_path, user)
    _done(quiet, f"{name}: split bead {number}")


@bead_group.command("unlink")
@click.argument("name")
@click.argument("number", type=BEAD)
@_no_embeddings
@db_option
@quiet_option
@user_option
def unlink_cmd(
    name: str, number: BeadRef, no_embeddings: bool, db_path: str | None, quiet: bool, user: str
) -> None:
    """Mark bead NUMBER unaligned: each Japanese segment 1-0, each English segment 0-1.

    Example:

    \b
        taiyaku bead unlink 000_018672d04432ce13 12
    """
    from alignment import edit

    _edit(name, number, edit.unlink, "unlink", f"unlink bead {number}", no_embeddings, db_path, user)
    _done(quiet, f"{name}: unlinked bead {number}")


@bead_group.command("realign")
@click.argument("name")
@click.argument("number", type=BEAD)
@click.option("--no-embeddings", is_flag=True, help="Align on length and anchors only.")
@db_option
@quiet_option
@user_option
def realign_cmd(
    name: str, number: BeadRef, no_embeddings: bool, db_path: str | None, quiet: bool, user: str
) -> None:
    """Align again the run of unconfirmed beads around bead NUMBER (what `R` does in the app).

    Example:

    \b
        taiyaku bead realign 000_018672d04432ce13 12
    """
    from tui.core.beads import load_pair, project_realigner, realign, stretch_at

    if number.clause is not None:
        _realign_clauses(name, number, no_embeddings, db_path, quiet, user)
        return
    with open_project(db_path, user=user, create=False) as project:
        state = load_pair(project.db, name)
        if not 1 <= number.bead <= len(state.beads):
            raise click.ClickException(f"{name} has {len(state.beads)} beads; there is no bead {number}")
        stretch = stretch_at(state, number.bead - 1)
        after = realign(
            project, state, number.bead - 1, project_realigner(project.path, use_embeddings=not no_embeddings)
        )
    if stretch is not None:
        n = len(after.beads) - len(state.beads) + stretch.stop - stretch.start
        _done(quiet, f"{name}: realigned beads {stretch.start + 1}–{stretch.stop}: now {n} beads")


def _realign_clauses(
    name: str, ref: BeadRef, no_embeddings: bool, db_path: str | None, quiet: bool, user: str
) -> None:
    """Realign the unconfirmed clause beads around clause bead `ref` (R at clause level)."""
    from alignment.project import ProjectError
    from tui.commands.clause_cmds import zoom_at
    from tui.core.beads import compute_realignment, project_realigner
    from tui.core.clauses import apply_clause_realignment, clause_stretch

    with open_project(db_path, user=user, create=False) as project:
        zoom, cursor = zoom_at(project, name, ref)
        stretch = clause_stretch(zoom, cursor)
        if stretch is None:
            raise ProjectError(f"clause bead {ref} is confirmed: nothing to realign around it")
        realigner = project_realigner(project.path, use_embeddings=not no_embeddings, level="clause")
        beads = compute_realignment(zoom.clauses, stretch, realigner)
        after = apply_clause_realignment(project, zoom, stretch, beads)
    _done(quiet, f"{name}: realigned the clauses of bead {ref.bead}: now {len(after.beads)} clause beads")


bead_group.add_command(cut_cmd)
bead_group.add_command(join_cmd)


def register(cli: click.Group) -> None:
    cli.add_command(bead_group)
