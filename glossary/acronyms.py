"""Acronym definitions and occurrences in Japanese and English text (pure functions, no spaCy).

Everything is matched on the NFKC form of the text (ＩＦＣ－ＩＯＲ = IFC-IOR) and every offset returned
refers to the original text, half-open, in code points.

Rules, in the order a parenthesis is tried:
- `long form (SF)`: a Japanese long form is the noun compound right before the parenthesis, extended
  across attributive links (のための, に関する, で開かれた…) only while the acronym has more letters than
  the long form has content units; an English long form is found by Schwartz–Hearst.
- `（以下「SF」という。）` after a Japanese long form.
- `(SF: English long form)` / `（SF：日本語）`, with the Japanese long form before the parenthesis if any.
- `SF (long form)`: the acronym right before the parenthesis, expanded inside it.
- PDF ruby debris `(F Free and Open Indo-Pacific OIP)`: an expansion printed inside its own acronym.
- footnotes `※ SF : long form` (Japanese, English or both).
- `「日本語」(English Words)` glosses carry no acronym; harvest uses them to find English long forms.
A parenthesis that fits none of these (a picture credit, （イメージ）, (P1), a date) yields nothing.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import cache
from itertools import accumulate
from typing import Literal, Protocol

Rule = Literal["paren", "ika", "colon", "reverse", "ruby", "footnote", "gloss", "sh", "sh-reverse"]


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


@dataclass(frozen=True, slots=True)
class Definition:
    """An acronym with its long form(s), as written in a text; spans are half-open offsets into that text.

    `short` is None for a gloss (a Japanese term with its English rendering and no acronym).
    """

    short: str | None
    """The acronym normalised (NFKC, spaced letters joined): ＩＦＣ－ＩＯＲ → IFC-IOR."""
    short_span: tuple[int, int] | None
    ja: str | None
    ja_span: tuple[int, int] | None
    en: str | None
    en_span: tuple[int, int] | None
    rule: Rule

    @property
    def key(self) -> str | None:
        return acronym_key(self.short) if self.short else None


@dataclass(frozen=True, slots=True)
class Occurrence:
    start: int
    end: int
    short: str
    """The acronym as normalised (NFKC), not necessarily as written."""
    known: bool
    """True for an acronym defined somewhere (or in the glossary); False for one seen bare."""


# --- normalisation with a map back --------------------------------------------------------------------

_DASHES = str.maketrans(dict.fromkeys("\u2010\u2011\u2012\u2013\u2212\ufe63\uff0d", "-"))


@dataclass(frozen=True, slots=True)
class _Norm:
    """NFKC text (dashes unified) plus maps between its offsets and the original's."""

    text: str
    starts: tuple[int, ...]
    ends: tuple[int, ...]
    inverse: tuple[int, ...]
    """inverse[o] = first normalised index whose original start is >= o (len(inverse) = len(original)+1)."""

    def orig(self, start: int, end: int) -> tuple[int, int]:
        if start >= end:
            pos = self.starts[start] if start < len(self.starts) else (self.ends[-1] if self.ends else 0)
            return pos, pos
        return self.starts[start], self.ends[end - 1]

    def norm(self, pos: int) -> int:
        return self.inverse[min(max(pos, 0), len(self.inverse) - 1)]


@cache
def _nfkc_char(c: str) -> str:
    return unicodedata.normalize("NFKC", c).translate(_DASHES)


