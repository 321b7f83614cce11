"""Hostile and broken files for every command that reads one: one-line error, exit ≠ 0, project unchanged.

Inputs live in bad_inputs/ (small ones committed, binary/huge/path-dependent ones made at test time by
bad_inputs/make_bad_inputs.py). A reader that may legitimately accept an input (`either`) must then leave a
sound project; whatever happens, nothing may leak a local file or reach the network.
"""

from __future__ import annotations

import http.server
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pytest
from rel_harness import (
    BAD,
    assert_clean_error,
    assert_no_traceback,
    cli_env,
    content_digest,
    describe,
    has,
    integrity,
    taiyaku_argv,
)

sys.path.insert(0, str(BAD))
from make_bad_inputs import (
    CSV,
    JSON,
    JSONL,
    KEYS,
    OMEGAT,
    TBX,
    TEXT,
    TMX,
    BadInput,
    binary_inputs,
    huge_text,
    static_inputs,
    xxe_inputs,
)

GOOD_JA = "日本とインドは協力する。\n海洋状況把握（ＭＤＡ）を進める。\n"
GOOD_EN = "Japan and India cooperate.\nThey advance maritime domain awareness (MDA).\n"
GOOD_CSV = "ja,en,acronym,status,note\n海洋状況把握,maritime domain awareness,MDA,approved,\n"
SECRET = "TAIYAKU-SECRET-7f3a9c"
EN_SIDE_TOO = {
    "empty.txt",
    "whitespace.txt",
    "random.bin",
    "invalid_utf8.txt",
    "nul_bytes.txt",
    "pdf_header.txt",
    "mixed_utf8_sjis.txt",
    "zero",
}
"""Inputs also fed as the English side (the rest only as Japanese, to keep the suite fast)."""
UNSEGMENTED_TOO = {"empty.txt", "whitespace.txt", "random.bin", "png.bin", "mostly_nul.txt"}
"""Inputs also fed without --segmented (the repair and sentence-splitting path)."""
MAX_RSS_MB = 1500
"""No small hostile file may make a command use more memory than this (entity bombs, deep nesting)."""


# --- which command reads which kind of file -------------------------------------------------------------


def reader_argv(reader: str, bad: Path, good: dict[str, Path]) -> list[list[str]] | None:
    """The command lines that feed `bad` to `reader`, or None when that command has not landed."""
    if reader == TEXT and has("import"):
        argvs = [["import", "--segmented", str(bad), str(good["en"]), "--name", "hostile"]]
        if bad.name in EN_SIDE_TOO:
            argvs.append(["import", "--segmented", str(good["ja"]), str(bad), "--name", "hostile"])
        if bad.name in UNSEGMENTED_TOO:
            argvs.append(["import", str(bad), "--name", "hostile"])
        return argvs
    if reader == TMX and has("import-tmx"):
        return [["import-tmx", str(bad), "--name", "hostile"]]
    if reader in (TBX, CSV, JSON, OMEGAT) and has("glossary import"):
        return [["glossary", "import", str(bad), "--format", reader]]
    if reader == JSONL and has("eval"):
        return [["eval", str(bad), "--no-embeddings"]]
    if reader == KEYS and has("annotate"):
        return [["annotate", "--keys", str(bad)]]
    return None


BINARY = {"random.bin", "png.bin", "gzip.bin", "docx.bin", "elf.bin", "pdf_header.txt", "mostly_nul.txt"}
KEY_FILE_INPUTS = {
    "random.bin",
    "png.bin",
    "nul_bytes.txt",
    "invalid_utf8.txt",
    "not_xml.tmx",
    "malformed.json",
    "pdf_header.txt",
}
"""Other inputs fed as a key file too: none is valid TOML (a valid one would open the app)."""


def expected(bad: BadInput, reader: str) -> str:
    """What a reader must do with an input: OmegaT's glossary format accepts almost any text line."""
    if reader == OMEGAT:
        return "error" if bad.name in BINARY else "either"
    return bad.expect


@dataclass
class Server:
    url: str
    hits: list[str]


@pytest.fixture(scope="module")
def http_server() -> Iterator[Server]:
    """A local web server that records every request: an XML parser must never fetch anything."""
    hits: list[str] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            hits.append(self.path)
            body = f'<!ENTITY leak "{SECRET}">'.encode()
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            return None

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield Server(f"http://127.0.0.1:{server.server_address[1]}", hits)
    server.shutdown()


