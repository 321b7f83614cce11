"""Pure edits of an alignment: each takes a bead list and returns a new one that still covers every segment once.

Beads are contiguous half-open ranges on each side, so every edit is a change of the boundaries between
neighbouring beads. Beads an edit touches come back as new values with `id`, `score` and the who/when
stamp cleared and status `auto` (a person changed them; the store stamps them again on save); beads it does
not touch are returned as the very same objects, which lets callers find the changed window cheaply
(`changed_window`).
"""

from __future__ import annotations

import operator
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Literal

from alignment.model import Bead, BeadStatus
from alignment.project import ProjectError

Side = Literal["ja", "en"]
Direction = Literal["prev", "next"]
SIDES: tuple[Side, ...] = ("ja", "en")


class EditError(ProjectError):
    """An edit that makes no sense at this place (nothing to merge with, a bead too small to split…)."""


_WORD = {"next": "next", "prev": "previous"}


def _fresh(ja: tuple[int, int], en: tuple[int, int]) -> Bead:
    return Bead(ja=ja, en=en, score=None, status="auto")


def _span(bead: Bead, side: Side) -> tuple[int, int]:
    return bead.ja if side == "ja" else bead.en


def _size(bead: Bead, side: Side) -> int:
    start, end = _span(bead, side)
    return end - start


def _with(bead: Bead, side: Side, span: tuple[int, int]) -> Bead:
    return _fresh(span, bead.en) if side == "ja" else _fresh(bead.ja, span)


def _is_empty(bead: Bead) -> bool:
    return bead.ja[0] == bead.ja[1] and bead.en[0] == bead.en[1]


def _check_index(beads: Sequence[Bead], i: int) -> None:
    if not 0 <= i < len(beads):
        raise EditError(f"no bead {i + 1} (the alignment has {len(beads)})")


@dataclass(frozen=True, slots=True)
class Window:
    """old[start:old_stop] became new[start:new_stop]; everything else is the same objects."""

    start: int
    old_stop: int
    new_stop: int


class Edited(list[Bead]):
    """The bead list an edit returns, remembering which window of the input it replaced.

    It is an ordinary list; `window` just spares callers a scan of 20,000 beads to find what changed.
    """

    window: Window


def _edited(beads: list[Bead], window: Window) -> Edited:
    out = Edited(beads)
    out.window = window
    return out


def _splice(beads: Sequence[Bead], start: int, stop: int, new: Sequence[Bead]) -> list[Bead]:
    """beads[start:stop] replaced by `new`, dropping beads that became empty on both sides."""
    kept = [b for b in new if not _is_empty(b)]
    return _edited([*beads[:start], *kept, *beads[stop:]], Window(start, stop, start + len(kept)))


# --- merging and splitting ----------------------------------------------------------------------------


def merge(beads: Sequence[Bead], i: int, direction: Direction = "next") -> list[Bead]:
    """Merge bead i with the next (or previous) bead, both sides."""
    _check_index(beads, i)
    j = i + 1 if direction == "next" else i - 1
    if not 0 <= j < len(beads):
        raise EditError(f"there is no {_WORD[direction]} bead to merge with")
    a, b = (beads[i], beads[j]) if j > i else (beads[j], beads[i])
    lo = min(i, j)
    return _splice(beads, lo, lo + 2, [_fresh((a.ja[0], b.ja[1]), (a.en[0], b.en[1]))])


def split(beads: Sequence[Bead], i: int, ja_at: int | None = None, en_at: int | None = None) -> list[Bead]:
    """Split bead i into two: JA segments before `ja_at` and EN segments before `en_at` form the first.

    `ja_at`/`en_at` are segment indexes inside the bead's ranges (ends included). By default the first bead
    keeps the first segment of each side, so a 2-2 becomes 1-1 + 1-1 and a 2-1 becomes 1-1 + 1-0.
    """
    _check_index(beads, i)
    bead = beads[i]
    ja_at = min(bead.ja[0] + 1, bead.ja[1]) if ja_at is None else ja_at
    en_at = min(bead.en[0] + 1, bead.en[1]) if en_at is None else en_at
    if not (bead.ja[0] <= ja_at <= bead.ja[1] and bead.en[0] <= en_at <= bead.en[1]):
        raise EditError(f"split point outside bead {i + 1} ({bead.type})")
    first = _fresh((bead.ja[0], ja_at), (bead.en[0], en_at))
    second = _fresh((ja_at, bead.ja[1]), (en_at, bead.en[1]))
    if _is_empty(first) or _is_empty(second):
        raise EditError(f"bead {i + 1} ({bead.type}) has only one segment; nothing to split")
    return _splice(beads, i, i + 1, [first, second])


def unlink(beads: Sequence[Bead], i: int) -> list[Bead]:
    """Mark bead i as unaligned: one 1-0 bead per JA segment, then one 0-1 bead per EN segment."""
    _check_index(beads, i)
    bead = beads[i]
    if bead.ja[0] == bead.ja[1] and bead.en[1] - bead.en[0] <= 1:
        raise EditError(f"bead {i + 1} is already 0-1")
    if bead.en[0] == bead.en[1] and bead.ja[1] - bead.ja[0] <= 1:
        raise EditError(f"bead {i + 1} is already 1-0")
    new = [_fresh((k, k + 1), (bead.en[0], bead.en[0])) for k in range(*bead.ja)]
    new += [_fresh((bead.ja[1], bead.ja[1]), (k, k + 1)) for k in range(*bead.en)]
    return _splice(beads, i, i + 1, new)


# --- moving segments across a boundary ----------------------------------------------------------------


