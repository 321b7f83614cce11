"""Whole archives: import + suggest + align of 16 seed-sized documents, serially, on local worker processes,
and through a real `dask scheduler` with `dask worker` processes on 127.0.0.1. Prints JSON.

The floor is the serial run (`--workers 1`: the same pure functions in this process, with BLAS started as the
`taiyaku` command starts it), measured in the same run; the figures are ratios against it. Every configuration must store the same project content (timestamps
aside): the digests printed must be equal.

    .venv/bin/python bench/batch.py [--docs 16] [--workers 2] [--no-dask] [--level clause]
                                    [--corpus seeds|small] [--keep DIR]

`--level clause` adds a fourth stage: the clauses of every pair aligned inside its sentence beads.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
# bench/ holds tui.py and import.py: off the path, so `tui` and `import` are the product's, not these scripts
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench"]
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT))

from alignment.threads import single_threaded_blas  # noqa: E402

single_threaded_blas()  # as the `taiyaku` command does, before numpy loads: the serial floor is the CLI's

from batchdump import dump  # noqa: E402
from daskprocs import dask_processes  # noqa: E402
from testdata import DEV_GOLD, SEEDS  # noqa: E402

SEEDS_ALL = tuple(sorted(p.stem for p in SEEDS.glob("*.txt")))
SEED_PAIRS = ("000_018672d04432ce13", "001_5af3baea35b63ec3")
GOLD_PAIRS = ("jpin2006_joint_statement", "jpin2008_secdecl_preamble", "kyoto_HST00871", "kyoto_HST00906")
CORPORA = ("seeds", "small")


def sources(corpus: str) -> list[tuple[Path, Path | None]]:
    """`seeds`: the five seeds (with our English where the repository has it) and the four dev-gold pairs, so
    documents are seed-sized (2,500 to 70,000 characters); `small`: the two seeds with English and the four
    dev-gold pairs (the smaller documents of the first measurement)."""
    seeds = SEEDS_ALL if corpus == "seeds" else SEED_PAIRS
    english = {s: SEEDS / "en" / f"{s}.en.txt" for s in seeds}
    out = [(SEEDS / f"{s}.txt", english[s] if english[s].exists() else None) for s in seeds]
    return out + [(DEV_GOLD / "raw" / f"{g}.ja.txt", DEV_GOLD / "raw" / f"{g}.en.txt") for g in GOLD_PAIRS]


def make_archive(folder: Path, n: int, corpus: str = "seeds") -> list[int]:
    """n documents cycling over the corpus's sources, under other names; their sizes in characters."""
    cycle = sources(corpus)
    sizes = []
    for k in range(n):
        ja, en = cycle[k % len(cycle)]
        shutil.copy(ja, folder / f"doc{k:03d}.ja.txt")
        size = len(ja.read_text(encoding="utf-8"))
        if en is not None:
            shutil.copy(en, folder / f"doc{k:03d}.en.txt")
            size += len(en.read_text(encoding="utf-8"))
        sizes.append(size)
    return sizes


def digest(db: Path) -> str:
    return hashlib.sha256(repr(sorted(dump(db).items())).encode()).hexdigest()[:16]


def run_all(
    folder: Path, db: Path, workers: int, scheduler: str | None = None, *, clauses: bool = False
) -> dict[str, Any]:
    from alignment.store import get_document, list_pairs
    from tui.core.archive import Options, align_archive, import_archive, read_folder, suggest_archive
    from tui.core.batch import pool
    from tui.core.project import Project

    stages: dict[str, Any] = {}
    peaks: dict[str, int] = {}
    started = time.perf_counter()
    with Project.open(db, user="bench") as project, pool(workers, scheduler) as where:
        imported, _ = import_archive(project, read_folder(folder), where, Options())
        pairs = list_pairs(project.db)
        suggested = suggest_archive(project, pairs, where)
        english = [p for p in pairs if get_document(project.db, p.id, "en") is not None]  # as `align --all`
        aligned = align_archive(project, english, where)
        by_clause = align_archive(project, english, where, level="clause") if clauses else None
        description = where.description
    total = time.perf_counter() - started
    docs = len(imported.stored)
    outcomes = [("import", imported), ("suggest", suggested), ("align", aligned)]
    outcomes += [("align_clause", by_clause)] if by_clause is not None else []
    for name, outcome in outcomes:
        assert not outcome.failed, outcome.failed
        stages[name] = {
            "seconds": round(outcome.seconds, 2),
            "writer_seconds": round(outcome.writing, 3),
            "worker_seconds": round(sum(w.seconds for w in outcome.work), 2),
        }
        for w in outcome.work:
            peaks[w.worker] = max(peaks.get(w.worker, 0), w.peak_rss)
    writing = sum(s["writer_seconds"] for s in stages.values())
    return {
        "where": description,
        "seconds": round(total, 2),
        "documents": docs,
        "stages": stages,
        "writer_ms_per_document": round(writing / docs * 1000, 1),
        "peak_rss_mib_per_worker": sorted(round(p / 2**20) for p in peaks.values()),
        "digest": digest(db),
    }


def warm_encoder_cache() -> None:
    """Make the encoder's cached copy (alignment.encoder_cache) in another process before anything is timed,
    so neither run pays for writing it, and this process has not loaded the encoder when the serial run
    starts."""
    code = "from alignment import embed; embed._model()"
    subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=16)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--no-dask", action="store_true")
    parser.add_argument("--level", choices=("sentence", "clause"), default="sentence")
    parser.add_argument("--corpus", choices=CORPORA, default="seeds", help=sources.__doc__)
    parser.add_argument("--keep", type=Path, default=None, help="Keep the projects in this (new) folder.")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        base = args.keep or Path(tmp)
        base.mkdir(parents=True, exist_ok=True)
        folder = base / "archive"
        folder.mkdir()
        sizes = make_archive(folder, args.docs, args.corpus)
        warm_encoder_cache()
        clauses = args.level == "clause"
        serial = run_all(folder, base / "serial.db", 1, clauses=clauses)
        local = run_all(folder, base / "local.db", args.workers, clauses=clauses)
        out: dict[str, Any] = {
            "documents": args.docs,
            "corpus": args.corpus,
            "level": args.level,
            "characters": sum(sizes),
            "mean_characters_per_document": round(sum(sizes) / len(sizes)),
            "serial": serial,
            "local_workers": local,
            "speedup_local": round(serial["seconds"] / local["seconds"], 2),
            "identical_local": local["digest"] == serial["digest"],
            "documents_per_hour_per_core_serial": round(args.docs / serial["seconds"] * 3600),
        }
        if not args.no_dask:
            with dask_processes(args.workers, base) as (address, _workers):
                cluster = run_all(folder, base / "dask.db", args.workers, address, clauses=clauses)
            out["dask"] = cluster
            out["identical_dask"] = cluster["digest"] == serial["digest"]
            out["dask_overhead_vs_local"] = round(cluster["seconds"] / local["seconds"] - 1, 3)
        print(json.dumps(out, indent=2))


if __name__ == "__main__":
    main()
