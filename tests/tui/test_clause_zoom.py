"""Clauses in the app, end to end on seed 000 with the real aligner (embeddings) and the real clause parser:
zoom into a long numbered item, cut the English at the right words, link each Japanese clause to its
English piece, confirm, zoom out, and find the clause beads in `beads --level clause` and `export --level
clause`; undo and redo across both levels, keyboard only.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from click.testing import CliRunner
from textual.widgets import TextArea

from tui.app import make_app
from tui.cli import cli
from tui.screens.align import AlignScreen
from tui.screens.cut_pieces import CutPiecesModal
from tui.screens.modals import RenderModal
from tui.widgets.bead_table import BeadTable

if TYPE_CHECKING:
    from textual.pilot import Pilot
    from tui_project import Notifications

pytest_plugins = ["tui_project"]

pytestmark = pytest.mark.slow

NAME = "000_018672d04432ce13"
SIZE = (120, 40)
ITEM = 35
"""Bead 36: 「４. 主要な伝統的及び非伝統的な脅威に対する安全保障協力を現代化し、…更なる機会を見出す。」, four
Japanese clauses rendered as one English sentence."""
CUTS = ("and to respond", "the two countries will", "through means")
PIECES = [
    "4. In order to modernise security cooperation against major traditional and non-traditional threats",
    "and to respond to the challenges and opportunities presented by new, critical and emerging technologies,",
    "the two countries will identify further opportunities",
    "through means including the following:",
]
LINKED = [
    ("４. 主要な伝統的及び非伝統的な脅威に対する安全保障協力を現代化し、", PIECES[0]),
    ("新しく、重要な新興技術がもたらす課題と機会に対応するため、", PIECES[1]),
    # 以下の方法などにより ↔ through means…, 更なる機会を見出す ↔ will identify…: crossed, so one 2-2 bead
    ("以下の方法などにより、更なる機会を見出す。", f"{PIECES[2]} {PIECES[3]}"),
]


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Seed 000 as `taiyaku import` and `align` leave it (sentence level only: the app aligns the clauses)."""
    from tui_project import seed_project  # here, once pytest has taken it as a plugin (assertions rewritten)

    return seed_project(tmp_path_factory.mktemp("clauses") / "taiyaku.db", ["align", NAME])


@pytest.fixture
def real(built: Path, tmp_path: Path) -> Path:
    from tui_project import copy_of

    return copy_of(built, tmp_path)


