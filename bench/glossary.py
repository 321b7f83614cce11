"""Glossary lookup benchmark: in-process p50/p95 and cold-CLI wall time on a generated termbase (JSON out).

Usage: .venv/bin/python bench/glossary.py [--entries 100000] [--runs 15] [--keep DIR]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from glossary.model import Entry, Status

# Running `python bench/glossary.py` puts bench/ first on sys.path, where this file would shadow the
# glossary package; drop it so `import glossary` finds the real one.
_HERE = Path(__file__).resolve().parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != _HERE]

# (Japanese, English) building blocks of government/defence names; combined they give realistic terms.
PARTS: tuple[tuple[str, str], ...] = (
    ("海洋", "Maritime"),
    ("安全保障", "Security"),
    ("防衛", "Defense"),
    ("協力", "Cooperation"),
    ("地域", "Regional"),
    ("情報", "Information"),
    ("融合", "Fusion"),
    ("センター", "Center"),
    ("装備", "Equipment"),
    ("技術", "Technology"),
    ("協定", "Agreement"),
    ("円滑化", "Facilitation"),
    ("部隊", "Forces"),
    ("演習", "Exercise"),
    ("太平洋", "Pacific"),
    ("インド", "Indo"),
    ("宇宙", "Space"),
    ("サイバー", "Cyber"),
    ("能力", "Capability"),
    ("構築", "Building"),
    ("支援", "Support"),
    ("共同", "Joint"),
    ("訓練", "Training"),
    ("同盟", "Alliance"),
    ("戦略", "Strategy"),
    ("対話", "Dialogue"),
    ("枠組み", "Framework"),
    ("政策", "Policy"),
    ("会議", "Conference"),
    ("機構", "Organization"),
    ("状況把握", "Domain Awareness"),
    ("海賊対策", "Anti-Piracy"),
    ("パートナーシップ", "Partnership"),
    ("輸送", "Transport"),
    ("警戒監視", "Surveillance"),
    ("ミサイル", "Missile"),
    ("統合", "Integrated"),
    ("司令部", "Command"),
    ("作戦", "Operations"),
    ("航空", "Air"),
    ("陸上", "Ground"),
    ("海上", "Maritime"),
    ("自衛隊", "Self-Defense Forces"),
    ("研究", "Research"),
    ("開発", "Development"),
    ("移転", "Transfer"),
    ("経済", "Economic"),
    ("強靱化", "Resilience"),
    ("災害", "Disaster"),
    ("救援", "Relief"),
    ("人道", "Humanitarian"),
    ("平和", "Peace"),
    ("維持", "Keeping"),
    ("国際", "International"),
    ("多国間", "Multilateral"),
    ("二国間", "Bilateral"),
    ("首脳", "Leaders"),
    ("閣僚", "Ministerial"),
    ("事務局", "Secretariat"),
    ("計画", "Plan"),
    ("基地", "Base"),
    ("施設", "Facility"),
    ("通信", "Communications"),
)
PLACES = ("日米", "日豪", "日英", "日印", "日比", "日越", "ASEAN", "クアッド", "NATO", "インド太平洋")
PLACES_EN = (
    "Japan-U.S.",
    "Japan-Australia",
    "Japan-UK",
    "Japan-India",
    "Japan-Philippines",
    "Japan-Vietnam",
    "ASEAN",
    "Quad",
    "NATO",
    "Indo-Pacific",
)
STATUSES: tuple[Status, ...] = ("approved",) * 5 + ("proposed",) * 3 + ("deprecated", "forbidden")


def generate_entries(n: int, seed: int = 4) -> list[Entry]:
    """n distinct entries with Japanese, English, often an acronym and sometimes variants."""
    from glossary.model import Entry, Source, Variant
    from glossary.store import identity_key

    rng = random.Random(seed)
    seen: set[tuple[str, str, str]] = set()
    out: list[Entry] = []
    while len(out) < n:
        parts = rng.sample(PARTS, rng.randint(2, 4))
        ja = "".join(p[0] for p in parts)
        en = " ".join(p[1] for p in parts)
        if rng.random() < 0.4:
            i = rng.randrange(len(PLACES))
            ja, en = PLACES[i] + ja, f"{PLACES_EN[i]} {en}"
        if rng.random() < 0.5:
            k = rng.randint(2, 99)
            ja, en = f"第{k}回{ja}", f"{en} {k}"
        acronym = None
        if rng.random() < 0.35:
            acronym = "".join(w[0] for w in en.replace("-", " ").split() if w[0].isalpha()).upper()
            acronym += rng.choice(("", "-IOR", "-" + str(rng.randint(1, 9)), "P", "C"))
        variants = []
        if rng.random() < 0.2:
            variants.append(Variant("en", en.replace(" ", "-", 1)))
        if rng.random() < 0.1:
            variants.append(Variant("en", en.lower() + " program", forbidden=True))
        entry = Entry(
            ja=ja,
            en=en,
            acronym=acronym,
            variants=tuple(variants),
            status=rng.choice(STATUSES),
            sources=(Source("bench", "ja", rng.randrange(500)),) if rng.random() < 0.3 else (),
        )
        key = identity_key(entry)
        if key in seen:
            continue
        seen.add(key)
        out.append(entry)
    return out


QUERIES = (
    "協力",
    "海",
    "ＩＰＭＤＡ",
    "ipmda",
    "IFC-IOR",
    "センター",
    "Maritime",
    "maritime domain",
    "日米共同",
    "ぱーとなーしっぷ",
    "第12回",
    "Partnership for",
    "zzz-no-such-term",
    "a",
    "ip",
    "12",
    "%",
    "a_b",
    "防衛装備",
)


def build_project(path: Path, n: int) -> float:
    from glossary import store
    from tui.common import open_db

    entries = generate_entries(n)
    db = open_db(str(path))
    t0 = time.perf_counter()
    store.import_entries(db, entries, user="bench")
    seconds = time.perf_counter() - t0
    db.close()
    return seconds


def _pcts(times: list[float], prefix: str) -> dict[str, float]:
    times = sorted(times)
    return {
        f"{prefix}_p50_ms": round(statistics.median(times), 2),
        f"{prefix}_p95_ms": round(times[max(0, int(len(times) * 0.95) - 1)], 2),
    }


def bench_in_process(path: Path, rounds: int) -> dict[str, float]:
    from glossary import store
    from glossary.lookup import lookup_key
    from tui.common import open_db

    db = open_db(str(path))
    short: list[float] = []
    long: list[float] = []
    for _ in range(rounds):
        for q in QUERIES:
            t0 = time.perf_counter()
            store.lookup(db, q, limit=20)
            ms = (time.perf_counter() - t0) * 1000
            (short if len(lookup_key(q)) < 3 else long).append(ms)
    db.close()
    out = _pcts(short + long, "lookup")
    out.update(_pcts(short, "lookup_1_2_chars"))
    out.update(_pcts(long, "lookup_3plus_chars"))
    out["lookups"] = len(short) + len(long)
    return out


def bench_cli(path: Path, runs: int, pycache: Path | None) -> dict[str, float]:
    """Cold `taiyaku glossary lookup` against the floor, `python -c "import click, sqlite3"`, run alternately
    (floor, then each case, `runs` times) so both see the same machine load; ratios are of medians.

    One query of each kind: 1 and 2 Japanese characters (the gram table), 1 and 2 plain Latin letters or
    digits (the Latin posting lists), full-width Latin and half-width katakana (folding), a Latin word
    matching thousands of entries and a phrase (the trigram index). Every
    process reads compiled bytecode, as an installed taiyaku does (pip compiles on install; the editable
    checkout may not be writable): PYTHONDONTWRITEBYTECODE is unset and the bytecode goes to `pycache`,
    written by one untimed run of each case. With `pycache` None, every run compiles the checkout's modules
    from source (site-packages and the standard library keep their bytecode)."""
    exe = Path(sys.executable).with_name("taiyaku")
    env = {**os.environ, "TAIYAKU_DB": str(path)}
    if pycache is None:
        env["PYTHONDONTWRITEBYTECODE"] = "1"
    else:
        env["PYTHONPYCACHEPREFIX"] = str(pycache)
        env.pop("PYTHONDONTWRITEBYTECODE", None)
    cases: dict[str, list[str]] = {
        "floor_python_click_sqlite3": [sys.executable, "-c", "import click, sqlite3"],
        "cold_cli_help": [str(exe), "--help"],
        "cold_cli_table_協力": [str(exe), "glossary", "lookup", "協力"],
        "cold_cli_table_海": [str(exe), "glossary", "lookup", "海"],
        "cold_cli_table_ｾﾝﾀｰ": [str(exe), "glossary", "lookup", "ｾﾝﾀｰ"],
        "cold_cli_table_a": [str(exe), "glossary", "lookup", "a"],
        "cold_cli_table_ip": [str(exe), "glossary", "lookup", "ip"],
        "cold_cli_table_12": [str(exe), "glossary", "lookup", "12"],
        "cold_cli_json_ipmda": [str(exe), "glossary", "lookup", "ipmda", "--json"],
        "cold_cli_table_ＩＰＭＤＡ": [str(exe), "glossary", "lookup", "ＩＰＭＤＡ"],
        "cold_cli_table_Maritime": [str(exe), "glossary", "lookup", "Maritime"],
        "cold_cli_table_maritime_domain": [str(exe), "glossary", "lookup", "maritime domain"],
    }
    wall: dict[str, list[float]] = {label: [] for label in cases}
    cpu: dict[str, list[float]] = {label: [] for label in cases}
    for cmd in cases.values():  # writes the bytecode; not timed
        subprocess.run(cmd, env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for _ in range(runs):
        for label, cmd in cases.items():
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            t0 = time.perf_counter()
            subprocess.run(cmd, env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            wall[label].append((time.perf_counter() - t0) * 1000)
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            # CPU time (user+sys) hardly depends on how busy the machine is, unlike wall time.
            cpu[label].append((after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime) * 1000)
    out: dict[str, float] = {}
    floor = statistics.median(wall["floor_python_click_sqlite3"])
    floor_cpu = statistics.median(cpu["floor_python_click_sqlite3"])
    for label in cases:
        out[f"{label}_p50_ms"] = round(statistics.median(wall[label]), 1)
        out[f"{label}_min_ms"] = round(min(wall[label]), 1)
        out[f"{label}_cpu_p50_ms"] = round(statistics.median(cpu[label]), 1)
        if label != "floor_python_click_sqlite3":
            out[f"{label}_ratio_to_floor"] = round(statistics.median(wall[label]) / floor, 2)
            out[f"{label}_cpu_ratio_to_floor"] = round(statistics.median(cpu[label]) / floor_cpu, 2)
    lookups = [label for label in cases if "lookup" in cases[label]]
    out["worst_lookup_ratio_to_floor"] = max(out[f"{label}_ratio_to_floor"] for label in lookups)
    return out


def bench_exchange(
    path: Path, folder: Path, formats: tuple[str, ...] = ("tbx", "csv", "json", "omegat")
) -> dict[str, dict[str, dict[str, float]]]:
    """Export the termbase in each format, then import each file into a fresh project (seconds, MB)."""
    from glossary.exchange import export_entries, import_file, read_entries
    from tui.common import open_db

    out: dict[str, dict[str, float]] = {}
    db = open_db(str(path))
    try:
        for fmt in formats:
            target = folder / f"terms.{fmt}"
            t0 = time.perf_counter()
            with target.open("w", encoding="utf-8", newline="") as fh:
                n = export_entries(db, fmt, fh)  # type: ignore[arg-type]
            exported = time.perf_counter() - t0
            fresh = open_db(str(folder / f"fresh-{fmt}.db"))
            try:
                t0 = time.perf_counter()
                parsed = read_entries(target, fmt)  # type: ignore[arg-type]
                read = time.perf_counter() - t0
                report = import_file(fresh, parsed, user="bench")
                stored = time.perf_counter() - t0 - read
            finally:
                fresh.close()
            out[fmt] = {
                "entries": n,
                "mb": round(target.stat().st_size / 1e6, 1),
                "export_s": round(exported, 2),
                "read_s": round(read, 2),
                "import_s": round(stored, 2),
                "added": len(report.added),
            }
    finally:
        db.close()
    return {"exchange": out}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--entries", type=int, default=100_000)
    ap.add_argument("--runs", type=int, default=15)
    ap.add_argument("--keep", type=Path, help="build the project in this folder and keep it")
    ap.add_argument(
        "--exchange",
        action="store_true",
        help="also time export and import in every format (minutes at 100k entries)",
    )
    ap.add_argument(
        "--no-bytecode",
        action="store_true",
        help="compile the checkout's modules from source in every CLI run (PYTHONDONTWRITEBYTECODE=1)",
    )
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = args.keep or Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / "bench-glossary.db"
        build = None if path.exists() else build_project(path, args.entries)
        result: dict[str, object] = {
            "entries": args.entries,
            "build_s": build and round(build, 1),
            "load_average_1m": round(os.getloadavg()[0], 2),
            "cpus": os.cpu_count(),
            "db_mb": round(path.stat().st_size / 1e6, 1),
        }
        result.update(bench_in_process(path, rounds=10))
        result["bytecode"] = not args.no_bytecode
        result.update(bench_cli(path, args.runs, None if args.no_bytecode else Path(tmp) / "pycache"))
        if args.exchange:
            result.update(bench_exchange(path, folder))
        result["load_average_1m_after"] = round(os.getloadavg()[0], 2)
        print(json.dumps(result, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
