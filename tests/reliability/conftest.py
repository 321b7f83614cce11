"""Fixtures for the reliability tests: projects with data, lock holders, bad inputs."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest

from alignment.model import Bead, Document
from alignment.project import write
from alignment.store import create_pair, insert_document, save_beads
from alignment.text import line_segments


def fill_project(path: Path, pairs: int = 40, lines: int = 30) -> None:
    """A project with enough rows to span many pages (so cutting it in half really loses data)."""
    from tui.common import open_db

    db = open_db(str(path))
    try:
        with write(db):
            for p in range(pairs):
                pair_id = create_pair(db, f"pair-{p:03d}")
                for lang, line in (("ja", "日本の防衛政策（ＩＰＭＤＡ）第{i}項。"), ("en", "Defence policy item {i} (IPMDA).")):
                    text = "\n".join(line.format(i=i) for i in range(lines)) + "\n"
                    segs = line_segments(text)
                    doc = Document(None, pair_id, lang, text, text, ((0, 0, len(text)),), segmented=True)
                    insert_document(db, pair_id, doc, segs)
                save_beads(db, pair_id, [Bead((i, i + 1), (i, i + 1), score=0.5) for i in range(lines)], user="t")
    finally:
        db.close()


@pytest.fixture
def project(tmp_path: Path) -> Path:
    path = tmp_path / "project.db"
    fill_project(path)
    return path


HOLDER = textwrap.dedent(
    """
    import sqlite3, sys, time
    path, mode, seconds = sys.argv[1], sys.argv[2], float(sys.argv[3])
    conn = sqlite3.connect(path, isolation_level=None)
    if mode == "exclusive-mode":
        conn.execute("PRAGMA locking_mode = EXCLUSIVE")
    conn.execute("BEGIN EXCLUSIVE")
    conn.execute("INSERT INTO pairs (name, created, updated) VALUES ('held-by-holder', 'x', 'x')")
    print("locked", flush=True)
    time.sleep(seconds)
    conn.execute("ROLLBACK")
    conn.close()
    print("released", flush=True)
    """
)


class LockHolder:
    """Another process holding an exclusive write transaction on the project for a while."""

    def __init__(self, path: Path, mode: str, seconds: float) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-c", HOLDER, str(path), mode, str(seconds)],
            stdout=subprocess.PIPE, text=True,
        )
        assert self.proc.stdout is not None
        line = self.proc.stdout.readline().strip()
        assert line == "locked", f"lock holder failed to start: {line!r}"

    def wait(self) -> None:
        assert self.proc.stdout is not None
        self.proc.stdout.read()
        assert self.proc.wait(timeout=60) == 0

    def kill(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()


@pytest.fixture
def hold_lock() -> Iterator:
    holders: list[LockHolder] = []

    def _hold(path: Path, mode: str = "transaction", seconds: float = 5.0) -> LockHolder:
        holder = LockHolder(path, mode, seconds)
        holders.append(holder)
        return holder

    yield _hold
    for h in holders:
        h.kill()

