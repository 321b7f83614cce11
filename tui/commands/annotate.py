"""`taiyaku annotate`: open the annotation app on a project (the pair list, or one pair)."""

from __future__ import annotations

import click

from tui.common import db_option, user_option


@click.command("annotate")
@click.argument("name", required=False)
@click.option("--bead", type=click.IntRange(min=1), default=None, help="Open NAME at this bead (1-based).")
@click.option(
    "--keys",
    "keys_path",
    type=click.Path(dir_okay=False),
    default=None,
    envvar="TAIYAKU_KEYS",
    help='TOML file of custom keys: binding id = "keys" (default ~/.config/taiyaku/keys.toml).',
)
@db_option
@user_option
def annotate(
    name: str | None, bead: int | None, keys_path: str | None, db_path: str | None, user: str
) -> None:
    """Align, render, tag and build the glossary, keyboard only.

    Without NAME, shows every pair with its progress. Every change is written to the project at once and
    can be undone (u) even after a restart; ? lists the keys, ctrl+p every action, ctrl+q quits.

    Example:

    \b
        taiyaku annotate 000_018672d04432ce13 --db taiyaku-demo/taiyaku.db
    """
    from tui.app import make_app
    from tui.keys import load_keymap

    keymap = load_keymap(keys_path)
    app = make_app(db_path, user=user, pair=name, bead=bead - 1 if bead else None, keymap=keymap)
    app.run()


def register(cli: click.Group) -> None:
    cli.add_command(annotate)
