"""Two analysts on seed 000: agreement figures (`taiyaku agree`), then a lead settles every disagreement
(`taiyaku adjudicate`) into one merged project.

The two projects are built once per module through the CLI (import, align without embeddings, suggest,
accept/reject, glossary add), plus bead and label edits through the application layer the app calls.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result
from testdata import SEEDS

from alignment.project import ProjectError

PAIR = "000_018672d04432ce13"
Run = Callable[..., Result]


def _cli(*args: str) -> Result:
    from tui.cli import cli

    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def _ok(*args: str) -> Result:
    result = _cli(*args)
    assert result.exit_code == 0, result.output
    return result


def _edit_beads(path: Path, user: str, *ops: tuple[str, int]) -> None:
    """Bead edits as the app makes them (merge, confirm through the cursor), 1-based numbers."""
    from alignment import edit
    from tui.core.beads import change_beads, load_pair
    from tui.core.project import Project

    with Project.open(path, user=user, create=False) as project:
        state = load_pair(project.db, PAIR)
        for kind, number in ops:
            new = {"merge": edit.merge, "confirm-through": edit.confirm_through}[kind](
                state.beads, number - 1
            )
            state = change_beads(project, state, new, action=kind, summary=kind, cursor=number - 1)


def _relabel(path: Path, user: str, span_id: int, label: str) -> None:
    from alignment.store import get_pair
    from tui.core import spans
    from tui.core.project import Project

    with Project.open(path, user=user, create=False) as project:
        spans.relabel(project, get_pair(project.db, PAIR), span_id, label)


def _spans(path: Path) -> dict[int, dict[str, Any]]:
    return {s["id"]: s for s in json.loads(_ok("spans", "list", PAIR, "--db", str(path), "--json").stdout)}


@pytest.fixture(scope="module")
def projects(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """alice.db and bob.db: the same import and automatic alignment, then each analyst's own decisions."""
    root = tmp_path_factory.mktemp("team")
    a, b = root / "alice.db", root / "bob.db"
    ja, en = SEEDS / f"{PAIR}.txt", SEEDS / "en" / f"{PAIR}.en.txt"
    _ok("import", str(ja), str(en), "--db", str(a))
    _ok("align", PAIR, "--no-embeddings", "--db", str(a), "-q", "--user", "alice")
    _ok("suggest", PAIR, "--db", str(a), "-q", "--user", "alice")
    _ok("backup", str(b), "--db", str(a), "-q")  # bob starts from the same documents and suggestions
    ids = [str(i) for i in range(1, 31)]
    _ok("spans", "accept", *ids, "--db", str(a), "--user", "alice", "-q")
    _ok("spans", "accept", *ids[:25], "40", "41", "--db", str(b), "--user", "bob", "-q")
    _ok("spans", "reject", *ids[25:], "--db", str(b), "--user", "bob", "-q")
    labels = {s["label"] for s in _spans(b).values()}
    first = _spans(b)[1]
    _relabel(b, "bob", 1, "ORG" if first["label"] != "ORG" else "GPE")
    assert "ORG" in labels
    _edit_beads(a, "alice", ("confirm-through", 40))
    _edit_beads(b, "bob", ("merge", 10), ("confirm-through", 30))
    for path, user, en_term in ((a, "alice", "Japan"), (b, "bob", "State of Japan")):
        _ok("glossary", "add", "--ja", "日本国", "--en", en_term, "--status", "approved", "--db", str(path))
        _ok("glossary", "add", "--ja", "安全保障", "--en", "security", "--db", str(path), "--user", user)
    _ok("glossary", "add", "--ja", "両国", "--en", "the two countries", "--db", str(b), "--user", "bob")
    return a, b


def _beads(path: Path) -> list[tuple[tuple[int, ...], tuple[int, ...]]]:
    rows = json.loads(_ok("beads", PAIR, "--db", str(path), "--json").stdout)
    return [(tuple(r["ja_index"]), tuple(r["en_index"])) for r in rows]


