"""Pilot tests of the alignment view: each action, checked in the project file afterwards (there is no save)."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from textual import events
from textual.widgets import TextArea

from alignment.bead_store import get_beads
from alignment.model import Bead
from alignment.store import get_document, get_pair, get_segments
from tui.app import make_app
from tui.common import open_db
from tui.core import history
from tui.screens.align import AlignScreen
from tui.screens.help import HelpScreen
from tui.screens.modals import ConfirmModal, RenderModal
from tui.screens.pairs import PairListScreen
from tui.widgets.bead_table import BeadTable

pytest_plugins = ["tui_project"]  # the `project` fixture (a module, not a conftest: see tui_project)

SIZE = (100, 36)


def stored(project: Path, name: str = "p") -> list[tuple]:
    """The pair's beads as the project file holds them now, read through a fresh connection."""
    db = open_db(str(project))
    try:
        return [(b.ja, b.en, b.status) for b in get_beads(db, get_pair(db, name).id)]
    finally:
        db.close()


def log(project: Path) -> list[history.Entry]:
    db = open_db(str(project))
    try:
        return history.entries(db)
    finally:
        db.close()


def app_for(project: Path, pair: str | None = "p", **kw):
    return make_app(project, user="ana", pair=pair, **kw)


async def paste(pilot, text: str) -> None:
    """What the terminal driver does with a bracketed paste: the app forwards it to the focused widget."""
    pilot.app.post_message(events.Paste(text))
    await pilot.pause()


async def cursor_to(pilot, index: int) -> None:
    pilot.app.screen.query_one(BeadTable).move_to(index)
    await pilot.pause()


ORIGINAL = [
    ((0, 1), (0, 1), "auto"),
    ((1, 2), (1, 2), "auto"),
    ((2, 3), (2, 2), "auto"),
    ((3, 4), (2, 3), "auto"),
    ((4, 5), (3, 4), "auto"),
    ((5, 6), (4, 5), "auto"),
]


async def test_opens_on_the_pair_and_moves(project: Path) -> None:
    async with app_for(project).run_test(size=SIZE) as pilot:
        assert isinstance(pilot.app.screen, AlignScreen)
        table = pilot.app.screen.query_one(BeadTable)
        assert table.cursor == 0
        await pilot.press("down", "j", "down")
        assert table.cursor == 3
        await pilot.press("k", "end")
        assert table.cursor == 5
        await pilot.press("home")
        assert table.cursor == 0
    assert stored(project) == ORIGINAL  # moving changes nothing


@pytest.mark.parametrize(
    ("keys", "cursor", "expected"),
    [
        (["m"], 0, [((0, 2), (0, 2), "auto"), *ORIGINAL[2:]]),
        (["M"], 1, [((0, 2), (0, 2), "auto"), *ORIGINAL[2:]]),
        (["s"], 0, None),  # a 1-1 cannot be split: nothing changes
        (["x"], 0, [((0, 1), (0, 0), "auto"), ((1, 1), (0, 1), "auto"), *ORIGINAL[1:]]),
        (
            ["right_square_bracket"],
            1,
            [ORIGINAL[0], ((1, 1), (1, 2), "auto"), ((1, 3), (2, 2), "auto"), *ORIGINAL[3:]],
        ),
        (
            ["left_square_bracket"],
            3,
            [*ORIGINAL[:2], ((2, 4), (2, 2), "auto"), ((4, 4), (2, 3), "auto"), *ORIGINAL[4:]],
        ),
        (
            ["left_curly_bracket"],
            3,
            [*ORIGINAL[:2], ((2, 3), (2, 3), "auto"), ((3, 4), (3, 3), "auto"), *ORIGINAL[4:]],
        ),
        (["right_curly_bracket"], 0, [((0, 1), (0, 0), "auto"), ((1, 2), (0, 2), "auto"), *ORIGINAL[2:]]),
        (
            ["less_than_sign"],
            2,
            [*ORIGINAL[:2], ((2, 4), (2, 2), "auto"), ((4, 4), (2, 3), "auto"), *ORIGINAL[4:]],
        ),
        (
            ["greater_than_sign"],
            2,
            [*ORIGINAL[:2], ((2, 3), (2, 3), "auto"), ((3, 4), (3, 3), "auto"), *ORIGINAL[4:]],
        ),
        (["c"], 4, [*ORIGINAL[:4], ((4, 5), (3, 4), "confirmed"), ORIGINAL[5]]),
        (["c", "c"], 4, ORIGINAL),
        (
            ["space", "space"],
            1,
            [ORIGINAL[0], ((1, 2), (1, 2), "confirmed"), ((2, 3), (2, 2), "confirmed"), *ORIGINAL[3:]],
        ),
        (["C", "y"], 2, [(*b[:2], "confirmed") for b in ORIGINAL[:3]] + ORIGINAL[3:]),
        (["C", "n"], 2, ORIGINAL),
    ],
    ids=[
        "merge-next",
        "merge-prev",
        "split-1-1",
        "unlink",
        "ja-down",
        "ja-up",
        "en-up",
        "en-down",
        "ja-pull",
        "en-pull",
        "confirm",
        "unconfirm",
        "confirm-next",
        "confirm-above",
        "confirm-above-cancelled",
    ],
)
async def test_each_bead_action_is_stored_at_once(project: Path, keys, cursor, expected) -> None:
    async with app_for(project).run_test(size=SIZE) as pilot:
        await cursor_to(pilot, cursor)
        await pilot.press(*keys)
        await pilot.pause()
        # checked while the app still runs: nothing waits for a save or for quitting
        assert stored(project) == (expected or ORIGINAL)
    changed = expected is not None and expected != ORIGINAL
    assert bool(log(project)) == changed or keys == ["c", "c"]
    if changed:
        assert log(project)[0].user == "ana"


