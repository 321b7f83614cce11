"""Anchor tokens a JA segment and its English rendering share: numbers, list markers, Latin tokens, terms."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from alignment.text import fold, nfkc

# Every token is a string with a kind prefix (`n:` number, `m:` list marker, `l:` Latin token or acronym,
# `c:` Japanese written inside the English, `g:` glossary pair). Matching happens on NFKC-folded text, so
# `ＩＰＭＤＡ` = `IPMDA`, `（１）` = `(1)` and `２億` = `200 million`. Glossary pairs come in as plain
# (ja, en) strings: this package never imports the glossary.
KINDS = {
    "n": "numbers",
    "m": "list markers",
    "l": "Latin tokens",
    "c": "Japanese in English",
    "g": "glossary",
}

_CIRCLED = {chr(0x2460 + k): k + 1 for k in range(20)}  # ① … ⑳
_IROHA = "アイウエオカキクケコサシスセソタチツテト"  # (ア)(イ)(ウ) ↔ (a)(b)(c) in translated legal text
_ROMAN = ("i", "ii", "iii", "iv", "v", "vi", "vii", "viii", "ix", "x", "xi", "xii")

_MARKER = re.compile(r"^(?:\(([0-9]{1,3}|[a-z]|[A-Z]|[ivx]{1,4}|[ア-ト])\)|([0-9]{1,3})([.)])(?![0-9]))")

_NUMBER = re.compile(r"(?<![0-9.,])(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d+))?(?![0-9])")
_EN_SCALE = re.compile(r"\s*(thousand|million|billion|trillion)\b", re.IGNORECASE)
_EN_SCALES = {"thousand": 10**3, "million": 10**6, "billion": 10**9, "trillion": 10**12}
_JA_SCALES = {"万": 10**4, "億": 10**8, "兆": 10**12}

_KANJI_DIGITS = {
    "〇": 0,
    "零": 0,
    "一": 1,
    "二": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
_KANJI_UNITS = {"十": 10, "百": 100, "千": 1000}
# A kanji numeral only counts as a number after 第 or before a counter: 一 alone is far too common (一部, 統一).
_KANJI_NUMBER = re.compile(
    r"(第)?([〇零一二三四五六七八九十百千]+)(?=(条|項|号|章|節|款|回|年|月|日|時|分|人|名|件|箇|個|か国|カ国|ヵ国|ヶ国|"
    r"次|期|度|倍|隻|機|両|万|億|兆)?)"
)
_ERA = re.compile(r"(明治|大正|昭和|平成|令和)(元|\d+|[〇一二三四五六七八九十]+)年")
_ERA_START = {"明治": 1868, "大正": 1912, "昭和": 1926, "平成": 1989, "令和": 2019}
_MONTHS = {
    m: k + 1
    for k, m in enumerate(
        (
            "january",
            "february",
            "march",
            "april",
            "may",
            "june",
            "july",
            "august",
            "september",
            "october",
            "november",
            "december",
        )
    )
}
_MONTH = re.compile(r"\b(" + "|".join(_MONTHS) + r")\b", re.IGNORECASE)

_LATIN = re.compile(r"[a-z][a-z0-9]*(?:[-&'][a-z0-9]+)*")
_CJK_RUN = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uf900-\ufaff々〆ヶ]{2,}")


def _canonical(integer: str, fraction: str | None, scale: int = 1) -> str | None:
    try:
        value = Decimal(integer.replace(",", "") + (f".{fraction}" if fraction else "")) * scale
    except InvalidOperation:
        return None
    return format(value.normalize(), "f")


def kanji_to_int(numeral: str) -> int | None:
    """Read a simple kanji numeral: 二十三 = 23, 三千五百 = 3500, positional 一九〇五 = 1905.

    >>> kanji_to_int("二十三"), kanji_to_int("百"), kanji_to_int("一九〇五"), kanji_to_int("十十")
    (23, 100, 1905, None)
    """
    if not numeral:
        return None
    if all(c in _KANJI_DIGITS for c in numeral):
        return int("".join(str(_KANJI_DIGITS[c]) for c in numeral))
    total, digit, last_unit = 0, None, 10**9
    for c in numeral:
        if c in _KANJI_DIGITS:
            if digit is not None:
                return None
            digit = _KANJI_DIGITS[c]
        elif c in _KANJI_UNITS:
            unit = _KANJI_UNITS[c]
            if unit >= last_unit:
                return None
            total += (1 if digit is None else digit) * unit
            digit, last_unit = None, unit
        else:
            return None
    return total + (digit or 0)


def split_marker(text: str) -> tuple[str | None, str]:
    """The list-marker token a segment starts with (if any) and the NFKC text after it.

    >>> split_marker("（ア）港湾"), split_marker("１．概要"), split_marker("② x"), split_marker("1.5 m")
    (('m:(a)', '港湾'), ('m:1.', '概要'), ('m:c2', ' x'), (None, '1.5 m'))
    """
    stripped = text.lstrip()
    if stripped[:1] in _CIRCLED:  # before NFKC, which would turn ② into a bare 2
        return f"m:c{_CIRCLED[stripped[0]]}", nfkc(stripped[1:])
    norm = nfkc(stripped)
    found = _MARKER.match(norm)
    if not found:
        return None, norm
    inner, num, punct = found.groups()
    if inner is None:
        return f"m:{num}{punct}", norm[found.end() :]
    label = inner.lower()
    if inner in _IROHA:
        label = chr(ord("a") + _IROHA.index(inner))
    elif label in _ROMAN and len(label) > 1:
        label = str(_ROMAN.index(label) + 1)
    return f"m:({label})", norm[found.end() :]


def _numbers_ja(text: str) -> list[str]:
    tokens: list[str] = []
    taken = [False] * len(text)

    def take(start: int, end: int) -> None:
        for k in range(start, end):
            taken[k] = True

    for found in _ERA.finditer(text):
        year = found.group(2)
        value = 1 if year == "元" else (int(year) if year.isdigit() else kanji_to_int(year))
        if value is not None:
            tokens.append(f"n:{_ERA_START[found.group(1)] + value - 1}")
            take(found.start(), found.end())
    for found in _NUMBER.finditer(text):
        if any(taken[found.start() : found.end()]):
            continue
        after = text[found.end() : found.end() + 1]
        canon = _canonical(found.group(1), found.group(2), _JA_SCALES.get(after, 1))
        if canon is not None:
            tokens.append(f"n:{canon}")
    for found in _KANJI_NUMBER.finditer(text):
        if any(taken[found.start() : found.end()]) or not (found.group(1) or found.group(3)):
            continue
        value = kanji_to_int(found.group(2))
        if value is not None:
            tokens.append(f"n:{value * _JA_SCALES.get(found.group(3) or '', 1)}")
    return tokens


def _numbers_en(text: str) -> list[str]:
    tokens: list[str] = []
    for found in _NUMBER.finditer(text):
        scale = _EN_SCALE.match(text, found.end())
        canon = _canonical(found.group(1), found.group(2), _EN_SCALES[scale.group(1).lower()] if scale else 1)
        if canon is not None:
            tokens.append(f"n:{canon}")
    tokens.extend(f"n:{_MONTHS[found.group(1).lower()]}" for found in _MONTH.finditer(text))
    return tokens


def ja_tokens(text: str) -> list[str]:
    """Candidate anchor tokens of one JA segment (before keeping only those the English side shares).

    >>> ja_tokens("（１）２００６年１２月、ＩＰＭＤＡを第三条に基づき")
    ['m:(1)', 'n:2006', 'n:12', 'n:3', 'l:ipmda']
    """
    marker, body = split_marker(text)
    tokens = [marker] if marker else []
    tokens += _numbers_ja(body)
    tokens += [f"l:{w}" for w in _LATIN.findall(body.casefold()) if len(w) > 1]
    return tokens


def en_tokens(text: str) -> list[str]:
    """Candidate anchor tokens of one EN segment.

    >>> en_tokens("(1) In December 2006, under Article 3, IPMDA")
    ['m:(1)', 'n:2006', 'n:3', 'n:12', 'l:in', 'l:december', 'l:under', 'l:article', 'l:ipmda']
    """
    marker, body = split_marker(text)
    tokens = [marker] if marker else []
    tokens += _numbers_en(body)
    tokens += [f"l:{w}" for w in _LATIN.findall(body.casefold()) if len(w) > 1]
    return tokens


def _glossary_tokens(texts: Sequence[str], terms: Sequence[str], *, words: bool) -> list[list[str]]:
    folded = [fold(t).text for t in texts]
    out: list[list[str]] = [[] for _ in texts]
    for g, term in enumerate(terms):
        key = fold(term.strip()).text
        if not key:
            continue
        if words:
            pattern = re.compile(
                (r"\b" if key[0].isalnum() else "") + re.escape(key) + (r"\b" if key[-1].isalnum() else "")
            )
            counts = [len(pattern.findall(f)) for f in folded]
        else:
            counts = [f.count(key) for f in folded]
        for s, c in enumerate(counts):
            out[s].extend([f"g:{g}"] * c)
    return out


@dataclass(frozen=True, slots=True)
class Anchors:
    """Anchor tokens per segment, keeping only tokens found somewhere on both sides of the pair."""

    ja: tuple[Counter[str], ...]
    en: tuple[Counter[str], ...]

    def kinds(self) -> list[str]:
        """Names of the anchor kinds present (for the `signals used` line)."""
        found = {tok.split(":", 1)[0] for c in self.ja for tok in c}
        return [KINDS[k] for k in KINDS if k in found]


def find_anchors(
    ja_texts: Sequence[str], en_texts: Sequence[str], glossary: Iterable[tuple[str, str]] = ()
) -> Anchors:
    """Anchor tokens for each segment of both documents of a pair.

    Args:
        glossary: (ja, en) term pairs; a pair anchors two segments when each contains its side.
    """
    ja = [Counter(ja_tokens(t)) for t in ja_texts]
    en = [Counter(en_tokens(t)) for t in en_texts]
    # Japanese written inside the English (names, titles) anchors wherever the JA text contains it.
    runs = {r for t in en_texts for r in _CJK_RUN.findall(nfkc(t))}
    if runs:
        ja_norm = [nfkc(t) for t in ja_texts]
        for counter, text in zip(ja, ja_norm, strict=True):
            for run in runs:
                if run in text:
                    counter[f"c:{run}"] += text.count(run)
        for counter, text in zip(en, en_texts, strict=True):
            for run in _CJK_RUN.findall(nfkc(text)):
                counter[f"c:{run}"] += 1
    pairs = [(j, e) for j, e in glossary if j.strip() and e.strip()]
    if pairs:
        for counter, toks in zip(
            ja, _glossary_tokens(ja_texts, [j for j, _ in pairs], words=False), strict=True
        ):
            counter.update(toks)
        for counter, toks in zip(
            en, _glossary_tokens(en_texts, [e for _, e in pairs], words=True), strict=True
        ):
            counter.update(toks)
    shared = {k for c in ja for k in c} & {k for c in en for k in c}
    return Anchors(
        ja=tuple(Counter({k: v for k, v in c.items() if k in shared}) for c in ja),
        en=tuple(Counter({k: v for k, v in c.items() if k in shared}) for c in en),
    )