def test_agreement_figures_and_disagreements(projects: tuple[Path, Path]) -> None:
    a, b = projects
    result = _ok("agree", str(a), str(b), "--json")
    data = json.loads(result.stdout)
    assert set(data) >= {"beads", "spans", "glossary"} and data["pairs"] == [PAIR]

    beads = data["beads"]
    assert (beads["beads_a"], beads["beads_b"]) == (len(_beads(a)), len(_beads(b))) == (57, 56)
    assert 0.9 < beads["f1_strict"] < 1.0 and beads["f1_lax"] == 1.0
    # alice confirmed 1-40, bob merged 10+11 and confirmed through his 30th (alice's 31st): 29 beads in common, 32-40 alice only
    assert (beads["confirmed_a"], beads["confirmed_b"], beads["confirmed_both"]) == (40, 30, 29)
    assert beads["confirmed_both_share"] == round(29 / 58, 4)  # 57 + 56 beads, 55 of them the same
    assert beads["by_pair"][PAIR]["stretches"] == 2 and beads["by_pair"][PAIR]["f1_lax"] == 1.0
    stretches = beads["disagreements"]
    assert [(s["bead_a"], s["bead_b"]) for s in stretches] == [(10, 10), (32, 31)]
    assert len(stretches[0]["a"]) == 2 and len(stretches[0]["b"]) == 1
    assert all(x["status"] == "confirmed" for x in stretches[1]["a"])

    spans = data["spans"]
    bob = _spans(b)
    changed = {(bob[i]["lang"], bob[i]["start"], bob[i]["end"]) for i in (1, 26, 27, 28, 29, 30, 40, 41)}
    assert {(d["lang"], d["start"], d["end"]) for d in spans["disagreements"]} == changed
    assert spans["shared_ranges"] == 25 and spans["kappa"] is not None and spans["kappa"] < 1.0
    assert spans["accepted_a"] == 30 and spans["accepted_b"] == 27

    glossary = data["glossary"]
    assert (glossary["entries_a"], glossary["entries_b"], glossary["matched"]) == (2, 3, 2)
    assert glossary["status_agreement"] == 1.0 and glossary["approved_en_agreement"] == 0.0
    terms = {d["term"]: d for d in glossary["disagreements"]}
    assert (
        terms["日本国 / Japan"]["fields"] == ["en"] and terms["日本国 / Japan"]["b"]["en"] == "State of Japan"
    )
    assert terms["両国 / the two countries"]["a"] is None

    table = _ok("agree", str(a), str(b)).stdout
    assert "strict F1" in table and "kappa" in table and "97.4%" in table


def test_cohen_kappa_textbook_case() -> None:
    from glossary.agreement import cohen_kappa

    a = ["y"] * 25 + ["n"] * 25
    b = ["y"] * 20 + ["n"] * 5 + ["y"] * 10 + ["n"] * 15
    assert cohen_kappa(a, b) == 0.4  # po 0.7, pe 0.5
    assert cohen_kappa([], []) is None and cohen_kappa(["x", "x"], ["x", "x"]) == 1.0


def test_agree_refuses_different_documents(projects: tuple[Path, Path], tmp_path: Path) -> None:
    a, _ = projects
    ja = tmp_path / "ja.txt"
    ja.write_text("日本とインドは協力する。\n", encoding="utf-8")
    other = tmp_path / "other.db"
    _ok("import", str(ja), "--name", PAIR, "--db", str(other))
    result = _cli("agree", str(a), str(other))
    assert result.exit_code == 1 and "Japanese differs" in result.output
    assert len(result.output.strip().splitlines()) == 1
    result = _cli("agree", str(a), str(a), "--pair", "nosuch")
    assert result.exit_code == 1 and "no pair named 'nosuch'" in result.output


# --- adjudication -------------------------------------------------------------------------------------


def _counts(merged: Path, a: Path, b: Path) -> dict[str, dict[str, int]]:
    out = _ok("adjudicate", str(a), str(b), "-o", str(merged), "--json", "--user", "lead").stdout
    kinds: dict[str, dict[str, int]] = json.loads(out)["kinds"]
    return kinds


