"""Whole archives: `import --manifest`/FOLDER, `suggest --all` and `align --all` on several processes.

The runner is tested with small jobs (order, failures by name, a worker that dies); the commands end to end
with real GiNZA and the real encoder on dev-gold documents, serial against parallel, row for row.
"""

from __future__ import annotations

import json
import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from batchdump import dump
from testdata import DEV_GOLD

from alignment.batch import Work
from alignment.project import ProjectError
from tui.core.archive import read_folder, read_manifest
from tui.core.batch import Pool, Tick, run

RAW = DEV_GOLD / "raw"
SMALL = ("jpin2006_joint_statement", "jpin2008_secdecl_preamble", "kyoto_HST00871")


# --- the runner, with small jobs ------------------------------------------------------------------------


@dataclass(frozen=True)
class Toy:
    name: str
    chars: int = 10
    marker: str = ""


@dataclass(frozen=True)
class Done:
    value: str
    work: Work = field(default_factory=lambda: Work(0.0, 0, ""))


def shout(job: Toy) -> Done:
    if job.name == "bad":
        raise ProjectError("bad input")
    return Done(job.name.upper())


def die_once(job: Toy) -> Done:
    """Kills its worker process the first time it sees a marker that does not exist yet."""
    if job.marker and not os.path.exists(job.marker):
        Path(job.marker).write_text("died")
        os._exit(1)
    if job.name == "always-dies":
        os._exit(1)
    return Done(job.name.upper())


def test_results_are_stored_in_order_and_failures_named() -> None:
    names = ["a", "bad", "c", "unreadable", "e", "refused"]
    stored: list[str] = []
    ticks: list[Tick] = []

    def make(name: str):
        def read() -> Toy:
            if name == "unreadable":
                raise ProjectError("no such file: unreadable.ja.txt")
            return Toy(name)

        return read

    def store(job: Toy, result: Done) -> str:
        if job.name == "refused":
            raise ProjectError("a pair named 'refused' already exists")
        stored.append(result.value)
        return result.value

    outcome = run(Pool(1), [make(n) for n in names], names, shout, store, on_tick=ticks.append)
    assert stored == outcome.stored == ["A", "C", "E"]
    assert [(f.name, f.reason) for f in outcome.failed] == [
        ("bad", "bad input"),
        ("unreadable", "no such file: unreadable.ja.txt"),
        ("refused", "a pair named 'refused' already exists"),
    ]
    assert [t.done for t in ticks] == [1, 2, 3, 4, 5, 6] and ticks[-1].total == 6
    assert ticks[-1].chars == 30  # only what was stored counts


@pytest.mark.slow
def test_a_local_worker_that_dies_is_replaced_and_the_batch_finishes(tmp_path: Path) -> None:
    jobs = [Toy("a"), Toy("b", marker=str(tmp_path / "b.died")), Toy("c"), Toy("always-dies"), Toy("e")]
    with_pool = Pool(2)
    try:
        outcome = run(
            with_pool, [lambda j=j: j for j in jobs], [j.name for j in jobs], die_once, lambda j, r: r.value
        )
    finally:
        with_pool.close()
    assert (tmp_path / "b.died").exists()  # b's worker really died once
    assert outcome.stored == ["A", "B", "C", "E"]
    assert [f.name for f in outcome.failed] == ["always-dies"]
    assert "died 3 times" in outcome.failed[0].reason


# --- which documents ---------------------------------------------------------------------------------------


def test_manifest_and_folder(tmp_path: Path) -> None:
    (tmp_path / "docs").mkdir()
    for name in ("x", "y"):
        (tmp_path / "docs" / f"{name}.ja.txt").write_text("一つ目の文。", encoding="utf-8")
    (tmp_path / "docs" / "x.en.txt").write_text("The first sentence.", encoding="utf-8")
    manifest = tmp_path / "m.tsv"
    manifest.write_text(
        "ja_path\ten_path\tname\ndocs/x.ja.txt\tdocs/x.en.txt\tfirst\n\n# a comment\ndocs/y.ja.txt\n",
        encoding="utf-8",
    )
    entries = read_manifest(manifest)
    assert [(e.name, e.ja, e.en) for e in entries] == [
        ("first", tmp_path / "docs/x.ja.txt", tmp_path / "docs/x.en.txt"),
        ("y", tmp_path / "docs/y.ja.txt", None),
    ]
    assert [(e.name, e.en is not None) for e in read_folder(tmp_path / "docs")] == [("x", True), ("y", False)]
    manifest.write_text("a.ja.txt\t\tsame\nb.ja.txt\t\tsame\n", encoding="utf-8")
    with pytest.raises(ProjectError, match="'same' appears twice"):
        read_manifest(manifest)
    with pytest.raises(ProjectError, match=r"no NAME\.ja\.txt"):
        read_folder(tmp_path)