def run(db: Path, *args: str) -> str:
    result = CliRunner().invoke(cli, list(args), env={"TAIYAKU_DB": str(db)}, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.output


def pairs_shown(screen: AlignScreen) -> list[tuple[str, str]]:
    """What the zoomed table shows: each clause bead's Japanese and English."""
    return [screen.bead_text(k) for k in range(len(screen.beads))]


async def cut_before(pilot: Pilot[None], words: str) -> None:
    """Open the cut dialog and walk its cursor (keys only) to the place before `words`, then cut."""
    await pilot.press("slash")
    modal = pilot.app.screen
    assert isinstance(modal, CutPiecesModal)
    pieces = modal.pieces["en"]
    stops = modal.stops
    target = next(
        k
        for k, s in enumerate(stops)
        if s.offset is not None and pieces[s.piece].text[s.offset - pieces[s.piece].start :].startswith(words)
    )
    step = "right" if target > modal.cursor else "left"
    await pilot.press(*[step] * abs(target - modal.cursor))
    assert modal.cursor == target
    await pilot.press("enter")
    await pilot.pause()


async def join_pieces(pilot: Pilot[None]) -> None:
    """Open the cut dialog, walk to the border between the first two pieces (┃) and join them."""
    await pilot.press("slash")
    modal = pilot.app.screen
    assert isinstance(modal, CutPiecesModal)
    target = next(k for k, s in enumerate(modal.stops) if s.offset is None)
    step = "right" if target > modal.cursor else "left"
    await pilot.press(*[step] * abs(target - modal.cursor), "enter")
    await pilot.pause()


async def test_zoom_cut_link_confirm_and_find_the_clause_beads(
    real: Path, notifications: Notifications
) -> None:
    app = make_app(real, user="ana", pair=NAME)
    async with app.run_test(size=SIZE) as pilot:
        screen = app.screen
        assert isinstance(screen, AlignScreen)
        table = screen.query_one(BeadTable)
        table.move_to(ITEM)
        sentence_shape = [(b.ja, b.en) for b in screen.pair_state.beads]
        await pilot.press("z")  # nobody aligned the clauses yet: a worker does, then the view zooms in
        await app.workers.wait_for_complete()
        await pilot.pause()
        zoom = screen.zoom
        assert zoom is not None and zoom.sentence == ITEM
        assert "CLAUSE level · bead 36" in str(screen.query_one("#status-line").render())
        # the aligner makes one 4-1 clause bead: the English is one piece
        assert [b.type for b in screen.beads] == ["4-1"]
        for words in CUTS:
            await cut_before(pilot, words)
        assert [b.type for b in screen.beads] == ["4-4"]
        assert english_pieces(screen) == PIECES
        # R realigns the unconfirmed clauses of this bead only (the real clause aligner), u takes it back
        await pilot.press("R")
        await app.workers.wait_for_complete()
        await pilot.pause()
        realigned = [(b.ja, b.en) for b in screen.beads]
        assert len(realigned) > 1 and realigned[0][0][0] == zoom.beads[0].ja[0]
        assert realigned[-1][0][1] == zoom.beads[0].ja[1] and realigned[-1][1][1] == zoom.beads[0].en[1] + 3
        await pilot.press("u")
        assert screen.zoom is not None and [b.type for b in screen.beads] == ["4-4"]
        # link by hand: split off the first clause and piece, then the second; the crossed pair stays 2-2
        await pilot.press("s")
        table.move_to(1)
        await pilot.press("s")
        assert [b.type for b in screen.beads] == ["1-1", "1-1", "2-2"]
        assert pairs_shown(screen) == LINKED
        # a piece cut in the wrong place is joined back (the dialog's cursor on ┃), then cut again
        table.move_to(2)
        await join_pieces(pilot)
        assert english_pieces(screen) == [*PIECES[:2], f"{PIECES[2]} {PIECES[3]}"]
        await cut_before(pilot, "through means")
        assert english_pieces(screen) == PIECES and pairs_shown(screen) == LINKED
        # confirm every clause bead of the item and go back to sentences
        await pilot.press("C", "y")
        assert all(b.status == "confirmed" for b in screen.beads)
        await pilot.press("z")
        assert screen.zoom is None and table.cursor == ITEM
        assert [(b.ja, b.en) for b in screen.pair_state.beads] == sentence_shape
        # undo from the sentence level takes the analyst back into the clauses, and redo again
        await pilot.press("u")
        assert screen.zoom is not None and screen.zoom.sentence == ITEM
        assert not all(b.status == "confirmed" for b in screen.beads)
        await pilot.press("U")
        assert all(b.status == "confirmed" for b in screen.beads)
        await pilot.press("z")
        # a sentence-level merge of this bead resets its clause links (said, in one action); u brings them back
        table.move_to(ITEM)
        await pilot.press("m")
        assert any("Clause links reset in bead 36" in m for m in notifications.shown)
        await pilot.press("z")
        assert len(screen.beads) == 1 and screen.beads[0].status == "auto"
        await pilot.press("z", "u")
        assert screen.zoom is None
        await pilot.press("z")
        assert pairs_shown(screen) == LINKED and all(b.status == "confirmed" for b in screen.beads)
    assert notifications.errors == []
    shown = json.loads(run(real, "beads", NAME, "--level", "clause", "--json"))
    mine = [r for r in shown if r["sentence_bead"] == ITEM + 1]
    assert [("".join(r["ja"]), " ".join(s.strip() for s in r["en"])) for r in mine] == LINKED
    assert [r["clause"] for r in mine] == [1, 2, 3] and all(r["status"] == "confirmed" for r in mine)
    exported = run(
        real, "export", NAME, "--level", "clause", "--format", "jsonl", "--confirmed-only", "-o", "-"
    )
    records = [json.loads(line) for line in exported.splitlines() if line.startswith("{")]
    assert [(r["sentence_bead"], r["clause"]) for r in records] == [(ITEM + 1, k) for k in range(1, 4)]
    assert [("".join(r["ja"]), " ".join(e.strip() for e in r["en"])) for r in records] == LINKED
    assert all(r["ja_sentence_index"] == [ITEM] for r in records)


def english_pieces(screen: AlignScreen) -> list[str]:
    zoom = screen.zoom
    assert zoom is not None
    lo, hi = zoom.ranges[1]
    return [zoom.clauses.en_texts[k].strip() for k in range(lo, hi)]


async def zoom_into_item(pilot: Pilot[None], *first: str) -> AlignScreen:
    """On bead 36, press `first` keys, then zoom into its clauses (waiting for the first zoom's alignment)."""
    screen = pilot.app.screen
    assert isinstance(screen, AlignScreen)
    screen.query_one(BeadTable).move_to(ITEM)
    await pilot.press(*first, "z")
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    assert screen.zoom is not None and screen.zoom.sentence == ITEM
    return screen


async def test_e_writes_english_for_a_clause_without_any(real: Path, notifications: Notifications) -> None:
    app = make_app(real, user="ana", pair=NAME)
    async with app.run_test(size=SIZE) as pilot:
        screen = await zoom_into_item(pilot)
        table = screen.query_one(BeadTable)
        await pilot.press("x")  # 4-1 torn apart: four 1-0 and one 0-1
        assert [b.type for b in screen.beads] == ["1-0"] * 4 + ["0-1"]
        table.move_to(3)  # 更なる機会を見出す。 has no English of its own
        await pilot.press("e")
        assert isinstance(app.screen, RenderModal)
        app.screen.query_one(TextArea).text = ""
        await pilot.press(*"and will find further opportunities.", "ctrl+s")
        await pilot.pause()
        assert screen.bead_text(3) == ("更なる機会を見出す。", "and will find further opportunities.")
        assert screen.beads[3].status == "confirmed"
        before = run(real, "segments", NAME, "--lang", "en", "--json")
        assert "and will find further opportunities." in before
        await pilot.press("u")
        assert screen.zoom is not None and screen.bead_text(3)[1] == ""
        after = run(real, "segments", NAME, "--lang", "en", "--json")
        assert "and will find further opportunities." not in after
    assert notifications.errors == []


async def test_undo_waits_while_the_first_zoom_aligns(real: Path, notifications: Notifications) -> None:
    """The clause alignment a first zoom starts is stored as an action when it is back: an undo pressed
    meanwhile would take back an older action and lose its redo, so it waits (as edits do)."""
    import threading

    app = make_app(real, user="ana", pair=NAME)
    held = threading.Event()
    align = app.session.align_clauses

    def slow_align(pair: object) -> None:  # the real alignment, once the test has pressed its keys
        held.wait(30)
        align(pair)  # type: ignore[arg-type]

    app.session.align_clauses = slow_align  # type: ignore[method-assign]
    async with app.run_test(size=SIZE) as pilot:
        screen = app.screen
        assert isinstance(screen, AlignScreen)
        await pilot.press("c")  # confirm bead 1: the action an early undo would take back
        screen.query_one(BeadTable).move_to(ITEM)
        await pilot.press("z", "u", "m")
        assert any("Wait until aligning the clauses finishes, then undo" in m for m in notifications.shown)
        assert "Wait until aligning the clauses finishes." in notifications.shown  # edits wait too
        held.set()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert screen.zoom is not None and screen.pair_state.beads[0].status == "confirmed"
        await pilot.press("u")  # now it undoes the clause alignment, and the confirmation stays
        await pilot.press("z")
        assert screen.pair_state.beads[0].status == "confirmed"
    assert notifications.errors == []


async def test_a_change_elsewhere_keeps_the_zoom_on_its_bead_or_says_it_changed(
    real: Path, notifications: Notifications
) -> None:
    from alignment import edit
    from tui.core import beads
    from tui.core.project import Project

    def merge_elsewhere(number: int) -> None:  # another program merges bead `number` with the next
        other = Project.open(real, user="bo", create=False)
        try:
            state = beads.load_pair(other.db, NAME)
            new = edit.merge(list(state.beads), number - 1)
            beads.change_beads(other, state, new, action="merge", summary="merge", cursor=number - 1)
        finally:
            other.db.close()

    app = make_app(real, user="ana", pair=NAME)
    async with app.run_test(size=SIZE) as pilot:
        screen = await zoom_into_item(pilot)
        mine = screen.pair_state.beads[ITEM]
        merge_elsewhere(ITEM - 1)  # two beads before this one become one: it is bead 35 now
        await pilot.press("c")  # refused on stale beads, and shown as they are now
        await pilot.pause()
        assert any("changed by another program" in m for m in notifications.shown)
        assert screen.zoom is not None and screen.zoom.sentence == ITEM - 1
        assert (screen.pair_state.beads[ITEM - 1].ja, screen.pair_state.beads[ITEM - 1].en) == (
            mine.ja,
            mine.en,
        )
        assert all(b.status != "confirmed" for b in screen.beads)  # nothing was confirmed on the wrong bead
        merge_elsewhere(ITEM)  # now the zoomed bead itself is merged with the next
        await pilot.press("ctrl+r")
        await pilot.pause()
        assert screen.zoom is None and screen.table.cursor == ITEM - 1
        assert any("was changed elsewhere: back at the sentence level" in m for m in notifications.shown)
    assert notifications.errors == []


async def test_e_on_a_sentence_without_english_writes_the_sentence_and_stays_zoomed(
    real: Path, notifications: Notifications
) -> None:
    app = make_app(real, user="ana", pair=NAME)
    async with app.run_test(size=SIZE) as pilot:
        screen = await zoom_into_item(pilot, "x")  # bead 36 torn first: its Japanese has no English
        assert [b.type for b in screen.beads] == ["4-0"]
        await pilot.press("e")
        assert isinstance(app.screen, RenderModal) and "has none yet" in app.screen.title_text
        await pilot.press(*"In order to modernise cooperation, we will look further.", "ctrl+s")
        await pilot.pause()
        assert screen.zoom is not None and [b.type for b in screen.beads] == ["4-1"]
        assert screen.bead_text(0)[1] == "In order to modernise cooperation, we will look further."
    assert notifications.errors == []


async def test_spans_follow_the_clause_in_focus(real: Path, notifications: Notifications) -> None:
    app = make_app(real, user="ana", pair=NAME)
    async with app.run_test(size=SIZE) as pilot:
        screen = app.screen
        assert isinstance(screen, AlignScreen)
        state = screen.pair_state
        k = state.beads[ITEM].ja[0]
        start = state.ja_starts[k] + state.ja_texts[k].index("新興技術")
        screen.notes.add_span(state.pair, ITEM, "ja", start, start + 4, "TERM")
        screen = await zoom_into_item(pilot, "ctrl+r")
        screen.table.move_to(0)
        await pilot.press("s")  # the first clause apart from the other three: the span is in the second
        await pilot.pause()
        assert screen.bead_spans(0) == []
        marks = [screen.mark(s) for s in screen.bead_spans(1)]
        assert [(m.text, m.label) for m in marks] == [("新興技術", "TERM")]
        clause = screen.shown.ja_texts[marks[0].segment]
        assert clause.startswith("新しく") and clause[marks[0].start : marks[0].end] == "新興技術"
    assert notifications.errors == []
