"""Where the test data lives (the seeds in this checkout, dev-gold in shared/ beside it).

Importable as `testdata` because pytest puts `tests/` (and only it, never the checkout) on `sys.path`:
the product packages are imported from the installed wheel, so a file missing from the wheel fails CI.
"""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
DEV_GOLD = ROOT.parent / "shared" / "dev-gold"
INTEROP_PAIR = "seed000"