def test_batch_options_errors(run, tmp_path: Path) -> None:
    result = run("import")
    assert result.exit_code == 2 and "give JA_FILE, a folder" in result.output
    result = run("import", str(RAW / "kyoto_HST00871.ja.txt"), "--workers", "2")
    assert result.exit_code == 2 and "go with --manifest or a folder" in result.output
    result = run("align", "x", "--workers", "2")
    assert result.exit_code == 2 and "go with --all" in result.output


def test_scheduler_without_the_cluster_extra_says_what_to_install(
    run, monkeypatch: pytest.MonkeyPatch
) -> None:
    import sys

    monkeypatch.setitem(sys.modules, "distributed", None)  # as if not installed
    result = run("import", str(RAW), "--scheduler", "tcp://127.0.0.1:8786")
    assert result.exit_code == 1
    assert (
        result.output.strip() == "Error: --scheduler needs Dask distributed: pip install 'taiyaku[cluster]'"
    )


# --- end to end ------------------------------------------------------------------------------------------


def small_archive(tmp_path: Path) -> Path:
    folder = tmp_path / "archive"
    folder.mkdir()
    for name in SMALL:
        for lang in ("ja", "en"):
            shutil.copy(RAW / f"{name}.{lang}.txt", folder / f"{name}.{lang}.txt")
    return folder


def batch(run, db: Path, folder: Path, *workers: str) -> None:
    for args in (("import", str(folder)), ("suggest", "--all"), ("align", "--all")):
        result = run(*args, "--db", str(db), *workers)
        assert result.exit_code == 0, result.output


@pytest.mark.slow
def test_parallel_writes_what_serial_and_single_commands_write(run, tmp_path: Path) -> None:
    folder = small_archive(tmp_path)
    one_by_one = tmp_path / "single.db"
    for name in SMALL:
        ja, en = folder / f"{name}.ja.txt", folder / f"{name}.en.txt"
        assert run("import", str(ja), str(en), "--name", name, "--db", str(one_by_one)).exit_code == 0
        assert run("suggest", name, "--db", str(one_by_one)).exit_code == 0
    for name in SMALL:
        assert run("align", name, "--db", str(one_by_one)).exit_code == 0
    serial, parallel = tmp_path / "serial.db", tmp_path / "parallel.db"
    batch(run, serial, folder, "--workers", "1")
    batch(run, parallel, folder, "--workers", "2")

    expected = dump(serial)
    assert len(expected["pairs"]) == 3 and len(expected["beads"]) > 30 and len(expected["spans"]) > 50
    assert all(row[8] is not None for row in expected["beads"])  # every bead has its score
    assert dump(parallel) == expected
    assert dump(one_by_one) == expected  # and the single-pair commands, one after the other


@pytest.mark.slow
def test_a_rerun_skips_what_is_stored_and_failures_are_named(run, tmp_path: Path, db_path: Path) -> None:
    folder = small_archive(tmp_path)
    (folder / "broken.ja.txt").write_bytes(b"\xff\xfe\x00\xd8" * 3 + "。".encode("utf-16-le"))
    (folder / "empty.ja.txt").write_text("\n\n", encoding="utf-8")
    first = run("import", str(folder), "--workers", "2", "--json")
    assert first.exit_code == 1
    report = json.loads(first.stdout)
    assert [s["name"] for s in report["imported"]] == list(SMALL)
    failed = {f["name"]: f["reason"] for f in report["failed"]}
    assert set(failed) == {"broken", "empty"} and "contains no text" in failed["empty"]
    assert "failed: empty:" in first.stderr

    (folder / "empty.ja.txt").write_text("追加の文です。\n", encoding="utf-8")
    again = run("import", str(folder), "--workers", "2", "--json")
    assert again.exit_code == 1  # broken is still broken
    report = json.loads(again.stdout)
    assert [s["name"] for s in report["imported"]] == ["empty"]
    assert report["skipped"] == list(SMALL)
    pairs = json.loads(run("pairs", "--json").output)
    assert sorted(p["name"] for p in pairs) == sorted([*SMALL, "empty"])
    assert all(p["ja_sentences"] > 0 for p in pairs)  # nothing half-stored


def test_align_all_skip_done_continues_a_batch(run, db_path: Path) -> None:
    from test_align import add_pair

    from tui.core.project import open_db

    db = open_db(db_path)
    add_pair(db, "p1", ["一つ目の文。", "二つ目の文。"], ["The first sentence.", "The second sentence."])
    add_pair(db, "p2", ["三つ目の文。"], ["The third sentence."])
    db.close()
    args = ("align", "--all", "--no-embeddings", "--workers", "1", "--json")
    first = json.loads(run(*args, "--skip-done").stdout)
    assert [(s["pair"], s["beads"]) for s in first] == [("p1", 2), ("p2", 1)]
    assert json.loads(run(*args, "--skip-done").stdout) == []  # both done: nothing to do
    assert json.loads(run(*args).stdout) == first  # without it, every pair again (as before batches)
