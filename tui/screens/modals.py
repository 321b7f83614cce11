"""Small dialogs: confirm, write the English of a bead, pick a label, pick or edit a glossary entry."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import ClassVar

from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, OptionList, Select, Static, TextArea
from textual.widgets.option_list import Option


class FormInput(Input):
    """A field of a form that keeps a fast typist's keys in order.

    Keys reach a widget through its own queue: in `abc` Tab `def` typed in one burst, `def` is already queued
    for this field when Tab moves the focus. So Tab moves the focus at once, here, and keys (or pasted text)
    that arrive after the focus has left are handed on to the field that has it now.
    """

    async def _on_key(self, event: events.Key) -> None:
        focused = self.screen.focused
        if focused is not None and focused is not self:
            event.stop()
            event.prevent_default()
            focused.post_message(events.Key(event.key, event.character))
            return
        if event.key in ("tab", "shift+tab"):
            event.stop()
            event.prevent_default()
            if event.key == "tab":
                self.screen.focus_next()
            else:
                self.screen.focus_previous()
            return
        # Otherwise Input's own handler runs next (Textual calls each class's handler along the MRO).

    def _on_paste(self, event: events.Paste) -> None:
        focused = self.screen.focused
        if focused is not None and focused is not self:
            event.stop()
            event.prevent_default()
            focused.post_message(events.Paste(event.text))


class ConfirmModal(ModalScreen[bool]):
    """Yes or no; `y`/`enter` confirm, `n`/`escape` cancel."""

    BINDINGS: ClassVar = [
        Binding("y", "answer(True)", "Yes"),
        Binding("n,escape", "answer(False)", "No"),
    ]

    def __init__(self, question: str) -> None:
        super().__init__()
        self.question = question

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(self.question, classes="dialog-question")
            with Horizontal(classes="dialog-buttons"):
                yield Button("Yes (y)", variant="primary", id="yes")
                yield Button("No (n)", id="no")

    def on_mount(self) -> None:
        self.query_one("#yes", Button).focus()

    def action_answer(self, value: bool) -> None:
        self.dismiss(value)

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "yes")


class RenderModal(ModalScreen[str | None]):
    """Write or edit our English for a bead: one English segment per non-empty line (paste works)."""

    BINDINGS: ClassVar = [
        Binding("ctrl+s", "save", "Save", priority=True),
        Binding("escape", "cancel", "Cancel"),
    ]

    def __init__(self, japanese: str, english: str, *, title: str) -> None:
        super().__init__()
        self.japanese = japanese
        self.english = english
        self.title_text = title

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog dialog-wide"):
            yield Label(self.title_text, classes="dialog-title")
            with VerticalScroll(classes="render-source"):
                yield Static(self.japanese, id="render-ja")
            yield Label("English (one segment per line; ctrl+s saves, escape cancels):")
            yield TextArea(self.english, id="render-en", soft_wrap=True, show_line_numbers=False)
            with Horizontal(classes="dialog-buttons"):
                yield Button("Save (ctrl+s)", variant="primary", id="save")
                yield Button("Cancel (esc)", id="cancel")

    def on_mount(self) -> None:
        area = self.query_one("#render-en", TextArea)
        area.focus()
        area.move_cursor(area.document.end)

    def action_save(self) -> None:
        self.dismiss(self.query_one("#render-en", TextArea).text)

    def action_cancel(self) -> None:
        """Leave without saving; typed text is only thrown away when the analyst says so."""
        if self.query_one("#render-en", TextArea).text == self.english:
            self.dismiss(None)
            return

        def answered(discard: bool | None) -> None:
            if discard:
                self.dismiss(None)
            else:
                self.query_one("#render-en", TextArea).focus()

        self.app.push_screen(ConfirmModal("Discard the English you typed? (n goes back to it)"), answered)

    @on(Button.Pressed, "#save")
    def _save(self) -> None:
        self.action_save()

    @on(Button.Pressed, "#cancel")
    def _cancel(self) -> None:
        self.action_cancel()


class PickModal(ModalScreen[str | None]):
    """Choose one of a few values (a span label, an entry status) by arrow keys or by typing to filter."""

    BINDINGS: ClassVar = [Binding("escape", "cancel", "Cancel")]

    def __init__(
        self,
        title: str,
        choices: Sequence[tuple[str, str]],
        current: str | None = None,
        *,
        search: Callable[[str], Sequence[tuple[str, str]]] | None = None,
        query: str = "",
    ) -> None:
        """`choices` are (value, text shown); with `search`, what is typed asks it for the choices instead
        (starting from `query`, selected so that typing replaces it)."""
        super().__init__()
        self.title_text = title
        self.choices = list(choices)
        self.current = current
        self.search = search
        self.query_text = query

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog dialog-wide" if self.search else "dialog"):
            yield Label(self.title_text, classes="dialog-title")
            yield Input(
                self.query_text,
                placeholder="type to search" if self.search else "type to filter",
                id="pick-filter",
            )
            yield OptionList(*self._options(self.query_text), id="pick-list")
            if self.search:
                yield Static("", id="pick-empty", classes="entry-context")

    def _options(self, query: str) -> list[Option]:
        if self.search is not None:
            return [Option(text, id=value) for value, text in self.search(query)]
        q = query.casefold()
        return [
            Option(text, id=value)
            for value, text in self.choices
            if q in text.casefold() or q in value.casefold()
        ]

    def on_mount(self) -> None:
        options = self.query_one("#pick-list", OptionList)
        for n, option in enumerate(options.options):
            if option.id == self.current:
                options.highlighted = n
        if options.highlighted is None and options.option_count:
            options.highlighted = 0
        self._say_empty()
        self.query_one("#pick-filter", Input).focus()

    def _say_empty(self) -> None:
        if self.search is not None:
            empty = not self.query_one("#pick-list", OptionList).option_count
            self.query_one("#pick-empty", Static).update(
                "nothing found: type something else" if empty else ""
            )

    @on(Input.Changed, "#pick-filter")
    def _filter(self, event: Input.Changed) -> None:
        options = self.query_one("#pick-list", OptionList)
        options.clear_options()
        options.add_options(self._options(event.value))
        if options.option_count:
            options.highlighted = 0
        self._say_empty()

    @on(Input.Submitted, "#pick-filter")
    def _submit_filter(self) -> None:
        options = self.query_one("#pick-list", OptionList)
        if options.highlighted is not None and options.option_count:
            self.dismiss(options.get_option_at_index(options.highlighted).id)

    def on_key(self, event: events.Key) -> None:
        # Arrows move in the list while the filter keeps the focus, so typing and choosing need no tab.
        options = self.query_one("#pick-list", OptionList)
        moves: dict[str, Callable[[], object]] = {
            "down": options.action_cursor_down,
            "up": options.action_cursor_up,
            "home": options.action_first,
            "end": options.action_last,
            "pagedown": options.action_page_down,
            "pageup": options.action_page_up,
        }
        if event.key in moves and options.option_count:
            moves[event.key]()
            event.stop()
            event.prevent_default()

    @on(OptionList.OptionSelected)
    def _selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)

    def action_cancel(self) -> None:
        self.dismiss(None)


@dataclass(frozen=True, slots=True)
class EntryForm:
    """The fields of a glossary entry as the entry dialog edits them."""

    ja: str = ""
    en: str = ""
    acronym: str = ""
    status: str = "proposed"
    domain: str = ""
    note: str = ""
    variants_ja: str = ""
    """Comma-separated."""
    variants_en: str = ""
    forbidden_en: str = ""


class EntryModal(ModalScreen[EntryForm | None]):
    """Create or edit a glossary entry; `ctrl+s` saves. Every field takes pasted Japanese or English."""

    BINDINGS: ClassVar = [
        Binding("ctrl+s", "save", "Save", priority=True),
        Binding("escape", "cancel", "Cancel"),
    ]
    FIELDS: ClassVar = [
        ("ja", "Japanese"),
        ("en", "English"),
        ("acronym", "Acronym"),
        ("variants_ja", "JA variants (a, b)"),
        ("variants_en", "EN variants (a, b)"),
        ("forbidden_en", "Forbidden EN (a, b)"),
        ("domain", "Domain"),
        ("note", "Note"),
    ]

    def __init__(
        self,
        form: EntryForm,
        *,
        title: str,
        statuses: Sequence[str],
        validate: Callable[[EntryForm], str | None] | None = None,
        context: str = "",
    ) -> None:
        super().__init__()
        self.form = form
        self.title_text = title
        self.statuses = list(statuses)
        self.validate = validate
        self.context = context

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="dialog dialog-wide"):
            yield Label(self.title_text, classes="dialog-title")
            if self.context:
                yield Static(self.context, classes="entry-context")
            for name, label in self.FIELDS:
                with Horizontal(classes="entry-row"):
                    yield Label(label, classes="entry-label")
                    yield FormInput(
                        getattr(self.form, name), id=f"entry-{name.replace('_', '-')}", compact=True
                    )
            with Horizontal(classes="entry-row"):
                yield Label("Status", classes="entry-label")
                yield Select(
                    [(s, s) for s in self.statuses],
                    value=self.form.status,
                    allow_blank=False,
                    id="entry-status",
                    compact=True,
                )
            yield Static("", id="entry-error")
            with Horizontal(classes="dialog-buttons"):
                yield Button("Save (ctrl+s)", variant="primary", id="save")
                yield Button("Cancel (esc)", id="cancel")

    def on_mount(self) -> None:
        # The first empty field of the terms, so typing fills it instead of replacing a pre-filled term.
        names = ("ja", "en", "acronym")
        first = next((n for n in names if not getattr(self.form, n)), "ja")
        field = self.query_one(f"#entry-{first}", Input)
        field.select_on_focus = False
        field.focus()
        field.cursor_position = len(field.value)

    def current(self) -> EntryForm:
        values = {
            name: self.query_one(f"#entry-{name.replace('_', '-')}", Input).value.strip()
            for name, _ in self.FIELDS
        }
        status = self.query_one("#entry-status", Select).value
        return EntryForm(status=str(status), **values)

    def action_save(self) -> None:
        form = self.current()
        problem = self.validate(form) if self.validate else None
        if problem:
            self.query_one("#entry-error", Static).update(f"[b red]{problem}[/]")
            return
        self.dismiss(form)

    def action_cancel(self) -> None:
        self.dismiss(None)

    @on(Input.Submitted)
    def _submitted(self) -> None:
        self.action_save()

    @on(Button.Pressed, "#save")
    def _save(self) -> None:
        self.action_save()

    @on(Button.Pressed, "#cancel")
    def _cancel(self) -> None:
        self.action_cancel()
