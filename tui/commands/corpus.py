"""(placeholder: commands of this area are added here)"""

from __future__ import annotations

import click


def register(cli: click.Group) -> None:
    return None
