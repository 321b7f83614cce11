"""The alignment view: the bead table, the current bead in full with its spans, and the glossary panel.

Assembled from parts of one concern each: the view (layout, drawing, staying current), bead edits, spans,
glossary links and the worker jobs. Their keys are listed here in the order the help screen shows them.
"""

from __future__ import annotations

from typing import ClassVar

from textual.binding import BindingType

from tui.screens.align import bead_edits, glossary_links, span_actions, view, workers, zoom
from tui.screens.align.bead_edits import BeadEdits
from tui.screens.align.glossary_links import GlossaryLinks
from tui.screens.align.workers import Workers
from tui.screens.align.zoom import Zoom


class AlignScreen(Zoom, BeadEdits, GlossaryLinks, Workers):
    """One pair. Keys act on the bead under the cursor; every change is stored at once and can be undone."""

    BINDINGS: ClassVar[list[BindingType]] = [
        *zoom.BINDINGS[:1],
        *bead_edits.BINDINGS,
        *zoom.BINDINGS[1:],
        *workers.BINDINGS[:1],
        *span_actions.BINDINGS,
        *glossary_links.BINDINGS,
        *workers.BINDINGS[1:],
        *view.BINDINGS,
    ]
