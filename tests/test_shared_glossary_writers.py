"""Several analysts' processes write one shared glossary file at once (`taiyaku glossary use`).

Each analyst works in a project of their own; all of them add entries and add provenance to one common entry
(a read-modify-write of the same row) as fast as they can, while real `taiyaku glossary add` commands run
beside them. No write is lost, nobody sees "database is locked", and each analyst's undo history holds only
their own changes (another analyst's change never slips into an action, where undo would revert it).
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from glossary import store
from glossary.model import Entry
from glossary.shared import open_file, record
from tui.core.project import open_db

ANALYSTS, ROUNDS, CLI_ADDS = 4, 25, 4
ENV = {"TAIYAKU_LOCK_TIMEOUT": "30", "PYTHONUNBUFFERED": "1"}

ANALYST = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path
    from glossary.model import Entry, Source
    from tui.core import terms
    from tui.core.project import Project

    project_path, me, rounds, go = sys.argv[1], sys.argv[2], int(sys.argv[3]), Path(sys.argv[4])
    while not go.exists():
        time.sleep(0.01)
    with Project.open(project_path, user=me, create=False) as project:
        for k in range(rounds):
            terms.add_entry(project, Entry(ja=f"語{me}{k}", en=f"term {me} {k}"))
            terms.add_sources(project, 1, [Source(pair=f"pair-{me}", lang="ja", segment_index=k)])
            print("ack", k, flush=True)
    """
)


@pytest.fixture(autouse=True)
def _no_glossary_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("TAIYAKU_GLOSSARY", raising=False)


def _env() -> dict[str, str]:
    base = {k: v for k, v in os.environ.items() if k not in ("TAIYAKU_DB", "TAIYAKU_GLOSSARY")}
    return {**base, **ENV}


def _cli_adds(project: Path, n: int, go: Path) -> str:
    """A shell loop of real commands, started at the same moment as the analysts."""
    lines = [f"while [ ! -e {go} ]; do sleep 0.01; done"]
    for k in range(n):
        lines.append(
            f"{sys.executable} -m taiyaku glossary add --ja 'コマンド{k}' --en 'command {k}' "
            f"--db {project} --user cli -q || exit 1"
        )
    return "\n".join(lines)


def test_analysts_write_one_shared_glossary_at_once_without_a_lost_write(tmp_path: Path) -> None:
    team = tmp_path / "team.db"
    glossary = open_file(team)
    store.add(glossary, Entry(ja="共通", en="common", status="approved"), user="lead")
    glossary.close()
    projects = []
    for i in range(ANALYSTS + 1):
        path = tmp_path / f"analyst{i}.db"
        db = open_db(path, shared=False)
        record(db, team, user="lead")
        db.close()
        projects.append(path)
    go = tmp_path / "go"
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", ANALYST, str(projects[i]), f"a{i}", str(ROUNDS), str(go)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=_env(),
            cwd=tmp_path,
        )
        for i in range(ANALYSTS)
    ]
    procs.append(
        subprocess.Popen(
            ["bash", "-c", _cli_adds(projects[-1], CLI_ADDS, go)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=_env(),
            cwd=tmp_path,
        )
    )
    time.sleep(0.5)  # every interpreter up and waiting: they start writing together
    go.touch()
    outs = [p.communicate(timeout=600) for p in procs]
    for proc, (out, err) in zip(procs, outs, strict=True):
        assert proc.returncode == 0, err
        assert "locked" not in (out + err).lower() and "Traceback" not in err
    for out, _ in outs[:ANALYSTS]:
        assert out.split().count("ack") == ROUNDS

    conn = sqlite3.connect(team)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        terms_now = {r[0] for r in conn.execute("SELECT ja FROM glossary_entries")}
        want = {"共通"} | {f"語a{i}{k}" for i in range(ANALYSTS) for k in range(ROUNDS)}
        assert terms_now == want | {f"コマンド{k}" for k in range(CLI_ADDS)}
        # every analyst's provenance on the common entry: no read-modify-write lost another's
        sources = conn.execute(
            "SELECT pair, segment_index FROM glossary_sources WHERE entry_id = 1"
        ).fetchall()
        assert sorted(sources) == sorted((f"pair-a{i}", k) for i in range(ANALYSTS) for k in range(ROUNDS))
        assert conn.execute("SELECT count(*) FROM glossary_history").fetchone()[0] == (
            1 + 2 * ANALYSTS * ROUNDS + CLI_ADDS
        )
    finally:
        conn.close()

    # each analyst's history holds their own changes only, one entry per action
    for i in range(ANALYSTS):
        conn = sqlite3.connect(projects[i])
        try:
            logged = conn.execute("SELECT action, ops FROM history ORDER BY id").fetchall()
            assert conn.execute("SELECT count(*) FROM glossary_entries").fetchone()[0] == 0
        finally:
            conn.close()
        assert [a for a, _ in logged] == ["add-entry", "add-source"] * ROUNDS
        for k, (action, ops_json) in enumerate(logged):
            ops = json.loads(ops_json)
            assert len(ops) == 1, (action, ops)
            if action == "add-entry":
                assert ops[0]["before"] is None and ops[0]["after"]["ja"] == f"語a{i}{k // 2}"
            else:
                added = {(s["pair"], s["segment_index"]) for s in ops[0]["after"]["sources"]} - {
                    (s["pair"], s["segment_index"]) for s in ops[0]["before"]["sources"]
                }
                assert added == {(f"pair-a{i}", k // 2)}
