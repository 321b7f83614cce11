"""Peak memory and speed of `taiyaku import` against document size, in one run. Prints JSON.

Usage: python bench/import_memory.py [--sizes 0.25 0.5 1 2] [--keep DIR]

Each size is a document of distinct Japanese sentences (UTF-8 megabytes), generated from the seeds and the
dev-gold raw documents (sentences recombined and numbered, so that no two are alike and the parse cache
serves none of them), imported by the real CLI into a fresh project in its own process, with stderr not a
terminal. The floor is the same process importing a one-line document (Python, SQLite, GiNZA loaded), so
`growth_mb` is what the document itself costs; it should stay flat as the size grows (parses are stored and
dropped chunk by chunk), apart from the text itself. `chars_per_s` is the throughput of the whole import.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DEV_GOLD = Path(os.environ.get("TAIYAKU_DEV_GOLD", ROOT.parent / "shared" / "dev-gold"))
SOURCES = [*sorted((ROOT / "seeds").glob("*.txt")), *sorted((DEV_GOLD / "raw").glob("*.ja.txt"))]


def base_sentences() -> list[str]:
    """Japanese sentences of 12..160 characters from the seeds and dev-gold documents, without line breaks."""
    out: list[str] = []
    for path in SOURCES:
        if not path.exists():
            continue
        text = "".join(path.read_text(encoding="utf-8").split())
        for piece in text.split("。"):
            if 12 <= len(piece) <= 160 and any("\u3040" <= ch <= "\u30ff" for ch in piece):
                out.append(piece + "。")
    return list(dict.fromkeys(out))


def document(megabytes: float) -> str:
    """Distinct sentences, a paragraph each, until the UTF-8 size is reached."""
    base = base_sentences()
    n = len(base)
    lines: list[str] = []
    size, k = 0, 0
    limit = int(megabytes * 1_000_000)
    while size < limit:
        head, tail = base[k % n], base[(k * 7 + 3) % n]
        # the first half of one sentence's clause, then another: a new text every time, real vocabulary
        cut = head.find("、")
        lead = head[: cut + 1] if 0 < cut < len(head) - 2 else f"第{k + 1}項について、"
        line = f"{lead}{tail}" if k >= n else head
        line = line if k < n else f"{line[:-1]}（第{k + 1}号）。"
        lines.append(line)
        size += len(line.encode()) + 2
        k += 1
    return "\n\n".join(lines) + "\n"


def child(path: Path, db: Path) -> None:
    """Import `path` with the CLI (in this process) and print peak RSS and time as JSON."""
    from click.testing import CliRunner  # noqa: F401  (loaded by tui anyway; keeps imports alike per size)

    from tui.cli import cli

    started = time.perf_counter()
    code = 0
    try:
        cli.main(["import", str(path), "--db", str(db), "--json"], standalone_mode=False)
    except SystemExit as exc:  # pragma: no cover
        code = int(exc.code or 0)
    seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    print(json.dumps({"exit": code, "seconds": seconds, "peak_rss": peak}), file=sys.stderr)


def run_child(path: Path, db: Path) -> dict[str, float]:
    proc = subprocess.run(
        [sys.executable, __file__, "--child", str(path), "--db", str(db)],
        capture_output=True,
        text=True,
        env={**os.environ, "TAIYAKU_PROGRESS": "0"},
    )
    last = proc.stderr.strip().splitlines()[-1] if proc.stderr.strip() else "{}"
    try:
        data: dict[str, float] = json.loads(last)
    except json.JSONDecodeError:
        raise SystemExit(f"import failed: {proc.stderr[-2000:]}") from None
    data["progress_lines"] = sum(1 for line in proc.stderr.splitlines() if " of " in line)
    return data


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", type=float, nargs="+", default=[0.25, 0.5, 1.0, 2.0])
    ap.add_argument("--child", type=Path)
    ap.add_argument("--db", type=Path)
    ap.add_argument("--keep", type=Path, help="write the generated documents here")
    args = ap.parse_args()
    if args.child:
        child(args.child, args.db)
        return
    with tempfile.TemporaryDirectory() as tmp:
        where = args.keep or Path(tmp)
        where.mkdir(parents=True, exist_ok=True)
        floor_doc = where / "floor.txt"
        floor_doc.write_text("警戒監視を強化する。\n", encoding="utf-8")
        floor = run_child(floor_doc, Path(tmp) / "floor.db")
        rows = []
        for mb in args.sizes:
            path = where / f"distinct_{mb}MB.txt"
            text = document(mb)
            path.write_text(text, encoding="utf-8")
            db = Path(tmp) / f"p{mb}.db"
            got = run_child(path, db)
            chars = len(text)
            rows.append(
                {
                    "megabytes": mb,
                    "chars": chars,
                    "lines": text.count("\n\n") + 1,
                    "exit": got["exit"],
                    "seconds": round(got["seconds"], 1),
                    "chars_per_s": round(chars / got["seconds"]),
                    "peak_rss_mb": round(got["peak_rss"] / 2**20),
                    "growth_mb": round((got["peak_rss"] - floor["peak_rss"]) / 2**20),
                    "growth_per_mb": round((got["peak_rss"] - floor["peak_rss"]) / 2**20 / mb, 1),
                    "project_mb": round(db.stat().st_size / 1e6, 1) if db.exists() else None,
                }
            )
            print(json.dumps(rows[-1]), file=sys.stderr)
    print(
        json.dumps(
            {"floor_peak_rss_mb": round(floor["peak_rss"] / 2**20), "runs": rows, "cpus": os.cpu_count()},
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
