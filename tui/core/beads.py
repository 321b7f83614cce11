"""Bead actions: read a pair (never writing), edit beads, realign a stretch, align a pair, write English.

A pair nobody aligned yet is shown with every segment unaligned, without storing anything: the beads are
stored the first time a person changes them, as part of that change (and its undo takes them away again).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from sqlite_utils import Database

from alignment import edit
from alignment.aligner import Alignment, Progress, align_pair, align_texts, make_embedder, save_alignment
from alignment.bead_store import get_beads, save_beads
from alignment.model import Bead, Level, Pair
from alignment.project import ProjectError
from alignment.render import render
from alignment.store import get_pair, pair_revision, segment_starts, segment_texts
from glossary.store import anchor_pairs
from tui.core import history, scoring
from tui.core.clause_follow import follow_clauses, reset_sentence
from tui.core.project import Action, Project, open_db
from tui.core.spans import follow_splice

Realigner = Callable[[Sequence[str], Sequence[str]], list[Bead]]
"""Aligns two lists of segment texts; beads index into them from 0. Runs in a worker thread."""


@dataclass(frozen=True, slots=True)
class PairState:
    """One pair as a screen holds it: its segments and its beads (as stored, or all unaligned)."""

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
    stored: bool = True
    """False while the beads are the unaligned view of a pair nobody aligned (nothing in the file)."""
    revision: int = 0
    """The pair's revision when these beads were read: an edit on an older revision is refused."""
    level: Level = "sentence"
    """Sentence beads over sentences, or clause beads over clauses (tui.core.clauses)."""
    note: str = ""
    """What else the last edit changed, for the person to read (e.g. clause links it reset)."""

    def __post_init__(self) -> None:
        if self.confirmed < 0:
            object.__setattr__(self, "confirmed", count_confirmed(self.beads))


def count_confirmed(beads: Sequence[Bead]) -> int:
    return sum(1 for b in beads if b.status == "confirmed")


def unaligned(n_ja: int, n_en: int) -> list[Bead]:
    """Every segment on its own: the Japanese ones 1-0, then the English ones 0-1."""
    return [Bead((i, i + 1), (0, 0)) for i in range(n_ja)] + [
        Bead((n_ja, n_ja), (i, i + 1)) for i in range(n_en)
    ]


def load_pair(db: Database, name: str) -> PairState:
    """A pair's segments and beads; reading never writes (an unaligned pair is shown, not stored)."""
    pair = get_pair(db, name)
    ja = tuple(segment_texts(db, pair.id, "ja"))
    en = tuple(segment_texts(db, pair.id, "en"))
    beads = tuple(get_beads(db, pair.id))
    stored = bool(beads) or not (ja or en)
    if not stored:
        beads = tuple(unaligned(len(ja), len(en)))
    starts = (tuple(segment_starts(db, pair.id, "ja")), tuple(segment_starts(db, pair.id, "en")))
    return PairState(pair, beads, ja, en, *starts, stored=stored, revision=pair_revision(db, pair.id))


def bead_of_segment(db: Database, pair: Pair, lang: str, segment: int) -> int | None:
    """The 0-based position of the sentence bead holding a segment (None when the pair is not aligned)."""
    for k, b in enumerate(get_beads(db, pair.id)):
        a, z = b.ja if lang == "ja" else b.en
        if a <= segment < z:
            return k
    return None


def _store_unaligned(act: Action, db: Database, state: PairState, user: str) -> PairState:
    """Store the unaligned view of a pair as part of the action that first changes it."""
    save_beads(db, state.pair.id, state.beads, user=user)
    stored = tuple(get_beads(db, state.pair.id))
    act.ops.append(history.beads_op(state.pair.id, 0, [], stored))
    return replace(state, beads=stored, stored=True, confirmed=-1)


