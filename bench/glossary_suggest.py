"""Benchmark `suggest` on seed 002 next to raw GiNZA on the same sentences, in the same run; prints JSON.

    .venv/bin/python bench/glossary_suggest.py [--seed seeds/002_93202f0a6b3f2ef7.txt] [--repeat 3]

- suggest (warm): the usual case, GiNZA's parse already cached by the import;
- suggest (cold): the parse cache emptied first, so suggest pays for GiNZA itself;
- raw GiNZA: the same pipeline (alignment.parse.load_nlp) over the same sentence texts, nothing else;
- the glossary matcher built for a synthetic 100,000-entry termbase and run over the same document.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from alignment.importer import import_pair  # noqa: E402
from alignment.parse import BATCH_SIZE, load_nlp  # noqa: E402
from alignment.project import open_project  # noqa: E402
from alignment.store import get_document, get_pair, get_segments  # noqa: E402
from glossary.suggest import glossary_matcher, suggest_pair  # noqa: E402
from tui.core.project import migration_sets as all_migration_sets  # noqa: E402


class _Clock:
    """Wall time and this process's CPU time (the latter holds up when other work shares the machine)."""

    def __enter__(self) -> _Clock:
        self.wall, self.cpu = time.perf_counter(), time.process_time()
        return self

    def __exit__(self, *exc: object) -> None:
        self.wall, self.cpu = time.perf_counter() - self.wall, time.process_time() - self.cpu


def _timed(fn, repeat: int) -> tuple[float, float, object]:
    walls, cpus, result = [], [], None
    for _ in range(repeat):
        with _Clock() as c:
            result = fn()
        walls.append(c.wall)
        cpus.append(c.cpu)
    return statistics.median(walls), statistics.median(cpus), result


def _matcher_on_large_glossary(text: str, entries: int) -> dict[str, float]:
    """Build the glossary matcher for a synthetic termbase of `entries` entries (ja, en, acronym each, with
    keys as the termbase stores them) and match it over `text`."""
    import random

    from glossary.match import Matcher, Term, term_key

    rng = random.Random(7)
    kanji = "防衛装備庁国連海洋法条約協力地域情報融合安全保障理事会共同訓練演習対話機構"
    words = ["Joint", "Defence", "Maritime", "Agency", "Council", "Security", "Pacific", "Regional", "Forum"]
    terms = []
    for i in range(entries):
        for field, term in (
            ("ja", "".join(rng.choice(kanji) for _ in range(rng.randint(3, 9)))),
            ("en", " ".join(rng.choice(words) for _ in range(rng.randint(2, 5)))),
            ("acronym", "".join(rng.choice("ABCDEFGHIJKLMNOPQRSTUVWXYZ") for _ in range(rng.randint(3, 6)))),
        ):
            terms.append(Term(term, i, field, "approved", term_key(term)))
    t0 = time.perf_counter()
    matcher = Matcher(terms)
    build_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    found = len(matcher.find(text))
    return {
        "entries": entries,
        "terms": len(terms),
        "build_s": round(build_s, 2),
        "match_s": round(time.perf_counter() - t0, 3),
        "matches": found,
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seed", type=Path, default=ROOT / "seeds" / "002_93202f0a6b3f2ef7.txt")
    ap.add_argument("--repeat", type=int, default=3, help="runs of the warm suggest (median reported)")
    ap.add_argument(
        "--cold-repeat",
        type=int,
        default=1,
        help="alternate raw GiNZA and cold suggest this many times (the fastest of each reported)",
    )
    ap.add_argument(
        "--glossary-entries",
        type=int,
        default=100_000,
        help="size of the synthetic termbase the matcher is timed on (0 to skip)",
    )
    args = ap.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        db = open_project(Path(tmp) / "bench.db", extra=all_migration_sets())
        load_nlp()  # model loading is a one-off cost, kept out of every figure below
        t0 = time.perf_counter()
        name = import_pair(db, args.seed).name
        import_s = time.perf_counter() - t0
        pair = get_pair(db, name)
        doc = get_document(db, pair.id, "ja")
        assert doc is not None and doc.id is not None
        texts = [s.text for s in get_segments(db, doc.id)]
        chars = sum(len(t) for t in texts)
        matcher = glossary_matcher(db)

        warm_s, warm_cpu, report = _timed(
            lambda: suggest_pair(db, pair, user="bench", matcher=matcher), args.repeat
        )

        nlp = load_nlp()
        list(nlp.pipe(["警戒監視を強化する。"]))  # warm up
        colds, raws, ents = [], [], 0
        for _ in range(args.cold_repeat):
            with _Clock() as raw:
                ents = sum(len(d.ents) for d in nlp.pipe(texts, batch_size=BATCH_SIZE))
            db.execute("DELETE FROM parses")
            with _Clock() as cold:
                suggest_pair(db, pair, user="bench", matcher=matcher)
            raws.append(raw)
            colds.append(cold)
        raw = min(raws, key=lambda c: c.cpu)
        cold = min(colds, key=lambda c: c.cpu)
        spans = db.execute("SELECT count(*) FROM spans WHERE document_id = ?", [doc.id]).fetchone()[0]
        big = _matcher_on_large_glossary(doc.text, args.glossary_entries) if args.glossary_entries else None
        db.close()

    print(
        json.dumps(
            {
                "seed": args.seed.name,
                "sentences": len(texts),
                "chars": chars,
                "import_s": round(import_s, 2),
                "suggest_warm_s": round(warm_s, 3),
                "suggest_warm_chars_per_s": round(chars / warm_s),
                "suggest_warm_cpu_chars_per_s": round(chars / warm_cpu),
                "suggest_cold_s": round(cold.wall, 2),
                "suggest_cold_chars_per_s": round(chars / cold.wall),
                "suggest_cold_cpu_chars_per_s": round(chars / cold.cpu),
                "ginza_raw_s": round(raw.wall, 2),
                "ginza_raw_chars_per_s": round(chars / raw.wall),
                "ginza_raw_cpu_chars_per_s": round(chars / raw.cpu),
                "warm_speedup_over_raw_ginza": round(raw.wall / warm_s, 1),
                "cold_overhead_over_raw_ginza": round(cold.wall / raw.wall, 3),
                "cold_overhead_over_raw_ginza_cpu": round(cold.cpu / raw.cpu, 3),
                "cold_repeat": args.cold_repeat,
                "ginza_entities": ents,
                "spans": spans,
                "acronym_definitions": report.definitions,  # type: ignore[attr-defined]
                "glossary_matcher": big,
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
