"""English rules for acronyms: Schwartz–Hearst long forms, initials matching, expansions without
parentheses, and whether a phrase is a clean English expansion."""

from __future__ import annotations

import re
from functools import cache

from glossary.acronym_text import acronym_key, sf_chars

# --- English long forms -------------------------------------------------------------------------------

_WORD = re.compile(r"[A-Za-z0-9][A-Za-z0-9'’]*(?:-[A-Za-z0-9'’]+)*")
STOP = frozenset(
    (
        "a",
        "an",
        "and",
        "as",
        "at",
        "by",
        "for",
        "from",
        "in",
        "into",
        "of",
        "on",
        "or",
        "the",
        "to",
        "with",
        "against",
        "between",
        "among",
        "under",
        "over",
        "via",
        "de",
        "del",
        "des",
        "du",
        "la",
        "le",
        "et",
    )
)


def schwartz_hearst(window: str, short: str) -> int | None:
    """Start (in `window`) of the shortest long form ending at the end of `window` that covers `short`.

    The classic algorithm (Schwartz & Hearst 2003): match the acronym's characters right to left, the
    first one at the start of a word. Non-alphanumerics of the acronym (IFC-IOR's hyphen) are skipped
    and case is ignored (ReCAAP).
    """
    sf = sf_chars(short)
    if len(sf) < 2:
        return None
    lf = window.lower()
    s, li = len(sf) - 1, len(lf) - 1
    while s >= 0:
        c = sf[s]
        while li >= 0 and (lf[li] != c or (s == 0 and li > 0 and lf[li - 1].isalnum())):
            li -= 1
        if li < 0:
            return None
        li -= 1
        s -= 1
    return li + 1


def word_matches(text: str) -> list[re.Match[str]]:
    return list(_WORD.finditer(text))


def en_long_form(text: str, end: int, short: str, lo: int = 0) -> tuple[int, int] | None:
    """English long form ending at `end` (the text before an acronym's parenthesis), or None."""
    end_trim = end
    while end_trim > lo and text[end_trim - 1] in " \t":
        end_trim -= 1
    seg_lo = max(lo, _sentence_start(text, end_trim))
    words = word_matches(text[seg_lo:end_trim])
    n = len(sf_chars(short))
    max_words = n + 8
    if not words:
        return None
    first = words[max(0, len(words) - max_words)]
    w_lo = seg_lo + first.start()
    start = schwartz_hearst(text[w_lo:end_trim], short)
    if start is None:
        return None
    s = w_lo + start
    long = text[s:end_trim]
    if not _plausible_en(long, short):
        return None
    return s, end_trim


def _sentence_start(text: str, end: int) -> int:
    """Where the clause holding `end` starts, for bounding a long-form search (., ;, :, newline, bracket)."""
    best = lo = max(0, end - 400)
    for ch in '.;:\n()（）[]「」“”"。、':
        i = text.rfind(ch, lo, end)
        if ch == "." and i > 0 and i + 1 < len(text) and not text[i + 1].isspace():
            continue  # 2.0, U.S.
        best = max(best, i + 1)
    return best


def _plausible_en(long: str, short: str) -> bool:
    words = [m.group() for m in word_matches(long)]
    if len(words) < 2 and not ("-" in long and len(long) > len(short)):
        return False
    if acronym_key(long) == acronym_key(short) or words[0].lower() in STOP:
        return False
    # The long form's content words must mostly be capitalised or the acronym must match initials:
    # "cooperation initiative for the Global South" is a description, not an expansion.
    return initials_match(long, short) or sum(
        w[0].isupper() for w in words if w.lower() not in STOP
    ) * 2 > len([w for w in words if w.lower() not in STOP])


def _word_parts(word: str) -> list[str]:
    return [p for p in re.split(r"[-'’]", word) if p]


def initials_match(long: str, short: str) -> bool:
    """Strict check that the words of `long` spell `short`: each content word gives its initial and may
    give up to three more of its letters in order (Regional → Re, Indo-Pacific → I or IP); function words
    give their initial or nothing (Indo-Pacific Partnership for Maritime Domain Awareness → IPMDA).
    """
    sf = sf_chars(short)
    words = [m.group().lower() for m in word_matches(long)]
    if not words or not sf:
        return False

    @cache
    def match(i: int, j: int) -> bool:
        """Do words[i:] spell sf[j:]?"""
        if i == len(words):
            return j == len(sf)
        w = words[i]
        if w in STOP and match(i + 1, j):
            return True
        return j < len(sf) and w[0] == sf[j] and extra(i, 1, j + 1, 3)

    @cache
    def extra(i: int, k: int, j: int, budget: int) -> bool:
        """Having taken sf[:j] up to letter k of words[i], finish the word (taking ≤ budget more letters)."""
        if match(i + 1, j):
            return True
        w = words[i]
        return (
            budget > 0
            and j < len(sf)
            and any(w[kk] == sf[j] and extra(i, kk + 1, j + 1, budget - 1) for kk in range(k, len(w)))
        )

    return match(0, 0)


