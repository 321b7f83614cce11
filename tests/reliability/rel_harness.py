"""Helpers for the reliability tests: run real `taiyaku` processes, check their errors, fingerprint projects."""

from __future__ import annotations

import functools
import hashlib
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
from collections.abc import Mapping, Sequence
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
SEEDS = ROOT / "seeds"
BAD = HERE / "bad_inputs"
PROBE = HERE / "probe_cli.py"
TAIYAKU = Path(sys.executable).with_name("taiyaku")
# Seconds a test command waits for a lock before giving up: short, so lock tests stay fast.
TEST_LOCK_TIMEOUT = "0.8"
RAW_LOCK_MESSAGES = ("database is locked", "database table is locked", "sqlite3.operationalerror")


def taiyaku_argv() -> list[str]:
    """The installed console script (what a user runs), or the module when it is not installed."""
    if TAIYAKU.exists():
        return [str(TAIYAKU)]
    return [sys.executable, "-c", "from tui.cli import cli; cli()"]


def cli_env(db: Path | None = None, extra: Mapping[str, str] | None = None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("TAIYAKU_") and k != "PYTEST_CURRENT_TEST"}
    env.update(
        {
            "NO_COLOR": "1",
            "COLUMNS": "200",
            "TAIYAKU_LOCK_TIMEOUT": TEST_LOCK_TIMEOUT,
            "PYTHONDONTWRITEBYTECODE": "1",
            "LC_ALL": "C.UTF-8",
        }
    )
    if db is not None:
        env["TAIYAKU_DB"] = str(db)
    if extra:
        env.update(extra)
    return env


def run_cli(
    *args: str | os.PathLike[str],
    db: Path | None = None,
    env: Mapping[str, str] | None = None,
    input: bytes | None = None,
    timeout: float = 180,
    prefix: Sequence[str] = (),
    cwd: Path | None = None,
) -> subprocess.CompletedProcess[str]:
    """Run `taiyaku ARGS` in a real process, as a user would."""
    argv = [*prefix, *taiyaku_argv(), *map(str, args)]
    proc = subprocess.run(
        argv, input=input, capture_output=True, timeout=timeout, env=cli_env(db, env), cwd=cwd
    )
    return subprocess.CompletedProcess(
        argv, proc.returncode, proc.stdout.decode("utf-8", "replace"), proc.stderr.decode("utf-8", "replace")
    )


def run_probe(
    *args: str,
    db: Path,
    env: Mapping[str, str] | None = None,
    prefix: Sequence[str] = (),
    timeout: float = 60,
) -> subprocess.CompletedProcess[str]:
    """Run the probe CLI (a TaiyakuGroup over open_db, like every real command) in a real process."""
    argv = [*prefix, sys.executable, str(PROBE), *args]
    proc = subprocess.run(
        argv,
        capture_output=True,
        timeout=timeout,
        env=cli_env(db, env),
        cwd=db.parent if db.parent.is_dir() else None,
    )
    return subprocess.CompletedProcess(
        argv, proc.returncode, proc.stdout.decode("utf-8", "replace"), proc.stderr.decode("utf-8", "replace")
    )


def describe(proc: subprocess.CompletedProcess[str]) -> str:
    return f"$ {' '.join(proc.args[-6:])}\nexit {proc.returncode}\n--stdout--\n{proc.stdout[-2000:]}\n--stderr--\n{proc.stderr[-3000:]}"


def assert_clean_error(
    proc: subprocess.CompletedProcess[str], *, contains: str | None = None, report_prefix: str | None = None
) -> str:
    """Exit ≠ 0, exactly one line on stderr starting with `Error:`, no traceback, no raw SQLite lock error.

    `report_prefix`: commands that report bad rows (glossary import) may print those first, one line each,
    every one starting with this prefix (the input's path).
    """
    info = describe(proc)
    assert proc.returncode != 0, info
    assert "Traceback" not in proc.stderr and "Traceback" not in proc.stdout, info
    # status lines ("Loading tokenizers…") are progress, not part of the error
    lines = [line for line in proc.stderr.splitlines() if line.strip() and not line.rstrip().endswith("…")]
    if report_prefix is not None and len(lines) > 1:
        for report in lines[:-1]:
            assert report.startswith(report_prefix), f"not a bad-row report line: {report!r}\n{info}"
        lines = lines[-1:]
    assert len(lines) == 1, f"expected one line on stderr, got {len(lines)}\n{info}"
    assert lines[0].startswith("Error: "), info
    low = lines[0].lower()
    assert not any(m in low for m in RAW_LOCK_MESSAGES), info
    if contains is not None:
        assert contains.lower() in low, info
    return lines[0]


def assert_no_traceback(proc: subprocess.CompletedProcess[str]) -> None:
    info = describe(proc)
    assert "Traceback" not in proc.stderr and "Traceback" not in proc.stdout, info
    assert not any(m in proc.stderr.lower() for m in RAW_LOCK_MESSAGES), info


# --- fingerprints -----------------------------------------------------------------------------------------


