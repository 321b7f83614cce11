"""Custom key bindings: a TOML file maps binding ids (shown on the help screen) to keys.

    # ~/.config/taiyaku/keys.toml (or --keys FILE, or TAIYAKU_KEYS)
    "align.merge-next" = "m,ctrl+j"
    "align.confirm-next" = "space,enter"

For analysts whose keyboard layout makes a default key awkward (brackets on AZERTY need AltGr).
"""

from __future__ import annotations

import os
import tomllib
from pathlib import Path

from alignment.project import ProjectError

ENV = "TAIYAKU_KEYS"


def default_path() -> Path:
    base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / "taiyaku" / "keys.toml"


def binding_ids() -> dict[str, str]:
    """Every binding id of the app with what it does."""
    from textual.binding import Binding

    from tui.app import AnnotateApp
    from tui.screens.align import AlignScreen
    from tui.screens.glossary import GlossaryScreen
    from tui.screens.pairs import PairListScreen
    from tui.screens.span_editor import SpanEditor
    from tui.widgets.bead_table import BeadTable

    out: dict[str, str] = {}
    for owner in (AnnotateApp, PairListScreen, AlignScreen, BeadTable, GlossaryScreen, SpanEditor):
        for b in owner.BINDINGS:
            if isinstance(b, Binding) and b.id:
                out[b.id] = b.tooltip or b.description
    return out


def load_keymap(path: str | os.PathLike[str] | None) -> dict[str, str]:
    """The keymap in `path` (or TAIYAKU_KEYS, or the default file when it exists); {} when there is none."""
    explicit = path or os.environ.get(ENV)
    p = Path(explicit) if explicit else default_path()
    if not p.exists():
        if explicit:
            raise ProjectError(f"no key file at {p}")
        return {}
    try:
        data = tomllib.loads(p.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ProjectError(f"cannot read key file {p}: {exc}") from None
    known = binding_ids()
    keymap: dict[str, str] = {}
    for key, value in data.items():
        if key not in known:
            raise ProjectError(f"{p}: unknown binding {key!r} (the help screen, ?, lists the ids)")
        if not isinstance(value, str) or not value.strip():
            raise ProjectError(f'{p}: {key} needs keys as a string, e.g. "m,ctrl+j"')
        keymap[key] = value
    return keymap
