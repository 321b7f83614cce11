"""Spans as JSON records: one object per sentence segment, offsets relative to the segment text."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Any

from alignment.model import Pair
from alignment.store import get_document, get_segments
from glossary.spans import SegmentIndex, Span, SpanStatus, list_spans

if TYPE_CHECKING:
    from sqlite_utils import Database


def export_records(
    db: Database, pair: Pair, *, statuses: Sequence[SpanStatus] = ()
) -> Iterator[dict[str, Any]]:
    """One JSON-ready object per sentence segment, spans with offsets relative to the segment text.

    `{"pair", "lang", "segment_index", "text", "spans": [{"start", "end", "label", "text", "source",
    "status", "entry_id"}]}`; a span belongs to the segment holding its start. Segments without spans are
    included (with an empty list), so the export is the whole corpus.
    """
    for lang in ("ja", "en"):
        doc = get_document(db, pair.id, lang)
        if doc is None or doc.id is None:
            continue
        segments = get_segments(db, doc.id)
        locate = SegmentIndex(segments)
        by_segment: dict[int, list[Span]] = {}
        for span in list_spans(db, pair, lang=lang, statuses=statuses):
            idx = locate.of(span.start)
            if idx is not None:
                by_segment.setdefault(idx, []).append(span)
        for seg in segments:
            yield {
                "pair": pair.name,
                "lang": lang,
                "segment_index": seg.index,
                "text": seg.text,
                "spans": [
                    {
                        "start": s.start - seg.start,
                        "end": s.end - seg.start,
                        "label": s.label,
                        "text": s.text,
                        "source": s.source,
                        "status": s.status,
                        "entry_id": s.entry_id,
                    }
                    for s in by_segment.get(seg.index, [])
                ],
            }


def span_to_dict(span: Span, pair: str) -> dict[str, Any]:
    return {
        "id": span.id,
        "pair": pair,
        "lang": span.lang,
        "segment_index": span.segment,
        "start": span.start,
        "end": span.end,
        "text": span.text,
        "label": span.label,
        "source": span.source,
        "status": span.status,
        "entry_id": span.entry_id,
        "hint": span.hint,
        "created_by": span.created_by,
        "created_at": span.created_at,
        "updated_by": span.updated_by,
        "updated_at": span.updated_at,
    }