async def test_split_then_undo_redo_keys(project: Path) -> None:
    async with app_for(project).run_test(size=SIZE) as pilot:
        await pilot.press("m")  # 2-2
        await pilot.press("s")
        assert stored(project) == ORIGINAL
        await pilot.press("u")
        assert stored(project)[0] == ((0, 2), (0, 2), "auto")
        await pilot.press("ctrl+z")
        assert stored(project) == ORIGINAL
        await pilot.press("U")
        assert stored(project)[0] == ((0, 2), (0, 2), "auto")
        await pilot.press("ctrl+y")
        assert stored(project) == ORIGINAL
        await pilot.press("ctrl+y")  # nothing more to redo: harmless
        assert stored(project) == ORIGINAL
        # the table shows what the project holds
        assert len(pilot.app.screen.query_one(BeadTable).data.beads) == 6


async def test_undo_and_redo_survive_a_restart(project: Path) -> None:
    async with app_for(project).run_test(size=SIZE) as pilot:
        await pilot.press("m", "c")
        await pilot.press("ctrl+q")
    merged = [((0, 2), (0, 2), "confirmed"), *ORIGINAL[2:]]
    assert stored(project) == merged
    async with app_for(project, pair=None).run_test(size=SIZE) as pilot:  # a new session, on the pair list
        assert isinstance(pilot.app.screen, PairListScreen)
        await pilot.press("u")
        assert stored(project) == [((0, 2), (0, 2), "auto"), *ORIGINAL[2:]]
        await pilot.press("u")
        assert stored(project) == ORIGINAL
    async with app_for(project).run_test(size=SIZE) as pilot:
        await pilot.press("U", "U")
        assert stored(project) == merged
        table = pilot.app.screen.query_one(BeadTable)
        assert table.data.beads[0].status == "confirmed"
    assert [(e.action, e.state) for e in log(project)] == [("confirm", "done"), ("merge", "done")]


async def test_review_queue_goes_to_low_scores(project: Path) -> None:
    async with app_for(project).run_test(size=SIZE) as pilot:
        table = pilot.app.screen.query_one(BeadTable)
        await pilot.press("n")
        assert table.cursor == 2  # score 0.05, the lowest
        await pilot.press("space")  # confirms it and moves on; confirmed beads leave the queue
        assert table.cursor == 3
        await pilot.press("n")
        assert table.cursor == 4  # 0.35: below the confidence threshold (alignment.confidence.FLAG_BELOW)
        await pilot.press("N")
        assert table.cursor == 3  # 0.71 is doubtful too; 0.93 and above are not
    assert stored(project)[2][2] == "confirmed"


async def test_review_queue_is_lowest_confidence_first_with_its_place(project: Path) -> None:
    async with app_for(project).run_test(size=SIZE) as pilot:
        table = pilot.app.screen.query_one(BeadTable)
        seen: list[str] = []
        original = pilot.app.notify
        pilot.app.notify = lambda message, **kw: (seen.append(str(message)), original(message, **kw))[1]  # type: ignore[method-assign]  # record what the analyst reads
        await pilot.press("n", "n", "n", "n")
        # 0.05, then 0.35 (bead 5) before 0.71 (bead 4): confidence order, not document order; then round
        assert seen[:4] == [
            "Review 1 of 3: bead 3, confidence 0.05",
            "Review 2 of 3: bead 5, confidence 0.35",
            "Review 3 of 3: bead 4, confidence 0.71",
            "Review 1 of 3: bead 3, confidence 0.05",
        ]
        assert table.cursor == 2


