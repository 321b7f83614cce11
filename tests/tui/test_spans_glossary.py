"""Pilot tests of spans and the glossary in the app: each action checked in the project file, and undone."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual import events
from textual.widgets import Input

from alignment.store import get_document, get_pair, get_segments
from glossary import spans as gspans
from glossary import store as gstore
from glossary.model import Entry, Variant
from tui.app import make_app
from tui.common import open_db
from tui.screens.align import AlignScreen
from tui.screens.glossary import GlossaryScreen
from tui.screens.modals import EntryModal, PickModal
from tui.screens.span_editor import SpanEditor
from tui.widgets.bead_table import BeadTable

pytest_plugins = ["tui_project"]  # the `project` fixture (a module, not a conftest: see tui_project)

SIZE = (110, 40)


def find(text: str, part: str) -> tuple[int, int]:
    start = text.index(part)
    return start, start + len(part)


@pytest.fixture
def annotated(project: Path) -> Path:
    """The `project` pair with suggested spans on bead 1 and a small glossary."""
    db = open_db(str(project))
    pair = get_pair(db, "p")
    ja = get_document(db, pair.id, "ja").text
    en = get_document(db, pair.id, "en").text
    for lang, text, part, label in [
        ("ja", ja, "日本国", "GPE"),
        ("ja", ja, "インド洋地域情報融合センター", "ORG"),
        ("ja", ja, "ＩＦＣ－ＩＯＲ", "ACRONYM"),
        ("en", en, "Information Fusion Centre – Indian Ocean Region", "ORG"),
        ("en", en, "ReCAAP", "ACRONYM"),
    ]:
        a, b = find(text, part)
        gspans.add_span(db, pair, lang, a, b, label, user="suggest", status="suggested")
    gstore.add(
        db,
        Entry(
            ja="海洋状況把握のためのインド太平洋パートナーシップ",
            acronym="IPMDA",
            en="Indo-Pacific Partnership for Maritime Domain Awareness",
            status="approved",
        ),
        user="t",
    )
    gstore.add(db, Entry(ja="情報融合センター", en="IFC", acronym="IFC-IOR", status="proposed"), user="t")
    gstore.add(
        db,
        Entry(
            ja="年一回",
            en="annually",
            status="approved",
            variants=(Variant("en", "once a year (sic)", forbidden=True),),
        ),
        user="t",
    )
    db.close()
    return project


def spans_now(project: Path) -> dict[str, tuple]:
    db = open_db(str(project))
    try:
        return {
            s.text: (s.label, s.status, s.source, s.entry_id)
            for s in gspans.list_spans(db, get_pair(db, "p"))
        }
    finally:
        db.close()


def app_for(project: Path, pair: str | None = "p"):
    return make_app(project, user="ana", pair=pair)


async def test_next_accept_reject_and_undo(annotated: Path) -> None:
    async with app_for(annotated).run_test(size=SIZE) as pilot:
        screen = pilot.app.screen
        await pilot.press("f")
        assert screen.selected_span is not None
        await pilot.press("a")  # 日本国 accepted, selection moves to the next suggestion
        assert spans_now(annotated)["日本国"][1] == "accepted"
        await pilot.press("r")  # インド洋地域情報融合センター rejected
        assert spans_now(annotated)["インド洋地域情報融合センター"][1] == "rejected"
        assert spans_now(annotated)["日本国"][1] == "accepted"
        # rejected spans are hidden until asked for
        assert "インド洋地域情報融合センター" not in [s.text for s in screen.bead_spans(0)]
        await pilot.press("H")
        assert "インド洋地域情報融合センター" in [s.text for s in screen.bead_spans(0)]
        await pilot.press("u")
        assert spans_now(annotated)["インド洋地域情報融合センター"][1] == "suggested"
        await pilot.press("U")
        assert spans_now(annotated)["インド洋地域情報融合センター"][1] == "rejected"


async def test_accept_all_label_and_delete(annotated: Path) -> None:
    async with app_for(annotated).run_test(size=SIZE) as pilot:
        await pilot.press("A")
        now = spans_now(annotated)
        assert {now[t][1] for t in ("日本国", "インド洋地域情報融合センター", "ＩＦＣ－ＩＯＲ")} == {
            "accepted"
        }
        await pilot.press("o")  # select the first span of the bead
        await pilot.press("L")
        assert isinstance(pilot.app.screen, PickModal)
        await pilot.press(*"LOC", "enter")
        await pilot.pause()
        assert spans_now(annotated)["日本国"][0] == "LOC"
        await pilot.press("d")
        assert "日本国" not in spans_now(annotated)
        await pilot.press("u")
        assert spans_now(annotated)["日本国"][:2] == ("LOC", "accepted")
        await pilot.press("u")
        assert spans_now(annotated)["日本国"][0] == "GPE"


async def test_new_span_by_character_then_label(annotated: Path) -> None:
    async with app_for(annotated).run_test(size=SIZE) as pilot:
        await pilot.press("v")
        editor = pilot.app.screen
        assert isinstance(editor, SpanEditor)
        await pilot.press(*["shift+right"] * 4, "right", "right")
        assert editor.text[editor.start : editor.end] == "インド"
        await pilot.press("enter")
        assert isinstance(pilot.app.screen, PickModal)
        await pilot.press(*"GPE", "enter")
        await pilot.pause()
    assert spans_now(annotated)["インド"] == ("GPE", "accepted", "user", None)


@pytest.mark.slow
async def test_new_span_grows_by_ginza_token(annotated: Path) -> None:
    async with app_for(annotated).run_test(size=SIZE) as pilot:
        await pilot.press("v")
        editor = pilot.app.screen
        await pilot.app.workers.wait_for_complete()  # GiNZA parses the segment in a worker
        await pilot.pause()
        await pilot.press("b", "w")  # back to the first token edge, then one token on
        assert editor.text[editor.start : editor.end] == "日本"
        await pilot.press("w", "enter", *"GPE", "enter")
        await pilot.pause()
    assert spans_now(annotated)["日本国"][1] == "accepted"


async def test_link_span_to_entry_and_create_entry_from_span(annotated: Path) -> None:
    async with app_for(annotated).run_test(size=SIZE) as pilot:
        screen = pilot.app.screen
        # select the acronym span ＩＦＣ－ＩＯＲ
        while screen.selected().text != "ＩＦＣ－ＩＯＲ":
            await pilot.press("o")
        await pilot.press("t")
        assert isinstance(pilot.app.screen, PickModal)
        await pilot.press("enter")
        await pilot.pause()
        db = open_db(str(annotated))
        ifc = gstore.lookup(db, "IFC-IOR").hits[0].entry
        assert spans_now(annotated)["ＩＦＣ－ＩＯＲ"][3] == ifc.id
        # a new entry from the ORG span: Japanese from the span, English from the aligned side's ORG span
        while screen.selected().text != "インド洋地域情報融合センター":
            await pilot.press("o")
        await pilot.press("T")
        modal = pilot.app.screen
        assert isinstance(modal, EntryModal)
        assert modal.current().ja == "インド洋地域情報融合センター"
        assert modal.current().en == "Information Fusion Centre – Indian Ocean Region"
        await pilot.press("ctrl+s")
        await pilot.pause()
        created = gstore.lookup(db, "インド洋地域情報融合センター").hits[0].entry
        assert created.en == "Information Fusion Centre – Indian Ocean Region"
        assert created.sources[0].pair == "p" and created.sources[0].bead_index == 0
        _label, status, _source, entry_id = spans_now(annotated)["インド洋地域情報融合センター"]
        assert (status, entry_id) == ("accepted", created.id)
        # one undo takes back the entry and the link together
        await pilot.press("u")
        assert gstore.lookup(db, "インド洋地域情報融合センター").hits == ()
        assert spans_now(annotated)["インド洋地域情報融合センター"][1] == "suggested"
        await pilot.press("U")
        again = gstore.lookup(db, "インド洋地域情報融合センター").hits[0].entry
        assert again.id == created.id
        assert spans_now(annotated)["インド洋地域情報融合センター"][3] == created.id


async def test_glossary_panel_and_review_queue_show_qa(annotated: Path) -> None:
    async with app_for(annotated).run_test(size=SIZE) as pilot:
        screen = pilot.app.screen
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        assert screen.problems == frozenset({3})  # 年一回 without "annually"
        table = screen.query_one(BeadTable)
        table.move_to(1)
        await pilot.pause()
        panel = screen.query_one("#glossary-panel")
        assert [(e.acronym, e.status, e.english_found) for e in panel.entries] == [
            ("IPMDA", "approved", True)
        ]
        assert panel.problems == []
        table.move_to(3)
        await pilot.pause()
        assert [p.kind for p in panel.problems] == ["missing"]
        await pilot.press("home", "n")
        assert table.cursor == 3  # a QA problem is the first bead of the review queue


async def test_glossary_screen_search_status_edit_jump_remove(annotated: Path) -> None:
    async with app_for(annotated).run_test(size=SIZE) as pilot:
        await pilot.press("g")
        screen = pilot.app.screen
        assert isinstance(screen, GlossaryScreen)
        assert len(screen.entries) == 3
        await pilot.press("slash")
        pilot.app.post_message(events.Paste("ＩＰＭＤＡ"))  # full-width, pasted
        await pilot.pause()
        assert [e.acronym for e in screen.entries] == ["IPMDA"]
        await pilot.press("escape")  # back to the table
        await pilot.press("s")
        await pilot.press(*"deprec", "enter")
        await pilot.pause()
        db = open_db(str(annotated))
        ipmda = gstore.lookup(db, "IPMDA").hits[0].entry
        assert ipmda.status == "deprecated"
        await pilot.press("enter")
        modal = pilot.app.screen
        assert isinstance(modal, EntryModal)
        note = modal.query_one("#entry-note", Input)
        note.focus()
        pilot.app.post_message(events.Paste("第２版で確認"))
        await pilot.pause()
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert gstore.get(db, ipmda.id).note == "第２版で確認"
        await pilot.press("delete", "y")
        await pilot.pause()
        assert gstore.lookup(db, "IPMDA").hits == ()
        await pilot.press("u")
        await pilot.pause()
        restored = gstore.get(db, ipmda.id)
        assert restored.note == "第２版で確認" and restored.status == "deprecated"
        await pilot.press("u", "u")
        assert gstore.get(db, ipmda.id).status == "approved" and gstore.get(db, ipmda.id).note is None


async def test_glossary_jump_to_the_bead_of_an_entry(annotated: Path) -> None:
    db = open_db(str(annotated))
    pair = get_pair(db, "p")
    entry = gstore.lookup(db, "IPMDA").hits[0].entry
    from glossary.model import Source

    gstore.add_sources(db, entry.id, [Source(pair="p", lang="ja", segment_index=1)], user="t")
    db.close()
    async with app_for(annotated, pair=None).run_test(size=SIZE) as pilot:
        await pilot.press("g")
        screen = pilot.app.screen
        screen.select(entry.id)
        await pilot.press("p")
        await pilot.pause()
        assert isinstance(pilot.app.screen, AlignScreen)
        assert pilot.app.screen.query_one(BeadTable).cursor == 1
    assert pair.name == "p"


async def test_new_entry_from_the_glossary_screen(annotated: Path) -> None:
    async with app_for(annotated, pair=None).run_test(size=SIZE) as pilot:
        await pilot.press("g", "n")
        modal = pilot.app.screen
        assert isinstance(modal, EntryModal)
        pilot.app.post_message(events.Paste("アジア海賊対策地域協力協定"))
        await pilot.pause()
        modal.query_one("#entry-acronym", Input).value = "ReCAAP"
        await pilot.press("ctrl+s")
        await pilot.pause()
    db = open_db(str(annotated))
    hit = gstore.lookup(db, "recaap").hits[0].entry
    assert hit.ja == "アジア海賊対策地域協力協定" and hit.created_by == "ana"


async def test_writing_english_moves_the_english_spans_with_their_text(annotated: Path) -> None:
    async with app_for(annotated).run_test(size=SIZE) as pilot:
        pilot.app.screen.query_one(BeadTable).move_to(2)
        await pilot.pause()
        await pilot.press("e")
        pilot.app.post_message(events.Paste("Test Co.'s guide is for reference."))
        await pilot.pause()
        await pilot.press("ctrl+s")
        await pilot.pause()

        def check() -> None:
            db = open_db(str(annotated))
            pair = get_pair(db, "p")
            doc = get_document(db, pair.id, "en")
            segs = get_segments(db, doc.id)
            for s in gspans.list_spans(db, pair, lang="en"):
                assert doc.text[s.start : s.end] == s.text
                assert segs[s.segment].start <= s.start < segs[s.segment].end
            db.close()

        check()
        assert spans_now(annotated)["ReCAAP"][0] == "ACRONYM"
        await pilot.press("u")
        check()
        await pilot.press("U")
        check()


@pytest.mark.slow
async def test_suggest_in_a_worker_keeps_decisions_and_undoes(annotated: Path) -> None:
    async with app_for(annotated).run_test(size=SIZE) as pilot:
        await pilot.press("f", "a")  # a decision the run must keep: 日本国 accepted
        await pilot.press("S")  # (the busy indicator is tested with a realignment that can be held)
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        now = spans_now(annotated)
        assert now["ＩＰＭＤＡ"][:2] == ("ACRONYM", "suggested")
        assert now["日本国"][1] == "accepted"
        await pilot.press("u")
        after_undo = spans_now(annotated)
        assert "ＩＰＭＤＡ" not in after_undo and after_undo["日本国"][1] == "accepted"


async def burst(pilot, keys: list[tuple[str, str | None]]) -> None:
    """Keys as a terminal delivers a fast typist's burst: all queued before the app handles the first."""
    for key, character in keys:
        pilot.app.post_message(events.Key(key, character))
    await pilot.pause()
    await pilot.pause()


