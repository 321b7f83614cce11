"""The adjudication queue: every disagreement between two analysts, A's and B's versions side by side.

Keys only: `a` takes A's version, `b` takes B's, `e` edits (a span's label, an entry's English and status;
for beads, the pair's beads as the lead left them after editing them with enter), `n` goes to the next
open item. Each decision is one undoable action of the application layer (u undoes it, anywhere).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen, Screen
from textual.widgets import DataTable, Header, Input, Label, Static

from alignment.project import ProjectError
from alignment.store import get_pair, segment_texts
from glossary.labels import LABELS
from glossary.model import STATUSES
from glossary.review_store import Decision, Item
from tui.app import AnnotateApp, make_app
from tui.core import adjudication
from tui.core.beads import load_pair
from tui.core.session import Session
from tui.messages import OpenPair, ProjectChanged
from tui.screens.modals import FormInput, PickModal
from tui.widgets.footer import AppFooter
from tui.widgets.list_table import Column, ListTable, cut, widths

COLUMNS = (
    Column("#", 4),
    Column("Kind", 6),
    Column("Where", 10, grow=1),
    Column("What", 12, grow=3),
    Column("Decision", 9),
    Column("By", 8),
)
_DECIDED = {"a": "A", "b": "B", "edit": "edited", None: "open"}
NO_SPAN = "-"


class EntryEditModal(ModalScreen[tuple[str, str] | None]):
    """The English and the status of an entry, as the lead settles them (enter keeps, escape cancels)."""

    BINDINGS: ClassVar = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, term: str, english: str, status: str) -> None:
        super().__init__()
        self.term, self.english, self.status = term, english, status

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(f"Settle {self.term}: English, then status", classes="dialog-title")
            yield FormInput(self.english, placeholder="approved English", id="adj-en")
            yield FormInput(
                self.status, placeholder="proposed/approved/deprecated/forbidden", id="adj-status"
            )

    def on_mount(self) -> None:
        self.query_one("#adj-en", Input).focus()

    @on(Input.Submitted)
    def _submitted(self) -> None:
        self.dismiss((self.query_one("#adj-en", Input).value, self.query_one("#adj-status", Input).value))

    def action_cancel(self) -> None:
        self.dismiss(None)


class AdjudicateScreen(Screen[None]):
    DEFAULT_CSS = """
    #adj-title { height: 1; }
    #adj-table { height: 1fr; }
    #adj-sides { height: 2fr; }
    .adj-side { width: 1fr; height: 100%; border: round $primary; padding: 0 1; overflow-y: auto; }
    """
    BINDINGS: ClassVar = [
        Binding("a", "decide('a')", "Take A", id="adjudicate.take-a"),
        Binding("b", "decide('b')", "Take B", id="adjudicate.take-b"),
        Binding("e", "edit", "Edit", id="adjudicate.edit"),
        Binding("n", "next_open", "Next open", id="adjudicate.next"),
        Binding("enter", "open_pair", "Open pair", show=False, id="adjudicate.open"),
    ]

    def __init__(self, session: Session) -> None:
        super().__init__()
        self.session = session
        self.items: list[Item] = []
        self.widths = widths(COLUMNS, 100)
        self._texts: dict[tuple[str, str], list[str]] = {}

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("", id="adj-title")
        yield ListTable(id="adj-table", cursor_type="row", zebra_stripes=True)
        with Horizontal(id="adj-sides"):
            yield Static("", id="adj-a", classes="adj-side")
            yield Static("", id="adj-b", classes="adj-side")
        yield AppFooter()

    @property
    def table(self) -> ListTable:
        return self.query_one("#adj-table", ListTable)

    @property
    def current(self) -> Item | None:
        row = self.table.cursor_row
        return self.items[row] if self.items and 0 <= row < len(self.items) else None

    def on_mount(self) -> None:
        self.sub_title = "adjudication"
        self.reload()
        self.table.focus()
        self._go_open(0)

    def on_resize(self) -> None:
        new = widths(COLUMNS, self.table.size.width - 2)
        if new != self.widths:
            self.widths = new
            self.reload()

    def reload(self) -> None:
        self.items = adjudication.queue(self.session.project)
        table = self.table
        keep = table.cursor_row
        table.clear(columns=True)
        for c, w in zip(COLUMNS, self.widths, strict=True):
            table.add_column(c.label, width=w)
        for n, item in enumerate(self.items, 1):
            table.add_row(
                str(n),
                item.kind,
                cut(item.pair or "glossary", self.widths[2]),
                cut(item.title, self.widths[3]),
                _DECIDED[item.decision],
                cut(item.decided_by or "", self.widths[5]),
            )
        if self.items:
            table.move_cursor(row=min(keep, len(self.items) - 1))
        still = sum(1 for i in self.items if i.decision is None)
        self.query_one("#adj-title", Static).update(
            f" {len(self.items)} disagreements, {still} open — a: take A, b: take B, e: edit, n: next open"
            if self.items
            else " The two analysts agree on everything: nothing to adjudicate."
        )
        self.show_sides()

    # --- the two versions ------------------------------------------------------------------------------

    def _segment(self, pair: str, lang: str, index: int) -> str:
        key = (pair, lang)
        if key not in self._texts:
            p = get_pair(self.session.db, pair)
            self._texts[key] = segment_texts(self.session.db, p.id, "ja" if lang == "ja" else "en")
        texts = self._texts[key]
        return texts[index] if 0 <= index < len(texts) else ""

    def describe(self, item: Item, version: Any) -> str:
        if item.kind == "beads":
            lines = []
            for x in version["beads"]:
                ja = "".join(self._segment(item.pair or "", "ja", i) for i in range(*x["ja"]))
                en = " ".join(self._segment(item.pair or "", "en", i) for i in range(*x["en"]))
                tick = " ✓ confirmed" if x["status"] == "confirmed" else ""
                lines.append(
                    f"JA {_range(x['ja'])} ↔ EN {_range(x['en'])}{tick}\n  {cut(ja, 60)}\n  {cut(en, 60)}"
                )
            return "\n".join(lines)
        if item.kind == "span":
            spans = version["spans"]
            head = f"{version['lang'].upper()} 「{version['text']}」 {version['start']}–{version['end']}\n"
            return head + (
                "\n".join(f"{s['label']} {s['status']} ({s['source']}){_link(s)}" for s in spans)
                or "— no span here"
            )
        entry = version["entry"]
        if entry is None:
            return "— no entry"
        variants = entry.get("variants") or {}
        extra = [f"{k}: {', '.join(v)}" for k, v in variants.items() if v]
        return "\n".join(
            [
                f"JA  {entry.get('ja') or '—'}",
                f"EN  {entry.get('en') or '—'}",
                f"ACR {entry.get('acronym') or '—'}",
                f"status {entry.get('status')}",
                *extra,
            ]
        )

    def show_sides(self) -> None:
        item = self.current
        a, b = self.query_one("#adj-a", Static), self.query_one("#adj-b", Static)
        if item is None:
            a.update("")
            b.update("")
            return
        mark = {"a": (" ◀ taken", ""), "b": ("", " ◀ taken")}.get(item.decision or "", ("", ""))
        a.update(f"[b]A[/b]{mark[0]}\n{_escape(self.describe(item, item.a))}")
        b.update(f"[b]B[/b]{mark[1]}\n{_escape(self.describe(item, item.b))}")

    @on(DataTable.RowHighlighted)
    def _highlighted(self) -> None:
        self.show_sides()

    @on(DataTable.RowSelected)
    def _selected(self, event: DataTable.RowSelected) -> None:
        event.stop()  # enter on the table: open the pair at the item, as the enter binding says
        self.action_open_pair()

    # --- decisions -------------------------------------------------------------------------------------

    def _decide(self, decision: Decision, edited: Any = None) -> None:
        item = self.current
        if item is None:
            return
        try:
            adjudication.decide(self.session.project, item.id, decision, edited)
        except ProjectError as exc:
            self.notify(str(exc), severity="error", timeout=8)
            return
        self.session.generation += 1
        self.reload()
        self._go_open(self.table.cursor_row)

    def action_decide(self, decision: str) -> None:
        self._decide("a" if decision == "a" else "b")

    def action_next_open(self) -> None:
        """The next open item after the cursor (wrapping round)."""
        self._go_open(self.table.cursor_row + 1)

    def _go_open(self, start: int) -> None:
        if not self.items:
            return
        n = len(self.items)
        for row in (r % n for r in range(start, start + n)):
            if self.items[row].decision is None:
                self.table.move_cursor(row=row)
                return
        self.notify("Every disagreement is settled.")

    def action_edit(self) -> None:
        item = self.current
        if item is None:
            return
        if item.kind == "span":
            choices = [(NO_SPAN, "no span here"), *((label, label) for label in LABELS)]
            self.app.push_screen(PickModal(f"Label for 「{item.a['text']}」", choices), self._span_edited)
        elif item.kind == "entry":
            base = item.a["entry"] or item.b["entry"] or {}
            self.app.push_screen(
                EntryEditModal(item.title, base.get("en") or "", base.get("status") or "proposed"),
                self._entry_edited,
            )
        else:
            self._beads_edited(item)

    def _span_edited(self, label: str | None) -> None:
        item = self.current
        if label is None or item is None:
            return
        spans = [] if label == NO_SPAN else [_span_row(item.a, label, _link_of(item, label))]
        self._decide("edit", {**{k: item.a[k] for k in ("lang", "start", "end", "text")}, "spans": spans})

    def _entry_edited(self, result: tuple[str, str] | None) -> None:
        item = self.current
        if result is None or item is None:
            return
        english, status = result[0].strip(), result[1].strip().lower() or "proposed"
        if status not in STATUSES:
            self.notify(f"unknown status {status!r} (use one of {', '.join(STATUSES)})", severity="error")
            return
        base = dict(item.a["entry"] or item.b["entry"] or {})
        base.update(en=english or None, status=status)
        self._decide("edit", {"key": item.a["key"], "entry": base})

    def _beads_edited(self, item: Item) -> None:
        """The stretch's beads as they are now in the merged project, once the lead changed them on the
        pair's screen (enter) into something neither analyst had."""
        state = load_pair(self.session.db, item.pair or "")
        ja, en = item.a["ja"], item.a["en"]
        beads = [
            {"ja": list(x.ja), "en": list(x.en), "status": x.status, "score": x.score}
            for x in state.beads
            if ja[0] <= x.ja[0] <= x.ja[1] <= ja[1] and en[0] <= x.en[0] <= x.en[1] <= en[1]
        ]
        shape = [(b["ja"], b["en"], b["status"]) for b in beads]
        if any(shape == [(b["ja"], b["en"], b["status"]) for b in v["beads"]] for v in (item.a, item.b)):
            self.notify("To edit beads: enter opens the pair here; change them there, come back and press e.")
            return
        self._decide("edit", {"ja": ja, "en": en, "beads": beads})

    def action_open_pair(self) -> None:
        item = self.current
        if item is not None and item.pair is not None:
            start = item.a["beads"][0] if item.kind == "beads" and item.a["beads"] else None
            bead = _bead_at(self.session, item.pair, start)
            self.post_message(OpenPair(item.pair, bead))

    def on_screen_resume(self) -> None:
        self.reload()

    def on_project_changed(self, message: ProjectChanged) -> None:
        self.reload()


