"""Names and queries with quotes, `%`, `_`, backslashes and SQL fragments are plain text everywhere: stored
verbatim, found only literally, and never able to change the project."""

from __future__ import annotations

import json
import shutil
import sqlite3
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from rel_harness import (
    assert_clean_error,
    assert_no_traceback,
    cli_env,
    content_digest,
    describe,
    has,
    taiyaku_argv,
)

from alignment.text import fold

pytestmark = pytest.mark.slow

HOSTILE = [
    "'; DROP TABLE pairs; --",
    "Robert'); DROP TABLE glossary_entries;--",
    "100%",
    "%",
    "_",
    "a_b",
    'say "hi"',
    "back\\slash",
    "star*glob?",
    "[abc]",
    "a OR b",
    "NEAR(x y)",
    "^caret",
    "--leading-dashes",
    "名前 with space",
    "ｶﾞ㈱ＩＰＭＤＡ",
    "emoji 😀 name",
]
PLAIN = ["海洋状況把握", "平和と安定", "abc", "axb"]


def run(db: Path, *argv: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*taiyaku_argv(), *argv], capture_output=True, text=True, env=cli_env(db), timeout=300
    )


@pytest.fixture(scope="module")
def project() -> Iterator[Path]:
    if not (has("import-tmx") and has("glossary import")):
        pytest.skip("import-tmx and glossary import have not landed yet")
    d = Path(tempfile.mkdtemp(prefix="taiyaku-names-"))
    db = d / "p.db"
    tmx = d / "t.tmx"
    tmx.write_text(
        '<?xml version="1.0" encoding="UTF-8"?><tmx version="1.4"><header creationtool="t" '
        'creationtoolversion="1" segtype="sentence" o-tmf="t" adminlang="en" srclang="ja" '
        'datatype="plaintext"/><body><tu><tuv xml:lang="ja"><seg>文。</seg></tuv>'
        '<tuv xml:lang="en"><seg>S.</seg></tuv></tu></body></tmx>',
        encoding="utf-8",
    )
    for name in [*HOSTILE, *PLAIN]:
        proc = run(db, "import-tmx", str(tmx), "--name", name)
        assert proc.returncode == 0, describe(proc)
    entries = [{"ja": t, "en": f"{t} (en)"} for t in [*HOSTILE, *PLAIN]]
    path = d / "g.json"
    path.write_text(json.dumps(entries, ensure_ascii=False), encoding="utf-8")
    proc = run(db, "glossary", "import", str(path), "--format", "json")
    assert proc.returncode == 0, describe(proc)
    yield db
    shutil.rmtree(d, ignore_errors=True)


def test_hostile_pair_names_are_stored_verbatim(project: Path) -> None:
    conn = sqlite3.connect(project)
    names = {r[0] for r in conn.execute("SELECT name FROM pairs")}
    conn.close()
    assert names == set(HOSTILE) | set(PLAIN)
    if has("pairs"):
        proc = run(project, "pairs", "--json")
        assert proc.returncode == 0, describe(proc)
        assert {p["name"] for p in json.loads(proc.stdout)} == names


@pytest.mark.parametrize("name", HOSTILE)
def test_commands_taking_a_pair_name_find_exactly_that_pair(project: Path, name: str) -> None:
    before = content_digest(project)
    # `--` ends the options, as for any command line: a name may start with dashes
    for command in (
        ["segments", "--json", "--", name],
        ["beads", "--json", "--", name],
        ["export", "--format", "jsonl", "--", name],
        ["spans", "list", "--json", "--", name],
    ):
        if not has(" ".join(command[:2]) if command[0] == "spans" else command[0]):
            continue
        proc = run(project, *command)
        assert_no_traceback(proc)
        if proc.returncode != 0:  # e.g. "no beads yet" is fine; a wildcard match is not
            line = assert_clean_error(proc)
            assert "no pair named" not in line, f"{command[0]} did not find pair {name!r}: {line}"
    assert content_digest(project) == before


@pytest.mark.parametrize("pattern", ["%", "_", "a%", "a_b%", "*", "[a-z]*", "' OR '1'='1"])
def test_a_wildcard_is_not_a_pair_name(project: Path, pattern: str) -> None:
    """`%` names the pair called %, and a name that no pair has is an error, never a pattern match."""
    if not has("segments"):
        pytest.skip("segments has not landed yet")
    proc = run(project, "segments", "--json", "--", pattern)
    if pattern in HOSTILE:
        assert proc.returncode == 0, describe(proc)
    else:
        assert_clean_error(proc, contains="no pair named")


@pytest.mark.parametrize("query", [*HOSTILE, "'", '"', "\\", "%%", "__", ")", "(", "'" * 50, "x" * 5000])
def test_glossary_lookup_treats_the_query_as_text(project: Path, query: str) -> None:
    if not has("glossary lookup"):
        pytest.skip("glossary lookup has not landed yet")
    before = content_digest(project)
    proc = run(project, "glossary", "lookup", "--json", "--limit", "100", "--", query)
    assert_no_traceback(proc)
    assert proc.returncode == 0, describe(proc)
    found = json.loads(proc.stdout)
    rows = found if isinstance(found, list) else found.get("entries", found.get("results", []))
    key = fold(query).text.strip()
    for entry in rows:
        texts = " ".join(str(entry.get(k) or "") for k in ("ja", "en", "acronym"))
        assert key.replace(" ", "") in fold(texts).text.replace(" ", ""), (
            f"{query!r} matched {entry.get('ja')!r}: a wildcard, not text"
        )
    if query in HOSTILE:
        assert any(e.get("ja") == query for e in rows), f"the entry {query!r} itself was not found"
    assert content_digest(project) == before
