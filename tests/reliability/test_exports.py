"""Exports never leave a partial file: killed or failing mid-write, the target is the old file or the new
one, whole. Also: spreadsheet formulas are neutralised in CSV exports, a closed pipe is no error, and a bad
output path is a one-line error.
"""

from __future__ import annotations

import json
import random
import re
import resource
import shutil
import signal
import sqlite3
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from rel_harness import SEEDS, assert_clean_error, cli_env, describe, has, taiyaku_argv

pytestmark = pytest.mark.slow

SEED = "001_5af3baea35b63ec3"
OLD = b"OLD CONTENT: a previous export the analyst relies on\n"
FORMULAS = ["=1+1", '=HYPERLINK("http://evil","x")', "@SUM(A1)", "-2+3", "+cmd|' /C calc'!A0", "=cmd"]
KILLED = {"beads-jsonl", "beads-tmx", "glossary-tbx", "glossary-csv", "spans-jsonl", "spans-docbin"}
"""One writer of each kind (streamed JSON lines, streamed XML, CSV, binary): killed twice each."""
KILLS_PER_EXPORT = 2


@dataclass(frozen=True)
class Export:
    name: str
    argv: tuple[str, ...]
    """Arguments before `-o`."""
    suffixes: tuple[str, ...] = ("",)
    """Files written for `-o out`: out + suffix (docbin writes one file per language)."""
    command: str = "export"


def exports() -> list[Export]:
    out = []
    if has("export"):
        out += [Export(f"beads-{f}", ("export", "p", "--format", f)) for f in ("jsonl", "tsv", "tmx")]
    if has("glossary export"):
        out += [
            Export(f"glossary-{f}", ("glossary", "export", "--format", f), command="glossary export")
            for f in ("tbx", "csv", "json", "omegat")
        ]
    if has("spans export"):
        out += [
            Export("spans-jsonl", ("spans", "export", "p", "--format", "jsonl"), command="spans export"),
            Export(
                "spans-prodigy",
                ("spans", "export", "p", "--format", "prodigy", "--status", "suggested"),
                command="spans export",
            ),
            Export(
                "spans-docbin",
                ("spans", "export", "p", "--format", "docbin", "--status", "suggested"),
                suffixes=(".ja.spacy", ".en.spacy"),
                command="spans export",
            ),
        ]
    return out


def _target(folder: Path, exp: Export) -> Path:
    ext = {"docbin": "spacy", "omegat": "txt", "prodigy": "jsonl"}
    fmt = exp.argv[exp.argv.index("--format") + 1]
    return folder / f"out.{ext.get(fmt, fmt)}"


def _outputs(folder: Path, exp: Export) -> list[Path]:
    t = _target(folder, exp)
    if exp.suffixes == ("",):
        return [t]
    return [t.with_name(t.name.removesuffix(".spacy") + s) for s in exp.suffixes]


def _normalise(data: bytes) -> bytes:
    """Exports may stamp the time they were made (TMX creationdate, TBX dates)."""
    return re.sub(rb"\d{8}T\d{6}Z|\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(\+00:00|Z)?", b"<time>", data)


@pytest.fixture(scope="module")
def project() -> Iterator[Path]:
    if not (has("import") and has("align")):
        pytest.skip("import and align have not landed yet")
    d = Path(tempfile.mkdtemp(prefix="taiyaku-export-"))
    db = d / "p.db"

    def run(*argv: str) -> None:
        proc = subprocess.run(
            [*taiyaku_argv(), *argv], capture_output=True, text=True, env=cli_env(db), timeout=600
        )
        assert proc.returncode == 0, describe(proc)

    run("import", str(SEEDS / f"{SEED}.txt"), str(SEEDS / "en" / f"{SEED}.en.txt"), "--name", "p")
    run("align", "p", "--no-embeddings")
    if has("suggest"):
        run("suggest", "p")
    if has("glossary import"):
        import csv

        path = d / "terms.csv"
        with path.open("w", encoding="utf-8", newline="") as fh:
            w = csv.writer(fh)
            w.writerow(["ja", "en", "acronym", "status", "note"])
            w.writerows([f"用語{i}", f"term {i}", f"T{i}", "proposed", f"note {i}"] for i in range(1500))
            w.writerows([f, f"{f} en", "", "proposed", f] for f in FORMULAS)
        run("glossary", "import", str(path))
    yield db
    shutil.rmtree(d, ignore_errors=True)


