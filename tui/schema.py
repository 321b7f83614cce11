"""Every migration set of the project file, in dependency order (alignment's own set is always applied first)."""

from __future__ import annotations

import importlib

from sqlite_utils import Migrations

# (module, attribute) of each package's own migration set, applied in this order after alignment's.
MIGRATION_SETS: tuple[tuple[str, str], ...] = (
    ("glossary.schema", "GLOSSARY"),
    ("glossary.span_schema", "SPANS"),
    ("tui.history", "HISTORY"),
    ("tui.views", "VIEWS"),  # last: its views read the tables of every set above
)


def all_migration_sets() -> list[Migrations]:
    sets: list[Migrations] = []
    for module_name, attr in MIGRATION_SETS:
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as exc:  # that area has not been written yet
            if exc.name != module_name:
                raise
            continue
        sets.append(getattr(module, attr))
    return sets
