"""Scoring exactly as vecalign's score.py: hand-computed strict/lax P/R/F1, deletions, pooling; gold files."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from testdata import DEV_GOLD

from alignment.evaluate import Counts, Evaluation, Gold, precision_counts, read_gold, reliability, score
from alignment.project import ProjectError

Run = Callable[..., Any]
"""The `run` fixture: invokes the CLI, returns click's Result."""


def test_identical_alignments_score_one() -> None:
    gold = [((0,), (0,)), ((1, 2), (1,)), ((3,), ())]
    s = score([gold], [gold])
    assert s.as_dict() == dict.fromkeys(s.as_dict(), 1.0)


def test_hand_computed_case_with_deletions() -> None:
    """Gold: 0-0, 1-(1,2), 2-(); test: 0-0, 1-1, ()-2, 2-().

    Precision (every test bead, deletions included): strict hits 0-0 and 2-() -> 2/4; lax adds 1-1 (its
    JA 1 is in the gold bead whose EN {1, 2} meets {1}) -> 3/4; ()-2 has no JA side, so it is never lax.
    Recall (beads with both sides only, roles swapped): gold 0-0 and 1-(1,2) against test 0-0 and 1-1:
    strict 1/2, lax 2/2.
    """
    gold = [((0,), (0,)), ((1,), (1, 2)), ((2,), ())]
    test = [((0,), (0,)), ((1,), (1,)), ((), (2,)), ((2,), ())]
    s = score([gold], [test])
    assert (s.precision_strict, s.precision_lax, s.recall_strict, s.recall_lax) == (0.5, 0.75, 0.5, 1.0)
    assert s.f1_strict == pytest.approx(0.5)
    assert s.f1_lax == pytest.approx(2 * 0.75 * 1.0 / 1.75)


def test_deletion_beads_count_in_precision_but_not_recall() -> None:
    gold = [((0,), (0,)), ((1,), ())]
    # Predicting the 1-0 bead as a merge: precision loses it, recall does not see the gold deletion.
    s = score([gold], [[((0, 1), (0,))]])
    assert (s.precision_strict, s.recall_strict) == (0.0, 0.0)
    assert (s.precision_lax, s.recall_lax) == (1.0, 1.0)
    # Predicting an extra 0-1 that gold does not have costs precision only.
    s = score([[((0,), (0,))]], [[((0,), (0,)), ((), (1,))]])
    assert (s.precision_strict, s.recall_strict) == (0.5, 1.0)


def test_counts_are_pooled_over_documents_before_dividing() -> None:
    doc1 = [((0,), (0,))]
    doc2 = [((0,), (0,)), ((1,), (1,)), ((2,), (2,))]
    wrong2 = [((0,), (0,)), ((1, 2), (1, 2))]
    s = score([doc1, doc2], [doc1, wrong2])
    # Precision: 2 strict hits of 3 test beads; recall: 2 of 4 gold beads.
    assert s.precision_strict == pytest.approx(2 / 3)
    assert s.recall_strict == pytest.approx(2 / 4)


def test_empty_beads_and_duplicates_are_ignored_like_vecalign() -> None:
    assert precision_counts([((0,), (0,))], [((), ()), ((0,), (0,)), ((0,), (0,))]) == Counts(1, 0, 1, 0)
    s = score([[((0,), (0,))]], [[]])
    assert s.precision_strict == 0.0 and s.f1_strict == 0.0


def test_read_gold_builds_index_beads(tmp_path: Path) -> None:
    path = tmp_path / "x.gold.jsonl"
    rows = [{"ja": ["あ", "い"], "en": ["A"]}, {"ja": [], "en": ["B"]}, {"ja": ["う"], "en": []}]
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows) + "\n\n", encoding="utf-8")
    gold = read_gold(path)
    assert gold.name == "x"
    assert gold.ja == ("あ", "い", "う") and gold.en == ("A", "B")
    assert gold.beads == (((0, 1), (0,)), ((), (1,)), ((2,), ()))


@pytest.mark.parametrize(
    "line", ['{"ja": ["a"]}', "not json", '{"ja": "a", "en": []}', '{"ja": [1], "en": []}']
)
def test_malformed_gold_is_one_clear_error(tmp_path: Path, line: str) -> None:
    path = tmp_path / "bad.jsonl"
    path.write_text('{"ja": ["a"], "en": ["b"]}\n' + line + "\n")
    with pytest.raises(ProjectError, match=r"bad.jsonl:2: not a gold bead"):
        read_gold(path)


def test_missing_or_empty_gold(tmp_path: Path) -> None:
    with pytest.raises(ProjectError, match="no gold file"):
        read_gold(tmp_path / "nope.jsonl")
    (tmp_path / "empty.jsonl").write_text("\n")
    with pytest.raises(ProjectError, match="holds no beads"):
        read_gold(tmp_path / "empty.jsonl")


def test_dev_gold_files_read() -> None:
    files = sorted(DEV_GOLD.glob("*.gold.jsonl"))
    assert len(files) >= 4
    for path in files:
        gold = read_gold(path)
        assert sum(len(ja) for ja, _ in gold.beads) == len(gold.ja)
        assert sum(len(en) for _, en in gold.beads) == len(gold.en)


def test_eval_command_errors(run: Run, tmp_path: Path) -> None:
    result = run("eval", str(tmp_path / "missing.jsonl"))
    assert result.exit_code != 0
    bad = tmp_path / "bad.jsonl"
    bad.write_text("{")
    result = run("eval", str(bad))
    assert result.exit_code == 1 and result.output.startswith("Error: ") and result.output.count("\n") == 1


def test_gold_sentences_with_odd_line_breaks_stay_one_segment() -> None:
    from alignment.evaluate import Gold, evaluate

    gold = Gold(
        "odd",
        ("一つ目\x0cの文。", "二つ目\u2028の文。"),
        ("The first\x85 sentence.", "The second."),
        (((0,), (0,)), ((1,), (1,))),
    )
    result = evaluate(gold, use_embeddings=False)
    assert result.predicted == gold.beads


def test_reliability_bins_confidence_against_exact_beads() -> None:
    gold = Gold(
        "g", ("a", "b", "c", "d"), ("A", "B", "C", "D"), (((0,), (0,)), ((1,), (1,)), ((2, 3), (2, 3)))
    )
    predicted = (((0,), (0,)), ((1,), (1,)), ((2,), (2,)), ((3,), (3,)))
    run = Evaluation(gold, predicted, score([gold.beads], [predicted]), "", (0.95, 0.91, 0.15, 0.05))
    rel = reliability([run])
    assert (rel.beads, rel.wrong) == (4, 2)
    assert [(b.lo, b.beads, b.predicted, b.observed) for b in rel.bins] == [
        (0.0, 1, 0.05, 0.0),
        (0.1, 1, 0.15, 0.0),
        (0.9, 2, 0.93, 1.0),
    ]
    # The lowest 10 % of 4 beads is one bead, a wrong one: half the mistakes.
    assert rel.wrong_in_lowest_10pct == 0.5
    assert rel.ece == pytest.approx((0.05 + 0.15 + 2 * 0.07) / 4, abs=1e-3)


def test_eval_command_reports_reliability(run: Run) -> None:
    out = run("eval", str(DEV_GOLD / "jpin2008_secdecl_preamble.gold.jsonl"), "--json")
    data = json.loads(out.output)
    rel = data["reliability"]
    assert rel["beads"] == 11 and rel["wrong"] == 0
    assert sum(b["beads"] for b in rel["bins"]) == 11
    assert all(0.0 <= b["predicted"] <= 1.0 for b in rel["bins"])
