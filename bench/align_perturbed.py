"""Robustness of the aligner where translators merged or dropped sentences: prints JSON.

Each dev-gold file is perturbed the way real translations differ from their source: two English
sentences of neighbouring 1-1 beads merged into one (a 2-1 bead), an English sentence dropped (1-0),
a Japanese one dropped (0-1). The gold beads are rewritten to match, then aligned and scored as
`taiyaku eval` does. This is a check against overfitting the clean dev-gold, not a tuning set.

    python bench/align_perturbed.py [--trials 3] [--no-embeddings]
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from alignment.evaluate import Gold, evaluate, evaluate_baseline, read_gold  # noqa: E402

DEV_GOLD = ROOT.parent / "shared" / "dev-gold"

Side = list[str]


def _beads_as_text(gold: Gold) -> list[tuple[Side, Side]]:
    return [([gold.ja[i] for i in ja], [gold.en[i] for i in en]) for ja, en in gold.beads]


def _from_text(name: str, beads: list[tuple[Side, Side]]) -> Gold:
    ja: list[str] = []
    en: list[str] = []
    index_beads = []
    for ja_side, en_side in beads:
        if not ja_side and not en_side:
            continue
        index_beads.append(
            (tuple(range(len(ja), len(ja) + len(ja_side))), tuple(range(len(en), len(en) + len(en_side))))
        )
        ja.extend(ja_side)
        en.extend(en_side)
    return Gold(name=name, ja=tuple(ja), en=tuple(en), beads=tuple(index_beads))


def perturb(gold: Gold, kind: str, rng: random.Random, rate: float = 0.12) -> Gold:
    """Apply one kind of change to about `rate` of the 1-1 beads."""
    beads = _beads_as_text(gold)
    one_one = [i for i, (j, e) in enumerate(beads) if len(j) == 1 and len(e) == 1]
    picks = sorted(rng.sample(one_one, max(1, int(len(one_one) * rate))))
    if kind == "merge":
        out: list[tuple[Side, Side]] = []
        skip = set()
        for i, bead in enumerate(beads):
            if i in skip:
                continue
            if i in picks and i + 1 < len(beads) and len(beads[i + 1][0]) == 1 and len(beads[i + 1][1]) == 1:
                (ja1, en1), (ja2, en2) = bead, beads[i + 1]
                out.append((ja1 + ja2, [en1[0].rstrip() + " " + en2[0].lstrip()]))
                skip.add(i + 1)
            else:
                out.append(bead)
        beads = out
    elif kind == "drop_en":
        beads = [(j, [] if i in picks else e) for i, (j, e) in enumerate(beads)]
    elif kind == "drop_ja":
        beads = [([] if i in picks else j, e) for i, (j, e) in enumerate(beads)]
    else:
        raise ValueError(kind)
    return _from_text(f"{gold.name}+{kind}", beads)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trials", type=int, default=2)
    parser.add_argument("--no-embeddings", action="store_true")
    args = parser.parse_args()
    results = []
    for path in sorted(DEV_GOLD.glob("*.gold.jsonl")):
        gold = read_gold(path)
        for kind in ("merge", "drop_en", "drop_ja"):
            for trial in range(args.trials):
                variant = perturb(gold, kind, random.Random(f"{gold.name}:{kind}:{trial}"))
                variant = replace(variant, name=f"{variant.name}#{trial}")
                ours = evaluate(variant, use_embeddings=not args.no_embeddings)
                base = evaluate_baseline(variant)
                results.append(
                    {
                        "file": gold.name,
                        "kind": kind,
                        "trial": trial,
                        "f1_strict": round(ours.scores.f1_strict, 4),
                        "f1_lax": round(ours.scores.f1_lax, 4),
                        "gale_church_f1_strict": round(base.scores.f1_strict, 4),
                    }
                )
    by_kind = {
        kind: round(
            sum(r["f1_strict"] for r in results if r["kind"] == kind)
            / max(1, sum(1 for r in results if r["kind"] == kind)),
            4,
        )
        for kind in ("merge", "drop_en", "drop_ja")
    }
    print(
        json.dumps(
            {
                "embeddings": not args.no_embeddings,
                "mean_f1_strict": round(sum(r["f1_strict"] for r in results) / len(results), 4),
                "mean_f1_strict_by_kind": by_kind,
                "mean_gale_church_f1_strict": round(
                    sum(r["gale_church_f1_strict"] for r in results) / len(results), 4
                ),
                "runs": results,
            },
            indent=2,
            ensure_ascii=False,
        )
    )


if __name__ == "__main__":
    main()
