"""PDF ruby debris: an English expansion printed inside the acronym it annotates, between the acronym's
first letter(s) and the rest — `（C NATO Cooperative Cyber Defence Centre of Excellence CDCOE）`, or glued,
`（SSupreme Headquarters Allied Powers EuropeHAPE）`. Reading where the acronym's tail starts."""

from __future__ import annotations

import re

from glossary.acronym_en import clean_phrase, ruby_expansion_fits
from glossary.acronym_text import acronym_form


def ruby_readings(head: str, body: str) -> list[tuple[int, str, bool]]:
    """(length of the English words, the acronym's tail, whether where the tail starts is certain) readings of a
    ruby body, most likely first: the last token when a space sets it off (and it is not a word: HoPS yes,
    ForumDCF no), or any tail of it when it is all capitals (NATOPCP11); then tails glued to the last word that
    start with a capital (GroupWG), longest first, when all capitals; then those that start with the letters
    after the head's last capital in its word (Disaster … iREx); then the other capital-led ones."""
    out: list[tuple[int, str, bool]] = []
    m = re.search(r"\s([A-Za-z0-9+/&-]+)$", body)
    if m and any(ch.isupper() for ch in m.group(1)) and not re.match(r"[A-Z][a-z]{2,}", m.group(1)):
        out.append((len(body[: m.start()].rstrip()), m.group(1), True))
        # a footnote number glued to the tail (PCP11 → IPCP) when the acronym has no digits of its own
        note = re.fullmatch(r"(.*[A-Za-z])[0-9]{1,2}", m.group(1))
        if note:
            out.append((len(body[: m.start()].rstrip()), note.group(1), True))
        # glued to an acronym that ends the English words (… Japan and NATOPCP11): any split, uncertain
        token_lo = m.start(1)
        if not any(ch.islower() for ch in m.group(1)):
            for k in range(token_lo + 2, len(body) - 1):
                tail = body[k:]
                out.append((k, tail, False))
                if note and len(tail) > len(m.group(1)) - len(note.group(1)) + 1:
                    out.append((k, note.group(1)[k - token_lo :], False))
    last = re.search(r"[A-Za-z0-9+/&-]+$", body)
    glued = [k for k in range(last.start() + 2 if last else len(body), len(body)) if body[k - 1].islower()]
    # a tail of capitals right after a lowercase letter ends a word for certain (StaffHQC3S)
    capital = [
        (k, body[k:], bool(re.fullmatch(r"[A-Z0-9+/&-]+", body[k:]))) for k in glued if body[k].isupper()
    ]
    out.extend(r for r in capital if r[2])
    # Lowercase letters that repeat what follows the head's letter in the first word (D + i of Disaster in
    # …ExerciseiREx) are letters the acronym copied from it: likelier than a capital inside the glued word
    # (REx, which leaves a word `Exercisei`), but not than a tail of capitals only (OrganizationMO is IMO,
    # though n also follows the I of International).
    words = body.split()
    for k in glued:
        run = re.match(r"[a-z]+", body[k:])
        if run and any(w[:1] == head[-1] and w[1 : 1 + len(run.group())] == run.group() for w in words[:1]):
            out.append((k, body[k:], False))
    out.extend(r for r in capital if not r[2])
    return out


def ruby_fit(head: str, tail: str, expansion: str, *, certain: bool) -> str | None:
    """The acronym `head` + `tail` when `expansion` spells it (see ruby_expansion_fits), else None."""
    short = acronym_form(head + tail)
    if not (short and clean_phrase(re.sub(r"\s+", " ", expansion))):
        return None
    # the ruby may annotate only the part after a hyphen (ARF-DiREx: Disaster Relief Exercise)
    named = short.split("-", 1)[1] if "-" in head else short
    return short if any(ruby_expansion_fits(expansion, x, loose=certain) for x in (short, named)) else None
