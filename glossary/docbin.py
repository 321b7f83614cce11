"""Spans as NLP training data: spaCy DocBin files (one per language) and Prodigy-style JSONL.

Each sentence segment becomes one Doc, tokenised as the target pipeline tokenises (GiNZA's ja_ginza for
Japanese, spaCy's blank English otherwise). A span must start and end on token boundaries; one that does
not is reported and left out, never moved to the nearest boundary, because a shifted entity is a wrong
training example. Input records have the shape of `spans export --format jsonl` (offsets relative to the
segment text).

In the DocBin every token says what is known about it, because a model learns from `O` that something is
not an entity: the chosen spans are entities (B/I); a token is outside (O) only when a person said so, by
rejecting a span on it or by reviewing its whole segment (the segment has spans and none is still a
suggestion); everything else is missing (spaCy's "", no loss either way): the tokens of suggestions not
chosen, of chosen spans that could not be entities (off token boundaries, or overlapping an entity), and
every other token of a segment not yet reviewed. A segment with no entity and no O teaches nothing and is
left out.
"""

from __future__ import annotations

import dataclasses
import functools
import os
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from alignment.project import ProjectError, atomic_write_files

SPAN_KEY = "sc"
"""doc.spans key for every exported span, nested and overlapping ones included (spaCy's spancat default)."""
DEFAULT_STATUSES = ("accepted",)
"""Training data holds decisions: suggestions are left out unless asked for."""

Tokenizer = Callable[[str], Any]
"""Text → spaCy Doc (tokens only), e.g. `nlp.make_doc`."""


@dataclass(frozen=True, slots=True)
class Problem:
    """A span that is not where the export put spans: outside the tokens, or only in doc.spans."""

    pair: str
    lang: str
    segment_index: int
    start: int
    end: int
    label: str
    text: str
    reason: str

    def line(self) -> str:
        return (
            f"{self.pair} {self.lang} segment {self.segment_index} [{self.start}:{self.end}] {self.label} "
            f"{self.text!r}: {self.reason}"
        )


@dataclass(frozen=True, slots=True)
class ExportReport:
    docs: dict[str, int] = field(default_factory=dict)
    """Docs (segments) written per language."""
    spans: int = 0
    """Spans written (on token boundaries)."""
    misfits: tuple[Problem, ...] = ()
    """Spans left out: their ends are not token boundaries."""
    overlaps: tuple[Problem, ...] = ()
    """Spans in doc.spans but not in doc.ents, which cannot overlap (DocBin only)."""
    skipped: int = 0
    """Segments left out of the DocBin: no entity and no token known to be outside."""
    files: dict[str, str] = field(default_factory=dict)


def load_tokenizers(langs: Iterable[str]) -> dict[str, Tokenizer]:
    """`make_doc` of ja_ginza for Japanese (loaded once per process) and of a blank English pipeline."""
    out: dict[str, Tokenizer] = {}
    for lang in set(langs):
        if lang == "ja":
            from alignment.parse import load_nlp

            out["ja"] = load_nlp().make_doc
        elif lang == "en":
            import spacy  # noqa: TID251  (lazy: only this export needs it)

            out["en"] = spacy.blank("en").make_doc
        else:
            raise ProjectError(f"no tokenizer for language {lang!r}")
    return out


def _write_bytes(tmp: Path, *, data: bytes) -> None:
    tmp.write_bytes(data)


def tokenized(
    record: Mapping[str, Any],
    tokenizers: Mapping[str, Callable[[str], Any]],
    statuses: Sequence[str],
    misfits: list[Problem],
) -> tuple[str, Any, list[Mapping[str, Any]], list[Any]]:
    """Tokenize a segment record and fit its included spans to tokens; misfits are collected, never shifted."""
    lang = str(record["lang"])
    doc = tokenizers[lang](str(record["text"]))
    spans = _included(record, statuses)
    fitted, problems = fit_spans(doc, record, spans)
    misfits.extend(problems)
    return lang, doc, spans, fitted


def span_status(span: Mapping[str, Any]) -> str:
    return str(span.get("status", "accepted"))


def _included(record: Mapping[str, Any], statuses: Sequence[str]) -> list[Mapping[str, Any]]:
    return [s for s in record.get("spans", []) if span_status(s) in statuses]


def _strict_span(doc: Any, start: int, end: int, label: str = "") -> Any:
    """The spaCy Span of exactly [start, end), or None when either end is not a token boundary."""
    return doc.char_span(start, end, label=label, alignment_mode="strict") if end <= len(doc.text) else None


