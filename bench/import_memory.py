"""Peak memory and speed of `taiyaku import` against document size, in one run. Prints JSON.

Usage: python bench/import_memory.py [--sizes 0.25 0.5 1 2] [--keep DIR]

Each size is a document of distinct Japanese sentences (UTF-8 megabytes), generated from the seeds and the
dev-gold raw documents (sentences recombined and numbered, so that no two are alike and the parse cache
serves none of them), imported by the real CLI into a fresh project in its own process, with stderr not a
terminal. The floor is the same process importing a one-line document (Python, SQLite, GiNZA loaded), so
`private_growth_mb` is what the document itself costs in private memory (the heap): it should stay flat as the
size grows (parses are stored and dropped chunk by chunk), apart from the text itself. Peak RSS also counts
the pages of SudachiPy's memory-mapped dictionary that the text touched (up to its 217 MB; shared, clean,
reclaimable). `chars_per_s` is the throughput of the whole import (read, repair, parse, write) in wall time,
`chars_per_cpu_s` in CPU time (what one idle core would do: a shared machine's wall time varies with its load).
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


def anon_kb() -> int:
    """This process's private resident memory (RssAnon), in KiB: the heap, not the mapped dictionary."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("RssAnon:"):
            return int(line.split()[1])
    return 0


def child(path: Path, db: Path) -> None:
    """Import `path` with the CLI (in this process) and print peak RSS and time as JSON.

    Peak RSS counts the pages of SudachiPy's memory-mapped dictionary (217 MB) that the text touched, more for
    a longer text; the private memory (RssAnon, sampled every 50 ms) is what a document really costs."""
    import threading

    from tui.cli import cli

    peak_anon = [anon_kb()]
    done = threading.Event()

    def sample() -> None:
        while not done.wait(0.05):
            peak_anon[0] = max(peak_anon[0], anon_kb())

    threading.Thread(target=sample, daemon=True).start()
    before = resource.getrusage(resource.RUSAGE_SELF)
    cpu_before = before.ru_utime + before.ru_stime
    started = time.perf_counter()
    code = 0
    try:
        cli.main(["import", str(path), "--db", str(db)], standalone_mode=False)
    except SystemExit as exc:  # pragma: no cover
        code = int(exc.code or 0)
    seconds = time.perf_counter() - started
    done.set()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    anon = max(peak_anon[0], anon_kb()) * 1024
    usage = resource.getrusage(resource.RUSAGE_SELF)
    cpu = usage.ru_utime + usage.ru_stime - cpu_before
    print(
        json.dumps({"exit": code, "seconds": seconds, "cpu": cpu, "peak_rss": peak, "peak_anon": anon}),
        file=sys.stderr,
    )


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
                    "chars_per_cpu_s": round(chars / got["cpu"]),
                    "peak_rss_mb": round(got["peak_rss"] / 2**20),
                    "peak_private_mb": round(got["peak_anon"] / 2**20),
                    "private_growth_mb": round((got["peak_anon"] - floor["peak_anon"]) / 2**20),
                    "project_mb": round(db.stat().st_size / 1e6, 1) if db.exists() else None,
                }
            )
            print(json.dumps(rows[-1]), file=sys.stderr)
    print(
        json.dumps(
            {
                "floor_peak_rss_mb": round(floor["peak_rss"] / 2**20),
                "floor_peak_private_mb": round(floor["peak_anon"] / 2**20),
                "runs": rows,
                "cpus": os.cpu_count(),
                "load_average": os.getloadavg()[0],
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