@pytest.fixture(scope="module")
def workdir() -> Iterator[Path]:
    d = Path(tempfile.mkdtemp(prefix="taiyaku-hostile-"))
    yield d
    shutil.rmtree(d, ignore_errors=True)


@pytest.fixture(scope="module")
def secret_file(workdir: Path) -> Path:
    p = workdir / "secret.txt"
    p.write_text(SECRET + "\n")
    return p


@pytest.fixture(scope="module")
def good_files(workdir: Path) -> dict[str, Path]:
    out = {"ja": workdir / "good.ja.txt", "en": workdir / "good.en.txt", "csv": workdir / "good.csv"}
    out["ja"].write_text(GOOD_JA, encoding="utf-8")
    out["en"].write_text(GOOD_EN, encoding="utf-8")
    out["csv"].write_text(GOOD_CSV, encoding="utf-8")
    return out


@pytest.fixture(scope="module")
def baseline(workdir: Path, good_files: dict[str, Path]) -> Path:
    """A project with a corpus and a glossary in it, built once; each case works on a copy."""
    from rel_harness import fill_project

    db = workdir / "baseline.db"
    fill_project(db, pairs=3, lines=10)
    if has("glossary import"):
        proc = run(["glossary", "import", str(good_files["csv"])], db)
        assert proc.returncode == 0, describe(proc)
    return db


