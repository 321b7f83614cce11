"""The application layer: one function per user action, shared by the CLI and the app (no Textual, no
click). Each action is one transaction recorded in the undo history (tui.core.project.Project.action)."""