def _normalise(text: str) -> _Norm:
    n = len(text)
    if not any(unicodedata.combining(c) or c in "\uff9e\uff9f" for c in set(text)):
        # every character normalises on its own: map by prefix sums of the pieces' lengths
        pieces = [_nfkc_char(c) for c in text]
        inverse = [0, *accumulate(len(p) for p in pieces)]
        if inverse[-1] == n:
            return _Norm("".join(pieces), tuple(range(n)), tuple(range(1, n + 1)), tuple(inverse))
        starts = [i for i, p in enumerate(pieces) for _ in p]
        return _Norm("".join(pieces), tuple(starts), tuple(i + 1 for i in starts), tuple(inverse))
    # a base character and its combining marks (ｶﾞ, e + ́) normalise together
    chars: list[str] = []
    starts_: list[int] = []
    ends: list[int] = []
    inv = [0] * (n + 1)
    i = 0
    while i < n:
        j = i + 1
        while j < n and (unicodedata.combining(text[j]) or text[j] in "\uff9e\uff9f"):
            j += 1
        inv[i] = len(chars)
        for c in unicodedata.normalize("NFKC", text[i:j]).translate(_DASHES):
            chars.append(c)
            starts_.append(i)
            ends.append(j)
        for o in range(i + 1, j):  # inside a cluster: the next normalised character
            inv[o] = len(chars)
        i = j
    inv[n] = len(chars)
    return _Norm("".join(chars), tuple(starts_), tuple(ends), tuple(inv))


def nfkc(text: str) -> str:
    return unicodedata.normalize("NFKC", text).translate(_DASHES)


def acronym_key(short: str) -> str:
    """Comparison key of an acronym: NFKC, unified dashes, no spaces, case kept (APT ≠ apt)."""
    return re.sub(r"\s+", "", nfkc(short))


# --- character classes --------------------------------------------------------------------------------

_KANJI = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff々〆ヶ"
_KATA = "\u30a1-\u30fa\u30fc\u30fd\u30fe"
_HIRA = "\u3041-\u3096\u309d\u309e"
_JA_RE = re.compile(f"[{_KANJI}{_KATA}{_HIRA}]")
_CJK_RE = re.compile(f"[{_KANJI}{_KATA}]")
_UNIT_RE = re.compile(f"[{_KANJI}]+|[{_KATA}]+|[A-Za-z]+")
_OPEN, _CLOSE = "(【[〔", ")】]〕"
_PAIR = dict(zip(_OPEN, _CLOSE, strict=True))


def _is_kanji(c: str) -> bool:
    return bool(re.match(f"[{_KANJI}]", c))


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


# --- acronyms -----------------------------------------------------------------------------------------

_SF_RE = re.compile(r"[A-Za-z][A-Za-z0-9]*(?:[-/&.・][A-Za-z0-9]+)*\+?(?: (?:[IVX]{1,4}|[0-9]{1,2}))?")
_ROMAN = re.compile(r"[IVXLCDM]{1,5}")
_SPACED = re.compile(r"\b([A-Z])(?: (?=[A-Z]\b))")


def acronym_form(text: str) -> str | None:
    """`text` as an acronym (NFKC, spaced letters joined: `A P T` → APT), or None if it is not one.

    An acronym starts with a letter, has at least two capitals that make up at least half of its
    letters (ReCAAP yes, DeepSeek no), and is not a roman numeral or a designation like MQ-9B or C-130H.
    """
    t = nfkc(text).strip()
    if " " in t and re.fullmatch(r"(?:[A-Z] )+[A-Z]", t):
        t = t.replace(" ", "")
    if len(t) > 16 or not _SF_RE.fullmatch(t) or _ROMAN.fullmatch(t):
        return None
    if re.search(r"[-/][0-9]|[0-9]{2}", t):
        return None
    letters = [c for c in t if c.isalpha()]
    upper = sum(c.isupper() for c in letters)
    if upper < 2 or upper * 2 < len(letters):
        return None
    return t


def sf_letters(short: str) -> int:
    """Letters of an acronym that stand for words (a trailing edition number such as TICAD VI's does not)."""
    return sum(c.isalpha() for c in re.sub(r" (?:[IVX]+|[0-9]+)$", "", short))


def _sf_chars(short: str) -> list[str]:
    return [c.lower() for c in short if c.isalnum()]


# --- English long forms -------------------------------------------------------------------------------