def typed(text: str) -> list[tuple[str, str | None]]:
    return [(c, c) for c in text]


async def test_a_burst_with_tab_fills_two_fields_and_paste_lands_at_the_cursor(annotated: Path) -> None:
    async with app_for(annotated, pair=None).run_test(size=SIZE) as pilot:
        await pilot.press("g", "n")
        modal = pilot.app.screen
        assert isinstance(modal, EntryModal)
        await burst(pilot, [*typed("abc"), ("tab", None), *typed("def"), ("tab", None), *typed("gh")])
        assert (modal.current().ja, modal.current().en, modal.current().acronym) == ("abc", "def", "gh")
        field = modal.query_one("#entry-acronym", Input)
        field.cursor_position = 1
        pilot.app.post_message(events.Paste("ＸＹ"))  # pasted (or committed by an IME) at the cursor
        await pilot.pause()
        assert field.value == "gＸＹh"


async def test_typing_on_the_glossary_searches_even_in_a_burst(annotated: Path) -> None:
    async with app_for(annotated, pair=None).run_test(size=SIZE) as pilot:
        await pilot.press("g")
        screen = pilot.app.screen
        assert isinstance(screen, GlossaryScreen)
        await burst(pilot, typed("ipmda"))  # `p` is a key of the list, but not once typing has started
        assert screen.search_box.value == "ipmda"
        assert [e.acronym for e in screen.entries] == ["IPMDA"]
        await pilot.press("escape")
        assert pilot.app.screen is screen and screen.focused is screen.table


