"""Bead edits: worked examples and properties (every edit keeps each segment covered exactly once, in order)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from alignment import edit
from alignment.edit import EditError, changed_window, check_cover
from alignment.model import Bead


def beads_of(*types: tuple[int, int], status: str = "auto") -> list[Bead]:
    out, ja, en = [], 0, 0
    for k, (a, b) in enumerate(types):
        out.append(Bead(ja=(ja, ja + a), en=(en, en + b), score=0.5 + k, status=status, id=k + 1))
        ja, en = ja + a, en + b
    return out


def ranges(beads: list[Bead]) -> list[tuple[tuple[int, int], tuple[int, int]]]:
    return [(b.ja, b.en) for b in beads]


# --- worked examples ---------------------------------------------------------------------------------


def test_merge_next_and_prev() -> None:
    beads = beads_of((1, 1), (1, 1), (1, 0))
    assert ranges(edit.merge(beads, 0, "next")) == [((0, 2), (0, 2)), ((2, 3), (2, 2))]
    assert ranges(edit.merge(beads, 2, "prev")) == [((0, 1), (0, 1)), ((1, 3), (1, 2))]
    with pytest.raises(EditError, match="no next bead"):
        edit.merge(beads, 2, "next")
    with pytest.raises(EditError, match="no previous bead"):
        edit.merge(beads, 0, "prev")


def test_edited_beads_lose_score_id_and_stamp_untouched_keep_identity() -> None:
    beads = beads_of((1, 1), (1, 1), (1, 1), status="confirmed")
    new = edit.merge(beads, 1, "next")
    assert new[0] is beads[0]
    assert new[1].score is None and new[1].id is None and new[1].status == "auto"


def test_split_default_keeps_first_segment_of_each_side() -> None:
    assert ranges(edit.split(beads_of((2, 2)), 0)) == [((0, 1), (0, 1)), ((1, 2), (1, 2))]
    assert ranges(edit.split(beads_of((2, 1)), 0)) == [((0, 1), (0, 1)), ((1, 2), (1, 1))]
    assert ranges(edit.split(beads_of((3, 1)), 0, ja_at=2, en_at=1)) == [((0, 2), (0, 1)), ((2, 3), (1, 1))]
    with pytest.raises(EditError, match="nothing to split"):
        edit.split(beads_of((1, 0)), 0)
    with pytest.raises(EditError, match="outside"):
        edit.split(beads_of((2, 2)), 0, ja_at=5)


def test_unlink_makes_one_zero_and_zero_one_beads() -> None:
    assert ranges(edit.unlink(beads_of((1, 1), (2, 1)), 1)) == [
        ((0, 1), (0, 1)),
        ((1, 2), (1, 1)),
        ((2, 3), (1, 1)),
        ((3, 3), (1, 2)),
    ]
    with pytest.raises(EditError, match="already 1-0"):
        edit.unlink(beads_of((1, 0)), 0)


def test_move_segment_between_neighbours() -> None:
    beads = beads_of((2, 1), (1, 1))
    # last JA of bead 0 goes down into bead 1
    assert ranges(edit.move_segment(beads, 0, "ja", "next")) == [((0, 1), (0, 1)), ((1, 3), (1, 2))]
    # first EN of bead 1 goes up into bead 0, leaving a 1-0
    assert ranges(edit.move_segment(beads, 1, "en", "prev")) == [((0, 2), (0, 2)), ((2, 3), (2, 2))]
    # at the ends a moved segment becomes a bead of its own
    assert ranges(edit.move_segment(beads, 1, "ja", "next")) == [
        ((0, 2), (0, 1)),
        ((2, 2), (1, 2)),
        ((2, 3), (2, 2)),
    ]
    assert ranges(edit.move_segment(beads, 0, "en", "prev")) == [
        ((0, 0), (0, 1)),
        ((0, 2), (1, 1)),
        ((2, 3), (1, 2)),
    ]
    # a bead emptied by the move disappears
    assert ranges(edit.move_segment(beads_of((1, 0), (1, 1)), 0, "ja", "next")) == [((0, 2), (0, 1))]
    with pytest.raises(EditError, match="no EN segment"):
        edit.move_segment(beads_of((1, 0)), 0, "en", "next")


def test_pull_segment_takes_from_the_neighbour() -> None:
    beads = beads_of((1, 1), (2, 1))
    assert ranges(edit.pull_segment(beads, 0, "ja", "next")) == [((0, 2), (0, 1)), ((2, 3), (1, 2))]
    assert ranges(edit.pull_segment(beads, 1, "en", "prev")) == [((0, 1), (0, 0)), ((1, 3), (0, 2))]
    with pytest.raises(EditError, match="no next bead"):
        edit.pull_segment(beads, 1, "ja", "next")


def test_confirm_toggle_and_through_keep_scores() -> None:
    beads = beads_of((1, 1), (1, 1), (1, 1))
    done = edit.confirm_through(beads, 1)
    assert [b.status for b in done] == ["confirmed", "confirmed", "auto"]
    assert [b.score for b in done] == [b.score for b in beads]
    assert edit.toggle_confirm(done, 0)[0].status == "auto"
    assert edit.confirm(beads, 2)[2].status == "confirmed"


def test_unconfirmed_stretch_and_low_score_threshold() -> None:
    beads = edit.set_status(beads_of(*[(1, 1)] * 6), [1, 4], "confirmed")
    assert edit.unconfirmed_stretch(beads, 2) == (2, 4)
    assert edit.unconfirmed_stretch(beads, 0) == (0, 1)
    assert edit.unconfirmed_stretch(beads, 4) == (4, 4)
    assert edit.low_score_threshold(beads_of(*[(1, 1)] * 10)) == 1.5
    assert edit.low_score_threshold([Bead((0, 1), (0, 1))]) is None


def test_check_cover_rejects_gaps_overlaps_and_empties() -> None:
    check_cover(beads_of((1, 1), (0, 1)), 1, 2)
    with pytest.raises(EditError):
        check_cover([Bead((0, 1), (0, 1)), Bead((2, 3), (1, 2))], 3, 2)
    with pytest.raises(EditError):
        check_cover([Bead((0, 0), (0, 0))], 0, 0)
    with pytest.raises(EditError, match="documents have"):
        check_cover(beads_of((1, 1)), 2, 1)


# --- properties -------------------------------------------------------------------------------------

TYPES = [(a, b) for a in range(4) for b in range(4) if (a, b) != (0, 0)]
alignments = st.lists(st.sampled_from(TYPES), min_size=1, max_size=12).map(lambda ts: beads_of(*ts))
sides = st.sampled_from(["ja", "en"])
directions = st.sampled_from(["prev", "next"])


def _op(draw: st.DrawFn, beads: list[Bead]):
    i = draw(st.integers(0, len(beads) - 1))
    kind = draw(
        st.sampled_from(["merge", "split", "split_at", "unlink", "move", "pull", "toggle", "through"])
    )
    if kind == "merge":
        return lambda b: edit.merge(b, i, draw(directions))
    if kind == "split":
        return lambda b: edit.split(b, i)
    if kind == "split_at":
        ja_at = draw(st.integers(beads[i].ja[0], beads[i].ja[1]))
        en_at = draw(st.integers(beads[i].en[0], beads[i].en[1]))
        return lambda b: edit.split(b, i, ja_at, en_at)
    if kind == "unlink":
        return lambda b: edit.unlink(b, i)
    if kind == "move":
        return lambda b: edit.move_segment(b, i, draw(sides), draw(directions))
    if kind == "pull":
        return lambda b: edit.pull_segment(b, i, draw(sides), draw(directions))
    if kind == "toggle":
        return lambda b: edit.toggle_confirm(b, i)
    return lambda b: edit.confirm_through(b, i)


@settings(max_examples=300, deadline=None)
@given(st.data())
def test_any_sequence_of_edits_keeps_the_cover(data: st.DataObject) -> None:
    beads = data.draw(alignments)
    n_ja, n_en = beads[-1].ja[1], beads[-1].en[1]
    for _ in range(data.draw(st.integers(1, 8))):
        op = _op(data.draw, beads)
        try:
            new = op(beads)
        except EditError:
            continue
        check_cover(new, n_ja, n_en)
        w = changed_window(beads, new)
        # the window is exactly what changed: splicing it reproduces the new list
        assert [*beads[: w.start], *new[w.start : w.new_stop], *beads[w.old_stop :]] == new
        # every bead an edit made is a new value without a row id, so the store inserts it afresh
        old_objects = {id(b) for b in beads}
        assert all(b.id is None for b in new if id(b) not in old_objects)
        beads = new


@settings(max_examples=200, deadline=None)
@given(alignments, st.data())
def test_move_then_pull_back_restores_the_ranges(beads: list[Bead], data: st.DataObject) -> None:
    i = data.draw(st.integers(0, len(beads) - 1))
    side = data.draw(sides)
    start, end = beads[i].ja if side == "ja" else beads[i].en
    if i + 1 >= len(beads) or start == end:
        return
    moved = edit.move_segment(beads, i, side, "next")
    if len(moved) != len(beads):  # bead i vanished (it held only that segment): pulling back is another bead
        return
    back = edit.pull_segment(moved, i, side, "next")
    assert ranges(back) == ranges(beads)
