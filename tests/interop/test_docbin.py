"""Spans as spaCy DocBin (one file per language, read back with the ja_ginza vocabulary and a blank English
one) and as Prodigy JSONL: entities on token boundaries; spans that do not fit tokens reported, never moved."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from glossary.docbin import docbin_paths, load_tokenizers, pick_ents, write_docbin, write_prodigy

JA_TEXT = "インド洋地域情報融合センター（ＩＦＣ－ＩＯＲ）は㈱ｲﾝﾄﾞと協力する😀。"
EN_TEXT = "The Information Fusion Centre - Indian Ocean Region (IFC-IOR) and IPMDA😀."


def _span(text: str, part: str, label: str, status: str = "accepted", nth: int = 0, **extra) -> dict:
    start = -1
    for _ in range(nth + 1):
        start = text.index(part, start + 1)
    return {"start": start, "end": start + len(part), "label": label, "text": part, "source": "user",
            "status": status, "entry_id": None, **extra}


RECORDS = [
    {"pair": "p", "lang": "ja", "segment_index": 3, "text": JA_TEXT, "spans": [
        _span(JA_TEXT, "インド洋地域情報融合センター", "ORG", entry_id=7),
        _span(JA_TEXT, "インド洋", "GPE"),                      # nested in the ORG: doc.spans only
        _span(JA_TEXT, "ＩＦＣ－ＩＯＲ", "ORG", source="acronym"),
        _span(JA_TEXT, "ｲﾝﾄﾞ", "GPE"),                        # half-width kana after ㈱
        _span(JA_TEXT, "融合セ", "ORG"),                         # cuts the token センター: left out
        _span(JA_TEXT, "協力", "EVENT", status="suggested"),     # not a decision: left out by default
        _span(JA_TEXT, "する", "EVENT", status="rejected"),
    ]},
    {"pair": "p", "lang": "ja", "segment_index": 4, "text": "空の文。", "spans": []},
    {"pair": "p", "lang": "en", "segment_index": 0, "text": EN_TEXT, "spans": [
        _span(EN_TEXT, "Information Fusion Centre - Indian Ocean Region", "ORG"),
        _span(EN_TEXT, "IFC-IOR", "ORG"),
        _span(EN_TEXT, "IPMDA", "ORG"),                        # the emoji right after it is its own token
        _span(EN_TEXT, "Indian Oc", "GPE"),                      # cuts "Ocean"
        {"start": 70, "end": 90, "label": "ORG", "text": "", "source": "user", "status": "accepted",
         "entry_id": None},                                     # runs past the segment
    ]},
]


@pytest.fixture(scope="module")
def tokenizers():
    return load_tokenizers(["ja", "en"])


@pytest.fixture(scope="module")
def ja_vocab():
    """A fresh ja_ginza pipeline's vocabulary (components excluded: only its vocab and tokenizer load)."""
    import spacy

    names = ["tok2vec", "parser", "attribute_ruler", "ner", "morphologizer", "compound_splitter",
             "bunsetu_recognizer"]
    return spacy.load("ja_ginza", exclude=names).vocab


def _load(path: str, vocab) -> list:
    from spacy.tokens import DocBin

    return list(DocBin().from_disk(path).get_docs(vocab))


def test_docbin_per_language_loads_with_ja_ginza_and_blank_english_vocab(tokenizers, ja_vocab, tmp_path: Path) -> None:
    import spacy

    report = write_docbin(RECORDS, tmp_path / "corpus.spacy", tokenizers=tokenizers)
    assert report.files == {"ja": str(tmp_path / "corpus.ja.spacy"), "en": str(tmp_path / "corpus.en.spacy")}
    assert report.docs == {"ja": 2, "en": 1}
    ja = _load(report.files["ja"], ja_vocab)
    en = _load(report.files["en"], spacy.blank("en").vocab)
    assert [d.text for d in ja] == [JA_TEXT, "空の文。"] and en[0].text == EN_TEXT
    assert [(e.text, e.label_) for e in ja[0].ents] == [
        ("インド洋地域情報融合センター", "ORG"), ("ＩＦＣ－ＩＯＲ", "ORG"), ("ｲﾝﾄﾞ", "GPE"),
    ]
    assert [(s.text, s.label_) for s in ja[0].spans["sc"]] == [
        ("インド洋", "GPE"), ("インド洋地域情報融合センター", "ORG"), ("ＩＦＣ－ＩＯＲ", "ORG"), ("ｲﾝﾄﾞ", "GPE"),
    ]
    assert ja[0].user_data["segment_index"] == 3 and ja[0].user_data["pair"] == "p"
    assert list(ja[1].ents) == [] and list(ja[1].spans["sc"]) == []
    assert [(e.text, e.label_) for e in en[0].ents] == [
        ("Information Fusion Centre - Indian Ocean Region", "ORG"), ("IFC-IOR", "ORG"), ("IPMDA", "ORG"),
    ]
    # every entity sits exactly where the project put it: same characters, nothing shifted
    for doc, record in ((ja[0], RECORDS[0]), (en[0], RECORDS[2])):
        wanted = {(s["start"], s["end"], s["label"]) for s in record["spans"]}
        assert {(s.start_char, s.end_char, s.label_) for s in doc.spans["sc"]} <= wanted


