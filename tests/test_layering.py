"""The structure checks itself: dependencies point one way (tui → glossary → alignment), the application
layer (tui.core) knows neither Textual nor click, SQL stays in store modules, no product module is over
400 lines, and the tests run against the installed package."""

from __future__ import annotations

import ast
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from testdata import ROOT

PACKAGES = ("alignment", "glossary", "tui")
MAX_LINES = 400


def _modules(package: str) -> list[str]:
    base = ROOT / package
    out = []
    for path in sorted(base.rglob("*.py")):
        rel = path.relative_to(ROOT).with_suffix("")
        parts = rel.parts[:-1] if rel.name == "__init__" else rel.parts
        out.append(".".join(parts))
    return out


def _imported(tree: ast.AST) -> set[str]:
    """Every module an AST imports, at module level or inside functions (lazy imports count too)."""
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


FORBIDDEN: dict[str, tuple[str, ...]] = {
    "alignment": ("glossary", "tui"),
    "glossary": ("tui",),
    "tui/core": ("textual", "click", "rich"),
}


@pytest.mark.parametrize("area", sorted(FORBIDDEN))
def test_no_import_points_the_wrong_way(area: str) -> None:
    offences = []
    for path in sorted((ROOT / area).rglob("*.py")):
        for name in _imported(ast.parse(path.read_text(encoding="utf-8"))):
            top = name.split(".")[0]
            if top in FORBIDDEN[area]:
                offences.append(f"{path.relative_to(ROOT)} imports {name}")
    assert not offences, offences


@pytest.mark.parametrize(
    ("package", "absent"),
    # sqlite-utils itself loads click (its plugin hooks), so for tui.core click is checked statically above
    [("alignment", ("glossary", "tui")), ("glossary", ("tui",)), ("tui.core", ("textual", "tui.commands"))],
)
def test_importing_a_layer_loads_nothing_above_it(package: str, absent: tuple[str, ...]) -> None:
    """Every module of the layer imported in a fresh interpreter: the layers above never come along."""
    modules = _modules(package.replace(".", "/")) if "." in package else _modules(package)
    code = (
        "import importlib, sys\n"
        f"for m in {modules!r}: importlib.import_module(m)\n"
        f"bad = sorted(m for m in sys.modules if any(m == a or m.startswith(a + '.') for a in {absent!r}))\n"
        "print(' '.join(bad))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd="/")
    assert out.stdout.strip() == "", f"importing {package} loaded {out.stdout.strip()}"


SQL = re.compile(
    r"^\s*(SELECT\b.*\bFROM\b|INSERT\s+INTO\b|UPDATE\s+\[?\w+\]?\s+SET\b|DELETE\s+FROM\b|CREATE\s+(TABLE|INDEX|VIEW)\b)",
    re.S,
)
"""Statements that belong in store modules (and the history store), not in commands, screens or actions."""


def test_sql_lives_in_store_modules_only() -> None:
    offences = []
    for area in ("tui/commands", "tui/screens", "tui/widgets", "tui/core"):
        for path in sorted((ROOT / area).rglob("*.py")):
            if path.name == "history.py":  # the history store
                continue
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, ast.Constant) and isinstance(node.value, str) and SQL.match(node.value):
                    offences.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert not offences, offences


def test_no_product_module_is_over_400_lines() -> None:
    long = [
        f"{p.relative_to(ROOT)} ({n} lines)"
        for package in PACKAGES
        for p in sorted((ROOT / package).rglob("*.py"))
        if (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_LINES
    ]
    assert not long, long


def test_tests_import_the_installed_package() -> None:
    """pytest puts only tests/ on sys.path; in CI (a plain install) the code comes from site-packages, so a
    file missing from the wheel fails there."""
    import alignment

    config = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    assert 'pythonpath = ["tests"]' in config  # never the checkout itself
    if os.environ.get("CI"):  # CI installs the wheel (not editable): the code must come from the venv
        where = Path(alignment.__file__).resolve()
        assert where.is_relative_to(Path(sys.prefix).resolve()), where
