"""Japanese rules for acronyms: long forms before a parenthesis (noun compounds bounded by the parse,
extended across attributive links), quoted names, and Japanese expansions inside parentheses."""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from glossary.acronym_text import CJK_RE, HIRA, JA_RE, KANJI, KATA, nfkc, sf_letters


class TokenLike(Protocol):
    """What the rules need of a GiNZA token (alignment.parse.Token fits): offsets into the text, POS."""

    @property
    def start(self) -> int: ...
    @property
    def end(self) -> int: ...
    @property
    def pos(self) -> str: ...
    @property
    def tag(self) -> str: ...


@dataclass(frozen=True, slots=True)
class Token:
    """A stand-in token (script runs) for text that has no parse."""

    start: int
    end: int
    text: str
    pos: str
    tag: str


_UNIT_RE = re.compile(f"[{KANJI}]+|[{KATA}]+|[A-Za-z]+")


def _is_kanji(c: str) -> bool:
    return bool(re.match(f"[{KANJI}]", c))


def ja_units(text: str) -> int:
    """Rough count of content words in a Japanese long form, to weigh against an acronym's letters.

    A kanji run counts one unit per two characters (国連海洋法条約 → 4), a katakana or Latin word one
    (ASEANアウトルック → 2); kana particles count nothing.
    """
    n = 0
    for m in _UNIT_RE.finditer(nfkc(text)):
        run = m.group()
        n += math.ceil(len(run) / 2) if _is_kanji(run[0]) else 1
    return n


# --- Japanese long forms ------------------------------------------------------------------------------

_COMPOUND_SYM = frozenset("・-&＆ー")
_ADVERBIAL = frozenset(
    (
        "今後",
        "将来",
        "現在",
        "従来",
        "当面",
        "今回",
        "前回",
        "次回",
        "昨年",
        "本年",
        "今年",
        "来年",
        "同年",
        "毎年",
        "以来",
        "以降",
        "以前",
        "ため",
        "際",
        "後",
        "前",
        "中",
        "頃",
        "時",
        "場合",
        "ほか",
        "他",
        "以上",
        "以下",
        "一方",
        "全て",
        "すべて",
        "最近",
        "近年",
        "当時",
        "同日",
        "翌年",
        "今般",
    )
)
# Attributive links that may sit inside a long form (海洋状況把握のための…, インフラに関する…,
# 災害に強靱な…, 自由で開かれた…). Crossed only while the acronym needs more units.
_BRIDGE = re.compile(
    f"(?:のための|の下での|における|に[{KANJI}]{{1,3}}(?:する|した|な|い|く|る|った|けた|づく|した)"
    f"|に(?:かかる|わたる|おける|対する|関する)|で[{KANJI}]{{1,2}}[{HIRA}]{{1,3}}た)$"
)
# Coordination inside a name (信頼醸成措置及び予防外交に関する…): crossed only when the acronym's verified
# English expansion coordinates too (… Measures and Preventive Diplomacy), since 自衛隊及び防衛装備庁（ATLA）
# names two bodies.
_AND = re.compile("(?:及び|並びに)$")
MAX_JA_LONG = 40


def script_tokens(text: str) -> list[Token]:
    """Tokens by script run, for text that has no GiNZA parse: kanji/katakana/Latin runs act as nouns,
    kana runs as particles, everything else as punctuation."""
    out: list[Token] = []
    for m in re.finditer(
        f"(?P<noun>(?:(?!及び)[{KANJI}])+|[{KATA}]+|[A-Za-zＡ-Ｚａ-ｚ]+)|(?P<num>[0-9０-９]+)|(?P<kana>及び|[{HIRA}]+)|(?P<sym>.)",
        text,
        re.S,
    ):
        kind = m.lastgroup
        pos, tag = {
            "noun": ("NOUN", "名詞-普通名詞-一般"),
            "num": ("NUM", "名詞-数詞"),
            "kana": ("ADP", "助詞"),
            "sym": ("PUNCT", "補助記号"),
        }[kind or "sym"]
        if kind == "sym" and m.group() in _COMPOUND_SYM:
            pos = "SYM"
        if kind == "sym" and m.group().isspace():
            pos, tag = "SPACE", "空白"
        out.append(Token(m.start(), m.end(), m.group(), pos, tag))
    return out


def _in_compound(tok: TokenLike, text: str) -> bool:
    tag = tok.tag
    if tag == "空白" or text[tok.start : tok.end].isspace():
        return False  # GiNZA tags runs of spaces as nouns
    if "副詞可能" in tag and text[tok.start : tok.end] in _ADVERBIAL:
        return False  # 今後, ため: an adverb or the head of a link, not part of a name (日 of 日米 is)
    if tag.startswith(("名詞", "接頭辞", "接尾辞")):
        return True
    if tok.pos in ("NOUN", "PROPN", "NUM"):
        return True
    return text[tok.start : tok.end] in _COMPOUND_SYM or (
        tok.pos == "SYM" and text[tok.start : tok.end] in "-/&"
    )


class TokenIndex:
    """Tokens by end offset, falling back to script runs where the parse does not cover the text."""

    def __init__(self, text: str, tokens: Sequence[TokenLike]) -> None:
        self.text = text
        self.by_end: dict[int, TokenLike] = {t.end: t for t in tokens if t.end > t.start}
        self.fallback: dict[int, TokenLike] | None = None

    def ending_at(self, pos: int) -> TokenLike | None:
        tok = self.by_end.get(pos)
        if tok is not None:
            return tok
        if self.fallback is None:
            self.fallback = {t.end: t for t in script_tokens(self.text)}
        return self.fallback.get(pos)


