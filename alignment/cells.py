"""Cells that spreadsheets open: neutralising formula-like text (CSV/TSV injection) reversibly.

Excel, LibreOffice and Google Sheets run a cell that starts with `=`, `+`, `-`, `@` (or a tab or CR before
one) as a formula, so text from an untrusted PDF could call `=HYPERLINK(…)` or `=cmd|…`. Every cell we
write to CSV, TSV or an OmegaT glossary goes out behind a quote; cells that already start with quotes before
such a character get one more, so import strips exactly one.
"""

from __future__ import annotations

import re

_FORMULA = re.compile(r"^'*[=+\-@\t\r]")


def neutralise(cell: str) -> str:
    """`=1+1` → `'=1+1`; anything else unchanged."""
    return "'" + cell if _FORMULA.match(cell) else cell


def unneutralise(cell: str) -> str:
    """The inverse of `neutralise`."""
    return cell[1:] if cell.startswith("'") and _FORMULA.match(cell) else cell
