"""Batches on a Dask cluster: a `distributed.LocalCluster`, and real `dask scheduler` / `dask worker` processes
on 127.0.0.1, one of which is killed mid-batch. Both must store exactly what a serial run stores (import,
suggestions, sentence beads, then clause beads)."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import daskprocs
import pytest
from batchdump import dump
from click.testing import CliRunner
from testdata import DEV_GOLD

pytest.importorskip("distributed", reason="needs the cluster extra: pip install 'taiyaku[cluster]'")

pytestmark = pytest.mark.slow

NAMES = ("jpin2006_joint_statement", "jpin2008_secdecl_preamble")
STEPS = (("import",), ("suggest", "--all"), ("align", "--all"), ("align", "--all", "--level", "clause"))
STARTUP = 90  # seconds for a scheduler and its workers to come up on a busy machine


def cli(*args: str) -> None:
    from tui.cli import cli as root

    result = CliRunner().invoke(root, list(args), catch_exceptions=False)
    assert result.exit_code == 0, result.output


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Four documents: two dev-gold pairs, each twice under another name (the same sentences again)."""
    folder = tmp_path_factory.mktemp("archive")
    for name in NAMES:
        for copy in (name, f"{name}-again"):
            for lang in ("ja", "en"):
                shutil.copy(DEV_GOLD / "raw" / f"{name}.{lang}.txt", folder / f"{copy}.{lang}.txt")
    return folder


def run_batch(folder: Path, db: Path, *where: str) -> None:
    for step in STEPS:
        target = (str(folder),) if step == ("import",) else ()
        cli(*step, *target, "--db", str(db), *where)


@pytest.fixture(scope="module")
def serial(archive: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[tuple[object, ...]]]:
    db = tmp_path_factory.mktemp("serial") / "serial.db"
    run_batch(archive, db, "--workers", "1")
    return dump(db)


def test_local_cluster_stores_what_a_serial_run_stores(archive: Path, serial, tmp_path: Path) -> None:
    from distributed import LocalCluster

    with LocalCluster(
        n_workers=2, threads_per_worker=1, host="127.0.0.1", dashboard_address=None, processes=True
    ) as cluster:
        run_batch(archive, tmp_path / "cluster.db", "--scheduler", cluster.scheduler_address)
    assert len(serial["pairs"]) == 4 and sum(1 for b in serial["beads"] if b[2] == "sentence") == 44
    assert sum(1 for b in serial["beads"] if b[2] == "clause") > 44
    assert dump(tmp_path / "cluster.db") == serial


@pytest.fixture
def dask_processes(tmp_path: Path) -> Iterator[tuple[str, list[subprocess.Popen[bytes]]]]:
    """`dask scheduler` and two `dask worker` processes (no nanny: a killed worker stays dead)."""
    with daskprocs.dask_processes(2, tmp_path, STARTUP) as running:
        yield running


def test_real_dask_processes_and_a_worker_killed_mid_batch(
    archive: Path, serial, tmp_path: Path, dask_processes
) -> None:
    from tui.common import default_user
    from tui.core.archive import Options, align_archive, import_archive, read_folder, suggest_archive
    from tui.core.batch import Tick, pool
    from tui.core.project import Project

    address, workers = dask_processes
    killed: list[int] = []

    def kill_one(tick: Tick) -> None:
        if not killed:  # after the first document is stored, the others are on the workers
            os.kill(workers[0].pid, signal.SIGKILL)
            killed.append(workers[0].pid)

    db = tmp_path / "dask.db"
    started = time.perf_counter()
    with Project.open(db, user=default_user()) as project, pool(scheduler=address) as where:
        imported, _ = import_archive(project, read_folder(archive), where, Options(), on_tick=kill_one)
        assert imported.failed == [] and len(imported.stored) == 4
        assert workers[0].wait(timeout=10) == -signal.SIGKILL
        from alignment.store import list_pairs

        pairs = list_pairs(project.db)
        assert suggest_archive(project, pairs, where).failed == []
        assert align_archive(project, pairs, where).failed == []
        assert align_archive(project, pairs, where, level="clause").failed == []
    assert time.perf_counter() - started < 600
    assert dump(db) == serial
