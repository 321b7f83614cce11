"""Annotation app speed: time to open 5,000- and 20,000-bead pairs, and keypress latency next to a 50-bead pair.

Prints JSON. Per action and size: `pilot_ms` (a whole `pilot.press`, which waits for the app to go idle and
adds a fixed 40-130 ms on a busy machine), `repaint_ms` (key sent to the first screen update the compositor
produces after it) and `handler_ms` (the app's own work for the key: store, log, state, widgets). The figure
that matters is each size minus the 50-bead pair measured in the same run; rounds interleave the sizes. A plain Textual DataTable holding the same 5,000 rows is timed too,
for scale. Usage: .venv/bin/python bench/tui.py [--repeat N]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import shutil
import statistics
import sys
import tempfile
import time
from itertools import cycle, islice
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from alignment.bead_store import save_beads  # noqa: E402
from alignment.model import Bead, Document  # noqa: E402
from alignment.project import write  # noqa: E402
from alignment.store import create_pair, insert_document  # noqa: E402
from alignment.text import line_segments  # noqa: E402
from tui.common import open_db  # noqa: E402

SIZES = (50, 5_000, 20_000)
TERMINAL = (100, 40)


def seed_lines() -> tuple[list[str], list[str]]:
    ja = [
        ln.strip()
        for ln in (ROOT / "seeds/000_018672d04432ce13.txt").read_text("utf-8").splitlines()
        if ln.strip()
    ]
    en = [
        ln.strip()
        for ln in (ROOT / "seeds/en/000_018672d04432ce13.en.txt").read_text("utf-8").splitlines()
        if ln.strip()
    ]
    return ja, en


def build(path: Path, sizes: tuple[int, ...]) -> None:
    ja_lines, en_lines = seed_lines()
    db = open_db(str(path))
    for n in sizes:
        with write(db):
            pid = create_pair(db, f"p{n}")
            for lang, lines in (("ja", ja_lines), ("en", en_lines)):
                text = "\n".join(islice(cycle(lines), n)) + "\n"
                doc = Document(None, None, lang, text, text, ((0, 0, len(text)),))
                insert_document(db, pid, doc, line_segments(text))
        save_beads(db, pid, [Bead((i, i + 1), (i, i + 1), score=0.3 + (i * 37 % 70) / 100) for i in range(n)])
    db.close()


def pct(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, round(q * (len(values) - 1)))]


class PaintSpy:
    """Timestamps every screen update the compositor hands to the (headless) driver."""

    def __init__(self, app) -> None:
        self.times: list[float] = []
        self.first_align: float | None = None
        original = app._display

        def spy(screen, renderable) -> None:
            if renderable is not None:
                now = time.perf_counter()
                self.times.append(now)
                if self.first_align is None and type(screen).__name__ == "AlignScreen":
                    self.first_align = now
            original(screen, renderable)

        app._display = spy

    def first_after(self, t: float) -> float | None:
        return next((x for x in self.times if x >= t), None)


async def open_and_press(path: Path, n: int, repeat: int) -> dict:
    """Open pair p{n}, then time `repeat` presses per action: Pilot's whole press and key-to-first-repaint."""
    from tui.app import make_app
    from tui.widgets.bead_table import BeadTable

    t0 = time.perf_counter()
    app = make_app(path, user="bench", pair=f"p{n}")
    spy = PaintSpy(app)
    out: dict = {"beads": n}
    async with app.run_test(size=TERMINAL) as pilot:
        await pilot.pause()
        table = app.screen.query_one(BeadTable)
        assert len(table.data.beads) == n, (n, len(table.data.beads), path)
        out["open_s"] = (spy.first_align or time.perf_counter()) - t0
        table.move_to(n // 3)
        await pilot.pause()
        # merge is measured between untimed moves, so every merge makes a 2-2 of two fresh beads
        plans = {
            "move": [("down", True), ("up", True)],
            "merge": [("m", True), ("down", False)],
            "confirm": [("space", True)],
        }
        for action, plan in plans.items():
            table.move_to(0 if action != "move" else n // 3)  # room for every merge and confirm
            await pilot.pause()
            press, paint = [], []
            while len(press) < repeat:
                for key, timed in plan:
                    t = time.perf_counter()
                    await pilot.press(key)
                    done = time.perf_counter()
                    first = spy.first_after(t)
                    if timed:
                        press.append(done - t)
                        paint.append((first or done) - t)
            out[action] = {"pilot_ms": press, "repaint_ms": paint}
        # The app's own work per key (store, log, state, widgets), without Pilot or the compositor.
        screen = app.screen
        await app.workers.wait_for_complete()
        handlers = {
            "move": table.action_cursor_down,
            "merge": lambda: screen.action_merge("next"),
            "confirm": screen.action_confirm_next,
        }
        for action, handler in handlers.items():
            table.move_to(0)  # room for every press, on the 50-bead pair too
            await pilot.pause()
            spent = []
            for _ in range(repeat):
                t = time.perf_counter()
                handler()
                spent.append(time.perf_counter() - t)
                await pilot.pause()
                if action == "merge":
                    table.move_to(table.cursor + 1)
            out[action]["handler_ms"] = spent
        await pilot.press("ctrl+q")
    return out


def summary(values: list[float]) -> dict:
    return {"median": round(1000 * statistics.median(values), 2), "p95": round(1000 * pct(values, 0.95), 2)}


async def datatable_open(n: int) -> float:
    from textual.app import App, ComposeResult
    from textual.widgets import DataTable

    ja, en = seed_lines()

    class Plain(App[None]):
        def compose(self) -> ComposeResult:
            yield DataTable()

        def on_mount(self) -> None:
            table = self.query_one(DataTable)
            table.add_columns("#", "type", "score", "Japanese", "English")
            table.add_rows(
                (str(i + 1), "1-1", "0.50", j, e)
                for i, j, e in islice(zip(range(n), cycle(ja), cycle(en)), n)
            )

    t0 = time.perf_counter()
    async with Plain().run_test(size=TERMINAL) as pilot:
        await pilot.pause()
        return time.perf_counter() - t0


async def main(repeat: int, rounds: int) -> dict:
    actions = ("move", "merge", "confirm")
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bench.db"
        t = time.perf_counter()
        build(path, SIZES)
        built = time.perf_counter() - t
        # Rounds interleave the sizes, so a busy moment of the machine does not land on one size only.
        kinds = ("pilot_ms", "repaint_ms", "handler_ms")
        raw: dict[int, dict] = {
            n: {"open_s": [], **{a: {k: [] for k in kinds} for a in actions}} for n in SIZES
        }
        for round_no in range(rounds):
            for n in SIZES:
                work = Path(tmp) / f"round{round_no}-{n}.db"
                shutil.copy(path, work)  # every run starts from the same untouched project
                run = await open_and_press(work, n, repeat)
                raw[n]["open_s"].append(run["open_s"])
                for a in actions:
                    for k in kinds:
                        raw[n][a][k] += run[a][k]
    runs = []
    for n in SIZES:
        r: dict = {"beads": n, "open_s": round(statistics.median(raw[n]["open_s"]), 3)}
        for a in actions:
            r[a] = {k: summary(raw[n][a][k]) for k in kinds}
        runs.append(r)
    base = runs[0]
    for r in runs[1:]:
        r["over_50_beads_ms"] = {
            a: {k: round(r[a][k]["median"] - base[a][k]["median"], 2) for k in kinds} for a in actions
        }
        r["open_over_50_beads_s"] = round(r["open_s"] - base["open_s"], 3)
    by_size = {r["beads"]: r for r in runs}
    return {
        "terminal": list(TERMINAL),
        "presses_per_action": repeat * rounds,
        "build_project_s": round(built, 2),
        "runs": runs,
        "datatable_5000_open_s": round(await datatable_open(5_000), 3),
        "targets": {
            "open_5000_under_1s": by_size[5_000]["open_s"] < 1.0,
            "keypress_5000_within_10ms_of_50": all(
                v["repaint_ms"] <= 10 and v["handler_ms"] <= 10
                for v in by_size[5_000]["over_50_beads_ms"].values()
            ),
        },
    }


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=20, help="key presses per action, size and round")
    parser.add_argument("--rounds", type=int, default=3, help="rounds over the sizes")
    args = parser.parse_args()
    print(json.dumps(asyncio.run(main(args.repeat, args.rounds)), indent=2))
