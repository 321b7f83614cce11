"""Killing the app loses nothing: a finished action is already in the project, a half-written one is not."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

from alignment.bead_store import get_beads
from alignment.store import get_pair
from tui.common import open_db
from tui.core import history

pytest_plugins = ["tui_project"]  # the `project` fixture (a module, not a conftest: see tui_project)

SCRIPT = textwrap.dedent(
    """
    import asyncio, sys, time
    from pathlib import Path
    from tui.app import make_app

    async def main(db, mode):
        app = make_app(Path(db), user="ana", pair="p")
        async with app.run_test(size=(100, 30)) as pilot:
            await pilot.press("m")
            if mode == "half":
                # start the next merge and stop inside its transaction, before it commits
                import tui.core.history as h
                def hang(*a, **k):
                    print("inside", flush=True)
                    time.sleep(60)
                h.record = hang
                await pilot.press("down", "m")
            print("done", flush=True)
            time.sleep(60)

    asyncio.run(main(sys.argv[1], sys.argv[2]))
    """
)


def run_and_kill(project: Path, mode: str, wait_for: str) -> None:
    proc = subprocess.Popen(
        [sys.executable, "-c", SCRIPT, str(project), mode],
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    try:
        deadline = time.monotonic() + 60
        assert proc.stdout is not None
        while time.monotonic() < deadline:
            line = proc.stdout.readline()
            if line.strip() == wait_for:
                break
        else:
            raise AssertionError("the app never got there")
        os.kill(proc.pid, signal.SIGKILL)
    finally:
        proc.wait(10)


def beads(project: Path) -> list[tuple]:
    db = open_db(str(project))
    try:
        return [(b.ja, b.en) for b in get_beads(db, get_pair(db, "p").id)]
    finally:
        db.close()


def test_a_finished_action_survives_kill_9(project: Path) -> None:
    run_and_kill(project, "one", "done")
    assert beads(project)[0] == ((0, 2), (0, 2))
    db = open_db(str(project))
    assert [e.action for e in history.entries(db)] == ["merge"]


def test_kill_9_inside_an_action_leaves_the_project_as_before_it(project: Path) -> None:
    run_and_kill(project, "half", "inside")
    got = beads(project)
    assert got[0] == ((0, 2), (0, 2))  # the first merge, finished before
    assert got[1] == ((2, 3), (2, 2))  # the second one never happened: no half-merged bead
    db = open_db(str(project))
    assert [e.action for e in history.entries(db)] == ["merge"]
