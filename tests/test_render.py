"""Our own English for a bead: segments, offsets, beads and the offset map stay consistent, and it undoes exactly."""

from __future__ import annotations

import itertools
import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from alignment.bead_store import get_beads, save_beads
from alignment.edit import EditError, check_cover
from alignment.model import Bead, Document, Segment
from alignment.project import ProjectError, write
from alignment.render import apply_splice, plan_rendering, render
from alignment.store import create_pair, get_document, get_segments, insert_document
from alignment.text import line_segments
from tui.common import open_db

JA = ["第一文である。", "第二文である。", "第三文である。", "第四文である。"]


def snapshot(db, pair_id: int) -> dict:
    """Everything a rendering may touch, comparable with ==."""
    doc = get_document(db, pair_id, "en")
    out: dict = {
        "beads": [(b.ja, b.en, b.status) for b in get_beads(db, pair_id)],
        "clause_beads": [(b.ja, b.en) for b in get_beads(db, pair_id, "clause")],
    }
    if doc is None:
        return {**out, "doc": None}
    return {
        **out,
        "doc": (doc.text, doc.raw_text, doc.offset_runs),
        "sentences": [(s.index, s.start, s.end, s.text) for s in get_segments(db, doc.id)],
        "clauses": [(s.index, s.start, s.end, s.text, s.parent) for s in get_segments(db, doc.id, "clause")],
    }


def check_consistent(db, pair_id: int) -> None:
    doc = get_document(db, pair_id, "en")
    segs = get_segments(db, doc.id) if doc else []
    for s in segs:
        assert doc.text[s.start : s.end] == s.text
    assert [s.index for s in segs] == list(range(len(segs)))
    assert all(a.end <= b.start for a, b in itertools.pairwise(segs))
    clauses = get_segments(db, doc.id, "clause") if doc else []
    for c in clauses:
        assert doc.text[c.start : c.end] == c.text
        parent = segs[c.parent]
        assert parent.start <= c.start and c.end <= parent.end
    for t, r, n in doc.offset_runs if doc else ():
        assert doc.text[t : t + n] == doc.raw_text[r : r + n]
    check_cover(get_beads(db, pair_id), len(JA), len(segs))


def make(
    db, en_lines: list[str] | None, beads: list[Bead], *, raw_prefix: str = "", clauses: bool = False
) -> int:
    with write(db):
        pair_id = create_pair(db, "p")
        text = "\n".join(JA) + "\n"
        insert_document(
            db, pair_id, Document(None, None, "ja", text, text, ((0, 0, len(text)),)), line_segments(text)
        )
        if en_lines is not None:
            text = "\n".join(en_lines) + "\n"
            # An imported document: the raw text differs (a prefix was dropped as page furniture).
            raw = raw_prefix + text
            sents = line_segments(text)
            cl = (
                [Segment(k, s.start, s.end, s.text, "clause", s.index) for k, s in enumerate(sents)]
                if clauses
                else []
            )
            insert_document(
                db,
                pair_id,
                Document(None, None, "en", raw, text, ((0, len(raw_prefix), len(text)),)),
                sents,
                cl,
            )
    save_beads(db, pair_id, beads)
    if clauses:
        save_beads(db, pair_id, beads, level="clause")
    return pair_id


def test_english_for_a_bead_without_english_is_inserted_in_order(db_path: Path) -> None:
    db = open_db(str(db_path))
    pid = make(
        db,
        ["One.", "Three.", "Four."],
        [Bead((0, 1), (0, 1)), Bead((1, 2), (1, 1)), Bead((2, 3), (1, 2)), Bead((3, 4), (2, 3))],
        raw_prefix="PAGE 1\n",
    )
    before = snapshot(db, pid)
    splice = render(db, pid, 1, "  Two: the second.  \n\n", user="ana")
    doc = get_document(db, pid, "en")
    assert doc.text == "One.\nTwo: the second.\nThree.\nFour.\n"
    assert doc.raw_text == "PAGE 1\nOne.\nThree.\nFour.\n"  # the imported raw text is never rewritten
    assert [s.text for s in get_segments(db, doc.id)] == ["One.", "Two: the second.", "Three.", "Four."]
    beads = get_beads(db, pid)
    assert [b.en for b in beads] == [(0, 1), (1, 2), (2, 3), (3, 4)]
    assert beads[1].status == "confirmed" and beads[1].updated_by == "ana"
    check_consistent(db, pid)
    apply_splice(db, splice, forward=False)
    assert snapshot(db, pid) == before
    apply_splice(db, splice)
    check_consistent(db, pid)


