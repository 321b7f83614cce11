"""Where the bundled seed documents are: `tui/_seeds` in an installed wheel, else the repository's `seeds/`."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from alignment.errors import ProjectError

_PACKAGE_DIR = Path(__file__).resolve().parent


def seed_dir() -> Path:
    """The folder holding the seed `*.txt` files (and `en/<stem>.en.txt` renderings)."""
    for candidate in (_PACKAGE_DIR / "_seeds", _PACKAGE_DIR.parent / "seeds"):
        if candidate.is_dir() and any(candidate.glob("*.txt")):
            return candidate
    raise ProjectError("the bundled seed documents are missing from this installation (reinstall taiyaku)")


@dataclass(frozen=True, slots=True)
class Seed:
    name: str
    """The pair name: the seed file's stem, e.g. `000_018672d04432ce13`."""
    ja: Path
    en: Path | None


def seeds(directory: Path | None = None) -> list[Seed]:
    """The seed documents in name order, each with its English rendering when there is one."""
    root = directory or seed_dir()
    found = []
    for ja in sorted(root.glob("*.txt")):
        en = root / "en" / f"{ja.stem}.en.txt"
        found.append(Seed(ja.stem, ja, en if en.is_file() else None))
    return found
