"""Write seed000.clauses.jsonl from the hand decisions below, checked against the seed's texts.

Usage: .venv/bin/python bench/clause_gold/make_gold.py PROJECT.db
(PROJECT.db: seed 000 imported with its English and aligned, e.g. by `taiyaku demo --no-tui`, then
`taiyaku align 000_018672d04432ce13 --level clause`.)
"""

import itertools
import json
import sys
from pathlib import Path

from tui.core import beads, clauses
from tui.core.project import Project

HERE = Path(__file__).resolve().parent
p = Project.open(sys.argv[1], user="gold", create=False)
name = "000_018672d04432ce13"
st = beads.load_pair(p.db, name)


def item(k):
    z = clauses.load_clauses(p.db, name, k - 1, st)
    ja = [z.clauses.ja_texts[i] for i in range(*z.ranges[0])]
    en = " ".join(z.clauses.en_texts[i].strip() for i in range(*z.ranges[1]))
    return ja, en


# (sentence bead, EN cut phrases (piece starts), links: list of (ja clause count, en piece count))
DECISIONS = [
    (7, ["for the enhancement"], [(2, 2)]),
    (8, ["on security issues"], [(2, 2)]),
    (10, ["and have agreed"], [(1, 1), (1, 1)]),
    (21, ["the two countries will", "and promote", "through efforts"], [(1, 1), (3, 3)]),
    (27, ["the two countries will", "through means"], [(1, 1), (3, 2)]),
    (36, ["and to respond", "the two countries will", "through means"], [(1, 1), (1, 1), (2, 2)]),
    (40, ["for national security", "earth observation"], [(2, 3)]),
    (42, ["and coordinate", "through means"], [(3, 3)]),
    (48, ["cooperation towards", "cooperation on counter", "and efforts"], [(1, 1), (1, 1), (1, 2)]),
    (12, ["and mutual participation"], [(2, 2)]),
    (16, ["for the purpose"], [(2, 2)]),
    (31, ["in order to promote"], [(2, 2)]),
    (33, ["in order to strengthen"], [(2, 2)]),
    (52, ["to gain a comprehensive"], [(2, 2)]),
    (56, ["in order to identify"], [(2, 2)]),
    (57, ["to promote understanding"], [(2, 2)]),
    (50, ["with the aim"], [(2, 2)]),
    (39, ["through information sharing"], [(2, 2)]),
]
lines = []
for k, cuts, links in DECISIONS:
    ja, en = item(k)
    pos = [0] + [en.index(c) for c in cuts] + [len(en)]
    assert pos == sorted(pos), (k, pos)
    pieces = [en[a:b].strip() for a, b in itertools.pairwise(pos)]
    assert sum(a for a, _ in links) == len(ja) and sum(b for _, b in links) == len(pieces), (k, ja, pieces)
    bs, i, j = [], 0, 0
    for a, b in links:
        bs.append({"ja": ja[i : i + a], "en": pieces[j : j + b]})
        i, j = i + a, j + b
    lines.append(json.dumps({"sentence_bead": k, "beads": bs}, ensure_ascii=False) + "\n")
(HERE / "seed000.clauses.jsonl").write_text("".join(lines), encoding="utf-8")