_WORD = re.compile(r"[A-Za-z0-9][A-Za-z0-9'’]*(?:-[A-Za-z0-9'’]+)*")
_STOP = frozenset(
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
    sf = _sf_chars(short)
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


def _words(text: str) -> list[re.Match[str]]:
    return list(_WORD.finditer(text))


def _en_long_form(text: str, end: int, short: str, lo: int = 0) -> tuple[int, int] | None:
    """English long form ending at `end` (the text before an acronym's parenthesis), or None."""
    end_trim = end
    while end_trim > lo and text[end_trim - 1] in " \t":
        end_trim -= 1
    seg_lo = max(lo, _sentence_start(text, end_trim))
    words = _words(text[seg_lo:end_trim])
    n = len(_sf_chars(short))
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
    words = [m.group() for m in _words(long)]
    if len(words) < 2 and not ("-" in long and len(long) > len(short)):
        return False
    if acronym_key(long) == acronym_key(short) or words[0].lower() in _STOP:
        return False
    # The long form's content words must mostly be capitalised or the acronym must match initials:
    # "cooperation initiative for the Global South" is a description, not an expansion.
    return initials_match(long, short) or sum(
        w[0].isupper() for w in words if w.lower() not in _STOP
    ) * 2 > len([w for w in words if w.lower() not in _STOP])


def _word_parts(word: str) -> list[str]:
    return [p for p in re.split(r"[-'’]", word) if p]


def initials_match(long: str, short: str) -> bool:
    """Strict check that the words of `long` spell `short`: each content word gives its initial and may
    give up to three more of its letters in order (Regional → Re, Indo-Pacific → I or IP); function words
    give their initial or nothing (Indo-Pacific Partnership for Maritime Domain Awareness → IPMDA).
    """
    sf = _sf_chars(short)
    words = [m.group().lower() for m in _words(long)]
    if not words or not sf:
        return False

    @cache
    def match(i: int, j: int) -> bool:
        """Do words[i:] spell sf[j:]?"""
        if i == len(words):
            return j == len(sf)
        w = words[i]
        if w in _STOP and match(i + 1, j):
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
    n = len(_sf_chars(short))
    if n < 2:
        return None
    words = _words(text)
    for i, wi in enumerate(words):
        w0 = wi.group()
        if w0.lower() in _STOP or not w0[0].isupper() or w0[0].lower() != _sf_chars(short)[0]:
            continue
        best: tuple[int, int] | None = None
        for k in range(i + 1, min(len(words), i + n + max_extra) + 1):
            wl = words[k - 1].group()
            if wl.lower() in _STOP:
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
    f"(?:のための|の下での|における|に[{_KANJI}]{{1,3}}(?:する|した|な|い|く|る|った|けた|づく|した)"
    f"|に(?:かかる|わたる|おける|対する|関する)|で[{_KANJI}]{{1,2}}[{_HIRA}]{{1,3}}た)$"
)
_MAX_JA_LONG = 40