def fake_realigner(ja, en):
    """Pairs the segments one to one, the rest unaligned: enough to see the stretch replaced."""
    n = min(len(ja), len(en))
    beads = [Bead((i, i + 1), (i, i + 1), score=0.5) for i in range(n)]
    beads += [Bead((i, i + 1), (n, n), score=0.5) for i in range(n, len(ja))]
    beads += [Bead((len(ja), len(ja)), (i, i + 1), score=0.5) for i in range(n, len(en))]
    return beads


async def test_a_merged_bead_gets_the_aligners_confidence(project: Path) -> None:
    """After m, the new bead is scored in a worker: the fake aligner keeps the two sentences apart (0.5
    each), so the person's merged bead is right with probability 1 - 0.5."""
    app = app_for(project, realigner=fake_realigner)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("m")
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        table = pilot.app.screen.query_one(BeadTable)
        assert table.data.beads[0].type == "2-2" and table.data.beads[0].score == 0.5
    db = open_db(str(project))
    try:
        assert get_beads(db, get_pair(db, "p").id)[0].score == 0.5  # stored, not only shown
    finally:
        db.close()


async def test_realign_runs_in_a_worker_and_keeps_confirmed_beads(project: Path) -> None:
    app = app_for(project, realigner=fake_realigner)
    async with app.run_test(size=SIZE) as pilot:
        await cursor_to(pilot, 1)
        await pilot.press("c")  # bead 2 confirmed: the stretch around bead 4 is beads 3..6
        await cursor_to(pilot, 3)
        await pilot.press("R")
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        assert stored(project) == [
            ORIGINAL[0],
            ((1, 2), (1, 2), "confirmed"),
            ((2, 3), (2, 3), "auto"),
            ((3, 4), (3, 4), "auto"),
            ((4, 5), (4, 5), "auto"),
            ((5, 6), (5, 5), "auto"),
        ]
        await pilot.press("u")
        assert stored(project)[2:] == ORIGINAL[2:]


async def test_quitting_during_a_realignment_writes_nothing(project: Path) -> None:
    release = threading.Event()
    started = threading.Event()

    def slow(ja, en):
        started.set()
        release.wait(10)
        return fake_realigner(ja, en)

    async with app_for(project, realigner=slow).run_test(size=SIZE) as pilot:
        await pilot.press("R")
        assert started.wait(5)
        assert pilot.app.screen.query_one("#busy").display  # the indicator shows; the UI still answers keys
        await pilot.press("down")
        assert pilot.app.screen.query_one(BeadTable).cursor == 1
        await pilot.press("m")  # edits wait for the realignment
        await pilot.press("ctrl+q")
    release.set()
    assert stored(project) == ORIGINAL
    assert log(project) == []


async def test_write_english_for_a_bead_without_english_by_pasting(project: Path) -> None:
    async with app_for(project).run_test(size=SIZE) as pilot:
        await cursor_to(pilot, 2)
        await pilot.press("e")
        assert isinstance(pilot.app.screen, RenderModal)
        await paste(pilot, "Ｔｅｓｔ Co., Ltd.'s guide (ｶﾞｲﾄﾞ) 🙂 is for reference.")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(pilot.app.screen, AlignScreen)
        table = pilot.app.screen.query_one(BeadTable)
        assert table.data.en[2].startswith("Ｔｅｓｔ")
    assert stored(project)[2] == ((2, 3), (2, 3), "confirmed")
    assert stored(project)[3] == ((3, 4), (3, 4), "auto")  # later beads moved with the new segment
    db = open_db(str(project))
    doc = get_document(db, get_pair(db, "p").id, "en")
    segs = get_segments(db, doc.id)
    assert [s.text for s in segs][2] == "Ｔｅｓｔ Co., Ltd.'s guide (ｶﾞｲﾄﾞ) 🙂 is for reference."
    assert all(doc.text[s.start : s.end] == s.text for s in segs)


