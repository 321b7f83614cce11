"""The content of a project file as comparable data: every row of every table, timestamps blanked.

Two runs of the same batch differ only in when they ran; everything else (ids, segments, spans, beads,
scores, the history's operations, the caches) must be the same, byte for byte.
"""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path
from typing import Any

_TIME = re.compile(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(\.\d+)?([+-]\d{2}:\d{2}|Z)?")
_SKIP = {"_sqlite_migrations"}


def dump(path: Path) -> dict[str, list[tuple[Any, ...]]]:
    conn = sqlite3.connect(path)
    try:
        tables = [
            r[0]
            for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
            if not r[0].startswith("sqlite_") and r[0] not in _SKIP and "trigrams" not in r[0]
        ]
        out = {}
        for table in tables:
            # A WITHOUT ROWID table (the lookup grams) is ordered by its primary key, i.e. by all its columns.
            width = len(conn.execute(f'SELECT * FROM "{table}" LIMIT 0').description)
            order = "rowid" if _has_rowid(conn, table) else ", ".join(str(k + 1) for k in range(width))
            rows = conn.execute(f'SELECT * FROM "{table}" ORDER BY {order}').fetchall()
            out[table] = [tuple(_TIME.sub("T", v) if isinstance(v, str) else v for v in row) for row in rows]
        return out
    finally:
        conn.close()


def _has_rowid(conn: sqlite3.Connection, table: str) -> bool:
    sql = conn.execute("SELECT sql FROM sqlite_master WHERE name = ?", [table]).fetchone()[0] or ""
    return "WITHOUT ROWID" not in sql.upper()
