"""Prodigy JSONL export of spans: one task per segment, NER spans that never overlap (the rest reported),
answered "accept" only when the task is the segment's whole decided annotation."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, TextIO

from glossary.docbin import (
    DEFAULT_STATUSES,
    ExportReport,
    Problem,
    Tokenizer,
    load_tokenizers,
    pick_ents,
    reviewed,
    span_key,
    span_problem,
    span_range,
    span_status,
    tokenized,
)


def prodigy_task(
    doc: Any,
    record: Mapping[str, Any],
    fitted: Sequence[Any],
    extra: Mapping[tuple[int, int, str], Mapping[str, Any]],
) -> dict[str, Any]:
    """A Prodigy task: text, tokens, spans with token_start/token_end (Prodigy's token_end is inclusive),
    our provenance in meta and in each span.

    Only a complete task (see `complete`) is answered "accept": Prodigy trains on an accepted manual NER task
    as the whole truth, every unmarked token outside. Others go out unanswered, pre-annotated input for
    `ner.manual`, so they never teach that what nobody checked (or what was filtered out) is not an entity.
    """
    spans = []
    for sp in sorted(fitted, key=lambda s: (s.start_char, s.end_char)):
        original = extra[(sp.start_char, sp.end_char, sp.label_)]
        spans.append(
            {
                "start": sp.start_char,
                "end": sp.end_char,
                "token_start": sp.start,
                "token_end": sp.end - 1,
                "label": sp.label_,
                "text": sp.text,
                "source": original.get("source"),
                "status": original.get("status"),
                "entry_id": original.get("entry_id"),
            }
        )
    return {
        "text": doc.text,
        "tokens": [
            {"text": t.text, "start": t.idx, "end": t.idx + len(t.text), "id": t.i, "ws": bool(t.whitespace_)}
            for t in doc
        ],
        "spans": spans,
        "meta": {
            "pair": record.get("pair"),
            "lang": record["lang"],
            "segment_index": record["segment_index"],
        },
        **({"answer": "accept"} if complete(record, spans) else {}),
    }


def complete(record: Mapping[str, Any], exported: Sequence[Mapping[str, Any]]) -> bool:
    """Is the task the segment's whole annotation? Reviewed, and its spans exactly the accepted ones: a
    --status filter that leaves out accepted spans, or puts rejected ones in, makes a partial task."""
    accepted = {span_range(record, s) for s in record.get("spans", []) if span_status(s) == "accepted"}
    return reviewed(record) and {(int(s["start"]), int(s["end"])) for s in exported} == accepted


def write_prodigy(
    records: Iterable[Mapping[str, Any]],
    out: TextIO,
    *,
    tokenizers: Mapping[str, Tokenizer] | None = None,
    statuses: Sequence[str] = DEFAULT_STATUSES,
) -> ExportReport:
    """One Prodigy task per segment, streamed to `out` as JSON lines."""
    records = list(records)
    langs = sorted({str(r["lang"]) for r in records})
    tokenizers = tokenizers or load_tokenizers(langs)
    docs: dict[str, int] = {}
    misfits: list[Problem] = []
    overlaps: list[Problem] = []
    count = 0
    for record in records:
        lang, doc, spans, fitted = tokenized(record, tokenizers, statuses, misfits)
        extra = {span_key(record, s): s for s in spans}
        # Prodigy's NER format has no overlapping spans: the entities DocBin would pick, the rest reported
        ents, left = pick_ents(fitted)
        overlaps += [
            span_problem(
                record,
                extra[(sp.start_char, sp.end_char, sp.label_)],
                "overlaps a longer span; left out of the NER task",
            )
            for sp in left
        ]
        out.write(json.dumps(prodigy_task(doc, record, ents, extra), ensure_ascii=False) + "\n")
        docs[lang] = docs.get(lang, 0) + 1
        count += len(ents)
    return ExportReport(docs=docs, spans=count, misfits=tuple(misfits), overlaps=tuple(overlaps))
