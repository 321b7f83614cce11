"""Our own English for one clause: typed text becomes (or replaces) the English piece of a clause bead.

The text goes inside the English sentence the clause belongs to: that sentence grows or shrinks, its clause
pieces after the new one move with it, and so does everything later in the document. The change is the same
kind of splice as a sentence's English (alignment.render), so it is applied, checked and undone the same way;
only one sentence segment and its clauses change, and the sentence beads keep their ranges.
"""

from __future__ import annotations

from typing import Any

from sqlite_utils import Database

from alignment.bead_store import bead_json, get_beads
from alignment.edit import EditError
from alignment.model import Bead
from alignment.project import now
from alignment.render import Splice, _hash, _shift_runs
from alignment.store import get_document, get_segments


def _one_line(typed: str) -> str:
    return " ".join(line.strip() for line in typed.splitlines() if line.strip())


def plan_clause_rendering(
    db: Database, pair_id: int, sentence_bead: int, clause_bead: int, typed: str, *, user: str
) -> Splice:
    """Describe (without applying) the change that makes `typed` the English of clause bead `clause_bead`
    (its position in the pair's clause beads), inside sentence bead `sentence_bead`."""
    block = _one_line(typed)
    if not block:
        raise EditError("type some English first (escape cancels; x marks a clause as having none)")
    sentences = get_beads(db, pair_id)
    clause_beads = get_beads(db, pair_id, "clause")
    bead, holder = clause_beads[clause_bead], sentences[sentence_bead]
    if holder.en[0] == holder.en[1]:
        raise EditError("this sentence bead has no English yet: zoom out (z) and write it with e")
    if bead.ja[0] == bead.ja[1]:
        raise EditError("this clause bead has no Japanese to render")
    doc = get_document(db, pair_id, "en")
    assert doc is not None and doc.id is not None  # the sentence bead has English
    segs = get_segments(db, doc.id)
    clauses = get_segments(db, doc.id, "clause")
    a, b = bead.en
    if a < b:
        parents = {c.parent for c in clauses[a:b]}
        if len(parents) != 1:
            raise EditError("the English of this clause bead spans two sentences; write it at sentence level")
        pos, old_end = clauses[a].start, clauses[b - 1].end
        new_text, rel = block, 0
        parent = clauses[a].parent
    else:
        # No English yet: after the previous piece of this sentence bead, or before its first one.
        first = min(
            (c.index for c in clauses if c.parent is not None and c.parent >= holder.en[0]), default=a
        )
        if a > first:
            pos = old_end = clauses[a - 1].end
            new_text, rel, parent = " " + block, 1, clauses[a - 1].parent
        else:
            pos = old_end = clauses[a].start
            new_text, rel, parent = block + " ", 0, clauses[a].parent
    assert parent is not None  # every English clause belongs to a sentence
    delta = len(new_text) - (old_end - pos)
    sentence = segs[parent]
    own = [c for c in clauses if c.parent == parent]
    before = [[c.start, c.end, parent] for c in own]
    new = [pos + rel, pos + rel + len(block), parent]
    after = [[c.start, c.end, parent] for c in own if c.index < a]
    after += [new] + [[c.start + delta, c.end + delta, parent] for c in own if c.index >= b]
    d_count = 1 - (b - a)
    ts = now()
    clause_after = [_moved(x, k, clause_bead, a, d_count, user, ts) for k, x in enumerate(clause_beads)]
    text = doc.text
    runs = [list(r) for r in doc.offset_runs]
    splice: dict[str, Any] = {
        "op": "splice",
        "pair_id": pair_id,
        "created": False,
        "own": doc.raw_text == doc.text,
        "pos": pos,
        "text_before": text[pos:old_end],
        "text_after": new_text,
        "seg_start": parent,
        "segs_before": [[sentence.start, sentence.end]],
        "segs_after": [[sentence.start, sentence.end + delta]],
        "clause_start": own[0].index,
        "clauses_before": before,
        "clauses_after": after,
        "runs_before": runs,
        "runs_after": _shift_runs(runs, pos, old_end - pos, len(new_text)),
        "bead": sentence_bead,
        "bead_before": bead_json(holder),
        "bead_after": bead_json(holder),
        "clause_beads_before": [bead_json(x) for x in clause_beads],
        "clause_beads_after": [bead_json(x) for x in clause_after],
        "hash_before": _hash(text),
        "hash_after": _hash(text[:pos] + new_text + text[old_end:]),
    }
    return splice


def _moved(bead: Bead, k: int, target: int, a: int, d: int, user: str, ts: str) -> Bead:
    """A clause bead once the target's English became one new piece at clause index a."""
    if k == target:
        return Bead(bead.ja, (a, a + 1), None, "confirmed", None, user, ts)
    if k > target and d:
        shifted = (bead.en[0] + d, bead.en[1] + d)
        return Bead(bead.ja, shifted, bead.score, bead.status, None, bead.updated_by, bead.updated_at)
    return bead
