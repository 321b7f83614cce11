"""SIGKILL at random moments, 100 times over: the project stays sound, nothing acknowledged is lost, and no
command leaves half a change (a pair is fully imported or absent, beads are the old set or the new one...).

Each family runs its command once to completion for reference (its state before and after, or after each
step of a scripted app session), then kills copies of the same run at random moments, two at a time.
"""

from __future__ import annotations

import atexit
import functools
import hashlib
import json
import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import textwrap
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from rel_harness import SEEDS, cli_env, has, taiyaku_argv

pytestmark = pytest.mark.slow

SEED = "001_5af3baea35b63ec3"
KILL_RUNS = {"import": 6, "import-tmx": 14, "align": 20, "suggest": 15, "glossary-import": 20, "app": 25}
"""100 kill runs in all."""
SEED_RANDOM = int(os.environ.get("TAIYAKU_KILL_SEED", "20261123"))


# --- reading the state a command is meant to change ---------------------------------------------------


def _connect(db: Path) -> sqlite3.Connection:
    return sqlite3.connect(db, timeout=30)


def _digest(rows: object) -> str:
    return hashlib.sha256(json.dumps(rows, ensure_ascii=False, default=str).encode()).hexdigest()[:16]


def pair_state(db: Path, name: str) -> str:
    """The pair, its documents and every segment, or "absent"."""
    conn = _connect(db)
    try:
        row = conn.execute("SELECT id FROM pairs WHERE name = ?", [name]).fetchone()
        if row is None:
            return "absent"
        docs = conn.execute(
            "SELECT id, lang, text FROM documents WHERE pair_id = ? ORDER BY lang", [row[0]]
        ).fetchall()
        out = []
        for doc_id, lang, text in docs:
            segs = conn.execute(
                'SELECT level, idx, start, "end", text FROM segments WHERE document_id = ? ORDER BY level, idx',
                [doc_id],
            ).fetchall()
            out.append((lang, text, segs))
        beads = conn.execute(
            "SELECT ja_start, ja_end, en_start, en_end, status FROM beads WHERE pair_id = ? "
            "ORDER BY level, ord",
            [row[0]],
        ).fetchall()
        return _digest([out, beads])
    finally:
        conn.close()


def bead_state(db: Path, name: str) -> str:
    conn = _connect(db)
    try:
        rows = conn.execute(
            "SELECT b.level, b.ord, ja_start, ja_end, en_start, en_end, status FROM beads b "
            "JOIN pairs p ON p.id = b.pair_id WHERE p.name = ? ORDER BY b.level, b.ord",
            [name],
        ).fetchall()
        return _digest(rows)
    finally:
        conn.close()


def span_state(db: Path, name: str) -> str:
    conn = _connect(db)
    try:
        spans = conn.execute(
            'SELECT lang, segment_idx, start, "end", label, source, status FROM spans s JOIN pairs p '
            "ON p.id = s.pair_id WHERE p.name = ? ORDER BY 1, 2, 3, 4, 5, 6",
            [name],
        ).fetchall()
        defs = conn.execute(
            "SELECT count(*) FROM acronym_definitions d JOIN pairs p ON p.id = d.pair_id WHERE p.name = ?",
            [name],
        ).fetchone()
        return _digest([spans, defs])
    finally:
        conn.close()


def glossary_state(db: Path) -> str:
    conn = _connect(db)
    try:
        entries = conn.execute(
            "SELECT ja, en, acronym, status, note FROM glossary_entries ORDER BY id"
        ).fetchall()
        variants = conn.execute("SELECT count(*) FROM glossary_variants").fetchone()
        return _digest([entries, variants])
    finally:
        conn.close()


def app_state(db: Path, name: str) -> str:
    conn = _connect(db)
    try:
        history = conn.execute("SELECT action, state FROM history ORDER BY id").fetchall()
    finally:
        conn.close()
    return _digest([bead_state(db, name), history])


def soundness(db: Path) -> list[str]:
    """Problems SQLite itself can see: corruption, dangling references."""
    conn = _connect(db)
    try:
        problems = [r[0] for r in conn.execute("PRAGMA integrity_check") if r[0] != "ok"]
        problems += [f"dangling reference {r}" for r in conn.execute("PRAGMA foreign_key_check")]
        return problems
    finally:
        conn.close()


