"""Open a project file with the glossary's tables: alignment's migration set, then the glossary's own.

`glossary` needs nothing from `tui` to open a project; the application layer adds its own sets (the undo
history) through `extra`.
"""

from __future__ import annotations

import os
from collections.abc import Sequence

from sqlite_utils import Database, Migrations

from alignment.project import open_project, resolve_db_path
from glossary.schema import GLOSSARY
from glossary.span_schema import SPANS
from glossary.views import VIEWS

MIGRATIONS: tuple[Migrations, ...] = (GLOSSARY, SPANS)
"""The glossary's own migration sets, applied after alignment's; VIEWS always comes last (it reads every
table of the sets before it)."""


def open_glossary_project(
    path: str | os.PathLike[str] | None = None,
    *,
    create: bool = True,
    readonly: bool = False,
    extra: Sequence[Migrations] = (),
    shared: bool = True,
) -> Database:
    """Open (create, migrate) a project with the corpus and glossary tables, plus `extra` sets of layers above.

    `shared`: link it to the glossary file it uses (glossary.shared), if any; off for the glossary file itself
    and for `glossary use`, which must open a project whose recorded glossary file is gone.
    """
    db = open_project(path, create=create, readonly=readonly, extra=(*MIGRATIONS, *extra, VIEWS))
    if shared:
        from glossary.shared import attach

        try:
            attach(db, resolve_db_path(path), readonly=readonly)
        except BaseException:
            db.close()
            raise
    return db
