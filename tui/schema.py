"""Every migration set of the project file, in dependency order (alignment's own set is always applied first)."""

from __future__ import annotations

from sqlite_utils import Migrations


def all_migration_sets() -> list[Migrations]:
    """Migration sets of the packages above alignment. Each package owns its own set."""
    sets: list[Migrations] = []
    try:
        from glossary.schema import GLOSSARY
    except ImportError:  # glossary schema not written yet
        pass
    else:
        sets.append(GLOSSARY)
    try:
        from tui.history import HISTORY
    except ImportError:
        pass
    else:
        sets.append(HISTORY)
    return sets
