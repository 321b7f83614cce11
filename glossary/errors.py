"""The termbase's errors: each is a ProjectError, so the CLI shows it as one line."""

from __future__ import annotations

from alignment.project import ProjectError
from glossary.model import Entry


class EntryNotFound(ProjectError):
    pass


class InvalidEntry(ProjectError):
    pass


class DuplicateEntry(ProjectError):
    def __init__(self, message: str, existing: Entry) -> None:
        super().__init__(message)
        self.existing = existing