def test_adjudicate_queue_decisions_are_undoable_and_kept_when_built_again(
    projects: tuple[Path, Path], tmp_path: Path
) -> None:
    from tui.core import adjudication
    from tui.core.project import Project

    alice, bob = projects
    a, b = tmp_path / "alice.db", tmp_path / "bob.db"  # copies: bob changes his mind below
    _ok("backup", str(a), "--db", str(alice), "-q")
    _ok("backup", str(b), "--db", str(bob), "-q")
    merged = tmp_path / "merged.db"
    result = _ok("adjudicate", str(a), str(b), "-o", str(merged), "--no-tui", "--user", "lead")
    assert "Adjudication queue" in result.stdout
    kinds = _counts(merged, a, b)
    assert {k: v["items"] for k, v in kinds.items()} == {"beads": 2, "span": 8, "entry": 2}
    assert all(v["decided"] == 0 for v in kinds.values())
    # the merged project starts as alice's: agreement with her is perfect, A's history and provenance kept
    same = json.loads(_ok("agree", str(a), str(merged), "--json").stdout)
    assert same["beads"]["f1_strict"] == 1.0 and not same["spans"]["disagreements"]

    with Project.open(merged, user="lead", create=False) as project:
        items = adjudication.queue(project)
        adjudication.decide(project, items[0].id, "b")  # bob's merge of beads 10 and 11
        adjudication.decide(project, items[-1].id, "b")
    assert len(_beads(merged)) == 56
    history = json.loads(_ok("history", "--db", str(merged), "--json").stdout)
    assert history[0]["user"] == "lead" and history[0]["action"] == "adjudicate"
    assert history[1]["pair"] == PAIR and history[1]["bead"] == 10

    kinds = _counts(merged, a, b)  # built again: the two decisions are kept
    assert (kinds["beads"]["decided"], kinds["entry"]["decided"]) == (1, 1)
    assert len(_beads(merged)) == 56
    japan = _entries(b)["日本国"]["id"]
    _ok("glossary", "set-status", str(japan), "proposed", "--db", str(b))  # bob changes his mind
    result = _ok("adjudicate", str(a), str(b), "-o", str(merged), "--no-tui", "--user", "lead")
    assert "1 decided item changed in A or B since the decision" in result.output
    assert _counts(merged, a, b)["entry"] == {"items": 2, "decided": 1, "open": 1}
    result = _cli("adjudicate", str(b), str(a), "-o", str(merged), "--no-tui")
    assert result.exit_code == 1 and "not these two" in result.output

    assert "Undone" in _ok("undo", "--db", str(merged), "--user", "lead").stdout
    assert "Undone" in _ok("undo", "--db", str(merged), "--user", "lead").stdout
    assert len(_beads(merged)) == 57  # alice's two beads are back
    kinds = _counts(merged, a, b)
    assert all(v["decided"] == 0 for v in kinds.values())

    result = _cli("adjudicate", str(a), str(b), "-o", str(a))
    assert result.exit_code == 1 and "must be a new file" in result.output
    result = _cli("adjudicate", str(a), str(b), "-o", str(tmp_path / "nosuch" / "m.db"))
    assert result.exit_code == 1 and len(result.output.strip().splitlines()) == 1


