"""Our own English for a bead: typed text becomes English segments of the pair, in document order.

The English of bead i replaces the text of its English segments (or is inserted where they would be, creating
the English document if the pair has none). Everything that points into the English document moves with the
text: later segments (sentences and clauses) shift their offsets and indexes, later beads their English
ranges, and the offset map its runs. The change is described by one JSON-able dict (a *splice*) that can be
applied forward or backward, which is what the undo log stores.
"""

from __future__ import annotations

import copy
import hashlib
import json
from collections.abc import Sequence
from typing import Any

from sqlite_utils import Database

from alignment.bead_store import bead_from_json, bead_json, get_beads, save_beads
from alignment.edit import EditError, check_cover
from alignment.model import Bead, BeadStatus
from alignment.project import ProjectError, now, write
from alignment.store import get_document, get_segments, has_segments, touch_pair

Splice = dict[str, Any]
Range = tuple[int, int]


class RenderConflict(ProjectError):
    """The English document no longer holds what a splice expects (changed by another program)."""


# --- turning typed text into segments -----------------------------------------------------------------


def clean_block(typed: str) -> str:
    """The typed English as it goes into the document: stripped non-empty lines, one per line."""
    return "\n".join(line.strip() for line in typed.splitlines() if line.strip())


def sentence_ranges(block: str) -> list[Range]:
    """Sentences of a block of English, cut by the importer's own rules."""
    from alignment.segment import en_sentences

    return list(en_sentences(block))


def clause_ranges(sentence: str) -> list[Range]:
    from alignment.segment import en_clauses

    return list(en_clauses(sentence)) or [(0, len(sentence))]


def _shift_runs(runs: Sequence[Sequence[int]], pos: int, removed: int, inserted: int) -> list[list[int]]:
    """Offset-map runs after text[pos:pos+removed] became `inserted` new characters (which map to no raw text)."""
    out: list[list[int]] = []
    end = pos + removed
    delta = inserted - removed
    for t, r, n in runs:
        if t + n <= pos:
            out.append([t, r, n])
        elif t >= end:
            out.append([t + delta, r, n])
        else:
            if t < pos:
                out.append([t, r, pos - t])
            if t + n > end:
                cut = end - t
                out.append([end + delta, r + cut, t + n - end])
    return out


# --- building a splice -----------------------------------------------------------------------------------


def _clauses(db: Database, document_id: int) -> list[tuple[int, int, int]]:
    """(start, end, parent sentence index) of every clause, in order."""
    return [
        (c.start, c.end, c.parent if c.parent is not None else -1)
        for c in get_segments(db, document_id, "clause")
    ]


def _clause_beads_after(beads: Sequence[Bead], ca: int, cb: int, kc: int) -> list[Bead]:
    """Clause beads once clauses [ca, cb) became kc new ones: the beads touching them merge onto them.

    Beads ending at or before ca stay, beads starting at or after cb shift, the ones in between (if any)
    become a single bead over the new clauses, keeping their Japanese.
    """
    d = kc - (cb - ca)
    before = [b for b in beads if b.en[1] <= ca]
    rest = beads[len(before) :]
    after = [b for b in rest if b.en[0] >= cb]
    run = rest[: len(rest) - len(after)]
    ja = (run[0].ja[0], run[-1].ja[1]) if run else ((before[-1].ja[1],) * 2 if before else (0, 0))
    merged = Bead(ja, (ca, ca + kc))
    shifted = [
        Bead(b.ja, (b.en[0] + d, b.en[1] + d), b.score, b.status, None, b.updated_by, b.updated_at)
        for b in after
    ]
    middle = [merged] if (merged.ja[0] != merged.ja[1] or kc) else []
    return [*before, *middle, *shifted]


