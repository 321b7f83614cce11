"""The alignment view's slow jobs, each in a worker thread that posts its result back as a message:
realigning the stretch around the cursor (R), suggesting spans with GiNZA (S), and QA over the pair."""

from __future__ import annotations

from textual import work
from textual.binding import Binding, BindingType

from alignment.model import Pair
from alignment.project import ProjectError
from tui.core.annotations import Annotations
from tui.core.beads import PairState, Stretch
from tui.core.clauses import clause_stretch
from tui.core.scoring import score_beads
from tui.messages import QaFinished, RealignFinished, ScoresFinished, SuggestFinished
from tui.screens.align.span_actions import SpanActions

BINDINGS: list[BindingType] = [
    Binding(
        "R",
        "realign",
        "Realign",
        show=False,
        id="align.realign",
        tooltip="Realign the unconfirmed stretch around the cursor",
    ),
    Binding(
        "S",
        "suggest",
        "Suggest spans for this pair (GiNZA, acronym rules, glossary)",
        show=False,
        id="align.suggest",
    ),
]


class Workers(SpanActions):
    """Jobs too slow for a key press; the project is changed only when their result comes back."""

    # --- QA over the pair ----------------------------------------------------------------------------

    def check_pair(self) -> None:
        self._qa_worker(self.pair_state.pair)

    @work(thread=True, exclusive=True, group="qa")
    def _qa_worker(self, pair: Pair) -> None:
        try:
            problems = self.session.pair_problems(pair)
        except Exception:  # QA is advisory: the view works without it
            return
        self.post_message(QaFinished(pair.id or 0, problems))

    def on_qa_finished(self, message: QaFinished) -> None:
        if self.state is None or self.state.pair.id != message.pair_id:
            return
        self.problems = message.problems
        self.show()

    # --- scores of beads a person made ------------------------------------------------------------------

    def score_made_beads(self, positions: list[int]) -> None:
        if positions and self.session.realigner is not None:
            self._score_worker(self.pair_state, positions)

    @work(thread=True, group="score")
    def _score_worker(self, state: PairState, positions: list[int]) -> None:
        realigner = self.session.realigner
        if realigner is None:
            return
        try:
            scores = score_beads(state, positions, realigner)
        except Exception:  # a score is advisory: the bead stays unscored
            return
        self.post_message(ScoresFinished(state.pair.id or 0, scores))

    def on_scores_finished(self, message: ScoresFinished) -> None:
        if self.state is None or self.state.pair.id != message.pair_id or not message.scores:
            return
        self.state = self.session.store_scores(self.state, message.scores)
        self.show()

    # --- realign -------------------------------------------------------------------------------------

    def action_realign(self) -> None:
        if self.realigning or self.busy:
            self.notify("Wait until the running job finishes.", severity="warning")
            return
        if not self.beads or self.stale():
            return
        zoom = self.zoom
        state = zoom.clauses if zoom is not None else self.pair_state
        if zoom is not None:
            stretch = clause_stretch(zoom, self.table.cursor)
        else:
            stretch = self.session.stretch(state, self.table.cursor)
        if stretch is None:
            self.notify(
                f"This {self.noun} is confirmed: move into an unconfirmed stretch to realign it.",
                severity="warning",
            )
            return
        if stretch.en[0] == stretch.en[1] or stretch.ja[0] == stretch.ja[1]:
            side = "English" if stretch.en[0] == stretch.en[1] else "Japanese"
            hint = ": e writes it" if side == "English" else ""
            self.notify(f"Nothing to realign: this stretch has no {side} yet{hint}.", severity="warning")
            return
        self.realigning = stretch
        self.writing_job = "realigning"
        self.set_busy(True)
        self.show_status()
        self._realign_worker(state, stretch)

    @work(thread=True, exclusive=True, group="realign")
    def _realign_worker(self, state: PairState, stretch: Stretch) -> None:
        try:
            beads = self.session.compute_realignment(state, stretch)
        except Exception as exc:  # reported in the UI; the project is untouched
            self.post_message(RealignFinished(state.pair.id or 0, None, str(exc) or type(exc).__name__))
            return
        self.post_message(RealignFinished(state.pair.id or 0, beads))

    def on_realign_finished(self, message: RealignFinished) -> None:
        stretch, self.realigning = self.realigning, None
        self.writing_job = None
        self.set_busy(False)
        if message.error or message.beads is None or stretch is None:
            self.notify(f"Realignment failed: {message.error}", severity="error", timeout=8)
            self.show_status()
            return
        zoom = self.zoom
        offset = zoom.offset if zoom is not None else 0
        try:
            if zoom is not None:
                self.zoom = self.session.apply_clause_realignment(zoom, stretch, message.beads)
                self.state = self.zoom.sentences
            else:
                self.state = self.session.apply_realignment(self.pair_state, stretch, message.beads)
        except ProjectError as exc:
            self.refused(exc)
            self.show_status()
            return
        self.derive()
        self.show(min(self.table.cursor, stretch.start - offset + len(message.beads) - 1))
        n, first, last = stretch.stop - stretch.start, stretch.start - offset + 1, stretch.stop - offset
        noun = self.noun
        self.notify(f"Realigned {noun}s {first}–{last}: {n} {noun}s → {len(message.beads)}.")

    # --- suggestions (GiNZA is slow to load) -----------------------------------------------------------

    def action_suggest(self) -> None:
        if self.busy:
            self.notify("Wait until the running job finishes.", severity="warning")
            return
        self.set_busy(True)
        self.show_status("suggesting spans (GiNZA, acronyms, glossary)…")
        self._suggest_worker(self.pair_state.pair)

    @work(thread=True, exclusive=True, group="suggest")
    def _suggest_worker(self, pair: Pair) -> None:
        db = self.session.worker_db()
        try:
            analyses = Annotations.analyse(db, pair)
        except Exception as exc:  # reported; nothing was written
            self.post_message(SuggestFinished(pair.id or 0, None, str(exc) or type(exc).__name__))
            return
        finally:
            if db is not self.session.db:
                db.close()
        self.post_message(SuggestFinished(pair.id or 0, analyses))

    def on_suggest_finished(self, message: SuggestFinished) -> None:
        self.set_busy(False)
        if self.state is None or self.state.pair.id != message.pair_id:
            return
        if message.error or message.analyses is None:
            self.notify(f"Suggesting failed: {message.error}", severity="error", timeout=8)
            self.show_status()
            return
        added_removed: list[tuple[int, int]] = []
        pair, analyses = self.pair_state.pair, message.analyses
        if not self.attempt(lambda: added_removed.append(self.notes.store_suggestions(pair, analyses))):
            self.show_status()
            return
        added, removed = added_removed[0]
        self.after_span_change()
        self.notify(f"Suggestions: {added} new, {removed} dropped; your decisions were kept (u undoes it).")