def _run(exp: Export, db: Path, folder: Path, *, fsize: int | None = None) -> subprocess.Popen[bytes]:
    def limit() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit fails with EFBIG instead
        if fsize is not None:
            resource.setrlimit(resource.RLIMIT_FSIZE, (fsize, fsize))

    return subprocess.Popen(
        [*taiyaku_argv(), *exp.argv, "-o", str(_target(folder, exp))],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=cli_env(db),
        cwd=folder,
        preexec_fn=limit,
    )


@pytest.fixture(scope="module")
def references(project: Path) -> dict[str, tuple[dict[str, bytes], float]]:
    """Each export run whole once: its files and how long it took."""
    out = {}
    for exp in exports():
        folder = project.parent / f"ref-{exp.name}"
        folder.mkdir()
        t0 = time.monotonic()
        proc = _run(exp, project, folder)
        _out, err = proc.communicate(timeout=600)
        assert proc.returncode == 0, err.decode()
        out[exp.name] = ({p.name: p.read_bytes() for p in _outputs(folder, exp)}, time.monotonic() - t0)
    return out


def _prefill(folder: Path, exp: Export) -> None:
    folder.mkdir(parents=True)
    for p in _outputs(folder, exp):
        p.write_bytes(OLD)


def _check_whole_or_old(folder: Path, exp: Export, ref: dict[str, bytes]) -> list[str]:
    problems = []
    for p in _outputs(folder, exp):
        data = p.read_bytes() if p.exists() else None
        if data == OLD:
            continue
        if data is None:
            problems.append(f"{p.name} is gone")
        elif _normalise(data) != _normalise(ref[p.name]):
            problems.append(
                f"{p.name} is neither the old file nor the whole new one ({len(data)} of "
                f"{len(ref[p.name])} bytes)"
            )
    return problems


@pytest.mark.parametrize("exp", exports(), ids=lambda e: e.name)
def test_export_failing_mid_write_keeps_the_old_file(
    exp: Export, project: Path, references, tmp_path: Path
) -> None:
    """The disk fills up half-way (RLIMIT_FSIZE): one-line error, the previous export untouched."""
    ref, _ = references[exp.name]
    biggest = max(len(v) for v in ref.values())
    folder = tmp_path / "out"
    _prefill(folder, exp)
    # keep the project's -shm/-wal in place so the limit hits the export, not SQLite's own files
    keep = sqlite3.connect(project)
    keep.execute("SELECT count(*) FROM sqlite_master").fetchone()
    try:
        proc = _run(exp, project, folder, fsize=max(biggest // 2, 1))
        out, err = proc.communicate(timeout=300)
    finally:
        keep.close()
    result = subprocess.CompletedProcess(proc.args, proc.returncode, out.decode(), err.decode())
    assert_clean_error(result)
    for p in _outputs(folder, exp):
        assert p.read_bytes() == OLD, f"{p.name} was damaged by a failed export\n{describe(result)}"
    left = sorted(p.name for p in folder.iterdir() if p not in _outputs(folder, exp))
    assert not left, f"temporary files left behind: {left}"


@pytest.mark.parametrize("exp", [e for e in exports() if e.name in KILLED], ids=lambda e: e.name)
def test_export_killed_mid_write_leaves_the_old_file_or_the_new_one(
    exp: Export, project: Path, references, tmp_path: Path
) -> None:
    ref, duration = references[exp.name]
    rng = random.Random(hash(exp.name) & 0xFFFF)
    for k in range(KILLS_PER_EXPORT):
        folder = tmp_path / f"kill-{k}"
        _prefill(folder, exp)
        proc = _run(exp, project, folder)
        time.sleep(rng.uniform(0.5 * duration, 1.05 * duration))
        proc.send_signal(signal.SIGKILL)
        proc.communicate(timeout=60)
        problems = _check_whole_or_old(folder, exp, ref)
        assert not problems, f"killed at run {k}: {problems}"


def test_glossary_csv_export_neutralises_formulas_and_round_trips(project: Path, tmp_path: Path) -> None:
    if not (has("glossary export") and has("glossary import")):
        pytest.skip("glossary export/import have not landed yet")
    out = tmp_path / "g.csv"
    proc = subprocess.run(
        [*taiyaku_argv(), "glossary", "export", "--format", "csv", "-o", str(out)],
        capture_output=True,
        text=True,
        env=cli_env(project),
        timeout=300,
    )
    assert proc.returncode == 0, describe(proc)
    import csv

    with out.open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh))
    dangerous = [
        cell
        for row in rows[1:]
        for cell in row
        if cell[:1] in ("=", "+", "-", "@", "\t", "\r") and not re.fullmatch(r"-?\d+(\.\d+)?", cell)
    ]
    assert not dangerous, f"cells a spreadsheet would run as formulas: {dangerous[:5]}"
    # and the neutralising quote does not stick: importing the export gives the terms back as they were
    fresh = tmp_path / "fresh.db"
    proc = subprocess.run(
        [*taiyaku_argv(), "glossary", "import", str(out)],
        capture_output=True,
        text=True,
        env=cli_env(fresh),
        timeout=300,
    )
    assert proc.returncode == 0, describe(proc)
    conn = sqlite3.connect(fresh)
    got = {r[0] for r in conn.execute("SELECT ja FROM glossary_entries")}
    conn.close()
    assert set(FORMULAS) <= got