def _range(r: list[int]) -> str:
    return "—" if r[0] == r[1] else str(r[0] + 1) if r[1] == r[0] + 1 else f"{r[0] + 1}–{r[1]}"


def _link(span: dict[str, Any]) -> str:
    entry = span.get("entry")
    return f"\n  → glossary: {' / '.join(x for x in entry if x)}" if entry else ""


def _escape(text: str) -> str:
    return text.replace("[", r"\[")


def _link_of(item: Item, label: str) -> Any:
    """The glossary link an edited label keeps: A's, else B's, for a span of that label they accepted."""
    for version in (item.a, item.b):
        for span in version["spans"]:
            if span["label"] == label and span["status"] == "accepted" and span.get("entry"):
                return span["entry"]
    return None


def _span_row(meta: dict[str, Any], label: str, entry: Any = None) -> dict[str, Any]:
    return {
        "lang": meta["lang"],
        "start": meta["start"],
        "end": meta["end"],
        "label": label,
        "status": "accepted",
        "source": "user",
        "text": meta["text"],
        "hint": None,
        "entry": entry,
    }


def _bead_at(session: Session, pair: str, bead: dict[str, Any] | None) -> int | None:
    if bead is None:
        return None
    state = load_pair(session.db, pair)
    return next(
        (k for k, b in enumerate(state.beads) if b.ja[0] >= bead["ja"][0] and b.en[0] >= bead["en"][0]), None
    )


class AdjudicateApp(AnnotateApp):
    """The annotation app opened on the adjudication queue (the pair list lies underneath)."""

    CSS_PATH = str(Path(__file__).resolve().parent.parent / "app.tcss")  # the app's own style sheet

    def on_ready(self) -> None:
        # on_ready, not on_mount: Textual also runs the base class's on_mount, which pushes the pair list
        self.push_screen(AdjudicateScreen(self.session))


def make_adjudicate_app(db_path: str | Path, *, user: str) -> AdjudicateApp:
    base = make_app(db_path, user=user)
    return AdjudicateApp(base.session)


def run_adjudication(db_path: str | Path, *, user: str) -> None:
    make_adjudicate_app(db_path, user=user).run()
