"""Every app action once, end to end, on a real project: seed 000 imported, aligned by the real aligner
(with embeddings), suggested by GiNZA and harvested, then driven by keys as a person would.

The project is built once per session and copied for each test. Any error notification the app shows that
a test does not expect fails it (the `notifications` fixture of tui_project).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from textual.widgets import DataTable, Input, TextArea

from alignment.bead_store import get_beads
from alignment.store import get_pair
from glossary import spans as gspans
from glossary import store as gstore
from tui.app import make_app
from tui.common import open_db
from tui.core import history
from tui.screens.align import AlignScreen
from tui.screens.glossary import GlossaryScreen
from tui.screens.help import HelpScreen
from tui.screens.modals import ConfirmModal, EntryModal, PickModal, RenderModal
from tui.screens.pairs import PairListScreen
from tui.screens.span_editor import SpanEditor
from tui.widgets.bead_table import BeadTable

if TYPE_CHECKING:
    from tui_project import Notifications

pytest_plugins = ["tui_project"]  # the `notifications` fixture (a module, not a conftest: see tui_project)

pytestmark = pytest.mark.slow

NAME = "000_018672d04432ce13"
SIZE = (120, 40)


@pytest.fixture(scope="session")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Seed 000 as `taiyaku import`, `align`, `suggest` and `glossary harvest` leave it."""
    from tui_project import seed_project  # here, once pytest has taken it as a plugin (assertions rewritten)

    steps = (["align", NAME], ["suggest", NAME], ["glossary", "harvest", NAME])
    return seed_project(tmp_path_factory.mktemp("real") / "taiyaku.db", *steps)


@pytest.fixture
def real(built: Path, tmp_path: Path) -> Path:
    from tui_project import copy_of

    return copy_of(built, tmp_path)


def beads_of(project: Path) -> list[tuple[tuple[int, int], tuple[int, int], str]]:
    db = open_db(str(project))
    try:
        return [(b.ja, b.en, b.status) for b in get_beads(db, get_pair(db, NAME).id)]
    finally:
        db.close()


def shape(screen: AlignScreen) -> list[tuple[tuple[int, int], tuple[int, int]]]:
    return [(b.ja, b.en) for b in screen.pair_state.beads]


def last_action(project: Path) -> str:
    db = open_db(str(project))
    try:
        return history.entries(db, limit=1)[0].action
    finally:
        db.close()


async def test_R_realigns_a_misaligned_stretch_back(real: Path, notifications: Notifications) -> None:
    app = make_app(real, user="ana", pair=NAME)
    async with app.run_test(size=SIZE) as pilot:
        screen = app.screen
        assert isinstance(screen, AlignScreen)
        table = screen.query_one(BeadTable)
        aligned = shape(screen)
        # fence a stretch with two confirmed beads (10 and 17), then break the beads between them
        table.move_to(9)
        await pilot.press("c")
        table.move_to(16)
        await pilot.press("c")
        table.move_to(11)
        await pilot.press("m", "m", "x")  # beads 12–14 one 3-3 bead, then torn into three 1-0 and three 0-1
        broken = shape(screen)
        assert len(broken) == len(aligned) + 3
        assert [b.type for b in screen.pair_state.beads[11:17]] == ["1-0"] * 3 + ["0-1"] * 3
        assert [b[:2] for b in beads_of(real)] == broken
        await pilot.press("R")
        await app.workers.wait_for_complete()
        await pilot.pause()
        await pilot.pause()
        # the stretch between the confirmed beads is aligned one to one again, as the aligner had it
        assert shape(screen) == aligned
        assert [b[:2] for b in beads_of(real)] == aligned
        assert last_action(real) == "realign"
        statuses = [b.status for b in screen.pair_state.beads]
        assert statuses[9] == statuses[16] == "confirmed"
        assert all(s == "auto" for s in statuses[10:16])
        # realigned beads carry the aligner's score again
        assert all(b.score is not None for b in screen.pair_state.beads[10:16])
        await pilot.press("u")  # the realignment is one undo
        assert shape(screen) == broken
    assert notifications.errors == []


