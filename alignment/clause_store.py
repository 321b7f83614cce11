"""Cutting a clause piece in two at a word, and joining two pieces back: the clause segments and the clause
beads change together, the text never does (pieces are offsets into the document text, like every segment).

A cut is described by one JSON-able dict (applied forward it cuts, backward it joins), which is what the
undo log stores; applying it checks first that the project holds what it expects.
"""

from __future__ import annotations

from typing import Any

from sqlite_utils import Database

from alignment.bead_store import bead_from_json, bead_json, get_beads, save_beads
from alignment.clause_beads import beads_after_cut, beads_after_join, piece_cut, same_bead
from alignment.edit import EditError
from alignment.model import Lang, Segment
from alignment.project import ProjectError, write
from alignment.store import get_document, get_segments, touch_pair

Cut = dict[str, Any]


class CutConflict(ProjectError):
    """The clause pieces are no longer what a cut or join expects (changed by another program)."""


def _clauses(db: Database, pair_id: int, lang: Lang) -> tuple[int, str, list[Segment]]:
    doc = get_document(db, pair_id, lang)
    if doc is None or doc.id is None:
        raise EditError(f"this pair has no {lang.upper()} document")
    return doc.id, doc.text, get_segments(db, doc.id, "clause")


def plan_cut(db: Database, pair_id: int, lang: Lang, clause: int, at: int) -> Cut:
    """The change that cuts clause `clause` of `lang` at document offset `at` (not applied)."""
    _, text, clauses = _clauses(db, pair_id, lang)
    if not 0 <= clause < len(clauses):
        raise EditError(f"no {lang.upper()} clause {clause + 1}")
    c = clauses[clause]
    pieces = piece_cut(text, c.start, c.end, at)
    if pieces is None:
        raise EditError("cut between two words of the piece, not at its edge")
    left, right = pieces
    beads = get_beads(db, pair_id, "clause")
    return {
        "op": "clause_cut",
        "pair_id": pair_id,
        "lang": lang,
        "clause": clause,
        "whole": [c.start, c.end],
        "left": list(left),
        "right": list(right),
        # the clause beads either way, so undo gives back their scores and stamps too
        "beads_before": [bead_json(b) for b in beads],
        "beads_after": [bead_json(b) for b in beads_after_cut(beads, lang, clause)],
    }


def plan_join(db: Database, pair_id: int, lang: Lang, clause: int) -> Cut:
    """The change that joins clauses `clause` and `clause + 1` of `lang` back into one piece (not applied)."""
    _, _, clauses = _clauses(db, pair_id, lang)
    if not 0 <= clause < len(clauses) - 1:
        raise EditError(f"no {lang.upper()} clauses {clause + 1} and {clause + 2} to join")
    a, b = clauses[clause], clauses[clause + 1]
    if a.parent != b.parent:
        raise EditError("these pieces are in different sentences; only pieces of one sentence join")
    beads = get_beads(db, pair_id, "clause")
    if not same_bead(beads, lang, clause):
        raise EditError("these pieces are in different clause beads: merge the beads first (m)")
    cut = {
        "op": "clause_cut",
        "pair_id": pair_id,
        "lang": lang,
        "clause": clause,
        "whole": [a.start, b.end],
        "left": [a.start, a.end],
        "right": [b.start, b.end],
        "beads_before": [bead_json(x) for x in beads],
        "beads_after": [bead_json(x) for x in beads_after_join(beads, lang, clause)],
    }
    return {**cut, "joined": True}


def apply_cut(db: Database, cut: Cut, *, forward: bool = True) -> None:
    """Cut (forward) or join (backward) as described; a joined plan runs the other way round."""
    pair_id, lang, c = cut["pair_id"], cut["lang"], cut["clause"]
    cutting = forward != bool(cut.get("joined"))
    with write(db):
        doc_id, text, clauses = _clauses(db, pair_id, lang)
        whole, left, right = cut["whole"], cut["left"], cut["right"]
        if cutting:
            if c >= len(clauses) or [clauses[c].start, clauses[c].end] != whole:
                raise CutConflict("the clause piece changed since; cannot cut it")
        else:
            got = [[s.start, s.end] for s in clauses[c : c + 2]]
            if got != [left, right]:
                raise CutConflict("the clause pieces changed since; cannot join them")
        beads = get_beads(db, pair_id, "clause")
        expect, target = (
            (cut["beads_before"], cut["beads_after"])
            if forward
            else (cut["beads_after"], cut["beads_before"])
        )
        if [(b.ja, b.en, b.status) for b in beads] != [
            (tuple(x["ja"]), tuple(x["en"]), x["status"]) for x in expect
        ]:
            raise CutConflict("the clause beads changed since; cannot cut or join these pieces")
        _shift(db, doc_id, c + 1, 1 if cutting else -1, skip=0 if cutting else 1)
        first_end = left[1] if cutting else whole[1]
        db.execute(
            'UPDATE segments SET "end" = ?, text = ? WHERE document_id = ? AND level = ? AND idx = ?',
            [first_end, text[whole[0] : first_end], doc_id, "clause", c],
        )
        if cutting:
            parent = db.execute(
                "SELECT parent_id FROM segments WHERE document_id = ? AND level = 'clause' AND idx = ?",
                [doc_id, c],
            ).fetchone()[0]
            db.execute(
                'INSERT INTO segments (document_id, level, idx, start, "end", parent_id, text) '
                "VALUES (?, 'clause', ?, ?, ?, ?, ?)",
                [doc_id, c + 1, right[0], right[1], parent, text[right[0] : right[1]]],
            )
        if beads:
            save_beads(db, pair_id, [bead_from_json(x) for x in target], level="clause")
        touch_pair(db, pair_id)


def _shift(db: Database, doc_id: int, first: int, delta: int, *, skip: int) -> None:
    """Renumber clauses from `first` by `delta` (a join first deletes clause `first`); two steps, idx is UNIQUE."""
    if skip:
        db.execute(
            "DELETE FROM segments WHERE document_id = ? AND level = 'clause' AND idx = ?", [doc_id, first]
        )
        first += 1
    db.execute(
        "UPDATE segments SET idx = -idx - 1 - ? WHERE document_id = ? AND level = 'clause' AND idx >= ?",
        [delta, doc_id, first],
    )
    db.execute(
        "UPDATE segments SET idx = -idx - 1 WHERE document_id = ? AND level = 'clause' AND idx < 0", [doc_id]
    )
