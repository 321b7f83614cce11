"""Fixtures for the reliability tests: projects with data, lock holders, bad inputs."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest
from rel_harness import fill_project


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
            stdout=subprocess.PIPE,
            text=True,
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