def plan_rendering(db: Database, pair_id: int, bead_index: int, typed: str, *, user: str) -> Splice:
    """Describe (without applying) the change that makes `typed` the English of bead `bead_index`."""
    beads = get_beads(db, pair_id)
    if not 0 <= bead_index < len(beads):
        raise EditError(f"no bead {bead_index + 1}")
    bead = beads[bead_index]
    if bead.ja[0] == bead.ja[1]:
        raise EditError("this bead has no Japanese to render")
    doc = get_document(db, pair_id, "en")
    text = doc.text if doc else ""
    runs = [list(r) for r in doc.offset_runs] if doc else []
    own = doc is None or doc.raw_text == doc.text
    segs = get_segments(db, doc.id) if doc and doc.id is not None else []
    a, b = bead.en
    block = clean_block(typed)
    if a == b and not block:
        raise EditError("type some English first (escape cancels)")
    if a < b:
        pos, old_end = segs[a].start, segs[b - 1].end
        if not block and pos > 0 and text[pos - 1] == "\n":
            pos -= 1  # removing the English altogether takes its line break with it
        new_text = block
    elif a > 0:
        pos = old_end = segs[a - 1].end
        new_text = "\n" + block
    else:
        pos = old_end = 0
        new_text = block + "\n"
    old_text = text[pos:old_end]
    new_sents = [(pos + s, pos + e) for s, e in sentence_ranges(new_text)]
    # A pair cut into clauses is cut on both sides: English written where there was none gets clauses too.
    has_clauses = has_segments(db, pair_id, "en", "clause") or (
        not segs and has_segments(db, pair_id, "ja", "clause")
    )
    clauses = _clauses(db, doc.id) if has_clauses and doc and doc.id is not None else []
    old_clauses = [c for c in clauses if a <= c[2] < b]
    ca = next((k for k, c in enumerate(clauses) if c[2] >= a), len(clauses))
    new_clauses: list[tuple[int, int, int]] = []
    if has_clauses:
        full = text[:pos] + new_text
        for k, (s, e) in enumerate(new_sents):
            new_clauses += [(s + cs, s + ce, a + k) for cs, ce in clause_ranges(full[s:e])]
    clause_beads = get_beads(db, pair_id, "clause")
    clause_after = (
        _clause_beads_after(clause_beads, ca, ca + len(old_clauses), len(new_clauses)) if clause_beads else []
    )
    status: BeadStatus = "confirmed" if new_sents else "auto"
    ts = now()
    after_bead = Bead(bead.ja, (a, a + len(new_sents)), bead.score, status, None, user, ts)
    return {
        "op": "splice",
        "pair_id": pair_id,
        "created": doc is None,
        "own": own,
        "pos": pos,
        "text_before": old_text,
        "text_after": new_text,
        "seg_start": a,
        "segs_before": [[s.start, s.end] for s in segs[a:b]],
        "segs_after": [list(r) for r in new_sents],
        "clause_start": ca,
        "clauses_before": [list(c) for c in old_clauses],
        "clauses_after": [list(c) for c in new_clauses],
        "runs_before": runs,
        "runs_after": _shift_runs(runs, pos, len(old_text), len(new_text)),
        "bead": bead_index,
        "bead_before": bead_json(bead),
        "bead_after": bead_json(after_bead),
        "clause_beads_before": [bead_json(x) for x in clause_beads] if clause_beads else None,
        "clause_beads_after": [bead_json(x) for x in clause_after] if clause_beads else None,
        # The whole text's fingerprint: an insertion replaces nothing, so only this notices another edit.
        "hash_before": _hash(text),
        "hash_after": _hash(text[:pos] + new_text + text[pos + len(old_text) :]),
    }


# --- applying a splice ------------------------------------------------------------------------------------

_PAIRED = ("text", "segs", "clauses", "runs", "bead", "clause_beads", "hash")


def _hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def inverse(splice: Splice) -> Splice:
    out = copy.deepcopy(splice)
    for key in _PAIRED:
        out[f"{key}_before"], out[f"{key}_after"] = splice[f"{key}_after"], splice[f"{key}_before"]
    out["created"] = False
    out["deleted"] = splice.get("created", False)
    return out


def _shift_indexes(db: Database, document_id: int, level: str, first: int, d_idx: int, d_pos: int) -> None:
    """Move segments idx >= first by d_idx and their offsets by d_pos (two steps: idx is UNIQUE)."""
    if not d_idx and not d_pos:
        return
    db.execute(
        'UPDATE segments SET idx = -idx - 1 - ?, start = start + ?, "end" = "end" + ? '
        "WHERE document_id = ? AND level = ? AND idx >= ?",
        [d_idx, d_pos, d_pos, document_id, level, first],
    )
    db.execute(
        "UPDATE segments SET idx = -idx - 1 WHERE document_id = ? AND level = ? AND idx < 0",
        [document_id, level],
    )


