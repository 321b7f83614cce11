"""What the annotation app does to a project, without any Textual: load pairs, edit beads, undo, realign.

Screens call these methods and show the results; every method that changes the project writes it (and its
history entry) in one transaction before it returns, so there is nothing to save and nothing to lose.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from sqlite_utils import Database

from alignment import edit
from alignment.model import Bead, Pair
from alignment.project import ProjectError, write
from alignment.store import get_beads, get_pair, list_pairs, segment_starts, segment_texts
from tui import history
from tui.annotations import Annotations

Realigner = Callable[[Sequence[str], Sequence[str]], list[Bead]]
"""Aligns two lists of segment texts; beads index into them from 0. Runs in a worker thread."""


@dataclass(frozen=True, slots=True)
class PairProgress:
    name: str
    beads: int
    confirmed: int
    ja_segments: int
    en_segments: int
    spans_suggested: int = 0
    spans_decided: int = 0
    qa_problems: int = 0


@dataclass(frozen=True, slots=True)
class PairState:
    """One pair as the app holds it: its segments and its current beads (as stored)."""

    pair: Pair
    beads: tuple[Bead, ...]
    ja_texts: tuple[str, ...] = field(default=())
    """Japanese sentence texts by segment index."""
    en_texts: tuple[str, ...] = field(default=())
    ja_starts: tuple[int, ...] = field(default=())
    """Where each Japanese segment starts in the document text (spans are document offsets)."""
    en_starts: tuple[int, ...] = field(default=())
    confirmed: int = -1
    """How many beads are confirmed (kept up to date by edits, so no keypress counts 20,000 beads)."""

    def __post_init__(self) -> None:
        if self.confirmed < 0:
            object.__setattr__(self, "confirmed", count_confirmed(self.beads))


def count_confirmed(beads: Sequence[Bead]) -> int:
    return sum(1 for b in beads if b.status == "confirmed")


@dataclass(frozen=True, slots=True)
class Stretch:
    """A run of unconfirmed beads handed to the realigner: beads[start:stop] over these segments."""

    start: int
    stop: int
    ja: tuple[int, int]
    en: tuple[int, int]


class Session:
    """The project file, the analyst, and the helpers the app needs (passed in, so tests can swap them)."""

    def __init__(
        self,
        db: Database,
        *,
        user: str,
        path: Path | None = None,
        realigner: Realigner | None = None,
    ) -> None:
        self.db = db
        self.user = user
        self.path = path
        self.realigner = realigner
        self.annotations = Annotations(db, user=user)
        self.generation = 0
        """Bumped by every undo and redo, so screens underneath know to reload when they come back."""

    # --- reading -----------------------------------------------------------------------------------

    def progress(self) -> list[PairProgress]:
        rows = self.db.execute(
            """SELECT p.name,
                 (SELECT count(*) FROM beads b WHERE b.pair_id = p.id AND b.level = 'sentence'),
                 (SELECT count(*) FROM beads b WHERE b.pair_id = p.id AND b.level = 'sentence'
                    AND b.status = 'confirmed'),
                 (SELECT count(*) FROM segments s JOIN documents d ON s.document_id = d.id
                    WHERE d.pair_id = p.id AND d.lang = 'ja' AND s.level = 'sentence'),
                 (SELECT count(*) FROM segments s JOIN documents d ON s.document_id = d.id
                    WHERE d.pair_id = p.id AND d.lang = 'en' AND s.level = 'sentence')
               FROM pairs p ORDER BY p.name"""
        ).fetchall()
        out = []
        for r in rows:
            pair = get_pair(self.db, r[0])
            suggested, decided = self.annotations.span_counts(pair.id)
            out.append(PairProgress(*r, spans_suggested=suggested, spans_decided=decided))
        return out

    def worker_db(self) -> Database:
        """A connection of its own for a worker thread (the app's stays with the app)."""
        from tui.common import open_db

        return open_db(str(self.path)) if self.path is not None else self.db

    def qa_counts(self) -> dict[str, int]:
        """QA problems per pair (reads every bead of every pair: call from a worker)."""
        if not self.annotations.available:
            return {}
        from glossary.qa import check

        db = self.worker_db()
        try:
            rules = Annotations(db, user=self.user).rules()
            if not rules.allowed_en and not rules.bad_kind:
                return {}
            return {p.name: len(check(db, p, rules) or []) for p in list_pairs(db)}
        finally:
            if db is not self.db:
                db.close()

    def pair_problems(self, pair: Pair) -> frozenset[int]:
        """Bead indexes of the pair with a QA problem (call from a worker)."""
        db = self.worker_db()
        try:
            return Annotations(db, user=self.user).pair_problems(pair)
        finally:
            if db is not self.db:
                db.close()

    def pair_names(self) -> list[str]:
        return [p.name for p in list_pairs(self.db)]

    def load(self, name: str) -> PairState:
        pair = get_pair(self.db, name)
        ja = tuple(segment_texts(self.db, pair.id, "ja"))
        en = tuple(segment_texts(self.db, pair.id, "en"))
        beads = tuple(get_beads(self.db, pair.id))
        if not beads and (ja or en):
            # A pair nobody aligned yet: show every segment unaligned, so it can be worked by hand.
            beads = tuple(self._unaligned(pair.id, len(ja), len(en)))
        return PairState(
            pair,
            beads,
            ja,
            en,
            tuple(segment_starts(self.db, pair.id, "ja")),
            tuple(segment_starts(self.db, pair.id, "en")),
        )

    def _unaligned(self, pair_id: int, n_ja: int, n_en: int) -> list[Bead]:
        from alignment.store import save_beads

        beads = [Bead((i, i + 1), (0, 0)) for i in range(n_ja)] + [
            Bead((n_ja, n_ja), (i, i + 1)) for i in range(n_en)
        ]
        save_beads(self.db, pair_id, beads, user=self.user)
        return get_beads(self.db, pair_id)

    def bead_of_segment(self, name: str, lang: str, segment: int) -> int | None:
        """The position of the sentence bead holding a segment (for provenance given by segment)."""
        beads = get_beads(self.db, get_pair(self.db, name).id)
        for k, b in enumerate(beads):
            a, z = b.ja if lang == "ja" else b.en
            if a <= segment < z:
                return k
        return None

    def reload_beads(self, state: PairState) -> PairState:
        return replace(state, beads=tuple(get_beads(self.db, state.pair.id)), confirmed=-1)

    # --- changing beads ----------------------------------------------------------------------------

    def change_beads(
        self, state: PairState, new: Sequence[Bead], *, action: str, summary: str, cursor: int
    ) -> PairState:
        """Store an edit made by one of alignment.edit's functions, with its history entry."""
        w = edit.changed_window(state.beads, new)
        stored = history.commit_beads(
            self.db,
            state.pair.id,
            state.beads,
            new,
            user=self.user,
            action=action,
            summary=f"{state.pair.name}: {summary}",
            cursor=cursor,
            window=w,
        )
        confirmed = (
            state.confirmed
            - count_confirmed(state.beads[w.start : w.old_stop])
            + count_confirmed(stored[w.start : w.new_stop])
        )
        return replace(state, beads=tuple(stored), confirmed=confirmed)

    def stretch(self, state: PairState, cursor: int) -> Stretch | None:
        """The unconfirmed run of beads around the cursor, with the segments it covers."""
        start, stop = edit.unconfirmed_stretch(state.beads, cursor)
        if start == stop:
            return None
        first, last = state.beads[start], state.beads[stop - 1]
        return Stretch(start, stop, (first.ja[0], last.ja[1]), (first.en[0], last.en[1]))

    def compute_realignment(self, state: PairState, stretch: Stretch) -> list[Bead]:
        """Align the stretch's segments again (slow; call from a worker). Returns beads in pair indexes."""
        if self.realigner is None:
            raise ProjectError("no aligner is available in this installation")
        ja = state.ja_texts[stretch.ja[0] : stretch.ja[1]]
        en = state.en_texts[stretch.en[0] : stretch.en[1]]
        beads = self.realigner(ja, en)
        edit.check_cover(beads, len(ja), len(en))
        return [
            Bead(
                (b.ja[0] + stretch.ja[0], b.ja[1] + stretch.ja[0]),
                (b.en[0] + stretch.en[0], b.en[1] + stretch.en[0]),
                score=b.score,
            )
            for b in beads
        ]

    def apply_realignment(self, state: PairState, stretch: Stretch, beads: Sequence[Bead]) -> PairState:
        """Put a computed realignment in place of the stretch (refused if the stretch changed meanwhile)."""
        current = state.beads[stretch.start : stretch.stop]
        if (
            len(current) != stretch.stop - stretch.start
            or not current
            or (current[0].ja[0], current[-1].ja[1]) != stretch.ja
            or (current[0].en[0], current[-1].en[1]) != stretch.en
            or any(b.status == "confirmed" for b in current)
        ):
            raise ProjectError("the beads changed while realigning; realign again")
        new = [*state.beads[: stretch.start], *beads, *state.beads[stretch.stop :]]
        return self.change_beads(
            state,
            new,
            action="realign",
            cursor=stretch.start,
            summary=f"realign beads {stretch.start + 1}–{stretch.stop} ({stretch.stop - stretch.start} → {len(beads)})",
        )

    # --- our English ------------------------------------------------------------------------------

    def render(self, state: PairState, bead_index: int, typed: str) -> PairState:
        """Make `typed` the English of a bead (new English segments, or replacing the bead's), logged."""
        from alignment.render import render

        with write(self.db):
            splice = render(self.db, state.pair.id, bead_index, typed, user=self.user)
            span_ops = self.annotations.follow_splice(state.pair, splice)
            n = len(splice["segs_after"])
            what = "remove the English" if not n else f"write {n} English segment{'s' if n > 1 else ''}"
            history.record(
                self.db,
                user=self.user,
                action="render",
                summary=f"{state.pair.name}: {what} for bead {bead_index + 1}",
                ops=[splice, *span_ops],
                pair_id=state.pair.id,
                bead=bead_index,
            )
        return self.load(state.pair.name)

    def token_edges(self, lang: str, text: str) -> list[int]:
        """Token boundaries of a segment: GiNZA's for Japanese (cached parse, or parsed now: slow, so the span
        editor calls this from a worker), word edges for English."""
        if lang != "ja":
            from tui.annotations import english_edges

            return english_edges(text)
        from alignment.parse import parse_texts

        db = self.worker_db()
        try:
            parse = parse_texts(db, [text])[0]
        finally:
            if db is not self.db:
                db.close()
        edges = {0, len(text)}
        for t in parse.tokens:
            edges.update((t.start, t.end))
        return sorted(edges)

    # --- undo and redo -----------------------------------------------------------------------------

    def undo(self) -> history.Entry | None:
        entry = history.undo(self.db, self.user)
        self.generation += entry is not None
        return entry

    def redo(self) -> history.Entry | None:
        entry = history.redo(self.db, self.user)
        self.generation += entry is not None
        return entry


def default_realigner(path: Path | None) -> Realigner | None:
    """The project's aligner (embeddings when the encoder is installed, approved glossary pairs as anchors).

    None when this installation has no aligner. The returned function opens its own connection, because it
    runs in a worker thread.
    """
    try:
        from alignment.aligner import align_texts
    except ImportError:
        return None

    def realign(ja: Sequence[str], en: Sequence[str]) -> list[Bead]:
        from alignment import embed
        from tui.common import open_db

        db = open_db(str(path)) if path is not None else None
        try:
            embedder = None
            note = embed.unavailable_reason()
            if note is None:
                embedder = functools.partial(embed.embed, db=db)
            beads, _signals = align_texts(ja, en, embedder=embedder, glossary=_anchor_pairs(db), note=note)
        finally:
            if db is not None:
                db.close()
        return list(beads)

    return realign


def _anchor_pairs(db: Database | None) -> list[tuple[str, str]]:
    if db is None:
        return []
    try:
        from glossary.store import anchor_pairs
    except ImportError:
        return []
    return list(anchor_pairs(db))
