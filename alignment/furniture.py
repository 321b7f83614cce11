"""Page furniture in PDF extractions: page-number sequences and running headers, dropped by repair."""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Sequence

# A page number alone on its line: "12", "- 12 -", "－１２－", "p. 12", "12/40".
_PAGE_NUMBER = re.compile(
    r"^\s*(?:[-－–—]\s*)?(?:p\.?\s*)?([0-9０-９]{1,4})(?:\s*/\s*[0-9０-９]{1,4})?(?:\s*[-－–—])?\s*$"
)


def furniture(contents: Sequence[str], breaks: Sequence[str]) -> set[int]:
    """Indexes of lines that are clearly page furniture: page-number sequences and repeated running headers.

    `contents[i]` is line i without its surrounding spaces ("" when blank), `breaks[i]` the line break after
    it. A lone number counts as a page number only as part of an increasing run of three or more that sits
    next to form feeds or spans real pages (on average at least 20 lines apart): numbered figure labels
    ("1", "2", "3" a few lines apart on one slide) stay.
    """
    pages = [(i, _page_number(c)) for i, c in enumerate(contents) if c]
    numbered = [(i, n) for i, n in pages if n is not None]
    page_breaks = {i for i, b in enumerate(breaks) if "\f" in b}
    near_break = {j for i in page_breaks for j in range(i - 2, i + 4)}
    dropped: set[int] = set()
    run: list[tuple[int, int]] = []
    for item in [*numbered, (-1, -1)]:
        if run and item[1] == run[-1][1] + 1:
            run.append(item)
            continue
        if len(run) >= 3:
            spacing = (run[-1][0] - run[0][0]) / (len(run) - 1)
            at_breaks = sum(1 for i, _ in run if i in near_break)
            if spacing >= 20 or at_breaks >= len(run) - 1:
                dropped.update(i for i, _ in run)
        run = [item]
    # Running headers: the same short line repeated next to page breaks or dropped page numbers.
    anchors = page_breaks | dropped
    if anchors:
        near = {j for i in anchors for j in range(i - 3, i + 4)}
        texts = Counter(c for i, c in enumerate(contents) if c and i in near)
        for i, c in enumerate(contents):
            if i in near and c and texts[c] >= 3 and len(c) <= 60:
                dropped.add(i)
    return dropped


def _page_number(text: str) -> int | None:
    m = _PAGE_NUMBER.match(text)
    return int(unicodedata.normalize("NFKC", m.group(1))) if m else None
