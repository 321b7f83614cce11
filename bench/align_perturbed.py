"""Robustness of the aligner where translators merged or left out sentences, and how its confidence fares: JSON.

Each dev-gold file is perturbed the way real translations differ from their source (`alignment.perturb`):
2 or 3 sentences merged into one on either side, one sentence or a run of 2-3 consecutive sentences
dropped on either side (one k-0 / 0-k gold bead), and a mix of all of these. The gold beads are rewritten
to match; each variant is aligned as segmented input (as `taiyaku eval` does, embeddings cached in a
scratch file) and scored strictly, pooled per kind. These variants use their own seeds (":bench"), never
those bench/calibrate.py fits the confidence on, so the reliability printed here is held out.

    python bench/align_perturbed.py [--trials 3] [--no-embeddings]
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from alignment import aligner, embed, perturb
from alignment.evaluate import (
    Evaluation,
    Gold,
    evaluate_baseline,
    ranges_to_indexes,
    read_gold,
    reliability,
    score,
)
from alignment.project import open_project

ROOT = Path(__file__).resolve().parent.parent
DEV_GOLD = ROOT.parent / "shared" / "dev-gold"
CACHE = Path("/tmp/taiyaku-calibrate-embeddings.db")


def run(gold: Gold, embeddings: bool) -> Evaluation:
    db = open_project(CACHE)
    try:
        embedder = (lambda texts: embed.embed(texts, db)) if embeddings else None
        beads, signals, _ = aligner.align_texts(gold.ja, gold.en, embedder=embedder)
    finally:
        db.close()
    predicted = tuple(ranges_to_indexes((b.ja, b.en) for b in beads))
    return Evaluation(
        gold, predicted, score([gold.beads], [predicted]), signals.describe(), tuple(b.score for b in beads)
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trials", type=int, default=3)
    parser.add_argument("--no-embeddings", action="store_true")
    args = parser.parse_args()
    by_kind: dict[str, list[Evaluation]] = {}
    baseline: dict[str, list[Evaluation]] = {}
    for path in sorted(DEV_GOLD.glob("*.gold.jsonl")):
        gold = read_gold(path)
        variants = [("clean", gold), *perturb.variants(gold, perturb.KINDS, range(args.trials), ":bench")]
        for kind, variant in variants:
            by_kind.setdefault(kind, []).append(run(variant, not args.no_embeddings))
            baseline.setdefault(kind, []).append(evaluate_baseline(variant))

    def pooled(runs: list[Evaluation]) -> float:
        return round(score([r.gold.beads for r in runs], [r.predicted for r in runs]).f1_strict, 4)

    perturbed = [r for kind, runs in by_kind.items() if kind != "clean" for r in runs]
    out = {
        "embeddings": not args.no_embeddings,
        "variants_per_kind": {k: len(v) for k, v in by_kind.items()},
        "f1_strict_by_kind": {k: pooled(v) for k, v in by_kind.items()},
        "f1_strict_perturbed": pooled(perturbed),
        "min_f1_strict_by_kind": min(pooled(v) for k, v in by_kind.items() if k != "clean"),
        "gale_church_f1_strict_by_kind": {k: pooled(v) for k, v in baseline.items()},
        "reliability_perturbed": reliability(perturbed).as_dict(),
    }
    json.dump(out, sys.stdout, indent=2, ensure_ascii=False)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
