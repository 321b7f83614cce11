"""Suggestions for one pair as a pure function a batch worker runs (see alignment.batch for the others).

The calling process reads the pair's documents, sentence segments and whatever parses the project has
cached (import cached every Japanese sentence's parse), and sends them with the glossary matcher; the worker
parses what the cache lacked and runs the acronym rules, the glossary and GiNZA's entities. The result is
what `glossary.suggest.analyse_pair` gives for the same pair, ready for `tui.core.spans.store_suggestions`.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import TYPE_CHECKING

from alignment.batch import Work, work_since
from alignment.model import Document, Pair, Segment
from glossary.match import Matcher
from glossary.suggest import AnalysisInput, DocumentAnalysis, analyse_documents, doc_tokens

if TYPE_CHECKING:
    from sqlite_utils import Database

    from alignment.parse import Parse


@dataclass(frozen=True, slots=True)
class SuggestJob:
    pair: Pair
    documents: tuple[tuple[Document, tuple[Segment, ...]], ...]
    """Each document of the pair with its sentence segments (Japanese first, as analyse_pair reads them)."""
    cached: dict[str, str]
    """Parses the project already holds, by sentence text, encoded (the worker decodes them)."""
    matcher: Matcher | None

    @property
    def name(self) -> str:
        return self.pair.name

    @property
    def chars(self) -> int:
        return sum(len(doc.text) for doc, _ in self.documents)


@dataclass(frozen=True, slots=True)
class Suggested:
    analyses: tuple[DocumentAnalysis, ...]
    parses: tuple[tuple[str, Parse], ...]
    """Parses the worker had to make (the project's cache lacked them)."""
    work: Work


def read_suggest_job(db: Database, pair: Pair, matcher: Matcher | None) -> SuggestJob:
    """What a worker needs to suggest spans for `pair`, read from the project (nothing is written)."""
    from alignment.parse import cached_parse_data
    from alignment.store import get_document, get_segments

    documents = []
    for lang in ("ja", "en"):
        doc = get_document(db, pair.id, lang)
        if doc is not None and doc.id is not None:
            documents.append((doc, tuple(get_segments(db, doc.id))))
    ja_texts = [s.text for doc, segs in documents if doc.lang == "ja" for s in segs]
    return SuggestJob(pair, tuple(documents), cached_parse_data(db, ja_texts), matcher)


def suggest_document(job: SuggestJob) -> Suggested:
    """Propose spans for one pair from its texts and parses (no project involved)."""
    from alignment.parse import decode_parses, parse_texts

    started = time.perf_counter()
    cached = decode_parses(job.cached)
    fresh: list[tuple[str, Parse]] = []
    docs: list[AnalysisInput] = []
    for doc, segments in job.documents:
        if doc.lang == "ja" and segments:
            texts = [s.text for s in segments]
            missing = list(dict.fromkeys(t for t in texts if t not in cached))
            made = dict(zip(missing, parse_texts(None, missing), strict=True))
            fresh.extend(made.items())
            parses = [cached[t] if t in cached else made[t] for t in texts]
            tokens, ents = doc_tokens(segments, parses)
            docs.append((doc, segments, tokens, ents))
        else:
            docs.append((doc, segments, [], []))
    analyses = analyse_documents(docs, job.matcher)
    return Suggested(tuple(analyses), tuple(fresh), work_since(started))
