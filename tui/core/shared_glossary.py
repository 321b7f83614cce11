"""Which glossary a project works on: its own, or a shared file (`taiyaku glossary use`)."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from alignment.project import resolve_db_path
from glossary import shared, store
from glossary.location import ENV
from tui.core.project import open_db


@dataclass(frozen=True, slots=True)
class GlossaryInUse:
    project: Path
    path: Path | None
    """The shared glossary file; None: the project's own glossary."""
    reason: str
    """'TAIYAKU_GLOSSARY', 'recorded' or 'own'."""
    recorded: str | None
    """What the project records (TAIYAKU_GLOSSARY may override it)."""
    entries: int | None
    """Entries in the glossary in use (None: its file is missing)."""
    own_entries: int
    """Entries in the project file's own glossary."""


def choose(db_path: str | os.PathLike[str] | None, path: Path | None, *, user: str) -> None:
    """Record that the project uses the glossary file `path` (created or migrated here), or its own (None)."""
    project = resolve_db_path(db_path)
    db = open_db(project, shared=False)  # works when the recorded file is gone: this is how to leave it
    try:
        if path is not None and project.exists() and path.exists() and path.samefile(project):
            path = None  # the project's own file is its own glossary
        if path is not None:
            path = path.expanduser().absolute()
            shared.open_file(path).close()  # create, or refuse in one line a file that is not taiyaku's
        shared.record(db, path, user=user)
    finally:
        db.close()


def status(db_path: str | os.PathLike[str] | None) -> GlossaryInUse:
    project = resolve_db_path(db_path)
    db = open_db(project, create=False, readonly=True, shared=False)
    try:
        state = shared.in_use(db, project)
        own = store.count(db)
    finally:
        db.close()
    entries: int | None = own
    if state.path is not None:
        if state.path.exists():
            glossary = shared.open_file(state.path, readonly=True)
            try:
                entries = store.count(glossary)
            finally:
                glossary.close()
        else:
            entries = None
    return GlossaryInUse(project, state.path, state.reason, state.recorded, entries, own)


def _entries(n: int | None) -> str:
    return "file missing" if n is None else f"{n} entr{'y' if n == 1 else 'ies'}"


def describe(state: GlossaryInUse, *, changed: bool) -> list[str]:
    """What `glossary use` prints: the glossary in use, why, and what a person may need to do next."""
    name = state.project.name
    if state.path is None:
        lines = [f"{name} uses its own glossary ({_entries(state.entries)})."]
    else:
        why = "set by TAIYAKU_GLOSSARY" if state.reason == ENV else "recorded in the project"
        lines = [f"{name} uses the glossary in {state.path} ({_entries(state.entries)}; {why})."]
        if state.reason == ENV and state.recorded:
            lines.append(f"The project itself records {state.recorded}.")
        if state.entries is None and state.reason == ENV:
            lines.append("The file is created when a command first uses the glossary.")
        elif state.entries is None:
            lines.append("Restore that file, or run `taiyaku glossary use --local`.")
        if changed and state.own_entries:
            lines.append(
                f"The {_entries(state.own_entries)} of the project's own glossary stay in {name}; to bring "
                "them over, `glossary export` them before `glossary use` and `glossary import` them after."
            )
    if changed and state.reason == ENV:
        lines.append(f"TAIYAKU_GLOSSARY={os.environ.get(ENV)} overrides what the project records.")
    return lines