def beads_tile(db: Path, name: str) -> list[str]:
    """Every sentence segment of both sides in exactly one bead, in order (when the pair has beads)."""
    conn = _connect(db)
    try:
        pid = conn.execute("SELECT id FROM pairs WHERE name = ?", [name]).fetchone()
        if pid is None:
            return []
        beads = conn.execute(
            "SELECT ja_start, ja_end, en_start, en_end FROM beads WHERE pair_id = ? AND "
            "level = 'sentence' ORDER BY ord",
            [pid[0]],
        ).fetchall()
        if not beads:
            return []
        counts = dict(
            conn.execute(
                "SELECT d.lang, count(*) FROM segments s JOIN documents d ON d.id = s.document_id "
                "WHERE d.pair_id = ? AND s.level = 'sentence' GROUP BY d.lang",
                [pid[0]],
            ).fetchall()
        )
    finally:
        conn.close()
    problems = []
    ja = en = 0
    for k, (a, b, c, d) in enumerate(beads):
        if a != ja or c != en or b < a or d < c:
            problems.append(f"bead {k} {(a, b, c, d)} does not continue at ({ja}, {en})")
        ja, en = b, d
    if (ja, en) != (counts.get("ja", 0), counts.get("en", 0)):
        problems.append(f"beads end at ({ja}, {en}), documents have {counts}")
    return problems


# --- a family of kill runs -----------------------------------------------------------------------------


@dataclass
class Family:
    name: str
    template: Path
    argv: list[str]
    state: Callable[[Path], str]
    pair: str | None = None
    script: bool = False
    """The command is a Python script printing `ack N` after each finished step (the app session)."""
    states: list[str] = field(default_factory=list)
    duration: float = 0.0
    first_write: float = 0.0
    """Seconds from start to the first change of the project file or its log (in the reference run)."""


@dataclass
class KillRun:
    family: str
    kill_at: float
    acked: int
    state_index: int | None
    problems: list[str]


def _launch(fam: Family, db: Path) -> subprocess.Popen[str]:
    argv = (
        [sys.executable, "-c", fam.argv[0], str(db), *fam.argv[1:]]
        if fam.script
        else [*taiyaku_argv(), *fam.argv]
    )
    env = cli_env(db, {"PYTHONUNBUFFERED": "1", "TAIYAKU_LOCK_TIMEOUT": "30"})
    return subprocess.Popen(
        argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env, cwd=db.parent
    )


def _acks(fam: Family, stdout: str) -> int:
    if fam.script:
        return sum(1 for line in stdout.splitlines() if line.startswith("ack "))
    return 1 if stdout.strip() else 0


def reference(fam: Family, work: Path) -> None:
    """Run to completion once: the states a killed run may leave, in order."""
    run_dir = work / f"ref-{fam.name}"
    run_dir.mkdir()
    db = run_dir / "p.db"
    shutil.copy2(fam.template, db)
    before = fam.state(db)
    t0 = time.monotonic()
    proc = _launch(fam, db)
    fam.first_write = _watch_first_write(proc, db, t0)
    out, err = proc.communicate(timeout=600)
    fam.duration = time.monotonic() - t0
    assert proc.returncode == 0, f"reference run of {fam.name} failed:\n{err[-3000:]}"
    if fam.script:
        fam.states = [before] + [line.split()[2] for line in out.splitlines() if line.startswith("ack ")]
        assert fam.states[-1] == fam.state(db)
    else:
        fam.states = [before, fam.state(db)]
    assert fam.states[0] != fam.states[-1], f"{fam.name} changed nothing: the kill runs would prove nothing"


def _files_signature(db: Path) -> tuple[int, ...]:
    """Size and time of the project file, size of its log: opening (which creates an empty log) is no write."""
    sig = []
    for p, with_time in ((db, True), (db.with_name(db.name + "-wal"), False)):
        try:
            st = p.stat()
            sig += [st.st_size, st.st_mtime_ns if with_time else 0]
        except FileNotFoundError:
            sig += [0, 0]
    return tuple(sig)