@pytest.mark.parametrize(("query", "acronym"), [("ＩＰＭＤＡ", "IPMDA"), ("ifc", "IFC-IOR"), ("年一", None)])
async def test_t_searches_the_whole_glossary_folded(annotated: Path, query: str, acronym: str | None) -> None:
    async with app_for(annotated).run_test(size=SIZE) as pilot:
        screen = pilot.app.screen
        await pilot.press("f")  # 日本国: no entry has it as a term
        span = screen.selected()
        assert span is not None and span.text == "日本国"
        await pilot.press("t")
        picker = pilot.app.screen
        assert isinstance(picker, PickModal)
        picker.query_one(Input).value = query
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        db = open_db(str(annotated))
        want = next(
            e
            for e in gstore.list_entries(db)
            if e.acronym == acronym or (acronym is None and e.ja == "年一回")
        )
        db.close()
        assert spans_now(annotated)["日本国"][3] == want.id
        # the linked entry shows in the bead's panel although no term of it occurs in the bead
        assert want.id in [e.id for e in screen.query_one("#glossary-panel").entries]


async def test_entries_added_elsewhere_appear_in_the_panel_without_reopening(annotated: Path) -> None:
    async with app_for(annotated).run_test(size=SIZE) as pilot:
        screen = pilot.app.screen
        panel = screen.query_one("#glossary-panel")
        assert "日本国" not in [e.ja for e in panel.entries]
        db = open_db(str(annotated))  # another program (the CLI) adds an entry
        gstore.add(db, Entry(ja="日本国", en="Japan", status="approved"), user="cli")
        db.close()
        await pilot.press("down", "up")  # moving is enough: no refresh key, no reopening
        assert "日本国" in [e.ja for e in panel.entries]


