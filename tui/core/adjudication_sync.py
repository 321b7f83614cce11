"""Building a merged project again: what the two analysts changed alike since the last build comes in.

A place (a bead stretch, a span range, a glossary term) is brought up to date when A and B agree on it
now, A's version there changed since the last build (an agreed change, not an old difference), no
decision covers it, and the merged project still holds there what the last build left: neither the lead's
decisions nor the lead's own edits to the merged project are overwritten (those places are reported).
Each build keeps what it left in the merged project and what A had (review_store.base); a merged project
built before that was kept takes every agreed difference except removals. One undoable action.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from alignment.model import Bead
from alignment.project import ProjectError, write
from alignment.store import get_pair
from glossary import review_store
from glossary.agreement import Agreement, PairSide, entries_by_term, read_side
from glossary.agreement_diff import ENTRY_FIELDS, SpanRow, bead_json, bead_stretches
from glossary.model import Entry, entry_to_dict
from glossary.review_store import Item, Kind
from tui.core.adjudication_apply import apply_at
from tui.core.project import Action, Project

Region = tuple[tuple[int, int], tuple[int, int]]
"""A bead stretch's Japanese and English segment ranges."""


@dataclass(slots=True)
class SyncReport:
    brought_in: dict[Kind, int] = field(default_factory=lambda: dict.fromkeys(review_store.KINDS, 0))
    left_out: list[str] = field(default_factory=list)
    """Agreed changes not brought in, one line each (the lead changed that place in the merged project)."""


def _plain(data: Any) -> Any:
    """As stored in JSON (tuples become lists), so a stored state compares with a fresh one."""
    return json.loads(json.dumps(data, ensure_ascii=False, sort_keys=True))


def _range(r: Sequence[int]) -> str:
    return "—" if r[0] == r[1] else f"{r[0] + 1}" if r[1] == r[0] + 1 else f"{r[0] + 1}–{r[1]}"


# --- the state of a place, as compared and as kept --------------------------------------------------------


def _beads_state(beads: Iterable[Bead]) -> list[list[Any]]:
    return [[*b.ja, *b.en, b.status] for b in beads]


def _beads_of(state: Sequence[Sequence[Any]]) -> list[Bead]:
    return [
        Bead(
            (int(r[0]), int(r[1])),
            (int(r[2]), int(r[3])),
            status="confirmed" if r[4] == "confirmed" else "auto",
        )
        for r in state
    ]


def _range_key(s: SpanRow) -> str:
    return f"{s.lang}:{s.start}-{s.end}"


def _spans_state(rows: Iterable[SpanRow]) -> dict[str, Any]:
    out: dict[str, list[list[Any]]] = {}
    for s in rows:
        out.setdefault(_range_key(s), []).append([s.label, s.status, list(s.link) if s.link else None])
    return dict(_plain({k: sorted(v, key=lambda x: (x[0], x[1])) for k, v in out.items()}))


def _entry_state(e: Entry | None) -> Any:
    if e is None:
        return None
    data = entry_to_dict(e)
    return _plain({k: data.get(k) for k in ENTRY_FIELDS})


def _term(key: tuple[str, str]) -> str:
    return f"{key[0]}:{key[1]}"


def merged_state(project: Project, pairs: Sequence[str]) -> dict[str, Any]:
    """The merged project's beads and spans of these pairs, and its glossary, as a build leaves them."""
    db = project.db
    sides = [read_side(db, get_pair(db, name)) for name in pairs]
    return _state(sides, entries_by_term(db))


def _state(sides: Iterable[PairSide], entries: Mapping[tuple[str, str], Entry]) -> dict[str, Any]:
    return {
        "pairs": {
            side.pair.name: {"beads": _beads_state(side.beads), "spans": _spans_state(side.spans)}
            for side in sides
        },
        "entries": {_term(k): _entry_state(e) for k, e in entries.items()},
    }


# --- bringing in ---------------------------------------------------------------------------------------


def _overlaps(region: Region, others: Iterable[Region]) -> bool:
    def meet(x: tuple[int, int], y: tuple[int, int]) -> bool:
        return x[0] < y[1] and y[0] < x[1]

    return any(meet(region[0], o[0]) or meet(region[1], o[1]) for o in others)


