"""Cold alignment cost against the encode-once floor, measured in the same run; prints JSON.

    python bench/cold.py [--repeat 3] [--copies 1]

Workloads: the four dev-gold files as one pair ("clean"), and perturbed variants of them as one pair
("perturbed": merges of 2-3 sentences and dropped runs, `alignment.perturb`), `--copies` times over with
distinct text (each copy's sentences marked with a letter, so no sentence repeats and nothing is served
from a cache).

- floor: encoding every segment of both sides once with the same encoder (no cache, model loaded);
- cold: `align_pair` on a fresh project whose embedding cache is empty (what `taiyaku align` does the
  first time: features, both passes, cache writes, saving the beads), split into the encoder's share and
  the rest;
- all_overlaps: embedding every run of 1-3 segments as the aligner did before the two passes, then
  aligning: the old cold cost, for comparison.

Timings are the minimum over --repeat rounds (other processes share the CPU), floor and cold interleaved;
the median of the per-round ratios and the process CPU time are printed too, as loads vary.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path

import numpy as np

from alignment import aligner, embed, perturb, store
from alignment.evaluate import Gold, gold_document, ranges_to_indexes, read_gold, score
from alignment.model import Lang
from alignment.project import open_project, write

ROOT = Path(__file__).resolve().parent.parent
DEV_GOLD = ROOT.parent / "shared" / "dev-gold"


def concat(golds: list[Gold], name: str) -> Gold:
    ja: list[str] = []
    en: list[str] = []
    beads = []
    for g in golds:
        beads += [(tuple(i + len(ja) for i in x), tuple(j + len(en) for j in y)) for x, y in g.beads]
        ja += g.ja
        en += g.en
    return Gold(name=name, ja=tuple(ja), en=tuple(en), beads=tuple(beads))


def numbered(gold: Gold, copy: int) -> Gold:
    """Copy `copy` of the gold with every sentence made distinct (no embedding cache hit across copies)."""
    if copy == 0:
        return gold
    # A letter, not a number: numbers are anchors and would tie every sentence of a copy together.
    mark = "abcdefghijklmnopqrstuvwxyz"[copy % 26] * (1 + copy // 26)
    return Gold(
        name=f"{gold.name}~{copy}",
        ja=tuple(f"{s}（{mark}）" for s in gold.ja),
        en=tuple(f"{s} ({mark})" for s in gold.en),
        beads=gold.beads,
    )


def workloads(copies: int) -> dict[str, Gold]:
    golds = [read_gold(p) for p in sorted(DEV_GOLD.glob("*.gold.jsonl"))]
    kinds = ("merge3_en", "drop_run_ja", "mixed")
    perturbed = [v for g in golds for _, v in perturb.variants(g, kinds, range(1), ":cold")]
    out = {}
    for name, parts in (("clean", golds), ("perturbed", perturbed)):
        # Each part of each copy gets its own mark: variants of one file would otherwise share sentences,
        # which the floor encodes once but the aligner still has to align.
        marked = [
            numbered(g, c * len(parts) + k) if c or name != "clean" else g
            for c in range(copies)
            for k, g in enumerate(parts)
        ]
        out[name] = concat(marked, name)
    return out


def timed(fn: Callable[[], object]) -> tuple[float, object]:
    t0 = time.perf_counter()
    result = fn()
    return time.perf_counter() - t0, result


def floor(gold: Gold) -> float:
    return timed(lambda: embed.embed([*gold.ja, *gold.en]))[0]


ENCODE_SECONDS: list[float] = []
"""Seconds spent inside the encoder during each cold run (the rest is search, features and storage)."""


def cold(gold: Gold) -> tuple[float, list[tuple[tuple[int, ...], tuple[int, ...]]]]:
    encode = embed._encode
    spent = 0.0

    def timed_encode(texts: Sequence[str]) -> np.ndarray:
        nonlocal spent
        t0 = time.perf_counter()
        try:
            return encode(texts)
        finally:
            spent += time.perf_counter() - t0

    embed._encode = timed_encode  # a probe for this bench, restored below
    try:
        return _cold(gold)
    finally:
        embed._encode = encode
        ENCODE_SECONDS.append(spent)


def _cold(gold: Gold) -> tuple[float, list[tuple[tuple[int, ...], tuple[int, ...]]]]:
    with tempfile.TemporaryDirectory(prefix="taiyaku-cold-") as tmp:
        db = open_project(Path(tmp) / "cold.db")
        with write(db):
            pair_id = store.create_pair(db, gold.name)
            sides: tuple[tuple[Lang, tuple[str, ...]], ...] = (("ja", gold.ja), ("en", gold.en))
            for lang, sentences in sides:
                store.insert_document(db, pair_id, *gold_document(lang, sentences))
        pair = store.get_pair(db, gold.name)
        seconds, result = timed(lambda: aligner.align_pair(db, pair))
        db.close()
    beads = result.beads  # type: ignore[attr-defined]
    return seconds, ranges_to_indexes((b.ja, b.en) for b in beads)


def all_overlaps(gold: Gold) -> tuple[float, list[tuple[tuple[int, ...], tuple[int, ...]]]]:
    def run() -> list[tuple[tuple[int, ...], tuple[int, ...]]]:
        cache: dict[str, np.ndarray] = {}

        def embedder(texts: Sequence[str]) -> np.ndarray:
            todo = [t for t in texts if t not in cache]
            for t, v in zip(todo, embed.embed(todo), strict=True):
                cache[t] = v
            return np.stack([cache[t] for t in texts])

        # One pass over every run's own embedding (what the aligner did before the two passes).
        feats = aligner.features(gold.ja, gold.en, embedder=embedder)
        ja_runs, en_runs = aligner.embed_overlaps(gold.ja, gold.en, embedder)
        feats = replace(feats, ja_vectors=ja_runs, en_vectors=en_runs, refined=True)
        beads = aligner.align_stretch(feats, ((0, len(gold.ja)), (0, len(gold.en))))
        return ranges_to_indexes((b.ja, b.en) for b in beads)

    seconds, beads = timed(run)
    return seconds, beads  # type: ignore[return-value]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--copies", type=int, default=1)
    parser.add_argument("--skip-old", action="store_true", help="do not time the all-overlaps baseline")
    args = parser.parse_args()
    embed.embed(["warm up", "暖機"])  # load the model outside the timings
    out: dict[str, object] = {}
    for name, gold in workloads(args.copies).items():
        floors, colds, olds, cpu_floors, cpu_colds = [], [], [], [], []
        beads: list[tuple[tuple[int, ...], tuple[int, ...]]] = []
        old_beads: list[tuple[tuple[int, ...], tuple[int, ...]]] = []
        ENCODE_SECONDS.clear()
        for _ in range(args.repeat):
            c0 = time.process_time()
            floors.append(floor(gold))
            c1 = time.process_time()
            seconds, beads = cold(gold)
            cpu_floors.append(c1 - c0)
            cpu_colds.append(time.process_time() - c1)
            colds.append(seconds)
            if not args.skip_old:
                seconds, old_beads = all_overlaps(gold)
                olds.append(seconds)
        row: dict[str, object] = {
            "segments": f"{len(gold.ja)}x{len(gold.en)}",
            "floor_seconds": round(min(floors), 2),
            "cold_seconds": round(min(colds), 2),
            "ratio": round(min(colds) / min(floors), 3),
            "ratio_median_of_rounds": round(
                statistics.median(c / f for c, f in zip(colds, floors, strict=True)), 3
            ),
            # Where the cold time goes, medians over the rounds: the encoder (singles, then the second
            # pass's runs) and everything else (features, both searches, confidences, the database).
            "cold_encode_seconds_median": round(statistics.median(ENCODE_SECONDS), 3),
            "cold_other_seconds_median": round(
                statistics.median(c - e for c, e in zip(colds, ENCODE_SECONDS, strict=True)), 3
            ),
            "cpu_floor_seconds": round(min(cpu_floors), 2),
            "cpu_cold_seconds": round(min(cpu_colds), 2),
            "cpu_ratio": round(min(cpu_colds) / min(cpu_floors), 3),
            "f1_strict": round(score([gold.beads], [beads]).f1_strict, 4),
        }
        if olds:
            row["all_overlaps_seconds"] = round(min(olds), 2)
            row["all_overlaps_ratio"] = round(min(olds) / min(floors), 3)
            row["all_overlaps_f1_strict"] = round(score([gold.beads], [old_beads]).f1_strict, 4)
        out[name] = row
    out["load_average_1min"] = round(os.getloadavg()[0], 2)
    json.dump(out, sys.stdout, indent=2)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