def _compound_start(idx: TokenIndex, end: int, lo: int) -> int:
    """Leftmost start of the run of compound tokens ending at `end` (end itself if there is none)."""
    text = idx.text
    start = end
    while start > lo:
        tok = idx.ending_at(start)
        if tok is None or tok.start < lo:
            break
        # a lone space between two CJK characters is PDF letter-spacing (ASEAN地 域), not a boundary
        # nor is a single line break there: PDF column wrapping (欧州連合軍⏎最高司令部)
        spacing = (
            text[tok.start : tok.end] in (" ", "\n", "\t")
            and start < end
            and tok.start > lo
            and bool(CJK_RE.match(text[tok.start - 1]))
            and bool(CJK_RE.match(text[start]))
        )
        # a na-adjective right before the compound is its first part, not a predicate (サイバー防衛, 重要インフラ)
        attributive = "形状詞" in tok.tag and start < end
        if not (_in_compound(tok, text) or spacing or attributive):
            break
        start = tok.start
    # a compound never starts with a joiner (・, -) or a date (2016年, ３か国)
    while start < end and text[start] in _COMPOUND_SYM:
        start += 1
    # nor with a date (2016年) or a bare number (③, a footnote mark); 第6回, 3か国 stay
    m = re.match(
        r"[0-9０-９]+(?:年|月|日)+|[0-9０-９]+(?![0-9０-９]*(?:か国|カ国|ヶ国|回|次|期|号|条|項|つ))",
        text[start:end],
    )
    if m and m.end() < end - start:
        start += m.end()
    return start


def _copula_de(idx: TokenIndex, pos: int) -> bool:
    """Whether で at `pos` is the copula after a na-adjective (自由で開かれた), not a place (ケニアで開催された)."""
    tok = idx.by_end.get(pos)
    return tok is not None and "形状詞" in tok.tag


def ja_long_form(
    text: str,
    end: int,
    short: str,
    tokens: Sequence[TokenLike] = (),
    *,
    lo: int = 0,
    idx: TokenIndex | None = None,
    strict: bool = True,
    coordinated: bool = False,
) -> tuple[int, int] | None:
    """The Japanese long form ending at `end` for acronym `short`, or None when there is no plausible one.

    The maximal noun compound before `end`, extended across attributive links while it has fewer
    content units than `short` has letters, and accepted only when it has at least half as many
    (so the caption in `物体数の推移 (NASA)` is not a long form of NASA). With `strict` off (the acronym's
    English expansion is verified, so パプアニューギニア may stand for three words) any compound is taken.
    Footnote numbers glued to the long form (会合14（…）) are left out when the acronym has no digits.
    With `coordinated` (the English expansion has an `and`), 及び and 並びに are crossed like the links.
    """
    idx = idx or TokenIndex(text, tokens)
    letters = sf_letters(short)
    if not re.search(r"[0-9]", short):
        m = re.search(f"(?<=[{KANJI}{KATA}])[0-9]{{1,3}}$", text[max(lo, end - 4) : end])
        if m:
            end -= len(m.group())
    start = _compound_start(idx, end, lo)
    if start >= end:
        return None
    while ja_units(text[start:end]) <= letters:
        m = _BRIDGE.search(text, max(lo, start - 12), start) or (
            _AND.search(text, max(lo, start - 3), start) if coordinated else None
        )
        if not m or (text[m.start()] == "で" and not _copula_de(idx, m.start())):
            break
        before = _compound_start(idx, m.start(), lo)
        if before >= m.start() or end - before > MAX_JA_LONG:
            break
        start = before
    if (
        (strict and ja_units(text[start:end]) * 2 < letters)
        or end - start < 2
        or not JA_RE.search(text[start:end])
    ):
        return None
    return start, end


def quoted_before(text: str, end: int) -> tuple[int, int] | None:
    """The inside of a 「…」/『…』/“…” quotation that closes at `end`, if short enough to be a name."""
    if end == 0 or text[end - 1] not in '」』”"':
        return None
    opener = {"」": "「", "』": "『", "”": "“", '"': '"'}[text[end - 1]]
    i = text.rfind(opener, max(0, end - 1 - MAX_JA_LONG), end - 1)
    if i < 0 or re.search(r"。|\n\s*\n", text[i + 1 : end - 1]):  # a single line break is wrapping
        return None
    return i + 1, end - 1


def open_quote_start(text: str, start: int, end: int) -> int:
    """`start`, or where a name quoted with 「 or 『 begins when the long form ending at `end` sits inside
    the quotation (「ジェンダー視点のNATO委員会（…）年次会合」): a long form never stops short inside a
    quoted name. Not across a closing mark, a 。 or 、, or a blank line."""
    lo = max(0, end - MAX_JA_LONG)
    i = max(text.rfind("「", lo, start), text.rfind("『", lo, start))
    if i < 0 or re.search(r"[」』。、]|\n\s*\n", text[i + 1 : end]) or not JA_RE.search(text[i + 1 : start]):
        return start
    return i + 1


_REVERSE_STOP = re.compile(
    r"当時|イメージ|写真|出典|抜粋|参考|資料|図表|略|以下|次頁|前頁|予定|仮称|通称|いずれも"
)


def ja_gloss_ok(ja: str, short: str) -> bool:
    """A Japanese expansion written inside parentheses or after a colon (物品役務相互提供協定, not 施設)."""
    if not re.search(f"[{KANJI}]", ja) or re.search(r"[、。,]", ja) or _REVERSE_STOP.search(ja):
        return False
    return ja_units(ja) * 2 >= sf_letters(short) and len(ja) >= 2
