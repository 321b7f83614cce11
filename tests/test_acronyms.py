"""Acronym rules on strings taken from the seeds: definitions in both languages, occurrences, offsets."""

from __future__ import annotations

import pytest

from alignment.parse import Token
from glossary.acronyms import (
    Definition,
    acronym_form,
    find_definitions,
    find_expansion,
    find_occurrences,
    initials_match,
    ja_units,
    schwartz_hearst,
)


def ginza_tokens(text: str) -> tuple[Token, ...]:
    """GiNZA tokens of `text` (the parse the import caches; GiNZA loads once per session)."""
    from alignment.parse import parse_texts

    return parse_texts(None, [text])[0].tokens


def ja_defs(text: str, *, tokens: bool = True) -> list[Definition]:
    return find_definitions(text, "ja", ginza_tokens(text) if tokens else ())


def triples(defs: list[Definition]) -> list[tuple[str | None, str | None, str | None]]:
    return [(d.short, d.ja, d.en) for d in defs]


def check_offsets(text: str, defs: list[Definition]) -> None:
    for d in defs:
        for span, value in ((d.ja_span, d.ja), (d.en_span, d.en)):
            if span:
                assert text[span[0] : span[1]] == value


# --- acronym shape ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "form"),
    [
        ("ＩＦＣ－ＩＯＲ", "IFC-IOR"),
        ("ＲｅＣＡＡＰ", "ReCAAP"),
        ("IPMDA", "IPMDA"),
        ("HA/DR", "HA/DR"),
        ("IP4", "IP4"),
        ("TICAD VI", "TICAD VI"),
        ("A P T", "APT"),
        ("ADMM+", "ADMM+"),
        ("NZ", "NZ"),
        ("ＪＡ－ＬＡＮ　ＥＸ", "JA-LAN EX"),  # two acronyms: the space stays
        ("ISG\ton\tCBM/PD", "ISG on CBM/PD"),  # a short qualifier between them
        ("ADMMプラス", "ADMMプラス"),  # a short katakana qualifier
        ("GPSアンテナ", None),  # a katakana noun is not a qualifier
        ("JIMEX 2020", None),  # a year is not an edition
        ("US UK NZ", None),  # three acronyms are a list
        ("DeepSeek", None),  # two capitals, but a word
        ("Attritable", None),
        ("P1", None),  # a page reference
        ("VI", None),  # a roman numeral
        ("MQ-9B", None),  # an equipment designation
        ("C-130H", None),
        ("ARC21", None),
        ("2+2", None),
        ("イメージ", None),
        ("", None),
    ],
)
def test_acronym_form(text: str, form: str | None) -> None:
    assert acronym_form(text) == form


@pytest.mark.parametrize(
    ("text", "units"),
    [
        ("国連海洋法条約", 4),
        ("ASEANアウトルック", 2),
        ("防衛装備庁", 3),
        ("推移", 1),
        ("のための", 0),
        ("ﾊﾟｰﾄﾅｰｼｯﾌﾟ", 1),
    ],
)
def test_ja_units(text: str, units: int) -> None:
    assert ja_units(text) == units


def test_initials_match() -> None:
    assert initials_match("Indo-Pacific Partnership for Maritime Domain Awareness", "IPMDA")
    assert initials_match("United Nations Convention on the Law of the Sea", "UNCLOS")
    assert initials_match("Fissile Material Cut-off Treaty", "FMCT")
    assert initials_match("Information Fusion Centre – Indian Ocean Region", "IFC-IOR")
    assert not initials_match("Indo-Pacific Oceans Initiative", "IPMDA")
    assert not initials_match("a cooperation initiative for the Global South", "MAHASAGAR")


def test_schwartz_hearst_handles_mixed_case_and_long_forms() -> None:
    window = (
        "through regional initiatives, including the Regional Cooperation Agreement on Combating Piracy "
        "and Armed Robbery against Ships in Asia"
    )
    start = schwartz_hearst(window, "ReCAAP")
    assert window[start:].startswith("Regional Cooperation Agreement")


