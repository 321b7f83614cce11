"""Runs the real OmegaT (Debian package `omegat`) headless on a throw-away project, for the interop tests."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import escape

import pytest

PROJECT_FILE = """<?xml version="1.0" encoding="UTF-8"?>
<omegat>
  <project version="1.0">
    <source_dir>source</source_dir>
    <target_dir>target</target_dir>
    <tm_dir>tm</tm_dir>
    <glossary_dir>glossary</glossary_dir>
    <glossary_file>glossary/glossary.txt</glossary_file>
    <dictionary_dir>dictionary</dictionary_dir>
    <source_lang>{source}</source_lang>
    <target_lang>{target}</target_lang>
    <source_tok>org.omegat.tokenizer.LuceneJapaneseTokenizer</source_tok>
    <target_tok>org.omegat.tokenizer.LuceneEnglishTokenizer</target_tok>
    <sentence_seg>{sentence_seg}</sentence_seg>
    <support_default_translations>true</support_default_translations>
    <remove_tags>false</remove_tags>
  </project>
</omegat>
"""

# Console mode never starts OmegaT's (GUI-side) glossary manager, so this script, run by OmegaT itself after
# the project has loaded, feeds every file of glossary/ through the manager's own loader (the one the GUI
# uses: it dispatches on the extension to OmegaT's TSV, CSV and TBX readers) and writes what came back.
GLOSSARY_SCRIPT = """
import org.omegat.core.Core
import org.omegat.gui.glossary.GlossaryManager
if (binding.hasVariable('eventType') && eventType.toString() != 'LOAD') return
def props = Core.getProject().getProjectProperties()
def load = GlossaryManager.getDeclaredMethod('loadGlossaryFile', File)
load.setAccessible(true)
def manager = new GlossaryManager(null)
manager.@priorityGlossary = new File(props.getWriteableGlossary())
def out = new StringBuilder()
new File(props.getGlossaryRoot()).listFiles().sort().each { f ->
  def entries = load.invoke(manager, f)
  out << "FILE\\t${f.name}\\t${entries.size()}\\n"
  entries.each { e -> out << "ENTRY\\t${e.srcText}\\t${e.locText}\\t${e.commentText}\\n" }
}
new File(props.getProjectRoot(), 'glossary-check.tsv').write(out.toString(), 'UTF-8')
"""

SOURCE_NAME = "document.utf8"
"""`.utf8`: OmegaT's text filter reads it as UTF-8 whatever the machine's locale."""

# With one file per unit, the text filter must not split a file at its line breaks (a unit may hold one:
# a list marker on its own line); the whole file is then one OmegaT segment, with no trailing newline.
WHOLE_FILE_FILTERS = """<?xml version="1.0" encoding="UTF-8"?>
<filters removeTags="false" removeSpacesNonseg="false" preserveSpaces="false" ignoreFileContext="false">
  <filter enabled="true" className="org.omegat.filters2.text.TextFilter">
    <files sourceFilenameMask="*.utf8" sourceEncoding="UTF-8" targetEncoding="UTF-8"
           targetFilenamePattern="${filename}"/>
    <option name="segmentOn" value="NEVER"/>
  </filter>
</filters>
"""


def omegat_binary() -> str | None:
    return shutil.which("omegat")


def require_omegat() -> str:
    """The omegat command; skip without it, except in CI (CI=true), where a missing OmegaT is a failure."""
    found = omegat_binary()
    if found:
        return found
    if os.environ.get("CI", "").lower() in ("true", "1", "yes"):
        pytest.fail("OmegaT is not installed but CI is set: .ci/apt-packages should have installed it")
    pytest.skip("OmegaT is not installed (apt-get install omegat, or run .ci/apt-packages)")


@dataclass(frozen=True)
class OmegaTRun:
    project: Path
    returncode: int
    log: str

    def errors(self) -> list[str]:
        """OmegaT's logged errors and exceptions (console mode exits 0 even when a script throws)."""
        return [
            line
            for line in self.log.splitlines()
            if ": Error:" in line or "Exception" in line or line.startswith("Error")
        ]

    def target_paragraphs(self) -> list[str]:
        """The translated text: a line per paragraph, or each unit's file in order (`one_file_each`)."""
        target = self.project / "target"
        if not (target / SOURCE_NAME).exists():
            return [f.read_text(encoding="utf-8") for f in sorted(target.glob("unit-*.utf8"))]
        text = (target / SOURCE_NAME).read_text(encoding="utf-8")
        return [p for p in text.split("\n") if p.strip()]

    def glossary_check(self) -> list[list[str]]:
        path = self.project / "glossary-check.tsv"
        text = path.read_text(encoding="utf-8") if path.exists() else ""
        return [line.split("\t") for line in text.splitlines()]


def build_project(
    root: Path,
    paragraphs: Sequence[str],
    *,
    tmx: Mapping[str, bytes] | None = None,
    glossaries: Mapping[str, bytes] | None = None,
    source: str = "ja",
    target: str = "en",
    sentence_seg: bool = False,
    one_file_each: bool = False,
) -> Path:
    """An OmegaT project: `paragraphs` (one per line) as the source file, or each in a file of its own,
    whole (`one_file_each`: for units holding line breaks); TMX files in tm/auto/ (where OmegaT inserts 100%
    matches by itself), glossary files in glossary/."""
    if any(c.isspace() for c in str(root)):
        raise ValueError(f"the Debian omegat launcher splits paths on spaces: {root}")
    for sub in ("source", "target", "tm/auto", "glossary", "dictionary", "omegat"):
        (root / sub).mkdir(parents=True, exist_ok=True)
    (root / "omegat.project").write_text(
        PROJECT_FILE.format(
            source=escape(source), target=escape(target), sentence_seg=str(sentence_seg).lower()
        ),
        encoding="utf-8",
    )
    if one_file_each:
        (root / "omegat" / "filters.xml").write_text(WHOLE_FILE_FILTERS, encoding="utf-8")
        width = len(str(len(paragraphs)))
        for i, paragraph in enumerate(paragraphs):
            (root / "source" / f"unit-{i:0{width}d}.utf8").write_text(paragraph, encoding="utf-8")
    else:
        if any("\n" in p for p in paragraphs):
            raise ValueError("a paragraph holds a line break: use one_file_each")
        (root / "source" / SOURCE_NAME).write_text("\n\n".join(paragraphs) + "\n", encoding="utf-8")
    for name, data in (tmx or {}).items():
        (root / "tm" / "auto" / name).write_bytes(data)
    for name, data in (glossaries or {}).items():
        (root / "glossary" / name).write_bytes(data)
    return root


def run_console(project: Path, *, check_glossaries: bool = False, timeout: float = 300) -> OmegaTRun:
    """`omegat PROJECT --mode=console-translate`, headless, with its own empty configuration folder."""
    binary = require_omegat()
    args = [binary, str(project), "--mode=console-translate", f"--config-dir={project / '.omegat-config'}"]
    if check_glossaries:
        script = project / "glossary-check.groovy"
        script.write_text(GLOSSARY_SCRIPT, encoding="utf-8")
        args.append(f"--script={script}")
    env = {**os.environ, "JAVA_TOOL_OPTIONS": "-Djava.awt.headless=true"}
    env.pop("DISPLAY", None)
    proc = subprocess.run(
        args,
        capture_output=True,
        text=True,
        encoding="utf-8",
        errors="replace",
        timeout=timeout,
        env=env,
        stdin=subprocess.DEVNULL,
    )
    return OmegaTRun(project, proc.returncode, proc.stdout + proc.stderr)
