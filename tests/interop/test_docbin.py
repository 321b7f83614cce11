"""Spans as spaCy DocBin (one file per language, read back with the ja_ginza vocabulary and a blank English
one) and as Prodigy JSONL: entities on token boundaries; spans that do not fit tokens reported, never moved.
In the DocBin every token is an entity (B/I), known to be outside (O) or missing (""): only what a person
decided may teach a model that something is not an entity."""

from __future__ import annotations

import io
import itertools
import json
from pathlib import Path

import pytest

from glossary.docbin import docbin_paths, load_tokenizers, pick_ents, write_docbin
from glossary.prodigy import write_prodigy

JA_TEXT = "インド洋地域情報融合センター（ＩＦＣ－ＩＯＲ）は㈱ｲﾝﾄﾞと協力する😀。"
EN_TEXT = "The Information Fusion Centre - Indian Ocean Region (IFC-IOR) and IPMDA😀."


def _span(text: str, part: str, label: str, status: str = "accepted", nth: int = 0, **extra) -> dict:
    start = -1
    for _ in range(nth + 1):
        start = text.index(part, start + 1)
    return {
        "start": start,
        "end": start + len(part),
        "label": label,
        "text": part,
        "source": "user",
        "status": status,
        "entry_id": None,
        **extra,
    }


RECORDS = [
    {
        "pair": "p",
        "lang": "ja",
        "segment_index": 3,
        "text": JA_TEXT,
        "spans": [
            _span(JA_TEXT, "インド洋地域情報融合センター", "ORG", entry_id=7),
            _span(JA_TEXT, "インド洋", "GPE"),  # nested in the ORG: doc.spans only
            _span(JA_TEXT, "ＩＦＣ－ＩＯＲ", "ORG", source="acronym"),
            _span(JA_TEXT, "ｲﾝﾄﾞ", "GPE"),  # half-width kana after ㈱
            _span(JA_TEXT, "融合セ", "ORG"),  # cuts the token センター: left out
            _span(JA_TEXT, "協力", "EVENT", status="suggested"),  # not a decision: left out by default
            _span(JA_TEXT, "する", "EVENT", status="rejected"),
        ],
    },
    {"pair": "p", "lang": "ja", "segment_index": 4, "text": "空の文。", "spans": []},
    {
        "pair": "p",
        "lang": "en",
        "segment_index": 0,
        "text": EN_TEXT,
        "spans": [
            _span(EN_TEXT, "Information Fusion Centre - Indian Ocean Region", "ORG"),
            _span(EN_TEXT, "IFC-IOR", "ORG"),
            _span(EN_TEXT, "IPMDA", "ORG"),  # the emoji right after it is its own token
            _span(EN_TEXT, "Indian Oc", "GPE"),  # cuts "Ocean"
            {
                "start": 70,
                "end": 90,
                "label": "ORG",
                "text": "",
                "source": "user",
                "status": "accepted",
                "entry_id": None,
            },  # runs past the segment
        ],
    },
]


@pytest.fixture(scope="module")
def tokenizers():
    return load_tokenizers(["ja", "en"])


@pytest.fixture(scope="module")
def ja_vocab():
    """A fresh ja_ginza pipeline's vocabulary (components excluded: only its vocab and tokenizer load)."""
    import spacy

    names = [
        "tok2vec",
        "parser",
        "attribute_ruler",
        "ner",
        "morphologizer",
        "compound_splitter",
        "bunsetu_recognizer",
    ]
    return spacy.load("ja_ginza", exclude=names).vocab


def _load(path: str, vocab) -> list:
    from spacy.tokens import DocBin

    return list(DocBin().from_disk(path).get_docs(vocab))