# --- English ------------------------------------------------------------------------------------------


EN_000 = (
    "(2) Strengthening of domain awareness and of bilateral and regional cooperation towards building a "
    "common maritime picture, through the Information Fusion Centre – Indian Ocean Region (IFC-IOR) and the "
    "Indo-Pacific Partnership for Maritime Domain Awareness (IPMDA)\n"
    "(3) … including the Regional Cooperation Agreement on Combating Piracy and Armed Robbery against Ships "
    "in Asia (ReCAAP)\n"
    "(7) Strengthening of defence research and development cooperation between Japan's Acquisition, "
    "Technology and Logistics Agency (ATLA) and India's Defence Research and Development Organisation (DRDO)\n"
    'The Government of Japan and the Government of India (hereinafter referred to as "the two countries"),\n'
    "the evolved FOIP and India's MAHASAGAR (a cooperation initiative for the Global South and the "
    "Indo-Pacific)\n"
    "(1) More frequent visits (P1) and exercises (NASA)\n"
)


def test_english_definitions_schwartz_hearst() -> None:
    defs = find_definitions(EN_000, "en")
    assert triples(defs) == [
        ("IFC-IOR", None, "Information Fusion Centre – Indian Ocean Region"),
        ("IPMDA", None, "Indo-Pacific Partnership for Maritime Domain Awareness"),
        (
            "ReCAAP",
            None,
            "Regional Cooperation Agreement on Combating Piracy and Armed Robbery against Ships in Asia",
        ),
        ("ATLA", None, "Acquisition, Technology and Logistics Agency"),
        ("DRDO", None, "Defence Research and Development Organisation"),
    ]
    check_offsets(EN_000, defs)


def test_find_expansion_without_parentheses() -> None:
    text = "cooperation through the Indo-Pacific Partnership for Maritime Domain Awareness and others"
    found = find_expansion(text, "IPMDA")
    assert found is not None
    start, end = found
    assert text[start:end] == "Indo-Pacific Partnership for Maritime Domain Awareness"
    assert find_expansion("nothing here spells it", "IPMDA") is None