def _misfit_reason(doc: Any, start: int, end: int) -> str:
    if end > len(doc.text):
        return f"runs past the end of its segment ({len(doc.text)} characters)"
    inside = [t for t in doc if t.idx < end and t.idx + len(t.text) > start]
    cut = [t for t in inside if t.idx < start or t.idx + len(t.text) > end]
    shown = ", ".join(f"{t.text!r} [{t.idx}:{t.idx + len(t.text)}]" for t in cut)
    return f"not on token boundaries (cuts token {shown})" if shown else "not on token boundaries"


def span_problem(record: Mapping[str, Any], span: Mapping[str, Any], reason: str) -> Problem:
    return Problem(
        pair=str(record.get("pair", "")),
        lang=str(record["lang"]),
        segment_index=int(record["segment_index"]),
        start=int(span["start"]),
        end=int(span["end"]),
        label=str(span["label"]),
        text=str(span["text"] if "text" in span else record["text"][span["start"] : span["end"]]),
        reason=reason,
    )


def span_range(record: Mapping[str, Any], span: Mapping[str, Any]) -> tuple[int, int]:
    """The span's [start, end) without whitespace at its edges (`ACSA\t` is the entity `ACSA`): tokenizers
    keep whitespace out of tokens, so an edge space would make a good span look off token boundaries."""
    start, end = int(span["start"]), int(span["end"])
    text = str(record.get("text", ""))
    while start < end and end <= len(text) and text[start].isspace():
        start += 1
    while end > start and end <= len(text) and text[end - 1].isspace():
        end -= 1
    return start, end


def span_key(record: Mapping[str, Any], span: Mapping[str, Any]) -> tuple[int, int, str]:
    return (*span_range(record, span), str(span["label"]))


def fit_spans(
    doc: Any, record: Mapping[str, Any], spans: Iterable[Mapping[str, Any]]
) -> tuple[list[Any], list[Problem]]:
    """spaCy Spans for the spans that sit on token boundaries (strict), and a Problem for each that does not."""
    fitted: list[Any] = []
    problems: list[Problem] = []
    for span in spans:
        start, end = span_range(record, span)
        sp = _strict_span(doc, start, end, str(span["label"]))
        if sp is None:
            problems.append(span_problem(record, span, _misfit_reason(doc, start, end)))
        else:
            fitted.append(sp)
    return fitted, problems


def pick_ents(spans: Sequence[Any]) -> tuple[list[Any], list[Any]]:
    """Non-overlapping entities, longest first (an organisation wins over the place nested in its name),
    then earliest; returns (entities, the spans left out of them)."""
    chosen: list[Any] = []
    left: list[Any] = []
    for sp in sorted(spans, key=lambda s: (-(s.end - s.start), s.start)):
        if any(sp.start < c.end and c.start < sp.end for c in chosen):
            left.append(sp)
        else:
            chosen.append(sp)
    return sorted(chosen, key=lambda s: s.start), sorted(left, key=lambda s: s.start)


MISSING, OUTSIDE = "", "O"
"""Token states besides entities, as spaCy's `Token.ent_iob_` shows them."""


def reviewed(record: Mapping[str, Any]) -> bool:
    """A person went through the segment: it has spans and none is still a suggestion."""
    spans = record.get("spans", [])
    return bool(spans) and all(span_status(s) != "suggested" for s in spans)


def _tokens_touched(doc: Any, start: int, end: int) -> range:
    """Indices of the tokens sharing a character with [start, end) (a span off token boundaries included)."""
    hit = [t.i for t in doc if t.idx < end and t.idx + len(t.text) > start]
    return range(hit[0], hit[-1] + 1) if hit else range(0)


def token_states(
    doc: Any,
    record: Mapping[str, Any],
    statuses: Sequence[str],
    ents: Sequence[Any],
    misfits: Sequence[Problem],
    left: Sequence[Any],
) -> list[str]:
    """OUTSIDE or MISSING for each token outside `ents` (entity tokens get MISSING here; set_ents overrides).

    Unknown beats outside (a pending suggestion over a rejected span stays open), and entities beat both.
    """
    states = [OUTSIDE if reviewed(record) else MISSING] * len(doc)
    others = [s for s in record.get("spans", []) if span_status(s) not in statuses]
    for span in others:
        # a rejected range off token boundaries says nothing about any whole token
        sp = _strict_span(doc, *span_range(record, span)) if span_status(span) == "rejected" else None
        for i in range(sp.start, sp.end) if sp is not None else ():
            states[i] = OUTSIDE
    # not chosen and not rejected (a suggestion, or accepted when only suggestions are exported): unknown
    unknown = [span_range(record, s) for s in others if span_status(s) != "rejected"]
    unknown += [(p.start, p.end) for p in misfits] + [(sp.start_char, sp.end_char) for sp in left]
    for start, end in unknown:
        for i in _tokens_touched(doc, start, end):
            states[i] = MISSING
    for ent in ents:
        for i in range(ent.start, ent.end):
            states[i] = MISSING
    return states


