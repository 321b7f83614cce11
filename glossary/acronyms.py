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

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Literal

from glossary.acronym_en import (
    EN_PHRASE,
    clean_phrase,
    en_expansion_ok,
    en_long_form,
    find_expansion,
    initials_match,
    initials_or_sh,
    schwartz_hearst,
    word_matches,
)
from glossary.acronym_ja import (
    Token,
    TokenIndex,
    TokenLike,
    ja_gloss_ok,
    ja_long_form,
    ja_units,
    open_quote_start,
    quoted_before,
    script_tokens,
)
from glossary.acronym_occurrences import Occurrence, find_occurrences
from glossary.acronym_ruby import ruby_fit, ruby_readings
from glossary.acronym_text import (
    CLOSE,
    JA_RE,
    KANJI,
    KATA,
    PAIR,
    acronym_form,
    acronym_key,
    nfkc,
    normalise,
    sf_letters,
)

__all__ = [
    "Definition",
    "Occurrence",
    "Rule",
    "Token",
    "TokenLike",
    "acronym_form",
    "acronym_key",
    "find_definitions",
    "find_expansion",
    "find_occurrences",
    "first_offset",
    "initials_match",
    "initials_or_sh",
    "ja_long_form",
    "ja_units",
    "nfkc",
    "schwartz_hearst",
    "script_tokens",
    "sf_letters",
]

Rule = Literal["paren", "ika", "colon", "reverse", "ruby", "footnote", "gloss", "sh", "sh-reverse"]


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


# --- parentheses --------------------------------------------------------------------------------------


def _bracket_pairs(t: str) -> Iterator[tuple[int, int]]:
    """(open, close) positions of balanced (), 【】, [] in normalised text, inner pairs first."""
    stack: list[tuple[str, int]] = []
    for i, c in enumerate(t):
        if c in PAIR:
            stack.append((c, i))
        elif c in CLOSE:
            while stack and PAIR[stack[-1][0]] != c:
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
_COLON_IN = re.compile(r"\s*([A-Za-z][^:：]{0,20}?)\s*[:：]\s*(.+?)\s*", re.S)  # a wrapped expansion too


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
        if JA_RE.search(t[inner_lo:inner_hi]) and not re.search(r"[A-Za-z]{2}", t[inner_lo:inner_hi]):
            if not re.search(r"[、,]", t[inner_lo:inner_hi]):
                ja_span = (inner_lo, inner_hi)
        elif EN_PHRASE.fullmatch(t[inner_lo:inner_hi]):
            en_span = (inner_lo, inner_hi)
        hi = lo + m.start()
    body = t[lo:hi]
    m = re.search(r"[A-Za-z][A-Za-z0-9'’.,&/\-\s・]*[A-Za-z0-9]$", body)
    if m and len(word_matches(m.group())) >= 2 and en_span is None:
        en_span = (lo + m.start(), hi)
        hi = lo + m.start()
    rest = t[lo:hi].strip(" ・")
    if rest and JA_RE.search(rest) and ja_span is None:
        r_lo = lo + t[lo:hi].find(rest)
        ja_span = (r_lo, r_lo + len(rest))
    return ja_span, en_span


