"""The issue's finish line: seed 000 and our English, from import to a confirmed alignment with accepted
acronym spans and approved glossary entries, keyboard only in the app, then a TMX export."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from alignment.bead_store import get_beads
from alignment.store import get_pair
from glossary import spans as gspans
from glossary import store as gstore
from tui.app import make_app
from tui.common import open_db
from tui.core import history
from tui.screens.align import AlignScreen
from tui.screens.glossary import GlossaryScreen
from tui.screens.pairs import PairListScreen

if TYPE_CHECKING:
    from tui_project import Notifications

pytest_plugins = ["tui_project"]  # fails the test on an error notification it does not expect

ROOT = Path(__file__).resolve().parents[2]
NAME = "000_018672d04432ce13"


@pytest.mark.slow
async def test_seed_000_from_import_to_tmx_keyboard_only(
    run, db_path: Path, tmp_path: Path, notifications: Notifications
) -> None:
    # the commands an analyst runs before opening the app
    assert (
        run("import", str(ROOT / f"seeds/{NAME}.txt"), str(ROOT / f"seeds/en/{NAME}.en.txt")).exit_code == 0
    )
    assert run("align", NAME).exit_code == 0
    assert run("suggest", NAME).exit_code == 0
    assert run("glossary", "harvest", NAME).exit_code == 0

    app = make_app(db_path, user="ana")
    async with app.run_test(size=(100, 34)) as pilot:
        assert isinstance(app.screen, PairListScreen)
        await pilot.press("enter")  # the only pair
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, AlignScreen)
        # the review: every acronym suggestion accepted, other suggestions rejected, one key each
        seen = 0
        await pilot.press("f")
        while (span := screen.selected()) is not None and span.status == "suggested" and seen < 1000:
            await pilot.press("a" if span.label == "ACRONYM" else "r")
            seen += 1
        # two beads merged by mistake: realigning the (whole, unconfirmed) alignment with the real aligner
        # in a worker puts them back as the aligner had them, as one undoable action
        before = [(b.ja, b.en) for b in screen.pair_state.beads]
        await pilot.press("home", "m")
        assert [(b.ja, b.en) for b in screen.pair_state.beads] != before
        await pilot.press("R")
        await app.workers.wait_for_complete()
        await pilot.pause()
        await pilot.pause()
        assert [(b.ja, b.en) for b in screen.pair_state.beads] == before
        assert history.entries(app.session.db, limit=1)[0].action == "realign"
        assert any(m.startswith("Realigned beads 1–") for m in notifications.shown)
        # the alignment: from the last bead, confirm everything above
        await pilot.press("end", "C", "y")
        await pilot.pause()
        # the glossary: approve every harvested entry
        await pilot.press("g")
        glossary = app.screen
        assert isinstance(glossary, GlossaryScreen)
        for _ in range(len(glossary.entries)):
            await pilot.press("s", *"approved", "enter", "down")
        await pilot.pause()
        await pilot.press("ctrl+q")

    db = open_db(str(db_path))
    pair = get_pair(db, NAME)
    beads = get_beads(db, pair.id)
    assert beads and all(b.status == "confirmed" for b in beads)
    acronyms = [s for s in gspans.list_spans(db, pair) if s.label == "ACRONYM"]
    assert acronyms and all(s.status == "accepted" for s in acronyms)
    assert not gspans.list_spans(db, pair, statuses=("suggested",))
    entries = gstore.list_entries(db)
    assert entries and all(e.status == "approved" for e in entries)
    triples = {e.acronym: (e.ja, e.en) for e in entries}
    assert triples["IPMDA"] == (
        "海洋状況把握のためのインド太平洋パートナーシップ",
        "Indo-Pacific Partnership for Maritime Domain Awareness",
    )
    db.close()

    out = tmp_path / "000.tmx"
    assert run("export", NAME, "--format", "tmx", "--confirmed-only", "-o", str(out)).exit_code == 0
    from translate.storage.tmx import tmxfile

    units = tmxfile(out.read_bytes()).units
    assert len(units) == sum(1 for b in beads if b.ja[0] < b.ja[1] and b.en[0] < b.en[1])
    listing = run("spans", "list", NAME, "--json")
    assert all(s["status"] != "suggested" for s in json.loads(listing.output))
