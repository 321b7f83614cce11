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
SHOTS: dict[str, tuple[str | None, Sequence[str]]] = {
    # name: (pair to open or None for the pair list, keys to press first)
    "pairs": (None, ()),
    "alignment": ("000_018672d04432ce13", ("n", "n", "f")),
    "glossary": ("000_018672d04432ce13", ("g",)),
    "help": ("000_018672d04432ce13", ("question_mark",)),
}


async def shoot(db: Path, out: Path, name: str, pair: str | None, keys: Sequence[str]) -> Path:
    from tui.app import make_app

    app = make_app(db, user="analyst", pair=pair)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await app.workers.wait_for_complete()
        for key in keys:
            await pilot.press(key)
            await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause(0.2)
        target = out / f"{name}.svg"
        target.write_text(app.export_screenshot(title=f"taiyaku — {name}"), encoding="utf-8")
    return target


async def main(db: Path, out: Path, names: Sequence[str]) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    made = []
    with tempfile.TemporaryDirectory() as tmp:
        for name in names:
            copy = Path(tmp) / f"{name}.db"
            shutil.copy(db, copy)
            pair, keys = SHOTS[name]
            made.append(await shoot(copy, out, name, pair, keys))
    return made


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--db", type=Path, default=Path("taiyaku-demo/taiyaku.db"),
                        help="demo project (taiyaku demo --no-tui builds it)")
    parser.add_argument("--out", type=Path, default=Path("docs"), help="folder for the SVG files")
    parser.add_argument("names", nargs="*", default=list(SHOTS), help=f"which shots ({', '.join(SHOTS)})")
    args = parser.parse_args()
    if not args.db.exists():
        raise SystemExit(f"no project at {args.db}: run `taiyaku demo --no-tui` first")
    for path in asyncio.run(main(args.db, args.out, args.names)):
        print(path)
