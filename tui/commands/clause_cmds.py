"""Clause beads from the command line: `36.2` names clause bead 2 of sentence bead 36 (as `taiyaku beads
--level clause` shows it); `bead cut` and `bead join` cut a clause bead's pieces at words and join them back.

Each is the same undoable action as the app's key at clause level (tui.core.clauses)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import click

from tui.common import db_option, open_project, quiet_option, user_option

if TYPE_CHECKING:
    from alignment.model import Bead, BeadStatus, Lang
    from tui.core.clauses import BeadEdit, ClauseState
    from tui.core.project import Project


@dataclass(frozen=True, slots=True)
class BeadRef:
    """A bead as a person names it: `12` (sentence bead 12) or `12.3` (clause bead 3 inside it)."""

    bead: int
    clause: int | None = None

    def __str__(self) -> str:
        return f"{self.bead}" if self.clause is None else f"{self.bead}.{self.clause}"


class BeadRefType(click.ParamType):  # type: ignore[type-arg]  # generic only in click's newer stubs
    name = "bead"

    def convert(self, value: object, param: click.Parameter | None, ctx: click.Context | None) -> BeadRef:
        if isinstance(value, BeadRef):
            return value
        text = str(value)
        head, dot, tail = text.partition(".")
        if head.isdigit() and int(head) >= 1 and (not dot or (tail.isdigit() and int(tail) >= 1)):
            return BeadRef(int(head), int(tail) if dot else None)
        self.fail(f"{text!r} is not a bead number (12) or a clause bead (12.3), counted from 1", param, ctx)


BEAD = BeadRefType()


def zoom_at(project: Project, name: str, ref: BeadRef) -> tuple[ClauseState, int]:
    """The sentence bead's clauses and the clause bead's position among them (refused when out of range)."""
    from alignment.project import ProjectError
    from tui.core.clauses import NOT_ALIGNED, load_clauses

    zoom = load_clauses(project.db, name, ref.bead - 1)
    if zoom.run is None:
        raise ProjectError(
            f"bead {ref.bead}: {NOT_ALIGNED.replace('z aligns', '`taiyaku align --level clause` aligns')}"
        )
    n = len(zoom.beads)
    if ref.clause is None:
        raise ProjectError(
            f"name a clause bead as {ref.bead}.N (`taiyaku beads {name} --level clause` lists them)"
        )
    if not 1 <= ref.clause <= n:
        raise ProjectError(
            f"bead {ref.bead} of {name} has {n} clause bead{'s' if n != 1 else ''}; there is no {ref}"
        )
    return zoom, ref.clause - 1


def edit_clause(project: Project, name: str, ref: BeadRef, fn: BeadEdit, action: str, summary: str) -> None:
    from tui.core.clauses import change_clauses

    zoom, cursor = zoom_at(project, name, ref)
    change_clauses(project, zoom, fn, cursor, action=action, summary=summary)


def set_clause_status(project: Project, name: str, refs: tuple[BeadRef, ...], confirmed: bool) -> None:
    """Confirm (or unconfirm) clause beads, one action per sentence bead they are in."""
    from alignment import edit

    status: BeadStatus = "confirmed" if confirmed else "auto"
    verb = "confirm" if confirmed else "unconfirm"
    for bead in sorted({r.bead for r in refs}):
        mine = [r for r in refs if r.bead == bead]
        for r in mine:
            zoom_at(project, name, r)  # each one in range, or a one-line refusal before anything changes
        positions = [r.clause - 1 for r in mine if r.clause is not None]

        def apply(beads: list[Bead], _i: int, positions: list[int] = positions) -> list[Bead]:
            return edit.set_status(beads, positions, status)

        listed = ", ".join(str(r) for r in mine)
        edit_clause(project, name, mine[-1], apply, verb, f"{verb} clause beads {listed}")


def _pieces(zoom: ClauseState, lang: Lang, cursor: int) -> list[tuple[int, int, int]]:
    from tui.core.clauses import piece_spans

    return piece_spans(zoom, lang, zoom.beads[cursor])


@click.command("cut")
@click.argument("name")
@click.argument("ref", metavar="BEAD.CLAUSE", type=BEAD)
@click.option("--before", "words", required=True, help="Cut the piece just before these words.")
@click.option("--lang", type=click.Choice(["en", "ja"]), default="en", show_default=True)
@db_option
@quiet_option
@user_option
def cut_cmd(
    name: str, ref: BeadRef, words: str, lang: str, db_path: str | None, quiet: bool, user: str
) -> None:
    """Cut a piece of clause bead BEAD.CLAUSE in two, just before WORDS (what `/` does in the app). The
    text never changes: pieces are offsets into it.

    Example:

    \b
        taiyaku bead cut 000_018672d04432ce13 36.1 --before "and to respond"
    """
    from alignment.project import ProjectError
    from tui.core.clauses import cut_piece

    side: Lang = "ja" if lang == "ja" else "en"
    with open_project(db_path, user=user, create=False) as project:
        zoom, cursor = zoom_at(project, name, ref)
        texts = zoom.clauses.ja_texts if side == "ja" else zoom.clauses.en_texts
        found = [
            (k, start + at)
            for k, start, _ in _pieces(zoom, side, cursor)
            if (at := texts[k].find(words, 1)) > 0
        ]
        if not found:
            raise ProjectError(f"no {lang.upper()} piece of clause bead {ref} has {words!r} after its start")
        cut_piece(project, zoom, side, *found[0])
    if not quiet:
        side_name = "an English" if lang == "en" else "a Japanese"
        click.echo(f"{name}: cut {side_name} piece of clause bead {ref} before {words!r}")


@click.command("join")
@click.argument("name")
@click.argument("ref", metavar="BEAD.CLAUSE", type=BEAD)
@click.option("--piece", type=click.IntRange(min=1), default=1, show_default=True,
              help="Join this piece of the clause bead (from 1) with the next one.")  # fmt: skip
@click.option("--lang", type=click.Choice(["en", "ja"]), default="en", show_default=True)
@db_option
@quiet_option
@user_option
def join_cmd(
    name: str, ref: BeadRef, piece: int, lang: str, db_path: str | None, quiet: bool, user: str
) -> None:
    """Join two pieces of clause bead BEAD.CLAUSE back into one (what `/` on `┃` does in the app).

    Example:

    \b
        taiyaku bead join 000_018672d04432ce13 36.1 --piece 1
    """
    from alignment.project import ProjectError
    from tui.core.clauses import join_pieces

    side: Lang = "ja" if lang == "ja" else "en"
    with open_project(db_path, user=user, create=False) as project:
        zoom, cursor = zoom_at(project, name, ref)
        pieces = _pieces(zoom, side, cursor)
        if piece >= len(pieces):
            some = f"one {lang.upper()} piece" if len(pieces) == 1 else f"{len(pieces)} {lang.upper()} pieces"
            raise ProjectError(f"clause bead {ref} has {some}: nothing to join after piece {piece}")
        join_pieces(project, zoom, side, pieces[piece - 1][0])
    if not quiet:
        click.echo(f"{name}: joined {lang.upper()} pieces {piece} and {piece + 1} of clause bead {ref}")