# --- Japanese (real GiNZA tokens) ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        # the long form starts at the right place: not 日本の…, not the clause before it
        (
            "(７)日本の防衛装備庁（ＡＴＬＡ）とインドの国防研究開発機構（ＤＲＤＯ）との間の防衛研究開発協力の強化",
            [("ATLA", "防衛装備庁", None), ("DRDO", "国防研究開発機構", None)],
        ),
        (
            "(２)インド洋地域情報融合センター（ＩＦＣ－ＩＯＲ）及び海洋状況把握のためのインド太平洋パートナーシップ（ＩＰＭＤＡ）"
            "を通じた、共通海洋状況図の構築に向けた状況把握並びに二国間及び地域的協力の強化",
            [
                ("IFC-IOR", "インド洋地域情報融合センター", None),
                ("IPMDA", "海洋状況把握のためのインド太平洋パートナーシップ", None),
            ],
        ),
        (
            "(３)二国間並びにアジア海賊対策地域協力協定（ＲｅＣＡＡＰ）を含む地域のイニシアティブ",
            [("ReCAAP", "アジア海賊対策地域協力協定", None)],
        ),
        (
            "インド太平洋地域の災害リスクの軽減と備えのための（災害に強靱なインフラに関するコアリション（ＣＤＲＩ）及び"
            "アジア防災センターを含む）二国間及び多国間の協力",
            [("CDRI", "災害に強靱なインフラに関するコアリション", None)],
        ),
        (
            "地域における互いの戦略的優先事項である自由で開かれたインド太平洋（ＦＯＩＰ）及びインド太平洋海洋イニシアティブ"
            "（ＩＰＯＩ）への貢献",
            [("FOIP", "自由で開かれたインド太平洋", None), ("IPOI", "インド太平洋海洋イニシアティブ", None)],
        ),
        (
            "検証が可能な核兵器用核分裂性物質生産禁止条約（ＦＭＣＴ）に関する軍縮会議における交渉",
            [("FMCT", "核兵器用核分裂性物質生産禁止条約", None)],
        ),
        (
            "同志国等との連携強化を効果的に進める観点から、円滑化協定 (RAA)、物品役務相互提供協定 (ACSA)等の制度的枠組み",
            [("RAA", "円滑化協定", None), ("ACSA", "物品役務相互提供協定", None)],
        ),
        (
            "海洋状況把握のためのインド太平洋パートナーシップ（以下「ＩＰＭＤＡ」という。）を推進する。",
            [("IPMDA", "海洋状況把握のためのインド太平洋パートナーシップ", None)],
        ),
        (
            "はケニアで開催された第6回アフリカ開発会議(TICAD VI)の基調演説において",
            [("TICAD VI", "第6回アフリカ開発会議", None)],
        ),
        # acronym first, expanded inside the parenthesis
        (
            "防衛協力・交流の制度的基盤であるACSA(物品役務相互提供協定)、RAA(円滑化協定)の締結",
            [("ACSA", "物品役務相互提供協定", None), ("RAA", "円滑化協定", None)],
        ),
        (
            "多くの本質的な共通点を有するFOIPとAOIP(ASEAN Outlook on the Indo-Pacific)",
            [("AOIP", None, "ASEAN Outlook on the Indo-Pacific")],
        ),
        (
            "光電融合技術によるオール光ネットワーク (APN: All-Photonics Network) など",
            [("APN", "オール光ネットワーク", "All-Photonics Network")],
        ),
        # an expansion printed inside its own acronym by PDF extraction (seed 002)
        (
            "太平洋島嶼国であるパプアニューギニア（PPapua New GuineaNG）及びトンガ",
            [("PNG", "パプアニューギニア", "Papua New Guinea")],
        ),
    ],
)
def test_japanese_definitions(sentence: str, expected: list[tuple[str, str | None, str | None]]) -> None:
    defs = ja_defs(sentence)
    assert triples([d for d in defs if d.short]) == expected
    check_offsets(sentence, defs)


@pytest.mark.parametrize(
    "sentence",
    [
        "地球周回軌道上の物体数の推移 (NASA)",  # a picture credit
        "「自由で開かれたインド太平洋」における防衛省の取組（イメージ）",
        "無人アセット防衛能力^(P1)/宇宙領域^(P5)",
        "日本国とインドの両政府（以下「両国」という。）は、",  # a short name, not an acronym
        "両国の外務・防衛大臣による日印外務・防衛閣僚会合（「２＋２」）及び",
        "陸上総隊司令官と豪陸軍第1師団長との懇談(VTC)",
        "自爆型長距離UAV (シャド型無人機)",  # glosses the compound, not the acronym
        "国連PKOにおける施設活動(道路測量教官の育成)、PKO(施設)に関するオンライン講義",
        "各国はChat GPT、Claude、Gemini(米)、DeepSeek(中)等の生成AIを開発",
    ],
)
def test_parentheses_that_define_nothing(sentence: str) -> None:
    assert [d for d in ja_defs(sentence) if d.short] == []


def test_english_gloss_inside_japanese() -> None:
    text = "の基調演説において、「自由で開かれたインド太平洋」(Free and Open Indo-Pacific)というビジョンを発表した。"
    assert triples(ja_defs(text)) == [(None, "自由で開かれたインド太平洋", "Free and Open Indo-Pacific")]


