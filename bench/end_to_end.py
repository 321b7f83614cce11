"""End-to-end alignment quality on dev-gold: raw documents in, beads out, beside the pre-split figure. Prints JSON.

Usage: python bench/end_to_end.py [--gold DIR] [--no-embeddings] [--only NAME ...]

For every `DIR/raw/NAME.ja.txt` + `NAME.en.txt` with a `DIR/NAME.gold.jsonl`: the pair is imported as a
person imports it (repair, segmentation, GiNZA parse; no --segmented) into a throw-away project and aligned.
Each gold sentence is then projected onto the predicted bead holding most of its characters (whitespace
ignored), so a segment that differs from the gold sentence by a stray character does not count, and only
real merges and splits do; the projected beads are scored strictly against gold (vecalign's scorer). The
pre-split figure aligns the gold sentences themselves (`taiyaku eval`). Groups pool the documents whose
names share a prefix (`kyoto_*`, `jpin*`).

Segmentation is reported too: the share of gold sentences that come back as exactly one segment, per side,
and the layout decision import made. `wrapped` does the same for `DIR/wrapped/*.wrapped.ja.txt`.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import tempfile
from collections import Counter
from collections.abc import Sequence
from difflib import SequenceMatcher
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DEV_GOLD = ROOT.parent / "shared" / "dev-gold"

from alignment.evaluate import Gold, IndexBead, evaluate, read_gold, score  # noqa: E402
from alignment.model import Segment  # noqa: E402

_SPACE = re.compile(r"\s+")


def _owners(text: str, spans: Sequence[tuple[int, int]]) -> tuple[str, list[int]]:
    """`text` without whitespace, and for each of its characters the index of the span holding it (-1: none)."""
    owner = [-1] * len(text)
    for k, (a, b) in enumerate(spans):
        owner[a:b] = [k] * (b - a)
    chars = [(ch, owner[i]) for i, ch in enumerate(text) if not ch.isspace()]
    return "".join(c for c, _ in chars), [o for _, o in chars]


def project(sentences: Sequence[str], doc_text: str, segments: Sequence[Segment]) -> list[list[int]]:
    """For each gold sentence, how many of its characters fall in each segment (segment index → count)."""
    gold_text = "".join(sentences)
    gold_stream, gold_owner = _owners(gold_text, _cumulative(sentences))
    doc_stream, doc_owner = _owners(doc_text, [(s.start, s.end) for s in segments])
    counts: list[Counter[int]] = [Counter() for _ in sentences]
    if gold_stream == doc_stream:
        for g, d in zip(gold_owner, doc_owner, strict=True):
            if d >= 0:
                counts[g][d] += 1
    else:  # the document holds text gold leaves out (or the other way): match what is shared
        matcher = SequenceMatcher(None, gold_stream, doc_stream, autojunk=False)
        for block in matcher.get_matching_blocks():
            for k in range(block.size):
                d = doc_owner[block.b + k]
                if d >= 0:
                    counts[gold_owner[block.a + k]][d] += 1
    return [[c.get(i, 0) for i in range(len(segments))] for c in counts]


def _cumulative(sentences: Sequence[str]) -> list[tuple[int, int]]:
    out, pos = [], 0
    for s in sentences:
        out.append((pos, pos + len(s)))
        pos += len(s)
    return out


def exact_share(sentences: Sequence[str], segments: Sequence[Segment]) -> float:
    """Share of gold sentences equal (whitespace removed) to one segment, in order."""
    segs = Counter(_SPACE.sub("", s.text) for s in segments)
    hits = 0
    for s in sentences:
        key = _SPACE.sub("", s)
        if segs[key] > 0:
            segs[key] -= 1
            hits += 1
    return hits / len(sentences) if sentences else 1.0


def projected_beads(
    beads: Sequence[tuple[tuple[int, int], tuple[int, int]]],
    ja_counts: list[list[int]],
    en_counts: list[list[int]],
) -> list[IndexBead]:
    """Predicted beads in gold-sentence indexes: each gold sentence goes to the bead with most of its characters."""

    def bead_of(counts: list[list[int]], side: int) -> list[int]:
        out = []
        for per_segment in counts:
            per_bead = [sum(per_segment[a:b]) for a, b in (bd[side] for bd in beads)]
            best = max(range(len(per_bead)), key=lambda k: (per_bead[k], -k)) if per_bead else -1
            out.append(best if per_bead and per_bead[best] > 0 else -1)
        return out

    ja_bead, en_bead = bead_of(ja_counts, 0), bead_of(en_counts, 1)
    out: list[IndexBead] = []
    for k in range(len(beads)):
        ja = tuple(i for i, b in enumerate(ja_bead) if b == k)
        en = tuple(i for i, b in enumerate(en_bead) if b == k)
        if ja or en:
            out.append((ja, en))
    lost_ja = tuple(i for i, b in enumerate(ja_bead) if b < 0)
    lost_en = tuple(i for i, b in enumerate(en_bead) if b < 0)
    out.extend([(lost_ja, ())] if lost_ja else [])
    out.extend([((), lost_en)] if lost_en else [])
    return out


def end_to_end(gold: Gold, raw_dir: Path, use_embeddings: bool) -> tuple[list[IndexBead], dict[str, object]]:
    from alignment import aligner, store
    from alignment.importer import plan_import, read_source, run_import
    from alignment.project import open_project

    ja = read_source(raw_dir / f"{gold.name}.ja.txt", "ja")
    en = read_source(raw_dir / f"{gold.name}.en.txt", "en")
    with tempfile.TemporaryDirectory(prefix="taiyaku-e2e-") as tmp:
        db = open_project(Path(tmp) / "e2e.db")
        try:
            plan = plan_import(db, ja, en, name=gold.name)
            summary = run_import(db, plan)
            pair = store.get_pair(db, gold.name)
            result = aligner.align_pair(db, pair, use_embeddings=use_embeddings)
            docs = {p.source.lang: p for p in plan.documents}
        finally:
            db.close()
    ja_segs, en_segs = docs["ja"].sentences, docs["en"].sentences
    ja_counts = project(gold.ja, docs["ja"].repaired.text, ja_segs)
    en_counts = project(gold.en, docs["en"].repaired.text, en_segs)
    beads = [(b.ja, b.en) for b in result.beads]
    info: dict[str, object] = {
        "segments": {"ja": len(ja_segs), "en": len(en_segs)},
        "gold_sentences": {"ja": len(gold.ja), "en": len(gold.en)},
        "one_segment_share": {
            "ja": round(exact_share(gold.ja, ja_segs), 4),
            "en": round(exact_share(gold.en, en_segs), 4),
        },
        "layout": {lang: d.get("layout") for lang, d in summary.as_dict()["documents"].items()},
    }
    return projected_beads(beads, ja_counts, en_counts), info


def wrapped(gold_dir: Path) -> dict[str, object]:
    from alignment.importer import plan_import, read_source

    out: dict[str, object] = {}
    hits = total = 0
    for path in sorted((gold_dir / "wrapped").glob("*.wrapped.ja.txt")):
        name = path.name.removesuffix(".wrapped.ja.txt")
        sentences = json.loads((gold_dir / "wrapped" / f"{name}.sentences.json").read_text(encoding="utf-8"))
        plan = plan_import(None, read_source(path, "ja"), name=name)
        share = exact_share(sentences, plan.documents[0].sentences)
        hits += round(share * len(sentences))
        total += len(sentences)
        out[name] = {"one_segment_share": round(share, 4), "sentences": len(sentences)}
    out["pooled"] = round(hits / total, 4) if total else None
    return out


def wrap_text(text: str, lang: str, width: int, seed: int) -> str:
    """`text` (a paragraph a line) laid out as dev-gold/wrapped is: hard breaks every `width` characters
    (English: between words), a stray empty line or trailing space after some lines, an empty and a
    whitespace-only line between paragraphs."""
    import random
    import textwrap

    rng = random.Random(seed)
    out: list[str] = []
    for para in text.split("\n"):
        if not para.strip():
            continue
        if lang == "en":
            rows = textwrap.wrap(para, width)
        else:
            rows = [para[i : i + width] for i in range(0, len(para), width)]
        for k, row in enumerate(rows):
            out.append(row + (" " if rng.random() < 0.3 else ""))
            if k + 1 < len(rows) and rng.random() < 0.3:
                out.append("")
        out.extend(
            ["", " "]
        )  # as in dev-gold/wrapped: an empty and a whitespace-only line between paragraphs
    return "\n".join(out)


def mix_text(text: str, lang: str, width: int, seed: int, wrapped_first: bool) -> str:
    """Half the lines of `text` laid out wrapped (as wrap_text does), the other half kept a line each: a
    document that mixes PDF-wrapped prose with clean lines, in either order."""
    rows = [ln for ln in text.split("\n") if ln.strip()]
    half = len(rows) // 2
    head, tail = "\n".join(rows[:half]), "\n".join(rows[half:])
    if wrapped_first:
        return wrap_text(head, lang, width, seed) + "\n" + tail
    return head + "\n\n" + wrap_text(tail, lang, width, seed)


def variants(gold_dir: Path, widths: Sequence[int]) -> dict[str, object]:
    """One-segment share of gold sentences when the raw documents are re-laid out as wrapped PDF text, whole
    (`LANG_width_W`) and half wrapped, half a line each, in both orders (`LANG_mixed_W`)."""
    from alignment.importer import Source, plan_import

    out: dict[str, object] = {}
    for lang in ("ja", "en"):
        for width in widths if lang == "ja" else [w * 2 for w in widths]:
            for kind in ("width", "mixed"):
                hits = total = 0
                for path in sorted(gold_dir.glob("*.gold.jsonl")):
                    gold = read_gold(path)
                    raw_path = gold_dir / "raw" / f"{gold.name}.{lang}.txt"
                    if not raw_path.exists():
                        continue
                    raw = raw_path.read_text(encoding="utf-8")
                    if kind == "width":
                        texts = [wrap_text(raw, lang, width, seed=width)]
                    else:
                        texts = [mix_text(raw, lang, width, width, first) for first in (True, False)]
                    sentences = gold.ja if lang == "ja" else gold.en
                    for text in texts:
                        prepared = plan_import(
                            None, Source("ja" if lang == "ja" else "en", text), name=gold.name
                        ).documents[0]
                        hits += round(exact_share(sentences, prepared.sentences) * len(sentences))
                        total += len(sentences)
                out[f"{lang}_{kind}_{width}"] = round(hits / total, 4) if total else None
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    ap.add_argument("--gold", type=Path, default=DEV_GOLD)
    ap.add_argument("--no-embeddings", action="store_true")
    ap.add_argument("--only", nargs="*", default=None, help="document names to run (default: all)")
    ap.add_argument("--skip-wrapped", action="store_true")
    ap.add_argument(
        "--variants",
        nargs="*",
        type=int,
        default=None,
        help="also re-lay the raw documents out wrapped at these widths (JA characters; EN twice as many)",
    )
    args = ap.parse_args()
    use_embeddings = not args.no_embeddings
    report: dict[str, object] = {}
    groups: dict[
        str, tuple[list[Sequence[IndexBead]], list[Sequence[IndexBead]], list[Sequence[IndexBead]]]
    ] = {}
    for path in sorted(args.gold.glob("*.gold.jsonl")):
        gold = read_gold(path)
        if args.only and gold.name not in args.only:
            continue
        if not (args.gold / "raw" / f"{gold.name}.ja.txt").exists():
            continue
        pre = evaluate(gold, use_embeddings=use_embeddings)
        e2e, info = end_to_end(gold, args.gold / "raw", use_embeddings)
        e2e_score = score([gold.beads], [e2e])
        report[gold.name] = {
            "f1_strict_end_to_end": round(e2e_score.f1_strict, 4),
            "f1_strict_pre_split": round(pre.scores.f1_strict, 4),
            **info,
        }
        group = gold.name.split("_")[0].rstrip("0123456789")
        g = groups.setdefault(group, ([], [], []))
        g[0].append(gold.beads)
        g[1].append(e2e)
        g[2].append(pre.predicted)
    report["groups"] = {
        name: {
            "f1_strict_end_to_end": round(score(g, e).f1_strict, 4),
            "f1_strict_pre_split": round(score(g, p).f1_strict, 4),
        }
        for name, (g, e, p) in groups.items()
    }
    if not args.skip_wrapped:
        report["wrapped"] = wrapped(args.gold)
    if args.variants is not None:
        report["wrapped_variants"] = variants(args.gold, args.variants or [20, 28, 36, 45])
    print(json.dumps(report, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