def move_segment(beads: Sequence[Bead], i: int, side: Side, direction: Direction) -> list[Bead]:
    """Move bead i's first `side` segment into the previous bead, or its last one into the next bead.

    With no neighbour in that direction, the segment becomes a bead of its own (1-0 or 0-1).
    """
    _check_index(beads, i)
    bead = beads[i]
    if _size(bead, side) == 0:
        raise EditError(f"bead {i + 1} has no {side.upper()} segment to move")
    start, end = _span(bead, side)
    if direction == "next":
        moved = (end - 1, end)
        rest = _with(bead, side, (start, end - 1))
        if i + 1 < len(beads):
            nxt = beads[i + 1]
            return _splice(beads, i, i + 2, [rest, _with(nxt, side, (end - 1, _span(nxt, side)[1]))])
        other = bead.en[1] if side == "ja" else bead.ja[1]
        lone = _fresh(moved, (other, other)) if side == "ja" else _fresh((other, other), moved)
        return _splice(beads, i, i + 1, [rest, lone])
    moved = (start, start + 1)
    rest = _with(bead, side, (start + 1, end))
    if i > 0:
        prev = beads[i - 1]
        p_start, _ = _span(prev, side)
        return _splice(beads, i - 1, i + 1, [_with(prev, side, (p_start, start + 1)), rest])
    other = bead.en[0] if side == "ja" else bead.ja[0]
    lone = _fresh(moved, (other, other)) if side == "ja" else _fresh((other, other), moved)
    return _splice(beads, i, i + 1, [lone, rest])


def pull_segment(beads: Sequence[Bead], i: int, side: Side, direction: Direction) -> list[Bead]:
    """Take the nearest `side` segment of the next (or previous) bead into bead i."""
    _check_index(beads, i)
    j = i + 1 if direction == "next" else i - 1
    if not 0 <= j < len(beads):
        raise EditError(f"there is no {_WORD[direction]} bead to take a segment from")
    if _size(beads[j], side) == 0:
        raise EditError(f"the {direction} bead has no {side.upper()} segment")
    return move_segment(beads, j, side, "prev" if direction == "next" else "next")


# --- status -------------------------------------------------------------------------------------------


def set_status(beads: Sequence[Bead], indexes: Sequence[int] | range, status: BeadStatus) -> list[Bead]:
    """Set the status of the given beads; the alignment itself is unchanged, so scores are kept."""
    out = list(beads)
    changed = []
    for i in indexes:
        _check_index(beads, i)
        if out[i].status != status:
            out[i] = replace(out[i], status=status, id=None, updated_by=None, updated_at=None)
            changed.append(i)
    if not changed:
        return _edited(out, Window(0, 0, 0))
    return _edited(out, Window(min(changed), max(changed) + 1, max(changed) + 1))


def confirm(beads: Sequence[Bead], i: int) -> list[Bead]:
    return set_status(beads, [i], "confirmed")


def toggle_confirm(beads: Sequence[Bead], i: int) -> list[Bead]:
    _check_index(beads, i)
    return set_status(beads, [i], "auto" if beads[i].status == "confirmed" else "confirmed")


def confirm_through(beads: Sequence[Bead], i: int) -> list[Bead]:
    """Confirm every bead from the first one down to bead i (the cursor) included."""
    _check_index(beads, i)
    return set_status(beads, range(i + 1), "confirmed")


# --- checks and helpers for callers -------------------------------------------------------------------


def check_cover(beads: Sequence[Bead], n_ja: int, n_en: int) -> None:
    """Raise EditError unless the beads cover segments 0..n-1 of each side exactly once, in order."""
    pos = {"ja": 0, "en": 0}
    for k, bead in enumerate(beads):
        if _is_empty(bead):
            raise EditError(f"bead {k + 1} is empty on both sides")
        for side in SIDES:
            start, end = _span(bead, side)
            if start != pos[side] or end < start:
                raise EditError(
                    f"bead {k + 1} {side.upper()} range {start}-{end} does not follow {pos[side]}"
                )
            pos[side] = end
    if pos["ja"] != n_ja or pos["en"] != n_en:
        raise EditError(f"beads end at {pos['ja']}/{pos['en']}, documents have {n_ja}/{n_en} segments")


def changed_window(old: Sequence[Bead], new: Sequence[Bead]) -> Window:
    """Find the changed stretch: the window an edit reported, or a scan by object identity.

    The comparisons run in C (`map(operator.is_, …)`): about a millisecond for 20,000 beads.
    """
    window = getattr(new, "window", None)
    if isinstance(window, Window) and len(new) - len(old) == window.new_stop - window.old_stop:
        return window
    n_old, n_new = len(old), len(new)
    same = list(map(operator.is_, old, new))
    start = same.index(False) if False in same else min(n_old, n_new)
    limit = min(n_old, n_new) - start
    same_tail = list(map(operator.is_, reversed(old[n_old - limit :]), reversed(new[n_new - limit :])))
    tail = same_tail.index(False) if False in same_tail else limit
    return Window(start, n_old - tail, n_new - tail)


def low_score_threshold(beads: Sequence[Bead], quantile: float = 0.15) -> float | None:
    """The score below which a bead is worth a second look: the document's lower quantile of scores."""
    scores = sorted(b.score for b in beads if b.score is not None)
    if not scores:
        return None
    return scores[min(len(scores) - 1, int(len(scores) * quantile))]


def unconfirmed_stretch(beads: Sequence[Bead], i: int) -> tuple[int, int]:
    """The half-open run of unconfirmed beads around bead i (empty when bead i is confirmed)."""
    _check_index(beads, i)
    if beads[i].status == "confirmed":
        return i, i
    start = i
    while start > 0 and beads[start - 1].status != "confirmed":
        start -= 1
    stop = i + 1
    while stop < len(beads) and beads[stop].status != "confirmed":
        stop += 1
    return start, stop