def test_footnote_definitions_japanese_english_or_both() -> None:
    text = (
        "令和9年度中に無人アセットによる多層的沿岸防衛体制【SHIELD】※を構築。\n"
        "※ SHIELD : Synchronized, Hybrid, Integrated and Enhanced Littoral Defense\n"
        "※1 UAV : Unmanned Aerial Vehicle (無人航空機)\n"
        "※2 ISRT : 情報収集・警戒監視・偵察・ターゲティング Intelligence, Surveillance, Reconnaissance and Targeting\n"
        "※3 Attritable : 「使用後の回収及び再利用を前提としているが、任務上必要であれば損耗を許容可能であること」\n"
        "※ PNT : Positioning・Navigation・Timing\n"
        "※ JPIDD：日・太平洋島嶼国国防大臣会合\n"
        "※ IP4：NATOのインド太平洋パートナー（日、豪、ニュージーランド、韓国）\n"
        "※ ミニラテラル協力：3か国以上の少数の国々の間で実施される連携の形態\n"
    )
    defs = ja_defs(text)
    assert triples(defs) == [
        ("SHIELD", "多層的沿岸防衛体制", None),  # …による is a verb phrase, not a link inside a name
        ("SHIELD", None, "Synchronized, Hybrid, Integrated and Enhanced Littoral Defense"),
        ("UAV", "無人航空機", "Unmanned Aerial Vehicle"),
        (
            "ISRT",
            "情報収集・警戒監視・偵察・ターゲティング",
            "Intelligence, Surveillance, Reconnaissance and Targeting",
        ),
        ("PNT", None, "Positioning・Navigation・Timing"),
        ("JPIDD", "日・太平洋島嶼国国防大臣会合", None),
        ("IP4", "NATOのインド太平洋パートナー", None),
    ]
    check_offsets(text, defs)


def test_without_a_parse_script_runs_stand_in() -> None:
    text = "(７)日本の防衛装備庁（ＡＴＬＡ）とインドの国防研究開発機構（ＤＲＤＯ）との間の協力並びに国連海洋法条約（ＵＮＣＬＯＳ）"
    assert triples(ja_defs(text, tokens=False)) == [
        ("ATLA", "防衛装備庁", None),
        ("DRDO", "国防研究開発機構", None),
        ("UNCLOS", "国連海洋法条約", None),
    ]


def test_offsets_survive_width_changes_before_the_definition() -> None:
    # ㈱ (1 → 3 under NFKC), half-width kana with voiced marks (2 → 1), an emoji (one code point)
    prefix = "㈱ﾃﾞﾓ社😀は、"
    text = prefix + "日本の防衛装備庁（ＡＴＬＡ）と協力する。"
    (d,) = ja_defs(text)
    assert d.short == "ATLA"
    assert d.short_span is not None and d.ja_span is not None
    assert text[d.short_span[0] : d.short_span[1]] == "ＡＴＬＡ"
    assert d.ja == "防衛装備庁" and text[d.ja_span[0] : d.ja_span[1]] == "防衛装備庁"


# --- occurrences --------------------------------------------------------------------------------------


def test_occurrences_full_width_or_not_whole_words_case_kept() -> None:
    text = "ＩＰＭＤＡを推進。IPMDA と IPMDAX は別。APT 攻撃と an apt remark。ＡＳＥＡＮ 主導"
    occ = find_occurrences(text, ["IPMDA", "APT"])
    got = [(text[o.start : o.end], o.short, o.known) for o in occ]
    assert got == [
        ("ＩＰＭＤＡ", "IPMDA", True),
        ("IPMDA", "IPMDA", True),
        ("IPMDAX", "IPMDAX", False),
        ("APT", "APT", True),
        ("ＡＳＥＡＮ", "ASEAN", False),
    ]


def test_spaced_acronyms_are_found_later_as_written_never_joined() -> None:
    text = "ＪＡ－ＬＡＮ　ＥＸの後、JA-LAN\tEXとJA-LANEXとJA-LAN。"
    found = find_occurrences(text, ["JA-LAN EX", "JA-LAN"], bare=False)
    assert [(text[o.start : o.end], o.short) for o in found] == [
        ("ＪＡ－ＬＡＮ　ＥＸ", "JA-LAN EX"),
        ("JA-LAN\tEX", "JA-LAN EX"),
        ("JA-LAN", "JA-LAN"),
    ]