def run(argv: list[str], db: Path, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    return run_measured(argv, db, timeout)[0]


def run_measured(
    argv: list[str],
    db: Path,
    timeout: float = 120,
    cwd: Path | None = None,
    max_address_space: int | None = None,
) -> tuple[subprocess.CompletedProcess[str], float]:
    """Run taiyaku and return its result and peak memory (MB), measured with wait4 on that one process.

    `max_address_space` caps the process's memory (RLIMIT_AS) so a reader that slurps an endless device
    fails the test without taking the machine down with it.
    """

    def limit() -> None:
        if max_address_space is not None:
            resource.setrlimit(resource.RLIMIT_AS, (max_address_space, max_address_space))

    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        full = [*taiyaku_argv(), *argv]
        proc = subprocess.Popen(
            full,
            stdout=out,
            stderr=err,
            stdin=subprocess.DEVNULL,
            env=cli_env(db),
            cwd=cwd or db.parent,
            preexec_fn=limit,
        )
        deadline = time.monotonic() + timeout
        while True:
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            if time.monotonic() > deadline:
                proc.kill()
                pid, status, usage = os.wait4(proc.pid, 0)
                break
            time.sleep(0.02)
        timed_out = time.monotonic() > deadline
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        stderr = err.read().decode("utf-8", "replace")
        if timed_out:
            stderr += f"\n[test harness: killed after {timeout}s: a hang, an endless read or a bomb]"
        result = subprocess.CompletedProcess(
            full, proc.returncode, out.read().decode("utf-8", "replace"), stderr
        )
    return result, usage.ru_maxrss / 1024


def all_inputs(secret: Path, url: str) -> list[BadInput]:
    return static_inputs() + binary_inputs() + xxe_inputs(secret, url)


def _case_ids() -> list[tuple[str, str]]:
    """(input name, reader) for every input and reader, decided at collection (inputs do not depend on paths)."""
    dummy = xxe_inputs(Path("/x"), "http://x")
    out = [(b.name, r) for b in static_inputs() + binary_inputs() + dummy for r in b.readers]
    out += [
        (b.name, OMEGAT) for b in static_inputs() + binary_inputs() if CSV in b.readers or b.name in BINARY
    ]
    out += [(b.name, KEYS) for b in static_inputs() + binary_inputs() if b.name in KEY_FILE_INPUTS]
    return list(dict.fromkeys(out))


CASES = _case_ids()


def test_committed_bad_inputs_match_the_generator() -> None:
    """The files in bad_inputs/ are exactly what make_bad_inputs.py writes (so they can be regenerated)."""
    for bad in static_inputs():
        assert (BAD / bad.name).read_bytes() == bad.content, bad.name


def test_every_landed_reader_is_exercised(good_files: dict[str, Path]) -> None:
    readers = {r for _n, r in CASES}
    exercised = {r for r in readers if reader_argv(r, Path("x"), good_files) is not None}
    if has("import"):
        assert TEXT in exercised
    if has("glossary import"):
        assert {TBX, CSV, JSON} <= exercised
    if has("import-tmx"):
        assert TMX in exercised
    if has("eval"):
        assert JSONL in exercised


@dataclass
class Outcome:
    argv: list[str]
    proc: subprocess.CompletedProcess[str]
    rss_mb: float
    before: dict[str, str]
    after: dict[str, str]
    integrity: str
    stored_secret: bool
    leftovers: list[str]
    """Files the command left in its working folder besides the project (temporary projects, partial output)."""


def _run_case(bad: BadInput, path: Path, argv: list[str], baseline: Path, scratch: Path) -> Outcome:
    scratch.mkdir(parents=True)
    db = scratch / "project.db"
    shutil.copy2(baseline, db)
    before = content_digest(db)
    proc, rss = run_measured(argv, db)
    stored = any(SECRET.encode() in p.read_bytes() for p in scratch.glob("project.db*"))
    leftovers = sorted(
        p.name for p in scratch.iterdir() if p.name not in ("project.db", "project.db-wal", "project.db-shm")
    )
    outcome = Outcome(argv, proc, rss, before, content_digest(db), integrity(db), stored, leftovers)
    shutil.rmtree(scratch, ignore_errors=True)
    return outcome


@pytest.fixture(scope="module")
def outcomes(
    request: pytest.FixtureRequest,
    baseline: Path,
    good_files: dict[str, Path],
    secret_file: Path,
    http_server: Server,
    workdir: Path,
) -> dict[tuple[str, str], list[Outcome]]:
    """Every selected case run once, two processes at a time (2 cores), before the per-case tests look."""
    inputs = {b.name: b for b in all_inputs(secret_file, http_server.url)}
    folder = workdir / "inputs"
    folder.mkdir(exist_ok=True)
    selected = {
        (item.callspec.params["name"], item.callspec.params["reader"])
        for item in request.session.items
        if getattr(item, "originalname", "") == "test_hostile_input"
    }
    jobs = []
    for name, reader in CASES:
        if (name, reader) not in selected:
            continue
        bad = inputs[name]
        path = folder / name
        path.write_bytes(bad.content)
        for i, argv in enumerate(reader_argv(reader, path, good_files) or []):
            jobs.append(((name, reader), bad, path, argv, workdir / "runs" / f"{reader}-{name}-{i}"))
    results: dict[tuple[str, str], list[Outcome]] = {}
    with ThreadPoolExecutor(max_workers=2) as pool:
        futures = [
            (key, pool.submit(_run_case, bad, path, argv, baseline, scratch))
            for key, bad, path, argv, scratch in jobs
        ]
        for key, fut in futures:
            results.setdefault(key, []).append(fut.result())
    return results


@pytest.mark.parametrize(("name", "reader"), CASES, ids=[f"{r}-{n}" for n, r in CASES])
def test_hostile_input(
    name: str,
    reader: str,
    outcomes: dict[tuple[str, str], list[Outcome]],
    secret_file: Path,
    http_server: Server,
) -> None:
    bad = {b.name: b for b in all_inputs(secret_file, http_server.url)}[name]
    if (name, reader) not in outcomes:
        pytest.skip(f"the command reading {reader} files has not landed yet")
    fetched = [h for h in http_server.hits if h.encode() in bad.content]
    assert not fetched, f"an XML parser fetched {fetched} from the network [{bad.why}]"
    for out in outcomes[(name, reader)]:
        proc = out.proc
        info = f"[{bad.why}]\n{describe(proc)}"
        assert SECRET not in proc.stdout and SECRET not in proc.stderr, f"a local file leaked\n{info}"
        assert out.rss_mb < MAX_RSS_MB, f"peak memory {out.rss_mb:.0f} MB\n{info}"
        assert not out.stored_secret, f"the secret file's content was stored in the project\n{info}"
        assert not out.leftovers, f"files left in the working folder: {out.leftovers}\n{info}"
        if expected(bad, reader) == "error" or proc.returncode != 0:
            # glossary import reports bad rows by line number (one line each, naming the file) before its error
            assert_clean_error(proc, report_prefix=out.argv[2] if out.argv[0] == "glossary" else None)
            assert out.after == out.before, f"a refused input changed the project\n{info}"
        else:
            assert_no_traceback(proc)
            assert out.integrity == "ok", info


@pytest.mark.parametrize("device", ["/dev/zero", "/dev/urandom"])
def test_endless_device_is_refused_not_read_forever(
    device: str, tmp_path: Path, baseline: Path, good_files: dict[str, Path]
) -> None:
    if not os.path.exists(device):
        pytest.skip(f"no {device}")
    readers = [
        r for r in (TEXT, TMX, CSV, JSON, OMEGAT, TBX, JSONL) if reader_argv(r, Path(device), good_files)
    ]
    if not readers:
        pytest.skip("no file-reading command has landed yet")
    for reader in readers:
        for argv in reader_argv(reader, Path(device), good_files) or []:
            db = tmp_path / "project.db"
            shutil.copy2(baseline, db)
            before = content_digest(db)
            proc, rss = run_measured(argv, db, timeout=10, max_address_space=3 << 30)
            assert rss < MAX_RSS_MB, f"{rss:.0f} MB reading {device}\n{describe(proc)}"
            assert_clean_error(proc)
            assert content_digest(db) == before


@pytest.mark.slow
@pytest.mark.parametrize("megabytes", [45, 50])
def test_50mb_text_import_has_bounded_memory_or_is_refused(
    megabytes: int, tmp_path: Path, baseline: Path
) -> None:
    """50 MiB (52 MB) and a little less: imported with bounded memory, or refused with the reason."""
    if not has("import"):
        pytest.skip("import has not landed yet")
    big = huge_text(tmp_path / "big.ja.txt", megabytes)
    db = tmp_path / "project.db"
    shutil.copy2(baseline, db)
    before = content_digest(db)
    proc, rss = run_measured(["import", "--segmented", str(big), "--name", "big"], db, timeout=300)
    if proc.returncode == 0:
        assert_no_traceback(proc)
        assert rss < MAX_RSS_MB, f"peak memory {rss:.0f} MB for a {megabytes} MiB file"
        assert integrity(db) == "ok"
    else:
        line = assert_clean_error(proc)
        assert any(w in line.lower() for w in ("large", "big", "size", "mb", "limit")), line
        assert content_digest(db) == before
    print(f"{megabytes} MiB import: exit {proc.returncode}, peak {rss:.0f} MB")


def test_the_project_file_itself_as_input(
    tmp_path: Path, baseline: Path, good_files: dict[str, Path]
) -> None:
    """`taiyaku import taiyaku.db`: a binary file that is also the open project; refused, and not damaged."""
    db = tmp_path / "project.db"
    shutil.copy2(baseline, db)
    before = content_digest(db)
    tried = 0
    for reader in (TEXT, TMX, TBX, CSV, JSON):
        for argv in reader_argv(reader, db, good_files) or []:
            proc, _rss = run_measured(argv, db)
            assert_clean_error(proc, report_prefix=str(db) if argv[0] == "glossary" else None)
            assert integrity(db) == "ok"
            assert content_digest(db) == before
            tried += 1
    if has("import"):
        assert tried


@pytest.mark.parametrize(
    "encoding", ["no-such-codec", "rot13", "utf-7", "base64", "utf-8\nx", "../../etc/passwd"]
)
def test_unknown_or_odd_encoding_names(
    encoding: str, tmp_path: Path, baseline: Path, good_files: dict[str, Path]
) -> None:
    if not has("import") or "--encoding" not in __import__("rel_harness").params("import"):
        pytest.skip("import --encoding has not landed yet")
    db = tmp_path / "project.db"
    shutil.copy2(baseline, db)
    before = content_digest(db)
    proc, _rss = run_measured(
        [
            "import",
            "--segmented",
            "--encoding",
            encoding,
            str(good_files["ja"]),
            str(good_files["en"]),
            "--name",
            "enc",
        ],
        db,
    )
    if proc.returncode == 0:  # a real codec that happens to decode the file is the user's choice
        assert_no_traceback(proc)
    else:
        assert_clean_error(proc)
        assert content_digest(db) == before