def script_tokens(text: str) -> list[Token]:
    """Tokens by script run, for text that has no GiNZA parse: kanji/katakana/Latin runs act as nouns,
    kana runs as particles, everything else as punctuation."""
    out: list[Token] = []
    for m in re.finditer(
        f"(?P<noun>[{_KANJI}]+|[{_KATA}]+|[A-Za-zＡ-Ｚａ-ｚ]+)|(?P<num>[0-9０-９]+)|(?P<kana>[{_HIRA}]+)|(?P<sym>.)",
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


class _TokenIndex:
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


def _compound_start(idx: _TokenIndex, end: int, lo: int) -> int:
    """Leftmost start of the run of compound tokens ending at `end` (end itself if there is none)."""
    text = idx.text
    start = end
    while start > lo:
        tok = idx.ending_at(start)
        if tok is None or tok.start < lo:
            break
        # a lone space between two CJK characters is PDF letter-spacing (ASEAN地 域), not a boundary
        spacing = (
            text[tok.start : tok.end] == " "
            and start < end
            and tok.start > lo
            and bool(_CJK_RE.match(text[tok.start - 1]))
            and bool(_CJK_RE.match(text[start]))
        )
        if not (_in_compound(tok, text) or spacing):
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


def _copula_de(idx: _TokenIndex, pos: int) -> bool:
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
    idx: _TokenIndex | None = None,
    strict: bool = True,
) -> tuple[int, int] | None:
    """The Japanese long form ending at `end` for acronym `short`, or None when there is no plausible one.

    The maximal noun compound before `end`, extended across attributive links while it has fewer
    content units than `short` has letters, and accepted only when it has at least half as many
    (so the caption in `物体数の推移 (NASA)` is not a long form of NASA). With `strict` off (the acronym's
    English expansion is verified, so パプアニューギニア may stand for three words) any compound is taken.
    Footnote numbers glued to the long form (会合14（…）) are left out when the acronym has no digits.
    """
    idx = idx or _TokenIndex(text, tokens)
    letters = sf_letters(short)
    if not re.search(r"[0-9]", short):
        m = re.search(f"(?<=[{_KANJI}{_KATA}])[0-9]{{1,3}}$", text[max(lo, end - 4) : end])
        if m:
            end -= len(m.group())
    start = _compound_start(idx, end, lo)
    if start >= end:
        return None
    while ja_units(text[start:end]) < letters:
        m = _BRIDGE.search(text, max(lo, start - 12), start)
        if not m or (text[m.start()] == "で" and not _copula_de(idx, m.start())):
            break
        before = _compound_start(idx, m.start(), lo)
        if before >= m.start() or end - before > _MAX_JA_LONG:
            break
        start = before
    if (
        (strict and ja_units(text[start:end]) * 2 < letters)
        or end - start < 2
        or not _JA_RE.search(text[start:end])
    ):
        return None
    return start, end


def _quoted_before(text: str, end: int) -> tuple[int, int] | None:
    """The inside of a 「…」/『…』/“…” quotation that closes at `end`, if short enough to be a name."""
    if end == 0 or text[end - 1] not in '」』”"':
        return None
    opener = {"」": "「", "』": "『", "”": "“", '"': '"'}[text[end - 1]]
    i = text.rfind(opener, max(0, end - 1 - _MAX_JA_LONG), end - 1)
    if i < 0 or re.search("[。\n]", text[i + 1 : end - 1]):
        return None
    return i + 1, end - 1


# --- parentheses --------------------------------------------------------------------------------------


def _bracket_pairs(t: str) -> Iterator[tuple[int, int]]:
    """(open, close) positions of balanced (), 【】, [] in normalised text, inner pairs first."""
    stack: list[tuple[str, int]] = []
    for i, c in enumerate(t):
        if c in _PAIR:
            stack.append((c, i))
        elif c in _CLOSE:
            while stack and _PAIR[stack[-1][0]] != c:
                stack.pop()
            if stack:
                _, o = stack.pop()
                if i - o <= 200:
                    yield o, i


_MARKER_BEFORE = re.compile(r"(?:\s|\[※\]|※[0-9¹²³⁴⁵⁶⁷⁸⁹⁰]*|\*)*$")
_SF_BEFORE = re.compile(
    r"(?<![A-Za-z0-9])((?:[A-Z] ){1,}[A-Z]|[A-Za-z][A-Za-z0-9]*(?:[-/&.・][A-Za-z0-9]+)*\+?)$"
)
_IKA = re.compile(r"以下(?:単に)?[「『\"“]([^」』\"”]{1,20})[」』\"”](?:という|と略す|と称する|と呼ぶ)。?")
_COLON_IN = re.compile(r"\s*([A-Za-z][^:：]{0,20}?)\s*[:：]\s*(.+?)\s*")
_EN_PHRASE = re.compile(r"[A-Za-z][A-Za-z0-9'’.,&/\-\s・]*[A-Za-z0-9]")
# Words glued by PDF extraction (IIndividual, andOpen, PacificOIP): not a phrase to propose.
_GLUED = re.compile(r"[A-Z]{2}[a-z]|[a-z][A-Z]")


