"""Running a batch: heavy work on every core (or on a Dask cluster), one writer, one transaction per document.

Workers run pure functions (alignment.batch, glossary.batch) on plain data and send results back; only this
process writes the project. Results are written in the batch's order (a result that arrives early waits
for the ones before it), so a parallel run writes exactly what a serial run writes, row for row. A document
is acknowledged once its transaction has committed: a crash or a lost worker loses nothing acknowledged, and
a re-run skips what is stored. A document that fails, or whose worker keeps dying, is reported by name at
the end; the others are stored.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Executor, Future, wait
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, Generic, Protocol, TypeVar

from alignment.batch import Work
from alignment.project import ProjectError
from alignment.threads import cores, worker_start

J = TypeVar("J", bound="Job")
R = TypeVar("R", bound="Result")
S = TypeVar("S")

CLUSTER_HINT = "--scheduler needs Dask distributed: pip install 'taiyaku[cluster]'"
HELD_CHARS = 400_000
"""Characters of results held here, done but waiting for an earlier document to be written, past which only
that document is sent. Results are written in order, so behind a long document the others wait; holding them
(and sending more) keeps every worker busy meanwhile, up to about 100 MB of results."""
LOOKAHEAD = 64
"""Documents ahead in the batch's order among which the largest is sent first (at least twice the window):
a short batch goes longest first, a long archive stays close to its order, so results rarely wait long."""
MAX_ATTEMPTS = 3
"""A document whose worker died this many times is reported, not tried again (it may be what kills it)."""
CONNECT_TIMEOUT = 10


class Job(Protocol):
    @property
    def name(self) -> str: ...

    @property
    def chars(self) -> int: ...


class Result(Protocol):
    @property
    def work(self) -> Work: ...


@dataclass(frozen=True, slots=True)
class Failure:
    name: str
    reason: str


@dataclass(frozen=True, slots=True)
class Tick:
    """Where a batch is: documents and characters done (stored or failed) of the total, and since when."""

    done: int
    total: int
    chars: int
    seconds: float
    name: str
    """The document just written; with `waiting`, the one the results done since wait for."""
    waiting: int = 0
    """Documents computed but waiting for an earlier one (`name`) to be written."""


@dataclass(slots=True)
class Outcome(Generic[S]):
    """What a batch stored (in the batch's order), what failed, and what the workers spent."""

    stored: list[S] = field(default_factory=list)
    failed: list[Failure] = field(default_factory=list)
    work: list[Work] = field(default_factory=list)
    seconds: float = 0.0
    writing: float = 0.0
    """Seconds spent storing results here (the single writer: the part that more workers do not shorten)."""
    workers: str = "this process"


class _Serial(Executor):
    """Runs each job in this process when it is submitted (one worker, or one document)."""

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future[Any]:
        future: Future[Any] = Future()
        try:
            future.set_result(fn(*args, **kwargs))
        except Exception as exc:  # reported by name, like a worker's failure
            future.set_exception(exc)
        return future


class _Dask(Executor):
    """Jobs on a Dask cluster. Each result is fetched as soon as it is ready and then released on the
    cluster, so workers do not keep a whole archive's results in memory until the batch ends."""

    def __init__(self, client: Any) -> None:
        self.client = client
        self.live: set[Any] = set()

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future[Any]:
        out: Future[Any] = Future()
        task = self.client.submit(fn, *args, pure=False, **kwargs)
        self.live.add(task)

        def done(task: Any) -> None:  # runs in a thread of the client's, so it may wait for the result
            try:
                out.set_result(task.result())
            except BaseException as exc:  # a KilledWorker or the job's own error, reported by name
                out.set_exception(exc)
            finally:
                self.live.discard(task)
                task.release()

        task.add_done_callback(done)
        return out

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        if cancel_futures and self.live:
            self.client.cancel(list(self.live))


@dataclass(slots=True)
class Pool:
    """Where jobs run: this process, local worker processes, or a Dask cluster."""

    workers: int
    scheduler: str | None = None
    executor: Executor | None = None
    client: Any = None
    description: str = "this process"

    def start(self, jobs: int) -> Executor:
        if self.executor is not None:
            return self.executor
        if self.scheduler is not None:
            self.executor = self._dask()
        elif min(self.workers, jobs) > 1:
            import multiprocessing
            from concurrent.futures import ProcessPoolExecutor

            n = min(self.workers, jobs)
            # spawn, not fork: the parent may hold SQLite connections and BLAS threads. Each worker starts
            # with one BLAS thread: n workers on n cores, not n × cores threads fighting for them (the
            # vectors do not depend on the thread count).
            self.executor = ProcessPoolExecutor(
                n, mp_context=multiprocessing.get_context("spawn"), initializer=worker_start
            )
            self.description = f"{n} local worker processes"
        else:
            self.executor = _Serial()
        return self.executor

    def _dask(self) -> Executor:
        try:
            from distributed import Client
        except ImportError:
            raise ProjectError(CLUSTER_HINT) from None
        try:
            # distributed.Client has no type annotations
            self.client = Client(  # type: ignore[no-untyped-call]
                self.scheduler, timeout=CONNECT_TIMEOUT, set_as_default=False
            )
        except OSError as exc:
            raise ProjectError(f"cannot reach the Dask scheduler at {self.scheduler}: {exc}") from None
        threads = sum(self.client.nthreads().values())
        self.workers = max(1, threads)
        self.description = f"Dask cluster at {self.scheduler} ({threads} worker threads)"
        return _Dask(self.client)

    @property
    def window(self) -> int:
        """Documents sent at once (running, or queued for a worker that is about to be free)."""
        return max(2, 2 * self.workers)

    def restart(self) -> None:
        """After a local worker died, the pool is broken: start a new one for what is left."""
        if self.executor is not None and self.client is None:
            self.executor.shutdown(wait=False, cancel_futures=True)
            self.executor = None

    def close(self) -> None:
        if self.executor is not None:
            self.executor.shutdown(wait=True, cancel_futures=True)
            self.executor = None
        if self.client is not None:
            self.client.close()
            self.client = None


@contextmanager
def pool(workers: int | None = None, scheduler: str | None = None) -> Iterator[Pool]:
    p = Pool(workers or cores(), scheduler)
    try:
        if scheduler is not None:
            p.start(2)  # connect now: a wrong address is one line before any work starts
        yield p
    finally:
        p.close()


def _reason(exc: BaseException) -> str:
    if isinstance(exc, ProjectError):
        return str(exc)
    if type(exc).__name__ == "KilledWorker":
        return "its worker died (tried on others too)"
    return f"{type(exc).__name__}: {exc}"


def run(
    where: Pool,
    jobs: Sequence[Callable[[], J]],
    names: Sequence[str],
    compute: Callable[[J], R],
    store: Callable[[J, R], S],
    *,
    sizes: Sequence[int] | None = None,
    on_tick: Callable[[Tick], None] | None = None,
) -> Outcome[S]:
    """Compute every job on `where` and store each result here, in order, one call of `store` per job.

    `jobs` are made lazily (reading a document's files, say) when their turn to be sent comes; making one
    can fail like computing it. `store` runs in this process and writes one transaction. With `sizes` (say,
    in characters) and workers, the largest of the next jobs (LOOKAHEAD, or twice the window) is sent first:
    a long document started last keeps one worker busy while the others have nothing left to do.
    """
    started = time.perf_counter()
    out: Outcome[S] = Outcome()
    n = len(jobs)
    made: dict[int, J] = {}
    pending: dict[Future[R], int] = {}
    ready: dict[int, R | BaseException] = {}
    attempts = [0] * n
    # Documents that were in a pool when a worker died: any of them may have killed it, so each runs alone
    # from then on, and only a death alone counts against it (a bystander is never blamed for another).
    alone: set[int] = set()

    queue = list(range(n))  # not sent yet, in the batch's order
    lookahead = max(LOOKAHEAD, 2 * where.window)
    written = chars = told = 0
    executor = where.start(n) if n else None
    # in this process, out of order only delays the writes (and a Ctrl-C then loses more)
    by_size = sizes if not isinstance(executor, _Serial) else None

    def send(k: int) -> None:
        nonlocal executor
        try:
            job = made[k] if k in made else made.setdefault(k, jobs[k]())
        except Exception as exc:
            ready[k] = exc
            return
        attempts[k] += 1
        assert executor is not None
        try:
            future = executor.submit(compute, job)
        except BrokenProcessPool as exc:  # a worker died since the last wait: the restart below handles it
            future = Future()
            future.set_exception(exc)
        pending[future] = k

    def held() -> int:
        return sum(made[k].chars for k in ready if k in made)

    def next_job() -> int | None:
        """The largest of the next documents, so that no long one is left for the end while the other workers
        have nothing to do; over the budget of results held, only the one the writer waits for."""
        if not queue or len(pending) >= where.window:
            return None
        if ready and held() >= HELD_CHARS:
            return queue[0] if queue[0] == written else None
        if by_size is None:
            return queue[0]
        return max(queue[:lookahead], key=lambda k: (by_size[k], -k))

    while written < n:
        before = written
        while (k := next_job()) is not None:
            if any(j in alone for j in pending.values()) or (k in alone and pending):
                break
            queue.remove(k)
            send(k)
        if pending and written not in ready:
            done, _ = wait(list(pending), return_when=FIRST_COMPLETED)
            broken: list[int] = []
            for future in done:
                k = pending.pop(future)
                exc = future.exception()
                if isinstance(exc, BrokenProcessPool):
                    broken.append(k)
                else:
                    ready[k] = exc if exc is not None else future.result()
            if broken:
                # A local worker died: every document then in the pool is sent again to a new pool,
                # up to MAX_ATTEMPTS times (the one that kills its worker ends up reported).
                broken.extend(pending.pop(f) for f in list(pending))
                where.restart()
                executor = where.start(n)
                for k in sorted(broken):
                    if len(broken) > 1 and k not in alone:
                        attempts[k] -= 1  # not known to be its fault: it runs alone next
                        alone.add(k)
                    if attempts[k] >= MAX_ATTEMPTS:
                        ready[k] = ProjectError(f"its worker process died {attempts[k]} times")
                    else:
                        queue.append(k)
                queue.sort()
        while written in ready:
            k = written
            result = ready.pop(k)
            job = made.pop(k, None)
            if isinstance(result, BaseException) or job is None:
                reason = _reason(result) if isinstance(result, BaseException) else "not read"
                out.failed.append(Failure(names[k], reason))
            else:
                writing = time.perf_counter()
                try:
                    out.stored.append(store(job, result))
                    out.work.append(result.work)
                    chars += job.chars
                except Exception as exc:  # its transaction rolled back; the others go on
                    out.failed.append(Failure(names[k], _reason(exc)))
                out.writing += time.perf_counter() - writing
            written += 1
            if on_tick is not None:
                on_tick(Tick(written, n, chars, time.perf_counter() - started, names[k]))
        if (
            on_tick is not None and ready and (len(ready) > told or written > before)
        ):  # or the bar looks stuck
            on_tick(Tick(written, n, chars, time.perf_counter() - started, names[written], len(ready)))
        told = len(ready)
    out.seconds = time.perf_counter() - started
    out.workers = where.description
    return out