def test_bead_tsv_keeps_hostile_segments_in_their_cells(project: Path, tmp_path: Path) -> None:
    """Tabs, newlines and formula-like text inside segments: every TSV row still has exactly two cells."""
    if not (has("export") and has("import-tmx")):
        pytest.skip("export/import-tmx have not landed yet")
    db = tmp_path / "f.db"
    texts = [*FORMULAS, "tab\there", "line\nbreak", "cr\rhere", "back\\slash\\t", '"quoted"']
    esc = [
        t.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace("\t", "&#9;")
        .replace("\n", "&#10;")
        .replace("\r", "&#13;")
        for t in texts
    ]
    units = "".join(
        f'<tu><tuv xml:lang="ja"><seg>{t}</seg></tuv><tuv xml:lang="en"><seg>{t}</seg></tuv></tu>'
        for t in esc
    )
    tmx = tmp_path / "f.tmx"
    tmx.write_text(
        '<?xml version="1.0" encoding="UTF-8"?><tmx version="1.4"><header creationtool="t" '
        'creationtoolversion="1" segtype="sentence" o-tmf="t" adminlang="en" srclang="ja" '
        f'datatype="plaintext"/><body>{units}</body></tmx>',
        encoding="utf-8",
    )
    env = cli_env(db)
    proc = subprocess.run(
        [*taiyaku_argv(), "import-tmx", str(tmx), "--name", "f"],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, describe(proc)
    proc = subprocess.run(
        [*taiyaku_argv(), "export", "f", "--format", "tsv"],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )
    assert proc.returncode == 0, describe(proc)
    rows = [line.split("\t") for line in proc.stdout.split("\n") if line]
    body = [r for r in rows if r != ["ja", "en"]]
    assert len(body) == len(texts), rows
    assert all(len(r) == 2 for r in rows), [r for r in rows if len(r) != 2]


@pytest.mark.parametrize("exp", exports()[:1], ids=lambda e: e.name)
def test_export_into_a_pipe_closed_early_is_quiet(exp: Export, project: Path) -> None:
    """`taiyaku export … | head -1`: the reader goes away; no traceback, no error."""
    proc = subprocess.Popen(
        [*taiyaku_argv(), *exp.argv], stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=cli_env(project)
    )
    assert proc.stdout is not None
    proc.stdout.readline()
    proc.stdout.close()
    err = proc.stderr.read().decode() if proc.stderr else ""
    proc.wait(timeout=120)
    assert "Traceback" not in err and "Error" not in err, err
    assert proc.returncode in (0, 141, -13), err


@pytest.mark.parametrize("where", ["missing-folder", "is-a-folder", "read-only-file"])
def test_export_to_a_bad_path_is_one_line(where: str, project: Path, tmp_path: Path) -> None:
    specs = exports()
    if not specs:
        pytest.skip("no export has landed yet")
    for exp in specs:
        if where == "missing-folder":
            target = tmp_path / "no" / "such" / "out.txt"
        elif where == "is-a-folder":
            target = tmp_path / "folder"
            target.mkdir(exist_ok=True)
        else:
            target = tmp_path / "ro.txt"
            target.write_bytes(OLD)
            target.chmod(0o444)
            (tmp_path).chmod(0o555)
        try:
            proc = subprocess.run(
                [*taiyaku_argv(), *exp.argv, "-o", str(target)],
                capture_output=True,
                text=True,
                env=cli_env(project),
                timeout=300,
                cwd=tmp_path,
            )
        finally:
            tmp_path.chmod(0o755)
        if where == "read-only-file" and proc.returncode == 0:
            continue  # root may replace a file in a folder it owns; what matters is no traceback
        assert_clean_error(proc)
        if where == "read-only-file":
            assert target.read_bytes() == OLD


def test_exports_are_covered(references) -> None:
    names = set(references)
    if has("export"):
        assert {"beads-jsonl", "beads-tsv", "beads-tmx"} <= names
    assert json.dumps(sorted(names))