def change_beads(
    project: Project, state: PairState, new: Sequence[Bead], *, action: str, summary: str, cursor: int
) -> PairState:
    """Store an edit made by one of alignment.edit's functions as one undoable action.

    Refused when the beads on screen are not the stored ones any more (another screen or program changed
    them): every edit checks the same way, so none goes through on stale beads.
    """
    db = project.db
    w = edit.changed_window(state.beads, new)
    if w.start == w.old_stop == w.new_stop:
        return state
    label = f"{state.pair.name}: {summary}"
    with project.action(action, label, pair_id=state.pair.id, bead=cursor) as act:
        check_current(db, state)
        old = state.beads
        if not state.stored and state.level == "sentence":
            old = _store_unaligned(act, db, state, project.user).beads
        stored = history.store_beads(
            db, act.ops, state.pair.id, old, new, user=project.user, window=w, level=state.level
        )
        note = (
            follow_clauses(db, act.ops, state.pair, old, stored, user=project.user)
            if state.level == "sentence"
            else ""
        )
        if note:
            act.summary = f"{act.summary} ({note})"
    confirmed = (
        state.confirmed
        - count_confirmed(state.beads[w.start : w.old_stop])
        + count_confirmed(stored[w.start : w.new_stop])
    )
    return replace(
        state,
        beads=tuple(stored),
        confirmed=confirmed,
        stored=True,
        revision=pair_revision(db, state.pair.id),
        note=note,
    )


STALE = "this pair was changed by another program or screen since it was shown; ctrl+r shows it as it is now"


def check_current(db: Database, state: PairState) -> None:
    """Refuse every edit made on beads that are no longer the stored ones, whatever the edit."""
    if pair_revision(db, state.pair.id) != state.revision:
        raise ProjectError(STALE)


def is_current(db: Database, state: PairState) -> bool:
    return pair_revision(db, state.pair.id) == state.revision


# --- realigning a stretch --------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Stretch:
    """A run of unconfirmed beads handed to the realigner: beads[start:stop] over these segments."""

    start: int
    stop: int
    ja: tuple[int, int]
    en: tuple[int, int]


def stretch_at(state: PairState, cursor: int) -> Stretch | None:
    """The unconfirmed run of beads around the cursor, with the segments it covers."""
    start, stop = edit.unconfirmed_stretch(state.beads, cursor)
    if start == stop:
        return None
    first, last = state.beads[start], state.beads[stop - 1]
    return Stretch(start, stop, (first.ja[0], last.ja[1]), (first.en[0], last.en[1]))


def compute_realignment(state: PairState, stretch: Stretch, realigner: Realigner) -> list[Bead]:
    """Align the stretch's segments again (slow; call from a worker). Returns beads in pair indexes."""
    ja = state.ja_texts[stretch.ja[0] : stretch.ja[1]]
    en = state.en_texts[stretch.en[0] : stretch.en[1]]
    beads = realigner(ja, en)
    edit.check_cover(beads, len(ja), len(en))
    return [
        Bead(
            (b.ja[0] + stretch.ja[0], b.ja[1] + stretch.ja[0]),
            (b.en[0] + stretch.en[0], b.en[1] + stretch.en[0]),
            score=b.score,
        )
        for b in beads
    ]


def apply_realignment(
    project: Project, state: PairState, stretch: Stretch, beads: Sequence[Bead]
) -> PairState:
    """Put a computed realignment in place of the stretch (refused if the pair changed meanwhile)."""
    current = state.beads[stretch.start : stretch.stop]
    if any(b.status == "confirmed" for b in current) or len(current) != stretch.stop - stretch.start:
        raise ProjectError("the beads changed while realigning; realign again")
    new = [*state.beads[: stretch.start], *beads, *state.beads[stretch.stop :]]
    n = stretch.stop - stretch.start
    return change_beads(
        project,
        state,
        new,
        action="realign",
        cursor=stretch.start,
        summary=f"realign beads {stretch.start + 1}–{stretch.stop} ({n} → {len(beads)})",
    )


def realign(project: Project, state: PairState, cursor: int, realigner: Realigner) -> PairState:
    """Realign the unconfirmed stretch around the cursor (the CLI's and tests' one-call form)."""
    stretch = stretch_at(state, cursor)
    if stretch is None:
        raise ProjectError(f"bead {cursor + 1} is confirmed: nothing to realign around it")
    return apply_realignment(project, state, stretch, compute_realignment(state, stretch, realigner))