def _watch_first_write(proc: subprocess.Popen[str], db: Path, t0: float) -> float:
    """When the process first writes to the project (or 0 when it never does before it ends)."""
    start = _files_signature(db)
    while proc.poll() is None:
        if _files_signature(db) != start:
            return time.monotonic() - t0
        time.sleep(0.002)
    return 0.0


def kill_run(fam: Family, work: Path, k: int, rng: random.Random) -> KillRun:
    run_dir = work / f"{fam.name}-{k}"
    run_dir.mkdir()
    db = run_dir / "p.db"
    shutil.copy2(fam.template, db)
    # half the kills anywhere in the run, half late in it, where the writes happen
    t0 = time.monotonic()
    proc = _launch(fam, db)
    if k % 2:  # anywhere in the run, start-up included
        time.sleep(rng.uniform(0, fam.duration))
    else:  # once this run starts writing, somewhere in its write phase
        _watch_first_write(proc, db, t0)
        time.sleep(rng.uniform(0, 1.1 * max(fam.duration - fam.first_write, 0.05)))
    kill_at = time.monotonic() - t0
    proc.send_signal(signal.SIGKILL)
    out, _err = proc.communicate(timeout=60)
    acked = _acks(fam, out)
    problems = soundness(db)
    state = fam.state(db) if not problems else "unreadable"
    if fam.pair:
        problems += beads_tile(db, fam.pair)
    # the state must be the one after the last acknowledged step, or the one after it (done, not yet printed)
    allowed = fam.states[acked : acked + 2]
    index = fam.states.index(state) if state in fam.states else None
    if state not in allowed:
        problems.append(
            f"state {state} after {acked} acknowledged step(s) is none of {allowed} "
            f"(known states: {fam.states})"
        )
    shutil.rmtree(run_dir, ignore_errors=True)
    return KillRun(fam.name, kill_at, acked, index, problems)


# --- templates ------------------------------------------------------------------------------------------


APP_SCRIPT = textwrap.dedent(
    """
    import asyncio, hashlib, json, sqlite3, sys
    from pathlib import Path
    from tui.app import make_app

    KEYS = ["space", "space", "m", "space", "s", "space", "c", "u", "space", "M", "space", "x", "space",
            "j", "m", "u", "ctrl+y", "space", "space", "c"]

    def state(db):
        conn = sqlite3.connect(db, timeout=30)
        beads = conn.execute(
            "SELECT b.level, b.ord, ja_start, ja_end, en_start, en_end, status FROM beads b "
            "JOIN pairs p ON p.id = b.pair_id WHERE p.name = 'p' ORDER BY b.level, b.ord").fetchall()
        history = conn.execute("SELECT action, state FROM history ORDER BY id").fetchall()
        conn.close()
        d = lambda rows: hashlib.sha256(json.dumps(rows, ensure_ascii=False, default=str).encode()).hexdigest()[:16]
        return d([d(beads), history])

    async def main(db):
        app = make_app(Path(db), user="ana", pair="p", realigner=lambda ja, en: [])
        async with app.run_test(size=(100, 30)) as pilot:
            await pilot.pause()
            for i, key in enumerate(KEYS):
                await pilot.press(key)
                await pilot.pause()
                print("ack", i, state(db), flush=True)

    asyncio.run(main(sys.argv[1]))
    """
)


def _tmx(units: int) -> str:
    body = "".join(
        f'<tu><tuv xml:lang="ja"><seg>第{i}条　日本国とインドは協力する（ＩＰＭＤＡ）。</seg></tuv>'
        f'<tuv xml:lang="en"><seg>Article {i}: Japan and India cooperate (IPMDA).</seg></tuv></tu>\n'
        for i in range(units)
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n<tmx version="1.4"><header creationtool="t" '
        'creationtoolversion="1" segtype="sentence" o-tmf="t" adminlang="en" srclang="ja" '
        f'datatype="plaintext"/><body>{body}</body></tmx>\n'
    )


def _glossary_csv(rows: int) -> str:
    lines = ["ja,en,acronym,status,note"]
    lines += [f"用語{i}の長い名前,term number {i},T{i:04d},proposed,row {i}" for i in range(rows)]
    return "\n".join(lines) + "\n"