@dataclass(slots=True)
class _Sync:
    project: Project
    found: Agreement
    decided: Mapping[str, Item]
    """Decided items by key."""
    merged: dict[str, Any] | None
    """The merged project as the last build left it (None: not kept by the build that made it)."""
    analysts: dict[str, Any] | None
    """A as the last build found it."""
    report: SyncReport = field(default_factory=SyncReport)

    def bring(self, act: Action, kind: Kind, pair: str | None, version: Any, where: str) -> None:
        done = len(act.ops)
        try:
            with write(self.project.db):  # a savepoint: a place that cannot take it is left whole
                apply_at(self.project, act, kind, pair, version)
        except ProjectError as exc:
            del act.ops[done:]  # rolled back with the savepoint: nothing of it to undo
            self.report.left_out.append(f"{where}: {exc}")
            return
        self.report.brought_in[kind] += 1

    def _pair(self, base: dict[str, Any] | None, name: str, what: str) -> Any:
        return None if base is None else base.get("pairs", {}).get(name, {}).get(what)

    def settle(self, now: Any, a: Any, before_merged: Any, before_a: Any, where: str, *, kept: bool) -> bool:
        """Whether A's version (agreed with B) comes in at a place where the merged project differs."""
        if not kept:  # no base kept for this place: every agreed difference, but nothing is removed
            return a not in (None, [])
        if a == before_a:  # not a change of the analysts: the difference is the lead's, or older
            return False
        if now != before_merged:
            self.report.left_out.append(
                f"{where}: changed in the merged project since the last build; "
                "the analysts' agreed change is not brought in"
            )
            return False
        return True

    def entries(self, act: Action) -> None:
        by_a, by_b = self.found.entries
        by_m = entries_by_term(self.project.db)
        for key in sorted(by_a.keys() | by_b.keys() | by_m.keys()):
            now, a = _entry_state(by_m.get(key)), _entry_state(by_a.get(key))
            if now == a or a != _entry_state(by_b.get(key)) or f"entry:{_term(key)}" in self.decided:
                continue
            before_m = (self.merged or {}).get("entries", {}).get(_term(key))
            before_a = (self.analysts or {}).get("entries", {}).get(_term(key))
            where = f"glossary {key[1]}"
            if self.settle(now, a, before_m, before_a, where, kept=self.merged is not None):
                entry = by_a.get(key)
                version = {"key": list(key), "entry": entry_to_dict(entry, who=True) if entry else None}
                self.bring(act, "entry", None, version, where)

    def spans(self, act: Action, name: str, a: PairSide, b: PairSide, now_side: PairSide) -> None:
        now, sa, sb = _spans_state(now_side.spans), _spans_state(a.spans), _spans_state(b.spans)
        kept_m = self._pair(self.merged, name, "spans")
        kept_a = self._pair(self.analysts, name, "spans") or {}
        kept = kept_m is not None  # a pair first compared now (an earlier build had --pair) has no base
        kept_m = kept_m or {}
        for key in sorted(now.keys() | sa.keys()):
            here, agreed = now.get(key, []), sa.get(key, [])
            if here == agreed or agreed != sb.get(key, []) or f"{name}:{key}" in self.decided:
                continue
            where = f"{name}: spans at {key}"
            if self.settle(here, agreed, kept_m.get(key, []), kept_a.get(key, []), where, kept=kept):
                lang, offsets = key.split(":")
                start, end = (int(x) for x in offsets.split("-"))
                spans = [s.to_dict() for s in a.spans if _range_key(s) == key]
                version = {"lang": lang, "start": start, "end": end, "spans": spans}
                self.bring(act, "span", name, version, where)

    def beads(self, act: Action, name: str, a: PairSide, now_side: PairSide) -> None:
        kept_m, kept_a = self._pair(self.merged, name, "beads"), self._pair(self.analysts, name, "beads")
        before_m = list(now_side.beads) if kept_m is None else _beads_of(kept_m)
        before_a = list(now_side.beads) if kept_a is None else _beads_of(kept_a)
        blocked: list[Region] = [(s.ja, s.en) for s in self.found.stretches if s.pair == name]
        blocked += [
            ((i.a["ja"][0], i.a["ja"][1]), (i.a["en"][0], i.a["en"][1]))
            for i in self.decided.values()
            if i.kind == "beads" and i.pair == name
        ]
        by_lead = [(s.ja, s.en) for s in bead_stretches(name, before_m, now_side.beads)]
        by_analysts = [(s.ja, s.en) for s in bead_stretches(name, before_a, a.beads)]
        for s in bead_stretches(name, now_side.beads, a.beads):
            region: Region = (s.ja, s.en)
            if _overlaps(region, blocked) or not _overlaps(region, by_analysts):
                continue
            where = f"{name}: beads JA {_range(s.ja)} / EN {_range(s.en)}"
            if _overlaps(region, by_lead):
                self.report.left_out.append(
                    f"{where}: changed in the merged project since the last build; "
                    "the analysts' agreed change is not brought in"
                )
                continue
            version = {"ja": list(s.ja), "en": list(s.en), "beads": [bead_json(x) for x in s.b]}
            self.bring(act, "beads", name, version, where)


def bring_in_agreed(project: Project, found: Agreement) -> SyncReport:
    """Bring the analysts' agreed changes into the merged project (one undoable action), then keep what
    this build leaves, and what A had, as the base of the next build."""
    db = project.db
    decided = {i.key: i for i in review_store.items(db) if i.decision is not None}
    base = review_store.base(db)
    sync = _Sync(project, found, decided, base.get("merged"), base.get("analysts"))
    with project.action("adjudicate-sync", "adjudicate: bring in what A and B agree on") as act:
        sync.entries(act)  # entries first: spans brought in may link to them
        for a, b in found.sides:
            name = a.pair.name
            sync.spans(act, name, a, b, read_side(db, get_pair(db, name)))
            sync.beads(act, name, a, read_side(db, get_pair(db, name)))
        n = sum(sync.report.brought_in.values())
        act.summary = f"adjudicate: bring in {n} change{'' if n == 1 else 's'} A and B agree on"
        kept: dict[str, Any] = {}
        for what, state in (
            ("merged", merged_state(project, found.pairs)),
            ("analysts", _state((a for a, _ in found.sides), found.entries[0])),
        ):
            before = base.get(what) or {}
            state["pairs"] = {**before.get("pairs", {}), **state["pairs"]}  # pairs not compared stay
            kept[what] = state
        review_store.set_base(db, kept)
    return sync.report
