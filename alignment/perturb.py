"""Perturbed variants of a gold alignment, the way real translations differ from their source.

Translators merge sentences (2 or 3 into one, on either side) and leave passages out (one sentence, or
several consecutive ones, on either side). Each kind rewrites the gold beads to match: a merge of two 1-1
beads becomes a 2-1 (or 1-2) bead, a dropped run of k sentences one k-0 (or 0-k) bead. Used to tune and
check the aligner and its confidence beyond the clean dev-gold files (bench/align_perturbed.py,
bench/calibrate.py); never at run time.
"""

from __future__ import annotations

import random
from dataclasses import replace

from alignment.evaluate import Gold

Side = list[str]
TextBead = tuple[Side, Side]

KINDS = (
    "merge_en",
    "merge_ja",
    "merge3_en",
    "merge3_ja",
    "drop_en",
    "drop_ja",
    "drop_run_en",
    "drop_run_ja",
    "mixed",
)
JOIN = {"ja": "", "en": " "}


def beads_as_text(gold: Gold) -> list[TextBead]:
    return [([gold.ja[i] for i in ja], [gold.en[i] for i in en]) for ja, en in gold.beads]


def from_text(name: str, beads: list[TextBead]) -> Gold:
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


def _one_one(beads: list[TextBead], start: int, k: int) -> bool:
    return start + k <= len(beads) and all(len(j) == 1 and len(e) == 1 for j, e in beads[start : start + k])


def _merge(beads: list[TextBead], at: int, k: int, side: str) -> list[TextBead]:
    """Beads at..at+k-1 (all 1-1) become one bead whose `side` is a single sentence."""
    group = beads[at : at + k]
    ja = [s for j, _ in group for s in j]
    en = [s for _, e in group for s in e]
    if side == "en":
        en = [JOIN["en"].join(s.strip() for s in en)]
    else:
        ja = [JOIN["ja"].join(s.strip() for s in ja)]
    return [*beads[:at], (ja, en), *beads[at + k :]]


def _drop(beads: list[TextBead], at: int, k: int, side: str) -> list[TextBead]:
    """Beads at..at+k-1 lose their `side`: one bead holding the other side's k sentences."""
    group = beads[at : at + k]
    ja = [] if side == "ja" else [s for j, _ in group for s in j]
    en = [] if side == "en" else [s for _, e in group for s in e]
    return [*beads[:at], (ja, en), *beads[at + k :]]


def _apply(beads: list[TextBead], kind: str, rng: random.Random) -> list[TextBead] | None:
    """One change of `kind` at a random place where it fits (None when there is none)."""
    base, _, side = kind.rpartition("_")
    k = {"merge": 2, "merge3": 3, "drop": 1}.get(base) or rng.choice((2, 3))
    places = [i for i in range(len(beads)) if _one_one(beads, i, k)]
    if not places:
        return None
    at = rng.choice(places)
    return _merge(beads, at, k, side) if base.startswith("merge") else _drop(beads, at, k, side)


def perturb(gold: Gold, kind: str, rng: random.Random, rate: float = 0.1) -> Gold:
    """About `rate` x (number of beads) changes of one kind (at least one); "mixed" draws kinds at random."""
    if kind not in KINDS:
        raise ValueError(kind)
    beads = beads_as_text(gold)
    for _ in range(max(1, round(len(beads) * rate))):
        this = rng.choice(KINDS[:-1]) if kind == "mixed" else kind
        changed = _apply(beads, this, rng)
        if changed is not None:
            beads = changed
    return from_text(f"{gold.name}+{kind}", beads)


def variants(gold: Gold, kinds: tuple[str, ...], trials: range, salt: str = "") -> list[tuple[str, Gold]]:
    """(kind, variant) for each kind and trial, reproducible from the names alone."""
    out = []
    for kind in kinds:
        for trial in trials:
            rng = random.Random(f"{gold.name}:{kind}:{trial}{salt}")
            out.append((kind, replace(perturb(gold, kind, rng), name=f"{gold.name}+{kind}#{trial}")))
    return out