def _runs(doc: Any, states: Sequence[str], ents: Sequence[Any], state: str) -> list[Any]:
    """Maximal runs of tokens in `state`, outside every entity, as spaCy Spans."""
    in_ent = {i for ent in ents for i in range(ent.start, ent.end)}
    runs: list[Any] = []
    start = None
    for i in range(len(doc) + 1):
        inside = i < len(doc) and i not in in_ent and states[i] == state
        if inside and start is None:
            start = i
        elif not inside and start is not None:
            runs.append(doc[start:i])
            start = None
    return runs


def set_entity_states(doc: Any, ents: Sequence[Any], states: Sequence[str]) -> None:
    """doc.ents = ents, every other token explicitly OUTSIDE or MISSING as `states` says."""
    doc.set_ents(
        list(ents),
        outside=_runs(doc, states, ents, OUTSIDE),
        missing=_runs(doc, states, ents, MISSING),
        default="missing",
    )


def build_docs(
    records: Iterable[Mapping[str, Any]],
    tokenizers: Mapping[str, Tokenizer],
    *,
    statuses: Sequence[str] = DEFAULT_STATUSES,
) -> tuple[dict[str, list[Any]], ExportReport]:
    """A Doc per segment record that teaches something (an entity or a token known to be outside), grouped by
    language, with doc.spans[SPAN_KEY], doc.ents, the other tokens outside or missing, and user_data."""
    docs: dict[str, list[Any]] = {}
    misfits: list[Problem] = []
    overlaps: list[Problem] = []
    count = skipped = 0
    for record in records:
        before = len(misfits)
        lang, doc, spans, fitted = tokenized(record, tokenizers, statuses, misfits)
        ents, left = pick_ents(fitted)
        by_range = {span_key(record, s): s for s in spans}
        for sp in left:
            overlaps.append(
                span_problem(
                    record,
                    by_range[(sp.start_char, sp.end_char, sp.label_)],
                    f"overlaps an entity; in doc.spans[{SPAN_KEY!r}] only",
                )
            )
        states = token_states(doc, record, statuses, ents, misfits[before:], left)
        bucket = docs.setdefault(lang, [])
        if not ents and OUTSIDE not in states:
            skipped += 1
            continue
        doc.spans[SPAN_KEY] = sorted(fitted, key=lambda s: (s.start, s.end))
        set_entity_states(doc, ents, states)
        doc.user_data.update(
            {"pair": record.get("pair"), "lang": lang, "segment_index": record["segment_index"]}
        )
        bucket.append(doc)
        count += len(fitted)
    report = ExportReport(
        docs={k: len(v) for k, v in docs.items()},
        spans=count,
        misfits=tuple(misfits),
        overlaps=tuple(overlaps),
        skipped=skipped,
    )
    return docs, report


def docbin_paths(output: str | os.PathLike[str], langs: Iterable[str]) -> dict[str, Path]:
    """`corpus.spacy` (or `corpus`) → `corpus.ja.spacy`, `corpus.en.spacy`; a folder → `folder/ja.spacy`…"""
    out = Path(output)
    if out.is_dir():
        return {lang: out / f"{lang}.spacy" for lang in langs}
    stem = out.name.removesuffix(".spacy")
    return {lang: out.with_name(f"{stem}.{lang}.spacy") for lang in langs}


def write_docbin(
    records: Iterable[Mapping[str, Any]],
    output: str | os.PathLike[str],
    *,
    tokenizers: Mapping[str, Tokenizer] | None = None,
    statuses: Sequence[str] = DEFAULT_STATUSES,
) -> ExportReport:
    """Write one DocBin per language present in `records` (each file whole or not at all)."""
    from spacy.tokens import DocBin  # noqa: TID251  (lazy: only this export needs it)

    records = list(records)
    langs = sorted({str(r["lang"]) for r in records})
    paths = docbin_paths(output, langs)
    for path in paths.values():
        if not path.parent.is_dir():
            raise ProjectError(f"folder {path.parent} does not exist")
    docs, report = build_docs(records, tokenizers or load_tokenizers(langs), statuses=statuses)
    blobs = {path: DocBin(docs=docs[lang], store_user_data=True).to_bytes() for lang, path in paths.items()}
    atomic_write_files({path: functools.partial(_write_bytes, data=data) for path, data in blobs.items()})
    return dataclasses.replace(report, files={lang: str(p) for lang, p in paths.items()})