async def test_english_rendering_cancelled_or_interrupted_writes_nothing(project: Path) -> None:
    async with app_for(project).run_test(size=SIZE) as pilot:
        await cursor_to(pilot, 2)
        await pilot.press("e")
        await pilot.press(*"Draft")
        await pilot.press("escape")  # typed text: escape asks first
        assert isinstance(pilot.app.screen, ConfirmModal)
        await pilot.press("n")  # back to the text, still there
        assert isinstance(pilot.app.screen, RenderModal)
        assert pilot.app.screen.query_one(TextArea).text == "Draft"
        await pilot.press("escape", "y")
        assert isinstance(pilot.app.screen, AlignScreen)
        await pilot.press("e", "escape")  # nothing typed: escape leaves at once
        assert isinstance(pilot.app.screen, AlignScreen)
        await pilot.press("e")
        await pilot.press(*"Half typed")
        await pilot.press("ctrl+q")  # quitting mid-edit
    assert stored(project) == ORIGINAL
    assert log(project) == []


async def test_edit_existing_english_and_undo(project: Path) -> None:
    async with app_for(project).run_test(size=SIZE) as pilot:
        await cursor_to(pilot, 3)
        await pilot.press("e")
        area = pilot.app.screen.query_one(TextArea)
        assert area.text == "The defence ministers' meeting is held once a year. 🙂"
        area.text = "The defence ministers meet once a year.\nThey rotate the venue."
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert stored(project)[3] == ((3, 4), (2, 4), "confirmed")
        await pilot.press("u")
        await pilot.pause()
        assert stored(project) == ORIGINAL
        assert pilot.app.screen.query_one(BeadTable).data.en[2].startswith("The defence ministers' meeting")


async def test_help_palette_and_panel_toggle(project: Path) -> None:
    async with app_for(project).run_test(size=SIZE) as pilot:
        await pilot.press("question_mark")
        assert isinstance(pilot.app.screen, HelpScreen)
        keys = {row[1] for row in pilot.app.screen.rows}
        assert {"m", "s", "[", "]", "{", "}", "x", "c", "R", "e", "u / ctrl+z", "ctrl+q"} <= keys
        await pilot.press("escape")
        assert isinstance(pilot.app.screen, AlignScreen)
        commands = [c.title for c in pilot.app.get_system_commands(pilot.app.screen)]
        assert "Merge the bead with the next one" in commands and "Undo" in commands
        await pilot.press("backslash")
        assert not pilot.app.screen.query_one("#glossary-panel-scroll").display
        await pilot.press("escape")
        assert isinstance(pilot.app.screen, PairListScreen)


async def test_command_palette_runs_an_action(project: Path) -> None:
    async with app_for(project).run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+p")
        await pilot.press(*"Merge the bead with the next")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await pilot.pause()
    assert stored(project)[0] == ((0, 2), (0, 2), "auto")


async def test_pair_list_shows_progress_and_opens_a_pair(project: Path) -> None:
    async with app_for(project, pair=None).run_test(size=SIZE) as pilot:
        screen = pilot.app.screen
        assert isinstance(screen, PairListScreen)
        assert [(r.name, r.beads) for r in screen.rows] == [("big", 300), ("p", 6)]
        await pilot.press("down", "enter")
        await pilot.pause()
        assert isinstance(pilot.app.screen, AlignScreen) and pilot.app.screen.pair_name == "p"
        await pilot.press("C", "y", "escape")
        await pilot.pause()
        assert pilot.app.screen.rows[1].confirmed == 1


async def test_moving_in_a_big_pair_scrolls_and_keeps_the_cursor_visible(project: Path) -> None:
    async with app_for(project, pair="big").run_test(size=SIZE) as pilot:
        table = pilot.app.screen.query_one(BeadTable)
        await pilot.press("pagedown", "pagedown")
        assert table.cursor > 20
        assert table.scroll_y <= table.cursor < table.scroll_y + table.size.height
        await pilot.press("end", "m")  # no next bead: a warning, nothing changes
        assert table.cursor == 299
        await pilot.press("M")
    assert len(stored(project, "big")) == 299


async def test_keys_can_be_remapped_from_a_file(project: Path, tmp_path: Path) -> None:
    from alignment.project import ProjectError
    from tui.keys import load_keymap

    keys = tmp_path / "keys.toml"
    keys.write_text('"align.merge-next" = "ctrl+j"\n"align.ja-down" = "J"\n', encoding="utf-8")
    app = make_app(project, user="ana", pair="p", keymap=load_keymap(keys))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("m")  # no longer bound
        assert stored(project) == ORIGINAL
        await pilot.press("ctrl+j")
        assert stored(project)[0] == ((0, 2), (0, 2), "auto")
        await pilot.press("question_mark")
        rows = {r[3]: r[1] for r in pilot.app.screen.rows}
        assert rows["align.merge-next"] == "ctrl+j" and rows["align.ja-down"] == "J"
    keys.write_text('"align.no-such-thing" = "x"\n', encoding="utf-8")
    with pytest.raises(ProjectError, match="unknown binding"):
        load_keymap(keys)
    with pytest.raises(ProjectError, match="no key file"):
        load_keymap(tmp_path / "missing.toml")


