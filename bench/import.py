"""Import speed on seed 002 next to raw GiNZA (nlp.pipe over the same sentences), in one run. Prints JSON.

Usage: python bench/import.py [--seed PATH] [--repeat N]   (default: 2 alternating rounds, best of each)

Both sides run with the model already loaded. `ours` is the whole `import_pair` into a fresh project
(read, repair, segmentation, parse, clause conversion, cache and segment writes); `ginza` is
`nlp.pipe` alone over the sentences that import parses. The overhead ratio is ours / ginza (CPU time;
wall time is reported too, but is noisy on a shared machine). Target: ratio <= 1.15.
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from alignment import parse  # noqa: E402
from alignment.importer import import_pair, plan_import, read_source  # noqa: E402
from alignment.project import open_project  # noqa: E402


def timed(fn):
    wall, cpu = time.perf_counter(), time.process_time()
    result = fn()
    return result, time.perf_counter() - wall, time.process_time() - cpu


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seed", type=Path, default=ROOT / "seeds" / "002_93202f0a6b3f2ef7.txt")
    ap.add_argument("--repeat", type=int, default=2, help="alternate the two measurements this many times")
    args = ap.parse_args()

    nlp = parse.load_nlp()
    list(nlp.pipe(["警戒監視を強化する。"]))  # warm up
    with tempfile.TemporaryDirectory() as tmp:
        db = open_project(Path(tmp) / "plan.db")
        plan = plan_import(db, read_source(args.seed, "ja"), name="bench")
        db.close()
        sentences = [s.text for p in plan.documents for s in p.sentences]
        chars = sum(len(s) for s in sentences)

        def ginza_run() -> tuple[float, float]:
            _, wall, cpu = timed(lambda: list(nlp.pipe(sentences, batch_size=parse.BATCH_SIZE)))
            return wall, cpu

        def our_run(i: int) -> tuple[float, float]:
            db = open_project(Path(tmp) / f"run{i}.db")  # a fresh project: nothing cached
            try:
                _, wall, cpu = timed(lambda: import_pair(db, args.seed, name="bench"))
            finally:
                db.close()
            return wall, cpu

        runs = []
        for i in range(args.repeat):  # alternate the order, keep the best of each: a shared machine is noisy
            if i % 2 == 0:
                g, o = ginza_run(), our_run(i)
            else:
                o, g = our_run(i), ginza_run()
            runs.append((*g, *o))

    g_wall, g_cpu, o_wall, o_cpu = (min(r[k] for r in runs) for k in range(4))
    print(
        json.dumps(
            {
                "seed": args.seed.name,
                "sentences": len(sentences),
                "chars": chars,
                "ginza": {
                    "seconds": round(g_wall, 2),
                    "cpu_seconds": round(g_cpu, 2),
                    "chars_per_s": round(chars / g_cpu),
                },
                "ours": {
                    "seconds": round(o_wall, 2),
                    "cpu_seconds": round(o_cpu, 2),
                    "chars_per_s": round(chars / o_cpu),
                },
                "overhead_ratio": round(o_cpu / g_cpu, 3),
                "overhead_ratio_wall": round(o_wall / g_wall, 3),
                "target": 1.15,
                "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
                "repeat": args.repeat,
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