def project_realigner(
    path: Path | None, *, use_embeddings: bool = True, level: Level = "sentence"
) -> Realigner:
    """The project's aligner (embeddings, approved glossary pairs as anchors) for stretches of a pair.

    Opens its own connection each time, because it runs in a worker thread.
    """

    def realign_texts(ja: Sequence[str], en: Sequence[str]) -> list[Bead]:
        db = open_db(path, create=False) if path is not None else None
        try:
            embedder, note = make_embedder(db, use_embeddings, None) if db is not None else (None, None)
            anchors = anchor_pairs(db) if db is not None else []
            beads, _signals, _todo = align_texts(
                ja, en, embedder=embedder, glossary=anchors, note=note, level=level
            )
        finally:
            if db is not None:
                db.close()
        return list(beads)

    return realign_texts


# --- aligning whole pairs ------------------------------------------------------------------------------


def align_pairs(
    project: Project,
    pairs: Sequence[Pair],
    *,
    level: Level = "sentence",
    use_embeddings: bool = True,
    on_progress: Callable[[Pair], Progress | None] = lambda pair: None,
) -> list[Alignment]:
    """Align each pair (the slow part outside any transaction), each stored as one undoable action."""
    anchors = anchor_pairs(project.db)
    results = []
    for pair in pairs:

        def save(
            db: Database,
            pair_id: int,
            current: Sequence[Bead],
            beads: Sequence[Bead],
            *,
            level: Level,
            user: str | None,
            pair: Pair = pair,
        ) -> None:
            what = f"{pair.name}: align ({level} level)"
            with project.action("align", what, pair_id=pair_id) as act:
                before = get_beads(db, pair_id, level)
                save_alignment(db, pair_id, current, beads, level=level, user=user)
                after = get_beads(db, pair_id, level)
                if before != after:
                    act.ops.append(history.beads_op(pair_id, 0, before, after, level))
                    if level == "sentence":
                        note = follow_clauses(db, act.ops, pair, before, after, user=project.user)
                        act.summary += f" ({note})" if note else ""

        results.append(
            align_pair(
                project.db,
                pair,
                level=level,
                use_embeddings=use_embeddings,
                glossary=anchors,
                user=project.user,
                on_progress=on_progress(pair),
                save=save,
            )
        )
    return results


# --- our English ---------------------------------------------------------------------------------------


def write_english(project: Project, state: PairState, bead_index: int, typed: str) -> PairState:
    """Make `typed` the English of a bead (new English segments, or replacing the bead's), one action."""
    db = project.db
    name = state.pair.name
    with project.action("render", f"{name}: write English", pair_id=state.pair.id, bead=bead_index) as act:
        check_current(db, state)
        if not state.stored:
            _store_unaligned(act, db, state, project.user)
        splice = render(db, state.pair.id, bead_index, typed, user=project.user)
        act.ops.append(splice)
        act.ops.extend(follow_splice(db, state.pair, splice))
        reset_sentence(db, act.ops, state.pair, get_beads(db, state.pair.id), bead_index, user=project.user)
        n = len(splice["segs_after"])
        what = "remove the English" if not n else f"write {n} English segment{'s' if n > 1 else ''}"
        act.summary = f"{name}: {what} for bead {bead_index + 1}"
    return load_pair(db, name)


# --- bead edits by number (the CLI's form; the app calls change_beads with the cursor) ------------------

BeadEdit = Callable[[list[Bead], int], list[Bead]]


def edit_bead(
    project: Project,
    name: str,
    number: int,
    fn: BeadEdit,
    *,
    action: str,
    summary: str,
    realigner: Realigner | None = None,
) -> PairState:
    """Apply an alignment.edit function to bead `number` (counted from 1, as people see it); with a
    realigner, the beads the edit made get the aligner's confidence as their score."""
    state = load_pair(project.db, name)
    if not 1 <= number <= len(state.beads):
        raise ProjectError(f"{name} has {len(state.beads)} beads; there is no bead {number}")
    i = number - 1
    new = fn(list(state.beads), i)
    window = edit.changed_window(state.beads, new)
    after = change_beads(project, state, new, action=action, summary=summary, cursor=i)
    if realigner is not None:
        made = scoring.unscored(after, window.start, window.new_stop)
        after = scoring.store_scores(project, after, scoring.score_beads(after, made, realigner))
    return after
