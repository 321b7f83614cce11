"""The bead table lays out wide characters by terminal cells: every line is exactly as wide as the table."""

from __future__ import annotations

from pathlib import Path

from rich.cells import cell_len

from tui.app import make_app
from tui.widgets.bead_table import BeadTable, fit

pytest_plugins = ["tui_project"]  # the `project` fixture (a module, not a conftest: see tui_project)


def test_fit_never_halves_a_wide_character() -> None:
    assert fit("日本国", 6) == "日本国"
    assert fit("日本国", 5) == "日本⋯"
    assert cell_len(fit("日本国", 4)) == 4 and fit("日本国", 4).startswith("日")
    assert fit("abc", 5) == "abc  "
    assert fit("ｶﾞｲﾄﾞ🙂", 4) == "ｶﾞｲ⋯"
    assert fit("🙂🙂", 3) == "🙂⋯"
    assert fit("x", 0) == ""


async def test_every_rendered_line_fills_the_width_exactly(project: Path) -> None:
    for width in (100, 80, 131):
        app = make_app(project, user="ana", pair="p")
        async with app.run_test(size=(width, 30)) as pilot:
            table = app.screen.query_one(BeadTable)
            await pilot.pause()
            for y in range(len(table.data.beads) + 1):
                strip = table.render_line(y)
                assert strip.cell_length == table.scrollable_content_region.width
                assert cell_len("".join(seg.text for seg in strip)) == strip.cell_length
            text = "".join(seg.text for seg in table.render_line(3))  # bead 3: ㈱テスト社のｶﾞｲﾄﾞ…, no English
            assert "㈱" in text and "∅ no English" in text
