"""Fit (and check) the bead confidence: a logistic model over the aligner's evidence; prints JSON.

    python bench/calibrate.py [--fit-trials 6] [--check-trials 3] [--write]

Data: the dev-gold files as given plus perturbed variants of them (`alignment.perturb`: merges of 2 or 3
sentences and dropped sentences or runs of sentences on either side, and a mix). The fit uses trials
0 .. fit-trials-1 of every kind; the check uses other random variants (other seeds) never fitted on, and
reports reliability per confidence bin (predicted vs observed share of exactly right beads), the expected
calibration error, the Brier score, and the share of wrong beads among the lowest-confidence 10 %.
--write stores the coefficients in alignment/calibration.py (the aligner never fits at run time).
"""

from __future__ import annotations

import argparse
import itertools
import json
import math
import sys
import time
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from alignment import aligner, calibration, confidence, embed, perturb
from alignment.evaluate import Gold, read_gold, score
from alignment.project import open_project

ROOT = Path(__file__).resolve().parent.parent
DEV_GOLD = ROOT.parent / "shared" / "dev-gold"
CACHE = Path("/tmp/taiyaku-calibrate-embeddings.db")

Row = tuple[list[float], int, str]
"""(feature vector, 1 if the bead is exactly right, kind)."""


def collect(golds: Sequence[tuple[str, Gold]], *, embeddings: bool) -> tuple[list[Row], dict[str, float]]:
    """Align every gold, return one row per predicted bead and the pooled strict F1 per kind."""
    db = open_project(CACHE)
    embedder = (lambda texts: embed.embed(texts, db)) if embeddings else None
    rows: list[Row] = []
    per_kind: dict[str, tuple[list[object], list[object]]] = {}
    for kind, gold in golds:
        explain: list[tuple[object, confidence.Evidence]] = []
        beads, _, _ = aligner.align_texts(gold.ja, gold.en, embedder=embedder, explain=explain)  # type: ignore[arg-type]
        truth = set(gold.beads)
        predicted = [(tuple(range(*b.ja)), tuple(range(*b.en))) for b in beads]
        for bead, ev in explain:
            key = (tuple(range(*bead.ja)), tuple(range(*bead.en)))  # type: ignore[attr-defined]
            rows.append((confidence.feature_vector(ev), int(key in truth), kind))
        golds_k, preds_k = per_kind.setdefault(kind, ([], []))
        golds_k.append(gold.beads)
        preds_k.append(predicted)
    db.close()
    f1 = {k: round(score(g, p).f1_strict, 4) for k, (g, p) in per_kind.items()}  # type: ignore[arg-type]
    return rows, f1


def fit(rows: Sequence[Row], l2: float = 0.5, steps: int = 50) -> np.ndarray:
    """Logistic regression by Newton steps, L2 on every coefficient but the bias."""
    x = np.array([r[0] for r in rows])
    y = np.array([r[1] for r in rows], dtype=float)
    w = np.zeros(x.shape[1])
    reg = np.full(x.shape[1], l2)
    reg[0] = 1e-6
    for _ in range(steps):
        p = 1 / (1 + np.exp(-(x @ w)))
        grad = x.T @ (p - y) + reg * w
        hess = (x * (p * (1 - p))[:, None]).T @ x + np.diag(reg)
        step = np.linalg.solve(hess, grad)
        w -= step
        if np.abs(step).max() < 1e-8:
            break
    return w


def predict(rows: Sequence[Row], w: Sequence[float]) -> np.ndarray:
    x = np.array([r[0] for r in rows])
    return np.array([confidence.logistic(float(z)) for z in x @ np.asarray(w)])