def test_pair_without_english_document_gets_one_and_undo_removes_it(db_path: Path) -> None:
    db = open_db(str(db_path))
    pid = make(db, None, [Bead((i, i + 1), (0, 0)) for i in range(4)])
    splice = render(db, pid, 2, "The third sentence. It has two parts.", user="u")
    doc = get_document(db, pid, "en")
    assert doc.text == "The third sentence. It has two parts.\n" and doc.raw_text == doc.text
    assert [s.text for s in get_segments(db, doc.id)] == ["The third sentence.", "It has two parts."]
    assert [b.en for b in get_beads(db, pid)] == [(0, 0), (0, 0), (0, 2), (2, 2)]
    check_consistent(db, pid)
    second = render(db, pid, 0, "First.", user="u")
    assert get_document(db, pid, "en").text == "First.\nThe third sentence. It has two parts.\n"
    check_consistent(db, pid)
    apply_splice(db, second, forward=False)
    apply_splice(db, splice, forward=False)
    assert get_document(db, pid, "en") is None
    assert [b.en for b in get_beads(db, pid)] == [(0, 0)] * 4
    apply_splice(db, splice)  # redo creates it again
    assert get_document(db, pid, "en").text == "The third sentence. It has two parts.\n"
    check_consistent(db, pid)


def test_edit_and_remove_existing_english_keep_everything_consistent(db_path: Path) -> None:
    db = open_db(str(db_path))
    pid = make(
        db,
        ["One.", "Two.", "Three.", "Four."],
        [Bead((i, i + 1), (i, i + 1)) for i in range(4)],
        clauses=True,
    )
    before = snapshot(db, pid)
    s1 = render(db, pid, 1, "Two, rewritten; with a clause.\nAnd a second line.", user="u")
    check_consistent(db, pid)
    doc = get_document(db, pid, "en")
    assert [c.text for c in get_segments(db, doc.id, "clause")][1:4] == [
        "Two, rewritten; ",
        "with a clause.",
        "And a second line.",
    ]
    s2 = render(db, pid, 3, "", user="u")  # remove the English of the last bead
    check_consistent(db, pid)
    assert get_beads(db, pid)[3].en == (4, 4)
    assert (
        get_document(db, pid, "en").text
        == "One.\nTwo, rewritten; with a clause.\nAnd a second line.\nThree.\n"
    )
    apply_splice(db, s2, forward=False)
    apply_splice(db, s1, forward=False)
    assert snapshot(db, pid) == before


def test_refusals_leave_the_project_unchanged(db_path: Path) -> None:
    db = open_db(str(db_path))
    pid = make(db, ["One."], [Bead((0, 1), (0, 1)), Bead((1, 4), (1, 1))])
    before = snapshot(db, pid)
    with pytest.raises(EditError, match="type some English"):
        render(db, pid, 1, "  \n ", user="u")
    with pytest.raises(EditError):
        render(db, pid, 7, "x", user="u")
    splice = plan_rendering(db, pid, 1, "New.", user="u")
    db.execute("UPDATE documents SET text = 'One!\n' WHERE pair_id = ? AND lang = 'en'", [pid])
    with pytest.raises(ProjectError, match="changed since"):
        apply_splice(db, splice)
    db.execute("UPDATE documents SET text = 'One.\n' WHERE pair_id = ? AND lang = 'en'", [pid])
    assert snapshot(db, pid) == before


english = st.lists(st.sampled_from([*"abc XY.;:\n", "㈱", "ｶﾞ", "🙂", "Ｉ", "Two. Three"]), max_size=12).map(
    "".join
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.tuples(st.integers(0, 3), english), min_size=1, max_size=6), st.booleans())
def test_any_sequence_of_renderings_undoes_exactly(tmp_path: Path, steps, clauses: bool) -> None:
    path = tmp_path / f"r{abs(hash((tuple(steps), clauses)))}.db"
    db = open_db(str(path))
    pid = make(
        db,
        ["A.", "B.", "C."],
        [Bead((0, 1), (0, 1)), Bead((1, 2), (1, 1)), Bead((2, 3), (1, 2)), Bead((3, 4), (2, 3))],
        clauses=clauses,
        raw_prefix="x",
    )
    states, splices = [snapshot(db, pid)], []
    for bead, typed in steps:
        try:
            splices.append(render(db, pid, bead, typed, user="u"))
        except EditError:
            continue
        check_consistent(db, pid)
        states.append(snapshot(db, pid))
    for splice, state in zip(reversed(splices), reversed(states[:-1]), strict=True):
        apply_splice(db, splice, forward=False)
        assert snapshot(db, pid) == state
    db.close()
    path.unlink()


def test_splice_is_plain_json(db_path: Path) -> None:
    db = open_db(str(db_path))
    pid = make(db, ["One."], [Bead((0, 1), (0, 1)), Bead((1, 4), (1, 1))])
    splice = render(db, pid, 1, "Two.", user="u")
    assert json.loads(json.dumps(splice)) == splice