async def test_every_bead_key_once(real: Path) -> None:
    app = make_app(real, user="ana", pair=NAME)
    async with app.run_test(size=SIZE) as pilot:
        screen = app.screen
        assert isinstance(screen, AlignScreen)
        table = screen.query_one(BeadTable)
        start = shape(screen)
        table.move_to(20)
        await pilot.pause()

        async def check(keys: tuple[str, ...], action: str, types: tuple[str, str]) -> None:
            await pilot.press(*keys)
            beads = screen.pair_state.beads
            assert (beads[20].type, beads[21].type) == types, keys
            assert last_action(real) == action
            await pilot.press("u")
            assert shape(screen) == start, keys

        await check(("m",), "merge", ("2-2", "1-1"))
        await check(("right_square_bracket",), "move-segment", ("0-1", "2-1"))
        await check(("right_curly_bracket",), "move-segment", ("1-0", "1-2"))
        await check(("less_than_sign",), "pull-segment", ("2-1", "0-1"))
        await check(("greater_than_sign",), "pull-segment", ("1-2", "1-0"))
        await check(("x",), "unlink", ("1-0", "0-1"))
        await pilot.press("m", "s")  # split the merged bead again: back to two beads
        assert shape(screen) == start and last_action(real) == "split"
        # after merge/split the bead is the analyst's: named as who made it, and scored afresh by the aligner
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        bead = screen.pair_state.beads[20]
        assert bead.updated_by == "ana" and bead.score is not None and 0.0 <= bead.score <= 1.0
        table.move_to(21)
        await pilot.press("M")  # merge with the previous bead
        assert screen.pair_state.beads[20].type == "2-2" and table.cursor == 20
        await pilot.press("u")
        await pilot.press("left_square_bracket")  # bead 22's first JA segment up into bead 21
        assert screen.pair_state.beads[20].type == "2-1"
        await pilot.press("u", "left_curly_bracket")
        assert screen.pair_state.beads[20].type == "1-2"
        await pilot.press("u")
        assert shape(screen) == start
        # review: confirm, unconfirm, confirm and go on, confirm everything above
        await pilot.press("c")
        assert beads_of(real)[21][2] == "confirmed"
        await pilot.press("c")
        assert beads_of(real)[21][2] == "auto"
        await pilot.press("space")
        assert beads_of(real)[21][2] == "confirmed" and table.cursor == 22
        await pilot.press("C")
        assert isinstance(app.screen, ConfirmModal)
        await pilot.press("y")
        assert all(b[2] == "confirmed" for b in beads_of(real)[:23])
        await pilot.press("u", "u")
        assert all(b[2] == "auto" for b in beads_of(real))
        # the review queue goes to beads worth a look, both ways
        await pilot.press("n")
        flagged = {i for i, b in enumerate(screen.pair_state.beads) if table.data.is_low(b)} | screen.problems
        assert table.cursor in flagged or not flagged
        await pilot.press("N")
        assert table.cursor in flagged or not flagged
        # our English for a bead: replace it, undo it
        table.move_to(3)
        await pilot.press("e")
        assert isinstance(app.screen, RenderModal)
        area = app.screen.query_one(TextArea)
        area.text = ""
        await pilot.press(*"Our own English.", "ctrl+s")
        await pilot.pause()
        assert screen.bead_text(3)[1] == "Our own English."
        await pilot.press("u")
        assert screen.bead_text(3)[1] != "Our own English."
        # the panel toggle, help, refresh
        await pilot.press("backslash")
        assert screen.has_class("-no-panel")
        await pilot.press("backslash", "question_mark")
        assert isinstance(app.screen, HelpScreen)
        await pilot.press("escape", "ctrl+r")
        await pilot.pause()
        assert isinstance(app.screen, AlignScreen)
        await pilot.press("escape")
        assert isinstance(app.screen, PairListScreen)


async def test_every_span_and_glossary_link_key_once(real: Path) -> None:
    app = make_app(real, user="ana", pair=NAME)
    async with app.run_test(size=SIZE) as pilot:
        screen = app.screen
        assert isinstance(screen, AlignScreen)
        db = open_db(str(real))
        pair = get_pair(db, NAME)

        def status_of(span_id: int) -> str:
            return next(s.status for s in gspans.list_spans(db, pair) if s.id == span_id)

        await pilot.press("f")
        first = screen.selected()
        assert first is not None and first.status == "suggested"
        await pilot.press("a")
        assert status_of(first.id) == "accepted"
        second = screen.selected()
        assert second is not None and second.id != first.id
        await pilot.press("r")
        assert status_of(second.id) == "rejected"
        await pilot.press("F")  # back to an earlier suggestion
        await pilot.press("H")  # rejected spans shown
        await pilot.press("H")
        await pilot.press("o")
        cycled = screen.selected()
        assert cycled is not None
        await pilot.press("L", *"TERM", "enter")
        await pilot.pause()
        assert next(s.label for s in gspans.list_spans(db, pair) if s.id == cycled.id) == "TERM"
        await pilot.press("d")
        assert cycled.id not in {s.id for s in gspans.list_spans(db, pair)}
        await pilot.press("u")
        assert cycled.id in {s.id for s in gspans.list_spans(db, pair)}
        i = screen.table.cursor
        await pilot.press("A")
        assert all(s.status != "suggested" for s in screen.bead_spans(i))
        # a new span by GiNZA token (the parse runs in a worker)
        screen.table.move_to(0)
        await pilot.press("v")
        editor = app.screen
        assert isinstance(editor, SpanEditor)
        await app.workers.wait_for_complete()
        await pilot.press("w")
        drawn = editor.text[editor.start : editor.end]
        assert len(drawn) > 1  # one GiNZA token (日本国), not one character
        await pilot.press("enter", *"GPE", "enter")
        await pilot.pause()
        assert screen.selected() is not None and screen.selected().text == drawn  # type: ignore[union-attr]
        # link a span to an entry found anywhere in the glossary: folded search, not only the span's text
        entry = next(e for e in gstore.list_entries(db) if e.acronym)
        await pilot.press("t")
        picker = app.screen
        assert isinstance(picker, PickModal)
        query = picker.query_one(Input)
        query.value = entry.acronym.lower()  # type: ignore[union-attr]
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        linked = screen.selected()
        assert linked is not None and linked.entry_id == entry.id
        # ... and the panel lists the linked entry
        assert entry.id in [e.id for e in screen.query_one("#glossary-panel").entries]  # type: ignore[attr-defined]
        # a new entry from a span: the form starts on the first empty term, with the bead's English shown
        await pilot.press("f", "T")
        modal = app.screen
        assert isinstance(modal, EntryModal)
        focused = app.focused
        assert isinstance(focused, Input) and focused.selection.is_empty  # typing adds, never replaces a term
        await pilot.press(*"zz test term", "ctrl+s")
        await pilot.pause()
        made = gstore.lookup(db, "zz test term").hits
        assert made and made[0].entry.sources and made[0].entry.sources[0].pair == NAME
        # suggest again with GiNZA in a worker: decisions kept
        await pilot.press("S")
        await app.workers.wait_for_complete()
        await pilot.pause()
        await pilot.pause()
        assert status_of(first.id) == "accepted"
        assert last_action(real) == "suggest" or last_action(real) == "add-entry"
        db.close()


