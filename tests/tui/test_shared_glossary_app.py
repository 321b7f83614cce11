"""Two analysts' projects on one shared glossary file: what analyst A approves from the CLI shows in analyst
B's app (the bead's glossary panel and QA, the glossary screen) on ctrl+r, and B's edits in the app go to
the shared file, undoable there."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from tui.app import make_app
from tui.common import open_db
from tui.screens.glossary import GlossaryScreen

pytest_plugins = ["tui_project"]  # the `project` fixture (a module, not a conftest: see tui_project)

SIZE = (110, 40)


@pytest.fixture
def team(project: Path, tmp_path: Path, run) -> tuple[Path, Path, Path]:
    """Analyst A's project (the `project` fixture), analyst B's project of the same text, one glossary."""
    from tui_project import EN, JA, build_pair, sample_beads  # here: pytest_plugins imports it first

    b = tmp_path / "b.db"
    db = open_db(str(b))
    build_pair(db, "p", JA, EN, sample_beads())
    db.close()
    shared = tmp_path / "team.db"
    for path in (project, b):
        assert run("glossary", "use", str(shared), "--db", str(path)).exit_code == 0
    result = run(
        "glossary", "add", "--ja", "情報融合センター", "--en", "Information Fusion Centre",
        "--acronym", "IFC-IOR", "--db", str(project), "--user", "alice",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    return project, b, shared


def panel_entries(screen) -> dict[str, tuple[str, bool | None]]:
    return {e.ja: (e.status, e.english_found) for e in screen.query_one("#glossary-panel").entries}


async def test_an_entry_approved_in_one_project_shows_in_the_others_app(team, run) -> None:
    a, b, shared = team
    async with make_app(b, user="bob", pair="p").run_test(size=SIZE) as pilot:
        screen = pilot.app.screen
        await pilot.pause()
        assert panel_entries(screen)["情報融合センター"][0] == "proposed"
        # analyst A approves it and adds another, from the CLI of their own project
        assert (
            run("glossary", "set-status", "1", "approved", "--db", str(a), "--user", "alice").exit_code == 0
        )
        result = run(
            "glossary", "add", "--ja", "日本国", "--en", "Nippon", "--status", "approved", "--db", str(a)
        )
        assert result.exit_code == 0, result.output
        await pilot.press("ctrl+r")
        await pilot.pause()
        seen = panel_entries(screen)
        assert seen["情報融合センター"] == ("approved", True)  # and QA finds its English in the bead
        assert seen["日本国"] == ("approved", False)  # "Nippon" is not in the English: QA says absent
        await pilot.press("g")
        await pilot.pause()
        glossary = pilot.app.screen
        assert isinstance(glossary, GlossaryScreen)
        assert glossary.sub_title == f"glossary (shared: {shared})"  # which file a person is editing
        assert {(e.ja, e.status) for e in glossary.entries} == {
            ("情報融合センター", "approved"),
            ("日本国", "approved"),
        }
        # B's own change in the app goes to the shared file, and undo takes it back there
        assert run("glossary", "edit", "2", "--en", "Japan", "--db", str(b), "--user", "bob").exit_code == 0
        await pilot.press("u")
        await pilot.pause()
    conn = sqlite3.connect(shared)
    try:
        assert conn.execute("SELECT en FROM glossary_entries WHERE id = 2").fetchone() == ("Nippon",)
        users = [
            r[0] for r in conn.execute("SELECT user FROM glossary_history WHERE entry_id = 2 ORDER BY id")
        ]
        assert users[1:] == ["bob", "bob"]  # B's edit and B's undo, in the shared file's log
    finally:
        conn.close()
    for path in (a, b):
        conn = sqlite3.connect(path)
        try:
            assert conn.execute("SELECT count(*) FROM glossary_entries").fetchone() == (0,)
        finally:
            conn.close()