def test_a_lead_settles_every_disagreement_by_keyboard(
    projects: tuple[Path, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import asyncio

    from textual.app import App

    from tui.screens.adjudicate import AdjudicateScreen, make_adjudicate_app

    a, b = projects
    merged = tmp_path / "merged.db"
    _ok("adjudicate", str(a), str(b), "-o", str(merged), "--no-tui", "--user", "lead")
    errors: list[str] = []

    original = App.notify

    def notify(self: App[object], message: str, **kw: Any) -> None:
        if kw.get("severity") == "error":  # the test fails on any error the app shows
            errors.append(message)
        original(self, message, **kw)

    monkeypatch.setattr(App, "notify", notify)

    async def settle() -> list[Any]:
        app = make_adjudicate_app(merged, user="lead")
        async with app.run_test(size=(100, 30)) as pilot:
            await pilot.pause()
            screen = app.screen
            assert isinstance(screen, AdjudicateScreen) and len(screen.items) == 12
            assert "A" in str(screen.query_one("#adj-a").render())
            assert screen.table.cursor_row == 0
            await pilot.press("n")  # the next open item, then back up
            assert screen.table.cursor_row == 1
            await pilot.press("up")
            await pilot.press("e")  # beads are edited on the pair's own screen: e says how
            await pilot.pause()
            await pilot.press("enter")  # the pair opens at the stretch; the lead merges 10+11 there
            await pilot.pause()
            assert type(app.screen).__name__ == "AlignScreen"
            await pilot.press("m")
            await pilot.pause()
            await pilot.press("escape")
            await pilot.pause()
            assert isinstance(app.screen, AdjudicateScreen)
            await pilot.press("e", "a")  # the merged bead is the lead's edit; alice's confirmations 32-40
            await pilot.press("e")  # the first span range: the lead relabels it
            await pilot.pause()
            await pilot.press(*"LOC", "enter")
            await pilot.press("a", "a", "a", "b", "b", "b", "b")
            await pilot.press("b")  # 両国: bob's new entry
            await pilot.press("e")  # 日本国: the lead writes the English and approves
            await pilot.pause()
            await pilot.press("ctrl+u", *"Japan", "tab", "ctrl+u", *"approved", "enter")
            await pilot.pause()
            assert all(i.decision for i in screen.items)
            await pilot.press("u")  # undo the last decision from the app, then redo it
            await pilot.pause()
            assert screen.items[-1].decision is None
            await pilot.press("U")
            await pilot.pause()
            assert "0 open" in str(screen.query_one("#adj-title").render())
            return list(screen.items)

    items = asyncio.run(settle())
    assert not errors, errors
    assert [i.decision for i in items] == [
        "edit",
        "a",
        "edit",
        "a",
        "a",
        "a",
        "b",
        "b",
        "b",
        "b",
        "b",
        "edit",
    ]
    assert {i.decided_by for i in items} == {"lead"}

    # one merged project: the lead's merge of 10+11 (not confirmed yet), alice's confirmations, the
    # lead's label and English
    rows = json.loads(_ok("beads", PAIR, "--db", str(merged), "--json").stdout)
    assert len(rows) == 56 and sum(r["status"] == "confirmed" for r in rows) == 38
    assert rows[9]["ja_index"] == [9, 10] and rows[9]["status"] == "auto"
    (bead,) = items[0].edited["beads"]
    assert (bead["ja"], bead["en"], bead["status"]) == ([9, 11], [9, 11], "auto")
    # the aligner's score of the lead's merged bead arrives from a worker: before or after the decision
    assert bead["score"] is None or 0.0 <= bead["score"] <= 1.0
    edited = items[2].edited["spans"][0]
    spans = [s for s in _spans(merged).values() if (s["start"], s["end"]) == (edited["start"], edited["end"])]
    assert [(s["label"], s["status"]) for s in spans] == [("LOC", "accepted")]
    shown = _ok("glossary", "list", "--db", str(merged), "--json").stdout
    terms = {e["ja"]: e for e in json.loads(shown)}
    assert terms["日本国"]["en"] == "Japan" and terms["日本国"]["status"] == "approved"
    assert terms["両国"]["en"] == "the two countries"
    assert _counts(merged, a, b)["span"] == {"items": 8, "decided": 8, "open": 0}


# --- one glossary from another ----------------------------------------------------------------------------


def _entries(path: Path) -> dict[str, dict[str, Any]]:
    return {e["ja"]: e for e in json.loads(_ok("glossary", "list", "--db", str(path), "--json").stdout)}


def _content(path: Path) -> dict[str, tuple[Any, ...]]:
    """The decisions of a glossary, without the stamps an undo renews."""
    return {
        ja: (e["en"], e["status"], e["variants"], [(s["pair"], s["bead_index"]) for s in e["sources"]])
        for ja, e in _entries(path).items()
    }


def test_glossary_merge_adds_merges_and_leaves_conflicts_for_a_person(
    projects: tuple[Path, Path], tmp_path: Path
) -> None:
    from tui.core import adjudication
    from tui.core.project import Project

    a, b = projects
    ours, theirs = tmp_path / "ours.db", tmp_path / "theirs.db"
    _ok("backup", str(ours), "--db", str(a), "-q")
    _ok("backup", str(theirs), "--db", str(b), "-q")
    security = _entries(theirs)["安全保障"]["id"]
    _ok(
        "glossary",
        "edit",
        str(security),
        "--variant-en",
        "safety",
        "--add-source",
        f"{PAIR}:bead:3",
        "--db",
        str(theirs),
    )
    before = _content(ours)

    dry = json.loads(_ok("glossary", "merge", str(theirs), "--db", str(ours), "--dry-run", "--json").stdout)
    assert dry["added"] == ["両国 / the two countries"] and dry["merged"] == ["安全保障 / security"]
    assert [(c["term"], c["fields"]) for c in dry["conflicts"]] == [("日本国 / Japan", ["en"])]
    assert _content(ours) == before  # a dry run changes nothing

    result = _ok("glossary", "merge", str(theirs), "--db", str(ours), "--user", "lead")
    assert "Added 1, merged 1, unchanged 0, 1 conflict" in result.stdout and "State of Japan" in result.stdout
    after = _entries(ours)
    assert after["日本国"]["en"] == "Japan"  # the conflict is never overwritten
    assert after["安全保障"]["variants"]["en"] == ["safety"]
    assert [(s["pair"], s["bead_index"]) for s in after["安全保障"]["sources"]] == [(PAIR, 2)]
    assert after["両国"]["en"] == "the two countries"
    queued = json.loads(_ok("queue", "--db", str(ours), "--json").stdout)
    assert [(q["kind"], q["decision"]) for q in queued] == [("entry", None)] and "日本国" in queued[0][
        "title"
    ]

    with Project.open(ours, user="lead", create=False) as project:  # the lead takes the other English
        adjudication.decide(project, adjudication.queue(project)[0].id, "b")
    assert _entries(ours)["日本国"]["en"] == "State of Japan"
    _ok("undo", "--db", str(ours))
    _ok("undo", "--db", str(ours))  # the whole merge goes back: entries and queued conflict
    assert _content(ours) == before
    assert json.loads(_ok("queue", "--db", str(ours), "--json").stdout) == []
    result = _cli("glossary", "merge", str(tmp_path / "nosuch.db"), "--db", str(ours))
    assert result.exit_code == 1 and "no glossary file" in result.output


def test_bead_stretches_end_where_both_have_a_boundary() -> None:
    from alignment.model import Bead
    from glossary.agreement_diff import bead_stretches

    def beads(*spec: tuple[int, int, int, int]) -> list[Bead]:
        return [Bead((a, b), (c, d)) for a, b, c, d in spec]

    a = beads((0, 1, 0, 1), (1, 2, 1, 2), (2, 3, 2, 3), (3, 4, 3, 3), (4, 4, 3, 4))
    assert bead_stretches("p", a, a) == []
    b = beads((0, 1, 0, 1), (1, 3, 1, 3), (3, 3, 3, 4), (3, 4, 4, 4))  # a 2-2 merge, a 1-0/0-1 swap
    found = bead_stretches("p", a, b)
    assert [(s.start_a, s.stop_a, s.start_b, s.stop_b, s.ja, s.en) for s in found] == [
        (1, 5, 1, 4, (1, 4), (1, 4))  # the two touching differences are one stretch
    ]
    confirmed = [Bead(x.ja, x.en, status="confirmed") if i in (1, 3) else x for i, x in enumerate(a)]
    found = bead_stretches("p", a, confirmed)  # confirmation alone differs: two single-bead stretches
    assert [(s.start_a, s.stop_a, s.ja) for s in found] == [(1, 2, (1, 2)), (3, 4, (3, 4))]


def test_two_leads_deciding_at_once_lose_no_decision(projects: tuple[Path, Path], tmp_path: Path) -> None:
    """Two processes settle the queue of one merged project at the same time (WAL, one machine): every
    decision is stored with its own history entry, and neither sees "database is locked"."""
    import subprocess
    import sys

    a, b = projects
    merged = tmp_path / "merged.db"
    _ok("adjudicate", str(a), str(b), "-o", str(merged), "--no-tui")
    script = (
        "import sys\n"
        "from tui.core import adjudication\n"
        "from tui.core.project import Project\n"
        "path, user, parity = sys.argv[1], sys.argv[2], int(sys.argv[3])\n"
        "with Project.open(path, user=user, create=False) as p:\n"
        "    for n, item in enumerate(adjudication.queue(p)):\n"
        "        if n % 2 == parity:\n"
        "            adjudication.decide(p, item.id, 'a' if parity else 'b')\n"
        "            print('ok', item.id, flush=True)\n"
    )
    leads = [
        subprocess.Popen(
            [sys.executable, "-c", script, str(merged), user, str(parity)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for parity, user in ((0, "lead1"), (1, "lead2"))
    ]
    outputs = [lead.communicate(timeout=300) for lead in leads]
    for lead, (_, err) in zip(leads, outputs, strict=True):
        assert lead.returncode == 0 and "locked" not in err, err
    acked = sum(out.count("ok ") for out, _ in outputs)
    assert acked == 12
    assert _counts(merged, a, b) == {
        "beads": {"items": 2, "decided": 2, "open": 0},
        "span": {"items": 8, "decided": 8, "open": 0},
        "entry": {"items": 2, "decided": 2, "open": 0},
    }
    history = json.loads(_ok("history", "--db", str(merged), "--json", "--limit", "100").stdout)
    decided = [h for h in history if h["action"] == "adjudicate"]
    assert len(decided) == 12 and {h["user"] for h in decided} == {"lead1", "lead2"}


# --- re-running adjudicate, glossary links, the queue from the app ----------------------------------------


def _copies(projects: tuple[Path, Path], root: Path) -> tuple[Path, Path]:
    """Copies of the two analysts' projects, for a test that changes them."""
    a, b = root / "alice.db", root / "bob.db"
    _ok("backup", str(a), "--db", str(projects[0]), "-q")
    _ok("backup", str(b), "--db", str(projects[1]), "-q")
    return a, b


def _link(path: Path, user: str, span_id: int, ja: str | None) -> None:
    """Link a span to the project's entry for a Japanese term (None: unlink), as the app's t key does."""
    from alignment.store import get_pair
    from glossary import store
    from tui.core import spans
    from tui.core.project import Project

    with Project.open(path, user=user, create=False) as project:
        entry = next((e.id for e in store.list_entries(project.db) if e.ja == ja), None) if ja else None
        spans.link(project, get_pair(project.db, PAIR), span_id, entry)


def _merge_at(path: Path, user: str, ja_start: int) -> None:
    """Merge the bead that starts at this Japanese sentence with the next one (the app's m)."""
    from alignment import edit
    from tui.core.beads import change_beads, load_pair
    from tui.core.project import Project

    with Project.open(path, user=user, create=False) as project:
        state = load_pair(project.db, PAIR)
        i = next(k for k, bead in enumerate(state.beads) if bead.ja[0] == ja_start)
        change_beads(project, state, edit.merge(state.beads, i), action="merge", summary="merge", cursor=i)


def test_agree_counts_and_adjudicate_queues_differing_glossary_links(
    projects: tuple[Path, Path], tmp_path: Path
) -> None:
    """Same span, same label, linked to different glossary entries (or one unlinked): a disagreement."""
    import asyncio

    from tui.core import adjudication
    from tui.core.project import Project
    from tui.screens.adjudicate import AdjudicateScreen, make_adjudicate_app

    a, b = _copies(projects, tmp_path)
    spans = _spans(a)
    assert all(spans[i]["status"] == "accepted" and spans[i]["entry_id"] is None for i in (2, 3, 4, 9))
    _link(a, "alice", 2, "日本国")
    _link(b, "bob", 2, "安全保障")  # another entry
    _link(a, "alice", 9, "安全保障")  # bob leaves it unlinked
    _link(b, "bob", 4, "両国")  # alice leaves it unlinked; only bob has that entry
    _link(a, "alice", 3, "日本国")
    _link(b, "bob", 3, "日本国")  # the same term: agreement, though their entries' English differ

    data = json.loads(_ok("agree", str(a), str(b), "--json").stdout)["spans"]
    ranges = {(spans[i]["lang"], spans[i]["start"], spans[i]["end"]): i for i in (2, 3, 4, 9)}
    by_link = {
        ranges[(d["lang"], d["start"], d["end"])] for d in data["disagreements"] if d["differs_in"] == "link"
    }
    assert by_link == {2, 4, 9}
    assert len(data["disagreements"]) == 8 + 3 and data["link_disagreements"] == 3
    assert (data["linked_a"], data["linked_b"]) == (3, 3) and 0.8 < data["link_agreement"] < 1.0
    assert (
        data["exact_f1"]
        == json.loads(_ok("agree", *map(str, projects), "--json").stdout)["spans"]["exact_f1"]
    )
    assert "Glossary links of spans both accepted" in _ok("agree", str(a), str(b)).stdout

    merged = tmp_path / "merged.db"
    assert _counts(merged, a, b)["span"]["items"] == 11
    with Project.open(merged, user="lead", create=False) as project:
        items = adjudication.queue(project)
    link_items = {
        n: item
        for item in items
        for (lang, start, end), n in ranges.items()
        if item.key == f"{PAIR}:{lang}:{start}-{end}"
    }
    assert set(link_items) == {2, 4, 9} and "→ 安全保障" in link_items[2].title

    async def edit_in_the_app() -> str:
        """The lead edits span 9's item in the queue, keeping its label: A's link comes with it."""
        app = make_adjudicate_app(merged, user="lead")
        async with app.run_test(size=(100, 30)) as pilot:
            await pilot.pause()
            screen = app.screen
            assert isinstance(screen, AdjudicateScreen)
            screen.table.move_cursor(
                row=next(n for n, i in enumerate(screen.items) if i.id == link_items[9].id)
            )
            await pilot.pause()
            shown = str(screen.query_one("#adj-a").render())
            await pilot.press("e")
            await pilot.pause()
            await pilot.press(*spans[9]["label"], "enter")
            await pilot.pause()
            return shown

    assert "→ glossary: 安全保障" in asyncio.run(edit_in_the_app())
    with Project.open(merged, user="lead", create=False) as project:
        adjudication.decide(project, link_items[2].id, "b")
        with pytest.raises(ProjectError, match="両国, which the merged glossary lacks; settle that entry"):
            adjudication.decide(project, link_items[4].id, "b")
        entry = next(i for i in items if i.kind == "entry" and "両国" in i.title)
        adjudication.decide(project, entry.id, "b")  # bob's entry first, then his link to it
        adjudication.decide(project, link_items[4].id, "b")
        assert adjudication.queue(project)[[i.id for i in items].index(link_items[9].id)].decision == "edit"
    entries = {
        e["id"]: e["ja"] for e in json.loads(_ok("glossary", "list", "--db", str(merged), "--json").stdout)
    }
    after = _spans(merged)
    assert [entries.get(after[i]["entry_id"]) for i in (2, 3, 4, 9)] == [
        "安全保障",
        "日本国",
        "両国",
        "安全保障",
    ]
    assert after[2]["label"] == spans[2]["label"] and after[2]["status"] == "accepted"
    assert "Undone" in _ok("undo", "--db", str(merged), "--user", "lead").stdout
    assert _spans(merged)[4]["entry_id"] is None


def test_adjudicate_again_brings_in_what_both_analysts_changed_alike(
    projects: tuple[Path, Path], tmp_path: Path
) -> None:
    """Built again after both analysts made the same edits: those come in (one undoable action), while the
    lead's decisions and the lead's own edit in the merged project stay as they are."""
    from tui.core import adjudication
    from tui.core.project import Project

    a, b = _copies(projects, tmp_path)
    merged = tmp_path / "merged.db"
    _counts(merged, a, b)
    with Project.open(merged, user="lead", create=False) as project:
        items = adjudication.queue(project)
        adjudication.decide(project, items[0].id, "b")  # bob's merge of beads 10 and 11
        japan = next(i for i in items if i.kind == "entry" and "日本国" in i.title)
        adjudication.decide(project, japan.id, "b")  # State of Japan
    security = _entries(merged)["安全保障"]["id"]
    _ok("glossary", "edit", str(security), "--en", "security policy", "--db", str(merged), "--user", "lead")
    beads_before = _beads(merged)
    ja_start = beads_before[50][0][0]  # a bead neither analyst confirmed, the same in both
    assert beads_before[50] in _beads(b) and beads_before[51] in _beads(b)

    for path, user in ((a, "alice"), (b, "bob")):  # both analysts make the same changes
        _ok("glossary", "add", "--ja", "日米", "--en", "Japan-US", "--db", str(path), "--user", user)
        for ja, en in (("安全保障", "national security"), ("日本国", "Japan (the State)")):
            _ok(
                "glossary",
                "edit",
                str(_entries(path)[ja]["id"]),
                "--en",
                en,
                "--db",
                str(path),
                "--user",
                user,
            )
        _ok("spans", "accept", "31", "--db", str(path), "--user", user, "-q")
        _merge_at(path, user, ja_start)
    _ok("spans", "reject", "26", "--db", str(a), "--user", "alice", "-q")  # alice now agrees with bob

    result = _cli("adjudicate", str(a), str(b), "-o", str(merged), "--no-tui", "--user", "lead")
    assert result.exit_code == 0, result.output
    assert "Brought in 4 changes A and B made alike" in result.output
    assert "Not brought in: glossary 安全保障: changed in the merged project" in result.output
    assert "brought in" in result.stdout  # the table's column
    entries, spans, beads = _entries(merged), _spans(merged), _beads(merged)
    assert entries["日米"]["en"] == "Japan-US"
    assert entries["安全保障"]["en"] == "security policy"  # the lead's own edit
    assert entries["日本国"]["en"] == "State of Japan"  # the lead's decision
    assert (spans[31]["status"], spans[26]["status"]) == ("accepted", "rejected")
    assert len(beads) == len(beads_before) - 1 and beads[9] == beads_before[9]  # the decided merge stays
    both = (beads_before[50][0] + beads_before[51][0], beads_before[50][1] + beads_before[51][1])
    assert beads[50] == both and beads[50][0] == (ja_start, ja_start + 1)  # the merge both made
    summary = json.loads(_ok("adjudicate", str(a), str(b), "-o", str(merged), "--json").stdout)
    assert summary["brought_in"] == {"beads": 0, "span": 0, "entry": 0} and summary["left_out"] == []
    assert summary["kinds"]["span"]["items"] == 7  # the range alice and bob now agree on left the queue
    assert summary["kinds"]["entry"] == {"items": 2, "decided": 1, "open": 1}

    history = json.loads(_ok("history", "--db", str(merged), "--json").stdout)
    assert history[0]["action"] == "adjudicate-sync" and history[0]["user"] == "lead"
    _ok("undo", "--db", str(merged), "--user", "lead")  # the whole bring-in goes back
    assert "日米" not in _entries(merged) and _spans(merged)[31]["status"] == "suggested"
    assert _beads(merged) == beads_before


def test_the_app_opens_the_adjudication_queue_with_a_key(
    projects: tuple[Path, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Q in the app opened on any project (`taiyaku annotate`): the queue of a merged project when it has
    open items, one line when it has none."""
    import asyncio

    from textual.app import App

    from tui.app import make_app
    from tui.core import adjudication
    from tui.core.project import Project
    from tui.screens.adjudicate import AdjudicateScreen
    from tui.screens.help import HelpScreen
    from tui.screens.pairs import PairListScreen

    a, b = projects
    merged = tmp_path / "merged.db"
    _ok("adjudicate", str(a), str(b), "-o", str(merged), "--no-tui", "--user", "lead")
    said: list[str] = []
    original = App.notify

    def notify(self: App[object], message: str, **kw: Any) -> None:
        said.append(message)
        original(self, message, **kw)

    monkeypatch.setattr(App, "notify", notify)

    async def press_q(path: Path) -> tuple[str, int, list[str]]:
        app = make_app(path, user="lead")
        async with app.run_test(size=(100, 30)) as pilot:
            await pilot.pause()
            assert isinstance(app.screen, PairListScreen)
            await pilot.press("question_mark")
            await pilot.pause()
            assert isinstance(app.screen, HelpScreen)
            rows = app.screen.rows
            assert any(k == "Q" and w.startswith("Open the adjudication queue") for _, k, w, _ in rows)
            await pilot.press("escape", "Q")
            await pilot.pause()
            if isinstance(app.screen, AdjudicateScreen):
                await pilot.press("enter")  # the pair of the first item; Q goes back to the same queue
                await pilot.pause()
                assert type(app.screen).__name__ == "AlignScreen"
                await pilot.press("Q")
                await pilot.pause()
            stack = [type(s).__name__ for s in app.screen_stack]
            return type(app.screen).__name__, stack.count("AdjudicateScreen"), list(said)

    assert asyncio.run(press_q(merged))[:2] == ("AdjudicateScreen", 1)
    said.clear()
    name, _, lines = asyncio.run(press_q(a))  # an analyst's own project: no queue
    assert name == "PairListScreen" and any(line.startswith("Nothing to adjudicate") for line in lines)
    with Project.open(merged, user="lead", create=False) as project:
        for item in adjudication.queue(project):
            adjudication.decide(project, item.id, "a")
    said.clear()
    name, _, lines = asyncio.run(press_q(merged))
    assert name == "PairListScreen" and "All 12 items of the adjudication queue are settled." in lines