def test_misfits_and_overlaps_are_reported_not_shifted(tokenizers, tmp_path: Path) -> None:
    report = write_docbin(RECORDS, tmp_path, tokenizers=tokenizers)
    assert report.files == {"ja": str(tmp_path / "ja.spacy"), "en": str(tmp_path / "en.spacy")}
    assert [(p.lang, p.text, p.reason) for p in report.misfits] == [
        ("ja", "融合セ", "not on token boundaries (cuts token 'センター' [10:14])"),
        ("en", "Indian Oc", "not on token boundaries (cuts token 'Ocean' [39:44])"),
        ("en", "", "runs past the end of its segment (73 characters)"),
    ]
    assert [(p.text, p.reason) for p in report.overlaps] == [("インド洋", "overlaps an entity; in doc.spans['sc'] only")]
    assert report.misfits[0].line() == (
        "p ja segment 3 [8:11] ORG '融合セ': not on token boundaries (cuts token 'センター' [10:14])"
    )
    assert report.spans == 7


def test_suggestions_can_be_included_on_request(tokenizers, ja_vocab, tmp_path: Path) -> None:
    report = write_docbin(RECORDS[:1], tmp_path / "s", tokenizers=tokenizers, statuses=("accepted", "suggested"))
    doc = _load(report.files["ja"], ja_vocab)[0]
    assert "協力" in [s.text for s in doc.spans["sc"]] and "する" not in [s.text for s in doc.spans["sc"]]


def test_prodigy_jsonl(tokenizers) -> None:
    out = io.StringIO()
    report = write_prodigy(RECORDS, out, tokenizers=tokenizers)
    tasks = [json.loads(line) for line in out.getvalue().splitlines()]
    assert len(tasks) == 3 and report.docs == {"ja": 2, "en": 1} and len(report.misfits) == 3
    task = tasks[0]
    assert task["meta"] == {"pair": "p", "lang": "ja", "segment_index": 3} and task["answer"] == "accept"
    tokens = task["tokens"]
    assert "".join(t["text"] + (" " if t["ws"] else "") for t in tokens) == JA_TEXT
    assert [t["id"] for t in tokens] == list(range(len(tokens)))
    for span in task["spans"]:
        assert task["text"][span["start"]:span["end"]] == span["text"]
        # Prodigy's token_end is inclusive
        assert tokens[span["token_start"]]["start"] == span["start"]
        assert tokens[span["token_end"]]["end"] == span["end"]
    assert [(s["text"], s["source"], s["entry_id"]) for s in task["spans"]] == [
        ("インド洋", "user", None), ("インド洋地域情報融合センター", "user", 7), ("ＩＦＣ－ＩＯＲ", "acronym", None),
        ("ｲﾝﾄﾞ", "user", None),
    ]


def test_pick_ents_prefers_the_longest_then_the_earliest(tokenizers) -> None:
    doc = tokenizers["en"]("Indian Ocean Region and Japan")
    spans = [doc.char_span(0, 12, "GPE"), doc.char_span(0, 19, "LOC"), doc.char_span(7, 19, "X"),
             doc.char_span(24, 29, "GPE")]
    ents, left = pick_ents(spans)
    assert [(e.text, e.label_) for e in ents] == [("Indian Ocean Region", "LOC"), ("Japan", "GPE")]
    assert [(e.text, e.label_) for e in left] == [("Indian Ocean", "GPE"), ("Ocean Region", "X")]


def test_docbin_paths() -> None:
    assert docbin_paths("out/corpus.spacy", ["ja"]) == {"ja": Path("out/corpus.ja.spacy")}
    assert docbin_paths("corpus", ["en", "ja"]) == {"en": Path("corpus.en.spacy"), "ja": Path("corpus.ja.spacy")}


@pytest.mark.slow
def test_spans_export_docbin_and_prodigy_from_the_seed_project(run, seed_project: Path, ja_vocab,
                                                               tmp_path: Path) -> None:
    """suggest → accept → `spans export --format docbin|prodigy`: what was accepted comes back on token
    boundaries with the same text and label; a span drawn across a token is reported and left out."""
    import spacy

    from alignment import store
    from glossary.spans import add_span
    from tui.common import open_db

    assert run("suggest", "seed000", "-q").exit_code == 0
    spans = json.loads(run("spans", "list", "seed000", "--json").stdout)
    assert run("spans", "accept", *(str(s["id"]) for s in spans if s["source"] == "acronym"), "-q").exit_code == 0
    db = open_db(str(seed_project))
    try:
        pair = store.get_pair(db, "seed000")
        text = store.get_document(db, pair.id, "ja").text
        start = text.index("インド太平洋") + 1  # "ンド太": cuts the tokens インド and 太平洋
        add_span(db, pair, "ja", start, start + 3, "GPE", user="analyst")
    finally:
        db.close()
    accepted = [s for s in spans if s["source"] == "acronym"]
    result = run("spans", "export", "seed000", "--format", "docbin", "-o", str(tmp_path / "seed.spacy"))
    assert result.exit_code == 0, result.output
    assert "left out: seed000 ja segment" in result.output and "'ンド太'" in result.output
    from spacy.tokens import DocBin

    got = set()
    for lang, vocab in (("ja", ja_vocab), ("en", spacy.blank("en").vocab)):
        docs = list(DocBin().from_disk(tmp_path / f"seed.{lang}.spacy").get_docs(vocab))
        assert all(d.user_data["pair"] == "seed000" for d in docs)
        got |= {(lang, d.user_data["segment_index"], s.text, s.label_) for d in docs for s in d.spans["sc"]}
    assert got == {(s["lang"], s["segment_index"], s["text"], s["label"]) for s in accepted}

    prodigy = run("spans", "export", "seed000", "--format", "prodigy", "-q")
    tasks = [json.loads(line) for line in prodigy.stdout.splitlines()]
    assert sum(len(t["spans"]) for t in tasks) == len(accepted)
    assert all(t["text"][s["start"]:s["end"]] == s["text"] for t in tasks for s in t["spans"])
