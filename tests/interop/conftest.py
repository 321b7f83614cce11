"""A realistic project for the interop tests, built once per session: seed 000 with our English rendering,
imported and aligned by the real commands, one multi-sentence bead, some beads confirmed, a small glossary."""

from __future__ import annotations

import dataclasses
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner
from testdata import INTEROP_PAIR

ROOT = Path(__file__).resolve().parents[2]
SEED_JA = ROOT / "seeds" / "000_018672d04432ce13.txt"
SEED_EN = ROOT / "seeds" / "en" / "000_018672d04432ce13.en.txt"
PAIR = INTEROP_PAIR

GLOSSARY = [
    [
        "--ja",
        "海洋状況把握のためのインド太平洋パートナーシップ",
        "--acronym",
        "IPMDA",
        "--en",
        "Indo-Pacific Partnership for Maritime Domain Awareness",
        "--status",
        "approved",
        "--forbidden-en",
        "Indo Pacific Maritime Awareness Plan",
        "--note",
        "Quad initiative",
    ],
    [
        "--ja",
        "インド洋地域情報融合センター",
        "--acronym",
        "IFC-IOR",
        "--en",
        "Information Fusion Centre – Indian Ocean Region",
        "--status",
        "approved",
    ],
    [
        "--ja",
        "アジア海賊対策地域協力協定",
        "--acronym",
        "ReCAAP",
        "--en",
        "Regional Cooperation Agreement on Combating Piracy and Armed Robbery against Ships in Asia",
    ],
    ["--ja", "国家安全保障局長", "--en", "National Security Advisor", "--status", "deprecated"],
    [
        "--ja",
        "防衛装備庁",
        "--en",
        "Acquisition, Technology & Logistics Agency <ATLA>",
        "--status",
        "forbidden",
    ],
]


def _cli(*args: str) -> str:
    from tui.cli import cli

    result = CliRunner().invoke(cli, list(args), catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.output


def _edit_beads(db_path: Path) -> None:
    """An analyst's work: the first two beads merged into one 2-2 unit and every third bead confirmed."""
    from alignment import bead_store, store
    from alignment.model import Bead
    from tui.common import open_db

    db = open_db(str(db_path))
    try:
        pair = store.get_pair(db, PAIR)
        beads = bead_store.get_beads(db, pair.id)
        merged = Bead(
            ja=(beads[0].ja[0], beads[1].ja[1]),
            en=(beads[0].en[0], beads[1].en[1]),
            score=beads[0].score,
            status="confirmed",
        )
        rest = [
            dataclasses.replace(b, id=None, status="confirmed" if i % 3 == 0 else b.status)
            for i, b in enumerate(beads[2:])
        ]
        bead_store.save_beads(db, pair.id, [merged, *rest], user="analyst")
    finally:
        db.close()


@pytest.fixture(scope="session")
def seed_project_master(tmp_path_factory: pytest.TempPathFactory) -> Path:
    db_path = tmp_path_factory.mktemp("seed-project") / "taiyaku.db"
    _cli("import", str(SEED_JA), str(SEED_EN), "--name", PAIR, "--db", str(db_path), "-q")
    _cli("align", PAIR, "--db", str(db_path), "-q")
    _edit_beads(db_path)
    for args in GLOSSARY:
        _cli("glossary", "add", *args, "--db", str(db_path), "--user", "analyst", "-q")
    return db_path


@pytest.fixture
def seed_project(seed_project_master: Path, db_path: Path) -> Path:
    """A private copy of the session's seed project at the test's TAIYAKU_DB (the `run` fixture uses it)."""
    src = sqlite3.connect(seed_project_master)
    dest = sqlite3.connect(db_path)
    try:
        src.backup(dest)
    finally:
        src.close()
        dest.close()
    return db_path
