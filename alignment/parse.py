"""GiNZA parses of Japanese sentences (tokens, entities, bunsetsu, clauses), cached in the project file.

spaCy and GiNZA load lazily, on the first parse. Each text is parsed as one sentence (GiNZA's own
sentencizer is disabled, so it cannot cut list items); texts beyond SudachiPy's input limit are parsed in
chunks and stitched together. Results are cached in the `parses` table under a hash of model and text, so
unchanged text is never parsed twice, across commands and across helpers (import, glossary suggestions).
"""

from __future__ import annotations

import functools
import hashlib
import json
import sqlite3
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from alignment.project import ProjectError, write
from alignment.segment import clauses_from_tokens, split_long_clauses

if TYPE_CHECKING:
    from sqlite_utils import Database

MODEL_NAME = "ja_ginza-5.3.0"
MODEL_PACKAGE = "ja_ginza"
PARSE_FORMAT = "4"
"""Bump when the cached record changes meaning (e.g. how clauses are turned into ranges)."""

SUDACHI_MAX_BYTES = 49_149
CHUNK_BYTES = 40_000
"""Chunks stay well under SudachiPy's limit, leaving room for its own normalisation."""
CHUNK_CHARS = 400
"""Longer texts are parsed in pieces too: GiNZA's clause finding grows faster than linearly with sentence length
(a 2,000-character run-on takes minutes), and real sentences are shorter."""
BATCH_SIZE = 16
"""Small spaCy batches: memory stays low on long documents and speed does not suffer."""
_LOOKUP_BATCH = 500


@dataclass(frozen=True, slots=True)
class Token:
    start: int
    end: int
    text: str
    lemma: str
    pos: str
    tag: str


@dataclass(frozen=True, slots=True)
class Entity:
    start: int
    end: int
    label: str
    """GiNZA's own label (its extended named-entity set, e.g. `Country`, `Military`)."""


@dataclass(frozen=True, slots=True)
class Parse:
    """One text's parse; every offset is relative to that text (half-open code points)."""

    tokens: tuple[Token, ...]
    ents: tuple[Entity, ...]
    bunsetsu: tuple[tuple[int, int], ...]
    clauses: tuple[tuple[int, int], ...]
    """Contiguous ranges that tile the text exactly (empty only for an empty text)."""


def _blank(text: str) -> Parse:
    return Parse((), (), (), ((0, len(text)),) if text else ())


# --- the model ------------------------------------------------------------------------------------------


@functools.lru_cache(maxsize=1)
def load_nlp() -> Any:
    """The GiNZA pipeline with its sentencizer disabled (each input is one sentence), loaded once."""
    try:
        import ginza  # type: ignore[import-untyped]  # noqa: F401  (untyped; registers GiNZA's components)
        import spacy  # noqa: TID251  (lazy: only parsing needs it)
    except ImportError as exc:
        raise ProjectError(
            f"GiNZA is not installed ({exc.name}); run `pip install ja-ginza==5.3.0`"
        ) from None
    try:
        nlp = spacy.load(MODEL_PACKAGE)
    except OSError:
        raise ProjectError(
            f"the GiNZA model {MODEL_PACKAGE} is not installed; run `pip install ja-ginza==5.3.0`"
        ) from None
    nlp.add_pipe("disable_sentencizer", before="parser")
    return nlp


def splits_word(left: str, right: str) -> bool:
    """Does joining `left` and `right` put a word across the junction? (SudachiPy, as GiNZA tokenizes.)

    Used by PDF repair: `制` + `度的枠組み` is a wrapped line, `…に注力` + `これまで…` is not.
    """
    if not left or not right:
        return False
    sudachi = load_nlp().tokenizer.tokenizer
    junction = len(left)
    return any(m.begin() < junction < m.end() for m in sudachi.tokenize(left + right))


# --- parsing ----------------------------------------------------------------------------------------------


def cache_key(text: str) -> str:
    return hashlib.sha256(f"{MODEL_NAME}\0{PARSE_FORMAT}\0{text}".encode()).hexdigest()


def chunks(text: str, limit: int = CHUNK_BYTES, max_chars: int | None = None) -> list[tuple[int, str]]:
    """(offset, chunk) pieces of `text` within `limit` UTF-8 bytes and `max_chars` characters.

    Cut after punctuation or a space where one falls in the second half of a piece.
    """
    max_chars = max_chars or CHUNK_CHARS
    if len(text) <= max_chars and len(text.encode()) <= limit:
        return [(0, text)]
    out: list[tuple[int, str]] = []
    pos = 0
    while pos < len(text):
        size, end = 0, pos
        while end < len(text) and end - pos < max_chars and size + len(text[end].encode()) <= limit:
            size += len(text[end].encode())
            end += 1
        if end < len(text):
            window = text[pos:end]
            cut = max(window.rfind(p) for p in "。、，,.;； \u3000\t")
            if cut > len(window) // 2:
                end = pos + cut + 1
        out.append((pos, text[pos:end]))
        pos = end
    return out


def _from_doc(doc: Any, text: str, offset: int) -> Parse:
    import ginza

    tokens = tuple(
        Token(t.idx + offset, t.idx + len(t.text) + offset, t.text, t.lemma_, t.pos_, t.tag_) for t in doc
    )
    ents = tuple(Entity(e.start_char + offset, e.end_char + offset, e.label_) for e in doc.ents)
    clause_tokens = [[(t.idx, t.idx + len(t.text)) for t in clause] for clause in ginza.clauses(doc)]
    local_bunsetsu = [(s.start_char, s.end_char) for s in ginza.bunsetu_spans(doc[:])]
    ranges = split_long_clauses(text, clauses_from_tokens(text, clause_tokens), local_bunsetsu)
    clauses = tuple((a + offset, b + offset) for a, b in ranges)
    bunsetsu = tuple((a + offset, b + offset) for a, b in local_bunsetsu)
    return Parse(tokens, ents, bunsetsu, clauses)