def find_expansion(text: str, short: str, *, max_extra: int = 4) -> tuple[int, int] | None:
    """Where `text` spells out `short` word by word (initials_match), without any parenthesis.

    Used on the English side of an aligned bead to find the rendering of a Japanese acronym definition.
    The leftmost, then longest, capitalised candidate wins.
    """
    n = len(sf_chars(short))
    if n < 2:
        return None
    words = word_matches(text)
    for i, wi in enumerate(words):
        w0 = wi.group()
        if w0.lower() in STOP or not w0[0].isupper() or w0[0].lower() != sf_chars(short)[0]:
            continue
        best: tuple[int, int] | None = None
        for k in range(i + 1, min(len(words), i + n + max_extra) + 1):
            wl = words[k - 1].group()
            if wl.lower() in STOP:
                continue
            span_text = text[wi.start() : words[k - 1].end()]
            if re.search(r"[.;:()\n]", span_text):
                break
            # at least two words: a lone word (or the acronym itself) spells nothing out
            if k - i >= 2 and initials_match(span_text, short):
                best = (wi.start(), words[k - 1].end())
        if best:
            return best
    return None


EN_PHRASE = re.compile(r"[A-Za-z][A-Za-z0-9'’.,&/\-\s・]*[A-Za-z0-9]")
# Words glued by PDF extraction (IIndividual, andOpen, PacificOIP): not a phrase to propose.
_GLUED = re.compile(r"[A-Z]{2}[a-z]|[a-z][A-Z]")


def clean_phrase(text: str) -> bool:
    return bool(EN_PHRASE.fullmatch(text)) and not any(
        _GLUED.search(w.group()) and not re.fullmatch(r"(?:Mc|Mac|De|La|Le|i)[A-Z][a-z]+", w.group())
        for w in word_matches(text)
    )


def en_expansion_ok(text: str, short: str) -> bool:
    return clean_phrase(text) and _plausible_en(text, short) and initials_or_sh(text, short)


def initials_or_sh(long: str, short: str) -> bool:
    """An expansion written inside a parenthesis or after a colon: initials_match, or Schwartz–Hearst
    covering the whole phrase (the parenthesis is evidence enough for the looser test)."""
    if initials_match(long, short):
        return True
    start = schwartz_hearst(long, short)
    return start is not None and long[:start].strip().lower() in ("", "the", "a", "an")


def ruby_expansion_fits(expansion: str, short: str, *, loose: bool = True) -> bool:
    """Whether English words printed inside an acronym by a PDF extraction (ruby debris) expand it.

    The layout is evidence already, so the test is looser than for a plain parenthesis: up to two leading
    words may name a parent body (NATO Allied Maritime Command → MARCOM), trailing words may qualify the
    name (Code of Conduct in the South China Sea → COC), and, with `loose` (where the acronym's tail starts
    is not in doubt), when neither spells the acronym, two thirds of its
    letters must still be word initials in order, the first one among the first two words (an OCR slip
    such as Headguarters loses a letter).
    """
    ws = [m.group() for m in word_matches(expansion)]
    if len(ws) < 2 or not ws[0][0].isupper():
        return False
    for i in range(min(3, len(ws) - 1)):
        for j in range(len(ws), i + 1, -1):
            if initials_or_sh(" ".join(ws[i:j]), short):
                return True
    if not loose:
        return False
    letters = [c for c in sf_chars(short) if c.isalpha()]
    initials = [w[0].lower() for w in ws]
    if not letters or letters[0] not in initials[:2]:
        return False
    return _common_subsequence(letters, initials) * 3 >= len(letters) * 2


def _common_subsequence(a: list[str], b: list[str]) -> int:
    row = [0] * (len(b) + 1)
    for x in a:
        prev = 0
        for k, y in enumerate(b, 1):
            prev, row[k] = row[k], prev + 1 if x == y else max(row[k], row[k - 1])
    return row[-1]
