"""Clause-level alignment quality on a hand-made gold from seed 000 (bench/clause_gold/, see its README).

Usage: .venv/bin/python bench/clause_align.py [--no-embeddings]
Prints one JSON object: strict and lax P/R/F1 of the clause aligner (`align --level clause`'s algorithm) on
the gold's Japanese clauses and English pieces, pooled over the items, next to two baselines measured in the
same run: one whole bead per sentence (what a pair without clause links says) and the diagonal (clause k with
piece k, the rest on the last bead).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
GOLD = ROOT / "bench" / "clause_gold" / "seed000.clauses.jsonl"

IndexBead = tuple[tuple[int, ...], tuple[int, ...]]


def read_items(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def gold_beads(item: dict[str, Any]) -> tuple[list[str], list[str], list[IndexBead]]:
    ja: list[str] = []
    en: list[str] = []
    beads: list[IndexBead] = []
    for b in item["beads"]:
        beads.append(
            (tuple(range(len(ja), len(ja) + len(b["ja"]))), tuple(range(len(en), len(en) + len(b["en"]))))
        )
        ja += b["ja"]
        en += b["en"]
    return ja, en, beads


def whole(ja: list[str], en: list[str]) -> list[IndexBead]:
    return [(tuple(range(len(ja))), tuple(range(len(en))))]


def diagonal(ja: list[str], en: list[str]) -> list[IndexBead]:
    n = min(len(ja), len(en))
    beads: list[IndexBead] = [((k,), (k,)) for k in range(n - 1)]
    return [*beads, (tuple(range(n - 1, len(ja))), tuple(range(n - 1, len(en))))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--no-embeddings", action="store_true")
    parser.add_argument("--gold", type=Path, default=GOLD)
    args = parser.parse_args()

    from alignment.aligner import align_texts, make_embedder
    from alignment.evaluate import score

    embedder, note = make_embedder(None, not args.no_embeddings, None)  # no project: no embedding cache
    golds: list[list[IndexBead]] = []
    runs: dict[str, list[list[IndexBead]]] = {"aligner": [], "whole": [], "diagonal": []}
    items = read_items(args.gold)
    for item in items:
        ja, en, gold = gold_beads(item)
        beads, _signals, _todo = align_texts(
            ja, en, embedder=embedder, note=note, level="clause", cuts=[(0, 0), (len(ja), len(en))]
        )
        golds.append(gold)
        runs["aligner"].append([(tuple(b.ja_indexes), tuple(b.en_indexes)) for b in beads])
        runs["whole"].append(whole(ja, en))
        runs["diagonal"].append(diagonal(ja, en))
    out: dict[str, Any] = {
        "gold": str(args.gold.relative_to(ROOT)),
        "items": len(items),
        "gold_beads": sum(len(g) for g in golds),
        "embeddings": not args.no_embeddings,
    }
    for name, test in runs.items():
        s = score(golds, test)
        out[name] = {k: round(v, 4) for k, v in s.as_dict().items()}
    json.dump(out, sys.stdout, indent=2)
    print()


if __name__ == "__main__":
    main()