def _clean_phrase(text: str) -> bool:
    return bool(_EN_PHRASE.fullmatch(text)) and not any(
        _GLUED.search(w.group()) and not re.fullmatch(r"(?:Mc|Mac|De|La|Le|i)[A-Z][a-z]+", w.group())
        for w in _words(text)
    )


_REVERSE_STOP = re.compile(
    r"当時|イメージ|写真|出典|抜粋|参考|資料|図表|略|以下|次頁|前頁|予定|仮称|通称|いずれも"
)


def _ja_gloss_ok(ja: str, short: str) -> bool:
    """A Japanese expansion written inside parentheses or after a colon (物品役務相互提供協定, not 施設)."""
    if not re.search(f"[{_KANJI}]", ja) or re.search(r"[、。,]", ja) or _REVERSE_STOP.search(ja):
        return False
    return ja_units(ja) * 2 >= sf_letters(short) and len(ja) >= 2


def _split_expansion(t: str, lo: int, hi: int) -> tuple[tuple[int, int] | None, tuple[int, int] | None]:
    """Split an expansion into its Japanese and English parts: `情報収集・偵察 Intelligence, …` or
    `Unmanned Aerial Vehicle (無人航空機)`. Returns (ja_span, en_span), offsets into `t`."""
    body = t[lo:hi].strip()
    lo = lo + (len(t[lo:hi]) - len(t[lo:hi].lstrip()))
    hi = lo + len(body)
    ja_span = en_span = None
    m = re.search(r"\s*\(([^()]*)\)$", body)
    if m:  # a trailing gloss in the other language, or a list to drop
        inner_lo, inner_hi = lo + m.start(1), lo + m.end(1)
        if _JA_RE.search(t[inner_lo:inner_hi]) and not re.search(r"[A-Za-z]{2}", t[inner_lo:inner_hi]):
            if not re.search(r"[、,]", t[inner_lo:inner_hi]):
                ja_span = (inner_lo, inner_hi)
        elif _EN_PHRASE.fullmatch(t[inner_lo:inner_hi]):
            en_span = (inner_lo, inner_hi)
        hi = lo + m.start()
    body = t[lo:hi]
    m = re.search(r"[A-Za-z][A-Za-z0-9'’.,&/\-\s・]*[A-Za-z0-9]$", body)
    if m and len(_words(m.group())) >= 2 and en_span is None:
        en_span = (lo + m.start(), hi)
        hi = lo + m.start()
    rest = t[lo:hi].strip(" ・")
    if rest and _JA_RE.search(rest) and ja_span is None:
        r_lo = lo + t[lo:hi].find(rest)
        ja_span = (r_lo, r_lo + len(rest))
    return ja_span, en_span


