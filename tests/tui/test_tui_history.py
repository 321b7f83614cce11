"""The persistent undo/redo log: bead edits and row changes, across reopening the project, with conflicts refused."""

from __future__ import annotations

from pathlib import Path

import pytest

from alignment import edit
from alignment.bead_store import get_beads, replace_beads, save_beads
from alignment.project import ProjectError, write
from alignment.store import get_pair
from tui.common import open_db
from tui.core import history

pytest_plugins = ["tui_project"]  # the `project` fixture (a module, not a conftest: see tui_project)


def ranges(beads):
    return [(b.ja, b.en, b.status) for b in beads]


def test_commit_undo_redo_survive_reopening(project: Path) -> None:
    db = open_db(str(project))
    pair = get_pair(db, "p")
    before = get_beads(db, pair.id)
    new = history.commit_beads(
        db,
        pair.id,
        before,
        edit.merge(before, 1),
        user="ana",
        action="merge",
        summary="merge 2 with 3",
        cursor=1,
    )
    assert ranges(get_beads(db, pair.id)) == ranges(new)
    assert get_beads(db, pair.id)[1].updated_by == "ana"
    db.close()

    db = open_db(str(project))  # a restart
    undone = history.undo(db, "bob")
    assert undone is not None and undone.summary == "merge 2 with 3" and undone.bead == 1
    assert ranges(get_beads(db, pair.id)) == ranges(before)
    # undo restores the beads as they were, stamps included
    assert [b.updated_by for b in get_beads(db, pair.id)] == [b.updated_by for b in before]
    assert history.undo(db, "bob") is None
    db.close()

    db = open_db(str(project))
    redone = history.redo(db, "bob")
    assert redone is not None and redone.id == undone.id
    assert ranges(get_beads(db, pair.id)) == ranges(new)
    assert history.redo(db, "bob") is None
    log = history.entries(db)
    assert [(e.user, e.state, e.changed_by) for e in log] == [("ana", "done", "bob")]


def test_new_action_after_undo_ends_the_redo_chain(project: Path) -> None:
    db = open_db(str(project))
    pair = get_pair(db, "p")
    b0 = get_beads(db, pair.id)
    b1 = history.commit_beads(db, pair.id, b0, edit.confirm(b0, 0), user="a", action="confirm", summary="c1")
    history.commit_beads(db, pair.id, b1, edit.confirm(b1, 1), user="a", action="confirm", summary="c2")
    assert history.undo(db, "a").summary == "c2"
    assert history.undo(db, "a").summary == "c1"
    assert history.redo(db, "a").summary == "c1"  # earliest undone first
    b = get_beads(db, pair.id)
    history.commit_beads(db, pair.id, b, edit.confirm(b, 5), user="a", action="confirm", summary="c3")
    assert history.redo(db, "a") is None
    assert [e.state for e in history.entries(db)] == ["done", "dropped", "done"]
    assert [b.status for b in get_beads(db, pair.id)] == [
        "confirmed",
        "auto",
        "auto",
        "auto",
        "auto",
        "confirmed",
    ]


def test_undo_of_each_edit_restores_exactly(project: Path) -> None:
    db = open_db(str(project))
    pair = get_pair(db, "p")
    original = get_beads(db, pair.id)
    edits = [
        lambda b: edit.merge(b, 0, "next"),
        lambda b: edit.split(b, 0),
        lambda b: edit.unlink(b, 1),
        lambda b: edit.move_segment(b, 4, "en", "prev"),
        lambda b: edit.pull_segment(b, 0, "ja", "next"),
        lambda b: edit.confirm_through(b, 4),
    ]
    states = [original]
    for n, fn in enumerate(edits):
        cur = get_beads(db, pair.id)
        try:
            new = fn(cur)
        except edit.EditError:
            continue
        stored = history.commit_beads(db, pair.id, cur, new, user="u", action=f"e{n}", summary=f"e{n}")
        assert ranges(stored) == ranges(get_beads(db, pair.id))
        states.append(stored)
    assert len(states) == len(edits) + 1
    for state in reversed(states[:-1]):
        history.undo(db, "u")
        assert ranges(get_beads(db, pair.id)) == ranges(state)
    for state in states[1:]:
        history.redo(db, "u")
        assert ranges(get_beads(db, pair.id)) == ranges(state)