async def test_undo_from_another_screen_reloads_the_alignment_on_return(project: Path) -> None:
    async with app_for(project).run_test(size=SIZE) as pilot:
        await pilot.press("m")
        assert len(pilot.app.screen.query_one(BeadTable).data.beads) == 5
        await pilot.press("g")  # the glossary screen
        assert not isinstance(pilot.app.screen, AlignScreen)
        await pilot.press("u")  # project-wide: takes back the merge made in the alignment
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(pilot.app.screen, AlignScreen)
        assert len(pilot.app.screen.query_one(BeadTable).data.beads) == 6
    assert stored(project) == ORIGINAL


@pytest.mark.parametrize("key", ["m", "c", "s", "x", "space", "C", "e", "R", "right_square_bracket"])
async def test_every_edit_on_stale_beads_is_refused_and_the_screen_reloads(project: Path, key: str) -> None:
    from tui.core.beads import change_beads, load_pair
    from tui.core.project import Project

    async with app_for(project).run_test(size=SIZE) as pilot:
        screen = pilot.app.screen
        await cursor_to(pilot, 3)
        other = Project.open(project, user="bob", create=False)  # another program confirms bead 1
        state = load_pair(other.db, "p")
        new = [
            state.beads[0].__class__(state.beads[0].ja, state.beads[0].en, status="confirmed"),
            *state.beads[1:],
        ]
        change_beads(other, state, new, action="confirm", summary="confirm bead 1", cursor=0)
        other.close()
        before = stored(project)
        await pilot.press(key)
        await pilot.pause()
        assert stored(project) == before  # refused, whatever the edit
        assert screen.pair_state.beads[0].status == "confirmed"  # and the screen shows the pair as it is now
        assert screen.table.cursor == 3


async def test_ctrl_r_refreshes_every_screen(project: Path) -> None:
    from glossary import store as gstore
    from glossary.model import Entry

    async with app_for(project, pair=None).run_test(size=SIZE) as pilot:
        pairs = pilot.app.screen
        assert isinstance(pairs, PairListScreen)
        db = open_db(str(project))
        beads = get_beads(db, get_pair(db, "p").id)
        db.close()
        assert pairs.rows[0].confirmed == 0 or pairs.rows[1].confirmed == 0
        from tui.core.beads import change_beads, load_pair
        from tui.core.project import Project

        other = Project.open(project, user="bob", create=False)
        state = load_pair(other.db, "p")
        new = [b.__class__(b.ja, b.en, status="confirmed") for b in state.beads]
        change_beads(other, state, new, action="confirm", summary="confirm all", cursor=0)
        await pilot.press("ctrl+r")
        await pilot.pause()
        assert next(r for r in pairs.rows if r.name == "p").confirmed == len(beads)
        await pilot.press("g")
        glossary = pilot.app.screen
        n = len(glossary.entries)
        gstore.add(other.db, Entry(ja="新語", en="new word"), user="bob")
        await pilot.press("f5")
        await pilot.pause()
        assert len(glossary.entries) == n + 1
        other.close()


async def test_palette_lists_each_command_once_with_keys_as_people_write_them(project: Path) -> None:
    async with app_for(project).run_test(size=SIZE) as pilot:
        app = pilot.app
        commands = list(app.get_system_commands(app.screen))
        titles = [c.title.casefold() for c in commands]
        assert len(titles) == len(set(titles))
        helps = {c.title: c.help for c in commands}
        assert helps["JA: take next bead's first segment"] == "key: <"
        assert helps["Show/hide the glossary panel"] == "key: \\"


async def test_R_on_a_pair_without_english_says_so_and_writes_nothing(project: Path, notifications) -> None:
    from tui_project import JA, build_pair

    db = open_db(str(project))
    with_no_english = build_pair(db, "ja-only", JA, None, beads=[])
    db.close()
    async with app_for(project, pair="ja-only").run_test(size=SIZE) as pilot:
        screen = pilot.app.screen
        assert [b.type for b in screen.pair_state.beads] == ["1-0"] * len(JA)  # shown, not stored
        await pilot.press("R")
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        assert notifications.shown[-1].startswith("Nothing to realign: this stretch has no English yet")
        assert [b.type for b in screen.pair_state.beads] == ["1-0"] * len(JA)
    db = open_db(str(project))
    assert get_beads(db, with_no_english) == []  # reading and refusing wrote nothing
    db.close()