def _run_ok(argv: list[str], db: Path) -> None:
    proc = subprocess.run(
        [*taiyaku_argv(), *argv], capture_output=True, text=True, env=cli_env(db), timeout=600
    )
    assert proc.returncode == 0, f"taiyaku {' '.join(argv)}: {proc.stderr[-2000:]}"


@functools.cache
def prepared() -> tuple[Path, tuple[Family, ...]]:
    """Templates and reference runs, made once per session (test_half_done.py uses them too)."""
    d = Path(tempfile.mkdtemp(prefix="taiyaku-kill-"))
    atexit.register(shutil.rmtree, d, ignore_errors=True)
    fams = families(d)
    with ThreadPoolExecutor(max_workers=2) as pool:
        list(pool.map(lambda f: reference(f, d), fams))
    return d, tuple(fams)


def families(work: Path) -> list[Family]:
    ja, en = SEEDS / f"{SEED}.txt", SEEDS / "en" / f"{SEED}.en.txt"
    tmx = work / "memory.tmx"
    tmx.write_text(_tmx(400), encoding="utf-8")
    csv = work / "terms.csv"
    csv.write_text(_glossary_csv(400), encoding="utf-8")
    out: list[Family] = []

    empty = work / "empty.db"
    from tui.common import open_db

    open_db(str(empty)).close()  # a new project with every migration applied
    if has("import"):
        out.append(
            Family(
                "import",
                empty,
                ["import", str(ja), str(en), "--name", "p"],
                lambda db: pair_state(db, "p"),
                pair="p",
            )
        )
    if has("import-tmx"):
        out.append(
            Family(
                "import-tmx",
                empty,
                ["import-tmx", str(tmx), "--name", "p"],
                lambda db: pair_state(db, "p"),
                pair="p",
            )
        )
    if not has("import"):
        return out
    imported = work / "imported.db"
    shutil.copy2(empty, imported)
    _run_ok(["import", str(ja), str(en), "--name", "p"], imported)
    if has("align"):
        out.append(
            Family(
                "align", imported, ["align", "p", "--no-embeddings"], lambda db: bead_state(db, "p"), pair="p"
            )
        )
    if has("suggest"):
        out.append(Family("suggest", imported, ["suggest", "p"], lambda db: span_state(db, "p"), pair="p"))
    if has("glossary import"):
        out.append(Family("glossary-import", imported, ["glossary", "import", str(csv)], glossary_state))
    if has("align") and has("annotate"):
        aligned = work / "aligned.db"
        shutil.copy2(imported, aligned)
        _run_ok(["align", "p", "--no-embeddings"], aligned)
        out.append(Family("app", aligned, [APP_SCRIPT], lambda db: app_state(db, "p"), pair="p", script=True))
    return out


def test_kill_9_at_random_moments_loses_nothing() -> None:
    work, fams = prepared()
    assert fams, "no writing command has landed yet"
    rng = random.Random(SEED_RANDOM)
    jobs = [(f, k, random.Random(rng.random())) for f in fams for k in range(KILL_RUNS[f.name])]
    with ThreadPoolExecutor(max_workers=2) as pool:
        runs = list(pool.map(lambda job: kill_run(job[0], work, job[1], job[2]), jobs))
    failed = [r for r in runs if r.problems]
    summary = {
        f.name: {
            "runs": sum(1 for r in runs if r.family == f.name),
            "reference_s": round(f.duration, 2),
            "first_write_s": round(f.first_write, 2),
            "ended_in_state": sorted(
                {r.state_index for r in runs if r.family == f.name}, key=lambda i: -1 if i is None else i
            ),
        }
        for f in fams
    }
    print(json.dumps({"kill_runs": len(runs), "survived": len(runs) - len(failed), "families": summary}))
    assert not failed, "\n".join(
        f"{r.family} killed at {r.kill_at:.2f}s after {r.acked} ack(s): {r.problems}" for r in failed
    )
    if len(fams) == len(KILL_RUNS):
        assert len(runs) == sum(KILL_RUNS.values()) == 100
