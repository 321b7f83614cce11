"""A real `dask scheduler` and `dask worker` processes on 127.0.0.1, for the batch tests and bench/batch.py."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def dask_processes(
    n: int, cwd: Path, startup: float = 90
) -> Iterator[tuple[str, list[subprocess.Popen[bytes]]]]:
    """The scheduler's address and n single-threaded workers (no nanny: a killed worker stays dead), all
    stopped on the way out; the processes log to `cwd/dask.log`."""
    from distributed import Client

    from alignment.threads import WORKER_ENV

    port = free_port()
    address = f"tcp://127.0.0.1:{port}"
    log = (cwd / "dask.log").open("wb")
    py = [sys.executable, "-m"]
    procs = [
        subprocess.Popen(
            [*py, "distributed.cli.dask_scheduler", "--host", "127.0.0.1", "--port", str(port),
             "--dashboard-address", ":0", "--no-show"],
            stdout=log, stderr=subprocess.STDOUT, cwd=cwd,
        )
    ]  # fmt: skip
    try:
        for _ in range(n):
            procs.append(
                subprocess.Popen(
                    [*py, "distributed.cli.dask_worker", address, "--nthreads", "1", "--no-nanny",
                     "--host", "127.0.0.1", "--no-dashboard", "--death-timeout", str(startup)],
                    stdout=log, stderr=subprocess.STDOUT, cwd=cwd, env={**os.environ, **WORKER_ENV},
                )
            )  # fmt: skip
        with Client(address, timeout=startup) as client:
            client.wait_for_workers(n, timeout=startup)
        yield address, procs[1:]
    finally:
        for proc in reversed(procs):
            if proc.poll() is None:
                proc.terminate()
        for proc in procs:
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout=20)
        log.close()