class _Finder:
    """Collects the definitions of one text (see the module docstring for the rules)."""

    def __init__(self, text: str, tokens: Sequence[TokenLike]) -> None:
        self.text = text
        self.n = _normalise(text)
        self.t = self.n.text
        # tokens mapped onto the normalised text, so every rule works on one string
        mapped = [Token(self.n.norm(tok.start), self.n.norm(tok.end), "", tok.pos, tok.tag) for tok in tokens]
        self.idx = _TokenIndex(self.t, mapped)
        self.out: list[Definition] = []

    # results are built from normalised spans, mapped back here
    def add(
        self,
        rule: Rule,
        short: str | None,
        sf: tuple[int, int] | None,
        ja: tuple[int, int] | None,
        en: tuple[int, int] | None,
    ) -> None:
        def back(span: tuple[int, int] | None) -> tuple[int, int] | None:
            return self.n.orig(*span) if span else None

        def txt(span: tuple[int, int] | None) -> str | None:
            return self.text[span[0] : span[1]] if span else None

        o_sf, o_ja, o_en = back(sf), back(ja), back(en)
        self.out.append(Definition(short, o_sf, txt(o_ja), o_ja, txt(o_en), o_en, rule))

    def run(self, lang: str) -> list[Definition]:
        for o, c in _bracket_pairs(self.t):
            self.paren(o, c, lang)
        self.footnotes()
        return sorted(self.out, key=first_offset)

    # -- parentheses --

    def _before(self, o: int) -> int:
        """End of the text an opening bracket at `o` attaches to (spaces and ※ markers skipped)."""
        m = _MARKER_BEFORE.search(self.t, max(0, o - 24), o)
        return m.start() if m else o

    def _long_before(
        self, end: int, short: str, *, strict: bool = True
    ) -> tuple[tuple[int, int] | None, tuple[int, int] | None]:
        """(ja_span, en_span) of the long form ending at `end` (`strict`: see ja_long_form)."""
        t = self.t
        q = _quoted_before(t, end)
        if q:
            inner = t[q[0] : q[1]]
            if _JA_RE.search(inner):
                return (q if ja_units(inner) * 2 >= sf_letters(short) else None), None
            en = _en_long_form(t, q[1], short, lo=q[0])
            return None, en
        digits = 0
        while digits < 3 and end - digits > 0 and t[end - digits - 1] in "0123456789":
            digits += 1
        if end > digits and _JA_RE.match(t[end - 1 - digits]):  # 会合14（…）: a footnote number, Japanese
            return ja_long_form(t, end, short, idx=self.idx, strict=strict), None
        if end > 0 and re.match(r"[A-Za-z0-9]", t[end - 1]):
            return None, _en_long_form(t, end, short)
        if end > 0 and _JA_RE.match(t[end - 1]):
            return ja_long_form(t, end, short, idx=self.idx, strict=strict), None
        return None, None

    def paren(self, o: int, c: int, lang: str) -> None:
        t = self.t
        inner = t[o + 1 : c]
        stripped = inner.strip()
        s_lo = o + 1 + (len(inner) - len(inner.lstrip()))
        s_hi = s_lo + len(stripped)
        # (SF): the long form comes before
        short = acronym_form(stripped) if stripped else None
        if short:
            ja, en = self._long_before(self._before(o), short)
            if ja or en:
                self.add("sh" if en and not ja else "paren", short, (s_lo, s_hi), ja, en)
            return
        # （以下「SF」という。）
        m = _IKA.fullmatch(stripped)
        if m:
            short = acronym_form(m.group(1))
            if short:
                ja, en = self._long_before(self._before(o), short)
                if ja or en:
                    self.add("ika", short, (s_lo + m.start(1), s_lo + m.end(1)), ja, en)
            return
        # (SF: long form)
        m = _COLON_IN.fullmatch(inner)
        if m and (short := acronym_form(m.group(1))):
            self.colon_definition(
                short,
                (o + 1 + m.start(1), o + 1 + m.end(1)),
                (o + 1 + m.start(2), o + 1 + m.end(2)),
                self._before(o),
            )
            return
        # SF (long form)
        before = self._before(o)
        m = _SF_BEFORE.search(t, max(0, before - 40), before)
        if m and (short := acronym_form(m.group(1))):
            # 長距離UAV (シャド型無人機) glosses the whole compound, not the acronym at its end
            glued = m.start(1) > 0 and bool(re.match(f"[{_KANJI}{_KATA}]", t[m.start(1) - 1]))
            if self.reverse(short, (m.start(1), m.end(1)), (s_lo, s_hi), glued=glued):
                return
        # （F Free and Open Indo-Pacific OIP）: an expansion printed inside its own acronym
        if self.ruby(o, c, s_lo, s_hi):
            return
        # 「日本語」(English Words): a gloss with no acronym
        if lang == "ja" and _clean_phrase(stripped) and len(_words(stripped)) >= 2:
            q = _quoted_before(t, before)
            if q and _JA_RE.search(t[q[0] : q[1]]):
                self.add("gloss", None, None, q, (s_lo, s_hi))

    def colon_definition(self, short: str, sf: tuple[int, int], body: tuple[int, int], before: int) -> None:
        ja_in, en_in = _split_expansion(self.t, *body)
        ja = ja_in if ja_in and _ja_gloss_ok(self.t[ja_in[0] : ja_in[1]], short) else None
        en = en_in if en_in and _en_expansion_ok(self.t[en_in[0] : en_in[1]], short) else None
        ja_out, _ = self._long_before(before, short, strict=en is None)
        if ja_out and ja is None:
            ja = ja_out
        if ja or en:
            self.add("colon", short, sf, ja, en)

    def reverse(self, short: str, sf: tuple[int, int], body: tuple[int, int], *, glued: bool) -> bool:
        """SF (long form): Japanese, English, or both split by a colon (JPIDD（Japan … Dialogue：日・…会合）)."""
        t = self.t
        parts = [body]
        m = re.fullmatch(r"([^:：]+?)\s*[:：]\s*([^:：]+)", t[body[0] : body[1]])
        if m:
            parts = [(body[0] + m.start(1), body[0] + m.end(1)), (body[0] + m.start(2), body[0] + m.end(2))]
        ja = en = None
        for lo, hi in parts:
            inner = t[lo:hi]
            if _JA_RE.search(inner):
                if ja is None and _ja_gloss_ok(inner, short):
                    ja = (lo, hi)
            elif en is None and _en_expansion_ok(inner, short):
                lead = re.match(r"(?:the|a|an)\s+", inner, re.I)
                en = (lo + lead.end(), hi) if lead else (lo, hi)
        if glued and en is None:
            ja = None
        if ja is None and en is None:
            return False
        self.add("reverse" if ja else "sh-reverse", short, sf, ja, en)
        return True

    def ruby(self, o: int, c: int, s_lo: int, s_hi: int) -> bool:
        t = self.t
        inner = t[s_lo:s_hi]
        for p in (1, 2, 3):
            head = inner[:p]
            if not (head.isascii() and head.isalpha() and head.isupper()):
                break
            for m in re.finditer(r"(?<=[a-z’'\s])([A-Z][A-Z0-9+]*)(?![a-z])", inner[p:]):
                expansion = inner[p : p + m.start()].strip()
                short = acronym_form(head + m.group(1))
                if not (short and expansion[:1].isupper() and initials_match(expansion, short)):
                    continue
                e_lo = s_lo + p + inner[p:].index(expansion)
                ja, _ = self._long_before(self._before(o), short, strict=False)
                self.add("ruby", short, (s_lo, s_lo + p + m.end()), ja, (e_lo, e_lo + len(expansion)))
                return True
        return False

    # -- footnotes --

    def footnotes(self) -> None:
        t = self.t
        for m in re.finditer(
            r"(?m)^[ \t]*(?:※[ \t]*[0-9¹²³⁴⁵⁶⁷⁸⁹⁰]*|\*[0-9]*|注[0-9]*)?[ \t]*"
            r"([A-Za-z][A-Za-z0-9 \-/&.・+]{0,20}?)[ \t]*[:：][ \t]*([^\n]+?)[ \t]*$",
            t,
        ):
            short = acronym_form(m.group(1))
            if not short:
                continue
            before = len(self.out)
            self.colon_definition(short, m.span(1), m.span(2), m.start(1))
            for i in range(before, len(self.out)):
                d = self.out[i]
                self.out[i] = Definition(d.short, d.short_span, d.ja, d.ja_span, d.en, d.en_span, "footnote")


