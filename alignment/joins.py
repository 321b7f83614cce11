"""Is a line break a wrap inside a sentence, or a boundary? The rules repair applies between two lines.

Which rules apply depends on the document's layout (alignment.layout): in PDF-wrapped text a break is a
wrap unless something says it is a boundary (a marker, a short line, a sentence end); in clean text, a
paragraph or item a line, a break is a boundary unless the line was visibly cut inside a word.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass

from alignment.layout import CANNOT_END, CANNOT_START, Widths, WordSplit, em_width, is_table_row, is_word_char
from alignment.text import BRACKETS, CLOSERS

# Line-end characters that close a sentence; closing brackets may follow them.
_FINAL = "。！？!?"
_CLOSERS = CLOSERS
_PAIRS = BRACKETS

# A list item, numbered paragraph or heading at the start of a line: never the continuation of a wrap.
STRONG_MARKER = re.compile(
    r"""^(?:
        [-–—‐−•◆◇■□●◎✓✔✗☑▶►▪◯※➡⇒→＊*]\s          # bullet + space (markdown-style "- ", "◆ ")
      | [◆◇■□●◎✓✔☑▶►▪◯➡⇒※〇○]                   # bullets that never start a wrapped line
      | [（(]\s*[0-9０-９]{1,3}\s*[)）]             # (１) (1)
      | [（(](?:[a-zA-Zａ-ｚＡ-Ｚ]|[ivxIVX]{2,4}|[ア-ンｱ-ﾝ一二三四五六七八九十ⅰ-ⅻⅠ-Ⅻ]{1,3})[)）]  # (a) (iv) (ア) (ⅰ), not (ryo)
      | [0-9０-９]{1,3}[.．)）](?![0-9０-９])       # 1. １．1)
      | [0-9０-９]{1,3}\s*[\t\u3000]                 # footnote or section number: "1\t", "2　"
      | [①-⑳㉑-㉟㊱-㊿❶-❿➀-➓Ⅰ-Ⅻ]                  # ① Ⅲ
      | 第[0-9０-９一二三四五六七八九十百]+[章節条項款部編]
      | 図表\s?[0-9０-９Ⅰ-Ⅻ]                       # 図表Ⅲ-3-1-3: a figure's label
      | KEY\s?WORDS?\b | 参照\s*$ | 出典\s*[:：] | 資料\s*[:：] | URL\s*[:：] | 注\s*[:：0-9０-９]
    )""",
    re.X,
)
# Characters that start list items in some documents but also start wrapped lines in others.
_WEAK_MARKER = re.compile(r"^(?:[・…－ー〇○<＜【〔\[]|[-‐−]\S)")
# Numbering that opens a heading: 1. / (1) / 第1章 / ① …, and the section numbers of white papers.
_NUMBERED = re.compile(
    r"^(?:[（(]?[0-9０-９]{1,3}(?:[.．][0-9０-９]{1,3})*[.．)）]?|[（(]?[一二三四五六七八九十]{1,3}[)）、．.]"
    r"|[①-⑳Ⅰ-Ⅻ]|第[0-9０-９一二三四五六七八九十百]+[章節条項款部編])"
)

_ASCII_LETTER = re.compile(r"[A-Za-z]")
_HIRAGANA_START = re.compile(r"[\u3041-\u3096]")
_COMMAS = "、，"
_PARTICLE_START = "にをがはのでとへもやな"
_CONTINUATION_START = re.compile(r"を|[\u3041-\u3096][、，]")
_EN_OPEN_END = re.compile(r"[A-Za-z0-9,]$")
# How headings end (a topic, an overview, "and others"), and how sentences open (a demonstrative or a
# conjunction with its comma, "our country"): a wrapped line neither ends nor goes on so.
_HEADING_END = re.compile(
    r"(?:について|に関して|に向けて|の概要|の現状|の状況|の動向|の推移|の経緯|の意義|の課題|の取組み?|とは|等|など)[）)]?$"
)
_SENTENCE_START = re.compile(
    r"(?:この|その|これ|それ|[我わ]が国|(?:また|さらに|なお|しかし|ただし|一方|他方)[、，])"
)


@dataclass(frozen=True, slots=True)
class Gap:
    """What lies between two non-blank lines."""

    hard: bool
    """A whitespace-only line (a paragraph gap in PDF extractions), not just empty lines."""
    empties: int


def ends_sentence(text: str) -> bool:
    t = text.rstrip(_CLOSERS)
    if not t:
        return False
    if t[-1] in _FINAL:
        return True
    return t[-1] == "．" and len(t) > 1 and not t[-2].isdigit()


def open_bracket(text: str, window: int = 60) -> int | None:
    """Where the innermost bracket still open at the end of `text` was opened, if within its last `window`."""
    stack: list[int] = []
    for i, ch in enumerate(text):
        if ch in _PAIRS:
            stack.append(i)
        elif stack and ch == _PAIRS.get(text[stack[-1]]):
            stack.pop()
    return stack[-1] if stack and len(text) - stack[-1] <= window else None


def heading(line: str) -> bool:
    """A numbered heading: numbering first, no comma or sentence end anywhere in it."""
    return bool(_NUMBERED.match(line)) and not any(ch in line for ch in "、，。！？")


def numbered_title(line: str) -> bool:
    """Numbering first and no sentence end: a heading, or the first line of a numbered item."""
    return bool(_NUMBERED.match(line)) and not any(ch in line for ch in "。！？")


def opens_alike(prev: str, nxt: str) -> bool:
    """Two items of a list, a line each (`ロシアは…` / `ロシアは…`, `Russia shall …` / `Russia shall …`), not
    a line wrapped onto the next: a wrap cuts at a fixed width wherever the text is, so the two lines of a
    wrap seldom open with the same three characters (two words of English)."""
    if ends_sentence(prev) and ends_sentence(nxt):
        return False  # sentences that open alike are boundaries anyway
    shared = "".join(
        a for a, _ in itertools.takewhile(lambda ab: ab[0] == ab[1], zip(prev, nxt, strict=False))
    )
    if _NUMBERED.match(shared) or not any(is_word_char(c) or c.isalpha() for c in shared):
        return False
    if shared.isascii():  # English: whole words, two of them at least
        return len(shared.split(" ")) - 1 >= 2  # the part after the last space may be a word cut short
    return len(shared) >= 3


def heading_at_width(prev: str, nxt: str, word_split: WordSplit | None) -> bool:
    """A numbered heading that happens to fill a wrapped line, not a numbered item wrapped after it.

    Both are numbered lines without a sentence end; the heading ends like a heading (`…について`, `…の概要`,
    `…等`), or holds no comma and is followed by a sentence start (`この…`, `また、`); the next line does not
    continue it (no particle or verb ending first, no word across the break).
    """
    if not numbered_title(prev) or nxt[0] in _PARTICLE_START or cut_in_word(prev, nxt, word_split):
        return False
    # A heading may hold a comma (`（1）協力・対話、交流の意義`); then only its ending tells.
    return bool(_HEADING_END.search(prev) or (heading(prev) and _SENTENCE_START.match(nxt)))


def cut_in_word(prev: str, nxt: str, word_split: WordSplit | None) -> bool:
    """The break is visibly inside a word or phrase: kinsoku, を / a lone kana first, or a word across it."""
    if prev[-1] in CANNOT_END or nxt[0] in CANNOT_START or _CONTINUATION_START.match(nxt):
        return True
    return (
        word_split is not None
        and em_width(prev) >= 10
        and is_word_char(prev[-1])
        and is_word_char(nxt[0])
        and word_split(prev[-12:], nxt[:12])
    )


def join_ja(
    prev: str, paragraph: str, nxt: str, gap: Gap, widths: Widths, word_split: WordSplit | None
) -> bool:
    """Is the break between `prev` and `nxt` a wrap inside one sentence (Japanese rules, wrapped text)?"""
    if gap.hard:
        return False
    full = widths.full(prev)
    if prev[-1] in CANNOT_END:  # `…する。（` / `第二条）`: a line never ends on an opening bracket
        return True
    # A marker does not start a line that continues a bracket left open after a comma (`（第二条、` /
    # `第三条）`): the bracket's list goes on.
    if STRONG_MARKER.match(nxt) and not (prev[-1] in _COMMAS and open_bracket(prev) is not None):
        return False
    if prev[-1] in CANNOT_END or nxt[0] in CANNOT_START:
        return True
    # Table rows stay apart; a line that fills the wrap width is wrapped prose that happens to hold wide
    # spaces (`全権　伊藤博文　（…）全権弁理大臣　陸奥宗`).
    if not full and (is_table_row(prev) or is_table_row(nxt)):
        return False
    # A numbered heading is a segment of its own, even when it runs past the wrap width (set wider than
    # the column), unless the break cuts a word. One that merely fills a line reads like a numbered item
    # wrapped after its first line, and goes by the other rules.
    # A wrapped line never runs past the width, so a numbered line that does is a heading, commas and all
    # (`（1）安全保障協力・対話、防衛協力・交流の意義`), unless it is a box far wider than the column.
    past = em_width(prev) - (widths.main_em or 0)
    if (
        paragraph == prev
        and (heading(prev) or (past < 0.5 * (widths.main_em or 0) and numbered_title(prev)))
        and past > 1
        and nxt[0] not in _PARTICLE_START  # …安全保障 / に関して: the line goes on (この / また do not)
        and not cut_in_word(prev, nxt, word_split)
    ):
        return False
    if full and paragraph == prev and heading_at_width(prev, nxt, word_split):
        return False
    if _WEAK_MARKER.match(nxt) and not full:
        return False
    # An unclosed bracket holds lines together only inside a paragraph: one opened on a numbered heading
    # that does not fill its line (`2.首脳会談(共同声明骨子別紙`, never closed) does not reach into the next.
    opened = open_bracket(paragraph)
    in_bracket = opened is not None and (full or paragraph != prev or not heading(prev))
    if ends_sentence(prev):
        return in_bracket and full
    if full or (in_bracket and gap.empties <= 1):
        return True
    # A Japanese paragraph never ends on a comma, and never starts with を or a lone kana before a comma
    # (…同盟国とし / て、…): a continuation, even across a blank line a page or column break left.
    if (prev[-1] in _COMMAS and gap.empties == 0) or _CONTINUATION_START.match(nxt):
        return True
    # Justified lines with digits, Latin or compressed punctuation measure short: a line within 3 ems of the
    # grid that is not a heading or caption (marker first, bracket last) is a wrapped line too.
    if (
        widths.main_em
        and em_width(prev) >= widths.main_em - 3
        and gap.empties == 0
        and not STRONG_MARKER.match(prev)
        and prev[-1] not in _CLOSERS + "】〕"
    ):
        return True
    # In a wrapped document, a line that runs past the grid and stops mid-sentence continues on a line that
    # starts with a particle or verb ending (…を推進 / する。).
    if widths.wrapped and em_width(prev) > (widths.main_em or 0) + 1.5 and _HIRAGANA_START.match(nxt):
        return True
    # A box or full-page paragraph in a column layout: far wider than the column, cut mid-phrase.
    if widths.wrapped and em_width(prev) >= 1.8 * (widths.main_em or 0) and is_word_char(prev[-1]):
        return is_word_char(nxt[0])
    if word_split is not None and em_width(prev) >= 10 and is_word_char(prev[-1]) and is_word_char(nxt[0]):
        return word_split(prev[-12:], nxt[:12])
    return False


def join_ja_told_wrapped(prev: str, nxt: str, gap: Gap) -> bool:
    """A person says the text is wrapped but no wrap width shows: lines run on until a sentence ends."""
    if gap.hard or STRONG_MARKER.match(nxt):
        return prev[-1] in CANNOT_END
    return not ends_sentence(prev) or nxt[0] in CANNOT_START


def join_ja_unwrapped(prev: str, nxt: str, gap: Gap, word_split: WordSplit | None) -> bool:
    """Clean text keeps its line breaks; only a line visibly cut inside a word continues on the next (or
    one that stops on を, which no sentence, item or heading ends on)."""
    if gap.hard:
        return False
    if prev[-1] in CANNOT_END or (prev[-1] == "を" and len(prev) >= 4):
        return True
    if STRONG_MARKER.match(nxt) or is_table_row(prev) or is_table_row(nxt):
        return False
    return cut_in_word(prev, nxt, word_split)


def closes_bracket(prev: str, nxt: str) -> bool:
    """Does `nxt` start by closing a bracket `prev` left open (`(Article` / `6)`), not with a marker?"""
    opened = open_bracket(prev)
    m = re.match(r"[0-9０-９]{1,3}([)）])", nxt)
    return opened is not None and m is not None and _PAIRS.get(prev[opened]) in ("）", ")")


def _number_goes_on(prev: str, nxt: str, widths: Widths) -> bool:
    """`…on December` / `14. Mr. …`: a number after a word the line stopped on, where it would not have fit,
    goes on the sentence (an item's number follows a colon, a sentence end or a short line)."""
    if not (widths.chars and not widths.ems and re.match(r"[0-9]{1,3}\.\s", nxt)):
        return False
    w = widths.chars[0]  # a line well past the width (a title) was not wrapped
    return prev[-1:].isalpha() and len(prev) <= 1.1 * w and len(prev) + 1 + len(nxt.split()[0]) > w


def join_en(prev: str, nxt: str, gap: Gap, widths: Widths) -> bool:
    """Is the break between two English lines a wrap? Adjacent lines join unless the next starts an item."""
    if not gap.hard and (
        closes_bracket(prev, nxt) or (gap.empties == 0 and _number_goes_on(prev, nxt, widths))
    ):
        return True
    if gap.hard or STRONG_MARKER.match(nxt):
        return False
    if widths.chars and not widths.ems:
        # Ragged-right text: the break was forced when the next word would not have fit on the line; a line
        # that stops short (a heading, a paragraph's end) is a boundary, unless the next goes on in lower case.
        if len(prev) + 1 + len(nxt.split()[0]) > widths.chars[0]:
            return True
        return not _WEAK_MARKER.match(nxt) and nxt[:1].islower() and not ends_sentence(prev)
    if _WEAK_MARKER.match(nxt):
        return False
    if gap.empties == 0:
        # A short line without punctuation followed by a capital is a heading, not a wrapped line.
        limit = 0.6 * widths.main_em if widths.main_em else 50
        is_heading = em_width(prev) < limit and not re.search(r"[.,;:\-]$", prev)
        return not is_heading or nxt[:1].islower()
    # Blank lines between wrapped lines (PDF): a full line cut mid-sentence, continued in lower case.
    return widths.full(prev) and not ends_sentence(prev) and nxt[:1].islower()


def join_en_unwrapped(prev: str, nxt: str, gap: Gap) -> bool:
    """Clean English keeps its line breaks, unless a line stops mid-sentence and the next goes on in lower case."""
    if gap.hard or gap.empties > 0 or STRONG_MARKER.match(nxt) or _WEAK_MARKER.match(nxt):
        return False
    return bool(_EN_OPEN_END.search(prev)) and nxt[:1].islower()


def en_forced(prev: str, nxt: str, gap: Gap, width: int) -> bool:
    """Where wrapped English meets a line of its own: a line near the wrap width that stops mid-sentence
    where the next word would not have fit was wrapped there, even before a capital (`…Chinese Eastern` /
    `Railway and …`). Titles (most words capitalised) are not."""
    if gap.hard or not width or STRONG_MARKER.match(nxt) or _WEAK_MARKER.match(nxt):
        return False
    words = prev.split()
    if (
        ends_sentence(prev)
        or prev[-1:] in ".:;"
        or not 0.8 * width <= len(prev) <= width + 1
        or len(words) < 4
    ):
        return False
    titled = sum(1 for w in words if w[:1].isupper()) * 2 > len(words)
    return not titled and len(prev) + 1 + len(nxt.split()[0]) > width


def keep_space_between(prev: str, nxt: str) -> bool:
    """Japanese text wraps without spaces, but two Latin words cut at a line end did have one."""
    return bool(_ASCII_LETTER.fullmatch(prev[-1:]) and _ASCII_LETTER.fullmatch(nxt[:1]))
