"""Alignment benchmark: dev-gold F1 (with and without embeddings, and Gale–Church) and time/memory at scale."""

# Usage: .venv/bin/python bench/align.py [--sizes 1000 5000 10000] [--skip-quality] [--skip-speed]
# Prints one JSON object.
#
# Quality: every ../shared/dev-gold/*.gold.jsonl file is aligned as segmented input (as `taiyaku eval` does)
# with embeddings, without, and with the plain Gale–Church baseline, in the same run.
#
# Speed: pairs of about N x N segments are built by repeating the dev-gold beads in order (JA and EN of the
# same beads, so the pair is a genuine translation whose gold alignment is known). The embeddings are cached
# first; the timed part is the alignment with cached embeddings (cache look-up, features, anchors and the
# banded coarse-to-fine DP), as wall and CPU time; peak memory comes from a separate tracemalloc run.

from __future__ import annotations

import argparse
import json
import os
import resource
import sys
import time
import tracemalloc
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
DEV_GOLD = ROOT.parent / "shared" / "dev-gold"


def quality(gold_dir: Path) -> dict[str, object]:
    from alignment.evaluate import evaluate, evaluate_baseline, read_gold, score

    files = sorted(gold_dir.glob("*.gold.jsonl"))
    if not files:
        raise SystemExit(f"no gold files in {gold_dir}")
    per_file: dict[str, dict[str, Any]] = {}
    pooled: dict[str, tuple[list[Any], list[Any]]] = {
        "embeddings": ([], []),
        "no_embeddings": ([], []),
        "gale_church": ([], []),
    }
    for path in files:
        gold = read_gold(path)
        runs = {
            "embeddings": evaluate(gold, use_embeddings=True),
            "no_embeddings": evaluate(gold, use_embeddings=False),
            "gale_church": evaluate_baseline(gold),
        }
        per_file[gold.name] = {
            name: {
                "f1_strict": round(r.scores.f1_strict, 4),
                "f1_lax": round(r.scores.f1_lax, 4),
                "precision_strict": round(r.scores.precision_strict, 4),
                "recall_strict": round(r.scores.recall_strict, 4),
            }
            for name, r in runs.items()
        }
        per_file[gold.name]["signals"] = runs["embeddings"].signals
        for name, r in runs.items():
            pooled[name][0].append(gold.beads)
            pooled[name][1].append(r.predicted)
    summary: dict[str, Any] = {}
    for name, (golds, preds) in pooled.items():
        s = score(golds, preds)
        mean = sum(f[name]["f1_strict"] for f in per_file.values()) / len(per_file)
        summary[name] = {
            "pooled_f1_strict": round(s.f1_strict, 4),
            "pooled_f1_lax": round(s.f1_lax, 4),
            "mean_f1_strict": round(mean, 4),
            "min_f1_strict": min(f[name]["f1_strict"] for f in per_file.values()),
        }
    summary["margin_over_gale_church"] = round(
        summary["embeddings"]["mean_f1_strict"] - summary["gale_church"]["mean_f1_strict"], 4
    )
    return {"files": per_file, "summary": summary}


def real_beads() -> list[tuple[list[str], list[str]]]:
    """The gold beads of every dev-gold file, as (JA sentences, EN sentences), in order."""
    from alignment.evaluate import read_gold

    beads: list[tuple[list[str], list[str]]] = []
    for path in sorted(DEV_GOLD.glob("*.gold.jsonl")):
        gold = read_gold(path)
        beads.extend(([gold.ja[i] for i in ja], [gold.en[i] for i in en]) for ja, en in gold.beads)
    return beads


def build(n: int, beads: list[tuple[list[str], list[str]]]) -> tuple[list[str], list[str], list[Any]]:
    """About n segments a side: whole gold beads repeated in order, so the pair stays a true translation.

    Returns both sides and the gold beads (as index tuples) of the built pair.
    """
    ja: list[str] = []
    en: list[str] = []
    gold = []
    while len(ja) < n:
        for bj, be in beads:
            gold.append((tuple(range(len(ja), len(ja) + len(bj))), tuple(range(len(en), len(en) + len(be)))))
            ja.extend(bj)
            en.extend(be)
            if len(ja) >= n:
                break
    return ja, en, gold


def speed(sizes: list[int], db_path: Path) -> list[dict[str, object]]:
    from alignment import aligner, embed
    from alignment.evaluate import ranges_to_indexes, score
    from alignment.project import open_project

    db = open_project(db_path)
    embedder = lambda texts: embed.embed(texts, db)  # noqa: E731
    beads = real_beads()
    out = []
    for n in sizes:
        ja, en, gold = build(n, beads)
        t0 = time.perf_counter()
        aligner.embed_overlaps(ja, en, embedder)  # fills the cache (mostly hits: the text repeats)
        t_embed = time.perf_counter() - t0
        t0, c0 = time.perf_counter(), time.process_time()
        aligned, signals, _ = aligner.align_texts(ja, en, embedder=embedder)
        elapsed, cpu = time.perf_counter() - t0, time.process_time() - c0
        t0 = time.perf_counter()
        plain, _, _ = aligner.align_texts(ja, en, embedder=None)
        elapsed_plain = time.perf_counter() - t0
        # Peak memory in a separate run: tracemalloc slows every allocation down.
        tracemalloc.start()
        aligner.align_texts(ja, en, embedder=embedder)
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        out.append(
            {
                "segments": f"{len(ja)}x{len(en)}",
                "seconds_cached_embeddings": round(elapsed, 2),
                "cpu_seconds_cached_embeddings": round(cpu, 2),
                "peak_mib": round(peak / 2**20, 1),
                "seconds_without_embeddings": round(elapsed_plain, 2),
                "seconds_embedding_cache_fill": round(t_embed, 2),
                "f1_strict_vs_repeated_gold": round(
                    score([gold], [ranges_to_indexes((b.ja, b.en) for b in aligned)]).f1_strict, 4
                ),
                "f1_strict_without_embeddings": round(
                    score([gold], [ranges_to_indexes((b.ja, b.en) for b in plain)]).f1_strict, 4
                ),
                "signals": signals.describe(),
                "load_average_1min": round(os.getloadavg()[0], 2),
            }
        )
    db.close()
    return out


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="*", default=[1000, 5000, 10000])
    parser.add_argument("--gold-dir", type=Path, default=DEV_GOLD)
    parser.add_argument(
        "--cache",
        type=Path,
        default=Path("/tmp/taiyaku-bench-embeddings.db"),
        help="Project file used as the embedding cache for the speed runs.",
    )
    parser.add_argument("--skip-quality", action="store_true")
    parser.add_argument("--skip-speed", action="store_true")
    args = parser.parse_args(argv)
    result: dict[str, object] = {}
    if not args.skip_quality:
        result["quality"] = quality(args.gold_dir)
    if not args.skip_speed:
        result["speed"] = speed(args.sizes, args.cache)
    result["max_rss_mib"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    json.dump(result, sys.stdout, ensure_ascii=False, indent=2)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
