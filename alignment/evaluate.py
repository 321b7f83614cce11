"""Strict and lax precision/recall/F1 of an alignment against gold beads, computed as vecalign's score.py does."""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

from alignment.model import Document, Lang, Segment
from alignment.project import ProjectError

IndexBead = tuple[tuple[int, ...], tuple[int, ...]]


@dataclass(frozen=True, slots=True)
class Counts:
    tp_strict: int = 0
    fp_strict: int = 0
    tp_lax: int = 0
    fp_lax: int = 0

    def __add__(self, other: Counts) -> Counts:
        return Counts(*(x + y for x, y in zip(self.as_tuple(), other.as_tuple(), strict=True)))

    def as_tuple(self) -> tuple[int, int, int, int]:
        return self.tp_strict, self.fp_strict, self.tp_lax, self.fp_lax


@dataclass(frozen=True, slots=True)
class Scores:
    precision_strict: float
    recall_strict: float
    f1_strict: float
    precision_lax: float
    recall_lax: float
    f1_lax: float

    def as_dict(self) -> dict[str, float]:
        return asdict(self)


def _normalise(beads: Iterable[IndexBead]) -> set[IndexBead]:
    return {(tuple(x), tuple(y)) for x, y in beads if len(x) or len(y)}


def precision_counts(gold: Iterable[IndexBead], test: Iterable[IndexBead]) -> Counts:
    """vecalign's `_precision`: strict and lax hits and misses of `test` against `gold` (sets of beads)."""
    test_set, gold_set = _normalise(test), _normalise(gold)
    src_to_gold_tgt: dict[int, set[int]] = defaultdict(set)
    for gold_src, gold_tgt in gold_set:
        for s in gold_src:
            src_to_gold_tgt[s].update(gold_tgt)
    tp_s = fp_s = tp_l = fp_l = 0
    for src, tgt in test_set:
        if (src, tgt) in gold_set:
            tp_s += 1
            tp_l += 1
            continue
        fp_s += 1
        targets = set().union(*(src_to_gold_tgt[s] for s in src)) if src else set()
        if targets & set(tgt):
            tp_l += 1
        else:
            fp_l += 1
    return Counts(tp_s, fp_s, tp_l, fp_l)


def _ratio(hit: int, miss: int, zero: float) -> float:
    return hit / (hit + miss) if hit + miss else zero


def _f1(p: float, r: float, zero: float) -> float:
    return 2 * p * r / (p + r) if p + r else zero


def score(
    gold_docs: Sequence[Sequence[IndexBead]], test_docs: Sequence[Sequence[IndexBead]], *, zero: float = 0.0
) -> Scores:
    """vecalign's `score_multiple`: counts pooled over documents, then P/R/F1.

    Precision is over every predicted bead (1-0 and 0-1 included); recall is over the beads with both sides
    non-empty, with the roles of gold and prediction swapped (Sennrich & Volk 2011, vecalign). A bead is the
    pair (tuple of JA indexes, tuple of EN indexes); a predicted bead counts as a lax hit when one of its JA
    indexes belongs to a gold bead whose EN side shares an index with its EN side.

    >>> gold = [((0,), (0,)), ((1,), (1, 2)), ((2,), ())]
    >>> s = score([gold], [[((0,), (0,)), ((1,), (1,)), ((), (2,)), ((2,), ())]])
    >>> s.precision_strict, s.recall_strict, s.precision_lax, s.recall_lax
    (0.5, 0.5, 0.75, 1.0)
    """
    if len(gold_docs) != len(test_docs):
        raise ValueError("need as many predicted alignments as gold ones")
    p = r = Counts()
    for gold, test in zip(gold_docs, test_docs, strict=True):
        p += precision_counts(gold, test)
        test_no_del = [(x, y) for x, y in test if len(x) and len(y)]
        gold_no_del = [(x, y) for x, y in gold if len(x) and len(y)]
        r += precision_counts(test_no_del, gold_no_del)
    ps, pl = _ratio(p.tp_strict, p.fp_strict, zero), _ratio(p.tp_lax, p.fp_lax, zero)
    rs, rl = _ratio(r.tp_strict, r.fp_strict, zero), _ratio(r.tp_lax, r.fp_lax, zero)
    return Scores(ps, rs, _f1(ps, rs, zero), pl, rl, _f1(pl, rl, zero))


