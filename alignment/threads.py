"""How many BLAS threads the heavy work uses.

GiNZA's parser multiplies small matrices, where OpenBLAS's thread pool costs more than it gives: a process
whose OpenBLAS starts single-threaded parses about 20 % faster on 2 cores (seed 004: 3.7 s against 4.5 s),
and limiting the threads later does not win it back, so it is set before numpy loads. The sentence encoder
multiplies larger matrices and is 25 % faster on two threads, which it takes only while it encodes
(threadpoolctl, through the encoder's `threads`). A batch's worker processes already share the cores, so each
of them encodes on one thread.
"""

from __future__ import annotations

import os
import sys

BLAS_VARS = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")
ENCODER_ENV = "TAIYAKU_ENCODER_THREADS"
WORKER_ENV = {**dict.fromkeys(BLAS_VARS, "1"), ENCODER_ENV: "1"}
"""A worker process's environment: set by the local pool's workers themselves, given to `dask worker`."""


def cores() -> int:
    return max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1)


def single_threaded_blas() -> None:
    """Start BLAS single-threaded in this process (a no-op once numpy is loaded; a user's setting wins)."""
    for var in BLAS_VARS:
        os.environ.setdefault(var, "1")


def encoder_threads() -> int:
    """Threads the encoder uses while it encodes: TAIYAKU_ENCODER_THREADS, else every core."""
    chosen = os.environ.get(ENCODER_ENV, "")
    return max(1, int(chosen)) if chosen.isdecimal() else cores()


def worker_start() -> None:
    """Run first in each batch worker process: one BLAS thread for everything, the encoder's included."""
    for var, value in WORKER_ENV.items():
        os.environ.setdefault(var, value)
    if "numpy" in sys.modules:  # loaded already (by the caller's main module, re-imported): limit it now
        from threadpoolctl import threadpool_limits  # type: ignore[import-untyped]  # no type information

        threadpool_limits(1, user_api="blas")
