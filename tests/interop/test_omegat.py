"""OmegaT, a real CAT tool, reads our TMX (translating a project from it) and our tab-separated glossary."""

from __future__ import annotations

from pathlib import Path

import pytest
from omegat_harness import build_project, require_omegat, run_console

pytestmark = pytest.mark.slow

HANDWRITTEN_TMX = """<?xml version="1.0" encoding="UTF-8"?>
<tmx version="1.4">
  <header creationtool="handwritten" creationtoolversion="1" segtype="paragraph" o-tmf="none"
          adminlang="en" srclang="ja" datatype="plaintext"/>
  <body>
    <tu><tuv xml:lang="ja"><seg>防衛省は海洋安全保障を強化する。日本はＩＰＭＤＡを推進する。</seg></tuv>
        <tuv xml:lang="en"><seg>The Ministry of Defense will strengthen maritime security. Japan promotes IPMDA &amp; MDA.</seg></tuv></tu>
    <tu><tuv xml:lang="ja"><seg>ｲﾝﾄﾞ太平洋地域の平和と安定に貢献する㈱。</seg></tuv>
        <tuv xml:lang="en"><seg>We contribute to peace &lt;and&gt; stability in the Indo-Pacific region.</seg></tuv></tu>
  </body>
</tmx>
"""


@pytest.fixture(autouse=True)
def _omegat() -> None:
    require_omegat()


def test_harness_translates_from_a_handwritten_tmx_and_leaves_unknown_text_alone(tmp_path: Path) -> None:
    """Proves the harness itself: matched paragraphs (multi-sentence too) come out in English, escaped
    characters decoded; a paragraph the TMX does not have stays Japanese."""
    paragraphs = [
        "防衛省は海洋安全保障を強化する。日本はＩＰＭＤＡを推進する。",
        "ｲﾝﾄﾞ太平洋地域の平和と安定に貢献する㈱。",
        "この文は翻訳メモリにない。",
    ]
    project = build_project(tmp_path / "omt", paragraphs, tmx={"handwritten.tmx": HANDWRITTEN_TMX.encode()})
    run = run_console(project)
    assert run.returncode == 0, run.log
    assert run.errors() == []
    assert run.target_paragraphs() == [
        "The Ministry of Defense will strengthen maritime security. Japan promotes IPMDA & MDA.",
        "We contribute to peace <and> stability in the Indo-Pacific region.",
        "この文は翻訳メモリにない。",
    ]


def test_harness_reads_a_tab_separated_glossary_through_omegat(tmp_path: Path) -> None:
    glossary = "# comment line\n防衛省\tMinistry of Defense\tapproved\nＩＰＭＤＡ\tIPMDA\n".encode()
    project = build_project(tmp_path / "omt", ["防衛省。"], glossaries={"glossary.txt": glossary})
    run = run_console(project, check_glossaries=True)
    assert run.errors() == []
    assert run.glossary_check() == [
        ["FILE", "glossary.txt", "2"],
        ["ENTRY", "防衛省", "Ministry of Defense", "approved"],
        ["ENTRY", "ＩＰＭＤＡ", "IPMDA", ""],
    ]