def test_docbin_per_language_loads_with_ja_ginza_and_blank_english_vocab(
    tokenizers, ja_vocab, tmp_path: Path
) -> None:
    import spacy

    report = write_docbin(RECORDS, tmp_path / "corpus.spacy", tokenizers=tokenizers)
    assert report.files == {"ja": str(tmp_path / "corpus.ja.spacy"), "en": str(tmp_path / "corpus.en.spacy")}
    assert report.docs == {"ja": 1, "en": 1} and report.skipped == 1  # 空の文。 has no span: nothing to learn
    ja = _load(report.files["ja"], ja_vocab)
    en = _load(report.files["en"], spacy.blank("en").vocab)
    assert [d.text for d in ja] == [JA_TEXT] and en[0].text == EN_TEXT
    assert [(e.text, e.label_) for e in ja[0].ents] == [
        ("インド洋地域情報融合センター", "ORG"),
        ("ＩＦＣ－ＩＯＲ", "ORG"),
        ("ｲﾝﾄﾞ", "GPE"),
    ]
    assert [(s.text, s.label_) for s in ja[0].spans["sc"]] == [
        ("インド洋", "GPE"),
        ("インド洋地域情報融合センター", "ORG"),
        ("ＩＦＣ－ＩＯＲ", "ORG"),
        ("ｲﾝﾄﾞ", "GPE"),
    ]
    assert ja[0].user_data["segment_index"] == 3 and ja[0].user_data["pair"] == "p"
    assert [(e.text, e.label_) for e in en[0].ents] == [
        ("Information Fusion Centre - Indian Ocean Region", "ORG"),
        ("IFC-IOR", "ORG"),
        ("IPMDA", "ORG"),
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
    assert [(p.text, p.reason) for p in report.overlaps] == [
        ("インド洋", "overlaps an entity; in doc.spans['sc'] only")
    ]
    assert report.misfits[0].line() == (
        "p ja segment 3 [8:11] ORG '融合セ': not on token boundaries (cuts token 'センター' [10:14])"
    )
    assert report.spans == 7


def test_suggestions_can_be_included_on_request(tokenizers, ja_vocab, tmp_path: Path) -> None:
    report = write_docbin(
        RECORDS[:1], tmp_path / "s", tokenizers=tokenizers, statuses=("accepted", "suggested")
    )
    doc = _load(report.files["ja"], ja_vocab)[0]
    assert "協力" in [s.text for s in doc.spans["sc"]] and "する" not in [s.text for s in doc.spans["sc"]]
    # the suggestion is an entity now, but the segment is still not reviewed: the rest stays unknown
    assert _iob(doc)[13:] == [("と", ""), ("協力", "B"), ("する", "O"), ("😀", ""), ("。", "")]


def _iob(doc) -> list[tuple[str, str]]:
    """Each token with its entity state: B/I (entity), O (known outside), "" (missing: nothing known)."""
    return [(t.text, t.ent_iob_) for t in doc]


REVIEWED_EN = "Delegates from Japan and the Republic of Korea met in Tokyo."
REVIEWED = {
    "pair": "q",
    "lang": "en",
    "segment_index": 0,
    "text": REVIEWED_EN,
    "spans": [
        _span(REVIEWED_EN, "Delegates", "PERSON", status="rejected"),
        _span(REVIEWED_EN, "Japan", "GPE"),
        _span(REVIEWED_EN, "the Republic", "ORG"),  # overlaps the longer GPE: doc.spans only
        _span(REVIEWED_EN, "Republic of Korea", "GPE"),
        _span(REVIEWED_EN, "Toky", "GPE"),  # cuts "Tokyo": left out
    ],
}
"""Every span decided (none still suggested): tokens outside every span are known to be outside."""

MEETING = "日本と韓国の代表が東京で会った。"
UNREVIEWED = {
    "pair": "q",
    "lang": "ja",
    "segment_index": 0,
    "text": MEETING,
    "spans": [
        _span(MEETING, "日本", "GPE", status="suggested"),
        _span(MEETING, "東京", "ORG", status="rejected"),
        _span(MEETING, "代", "PERSON", status="rejected"),  # cuts 代表: says nothing about a token
    ],
}
SUGGESTED_ONLY = {
    "pair": "q",
    "lang": "ja",
    "segment_index": 1,
    "text": MEETING,
    "spans": [_span(MEETING, "韓国", "GPE", status="suggested")],
}
UNTAGGED = {"pair": "q", "lang": "ja", "segment_index": 2, "text": MEETING, "spans": []}


def test_docbin_token_states_of_a_partly_reviewed_segment(tokenizers, ja_vocab, tmp_path: Path) -> None:
    """Chosen spans are entities, a rejected span is outside, a suggestion or a left-out span is missing,
    and so is every other token while a suggestion waits for review."""
    report = write_docbin(RECORDS[:1], tmp_path / "c", tokenizers=tokenizers)
    assert _iob(_load(report.files["ja"], ja_vocab)[0]) == [
        ("インド洋", "B"),
        ("地域", "I"),
        ("情報", "I"),
        ("融合", "I"),
        ("センター", "I"),
        ("（", ""),
        ("ＩＦＣ", "B"),
        ("－", "I"),
        ("ＩＯＲ", "I"),
        ("）", ""),
        ("は", ""),
        ("㈱", ""),
        ("ｲﾝﾄﾞ", "B"),
        ("と", ""),
        ("協力", ""),
        ("する", "O"),
        ("😀", ""),
        ("。", ""),
    ]


def test_docbin_token_states_of_a_reviewed_segment(tokenizers, tmp_path: Path) -> None:
    """Reviewed: the rest is outside, but the tokens of a left-out span (off token boundaries, or only in
    doc.spans because it overlaps an entity) stay missing: they are part of an accepted name."""
    import spacy

    report = write_docbin([REVIEWED], tmp_path / "r", tokenizers=tokenizers)
    doc = _load(report.files["en"], spacy.blank("en").vocab)[0]
    assert _iob(doc) == [
        ("Delegates", "O"),
        ("from", "O"),
        ("Japan", "B"),
        ("and", "O"),
        ("the", ""),
        ("Republic", "B"),
        ("of", "I"),
        ("Korea", "I"),
        ("met", "O"),
        ("in", "O"),
        ("Tokyo", ""),
        (".", "O"),
    ]
    assert [(e.text, e.label_) for e in doc.ents] == [("Japan", "GPE"), ("Republic of Korea", "GPE")]
    # only suggestions chosen: the accepted names are not entities here, and not outside either
    report = write_docbin([REVIEWED], tmp_path / "s", tokenizers=tokenizers, statuses=("suggested",))
    assert _iob(_load(report.files["en"], spacy.blank("en").vocab)[0]) == [
        ("Delegates", "O"),
        ("from", "O"),
        ("Japan", ""),
        ("and", "O"),
        ("the", ""),
        ("Republic", ""),
        ("of", ""),
        ("Korea", ""),
        ("met", "O"),
        ("in", "O"),
        ("Tokyo", ""),
        (".", "O"),
    ]


def test_docbin_leaves_out_segments_that_teach_nothing(tokenizers, ja_vocab, tmp_path: Path) -> None:
    """No entity and no token known to be outside (no span, or only suggestions): not in the DocBin."""
    report = write_docbin([UNREVIEWED, SUGGESTED_ONLY, UNTAGGED], tmp_path / "u", tokenizers=tokenizers)
    assert report.docs == {"ja": 1} and report.skipped == 2 and report.spans == 0
    doc = _load(report.files["ja"], ja_vocab)[0]
    assert doc.user_data["segment_index"] == 0 and list(doc.ents) == []
    assert _iob(doc) == [
        (t, "O" if t == "東京" else "")
        for t in ("日本", "と", "韓国", "の", "代表", "が", "東京", "で", "会っ", "た", "。")
    ]
    # the suggestion chosen: an entity; the rejected span stays outside, nothing else is known
    report = write_docbin(
        [UNREVIEWED, UNTAGGED], tmp_path / "v", tokenizers=tokenizers, statuses=("suggested",)
    )
    assert report.docs == {"ja": 1} and report.skipped == 1
    assert [s for s in _iob(_load(report.files["ja"], ja_vocab)[0]) if s[1]] == [("日本", "B"), ("東京", "O")]
    # nothing at all to learn: the file is still written (an earlier export's file never lingers), empty
    report = write_docbin([UNTAGGED], tmp_path / "w", tokenizers=tokenizers)
    assert report.docs == {"ja": 0} and report.skipped == 1 and _load(report.files["ja"], ja_vocab) == []


def test_prodigy_jsonl(tokenizers) -> None:
    out = io.StringIO()
    report = write_prodigy(RECORDS, out, tokenizers=tokenizers)
    tasks = [json.loads(line) for line in out.getvalue().splitlines()]
    assert len(tasks) == 3 and report.docs == {"ja": 2, "en": 1} and len(report.misfits) == 3
    task = tasks[0]
    assert task["meta"] == {"pair": "p", "lang": "ja", "segment_index": 3}
    # a pending suggestion: not reviewed, so not an accepted (complete) annotation; nor is a segment without spans
    assert "answer" not in task and "answer" not in tasks[1]
    # every span decided, but two accepted spans are off token boundaries: a task without them is not whole
    assert "answer" not in tasks[2]
    tokens = task["tokens"]
    assert "".join(t["text"] + (" " if t["ws"] else "") for t in tokens) == JA_TEXT
    assert [t["id"] for t in tokens] == list(range(len(tokens)))
    for span in task["spans"]:
        assert task["text"][span["start"] : span["end"]] == span["text"]
        # Prodigy's token_end is inclusive
        assert tokens[span["token_start"]]["start"] == span["start"]
        assert tokens[span["token_end"]]["end"] == span["end"]
    # Prodigy's NER tasks cannot overlap: the nested インド洋 is reported, not written into the task
    assert [(p.text, p.reason) for p in report.overlaps] == [
        ("インド洋", "overlaps a longer span; left out of the NER task")
    ]
    for t in tasks:
        ranges = sorted((s["start"], s["end"]) for s in t["spans"])
        assert all(a[1] <= b[0] for a, b in itertools.pairwise(ranges)), t["spans"]
    assert [(s["text"], s["source"], s["entry_id"]) for s in task["spans"]] == [
        ("インド洋地域情報融合センター", "user", 7),
        ("ＩＦＣ－ＩＯＲ", "acronym", None),
        ("ｲﾝﾄﾞ", "user", None),
    ]


def test_prodigy_accepts_only_the_whole_decided_annotation(tokenizers) -> None:
    """A --status filter that leaves out accepted spans, or brings in rejected ones, gives a partial task:
    answered "accept" it would teach that the accepted entities left out are not entities."""
    text = "日本と韓国の代表が東京で会った。"
    record = {
        "pair": "p",
        "lang": "ja",
        "segment_index": 0,
        "text": text,
        "spans": [
            _span(text, "日本", "GPE"),
            _span(text, "韓国", "GPE"),
            _span(text, "東京", "GPE", status="rejected"),
        ],
    }

    def answer(statuses: tuple[str, ...]) -> str | None:
        out = io.StringIO()
        write_prodigy([record], out, tokenizers=tokenizers, statuses=statuses)
        return json.loads(out.getvalue())["answer"] if "answer" in out.getvalue() else None

    assert answer(("accepted",)) == "accept"
    assert answer(("suggested",)) is None
    assert answer(("rejected",)) is None
    assert answer(("accepted", "rejected")) is None


def test_pick_ents_prefers_the_longest_then_the_earliest(tokenizers) -> None:
    doc = tokenizers["en"]("Indian Ocean Region and Japan")
    spans = [
        doc.char_span(0, 12, "GPE"),
        doc.char_span(0, 19, "LOC"),
        doc.char_span(7, 19, "X"),
        doc.char_span(24, 29, "GPE"),
    ]
    ents, left = pick_ents(spans)
    assert [(e.text, e.label_) for e in ents] == [("Indian Ocean Region", "LOC"), ("Japan", "GPE")]
    assert [(e.text, e.label_) for e in left] == [("Indian Ocean", "GPE"), ("Ocean Region", "X")]


def test_docbin_paths() -> None:
    assert docbin_paths("out/corpus.spacy", ["ja"]) == {"ja": Path("out/corpus.ja.spacy")}
    assert docbin_paths("corpus", ["en", "ja"]) == {
        "en": Path("corpus.en.spacy"),
        "ja": Path("corpus.ja.spacy"),
    }


@pytest.mark.slow
def test_spans_export_docbin_and_prodigy_from_the_seed_project(
    run, seed_project: Path, ja_vocab, tmp_path: Path
) -> None:
    """suggest → accept → `spans export --format docbin|prodigy`: what was accepted comes back on token
    boundaries with the same text and label; a span drawn across a token is reported and left out."""
    import spacy

    from alignment import store
    from glossary.spans import add_span
    from tui.common import open_db

    assert run("suggest", "seed000", "-q").exit_code == 0
    spans = json.loads(run("spans", "list", "seed000", "--json").stdout)
    assert (
        run("spans", "accept", *(str(s["id"]) for s in spans if s["source"] == "acronym"), "-q").exit_code
        == 0
    )
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
    # overlapping acronym spans cannot all go into NER tasks: the shorter ones are reported on stderr
    overlapping = prodigy.stderr.count("overlaps a longer span")
    assert sum(len(t["spans"]) for t in tasks) + overlapping == len(accepted)
    assert all(t["text"][s["start"] : s["end"]] == s["text"] for t in tasks for s in t["spans"])


TMX = """<?xml version="1.0" encoding="UTF-8"?>
<tmx version="1.4"><header srclang="ja" segtype="sentence" datatype="plaintext" o-tmf="x" adminlang="en"
  creationtool="t" creationtoolversion="1"/><body>
  <tu><tuv xml:lang="ja"><seg>日本と韓国の代表が東京で会った。</seg></tuv>
      <tuv xml:lang="en"><seg>Delegates of Japan and Korea met in Tokyo.</seg></tuv></tu>
</body></tmx>
"""


@pytest.fixture
def memory(run, tmp_path: Path) -> str:
    """A pair imported from a translation memory: segments, no span at all."""
    (tmp_path / "memory.tmx").write_text(TMX, encoding="utf-8")
    assert run("import-tmx", str(tmp_path / "memory.tmx"), "-q").exit_code == 0
    return "memory"


def test_docbin_to_standard_output_is_refused_in_one_line(run, memory: str, tmp_path: Path) -> None:
    result = run("spans", "export", memory, "--format", "docbin", "-o", "-")
    assert result.exit_code != 0 and result.stdout == ""
    assert result.stderr.startswith("Error: ") and len(result.stderr.strip().splitlines()) == 1
    assert "file name" in result.stderr and list(tmp_path.glob("-*")) == []


def test_docbin_without_chosen_spans_warns_and_says_what_it_skipped(run, memory: str, tmp_path: Path) -> None:
    result = run("spans", "export", memory, "--format", "docbin", "-o", str(tmp_path / "c.spacy"))
    assert result.exit_code == 0, result.output
    warnings = [line for line in result.stderr.splitlines() if line.startswith("Warning:")]
    assert len(warnings) == 1 and "no accepted spans" in warnings[0] and "--status suggested" in warnings[0]
    assert "2 segments left out (nothing known about their entities)" in result.stderr
    # -q keeps the warning: it is not progress chatter
    quiet = run("spans", "export", memory, "--format", "docbin", "-o", str(tmp_path / "c.spacy"), "-q")
    assert quiet.exit_code == 0 and [line for line in quiet.stderr.splitlines() if line] == warnings


def test_docbin_whose_chosen_spans_all_miss_token_boundaries_warns(
    run, memory: str, db_path: Path, tmp_path: Path
) -> None:
    from alignment import store
    from glossary.spans import add_span
    from tui.common import open_db

    db = open_db(str(db_path))
    try:
        pair = store.get_pair(db, memory)
        start = store.get_document(db, pair.id, "ja").text.index("代表")
        add_span(db, pair, "ja", start, start + 1, "PERSON", user="analyst")  # 代: cuts the token 代表
    finally:
        db.close()
    result = run("spans", "export", memory, "--format", "docbin", "-o", str(tmp_path / "c.spacy"), "-q")
    assert result.exit_code == 0
    assert [line.split(":")[0] for line in result.stderr.splitlines()] == ["left out", "Warning"]
    assert "none of the 1 accepted spans sits on token boundaries" in result.stderr


def test_whitespace_at_a_span_edge_is_trimmed_not_a_misfit(tokenizers) -> None:
    text = "The ACSA\tagreement was signed."
    span = {**_span(text, "ACSA\t", "LAW")}
    record = {"pair": "p", "lang": "en", "segment_index": 0, "text": text, "spans": [span]}
    out = io.StringIO()
    report = write_prodigy([record], out, tokenizers=tokenizers)
    assert report.misfits == () and report.spans == 1
    (written,) = json.loads(out.getvalue())["spans"]
    assert (written["text"], written["start"], written["end"]) == ("ACSA", 4, 8)
    assert json.loads(out.getvalue())["answer"] == "accept"