def file_digest(path: Path) -> str | None:
    return hashlib.sha256(path.read_bytes()).hexdigest() if path.exists() else None


def project_files_digest(path: Path) -> tuple[str | None, str | None]:
    """Bytes of the project file and of its write-ahead log (a committed change may sit in either)."""
    wal = path.with_name(path.name + "-wal")
    return file_digest(path), (file_digest(wal) if wal.exists() and wal.stat().st_size else None)


def content_digest(path: Path) -> dict[str, str]:
    """A hash of every table's rows, read from a copy so the original is never touched (not even its -shm)."""
    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp) / path.name
        shutil.copy2(path, copy)
        wal = path.with_name(path.name + "-wal")
        if wal.exists():
            shutil.copy2(wal, copy.with_name(copy.name + "-wal"))
        conn = sqlite3.connect(copy)
        try:
            out: dict[str, str] = {}
            tables = [
                r[0]
                for r in conn.execute(
                    "SELECT name FROM sqlite_master WHERE type IN ('table', 'view') AND name NOT LIKE 'sqlite_%' "
                    "ORDER BY name"
                )
            ]
            for table in tables:
                h = hashlib.sha256()
                for row in conn.execute(f'SELECT * FROM "{table}" ORDER BY 1'):
                    h.update(repr(row).encode())
                out[table] = h.hexdigest()
            schema = conn.execute("SELECT group_concat(sql, ';') FROM sqlite_master").fetchone()[0]
            out["<schema>"] = hashlib.sha256(str(schema).encode()).hexdigest()
            return out
        finally:
            conn.close()


def integrity(path: Path) -> str:
    conn = sqlite3.connect(path, timeout=30)
    try:
        return ";".join(r[0] for r in conn.execute("PRAGMA integrity_check"))
    finally:
        conn.close()


def table_count(path: Path, table: str) -> int:
    conn = sqlite3.connect(path, timeout=30)
    try:
        return conn.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0]
    finally:
        conn.close()


# --- what the CLI offers right now (other areas land while these tests are written) ----------------------


@functools.cache
def commands() -> frozenset[str]:
    """Every command path the CLI offers, e.g. {"import", "pairs", "glossary lookup"}."""
    import click

    from tui.cli import cli

    out: set[str] = set()

    def walk(group: click.Group, prefix: str) -> None:
        for name, cmd in group.commands.items():
            path = f"{prefix}{name}"
            out.add(path)
            if isinstance(cmd, click.Group):
                walk(cmd, path + " ")

    walk(cli, "")
    return frozenset(out)


def has(command: str) -> bool:
    return command in commands()


@functools.cache
def params(command: str) -> frozenset[str]:
    """The option names of a command (e.g. {"--segmented", "--name"})."""
    from tui.cli import cli

    cmd = cli
    for part in command.split():
        cmd = cmd.commands[part]  # type: ignore[attr-defined]
    return frozenset(opt for p in cmd.params for opt in getattr(p, "opts", ()))


# --- running as an ordinary user (tests run as root, where chmod does not stop writes) --------------------


@functools.cache
def unprivileged_prefix() -> tuple[str, ...] | None:
    """argv prefix that runs a command as `nobody`, () when already unprivileged, None when impossible."""
    if os.geteuid() != 0:
        return ()
    setpriv = shutil.which("setpriv")
    if not setpriv:
        return None
    prefix = (setpriv, "--reuid=65534", "--regid=65534", "--clear-groups")
    try:
        ok = subprocess.run(
            [*prefix, sys.executable, "-c", "import tui.common"], capture_output=True, timeout=60
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    return prefix if ok.returncode == 0 else None


def world_readable_tmpdir() -> Path:
    """A temporary folder that `nobody` can enter (pytest's tmp_path base is private to root)."""
    d = Path(tempfile.mkdtemp(prefix="taiyaku-rel-"))
    d.chmod(0o755)
    return d


# --- projects with data -------------------------------------------------------------------------------


def fill_project(path: Path, pairs: int = 40, lines: int = 30) -> None:
    """A project with enough rows to span many pages (so cutting it in half really loses data)."""
    from alignment.bead_store import save_beads
    from alignment.model import Bead, Document
    from alignment.project import write
    from alignment.store import create_pair, insert_document
    from alignment.text import line_segments
    from tui.common import open_db

    db = open_db(str(path))
    try:
        with write(db):
            for p in range(pairs):
                pair_id = create_pair(db, f"pair-{p:03d}")
                for lang, line in (
                    ("ja", "日本の防衛政策（ＩＰＭＤＡ）第{i}項。"),
                    ("en", "Defence policy item {i} (IPMDA)."),
                ):
                    text = "\n".join(line.format(i=i) for i in range(lines)) + "\n"
                    segs = line_segments(text)
                    doc = Document(None, pair_id, lang, text, text, ((0, 0, len(text)),), segmented=True)
                    insert_document(db, pair_id, doc, segs)
                save_beads(
                    db, pair_id, [Bead((i, i + 1), (i, i + 1), score=0.5) for i in range(lines)], user="t"
                )
    finally:
        db.close()
