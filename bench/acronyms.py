"""Acronym definitions against a hand-checked gold list: precision, recall, recall without ruby debris and
the share of stated English expansions taken (JSON out, per text and overall).

The texts are read the way `taiyaku import` reads them (PDF repair, GiNZA tokens), so this measures what
`glossary harvest` sees. Seeds are measured here, never asserted in tests: they are for measuring.

Usage: .venv/bin/python bench/acronyms.py [--gold tests/acronym_gold/seeds-001-004.tsv] [--misses]
"""

from __future__ import annotations

import argparse
import csv
import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# `python bench/acronyms.py` puts bench/ first on sys.path; nothing here shadows a package, but keep it out.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]


def _text(name: str, folder: Path) -> str:
    from alignment.repair import repair

    own = folder / f"{name}.ja.txt"
    if own.exists():
        return own.read_text(encoding="utf-8")
    (seed,) = sorted((ROOT / "seeds").glob(f"{name}_*.txt"))
    return repair(seed.read_text(encoding="utf-8"), "ja").text


def _article(text: str | None) -> str | None:
    return re.sub(r"^(?:the|a|an)\s+", "", text, flags=re.I) if text else text


def score(gold_path: Path, show_misses: bool) -> dict[str, object]:
    from alignment.parse import parse_texts
    from glossary.acronyms import acronym_key, find_definitions
    from glossary.harvest_model import clean_term

    with gold_path.open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh, delimiter="\t"))
    names = sorted({r["text"] for r in rows})
    texts = [_text(n, gold_path.parent) for n in names]
    parses = parse_texts(None, texts)
    gold = {(r["text"], acronym_key(r["acronym"])): r for r in rows}
    predicted: set[tuple[str, str, str | None]] = set()
    expanded: set[tuple[str, str]] = set()
    for name, text, parse in zip(names, texts, parses, strict=True):
        for d in find_definitions(text, "ja", parse.tokens):
            if not d.short:
                continue
            key = (name, acronym_key(d.short))
            if d.ja:
                predicted.add((*key, clean_term(d.ja)))
            if key in gold and d.en and _article(clean_term(d.en)) == _article(gold[key]["en_expansion"]):
                expanded.add(key)
    right = {p for p in predicted if p[:2] in gold and p[2] in gold[p[:2]]["ja_long_form"].split("|")}
    hit = {p[:2] for p in right}
    plain = [k for k, r in gold.items() if r["ruby"] == "no"]
    stated = [k for k, r in gold.items() if r["en_expansion"]]
    out: dict[str, object] = {
        "gold": len(gold),
        "predicted": len(predicted),
        "precision": round(len(right) / max(1, len(predicted)), 3),
        "recall": round(len(hit) / max(1, len(gold)), 3),
        "recall_without_ruby": round(sum(k in hit for k in plain) / max(1, len(plain)), 3),
        "expansions_taken": round(sum(k in expanded for k in stated) / max(1, len(stated)), 3),
        "stated_expansions": len(stated),
    }
    if show_misses:
        out["wrong"] = sorted(f"{n} {s} {j}" for n, s, j in predicted - right)
        out["missed"] = sorted(f"{n} {s}" for n, s in set(gold) - hit)
        out["expansions_missed"] = sorted(f"{n} {s}" for n, s in stated if (n, s) not in expanded)
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--gold", type=Path, default=ROOT / "tests" / "acronym_gold" / "seeds-001-004.tsv")
    ap.add_argument("--misses", action="store_true", help="also list wrong and missed definitions")
    args = ap.parse_args()
    print(json.dumps(score(args.gold, args.misses), ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