# --- gold files -----------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Gold:
    """A gold alignment: the segments of both documents and the beads as index tuples."""

    name: str
    ja: tuple[str, ...]
    en: tuple[str, ...]
    beads: tuple[IndexBead, ...]


def read_gold(path: str | Path) -> Gold:
    """Read the dev-gold JSONL format: one `{"ja": [sentences], "en": [sentences]}` per bead, in order."""
    from alignment.textio import check_input_file, path_text

    path = Path(path)
    try:
        check_input_file(path)
        lines = path.read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        raise ProjectError(f"no gold file at {path}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ProjectError(f"cannot read {path}: {exc}") from None
    ja: list[str] = []
    en: list[str] = []
    beads: list[IndexBead] = []
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
            ja_side, en_side = row["ja"], row["en"]
            if not (isinstance(ja_side, list) and isinstance(en_side, list)):
                raise TypeError("ja and en must be lists")
            if not all(isinstance(s, str) for s in (*ja_side, *en_side)):
                raise TypeError("sentences must be strings")
        except (ValueError, KeyError, TypeError) as exc:
            raise ProjectError(f"{path}:{number}: not a gold bead ({exc})") from None
        except RecursionError:  # json gives up on deep nesting this way, not with a ValueError
            raise ProjectError(f"{path}:{number}: not a gold bead (its JSON is nested too deeply)") from None
        if not ja_side and not en_side:  # a 0-0 bead aligns nothing; scoring it would only skew the counts
            continue
        beads.append(
            (tuple(range(len(ja), len(ja) + len(ja_side))), tuple(range(len(en), len(en) + len(en_side))))
        )
        ja.extend(ja_side)
        en.extend(en_side)
    if not beads:
        raise ProjectError(f"{path} holds no beads")
    name = path_text(path.name.removesuffix(".jsonl").removesuffix(".gold"))  # printed in the score table
    return Gold(name=name, ja=tuple(ja), en=tuple(en), beads=tuple(beads))


def ranges_to_indexes(beads: Iterable[tuple[tuple[int, int], tuple[int, int]]]) -> list[IndexBead]:
    return [(tuple(range(*ja)), tuple(range(*en))) for ja, en in beads]


# --- running an evaluation ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Evaluation:
    """How one aligner run did on one gold file."""

    gold: Gold
    predicted: tuple[IndexBead, ...]
    scores: Scores
    signals: str
    confidences: tuple[float | None, ...] = ()
    """The confidence of each predicted bead (same order), when the aligner gave one."""


@dataclass(frozen=True, slots=True)
class ReliabilityBin:
    lo: float
    hi: float
    beads: int
    predicted: float
    """Mean confidence of the beads in the bin."""
    observed: float
    """Share of them that are exactly right."""


@dataclass(frozen=True, slots=True)
class Reliability:
    """Does the confidence mean what it says: predicted vs observed accuracy, and where the mistakes are."""

    bins: tuple[ReliabilityBin, ...]
    beads: int
    wrong: int
    wrong_in_lowest_10pct: float | None
    """Share of the wrong beads among the lowest-confidence 10 % of all beads (the review queue's head)."""
    ece: float
    """Expected calibration error: |predicted - observed| averaged over bins, weighted by bead count."""

    def as_dict(self) -> dict[str, object]:
        return {
            "beads": self.beads,
            "wrong": self.wrong,
            "wrong_in_lowest_10pct": self.wrong_in_lowest_10pct,
            "ece": self.ece,
            "bins": [asdict(b) for b in self.bins],
        }


def reliability(runs: Sequence[Evaluation], n_bins: int = 10) -> Reliability:
    """Pool the confidences of `runs` against exact correctness (a bead right iff it is a gold bead)."""
    import math

    pairs: list[tuple[float, bool]] = []
    for run in runs:
        gold = _normalise(run.gold.beads)
        pairs += [
            (c, bead in gold)
            for bead, c in zip(run.predicted, run.confidences, strict=False)
            if c is not None
        ]
    bins = []
    ece = 0.0
    for k in range(n_bins):
        lo, hi = k / n_bins, (k + 1) / n_bins
        inside = [(c, ok) for c, ok in pairs if lo <= c < hi or (k == n_bins - 1 and c == hi)]
        if inside:
            predicted = sum(c for c, _ in inside) / len(inside)
            observed = sum(ok for _, ok in inside) / len(inside)
            bins.append(ReliabilityBin(lo, hi, len(inside), round(predicted, 3), round(observed, 3)))
            ece += len(inside) / len(pairs) * abs(predicted - observed)
    wrong = sum(not ok for _, ok in pairs)
    head = sorted(pairs, key=lambda p: p[0])[: math.ceil(len(pairs) * 0.1)]
    share = round(sum(not ok for _, ok in head) / wrong, 3) if wrong else None
    return Reliability(tuple(bins), len(pairs), wrong, share, round(ece, 4))


def gold_document(lang: Lang, sentences: Sequence[str]) -> tuple[Document, list[Segment]]:
    """The gold sentences as a segmented document, one per line, with exact offsets.

    Offsets are computed here rather than by splitting lines, so a sentence holding a character that
    `str.splitlines` treats as a break (form feed, U+2028…) still stays one segment.
    """
    text = "\n".join(sentences) + "\n"
    segments: list[Segment] = []
    pos = 0
    for k, sentence in enumerate(sentences):
        segments.append(Segment(index=k, start=pos, end=pos + len(sentence), text=sentence))
        pos += len(sentence) + 1
    doc = Document(
        id=None,
        pair_id=None,
        lang=lang,
        raw_text=text,
        text=text,
        offset_runs=((0, 0, len(text)),),
        segmented=True,
    )
    return doc, segments


def evaluate(
    gold: Gold,
    *,
    use_embeddings: bool = True,
    workdir: str | Path | None = None,
    on_progress: Callable[[str, int, int], None] | None = None,
) -> Evaluation:
    """Align the gold sentences (as segmented input, in a throw-away project) and score the result."""
    import tempfile

    from alignment import aligner, store
    from alignment.project import open_project, write

    with tempfile.TemporaryDirectory(dir=workdir, prefix="taiyaku-eval-") as tmp:
        db = open_project(Path(tmp) / "eval.db")
        try:
            with write(db):
                pair_id = store.create_pair(db, gold.name)
                sides: tuple[tuple[Lang, Sequence[str]], ...] = (("ja", gold.ja), ("en", gold.en))
                for lang, sentences in sides:
                    store.insert_document(db, pair_id, *gold_document(lang, sentences))
            result = aligner.align_pair(
                db, store.get_pair(db, gold.name), use_embeddings=use_embeddings, on_progress=on_progress
            )
        finally:
            db.close()
    predicted = tuple(ranges_to_indexes((b.ja, b.en) for b in result.beads))
    return Evaluation(
        gold,
        predicted,
        score([gold.beads], [predicted]),
        result.signals.describe(),
        tuple(b.score for b in result.beads),
    )


def evaluate_baseline(gold: Gold) -> Evaluation:
    """The plain Gale–Church baseline on the same gold sentences."""
    from alignment.gale_church import gale_church

    predicted = tuple(ranges_to_indexes((b.ja, b.en) for b in gale_church(gold.ja, gold.en)))
    return Evaluation(gold, predicted, score([gold.beads], [predicted]), "Gale–Church (length only)")
