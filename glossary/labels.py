"""The project's span labels, and GiNZA's extended-ENE labels mapped onto them as a data table."""

from __future__ import annotations

import re
import unicodedata
from types import MappingProxyType

LABELS: tuple[str, ...] = (
    "ORG",
    "GPE",
    "LOC",
    "FACILITY",
    "PERSON",
    "TITLE",
    "LAW",
    "POLICY",
    "EVENT",
    "EQUIPMENT",
    "DATE",
    "QUANTITY",
    "ACRONYM",
    "TERM",
)
"""Every label a span may carry. ACRONYM marks a short form; TERM a long form or glossary term of no
clearer class."""

LABEL_HELP: MappingProxyType[str, str] = MappingProxyType(
    {
        "ORG": "organisation, agency, armed force, ministry, company",
        "GPE": "country, city, province",
        "LOC": "region, sea, island, other place",
        "FACILITY": "port, airport, base, road, building",
        "PERSON": "person",
        "TITLE": "position or office (大臣, 長官)",
        "LAW": "law, treaty, agreement, convention",
        "POLICY": "plan, initiative, vision, doctrine",
        "EVENT": "meeting, conference, exercise, incident",
        "EQUIPMENT": "weapon, vessel, aircraft, system",
        "DATE": "date, period, time",
        "QUANTITY": "number with a unit, money, percentage, count",
        "ACRONYM": "acronym or other short form",
        "TERM": "term of no clearer class (long form of an acronym, glossary term)",
    }
)

# GiNZA 5 (ja_ginza) NER labels. None: not worth suggesting (ordinals are list markers such as (２);
# the biological, culinary and artistic classes only ever fire by mistake on defence text).
GINZA_LABELS: MappingProxyType[str, str | None] = MappingProxyType(
    {
        # organisations
        "Organization": "ORG",
        "Organization_Other": "ORG",
        "International_Organization": "ORG",
        "Political_Organization": "ORG",
        "Political_Organization_Other": "ORG",
        "Political_Party": "ORG",
        "Government": "ORG",
        "Cabinet": "ORG",
        "Military": "ORG",
        "Company": "ORG",
        "Company_Group": "ORG",
        "Corporation_Other": "ORG",
        "Show_Organization": "ORG",
        "Sports_Organization": "ORG",
        "Sports_Organization_Other": "ORG",
        "Pro_Sports_Organization": "ORG",
        "Sports_Federation": "ORG",
        "Sports_League": "ORG",
        "Sports_Team": "ORG",
        "Family": "ORG",
        "Juridical_Person": "ORG",
        "Public_Institution": "ORG",
        "Research_Institute": "ORG",
        "School": "ORG",
        # places
        "Country": "GPE",
        "City": "GPE",
        "Province": "GPE",
        "County": "GPE",
        "GPE": "GPE",
        "GPE_Other": "GPE",
        "Location": "LOC",
        "Location_Other": "LOC",
        "Region": "LOC",
        "Region_Other": "LOC",
        "Continental_Region": "LOC",
        "Domestic_Region": "LOC",
        "Geological_Region": "LOC",
        "Geological_Region_Other": "LOC",
        "Sea": "LOC",
        "Bay": "LOC",
        "Island": "LOC",
        "Mountain": "LOC",
        "River": "LOC",
        "Lake": "LOC",
        "Water_Route": "LOC",
        "Astral_Body_Other": "LOC",
        "Planet": "LOC",
        "Facility": "FACILITY",
        "Facility_Other": "FACILITY",
        "Facility_Part": "FACILITY",
        "GOE_Other": "FACILITY",
        "FOE_Other": "FACILITY",
        "Military_Base": "FACILITY",
        "Port": "FACILITY",
        "Airport": "FACILITY",
        "Station": "FACILITY",
        "Car_Stop": "FACILITY",
        "Road": "FACILITY",
        "Railroad": "FACILITY",
        "Line_Other": "FACILITY",
        "Bridge": "FACILITY",
        "Tunnel": "FACILITY",
        "Canal": "FACILITY",
        "Park": "FACILITY",
        "Museum": "FACILITY",
        "Theater": "FACILITY",
        "Zoo": "FACILITY",
        "Amusement_Park": "FACILITY",
        "Sports_Facility": "FACILITY",
        "Worship_Place": "FACILITY",
        "Archaeological_Place_Other": "FACILITY",
        "Tumulus": "FACILITY",
        "Power_Plant": "FACILITY",
        # people
        "Person": "PERSON",
        "God": "PERSON",
        "Character": "PERSON",
        "Position_Vocation": "TITLE",
        # laws, agreements and plans
        "Law": "LAW",
        "Treaty": "LAW",
        "Rule_Other": "LAW",
        "Plan": "POLICY",
        "Doctrine_Method_Other": "POLICY",
        # events (GiNZA puts exercises under Game, Incident_Other and Event_Other)
        "Event_Other": "EVENT",
        "Occasion_Other": "EVENT",
        "Conference": "EVENT",
        "Game": "EVENT",
        "Competition": "EVENT",
        "Incident_Other": "EVENT",
        "War": "EVENT",
        "Election": "EVENT",
        "Natural_Disaster": "EVENT",
        "Earthquake": "EVENT",
        "Religious_Festival": "EVENT",
        # equipment
        "Weapon": "EQUIPMENT",
        "Aircraft": "EQUIPMENT",
        "Ship": "EQUIPMENT",
        "Spaceship": "EQUIPMENT",
        "Car": "EQUIPMENT",
        "Train": "EQUIPMENT",
        "Vehicle_Other": "EQUIPMENT",
        "Product_Other": "EQUIPMENT",
        # time
        "Date": "DATE",
        "Era": "DATE",
        "Time": "DATE",
        "Day_Of_Week": "DATE",
        "Period_Day": "DATE",
        "Period_Week": "DATE",
        "Period_Month": "DATE",
        "Period_Year": "DATE",
        "Period_Time": "DATE",
        "Periodx_Other": "DATE",
        "Timex_Other": "DATE",
        "Time_Top_Other": "DATE",
        # quantities
        "Money": "QUANTITY",
        "Percent": "QUANTITY",
        "Physical_Extent": "QUANTITY",
        "Volume": "QUANTITY",
        "Weight": "QUANTITY",
        "Speed": "QUANTITY",
        "Temperature": "QUANTITY",
        "Frequency": "QUANTITY",
        "Intensity": "QUANTITY",
        "Measurement_Other": "QUANTITY",
        "Multiplication": "QUANTITY",
        "Numex_Other": "QUANTITY",
        "Calorie": "QUANTITY",
        "Point": "QUANTITY",
        "Age": "QUANTITY",
        "Countx_Other": "QUANTITY",
        "N_Country": "QUANTITY",
        "N_Person": "QUANTITY",
        "N_Organization": "QUANTITY",
        "N_Facility": "QUANTITY",
        "N_Event": "QUANTITY",
        "N_Product": "QUANTITY",
        "N_Location_Other": "QUANTITY",
        "N_Animal": "QUANTITY",
        "N_Flora": "QUANTITY",
        "N_Natural_Object_Other": "QUANTITY",
        # not suggested
        "Ordinal_Number": None,
        "Rank": None,
        "ID_Number": None,
        "Phone_Number": None,
        "Email": None,
        "URL": None,
        "Postal_Address": None,
        "Latitude_Longtitude": None,
        "Name_Other": None,
    }
)