def _merge(parts: Sequence[Parse]) -> Parse:
    if len(parts) == 1:
        return parts[0]
    return Parse(
        tokens=tuple(t for p in parts for t in p.tokens),
        ents=tuple(e for p in parts for e in p.ents),
        bunsetsu=tuple(b for p in parts for b in p.bunsetsu),
        clauses=tuple(c for p in parts for c in p.clauses),
    )


def _parse_uncached(texts: Sequence[str]) -> Iterator[tuple[str, Parse]]:
    """Parse texts in small batches, yielding each text's parse as soon as all its chunks are done."""
    pieces = [(i, offset, chunk) for i, text in enumerate(texts) for offset, chunk in chunks(text)]
    if not pieces:
        return
    nlp = load_nlp()
    pending: list[Parse] = []
    docs = nlp.pipe((chunk for _, _, chunk in pieces), batch_size=BATCH_SIZE)
    for k, ((i, offset, chunk), doc) in enumerate(zip(pieces, docs, strict=True)):
        pending.append(_from_doc(doc, chunk, offset))
        if k + 1 == len(pieces) or pieces[k + 1][0] != i:
            yield texts[i], _merge(pending)
            pending = []


# --- the cache --------------------------------------------------------------------------------------------


def _encode(parse: Parse) -> str:
    return json.dumps(
        {
            "t": [[t.start, t.end, t.lemma, t.pos, t.tag] for t in parse.tokens],
            "e": [[e.start, e.end, e.label] for e in parse.ents],
            "b": [list(b) for b in parse.bunsetsu],
            "c": [list(c) for c in parse.clauses],
        },
        ensure_ascii=False,
        separators=(",", ":"),
    )


def _decode(text: str, data: str) -> Parse:
    d = json.loads(data)
    return Parse(
        tokens=tuple(Token(s, e, text[s:e], lemma, pos, tag) for s, e, lemma, pos, tag in d["t"]),
        ents=tuple(Entity(s, e, label) for s, e, label in d["e"]),
        bunsetsu=tuple((s, e) for s, e in d["b"]),
        clauses=tuple((s, e) for s, e in d["c"]),
    )


def cached_parses(db: Database, texts: Sequence[str]) -> dict[str, Parse]:
    """The cached parses of those `texts` that have one."""
    return decode_parses(cached_parse_data(db, texts))


def cached_parse_data(db: Database, texts: Sequence[str]) -> dict[str, str]:
    """The cached parses of those `texts` that have one, still encoded: a batch sends them so, and its
    workers decode them (`decode_parses`), which leaves the one writing process less to do."""
    keys = {cache_key(t): t for t in texts}
    found: dict[str, str] = {}
    key_list = list(keys)
    for i in range(0, len(key_list), _LOOKUP_BATCH):
        batch = key_list[i : i + _LOOKUP_BATCH]
        marks = ",".join("?" * len(batch))
        for row in db.execute(f"SELECT key, data FROM parses WHERE key IN ({marks})", batch).fetchall():
            found[keys[row[0]]] = row[1]
    return found


def decode_parses(data: Mapping[str, str]) -> dict[str, Parse]:
    return {text: _decode(text, encoded) for text, encoded in data.items()}


def _store(db: Database, items: Sequence[tuple[str, Parse]]) -> None:
    if not items:
        return
    try:
        with write(db):
            db.conn.executemany(
                "INSERT OR REPLACE INTO parses (key, model, data) VALUES (?, ?, ?)",
                [(cache_key(text), MODEL_NAME, _encode(p)) for text, p in items],
            )
    except sqlite3.OperationalError as exc:  # a read-only project still gets its parses, just uncached
        if "readonly" not in str(exc):
            raise


def store_parses(db: Database, items: Sequence[tuple[str, Parse]]) -> None:
    """Add parses made elsewhere (a batch worker) to the cache, as parse_texts stores its own."""
    _store(db, items)


def parse_texts(
    db: Database | None,
    texts: Sequence[str],
    *,
    on_progress: Callable[[int], None] | None = None,
) -> list[Parse]:
    """One Parse per input text (a Japanese sentence), offsets relative to that text.

    Served from the project's cache when present; new parses are added to it. Repeated texts are
    parsed once.

    Args:
        on_progress: called with the number of input texts just finished (for a progress bar).
    """
    report = on_progress or (lambda n: None)
    counts: dict[str, int] = {}
    for t in texts:
        counts[t] = counts.get(t, 0) + 1
    results: dict[str, Parse] = {t: _blank(t) for t in counts if not t.strip()}
    if db is not None:
        results.update(cached_parses(db, [t for t in counts if t not in results]))
    if results:
        report(sum(counts[t] for t in results))
    todo = [t for t in counts if t not in results]
    fresh: list[tuple[str, Parse]] = []
    for text, parse in _parse_uncached(todo):
        results[text] = parse
        fresh.append((text, parse))
        if db is not None and len(fresh) >= 200:
            _store(db, fresh)
            fresh = []
        report(counts[text])
    if db is not None:
        _store(db, fresh)
    return [results[t] for t in texts]