def _en_expansion_ok(text: str, short: str) -> bool:
    return _clean_phrase(text) and _plausible_en(text, short) and initials_or_sh(text, short)


def initials_or_sh(long: str, short: str) -> bool:
    """An expansion written inside a parenthesis or after a colon: initials_match, or Schwartz–Hearst
    covering the whole phrase (the parenthesis is evidence enough for the looser test)."""
    if initials_match(long, short):
        return True
    start = schwartz_hearst(long, short)
    return start is not None and long[:start].strip().lower() in ("", "the", "a", "an")


def first_offset(d: Definition) -> int:
    """Where a definition begins in its text (its earliest part)."""
    return min(s[0] for s in (d.short_span, d.ja_span, d.en_span) if s)


def find_definitions(text: str, lang: str, tokens: Sequence[TokenLike] = ()) -> list[Definition]:
    """Every acronym definition (and Japanese→English gloss) in `text`, in text order.

    Args:
        text: the document (or segment) text; offsets returned point into it.
        lang: "ja" or "en" — the document's language (English documents have no glosses).
        tokens: GiNZA tokens of a Japanese text, offsets into `text`; without them script runs are used.
    """
    return _dedupe(_Finder(text, tokens).run(lang))


def _dedupe(defs: list[Definition]) -> list[Definition]:
    seen: set[tuple[object, ...]] = set()
    out: list[Definition] = []
    for d in defs:
        k = (d.short, d.short_span, d.ja_span, d.en_span)
        if k not in seen:
            seen.add(k)
            out.append(d)
    return out