_NUMERAL = re.compile(r"[0-9０-９一二三四五六七八九十百千万億兆両数半何]")
_TIME_WORD = re.compile(r"[年月日時週代紀期間春夏秋冬朝夜]|今|昨|翌|来|当時|現在|将来|過去")


def plausible(label: str, text: str) -> bool:
    """Whether GiNZA's entity text can be of that label at all: a QUANTITY has a numeral and a DATE a
    numeral or a time word (GiNZA calls インド洋地域情報 an N_Country, i.e. a count of countries)."""
    if label == "QUANTITY":
        return bool(_NUMERAL.search(text))
    if label == "DATE":
        return bool(_NUMERAL.search(text) or _TIME_WORD.search(text))
    return True


def ginza_label(ene: str) -> str | None:
    """The project label for a GiNZA label, or None when such entities are not suggested.

    Labels missing from the table (biology, food, art, …) are dropped rather than guessed.
    """
    return GINZA_LABELS.get(ene)


# Head words that give a long form or term its class: the last matching suffix decides.
# Checked on the NFKC text, Japanese by suffix, English by the last word.
_JA_HEADS: tuple[tuple[str, str], ...] = (
    ("条約", "LAW"),
    ("協定", "LAW"),
    ("取極", "LAW"),
    ("法", "LAW"),
    ("憲章", "LAW"),
    ("決議", "LAW"),
    ("覚書", "LAW"),
    ("宣言", "LAW"),
    ("構想", "POLICY"),
    ("イニシアティブ", "POLICY"),
    ("イニシアチブ", "POLICY"),
    ("ビジョン", "POLICY"),
    ("戦略", "POLICY"),
    ("計画", "POLICY"),
    ("アウトルック", "POLICY"),
    ("パートナーシップ", "POLICY"),
    ("インド太平洋", "POLICY"),
    ("庁", "ORG"),
    ("省", "ORG"),
    ("局", "ORG"),
    ("機構", "ORG"),
    ("機関", "ORG"),
    ("センター", "ORG"),
    ("理事会", "ORG"),
    ("委員会", "ORG"),
    ("評議会", "ORG"),
    ("連合", "ORG"),
    ("同盟", "ORG"),
    ("コアリション", "ORG"),
    ("軍", "ORG"),
    ("隊", "ORG"),
    ("部", "ORG"),
    ("研究所", "ORG"),
    ("連邦", "GPE"),
    ("会議", "EVENT"),
    ("会合", "EVENT"),
    ("会談", "EVENT"),
    ("対話", "EVENT"),
    ("フォーラム", "EVENT"),
    ("訓練", "EVENT"),
    ("演習", "EVENT"),
    ("サミット", "EVENT"),
    ("航空機", "EQUIPMENT"),
    ("ミサイル", "EQUIPMENT"),
    ("艦", "EQUIPMENT"),
    ("レーダー", "EQUIPMENT"),
    ("ビークル", "EQUIPMENT"),
    ("空中線", "EQUIPMENT"),
    ("システム", "EQUIPMENT"),
    ("衛星", "EQUIPMENT"),
)
_EN_HEADS: MappingProxyType[str, str] = MappingProxyType(
    {
        "treaty": "LAW",
        "agreement": "LAW",
        "convention": "LAW",
        "act": "LAW",
        "law": "LAW",
        "charter": "LAW",
        "protocol": "LAW",
        "memorandum": "LAW",
        "arrangement": "LAW",
        "resolution": "LAW",
        "declaration": "LAW",
        "initiative": "POLICY",
        "outlook": "POLICY",
        "vision": "POLICY",
        "strategy": "POLICY",
        "plan": "POLICY",
        "partnership": "POLICY",
        "indo-pacific": "POLICY",
        "agency": "ORG",
        "organisation": "ORG",
        "organization": "ORG",
        "centre": "ORG",
        "center": "ORG",
        "council": "ORG",
        "coalition": "ORG",
        "ministry": "ORG",
        "department": "ORG",
        "command": "ORG",
        "force": "ORG",
        "forces": "ORG",
        "guard": "ORG",
        "navy": "ORG",
        "army": "ORG",
        "association": "ORG",
        "union": "ORG",
        "institute": "ORG",
        "bureau": "ORG",
        "office": "ORG",
        "committee": "ORG",
        "nations": "ORG",
        "emirates": "GPE",
        "meeting": "EVENT",
        "conference": "EVENT",
        "dialogue": "EVENT",
        "forum": "EVENT",
        "talks": "EVENT",
        "exercise": "EVENT",
        "summit": "EVENT",
        "group": "ORG",
        "vehicle": "EQUIPMENT",
        "missile": "EQUIPMENT",
        "system": "EQUIPMENT",
        "antenna": "EQUIPMENT",
        "aircraft": "EQUIPMENT",
        "radar": "EQUIPMENT",
        "network": "EQUIPMENT",
        "satellite": "EQUIPMENT",
    }
)
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uf900-\ufaff]")
_EN_WORD = re.compile(r"[A-Za-z][A-Za-z'’-]*")
# An English name's head is its last word before a preposition or a dash: Regional Cooperation
# *Agreement* on Combating Piracy…, Information Fusion *Centre* – Indian Ocean Region.
_EN_TAIL = re.compile(
    r"\s+(?:of|on|for|in|against|between|to|at|under|with|and the)\s.*$|\s+[-–—]\s.*$", re.I
)


def head_label(text: str, default: str = "TERM") -> str:
    """The class a term's head word suggests (`…協定` → LAW, `… Agency` → ORG), else `default`."""
    t = unicodedata.normalize("NFKC", text).strip()
    if t and not _CJK.search(t):
        words = _EN_WORD.findall(_EN_TAIL.sub("", t))
        return _EN_HEADS.get(words[-1].lower(), default) if words else default
    best: tuple[int, str] | None = None
    for suffix, label in _JA_HEADS:
        if t.endswith(suffix) and (best is None or len(suffix) > best[0]):
            best = (len(suffix), label)
    return best[1] if best else default
