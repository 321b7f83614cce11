"""Sentence and clause segmentation by rule: Japanese and English sentences, English clauses, clause tiling.

Every function returns half-open (start, end) ranges into the text it was given. Sentences never cross a
line break of the document text (repair has already joined wrapped lines, so a remaining break is a
paragraph, list item or heading boundary) and never start or end with whitespace. Clauses tile their
sentence exactly: contiguous, in order, covering every character.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable, Sequence

from alignment.model import Lang, Segment
from alignment.text import BRACKETS, CLOSERS

Range = tuple[int, int]

_CLOSERS = CLOSERS
_OPEN_TO_CLOSE = {**BRACKETS, "“": "”"}
_CLOSE_TO_OPEN = {v: k for k, v in _OPEN_TO_CLOSE.items()}
# A bracket pair longer than this is more likely a stray bracket than a parenthesis: it must not keep a
# whole paragraph from being split.
_MAX_PAIR = 250
_ENUMERATOR = re.compile(r"[0-9０-９a-zA-Zａ-ｚＡ-Ｚぁ-んァ-ンｱ-ﾝⅠ-Ⅻⅰ-ⅻ一二三四五六七八九十※＊*・\s]{1,4}")
_HIRAGANA = re.compile(r"[\u3041-\u309f]")
_PARTICLES = frozenset("とはがのをにへやもで")


def lines(text: str) -> list[Range]:
    """Ranges of the non-blank lines of `text`, without surrounding whitespace."""
    out: list[Range] = []
    pos = 0
    for line in text.split("\n"):
        body = line.strip()
        if body:
            start = pos + (len(line) - len(line.lstrip()))
            out.append((start, start + len(body)))
        pos += len(line) + 1
    return out


def _trim(text: str, start: int, end: int) -> Range | None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return (start, end) if start < end else None


# --- brackets ----------------------------------------------------------------------------------------------


def bracket_pairs(text: str) -> list[Range]:
    """Matched bracket pairs as (open, close) indexes; unmatched and overlong brackets are ignored."""
    pairs: list[Range] = []
    stack: list[int] = []
    for i, ch in enumerate(text):
        if ch in _OPEN_TO_CLOSE:
            stack.append(i)
        elif ch in _CLOSE_TO_OPEN:
            # Close the nearest matching opener; openers skipped over were stray.
            for k in range(len(stack) - 1, -1, -1):
                if text[stack[k]] == _CLOSE_TO_OPEN[ch]:
                    if i - stack[k] <= _MAX_PAIR:
                        pairs.append((stack[k], i))
                    del stack[k:]
                    break
    return sorted(pairs)


def _depths(text: str, pairs: Iterable[Range]) -> list[int]:
    """depth[i] = how many bracket pairs enclose the boundary before character i."""
    delta = [0] * (len(text) + 2)
    for o, c in pairs:
        delta[o + 1] += 1
        delta[c + 1] -= 1
    depth, out = 0, []
    for i in range(len(text) + 1):
        depth += delta[i]
        out.append(depth)
    return out


# --- Japanese sentences ---------------------------------------------------------------------------------------


def _ja_terminator(text: str, i: int) -> bool:
    ch = text[i]
    if ch in "。！？":
        return True
    nxt = text[i + 1 : i + 2]
    if ch in "!?":  # ASCII marks end a sentence in Japanese text, but not inside a URL or code
        return not (nxt.isascii() and (nxt.isalnum() or nxt in "=&/"))
    if (
        ch == "．"
    ):  # full-width period: a sentence end, unless a decimal point or an item number (１．５, ３．)
        prev = text[i - 1 : i]
        return not (prev.isdigit() or nxt.isdigit() or i == 0)
    return False


def _ja_block_sentences(text: str, start: int, end: int) -> list[Range]:
    block = text[start:end]
    depth = _depths(block, bracket_pairs(block))
    out: list[Range] = []
    s = 0
    i = 0
    while i < len(block):
        if _ja_terminator(block, i):
            e = i + 1
            while e < len(block) and (block[e] in _CLOSERS or block[e] in "。！？!?"):
                e += 1
            # 「…。」と述べた / （…。）は: a closed bracket followed by a particle continues the sentence
            quoted = e > i + 1 and block[e - 1] in _CLOSERS and block[e : e + 1] in _PARTICLES
            if depth[e] == 0 and not quoted:
                out.append((s, e))
                s = e
            i = e
        else:
            i += 1
    out.append((s, len(block)))
    spans = [r for a, b in out if (r := _trim(block, a, b))]
    spans = [p for a, b in spans for p in _split_leading_citation(block, a, b)]
    spans = [p for a, b in spans for p in _split_name_list(block, a, b)]
    return [(start + a, start + b) for a, b in spans]


def _split_leading_citation(block: str, a: int, b: int) -> list[Range]:
    """`（第一条）清国は、…。`: a parenthesised reference opening a sentence belongs to what came before.

    Only round brackets whose content is not an item number (`(１)`, `（ア）`), followed by a sentence in its
    own right (with a comma or a final mark) that does not begin with a particle (`（…）は、` is a subject).
    """
    if block[a] not in "（(":
        return [(a, b)]
    close = _matching_close(block, a, b)
    if close is None:
        return [(a, b)]
    rest = _trim(block, close + 1, b)
    content = block[a + 1 : close]
    if rest is None or _ENUMERATOR.fullmatch(content):
        return [(a, b)]
    tail = block[rest[0] : rest[1]]
    if _HIRAGANA.match(tail) or not ("、" in tail or tail.rstrip(_CLOSERS)[-1:] in "。！？"):
        return [(a, b)]
    return [(a, close + 1), rest]


def _matching_close(block: str, a: int, b: int) -> int | None:
    depth = 0
    for i in range(a, b):
        ch = block[i]
        if ch in "（(":
            depth += 1
        elif ch in "）)":
            depth -= 1
            if depth == 0:
                return i
    return None


def _split_name_list(block: str, a: int, b: int) -> list[Range]:
    """`役職　氏名（注記）役職　氏名（注記）`: entries of a list run together, told apart by ideographic spaces.

    Only in text without any sentence punctuation, and only where the entries on both sides of a closing
    bracket contain the ideographic space that separates title from name.
    """
    sentence = block[a:b]
    if "\u3000" not in sentence or any(ch in sentence for ch in "。、，．"):
        return [(a, b)]
    depth = _depths(sentence, bracket_pairs(sentence))
    cuts = [0]
    for i, ch in enumerate(sentence):
        if ch in "）)" and depth[i + 1] == 0 and i + 1 < len(sentence):
            nxt_open = next(
                (k for k in range(i + 1, len(sentence)) if sentence[k] in "（(" and depth[k] == 0),
                len(sentence),
            )
            if "\u3000" in sentence[i + 1 : nxt_open] and "\u3000" in sentence[cuts[-1] : i]:
                cuts.append(i + 1)
    cuts.append(len(sentence))
    spans = [_trim(block, a + x, a + y) for x, y in itertools.pairwise(cuts)]
    return [s for s in spans if s]


def ja_sentences(text: str) -> list[Range]:
    """Japanese sentences: lines, then 。！？ (closing brackets stay with their sentence) outside brackets."""
    return [s for a, b in lines(text) for s in _ja_block_sentences(text, a, b)]


# --- English sentences ------------------------------------------------------------------------------------------

ABBREVIATIONS = frozenset({
    "mr", "mrs", "ms", "dr", "prof", "st", "sr", "jr", "gen", "lt", "col", "maj", "capt", "cmdr", "adm", "sgt",
    "gov", "rep", "sen", "hon", "rev", "messrs", "mt", "ft", "vs", "cf", "e.g", "i.e", "viz", "al", "approx",
    "ca", "inc", "ltd", "co", "corp", "bros", "dept", "univ", "assn", "est", "jan", "feb", "mar", "apr", "jun",
    "jul", "aug", "sep", "sept", "oct", "nov", "dec",
})  # fmt: skip
# Abbreviations that are only abbreviations before a number: "No. 5", "Art. 9", "para. 3".
NUMBER_ABBREVIATIONS = frozenset({
    "no", "nos", "art", "arts", "para", "paras", "p", "pp", "vol", "vols", "fig", "figs", "sec", "secs", "ch",
    "chap", "op",
})  # fmt: skip

_EN_END = re.compile(r"[.!?]+[\"'”’)\]]*(?=\s+(\S))")
_INITIALISM = re.compile(r"(?:[A-Za-z]\.){2,}")
_ITEM_ONLY = re.compile(r"[(\[]?(?:\d{1,3}|[A-Za-z]|[ivxlcIVXLC]{1,5})[.)\]]")


def _en_boundary(block: str, s: int, m: re.Match[str]) -> bool:
    nxt = m.group(1)[0]
    if not (nxt.isupper() or nxt.isdigit() or nxt in "\"'“‘([" or not nxt.isascii()):
        return False
    if block[m.start()] != ".":
        return True
    word = block[s : m.start()].split()[-1] if block[s : m.start()].split() else ""
    bare = word.lstrip("(\"'“‘[").lower()
    if bare in ABBREVIATIONS or bare.rstrip(".") in ABBREVIATIONS:
        return False
    if bare in NUMBER_ABBREVIATIONS and nxt.isdigit():
        return False
    if _INITIALISM.fullmatch(word + ".") or (len(bare) == 1 and bare.isalpha() and word.isupper()):
        return False  # U.S., e.g. written U.S. with the final dot here; J. Smith
    sentence_so_far = block[s : m.start() + 1].strip()
    return not _ITEM_ONLY.fullmatch(sentence_so_far)  # "1." or "(a)." numbering a list item


def _en_block_sentences(text: str, start: int, end: int) -> list[Range]:
    block = text[start:end]
    depth = _depths(block, [p for p in bracket_pairs(block) if block[p[0]] in "(["])
    out: list[Range] = []
    s = 0
    for m in _EN_END.finditer(block):
        if m.end() <= s or depth[m.end()] > 0:
            continue
        if _en_boundary(block, s, m):
            out.append((s, m.end()))
            s = m.end()
    out.append((s, len(block)))
    trimmed = [_trim(block, a, b) for a, b in out]
    return [(start + r[0], start + r[1]) for r in trimmed if r]


def en_sentences(text: str) -> list[Range]:
    """English sentences: lines, then . ! ? before a capital, except after abbreviations and item numbers."""
    return [s for a, b in lines(text) for s in _en_block_sentences(text, a, b)]


def split_overlong(text: str, spans: Sequence[Range], limit: int) -> list[Range]:
    """Cut spans longer than `limit` characters after a comma, other punctuation or a space (else hard).

    Real sentences are far shorter; this only bounds run-on blobs such as tables flattened to one line.
    """
    out: list[Range] = []
    for start, end in spans:
        while end - start > limit:
            window = text[start : start + limit]
            cut = max(window.rfind(p) for p in "、，,;；:： \u3000\t")
            stop = start + (cut + 1 if cut > limit // 2 else limit)
            if piece := _trim(text, start, stop):
                out.append(piece)
            start = stop
        if piece := _trim(text, start, end):
            out.append(piece)
    return out


def sentences(text: str, lang: Lang) -> list[Range]:
    return ja_sentences(text) if lang == "ja" else en_sentences(text)


# --- clauses ---------------------------------------------------------------------------------------------------

_EN_CLAUSE_BREAK = re.compile(r"[;:](?=\s+\S)|(?<=\s)(?=\((?:\d{1,2}|[a-z]|[ivx]{1,4})\)\s)")


def tile(length: int, cuts: Iterable[int]) -> list[Range]:
    """Contiguous ranges covering [0, length), cut at `cuts` (out-of-range and repeated cuts ignored)."""
    points = sorted({c for c in cuts if 0 < c < length})
    bounds = [0, *points, length]
    return [(a, b) for a, b in itertools.pairwise(bounds) if a < b]


def en_clauses(sentence: str) -> list[Range]:
    """English clauses of one sentence: after ; and : and before inline item numbers `(1)`, `(a)`.

    Whitespace between clauses stays at the end of the left clause, so the clauses tile the sentence.
    """
    cuts = []
    for m in _EN_CLAUSE_BREAK.finditer(sentence):
        pos = m.end()
        while pos < len(sentence) and sentence[pos].isspace():
            pos += 1
        cuts.append(pos)
    return tile(len(sentence), cuts)


def clauses_from_tokens(text: str, clause_tokens: Sequence[Sequence[Range]]) -> list[Range]:
    """Turn clauses given as token sets (GiNZA's, possibly non-contiguous) into ranges tiling `text`.

    Japanese clauses are head-final, so each clause is cut after its last token; following punctuation
    and closing brackets (often not in any clause's token set) stay with the clause they close.
    """
    cuts = []
    for tokens in clause_tokens:
        if not tokens:
            continue
        end = max(e for _, e in tokens)
        while end < len(text) and (
            text[end] in "、。，．！？!?,;；:：" or text[end] in _CLOSERS or text[end].isspace()
        ):
            end += 1
        cuts.append(end)
    return tile(len(text), cuts)


LONG_CLAUSE = 50
"""A clause longer than this (in characters) is cut further at the commas that end its bunsetsu."""
MIN_CLAUSE = 6


def split_long_clauses(text: str, clauses: Sequence[Range], bunsetsu: Sequence[Range]) -> list[Range]:
    """Cut clauses longer than LONG_CLAUSE after bunsetsu that end in a comma (`…の低減、経済的威圧、…`).

    GiNZA's clauses follow predicates, so a long numbered item that is one noun phrase (a list of
    measures) is one clause; its comma-separated parts are the natural units to align. Pieces shorter
    than MIN_CLAUSE are not cut off.
    """
    ends = sorted({b for a, b in bunsetsu if 0 < b < len(text) and text[b - 1] in "、，,"})
    out: list[Range] = []
    for start, end in clauses:
        if end - start <= LONG_CLAUSE:
            out.append((start, end))
            continue
        cuts = [start]
        for e in ends:
            if start < e < end and e - cuts[-1] >= MIN_CLAUSE and end - e >= MIN_CLAUSE:
                cuts.append(e)
        out.extend(itertools.pairwise([*cuts, end]))
    return out


# --- segments -----------------------------------------------------------------------------------------------------


def to_segments(text: str, spans: Sequence[Range]) -> list[Segment]:
    """Sentence segments for ranges of `text`."""
    return [Segment(index=i, start=a, end=b, text=text[a:b]) for i, (a, b) in enumerate(spans)]


def clause_segments(
    text: str, sentences_: Sequence[Segment], per_sentence: Sequence[Sequence[Range]]
) -> list[Segment]:
    """Clause segments from ranges relative to each sentence; indexes run through the whole document."""
    out: list[Segment] = []
    for sentence, ranges in zip(sentences_, per_sentence, strict=True):
        for a, b in ranges or [(0, sentence.end - sentence.start)]:
            start, end = sentence.start + a, sentence.start + b
            out.append(
                Segment(
                    index=len(out),
                    start=start,
                    end=end,
                    text=text[start:end],
                    level="clause",
                    parent=sentence.index,
                )
            )
    return out
