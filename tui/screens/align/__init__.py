"""The alignment view, split by concern: view (drawing), bead_edits, span_actions, glossary_links, workers."""

from tui.screens.align.screen import AlignScreen

__all__ = ["AlignScreen"]