class _Finder:
    """Collects the definitions of one text (see the module docstring for the rules)."""

    def __init__(self, text: str, tokens: Sequence[TokenLike]) -> None:
        self.text = text
        self.n = normalise(text)
        self.t = self.n.text
        # tokens mapped onto the normalised text, so every rule works on one string
        mapped = [Token(self.n.norm(tok.start), self.n.norm(tok.end), "", tok.pos, tok.tag) for tok in tokens]
        self.idx = TokenIndex(self.t, mapped)
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
        self, end: int, short: str, *, strict: bool = True, en: tuple[int, int] | None = None
    ) -> tuple[tuple[int, int] | None, tuple[int, int] | None]:
        """(ja_span, en_span) of the long form ending at `end` (`strict`: see ja_long_form; `en`: the
        English expansion already found, whose `and` lets a Japanese 及び into the long form)."""
        t = self.t
        q = quoted_before(t, end)
        if q:
            inner = t[q[0] : q[1]]
            if JA_RE.search(inner):
                return (q if ja_units(inner) * 2 >= sf_letters(short) else None), None
            en = en_long_form(t, q[1], short, lo=q[0])
            return None, en
        digits = 0
        while digits < 3 and end - digits > 0 and t[end - digits - 1] in "0123456789":
            digits += 1
        japanese = end > digits and JA_RE.match(t[end - 1 - digits])  # 会合14（…）: a footnote number
        if not japanese and end > 0 and re.match(r"[A-Za-z0-9]", t[end - 1]):
            return None, en_long_form(t, end, short)
        if japanese or (end > 0 and JA_RE.match(t[end - 1])):
            coordinated = en is not None and bool(re.search(r"\band\b|&", t[en[0] : en[1]]))
            ja = ja_long_form(t, end, short, idx=self.idx, strict=strict, coordinated=coordinated)
            return (open_quote_start(t, ja[0], ja[1]), ja[1]) if ja else None, None
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
            glued = m.start(1) > 0 and bool(re.match(f"[{KANJI}{KATA}]", t[m.start(1) - 1]))
            if self.reverse(short, (m.start(1), m.end(1)), (s_lo, s_hi), glued=glued):
                return
        # （F Free and Open Indo-Pacific OIP）: an expansion printed inside its own acronym
        if self.ruby(o, c, s_lo, s_hi):
            return
        # 「日本語」(English Words): a gloss with no acronym
        if lang == "ja" and clean_phrase(stripped) and len(word_matches(stripped)) >= 2:
            q = quoted_before(t, before)
            if q and JA_RE.search(t[q[0] : q[1]]):
                self.add("gloss", None, None, q, (s_lo, s_hi))

    def colon_definition(self, short: str, sf: tuple[int, int], body: tuple[int, int], before: int) -> None:
        ja_in, en_in = _split_expansion(self.t, *body)
        lead = re.match(r"(?:the|a|an)\s+", self.t[en_in[0] : en_in[1]], re.I) if en_in else None
        if en_in and lead:  # (IISS: The International Institute for Strategic Studies)
            en_in = (en_in[0] + lead.end(), en_in[1])
        ja = ja_in if ja_in and ja_gloss_ok(self.t[ja_in[0] : ja_in[1]], short) else None
        en = en_in if en_in and en_expansion_ok(self.t[en_in[0] : en_in[1]], short) else None
        ja_out, _ = self._long_before(before, short, strict=en is None, en=en)
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
            if JA_RE.search(inner):
                if ja is None and ja_gloss_ok(inner, short):
                    ja = (lo, hi)
            elif en is None and en_expansion_ok(inner, short):
                lead = re.match(r"(?:the|a|an)\s+", inner, re.I)
                en = (lo + lead.end(), hi) if lead else (lo, hi)
        if glued and en is None:
            ja = None
        if ja is None and en is None:
            return False
        self.add("reverse" if ja else "sh-reverse", short, sf, ja, en)
        return True

    def ruby(self, o: int, c: int, s_lo: int, s_hi: int) -> bool:
        """（C NATO Cooperative Cyber Defence Centre of Excellence CDCOE）: a PDF extraction printed the
        English ruby inside the acronym it annotates, between the acronym's first letter(s) and the rest;
        glued (SSupreme Headquarters Allied Powers EuropeHAPE) or spread over lines. The triple is
        harvested whole. Of the readings that fit, one whose acronym the text uses elsewhere wins, else the
        first (see ruby_readings)."""
        inner = self.t[s_lo:s_hi]
        for p in range(1, min(len(inner) - 1, 8)):
            head = inner[:p]
            if not re.fullmatch(r"[A-Z][A-Z0-9-]*", head):
                break
            rest = inner[p:]
            body = rest.lstrip()
            if not body[:1].isupper():
                continue
            e_lo = s_lo + p + len(rest) - len(body)
            fits = [
                (short, size)
                for size, tail, certain in ruby_readings(head, body)
                if (short := ruby_fit(head, tail, body[:size], certain=certain))
            ]
            if fits:
                short, size = next((f for f in fits if self._used_elsewhere(f[0], o, c)), fits[0])
                ja, _ = self._long_before(self._before(o), short, strict=False, en=(e_lo, e_lo + size))
                self.add("ruby", short, (s_lo, s_hi), ja, (e_lo, e_lo + size))
                return True
        return False

    def _used_elsewhere(self, short: str, o: int, c: int) -> bool:
        pattern = re.compile(r"(?<![A-Za-z0-9])" + re.escape(short) + r"(?![A-Za-z0-9])")
        return any(not o <= m.start() <= c for m in pattern.finditer(self.t))

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
