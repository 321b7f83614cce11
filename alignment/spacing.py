"""Letter-spaced words in PDF extractions (`国 防 相 会 議`, `令和 8 年 3 月`, `A P T`): which spaces to close up."""

from __future__ import annotations

import re

from alignment.layout import is_cjk


def _spaced_char(ch: str) -> bool:
    return is_cjk(ch) or (ch.isdigit() and ch.isascii()) or "A" <= ch <= "Z"


def _core(token: str) -> str:
    return token.replace("*", "")  # emphasis markers are deleted anyway


def _single(token: str) -> bool:
    core = _core(token)
    return len(core) == 1 and _spaced_char(core)


def _run_end(token: str) -> bool:
    """The last letter of a spaced run may have text glued to it: `T（高度…`, `T※1`, `Tによる`."""
    core = _core(token)
    if not core or not _spaced_char(core[0]):
        return False
    if len(core) == 1 or not (core[1].isalnum() or is_cjk(core[1])):
        return True
    return "A" <= core[0] <= "Z" and is_cjk(core[1])


def _glued_start(token: str) -> bool:
    """`等のA P T`, `、A I`: a spaced capital run may start glued to the Japanese before it."""
    core = _core(token)
    return len(core) >= 2 and "A" <= core[-1] <= "Z" and not core[-2].isascii()


def spaced_gaps(content: str) -> list[tuple[int, int]]:
    """Close up letter-spaced words (`国 防 相 会 議`, `令和 8 年 3 月`, `A P T`), only where that is safe.

    A run is three or more single characters separated by single spaces, not all digits (a row of
    numbers is a table), or two spaced capitals glued to Japanese on either side (`A I学習`, `のA I`). A
    neighbouring word of at most two Japanese characters is closed up with it (`令和 8年`); spaces
    between longer words (`主な 検討事項`, `ランク A と ランク B`) are left alone.

    Returns the spaces to delete, as ranges of `content`.
    """
    out: list[tuple[int, int]] = []
    tokens = [(m.start(), m.end()) for m in re.finditer(r"[^ \u3000]+", content)]
    words = [content[a:b] for a, b in tokens]

    def gap(k: int) -> bool:  # a single space between token k and k+1
        return k + 1 < len(tokens) and tokens[k + 1][0] - tokens[k][1] == 1

    i = 0
    while i < len(tokens):
        glued_start = _glued_start(words[i])
        if not (_single(words[i]) or glued_start):
            i += 1
            continue
        k = i
        while gap(k) and _single(words[k + 1]):
            k += 1
        if gap(k) and _run_end(words[k + 1]):
            k += 1
        cores = [_core(w) for w in words[i : k + 1]]
        letters = cores[0][-1] + "".join(c[0] for c in cores[1:])
        glued_end = k > i and len(cores[-1]) > 1 and is_cjk(cores[-1][1])
        ok = k - i + 1 >= 3 and not letters.isdigit()
        ok = ok or (k - i + 1 == 2 and letters.isupper() and letters.isascii() and (glued_start or glued_end))
        if ok:
            first = i
            if i > 0 and gap(i - 1) and len(words[i - 1]) <= 2 and all(is_cjk(c) for c in words[i - 1]):
                first = i - 1
            for g in range(first, k):
                out.append((tokens[g][1], tokens[g + 1][0]))
        i = k + 1 if k > i else i + 1
    return out
