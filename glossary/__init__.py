"""The termbase, entity and acronym spans, term matching, QA, TBX/CSV. Never imports tui/."""