# --- PDF ruby debris ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "short", "ja", "en"),
    [
        # spread over lines, with a parent body's name first
        (
            "欧州地域海上司令部（M\n\nNATO Allied Maritime Command\nARCOM）に",
            "MARCOM",
            "欧州地域海上司令部",
            "NATO Allied Maritime Command",
        ),
        # glued on both sides: the tail of capitals after a lowercase letter is certain (IMO, though n also
        # follows the I of International: letters repeated from the first word do not beat capitals only)
        (
            "国際海事機関（IInternational Maritime OrganizationMO）",
            "IMO",
            "国際海事機関",
            "International Maritime Organization",
        ),
        # a glued tail could start at R (ARF-DREx, leaving a word Exercisei) or at the i that repeats the
        # letter after D in Disaster (ARF-DiREx): the repeated letters win over a capital inside the word
        (
            "ARF災害救援実動演習（ARF-DDisaster Relief ExerciseiREx）",
            "ARF-DiREx",
            "ARF災害救援実動演習",
            "Disaster Relief Exercise",
        ),
        # a capital inside the glued word with no repeated letters before it: the capital starts the tail
        (
            "日英共同演習（JJapan UK Joint ExercisesUKEx）",
            "JUKEx",
            "日英共同演習",
            "Japan UK Joint Exercises",
        ),
        # and the text settles it when it uses the acronym again
        (
            "ARF災害救援実動演習（ARF-DDisaster Relief ExerciseiREx）。ARF-DiRExは毎年",
            "ARF-DiREx",
            "ARF災害救援実動演習",
            "Disaster Relief Exercise",
        ),
        # trailing words qualify the name
        (
            "行動規範（C\nCode of Conduct in the South China Sea\nOC）",
            "COC",
            "行動規範",
            "Code of Conduct in the South China Sea",
        ),
        # a footnote number glued to the tail
        (
            "「日NATO国別パート\nナーシップ協力計画」（I\nIndividual Partnership and Cooperation Programme\nPCP11）",
            "IPCP",
            "日NATO国別パート\nナーシップ協力計画",
            "Individual Partnership and Cooperation Programme",
        ),
        # inside a quoted name: the long form starts at the quotation mark, across a wrapped line
        (
            "「ジェン\nダー視点のNATO委員会（N\n\nNATO Committee on Gender Perspectives\nCGP）年次会合」",
            "NCGP",
            "ジェン\nダー視点のNATO委員会",
            "NATO Committee on Gender Perspectives",
        ),
    ],
)
def test_ruby_debris_definitions(text: str, short: str, ja: str, en: str) -> None:
    (d,) = [d for d in find_definitions(text, "ja") if d.short]
    assert (d.short, d.ja, d.en, d.rule) == (short, ja, en, "ruby")
    check_offsets(text, [d])


@pytest.mark.parametrize(
    "text",
    [
        "資料（A Annual Report on Japan Defense 2024 B）",  # the ends spell nothing the words expand
        "写真（C Courtesy of the Ministry of Defense）",  # no tail
        "（NNATO）",  # one word is not an expansion
    ],
)
def test_ruby_shapes_that_define_nothing(text: str) -> None:
    assert [d for d in find_definitions(text, "ja") if d.rule == "ruby"] == []


def test_occurrences_of_known_acronyms_only() -> None:
    text = "ＡＳＥＡＮとＩＰＭＤＡ"
    assert [o.short for o in find_occurrences(text, ["IPMDA"], bare=False)] == ["IPMDA"]


def test_bare_acronyms_stop_at_a_lowercase_suffix() -> None:
    text = "ASEAN-led frameworks, IFC-IOR and HA/DR"
    assert [text[o.start : o.end] for o in find_occurrences(text, [])] == ["ASEAN", "IFC-IOR", "HA/DR"]


def test_an_acronym_does_not_expand_itself() -> None:
    assert find_expansion("an inter-company cooperation document (TCA) was agreed", "TCA") is None
    assert find_expansion("the Japan-India Maritime Exercise JIMEX", "JIMEX") == (4, 33)


def test_words_of_a_capitalised_title_are_not_acronyms() -> None:
    text = "出典：「日本の海運 SHIPPING NOW 2025-2026」、NASA把握デブリ数、GPS と AI"
    assert [o.short for o in find_occurrences(text, [])] == ["NASA", "GPS", "AI"]