async def test_glossary_screen_keys_and_undo_says_where(real: Path, notifications: Notifications) -> None:
    app = make_app(real, user="ana", pair=NAME)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = app.screen
        assert isinstance(screen, AlignScreen)
        screen.table.move_to(5)
        await pilot.press("c")  # a change on the pair, bead 6
        await pilot.press("g")
        glossary = app.screen
        assert isinstance(glossary, GlossaryScreen)
        table = glossary.query_one(DataTable)
        # Home/End, j/k move in the list
        await pilot.press("end")
        assert table.cursor_row == len(glossary.entries) - 1
        await pilot.press("home", "j")
        assert table.cursor_row == 1
        # typing searches (width and case folded)
        bound = glossary.bound_keys()
        entry = next(e for e in glossary.entries if e.acronym and e.acronym[0].lower() not in bound)
        assert entry.acronym is not None
        await pilot.press(*entry.acronym.lower())
        await pilot.pause()
        assert glossary.entries and glossary.entries[0].id == entry.id
        await pilot.press("escape")  # back to the table, search kept
        await pilot.press("s", *"approved", "enter")
        await pilot.pause()
        db = open_db(str(real))
        assert entry.id is not None and gstore.get(db, entry.id).status == "approved"
        # the history shows old → new values
        assert "status proposed → approved" in glossary.detail_text
        # undo of the change on the pair, from the glossary: says where, G goes there
        await pilot.press("u")  # the status change
        await pilot.press("u")  # the confirm on the pair
        assert isinstance(app.screen, GlossaryScreen)
        assert app.last_place is not None and app.last_place.pair == NAME and app.last_place.bead == 5
        said = notifications.shown[-1]
        assert said.startswith("Undone: ") and f"on {NAME} bead 6: G goes there" in said
        await pilot.press("G")
        await pilot.pause()
        assert isinstance(app.screen, AlignScreen) and app.screen.table.cursor == 5
        await pilot.press("U")  # redo the confirm, here
        assert beads_of(real)[5][2] == "confirmed"
        # the glossary from bead 6: a new entry of a term in it records the bead as its provenance
        await pilot.press("g", "n")
        assert isinstance(app.screen, EntryModal)
        await pilot.press(*"資源基盤", "ctrl+s")
        await pilot.pause()
        glossary_screen = app.screen
        assert isinstance(glossary_screen, GlossaryScreen)
        made = gstore.lookup(db, "資源基盤").hits[0].entry
        assert [(s.pair, s.bead_index) for s in made.sources] == [(NAME, 5)]
        # edit it (enter), go to its bead (p), back, remove it (delete), undo the removal
        assert made.id is not None
        glossary_screen.select(made.id)
        await pilot.press("enter")
        assert isinstance(app.screen, EntryModal)
        app.screen.query_one("#entry-en", Input).value = "free and open"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert gstore.get(db, made.id).en == "free and open"
        await pilot.press("delete", "y")
        await pilot.pause()
        assert made.id not in [e.id for e in gstore.list_entries(db)]
        await pilot.press("u")
        assert gstore.get(db, made.id).en == "free and open"
        # p goes back to the pair already open underneath, on the entry's bead (no second copy of it)
        stack = len(app.screen_stack)
        glossary_screen.select(made.id)
        await pilot.press("p")
        await pilot.pause()
        assert isinstance(app.screen, AlignScreen) and app.screen.table.cursor == 5
        assert len(app.screen_stack) == stack - 1
        db.close()