# --- occurrences --------------------------------------------------------------------------------------

# a hyphen continues an acronym only into more capitals or digits: IFC-IOR, HA/DR, but ASEAN-led is ASEAN
_BARE = re.compile(r"(?<![A-Za-z0-9])[A-Za-z][A-Za-z0-9]*(?:[-/&][A-Z0-9][A-Za-z0-9]*)*(?![A-Za-z0-9])")


_CAPS_WORD = re.compile(r"[A-Z]{2,}")


def _caps_headline(t: str, start: int, end: int) -> bool:
    """Whether an all-capital word sits next to another one (日本の海運 SHIPPING NOW): a title set in
    capitals, not acronyms."""
    left = t[max(0, start - 20) : start].rstrip(" ")
    right = t[end : end + 20].lstrip(" ")
    return (left != t[max(0, start - 20) : start] and bool(re.search(r"[A-Z]{2,}$", left))) or (
        right != t[end : end + 20] and bool(_CAPS_WORD.match(right))
    )


def find_occurrences(text: str, known: Iterable[str], *, bare: bool = True) -> list[Occurrence]:
    """Every occurrence of a known acronym (full-width or not, case kept, whole word only), plus, with
    `bare`, every other acronym-shaped word (ASEAN, AI) as an unknown acronym. Longest first, no overlaps.
    """
    n = _normalise(text)
    t = n.text
    keys = sorted({acronym_key(k) for k in known if k and acronym_key(k)}, key=len, reverse=True)
    taken = bytearray(len(t))  # 1 where an occurrence was already found (longest keys go first)
    out: list[Occurrence] = []

    def claim(a: int, b: int, short: str, is_known: bool) -> None:
        if not any(taken[a:b]):
            taken[a:b] = b"\x01" * (b - a)
            s, e = n.orig(a, b)
            out.append(Occurrence(s, e, short, is_known))

    if keys:
        # one pass for all known acronyms: an alternation, longest first, whole words only
        pattern = re.compile(r"(?<![A-Za-z0-9])(?:" + "|".join(map(re.escape, keys)) + r")(?![A-Za-z0-9])")
        for m in pattern.finditer(t):
            claim(m.start(), m.end(), m.group(), True)
    if bare:
        for m in _BARE.finditer(t):
            form = acronym_form(m.group())
            if form and len(form) <= 10 and not _caps_headline(t, m.start(), m.end()):
                claim(m.start(), m.end(), form, False)
    return sorted(out, key=lambda o: (o.start, o.end))