async def test_u_undoes_a_change_made_from_the_cli_and_says_where(
    annotated: Path, run, notifications
) -> None:
    db = open_db(str(annotated))
    span = next(s for s in gspans.list_spans(db, get_pair(db, "p")) if s.text == "ReCAAP")
    db.close()
    async with app_for(annotated, pair=None).run_test(size=SIZE) as pilot:
        assert run("spans", "accept", str(span.id)).exit_code == 0
        assert spans_now(annotated)["ReCAAP"][1] == "accepted"
        await pilot.press("u")  # on the pair list: the CLI's accept is the latest change
        assert spans_now(annotated)["ReCAAP"][1] == "suggested"
        assert "on p: G goes there" in notifications.shown[-1]
        await pilot.press("G")
        await pilot.pause()
        assert isinstance(pilot.app.screen, AlignScreen) and pilot.app.screen.pair_name == "p"


async def test_home_end_move_in_the_pick_list(annotated: Path) -> None:
    async with app_for(annotated).run_test(size=SIZE) as pilot:
        await pilot.press("f", "L")
        picker = pilot.app.screen
        assert isinstance(picker, PickModal)
        options = picker.query_one("#pick-list")
        await pilot.press("end")
        assert options.highlighted == options.option_count - 1
        await pilot.press("home")
        assert options.highlighted == 0
        await pilot.press("escape")
