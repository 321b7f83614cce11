"""CLI command modules, one per area; each exposes `register(cli)`.

They are imported when a command is first asked for, not when `taiyaku` starts: `LazyCommands` registers
them all the first time its command table is read (`taiyaku --help`, any command), except for the
commands in `LIGHT`, which are loaded alone. `taiyaku glossary lookup` is the hot path analysts run from
scripts and editors; loading every command module would double its start-up time.
"""

from __future__ import annotations

import importlib
from collections.abc import MutableMapping
from typing import Any

import click

LIGHT: dict[str, dict[str, str]] = {"glossary": {"lookup": "tui.commands.glossary_lookup:lookup_cmd"}}
"""group → subcommand → "module:attribute" of commands loaded without the other command modules."""


def register_all(cli: click.Group) -> None:
    from tui.commands import (
        aligning,
        annotate,
        backup,
        bead_cmds,
        corpus,
        exporting,
        glossary_cmds,
        history_cmds,
        interop,
        spans_cmds,
        team_cmds,
    )

    for module in (
        corpus,
        aligning,
        exporting,
        bead_cmds,
        spans_cmds,
        glossary_cmds,
        history_cmds,
        annotate,
        interop,
        backup,
    ):
        module.register(cli)
    team_cmds.register(cli)


def _light_command(spec: str) -> click.Command:
    module, _, attr = spec.partition(":")
    command = getattr(importlib.import_module(module), attr)
    assert isinstance(command, click.Command), spec
    return command


class LazyCommands(click.Group):
    """The root group: command modules are registered on first use of the command table."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self._loaded = False
        super().__init__(*args, **kwargs)

    @property
    def commands(self) -> MutableMapping[str, click.Command]:
        if not self._loaded:
            self._loaded = True  # before registering: register() calls add_command, which reads the table
            register_all(self)
        return self._commands

    @commands.setter
    def commands(self, value: MutableMapping[str, click.Command]) -> None:
        self._commands = value

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if not self._loaded and cmd_name in LIGHT:
            return _LightGroup(cmd_name, LIGHT[cmd_name])
        return super().get_command(ctx, cmd_name)


class _LightGroup(click.Group):
    """A stand-in for a command group that loads only its light subcommands; anything else (another
    subcommand, the group's help) is answered by the real group, after loading every command module."""

    def __init__(self, name: str, light: dict[str, str]) -> None:
        super().__init__(name)
        self._light = light

    def _real(self, ctx: click.Context) -> click.Group:
        root = ctx.find_root().command
        real = root.commands[self.name] if isinstance(root, click.Group) and self.name else None
        assert isinstance(real, click.Group), self.name
        return real

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name in self._light:
            return _light_command(self._light[cmd_name])
        return self._real(ctx).get_command(ctx, cmd_name)

    def list_commands(self, ctx: click.Context) -> list[str]:
        return self._real(ctx).list_commands(ctx)

    def format_help(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        self._real(ctx).format_help(ctx, formatter)
