"""`taiyaku bead confirm|unconfirm|merge|split|unlink|realign`: the app's bead edits from the command line,
as the same undoable actions; beads are numbered from 1, as `taiyaku beads` and the app show them."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from tui.common import db_option, open_project, quiet_option, user_option

if TYPE_CHECKING:
    from alignment.model import Bead, BeadStatus
    from tui.core.beads import BeadEdit, Realigner
    from tui.core.project import Project

_NUMBER = click.IntRange(min=1)


@click.group("bead")
def bead_group() -> None:
    """Edit a pair's beads by number (from 1, as `taiyaku beads` and the app number them). Each edit is
    one undoable action (`taiyaku undo`).

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
    number: int,
    fn: BeadEdit,
    action: str,
    summary: str,
    no_embeddings: bool,
    db_path: str | None,
    user: str,
) -> None:
    """One bead edit as an undoable action; the beads it makes get the aligner's score."""
    from tui.core.beads import edit_bead

    with open_project(db_path, user=user, create=False) as project:
        edit_bead(
            project,
            name,
            number,
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
@click.argument("numbers", nargs=-1, required=True, type=_NUMBER)
@db_option
@quiet_option
@user_option
def confirm_cmd(name: str, numbers: tuple[int, ...], db_path: str | None, quiet: bool, user: str) -> None:
    """Confirm beads (a later `align` keeps them exactly as they are).

    Example:

    \b
        taiyaku bead confirm 000_018672d04432ce13 1 2 3
    """
    _set_status(name, numbers, "confirmed", db_path, quiet, user)


@bead_group.command("unconfirm")
@click.argument("name")
@click.argument("numbers", nargs=-1, required=True, type=_NUMBER)
@db_option
@quiet_option
@user_option
def unconfirm_cmd(name: str, numbers: tuple[int, ...], db_path: str | None, quiet: bool, user: str) -> None:
    """Send confirmed beads back to automatic (the aligner may change them again).

    Example:

    \b
        taiyaku bead unconfirm 000_018672d04432ce13 7
    """
    _set_status(name, numbers, "auto", db_path, quiet, user)


def _set_status(
    name: str, numbers: tuple[int, ...], status: BeadStatus, db_path: str | None, quiet: bool, user: str
) -> None:
    from alignment import edit
    from tui.core.beads import edit_bead

    verb = "confirm" if status == "confirmed" else "unconfirm"
    listed = ", ".join(map(str, numbers))
    with open_project(db_path, user=user, create=False) as project:

        def apply(beads: list[Bead], _i: int) -> list[Bead]:
            return edit.set_status(beads, [n - 1 for n in numbers], status)

        edit_bead(project, name, max(numbers), apply, action=verb, summary=f"{verb} beads {listed}")
    _done(quiet, f"{name}: {verb}ed beads {listed}")


@bead_group.command("merge")
@click.argument("name")
@click.argument("number", type=_NUMBER)
@_no_embeddings
@db_option
@quiet_option
@user_option
def merge_cmd(
    name: str, number: int, no_embeddings: bool, db_path: str | None, quiet: bool, user: str
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
        f"merge bead {number} with {number + 1}",
        no_embeddings,
        db_path,
        user,
    )
    _done(quiet, f"{name}: merged beads {number} and {number + 1}")


@bead_group.command("split")
@click.argument("name")
@click.argument("number", type=_NUMBER)
@_no_embeddings
@db_option
@quiet_option
@user_option
def split_cmd(
    name: str, number: int, no_embeddings: bool, db_path: str | None, quiet: bool, user: str
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
@click.argument("number", type=_NUMBER)
@_no_embeddings
@db_option
@quiet_option
@user_option
def unlink_cmd(
    name: str, number: int, no_embeddings: bool, db_path: str | None, quiet: bool, user: str
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
@click.argument("number", type=_NUMBER)
@click.option("--no-embeddings", is_flag=True, help="Align on length and anchors only.")
@db_option
@quiet_option
@user_option
def realign_cmd(
    name: str, number: int, no_embeddings: bool, db_path: str | None, quiet: bool, user: str
) -> None:
    """Align again the run of unconfirmed beads around bead NUMBER (what `R` does in the app).

    Example:

    \b
        taiyaku bead realign 000_018672d04432ce13 12
    """
    from tui.core.beads import load_pair, project_realigner, realign, stretch_at

    with open_project(db_path, user=user, create=False) as project:
        state = load_pair(project.db, name)
        if not 1 <= number <= len(state.beads):
            raise click.ClickException(f"{name} has {len(state.beads)} beads; there is no bead {number}")
        stretch = stretch_at(state, number - 1)
        after = realign(
            project, state, number - 1, project_realigner(project.path, use_embeddings=not no_embeddings)
        )
    if stretch is not None:
        n = len(after.beads) - len(state.beads) + stretch.stop - stretch.start
        _done(quiet, f"{name}: realigned beads {stretch.start + 1}–{stretch.stop}: now {n} beads")


def register(cli: click.Group) -> None:
    cli.add_command(bead_group)
