"""`glossary import` reads TBX-Basic written by other tools: a sample written by hand from the standard's
structure (martif/termEntry/langSet, tig and ntig, administrativeStatus, termType acronym, notes)."""

from __future__ import annotations

import json
from pathlib import Path

# TBX-Basic (ISO 30042:2008 core structure with the TBX-Basic data categories), the way MultiTerm-style
# exporters (ntig/termGrp) and simpler tools (tig) write it. Written by hand, not by our exporter.
TBX_BASIC = """<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE martif SYSTEM "TBXBasiccoreStructV02.dtd">
<martif type="TBX-Basic" xml:lang="en-US">
  <martifHeader>
    <fileDesc><titleStmt><title>Defence terms</title></titleStmt>
      <sourceDesc><p>Hand-written sample</p></sourceDesc></fileDesc>
    <encodingDesc><p type="XCSURI">TBXBasicXCSV02.xcs</p></encodingDesc>
  </martifHeader>
  <text>
    <body>
      <termEntry id="c1">
        <descrip type="subjectField">maritime security</descrip>
        <note>Quad initiative announced in 2022.</note>
        <langSet xml:lang="ja-JP">
          <tig>
            <term>海洋状況把握のためのインド太平洋パートナーシップ</term>
            <termNote type="termType">fullForm</termNote>
            <termNote type="administrativeStatus">preferredTerm-admn-sts</termNote>
          </tig>
        </langSet>
        <langSet xml:lang="en-US">
          <descripGrp>
            <descrip type="definition">A Quad initiative sharing maritime domain awareness data.</descrip>
          </descripGrp>
          <tig>
            <term>Indo-Pacific Partnership for Maritime Domain Awareness</term>
            <termNote type="termType">fullForm</termNote>
            <termNote type="administrativeStatus">preferredTerm-admn-sts</termNote>
          </tig>
          <tig>
            <term>IPMDA</term>
            <termNote type="termType">acronym</termNote>
            <termNote type="administrativeStatus">preferredTerm-admn-sts</termNote>
          </tig>
          <tig>
            <term>Indo Pacific Maritime Awareness Plan</term>
            <termNote type="administrativeStatus">deprecatedTerm-admn-sts</termNote>
            <note>Wrong expansion seen in press reports.</note>
          </tig>
        </langSet>
      </termEntry>
      <termEntry id="c2">
        <langSet xml:lang="ja">
          <ntig>
            <termGrp>
              <term>インド洋地域情報融合センター</term>
              <termNote type="administrativeStatus">admittedTerm-admn-sts</termNote>
            </termGrp>
          </ntig>
        </langSet>
        <langSet xml:lang="en">
          <ntig>
            <termGrp>
              <term>Information Fusion Centre – Indian Ocean Region</term>
              <termNote type="administrativeStatus">admittedTerm-admn-sts</termNote>
            </termGrp>
          </ntig>
          <ntig>
            <termGrp>
              <term>IFC-IOR</term>
              <termNote type="termType">acronym</termNote>
            </termGrp>
          </ntig>
        </langSet>
      </termEntry>
      <termEntry id="c3">
        <langSet xml:lang="ja">
          <tig><term>国家安全保障局長</term>
            <termNote type="administrativeStatus">supersededTerm-admn-sts</termNote></tig>
        </langSet>
        <langSet xml:lang="en">
          <tig><term>National Security Advisor</term>
            <termNote type="administrativeStatus">supersededTerm-admn-sts</termNote></tig>
        </langSet>
      </termEntry>
    </body>
  </text>
</martif>
"""


def test_hand_written_tbx_basic_imports_with_status_acronym_and_notes(run, tmp_path: Path) -> None:
    path = tmp_path / "defence.tbx"
    path.write_text(TBX_BASIC, encoding="utf-8")
    result = run("glossary", "import", str(path), "--json", "-q")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["added"] == [1, 2, 3]
    entries = {e["ja"]: e for e in json.loads(run("glossary", "export", "--format", "json", "-q").stdout)}
    ipmda = entries["海洋状況把握のためのインド太平洋パートナーシップ"]
    assert (ipmda["en"], ipmda["acronym"], ipmda["status"], ipmda["domain"]) == (
        "Indo-Pacific Partnership for Maritime Domain Awareness",
        "IPMDA",
        "approved",
        "maritime security",
    )
    assert ipmda["variants"]["forbidden_en"] == ["Indo Pacific Maritime Awareness Plan"]
    assert ipmda["definition"] == "A Quad initiative sharing maritime domain awareness data."
    # the model has one note per entry: term-level notes are kept in it, named by their term
    assert ipmda["note"] == (
        "Quad initiative announced in 2022.\n"
        "Indo Pacific Maritime Awareness Plan: Wrong expansion seen in press reports."
    )
    ifc = entries["インド洋地域情報融合センター"]
    assert (ifc["en"], ifc["acronym"], ifc["status"]) == (
        "Information Fusion Centre – Indian Ocean Region",
        "IFC-IOR",
        "proposed",
    )
    assert entries["国家安全保障局長"]["status"] == "deprecated"
    found = json.loads(run("glossary", "lookup", "ｉｐｍｄａ", "--json").stdout)
    assert found and "IPMDA" in json.dumps(found, ensure_ascii=False)
