"""Killed *inside* a write transaction, deterministically: the k-th write statement of a command sleeps, the
test kills it there, and the project must show the state before the command (or, for a command made of
several transactions, a state its reference run passes through) — never half a change.

Complements the random kills of test_crash_safety.py, which rarely land inside a short transaction.
"""

from __future__ import annotations

import shutil
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from rel_harness import cli_env, has
from test_crash_safety import Family, beads_tile, prepared, soundness

pytestmark = pytest.mark.slow

HOOK = textwrap.dedent(
    """
    import sys, time
    import sqlite_utils.db as sdb

    target = int(sys.argv[1])
    seen = 0

    def pause_if_target(db):
        global seen
        if db.conn.in_transaction:
            seen += 1
            if seen == target:
                print("inside", flush=True)
                time.sleep(120)

    orig_execute = sdb.Database.execute
    def execute(self, sql, *args, **kwargs):
        result = orig_execute(self, sql, *args, **kwargs)
        if sql.lstrip()[:6].upper() in ("INSERT", "UPDATE", "DELETE", "REPLAC"):
            pause_if_target(self)
        return result
    sdb.Database.execute = execute

    orig_insert_all = sdb.Table.insert_all
    def insert_all(self, *args, **kwargs):
        result = orig_insert_all(self, *args, **kwargs)
        pause_if_target(self.db)
        return result
    sdb.Table.insert_all = insert_all

    from tui.cli import cli
    cli(sys.argv[2:], prog_name="taiyaku")
    """
)
TARGETS = (1, 3, 13)


def _paused_then_killed(fam: Family, db: Path, target: int) -> bool:
    """Run the command until its `target`-th write inside a transaction, kill it there. False: it ended first."""
    proc = subprocess.Popen(
        [sys.executable, "-c", HOOK, str(target), *fam.argv],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=cli_env(db, {"PYTHONUNBUFFERED": "1"}),
        cwd=db.parent,
    )
    assert proc.stdout is not None
    deadline = time.monotonic() + 300
    paused = False
    for line in proc.stdout:
        if line.strip() == "inside":
            paused = True
            break
        if time.monotonic() > deadline:
            break
    if paused:
        time.sleep(0.05)
        proc.send_signal(signal.SIGKILL)
    proc.communicate(timeout=300)
    return paused


def test_killed_inside_a_transaction_leaves_no_half_change() -> None:
    work, all_families = prepared()
    fams = [f for f in all_families if not f.script]
    assert fams, "no writing command has landed yet"
    report: dict[str, int] = {}
    problems: list[str] = []
    for fam in fams:
        before, after = fam.states[0], fam.states[-1]  # from the reference run of test_crash_safety
        report[fam.name] = 0
        for target in TARGETS:
            db = work / f"half-{fam.name}-{target}.db"
            shutil.copy2(fam.template, db)
            if not _paused_then_killed(fam, db, target):
                break
            report[fam.name] += 1
            found = soundness(db) + (beads_tile(db, fam.pair) if fam.pair else [])
            state = fam.state(db)
            if state not in (before, after):
                found.append(f"half a change: state {state} is neither before {before} nor after {after}")
            problems += [f"{fam.name}, killed in write #{target}: {p}" for p in found]
    print({"killed_inside_a_transaction": report})
    assert not problems, "\n".join(problems)
    if has("import"):
        assert report.get("import", 0) >= 2, report
