"""Projects for the app's tests, built directly through alignment.store (imported by the tests, not a conftest:
another folder's tests import their own `conftest` by name, and a second conftest module would shadow it)."""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from alignment.bead_store import save_beads
from alignment.model import Bead, Document
from alignment.project import write
from alignment.store import create_pair, insert_document
from alignment.text import line_segments
from tui.common import open_db

JA = [
    "日本国とインドは、インド洋地域情報融合センター（ＩＦＣ－ＩＯＲ）を通じて協力する。",
    "両国は海洋状況把握のためのインド太平洋パートナーシップ（ＩＰＭＤＡ）を歓迎した。",
    "㈱テスト社のｶﾞｲﾄﾞ文書は参考資料である。",
    "防衛相会議は年一回開催される。",
    "両国はアジア海賊対策地域協力協定（ＲｅＣＡＡＰ）の重要性を確認した。",
    "本声明は署名の日に効力を生ずる。",
]
EN = [
    "Japan and India cooperate through the Information Fusion Centre – Indian Ocean Region (IFC-IOR).",
    "Both countries welcomed the Indo-Pacific Partnership for Maritime Domain Awareness (IPMDA).",
    "The defence ministers' meeting is held once a year. 🙂",
    "Both countries confirmed the importance of ReCAAP.",
    "This statement takes effect on the date of signature.",
]


SEED = "000_018672d04432ce13"


def seed_project(db: Path, *steps: Sequence[str]) -> Path:
    """Seed 000 with our English as `taiyaku import` leaves it, then each step run as a command (`align`, ...)."""
    from click.testing import CliRunner
    from testdata import ROOT

    from tui.cli import cli

    runner = CliRunner()
    for args in (["import", str(ROOT / f"seeds/{SEED}.txt"), str(ROOT / f"seeds/en/{SEED}.en.txt")], *steps):
        result = runner.invoke(cli, list(args), env={"TAIYAKU_DB": str(db)}, catch_exceptions=False)
        assert result.exit_code == 0, result.output
    return db


def copy_of(built: Path, folder: Path) -> Path:
    """A test's own copy of a project built once for the module or session."""
    db = folder / "taiyaku.db"
    shutil.copy(built, db)
    return db


def document(lang: str, lines: Sequence[str]) -> tuple[Document, list]:
    text = "\n".join(lines) + "\n"
    doc = Document(
        id=None, pair_id=None, lang=lang, raw_text=text, text=text, offset_runs=((0, 0, len(text)),)
    )
    return doc, line_segments(text)


def build_pair(
    db, name: str, ja: Sequence[str], en: Sequence[str] | None, beads: Sequence[Bead] | None = None
) -> int:
    with write(db):
        pair_id = create_pair(db, name)
        doc, segs = document("ja", ja)
        insert_document(db, pair_id, doc, segs)
        if en is not None:
            doc, segs = document("en", en)
            insert_document(db, pair_id, doc, segs)
    if beads is None:
        n = min(len(ja), len(en or []))
        beads = [Bead((i, i + 1), (i, i + 1), score=0.9 - 0.1 * (i % 3)) for i in range(n)]
        beads += [Bead((i, i + 1), (n, n), score=0.1) for i in range(n, len(ja))]
        beads += [Bead((len(ja), len(ja)), (i, i + 1), score=0.1) for i in range(n, len(en or []))]
    save_beads(db, pair_id, beads, user="builder")
    return pair_id


def sample_beads() -> list[Bead]:
    """JA 2 has no English; EN 2 stands alone (a 0-1): the shape of a real review."""
    return [
        Bead((0, 1), (0, 1), score=0.92),
        Bead((1, 2), (1, 2), score=0.93),
        Bead((2, 3), (2, 2), score=0.05),
        Bead((3, 4), (2, 3), score=0.71),
        Bead((4, 5), (3, 4), score=0.35),
        Bead((5, 6), (4, 5), score=0.9),
    ]


@dataclass
class Notifications:
    """Every error notification the app showed during a test, and the ones the test expects (regexes)."""

    errors: list[str] = field(default_factory=list)
    expected: list[str] = field(default_factory=list)
    shown: list[str] = field(default_factory=list)
    """Every notification, whatever its severity."""

    def expect(self, pattern: str) -> None:
        self.expected.append(pattern)

    def unexpected(self) -> list[str]:
        return [m for m in self.errors if not any(re.search(p, m) for p in self.expected)]


@pytest.fixture(autouse=True)
def notifications(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Iterator[Notifications]:
    """Fail any app test in which the app shows an error notification the test did not expect."""
    seen = Notifications()
    if "tui" not in request.node.path.parts:  # a plugin's autouse fixture reaches every test: only the app's
        yield seen
        return
    from textual.app import App

    original = App.notify

    def notify(self: App[object], message: str, **kw: Any) -> None:
        seen.shown.append(str(message))
        if kw.get("severity") == "error":
            seen.errors.append(str(message))
        original(self, message, **kw)

    monkeypatch.setattr(App, "notify", notify)
    yield seen
    if bad := seen.unexpected():
        pytest.fail(f"the app showed unexpected error notifications: {bad}")


@pytest.fixture
def project(db_path: Path) -> Path:
    """A project with one pair `p` (6 JA, 5 EN sentences) and one pair `big` of 300 beads."""
    db = open_db(str(db_path))
    build_pair(db, "p", JA, EN, sample_beads())
    big_ja = [f"第{i}条　これは試験用の文である。" for i in range(300)]
    big_en = [f"Article {i}. This is a sentence for testing." for i in range(300)]
    build_pair(db, "big", big_ja, big_en)
    db.close()
    return db_path
