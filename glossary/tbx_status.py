"""TBX term status: administrativeStatus values as tools write them (the TBX standard's picklists and common
localised spellings), ranked, and mapped to glossary entry statuses."""

from __future__ import annotations

import unicodedata

STATUS_OF = {
    "preferred": "approved",
    "admitted": "proposed",
    "superseded": "deprecated",
    "obsolete": "deprecated",
    "deprecated": "forbidden",
    "forbidden": "forbidden",
    "notrecommended": "deprecated",
}
# administrativeStatus, best first: the main term of a language is its best term. Discouraged terms (rank 3
# and worse) are never allowed variants.
RANK = {
    "preferred": 0,
    "admitted": 1,
    "superseded": 3,
    "obsolete": 3,
    "notrecommended": 3,
    "deprecated": 4,
    "forbidden": 4,
}
NO_STATUS = 2
DISCOURAGED = 3


# administrativeStatus (and normativeAuthorization) values as tools write them, normalised by admin_key,
# to the TBX-Basic name ranked in _RANK: the TBX standard's picklists, then common localised spellings.
ADMIN_VALUES = {
    **{k: k for k in ("preferred", "admitted", "superseded", "obsolete", "notrecommended", "deprecated")},
    "standardized": "preferred",
    "normative": "preferred",
    "legal": "preferred",
    "regulated": "preferred",
    "approved": "preferred",
    "recommended": "preferred",
    "forbidden": "forbidden",
    "prohibited": "forbidden",
    "banned": "forbidden",
    "rejected": "forbidden",
    "donotuse": "forbidden",
    "discouraged": "notrecommended",
    "outdated": "obsolete",
    "proposed": "admitted",
    "allowed": "admitted",
    "permitted": "admitted",
    # German (MultiTerm's localised picklists)
    "bevorzugt": "preferred",
    "empfohlen": "preferred",
    "zugelassen": "admitted",
    "erlaubt": "admitted",
    "nichtempfohlen": "notrecommended",
    "veraltet": "obsolete",
    "abgelehnt": "forbidden",
    "verboten": "forbidden",
    "unzulässig": "forbidden",
    # French, Spanish, Italian
    "privilégié": "preferred",
    "préféré": "preferred",
    "recommandé": "preferred",
    "admis": "admitted",
    "déconseillé": "notrecommended",
    "désuet": "obsolete",
    "obsolète": "obsolete",
    "interdit": "forbidden",
    "rejeté": "forbidden",
    "preferido": "preferred",
    "admitido": "admitted",
    "desaconsejado": "notrecommended",
    "obsoleto": "obsolete",
    "prohibido": "forbidden",
    "preferito": "preferred",
    "ammesso": "admitted",
    "sconsigliato": "notrecommended",
    "vietato": "forbidden",
    # Japanese
    "推奨": "preferred",
    "推奨語": "preferred",
    "優先": "preferred",
    "標準": "preferred",
    "承認": "preferred",
    "許容": "admitted",
    "許容語": "admitted",
    "非推奨": "notrecommended",
    "廃止": "obsolete",
    "旧称": "superseded",
    "禁止": "forbidden",
    "禁止語": "forbidden",
    "使用禁止": "forbidden",
}


def admin_key(value: str) -> str:
    key = unicodedata.normalize("NFKC", value).strip().casefold()
    for suffix in ("-admn-sts", "term", "-"):
        key = key.replace(suffix, "")
    return "".join(ch for ch in key if not ch.isspace() and ch not in "_'")


def admin_status(value: str | None) -> tuple[str | None, str | None]:
    """(the TBX-Basic status name, the value as written when it is not one we know)."""
    if not value or not value.strip():
        return None, None
    known = ADMIN_VALUES.get(admin_key(value))
    return (known, None) if known else (None, value.strip())
