"""Regenerate the README's SVG screenshots from a demo project: `python -m tui.screenshots --db PROJECT`.

The project is copied first, so the screenshots never change it. Each shot is the app as a person sees it
at 100 columns, driven by key presses (Pilot) from a fresh start.
"""

from __future__ import annotations

import argparse
import asyncio
import shutil
import tempfile
from collections.abc import Sequence
from pathlib import Path

SIZE = (100, 34)
PAIR = "000_018672d04432ce13"
# A short review first, so the shots show confirmed beads and decided spans next to open ones.
REVIEW = ("j",) * 9 + ("C", "y", "j", "f", "a", "a", "r")
WAIT = "<wait>"
"""Not a key: wait until the screen's workers are done (the first zoom aligns the pair's clauses)."""
SHOTS: dict[str, tuple[str | None, Sequence[str]]] = {
    # name: (pair to open or None for the pair list, keys to press first)
    "pairs": (None, ()),
    "alignment": (PAIR, (*REVIEW, "n", "n", "n", "f")),
    "glossary": (PAIR, ("g", "down", "s", *"approved", "enter")),
    "help": (PAIR, ("question_mark",)),
    # bead 36 at clause level (its clauses aligned by the first zoom), with the cut dialog open
    "clauses": (PAIR, (*("j",) * 35, "z", WAIT, "slash", "left", "left")),
}


async def shoot(db: Path, out: Path, name: str, pair: str | None, keys: Sequence[str]) -> Path:
    from tui.app import make_app

    app = make_app(db, user="analyst", pair=pair)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await app.workers.wait_for_complete()
        for key in keys:
            if key == WAIT:
                await app.workers.wait_for_complete()
            else:
                await pilot.press(key)
            await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause(0.2)
        target = out / f"{name}.svg"
        target.write_text(app.export_screenshot(title=f"taiyaku — {name}"), encoding="utf-8")
    return target


def prepare(db: Path) -> None:
    """Suggest spans and harvest glossary entries on the demo pair when the demo has not done it yet."""
    import subprocess
    import sys

    from alignment.store import get_pair
    from tui.common import open_db
    from tui.core.spans import span_counts

    conn = open_db(str(db))
    try:
        pair = get_pair(conn, PAIR)
        has_spans = any(span_counts(conn, pair.id))
    finally:
        conn.close()
    if not has_spans:
        for args in (["suggest", PAIR], ["glossary", "harvest", PAIR]):
            subprocess.run(
                [str(Path(sys.executable).with_name("taiyaku")), *args, "--db", str(db)],
                check=True,
                capture_output=True,
            )


def copy_project(src: Path, dst: Path) -> None:
    """A consistent copy even while the write-ahead log holds recent changes (SQLite's backup API)."""
    import sqlite3

    with sqlite3.connect(src) as a, sqlite3.connect(dst) as b:
        a.backup(b)


async def main(db: Path, out: Path, names: Sequence[str]) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    made = []
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp) / "demo.db"
        copy_project(db, base)
        prepare(base)
        for name in names:
            copy = Path(tmp) / f"{name}.db"
            shutil.copy(base, copy)
            pair, keys = SHOTS[name]
            made.append(await shoot(copy, out, name, pair, keys))
    return made


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "--db",
        type=Path,
        default=Path("taiyaku-demo/taiyaku.db"),
        help="demo project (taiyaku demo --no-tui builds it)",
    )
    parser.add_argument("--out", type=Path, default=Path("docs"), help="folder for the SVG files")
    parser.add_argument("names", nargs="*", default=list(SHOTS), help=f"which shots ({', '.join(SHOTS)})")
    args = parser.parse_args()
    if not args.db.exists():
        raise SystemExit(f"no project at {args.db}: run `taiyaku demo --no-tui` first")
    for path in asyncio.run(main(args.db, args.out, args.names)):
        print(path)