def report(rows: Sequence[Row], w: Sequence[float], flag_below: float) -> dict[str, object]:
    p = predict(rows, w)
    y = np.array([r[1] for r in rows])
    bins = []
    edges = [0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0001]
    ece = 0.0
    for lo, hi in itertools.pairwise(edges):
        sel = (p >= lo) & (p < hi)
        if sel.any():
            bins.append(
                {
                    "bin": f"{lo:.1f}-{min(hi, 1.0):.1f}",
                    "beads": int(sel.sum()),
                    "predicted": round(float(p[sel].mean()), 3),
                    "observed": round(float(y[sel].mean()), 3),
                }
            )
            ece += sel.sum() / len(p) * abs(float(p[sel].mean()) - float(y[sel].mean()))
    order = np.argsort(p, kind="stable")
    wrong = int((y == 0).sum())
    tenth = order[: max(1, math.ceil(len(p) * 0.1))]
    flagged = p < flag_below
    return {
        "beads": len(rows),
        "wrong": wrong,
        "wrong_in_lowest_10pct": round(float((y[tenth] == 0).sum() / wrong), 3) if wrong else None,
        "wrong_in_lowest_30pct": round(float((y[order[: math.ceil(len(p) * 0.3)]] == 0).sum() / wrong), 3)
        if wrong
        else None,
        "flagged": int(flagged.sum()),
        "wrong_flagged": round(float((flagged & (y == 0)).sum() / wrong), 3) if wrong else None,
        "right_flagged": int((flagged & (y == 1)).sum()),
        "ece": round(ece, 4),
        "brier": round(float(((p - y) ** 2).mean()), 4),
        "reliability": bins,
    }


def flag_threshold(rows: Sequence[Row], w: Sequence[float], catch: float = 0.8) -> float:
    """The lowest threshold (to 0.05) under which at least `catch` of the wrong beads of the fit set fall."""
    p, y = predict(rows, w), np.array([r[1] for r in rows])
    for t in np.arange(0.05, 1.0, 0.05):
        if ((p < t) & (y == 0)).sum() >= catch * max(1, (y == 0).sum()):
            return round(float(t), 2)
    return 0.95


def golds_for(trials: range, salt: str) -> list[tuple[str, Gold]]:
    out: list[tuple[str, Gold]] = []
    for path in sorted(DEV_GOLD.glob("*.gold.jsonl")):
        gold = read_gold(path)
        if not salt:
            out.append(("clean", gold))
        out.extend(perturb.variants(gold, perturb.KINDS, trials, salt))
    return out


def write(models: dict[str, list[float]], flag_below: float, note: str) -> None:
    def fmt(w: Sequence[float]) -> str:
        return "(" + ", ".join(f"{x:.4f}" for x in w) + ")"

    text = (
        '"""Fitted coefficients of the confidence model (data, written by bench/calibrate.py; do not edit by hand)."""\n\n'
        f"FEATURES = {tuple(FEATURE_NAMES)!r}\n"
        f"EMBEDDINGS = {fmt(models['embeddings'])}\n"
        f"LENGTH_ONLY = {fmt(models['length_only'])}\n"
        f"FLAG_BELOW = {flag_below}\n"
        f"FITTED_ON = {note!r}\n"
    )
    (ROOT / "alignment" / "calibration.py").write_text(text, encoding="utf-8")


FEATURE_NAMES = list(confidence.FEATURES)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fit-trials", type=int, default=6)
    parser.add_argument("--check-trials", type=int, default=3)
    parser.add_argument("--write", action="store_true")
    args = parser.parse_args()
    fit_golds = golds_for(range(args.fit_trials), "")
    check_golds = golds_for(range(args.check_trials), ":check")
    out: dict[str, object] = {}
    models: dict[str, list[float]] = {}
    flag = 0.5
    for name, use in (("embeddings", True), ("length_only", False)):
        t0 = time.perf_counter()
        fit_rows, fit_f1 = collect(fit_golds, embeddings=use)
        check_rows, check_f1 = collect(check_golds, embeddings=use)
        w = [float(x) for x in fit(fit_rows)]
        models[name] = w
        if use:
            flag = flag_threshold(fit_rows, w)
        current = calibration.EMBEDDINGS if use else calibration.LENGTH_ONLY
        out[name] = {
            "coefficients": dict(zip(FEATURE_NAMES, (round(float(x), 4) for x in w), strict=True)),
            "f1_strict_fit_set": fit_f1,
            "f1_strict_check_set": check_f1,
            "fit": report(fit_rows, w, flag),
            "check": report(check_rows, w, flag),
            # None when the stored model was fitted on other features (before --write refits it).
            "check_with_stored_coefficients": report(check_rows, current, confidence.FLAG_BELOW)
            if len(current) == len(FEATURE_NAMES)
            else None,
            "seconds": round(time.perf_counter() - t0, 1),
        }
    out["flag_below"] = flag
    if args.write:
        note = (
            f"dev-gold (4 files) + {len(fit_golds) - 4} perturbed variants ({', '.join(perturb.KINDS)}), "
            f"trials 0-{args.fit_trials - 1}; checked on {len(check_golds)} other variants"
        )
        write(models, flag, note)
    json.dump(out, sys.stdout, indent=2)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