def apply_splice(db: Database, splice: Splice, *, forward: bool = True) -> None:
    """Apply a splice (or undo it with forward=False), checking that the project holds what it expects."""
    s = splice if forward else inverse(splice)
    pair_id = s["pair_id"]
    with write(db):
        doc = get_document(db, pair_id, "en")
        if doc is None:
            if not s.get("created"):
                raise RenderConflict("the English document of this pair is gone; cannot apply the change")
            db.table("documents").insert(
                {
                    "pair_id": pair_id,
                    "lang": "en",
                    "source_path": None,
                    "encoding": "utf-8",
                    "segmented": 1,
                    "raw_text": "",
                    "text": "",
                    "offset_map": "[]",
                    "created": now(),
                }
            )
            doc = get_document(db, pair_id, "en")
        assert doc is not None and doc.id is not None
        pos, old, new = s["pos"], s["text_before"], s["text_after"]
        if doc.text[pos : pos + len(old)] != old or _hash(doc.text) != s["hash_before"]:
            raise RenderConflict("the English text changed since (another program?); cannot apply the change")
        a = s["seg_start"]
        sents = get_segments(db, doc.id)
        if [[x.start, x.end] for x in sents[a : a + len(s["segs_before"])]] != s["segs_before"]:
            raise RenderConflict("the English segments changed since; cannot apply the change")
        beads = get_beads(db, pair_id)
        k = s["bead"]
        expect = bead_from_json(s["bead_before"])
        if k >= len(beads) or (beads[k].ja, beads[k].en, beads[k].status) != (
            expect.ja,
            expect.en,
            expect.status,
        ):
            raise RenderConflict("the beads changed since; cannot apply the change")
        text = doc.text[:pos] + new + doc.text[pos + len(old) :]
        d_pos = len(new) - len(old)
        raw = text if s["own"] else doc.raw_text
        runs = [[0, 0, len(text)]] if s["own"] and text else s["runs_after"]
        db.execute(
            "UPDATE documents SET text = ?, raw_text = ?, offset_map = ? WHERE id = ?",
            [text, raw, json.dumps(runs), doc.id],
        )
        # sentences
        n_old, n_new = len(s["segs_before"]), len(s["segs_after"])
        db.execute(
            "DELETE FROM segments WHERE document_id = ? AND level = 'sentence' AND idx >= ? AND idx < ?",
            [doc.id, a, a + n_old],
        )
        _shift_indexes(db, doc.id, "sentence", a + n_old, n_new - n_old, d_pos)
        db.table("segments").insert_all(
            {
                "document_id": doc.id,
                "level": "sentence",
                "idx": a + i,
                "start": st,
                "end": en,
                "parent_id": None,
                "text": text[st:en],
            }
            for i, (st, en) in enumerate(s["segs_after"])
        )
        # clauses (their parent is a row id, so it has to be looked up for the new sentences)
        c0, nc_old, nc_new = s["clause_start"], len(s["clauses_before"]), len(s["clauses_after"])
        if nc_old or nc_new:
            db.execute(
                "DELETE FROM segments WHERE document_id = ? AND level = 'clause' AND idx >= ? AND idx < ?",
                [doc.id, c0, c0 + nc_old],
            )
            _shift_indexes(db, doc.id, "clause", c0 + nc_old, nc_new - nc_old, d_pos)
            parents = {
                r[0]: r[1]
                for r in db.execute(
                    "SELECT idx, id FROM segments WHERE document_id = ? AND level = 'sentence'", [doc.id]
                )
            }
            db.table("segments").insert_all(
                {
                    "document_id": doc.id,
                    "level": "clause",
                    "idx": c0 + i,
                    "start": st,
                    "end": en,
                    "parent_id": parents.get(parent),
                    "text": text[st:en],
                }
                for i, (st, en, parent) in enumerate(s["clauses_after"])
            )
        elif d_pos:
            db.execute(
                'UPDATE segments SET start = start + ?, "end" = "end" + ? '
                "WHERE document_id = ? AND level = 'clause' AND start >= ?",
                [d_pos, d_pos, doc.id, pos + len(old)],
            )
        # sentence beads: this one gets the new range, later ones shift
        after = bead_from_json(s["bead_after"])
        rows = db.execute(
            "SELECT id, ord FROM beads WHERE pair_id = ? AND level = 'sentence' ORDER BY ord LIMIT 1 OFFSET ?",
            [pair_id, k],
        ).fetchone()
        bead_id, bead_ord = rows
        db.execute(
            "UPDATE beads SET en_start = ?, en_end = ?, status = ?, score = ?, updated_by = ?, updated_at = ? "
            "WHERE id = ?",
            [
                after.en[0],
                after.en[1],
                after.status,
                after.score,
                after.updated_by,
                after.updated_at,
                bead_id,
            ],
        )
        if n_new != n_old:
            db.execute(
                "UPDATE beads SET en_start = en_start + ?, en_end = en_end + ? "
                "WHERE pair_id = ? AND level = 'sentence' AND ord > ?",
                [n_new - n_old, n_new - n_old, pair_id, bead_ord],
            )
        if s["clause_beads_before"] is not None:
            current = [(b.ja, b.en) for b in get_beads(db, pair_id, "clause")]
            if current != [(tuple(b["ja"]), tuple(b["en"])) for b in s["clause_beads_before"]]:
                raise RenderConflict("the clause alignment changed since; cannot apply the change")
            save_beads(db, pair_id, [bead_from_json(b) for b in s["clause_beads_after"]], level="clause")
        if s.get("deleted") and not text:
            db.execute("DELETE FROM documents WHERE id = ?", [doc.id])
        touch_pair(db, pair_id)


def render(db: Database, pair_id: int, bead_index: int, typed: str, *, user: str) -> Splice:
    """Make `typed` the English of bead `bead_index` (one transaction); returns the splice applied."""
    with write(db):
        splice = plan_rendering(db, pair_id, bead_index, typed, user=user)
        apply_splice(db, splice)
        _check(db, pair_id)
    return splice


def _check(db: Database, pair_id: int) -> None:
    """The invariants a splice must keep; a failure rolls the whole change back."""
    doc = get_document(db, pair_id, "en")
    ja = get_document(db, pair_id, "ja")
    n_ja = len(get_segments(db, ja.id)) if ja and ja.id is not None else 0
    segs = get_segments(db, doc.id) if doc and doc.id is not None else []
    for s in segs:
        if doc is None or doc.text[s.start : s.end] != s.text:
            raise ProjectError(
                "internal error: an English segment no longer matches its text; nothing was changed"
            )
    check_cover(get_beads(db, pair_id), n_ja, len(segs))