def test_undo_refuses_when_another_program_changed_the_beads(project: Path) -> None:
    db = open_db(str(project))
    pair = get_pair(db, "p")
    b0 = get_beads(db, pair.id)
    history.commit_beads(db, pair.id, b0, edit.merge(b0, 0), user="u", action="merge", summary="m")
    save_beads(db, pair.id, b0, user="aligner")  # e.g. `taiyaku align` rewrote the alignment
    with pytest.raises(history.HistoryConflict, match="changed since"):
        history.undo(db, "u")
    # nothing half-done: the alignment and the log are as they were
    assert ranges(get_beads(db, pair.id)) == ranges(b0)
    assert history.next_undo(db).state == "done"


def test_rows_op_round_trip_and_conflict(project: Path) -> None:
    db = open_db(str(project))
    pair = get_pair(db, "p")
    key = {"id": pair.id}
    before = history.read_row(db, "pairs", key)
    with write(db):
        db.execute("UPDATE pairs SET name = 'q' WHERE id = ?", [pair.id])
        after = history.read_row(db, "pairs", key)
        history.record(
            db,
            user="u",
            action="rename",
            summary="rename",
            ops=[history.rows_op("pairs", key, before, after)],
        )
    history.undo(db, "u")
    assert history.read_row(db, "pairs", key)["name"] == "p"
    history.redo(db, "u")
    assert history.read_row(db, "pairs", key)["name"] == "q"
    db.execute("UPDATE pairs SET name = 'r' WHERE id = ?", [pair.id])
    with pytest.raises(history.HistoryConflict):
        history.undo(db, "u")


def test_replace_beads_respaces_when_a_gap_runs_out(project: Path) -> None:
    db = open_db(str(project))
    pair = get_pair(db, "big")
    beads = get_beads(db, pair.id)
    for _ in range(3):  # contiguous ords from save_beads: the first split needs room, later ones find it
        new = edit.split(edit.merge(beads, 100), 100)
        w = edit.changed_window(beads, new)
        stored = replace_beads(db, pair.id, beads, w.start, w.old_stop, new[w.start : w.new_stop], user="u")
        beads = [*beads[: w.start], *stored, *beads[w.old_stop :]]
        assert ranges(get_beads(db, pair.id)) == ranges(beads)
        assert [b.id for b in get_beads(db, pair.id)] == [b.id for b in beads]
    edit.check_cover(beads, 300, 300)
    save_beads(db, pair.id, edit.merge(beads, 0))  # another program rewrote the rows: our list is stale
    with pytest.raises(ProjectError, match="changed by another program"):
        replace_beads(db, pair.id, beads, 0, 2, [edit.merge(beads, 0)[0]], user="u")
    assert ranges(get_beads(db, pair.id)) == ranges(edit.merge(beads, 0))


def test_a_crash_between_the_change_and_its_log_entry_leaves_neither(project: Path, monkeypatch) -> None:
    db = open_db(str(project))
    pair = get_pair(db, "p")
    before = get_beads(db, pair.id)

    def crash(*args, **kwargs):
        raise KeyboardInterrupt  # e.g. the process told to stop in the middle of writing

    monkeypatch.setattr(history, "record", crash)
    with pytest.raises(KeyboardInterrupt):
        history.commit_beads(
            db, pair.id, before, edit.merge(before, 0), user="u", action="merge", summary="m"
        )
    db.close()
    db = open_db(str(project))
    assert ranges(get_beads(db, pair.id)) == ranges(before)
    assert history.entries(db) == []
